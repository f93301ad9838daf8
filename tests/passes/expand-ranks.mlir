// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-expand-ranks | FileCheck %s

// Each rank reads its part of the full arguments: slices of the split ones,
// the partial-sum bias on rank 0 and zeros elsewhere; the all-reduce is the
// sum of the ranks' values, and what follows it runs once.
// CHECK-LABEL: func.func @ffn_two_ranks
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>, %[[W1:.*]]: tensor<64x256xbf16>, %[[W2:.*]]: tensor<256x64xbf16>, %[[B2:.*]]: tensor<64xbf16>)
// CHECK-NOT: xkernel.shard
// CHECK-DAG: %[[W1R0:.*]] = tensor.extract_slice %[[W1]][0, 0] [64, 128] [1, 1]
// CHECK-DAG: %[[W1R1:.*]] = tensor.extract_slice %[[W1]][0, 128] [64, 128] [1, 1]
// CHECK-DAG: %[[W2R0:.*]] = tensor.extract_slice %[[W2]][0, 0] [128, 64] [1, 1]
// CHECK-DAG: %[[W2R1:.*]] = tensor.extract_slice %[[W2]][128, 0] [128, 64] [1, 1]
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<64xbf16>
// CHECK: %[[P0:.*]] = xfuse.ffn %[[X]], %[[W1R0]], %[[W2R0]] bias %[[B2]]
// CHECK: %[[P1:.*]] = xfuse.ffn %[[X]], %[[W1R1]], %[[W2R1]] bias %[[ZERO]]
// CHECK: %[[SUM:.*]] = xfuse.add %[[P0]], %[[P1]]
// CHECK: %[[R:.*]] = xfuse.add %[[SUM]], %[[X]]
// CHECK-NOT: xfuse.add
// CHECK: return %[[R]]
func.func @ffn_two_ranks(%x: tensor<?x64xbf16>,
                         %w1: tensor<64x128xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>},
                         %w2: tensor<128x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>},
                         %b2: tensor<64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2>}) -> tensor<?x64xbf16> {
  %p = xfuse.ffn %x, %w1, %w2 bias %b2 : (tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  %y = xkernel.all_reduce %p {ranks = 2} : tensor<?x64xbf16>
  %r = xfuse.add %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

// Kernels are copied whole, one per rank; three ranks add up in order.
// CHECK-LABEL: func.func @kernels_three_ranks
// CHECK-SAME: %{{.*}}: tensor<64x96xbf16>)
// CHECK-COUNT-3: xkernel.gemm
// CHECK: %[[S:.*]] = xfuse.add
// CHECK: xfuse.add %[[S]],
// CHECK-NOT: xkernel.all_reduce
func.func @kernels_three_ranks(%x: tensor<?x64xbf16>,
                               %w: tensor<64x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 3, dim = 1>})
    -> tensor<?x32xbf16> {
  %p = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x32xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16>
    xkernel.yield %0 : tensor<?x32xbf16>
  }
  %y = xkernel.all_reduce %p {ranks = 3} : tensor<?x32xbf16>
  return %y : tensor<?x32xbf16>
}

// -----

// A reduce-scatter gives each rank its rows of the sum, an all-gather all
// ranks' rows in order; a result sharded by rows returns every rank's.
// CHECK-LABEL: func.func @scatter_gather
// CHECK-SAME: -> (tensor<?x32xbf16>, tensor<?x32xbf16>)
// CHECK-NOT: xkernel.shard
// CHECK: %[[SUM:.*]] = xfuse.add %{{.*}}, %{{.*}} : tensor<?x32xbf16>
// CHECK: %[[ROWS:.*]] = tensor.dim %[[SUM]], %{{.*}} : tensor<?x32xbf16>
// CHECK: %[[PART:.*]] = arith.divui %[[ROWS]], %{{.*}} : index
// CHECK: %[[R0:.*]] = tensor.extract_slice %[[SUM]][%{{.*}}, 0] [%[[PART]], 32] [1, 1]
// CHECK: %[[PART1:.*]] = arith.divui
// CHECK: %[[R1:.*]] = tensor.extract_slice %[[SUM]][%[[PART1]], 0] [%[[PART1]], 32] [1, 1]
// CHECK: %[[G:.*]] = tensor.concat dim(0) %[[R0]], %[[R1]]
// CHECK: %[[RESULT:.*]] = tensor.concat dim(0) %[[R0]], %[[R1]]
// CHECK: return %[[RESULT]], %[[G]]
func.func @scatter_gather(%x: tensor<?x64xbf16>,
                          %w: tensor<64x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>})
    -> (tensor<?x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}, tensor<?x32xbf16>) {
  %p = xfuse.linear %x, %w : (tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16>
  %s = xkernel.reduce_scatter %p {ranks = 2} : tensor<?x32xbf16> -> tensor<?x32xbf16>
  %g = xkernel.all_gather %s {ranks = 2} : tensor<?x32xbf16> -> tensor<?x32xbf16>
  return %s, %g : tensor<?x32xbf16>, tensor<?x32xbf16>
}

// -----

// Static rows: rank r's part starts at r times its rows.
// CHECK-LABEL: func.func @static_rows
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [4, 32] [1, 1] : tensor<12x32xbf16> to tensor<4x32xbf16>
// CHECK: tensor.extract_slice %{{.*}}[4, 0] [4, 32] [1, 1] : tensor<12x32xbf16> to tensor<4x32xbf16>
// CHECK: tensor.extract_slice %{{.*}}[8, 0] [4, 32] [1, 1] : tensor<12x32xbf16> to tensor<4x32xbf16>
// CHECK: tensor.concat dim(0) {{.*}} : (tensor<4x32xbf16>, tensor<4x32xbf16>, tensor<4x32xbf16>) -> tensor<12x32xbf16>
func.func @static_rows(%x: tensor<12x64xbf16>,
                       %w: tensor<64x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 3, dim = 1>})
    -> (tensor<4x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 3, dim = 0>}) {
  %p = xfuse.linear %x, %w : (tensor<12x64xbf16>, tensor<64x32xbf16>) -> tensor<12x32xbf16>
  %s = xkernel.reduce_scatter %p {ranks = 3} : tensor<12x32xbf16> -> tensor<4x32xbf16>
  return %s : tensor<4x32xbf16>
}

// -----

// A function on one GPU is left as it is.
// CHECK-LABEL: func.func @one_gpu
// CHECK-NEXT: return
func.func @one_gpu(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-note @+1 {{the first is here}}
func.func @ranks_disagree(%x: tensor<?x64xbf16>,
                          %w: tensor<64x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>})
    -> tensor<?x32xbf16> {
  %p = xfuse.linear %x, %w : (tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16>
  // expected-error @+1 {{expects every shard and collective of @ranks_disagree to be for 2 ranks, but this one is for 4}}
  %y = xkernel.all_reduce %p {ranks = 4} : tensor<?x32xbf16>
  return %y : tensor<?x32xbf16>
}

// -----

// expected-note @+1 {{the first is here}}
func.func @result_ranks_disagree(%x: tensor<?x64xbf16>,
                                 %w: tensor<64x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>})
    -> (tensor<?x32xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}) {
  %p = xfuse.linear %x, %w : (tensor<?x64xbf16>, tensor<64x32xbf16>) -> tensor<?x32xbf16>
  // expected-error @+1 {{expects every shard and collective of @result_ranks_disagree to be for 2 ranks, but this one is for 4}}
  %s = xkernel.reduce_scatter %p {ranks = 4} : tensor<?x32xbf16> -> tensor<?x32xbf16>
  return %s : tensor<?x32xbf16>
}
