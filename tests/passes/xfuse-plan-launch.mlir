// RUN: xfuse-opt %s --xfuse-plan-launch | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: xfuse-opt %s --xfuse-plan-launch="target=sm_80" | FileCheck %s --check-prefixes=CHECK,SM80

// Prefill: an unknown token count is assumed large, so two 64-row consumer
// warpgroups and the widest tile; single blocks (clusters sharing B tiles
// measured no faster). Four 48 KB stages fill the 227 KB of shared memory.
// CHECK-LABEL: func.func @prefill
// SM90: xkernel.gemm{{.*}} plan <target = sm_90a, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2>
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
func.func @prefill(%x: tensor<?x4096xbf16>, %w: tensor<4096x16384xbf16>) -> tensor<?x16384xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x4096xbf16>, tensor<4096x16384xbf16>) -> tensor<?x16384xbf16> {
  ^bb0(%a: tensor<?x4096xbf16>, %b: tensor<4096x16384xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x4096xbf16>, tensor<4096x16384xbf16>) -> tensor<?x16384xbf16>
    xkernel.yield %0 : tensor<?x16384xbf16>
  }
  return %y : tensor<?x16384xbf16>
}

// Decode: 16 tokens fit one 64-row tile, and the GEMM streams its weights.
// The tile width sets how many SMs read them: 64 tiles of 256 columns fill
// 48% of the 132 SMs, 128 tiles of 128 columns 97%, 256 of 64 columns (two
// waves) 97% too, so 128 wins the tie; 128 blocks leave no room for split-K.
// On sm_80 the 128 tiles of 128 columns already fill the 108 SMs.
// CHECK-LABEL: func.func @decode
// SM90: plan <target = sm_90a, tile_m = 64, tile_n = 128, tile_k = 64, stages = 8, warpgroups = 1>
// SM80: plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
func.func @decode(%x: tensor<16x4096xbf16>, %w: tensor<16384x4096xbf16>) -> tensor<16x16384xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<16x4096xbf16>, tensor<16384x4096xbf16>) -> tensor<16x16384xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %b: tensor<16384x4096xbf16>):
    %0 = xfuse.linear %a, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<16x4096xbf16>, tensor<16384x4096xbf16>) -> tensor<16x16384xbf16>
    xkernel.yield %0 : tensor<16x16384xbf16>
  }
  return %y : tensor<16x16384xbf16>
}

// A single row of 128 output columns takes two 64-wide tiles on sm_90a
// (twice the SMs reading the weight), and each splits its 4096-deep
// reduction as far as splits of at least 8 main-loop steps allow: 8 splits
// of 64-deep steps (whose 8 steps then need no more than 8 stages); 16 of
// 32-deep steps on sm_80.
// CHECK-LABEL: func.func @one_tile
// SM90: plan <target = sm_90a, tile_m = 64, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 8>
// SM80: plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2, split_k = 16>
func.func @one_tile(%x: tensor<8x4096xf16>, %w: tensor<4096x128xf16>) -> tensor<8x128xf16> {
  %y = xkernel.gemm(%x, %w : tensor<8x4096xf16>, tensor<4096x128xf16>) -> tensor<8x128xf16> {
  ^bb0(%a: tensor<8x4096xf16>, %b: tensor<4096x128xf16>):
    %0 = xfuse.linear %a, %b : (tensor<8x4096xf16>, tensor<4096x128xf16>) -> tensor<8x128xf16>
    xkernel.yield %0 : tensor<8x128xf16>
  }
  return %y : tensor<8x128xf16>
}

// Gate and up accumulators of 256 columns would not fit in registers: 128.
// Stages hold an A tile and two B tiles.
// CHECK-LABEL: func.func @gated
// SM90: plan <target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
// SM80: plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
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
// SM90: plan <target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// SM80: plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
func.func @short_main_loop(%x: tensor<?x768xbf16>, %w: tensor<768x3072xbf16>) -> tensor<?x3072xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x768xbf16>, tensor<768x3072xbf16>) -> tensor<?x3072xbf16> {
  ^bb0(%a: tensor<?x768xbf16>, %b: tensor<768x3072xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x768xbf16>, tensor<768x3072xbf16>) -> tensor<?x3072xbf16>
    xkernel.yield %0 : tensor<?x3072xbf16>
  }
  return %y : tensor<?x3072xbf16>
}

// A RoPE epilogue needs whole heads per tile: heads of 64 features fit the
// tiles of both targets (see xfuse-plan-launch-invalid.mlir for heads that
// do not). Its 8-step main loop runs ping-pong, as @short_main_loop.
// CHECK-LABEL: func.func @rope_epilogue
// SM90: plan <target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// SM80: plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
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
