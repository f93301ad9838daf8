#!/usr/bin/env bash
# Profiles the xfuse kernels of bench configs with Nsight Compute, on the GPU
# machine with bench/build carried (see docs/benchmarks.md):
#   bench/profile.sh CONFIG [CONFIG...]
# (XFUSE_BENCH_BINARY picks another build of bench/e2e.)
# One ncu pass per config over the first call of that config (the checked
# one): every kernel of the call, the sections that say where time goes.
# Reports (text) go to $OUT, else bench/results.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/results}"
mkdir -p "$out"
for config in "$@"; do
  # Kernels per call: at most 4 in any config (PE + 2 GEMMs + memset).
  ncu --target-processes all --clock-control none \
      -k 'regex:(elementwiseKernel|gemmSm90Kernel|rowChainKernel|gemmKernel|dynamicNtk)' -c 4 \
      --section SpeedOfLight --section MemoryWorkloadAnalysis \
      --section Occupancy --section WarpStateStats --section SchedulerStats \
      --section LaunchStats --section ComputeWorkloadAnalysis \
      python3 bench/run_bench.py --configs "$config" --no-peers \
      --binary "${XFUSE_BENCH_BINARY:-bench/build/xfuse_e2e_bench}" \
      --out "$(mktemp -d)" >"$out/ncu-$config.txt" 2>&1 ||
    { echo "ncu failed on $config:"; tail -20 "$out/ncu-$config.txt"; }
  grep -E '^  [a-zA-Z_]|Duration|DRAM Throughput|Memory Throughput|Compute \(SM\)|Achieved Occupancy|Registers Per|Waves Per SM|Block Limit|Warp Cycles Per Issued|Issued Ipc|L2 Cache Throughput' \
    "$out/ncu-$config.txt" || true
done
