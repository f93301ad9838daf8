#!/usr/bin/env bash
# Compiles the CUDA generated for one xfuse graph, the way CI checks every
# example without a GPU: one nvcc invocation, warnings as errors, both
# architectures.
#   nvcc-compile.sh <xfuse-translate> <nvcc> <repo root> <graph.mlir> <out dir>
set -euo pipefail
translate=$1 nvcc=$2 root=$3 graph=$4 out=$5
name=$(basename "$graph" .mlir)
mkdir -p "$out"
"$translate" --xfuse-pipeline=sm_90a --emit-cuda-header "$graph" -o "$out/$name.h"
"$translate" --xfuse-pipeline=sm_90a --emit-cuda --xfuse-header="$name.h" \
  "$graph" -o "$out/$name.cu"
"$nvcc" -std=c++17 -I"$root" -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror \
  -gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90a,code=sm_90a \
  -c "$out/$name.cu" -o "$out/$name.o"
