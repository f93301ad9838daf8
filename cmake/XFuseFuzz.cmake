# Included by the top-level CMakeLists.txt with -DXFUSE_FUZZ=ON: builds
# xfuse's own code (dialects, passes, emitter) with coverage for libFuzzer,
# AddressSanitizer and UBSan, and adds the fuzz targets of tests/fuzz. The
# MLIR and LLVM libraries stay as Debian built them (uninstrumented), which
# both sanitizers allow. See docs/fuzzing.md.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "XFUSE_FUZZ needs clang (libFuzzer), found "
                      "${CMAKE_CXX_COMPILER_ID}: configure with "
                      "-DCMAKE_CXX_COMPILER=clang++-22")
endif()

# Every finding stops the run: UBSan aborts instead of printing and going
# on. Assertions stay on whatever the build type: a failed cast<> is a
# finding too. -O1 and line tables: stack traces that name the line, and a
# short build.
set(XFUSE_SANITIZERS address,undefined)
add_compile_options(-fsanitize=fuzzer-no-link,${XFUSE_SANITIZERS}
                    -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -UNDEBUG -O1 -gline-tables-only)
add_link_options(-fsanitize=${XFUSE_SANITIZERS})

add_subdirectory(tests/fuzz)
