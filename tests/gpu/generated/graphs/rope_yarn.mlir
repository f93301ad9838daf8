// YaRN as DeepSeek-V2/V3 and gpt-oss configure it, on the GPU.

// DeepSeek-V2-Lite: 64 rotary channels in gptj pairs, factor 40 and the
// mscale / mscale_all_dim ratio as the attention factor; f32, cos and sin
// within 1e-5.
func.func @yarn_mscale_f32(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %y = xfuse.rope %x positions %pos
      {style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 40, original_max_position = 4096,
                                     beta_fast = 32, beta_slow = 1,
                                     mscale = 0.707, mscale_all_dim = 1.0>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %y : tensor<?x16x4x64xf32>
}

// gpt-oss: the q projection (head_dim 64) with YaRN's unrounded correction
// range in the GEMM epilogue.
func.func @yarn_untruncated_q(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
                              %bq: tensor<256xbf16>, %pos: tensor<?xi64>)
    -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {theta = 150000.0 : f64,
       scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 4096,
                                     beta_fast = 32.0, beta_slow = 1.0,
                                     truncate = false>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}
