#!/usr/bin/env bash
# Compiles the CUDA generated for one xfuse graph, the way CI checks every
# example without a GPU: warnings as errors, once per target. Each target
# gets its own plans, since sm_90a plans may run on the Hopper GEMM
# (TMA + wgmma), which only sm_90a can assemble. Writes <name>.cu/.h/.o
# (sm_90a) and <name>.sm_80.cu/.h/.o.
#   nvcc-compile.sh <xfuse-translate> <nvcc> <repo root> <graph.mlir> <out dir>
set -euo pipefail
translate=$1 nvcc=$2 root=$3 graph=$4 out=$5
name=$(basename "$graph" .mlir)
mkdir -p "$out"
for target in sm_90a sm_80; do
  stem="$out/$name"
  [[ $target == sm_90a ]] || stem+=".$target"
  "$translate" --xfuse-pipeline=$target --emit-cuda-header "$graph" -o "$stem.h"
  "$translate" --xfuse-pipeline=$target --emit-cuda \
    --xfuse-header="$(basename "$stem.h")" "$graph" -o "$stem.cu"
  arch=${target#sm_}
  "$nvcc" -std=c++17 -I"$root" -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror \
    -gencode=arch=compute_$arch,code=sm_$arch -c "$stem.cu" -o "$stem.o"
done
