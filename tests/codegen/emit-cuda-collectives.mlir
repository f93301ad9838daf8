// Tensor-parallel functions in CUDA: the entry point takes the rank's
// communicator and checks its rank count; an all-reduce with row blocks
// launches the GEMM writing its input block by block (the GEMM's own slot
// launches nothing), one with a single block follows it; every sharded
// argument has a helper that cuts a rank's part of the full tensor.
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2" | xfuse-translate --emit-cuda --xfuse-header=graph.h | FileCheck %s
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2" | xfuse-translate --emit-cuda-header | FileCheck %s --check-prefix=HEADER
// Sequence parallelism: a reduce-scatter, and an all-gather where the
// graph reads every row.
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2 tensor-parallel-collective=reduce-scatter" | xfuse-translate --emit-cuda --xfuse-header=graph.h | FileCheck %s --check-prefix=SCATTER
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2 tensor-parallel-collective=reduce-scatter" | xfuse-translate --emit-cuda-header | FileCheck %s --check-prefix=SCATTER-HEADER

// CHECK-LABEL: rt::Status prefill(
// CHECK: const rt::TensorView &result0,
// CHECK-NEXT: const rt::Communicator &communicator,
// CHECK-NEXT: rt::Workspace &workspace, cudaStream_t stream) {
// CHECK: XFUSE_RETURN_IF_ERROR(expectRanks(communicator, 2));
// CHECK: // Kernel 1: xkernel.gemm
// CHECK-NEXT: //   plan
// CHECK-NEXT: //   xfuse.linear
// CHECK-NEXT: {
// CHECK-NEXT: // Launched in row blocks by the all-reduce of its result.
// CHECK-NEXT: }
// CHECK: // Kernel 2: xkernel.all_reduce
// CHECK: auto launchRows = [&](std::int64_t firstRow, std::int64_t blockRows,
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} int gemmBlocks) -> rt::Status {
// CHECK: static_cast<const __nv_bfloat16 *>(kernel0Result0) + firstRow * 256, {static_cast<const __nv_bfloat16 *>(arg3.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(kernel1Result0) + firstRow * 64,
// CHECK-NEXT: static_cast<int>(blockRows), 64, 256};
// The block leaves the SMs of the communicator's collectives, if it has a
// fixed count of them.
// CHECK: sm90Params.maxBlocks = gemmBlocks;
// CHECK: return rt::Status::ok();
// CHECK-NEXT: };
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(allReduceInRowBlocks(
// CHECK-NEXT: communicator, kernel1Result0, result0.data, s0, 64, rt::DType::kBF16,
// CHECK-NEXT: /*maxBlocks=*/2, /*rowAlignment=*/128, launchRows, stream));
// CHECK: rt::StatusOr<rt::TensorShard> prefill_shard_arg1(const rt::TensorView &full, int rank, cudaStream_t stream) {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectDType(full, "arg1", rt::DType::kBF16));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(full, "arg1", {64, 512}));
// CHECK-NEXT: return rt::shardOf(full, rt::ShardSpec{2, 1}, rank, stream);
// CHECK: rt::StatusOr<rt::TensorShard> prefill_shard_arg4(
// CHECK: return rt::shardOf(full, rt::ShardSpec{2, std::nullopt}, rank, stream);
func.func @prefill(%x: tensor<?x64xbf16>, %w1: tensor<64x512xbf16>, %b1: tensor<512xbf16>,
                   %w2: tensor<512x64xbf16>, %b2: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x64xbf16>, tensor<64x512xbf16>, tensor<512xbf16>, tensor<512x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// A decode step (static tokens, one block): the down GEMM launches in its
// slot and one all-reduce on the call's stream follows it.
// CHECK-LABEL: rt::Status decode(
// CHECK: // Kernel 1: xkernel.gemm
// CHECK: device::launchGemmSm90SwapAb<Tile>(params, 1, epilogue, stream)
// CHECK: // Kernel 2: xkernel.all_reduce
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(communicator.allReduceSum(
// CHECK-NEXT: kernel1Result0, result0.data,
// CHECK-NEXT: static_cast<std::size_t>(1024), rt::DType::kBF16, stream));
// CHECK-NOT: launchRows
// CHECK-LABEL: decode_shard_arg1
// Static tokens: rank r gets rows [8r, 8r + 8), no size to check.
// SCATTER-LABEL: rt::Status decode(
// SCATTER-NOT: expectRowsDivide
// SCATTER: // Kernel 2: xkernel.reduce_scatter
// SCATTER-NEXT: XFUSE_RETURN_IF_ERROR(communicator.reduceScatterSum(
// SCATTER-NEXT: kernel1Result0, result0.data,
// SCATTER-NEXT: static_cast<std::size_t>(512), rt::DType::kBF16, stream));
func.func @decode(%x: tensor<16x64xbf16>, %wg: tensor<512x64xbf16>, %wu: tensor<512x64xbf16>,
                  %wd: tensor<64x512xbf16>) -> tensor<16x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x64xbf16>, tensor<512x64xbf16>, tensor<512x64xbf16>, tensor<64x512xbf16>) -> tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// A split-K plan runs block by block too, in scratch sized for all rows.
// CHECK-LABEL: rt::Status split_k(
// CHECK: device::Sm90SplitKWorkspace<device::Sm90GemmTile<{{.*}}>::partialBytes(static_cast<int>(4096), 64, 4)
// CHECK: auto launchRows = [&](std::int64_t firstRow, std::int64_t blockRows,
// CHECK-NEXT: {{\[\[}}maybe_unused{{\]\]}} int gemmBlocks) -> rt::Status {
// CHECK: static_cast<int>(blockRows), 64, 8192};
// CHECK: device::setGemmSm90SplitK<Tile>(&sm90Params, 4, counters, scratch0)
// CHECK: /*maxBlocks=*/2, /*rowAlignment=*/128, launchRows, stream));
func.func @split_k(%x: tensor<4096x64xbf16>, %w1: tensor<64x16384xbf16>, %w2: tensor<16384x64xbf16>) -> tensor<4096x64xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<4096x64xbf16>, tensor<64x16384xbf16>, tensor<16384x64xbf16>) -> tensor<4096x64xbf16>
  return %y : tensor<4096x64xbf16>
}

// The caller's rows must be tokens / 2 and the tokens even; the residual
// add reads an all-gather, whose rows are the tokens the reduce-scatter
// read.
// SCATTER-LABEL: rt::StatusOr<rt::WorkspaceSize> rows_workspace_size(
// SCATTER: XFUSE_RETURN_IF_ERROR(expectRowsDivide(s0, "'x' dim 0", 2));
// SCATTER-LABEL: rt::Status rows(
// SCATTER: XFUSE_RETURN_IF_ERROR(expectSameSize(result0.shape[0], "'part' dim 0", (s0 / 2), "'x' dim 0 over 2 ranks"));
// SCATTER: XFUSE_RETURN_IF_ERROR(expectRanks(communicator, 2));
// SCATTER: XFUSE_RETURN_IF_ERROR(expectSameSize(result1.shape[0], "'all' dim 0", s0, "'x' dim 0"));
// SCATTER: // Kernel 2: xkernel.reduce_scatter
// SCATTER-NEXT: XFUSE_RETURN_IF_ERROR(communicator.reduceScatterSum(
// SCATTER-NEXT: kernel1Result0, result0.data,
// SCATTER-NEXT: static_cast<std::size_t>((s0 / 2) * 64), rt::DType::kBF16, stream));
// SCATTER: // Kernel 3: xkernel.all_gather
// SCATTER-NEXT: XFUSE_RETURN_IF_ERROR(communicator.allGather(
// SCATTER-NEXT: result0.data, kernel3Result0,
// SCATTER-NEXT: static_cast<std::size_t>((s0 / 2) * 64), rt::DType::kBF16, stream));
// SCATTER: // Kernel 4: xkernel.pointwise
// SCATTER: static_cast<const __nv_bfloat16 *>(kernel3Result0),
// SCATTER-HEADER-LABEL: /// @rows(
// SCATTER-HEADER: ///   part       output    bf16 [?, 64], this rank's rows (part `rank` of 2 along dimension 0)
// SCATTER-HEADER-NEXT: ///   all        output    bf16 [?, 64]{{$}}
func.func @rows(%x: tensor<?x64xbf16> {xfuse.name = "x"}, %w1: tensor<64x512xbf16>, %w2: tensor<512x64xbf16>)
    -> (tensor<?x64xbf16> {xfuse.name = "part"}, tensor<?x64xbf16> {xfuse.name = "all"}) {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x64xbf16>, tensor<64x512xbf16>, tensor<512x64xbf16>) -> tensor<?x64xbf16>
  %r = xfuse.add %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>
  return %y, %r : tensor<?x64xbf16>, tensor<?x64xbf16>
}

// HEADER: #include "runtime/Communicator.h"
// HEADER-NEXT: #include "runtime/TensorShard.h"
// HEADER-LABEL: /// @prefill(arg0, arg1, arg2, arg3, arg4, result0, communicator, workspace, stream):
// HEADER: /// `communicator` is this rank's, and its collectives are queued on `stream`.
// HEADER: /// Rank `rank`'s arg1 of @prefill from the bf16 [64, 512] one: part `rank` of 2 along
// HEADER-NEXT: /// dimension 1; pack it with prefill_pack_arg1.
// HEADER-NEXT: rt::StatusOr<rt::TensorShard> prefill_shard_arg1(const rt::TensorView &full, int rank, cudaStream_t stream);
// HEADER: /// Rank `rank`'s arg4 of @prefill from the bf16 [64] one: the tensor on rank 0,
// HEADER-NEXT: /// zeros on the others (the all-reduce adds it once).
