// Sequence parallelism: collective=reduce-scatter leaves each network's sum
// sharded by rows, and all-gathers it where the graph needs every row.
// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-shard-tensor-parallel="ranks=2 collective=reduce-scatter" | FileCheck %s
// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline="tensor-parallel=4 tensor-parallel-collective=reduce-scatter" | FileCheck %s --check-prefix=PIPELINE

// A returned sum stays this rank's rows: the result takes their type and a
// shard along dimension 0.
// CHECK-LABEL: func.func @returned_rows
// CHECK-SAME: -> (tensor<?x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>})
// CHECK: %[[P:.*]] = xfuse.ffn
// CHECK-NEXT: %[[S:.*]] = xkernel.reduce_scatter %[[P]] {ranks = 2 : i64} : tensor<?x64xbf16> -> tensor<?x64xbf16>
// CHECK-NOT: xkernel.all_gather
// CHECK: return %[[S]]
// The rows' buffer is the caller's; every dynamic size is the token count's.
// PIPELINE-LABEL: func.func @returned_rows
// PIPELINE-COUNT-2: xkernel.gemm
// PIPELINE: %[[S:.*]] = xkernel.reduce_scatter %{{.*}} {ranks = 4 : i64} : tensor<?x64xbf16> -> tensor<?x64xbf16>
// PIPELINE-NOT: workspace_slices
// PIPELINE: return %[[S]]
func.func @returned_rows(%x: tensor<?x64xbf16>, %w1: tensor<64x256xbf16>, %w2: tensor<256x64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256x64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// Static tokens: each rank's part has tokens / ranks rows. The residual add
// needs every row: it reads one all-gather, which the returned rows do not.
// CHECK-LABEL: func.func @residual_and_rows
// CHECK-SAME: -> (tensor<16x64xbf16>, tensor<8x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>})
// CHECK: %[[P:.*]] = xfuse.gated_ffn
// CHECK-NEXT: %[[S:.*]] = xkernel.reduce_scatter %[[P]] {ranks = 2 : i64} : tensor<16x64xbf16> -> tensor<8x64xbf16>
// CHECK-NEXT: %[[G:.*]] = xkernel.all_gather %[[S]] {ranks = 2 : i64} : tensor<8x64xbf16> -> tensor<16x64xbf16>
// CHECK-NEXT: %[[R:.*]] = xfuse.add %[[G]], %{{.*}}
// CHECK-NEXT: return %[[R]], %[[S]]
// The all-gather's result is planned in the workspace at all rows' size
// (16 x 64 bf16), the reduce-scatter's is the caller's.
// PIPELINE-LABEL: func.func @residual_and_rows
// PIPELINE: %[[S:.*]] = xkernel.reduce_scatter %{{.*}} {ranks = 4 : i64} : tensor<16x64xbf16> -> tensor<4x64xbf16>
// PIPELINE-NEXT: %[[G:.*]] = xkernel.all_gather %[[S]] {ranks = 4 : i64, xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = {{.*}}>]} : tensor<4x64xbf16> -> tensor<16x64xbf16>
// PIPELINE: xkernel.pointwise(%[[G]],
// PIPELINE: return %{{.*}}, %[[S]]
func.func @residual_and_rows(%x: tensor<16x64xbf16>, %wg: tensor<64x96xbf16>, %wu: tensor<64x96xbf16>,
                             %wd: tensor<96x64xbf16>) -> (tensor<16x64xbf16>, tensor<16x64xbf16>) {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd : (tensor<16x64xbf16>, tensor<64x96xbf16>, tensor<64x96xbf16>, tensor<96x64xbf16>) -> tensor<16x64xbf16>
  %r = xfuse.add %y, %x : tensor<16x64xbf16>, tensor<16x64xbf16>
  return %r, %y : tensor<16x64xbf16>, tensor<16x64xbf16>
}

// -----

// Dynamic tokens: the all-gather's rows are the reduce-scatter's input's
// again, so its result takes the down GEMM's buffer (dead once scattered)
// at the same size: 64 bf16 features, 128 bytes a token.
// PIPELINE-LABEL: func.func @gathered_dynamic
// PIPELINE: xkernel.gemm{{.*}}workspace_slice<result = 0, offset = #[[HIDDEN:[^>]*]]>
// PIPELINE: xkernel.gemm{{.*}}workspace_slice<result = 0, offset = #[[DOWN:[^>]*]]>
// PIPELINE: xkernel.reduce_scatter
// PIPELINE-NEXT: xkernel.all_gather {{.*}}workspace_slice<result = 0, offset = #[[DOWN]]>
func.func @gathered_dynamic(%x: tensor<?x64xbf16>, %w1: tensor<64x256xbf16>, %w2: tensor<256x64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256x64xbf16>) -> tensor<?x64xbf16>
  %r = xfuse.add %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

func.func @rows_not_divisible(%x: tensor<5x64xbf16>, %w1: tensor<64x256xbf16>, %w2: tensor<256x64xbf16>) -> tensor<5x64xbf16> {
  // expected-error-re @+1 {{'xfuse.ffn' op expects token rows (dimension 0) that divide among {{2|4}} ranks for a reduce-scatter, but got 'tensor<5x64xbf16>'}}
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<5x64xbf16>, tensor<64x256xbf16>, tensor<256x64xbf16>) -> tensor<5x64xbf16>
  return %y : tensor<5x64xbf16>
}
