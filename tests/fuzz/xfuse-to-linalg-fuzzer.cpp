//===- xfuse-to-linalg-fuzzer.cpp - parse, verify, lower to linalg --------===//
//
// The reference path of xfuse-reference-check: the input, an xfuse graph or
// kernel IR, is parsed and verified, kernels are inlined, and every xfuse op
// is lowered to linalg.
//
//===----------------------------------------------------------------------===//

#include "tests/fuzz/FuzzHarness.h"

#include "passes/Passes.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  xfuse::fuzz::FuzzContext context;
  OwningOpRef<ModuleOp> module = context.parse(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!module)
    return 0;
  PassManager pm(&context.get());
  xfuse::fuzz::FuzzContext::abortOnInvalidIR(pm);
  pm.addPass(xfuse::createXFuseInlineKernels());
  pm.addPass(xfuse::createXFuseToLinalg());
  (void)pm.run(*module);
  return 0;
}
