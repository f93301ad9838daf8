// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @relu_bias_f32
func.func @relu_bias_f32(%x: tensor<2x8x32xf32>, %w1: tensor<32x64xf32>,
                         %b1: tensor<64xf32>, %w2: tensor<64x32xf32>,
                         %b2: tensor<32xf32>) -> tensor<2x8x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<2x8x32xf32>, tensor<32x64xf32>, tensor<64xf32>,
         tensor<64x32xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @gelu_out_in_f32
func.func @gelu_out_in_f32(%x: tensor<16x32xf32>, %w1: tensor<64x32xf32>,
                           %w2: tensor<16x64xf32>) -> tensor<16x16xf32> {
  %y = xfuse.ffn %x, %w1, %w2
      {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<16x64xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// CHECK: PASS @gelu_tanh_first_bias_f32
func.func @gelu_tanh_first_bias_f32(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>,
                                    %b1: tensor<64xf32>, %w2: tensor<64x32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>)
      -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// CHECK: PASS @silu_second_bias_f32
func.func @silu_second_bias_f32(%x: tensor<?x32xf32>, %w1: tensor<32x64xf32>,
                                %w2: tensor<64x32xf32>, %b2: tensor<32xf32>)
    -> tensor<?x32xf32> {
  %y = xfuse.ffn %x, %w1, %w2 bias %b2 {activation = #xfuse.activation<silu>}
      : (tensor<?x32xf32>, tensor<32x64xf32>, tensor<64x32xf32>, tensor<32xf32>)
      -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK: PASS @relu_bf16
func.func @relu_bf16(%x: tensor<16x32xbf16>, %w1: tensor<32x64xbf16>,
                     %b1: tensor<64xbf16>, %w2: tensor<64x32xbf16>,
                     %b2: tensor<32xbf16>) -> tensor<16x32xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64xbf16>,
         tensor<64x32xbf16>, tensor<32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK: PASS @gelu_dynamic_bf16
func.func @gelu_dynamic_bf16(%x: tensor<?x8x32xbf16>, %w1: tensor<32x64xbf16>,
                             %b1: tensor<64xbf16>, %w2: tensor<64x32xbf16>,
                             %b2: tensor<32xbf16>) -> tensor<?x8x32xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x8x32xbf16>, tensor<32x64xbf16>, tensor<64xbf16>,
         tensor<64x32xbf16>, tensor<32xbf16>) -> tensor<?x8x32xbf16>
  return %y : tensor<?x8x32xbf16>
}

// CHECK: PASS @gelu_tanh_out_in_bf16
func.func @gelu_tanh_out_in_bf16(%x: tensor<16x64xbf16>, %w1: tensor<32x64xbf16>,
                                 %b1: tensor<32xbf16>, %w2: tensor<64x32xbf16>,
                                 %b2: tensor<64xbf16>) -> tensor<16x64xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<gelu_tanh>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x64xbf16>, tensor<32x64xbf16>, tensor<32xbf16>,
         tensor<64x32xbf16>, tensor<64xbf16>) -> tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// CHECK: PASS @silu_f16
func.func @silu_f16(%x: tensor<16x32xf16>, %w1: tensor<32x64xf16>,
                    %w2: tensor<64x32xf16>) -> tensor<16x32xf16> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<silu>}
      : (tensor<16x32xf16>, tensor<32x64xf16>, tensor<64x32xf16>) -> tensor<16x32xf16>
  return %y : tensor<16x32xf16>
}
