// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-plan-launch
// RUN: not xfuse-opt %s -split-input-file --xfuse-plan-launch="target=sm_75" 2>&1 | FileCheck %s --check-prefix=TARGET

// TARGET: error: unknown target 'sm_75': expected sm_80 or sm_90a

func.func @f32_gemm(%x: tensor<?x64xf32>, %w: tensor<64x64xf32>) -> tensor<?x64xf32> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>):
    // expected-error @+1 {{cannot run on the sm_90a tensor cores: GEMM kernels take f16 or bf16 operands, but got 'f32'}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    xkernel.yield %0 : tensor<?x64xf32>
  }
  return %y : tensor<?x64xf32>
}

// -----

func.func @unaligned_rows(%x: tensor<?x100xbf16>, %w: tensor<100x64xbf16>) -> tensor<?x64xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x100xbf16>, tensor<100x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x100xbf16>, %b: tensor<100x64xbf16>):
    // expected-error @+1 {{has 100 input features, whose rows of 200 bytes are not the multiple of 16 bytes that tensor-core tile loads need; pad them to a multiple of 8}}
    %0 = xfuse.linear %a, %b : (tensor<?x100xbf16>, tensor<100x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @unaligned_output(%x: tensor<?x64xbf16>, %w: tensor<44x64xbf16>) -> tensor<?x44xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<44x64xbf16>) -> tensor<?x44xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<44x64xbf16>):
    // expected-error @+1 {{has 44 output features, whose rows of 88 bytes}}
    %0 = xfuse.linear %a, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<44x64xbf16>) -> tensor<?x44xbf16>
    xkernel.yield %0 : tensor<?x44xbf16>
  }
  return %y : tensor<?x44xbf16>
}

// -----

// Heads of 96 features: neither 256 nor 128 holds whole heads (the
// 6-step main loop prefers the ping-pong 128).
func.func @rope_heads(%x: tensor<?x384xbf16>, %w: tensor<384x384xbf16>) -> tensor<?x4x96xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x384xbf16>, tensor<384x384xbf16>) -> tensor<?x4x96xbf16> {
  ^bb0(%a: tensor<?x384xbf16>, %b: tensor<384x384xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %b : (tensor<?x384xbf16>, tensor<384x384xbf16>) -> tensor<?x384xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x384xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 4, 96] : tensor<?x384xbf16> into tensor<?x4x96xbf16>
    // expected-error @+1 {{rotates heads of 96 features, but no output tile of this sm_90a GEMM holds whole heads: tile_n is one of 128, 256}}
    %2 = xfuse.rope %1 : tensor<?x4x96xbf16>
    xkernel.yield %2 : tensor<?x4x96xbf16>
  }
  return %y : tensor<?x4x96xbf16>
}

// -----

// Gate and up accumulators only fit 128-wide tiles, which cannot hold heads
// of 256 features.
func.func @gated_rope(%x: tensor<?x256xbf16>, %wg: tensor<256x256xbf16>, %wu: tensor<256x256xbf16>) -> tensor<?x1x256xbf16> {
  %y = xkernel.gemm(%x, %wg, %wu : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256x256xbf16>) -> tensor<?x1x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %g: tensor<256x256xbf16>, %u: tensor<256x256xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %g : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %1 = xfuse.linear %a, %u : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %2 = xfuse.gate %0, %1 : tensor<?x256xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %3 = tensor.expand_shape %2 [[0], [1, 2]] output_shape [%n, 1, 256] : tensor<?x256xbf16> into tensor<?x1x256xbf16>
    // expected-error @+1 {{rotates heads of 256 features, but no output tile of this sm_90a GEMM holds whole heads: tile_n is one of 128}}
    %4 = xfuse.rope %3 : tensor<?x1x256xbf16>
    xkernel.yield %4 : tensor<?x1x256xbf16>
  }
  return %y : tensor<?x1x256xbf16>
}

// -----

func.func @pinned_rope(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16>) -> tensor<?x1x256xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x1x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %c0 = arith.constant 0 : index
    %0 = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %n = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 1, 256] : tensor<?x256xbf16> into tensor<?x1x256xbf16>
    // expected-error @+1 {{rotates heads of 256 features, which the pinned plan's tile_n = 128 does not hold whole}}
    %2 = xfuse.rope %1 : tensor<?x1x256xbf16>
    xkernel.yield %2 : tensor<?x1x256xbf16>
  }
  return %y : tensor<?x1x256xbf16>
}

// -----

func.func @pinned_other_target(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has a pinned plan for sm_80, but the target is sm_90a}}
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>)
      plan #xkernel.pointwise_plan<target = sm_80, threads = 128, vector_width = 8>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// Every kernel is checked, so one run reports every error.
func.func @two_errors(%x: tensor<?x64xf32>, %w: tensor<64x64xf32>) -> (tensor<?x64xf32>, tensor<?x64xf32>) {
  %y = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>):
    // expected-error @+1 {{GEMM kernels take f16 or bf16 operands}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    xkernel.yield %0 : tensor<?x64xf32>
  }
  %z = xkernel.gemm(%x, %w : tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32> {
  ^bb0(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>):
    // expected-error @+1 {{GEMM kernels take f16 or bf16 operands}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    xkernel.yield %0 : tensor<?x64xf32>
  }
  return %y, %z : tensor<?x64xf32>, tensor<?x64xf32>
}

// -----

// The ping-pong schedule is sm_90a's, for two consumer warpgroups taking
// whole 128-row tiles.
func.func @ping_pong_on_sm80(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16>) -> tensor<?x256xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      // expected-error @+1 {{expects the ping_pong schedule on sm_90a with tile_m = 128, warpgroups = 2 and split_k = 1}}
      plan #xkernel.gemm_plan<target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2, schedule = ping_pong>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %0 : tensor<?x256xbf16>
  }
  return %y : tensor<?x256xbf16>
}
