// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @in_out_f32
func.func @in_out_f32(%x: tensor<2x8x32xf32>, %w: tensor<32x48xf32>)
    -> tensor<2x8x48xf32> {
  %y = xfuse.linear %x, %w
      : (tensor<2x8x32xf32>, tensor<32x48xf32>) -> tensor<2x8x48xf32>
  return %y : tensor<2x8x48xf32>
}

// CHECK: PASS @in_out_bias_f32
func.func @in_out_bias_f32(%x: tensor<16x32xf32>, %w: tensor<32x64xf32>,
                           %b: tensor<64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.linear %x, %w bias %b
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @out_in_f32
func.func @out_in_f32(%x: tensor<16x32xf32>, %w: tensor<24x32xf32>)
    -> tensor<16x24xf32> {
  %y = xfuse.linear %x, %w {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<24x32xf32>) -> tensor<16x24xf32>
  return %y : tensor<16x24xf32>
}

// CHECK: PASS @out_in_bias_f32
func.func @out_in_bias_f32(%x: tensor<2x8x64xf32>, %w: tensor<16x64xf32>,
                           %b: tensor<16xf32>) -> tensor<2x8x16xf32> {
  %y = xfuse.linear %x, %w bias %b {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<2x8x64xf32>, tensor<16x64xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// CHECK: PASS @in_out_bf16
func.func @in_out_bf16(%x: tensor<16x64xbf16>, %w: tensor<64x32xbf16>)
    -> tensor<16x32xbf16> {
  %y = xfuse.linear %x, %w
      : (tensor<16x64xbf16>, tensor<64x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK: PASS @in_out_bias_bf16
func.func @in_out_bias_bf16(%x: tensor<2x8x32xbf16>, %w: tensor<32x32xbf16>,
                            %b: tensor<32xbf16>) -> tensor<2x8x32xbf16> {
  %y = xfuse.linear %x, %w bias %b
      : (tensor<2x8x32xbf16>, tensor<32x32xbf16>, tensor<32xbf16>) -> tensor<2x8x32xbf16>
  return %y : tensor<2x8x32xbf16>
}

// CHECK: PASS @out_in_bf16
func.func @out_in_bf16(%x: tensor<16x64xbf16>, %w: tensor<48x64xbf16>)
    -> tensor<16x48xbf16> {
  %y = xfuse.linear %x, %w {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x64xbf16>, tensor<48x64xbf16>) -> tensor<16x48xbf16>
  return %y : tensor<16x48xbf16>
}

// CHECK: PASS @out_in_bias_bf16_dynamic
func.func @out_in_bias_bf16_dynamic(%x: tensor<?x32xbf16>, %w: tensor<64x32xbf16>,
                                    %b: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.linear %x, %w bias %b {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x32xbf16>, tensor<64x32xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// CHECK: PASS @in_out_bias_f16_dynamic
func.func @in_out_bias_f16_dynamic(%x: tensor<?x4x32xf16>, %w: tensor<32x16xf16>,
                                   %b: tensor<16xf16>) -> tensor<?x4x16xf16> {
  %y = xfuse.linear %x, %w bias %b
      : (tensor<?x4x32xf16>, tensor<32x16xf16>, tensor<16xf16>) -> tensor<?x4x16xf16>
  return %y : tensor<?x4x16xf16>
}
