#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/MapVector.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPLANWEIGHTPACKING
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// The packing wanted for each argument, with the projection that first
/// asked for it.
using PackingPlan =
    llvm::MapVector<unsigned, std::pair<kernel::WeightPackingAttr, LinearOp>>;

class WeightPackingPlanner {
public:
  explicit WeightPackingPlanner(func::FuncOp func) : func(func) {}

  LogicalResult plan(kernel::GemmOp kernel) {
    kernel::GemmRoles roles = kernel.getRoles();
    // A folded encoding's table is made when the weight is packed.
    int64_t foldedPositions =
        kernel.getPlanAttr() &&
                kernel.getPlanAttr().getPrologue() ==
                    kernel::GemmPrologue::folded
            ? kernel::foldedPositions(roles.prologue)
            : 0;
    for (LinearOp linear : roles.products) {
      FailureOr<unsigned> argument = weightArgument(kernel, linear);
      if (failed(argument) ||
          failed(want(*argument,
                      kernel::WeightPackingAttr::get(kernel.getContext(),
                                                     linear.getWeightLayout(),
                                                     foldedPositions),
                      linear)))
        return failure();
    }
    return success();
  }

  void record() {
    for (auto &[argument, wanted] : packings)
      func.setArgAttr(argument, kernel::kWeightPackingAttrName, wanted.first);
  }

private:
  /// The function argument that provides `linear`'s weight. Weights are
  /// packed once, when the runtime receives them; a weight computed or
  /// built inside the function would have to be repacked on every call.
  FailureOr<unsigned> weightArgument(kernel::GemmOp kernel, LinearOp linear) {
    // The verifier has checked that the weight is a kernel input.
    Value weight = kernel.getInputs()[cast<BlockArgument>(linear.getWeight())
                                          .getArgNumber()];
    auto argument = dyn_cast<BlockArgument>(weight);
    if (argument && argument.getOwner() == &func.getBody().front())
      return argument.getArgNumber();
    InFlightDiagnostic diag =
        linear.emitOpError("expects its weight to be a function argument, "
                           "which the runtime packs once when it is passed "
                           "in; a weight defined in the function would be "
                           "repacked on every call");
    diag.attachNote(weight.getLoc()) << "weight defined here";
    return diag;
  }

  LogicalResult want(unsigned argument, kernel::WeightPackingAttr packing,
                     LinearOp linear) {
    auto [it, inserted] = packings.try_emplace(argument, packing, linear);
    auto [previous, previousLinear] = it->second;
    if (inserted || previous == packing)
      return success();
    InFlightDiagnostic diag = linear.emitOpError("wants argument #")
                              << argument << " packed as " << packing
                              << ", but it is also wanted as " << previous;
    diag.attachNote(previousLinear.getLoc()) << "wanted here";
    return diag;
  }

  func::FuncOp func;
  PackingPlan packings;
};

struct XFusePlanWeightPackingPass
    : public xfuse::impl::XFusePlanWeightPackingBase<
          XFusePlanWeightPackingPass> {
  void runOnOperation() override {
    WeightPackingPlanner planner(getOperation());
    WalkResult result = getOperation().walk([&](kernel::GemmOp kernel) {
      return failed(planner.plan(kernel)) ? WalkResult::interrupt()
                                          : WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    planner.record();
  }
};

} // namespace
