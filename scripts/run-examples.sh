#!/usr/bin/env bash
# The main job: compiles every graph in examples/ end to end (fusion into GPU
# kernels with launch, weight-packing and memory plans and the fusion report;
# CUDA source and header; nvcc for sm_80 and sm_90a), runs each graph on the
# CPU unfused and fused against the float64 reference with fresh random
# inputs, and, where a GPU exists, runs the generated kernels against the
# same reference (scripts/gpu-check.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_BUILD_DIR:-$root/build}
target=${XFUSE_TARGET:-sm_90a}

"$root/scripts/build.sh"
out="$build/examples"
mkdir -p "$out"
nvcc=${NVCC:-/usr/local/cuda/bin/nvcc}
status=0
for graph in "$root"/examples/*.mlir; do
  name=$(basename "$graph" .mlir)
  echo "== $name ($target)"
  if ! "$build/bin/xfuse-opt" "$graph" --xfuse-pipeline="target=$target report=true" \
         -o "$out/$name.kernels.mlir" 2> "$out/$name.report.txt"; then
    cat "$out/$name.report.txt"
    status=1
    continue
  fi
  grep -E "remark: kernel|remark: .*kernels" "$out/$name.report.txt" | sed 's/^.*remark: /   /' || true
  echo "   kernel plan: $out/$name.kernels.mlir"
  if [[ -x $nvcc ]]; then
    if "$root/tests/codegen/nvcc-compile.sh" "$build/bin/xfuse-translate" "$nvcc" \
         "$root" "$graph" "$out" > "$out/$name.nvcc.txt" 2>&1; then
      echo "   CUDA: $out/$name.cu, $out/$name.h (nvcc sm_80 + sm_90a: ok)"
    else
      cat "$out/$name.nvcc.txt"
      status=1
    fi
  else
    echo "   CUDA: skipped, no nvcc at $nvcc"
  fi
  "$build/bin/xfuse-reference-check" \
      --fused-pipeline="xfuse-pipeline{target=$target},xfuse-inline-kernels" "$graph" || status=1
done

if command -v nvidia-smi > /dev/null && nvidia-smi -L > /dev/null 2>&1; then
  echo "== generated kernels on $(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)"
  "$root/scripts/gpu-check.sh" build && "$root/scripts/gpu-check.sh" run || status=1
else
  echo "== no GPU here: the generated kernels were compiled, not run (scripts/gpu-check.sh runs them on one)"
fi
exit $status
