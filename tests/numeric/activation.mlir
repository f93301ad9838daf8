// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @relu_f32
func.func @relu_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @gelu_f32
func.func @gelu_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @gelu_tanh_f32
func.func @gelu_tanh_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu_tanh>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @silu_f32
func.func @silu_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @identity_f32
func.func @identity_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @relu_bf16
func.func @relu_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @gelu_bf16
func.func @gelu_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @gelu_tanh_bf16
func.func @gelu_tanh_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu_tanh>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @silu_bf16
func.func @silu_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @identity_bf16
func.func @identity_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @gelu_f16_dynamic
func.func @gelu_f16_dynamic(%x: tensor<?x64xf16>) -> tensor<?x64xf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

// CHECK: PASS @silu_f16
func.func @silu_f16(%x: tensor<16x32xf16>) -> tensor<16x32xf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<16x32xf16>
  return %y : tensor<16x32xf16>
}

// quick_gelu and relu2 in f32, where the 1e-5 tolerance separates
// neighbouring approximations (quick_gelu differs from gelu by up to 2e-2,
// gelu_tanh from gelu by up to 5e-4).
// CHECK: PASS @quick_gelu_f32
func.func @quick_gelu_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<quick_gelu>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @relu2_f32
func.func @relu2_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu2>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @quick_gelu_bf16
func.func @quick_gelu_bf16(%x: tensor<2x8x64xbf16>) -> tensor<2x8x64xbf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<quick_gelu>} : tensor<2x8x64xbf16>
  return %y : tensor<2x8x64xbf16>
}

// CHECK: PASS @relu2_f16_dynamic
func.func @relu2_f16_dynamic(%x: tensor<?x64xf16>) -> tensor<?x64xf16> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu2>} : tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}
