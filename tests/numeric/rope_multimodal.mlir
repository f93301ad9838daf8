// Multimodal RoPE (Qwen2-VL, Qwen3-VL): each rotary pair takes its position
// from the temporal, height or width row of positions [3, tokens...].
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s
// The fused plans (the q projection's RoPE in its GEMM epilogue) compute the
// same.
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s

// Qwen2-VL's bands: pairs 0-1 temporal, 2-4 height, 5-7 width.
// CHECK: PASS @chunked_f32
func.func @chunked_f32(%x: tensor<2x8x2x16xf32>, %pos: tensor<3x2x8xi64>)
    -> tensor<2x8x2x16xf32> {
  %y = xfuse.rope %x positions %pos
      {theta = 1000000.0 : f64, mrope_section = array<i64: 2, 3, 3>}
      : tensor<2x8x2x16xf32>, tensor<3x2x8xi64>
  return %y : tensor<2x8x2x16xf32>
}

// Qwen3-VL's interleaving: pairs 1, 4 height, 2, 5 width, the rest temporal.
// CHECK: PASS @interleaved_f32
func.func @interleaved_f32(%x: tensor<?x8x2x16xf32>, %pos: tensor<3x?x8xi32>)
    -> tensor<?x8x2x16xf32> {
  %y = xfuse.rope %x positions %pos
      {theta = 5000000.0 : f64, mrope_section = array<i64: 4, 2, 2>,
       mrope_interleaved}
      : tensor<?x8x2x16xf32>, tensor<3x?x8xi32>
  return %y : tensor<?x8x2x16xf32>
}

// A section may be empty; gptj pairs and a partial rotary dimension.
// CHECK: PASS @chunked_partial_gptj_bf16
func.func @chunked_partial_gptj_bf16(%x: tensor<8x4x32xbf16>, %pos: tensor<3x8xi64>)
    -> tensor<8x4x32xbf16> {
  %y = xfuse.rope %x positions %pos
      {rotary_dim = 24, style = #xfuse.rope_style<gptj>,
       mrope_section = array<i64: 6, 0, 6>}
      : tensor<8x4x32xbf16>, tensor<3x8xi64>
  return %y : tensor<8x4x32xbf16>
}

// With YaRN scaling and its attention factor.
// CHECK: PASS @interleaved_yarn_f32
func.func @interleaved_yarn_f32(%x: tensor<2x4x2x32xf32>, %pos: tensor<3x2x4xi64>)
    -> tensor<2x4x2x32xf32> {
  %y = xfuse.rope %x positions %pos
      {mrope_section = array<i64: 6, 5, 5>, mrope_interleaved,
       scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<2x4x2x32xf32>, tensor<3x2x4xi64>
  return %y : tensor<2x4x2x32xf32>
}

// Without positions every row is the sequence index: a plain rope.
// CHECK: PASS @no_positions_f32
func.func @no_positions_f32(%x: tensor<2x8x2x16xf32>) -> tensor<2x8x2x16xf32> {
  %y = xfuse.rope %x {mrope_section = array<i64: 2, 3, 3>}
      : tensor<2x8x2x16xf32>
  return %y : tensor<2x8x2x16xf32>
}

// Qwen2-VL's q projection: the RoPE reads three positions per token.
// CHECK: PASS @q_projection_bf16
func.func @q_projection_bf16(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>,
                             %b: tensor<64xbf16>, %pos: tensor<3x?xi64>)
    -> tensor<?x2x32xbf16> {
  %q = xfuse.linear %x, %w bias %b
      : (tensor<?x64xbf16>, tensor<64x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x64xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 32]
      : tensor<?x64xbf16> into tensor<?x2x32xbf16>
  %r = xfuse.rope %h positions %pos
      {theta = 1000000.0 : f64, mrope_section = array<i64: 4, 6, 6>}
      : tensor<?x2x32xbf16>, tensor<3x?xi64>
  return %r : tensor<?x2x32xbf16>
}
