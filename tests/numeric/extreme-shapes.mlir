// Valid graphs at the edges of what the verifier allows compute what they
// mean on the CPU, unfused and after the whole pipeline for both targets:
// scalars and vectors, dimensions of 1 and 0, dynamic dimensions, hidden
// sizes that are no multiple of 4 (tests/passes/extreme-shapes.mlir checks
// their plans).
// RUN: xfuse-reference-check %s | FileCheck %s
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s

// CHECK: PASS @activation_scalar
func.func @activation_scalar(%s: tensor<f16>) -> tensor<f16> {
  %0 = xfuse.activation %s {kind = #xfuse.activation<silu>} : tensor<f16>
  return %0 : tensor<f16>
}

// CHECK: PASS @add_scalar
func.func @add_scalar(%x: tensor<?x?x64xbf16>, %s: tensor<bf16>) -> tensor<?x?x64xbf16> {
  %0 = xfuse.add %x, %s : tensor<?x?x64xbf16>, tensor<bf16>
  return %0 : tensor<?x?x64xbf16>
}

// CHECK: PASS @scalars
func.func @scalars(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %0 = xfuse.add %a, %b : tensor<f32>, tensor<f32>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<f32>
  return %1 : tensor<f32>
}

// CHECK: PASS @dynamic_everywhere
func.func @dynamic_everywhere(%x: tensor<?x?xf16>, %v: tensor<?xf16>) -> tensor<?x?xf16> {
  %0 = xfuse.add %x, %v : tensor<?x?xf16>, tensor<?xf16>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x?xf16>
  return %1 : tensor<?x?xf16>
}

// CHECK: PASS @linear_vector
func.func @linear_vector(%z: tensor<768xf16>, %u: tensor<768x16xf16>, %c: tensor<16xf16>) -> tensor<16xf16> {
  %0 = xfuse.linear %z, %u bias %c
         : (tensor<768xf16>, tensor<768x16xf16>, tensor<16xf16>) -> tensor<16xf16>
  return %0 : tensor<16xf16>
}

// CHECK: PASS @ones
func.func @ones(%x: tensor<1x1xbf16>, %w: tensor<1xbf16>) -> tensor<1x1xbf16> {
  %0 = xfuse.rms_norm %x, %w : tensor<1x1xbf16>, tensor<1xbf16>
  return %0 : tensor<1x1xbf16>
}

// CHECK: PASS @zero_tokens
func.func @zero_tokens(%x: tensor<0x64xbf16>, %w: tensor<64x64xbf16>, %g: tensor<64xbf16>) -> tensor<0x64xbf16> {
  %0 = xfuse.rms_norm %x, %g : tensor<0x64xbf16>, tensor<64xbf16>
  %1 = xfuse.linear %0, %w : (tensor<0x64xbf16>, tensor<64x64xbf16>) -> tensor<0x64xbf16>
  return %1 : tensor<0x64xbf16>
}

// CHECK: PASS @f32_odd_hidden
func.func @f32_odd_hidden(%x: tensor<?x5xf32>, %w1: tensor<5x14xf32>, %w2: tensor<14x2xf32>) -> tensor<?x2xf32> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x5xf32>, tensor<5x14xf32>, tensor<14x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// The smallest encodings, norms and RoPE heads.
// CHECK: PASS @pe_small
func.func @pe_small(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = xfuse.sinusoidal_pe %x : tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// CHECK: PASS @learned_small
func.func @learned_small(%x: tensor<?x?x8xbf16>, %t: tensor<1x8xbf16>) -> tensor<?x?x8xbf16> {
  %0 = xfuse.learned_pe %x, %t : tensor<?x?x8xbf16>, tensor<1x8xbf16>
  return %0 : tensor<?x?x8xbf16>
}

// CHECK: PASS @rope_small
func.func @rope_small(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32> {
  %0 = xfuse.rope %x : tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}

// CHECK: PASS @rope_dyn
func.func @rope_dyn(%x: tensor<?x?x3x6xf16>) -> tensor<?x?x3x6xf16> {
  %0 = xfuse.rope %x {rotary_dim = 2} : tensor<?x?x3x6xf16>
  return %0 : tensor<?x?x3x6xf16>
}

// CHECK: PASS @ln_small
func.func @ln_small(%x: tensor<?x1xf16>, %w: tensor<1xf16>, %b: tensor<1xf16>) -> tensor<?x1xf16> {
  %0 = xfuse.layer_norm %x, %w bias %b : tensor<?x1xf16>, tensor<1xf16>, tensor<1xf16>
  return %0 : tensor<?x1xf16>
}

// Hidden sizes that are multiples of 8 but not of 16 or 64.
// CHECK: PASS @ffn24
func.func @ffn24(%x: tensor<?x24xbf16>, %w1: tensor<24x40xbf16>, %w2: tensor<40x24xbf16>) -> tensor<?x24xbf16> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x24xbf16>, tensor<24x40xbf16>, tensor<40x24xbf16>) -> tensor<?x24xbf16>
  return %y : tensor<?x24xbf16>
}

// CHECK: PASS @gated_small
func.func @gated_small(%x: tensor<?x8xf16>, %wg: tensor<8x8xf16>, %wu: tensor<8x8xf16>, %wd: tensor<8x8xf16>) -> tensor<?x8xf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd : (tensor<?x8xf16>, tensor<8x8xf16>, tensor<8x8xf16>, tensor<8x8xf16>) -> tensor<?x8xf16>
  return %y : tensor<?x8xf16>
}

// An f32 projection into heads of 6 (3 pairs), rotated after the SIMT GEMM.
// CHECK: PASS @linear_rope
func.func @linear_rope(%x: tensor<?x6xf32>, %w: tensor<6x12xf32>) -> tensor<?x2x6xf32> {
  %c0 = arith.constant 0 : index
  %0 = xfuse.linear %x, %w : (tensor<?x6xf32>, tensor<6x12xf32>) -> tensor<?x12xf32>
  %n = tensor.dim %x, %c0 : tensor<?x6xf32>
  %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 2, 6] : tensor<?x12xf32> into tensor<?x2x6xf32>
  %2 = tensor.expand_shape %1 [[0, 1], [2], [3]] output_shape [%n, 1, 2, 6] : tensor<?x2x6xf32> into tensor<?x1x2x6xf32>
  %3 = xfuse.rope %2 : tensor<?x1x2x6xf32>
  %4 = tensor.collapse_shape %3 [[0, 1], [2], [3]] : tensor<?x1x2x6xf32> into tensor<?x2x6xf32>
  return %4 : tensor<?x2x6xf32>
}
