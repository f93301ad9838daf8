#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"
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

/// The product's sizes, or an error at the projection that the target's
/// GEMM kernels cannot run.
FailureOr<GemmProblem> analyzeProducts(const GemmKernelOps &ops,
                                       const TargetCostModel &costs) {
  for (LinearOp linear : ops.products) {
    auto input = cast<RankedTensorType>(linear.getInput().getType());
    Type elementType = input.getElementType();
    if (!costs.hasGemmElementType(elementType))
      return linear.emitOpError("cannot run on the ")
             << stringifyTarget(costs.target)
             << " tensor cores: GEMM kernels take f16 or bf16 operands, but "
                "got "
             << elementType
             << " (f32 would run as tf32, dropping precision that "
                "xfuse.linear keeps)";
    int64_t elementBytes = input.getElementTypeBitWidth() / 8;
    int64_t inFeatures = input.getShape().back();
    int64_t outFeatures = linear.getType().getShape().back();
    for (auto [side, features] :
         {std::pair{"input", inFeatures}, {"output", outFeatures}})
      if (features * elementBytes % 16)
        return linear.emitOpError("has ")
               << features << " " << side << " features, whose rows of "
               << features * elementBytes
               << " bytes are not the multiple of 16 bytes that tensor-core "
                  "tile loads need; pad them to a multiple of "
               << 16 / elementBytes;
  }
  LinearOp product = ops.products.front();
  auto input = cast<RankedTensorType>(product.getInput().getType());
  GemmProblem problem;
  ArrayRef<int64_t> tokenDims = input.getShape().drop_back();
  if (llvm::none_of(tokenDims, ShapedType::isDynamic))
    problem.tokens = ShapedType::getNumElements(tokenDims);
  problem.inFeatures = input.getShape().back();
  problem.outFeatures = product.getType().getShape().back();
  problem.elementBytes = input.getElementTypeBitWidth() / 8;
  problem.gated = ops.isGated();
  return problem;
}

/// A RoPE in the epilogue pairs features within one head, so an output tile
/// must hold whole heads.
bool holdsWholeHeads(RopeOp rope, int64_t tileN) {
  return !rope || tileN % rope.getInput().getType().getShape().back() == 0;
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
  GemmKernelOps ops(kernel);
  FailureOr<GemmProblem> problem = analyzeProducts(ops, costs);
  if (failed(problem))
    return failure();
  int64_t headDim =
      ops.rope ? ops.rope.getInput().getType().getShape().back() : 0;

  if (kernel::GemmPlanAttr pinned = kernel.getPlanAttr()) {
    if (failed(checkPinnedTarget(kernel, pinned, costs)))
      return failure();
    if (!holdsWholeHeads(ops.rope, pinned.getTileN()))
      return ops.rope.emitOpError("rotates heads of ")
             << headDim << " features, which the pinned plan's tile_n = "
             << pinned.getTileN() << " does not hold whole";
    return success();
  }

  SmallVector<int64_t, 2> choices = costs.gemmTileNChoices(*problem);
  auto tileN = llvm::find_if(
      choices, [&](int64_t tileN) { return holdsWholeHeads(ops.rope, tileN); });
  if (tileN == choices.end())
    return ops.rope.emitOpError("rotates heads of ")
           << headDim << " features, but no output tile of this "
           << stringifyTarget(costs.target)
           << " GEMM holds whole heads: tile_n is one of "
           << choices;
  kernel.setPlanAttr(costs.planGemm(kernel.getContext(), *problem, *tileN));
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
    : public xfuse::impl::XFusePlanLaunchBase<XFusePlanLaunchPass> {
  using XFusePlanLaunchBase::XFusePlanLaunchBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::optional<kernel::Target> parsedTarget = parseTarget(target);
    if (!parsedTarget) {
      func.emitError() << "unknown target '" << target
                       << "': expected sm_80 or sm_90a";
      return signalPassFailure();
    }
    TargetCostModel costs = TargetCostModel::get(*parsedTarget);
    // Every kernel is checked, so that one run reports all the errors.
    bool failedAny = false;
    func.walk([&](Operation *op) {
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
