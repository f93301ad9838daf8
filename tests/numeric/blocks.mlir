// Chains of ops as they appear in transformer layers; the reference does not
// round between ops, the lowering rounds every intermediate to the element
// type.
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s

// Pre-norm feed-forward sublayer with residual: x + FFN(RMSNorm(x)).
// CHECK: PASS @prenorm_ffn_bf16
func.func @prenorm_ffn_bf16(%x: tensor<?x32xbf16>, %norm_weight: tensor<32xbf16>,
                            %w1: tensor<32x64xbf16>, %b1: tensor<64xbf16>,
                            %w2: tensor<64x32xbf16>, %b2: tensor<32xbf16>)
    -> tensor<?x32xbf16> {
  %normed = xfuse.rms_norm %x, %norm_weight : tensor<?x32xbf16>, tensor<32xbf16>
  %y = xfuse.ffn %normed, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu>}
      : (tensor<?x32xbf16>, tensor<32x64xbf16>, tensor<64xbf16>,
         tensor<64x32xbf16>, tensor<32xbf16>) -> tensor<?x32xbf16>
  %out = xfuse.add %x, %y : tensor<?x32xbf16>, tensor<?x32xbf16>
  return %out : tensor<?x32xbf16>
}

// Encoder input: scaled embeddings plus sinusoidal PE, layer norm, FFN.
// CHECK: PASS @encoder_input_f32
func.func @encoder_input_f32(%x: tensor<2x16x32xf32>, %ln_w: tensor<32xf32>,
                             %ln_b: tensor<32xf32>, %w1: tensor<32x64xf32>,
                             %w2: tensor<64x32xf32>) -> tensor<2x16x32xf32> {
  %pe = xfuse.sinusoidal_pe %x {scale = 5.656854 : f64} : tensor<2x16x32xf32>
  %n = xfuse.layer_norm %pe, %ln_w bias %ln_b
      : tensor<2x16x32xf32>, tensor<32xf32>, tensor<32xf32>
  %y = xfuse.ffn %n, %w1, %w2
      : (tensor<2x16x32xf32>, tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<2x16x32xf32>
  return %y : tensor<2x16x32xf32>
}

// Query projection feeding RoPE over 4 tokens of 2 heads; both results are
// compared.
// CHECK: PASS @projection_and_rope_f32
func.func @projection_and_rope_f32(%x: tensor<4x2x16xf32>, %w: tensor<16x16xf32>,
                                   %pos: tensor<4xi32>)
    -> (tensor<4x2x16xf32>, tensor<4x2x16xf32>) {
  %q = xfuse.linear %x, %w : (tensor<4x2x16xf32>, tensor<16x16xf32>) -> tensor<4x2x16xf32>
  %r = xfuse.rope %q positions %pos
      {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<4x2x16xf32>, tensor<4xi32>
  return %q, %r : tensor<4x2x16xf32>, tensor<4x2x16xf32>
}

// SwiGLU block with learned positions and a residual, in bf16.
// CHECK: PASS @learned_swiglu_residual_bf16
func.func @learned_swiglu_residual_bf16(%x: tensor<2x8x32xbf16>, %table: tensor<8x32xbf16>,
                                        %wg: tensor<64x32xbf16>, %wu: tensor<64x32xbf16>,
                                        %wd: tensor<32x64xbf16>) -> tensor<2x8x32xbf16> {
  %h = xfuse.learned_pe %x, %table : tensor<2x8x32xbf16>, tensor<8x32xbf16>
  %y = xfuse.gated_ffn %h, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<2x8x32xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>,
         tensor<32x64xbf16>) -> tensor<2x8x32xbf16>
  %out = xfuse.add %h, %y : tensor<2x8x32xbf16>, tensor<2x8x32xbf16>
  return %out : tensor<2x8x32xbf16>
}

// Heads split off and merged again with reshapes, over a dynamic batch.
// CHECK: PASS @split_heads_rope_bf16
func.func @split_heads_rope_bf16(%x: tensor<?x8x64xbf16>, %wq: tensor<64x64xbf16>,
                                 %positions: tensor<?x8xi64>) -> tensor<?x8x64xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x8x64xbf16>, tensor<64x64xbf16>) -> tensor<?x8x64xbf16>
  %c0 = arith.constant 0 : index
  %batch = tensor.dim %q, %c0 : tensor<?x8x64xbf16>
  %heads = tensor.expand_shape %q [[0], [1], [2, 3]] output_shape [%batch, 8, 4, 16]
      : tensor<?x8x64xbf16> into tensor<?x8x4x16xbf16>
  %rotated = xfuse.rope %heads positions %positions {theta = 500000.0 : f64}
      : tensor<?x8x4x16xbf16>, tensor<?x8xi64>
  %merged = tensor.collapse_shape %rotated [[0], [1], [2, 3]]
      : tensor<?x8x4x16xbf16> into tensor<?x8x64xbf16>
  return %merged : tensor<?x8x64xbf16>
}
