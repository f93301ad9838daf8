// LongRoPE (Phi-3): the call's largest position selects the factor set.
// Positions below 48 keep every call of the first run within the training
// context of 64 (short factors), the second run's 16 random positions below
// 512 all but surely reach past it (long factors); the graphs without
// positions select by their sequence extent, the same in both runs.
// RUN: xfuse-reference-check --max-position=48 %s | FileCheck %s
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s

// Phi-3's attention factor, sqrt(1 + ln(256 / 64) / ln 64).
// CHECK: PASS @longrope_positions_f32
func.func @longrope_positions_f32(%x: tensor<2x8x2x16xf32>, %pos: tensor<2x8xi64>)
    -> tensor<2x8x2x16xf32> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.longrope_scaling<
           original_max_position = 64, max_position = 256,
           short_factor = [1.0, 1.0, 1.05, 1.1, 1.3, 1.6, 2.0, 2.5],
           long_factor = [1.0, 1.2, 1.8, 2.7, 4.1, 6.2, 9.3, 14.0]>}
      : tensor<2x8x2x16xf32>, tensor<2x8xi64>
  return %y : tensor<2x8x2x16xf32>
}

// Phi-4-mini: partial rotary (rotary_dim 12 of 16), an explicit factor.
// CHECK: PASS @longrope_partial_gptj_bf16
func.func @longrope_partial_gptj_bf16(%x: tensor<?x4x2x16xbf16>, %pos: tensor<?x4xi32>)
    -> tensor<?x4x2x16xbf16> {
  %y = xfuse.rope %x positions %pos
      {rotary_dim = 12, style = #xfuse.rope_style<gptj>, theta = 250000.0 : f64,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 64, factor = 32,
           short_factor = [1.0, 1.1, 1.2, 1.4, 1.7, 2.0],
           long_factor = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]>}
      : tensor<?x4x2x16xbf16>, tensor<?x4xi32>
  return %y : tensor<?x4x2x16xbf16>
}

// An explicit attention factor, taken literally.
// CHECK: PASS @longrope_attention_factor_f32
func.func @longrope_attention_factor_f32(%x: tensor<2x8x2x8xf32>, %pos: tensor<2x8xi64>)
    -> tensor<2x8x2x8xf32> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.longrope_scaling<
           original_max_position = 64, attention_factor = 1.25,
           short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [1, 3, 9, 27]>}
      : tensor<2x8x2x8xf32>, tensor<2x8xi64>
  return %y : tensor<2x8x2x8xf32>
}

// Without positions the sequence extent decides: 80 > 64, long factors.
// CHECK: PASS @longrope_sequence_long_f32
func.func @longrope_sequence_long_f32(%x: tensor<80x2x8xf32>) -> tensor<80x2x8xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.longrope_scaling<
           original_max_position = 64, max_position = 128,
           short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [1, 3, 9, 27]>}
      : tensor<80x2x8xf32>
  return %y : tensor<80x2x8xf32>
}

// 64 positions: exactly the training context, short factors.
// CHECK: PASS @longrope_sequence_short_f32
func.func @longrope_sequence_short_f32(%x: tensor<64x2x8xf32>) -> tensor<64x2x8xf32> {
  %y = xfuse.rope %x
      {scaling = #xfuse.longrope_scaling<
           original_max_position = 64, max_position = 128,
           short_factor = [1.0, 1.5, 2.0, 3.0], long_factor = [1, 3, 9, 27]>}
      : tensor<64x2x8xf32>
  return %y : tensor<64x2x8xf32>
}
