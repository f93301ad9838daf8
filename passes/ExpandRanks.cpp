//===- ExpandRanks.cpp - all ranks of a tensor-parallel function in one ---===//
//
// The reference semantics of tensor parallelism: what N GPUs running the
// sharded function compute together, as one function on full tensors. Each
// rank is a copy of the body reading its parts of the arguments; an
// all-reduce is where the copies meet.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEEXPANDRANKS
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// The number of ranks the function runs on, which its shards and
/// collectives must agree on; nullopt when it runs on one GPU.
FailureOr<std::optional<int64_t>> rankCount(func::FuncOp func) {
  std::optional<int64_t> ranks;
  Operation *first = nullptr;
  auto agree = [&](Operation *where, int64_t count) -> LogicalResult {
    if (!ranks) {
      ranks = count;
      first = where;
      return success();
    }
    if (count == *ranks)
      return success();
    InFlightDiagnostic diag = where->emitError("expects every shard and "
                                               "collective of @")
                              << func.getSymName() << " to be for "
                              << *ranks << " ranks, but this one is for "
                              << count;
    diag.attachNote(first->getLoc()) << "the first is here";
    return failure();
  };
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto shard =
            func.getArgAttrOfType<kernel::ShardAttr>(i, kernel::kShardAttrName))
      if (failed(agree(func, shard.getRanks())))
        return failure();
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    if (auto shard = func.getResultAttrOfType<kernel::ShardAttr>(
            i, kernel::kShardAttrName))
      if (failed(agree(func, shard.getRanks())))
        return failure();
  WalkResult walk = func.walk([&](Operation *op) {
    std::optional<int64_t> count = kernel::collectiveRanks(op);
    return count && failed(agree(op, *count)) ? WalkResult::interrupt()
                                              : WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return ranks;
}

/// Rank `rank`'s part of the full tensor `full`, as `shard` describes it.
Value partOf(OpBuilder &builder, Location loc, Value full,
             kernel::ShardAttr shard, RankedTensorType shardType,
             int64_t rank) {
  if (shard.isPartialSum()) {
    if (rank == 0)
      return full;
    return arith::ConstantOp::create(
        builder, loc, shardType,
        SplatElementsAttr::get(shardType,
                               builder.getZeroAttr(shardType.getElementType())));
  }
  int64_t dim = *shard.getDim();
  SmallVector<OpFoldResult> offsets(shardType.getRank(),
                                    builder.getIndexAttr(0));
  offsets[dim] = builder.getIndexAttr(rank * shardType.getDimSize(dim));
  SmallVector<OpFoldResult> sizes, strides;
  for (int64_t size : shardType.getShape()) {
    sizes.push_back(builder.getIndexAttr(size));
    strides.push_back(builder.getIndexAttr(1));
  }
  return tensor::ExtractSliceOp::create(builder, loc, shardType, full, offsets,
                                        sizes, strides);
}

/// Rank `rank`'s rows of `full`, the part of type `partType` that a
/// reduce-scatter over `ranks` gives it.
Value rowsOf(OpBuilder &builder, Location loc, Value full,
             RankedTensorType partType, int64_t rank, int64_t ranks) {
  SmallVector<OpFoldResult> offsets(partType.getRank(),
                                    builder.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides;
  for (int64_t size : partType.getShape()) {
    sizes.push_back(builder.getIndexAttr(size));
    strides.push_back(builder.getIndexAttr(1));
  }
  if (partType.isDynamicDim(0)) {
    Value rows = arith::DivUIOp::create(
        builder, loc, builder.createOrFold<tensor::DimOp>(loc, full, 0),
        arith::ConstantIndexOp::create(builder, loc, ranks));
    sizes[0] = rows;
    offsets[0] = builder.createOrFold<arith::MulIOp>(
        loc, rows, arith::ConstantIndexOp::create(builder, loc, rank));
  } else {
    offsets[0] = builder.getIndexAttr(rank * partType.getDimSize(0));
  }
  return tensor::ExtractSliceOp::create(builder, loc, partType, full, offsets,
                                        sizes, strides);
}

struct XFuseExpandRanksPass
    : public xfuse::impl::XFuseExpandRanksBase<XFuseExpandRanksPass> {
  void runOnOperation() override {
    WalkResult walk = getOperation()->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return WalkResult::skip();
      FailureOr<std::optional<int64_t>> ranks = rankCount(func);
      if (failed(ranks))
        return WalkResult::interrupt();
      if (!*ranks)
        return WalkResult::skip();
      if (!func.getBody().hasOneBlock()) {
        func.emitOpError("expects one block to run once per rank");
        return WalkResult::interrupt();
      }
      expand(func, **ranks);
      return WalkResult::skip();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }

  /// Rebuilds the body of `func` on full arguments, one copy per rank.
  void expand(func::FuncOp func, int64_t ranks) {
    Block &sharded = func.front();
    auto *full = new Block();
    func.getBody().push_back(full);
    SmallVector<IRMapping> rankValues(ranks);
    OpBuilder builder = OpBuilder::atBlockBegin(full);
    for (BlockArgument argument : sharded.getArguments()) {
      unsigned index = argument.getArgNumber();
      auto shard = func.getArgAttrOfType<kernel::ShardAttr>(
          index, kernel::kShardAttrName);
      auto type = cast<RankedTensorType>(argument.getType());
      Value fullArgument = full->addArgument(
          shard ? shard.getFullType(type) : type, argument.getLoc());
      for (int64_t rank = 0; rank < ranks; ++rank)
        rankValues[rank].map(
            argument, shard ? partOf(builder, argument.getLoc(), fullArgument,
                                     shard, type, rank)
                            : fullArgument);
      if (shard)
        func.removeArgAttr(index, kernel::kShardAttrName);
    }
    // The ranks' values of `value`, in rank order.
    auto ranksOf = [&](Value value) {
      return llvm::map_to_vector(rankValues, [&](IRMapping &values) {
        return values.lookup(value);
      });
    };
    for (Operation &op : sharded.without_terminator()) {
      if (!kernel::collectiveRanks(&op)) {
        for (IRMapping &values : rankValues)
          builder.clone(op, values);
        continue;
      }
      Location loc = op.getLoc();
      Value input = op.getOperand(0), output = op.getResult(0);
      if (isa<kernel::AllGatherOp>(op)) {
        Value gathered =
            tensor::ConcatOp::create(builder, loc, /*dim=*/0, ranksOf(input));
        for (IRMapping &values : rankValues)
          values.map(output, gathered);
        continue;
      }
      SmallVector<Value> partials = ranksOf(input);
      Value sum = partials.front();
      for (Value partial : ArrayRef(partials).drop_front())
        sum = AddOp::create(builder, loc, sum, partial);
      for (auto [rank, values] : llvm::enumerate(rankValues))
        values.map(output, isa<kernel::AllReduceOp>(op)
                               ? sum
                               : rowsOf(builder, loc, sum,
                                        cast<RankedTensorType>(output.getType()),
                                        rank, ranks));
    }
    // A result sharded by rows is all ranks' rows; any other is replicated,
    // and rank 0's stands for all.
    Operation *terminator = sharded.getTerminator();
    SmallVector<Value> results;
    for (auto [index, result] : llvm::enumerate(terminator->getOperands())) {
      if (!func.getResultAttr(index, kernel::kShardAttrName)) {
        results.push_back(rankValues[0].lookup(result));
        continue;
      }
      results.push_back(tensor::ConcatOp::create(
          builder, terminator->getLoc(), /*dim=*/0, ranksOf(result)));
      func.removeResultAttr(
          index, StringAttr::get(func.getContext(), kernel::kShardAttrName));
    }
    func::ReturnOp::create(builder, terminator->getLoc(), results);
    // The other ranks' copies of what follows the last all-reduce.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*full)))
      if (isOpTriviallyDead(&op))
        op.erase();
    sharded.dropAllDefinedValueUses();
    sharded.erase();
    func.setType(FunctionType::get(func.getContext(), full->getArgumentTypes(),
                                   full->getTerminator()->getOperandTypes()));
  }
};

} // namespace
