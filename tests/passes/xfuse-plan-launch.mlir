// RUN: xfuse-opt %s --xfuse-plan-launch | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: xfuse-opt %s --xfuse-plan-launch="target=sm_80" | FileCheck %s --check-prefixes=CHECK,SM80

// Prefill: an unknown token count is assumed large, so two 64-row consumer
// warpgroups and the widest tile; single blocks (clusters sharing B tiles
// measured no faster). Four 48 KB stages and the staged stores fill the
// 227 KB of shared memory. sm_80: 128x128x32 over 2 x 4 warps.
// CHECK-LABEL: func.func @prefill
// SM90: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2>
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @prefill(%x: tensor<?x4096xbf16>, %w: tensor<4096x16384xbf16>) -> tensor<?x16384xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x16384xbf16>) -> tensor<?x16384xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x16384xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x16384xbf16>) -> tensor<?x16384xbf16>
    xkernel.yield %0 : tensor<?x16384xbf16>
  }
  return %y : tensor<?x16384xbf16>
}

// Decode: 16 tokens run with swapped operands, the tokens as wgmma's n =
// 16 and 64 weight rows per block: 256 blocks, two per SM, each with the 11
// stages that fit in half an SM's shared memory; 256 blocks leave no room
// for split-K. On sm_80 the 128 tiles of 128 columns already fill the 108
// SMs.
// CHECK-LABEL: func.func @decode
// SM90: plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 11, warpgroups = 1>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @decode(%x: tensor<16x4096xbf16>, %w: tensor<16384x4096xbf16>) -> tensor<16x16384xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<16x4096xbf16>, tensor<16384x4096xbf16>) -> tensor<16x16384xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<16384x4096xbf16>):
    %0 = xfuse.linear %a, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<16x4096xbf16>, tensor<16384x4096xbf16>) -> tensor<16x16384xbf16>
    xkernel.yield %0 : tensor<16x16384xbf16>
  }
  return %y : tensor<16x16384xbf16>
}

// 128 output features take two swapped tiles of 64 on sm_90a, and each
// splits its 4096-deep reduction in a cluster of 8 slices (the most a
// cluster holds, each of 8 main-loop steps); 16 blocks, one per SM, take
// a stage per step of their slice. The mma.sync main loop has no split-K.
// CHECK-LABEL: func.func @one_tile
// SM90: plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 8, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 8>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @one_tile(%x: tensor<8x4096xbf16>, %w: tensor<4096x128xbf16>) -> tensor<8x128xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<8x4096xbf16>, tensor<4096x128xbf16>) -> tensor<8x128xbf16> {
  ^bb0(%a: tensor<8x4096xbf16>, %b: tensor<4096x128xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<8x4096xbf16>, tensor<4096x128xbf16>) -> tensor<8x128xbf16>
    xkernel.yield %0 : tensor<8x128xbf16>
  }
  return %y : tensor<8x128xbf16>
}

// Gate and up accumulators of 256 (or 192) columns would not fit in
// registers: 128. Stages hold an A tile and two B tiles.
// CHECK-LABEL: func.func @gated
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @gated(%x: tensor<?x1024xbf16>, %wg: tensor<1024x2816xbf16>, %wu: tensor<1024x2816xbf16>) -> tensor<?x2816xbf16> {
  %y = xkernel.gemm(%x, %wg, %wu : tensor<?x1024xbf16>, tensor<1024x2816xbf16>, tensor<1024x2816xbf16>) -> tensor<?x2816xbf16> {
  ^bb0(%a: tensor<?x1024xbf16>, %g: tensor<1024x2816xbf16>, %u: tensor<1024x2816xbf16>):
    %0 = xfuse.linear %a, %g : (tensor<?x1024xbf16>, tensor<1024x2816xbf16>) -> tensor<?x2816xbf16>
    %1 = xfuse.linear %a, %u : (tensor<?x1024xbf16>, tensor<1024x2816xbf16>) -> tensor<?x2816xbf16>
    %2 = xfuse.gate %0, %1 : tensor<?x2816xbf16>
    xkernel.yield %2 : tensor<?x2816xbf16>
  }
  return %y : tensor<?x2816xbf16>
}

// A main loop of at most 16 k-steps (here 12: K = 768, BERT's first FFN
// GEMM) runs 128x128 tiles ping-pong on sm_90a: two consumer warpgroups
// take whole tiles in turn, one's epilogue overlapping the other's MMAs.
// Each keeps two 16 KB store buffers; of the five 32 KB stages that would
// fit beside them it takes four, leaving L1 to the epilogue's loads. sm_80
// has one schedule.
// CHECK-LABEL: func.func @short_main_loop
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @short_main_loop(%x: tensor<?x768xbf16>, %w: tensor<768x3072xbf16>) -> tensor<?x3072xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x768xbf16>, tensor<768x3072xbf16>) -> tensor<?x3072xbf16> {
  ^bb0(%a: tensor<?x768xbf16>, %b: tensor<768x3072xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x768xbf16>, tensor<768x3072xbf16>) -> tensor<?x3072xbf16>
    xkernel.yield %0 : tensor<?x3072xbf16>
  }
  return %y : tensor<?x3072xbf16>
}

// A RoPE epilogue needs whole heads per tile (sm_90a) or per warp's
// columns (sm_80): heads of 64 fit the 128-wide tile, which the 8-step
// main loop runs ping-pong on sm_90a (as @short_main_loop); on sm_80 the
// 128-wide tile takes 4 x 2 warps, 64 columns each.
// CHECK-LABEL: func.func @rope_epilogue
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 4, warps_n = 2>
func.func @rope_epilogue(%x: tensor<?x512xbf16>, %w: tensor<512x512xbf16>) -> tensor<?x8x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x512xbf16>, tensor<512x512xbf16>) -> tensor<?x8x64xbf16> {
  ^bb0(%a: tensor<?x512xbf16>, %b: tensor<512x512xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %b : (tensor<?x512xbf16>, tensor<512x512xbf16>) -> tensor<?x512xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x512xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 8, 64] : tensor<?x512xbf16> into tensor<?x8x64xbf16>
    %2 = xfuse.rope %1 : tensor<?x8x64xbf16>
    xkernel.yield %2 : tensor<?x8x64xbf16>
  }
  return %y : tensor<?x8x64xbf16>
}

// Decode with a RoPE epilogue: the swapped main loop has none, and heads of
// 128 need tiles of 128 or 256 columns (sm_90a) and no split-K, so the
// query projection of 16 tokens streams its weights through 32 unsplit
// 64x128 tiles where the plain projection runs swapped (@decode_plain); on
// sm_80 8 x 1 warps give each warp one head.
// CHECK-LABEL: func.func @decode_rope
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 128, tile_k = 64, stages = 8, warpgroups = 1>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 8, warps_n = 1>
func.func @decode_rope(%x: tensor<16x4096xbf16>, %w: tensor<4096x4096xbf16>, %p: tensor<16xi32>) -> tensor<16x32x128xbf16> {
  %y = xkernel.gemm(%x, %w, %p : tensor<16x4096xbf16>, tensor<4096x4096xbf16>, tensor<16xi32>) -> tensor<16x32x128xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096x4096xbf16>, %q: tensor<16xi32>):
    %0 = xfuse.linear %a, %b : (tensor<16x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<16x4096xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [16, 32, 128] : tensor<16x4096xbf16> into tensor<16x32x128xbf16>
    %2 = xfuse.rope %1 positions %q : tensor<16x32x128xbf16>, tensor<16xi32>
    xkernel.yield %2 : tensor<16x32x128xbf16>
  }
  return %y : tensor<16x32x128xbf16>
}

// The plain projection runs swapped: 64 tiles of 64 features, each in a
// cluster of 2 k-slices (128 blocks, one per SM), with 12 stages.
// CHECK-LABEL: func.func @decode_plain
// SM90: plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 12, warpgroups = 1, split_k = 2>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @decode_plain(%x: tensor<16x4096xbf16>, %w: tensor<4096x4096xbf16>) -> tensor<16x4096xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<16x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<16x4096xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<16x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<16x4096xbf16>
    xkernel.yield %0 : tensor<16x4096xbf16>
  }
  return %y : tensor<16x4096xbf16>
}

// Heads of 96: neither 256 nor 128 holds them, 192 does (sm_90a); on sm_80
// a 192-wide tile of 4 x 2 warps gives each warp one head.
// CHECK-LABEL: func.func @rope_heads_96
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 192, tile_k = 64, stages = 4, warpgroups = 2>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 192, tile_k = 32, stages = 4, warps_m = 4, warps_n = 2>
func.func @rope_heads_96(%x: tensor<?x1536xbf16>, %w: tensor<1536x1536xbf16>) -> tensor<?x16x96xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x1536xbf16>, tensor<1536x1536xbf16>) -> tensor<?x16x96xbf16> {
  ^bb0(%a: tensor<?x1536xbf16>, %b: tensor<1536x1536xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %b : (tensor<?x1536xbf16>, tensor<1536x1536xbf16>) -> tensor<?x1536xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x1536xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 16, 96] : tensor<?x1536xbf16> into tensor<?x16x96xbf16>
    %2 = xfuse.rope %1 : tensor<?x16x96xbf16>
    xkernel.yield %2 : tensor<?x16x96xbf16>
  }
  return %y : tensor<?x16x96xbf16>
}

// f32 operands run on the CUDA cores, on both targets, with the SIMT main
// loop's one tile.
// CHECK-LABEL: func.func @f32
// SM90: plan <target = sm_90a, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
// SM80: plan <target = sm_80, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
func.func @f32(%x: tensor<?x64xf32>, %w: tensor<64x256xf32>) -> tensor<?x256xf32> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x256xf32>) -> tensor<?x256xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x256xf32>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x256xf32>) -> tensor<?x256xf32>
    xkernel.yield %0 : tensor<?x256xf32>
  }
  return %y : tensor<?x256xf32>
}

// A one-step main loop still takes the 2 stages the pipelines need.
// CHECK-LABEL: func.func @one_k_step
// SM90: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong>
// SM80: plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 2, warps_m = 2, warps_n = 4>
func.func @one_k_step(%x: tensor<?x64xbf16>, %w: tensor<64x4096xbf16>) -> tensor<?x4096xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x4096xbf16>) -> tensor<?x4096xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x4096xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x4096xbf16>) -> tensor<?x4096xbf16>
    xkernel.yield %0 : tensor<?x4096xbf16>
  }
  return %y : tensor<?x4096xbf16>
}

// Pointwise kernels move 16 bytes per access; a norm reduces one row per
// block; a row of 100 bf16 (200 bytes) takes 8-byte accesses so that every
// row starts aligned.
// CHECK-LABEL: func.func @pointwise
// SM90: xkernel.pointwise{{.*}} plan <target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1>
// SM90: xkernel.pointwise{{.*}} plan <target = sm_90a, threads = 256, vector_width = 4>
// SM90: xkernel.pointwise{{.*}} plan <target = sm_90a, threads = 256, vector_width = 4>
// SM80: xkernel.pointwise{{.*}} plan <target = sm_80, threads = 256, vector_width = 8, rows_per_block = 1>
func.func @pointwise(%x: tensor<?x1024xbf16>, %g: tensor<1024xbf16>, %f: tensor<?x64xf32>, %r: tensor<?x100xbf16>)
    -> (tensor<?x1024xbf16>, tensor<?x64xf32>, tensor<?x100xbf16>) {
  %n = xkernel.pointwise(%x, %g : tensor<?x1024xbf16>, tensor<1024xbf16>) -> tensor<?x1024xbf16> {
  ^bb0(%a: tensor<?x1024xbf16>, %b: tensor<1024xbf16>):
    %0 = xfuse.rms_norm %a, %b : tensor<?x1024xbf16>, tensor<1024xbf16>
    xkernel.yield %0 : tensor<?x1024xbf16>
  }
  %s = xkernel.pointwise(%f : tensor<?x64xf32>) -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<silu>} : tensor<?x64xf32>
    xkernel.yield %0 : tensor<?x64xf32>
  }
  %t = xkernel.pointwise(%r : tensor<?x100xbf16>) -> tensor<?x100xbf16> {
  ^bb0(%a: tensor<?x100xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x100xbf16>
    xkernel.yield %0 : tensor<?x100xbf16>
  }
  return %n, %s, %t : tensor<?x1024xbf16>, tensor<?x64xf32>, tensor<?x100xbf16>
}

// f16 operands: the Hopper main loop's TMA maps and wgmma are bf16's, so
// sm_90a plans the mma.sync loop for them, as sm_80 does.
// CHECK-LABEL: func.func @f16
// SM90: plan <target = sm_90a, mainloop = mma_sync
// SM80: plan <target = sm_80, mainloop = mma_sync
func.func @f16(%x: tensor<?x256xf16>, %w: tensor<256x512xf16>) -> tensor<?x512xf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x256xf16>, tensor<256x512xf16>) -> tensor<?x512xf16> {
  ^bb0(%a: tensor<?x256xf16>, %b: tensor<256x512xf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x256xf16>, tensor<256x512xf16>) -> tensor<?x512xf16>
    xkernel.yield %0 : tensor<?x512xf16>
  }
  return %y : tensor<?x512xf16>
}

// Tile loads need rows that are a multiple of 16 bytes, not of 16 features:
// bf16 rows of 40 input and 24 output features (80 and 48 bytes) run on the
// tensor cores.
// CHECK-LABEL: func.func @rows_of_eight_bf16
// SM90: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma,
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = mma_sync,
func.func @rows_of_eight_bf16(%x: tensor<?x40xbf16>, %w: tensor<40x24xbf16>) -> tensor<?x24xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x40xbf16>, tensor<40x24xbf16>) -> tensor<?x24xbf16> {
  ^bb0(%a: tensor<?x40xbf16>, %b: tensor<40x24xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x40xbf16>, tensor<40x24xbf16>) -> tensor<?x24xbf16>
    xkernel.yield %0 : tensor<?x24xbf16>
  }
  return %y : tensor<?x24xbf16>
}
