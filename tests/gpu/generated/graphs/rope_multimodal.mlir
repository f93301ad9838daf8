// Multimodal RoPE (Qwen2-VL, Qwen3-VL) in bf16: each rotary pair takes its
// position from the temporal, height or width row of positions [3, ...].

// Qwen2-VL's consecutive bands on [batch, 16, 4, 128] heads, outside a GEMM.
func.func @mrope_chunked(%x: tensor<?x16x4x128xbf16>, %pos: tensor<3x?x16xi64>)
    -> tensor<?x16x4x128xbf16> {
  %y = xfuse.rope %x positions %pos
      {theta = 1000000.0 : f64, mrope_section = array<i64: 16, 24, 24>}
      : tensor<?x16x4x128xbf16>, tensor<3x?x16xi64>
  return %y : tensor<?x16x4x128xbf16>
}

// Qwen3-VL's interleaved sections, gptj pairs and a partial rotary
// dimension, in f32: cos and sin within 1e-5.
func.func @mrope_interleaved_f32(%x: tensor<?x16x4x64xf32>, %pos: tensor<3x?x16xi32>)
    -> tensor<?x16x4x64xf32> {
  %y = xfuse.rope %x positions %pos
      {theta = 5000000.0 : f64, rotary_dim = 48 : i64,
       style = #xfuse.rope_style<gptj>,
       mrope_section = array<i64: 8, 8, 8>, mrope_interleaved}
      : tensor<?x16x4x64xf32>, tensor<3x?x16xi32>
  return %y : tensor<?x16x4x64xf32>
}

// The q projection of Qwen2-VL with its multimodal RoPE in the GEMM
// epilogue, which reads each row's three positions.
func.func @mrope_q(%x: tensor<?x256xbf16>, %wq: tensor<256x512xbf16>,
                   %bq: tensor<512xbf16>, %pos: tensor<3x?xi64>)
    -> tensor<?x4x128xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x512xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 128]
      : tensor<?x512xbf16> into tensor<?x4x128xbf16>
  %r = xfuse.rope %h positions %pos
      {theta = 1000000.0 : f64, mrope_section = array<i64: 16, 24, 24>,
       mrope_interleaved}
      : tensor<?x4x128xbf16>, tensor<3x?xi64>
  return %r : tensor<?x4x128xbf16>
}
