#include "dialect/kernel/KernelOps.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/GemmConfig.h"
#include "dialect/kernel/TensorSizes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/TypeSwitch.h"

#include <limits>

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::kernel;

/// Creates a kernel op whose body block takes one argument per input.
static void buildKernel(OpBuilder &builder, OperationState &state,
                        TypeRange resultTypes, ValueRange inputs) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
}

/// The kernel's operands match its block's arguments and its yield matches
/// its results.
static LogicalResult verifyKernelSignature(Operation *op, Block &block,
                                           ValueRange inputs) {
  if (block.getArgumentTypes() != inputs.getTypes())
    return op->emitOpError("expects its body to take one argument per input, "
                           "of the input's type");
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError("expects its body to end with xkernel.yield");
  if (yield.getValues().getTypes() != op->getResultTypes())
    return yield.emitOpError("yields ")
           << yield.getValues().getTypes() << ", but the kernel returns "
           << op->getResultTypes();
  return success();
}

/// Ops that only compute operands of the fused ops: constants, and the
/// sizes of reshapes (dimensions of body values, index arithmetic on them).
static bool computesOperands(Operation &op) {
  if (isa<arith::ConstantOp, tensor::DimOp>(op))
    return true;
  return isa<arith::ArithDialect>(op.getDialect()) &&
         llvm::all_of(op.getResultTypes(),
                      [](Type type) { return type.isIndex(); });
}

bool kernel::isReshape(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op);
}

/// Kernel bodies hold the fused xfuse ops, the reshapes between them and
/// what computes their operands.
static LogicalResult verifyFusedOps(Operation *kernel, Block &block) {
  for (Operation &op : block.without_terminator())
    if (!isa<XFuseDialect>(op.getDialect()) && !isReshape(&op) &&
        !computesOperands(op))
      return op.emitOpError("cannot be part of an ")
             << kernel->getName() << " kernel body";
  return success();
}

//===----------------------------------------------------------------------===//
// GEMM roles
//===----------------------------------------------------------------------===//

Type GemmRoles::elementType() const {
  return getElementTypeOrSelf(getA().getType());
}

namespace {

/// Assigns the ops of a GEMM body to their roles in body order, following
/// the chain of values from the products to the yield; reports the first op
/// that fits no role.
class GemmRoleMatcher {
public:
  explicit GemmRoleMatcher(GemmOp kernel) : kernel(kernel) {}

  FailureOr<GemmRoles> match() {
    Block &body = kernel.getBodyBlock();
    for (Operation &op : body.without_terminator())
      if (!computesOperands(op) && failed(matchOp(op)))
        return failure();
    if (roles.products.empty())
      return kernel.emitOpError("expects one xfuse.linear (or a gate and an "
                                "up projection sharing their input), but its "
                                "body has none");
    if (roles.products.size() == 2 && !roles.gate)
      return kernel.emitOpError("expects its two projections to meet in one "
                                "xfuse.gate");
    auto yield = cast<YieldOp>(body.getTerminator());
    if (yield.getValues().size() != 1 || yield.getValues().front() != chain)
      return yield.emitOpError("expects the kernel to yield the end of its "
                               "epilogue chain, and only that");
    return roles;
  }

private:
  LogicalResult matchOp(Operation &op) {
    return TypeSwitch<Operation *, LogicalResult>(&op)
        .Case<SinusoidalPeOp, LearnedPeOp>(
            [&](auto encoding) { return matchPrologue(encoding); })
        .Case([&](LinearOp linear) { return matchProduct(linear); })
        .Case([&](GateOp gate) { return matchGate(gate); })
        .Case<ActivationOp, AddOp>([&](auto) { return matchEpilogueOp(op); })
        .Case<tensor::ExpandShapeOp, tensor::CollapseShapeOp>([&](auto) {
          if (failed(continuesChain(&op, op.getOperand(0))))
            return failure();
          roles.reshapes.push_back(&op);
          chain = op.getResult(0);
          return success();
        })
        .Case([&](RopeOp rope) { return matchRope(rope); })
        .Default([&](Operation *) {
          return op.emitOpError("cannot be part of an xkernel.gemm body: a "
                                "GEMM fuses a prologue, its products, and "
                                "activations, adds, reshapes and a RoPE on "
                                "its result");
        });
  }

  LogicalResult matchPrologue(Operation *encoding) {
    if (roles.prologue || !roles.products.empty())
      return encoding->emitOpError("can be part of an xkernel.gemm body only "
                                   "as the one prologue of the A operand, "
                                   "before the products");
    if (!isa<BlockArgument>(encoding->getOperand(0)))
      return encoding->emitOpError("expects to encode a kernel input, as "
                                   "the prologue of the A operand");
    roles.prologue = encoding;
    return success();
  }

  LogicalResult matchProduct(LinearOp linear) {
    if (roles.products.size() == 2 ||
        (roles.products.size() == 1 &&
         chain != roles.products.front().getOutput()))
      return linear.emitOpError("expects to be the one product of its GEMM, "
                                "or one of a gate and an up projection before "
                                "the epilogue");
    if (!roles.products.empty()) {
      if (linear.getInput() != roles.getA())
        return linear.emitOpError("expects its GEMM's two projections to "
                                  "share their input");
    } else if (roles.prologue
                   ? linear.getInput() != roles.prologue->getResult(0)
                   : !isa<BlockArgument>(linear.getInput())) {
      return linear.emitOpError("expects to read the A operand: a kernel "
                                "input, or its prologue");
    }
    if (!isa<BlockArgument>(linear.getWeight()) ||
        (linear.getBias() && !isa<BlockArgument>(linear.getBias())))
      return linear.emitOpError("expects its weight and bias to be kernel "
                                "inputs");
    roles.products.push_back(linear);
    if (roles.products.size() == 1)
      chain = linear.getOutput();
    return success();
  }

  LogicalResult matchGate(GateOp gate) {
    if (roles.products.size() != 2 || roles.gate ||
        chain != roles.products.front().getOutput())
      return gate.emitOpError("expects to combine the two projections of a "
                              "gated GEMM");
    Value first = roles.products[0].getOutput();
    Value second = roles.products[1].getOutput();
    if (gate.getGate() == second && gate.getUp() == first)
      std::swap(roles.products[0], roles.products[1]);
    else if (gate.getGate() != first || gate.getUp() != second)
      return gate.emitOpError("expects to combine the two projections of a "
                              "gated GEMM");
    roles.gate = gate;
    chain = gate.getOutput();
    return success();
  }

  LogicalResult matchEpilogueOp(Operation &op) {
    if (!roles.reshapes.empty() || roles.rope)
      return op.emitOpError("expects to run before the reshapes and the RoPE "
                            "of the GEMM epilogue, on the accumulator tile");
    Value addend;
    if (auto add = dyn_cast<AddOp>(op)) {
      bool chainFirst = add.getLhs() == chain;
      addend = chainFirst ? add.getRhs() : add.getLhs();
      if (!isa<BlockArgument>(addend))
        return op.emitOpError("expects the operand it adds to the GEMM "
                              "result to be a kernel input");
      if (failed(continuesChain(&op, chainFirst ? add.getLhs() : add.getRhs())))
        return failure();
    } else if (failed(continuesChain(&op, op.getOperand(0)))) {
      return failure();
    }
    if (op.getResult(0).getType() != chain.getType())
      return op.emitOpError("expects to keep the type of the GEMM result");
    roles.epilogue.push_back({&op, addend});
    chain = op.getResult(0);
    return success();
  }

  LogicalResult matchRope(RopeOp rope) {
    if (roles.rope)
      return rope.emitOpError("expects one RoPE per GEMM epilogue");
    if (failed(continuesChain(rope, rope.getInput())))
      return failure();
    if (rope.getPositions() && !isa<BlockArgument>(rope.getPositions()))
      return rope.emitOpError("expects its positions to be a kernel input");
    int64_t outFeatures =
        roles.products.front().getType().getShape().back();
    if (!ropeHeadsWithinRows(rope, outFeatures))
      return rope.emitOpError("rotates heads of ")
             << rope.getInput().getType().getShape().back()
             << " features, which do not tile the GEMM's rows of "
             << outFeatures;
    roles.rope = rope;
    chain = rope.getOutput();
    return success();
  }

  /// `operand` of `op` is the value the chain has reached after the products
  /// (and the gate of a gated GEMM).
  LogicalResult continuesChain(Operation *op, Value operand) {
    bool afterProducts =
        !roles.products.empty() &&
        (roles.products.size() == 1 || roles.gate);
    if (!afterProducts || operand != chain)
      return op->emitOpError("expects to continue the epilogue chain of its "
                             "GEMM, from the result of the products");
    return success();
  }

  GemmOp kernel;
  GemmRoles roles;
  /// The value the chain has reached.
  Value chain;
};

} // namespace

GemmRoles GemmOp::getRoles() {
  FailureOr<GemmRoles> roles = GemmRoleMatcher(*this).match();
  assert(succeeded(roles) && "getRoles on a GEMM that does not verify");
  return *roles;
}

::xfuse::gemm::Mainloop kernel::toGemmLimits(GemmMainloop mainloop) {
  switch (mainloop) {
  case GemmMainloop::tma_wgmma:
    return ::xfuse::gemm::Mainloop::kTmaWgmma;
  case GemmMainloop::mma_sync:
    return ::xfuse::gemm::Mainloop::kMmaSync;
  case GemmMainloop::simt:
    return ::xfuse::gemm::Mainloop::kSimt;
  case GemmMainloop::tma_wgmma_swapped:
    return ::xfuse::gemm::Mainloop::kTmaWgmmaSwapped;
  }
  llvm_unreachable("unknown main loop");
}

bool kernel::ropeHeadsWithinRows(RopeOp rope, int64_t outFeatures) {
  return outFeatures % rope.getInput().getType().getShape().back() == 0;
}

::xfuse::gemm::Config kernel::getGemmConfig(GemmPlanAttr plan, int products,
                                            Type elementType) {
  return {toGemmLimits(plan.getMainloop()),
          plan.getTileM(),
          plan.getTileN(),
          plan.getTileK(),
          plan.getStages(),
          plan.getWarpgroups().value_or(0),
          plan.getWarpsM().value_or(0),
          plan.getWarpsN().value_or(0),
          plan.getSplitK(),
          plan.getClusterM(),
          plan.getSchedule() == GemmSchedule::ping_pong,
          products,
          static_cast<int>(elementType.getIntOrFloatBitWidth() / 8),
          elementType.isF16()};
}

const char *
kernel::epilogueRopeUnsupportedReason(const ::xfuse::gemm::Config &config,
                                      RopeOp rope) {
  return ::xfuse::gemm::epilogueRopeUnsupportedReason(
      config, rope.getInput().getType().getShape().back(),
      rope.getEffectiveRotaryDim(), rope.getStyle() == RopeStyle::neox);
}

const char *kernel::foldUnsupportedReason(Operation *prologue) {
  auto encoding = dyn_cast<SinusoidalPeOp>(prologue);
  if (!encoding)
    return "only a sinusoidal encoding folds: a learned table is an input of "
           "each call";
  if (encoding.getPositions())
    return "an encoding of explicit positions differs per call";
  if (encoding.getScale().convertToDouble() != 1.0)
    return "an encoding that scales its input (scale != 1) does not fold";
  ArrayRef<int64_t> shape = encoding.getInput().getType().getShape();
  if (shape.size() < 2 || ShapedType::isDynamic(shape[shape.size() - 2]))
    return "the sequence length (the input's dimension -2) must be static: "
           "the table holds one row per position";
  return nullptr;
}

int64_t kernel::foldedPositions(Operation *prologue) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(prologue->getOperand(0).getType()).getShape();
  return shape[shape.size() - 2];
}

/// The plan runs the body: the main loop takes its products and element
/// type, its epilogue the RoPE, and it folds the prologue.
static LogicalResult verifyPlan(GemmOp kernel, GemmPlanAttr plan,
                                GemmRoles roles) {
  const bool folds = plan.getPrologue() == GemmPrologue::folded;
  if (roles.prologue && !folds)
    return roles.prologue->emitOpError(
        "cannot run as the prologue of a GEMM whose plan does not fold it "
        "(prologue = folded): no GEMM main loop applies one to its A tile");
  if (folds && !roles.prologue)
    return kernel.emitOpError("has a plan that folds a prologue "
                              "(prologue = folded), but its body has none");
  if (folds)
    if (const char *reason = foldUnsupportedReason(roles.prologue))
      return roles.prologue->emitOpError("cannot be folded into its GEMM's "
                                         "weight: ")
             << reason;
  ::xfuse::gemm::Config config =
      getGemmConfig(plan, roles.numProducts(), roles.elementType());
  if (const char *reason = ::xfuse::gemm::unsupportedReason(config))
    return kernel.emitOpError("has a plan that the ")
           << stringifyGemmMainloop(plan.getMainloop())
           << " main loop cannot run: " << reason;
  LinearOp product = roles.products.front();
  if (const char *reason = ::xfuse::gemm::problemUnsupportedReason(
          config, product.getType().getShape().back(),
          cast<RankedTensorType>(product.getInput().getType())
              .getShape()
              .back()))
    return kernel.emitOpError("has a plan that the ")
           << stringifyGemmMainloop(plan.getMainloop())
           << " main loop cannot run on its product: " << reason;
  auto input = cast<RankedTensorType>(product.getInput().getType());
  ArrayRef<int64_t> tokenDims = input.getShape().drop_back();
  // -1: known only per call; a count past int64 saturates.
  int64_t rows = -1;
  if (llvm::none_of(tokenDims, ShapedType::isDynamic))
    rows = staticProduct(tokenDims).value_or(
        std::numeric_limits<int64_t>::max());
  if (const char *reason = ::xfuse::gemm::rowsUnsupportedReason(config, rows))
    return kernel.emitOpError("has a plan that the ")
           << stringifyGemmMainloop(plan.getMainloop())
           << " main loop cannot run on its " << input << " input: "
           << reason;
  if (roles.rope)
    if (const char *reason = epilogueRopeUnsupportedReason(config, roles.rope))
      return roles.rope.emitOpError("cannot run in the epilogue of its "
                                    "GEMM's plan: ")
             << reason;
  if (folds)
    if (const char *reason = ::xfuse::gemm::periodicSourceUnsupportedReason(
            config, foldedPositions(roles.prologue)))
      return kernel.emitOpError("has a plan whose epilogue cannot add the "
                                "folded encoding of ")
             << foldedPositions(roles.prologue) << " positions: " << reason;
  return success();
}

LogicalResult GemmOp::verifyRegions() {
  if (failed(verifyFusedOps(*this, getBodyBlock())))
    return failure();
  FailureOr<GemmRoles> roles = GemmRoleMatcher(*this).match();
  if (failed(roles))
    return failure();
  if (GemmPlanAttr plan = getPlanAttr())
    return verifyPlan(*this, plan, *roles);
  return success();
}

std::optional<int64_t> kernel::pointwiseRowLength(Operation *op) {
  auto lastDims = [](Value value, unsigned count) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(value.getType()).getShape();
    int64_t length = 1;
    for (int64_t size : shape.take_back(count))
      length *= size;
    return length;
  };
  return TypeSwitch<Operation *, std::optional<int64_t>>(op)
      .Case([&](RopeOp rope) { return lastDims(rope.getInput(), 2); })
      .Case<RmsNormOp, LayerNormOp, SinusoidalPeOp, LearnedPeOp>(
          [&](Operation *op) { return lastDims(op->getOperand(0), 1); })
      .Case([&](AddOp add) -> std::optional<int64_t> {
        auto lhs = cast<RankedTensorType>(add.getLhs().getType());
        auto rhs = cast<RankedTensorType>(add.getRhs().getType());
        if (lhs.getShape() == rhs.getShape() || lhs.getRank() == 0 ||
            rhs.getRank() == 0)
          return std::nullopt;
        return lastDims(add.getResult(), 1);
      })
      .Default([](Operation *) { return std::nullopt; });
}

LogicalResult PointwiseOp::verifyRegions() {
  if (failed(verifyFusedOps(*this, getBodyBlock())))
    return failure();
  for (LinearOp linear : getBodyBlock().getOps<LinearOp>())
    return linear.emitOpError("belongs in an xkernel.gemm kernel, not in an "
                              "xkernel.pointwise one");
  // One RowChain runs the body: its stages share one row length.
  Operation *first = nullptr;
  std::optional<int64_t> rowLength;
  for (Operation &op : getBodyBlock().without_terminator()) {
    std::optional<int64_t> length = pointwiseRowLength(&op);
    if (!length)
      continue;
    if (rowLength && *length != *rowLength)
      return op.emitOpError("works on rows of ")
             << *length << " features, but '" << first->getName()
             << "' in the same xkernel.pointwise works on rows of "
             << *rowLength << ": one kernel runs one row length";
    first = &op;
    rowLength = length;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Collectives
//===----------------------------------------------------------------------===//

/// Why the GEMM `producer` cannot run in row blocks, each launched on its
/// own rows of A and of the result, or nullptr.
static const char *rowBlocksUnsupportedReason(GemmOp producer) {
  if (!producer->hasOneUse())
    return "its result has other users, which would read rows not yet "
           "written";
  GemmRoles roles = producer.getRoles();
  if (roles.prologue || roles.rope || !roles.reshapes.empty())
    return "its body reshapes, encodes or rotates rows, which a block of "
           "rows would have to follow";
  for (const GemmEpilogueOp &step : roles.epilogue)
    if (step.addend &&
        cast<RankedTensorType>(step.addend.getType()).getRank() > 1)
      return "its epilogue adds a per-row operand, whose rows a block would "
             "have to offset";
  return nullptr;
}

LogicalResult AllReduceOp::verify() {
  if (getRowBlocks() == 1)
    return success();
  // Before kernels are formed the producer is still an xfuse op; the GEMM
  // that runs in row blocks is checked once it exists.
  Operation *producer = getInput().getDefiningOp();
  if (!producer || !isa<GemmOp, PointwiseOp>(producer))
    return success();
  auto gemm = dyn_cast<GemmOp>(producer);
  if (!gemm)
    return emitOpError("expects row_blocks = 1 when an ")
           << producer->getName() << " writes its input: only a GEMM runs in "
           << "row blocks, but row_blocks = " << getRowBlocks();
  if (const char *reason = rowBlocksUnsupportedReason(gemm))
    return emitOpError("expects row_blocks = 1, but got ")
           << getRowBlocks() << ": the GEMM that writes its input cannot run "
           << "in row blocks: " << reason;
  return success();
}

/// Checks that `output` is `input` with dimension 0 divided by `ranks`
/// (`gather` false: a rank's rows of the whole) or multiplied by it
/// (`gather` true: the whole of the ranks' rows).
static LogicalResult verifyRowsAcrossRanks(Operation *op, Type inputType,
                                           Type outputType, int64_t ranks,
                                           bool gather) {
  auto input = cast<RankedTensorType>(inputType);
  auto output = cast<RankedTensorType>(outputType);
  if (input.getRank() == 0)
    return op->emitOpError("expects rows to ")
           << (gather ? "gather" : "scatter") << ", but got a rank-0 input";
  SmallVector<int64_t> expected(input.getShape());
  if (!ShapedType::isDynamic(expected[0])) {
    if (!gather && expected[0] % ranks != 0)
      return op->emitOpError("expects its ")
             << expected[0] << " rows to divide among " << ranks << " ranks";
    expected[0] = gather ? expected[0] * ranks : expected[0] / ranks;
  }
  if (output != input.clone(expected))
    return op->emitOpError("expects the result type ")
           << input.clone(expected) << " (" << ranks << " ranks' rows "
           << (gather ? "gathered" : "scattered") << "), but got " << output;
  return success();
}

LogicalResult ReduceScatterOp::verify() {
  return verifyRowsAcrossRanks(*this, getInput().getType(),
                               getOutput().getType(), getRanks(),
                               /*gather=*/false);
}

LogicalResult AllGatherOp::verify() {
  return verifyRowsAcrossRanks(*this, getInput().getType(),
                               getOutput().getType(), getRanks(),
                               /*gather=*/true);
}

std::optional<int64_t> kernel::collectiveRanks(Operation *op) {
  return TypeSwitch<Operation *, std::optional<int64_t>>(op)
      .Case<AllReduceOp, ReduceScatterOp, AllGatherOp>(
          [](auto collective) -> std::optional<int64_t> {
            return collective.getRanks();
          })
      .Default([](Operation *) { return std::nullopt; });
}

#define GET_OP_CLASSES
#include "dialect/kernel/KernelOps.cpp.inc"
