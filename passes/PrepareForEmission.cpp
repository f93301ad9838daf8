#include "passes/Passes.h"

#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPREPAREFOREMISSION
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// Why the emitter cannot print `op` where a function holds it, or nullptr.
/// Shape computations are not reported: they serve reshapes, which are.
const char *unemittableReason(Operation &op) {
  if (isa<func::ReturnOp>(op) || kernel::collectiveRanks(&op))
    return nullptr;
  if (isa<kernel::GemmOp, kernel::PointwiseOp>(op))
    return op.getAttr("plan") ? nullptr
                              : "has no launch plan; run --xfuse-plan-launch";
  bool computesShapes =
      (isa<tensor::DimOp>(op) || isa<arith::ArithDialect>(op.getDialect())) &&
      llvm::all_of(op.getResultTypes(),
                   [](Type type) { return type.isIndex(); });
  if (computesShapes)
    return nullptr;
  if (isa<arith::ConstantOp>(op))
    return "is a constant outside the kernels, which read their operands "
           "from memory: pass it as a function argument";
  return "is not a kernel: a function the CUDA emitter prints holds only "
         "xkernel kernels and its return, in one block (--xfuse-form-kernels "
         "makes kernels of xfuse ops and reshapes)";
}

struct XFusePrepareForEmissionPass
    : public xfuse::impl::XFusePrepareForEmissionBase<
          XFusePrepareForEmissionPass> {
  void runOnOperation() override {
    bool emittable = true;
    for (Block &block : getOperation().getBody()) {
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
        if (isOpTriviallyDead(&op))
          op.erase();
      for (Operation &op : block)
        if (const char *reason = unemittableReason(op)) {
          op.emitOpError("cannot be emitted: it ") << reason;
          emittable = false;
        }
    }
    if (!emittable)
      signalPassFailure();
  }
};

} // namespace
