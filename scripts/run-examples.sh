#!/usr/bin/env bash
# The main job: compiles every graph in examples/ as far as the pipeline goes
# (fusion into GPU kernels with launch, weight-packing and memory plans, and
# the fusion report), then runs each graph on the CPU unfused and fused, with
# fresh random inputs, against the float64 reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_BUILD_DIR:-$root/build}
target=${XFUSE_TARGET:-sm_90a}

"$root/scripts/build.sh"
out="$build/examples"
mkdir -p "$out"
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
  "$build/bin/xfuse-reference-check" \
      --fused-pipeline="xfuse-pipeline{target=$target},xfuse-inline-kernels" "$graph" || status=1
done
exit $status
