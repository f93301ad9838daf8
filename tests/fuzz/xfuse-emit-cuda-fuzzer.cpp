//===- xfuse-emit-cuda-fuzzer.cpp - pipeline and CUDA emission ------------===//
//
// The path of `xfuse-translate --xfuse-pipeline=<target> --emit-cuda` and
// `--emit-cuda-header`. The first byte of the input picks how: bit 0 the
// target (0: sm_90a, 1: sm_80), bit 1 whether the rest is kernel IR to emit
// as it is (the pipeline's output, or a plan written by hand) instead of an
// xfuse graph to run the pipeline on first.
//
//===----------------------------------------------------------------------===//

#include "tests/fuzz/FuzzHarness.h"

#include "codegen/CudaEmitter.h"
#include "passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const uint8_t mode = data[0];
  const bool sm80 = mode & 1, kernelIR = mode & 2;
  xfuse::fuzz::FuzzContext context;
  OwningOpRef<ModuleOp> module = context.parse(
      llvm::StringRef(reinterpret_cast<const char *>(data + 1), size - 1));
  if (!module)
    return 0;
  if (!kernelIR) {
    PassManager pm(&context.get());
    xfuse::fuzz::FuzzContext::abortOnInvalidIR(pm);
    xfuse::XFusePipelineOptions options;
    options.target =
        sm80 ? xfuse::kernel::Target::sm_80 : xfuse::kernel::Target::sm_90a;
    pm.addPass(xfuse::createXFusePipeline(options));
    if (failed(pm.run(*module)))
      return 0;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  (void)xfuse::emitCudaHeader(*module, os);
  (void)xfuse::emitCudaSource(*module, os, "graph.h");
  return 0;
}
