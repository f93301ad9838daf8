// Tensor-parallel functions in CUDA: the entry point takes the rank's
// communicator and checks its rank count; an all-reduce with row blocks
// launches the GEMM writing its input block by block (the GEMM's own slot
// launches nothing), one with a single block follows it; every sharded
// argument has a helper that cuts a rank's part of the full tensor.
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2" | xfuse-translate --emit-cuda --xfuse-header=graph.h | FileCheck %s
// RUN: xfuse-opt %s --xfuse-pipeline="tensor-parallel=2" | xfuse-translate --emit-cuda-header | FileCheck %s --check-prefix=HEADER

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
// CHECK: auto launchRows = [&](std::int64_t firstRow, std::int64_t blockRows) -> rt::Status {
// CHECK: static_cast<const __nv_bfloat16 *>(kernel0Result0) + firstRow * 256, {static_cast<const __nv_bfloat16 *>(arg3.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(kernel1Result0) + firstRow * 64,
// CHECK-NEXT: static_cast<int>(blockRows), 64, 256};
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
// CHECK: device::launchGemmSm90<Tile>
// CHECK: // Kernel 2: xkernel.all_reduce
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(communicator.allReduceSum(
// CHECK-NEXT: kernel1Result0, result0.data,
// CHECK-NEXT: static_cast<std::size_t>(1024), rt::DType::kBF16, stream));
// CHECK-NOT: launchRows
// CHECK-LABEL: decode_shard_arg1
func.func @decode(%x: tensor<16x64xbf16>, %wg: tensor<512x64xbf16>, %wu: tensor<512x64xbf16>,
                  %wd: tensor<64x512xbf16>) -> tensor<16x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x64xbf16>, tensor<512x64xbf16>, tensor<512x64xbf16>, tensor<64x512xbf16>) -> tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// A split-K plan runs block by block too, in scratch sized for all rows.
// CHECK-LABEL: rt::Status split_k(
// CHECK: device::Sm90SplitKWorkspace<device::Sm90GemmTile<{{.*}}>::partialBytes(static_cast<int>(4096), 64, 4)
// CHECK: auto launchRows = [&](std::int64_t firstRow, std::int64_t blockRows) -> rt::Status {
// CHECK: static_cast<int>(blockRows), 64, 8192};
// CHECK: device::setGemmSm90SplitK<Tile>(&sm90Params, 4, counters, scratch0)
// CHECK: /*maxBlocks=*/2, /*rowAlignment=*/128, launchRows, stream));
func.func @split_k(%x: tensor<4096x64xbf16>, %w1: tensor<64x16384xbf16>, %w2: tensor<16384x64xbf16>) -> tensor<4096x64xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<4096x64xbf16>, tensor<64x16384xbf16>, tensor<16384x64xbf16>) -> tensor<4096x64xbf16>
  return %y : tensor<4096x64xbf16>
}

// HEADER: #include "runtime/Communicator.h"
// HEADER-NEXT: #include "runtime/TensorShard.h"
// HEADER-LABEL: /// @prefill(arg0, arg1, arg2, arg3, arg4, result0, communicator, workspace, stream):
// HEADER: /// `communicator` is this rank's, and its all-reduces are queued on `stream`.
// HEADER: /// Rank `rank`'s arg1 of @prefill from the bf16 [64, 512] one: part `rank` of 2 along
// HEADER-NEXT: /// dimension 1; pack it with prefill_pack_arg1.
// HEADER-NEXT: rt::StatusOr<rt::TensorShard> prefill_shard_arg1(const rt::TensorView &full, int rank, cudaStream_t stream);
// HEADER: /// Rank `rank`'s arg4 of @prefill from the bf16 [64] one: the tensor on rank 0,
// HEADER-NEXT: /// zeros on the others (the all-reduce adds it once).
