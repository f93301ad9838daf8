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
      // A yielded argument of the body is the kernel's operand once the
      // body is inlined (and the argument gone).
      SmallVector<Value> results = llvm::map_to_vector(
          yield.getValues(), [&](Value value) -> Value {
            auto argument = dyn_cast<BlockArgument>(value);
            if (argument && argument.getOwner() == &body)
              return kernelOp->getOperand(argument.getArgNumber());
            return value;
          });
      rewriter.eraseOp(yield);
      rewriter.inlineBlockBefore(&body, kernelOp, kernelOp->getOperands());
      rewriter.replaceOp(kernelOp, results);
    }
  }
};
} // namespace
