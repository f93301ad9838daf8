// LongRoPE (Phi-3, Phi-4) on the GPU: a one-block launch selects the short
// or long factor set's frequencies from the call's largest position before
// the kernel that rotates.

// Phi-3-mini's shape of head (96 channels, 48 pairs) on [batch, 16, 4, 96]
// heads, outside a GEMM; the factors follow 1 + i/8 (short) and 1 + i^2/4
// (long), the context is shortened to 64 so that both sets are reachable.
func.func @longrope(%x: tensor<?x16x4x96xbf16>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x96xbf16> {
  %y = xfuse.rope %x positions %pos
      {scaling = #xfuse.longrope_scaling<
           original_max_position = 64, max_position = 2048,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
                           2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875,
                           3.0, 3.125, 3.25, 3.375, 3.5, 3.625, 3.75, 3.875,
                           4.0, 4.125, 4.25, 4.375, 4.5, 4.625, 4.75, 4.875,
                           5.0, 5.125, 5.25, 5.375, 5.5, 5.625, 5.75, 5.875,
                           6.0, 6.125, 6.25, 6.375, 6.5, 6.625, 6.75, 6.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0,
                          21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25, 65.0,
                          73.25, 82.0, 91.25, 101.0, 111.25, 122.0, 133.25,
                          145.0, 157.25, 170.0, 183.25, 197.0, 211.25, 226.0,
                          241.25, 257.0, 273.25, 290.0, 307.25, 325.0, 343.25,
                          362.0, 381.25, 401.0, 421.25, 442.0, 463.25, 485.0,
                          507.25, 530.0, 553.25]>}
      : tensor<?x16x4x96xbf16>, tensor<?x16xi64>
  return %y : tensor<?x16x4x96xbf16>
}

// Without positions the sequence extent, 16, decides: within a context of
// 16, the short set (1 + i/8; long 1 + i); f32, cos and sin within 1e-5.
func.func @longrope_seq_f32(%x: tensor<?x16x4x32xf32>) -> tensor<?x16x4x32xf32> {
  %y = xfuse.rope %x
      {style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 16, factor = 8, attention_factor = 1.2,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
                           2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875],
           long_factor = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0,
                          11.0, 12.0, 13.0, 14.0, 15.0, 16.0]>}
      : tensor<?x16x4x32xf32>
  return %y : tensor<?x16x4x32xf32>
}

// Phi-4-mini's q projection: partial rotary (96 of 128 channels), the
// LongRoPE in the GEMM epilogue reading the per-call table; the factors as
// in @longrope.
func.func @longrope_q(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
                      %pos: tensor<?xi32>) -> tensor<?x2x128xbf16> {
  %q = xfuse.linear %x, %wq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 2, 128]
      : tensor<?x256xbf16> into tensor<?x2x128xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 96 : i64, theta = 250000.0 : f64,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 4096, max_position = 131072,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
                           2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875,
                           3.0, 3.125, 3.25, 3.375, 3.5, 3.625, 3.75, 3.875,
                           4.0, 4.125, 4.25, 4.375, 4.5, 4.625, 4.75, 4.875,
                           5.0, 5.125, 5.25, 5.375, 5.5, 5.625, 5.75, 5.875,
                           6.0, 6.125, 6.25, 6.375, 6.5, 6.625, 6.75, 6.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0,
                          21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25, 65.0,
                          73.25, 82.0, 91.25, 101.0, 111.25, 122.0, 133.25,
                          145.0, 157.25, 170.0, 183.25, 197.0, 211.25, 226.0,
                          241.25, 257.0, 273.25, 290.0, 307.25, 325.0, 343.25,
                          362.0, 381.25, 401.0, 421.25, 442.0, 463.25, 485.0,
                          507.25, 530.0, 553.25]>}
      : tensor<?x2x128xbf16>, tensor<?xi32>
  return %r : tensor<?x2x128xbf16>
}
