// Graphs straight to CUDA (--xfuse-pipeline runs first): which ops the
// pipeline fuses into each kernel, and that the emitter takes every kernel it
// forms. Plans (tiles, threads, split-K) are the cost model's and are not
// checked here; emit-cuda-{gemm,pointwise,entry-points}.mlir check how each
// plan is emitted, from hand-written kernel IR.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../../examples/sinusoidal_ffn_relu.mlir | FileCheck %s --check-prefix=PE
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_80 %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=SWIGLU80
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../../examples/prenorm_ffn_residual.mlir | FileCheck %s --check-prefix=NORM
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../../examples/linear_rope.mlir | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/pointwise_bf16.mlir | FileCheck %s --check-prefix=PW
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/rope_variants.mlir | FileCheck %s --check-prefix=RV
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h --xfuse-pipeline=sm_90a %S/../gpu/generated/graphs/pointwise_f32.mlir | FileCheck %s --check-prefix=F32

// The encoding, then the first GEMM with its bias and ReLU in the epilogue,
// then the second with its bias.
// PE-LABEL: rt::Status encoder_ffn(
// PE: device::SinusoidalStage<256, device::SinusoidalLayout::kInterleaved, std::int32_t>{
// PE-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 64}, 16.0f}
// PE: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kRelu>>(
// PE-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// PE: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// PE-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg4.data)});
// PE-NEXT: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;

// Gate and up in one GEMM, on both targets.
// SWIGLU-LABEL: rt::Status swiglu(
// SWIGLU: {static_cast<const __nv_bfloat16 *>(arg1.data()), static_cast<const __nv_bfloat16 *>(arg2.data())},
// SWIGLU: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kSilu>, device::EpilogueChain<>, device::EpilogueChain<>, device::EpilogueChain<>>{
// SWIGLU: device::GemmSm90Params<__nv_bfloat16, 2> sm90Params;
// SWIGLU: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// SWIGLU-LABEL: rt::StatusOr<rt::PackedWeight> swiglu_pack_arg1(
// SWIGLU80-LABEL: rt::Status swiglu(
// SWIGLU80: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kSilu>,
// SWIGLU80: XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, stream)));
// SWIGLU80-NOT: Sm90

// The norm alone, then GELU and the residual in the GEMMs' epilogues.
// NORM-LABEL: rt::Status prenorm_ffn(
// NORM: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// NORM-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), nullptr, 1e-06f});
// NORM-NEXT: // A norm reduces whole rows
// NORM: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kGelu>>(
// NORM: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::ResidualAdd<__nv_bfloat16>>(
// NORM-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg5.data)},
// NORM-NEXT: device::ResidualAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg0.data), 256});

// RoPE with Llama 3 scaling in the projection's epilogue, at the given
// positions: one kernel, one launch.
// ROPE: // RoPE inv_freq (theta 500000, rotary dim 64, scaled)
// ROPE-LABEL: rt::Status query_rope(
// ROPE: expectSameSize(s1, "'positions' dim 0", s0, "'x' dim 0")
// ROPE: // Kernel 0: xkernel.gemm
// ROPE: //   xfuse.rope at
// ROPE: const auto epilogue = device::makeWithRowOp(
// ROPE-NEXT: device::EpilogueChain<>(),
// ROPE-NEXT: device::RopeRowOp<64, 64, device::RopeStyle::kNeox, std::int64_t>{
// ROPE-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg2.data), 1}});
// ROPE: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// ROPE-NEXT: }
// ROPE-NEXT: return rt::Status::ok();

// Each activation its own kernel (x has five users); identity is a copy.
// PW-LABEL: rt::Status every_activation(
// PW: device::ActivationStage<device::Activation::kRelu>{});
// PW: device::ActivationStage<device::Activation::kGelu>{});
// PW: device::ActivationStage<device::Activation::kGeluTanh>{});
// PW: device::ActivationStage<device::Activation::kSilu>{});
// PW: // result4 is arg0: a copy.
// PW-LABEL: rt::Status add_broadcast(
// PW: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), 8, 256},
// PW-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data), 1, 256});
// PW-LABEL: rt::Status gate_up_chain(
// PW: device::ActivationStage<device::Activation::kRelu>{},
// PW-NEXT: device::GateStage<__nv_bfloat16, device::ActivatedGate<device::Activation::kGeluTanh>, false>{static_cast<const __nv_bfloat16 *>(arg0.data), 256, device::ActivatedGate<device::Activation::kGeluTanh>{}},
// PW-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data), s2, 256});
// PW-LABEL: rt::Status learned_gelu_layernorm(
// PW: device::LearnedStage<__nv_bfloat16, 256, 64, std::int32_t>{
// PW: device::ActivationStage<device::Activation::kGelu>{},
// PW-NEXT: device::NormStage<__nv_bfloat16, 256, device::NormKind::kLayer>{
// PW-NEXT: static_cast<const __nv_bfloat16 *>(arg3.data), static_cast<const __nv_bfloat16 *>(arg4.data), 1e-05f});
// PW-NEXT: // A norm reduces whole rows
// PW-LABEL: rt::Status add_rmsnorm_silu(
// PW: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), s1, 256},
// PW-NEXT: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// PW-NEXT: static_cast<const __nv_bfloat16 *>(arg2.data), nullptr, 1e-06f},
// PW-NEXT: device::ActivationStage<device::Activation::kSilu>{},
// PW-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data), 1, 256});
// PW-LABEL: rt::Status sinusoidal_layernorm(
// PW: device::SinusoidalStage<1000, device::SinusoidalLayout::kHalf, std::int32_t>{
// PW-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 4}, 2.0f},
// PW-NEXT: device::NormStage<__nv_bfloat16, 1000, device::NormKind::kLayer>{

// A RoPE is a stage of its kernel's chain, over rows of heads x head_dim;
// dynamic NTK first writes its frequencies with a one-block launch.
// RV-LABEL: rt::Status ntk_rope(
// RV: XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(
// RV: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// RV: device::RopeStage<4, 64, 64, device::RopeStyle::kNeox, std::int64_t>{
// RV-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}});
// RV-LABEL: rt::Status ntk_rope_seq(
// RV: device::DynamicNtkFrequencies<std::int32_t>{
// RV-NEXT: device::TokenPositions<std::int32_t>{nullptr, 16}, s0 * 16,
// RV-LABEL: rt::Status gptj_partial(
// RV: device::RopeStage<4, 64, 32, device::RopeStyle::kGptj, std::int32_t>{
// The norm over each head of 64 and the RoPE over rows of 256 are two
// kernels; the activation joins the RoPE's chain.
// RV-LABEL: rt::Status qk_norm_rope(
// RV: // Kernel 0: xkernel.pointwise
// RV: device::NormStage<__nv_bfloat16, 64, device::NormKind::kRms>{
// RV: // Kernel 1: xkernel.pointwise
// RV: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// RV: device::RopeStage<4, 64, 48, device::RopeStyle::kNeox, std::int64_t>{
// RV-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg2.data), 1}},
// RV-NEXT: device::ActivationStage<device::Activation::kSilu>{});
// RV-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// RV-NEXT: }
// RV-NEXT: return rt::Status::ok();
// Dynamic NTK in a GEMM epilogue: the frequencies' launch, then the GEMM.
// RV-LABEL: rt::Status ntk_q_rope(
// RV: XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(
// RV: device::RopeRowOp<64, 64, device::RopeStyle::kNeox, std::int64_t>{
// RV: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// RV-NEXT: }
// RV-NEXT: return rt::Status::ok();

// F32-LABEL: rt::Status layernorm_relu_bias_f32(
// F32: const auto op = device::makeRowChain<float, 200>(
// F32: device::NormStage<float, 200, device::NormKind::kLayer>{
// F32: device::ActivationStage<device::Activation::kRelu>{},
// F32-NEXT: device::AddStage<float>{static_cast<const float *>(arg3.data), 1, 200});
