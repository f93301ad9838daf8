// Pointwise kernels: every chain the pipeline forms maps onto one RowChain
// (device/RowChain.h), norms with one block per row; RoPE splits a chain
// into launches; dynamic NTK reduces positions on the device; identity
// results are copies; split-K plans split on the Hopper GEMM (counters
// zeroed in scratch right before the launch) and run unsplit on sm_80.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/pointwise_bf16.mlir | FileCheck %s --check-prefix=PW
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/rope_variants.mlir | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/pointwise_f32.mlir | FileCheck %s --check-prefix=F32
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/splitk_ffn.mlir | FileCheck %s --check-prefix=SPLITK
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_80 %S/../gpu/generated/graphs/splitk_ffn.mlir | FileCheck %s --check-prefix=SPLITK80

// PW: #include "cuda/device/RowChain.h"
// PW-LABEL: rt::Status every_activation(
// PW: device::ActivationStage<device::Activation::kRelu>{});
// PW-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// PW: device::ActivationStage<device::Activation::kSilu>{});
// PW: // result4 is arg0: a copy.
// PW-NEXT: XFUSE_CUDA_TRY(cudaMemcpyAsync(
// PW-NEXT: result4.data, arg0.data,
// PW-NEXT: static_cast<std::size_t>(s0 * 256) * sizeof(__nv_bfloat16),
// PW-LABEL: rt::Status add_broadcast(
// PW: s0 * 8,
// PW-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), 8, 256},
// PW-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data), 1, 256});
// PW-LABEL: rt::Status gate_up_chain(
// PW: device::ActivationStage<device::Activation::kRelu>{},
// PW-NEXT: device::GateStage<__nv_bfloat16, device::Activation::kGeluTanh, false>{static_cast<const __nv_bfloat16 *>(arg0.data), 256},
// PW-LABEL: rt::Status learned_gelu_layernorm(
// PW: device::LearnedStage<__nv_bfloat16, 256, 64, std::int32_t>{
// PW: device::ActivationStage<device::Activation::kGelu>{},
// PW-NEXT: device::NormStage<__nv_bfloat16, 256, device::NormKind::kLayer>{
// PW: XFUSE_CUDA_TRY(device::launchRowChain<256>(op, stream));
// PW-LABEL: rt::Status add_rmsnorm_silu(
// PW: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), s1, 256},
// PW-NEXT: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// PW: device::ActivationStage<device::Activation::kSilu>{},
// PW-LABEL: rt::Status sinusoidal_layernorm(
// PW: device::SinusoidalStage<1000, device::SinusoidalLayout::kHalf, std::int32_t>{
// PW-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 4}, 2.0f},

// ROPE-LABEL: rt::Status ntk_rope(
// ROPE: const std::size_t scratch0Bytes = 32 * sizeof(float2);
// ROPE: // Dynamic NTK scaling: the frequencies follow this call's largest position.
// ROPE-NEXT: float2 *const frequencies = static_cast<float2 *>(scratch0);
// ROPE-NEXT: XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(
// ROPE-NEXT: device::DynamicNtkFrequencies<std::int64_t>{
// ROPE-NEXT: device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}, s0 * 16,
// ROPE-NEXT: 10000.0, 2.0, 4096.0, 64, frequencies},
// ROPE: const device::RoPE<__nv_bfloat16, 4, 64, 64, device::RopeStyle::kNeox, std::int64_t> op{
// ROPE-LABEL: rt::Status ntk_rope_seq(
// ROPE: device::DynamicNtkFrequencies<std::int32_t>{
// ROPE-NEXT: device::TokenPositions<std::int32_t>{nullptr, 16}, s0 * 16,
// ROPE-LABEL: rt::Status gptj_partial(
// ROPE: const device::RoPE<__nv_bfloat16, 4, 64, 32, device::RopeStyle::kGptj, std::int32_t> op{
// ROPE-LABEL: rt::Status qk_norm_rope(
// ROPE: // Not fused yet: RoPE runs as its own launch, so this kernel is 3 launches,
// ROPE: device::NormStage<__nv_bfloat16, 64, device::NormKind::kRms>{
// ROPE: XFUSE_CUDA_TRY(device::launchRowChain<256>(op, stream));
// ROPE: const device::RoPE<__nv_bfloat16, 4, 64, 48, device::RopeStyle::kNeox, std::int64_t> op{
// ROPE-NEXT: static_cast<const __nv_bfloat16 *>(result0.data),
// ROPE-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// ROPE: const auto op = device::makeRowChain<__nv_bfloat16, 64>(
// ROPE-NEXT: static_cast<const __nv_bfloat16 *>(result0.data),
// ROPE-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// ROPE-NEXT: s0 * 64,
// ROPE-NEXT: device::ActivationStage<device::Activation::kSilu>{});

// F32-LABEL: rt::Status layernorm_relu_bias_f32(
// F32: const auto op = device::makeRowChain<float, 200>(
// F32: device::NormStage<float, 200, device::NormKind::kLayer>{
// F32: device::ActivationStage<device::Activation::kRelu>{},
// F32-NEXT: device::AddStage<float>{static_cast<const float *>(arg3.data), 1, 200});

// SPLITK-LABEL: rt::Status small_ffn(
// SPLITK: const std::size_t scratch0Bytes = device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::partialBytes(static_cast<int>(16), 1024, 2);
// SPLITK: XFUSE_ASSIGN_OR_RETURN(void *scratch0, workspace.carve(scratch0Bytes));
// SPLITK: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// SPLITK-NEXT: // The plan splits K in 2: the slices add f32 partials in scratch0.
// SPLITK-NEXT: XFUSE_ASSIGN_OR_RETURN(unsigned *counters, workspace.zeroedCounters(
// SPLITK-NEXT: device::Sm90SplitKWorkspace<Tile, 1>::counters(sm90Params.m, sm90Params.n),
// SPLITK-NEXT: stream));
// SPLITK-NEXT: XFUSE_CUDA_TRY((device::setGemmSm90SplitK<Tile>(&sm90Params, 2, counters, scratch0)));
// SPLITK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// The counters are not cleared per call: every launch leaves them at zero.
// SPLITK-NOT: cudaMemsetAsync
// SPLITK: XFUSE_CUDA_TRY((device::setGemmSm90SplitK<Tile>(&sm90Params, 2, counters, scratch1)));
// SPLITK-NOT: unsplit
// SPLITK80: // The plan splits K in 4; the sm_80 GEMM has no split-K yet and runs it unsplit.
// SPLITK80-NOT: setGemmSm90SplitK
