// Graphs at the edges of what the verifier allows, straight to CUDA for
// both targets (tests/passes/extreme-shapes.mlir checks their plans).
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a -split-input-file %s | FileCheck %s
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_80 -split-input-file %s | FileCheck %s
// RUN: xfuse-translate --emit-cuda-header --xfuse-pipeline=sm_90a -split-input-file %s | FileCheck %s --check-prefix=HEADER

// A scalar is one row of one element.
// CHECK-LABEL: rt::Status activation_scalar(
// CHECK: rt::expectTensor(arg0, "arg0", rt::DType::kF16, {})
// CHECK: device::makeRowChain<__half, 1>(
// CHECK-NEXT: static_cast<const __half *>(arg0.data),
// CHECK-NEXT: static_cast<__half *>(result0.data),
// CHECK-NEXT: 1,
// CHECK-NEXT: device::ActivationStage<device::Activation::kSilu>{});
// HEADER-LABEL: rt::Status activation_scalar(
func.func @activation_scalar(%s: tensor<f16>) -> tensor<f16> {
  %0 = xfuse.activation %s {kind = #xfuse.activation<silu>} : tensor<f16>
  return %0 : tensor<f16>
}

// -----

// A broadcast scalar repeats with a period of 0 rows.
// CHECK-LABEL: rt::Status add_scalar(
// CHECK: device::makeRowChain<__nv_bfloat16, 64>(
// CHECK: s0 * s1,
// CHECK-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), 0, 64});
func.func @add_scalar(%x: tensor<?x?x64xbf16>, %s: tensor<bf16>) -> tensor<?x?x64xbf16> {
  %0 = xfuse.add %x, %s : tensor<?x?x64xbf16>, tensor<bf16>
  return %0 : tensor<?x?x64xbf16>
}

// -----

// CHECK-LABEL: rt::Status scalars(
// CHECK: device::makeRowChain<__nv_bfloat16, 1>(
// CHECK: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), 0, 1},
// CHECK-NEXT: device::GateStage<__nv_bfloat16, {{.*}}, true>{static_cast<const __nv_bfloat16 *>(arg1.data), 1
func.func @scalars(%a: tensor<bf16>, %b: tensor<bf16>) -> tensor<bf16> {
  %0 = xfuse.add %a, %b : tensor<bf16>, tensor<bf16>
  %1 = xfuse.gate %0, %b : tensor<bf16>
  return %1 : tensor<bf16>
}

// -----

// A dynamic last dimension: rows of one element; the broadcast vector
// repeats every s2 of them, and must be as long as the rows.
// CHECK-LABEL: rt::Status dynamic_everywhere(
// CHECK: expectSameSize(s2, "'arg1' dim 0", s1, "'arg0' dim 1")
// CHECK: device::makeRowChain<__half, 1>(
// CHECK: s0 * s1,
// CHECK-NEXT: device::AddStage<__half>{static_cast<const __half *>(arg1.data), s2, 1},
// CHECK-NEXT: device::ActivationStage<device::Activation::kSilu>{});
func.func @dynamic_everywhere(%x: tensor<?x?xf16>, %v: tensor<?xf16>) -> tensor<?x?xf16> {
  %0 = xfuse.add %x, %v : tensor<?x?xf16>, tensor<?xf16>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x?xf16>
  return %1 : tensor<?x?xf16>
}

// -----

// A vector through a GEMM: one row.
// CHECK-LABEL: rt::Status linear_vector(
// CHECK: static_cast<int>(1), 16, 768};
func.func @linear_vector(%z: tensor<768xf16>, %u: tensor<768x16xf16>, %c: tensor<16xf16>) -> tensor<16xf16> {
  %0 = xfuse.linear %z, %u bias %c
         : (tensor<768xf16>, tensor<768x16xf16>, tensor<16xf16>) -> tensor<16xf16>
  return %0 : tensor<16xf16>
}

// -----

// No tokens: a valid empty call (the blocks launch nothing for no rows).
// CHECK-LABEL: rt::Status zero_tokens(
// CHECK: device::NormStage<__nv_bfloat16, 64, device::NormKind::kRms>
// CHECK: static_cast<int>(0), 64, 64};
func.func @zero_tokens(%x: tensor<0x64xbf16>, %w: tensor<64x64xbf16>, %g: tensor<64xbf16>) -> tensor<0x64xbf16> {
  %0 = xfuse.rms_norm %x, %g : tensor<0x64xbf16>, tensor<64xbf16>
  %1 = xfuse.linear %0, %w : (tensor<0x64xbf16>, tensor<64x64xbf16>) -> tensor<0x64xbf16>
  return %1 : tensor<0x64xbf16>
}

// -----

// Hidden sizes that are no multiple of 4: the f32 SIMT GEMM.
// CHECK-LABEL: rt::Status f32_odd_hidden(
// CHECK: device::launchGemmSimt
// CHECK: device::launchGemmSimt
func.func @f32_odd_hidden(%x: tensor<?x5xf32>, %w1: tensor<5x14xf32>, %w2: tensor<14x2xf32>) -> tensor<?x2xf32> {
  %y = xfuse.ffn %x, %w1, %w2 : (tensor<?x5xf32>, tensor<5x14xf32>, tensor<14x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
