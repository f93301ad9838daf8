// Every RoPE scaling kind in both styles, on heads of 64 channels with a
// partial rotary dimension of 32, in a GEMM epilogue (`_gemm`: x . Wq + bq
// split into heads; neox in bf16, gptj in f16) and in a pointwise kernel
// (`_chain`: f32, so that cos and sin are checked to 1e-5). The
// attributes reach emitted code as frequency tables, attention factors,
// template arguments and per-call reductions: RopeWiringTest.cu checks each
// function against the float64 reference with the same parameters.

func.func @none_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @none_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @none_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @none_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @linear_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @linear_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @linear_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @linear_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @ntk_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 512>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @ntk_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 512>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @ntk_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 512>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @ntk_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 512>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @yarn_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 512,
                                       attention_factor = 1.25>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @yarn_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 512,
                                       attention_factor = 1.25>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @yarn_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 512,
                                       attention_factor = 1.25>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @yarn_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 512,
                                       attention_factor = 1.25>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @llama3_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                         high_freq_factor = 4.0,
                                         original_max_position = 512>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @llama3_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                         high_freq_factor = 4.0,
                                         original_max_position = 512>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @llama3_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                         high_freq_factor = 4.0,
                                         original_max_position = 512>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @llama3_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                                         high_freq_factor = 4.0,
                                         original_max_position = 512>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @longrope_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 512, max_position = 4096,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0, 21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25]>}
      : tensor<?x4x64xbf16>, tensor<?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @longrope_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 512, max_position = 4096,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0, 21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25]>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @longrope_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 512, max_position = 4096,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0, 21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25]>}
      : tensor<?x4x64xf16>, tensor<?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @longrope_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       scaling = #xfuse.longrope_scaling<
           original_max_position = 512, max_position = 4096,
           short_factor = [1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125, 2.25, 2.375, 2.5, 2.625, 2.75, 2.875],
           long_factor = [1.0, 1.25, 2.0, 3.25, 5.0, 7.25, 10.0, 13.25, 17.0, 21.25, 26.0, 31.25, 37.0, 43.25, 50.0, 57.25]>}
      : tensor<?x16x4x64xf32>, tensor<?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @mrope_neox_gemm(%x: tensor<?x256xbf16>, %wq: tensor<256x256xbf16>,
    %bq: tensor<256xbf16>, %pos: tensor<3x?xi64>) -> tensor<?x4x64xbf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xbf16> into tensor<?x4x64xbf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       mrope_section = array<i64: 4, 6, 6>, mrope_interleaved,
       scaling = #xfuse.linear_scaling<factor = 2.0>}
      : tensor<?x4x64xbf16>, tensor<3x?xi64>
  return %r : tensor<?x4x64xbf16>
}

func.func @mrope_neox_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<3x?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64,
       mrope_section = array<i64: 4, 6, 6>, mrope_interleaved,
       scaling = #xfuse.linear_scaling<factor = 2.0>}
      : tensor<?x16x4x64xf32>, tensor<3x?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}

func.func @mrope_gptj_gemm(%x: tensor<?x256xf16>, %wq: tensor<256x256xf16>,
    %bq: tensor<256xf16>, %pos: tensor<3x?xi64>) -> tensor<?x4x64xf16> {
  %q = xfuse.linear %x, %wq bias %bq
      : (tensor<?x256xf16>, tensor<256x256xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x256xf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 4, 64]
      : tensor<?x256xf16> into tensor<?x4x64xf16>
  %r = xfuse.rope %h positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       mrope_section = array<i64: 4, 6, 6>, mrope_interleaved,
       scaling = #xfuse.linear_scaling<factor = 2.0>}
      : tensor<?x4x64xf16>, tensor<3x?xi64>
  return %r : tensor<?x4x64xf16>
}

func.func @mrope_gptj_chain(%x: tensor<?x16x4x64xf32>, %pos: tensor<3x?x16xi64>)
    -> tensor<?x16x4x64xf32> {
  %r = xfuse.rope %x positions %pos
      {rotary_dim = 32 : i64, theta = 20000.0 : f64, style = #xfuse.rope_style<gptj>,
       mrope_section = array<i64: 4, 6, 6>, mrope_interleaved,
       scaling = #xfuse.linear_scaling<factor = 2.0>}
      : tensor<?x16x4x64xf32>, tensor<3x?x16xi64>
  return %r : tensor<?x16x4x64xf32>
}
