#!/usr/bin/env bash
# Runs the whole test suite (lit + FileCheck, CPU numeric checks through
# mlir-runner, GoogleTest) and ends with ctest's summary. GPU tests skip
# with a message where no GPU exists.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_BUILD_DIR:-$root/build}

"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure
