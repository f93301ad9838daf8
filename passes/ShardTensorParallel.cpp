//===- ShardTensorParallel.cpp - Megatron-style feed-forward sharding -----===//
//
// Each feed-forward network becomes its rank's slice of the hidden features:
// the first projection (or gate and up) column-parallel, the down projection
// row-parallel, and one xkernel.all_reduce of the partial outputs. The
// function stays one function that every rank runs (SPMD); what differs
// between ranks is only the data of the sharded arguments, which the
// xkernel.shard attribute describes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSESHARDTENSORPARALLEL
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// The fewest rows worth a block of their own when the tokens are known:
/// a smaller block's all-reduce is latency-bound and its GEMM too short to
/// hide one.
constexpr int64_t kMinRowsPerBlock = 1024;

/// An operand of a feed-forward network and how it is split across ranks:
/// along `dim`, or a partial sum (rank 0 holds it) when `dim` is nullopt.
struct ShardedOperand {
  StringRef name;
  Value value;
  std::optional<int64_t> dim;
};

/// The feed-forward network's weights and biases as the Megatron split
/// shards them. In `in_out` layout a weight is [in, out]: column-parallel
/// weights split dimension 1, the row-parallel one dimension 0; `out_in`
/// swaps them.
struct FeedForwardShards {
  SmallVector<ShardedOperand> operands;
  /// The hidden size the ranks divide among them.
  int64_t hidden;
};

FeedForwardShards feedForwardShards(Operation *op) {
  auto layout = WeightLayout::in_out;
  SmallVector<std::pair<StringRef, Value>> columnWeights, columnBiases;
  Value down, downBias;
  TypeSwitch<Operation *>(op)
      .Case([&](FfnOp ffn) {
        layout = ffn.getWeightLayout();
        columnWeights = {{"w1", ffn.getW1()}};
        columnBiases = {{"b1", ffn.getB1()}};
        down = ffn.getW2();
        downBias = ffn.getB2();
      })
      .Case([&](GatedFfnOp ffn) {
        layout = ffn.getWeightLayout();
        columnWeights = {{"w_gate", ffn.getWGate()}, {"w_up", ffn.getWUp()}};
        columnBiases = {{"b_gate", ffn.getBGate()}, {"b_up", ffn.getBUp()}};
        down = ffn.getWDown();
        downBias = ffn.getBDown();
      });
  const int64_t outDim = layout == WeightLayout::in_out ? 1 : 0;
  FeedForwardShards shards;
  shards.hidden = cast<RankedTensorType>(columnWeights.front().second.getType())
                      .getDimSize(outDim);
  for (auto [name, weight] : columnWeights)
    shards.operands.push_back({name, weight, outDim});
  for (auto [name, bias] : columnBiases)
    if (bias)
      shards.operands.push_back({name, bias, 0});
  shards.operands.push_back({"the down weight", down, 1 - outDim});
  if (downBias)
    shards.operands.push_back({"the down bias", downBias, std::nullopt});
  return shards;
}

struct XFuseShardTensorParallelPass
    : public xfuse::impl::XFuseShardTensorParallelBase<
          XFuseShardTensorParallelPass> {
  using XFuseShardTensorParallelBase::XFuseShardTensorParallelBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (ranks < 2 || rowBlocks < 1) {
      func.emitError("xfuse-shard-tensor-parallel expects ranks >= 2 and "
                     "row-blocks >= 1, but got ranks = ")
          << ranks.getValue() << ", row-blocks = " << rowBlocks.getValue();
      return signalPassFailure();
    }
    SmallVector<Operation *> feedForwards;
    func.walk([&](Operation *op) {
      if (isa<FfnOp, GatedFfnOp>(op))
        feedForwards.push_back(op);
    });
    for (Operation *op : feedForwards)
      if (failed(shard(func, op)))
        return signalPassFailure();
    func.setType(FunctionType::get(&getContext(),
                                   func.front().getArgumentTypes(),
                                   func.getResultTypes()));
  }

private:
  /// Row blocks of the down GEMM writing `output`: as many as asked, but
  /// no block of fewer than kMinRowsPerBlock rows when the tokens are
  /// static (with dynamic tokens, the run time takes fewer blocks for few
  /// rows).
  int64_t blocksOf(RankedTensorType output) const {
    ArrayRef<int64_t> tokens = output.getShape().drop_back();
    if (llvm::any_of(tokens, ShapedType::isDynamic))
      return rowBlocks;
    int64_t rows = 1;
    for (int64_t size : tokens)
      rows *= size;
    return std::clamp<int64_t>(rows / kMinRowsPerBlock, 1, rowBlocks);
  }

  LogicalResult shard(func::FuncOp func, Operation *op) {
    FeedForwardShards shards = feedForwardShards(op);
    // Check every operand before changing any, so that an error leaves
    // the function as it was.
    for (const ShardedOperand &operand : shards.operands) {
      auto argument = dyn_cast<BlockArgument>(operand.value);
      if (!argument || argument.getOwner() != &func.front() ||
          !argument.hasOneUse())
        return op->emitOpError("expects ")
               << operand.name << " to be a function argument that only this "
               << "op uses, so that each rank can be given its part of it";
      if (func.getArgAttr(argument.getArgNumber(), kernel::kShardAttrName))
        return op->emitOpError("expects ")
               << operand.name << " not to be sharded already";
      auto type = cast<RankedTensorType>(argument.getType());
      if (operand.dim && type.isDynamicDim(*operand.dim))
        return op->emitOpError("expects ")
               << operand.name << " to have a static dimension "
               << *operand.dim << " to split, but got " << type;
    }
    if (shards.hidden % ranks != 0)
      return op->emitOpError("expects its hidden size of ")
             << shards.hidden << " features to divide among "
             << ranks.getValue() << " ranks";
    auto outputType = cast<RankedTensorType>(op->getResult(0).getType());
    if (collective == TensorParallelCollective::ReduceScatter &&
        (outputType.getRank() < 2 ||
         (!outputType.isDynamicDim(0) &&
          outputType.getDimSize(0) % ranks != 0)))
      return op->emitOpError("expects token rows (dimension 0) that divide "
                             "among ")
             << ranks.getValue() << " ranks for a reduce-scatter, but got "
             << outputType;
    MLIRContext *context = func.getContext();
    for (const ShardedOperand &operand : shards.operands) {
      auto argument = cast<BlockArgument>(operand.value);
      auto type = cast<RankedTensorType>(argument.getType());
      if (operand.dim) {
        SmallVector<int64_t> shape(type.getShape());
        shape[*operand.dim] /= ranks;
        argument.setType(type.clone(shape));
      }
      func.setArgAttr(argument.getArgNumber(), kernel::kShardAttrName,
                      kernel::ShardAttr::get(context, ranks, operand.dim));
    }
    OpBuilder builder(op->getContext());
    builder.setInsertionPointAfter(op);
    Value partial = op->getResult(0);
    if (collective == TensorParallelCollective::ReduceScatter) {
      scatter(func, builder, partial);
      return success();
    }
    auto allReduce = kernel::AllReduceOp::create(
        builder, op->getLoc(), partial.getType(), partial,
        builder.getI64IntegerAttr(ranks),
        builder.getI64IntegerAttr(blocksOf(cast<RankedTensorType>(
            partial.getType()))));
    partial.replaceAllUsesExcept(allReduce.getOutput(), allReduce);
    return success();
  }

  /// Sums `partial` into each rank's rows: the function returns them as
  /// they are (a result sharded along dimension 0), and every other user
  /// reads them all-gathered, once.
  void scatter(func::FuncOp func, OpBuilder &builder, Value partial) {
    auto fullType = cast<RankedTensorType>(partial.getType());
    SmallVector<int64_t> rows(fullType.getShape());
    if (!ShapedType::isDynamic(rows[0]))
      rows[0] /= ranks;
    Location loc = partial.getLoc();
    auto reduceScatter = kernel::ReduceScatterOp::create(
        builder, loc, fullType.clone(rows), partial,
        builder.getI64IntegerAttr(ranks));
    kernel::AllGatherOp allGather;
    for (OpOperand &use : llvm::make_early_inc_range(partial.getUses())) {
      Operation *user = use.getOwner();
      if (user == reduceScatter)
        continue;
      if (isa<func::ReturnOp>(user)) {
        use.set(reduceScatter);
        unsigned index = use.getOperandNumber();
        SmallVector<Type> results(func.getResultTypes());
        results[index] = reduceScatter.getType();
        func.setType(FunctionType::get(func.getContext(),
                                       func.getArgumentTypes(), results));
        func.setResultAttr(index, kernel::kShardAttrName,
                           kernel::ShardAttr::get(func.getContext(), ranks,
                                                  /*dim=*/0));
        continue;
      }
      if (!allGather)
        allGather = kernel::AllGatherOp::create(
            builder, loc, fullType, reduceScatter,
            builder.getI64IntegerAttr(ranks));
      use.set(allGather);
    }
  }
};

} // namespace
