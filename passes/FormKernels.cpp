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

/// The ops one kernel runs, in program order once the partition is formed.
struct KernelGroup {
  KernelKind kind;
  llvm::SetVector<Operation *> ops;
  /// A GEMM's positional encoding of its input, folded into its weight.
  Operation *prologue = nullptr;
};

using kernel::isReshape;

/// Partitions a block's xfuse ops and reshapes into kernel groups; see the
/// pass description for the rules.
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
        formGemm({linear}, {linear});
    for (Operation &op : block)
      if (isa<XFuseDialect>(op.getDialect()) && !groupOf.count(&op))
        formPointwise(&op);
    for (Operation &op : block)
      if (isReshape(&op) && !groupOf.count(&op))
        formReshape(&op);

    SmallVector<KernelGroup *> ordered;
    for (auto &group : groups) {
      sortByPosition(*group);
      ordered.push_back(group.get());
    }
    llvm::sort(ordered, [](KernelGroup *a, KernelGroup *b) {
      return a->ops.back()->isBeforeInBlock(b->ops.back());
    });
    return ordered;
  }

private:
  /// The one user of `value`, if no kernel holds it yet.
  Operation *ungroupedSoleUser(Value value) const {
    if (!value.hasOneUse() || groupOf.count(*value.user_begin()))
      return nullptr;
    return *value.user_begin();
  }

  KernelGroup &newGroup(KernelKind kind) {
    groups.push_back(std::make_unique<KernelGroup>());
    groups.back()->kind = kind;
    return *groups.back();
  }

  void add(KernelGroup &group, ArrayRef<Operation *> ops) {
    for (Operation *op : ops) {
      group.ops.insert(op);
      groupOf[op] = &group;
    }
  }

  void formGatedGemm(GateOp gate) {
    auto gateProjection = gate.getGate().getDefiningOp<LinearOp>();
    auto upProjection = gate.getUp().getDefiningOp<LinearOp>();
    if (!gateProjection || !upProjection || gateProjection == upProjection ||
        groupOf.count(gateProjection) || groupOf.count(upProjection) ||
        gateProjection.getInput() != upProjection.getInput() ||
        !gateProjection->hasOneUse() || !upProjection->hasOneUse())
      return;
    formGemm({gateProjection, upProjection},
             {gateProjection, upProjection, gate});
  }

  /// A GEMM kernel computing `products`, whose last op in `core` produces
  /// the value the epilogue continues from.
  void formGemm(ArrayRef<LinearOp> products, ArrayRef<Operation *> core) {
    KernelGroup &group = newGroup(KernelKind::Gemm);
    add(group, core);
    if (Operation *encoding = foldedEncoding(products)) {
      add(group, encoding);
      group.prologue = encoding;
    }
    growEpilogue(group, products, core.back()->getResult(0));
  }

  /// The positional encoding of the one product's input, where the cost
  /// model folds it into the weight: it encodes a value only the product
  /// reads, and the weight is a function argument only the product reads,
  /// which is packed once with the encoding's table.
  Operation *foldedEncoding(ArrayRef<LinearOp> products) const {
    if (products.size() != 1)
      return nullptr;
    LinearOp linear = products.front();
    Operation *encoding = linear.getInput().getDefiningOp();
    auto weight = dyn_cast<BlockArgument>(linear.getWeight());
    if (!encoding || !isa<SinusoidalPeOp, LearnedPeOp>(encoding) ||
        groupOf.count(encoding) || !linear.getInput().hasOneUse() ||
        kernel::foldUnsupportedReason(encoding) || !weight ||
        weight.getOwner() != &block || !weight.getOwner()->isEntryBlock() ||
        !isa<func::FuncOp>(weight.getOwner()->getParentOp()) ||
        !weight.hasOneUse())
      return nullptr;
    GemmProblem problem = GemmProblem::get(products, nullptr, encoding);
    return costs.planGemm(linear.getContext(), problem) ? encoding : nullptr;
  }

  /// Whether `op` continues a GEMM epilogue on the accumulator tile from
  /// `value`: an activation of it, or an add of it and a value from outside
  /// the kernel, of its type.
  static bool continuesAccumulators(Operation *op, Value value,
                                    const KernelGroup &group) {
    if (auto activation = dyn_cast<ActivationOp>(op))
      return activation.getInput() == value;
    auto add = dyn_cast<AddOp>(op);
    if (!add || add.getType() != value.getType())
      return false;
    Value addend = add.getLhs() == value ? add.getRhs() : add.getLhs();
    Operation *producer = addend.getDefiningOp();
    return addend != value && (!producer || !group.ops.contains(producer));
  }

  /// The reshapes `value` goes through while each is the one user of the
  /// previous value, in order.
  SmallVector<Operation *> reshapesFrom(Value value) const {
    SmallVector<Operation *> reshapes;
    while (Operation *user = ungroupedSoleUser(value)) {
      if (!isReshape(user))
        break;
      reshapes.push_back(user);
      value = user->getResult(0);
    }
    return reshapes;
  }

  static Value endOf(ArrayRef<Operation *> reshapes, Value value) {
    return reshapes.empty() ? value : reshapes.back()->getResult(0);
  }

  void growEpilogue(KernelGroup &group, ArrayRef<LinearOp> products,
                    Value value) {
    while (Operation *user = ungroupedSoleUser(value)) {
      if (!continuesAccumulators(user, value, group))
        break;
      add(group, user);
      value = user->getResult(0);
    }
    SmallVector<Operation *> reshapes = reshapesFrom(value);
    Operation *next = ungroupedSoleUser(endOf(reshapes, value));
    auto rope = dyn_cast_or_null<RopeOp>(next);
    if (rope && rope.getInput() == endOf(reshapes, value) &&
        costs.planGemm(rope.getContext(),
                       GemmProblem::get(products, rope, group.prologue))) {
      add(group, reshapes);
      add(group, rope.getOperation());
      value = rope.getOutput();
      reshapes = reshapesFrom(value);
      next = ungroupedSoleUser(endOf(reshapes, value));
    }
    // Reshapes on the way to a pointwise op join its kernel; those the
    // result ends in are views the epilogue writes for free.
    if (!next || !isa<XFuseDialect>(next->getDialect()) || isa<LinearOp>(next))
      add(group, reshapes);
  }

  /// The pointwise kernel holding the producer of `value`, if `value` has
  /// no other user than the op that would join it.
  KernelGroup *pointwiseProducerGroup(Value value) const {
    Operation *producer = value.getDefiningOp();
    auto it = producer ? groupOf.find(producer) : groupOf.end();
    if (it == groupOf.end() || it->second->kind != KernelKind::Pointwise ||
        !value.hasOneUse())
      return nullptr;
    return it->second;
  }

  /// The reshapes that lead to `value`, each the one user of its source and
  /// of no kernel yet, in order.
  SmallVector<Operation *> reshapesInto(Value value) const {
    SmallVector<Operation *> reshapes;
    while (Operation *producer = value.getDefiningOp()) {
      if (!isReshape(producer) || groupOf.count(producer) ||
          !value.hasOneUse())
        break;
      reshapes.insert(reshapes.begin(), producer);
      value = producer->getOperand(0);
    }
    return reshapes;
  }

  /// Joins the pointwise kernel of a producer whose value only `op` uses,
  /// with the reshapes between them; else starts one, with the reshapes
  /// that lead to its operands.
  void formPointwise(Operation *op) {
    for (Value operand : op->getOperands()) {
      SmallVector<Operation *> reshapes = reshapesInto(operand);
      Value source =
          reshapes.empty() ? operand : reshapes.front()->getOperand(0);
      KernelGroup *producer = pointwiseProducerGroup(source);
      if (producer && sharesRowLength(*producer, op)) {
        add(*producer, reshapes);
        add(*producer, op);
        return;
      }
    }
    KernelGroup &group = newGroup(KernelKind::Pointwise);
    for (Value operand : op->getOperands())
      add(group, reshapesInto(operand));
    add(group, op);
  }

  /// Whether `op` works on the rows the ops of `group` work on
  /// (kernel::pointwiseRowLength): one kernel runs one row length, e.g. a
  /// RoPE (rows of heads x head_dim) and a norm over each head do not share
  /// a kernel.
  static bool sharesRowLength(const KernelGroup &group, Operation *op) {
    std::optional<int64_t> length = kernel::pointwiseRowLength(op);
    return !length || llvm::all_of(group.ops, [&](Operation *member) {
      std::optional<int64_t> other = kernel::pointwiseRowLength(member);
      return !other || *other == *length;
    });
  }

  /// A reshape no kernel took: it joins the pointwise kernel of its
  /// producer, or copies its source into the new shape.
  void formReshape(Operation *reshape) {
    KernelGroup *producer = pointwiseProducerGroup(reshape->getOperand(0));
    add(producer ? *producer : newGroup(KernelKind::Pointwise), reshape);
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
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfXFuseResult>(&getContext());
    FrozenRewritePatternSet dimPatterns(std::move(patterns));
    if (failed(applyPatternsGreedily(func, dimPatterns)))
      return signalPassFailure();

    TargetCostModel costs = TargetCostModel::get(target);
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
