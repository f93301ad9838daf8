// Kernel ops and plans survive printing and parsing, in the custom and in
// the generic form; every body fits the roles its kernel gives its ops.

// RUN: xfuse-opt %s | xfuse-opt | FileCheck %s
// RUN: xfuse-opt %s --mlir-print-op-generic | xfuse-opt | FileCheck %s

// The Hopper plan names its consumer warpgroups; defaults (split_k = 1,
// cluster_m = 1, schedule = cooperative) are elided.
// CHECK-LABEL: func.func @tma_wgmma
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2>
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 8>
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, cluster_m = 2>
func.func @tma_wgmma(%x: tensor<?x4096xbf16>, %w: tensor<4096x4096xbf16>) -> (tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<?x4096xbf16>) {
  %0 = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x4096xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2, split_k = 1, cluster_m = 1, schedule = cooperative>
      -> tensor<?x4096xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
    xkernel.yield %y : tensor<?x4096xbf16>
  }
  %1 = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x4096xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
      -> tensor<?x4096xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
    xkernel.yield %y : tensor<?x4096xbf16>
  }
  %2 = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x4096xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 8>
      -> tensor<?x4096xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
    xkernel.yield %y : tensor<?x4096xbf16>
  }
  %3 = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x4096xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, cluster_m = 2>
      -> tensor<?x4096xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<?x4096xbf16>
    xkernel.yield %y : tensor<?x4096xbf16>
  }
  return %0, %1, %2, %3 : tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<?x4096xbf16>, tensor<?x4096xbf16>
}

// mma.sync and SIMT plans name their warp grid; mma.sync runs on sm_90a
// too.
// CHECK-LABEL: func.func @warp_grids
// CHECK: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 8, warps_n = 1>
// CHECK: plan <target = sm_90a, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
// CHECK: plan <target = sm_80, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
func.func @warp_grids(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16>, %xf: tensor<?x256xf32>, %wf: tensor<256x256xf32>)
    -> (tensor<?x256xbf16>, tensor<?x256xbf16>, tensor<?x256xf32>) {
  %0 = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 8, warps_n = 1>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %y : tensor<?x256xbf16>
  }
  %1 = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %y = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %y : tensor<?x256xbf16>
  }
  %2 = xkernel.gemm(%xf, %wf : tensor<?x256xf32>, tensor<256x256xf32>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
      -> tensor<?x256xf32> {
  ^bb0(%a: tensor<?x256xf32>, %b: tensor<256x256xf32>):
    %y = xfuse.linear %a, %b : (tensor<?x256xf32>, tensor<256x256xf32>) -> tensor<?x256xf32>
    xkernel.yield %y : tensor<?x256xf32>
  }
  return %0, %1, %2 : tensor<?x256xbf16>, tensor<?x256xbf16>, tensor<?x256xf32>
}

// Every role at once: the prologue (unplanned: no main loop runs one), a
// gate and an up projection, their gated product, an activation and a
// residual add on the accumulators, the split into heads, the RoPE and a
// view after it.
// CHECK-LABEL: func.func @all_roles
// CHECK: xkernel.gemm
// CHECK-NEXT: ^bb0
// CHECK-NEXT: xfuse.sinusoidal_pe
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xfuse.linear
// CHECK-NEXT: xfuse.gate
// CHECK-NEXT: xfuse.activation
// CHECK-NEXT: xfuse.add
// CHECK-NEXT: arith.constant
// CHECK-NEXT: tensor.dim
// CHECK-NEXT: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK-NEXT: tensor.collapse_shape
// CHECK-NEXT: xkernel.yield
func.func @all_roles(%x: tensor<?x64xbf16>, %wg: tensor<64x128xbf16>, %wu: tensor<64x128xbf16>, %r: tensor<?x128xbf16>, %pos: tensor<?xi32>) -> tensor<?x128xbf16> {
  %y = xkernel.gemm(%x, %wg, %wu, %r, %pos : tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<64x128xbf16>, tensor<?x128xbf16>, tensor<?xi32>) -> tensor<?x128xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %g: tensor<64x128xbf16>, %u: tensor<64x128xbf16>, %ra: tensor<?x128xbf16>, %p: tensor<?xi32>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x64xbf16>
    %0 = xfuse.linear %pe, %g : (tensor<?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x128xbf16>
    %1 = xfuse.linear %pe, %u : (tensor<?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x128xbf16>
    %2 = xfuse.gate %0, %1 : tensor<?x128xbf16>
    %3 = xfuse.activation %2 {kind = #xfuse.activation<relu>} : tensor<?x128xbf16>
    %4 = xfuse.add %ra, %3 : tensor<?x128xbf16>, tensor<?x128xbf16>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x64xbf16>
    %5 = tensor.expand_shape %4 [[0], [1, 2]] output_shape [%n, 2, 64] : tensor<?x128xbf16> into tensor<?x2x64xbf16>
    %6 = xfuse.rope %5 positions %p : tensor<?x2x64xbf16>, tensor<?xi32>
    %7 = tensor.collapse_shape %6 [[0], [1, 2]] : tensor<?x2x64xbf16> into tensor<?x128xbf16>
    xkernel.yield %7 : tensor<?x128xbf16>
  }
  return %y : tensor<?x128xbf16>
}

// A RoPE on rows that are heads (the projection's input is already split
// into heads) needs no reshape.
// CHECK-LABEL: func.func @rope_on_rows
// CHECK: xfuse.linear
// CHECK-NEXT: xfuse.rope
func.func @rope_on_rows(%x: tensor<?x4x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x4x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x4x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 64, tile_k = 64, stages = 2, warpgroups = 2>
      -> tensor<?x4x64xbf16> {
  ^bb0(%a: tensor<?x4x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x4x64xbf16>, tensor<64x64xbf16>) -> tensor<?x4x64xbf16>
    %1 = xfuse.rope %0 : tensor<?x4x64xbf16>
    xkernel.yield %1 : tensor<?x4x64xbf16>
  }
  return %y : tensor<?x4x64xbf16>
}

// Pointwise bodies may start with, hold, or be a reshape.
// CHECK-LABEL: func.func @pointwise_reshapes
// CHECK: xkernel.pointwise{{.*}} plan <target = sm_90a, threads = 256, vector_width = 8>
// CHECK: tensor.expand_shape
// CHECK-NEXT: xfuse.rope
// CHECK: xkernel.pointwise{{.*}} plan <target = sm_80, threads = 256, vector_width = 8, rows_per_block = 1>
// CHECK: tensor.collapse_shape
func.func @pointwise_reshapes(%x: tensor<8x128xbf16>, %pos: tensor<8xi32>) -> (tensor<8x2x64xbf16>, tensor<1024xbf16>) {
  %0 = xkernel.pointwise(%x, %pos : tensor<8x128xbf16>, tensor<8xi32>)
      plan #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>
      -> tensor<8x2x64xbf16> {
  ^bb0(%a: tensor<8x128xbf16>, %p: tensor<8xi32>):
    %e = tensor.expand_shape %a [[0], [1, 2]] output_shape [8, 2, 64] : tensor<8x128xbf16> into tensor<8x2x64xbf16>
    %r = xfuse.rope %e positions %p : tensor<8x2x64xbf16>, tensor<8xi32>
    xkernel.yield %r : tensor<8x2x64xbf16>
  }
  %1 = xkernel.pointwise(%x : tensor<8x128xbf16>)
      plan #xkernel.pointwise_plan<target = sm_80, threads = 256, vector_width = 8, rows_per_block = 1>
      -> tensor<1024xbf16> {
  ^bb0(%a: tensor<8x128xbf16>):
    %c = tensor.collapse_shape %a [[0, 1]] : tensor<8x128xbf16> into tensor<1024xbf16>
    xkernel.yield %c : tensor<1024xbf16>
  }
  return %0, %1 : tensor<8x2x64xbf16>, tensor<1024xbf16>
}

// A rank's part of a tensor-parallel FFN: the sharded arguments say which
// part of the full tensor they hold, and an all-reduce sums the partial
// outputs over row blocks of the GEMM that writes them.
// CHECK-LABEL: func.func @tensor_parallel
// CHECK-SAME: {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}
// CHECK-SAME: {xkernel.shard = #xkernel.shard<ranks = 2>}
// CHECK: xkernel.all_reduce %{{.*}} {ranks = 2 : i64, row_blocks = 4 : i64} : tensor<?x64xbf16>
// CHECK: xkernel.all_reduce %{{.*}} {ranks = 2 : i64} : tensor<?x64xbf16>
func.func @tensor_parallel(%h: tensor<?x128xbf16>,
                           %w: tensor<128x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>},
                           %b: tensor<64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2>})
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %p = xkernel.gemm(%h, %w, %b : tensor<?x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x128xbf16>, %bw: tensor<128x64xbf16>, %bb: tensor<64xbf16>):
    %0 = xfuse.linear %a, %bw bias %bb : (tensor<?x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  %y = xkernel.all_reduce %p {ranks = 2, row_blocks = 4} : tensor<?x64xbf16>
  %z = xkernel.all_reduce %y {ranks = 2} : tensor<?x64xbf16>
  return %y, %z : tensor<?x64xbf16>, tensor<?x64xbf16>
}

// Sequence parallelism: a reduce-scatter leaves each rank its rows of the
// sum, an all-gather gives back all of them; the result holds this rank's
// rows.
// CHECK-LABEL: func.func @sequence_parallel
// CHECK-SAME: -> (tensor<4x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}, tensor<?x64xbf16>)
// CHECK: xkernel.reduce_scatter %{{.*}} {ranks = 2 : i64} : tensor<8x64xbf16> -> tensor<4x64xbf16>
// CHECK: xkernel.reduce_scatter %{{.*}} {ranks = 2 : i64} : tensor<?x64xbf16> -> tensor<?x64xbf16>
// CHECK: xkernel.all_gather %{{.*}} {ranks = 2 : i64} : tensor<?x64xbf16> -> tensor<?x64xbf16>
func.func @sequence_parallel(%p: tensor<8x64xbf16>, %q: tensor<?x64xbf16>)
    -> (tensor<4x64xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 0>}, tensor<?x64xbf16>) {
  %rows = xkernel.reduce_scatter %p {ranks = 2} : tensor<8x64xbf16> -> tensor<4x64xbf16>
  %part = xkernel.reduce_scatter %q {ranks = 2} : tensor<?x64xbf16> -> tensor<?x64xbf16>
  %all = xkernel.all_gather %part {ranks = 2} : tensor<?x64xbf16> -> tensor<?x64xbf16>
  return %rows, %all : tensor<4x64xbf16>, tensor<?x64xbf16>
}

// A positional encoding folded into the weight: the body keeps the
// encoding as its prologue, the plan says how it runs.
// CHECK-LABEL: func.func @folded_prologue
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong, prologue = folded>
// CHECK: xfuse.sinusoidal_pe
// CHECK-NEXT: xfuse.linear
func.func @folded_prologue(%x: tensor<?x512x768xbf16>, %w: tensor<3072x768xbf16>) -> tensor<?x512x3072xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x512x768xbf16>, tensor<3072x768xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x512x3072xbf16> {
  ^bb0(%a: tensor<?x512x768xbf16>, %b: tensor<3072x768xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x512x768xbf16>
    %0 = xfuse.linear %pe, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x512x768xbf16>, tensor<3072x768xbf16>) -> tensor<?x512x3072xbf16>
    xkernel.yield %0 : tensor<?x512x3072xbf16>
  }
  return %y : tensor<?x512x3072xbf16>
}
