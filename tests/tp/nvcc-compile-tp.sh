#!/usr/bin/env bash
# Compiles the CUDA generated for a tensor-parallel graph, as CI checks the
# examples without a GPU (tests/codegen/nvcc-compile.sh): warnings as
# errors, for sm_90a and sm_80 plans, with each collective: an all-reduce
# (row blocks) and a reduce-scatter (and its all-gather).
#   nvcc-compile-tp.sh <xfuse-opt> <xfuse-translate> <nvcc> <nccl include dir>
#                      <repo root> <graph.mlir> <out dir>
set -euo pipefail
opt=$1 translate=$2 nvcc=$3 nccl=$4 root=$5 graph=$6 out=$7
name=$(basename "$graph" .mlir)
mkdir -p "$out"
for target in sm_90a sm_80; do
  for collective in all-reduce reduce-scatter; do
    stem="$out/$name.$target.$collective"
    "$opt" "$graph" -o "$stem.kernels.mlir" --xfuse-pipeline="target=$target \
tensor-parallel=2 tensor-parallel-collective=$collective"
    "$translate" --emit-cuda-header "$stem.kernels.mlir" -o "$stem.h"
    "$translate" --emit-cuda --xfuse-header="$(basename "$stem.h")" \
      "$stem.kernels.mlir" -o "$stem.cu"
    arch=${target#sm_}
    "$nvcc" -std=c++17 -I"$root" -I"$nccl" -Werror all-warnings \
      -Xcompiler -Wall,-Wextra,-Werror \
      -gencode=arch=compute_$arch,code=sm_$arch -c "$stem.cu" -o "$stem.o"
  done
done
