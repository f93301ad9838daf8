#!/usr/bin/env bash
# Installs xfuse from a configured and built build directory into a
# temporary prefix, then builds examples/app against that prefix alone
# (find_package(xfuse) through CMAKE_PREFIX_PATH, no path into the source
# tree or the build directory) and runs it: its CPU part everywhere, its GPU
# part where a GPU is. Exits non-zero if any step fails.
#
#   tests/install/run.sh [<build dir, default build/>]
#
# XFUSE_INSTALL_TEST_DIR keeps the prefix and the app's build there instead
# of a temporary directory that is removed at exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
if [[ -n ${XFUSE_INSTALL_TEST_DIR:-} ]]; then
  work=$XFUSE_INSTALL_TEST_DIR
  rm -rf "$work" && mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
prefix=$work/prefix
nvcc=${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}

echo "=== install into $prefix"
cmake --install "$build" --prefix "$prefix"
for file in bin/xfuse-opt bin/xfuse-translate lib/libxfuse_runtime.a \
            include/xfuse/runtime/Status.h include/xfuse/cuda/device/Gemm.h \
            include/xfuse/cuda/host/EntryPoint.h share/doc/xfuse/README.md \
            lib/cmake/xfuse/xfuseConfig.cmake \
            lib/cmake/xfuse/xfuseConfigVersion.cmake; do
  [[ -e $prefix/$file ]] || { echo "missing from the install: $file" >&2; exit 1; }
done
"$prefix/bin/xfuse-opt" --version >/dev/null

# A copy of the app alone, so that nothing can resolve into the source tree.
echo "=== build examples/app against $prefix only"
app=$work/app-src
mkdir -p "$app/examples" "$app/tests"
cp -r "$root/examples/app" "$app/examples/app"
cp "$root"/examples/*.mlir "$app/examples/"
cp -r "$root/tests/reference" "$app/tests/reference"
cmake -S "$app/examples/app" -B "$work/app-build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_COMPILER="$nvcc" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
leaks=$(grep "$root\|$build" "$work/app-build/CMakeCache.txt" | grep -v "$work" || true)
if [[ -n $leaks ]]; then
  echo "the app's configuration refers to the source or build tree:" >&2
  echo "$leaks" >&2
  exit 1
fi
nice cmake --build "$work/app-build" -j "${XFUSE_INSTALL_TEST_JOBS:-2}"

echo "=== run the app"
"$work/app-build/xfuse_example_app"
