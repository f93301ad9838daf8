#!/usr/bin/env bash
# Builds xfuse's libFuzzer targets (tests/fuzz) into build-fuzz/ with clang,
# ASan and UBSan, and runs each for a bounded time from its corpus in the
# repository. Fails on any finding: a crash, a sanitizer report, a failed
# assertion, a pass that leaves invalid IR, an input that runs past
# $timeout seconds or past $rss_limit_mb of memory. See docs/fuzzing.md.
#
#   scripts/fuzz.sh [seconds-per-target]   run each target (default 60 s)
#   scripts/fuzz.sh --reseed               re-derive tests/fuzz/corpus from
#                                          examples/ and tests/ and the old
#                                          corpus, minimized
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XFUSE_FUZZ_BUILD_DIR:-$root/build-fuzz}
targets=(xfuse-to-linalg-fuzzer xfuse-emit-cuda-fuzzer)
readonly timeout=20 rss_limit_mb=4096 max_len=16384

"$root/scripts/setup.sh" clang-22 libclang-rt-22-dev
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DXFUSE_FUZZ=ON
fi
cmake --build "$build" --target "${targets[@]}"

# Every finding ends a run with a non-zero status: libFuzzer's own on a
# crash, timeout, leak or out-of-memory, ASan's and UBSan's
# (-fno-sanitize-recover) on a report.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
corpus=$root/tests/fuzz/corpus

if [[ ${1:-} == --reseed ]]; then
  seeds=$build/fuzz-seeds
  rm -rf "$seeds"
  "$root/tests/fuzz/split-seeds.py" "$root" "$seeds"
  # Inputs of the old corpus (findings among them) stay where they still
  # add coverage.
  for target in "${targets[@]}"; do
    merged=$build/fuzz-merged/$target
    rm -rf "$merged"
    mkdir -p "$merged" "$corpus/$target"
    "$build/bin/$target" -merge=1 -max_len=$max_len -timeout=$timeout \
      -rss_limit_mb=$rss_limit_mb "$merged" "$seeds/$target" "$corpus/$target"
    rm -rf "$corpus/$target"
    mv "$merged" "$corpus/$target"
  done
  exit 0
fi

seconds=${1:-60}
failed=()
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus; the repository's stays as it is.
  scratch=$build/fuzz-corpus/$target findings=$build/fuzz-findings
  mkdir -p "$scratch" "$findings"
  echo "fuzz: $target for ${seconds}s"
  if ! "$build/bin/$target" -max_total_time="$seconds" -timeout=$timeout \
      -rss_limit_mb=$rss_limit_mb -max_len=$max_len -print_final_stats=1 \
      -dict="$root/tests/fuzz/xfuse.dict" \
      -artifact_prefix="$findings/$target-" \
      "$scratch" "$corpus/$target"; then
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}: inputs in $build/fuzz-findings;" \
       "reproduce with $build/bin/<target> <input>" >&2
  exit 1
fi
echo "fuzz: no findings"
