#!/usr/bin/env bash
# Configures and builds xfuse into build/ (or $XFUSE_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DXFUSE_REQUIRE_CUDA="$([[ ${CI:-false} == true ]] && echo ON || echo OFF)"
fi
cmake --build "$build"
