// Every positional-encoding and norm attribute that reaches emitted code is
// there with its value: each sinusoidal layout with its base (in the
// frequency table, entries computed from the layout's formula) and scale,
// positions or the sequence index, learned tables, the norms' epsilon and
// weight offset. From hand-written kernel IR with explicit plans.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h %s | FileCheck %s

#none = affine_map<()[s0] -> (0)>
#none2 = affine_map<()[s0, s1] -> (0)>
#flat = #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>

// Interleaved, base 500: 500^(-2/64) at [1]; scale 8, the sequence index.
// CHECK: __device__ const float2 sinusoidal_interleaved_frequencies0[32] = {
// CHECK: // [1] 0.82348
// CHECK-LABEL: rt::Status sinusoidal_interleaved(
// CHECK: device::SinusoidalStage<64, device::SinusoidalLayout::kInterleaved, std::int32_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 16}, 8.0f});
func.func @sinusoidal_interleaved(%x: tensor<?x16x64xbf16>) -> tensor<?x16x64xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x : tensor<?x16x64xbf16>) plan #flat -> tensor<?x16x64xbf16> {
  ^bb0(%a: tensor<?x16x64xbf16>):
    %r = xfuse.sinusoidal_pe %a {base = 500.0 : f64, scale = 8.0 : f64} : tensor<?x16x64xbf16>
    xkernel.yield %r : tensor<?x16x64xbf16>
  }
  return %y : tensor<?x16x64xbf16>
}

// Half, base 2000: 2000^(-2/64) at [1]; explicit i32 positions.
// CHECK: __device__ const float2 sinusoidal_half_frequencies0[32] = {
// CHECK: // [1] 0.78857
// CHECK-LABEL: rt::Status sinusoidal_half(
// CHECK: device::SinusoidalStage<64, device::SinusoidalLayout::kHalf, std::int32_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}, 1.0f});
func.func @sinusoidal_half(%x: tensor<?x64xf16>, %pos: tensor<?xi32>) -> tensor<?x64xf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x64xf16>, tensor<?xi32>) plan #flat -> tensor<?x64xf16> {
  ^bb0(%a: tensor<?x64xf16>, %p: tensor<?xi32>):
    %r = xfuse.sinusoidal_pe %a positions %p {layout = #xfuse.pe_layout<half>, base = 2000.0 : f64}
        : tensor<?x64xf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x64xf16>
  }
  return %y : tensor<?x64xf16>
}

// fairseq, base 1000, d = 66: 1000^(-i/32), so 1000^(-1/32) at [1] and
// 1 / 1000 at [32]; scale 3, i64 positions.
// CHECK: __device__ const float2 sinusoidal_fairseq_frequencies0[33] = {
// CHECK: // [1] 0.80584
// CHECK: // [32] 0.001{{$}}
// CHECK-LABEL: rt::Status sinusoidal_fairseq(
// CHECK: device::SinusoidalStage<66, device::SinusoidalLayout::kFairseq, std::int64_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}, 3.0f});
func.func @sinusoidal_fairseq(%x: tensor<?x16x66xbf16>, %pos: tensor<?x16xi64>) -> tensor<?x16x66xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x16x66xbf16>, tensor<?x16xi64>) plan #flat -> tensor<?x16x66xbf16> {
  ^bb0(%a: tensor<?x16x66xbf16>, %p: tensor<?x16xi64>):
    %r = xfuse.sinusoidal_pe %a positions %p {layout = #xfuse.pe_layout<fairseq>, scale = 3.0 : f64, base = 1000.0 : f64}
        : tensor<?x16x66xbf16>, tensor<?x16xi64>
    xkernel.yield %r : tensor<?x16x66xbf16>
  }
  return %y : tensor<?x16x66xbf16>
}

// A learned table of 32 rows read at explicit positions.
// CHECK-LABEL: rt::Status learned(
// CHECK: device::LearnedStage<__nv_bfloat16, 64, 32, std::int32_t>{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @learned(%x: tensor<?x16x64xbf16>, %table: tensor<32x64xbf16>, %pos: tensor<?x16xi32>) -> tensor<?x16x64xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %table, %pos : tensor<?x16x64xbf16>, tensor<32x64xbf16>, tensor<?x16xi32>) plan #flat -> tensor<?x16x64xbf16> {
  ^bb0(%a: tensor<?x16x64xbf16>, %t: tensor<32x64xbf16>, %p: tensor<?x16xi32>):
    %r = xfuse.learned_pe %a, %t positions %p : tensor<?x16x64xbf16>, tensor<32x64xbf16>, tensor<?x16xi32>
    xkernel.yield %r : tensor<?x16x64xbf16>
  }
  return %y : tensor<?x16x64xbf16>
}

// RMSNorm's epsilon and Gemma's weight offset; layer norm's epsilon and bias.
// CHECK-LABEL: rt::Status norms(
// CHECK: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), nullptr, 0.001f, 1.0f});
// CHECK: device::NormStage<__nv_bfloat16, 256, device::NormKind::kLayer>{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), static_cast<const __nv_bfloat16 *>(arg2.data), 1e-06f});
func.func @norms(%x: tensor<?x256xbf16>, %g: tensor<256xbf16>, %b: tensor<256xbf16>)
    -> (tensor<?x256xbf16>, tensor<?x256xbf16>) attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x, %g : tensor<?x256xbf16>, tensor<256xbf16>) plan #flat -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %w: tensor<256xbf16>):
    %r = xfuse.rms_norm %a, %w {epsilon = 1.0e-3 : f64, weight_offset = 1.0 : f64} : tensor<?x256xbf16>, tensor<256xbf16>
    xkernel.yield %r : tensor<?x256xbf16>
  }
  %z = xkernel.pointwise(%x, %g, %b : tensor<?x256xbf16>, tensor<256xbf16>, tensor<256xbf16>) plan #flat -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %w: tensor<256xbf16>, %c: tensor<256xbf16>):
    %r = xfuse.layer_norm %a, %w bias %c {epsilon = 1.0e-6 : f64} : tensor<?x256xbf16>, tensor<256xbf16>, tensor<256xbf16>
    xkernel.yield %r : tensor<?x256xbf16>
  }
  return %y, %z : tensor<?x256xbf16>, tensor<?x256xbf16>
}
