// Malformed kernels and plans are rejected with a located message: what a
// plan names by itself, the roles of a GEMM body, and, for a body, what its
// main loop runs (the reasons of cuda/device/GemmLimits.h).

// RUN: xfuse-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Plans by themselves
//===----------------------------------------------------------------------===//

func.func @tma_wgmma_on_sm80(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      // expected-error @+1 {{expects mainloop = tma_wgmma only on sm_90a, whose TMA and wgmma it runs}}
      plan #xkernel.gemm_plan<target = sm_80, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @tma_wgmma_with_warps(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      // expected-error @+1 {{expects warpgroups, and no warps_m or warps_n, with mainloop = tma_wgmma}}
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warps_m = 2, warps_n = 4>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @mma_sync_with_warpgroups(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      // expected-error @+1 {{expects warps_m and warps_n, and no warpgroups, with mainloop = mma_sync}}
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// The ping-pong schedule arranges Hopper warpgroups.
func.func @ping_pong_on_mma_sync(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      // expected-error @+1 {{expects a schedule only with mainloop = tma_wgmma, whose warpgroups it arranges}}
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4, schedule = ping_pong>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// Plans against GemmLimits, for the body
//===----------------------------------------------------------------------===//

func.func @hopper_tile_k(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'xkernel.gemm' op has a plan that the tma_wgmma main loop cannot run: the Hopper main loop takes k-tiles of 64}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 64, tile_k = 32, stages = 2, warpgroups = 1>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// A gated GEMM keeps two accumulators per output: the 256-wide tile that a
// single product runs does not fit.
func.func @gated_accumulators(%x: tensor<?x64xbf16>, %wg: tensor<64x256xbf16>, %wu: tensor<64x256xbf16>) -> tensor<?x256xbf16> {
  // expected-error @+1 {{has a plan that the tma_wgmma main loop cannot run: a consumer thread would hold more than 128 accumulators}}
  %y = xkernel.gemm(%x, %wg, %wu : tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<64x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 2, warpgroups = 2>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %g: tensor<64x256xbf16>, %u: tensor<64x256xbf16>):
    %0 = xfuse.linear %a, %g : (tensor<?x64xbf16>, tensor<64x256xbf16>) -> tensor<?x256xbf16>
    %1 = xfuse.linear %a, %u : (tensor<?x64xbf16>, tensor<64x256xbf16>) -> tensor<?x256xbf16>
    %2 = xfuse.gate %0, %1 : tensor<?x256xbf16>
    xkernel.yield %2 : tensor<?x256xbf16>
  }
  return %y : tensor<?x256xbf16>
}

// -----

// The swapped main loop holds all tokens in one tile: a dynamic count,
// known only per call, cannot be planned for it.
func.func @swapped_dynamic_tokens(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'xkernel.gemm' op has a plan that the tma_wgmma_swapped main loop cannot run on its 'tensor<?x64xbf16>' input: the swapped Hopper main loop needs a static token count}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 4, warpgroups = 1>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @swapped_too_many_tokens(%x: tensor<4x8x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<4x8x64xbf16> {
  // expected-error @+1 {{'xkernel.gemm' op has a plan that the tma_wgmma_swapped main loop cannot run on its 'tensor<4x8x64xbf16>' input: the swapped Hopper main loop holds all tokens in one tile: tile_m must be at least the token count}}
  %y = xkernel.gemm(%x, %w : tensor<4x8x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 4, warpgroups = 1>
      -> tensor<4x8x64xbf16> {
  ^bb0(%a: tensor<4x8x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<4x8x64xbf16>, tensor<64x64xbf16>) -> tensor<4x8x64xbf16>
    xkernel.yield %0 : tensor<4x8x64xbf16>
  }
  return %y : tensor<4x8x64xbf16>
}

// -----

// wgmma's n for the tokens: 8, 16, 32 or 64.
func.func @swapped_token_tile(%x: tensor<4x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<4x64xbf16> {
  // expected-error @+1 {{has a plan that the tma_wgmma_swapped main loop cannot run: the swapped Hopper main loop takes tile_m = 8, 16, 32 or 64 tokens (wgmma's n)}}
  %y = xkernel.gemm(%x, %w : tensor<4x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 4, tile_n = 64, tile_k = 64, stages = 4, warpgroups = 1>
      -> tensor<4x64xbf16> {
  ^bb0(%a: tensor<4x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<4x64xbf16>, tensor<64x64xbf16>) -> tensor<4x64xbf16>
    xkernel.yield %0 : tensor<4x64xbf16>
  }
  return %y : tensor<4x64xbf16>
}

// -----

// The split-K slices of a swapped tile run as one cluster: at most 8.
func.func @swapped_split_k(%x: tensor<8x4096xbf16>, %w: tensor<4096x64xbf16>) -> tensor<8x64xbf16> {
  // expected-error @+1 {{has a plan that the tma_wgmma_swapped main loop cannot run: the swapped Hopper main loop runs split_k slices as one cluster: at most 8}}
  %y = xkernel.gemm(%x, %w : tensor<8x4096xbf16>, tensor<4096x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 8, tile_n = 64, tile_k = 64, stages = 4, warpgroups = 1, split_k = 16>
      -> tensor<8x64xbf16> {
  ^bb0(%a: tensor<8x4096xbf16>, %b: tensor<4096x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<8x4096xbf16>, tensor<4096x64xbf16>) -> tensor<8x64xbf16>
    xkernel.yield %0 : tensor<8x64xbf16>
  }
  return %y : tensor<8x64xbf16>
}

// -----

func.func @swapped_on_sm80(%x: tensor<8x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<8x64xbf16> {
  // expected-error @+2 {{expects mainloop = tma_wgmma_swapped only on sm_90a, whose TMA and wgmma it runs}}
  %y = xkernel.gemm(%x, %w : tensor<8x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = tma_wgmma_swapped, tile_m = 8, tile_n = 64, tile_k = 64, stages = 4, warpgroups = 1>
      -> tensor<8x64xbf16> {
  ^bb0(%a: tensor<8x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<8x64xbf16>, tensor<64x64xbf16>) -> tensor<8x64xbf16>
    xkernel.yield %0 : tensor<8x64xbf16>
  }
  return %y : tensor<8x64xbf16>
}

// -----

func.func @f32_on_tensor_cores(%x: tensor<?x64xf32>, %w: tensor<64x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{has a plan that the mma_sync main loop cannot run: the mma.sync main loop multiplies 16-bit operands}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x64xf32>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
      -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    xkernel.yield %0 : tensor<?x64xf32>
  }
  return %y : tensor<?x64xf32>
}

// -----

func.func @bf16_on_simt(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has a plan that the simt main loop cannot run: the SIMT main loop multiplies f32 operands}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @split_k_on_mma_sync(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has a plan that the mma_sync main loop cannot run: the mma.sync main loop has no split-K}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4, split_k = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @cluster_on_mma_sync(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has a plan that the mma_sync main loop cannot run: thread-block clusters}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4, cluster_m = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// The warp grid of 2 x 4 gives each warp 32 columns: heads of 64 straddle
// two warps.
func.func @rope_across_warps(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16>) -> tensor<?x4x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
      -> tensor<?x4x64xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 4, 64] : tensor<?x256xbf16> into tensor<?x4x64xbf16>
    // expected-error @+1 {{'xfuse.rope' op cannot run in the epilogue of its GEMM's plan: a warp's columns must hold whole heads}}
    %2 = xfuse.rope %1 : tensor<?x4x64xbf16>
    xkernel.yield %2 : tensor<?x4x64xbf16>
  }
  return %y : tensor<?x4x64xbf16>
}

// -----

func.func @rope_split_k(%x: tensor<16x4096xbf16>, %w: tensor<4096x128xbf16>) -> tensor<16x1x128xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<16x4096xbf16>, tensor<4096x128xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 128, tile_k = 64, stages = 8, warpgroups = 1, split_k = 4>
      -> tensor<16x1x128xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096x128xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<16x4096xbf16>, tensor<4096x128xbf16>) -> tensor<16x128xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [16, 1, 128] : tensor<16x128xbf16> into tensor<16x1x128xbf16>
    // expected-error @+1 {{cannot run in the epilogue of its GEMM's plan: a split-K GEMM}}
    %2 = xfuse.rope %1 : tensor<16x1x128xbf16>
    xkernel.yield %2 : tensor<16x1x128xbf16>
  }
  return %y : tensor<16x1x128xbf16>
}

// -----

// The swapped GEMM's threads hold a head's features across lanes: no RoPE.
func.func @rope_swapped(%x: tensor<16x4096xbf16>, %w: tensor<4096x128xbf16>) -> tensor<16x1x128xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<16x4096xbf16>, tensor<4096x128xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 128, tile_k = 64, stages = 8, warpgroups = 1>
      -> tensor<16x1x128xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<4096x128xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<16x4096xbf16>, tensor<4096x128xbf16>) -> tensor<16x128xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [16, 1, 128] : tensor<16x128xbf16> into tensor<16x1x128xbf16>
    // expected-error @+1 {{cannot run in the epilogue of its GEMM's plan: the swapped Hopper GEMM has no RoPE epilogue}}
    %2 = xfuse.rope %1 : tensor<16x1x128xbf16>
    xkernel.yield %2 : tensor<16x1x128xbf16>
  }
  return %y : tensor<16x1x128xbf16>
}

// -----

func.func @rope_on_simt(%x: tensor<?x64xf32>, %w: tensor<64x64xf32>) -> tensor<?x64xf32> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x64xf32>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
      -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x64xf32>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 1, 64] : tensor<?x64xf32> into tensor<?x1x64xf32>
    // expected-error @+1 {{cannot run in the epilogue of its GEMM's plan: the SIMT GEMM has no RoPE epilogue}}
    %2 = xfuse.rope %1 : tensor<?x1x64xf32>
    %3 = tensor.collapse_shape %2 [[0], [1, 2]] : tensor<?x1x64xf32> into tensor<?x64xf32>
    xkernel.yield %3 : tensor<?x64xf32>
  }
  return %y : tensor<?x64xf32>
}

// -----

func.func @planned_prologue(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{cannot run as the prologue of a GEMM whose plan does not fold it (prologue = folded): no GEMM main loop applies one to its A tile}}
    %pe = xfuse.sinusoidal_pe %a : tensor<?x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @folded_without_prologue(%x: tensor<?x128x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x128x64xbf16> {
  // expected-error @+1 {{has a plan that folds a prologue (prologue = folded), but its body has none}}
  %y = xkernel.gemm(%x, %w : tensor<?x128x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x64xbf16> {
  ^bb0(%a: tensor<?x128x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x128x64xbf16>, tensor<64x64xbf16>) -> tensor<?x128x64xbf16>
    xkernel.yield %0 : tensor<?x128x64xbf16>
  }
  return %y : tensor<?x128x64xbf16>
}

// -----

func.func @folded_scaled(%x: tensor<?x128x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x128x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x128x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x64xbf16> {
  ^bb0(%a: tensor<?x128x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{cannot be folded into its GEMM's weight: an encoding that scales its input (scale != 1) does not fold}}
    %pe = xfuse.sinusoidal_pe %a {scale = 8.0 : f64} : tensor<?x128x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x128x64xbf16>, tensor<64x64xbf16>) -> tensor<?x128x64xbf16>
    xkernel.yield %0 : tensor<?x128x64xbf16>
  }
  return %y : tensor<?x128x64xbf16>
}

// -----

func.func @folded_learned(%x: tensor<?x128x64xbf16>, %t: tensor<512x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x128x64xbf16> {
  %y = xkernel.gemm(%x, %t, %w : tensor<?x128x64xbf16>, tensor<512x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x64xbf16> {
  ^bb0(%a: tensor<?x128x64xbf16>, %table: tensor<512x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{cannot be folded into its GEMM's weight: only a sinusoidal encoding folds: a learned table is an input of each call}}
    %pe = xfuse.learned_pe %a, %table : tensor<?x128x64xbf16>, tensor<512x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x128x64xbf16>, tensor<64x64xbf16>) -> tensor<?x128x64xbf16>
    xkernel.yield %0 : tensor<?x128x64xbf16>
  }
  return %y : tensor<?x128x64xbf16>
}

// -----

func.func @folded_wide_tile(%x: tensor<?x128x64xbf16>, %w: tensor<64x256xbf16>) -> tensor<?x128x256xbf16> {
  // expected-error @+1 {{has a plan whose epilogue cannot add the folded encoding of 128 positions: a consumer's two staged store buffers hold the source of at most 128 columns (tile_n <= 128)}}
  %y = xkernel.gemm(%x, %w : tensor<?x128x64xbf16>, tensor<64x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 2, warpgroups = 2, prologue = folded>
      -> tensor<?x128x256xbf16> {
  ^bb0(%a: tensor<?x128x64xbf16>, %b: tensor<64x256xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x128x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x128x64xbf16>, tensor<64x256xbf16>) -> tensor<?x128x256xbf16>
    xkernel.yield %0 : tensor<?x128x256xbf16>
  }
  return %y : tensor<?x128x256xbf16>
}

// -----

func.func @folded_short_sequence(%x: tensor<?x96x64xbf16>, %w: tensor<64x128xbf16>) -> tensor<?x96x128xbf16> {
  // expected-error @+1 {{has a plan whose epilogue cannot add the folded encoding of 96 positions: the period must be a positive multiple of the rows a consumer stores (tile_m when ping-pong, else 64), so that no consumer's rows wrap around the source}}
  %y = xkernel.gemm(%x, %w : tensor<?x96x64xbf16>, tensor<64x128xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x96x128xbf16> {
  ^bb0(%a: tensor<?x96x64xbf16>, %b: tensor<64x128xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x96x64xbf16>
    %0 = xfuse.linear %pe, %b : (tensor<?x96x64xbf16>, tensor<64x128xbf16>) -> tensor<?x96x128xbf16>
    xkernel.yield %0 : tensor<?x96x128xbf16>
  }
  return %y : tensor<?x96x128xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// Roles of a GEMM body
//===----------------------------------------------------------------------===//

func.func @no_product(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{expects one xfuse.linear (or a gate and an up projection sharing their input), but its body has none}}
  %y = xkernel.gemm(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    xkernel.yield %a : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @three_products(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %1 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    // expected-error @+1 {{expects to be the one product of its GEMM, or one of a gate and an up projection before the epilogue}}
    %2 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %2 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @chained_products(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    // expected-error @+1 {{expects its GEMM's two projections to share their input}}
    %1 = xfuse.linear %0, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @no_gate(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{expects its two projections to meet in one xfuse.gate}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %1 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @computed_weight(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %w = arith.constant dense<1.0> : tensor<64x64xbf16>
    // expected-error @+1 {{expects its weight and bias to be kernel inputs}}
    %0 = xfuse.linear %a, %w : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @add_of_body_value(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    // expected-error @+1 {{expects the operand it adds to the GEMM result to be a kernel input}}
    %2 = xfuse.add %1, %0 : tensor<?x64xbf16>, tensor<?x64xbf16>
    xkernel.yield %2 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @activation_after_rope(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x1x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x1x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x64xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 1, 64] : tensor<?x64xbf16> into tensor<?x1x64xbf16>
    %2 = xfuse.rope %1 : tensor<?x1x64xbf16>
    // expected-error @+1 {{expects to run before the reshapes and the RoPE of the GEMM epilogue, on the accumulator tile}}
    %3 = xfuse.activation %2 {kind = #xfuse.activation<relu>} : tensor<?x1x64xbf16>
    xkernel.yield %3 : tensor<?x1x64xbf16>
  }
  return %y : tensor<?x1x64xbf16>
}

// -----

// Heads of 64 would straddle the GEMM's rows of 32 outputs.
func.func @heads_across_rows(%x: tensor<?x2x64xbf16>, %w: tensor<64x32xbf16>) -> tensor<?x1x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x2x64xbf16>, tensor<64x32xbf16>) -> tensor<?x1x64xbf16> {
  ^bb0(%a: tensor<?x2x64xbf16>, %b: tensor<64x32xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x2x64xbf16>, tensor<64x32xbf16>) -> tensor<?x2x32xbf16>
    %1 = tensor.collapse_shape %0 [[0], [1, 2]] : tensor<?x2x32xbf16> into tensor<?x64xbf16>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %a, %c0 : tensor<?x2x64xbf16>
    %2 = tensor.expand_shape %1 [[0], [1, 2]] output_shape [%n, 1, 64] : tensor<?x64xbf16> into tensor<?x1x64xbf16>
    // expected-error @+1 {{rotates heads of 64 features, which do not tile the GEMM's rows of 32}}
    %3 = xfuse.rope %2 : tensor<?x1x64xbf16>
    xkernel.yield %3 : tensor<?x1x64xbf16>
  }
  return %y : tensor<?x1x64xbf16>
}

// -----

func.func @norm_in_gemm(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>, %g: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w, %g : tensor<?x64xbf16>, tensor<64x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>, %ga: tensor<64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    // expected-error @+1 {{cannot be part of an xkernel.gemm body: a GEMM fuses a prologue, its products, and activations, adds, reshapes and a RoPE on its result}}
    %1 = xfuse.rms_norm %0, %ga : tensor<?x64xbf16>, tensor<64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @yield_not_the_end(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    // expected-error @+1 {{expects the kernel to yield the end of its epilogue chain, and only that}}
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @foreign_op(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{'tensor.empty' op cannot be part of an xkernel.gemm kernel body}}
    %e = tensor.empty() : tensor<64x64xbf16>
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @linear_in_pointwise(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.pointwise(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{belongs in an xkernel.gemm kernel, not in an xkernel.pointwise one}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// Arithmetic in a body computes sizes; tensor arithmetic has no kernel.
func.func @tensor_arith_in_pointwise(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    // expected-error @+1 {{'arith.addf' op cannot be part of an xkernel.pointwise kernel body}}
    %0 = arith.addf %a, %a : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// Collectives and shards
//===----------------------------------------------------------------------===//

func.func @all_reduce_one_rank(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{attribute 'ranks' failed to satisfy constraint}}
  %y = xkernel.all_reduce %x {ranks = 1} : tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

func.func @reduce_scatter_rows_not_divisible(%x: tensor<6x64xbf16>) -> tensor<1x64xbf16> {
  // expected-error @+1 {{'xkernel.reduce_scatter' op expects its 6 rows to divide among 4 ranks}}
  %y = xkernel.reduce_scatter %x {ranks = 4} : tensor<6x64xbf16> -> tensor<1x64xbf16>
  return %y : tensor<1x64xbf16>
}

// -----

func.func @reduce_scatter_wrong_rows(%x: tensor<8x64xbf16>) -> tensor<8x64xbf16> {
  // expected-error @+1 {{'xkernel.reduce_scatter' op expects the result type 'tensor<4x64xbf16>' (2 ranks' rows scattered), but got 'tensor<8x64xbf16>'}}
  %y = xkernel.reduce_scatter %x {ranks = 2} : tensor<8x64xbf16> -> tensor<8x64xbf16>
  return %y : tensor<8x64xbf16>
}

// -----

func.func @all_gather_static_from_dynamic(%x: tensor<?x64xbf16>) -> tensor<8x64xbf16> {
  // expected-error @+1 {{'xkernel.all_gather' op expects the result type 'tensor<?x64xbf16>' (2 ranks' rows gathered), but got 'tensor<8x64xbf16>'}}
  %y = xkernel.all_gather %x {ranks = 2} : tensor<?x64xbf16> -> tensor<8x64xbf16>
  return %y : tensor<8x64xbf16>
}

// -----

func.func @all_gather_scalar(%x: tensor<bf16>) -> tensor<bf16> {
  // expected-error @+1 {{'xkernel.all_gather' op expects rows to gather, but got a rank-0 input}}
  %y = xkernel.all_gather %x {ranks = 2} : tensor<bf16> -> tensor<bf16>
  return %y : tensor<bf16>
}

// -----

// expected-error @+1 {{expects ranks >= 2, but got 1}}
func.func @shard_one_rank(%x: tensor<64xbf16> {xkernel.shard = #xkernel.shard<ranks = 1, dim = 0>}) {
  return
}

// -----

func.func @row_blocks_of_pointwise(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %p = xkernel.pointwise(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  // expected-error @+1 {{expects row_blocks = 1 when an xkernel.pointwise writes its input: only a GEMM runs in row blocks, but row_blocks = 2}}
  %y = xkernel.all_reduce %p {ranks = 2, row_blocks = 2} : tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

func.func @row_blocks_with_residual(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  %p = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    %1 = xfuse.add %0, %a : tensor<?x64xbf16>, tensor<?x64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  // expected-error @+1 {{expects row_blocks = 1, but got 4: the GEMM that writes its input cannot run in row blocks: its epilogue adds a per-row operand, whose rows a block would have to offset}}
  %y = xkernel.all_reduce %p {ranks = 2, row_blocks = 4} : tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

func.func @row_blocks_read_elsewhere(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %p = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  // expected-error @+1 {{its result has other users, which would read rows not yet written}}
  %y = xkernel.all_reduce %p {ranks = 2, row_blocks = 4} : tensor<?x64xbf16>
  return %y, %p : tensor<?x64xbf16>, tensor<?x64xbf16>
}
