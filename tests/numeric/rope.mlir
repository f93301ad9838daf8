// Angles are computed in f32, so their absolute error grows with the
// position (about pos * 2^-24): positions stay below 512 here to keep f32
// results within 1e-5; large_positions.mlir covers the full range in bf16.
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s

// CHECK: PASS @neox_f32
func.func @neox_f32(%x: tensor<2x8x4x16xf32>) -> tensor<2x8x4x16xf32> {
  %y = xfuse.rope %x : tensor<2x8x4x16xf32>
  return %y : tensor<2x8x4x16xf32>
}

// CHECK: PASS @gptj_f32
func.func @gptj_f32(%x: tensor<2x8x4x16xf32>) -> tensor<2x8x4x16xf32> {
  %y = xfuse.rope %x {style = #xfuse.rope_style<gptj>} : tensor<2x8x4x16xf32>
  return %y : tensor<2x8x4x16xf32>
}

// CHECK: PASS @neox_partial_f32
func.func @neox_partial_f32(%x: tensor<16x2x32xf32>) -> tensor<16x2x32xf32> {
  %y = xfuse.rope %x {rotary_dim = 8, theta = 500000.0 : f64}
      : tensor<16x2x32xf32>
  return %y : tensor<16x2x32xf32>
}

// CHECK: PASS @gptj_partial_f32
func.func @gptj_partial_f32(%x: tensor<16x2x32xf32>) -> tensor<16x2x32xf32> {
  %y = xfuse.rope %x {rotary_dim = 12, style = #xfuse.rope_style<gptj>}
      : tensor<16x2x32xf32>
  return %y : tensor<16x2x32xf32>
}

// CHECK: PASS @neox_bf16
func.func @neox_bf16(%x: tensor<2x8x4x16xbf16>) -> tensor<2x8x4x16xbf16> {
  %y = xfuse.rope %x : tensor<2x8x4x16xbf16>
  return %y : tensor<2x8x4x16xbf16>
}

// CHECK: PASS @gptj_partial_bf16
func.func @gptj_partial_bf16(%x: tensor<16x2x32xbf16>) -> tensor<16x2x32xbf16> {
  %y = xfuse.rope %x {rotary_dim = 16, style = #xfuse.rope_style<gptj>}
      : tensor<16x2x32xbf16>
  return %y : tensor<16x2x32xbf16>
}

// CHECK: PASS @neox_partial_bf16
func.func @neox_partial_bf16(%x: tensor<2x8x2x32xbf16>) -> tensor<2x8x2x32xbf16> {
  %y = xfuse.rope %x {rotary_dim = 24, theta = 500.0 : f64}
      : tensor<2x8x2x32xbf16>
  return %y : tensor<2x8x2x32xbf16>
}

// CHECK: PASS @neox_partial_f16
func.func @neox_partial_f16(%x: tensor<8x2x32xf16>) -> tensor<8x2x32xf16> {
  %y = xfuse.rope %x {rotary_dim = 24} : tensor<8x2x32xf16>
  return %y : tensor<8x2x32xf16>
}

// CHECK: PASS @positions_i64_f32
func.func @positions_i64_f32(%x: tensor<3x2x4x16xf32>, %pos: tensor<3x2xi64>)
    -> tensor<3x2x4x16xf32> {
  %y = xfuse.rope %x positions %pos : tensor<3x2x4x16xf32>, tensor<3x2xi64>
  return %y : tensor<3x2x4x16xf32>
}

// CHECK: PASS @positions_i32_gptj_bf16
func.func @positions_i32_gptj_bf16(%x: tensor<3x2x4x16xbf16>, %pos: tensor<3x2xi32>)
    -> tensor<3x2x4x16xbf16> {
  %y = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, rotary_dim = 8}
      : tensor<3x2x4x16xbf16>, tensor<3x2xi32>
  return %y : tensor<3x2x4x16xbf16>
}

// CHECK: PASS @dynamic_batch_f32
func.func @dynamic_batch_f32(%x: tensor<?x8x2x16xf32>, %pos: tensor<?x8xi32>)
    -> tensor<?x8x2x16xf32> {
  %y = xfuse.rope %x positions %pos : tensor<?x8x2x16xf32>, tensor<?x8xi32>
  return %y : tensor<?x8x2x16xf32>
}

// CHECK: PASS @dynamic_tokens_bf16
func.func @dynamic_tokens_bf16(%x: tensor<?x?x2x16xbf16>) -> tensor<?x?x2x16xbf16> {
  %y = xfuse.rope %x {style = #xfuse.rope_style<gptj>} : tensor<?x?x2x16xbf16>
  return %y : tensor<?x?x2x16xbf16>
}
