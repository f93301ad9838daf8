// RoPE frequency scaling. Training contexts are short (8 to 64 positions) so
// that the scaled bands are exercised by small tensors. Angles are computed
// in f32, whose absolute error grows with the position: positions stay below
// 512 to keep f32 results within 1e-5.
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s

// CHECK: PASS @linear_f32
func.func @linear_f32(%x: tensor<2x16x2x16xf32>) -> tensor<2x16x2x16xf32> {
  %y = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<2x16x2x16xf32>
  return %y : tensor<2x16x2x16xf32>
}

// CHECK: PASS @linear_gptj_bf16
func.func @linear_gptj_bf16(%x: tensor<16x2x16xbf16>, %pos: tensor<16xi32>)
    -> tensor<16x2x16xbf16> {
  %y = xfuse.rope %x positions %pos
      {style = #xfuse.rope_style<gptj>, scaling = #xfuse.linear_scaling<factor = 2.5>}
      : tensor<16x2x16xbf16>, tensor<16xi32>
  return %y : tensor<16x2x16xbf16>
}

// Sequence 16 > 8: the base grows.
// CHECK: PASS @dynamic_ntk_long_f32
func.func @dynamic_ntk_long_f32(%x: tensor<2x16x2x16xf32>) -> tensor<2x16x2x16xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 8>}
      : tensor<2x16x2x16xf32>
  return %y : tensor<2x16x2x16xf32>
}

// Sequence 8 <= 16: the base stays theta.
// CHECK: PASS @dynamic_ntk_short_f32
func.func @dynamic_ntk_short_f32(%x: tensor<8x2x16xf32>) -> tensor<8x2x16xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 16>}
      : tensor<8x2x16xf32>
  return %y : tensor<8x2x16xf32>
}

// The longest position of the call, not the sequence length, sets the base.
// CHECK: PASS @dynamic_ntk_positions_partial_bf16
func.func @dynamic_ntk_positions_partial_bf16(%x: tensor<2x4x2x32xbf16>,
                                              %pos: tensor<2x4xi64>)
    -> tensor<2x4x2x32xbf16> {
  %y = xfuse.rope %x positions %pos
      {rotary_dim = 16,
       scaling = #xfuse.dynamic_ntk_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<2x4x2x32xbf16>, tensor<2x4xi64>
  return %y : tensor<2x4x2x32xbf16>
}

// CHECK: PASS @dynamic_ntk_positions_f32
func.func @dynamic_ntk_positions_f32(%x: tensor<?x4x2x16xf32>, %pos: tensor<?x4xi32>)
    -> tensor<?x4x2x16xf32> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.dynamic_ntk_scaling<factor = 8.0, original_max_position = 32>}
      : tensor<?x4x2x16xf32>, tensor<?x4xi32>
  return %y : tensor<?x4x2x16xf32>
}

// Default beta_fast / beta_slow and attention factor 0.1 ln(4) + 1.
// CHECK: PASS @yarn_default_f32
func.func @yarn_default_f32(%x: tensor<16x2x32xf32>) -> tensor<16x2x32xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<16x2x32xf32>
  return %y : tensor<16x2x32xf32>
}

// CHECK: PASS @yarn_explicit_gptj_f32
func.func @yarn_explicit_gptj_f32(%x: tensor<2x8x2x32xf32>, %pos: tensor<2x8xi32>)
    -> tensor<2x8x2x32xf32> {
  %y = xfuse.rope %x positions %pos
      {theta = 500000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 16.0, original_max_position = 32,
                                     beta_fast = 16.0, beta_slow = 2.0,
                                     attention_factor = 0.75>}
      : tensor<2x8x2x32xf32>, tensor<2x8xi32>
  return %y : tensor<2x8x2x32xf32>
}

// CHECK: PASS @yarn_partial_bf16
func.func @yarn_partial_bf16(%x: tensor<16x2x32xbf16>) -> tensor<16x2x32xbf16> {
  %y = xfuse.rope %x
      {rotary_dim = 24,
       scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 16>}
      : tensor<16x2x32xbf16>
  return %y : tensor<16x2x32xbf16>
}

// head_dim 32, theta 10000: wavelengths from 6.3 to about 35000, so with a
// context of 64 and factors 1 / 4 some frequencies are kept, some blended
// and some divided.
// CHECK: PASS @llama3_f32
func.func @llama3_f32(%x: tensor<2x16x2x32xf32>) -> tensor<2x16x2x32xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                       high_freq_factor = 4.0,
                                       original_max_position = 64>}
      : tensor<2x16x2x32xf32>
  return %y : tensor<2x16x2x32xf32>
}

// CHECK: PASS @llama3_positions_bf16
func.func @llama3_positions_bf16(%x: tensor<?x8x4x32xbf16>, %pos: tensor<?x8xi64>)
    -> tensor<?x8x4x32xbf16> {
  %y = xfuse.rope %x positions %pos
      {theta = 500000.0 : f64,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                       high_freq_factor = 4.0,
                                       original_max_position = 128>}
      : tensor<?x8x4x32xbf16>, tensor<?x8xi64>
  return %y : tensor<?x8x4x32xbf16>
}

// DeepSeek-V2/V3: cos and sin scaled by get_mscale(factor, mscale) /
// get_mscale(factor, mscale_all_dim) = (0.1 * 0.5 ln 40 + 1) / (0.1 ln 40 + 1).
// CHECK: PASS @yarn_mscale_ratio_f32
func.func @yarn_mscale_ratio_f32(%x: tensor<2x8x2x32xf32>, %pos: tensor<2x8xi64>)
    -> tensor<2x8x2x32xf32> {
  %y = xfuse.rope %x positions %pos
      {style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 40, original_max_position = 64,
                                     mscale = 0.5, mscale_all_dim = 1.0>}
      : tensor<2x8x2x32xf32>, tensor<2x8xi64>
  return %y : tensor<2x8x2x32xf32>
}

// An mscale without mscale_all_dim is ignored, as in transformers: the
// factor is 0.1 ln 40 + 1.
// CHECK: PASS @yarn_mscale_alone_f32
func.func @yarn_mscale_alone_f32(%x: tensor<16x2x32xf32>) -> tensor<16x2x32xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.yarn_scaling<factor = 40, original_max_position = 64,
                                     mscale = 0.707>}
      : tensor<16x2x32xf32>
  return %y : tensor<16x2x32xf32>
}

// gpt-oss: the correction range is not rounded, so the ramp starts and
// ends between pairs.
// CHECK: PASS @yarn_untruncated_f32
func.func @yarn_untruncated_f32(%x: tensor<2x8x2x64xf32>, %pos: tensor<2x8xi32>)
    -> tensor<2x8x2x64xf32> {
  %y = xfuse.rope %x positions %pos
      {theta = 150000.0 : f64,
       scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128,
                                     beta_fast = 32.0, beta_slow = 1.0,
                                     truncate = false>}
      : tensor<2x8x2x64xf32>, tensor<2x8xi32>
  return %y : tensor<2x8x2x64xf32>
}

// An explicit attention factor of 0 is taken literally: the rotated half of
// each head becomes 0, the other half passes through.
// CHECK: PASS @yarn_zero_attention_factor_f32
func.func @yarn_zero_attention_factor_f32(%x: tensor<8x2x32xf32>) -> tensor<8x2x32xf32> {
  %y = xfuse.rope %x
      {rotary_dim = 16,
       scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64,
                                     attention_factor = 0.0>}
      : tensor<8x2x32xf32>
  return %y : tensor<8x2x32xf32>
}
