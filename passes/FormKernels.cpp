#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"
#include "passes/CostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <memory>

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEFORMKERNELS
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// `tensor.dim` of an xfuse result reads the same dimension of the op's first
/// operand: every xfuse op keeps its first operand's leading dimensions, and
/// only those can be dynamic.
struct DimOfXFuseResult : OpRewritePattern<tensor::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::DimOp dim,
                                PatternRewriter &rewriter) const override {
    Operation *producer = dim.getSource().getDefiningOp();
    if (!producer || !isa<XFuseDialect>(producer->getDialect()))
      return failure();
    std::optional<int64_t> index = dim.getConstantIndex();
    auto source = cast<RankedTensorType>(producer->getOperand(0).getType());
    if (!index || *index >= source.getRank() - 1)
      return failure();
    rewriter.modifyOpInPlace(
        dim, [&] { dim.getSourceMutable().assign(producer->getOperand(0)); });
    return success();
  }
};

enum class KernelKind { Gemm, Pointwise };

/// The ops one kernel runs, in program order.
struct KernelGroup {
  KernelKind kind;
  llvm::SetVector<Operation *> ops;
};

/// Partitions a block's xfuse ops into kernel groups; see the pass
/// description for the rules.
class KernelPartition {
public:
  KernelPartition(Block &block, const TargetCostModel &costs)
      : block(block), costs(costs) {}

  /// Groups in the order their last op appears in the block.
  SmallVector<KernelGroup *> form() {
    for (GateOp gate : block.getOps<GateOp>())
      formGatedGemm(gate);
    for (LinearOp linear : block.getOps<LinearOp>())
      if (!groupOf.count(linear))
        formGemm(linear, {linear});
    for (Operation &op : block)
      if (isa<XFuseDialect>(op.getDialect()) && !groupOf.count(&op))
        formPointwise(&op);

    SmallVector<KernelGroup *> ordered;
    for (auto &group : groups)
      ordered.push_back(group.get());
    llvm::sort(ordered, [](KernelGroup *a, KernelGroup *b) {
      return a->ops.back()->isBeforeInBlock(b->ops.back());
    });
    return ordered;
  }

private:
  static Operation *soleUser(Value value) {
    return value.hasOneUse() ? *value.user_begin() : nullptr;
  }

  KernelGroup &newGroup(KernelKind kind) {
    groups.push_back(std::make_unique<KernelGroup>());
    groups.back()->kind = kind;
    return *groups.back();
  }

  void add(KernelGroup &group, Operation *op) {
    group.ops.insert(op);
    groupOf[op] = &group;
  }

  void formGatedGemm(GateOp gate) {
    auto gateProjection = gate.getGate().getDefiningOp<LinearOp>();
    auto upProjection = gate.getUp().getDefiningOp<LinearOp>();
    if (!gateProjection || !upProjection || gateProjection == upProjection ||
        groupOf.count(gateProjection) || groupOf.count(upProjection) ||
        gateProjection.getInput() != upProjection.getInput() ||
        !gateProjection->hasOneUse() || !upProjection->hasOneUse())
      return;
    formGemm(gateProjection, {gateProjection, upProjection, gate});
  }

  /// A GEMM kernel around `product`, whose last op in `core` produces the
  /// value the epilogue continues from.
  void formGemm(LinearOp product, ArrayRef<Operation *> core) {
    KernelGroup &group = newGroup(KernelKind::Gemm);
    if (Operation *encoding = prologueCandidate(product, core))
      add(group, encoding);
    for (Operation *op : core)
      add(group, op);
    growEpilogue(group, core.back()->getResult(0));
    sortByPosition(group);
  }

  /// The positional encoding producing the GEMM's input, when moving it into
  /// the prologue costs less than a separate pass over the activations.
  Operation *prologueCandidate(LinearOp product, ArrayRef<Operation *> core) {
    Operation *encoding = product.getInput().getDefiningOp();
    if (!encoding || groupOf.count(encoding) ||
        !isa<SinusoidalPeOp, LearnedPeOp>(encoding))
      return nullptr;
    for (Operation *user : encoding->getResult(0).getUsers())
      if (!llvm::is_contained(core, user))
        return nullptr;
    auto input = cast<RankedTensorType>(product.getInput().getType());
    int64_t features = input.getShape().back();
    int64_t outFeatures =
        cast<RankedTensorType>(product.getType()).getShape().back();
    int64_t elementBytes = input.getElementTypeBitWidth() / 8;
    // The tile width launch planning will pick (narrower for gated GEMMs).
    GemmProblem problem{/*tokens=*/std::nullopt, features, outFeatures,
                        elementBytes, /*gated=*/core.size() > 1};
    double tileColumns = llvm::divideCeil(
        outFeatures, costs.gemmTileNChoices(problem).front());
    // Per token: what the prologue recomputes against what a separate
    // kernel writes and reads back.
    double recompute =
        isa<SinusoidalPeOp>(encoding)
            ? features * tileColumns / costs.sinCosPerSecond
            : features * elementBytes * tileColumns /
                  costs.copyBytesPerSecond;
    double separate =
        costs.roundTripSeconds(static_cast<double>(features * elementBytes));
    return recompute < separate ? encoding : nullptr;
  }

  /// Ops that transform one output row and so fit a GEMM epilogue, with the
  /// chain value `value` as their row operand.
  static bool continuesEpilogue(Operation *op, Value value) {
    return TypeSwitch<Operation *, bool>(op)
        .Case([&](ActivationOp) { return true; })
        .Case([&](AddOp) { return true; })
        .Case([&](RopeOp rope) { return rope.getInput() == value; })
        .Case<SinusoidalPeOp, LearnedPeOp>(
            [&](auto encoding) { return encoding.getInput() == value; })
        .Case([&](tensor::ExpandShapeOp) { return true; })
        .Default([](Operation *) { return false; });
  }

  void growEpilogue(KernelGroup &group, Value value) {
    while (Operation *user = soleUser(value)) {
      if (groupOf.count(user) || !continuesEpilogue(user, value))
        return;
      add(group, user);
      value = user->getResult(0);
    }
  }

  /// Joins the pointwise kernel of a producer whose value only `op` uses.
  void formPointwise(Operation *op) {
    for (Value operand : op->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      auto it = producer ? groupOf.find(producer) : groupOf.end();
      if (it != groupOf.end() && it->second->kind == KernelKind::Pointwise &&
          operand.hasOneUse()) {
        add(*it->second, op);
        return;
      }
    }
    add(newGroup(KernelKind::Pointwise), op);
  }

  static void sortByPosition(KernelGroup &group) {
    SmallVector<Operation *> ops(group.ops.begin(), group.ops.end());
    llvm::sort(ops, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    group.ops = llvm::SetVector<Operation *>(ops.begin(), ops.end());
  }

  Block &block;
  const TargetCostModel &costs;
  SmallVector<std::unique_ptr<KernelGroup>> groups;
  DenseMap<Operation *, KernelGroup *> groupOf;
};

/// Clones `op` into a kernel body. Reshapes are rebuilt so that their
/// dynamic output sizes are computed inside the body from its own values.
Operation *cloneIntoBody(OpBuilder &builder, Operation *op,
                         IRMapping &mapping) {
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    auto rebuilt = tensor::ExpandShapeOp::create(
        builder, expand.getLoc(), expand.getResultType(),
        mapping.lookup(expand.getSrc()), expand.getReassociationIndices());
    mapping.map(expand.getResult(), rebuilt.getResult());
    return rebuilt;
  }
  return builder.clone(*op, mapping);
}

/// Replaces the group's ops with one kernel op placed where its last op was.
void materialize(KernelGroup &group) {
  auto inGroup = [&](Operation *op) { return group.ops.contains(op); };
  llvm::SetVector<Value> inputs;
  SmallVector<Value> outputs;
  for (Operation *op : group.ops) {
    // A reshape's dynamic output sizes are recomputed inside the body.
    OperandRange operands = isa<tensor::ExpandShapeOp>(op)
                                ? op->getOperands().take_front()
                                : op->getOperands();
    for (Value operand : operands)
      if (!operand.getDefiningOp() || !inGroup(operand.getDefiningOp()))
        inputs.insert(operand);
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(),
                       [&](Operation *user) { return !inGroup(user); }))
        outputs.push_back(result);
  }

  SmallVector<Location> locations;
  for (Operation *op : group.ops)
    locations.push_back(op->getLoc());
  Operation *last = group.ops.back();
  OpBuilder builder(last);
  Location loc = builder.getFusedLoc(locations);
  TypeRange resultTypes = ValueRange(outputs).getTypes();
  Operation *kernel =
      group.kind == KernelKind::Gemm
          ? kernel::GemmOp::create(builder, loc, resultTypes,
                                   inputs.getArrayRef())
                .getOperation()
          : kernel::PointwiseOp::create(builder, loc, resultTypes,
                                        inputs.getArrayRef())
                .getOperation();

  Block &body = kernel->getRegion(0).front();
  IRMapping mapping;
  mapping.map(inputs.getArrayRef(), body.getArguments());
  OpBuilder bodyBuilder = OpBuilder::atBlockEnd(&body);
  for (Operation *op : group.ops)
    cloneIntoBody(bodyBuilder, op, mapping);
  SmallVector<Value> yielded;
  for (Value output : outputs)
    yielded.push_back(mapping.lookup(output));
  kernel::YieldOp::create(bodyBuilder, loc, yielded);

  for (auto [output, result] : llvm::zip(outputs, kernel->getResults()))
    output.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !inGroup(use.getOwner());
    });
  for (Operation *op : llvm::reverse(group.ops))
    op->erase();
}

struct XFuseFormKernelsPass
    : public xfuse::impl::XFuseFormKernelsBase<XFuseFormKernelsPass> {
  using XFuseFormKernelsBase::XFuseFormKernelsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::optional<kernel::Target> parsedTarget = parseTarget(target);
    if (!parsedTarget) {
      func.emitError() << "unknown target '" << target
                       << "': expected sm_80 or sm_90a";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfXFuseResult>(&getContext());
    FrozenRewritePatternSet dimPatterns(std::move(patterns));
    if (failed(applyPatternsGreedily(func, dimPatterns)))
      return signalPassFailure();

    TargetCostModel costs = TargetCostModel::get(*parsedTarget);
    for (Block &block : func.getBody()) {
      KernelPartition partition(block, costs);
      for (KernelGroup *group : partition.form())
        materialize(*group);
    }
    // Rebuilt reshapes compute their sizes inside the kernels; the greedy
    // driver erases the shape queries left without users outside.
    if (failed(applyPatternsGreedily(func, dimPatterns)))
      signalPassFailure();
  }
};

} // namespace
