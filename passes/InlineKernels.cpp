#include "passes/Passes.h"

#include "dialect/kernel/KernelOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEINLINEKERNELS
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {
struct XFuseInlineKernelsPass
    : public xfuse::impl::XFuseInlineKernelsBase<XFuseInlineKernelsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> kernels;
    getOperation()->walk([&](Operation *op) {
      if (isa<kernel::GemmOp, kernel::PointwiseOp>(op))
        kernels.push_back(op);
    });
    for (Operation *kernelOp : kernels) {
      Block &body = kernelOp->getRegion(0).front();
      auto yield = cast<kernel::YieldOp>(body.getTerminator());
      SmallVector<Value> results(yield.getValues());
      rewriter.eraseOp(yield);
      rewriter.inlineBlockBefore(&body, kernelOp, kernelOp->getOperands());
      rewriter.replaceOp(kernelOp, results);
    }
  }
};
} // namespace
