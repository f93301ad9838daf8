//===- FuzzHarness.h - what xfuse's libFuzzer targets share ---------------===//
//
// Each fuzz target parses its input as a module, bails out on text that does
// not parse or verify (an error, which is the right answer), and runs a pass
// pipeline. A pass that succeeds but leaves IR that does not verify is a
// finding like a crash: the tools would report it as an unlocated
// "failed to verify" on the user's valid graph.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TESTS_FUZZ_FUZZHARNESS_H
#define XFUSE_TESTS_FUZZ_FUZZHARNESS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::xfuse::fuzz {

/// A context with the dialects xfuse-opt and xfuse-translate register, no
/// threads, and every diagnostic dropped.
class FuzzContext {
public:
  FuzzContext();

  MLIRContext &get() { return context; }

  /// The module `text` holds, or null where it does not parse or verify.
  OwningOpRef<ModuleOp> parse(llvm::StringRef text);

  /// Makes `pm` verify the IR after each pass that succeeds and abort,
  /// printing the verifier's errors and the IR, where it does not verify.
  static void abortOnInvalidIR(PassManager &pm);

private:
  MLIRContext context;
};

} // namespace mlir::xfuse::fuzz

#endif // XFUSE_TESTS_FUZZ_FUZZHARNESS_H
