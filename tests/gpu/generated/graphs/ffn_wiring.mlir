// Every activation in FFN epilogues, plain and gated, in f32 (the SIMT
// GEMM: 1e-5 tells gelu from gelu_tanh) and once in f16 and bf16 (the
// tensor-core GEMMs), alternating the weight layouts, with a bias on every
// linear: FfnWiringTest.cu checks each against the float64 reference with
// biases as large as the projections, so that a dropped or swapped bias
// cannot hide in the tolerance.

func.func @ffn_relu_f32_in_out(%x: tensor<?x128xf32>, %w1: tensor<128x256xf32>,
    %b1: tensor<256xf32>, %w2: tensor<256x128xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<relu>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_gelu_f32_out_in(%x: tensor<?x128xf32>, %w1: tensor<256x128xf32>,
    %b1: tensor<256xf32>, %w2: tensor<128x256xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_gelu_tanh_f32_in_out(%x: tensor<?x128xf32>, %w1: tensor<128x256xf32>,
    %b1: tensor<256xf32>, %w2: tensor<256x128xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_silu_f32_out_in(%x: tensor<?x128xf32>, %w1: tensor<256x128xf32>,
    %b1: tensor<256xf32>, %w2: tensor<128x256xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<silu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_identity_f32_in_out(%x: tensor<?x128xf32>, %w1: tensor<128x256xf32>,
    %b1: tensor<256xf32>, %w2: tensor<256x128xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<identity>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_quick_gelu_f32_out_in(%x: tensor<?x128xf32>, %w1: tensor<256x128xf32>,
    %b1: tensor<256xf32>, %w2: tensor<128x256xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<quick_gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_relu2_f32_in_out(%x: tensor<?x128xf32>, %w1: tensor<128x256xf32>,
    %b1: tensor<256xf32>, %w2: tensor<256x128xf32>, %b2: tensor<128xf32>)
    -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<relu2>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @ffn_gelu_tanh_f16_out_in(%x: tensor<?x256xf16>, %w1: tensor<512x256xf16>,
    %b1: tensor<512xf16>, %w2: tensor<256x512xf16>, %b2: tensor<256xf16>)
    -> tensor<?x256xf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu_tanh>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xf16>, tensor<512x256xf16>, tensor<512xf16>,
         tensor<256x512xf16>, tensor<256xf16>) -> tensor<?x256xf16>
  return %y : tensor<?x256xf16>
}

func.func @ffn_gelu_bf16_in_out(%x: tensor<?x256xbf16>, %w1: tensor<256x512xbf16>,
    %b1: tensor<512xbf16>, %w2: tensor<512x256xbf16>, %b2: tensor<256xbf16>)
    -> tensor<?x256xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu>}
      : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<512x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

func.func @gated_silu_f32_in_out(%x: tensor<?x128xf32>, %wg: tensor<128x256xf32>,
    %bg: tensor<256xf32>, %wu: tensor<128x256xf32>, %bu: tensor<256xf32>,
    %wd: tensor<256x128xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<silu>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<256xf32>, tensor<256x128xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_gelu_f32_out_in(%x: tensor<?x128xf32>, %wg: tensor<256x128xf32>,
    %bg: tensor<256xf32>, %wu: tensor<256x128xf32>, %bu: tensor<256xf32>,
    %wd: tensor<128x256xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_gelu_tanh_f32_in_out(%x: tensor<?x128xf32>, %wg: tensor<128x256xf32>,
    %bg: tensor<256xf32>, %wu: tensor<128x256xf32>, %bu: tensor<256xf32>,
    %wd: tensor<256x128xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<256xf32>, tensor<256x128xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_relu_f32_out_in(%x: tensor<?x128xf32>, %wg: tensor<256x128xf32>,
    %bg: tensor<256xf32>, %wu: tensor<256x128xf32>, %bu: tensor<256xf32>,
    %wd: tensor<128x256xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<relu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_quick_gelu_f32_in_out(%x: tensor<?x128xf32>, %wg: tensor<128x256xf32>,
    %bg: tensor<256xf32>, %wu: tensor<128x256xf32>, %bu: tensor<256xf32>,
    %wd: tensor<256x128xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<quick_gelu>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<256xf32>, tensor<256x128xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_relu2_f32_out_in(%x: tensor<?x128xf32>, %wg: tensor<256x128xf32>,
    %bg: tensor<256xf32>, %wu: tensor<256x128xf32>, %bu: tensor<256xf32>,
    %wd: tensor<128x256xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<relu2>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_identity_f32_in_out(%x: tensor<?x128xf32>, %wg: tensor<128x256xf32>,
    %bg: tensor<256xf32>, %wu: tensor<128x256xf32>, %bu: tensor<256xf32>,
    %wd: tensor<256x128xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<identity>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<256xf32>, tensor<256x128xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_clamped_swiglu_f32_in_out(%x: tensor<?x128xf32>, %wg: tensor<128x256xf32>,
    %bg: tensor<256xf32>, %wu: tensor<128x256xf32>, %bu: tensor<256xf32>,
    %wd: tensor<256x128xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<alpha = 1.5, limit = 2.0>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256xf32>,
         tensor<128x256xf32>, tensor<256xf32>, tensor<256x128xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

func.func @gated_silu_f16_out_in(%x: tensor<?x256xf16>, %wg: tensor<512x256xf16>,
    %bg: tensor<512xf16>, %wu: tensor<512x256xf16>, %bu: tensor<512xf16>,
    %wd: tensor<256x512xf16>, %bd: tensor<256xf16>) -> tensor<?x256xf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<silu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xf16>, tensor<512x256xf16>, tensor<512xf16>,
         tensor<512x256xf16>, tensor<512xf16>, tensor<256x512xf16>,
         tensor<256xf16>) -> tensor<?x256xf16>
  return %y : tensor<?x256xf16>
}

func.func @gated_gelu_tanh_bf16_in_out(%x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16>,
    %bg: tensor<512xbf16>, %wu: tensor<256x512xbf16>, %bu: tensor<512xbf16>,
    %wd: tensor<512x256xbf16>, %bd: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<256x512xbf16>, tensor<512xbf16>, tensor<512x256xbf16>,
         tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}
