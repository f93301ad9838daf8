//===- ToolInput.h - how xfuse's tools read MLIR ----------------*- C++ -*-===//
//
// What every tool that reads xfuse graphs or kernel IR shares: the dialects
// it registers, and a parse that rejects with a located error the input on
// which MLIR's own verifiers crash, before verifying the rest.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TOOLS_COMMON_TOOLINPUT_H
#define XFUSE_TOOLS_COMMON_TOOLINPUT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::xfuse {

/// xfuse's two dialects and the upstream ones its graphs and passes use.
void registerToolDialects(DialectRegistry &registry);

/// Verifies `op` as MLIR's parser would, having first rejected, with an
/// error at the op, the invalid input on which MLIR 22's verifiers crash
/// instead of reporting it: a tensor.expand_shape with an empty
/// reassociation group (llvm/llvm-project#222602).
LogicalResult verifyToolInput(Operation *op);

/// The module `sourceMgr` holds, parsed without MLIR's verifier and then
/// checked by verifyToolInput; null after its errors are reported.
OwningOpRef<ModuleOp> parseToolInput(const llvm::SourceMgr &sourceMgr,
                                     MLIRContext *context);

/// verifyToolInput as a pass, for the drivers that parse by themselves
/// (xfuse-opt): they parse without verifying and run this pass first.
std::unique_ptr<Pass> createVerifyToolInputPass();

/// Registers that pass as --xfuse-verify-tool-input, so that the pipeline
/// a driver prints (--dump-pass-pipeline) parses again.
void registerVerifyToolInputPass();

} // namespace mlir::xfuse

#endif // XFUSE_TOOLS_COMMON_TOOLINPUT_H
