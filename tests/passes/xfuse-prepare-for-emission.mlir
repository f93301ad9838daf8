// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-prepare-for-emission | FileCheck %s

// Shape queries and constants left without users are erased: the function
// holds its planned kernels and its return.
// CHECK-LABEL: func.func @leftovers
// CHECK-NEXT: xkernel.pointwise
// CHECK: xkernel.yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @leftovers(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64xbf16>
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>)
      plan #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @constant_operand(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'arith.constant' op cannot be emitted: it is a constant outside the kernels, which read their operands from memory: pass it as a function argument}}
  %g = arith.constant dense<1.0> : tensor<64xbf16>
  %y = xkernel.pointwise(%x, %g : tensor<?x64xbf16>, tensor<64xbf16>)
      plan #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %w: tensor<64xbf16>):
    %0 = xfuse.rms_norm %a, %w : tensor<?x64xbf16>, tensor<64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @unplanned(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'xkernel.pointwise' op cannot be emitted: it has no launch plan; run --xfuse-plan-launch}}
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %0 = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// Each op outside a kernel is reported, but for the shape computations of
// the reshapes.
func.func @outside_kernels(%x: tensor<?x64xbf16>) -> tensor<?x2x32xbf16> {
  // expected-error @+1 {{'xfuse.activation' op cannot be emitted: it is not a kernel: a function the CUDA emitter prints holds only xkernel kernels and its return, in one block (--xfuse-form-kernels makes kernels of xfuse ops and reshapes)}}
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x64xbf16>
  // expected-error @+1 {{'tensor.expand_shape' op cannot be emitted: it is not a kernel}}
  %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [%n, 2, 32] : tensor<?x64xbf16> into tensor<?x2x32xbf16>
  return %1 : tensor<?x2x32xbf16>
}
