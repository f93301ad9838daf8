//===- CollectiveEmitter.cpp - collectives of tensor-parallel graphs ------===//
//
// An xkernel.all_reduce is one NCCL all-reduce on the rank's communicator
// (runtime/Communicator.h), or, with row_blocks > 1, the pipeline of
// cuda/host/Collectives.h: the GEMM writing its input is launched block by
// block, and each block's all-reduce runs on the communicator's reduction
// stream while the next block multiplies. An xkernel.reduce_scatter and an
// xkernel.all_gather are one NCCL call each, on the call's stream. Sharded
// arguments get a helper that cuts a rank's part of the full tensor
// (runtime/TensorShard.h).
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include <fmt/format.h>

namespace mlir::xfuse::codegen {

/// The GEMM that `op`'s row blocks launch, or null when it reduces after
/// the whole GEMM. The verifier has checked that the GEMM can.
static kernel::GemmOp gemmInRowBlocks(kernel::AllReduceOp op) {
  if (op.getRowBlocks() == 1)
    return nullptr;
  return op.getInput().getDefiningOp<kernel::GemmOp>();
}

bool launchedByAllReduce(kernel::GemmOp op) {
  if (!op->hasOneUse())
    return false;
  auto allReduce = dyn_cast<kernel::AllReduceOp>(*op->user_begin());
  return allReduce && gemmInRowBlocks(allReduce) == op;
}

Buffer collectiveResultLayout(Operation *op, const Buffer &input,
                              const FunctionScope &scope) {
  Buffer result = input;
  int64_t ranks = *kernel::collectiveRanks(op);
  if (input.dims.empty() || isa<kernel::AllReduceOp>(op))
    return result;
  Dim &rows = result.dims.front();
  const bool gather = isa<kernel::AllGatherOp>(op);
  // Gathered back, the rows a reduce-scatter checked to divide are its
  // input's again.
  if (auto scatter =
          op->getOperand(0).getDefiningOp<kernel::ReduceScatterOp>();
      gather && scatter && kernel::collectiveRanks(scatter) == ranks) {
    rows = scope.buffers.lookup(scatter.getInput()).dims.front();
    return result;
  }
  rows.expr = fmt::format("({} {} {})", rows.expr, gather ? '*' : '/', ranks);
  if (!rows.isStatic())
    rows.what += fmt::format(" {} {} ranks", gather ? "times" : "over", ranks);
  return result;
}

static LogicalResult emitAllReduce(kernel::AllReduceOp op, const Buffer &input,
                                   const Buffer &result, StringRef dtype,
                                   FunctionScope &scope) {
  raw_indented_ostream &out = scope.launches();
  kernel::GemmOp gemm = gemmInRowBlocks(op);
  if (!gemm) {
    out << fmt::format("XFUSE_RETURN_IF_ERROR(communicator.allReduceSum(\n"
                       "    {}, {},\n"
                       "    static_cast<std::size_t>({}), {}, stream));\n",
                       input.address, result.address, productText(input.dims),
                       dtype);
    return success();
  }
  out << "// The GEMM writing the partial sums, one launch per block of "
         "rows.\n"
      << "auto launchRows = [&](std::int64_t firstRow, std::int64_t "
         "blockRows,\n"
         "                      [[maybe_unused]] int gemmBlocks) -> "
         "rt::Status {\n";
  out.indent();
  RowBlock rows{"firstRow", "blockRows", "gemmBlocks"};
  if (failed(emitGemm(gemm, input, scope, &rows)))
    return failure();
  out << "return rt::Status::ok();\n";
  out.unindent();
  out << "};\n";
  out << fmt::format(
      "XFUSE_RETURN_IF_ERROR(allReduceInRowBlocks(\n"
      "    communicator, {}, {}, {}, {}, {},\n"
      "    /*maxBlocks=*/{}, /*rowAlignment=*/{}, launchRows, stream));\n",
      input.address, result.address, rowsText(input), input.lastDim(), dtype,
      op.getRowBlocks(), gemm.getPlanAttr().getTileM());
  return success();
}

LogicalResult emitCollective(Operation *op, const Buffer &input,
                             const Buffer &result, FunctionScope &scope) {
  FailureOr<std::string> dtype = rtDType(input.elementType());
  if (failed(dtype))
    return op->emitError("cannot emit '")
           << op->getName() << "' of " << input.elementType();
  const int64_t ranks = *kernel::collectiveRanks(op);
  scope.addCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectRanks(communicator, {}));", ranks));
  if (auto allReduce = dyn_cast<kernel::AllReduceOp>(op))
    return emitAllReduce(allReduce, input, result, *dtype, scope);
  // The rank's rows, and so each rank's element count, are the smaller
  // side's: a reduce-scatter's result, an all-gather's input.
  const bool gather = isa<kernel::AllGatherOp>(op);
  if (!gather && !input.dims.front().isStatic())
    scope.addSizeCheck(fmt::format(
        "XFUSE_RETURN_IF_ERROR(expectRowsDivide({}, \"{}\", {}));",
        input.dims.front().expr, input.dims.front().what, ranks));
  scope.launches() << fmt::format(
      "XFUSE_RETURN_IF_ERROR(communicator.{}(\n"
      "    {}, {},\n"
      "    static_cast<std::size_t>({}), {}, stream));\n",
      gather ? "allGather" : "reduceScatterSum", input.address,
      result.address, productText(gather ? input.dims : result.dims), *dtype);
  return success();
}

//===----------------------------------------------------------------------===//
// Shards of the arguments
//===----------------------------------------------------------------------===//

static std::string shardSignature(const Signature &sig, const Parameter &arg) {
  return "rt::StatusOr<rt::TensorShard> " + sig.name + "_shard_" + arg.name +
         "(const rt::TensorView &full, int rank, cudaStream_t stream)";
}

void emitShardDeclaration(const Signature &sig, const Parameter &arg,
                          raw_indented_ostream &os) {
  kernel::ShardAttr shard = arg.shard;
  RankedTensorType full = shard.getFullType(arg.type);
  os << "/// Rank `rank`'s " << arg.name << " of @" << sig.name << " from the "
     << typeText(full) << " one: ";
  if (shard.isPartialSum())
    os << "the tensor on rank 0,\n/// zeros on the others (the all-reduce adds "
          "it once).\n";
  else
    os << "part `rank` of " << shard.getRanks() << " along\n/// dimension "
       << *shard.getDim()
       << (arg.packing ? "; pack it with " + sig.name + "_pack_" + arg.name
                       : std::string())
       << ".\n";
  os << shardSignature(sig, arg) << ";\n\n";
}

void emitShardHelper(const Signature &sig, const Parameter &arg,
                     raw_indented_ostream &os) {
  kernel::ShardAttr shard = arg.shard;
  SmallVector<std::string> dims;
  for (int64_t size : shard.getFullType(arg.type).getShape())
    dims.push_back(ShapedType::isDynamic(size) ? "rt::Shape::kDynamic"
                                               : std::to_string(size));
  os << shardSignature(sig, arg) << " {\n";
  os.indent();
  os << fmt::format(
      "XFUSE_RETURN_IF_ERROR(rt::expectDType(full, \"{0}\", {1}));\n"
      "XFUSE_RETURN_IF_ERROR(rt::expectShape(full, \"{0}\", {{{2}}}));\n",
      arg.name, *rtDType(arg.type.getElementType()), llvm::join(dims, ", "));
  os << fmt::format(
      "return rt::shardOf(full, rt::ShardSpec{{{}, {}}}, rank, stream);\n",
      shard.getRanks(),
      shard.isPartialSum() ? "std::nullopt" : std::to_string(*shard.getDim()));
  os.unindent();
  os << "}\n\n";
}

} // namespace mlir::xfuse::codegen
