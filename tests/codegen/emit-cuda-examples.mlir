// The examples' graphs straight to CUDA (--xfuse-pipeline runs first): the
// instantiations that each graph's plan and body ops select.
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a %S/../../examples/sinusoidal_ffn_relu.mlir | FileCheck %s --check-prefix=PE
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a %S/../../examples/prenorm_ffn_residual.mlir | FileCheck %s --check-prefix=NORM
// RUN: xfuse-translate --emit-cuda --xfuse-pipeline=sm_90a %S/../../examples/linear_rope.mlir | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-translate --emit-cuda --xfuse-header=swiglu_ffn.h --xfuse-pipeline=sm_90a %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=INCLUDE

// PE: __device__ const float2 encoder_ffn_frequencies0[128] = {
// PE-NEXT: {0x1p+0f, 0x0p+0f}, // [0] 1
// PE: // Kernel 0: xkernel.pointwise
// PE: XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies0, deviceAddress(encoder_ffn_frequencies0));
// PE-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// PE-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// PE-NEXT: static_cast<__nv_bfloat16 *>(kernel0Result0),
// PE-NEXT: s0 * 64,
// PE-NEXT: device::SinusoidalStage<256, device::SinusoidalLayout::kInterleaved, std::int32_t>{
// PE-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 64}, 16.0f});
// PE-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// PE: // Kernel 1: xkernel.gemm
// PE: using Tile = device::Sm90GemmTile<128, 128, 4, device::Sm90Schedule::kPingPong>;
// PE-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// PE-NEXT: static_cast<const __nv_bfloat16 *>(kernel0Result0), {static_cast<const __nv_bfloat16 *>(arg1.data())},

// SWIGLU: // Main loop: GemmSm90Mainloop (TMA + wgmma)
// SWIGLU-NEXT: using Tile = device::Sm90GemmTile<128, 128, 4>;
// SWIGLU-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 2> params{
// SWIGLU-NEXT: {static_cast<const __nv_bfloat16 *>(arg1.data()), static_cast<const __nv_bfloat16 *>(arg2.data())},
// SWIGLU: const device::GatedProduct<device::Activation::kSilu, device::EpilogueChain<>, device::EpilogueChain<>, device::EpilogueChain<>> epilogue{
// SWIGLU: device::GemmSm90Params<__nv_bfloat16, 2> sm90Params;
// SWIGLU: // Main loop: GemmSm90Mainloop (TMA + wgmma)
// SWIGLU-NEXT: using Tile = device::Sm90GemmTile<128, 128, 4, device::Sm90Schedule::kPingPong>;
// SWIGLU: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// SWIGLU: // The plan interleaves arg1 with arg2 in blocks of 128 rows for one TMA load
// SWIGLU: return rt::PackedWeight::pack(weight, rt::WeightLayout::kOutIn, rt::DType::kBF16, stream);

// NORM: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// NORM: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// NORM-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), nullptr, 1e-06f});
// NORM: XFUSE_CUDA_TRY(device::launchRowChain<256>(op, stream));
// NORM: device::Activate<device::Activation::kGelu>
// NORM: device::ResidualAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg0.data), 256}

// ROPE: __device__ const float2 query_rope_frequencies0[32] = {
// ROPE: const std::int64_t s1 = arg2.shape[0];
// ROPE: expectSameSize(s1, "'arg2' dim 0", s0, "'arg0' dim 0")
// ROPE: const auto epilogue = device::EpilogueChain<>();
// ROPE: // Not fused yet: RoPE runs in place on the GEMM's output.
// ROPE-NEXT: {
// ROPE-NEXT: XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies, deviceAddress(query_rope_frequencies0));
// ROPE-NEXT: const device::RoPE<__nv_bfloat16, 4, 64, 64, device::RopeStyle::kNeox, std::int64_t> op{
// ROPE-NEXT: static_cast<const __nv_bfloat16 *>(result0.data),
// ROPE-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// ROPE-NEXT: frequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg2.data), 1}, s0 * 32};

// INCLUDE: #include "swiglu_ffn.h"
// INCLUDE-NOT: ///   arg0
// INCLUDE: rt::Status swiglu(
