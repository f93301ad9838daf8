#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"
#include "dialect/kernel/GemmConfig.h"
#include "dialect/kernel/TensorSizes.h"
#include "passes/CostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>
#include <numeric>

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPLANLAUNCH
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// Tensor-core tile loads copy rows that start aligned (GemmLimits.h).
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

/// Every tensor a kernel reads or writes is addressed with int64 offsets,
/// and the workspace and the entry point's checks add up its bytes.
LogicalResult checkAddressable(Operation *kernel) {
  for (Value value :
       llvm::concat<Value>(kernel->getOperands(), kernel->getResults())) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (type && type.getElementType().isIntOrFloat() &&
        !kernel::staticByteSize(type))
      return kernel->emitOpError("reads or writes ")
             << type << ", whose static sizes alone make more than 2^63 - 1 "
             << "bytes: no launch addresses it";
  }
  return success();
}

/// The GEMM blocks count rows and features in ints (GemmParams); the cost
/// model's tile arithmetic relies on it too.
LogicalResult checkGemmExtents(LinearOp linear, const GemmProblem &problem) {
  constexpr int64_t maxExtent = ::xfuse::gemm::kMaxGemmExtent;
  for (auto [what, extent] :
       {std::pair{"rows", problem.tokens.value_or(0)},
        {"input features", problem.inFeatures},
        {"output features", problem.outFeatures}})
    if (extent > maxExtent)
      return linear.emitOpError("has ")
             << extent << " " << what << ", more than the " << maxExtent
             << " that the GEMM blocks count in an int";
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
    if (const char *reason = kernel::foldUnsupportedReason(roles.prologue))
      return roles.prologue->emitOpError(
                 "cannot run as the prologue of a GEMM: no GEMM main loop "
                 "applies one to its A tile, and it cannot be folded into "
                 "the weight: ")
             << reason;
  GemmProblem problem =
      GemmProblem::get(roles.products, roles.rope, roles.prologue);
  // The SIMT main loop (f32) reads rows of any length; the cost model
  // reports what else it needs (GemmLimits).
  bool aligned = true;
  if (costs.gemmMainloop(problem.elementType) != kernel::GemmMainloop::simt)
    for (LinearOp linear : roles.products)
      aligned &= succeeded(checkAlignedRows(linear));
  if (!aligned)
    return failure();
  if (failed(checkGemmExtents(roles.products.front(), problem)))
    return failure();
  // The verifier has held a pinned plan to what the blocks run.
  if (kernel::GemmPlanAttr pinned = kernel.getPlanAttr())
    return checkPinnedTarget(kernel, pinned, costs);
  kernel::GemmPlanAttr plan = costs.planGemm(kernel.getContext(), problem);
  if (!plan && roles.prologue)
    return roles.prologue->emitOpError(
               "cannot be folded into the weight of its GEMM on this target: "
               "no plan adds its table of ")
           << problem.foldedPositions
           << " positions where that pays; --xfuse-form-kernels keeps such "
              "an encoding out of the GEMM";
  if (!plan && !roles.rope) {
    ::xfuse::gemm::Config config{};
    config.mainloop =
        kernel::toGemmLimits(costs.gemmMainloop(problem.elementType));
    config.elementBytes = problem.elementType.getIntOrFloatBitWidth() / 8;
    config.splitK = 1;
    const char *reason = ::xfuse::gemm::problemUnsupportedReason(
        config, problem.outFeatures, problem.inFeatures);
    return roles.products.front().emitOpError("has ")
           << problem.outFeatures << " output and " << problem.inFeatures
           << " input features, which no GEMM block of this target runs: "
           << (reason ? reason : "no tile of its main loop fits the limits");
  }
  if (!plan) {
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
  // RowChain takes its row length as an int; elementwise ops run over rows
  // of any length (as rows of one element).
  for (Operation &op : kernel.getBodyBlock()) {
    std::optional<int64_t> length = kernel::pointwiseRowLength(&op);
    if (length && *length > std::numeric_limits<int>::max() && !isa<AddOp>(op))
      return op.emitOpError("works on rows of ")
             << *length << " elements, more than the "
             << std::numeric_limits<int>::max()
             << " a pointwise kernel's row holds";
  }
  if (kernel::PointwisePlanAttr pinned = kernel.getPlanAttr())
    return checkPinnedTarget(kernel, pinned, costs);
  // Vector accesses are sized for the widest element and must divide every
  // row the kernel reads or writes (integer positions are read per token).
  int64_t elementBytes = 1, rowGranularity = 0;
  auto accessRows = [&](Value value, bool isInput) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!isa<FloatType>(type.getElementType()))
      return;
    // A scalar input is broadcast, read one element at a time; a scalar
    // result is a row of one element.
    if (type.getRank() == 0 && isInput)
      return;
    elementBytes =
        std::max<int64_t>(elementBytes, type.getElementTypeBitWidth() / 8);
    int64_t row = type.getRank() == 0 ? 1 : type.getShape().back();
    rowGranularity = std::gcd(rowGranularity,
                              ShapedType::isDynamic(row) ? 1 : row);
  };
  for (Value input : kernel.getInputs())
    accessRows(input, /*isInput=*/true);
  for (Value result : kernel.getResults())
    accessRows(result, /*isInput=*/false);
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
      if (isa<kernel::GemmOp, kernel::PointwiseOp>(op) &&
          failed(checkAddressable(op))) {
        failedAny = true;
        return;
      }
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
