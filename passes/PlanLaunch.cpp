#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"
#include "dialect/kernel/GemmConfig.h"
#include "passes/CostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPLANLAUNCH
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// GEMM tile loads copy rows that start aligned (GemmLimits.h).
LogicalResult checkAlignedRows(LinearOp linear) {
  constexpr int64_t alignment = ::xfuse::gemm::kTensorCoreRowAlignmentBytes;
  auto input = cast<RankedTensorType>(linear.getInput().getType());
  int64_t elementBytes = input.getElementTypeBitWidth() / 8;
  for (auto [side, features] :
       {std::pair{"input", input.getShape().back()},
        {"output", linear.getType().getShape().back()}})
    if (features * elementBytes % alignment)
      return linear.emitOpError("has ")
             << features << " " << side << " features, whose rows of "
             << features * elementBytes << " bytes are not the multiple of "
             << alignment
             << " bytes that GEMM tile loads need; pad them to a multiple of "
             << alignment / elementBytes;
  return success();
}

/// A plan written on the kernel is kept if it is for the target.
template <typename PlanAttr>
LogicalResult checkPinnedTarget(Operation *kernel, PlanAttr plan,
                                const TargetCostModel &costs) {
  if (plan.getTarget() == costs.target)
    return success();
  return kernel->emitOpError("has a pinned plan for ")
         << stringifyTarget(plan.getTarget()) << ", but the target is "
         << stringifyTarget(costs.target);
}

LogicalResult planGemm(kernel::GemmOp kernel, const TargetCostModel &costs) {
  kernel::GemmRoles roles = kernel.getRoles();
  if (roles.prologue)
    return roles.prologue->emitOpError(
        "cannot run as the prologue of a GEMM: no GEMM main loop applies one "
        "to its A tile; --xfuse-form-kernels keeps encodings out of GEMMs");
  bool aligned = true;
  for (LinearOp linear : roles.products)
    aligned &= succeeded(checkAlignedRows(linear));
  if (!aligned)
    return failure();
  // The verifier has held a pinned plan to what the blocks run.
  if (kernel::GemmPlanAttr pinned = kernel.getPlanAttr())
    return checkPinnedTarget(kernel, pinned, costs);
  kernel::GemmPlanAttr plan = costs.planGemm(
      kernel.getContext(), GemmProblem::get(roles.products, roles.rope));
  if (!plan) {
    assert(roles.rope && "the cost model plans every GEMM but RoPE epilogues");
    return roles.rope.emitOpError("rotates heads of ")
           << roles.rope.getInput().getType().getShape().back()
           << " features, which no GEMM epilogue of this target runs; "
              "--xfuse-form-kernels leaves such a RoPE out of the GEMM";
  }
  kernel.setPlanAttr(plan);
  return success();
}

LogicalResult planPointwise(kernel::PointwiseOp kernel,
                            const TargetCostModel &costs) {
  if (kernel::PointwisePlanAttr pinned = kernel.getPlanAttr())
    return checkPinnedTarget(kernel, pinned, costs);
  // Vector accesses are sized for the widest element and must divide every
  // row the kernel reads or writes (integer positions are read per token).
  int64_t elementBytes = 1, rowGranularity = 0;
  for (Value value : llvm::concat<Value>(kernel.getInputs(),
                                         kernel.getResults())) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!isa<FloatType>(type.getElementType()))
      continue;
    elementBytes =
        std::max<int64_t>(elementBytes, type.getElementTypeBitWidth() / 8);
    int64_t row = type.getShape().back();
    rowGranularity = std::gcd(rowGranularity,
                              ShapedType::isDynamic(row) ? 1 : row);
  }
  Block &body = kernel.getBodyBlock();
  bool reducesRows = !body.getOps<RmsNormOp>().empty() ||
                     !body.getOps<LayerNormOp>().empty();
  kernel.setPlanAttr(costs.planPointwise(kernel.getContext(), elementBytes,
                                         rowGranularity, reducesRows));
  return success();
}

struct XFusePlanLaunchPass
    : public mlir::xfuse::impl::XFusePlanLaunchBase<XFusePlanLaunchPass> {
  using XFusePlanLaunchBase::XFusePlanLaunchBase;

  void runOnOperation() override {
    TargetCostModel costs = TargetCostModel::get(target);
    // Every kernel is checked, so that one run reports all the errors.
    bool failedAny = false;
    getOperation().walk([&](Operation *op) {
      LogicalResult planned =
          TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](kernel::GemmOp gemm) { return planGemm(gemm, costs); })
              .Case([&](kernel::PointwiseOp pointwise) {
                return planPointwise(pointwise, costs);
              })
              .Default([](Operation *) { return success(); });
      failedAny |= failed(planned);
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
