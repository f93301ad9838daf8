//===- FuzzHarness.cpp - what xfuse's libFuzzer targets share -------------===//

#include "tests/fuzz/FuzzHarness.h"

#include "tools/common/ToolInput.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::fuzz;

/// Under ASan, LLVM's bump allocator poisons the unused part of each slab
/// and unpoisons what it hands out (llvm/Support/Allocator.h). xfuse's code
/// is instrumented and MLIR's libraries are not, but both call the same
/// inline allocator functions, of which the linker keeps one copy: memory
/// an uninstrumented copy hands out can still be poisoned. Manual poisoning
/// is therefore off; ASan still checks every heap and stack access of
/// xfuse's code.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

static DialectRegistry toolDialects() {
  DialectRegistry registry;
  registerToolDialects(registry);
  return registry;
}

FuzzContext::FuzzContext()
    : context(toolDialects(), MLIRContext::Threading::DISABLED) {
  context.getDiagEngine().registerHandler(
      [](Diagnostic &) { return success(); });
}

OwningOpRef<ModuleOp> FuzzContext::parse(llvm::StringRef text) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz-input"), llvm::SMLoc());
  return parseToolInput(sourceMgr, &context);
}

namespace {
/// Checks the invariant the pass manager's own verifier would turn into an
/// ordinary error: a pass that succeeds leaves valid IR.
struct AbortOnInvalidIR : public PassInstrumentation {
  void runAfterPass(Pass *pass, Operation *op) override {
    if (succeeded(verify(op)))
      return;
    // Verify again with a handler that prints, ahead of the one that drops.
    ScopedDiagnosticHandler print(op->getContext(), [](Diagnostic &diag) {
      llvm::errs() << diag.getLocation() << ": " << diag << "\n";
      return success();
    });
    llvm::errs() << "xfuse fuzz: '" << pass->getArgument()
                 << "' succeeded but left IR that does not verify:\n";
    (void)verify(op);
    op->print(llvm::errs(), OpPrintingFlags().assumeVerified());
    llvm::errs() << "\n";
    std::abort();
  }
};
} // namespace

void FuzzContext::abortOnInvalidIR(PassManager &pm) {
  pm.enableVerifier(false);
  pm.addInstrumentation(std::make_unique<AbortOnInvalidIR>());
}
