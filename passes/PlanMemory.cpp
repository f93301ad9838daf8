#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"
#include "dialect/kernel/TensorSizes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <numeric>

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPLANMEMORY
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

constexpr int64_t kAlignment = 256;

/// A size in bytes: `bytes` times the product of the function's dynamic
/// sizes `symbols` (sorted; a size may appear more than once).
struct Extent {
  int64_t bytes;
  SmallVector<unsigned> symbols;

  AffineExpr toExpr(MLIRContext *context) const {
    AffineExpr expr = getAffineConstantExpr(bytes, context);
    for (unsigned symbol : symbols)
      expr = expr * getAffineSymbolExpr(symbol, context);
    return expr;
  }
};

/// A workspace buffer and the program position after which it is free.
struct Buffer {
  Extent size;
  unsigned busyUntil;
};

bool isKernel(Operation *op) {
  return isa<kernel::GemmOp, kernel::PointwiseOp>(op);
}

/// Ops that write results to memory: kernels, and collectives (which write
/// out of place: the GEMM before an all-reduce may still be storing rows
/// the reduction has not reached).
bool writesResults(Operation *op) {
  return isKernel(op) || kernel::collectiveRanks(op);
}

/// A dynamic dimension as the function's dynamic size `symbol` times
/// multiplier / divisor (in lowest terms): collectives scatter rows among
/// ranks and gather them back.
struct TracedDim {
  unsigned symbol;
  int64_t multiplier = 1;
  int64_t divisor = 1;

  void scale(int64_t times, int64_t over) {
    multiplier *= times;
    divisor *= over;
    int64_t common = std::gcd(multiplier, divisor);
    multiplier /= common;
    divisor /= common;
  }
};

/// Plans the workspace of one single-block function.
class MemoryPlanner {
public:
  explicit MemoryPlanner(func::FuncOp func) : func(func) {
    for (BlockArgument argument : func.getArguments()) {
      auto type = dyn_cast<ShapedType>(argument.getType());
      if (!type)
        continue;
      for (auto [dim, size] : llvm::enumerate(type.getShape())) {
        if (!ShapedType::isDynamic(size))
          continue;
        unsigned symbol = symbolOf.size();
        symbolOf[{argument.getArgNumber(), dim}] = symbol;
      }
    }
  }

  LogicalResult plan() {
    for (auto [position, op] : llvm::enumerate(func.getBody().front()))
      positions[&op] = position;
    for (Operation &op : func.getBody().front())
      if (writesResults(&op) && failed(place(&op)))
        return failure();
    if (failed(checkStaticTotal()))
      return failure();
    record();
    return success();
  }

private:
  /// Assigns a buffer to each result of `kernel` that the function does not
  /// return.
  LogicalResult place(Operation *kernel) {
    unsigned position = positions.lookup(kernel);
    for (OpResult result : kernel->getResults()) {
      Lifetime lifetime = lifetimeOf(result, position);
      if (lifetime.returned)
        continue;
      if (!kernel::staticByteSize(cast<RankedTensorType>(result.getType())))
        return kernel->emitOpError("writes result #")
               << result.getResultNumber() << " of type " << result.getType()
               << ", whose static sizes alone make more than 2^63 - 1 bytes";
      FailureOr<Extent> size = extentOf(result);
      if (failed(size))
        return kernel->emitOpError("writes result #")
               << result.getResultNumber()
               << ", whose dynamic sizes do not come from the function's "
                  "arguments, so its workspace size is unknown";
      unsigned buffer = chooseBuffer(*size, writtenFrom(kernel));
      buffers[buffer].busyUntil = lifetime.lastUse;
      slices.push_back({result, buffer});
    }
    return success();
  }

  /// The position from which `op` writes its results: its own, except for
  /// an all-reduce, which starts on the first row block while the GEMM
  /// writing its input still reads that GEMM's operands.
  unsigned writtenFrom(Operation *op) {
    if (auto allReduce = dyn_cast<kernel::AllReduceOp>(op))
      if (Operation *producer = allReduce.getInput().getDefiningOp())
        if (producer->getBlock() == op->getBlock())
          return positions.lookup(producer);
    return positions.lookup(op);
  }

  struct Lifetime {
    unsigned lastUse;
    bool returned;
  };

  /// How long `value`, written at `position`, is read: by its users and by
  /// the users of the views (reshapes) made of it, which share its memory.
  Lifetime lifetimeOf(Value value, unsigned position) {
    Lifetime lifetime{position, false};
    for (Operation *user : value.getUsers()) {
      Operation *inBlock = func.getBody().front().findAncestorOpInBlock(*user);
      lifetime.lastUse = std::max(lifetime.lastUse, positions.lookup(inBlock));
      lifetime.returned |= isa<func::ReturnOp>(user);
      if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user))
        continue;
      Lifetime view = lifetimeOf(user->getResult(0), position);
      lifetime.lastUse = std::max(lifetime.lastUse, view.lastUse);
      lifetime.returned |= view.returned;
    }
    return lifetime;
  }

  /// A free buffer whose size scales with the same dynamic sizes: the
  /// smallest that holds `size`, else the largest, grown; or a new one.
  unsigned chooseBuffer(const Extent &size, unsigned position) {
    std::optional<unsigned> best;
    auto better = [&](const Buffer &candidate, const Buffer &current) {
      bool fits = candidate.size.bytes >= size.bytes;
      if (fits != (current.size.bytes >= size.bytes))
        return fits;
      return fits ? candidate.size.bytes < current.size.bytes
                  : candidate.size.bytes > current.size.bytes;
    };
    for (auto [index, buffer] : llvm::enumerate(buffers))
      if (buffer.busyUntil < position && buffer.size.symbols == size.symbols &&
          (!best || better(buffer, buffers[*best])))
        best = index;
    if (!best) {
      buffers.push_back({size, position});
      return buffers.size() - 1;
    }
    Extent &held = buffers[*best].size;
    held.bytes = std::max(held.bytes, size.bytes);
    return *best;
  }

  /// The buffers' static bytes, aligned, add up to an int64: then no offset
  /// or size that record() folds into a constant wraps.
  LogicalResult checkStaticTotal() {
    int64_t total = 0;
    for (const Buffer &buffer : buffers) {
      int64_t aligned;
      if (llvm::AddOverflow(buffer.size.bytes, kAlignment - 1, aligned) ||
          llvm::AddOverflow(total, aligned / kAlignment * kAlignment, total))
        return func.emitOpError("needs a workspace of more than 2^63 - 1 "
                                "bytes (times its dynamic sizes)");
    }
    return success();
  }

  /// Buffers are laid out in order, each aligned for any dynamic sizes.
  void record() {
    MLIRContext *context = func.getContext();
    auto toMap = [&](AffineExpr expr) {
      return AffineMapAttr::get(AffineMap::get(0, symbolOf.size(), expr));
    };
    SmallVector<AffineExpr> offsets;
    AffineExpr end = getAffineConstantExpr(0, context);
    for (const Buffer &buffer : buffers) {
      offsets.push_back(end);
      end = end + buffer.size.toExpr(context).ceilDiv(kAlignment) * kAlignment;
    }
    func->setAttr(kernel::kWorkspaceAttrName,
                  kernel::WorkspaceAttr::get(context, toMap(end)));

    llvm::MapVector<Operation *, SmallVector<Attribute>> slicesOf;
    for (auto [result, buffer] : slices)
      slicesOf[result.getOwner()].push_back(kernel::WorkspaceSliceAttr::get(
          context, result.getResultNumber(), toMap(offsets[buffer])));
    for (auto &[kernel, kernelSlices] : slicesOf)
      kernel->setAttr(kernel::kWorkspaceSlicesAttrName,
                      ArrayAttr::get(context, kernelSlices));
  }

  FailureOr<Extent> extentOf(Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    Extent extent{*kernel::staticByteSize(type), {}};
    for (auto [dim, size] : llvm::enumerate(type.getShape())) {
      if (!ShapedType::isDynamic(size))
        continue;
      std::optional<TracedDim> traced = traceDynamicDim(value, dim);
      if (!traced)
        return failure();
      extent.symbols.push_back(traced->symbol);
      // Rounded up where the ranks do not divide the static bytes; too many
      // bytes to count is left for checkStaticTotal to report.
      if (llvm::MulOverflow(extent.bytes, traced->multiplier, extent.bytes))
        extent.bytes = std::numeric_limits<int64_t>::max();
      extent.bytes = llvm::divideCeil(extent.bytes, traced->divisor);
    }
    llvm::sort(extent.symbols);
    return extent;
  }

  /// The function's dynamic size that dimension `dim` of `value` is a
  /// multiple or a part of, following values through kernel boundaries,
  /// xfuse ops and collectives (which keep their first operand's leading
  /// dimensions; a reduce-scatter divides the rows by its ranks, an
  /// all-gather multiplies them) and reshapes that keep the dimension
  /// whole.
  std::optional<TracedDim> traceDynamicDim(Value value, unsigned dim) {
    TracedDim traced{0};
    while (true) {
      if (auto argument = dyn_cast<BlockArgument>(value)) {
        Operation *owner = argument.getOwner()->getParentOp();
        if (owner == func) {
          auto it = symbolOf.find({argument.getArgNumber(), dim});
          if (it == symbolOf.end())
            return std::nullopt;
          traced.symbol = it->second;
          return traced;
        }
        if (!isKernel(owner))
          return std::nullopt;
        value = owner->getOperand(argument.getArgNumber());
        continue;
      }
      Operation *producer = value.getDefiningOp();
      unsigned resultNumber = cast<OpResult>(value).getResultNumber();
      if (isKernel(producer)) {
        value = producer->getRegion(0).front().getTerminator()->getOperand(
            resultNumber);
      } else if (auto scatter = dyn_cast<kernel::ReduceScatterOp>(producer)) {
        if (dim == 0)
          traced.scale(1, scatter.getRanks());
        value = scatter.getInput();
      } else if (auto gather = dyn_cast<kernel::AllGatherOp>(producer)) {
        if (dim == 0)
          traced.scale(gather.getRanks(), 1);
        value = gather.getInput();
      } else if (isa<XFuseDialect>(producer->getDialect()) ||
                 isa<kernel::AllReduceOp>(producer)) {
        value = producer->getOperand(0);
      } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(producer)) {
        // The source dimension whose group is this dimension alone.
        auto groups = expand.getReassociationIndices();
        auto group = llvm::find(groups, ReassociationIndices{dim});
        if (group == groups.end())
          return std::nullopt;
        value = expand.getSrc();
        dim = group - groups.begin();
      } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(producer)) {
        ReassociationIndices group = collapse.getReassociationIndices()[dim];
        if (group.size() != 1)
          return std::nullopt;
        value = collapse.getSrc();
        dim = group.front();
      } else {
        return std::nullopt;
      }
    }
  }

  func::FuncOp func;
  /// The symbol of each dynamic dimension (argument, dim) of the arguments.
  DenseMap<std::pair<unsigned, unsigned>, unsigned> symbolOf;
  /// Program positions of the ops of the function's block.
  DenseMap<Operation *, unsigned> positions;
  SmallVector<Buffer> buffers;
  SmallVector<std::pair<OpResult, unsigned>> slices;
};

struct XFusePlanMemoryPass
    : public xfuse::impl::XFusePlanMemoryBase<XFusePlanMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitOpError("expects one block, so that its kernels run in "
                       "program order");
      return signalPassFailure();
    }
    if (failed(MemoryPlanner(func).plan()))
      signalPassFailure();
  }
};

} // namespace
