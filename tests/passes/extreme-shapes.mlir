// Valid graphs at the edges of what the verifier allows compile for both
// targets: scalars and vectors, dimensions of 1 and 0, dynamic dimensions
// everywhere, hidden sizes the tensor cores do not take (the f32 SIMT GEMM
// runs them), element counts past 2^31. Errors for what no block runs are
// in extreme-shapes-invalid.mlir.
// RUN: xfuse-opt %s -split-input-file --xfuse-pipeline="target=sm_90a" | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: xfuse-opt %s -split-input-file --xfuse-pipeline="target=sm_80" | FileCheck %s --check-prefixes=CHECK,SM80

// A scalar is one row of one element.
// CHECK-LABEL: func.func @activation_scalar
// CHECK: xkernel.pointwise({{.*}} : tensor<f16>) plan <target = {{.*}}, threads = 256, vector_width = 1>
func.func @activation_scalar(%s: tensor<f16>) -> tensor<f16> {
  %0 = xfuse.activation %s {kind = #xfuse.activation<silu>} : tensor<f16>
  return %0 : tensor<f16>
}

// -----

// A broadcast scalar is read one element at a time: the rows keep 16-byte
// vectors.
// CHECK-LABEL: func.func @add_scalar
// CHECK: xkernel.pointwise({{.*}} : tensor<?x?x64xbf16>, tensor<bf16>) plan <target = {{.*}}, threads = 256, vector_width = 8>
func.func @add_scalar(%x: tensor<?x?x64xbf16>, %s: tensor<bf16>) -> tensor<?x?x64xbf16> {
  %0 = xfuse.add %x, %s : tensor<?x?x64xbf16>, tensor<bf16>
  return %0 : tensor<?x?x64xbf16>
}

// -----

// CHECK-LABEL: func.func @scalars
// CHECK: xkernel.pointwise({{.*}} : tensor<bf16>, tensor<bf16>) plan <target = {{.*}}, threads = 256, vector_width = 1>
// CHECK: xfuse.add
// CHECK: xfuse.gate
func.func @scalars(%a: tensor<bf16>, %b: tensor<bf16>) -> tensor<bf16> {
  %0 = xfuse.add %a, %b : tensor<bf16>, tensor<bf16>
  %1 = xfuse.gate %0, %b : tensor<bf16>
  return %1 : tensor<bf16>
}

// -----

// CHECK-LABEL: func.func @vectors
// CHECK: xkernel.pointwise({{.*}} : tensor<64xf32>) plan <target = {{.*}}, threads = 256, vector_width = 4>
// CHECK: xkernel.pointwise({{.*}} : tensor<?xbf16>) plan <target = {{.*}}, threads = 256, vector_width = 1>
func.func @vectors(%x: tensor<64xf32>, %y: tensor<?xbf16>) -> (tensor<64xf32>, tensor<?xbf16>) {
  %0 = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<64xf32>
  %1 = xfuse.activation %y {kind = #xfuse.activation<relu>} : tensor<?xbf16>
  return %0, %1 : tensor<64xf32>, tensor<?xbf16>
}

// -----

// A vector through a GEMM: one row.
// CHECK-LABEL: func.func @linear_vector
// SM90: xkernel.gemm({{.*}}) plan <target = sm_90a, mainloop = mma_sync
// SM80: xkernel.gemm({{.*}}) plan <target = sm_80, mainloop = mma_sync
func.func @linear_vector(%z: tensor<768xf16>, %u: tensor<768x16xf16>, %c: tensor<16xf16>) -> tensor<16xf16> {
  %0 = xfuse.linear %z, %u bias %c
         : (tensor<768xf16>, tensor<768x16xf16>, tensor<16xf16>) -> tensor<16xf16>
  return %0 : tensor<16xf16>
}

// -----

// Dynamic dimensions everywhere an elementwise op takes them: rows of one
// element.
// CHECK-LABEL: func.func @dynamic_everywhere
// CHECK: xkernel.pointwise({{.*}} : tensor<?x?xf16>, tensor<?xf16>) plan <target = {{.*}}, threads = 256, vector_width = 1>
func.func @dynamic_everywhere(%x: tensor<?x?xf16>, %v: tensor<?xf16>) -> tensor<?x?xf16> {
  %0 = xfuse.add %x, %v : tensor<?x?xf16>, tensor<?xf16>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x?xf16>
  return %1 : tensor<?x?xf16>
}

// -----

// Dimensions of 1 and of 0 (an empty call).
// CHECK-LABEL: func.func @ones
// CHECK: xkernel.pointwise({{.*}} : tensor<1x1xbf16>, tensor<1xbf16>) plan <target = {{.*}}, threads = 256, vector_width = 1, rows_per_block = 1>
// CHECK: xkernel.gemm
func.func @ones(%x: tensor<1x1xbf16>, %w: tensor<1xbf16>, %a: tensor<1x8xbf16>, %b: tensor<8x8xbf16>)
    -> (tensor<1x1xbf16>, tensor<1x8xbf16>) {
  %0 = xfuse.rms_norm %x, %w : tensor<1x1xbf16>, tensor<1xbf16>
  %1 = xfuse.linear %a, %b : (tensor<1x8xbf16>, tensor<8x8xbf16>) -> tensor<1x8xbf16>
  return %0, %1 : tensor<1x1xbf16>, tensor<1x8xbf16>
}

// -----

// CHECK-LABEL: func.func @zero_tokens
// CHECK: xkernel.pointwise
// CHECK: xkernel.gemm
func.func @zero_tokens(%x: tensor<0x64xbf16>, %w: tensor<64x64xbf16>, %g: tensor<64xbf16>) -> tensor<0x64xbf16> {
  %0 = xfuse.rms_norm %x, %g : tensor<0x64xbf16>, tensor<64xbf16>
  %1 = xfuse.linear %0, %w : (tensor<0x64xbf16>, tensor<64x64xbf16>) -> tensor<0x64xbf16>
  return %1 : tensor<0x64xbf16>
}

// -----

// Hidden sizes that are no multiple of 4 (nor 8, 16 or 64): the f32 SIMT
// GEMM reads rows of any length.
// CHECK-LABEL: func.func @f32_odd_hidden
// CHECK: xkernel.gemm({{.*}}) plan <target = {{.*}}, mainloop = simt
// CHECK: xkernel.gemm({{.*}}) plan <target = {{.*}}, mainloop = simt
func.func @f32_odd_hidden(%x: tensor<?x5xf32>, %w1: tensor<5x14xf32>, %w2: tensor<14x2xf32>) -> tensor<?x2xf32> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x5xf32>, tensor<5x14xf32>, tensor<14x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
