// RUN: xfuse-opt %s --xfuse-inline-kernels | FileCheck %s
// The round trip decompose -> form kernels -> inline gives back the
// building-block graph.
// RUN: xfuse-opt %s --xfuse-inline-kernels --xfuse-form-kernels --xfuse-inline-kernels | FileCheck %s

// CHECK-LABEL: func.func @two_kernels
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>, %[[W:.*]]: tensor<64x128xbf16>, %[[B:.*]]: tensor<128xbf16>, %[[R:.*]]: tensor<?x128xbf16>)
// CHECK-NOT: xkernel
// CHECK: %[[G:.*]] = arith.constant dense<1.000000e+00> : tensor<128xbf16>
// CHECK: %[[N:.*]] = xfuse.rms_norm %[[R]], %[[G]]
// CHECK: %[[H:.*]] = xfuse.linear %[[X]], %[[W]] bias %[[B]]
// CHECK: %[[A:.*]] = xfuse.activation %[[H]] {kind = #xfuse.activation<silu>}
// CHECK: %[[S:.*]] = xfuse.add %[[A]], %[[N]]
// CHECK-NOT: xkernel
// CHECK: return %[[S]]
func.func @two_kernels(%x: tensor<?x64xbf16>, %w: tensor<64x128xbf16>, %b: tensor<128xbf16>,
                       %r: tensor<?x128xbf16>) -> tensor<?x128xbf16> {
  %n = xkernel.pointwise(%r : tensor<?x128xbf16>) -> tensor<?x128xbf16> {
  ^bb0(%ra: tensor<?x128xbf16>):
    %g = arith.constant dense<1.0> : tensor<128xbf16>
    %0 = xfuse.rms_norm %ra, %g : tensor<?x128xbf16>, tensor<128xbf16>
    xkernel.yield %0 : tensor<?x128xbf16>
  }
  %y = xkernel.gemm(%x, %w, %b, %n : tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<128xbf16>, tensor<?x128xbf16>) -> tensor<?x128xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %wa: tensor<64x128xbf16>, %ba: tensor<128xbf16>, %na: tensor<?x128xbf16>):
    %0 = xfuse.linear %a, %wa bias %ba : (tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<128xbf16>) -> tensor<?x128xbf16>
    %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x128xbf16>
    %2 = xfuse.add %1, %na : tensor<?x128xbf16>, tensor<?x128xbf16>
    xkernel.yield %2 : tensor<?x128xbf16>
  }
  return %y : tensor<?x128xbf16>
}

// A body may yield its argument: the kernel's result is then its operand.
// CHECK-LABEL: func.func @yields_argument
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xbf16>)
// CHECK-NOT: xkernel
// CHECK: %[[S:.*]] = xfuse.activation %[[X]] {kind = #xfuse.activation<silu>}
// CHECK-NOT: xkernel
// CHECK: return %[[S]]
func.func @yields_argument(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %a = xkernel.pointwise(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%0: tensor<?x64xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  %b = xkernel.pointwise(%a : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%0: tensor<?x64xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  return %b : tensor<?x64xbf16>
}
