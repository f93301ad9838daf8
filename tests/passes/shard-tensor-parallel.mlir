// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-shard-tensor-parallel="ranks=2" | FileCheck %s
// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-shard-tensor-parallel="ranks=4 row-blocks=1" | FileCheck %s --check-prefix=FOUR
// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline="tensor-parallel=2" | FileCheck %s --check-prefix=PIPELINE

// Megatron's split in the in_out layout: W1 and b1 by column (dim 1 and 0),
// W2 by row (dim 0), b2 a partial sum; the residual add reads the sum.
// CHECK-LABEL: func.func @ffn_residual
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>,
// CHECK-SAME: %[[W1:.*]]: tensor<64x128xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>},
// CHECK-SAME: %[[B1:.*]]: tensor<128xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>},
// CHECK-SAME: %[[W2:.*]]: tensor<128x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>},
// CHECK-SAME: %[[B2:.*]]: tensor<64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2>})
// CHECK: %[[P:.*]] = xfuse.ffn %[[X]], %[[W1]] bias %[[B1]], %[[W2]] bias %[[B2]] {activation = #xfuse.activation<gelu>}
// CHECK-SAME: (tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
// CHECK: %[[Y:.*]] = xkernel.all_reduce %[[P]] {ranks = 2 : i64, row_blocks = 2 : i64} : tensor<?x64xbf16>
// CHECK: %[[R:.*]] = xfuse.add %[[Y]], %[[X]]
// CHECK: return %[[R]]
// FOUR-LABEL: func.func @ffn_residual
// FOUR-SAME: tensor<64x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 4, dim = 1>}
// FOUR: xkernel.all_reduce %{{.*}} {ranks = 4 : i64} :
// The pipeline shards first: the down GEMM keeps b2 in its epilogue, the
// all-reduce gets a workspace slice, and the residual add reads its result.
// PIPELINE-LABEL: func.func @ffn_residual
// PIPELINE: %[[H:.*]] = xkernel.gemm
// PIPELINE: xfuse.activation
// PIPELINE: %[[P:.*]] = xkernel.gemm(%[[H]], %{{.*}}, %{{.*}} : tensor<?x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>)
// PIPELINE: %[[Y:.*]] = xkernel.all_reduce %[[P]] {ranks = 2 : i64, row_blocks = 2 : i64, xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #{{.*}}>]}
// PIPELINE: xkernel.pointwise(%[[Y]], %{{.*}} :
// PIPELINE: xfuse.add
func.func @ffn_residual(%x: tensor<?x64xbf16>, %w1: tensor<64x256xbf16>, %b1: tensor<256xbf16>,
                        %w2: tensor<256x64xbf16>, %b2: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256xbf16>, tensor<256x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  %r = xfuse.add %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

// out_in (PyTorch's layout): gate and up split their rows, down its columns.
// CHECK-LABEL: func.func @swiglu_out_in
// CHECK-SAME: tensor<96x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}
// CHECK-SAME: tensor<96xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}
// CHECK-SAME: tensor<96x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}
// CHECK-SAME: tensor<64x96xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>})
// CHECK: %[[P:.*]] = xfuse.gated_ffn
// CHECK: %[[Y:.*]] = xkernel.all_reduce %[[P]]
// CHECK: return %[[Y]]
// PIPELINE-LABEL: func.func @swiglu_out_in
// PIPELINE-COUNT-2: xkernel.gemm
// PIPELINE: xkernel.all_reduce
func.func @swiglu_out_in(%x: tensor<?x64xbf16>, %wg: tensor<192x64xbf16>, %bg: tensor<192xbf16>,
                         %wu: tensor<192x64xbf16>, %wd: tensor<64x192xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x64xbf16>, tensor<192x64xbf16>, tensor<192xbf16>, tensor<192x64xbf16>, tensor<64x192xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// A lone linear stays replicated: every rank computes it whole.
// CHECK-LABEL: func.func @linear_replicated
// CHECK-SAME: (%{{.*}}: tensor<?x64xbf16>, %{{.*}}: tensor<64x64xbf16>)
// CHECK-NOT: xkernel
// CHECK: xfuse.linear
// CHECK-NOT: xkernel
func.func @linear_replicated(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.linear %x, %w : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// Errors leave the function as it was.

func.func @hidden_not_divisible(%x: tensor<?x64xbf16>, %w1: tensor<64x257xbf16>, %w2: tensor<257x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error-re @+1 {{'xfuse.ffn' op expects its hidden size of 257 features to divide among {{2|4}} ranks}}
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x64xbf16>, tensor<64x257xbf16>, tensor<257x64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

func.func @shared_weight(%x: tensor<?x96xbf16>, %w: tensor<96x96xbf16>) -> tensor<?x96xbf16> {
  // expected-error @+1 {{'xfuse.gated_ffn' op expects w_gate to be a function argument that only this op uses, so that each rank can be given its part of it}}
  %y = xfuse.gated_ffn %x, %w, %w, %w : (tensor<?x96xbf16>, tensor<96x96xbf16>, tensor<96x96xbf16>, tensor<96x96xbf16>) -> tensor<?x96xbf16>
  return %y : tensor<?x96xbf16>
}

// -----

func.func @computed_bias(%x: tensor<?x96xbf16>, %w1: tensor<96x96xbf16>, %w2: tensor<96x96xbf16>, %b: tensor<96xbf16>) -> tensor<?x96xbf16> {
  %b2 = xfuse.activation %b {kind = #xfuse.activation<relu>} : tensor<96xbf16>
  // expected-error @+1 {{'xfuse.ffn' op expects the down bias to be a function argument that only this op uses, so that each rank can be given its part of it}}
  %y = xfuse.ffn %x, %w1, %w2 bias %b2 : (tensor<?x96xbf16>, tensor<96x96xbf16>, tensor<96x96xbf16>, tensor<96xbf16>) -> tensor<?x96xbf16>
  return %y : tensor<?x96xbf16>
}
