// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @add_same_shape_f32
func.func @add_same_shape_f32(%a: tensor<2x8x32xf32>, %b: tensor<2x8x32xf32>)
    -> tensor<2x8x32xf32> {
  %y = xfuse.add %a, %b : tensor<2x8x32xf32>, tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @add_vector_suffix_f32
func.func @add_vector_suffix_f32(%a: tensor<2x8x32xf32>, %b: tensor<32xf32>)
    -> tensor<2x8x32xf32> {
  %y = xfuse.add %a, %b : tensor<2x8x32xf32>, tensor<32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @add_matrix_suffix_dynamic_bf16
func.func @add_matrix_suffix_dynamic_bf16(%a: tensor<?x8x32xbf16>, %b: tensor<8x32xbf16>)
    -> tensor<?x8x32xbf16> {
  %y = xfuse.add %a, %b : tensor<?x8x32xbf16>, tensor<8x32xbf16>
  return %y : tensor<?x8x32xbf16>
}

// CHECK: PASS @add_same_shape_bf16
func.func @add_same_shape_bf16(%a: tensor<16x64xbf16>, %b: tensor<16x64xbf16>)
    -> tensor<16x64xbf16> {
  %y = xfuse.add %a, %b : tensor<16x64xbf16>, tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// CHECK: PASS @rms_norm_f32
func.func @rms_norm_f32(%x: tensor<2x8x64xf32>, %w: tensor<64xf32>) -> tensor<2x8x64xf32> {
  %y = xfuse.rms_norm %x, %w : tensor<2x8x64xf32>, tensor<64xf32>
  return %y : tensor<2x8x64xf32>
}

// CHECK: PASS @rms_norm_epsilon_bf16
func.func @rms_norm_epsilon_bf16(%x: tensor<?x64xbf16>, %w: tensor<64xbf16>)
    -> tensor<?x64xbf16> {
  %y = xfuse.rms_norm %x, %w {epsilon = 0.01 : f64} : tensor<?x64xbf16>, tensor<64xbf16>
  return %y : tensor<?x64xbf16>
}

// CHECK: PASS @rms_norm_f16
func.func @rms_norm_f16(%x: tensor<16x32xf16>, %w: tensor<32xf16>) -> tensor<16x32xf16> {
  %y = xfuse.rms_norm %x, %w : tensor<16x32xf16>, tensor<32xf16>
  return %y : tensor<16x32xf16>
}

// CHECK: PASS @layer_norm_bias_f32
func.func @layer_norm_bias_f32(%x: tensor<16x64xf32>, %w: tensor<64xf32>,
                               %b: tensor<64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.layer_norm %x, %w bias %b : tensor<16x64xf32>, tensor<64xf32>, tensor<64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @layer_norm_no_bias_dynamic_f32
func.func @layer_norm_no_bias_dynamic_f32(%x: tensor<?x4x32xf32>, %w: tensor<32xf32>)
    -> tensor<?x4x32xf32> {
  %y = xfuse.layer_norm %x, %w {epsilon = 1.0e-3 : f64} : tensor<?x4x32xf32>, tensor<32xf32>
  return %y : tensor<?x4x32xf32>
}

// CHECK: PASS @layer_norm_bias_bf16
func.func @layer_norm_bias_bf16(%x: tensor<2x8x64xbf16>, %w: tensor<64xbf16>,
                                %b: tensor<64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.layer_norm %x, %w bias %b
      : tensor<2x8x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
  return %y : tensor<2x8x64xbf16>
}
