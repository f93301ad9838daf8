// Angles are computed in f32, so their absolute error grows with the
// position (about pos * 2^-24): positions stay below 512 here to keep f32
// results within 1e-5; large_positions.mlir covers the full range in bf16.
// RUN: xfuse-reference-check --max-position=512 %s | FileCheck %s

// CHECK: PASS @interleaved_f32
func.func @interleaved_f32(%x: tensor<2x16x32xf32>) -> tensor<2x16x32xf32> {
  %y = xfuse.sinusoidal_pe %x : tensor<2x16x32xf32>
  return %y : tensor<2x16x32xf32>
}

// CHECK: PASS @half_scaled_f32
func.func @half_scaled_f32(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.sinusoidal_pe %x
      {base = 500.0 : f64, scale = 8.0 : f64, layout = #xfuse.pe_layout<half>}
      : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK: PASS @interleaved_bf16
func.func @interleaved_bf16(%x: tensor<2x16x32xbf16>) -> tensor<2x16x32xbf16> {
  %y = xfuse.sinusoidal_pe %x {scale = 5.656854 : f64} : tensor<2x16x32xbf16>
  return %y : tensor<2x16x32xbf16>
}

// CHECK: PASS @half_bf16
func.func @half_bf16(%x: tensor<8x16xbf16>) -> tensor<8x16xbf16> {
  %y = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<half>}
      : tensor<8x16xbf16>
  return %y : tensor<8x16xbf16>
}

// CHECK: PASS @half_f16
func.func @half_f16(%x: tensor<8x16xf16>) -> tensor<8x16xf16> {
  %y = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<half>}
      : tensor<8x16xf16>
  return %y : tensor<8x16xf16>
}

// Decode-style explicit positions.
// CHECK: PASS @positions_i32_f32
func.func @positions_i32_f32(%x: tensor<3x1x32xf32>, %pos: tensor<3x1xi32>)
    -> tensor<3x1x32xf32> {
  %y = xfuse.sinusoidal_pe %x positions %pos : tensor<3x1x32xf32>, tensor<3x1xi32>
  return %y : tensor<3x1x32xf32>
}

// CHECK: PASS @positions_i64_bf16
func.func @positions_i64_bf16(%x: tensor<2x4x32xbf16>, %pos: tensor<2x4xi64>)
    -> tensor<2x4x32xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos {layout = #xfuse.pe_layout<half>}
      : tensor<2x4x32xbf16>, tensor<2x4xi64>
  return %y : tensor<2x4x32xbf16>
}

// CHECK: PASS @dynamic_batch_f32
func.func @dynamic_batch_f32(%x: tensor<?x8x16xf32>) -> tensor<?x8x16xf32> {
  %y = xfuse.sinusoidal_pe %x : tensor<?x8x16xf32>
  return %y : tensor<?x8x16xf32>
}

// CHECK: PASS @dynamic_positions_bf16
func.func @dynamic_positions_bf16(%x: tensor<?x?x16xbf16>, %pos: tensor<?x?xi32>)
    -> tensor<?x?x16xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos : tensor<?x?x16xbf16>, tensor<?x?xi32>
  return %y : tensor<?x?x16xbf16>
}
