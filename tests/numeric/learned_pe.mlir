// Positions feeding a learned_pe table are drawn from its rows.
// RUN: xfuse-reference-check %s | FileCheck %s

// CHECK: PASS @by_index_f32
func.func @by_index_f32(%x: tensor<2x8x32xf32>, %table: tensor<16x32xf32>)
    -> tensor<2x8x32xf32> {
  %y = xfuse.learned_pe %x, %table : tensor<2x8x32xf32>, tensor<16x32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @by_index_bf16
func.func @by_index_bf16(%x: tensor<16x64xbf16>, %table: tensor<16x64xbf16>)
    -> tensor<16x64xbf16> {
  %y = xfuse.learned_pe %x, %table : tensor<16x64xbf16>, tensor<16x64xbf16>
  return %y : tensor<16x64xbf16>
}

// CHECK: PASS @positions_i32_f32
func.func @positions_i32_f32(%x: tensor<4x1x32xf32>, %table: tensor<64x32xf32>,
                             %pos: tensor<4x1xi32>) -> tensor<4x1x32xf32> {
  %y = xfuse.learned_pe %x, %table positions %pos
      : tensor<4x1x32xf32>, tensor<64x32xf32>, tensor<4x1xi32>
  return %y : tensor<4x1x32xf32>
}

// CHECK: PASS @positions_i64_bf16
func.func @positions_i64_bf16(%x: tensor<2x8x16xbf16>, %table: tensor<12x16xbf16>,
                              %pos: tensor<2x8xi64>) -> tensor<2x8x16xbf16> {
  %y = xfuse.learned_pe %x, %table positions %pos
      : tensor<2x8x16xbf16>, tensor<12x16xbf16>, tensor<2x8xi64>
  return %y : tensor<2x8x16xbf16>
}

// CHECK: PASS @dynamic_batch_f16
func.func @dynamic_batch_f16(%x: tensor<?x8x16xf16>, %table: tensor<8x16xf16>)
    -> tensor<?x8x16xf16> {
  %y = xfuse.learned_pe %x, %table : tensor<?x8x16xf16>, tensor<8x16xf16>
  return %y : tensor<?x8x16xf16>
}

// CHECK: PASS @dynamic_positions_f32
func.func @dynamic_positions_f32(%x: tensor<?x?x16xf32>, %table: tensor<32x16xf32>,
                                 %pos: tensor<?x?xi32>) -> tensor<?x?x16xf32> {
  %y = xfuse.learned_pe %x, %table positions %pos
      : tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<?x?xi32>
  return %y : tensor<?x?x16xf32>
}
