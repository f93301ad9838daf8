// RUN: xfuse-reference-check %s | FileCheck %s

// SwiGLU, the default activation.
// CHECK: PASS @swiglu_f32
func.func @swiglu_f32(%x: tensor<2x8x32xf32>, %wg: tensor<32x64xf32>,
                      %wu: tensor<32x64xf32>, %wd: tensor<64x32xf32>)
    -> tensor<2x8x32xf32> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd
      : (tensor<2x8x32xf32>, tensor<32x64xf32>, tensor<32x64xf32>,
         tensor<64x32xf32>) -> tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @geglu_biases_f32
func.func @geglu_biases_f32(%x: tensor<16x32xf32>, %wg: tensor<32x48xf32>,
                            %bg: tensor<48xf32>, %wu: tensor<32x48xf32>,
                            %bu: tensor<48xf32>, %wd: tensor<48x32xf32>,
                            %bd: tensor<32xf32>) -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<gelu>}
      : (tensor<16x32xf32>, tensor<32x48xf32>, tensor<48xf32>, tensor<32x48xf32>,
         tensor<48xf32>, tensor<48x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// CHECK: PASS @geglu_tanh_out_in_f32
func.func @geglu_tanh_out_in_f32(%x: tensor<?x32xf32>, %wg: tensor<64x32xf32>,
                                 %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>,
                                 %bd: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd bias %bd
      {activation = #xfuse.activation<gelu_tanh>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x32xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>,
         tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK: PASS @reglu_f32
func.func @reglu_f32(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>,
                     %bg: tensor<64xf32>, %wu: tensor<32x64xf32>,
                     %wd: tensor<64x16xf32>) -> tensor<16x16xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu, %wd {activation = #xfuse.activation<relu>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>,
         tensor<64x16xf32>) -> tensor<16x16xf32>
  return %y : tensor<16x16xf32>
}

// Llama-style: nn.Linear weights, no biases.
// CHECK: PASS @swiglu_out_in_bf16
func.func @swiglu_out_in_bf16(%x: tensor<?x8x32xbf16>, %wg: tensor<64x32xbf16>,
                              %wu: tensor<64x32xbf16>, %wd: tensor<32x64xbf16>)
    -> tensor<?x8x32xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x8x32xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>,
         tensor<32x64xbf16>) -> tensor<?x8x32xbf16>
  return %y : tensor<?x8x32xbf16>
}

// CHECK: PASS @geglu_biases_bf16
func.func @geglu_biases_bf16(%x: tensor<16x32xbf16>, %wg: tensor<32x64xbf16>,
                             %bg: tensor<64xbf16>, %wu: tensor<32x64xbf16>,
                             %bu: tensor<64xbf16>, %wd: tensor<64x32xbf16>,
                             %bd: tensor<32xbf16>) -> tensor<16x32xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.activation<gelu>}
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64xbf16>, tensor<32x64xbf16>,
         tensor<64xbf16>, tensor<64x32xbf16>, tensor<32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK: PASS @geglu_tanh_bf16
func.func @geglu_tanh_bf16(%x: tensor<16x32xbf16>, %wg: tensor<32x64xbf16>,
                           %wu: tensor<32x64xbf16>, %wd: tensor<64x32xbf16>)
    -> tensor<16x32xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<32x64xbf16>,
         tensor<64x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK: PASS @reglu_out_in_bf16
func.func @reglu_out_in_bf16(%x: tensor<16x32xbf16>, %wg: tensor<64x32xbf16>,
                             %wu: tensor<64x32xbf16>, %bu: tensor<64xbf16>,
                             %wd: tensor<32x64xbf16>) -> tensor<16x32xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu bias %bu, %wd
      {activation = #xfuse.activation<relu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>, tensor<64xbf16>,
         tensor<32x64xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK: PASS @swiglu_f16
func.func @swiglu_f16(%x: tensor<16x32xf16>, %wg: tensor<32x64xf16>,
                      %wu: tensor<32x64xf16>, %wd: tensor<64x32xf16>)
    -> tensor<16x32xf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd
      : (tensor<16x32xf16>, tensor<32x64xf16>, tensor<32x64xf16>,
         tensor<64x32xf16>) -> tensor<16x32xf16>
  return %y : tensor<16x32xf16>
}
