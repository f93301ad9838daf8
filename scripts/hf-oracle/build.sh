#!/usr/bin/env bash
# Builds the oracle library that run.py checks against transformers on a GPU
# machine: every config of tests/import/configs imported by xfuse-import,
# compiled by the pipeline for sm_90a, its entry points wrapped for ctypes.
#
#   scripts/hf-oracle/build.sh [OUT]     (default OUT: build-hf-oracle/)
#
# Needs build/bin/{xfuse-import,xfuse-opt,xfuse-translate} and nvcc, no GPU.
# OUT/lib/libxfuse_hf_oracle.so links the CUDA runtime statically; OUT/graphs
# holds the imported graphs and OUT/manifests what run.py needs of each.
# Each config gives the graph of its dtype, all parts ("native"); a rotary
# model not in float32 also an f32 graph of its q/k part (the cos/sin check),
# and a float32 model also a bf16 graph of all parts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build-hf-oracle}
tools=${XFUSE_TOOLS_DIR:-$root/build/bin}
nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
jobs=${XFUSE_ORACLE_JOBS:-2}
mkdir -p "$out"/{graphs,generated,manifests,objects,lib}

# generate MODEL VARIANT CONFIG [IMPORT FLAGS...]: the graph, its kernels,
# header, wrapper and manifest; files whose content did not change keep their
# time stamps, so that a rebuild compiles only what changed.
generate() {
  local model=$1 variant=$2 config=$3
  shift 3
  local stem=$model.$variant prefix scratch
  prefix=$(tr -c 'a-zA-Z0-9\n' '_' <<<"${model}_$variant")
  # A fixed scratch path: the generated sources quote it.
  scratch=$out/scratch/$stem
  mkdir -p "$scratch"
  "$tools/xfuse-import" "$config" --name="$prefix" "$@" -o "$scratch/$stem.mlir"
  "$tools/xfuse-opt" "$scratch/$stem.mlir" --xfuse-pipeline="target=sm_90a" \
    -o "$scratch/$stem.kernels.mlir"
  "$tools/xfuse-translate" --emit-cuda-header "$scratch/$stem.kernels.mlir" \
    -o "$scratch/$stem.h"
  "$tools/xfuse-translate" --emit-cuda --xfuse-header="$stem.h" \
    "$scratch/$stem.kernels.mlir" -o "$scratch/$stem.cu"
  python3 "$root/scripts/hf-oracle/wrap_entry_points.py" "$scratch/$stem.mlir" \
    "$scratch/$stem.h" "$scratch/$stem.oracle.cu" "$scratch/$stem.json"
  keep() { cmp -s "$1" "$2" || cp "$1" "$2"; }
  keep "$scratch/$stem.mlir" "$out/graphs/$stem.mlir"
  keep "$scratch/$stem.json" "$out/manifests/$stem.json"
  for file in "$stem.h" "$stem.cu" "$stem.oracle.cu"; do
    keep "$scratch/$file" "$out/generated/$file"
  done
}

for config in "$root"/tests/import/configs/*.json; do
  model=$(basename "$config" .json)
  generate "$model" native "$config"
  native_type=$(grep -o 'tensor<?x[0-9]*x\(bf16\|f16\|f32\)>' \
    "$out/graphs/$model.native.mlir" | head -1 | sed 's/.*x\([a-z0-9]*\)>/\1/')
  if [[ $native_type == f32 ]]; then
    generate "$model" bf16 "$config" --dtype=bf16
  elif grep -q 'xfuse.rope' "$out/graphs/$model.native.mlir"; then
    generate "$model" f32 "$config" --dtype=f32 --parts=qk
  fi
done

# The runtime library, position-independent, for sm_90a only.
cmake -S "$root/runtime" -B "$out/runtime" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CUDA_COMPILER="$nvcc" -DXFUSE_BUILD_GPU_TESTS=OFF \
  -DXFUSE_CUDA_ARCHITECTURES=90a-real >/dev/null
cmake --build "$out/runtime" --target xfuse_runtime -j "$jobs"

compile() { # compile SOURCE: its object, unless that is newer
  local object=$out/objects/$(basename "$1" .cu).o
  [[ -f $object && $object -nt $1 ]] && return
  nice "$nvcc" -std=c++17 -O3 -Xcompiler -fPIC \
    -gencode=arch=compute_90a,code=sm_90a \
    -I"$root" -I"$out/generated" -c "$1" -o "$object"
}
export -f compile
export nvcc root out
sources=("$out"/generated/*.cu)
printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} bash -c 'compile {}'
objects=()
for source in "${sources[@]}"; do
  objects+=("$out/objects/$(basename "$source" .cu).o")
done
"$nvcc" -shared -cudart static -gencode=arch=compute_90a,code=sm_90a \
  -o "$out/lib/libxfuse_hf_oracle.so" "${objects[@]}" \
  "$out/runtime/libxfuse_runtime.a"
du -sh "$out/lib/libxfuse_hf_oracle.so"
echo "built $out; on the GPU machine: python3 scripts/hf-oracle/run.py" \
  "--build $(realpath --relative-to="$root" "$out") --out \$OUT"
