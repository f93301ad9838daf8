// RUN: xfuse-opt %s --xfuse-decompose | FileCheck %s

// CHECK-LABEL: func.func @ffn_relu
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>, %[[W1:.*]]: tensor<64x256xbf16>, %[[B1:.*]]: tensor<256xbf16>, %[[W2:.*]]: tensor<256x64xbf16>, %[[B2:.*]]: tensor<64xbf16>)
// CHECK: %[[H:.*]] = xfuse.linear %[[X]], %[[W1]] bias %[[B1]]
// CHECK: %[[A:.*]] = xfuse.activation %[[H]] {kind = #xfuse.activation<relu>}
// CHECK: %[[Y:.*]] = xfuse.linear %[[A]], %[[W2]] bias %[[B2]]
// CHECK: return %[[Y]]
// CHECK-NOT: xfuse.ffn
func.func @ffn_relu(%x: tensor<?x64xbf16>, %w1: tensor<64x256xbf16>, %b1: tensor<256xbf16>,
                    %w2: tensor<256x64xbf16>, %b2: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256xbf16>, tensor<256x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// The weight layout reaches both projections; an identity activation is not
// materialised.
// CHECK-LABEL: func.func @ffn_identity_out_in
// CHECK: %[[H:.*]] = xfuse.linear %{{.*}}, %{{.*}} {weight_layout = #xfuse.weight_layout<out_in>}
// CHECK-NOT: xfuse.activation
// CHECK: xfuse.linear %[[H]], %{{.*}} {weight_layout = #xfuse.weight_layout<out_in>}
func.func @ffn_identity_out_in(%x: tensor<4x16xf32>, %w1: tensor<32x16xf32>, %w2: tensor<16x32xf32>) -> tensor<4x16xf32> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<identity>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<4x16xf32>, tensor<32x16xf32>, tensor<16x32xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @swiglu
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x64xbf16>, %[[WG:.*]]: tensor<64x128xbf16>, %[[BG:.*]]: tensor<128xbf16>, %[[WU:.*]]: tensor<64x128xbf16>, %[[WD:.*]]: tensor<128x64xbf16>, %[[BD:.*]]: tensor<64xbf16>)
// CHECK: %[[G:.*]] = xfuse.linear %[[X]], %[[WG]] bias %[[BG]]
// CHECK: %[[U:.*]] = xfuse.linear %[[X]], %[[WU]] :
// CHECK: %[[P:.*]] = xfuse.gate %[[G]], %[[U]] :
// CHECK: %[[Y:.*]] = xfuse.linear %[[P]], %[[WD]] bias %[[BD]]
// CHECK: return %[[Y]]
func.func @swiglu(%x: tensor<?x8x64xbf16>, %wg: tensor<64x128xbf16>, %bg: tensor<128xbf16>,
                  %wu: tensor<64x128xbf16>, %wd: tensor<128x64xbf16>, %bd: tensor<64xbf16>) -> tensor<?x8x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu, %wd bias %bd
      : (tensor<?x8x64xbf16>, tensor<64x128xbf16>, tensor<128xbf16>, tensor<64x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x8x64xbf16>
  return %y : tensor<?x8x64xbf16>
}

// CHECK-LABEL: func.func @geglu
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.activation<gelu_tanh>}
func.func @geglu(%x: tensor<2x32xf16>, %wg: tensor<32x64xf16>, %wu: tensor<32x64xf16>, %wd: tensor<64x32xf16>) -> tensor<2x32xf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<2x32xf16>, tensor<32x64xf16>, tensor<32x64xf16>, tensor<64x32xf16>) -> tensor<2x32xf16>
  return %y : tensor<2x32xf16>
}
