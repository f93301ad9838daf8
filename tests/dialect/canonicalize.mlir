// RUN: xfuse-opt %s --canonicalize --split-input-file | FileCheck %s

// The identity activation folds to its input.
// CHECK-LABEL: func.func @identity_activation
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>)
// CHECK-NOT: xfuse.activation
// CHECK: return %[[X]]
func.func @identity_activation(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %0 = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<?x64xbf16>
  return %0 : tensor<?x64xbf16>
}

// -----

// So does a chain of them, leaving the real activation between.
// CHECK-LABEL: func.func @identity_around_gelu
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>)
// CHECK: %[[G:.*]] = xfuse.activation %[[X]] {kind = #xfuse.activation<gelu>}
// CHECK-NOT: xfuse.activation
// CHECK: return %[[G]]
func.func @identity_around_gelu(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %0 = xfuse.activation %x {kind = #xfuse.activation<identity>} : tensor<4x64xf32>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<4x64xf32>
  %2 = xfuse.activation %1 {kind = #xfuse.activation<identity>} : tensor<4x64xf32>
  return %2 : tensor<4x64xf32>
}

// -----

// Every other activation stays.
// CHECK-LABEL: func.func @real_activations
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<relu>}
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<gelu>}
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<gelu_tanh>}
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<silu>}
func.func @real_activations(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<4x64xf16>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<4x64xf16>
  %2 = xfuse.activation %1 {kind = #xfuse.activation<gelu_tanh>} : tensor<4x64xf16>
  %3 = xfuse.activation %2 {kind = #xfuse.activation<silu>} : tensor<4x64xf16>
  return %3 : tensor<4x64xf16>
}

// -----

// xfuse ops are pure: one whose result is unused is erased.
// CHECK-LABEL: func.func @dead_ops
// CHECK-NOT: xfuse.
// CHECK: return
func.func @dead_ops(%x: tensor<2x8x4x64xf32>, %y: tensor<8x64xf32>,
                    %w: tensor<64x64xf32>) {
  %0 = xfuse.rope %x : tensor<2x8x4x64xf32>
  %1 = xfuse.linear %y, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  return
}
