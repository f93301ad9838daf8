#!/usr/bin/env bash
# Builds and runs the GPU tests of the CUDA side (runtime/, cuda/device/,
# tests/gpu/) without MLIR.
#
#   scripts/gpu-check.sh build   Configure and build with nvcc into
#                                $XFUSE_GPU_BUILD_DIR (default build-gpu/) and
#                                copy the test binaries to <build>/bin. Needs
#                                no GPU. The binaries link the CUDA runtime
#                                statically, so <build>/bin can be copied to a
#                                GPU machine whose driver supports CUDA 13.
#                                Where build/bin holds xfuse-opt and
#                                xfuse-translate (or $XFUSE_PREGENERATED_DIR
#                                holds generated .cu/.h, those of sm_80
#                                plans in its sm_80/) it also builds the
#                                generated-kernel tests and the example app
#                                (tests/gpu/generated, examples/app), those
#                                of sm_80 plans as compute_80 PTX included.
#   scripts/gpu-check.sh run     On a GPU machine: run every test binary in
#                                <build>/bin twice, on the inputs of fixed
#                                seeds and on those of a random
#                                XFUSE_TEST_SEED that it prints (set it to
#                                replay a run's second pass), then
#                                compute-sanitizer memcheck and racecheck on a
#                                representative subset, and print a summary
#                                table last. Exits non-zero if no GPU is
#                                visible, if anything failed, or if any test
#                                skipped (a skipped GPU test proves nothing
#                                on the machine meant to run it).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_GPU_BUILD_DIR:-$root/build-gpu}
bin=$build/bin
mode=${1:-build}

build() {
  set -e
  local nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
  cmake -S "$root/runtime" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CUDA_COMPILER="$nvcc"
  # One job by default: nvcc instantiates many kernels per translation unit
  # and the build machines are shared ($XFUSE_GPU_JOBS overrides it).
  local jobs=${XFUSE_GPU_JOBS:-1}
  cmake --build "$build" -j"$jobs"
  mkdir -p "$bin"
  cp "$build/tests-gpu/xfuse_runtime_tests" "$build/tests-gpu/xfuse_gpu_tests" \
    "$build/tests-gpu/xfuse_gpu_sm90_tests" "$bin/"
  local tools=${XFUSE_TOOLS_DIR:-$root/build/bin}
  if [[ -n ${XFUSE_PREGENERATED_DIR:-} || -x $tools/xfuse-translate ]]; then
    cmake -S "$root/tests/gpu/generated" -B "$build/generated" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_COMPILER="$nvcc" \
      -DXFUSE_TOOLS_DIR="$tools" \
      -DXFUSE_PREGENERATED_DIR="${XFUSE_PREGENERATED_DIR:-}"
    cmake --build "$build/generated" -j"$jobs"
    cp "$build/generated/xfuse_generated_tests" \
      "$build/generated/sm80/xfuse_generated_sm80_tests" \
      "$build/generated/app/xfuse_example_app" "$bin/"
  else
    echo "no xfuse-translate in $tools: skipping the generated-kernel tests"
  fi
  du -sh "$bin"
}

# The sanitizers slow kernels 10-100x: they get the GEMMs (cp.async, ldmatrix,
# shared-memory pipelines, the RoPE epilogue), one of each PE kernel, the
# RoPE chains and the packing transpose.
readonly memcheck_filter='Gemm.*:GemmRope.*:GemmSimt.*:LearnedPE.*:RoPE.InPlace:RopeChain.*:PackedWeight.*'
# The Hopper GEMM: both staged-store schedules (shared-memory buffers
# handed between the consumers and the TMA unit), the cluster pairs
# (multicast into each other's stages, arrivals on each other's barriers),
# the 192-wide tiles, the RoPE epilogue and the periodic source (copied by
# TMA into the store buffers the epilogue then writes).
readonly hopper_filter='Sm90Gemm.StagedStores*:Sm90Gemm.StagedPingPong*:Sm90Gemm.Cluster*:Sm90Gemm.Tile192*:Sm90GemmRope.NeoxHead128StagedBias:Sm90GemmRope.PartialGptjHead192PingPongTile192:Sm90GemmPeriodicSource.*'
readonly racecheck_filter='Gemm.GeGluNarrowTileF16ToF32:Gemm.PlainBf16ToF32:PackedWeight.*'
# Generated kernels: one small case per graph (RowChain's block reduction is
# new shared-memory code; of the wiring tables, the RoPE rows with per-call
# tables or three position rows, the f16 FFNs and the PE rows), CUDA-graph
# replays, the rejected calls, the swapped decode GEMMs (split-K summed
# through distributed shared memory) and the folded encoding; not the capture that is meant to fail on a
# cudaMalloc, which memcheck reports as an API error.
readonly generated_filter='*/TokenCount.*/1:*/BatchCount.*/1:*/Rows.*/1:*/Batches.*/1:PlanContract/Tokens.*/1:PlanContract.Decode16*:PlanContract.ReshapeRopeStatic:PlanContract.FoldedEncodingFfn:*/RopeScalingBatches.*/1:*/ModelVariantBatches.*/1:CudaGraph.*:ArgumentChecks.*:Positions.*:Wiring/RopeWiring.*/longrope_*_1:Wiring/RopeWiring.*/mrope_*_1:Wiring/*FfnWiring.*/*_f16_*_1:Wiring/PeWiring.*/*_1:DecodeSwapped.SixteenTokenFfn:DecodeSwapped.EightTokenGatedFfn-CudaGraph.UnsizedWorkspaceFailsCapture'

declare -a rows=()
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() { # step NAME COMMAND...
  local name=$1 start rc skipped
  shift
  echo "=== $name: $*"
  start=$(date +%s)
  timeout 300 "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # GoogleTest's per-test skip lines, and the example app's own.
  skipped=$(grep -cE '^\[  SKIPPED \] .*\([0-9]+ ms\)$|^SKIPPED' "$log")
  local status=PASS
  if [[ $rc -ne 0 ]]; then
    status="FAIL (exit $rc)" && failed=1
  elif [[ $skipped -ne 0 ]]; then
    status="FAIL ($skipped skipped)" && failed=1
  fi
  rows+=("$(printf '%-44s %-20s %5ss' "$name" "$status" $(($(date +%s) - start)))")
}

# A GoogleTest suite, on the inputs of the fixed seeds (each test's name)
# and again on those of $seed.
suite() { # suite NAME BINARY
  step "$1" env -u XFUSE_TEST_SEED "$2"
  step "$1, seed $seed" env XFUSE_TEST_SEED="$seed" "$2"
}

run() {
  [[ -x $bin/xfuse_gpu_tests ]] || { echo "no $bin/xfuse_gpu_tests; run '$0 build' first" >&2; exit 2; }
  if ! nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; then
    echo "no GPU visible (nvidia-smi failed): nothing to check here" >&2
    exit 2
  fi
  seed=${XFUSE_TEST_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
  echo "random inputs of XFUSE_TEST_SEED=$seed in the second pass of each suite"
  # The sm_80 plans run as PTX that the driver compiles on first use: a cache
  # that holds all of it keeps the second pass from compiling again.
  export CUDA_CACHE_MAXSIZE=$((4 << 30))
  suite "runtime tests" "$bin/xfuse_runtime_tests"
  suite "gpu tests" "$bin/xfuse_gpu_tests"
  suite "hopper gemm tests" "$bin/xfuse_gpu_sm90_tests"
  if [[ -x $bin/xfuse_generated_tests ]]; then
    suite "generated kernels tests" "$bin/xfuse_generated_tests"
    suite "sm_80 plans (PTX) tests" "$bin/xfuse_generated_sm80_tests"
    step "example app" "$bin/xfuse_example_app"
  fi
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
  step "memcheck (subset)" "$sanitizer" --tool memcheck --error-exitcode 1 \
    "$bin/xfuse_gpu_tests" --gtest_filter="$memcheck_filter"
  step "racecheck (subset)" "$sanitizer" --tool racecheck --error-exitcode 1 \
    "$bin/xfuse_gpu_tests" --gtest_filter="$racecheck_filter"
  step "memcheck (hopper gemm)" "$sanitizer" --tool memcheck --error-exitcode 1 \
    "$bin/xfuse_gpu_sm90_tests" --gtest_filter="$hopper_filter"
  step "racecheck (hopper gemm)" "$sanitizer" --tool racecheck --error-exitcode 1 \
    "$bin/xfuse_gpu_sm90_tests" --gtest_filter="$hopper_filter"
  if [[ -x $bin/xfuse_generated_tests ]]; then
    step "memcheck (generated)" "$sanitizer" --tool memcheck --error-exitcode 1 \
      "$bin/xfuse_generated_tests" --gtest_filter="$generated_filter"
    step "racecheck (generated)" "$sanitizer" --tool racecheck --error-exitcode 1 \
      "$bin/xfuse_generated_tests" --gtest_filter="$generated_filter"
  fi
  echo
  echo "=== summary (second passes: XFUSE_TEST_SEED=$seed)"
  printf '%-44s %-20s %6s\n' step result time
  printf '%s\n' "${rows[@]}"
  exit $failed
}

case $mode in
  build) build ;;
  run) run ;;
  *) echo "usage: $0 [build|run]" >&2; exit 2 ;;
esac
