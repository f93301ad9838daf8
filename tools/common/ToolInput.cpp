//===- ToolInput.cpp - how xfuse's tools read MLIR ------------------------===//

#include "tools/common/ToolInput.h"

#include "dialect/XFuseDialect.h"
#include "dialect/kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void xfuse::registerToolDialects(DialectRegistry &registry) {
  registry.insert<XFuseDialect, kernel::XKernelDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect, scf::SCFDialect,
                  tensor::TensorDialect>();
}

/// MLIR 22.1's tensor.expand_shape verifier builds an affine map from the
/// first index of every reassociation group, and reads past an empty one
/// (the fix, llvm/llvm-project#222648, is not in the release xfuse builds
/// against; collapse_shape's twin was fixed in #173791). The IR is not
/// verified yet, so the attribute is read without assuming its type: the
/// verifier rejects any other malformed reassociation itself.
static LogicalResult rejectEmptyExpandShapeGroups(Operation *root) {
  WalkResult result = root->walk([](tensor::ExpandShapeOp op) {
    auto groups = dyn_cast_or_null<ArrayAttr>(
        op->getInherentAttr("reassociation").value_or(Attribute()));
    if (!groups)
      return WalkResult::advance();
    for (auto [index, group] : llvm::enumerate(groups)) {
      auto indices = dyn_cast<ArrayAttr>(group);
      if (indices && indices.empty()) {
        op.emitOpError("expects every reassociation group to hold at least "
                       "one result dimension, but group ")
            << index << " is empty";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

LogicalResult xfuse::verifyToolInput(Operation *op) {
  if (failed(rejectEmptyExpandShapeGroups(op)))
    return failure();
  return verify(op);
}

OwningOpRef<ModuleOp> xfuse::parseToolInput(const llvm::SourceMgr &sourceMgr,
                                            MLIRContext *context) {
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(
      sourceMgr, ParserConfig(context, /*verifyAfterParse=*/false));
  if (!module || failed(verifyToolInput(*module)))
    return nullptr;
  return module;
}

namespace {
struct VerifyToolInputPass
    : PassWrapper<VerifyToolInputPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(VerifyToolInputPass)

  StringRef getArgument() const override { return "xfuse-verify-tool-input"; }
  StringRef getDescription() const override {
    return "Verify the parsed input, first rejecting what MLIR's verifiers "
           "crash on";
  }
  void runOnOperation() override {
    if (failed(xfuse::verifyToolInput(getOperation())))
      signalPassFailure();
  }
};
} // namespace

std::unique_ptr<Pass> xfuse::createVerifyToolInputPass() {
  return std::make_unique<VerifyToolInputPass>();
}

void xfuse::registerVerifyToolInputPass() {
  registerPass(createVerifyToolInputPass);
}
