// xkernel.pointwise to CUDA, from hand-written kernel IR with explicit plans
// (no pipeline, so that no cost-model change moves these checks): one
// RowChain launch per kernel, one stage per op (RoPE included, over rows of
// heads x head_dim), reshapes as views, norms with one block per row,
// compile-time frequency tables, and dynamic NTK frequencies computed on the
// device.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h %s | FileCheck %s

#none = affine_map<()[s0] -> (0)>
#flat = #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>

// The frequencies base^(-2i/d) as exact {hi, lo} f32 pairs, at namespace
// scope before the entry point.
// CHECK: __device__ const float2 sinusoidal_frequencies0[128] = {
// CHECK-NEXT: {0x1p+0f, 0x0p+0f}, // [0] 1
// CHECK-NEXT: // [1] 0.930572
// CHECK: {{^}}};
// CHECK-LABEL: rt::Status sinusoidal(
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies0, deviceAddress(sinusoidal_frequencies0));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0 * 64,
// CHECK-NEXT: device::SinusoidalStage<256, device::SinusoidalLayout::kInterleaved, std::int32_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int32_t>{nullptr, 64}, 16.0f});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
func.func @sinusoidal(%x: tensor<?x64x256xbf16>) -> tensor<?x64x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x : tensor<?x64x256xbf16>) plan #flat -> tensor<?x64x256xbf16> {
  ^bb0(%a: tensor<?x64x256xbf16>):
    %pe = xfuse.sinusoidal_pe %a {scale = 16.0 : f64} : tensor<?x64x256xbf16>
    xkernel.yield %pe : tensor<?x64x256xbf16>
  }
  return %y : tensor<?x64x256xbf16>
}

// A learned table read at given positions, whose leading dimensions must be
// the input's.
// CHECK-LABEL: rt::Status learned_positions(
// CHECK: const std::int64_t s0 = arg0.shape[0];
// CHECK-NEXT: const std::int64_t s1 = arg2.shape[0];
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'arg2' dim 0", s0, "'arg0' dim 0"));
// CHECK: device::LearnedStage<__nv_bfloat16, 256, 64, std::int32_t>{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @learned_positions(%x: tensor<?x16x256xbf16>, %table: tensor<64x256xbf16>, %pos: tensor<?x16xi32>)
    -> tensor<?x16x256xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %table, %pos : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>)
      plan #flat -> tensor<?x16x256xbf16> {
  ^bb0(%a: tensor<?x16x256xbf16>, %t: tensor<64x256xbf16>, %p: tensor<?x16xi32>):
    %pe = xfuse.learned_pe %a, %t positions %p : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>
    xkernel.yield %pe : tensor<?x16x256xbf16>
  }
  return %y : tensor<?x16x256xbf16>
}

// Adds broadcast over the dimensions their operand lacks: rows of the
// operand, then the row length.
// CHECK-LABEL: rt::Status add_broadcast(
// CHECK: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0 * 8,
// CHECK-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg1.data), 8, 256},
// CHECK-NEXT: device::AddStage<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data), 1, 256});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
func.func @add_broadcast(%x: tensor<?x8x256xbf16>, %s: tensor<8x256xbf16>, %b: tensor<256xbf16>)
    -> tensor<?x8x256xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x, %s, %b : tensor<?x8x256xbf16>, tensor<8x256xbf16>, tensor<256xbf16>)
      plan #flat -> tensor<?x8x256xbf16> {
  ^bb0(%a: tensor<?x8x256xbf16>, %sa: tensor<8x256xbf16>, %ba: tensor<256xbf16>):
    %0 = xfuse.add %a, %sa : tensor<?x8x256xbf16>, tensor<8x256xbf16>
    %1 = xfuse.add %0, %ba : tensor<?x8x256xbf16>, tensor<256xbf16>
    xkernel.yield %1 : tensor<?x8x256xbf16>
  }
  return %y : tensor<?x8x256xbf16>
}

// A norm reduces rows: one block of the plan's threads per row; the ops
// after it are stages of the same chain. The gate's chain operand is `up`.
// CHECK-LABEL: rt::Status rms_norm_gate(
// CHECK: const auto op = device::makeRowChain<__half, 512>(
// CHECK-NEXT: static_cast<const __half *>(arg0.data),
// CHECK-NEXT: static_cast<__half *>(result0.data),
// CHECK-NEXT: s0,
// CHECK-NEXT: device::NormStage<__half, 512, device::NormKind::kRms>{
// CHECK-NEXT: static_cast<const __half *>(arg1.data), nullptr, 1e-06f},
// CHECK-NEXT: device::GateStage<__half, device::ActivatedGate<device::Activation::kSilu>, false>{static_cast<const __half *>(arg2.data), 512, device::ActivatedGate<device::Activation::kSilu>{}});
// CHECK-NEXT: // A norm reduces whole rows: one block of 128 threads per row.
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchRowChain<128>(op, stream));
func.func @rms_norm_gate(%x: tensor<?x512xf16>, %w: tensor<512xf16>, %g: tensor<?x512xf16>)
    -> tensor<?x512xf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %w, %g : tensor<?x512xf16>, tensor<512xf16>, tensor<?x512xf16>)
      plan <target = sm_90a, threads = 128, vector_width = 8, rows_per_block = 1> -> tensor<?x512xf16> {
  ^bb0(%a: tensor<?x512xf16>, %wa: tensor<512xf16>, %ga: tensor<?x512xf16>):
    %n = xfuse.rms_norm %a, %wa {epsilon = 1.0e-6 : f64} : tensor<?x512xf16>, tensor<512xf16>
    %h = xfuse.gate %ga, %n {activation = #xfuse.activation<silu>} : tensor<?x512xf16>
    xkernel.yield %h : tensor<?x512xf16>
  }
  return %y : tensor<?x512xf16>
}

// YaRN rescales the frequencies and multiplies cos and sin by its attention
// factor, by default 0.1 ln(factor) + 1 = 1.1386... for factor 4. A row is
// a token's 2 heads of 32.
// CHECK: // RoPE inv_freq (theta 10000, rotary dim 32, scaled) of xfuse.rope
// CHECK-NEXT: // split into {hi, lo} f32 pairs (device::sincosOfProduct).
// CHECK-NEXT: __device__ const float2 rope_yarn_frequencies0[16] = {
// CHECK-LABEL: rt::Status rope_yarn(
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *ropeFrequencies, deviceAddress(rope_yarn_frequencies0));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 64>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0 * 16,
// CHECK-NEXT: device::RopeStage<2, 32, 32, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.13862{{[0-9]*}}f, device::TokenPositions<std::int32_t>{nullptr, 16}});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
func.func @rope_yarn(%x: tensor<?x16x2x32xbf16>) -> tensor<?x16x2x32xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x : tensor<?x16x2x32xbf16>) plan #flat -> tensor<?x16x2x32xbf16> {
  ^bb0(%a: tensor<?x16x2x32xbf16>):
    %r = xfuse.rope %a {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
        : tensor<?x16x2x32xbf16>
    xkernel.yield %r : tensor<?x16x2x32xbf16>
  }
  return %y : tensor<?x16x2x32xbf16>
}

// Dynamic NTK: the base follows the call's largest position, which is on
// the device, so a one-block kernel writes the frequencies into scratch
// before the RoPE's launch reads them.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> dynamic_ntk_workspace_size(
// CHECK: const CheckedInt scratch0Bytes = 32 * sizeof(float2);
// CHECK-LABEL: rt::Status dynamic_ntk(
// CHECK: const auto scratch0Bytes = static_cast<std::size_t>(32 * sizeof(float2));
// CHECK: // Dynamic NTK scaling: the frequencies follow this call's largest position.
// CHECK-NEXT: float2 *const ropeFrequencies = static_cast<float2 *>(scratch0);
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(
// CHECK-NEXT: device::DynamicNtkFrequencies<std::int64_t>{
// CHECK-NEXT: device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}, s0 * 16,
// CHECK-NEXT: 10000.0, 2.0, 4096.0, 64, ropeFrequencies},
// CHECK-NEXT: stream));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0 * 16,
// CHECK-NEXT: device::RopeStage<4, 64, 64, device::RopeStyle::kGptj, std::int64_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
func.func @dynamic_ntk(%x: tensor<?x16x4x64xbf16>, %pos: tensor<?x16xi64>) -> tensor<?x16x4x64xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x16x4x64xbf16>, tensor<?x16xi64>) plan #flat -> tensor<?x16x4x64xbf16> {
  ^bb0(%a: tensor<?x16x4x64xbf16>, %p: tensor<?x16xi64>):
    %r = xfuse.rope %a positions %p
        {style = #xfuse.rope_style<gptj>, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 4096>}
        : tensor<?x16x4x64xbf16>, tensor<?x16xi64>
    xkernel.yield %r : tensor<?x16x4x64xbf16>
  }
  return %y : tensor<?x16x4x64xbf16>
}

// LongRoPE: both factor sets' frequencies are __device__ tables; a
// one-block kernel copies the one this call's largest position selects into
// scratch before the RoPE's launch reads it. cos and sin take the attention
// factor sqrt(1 + ln(64 / 16) / ln 16) = 1.2247...
// CHECK: // LongRoPE short-factor inv_freq (theta 10000, rotary dim 4, scaled) of xfuse.rope
// CHECK: __device__ const float2 longrope_frequencies0[2] = {
// CHECK: // LongRoPE long-factor inv_freq (theta 10000, rotary dim 4, scaled) of xfuse.rope
// CHECK: __device__ const float2 longrope_frequencies1[2] = {
// CHECK-LABEL: rt::Status longrope(
// CHECK: const auto scratch0Bytes = static_cast<std::size_t>(2 * sizeof(float2));
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *shortFrequencies, deviceAddress(longrope_frequencies0));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const float2 *longFrequencies, deviceAddress(longrope_frequencies1));
// CHECK-NEXT: // LongRoPE: this call's largest position selects the factor set.
// CHECK-NEXT: float2 *const ropeFrequencies = static_cast<float2 *>(scratch0);
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchLongRopeFrequencies(
// CHECK-NEXT: device::LongRopeFrequencies<std::int32_t>{
// CHECK-NEXT: device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}, s0 * 8,
// CHECK-NEXT: 16.0, shortFrequencies, longFrequencies, 4, ropeFrequencies},
// CHECK-NEXT: stream));
// CHECK: device::RopeStage<2, 4, 4, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.22474{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @longrope(%x: tensor<?x8x2x4xf32>, %pos: tensor<?x8xi32>) -> tensor<?x8x2x4xf32>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x8x2x4xf32>, tensor<?x8xi32>) plan #flat -> tensor<?x8x2x4xf32> {
  ^bb0(%a: tensor<?x8x2x4xf32>, %p: tensor<?x8xi32>):
    %r = xfuse.rope %a positions %p
        {scaling = #xfuse.longrope_scaling<original_max_position = 16, max_position = 64,
                                           short_factor = [1.0, 2.0], long_factor = [4.0, 8.0]>}
        : tensor<?x8x2x4xf32>, tensor<?x8xi32>
    xkernel.yield %r : tensor<?x8x2x4xf32>
  }
  return %y : tensor<?x8x2x4xf32>
}

// Multimodal RoPE: the positions' three rows of s0 * 16 tokens each, the
// sections as template arguments; their token dimensions must be the
// input's.
// CHECK-LABEL: rt::Status multimodal(
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'arg1' dim 1", s0, "'arg0' dim 0"));
// CHECK: device::RopeStage<4, 64, 64, device::RopeStyle::kNeox, device::MultimodalPositions<std::int64_t, 8, 12, 12, true>>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::MultimodalPositions<std::int64_t, 8, 12, 12, true>{static_cast<const std::int64_t *>(arg1.data), s0 * 16}});
func.func @multimodal(%x: tensor<?x16x4x64xbf16>, %pos: tensor<3x?x16xi64>) -> tensor<?x16x4x64xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x16x4x64xbf16>, tensor<3x?x16xi64>) plan #flat -> tensor<?x16x4x64xbf16> {
  ^bb0(%a: tensor<?x16x4x64xbf16>, %p: tensor<3x?x16xi64>):
    %r = xfuse.rope %a positions %p
        {mrope_section = array<i64: 8, 12, 12>, mrope_interleaved}
        : tensor<?x16x4x64xbf16>, tensor<3x?x16xi64>
    xkernel.yield %r : tensor<?x16x4x64xbf16>
  }
  return %y : tensor<?x16x4x64xbf16>
}

// An expand_shape is a view: the [T, 256] input is read as [T, 4, 64] heads,
// one row per token.
// CHECK: __device__ const float2 expand_rope_frequencies0[32] = {
// CHECK-LABEL: rt::Status expand_rope(
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'arg1' dim 0", s0, "'arg0' dim 0"));
// CHECK: //   tensor.expand_shape at
// CHECK-NEXT: //   xfuse.rope at
// CHECK-NEXT: {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const float2 *ropeFrequencies, deviceAddress(expand_rope_frequencies0));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0,
// CHECK-NEXT: device::RopeStage<4, 64, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// CHECK-NEXT: }
// CHECK-NEXT: return rt::Status::ok();
func.func @expand_rope(%x: tensor<?x256xbf16>, %pos: tensor<?xi32>) -> tensor<?x4x64xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x256xbf16>, tensor<?xi32>) plan #flat -> tensor<?x4x64xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %t = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %a [[0], [1, 2]] output_shape [%t, 4, 64] : tensor<?x256xbf16> into tensor<?x4x64xbf16>
    %r = xfuse.rope %h positions %p : tensor<?x4x64xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x4x64xbf16>
  }
  return %y : tensor<?x4x64xbf16>
}
// A norm over each token's 256 features, their RoPE as 4 heads of 64 (48
// rotated), an activation, and back to [.., 256]: one chain of three stages
// over rows of 256, in one launch.
// CHECK-LABEL: rt::Status norm_rope_silu(
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *ropeFrequencies, deviceAddress(norm_rope_silu_frequencies0));
// CHECK-NEXT: const auto op = device::makeRowChain<__nv_bfloat16, 256>(
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: s0 * 16,
// CHECK-NEXT: device::NormStage<__nv_bfloat16, 256, device::NormKind::kRms>{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg1.data), nullptr, 1e-06f},
// CHECK-NEXT: device::RopeStage<4, 64, 48, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{nullptr, 16}},
// CHECK-NEXT: device::ActivationStage<device::Activation::kSilu>{});
// CHECK-NEXT: // A norm reduces whole rows: one block of 256 threads per row.
// CHECK-NEXT: XFUSE_CUDA_TRY(device::launchRowChain<256>(op, stream));
// CHECK-NEXT: }
// CHECK-NEXT: return rt::Status::ok();
func.func @norm_rope_silu(%x: tensor<?x16x256xbf16>, %w: tensor<256xbf16>) -> tensor<?x16x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.pointwise(%x, %w : tensor<?x16x256xbf16>, tensor<256xbf16>)
      plan <target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1> -> tensor<?x16x256xbf16> {
  ^bb0(%a: tensor<?x16x256xbf16>, %wa: tensor<256xbf16>):
    %c0 = arith.constant 0 : index
    %b = tensor.dim %a, %c0 : tensor<?x16x256xbf16>
    %n = xfuse.rms_norm %a, %wa : tensor<?x16x256xbf16>, tensor<256xbf16>
    %h = tensor.expand_shape %n [[0], [1], [2, 3]] output_shape [%b, 16, 4, 64] : tensor<?x16x256xbf16> into tensor<?x16x4x64xbf16>
    %r = xfuse.rope %h {rotary_dim = 48 : i64} : tensor<?x16x4x64xbf16>
    %s = xfuse.activation %r {kind = #xfuse.activation<silu>} : tensor<?x16x4x64xbf16>
    %o = tensor.collapse_shape %s [[0], [1], [2, 3]] : tensor<?x16x4x64xbf16> into tensor<?x16x256xbf16>
    xkernel.yield %o : tensor<?x16x256xbf16>
  }
  return %y : tensor<?x16x256xbf16>
}

// fairseq's encoding of an odd d = 65: 32 frequencies base^(-i/31), the
// last feature left unencoded by the stage itself.
// CHECK: // base^(-i/31) for base 10000 of xfuse.sinusoidal_pe
// CHECK: __device__ const float2 fairseq_odd_gemma_norm_frequencies0[32] = {
// CHECK-NEXT: {0x1p+0f, 0x0p+0f}, // [0] 1
// CHECK-NEXT: // [1] 0.742
// CHECK: // [31] 0.0001{{$}}
// CHECK-NEXT: {{^}}};
// CHECK-LABEL: rt::Status fairseq_odd_gemma_norm(
// CHECK: device::SinusoidalStage<65, device::SinusoidalLayout::kFairseq, std::int64_t>{
// CHECK-NEXT: frequencies0, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg1.data), 1}, 8.0f},
// CHECK-NEXT: device::NormStage<float, 65, device::NormKind::kRms>{
// CHECK-NEXT: static_cast<const float *>(arg2.data), nullptr, 1e-06f, 1.0f},
// CHECK-NEXT: device::ActivationStage<device::Activation::kRelu2>{},
// CHECK-NEXT: device::GateStage<float, device::ClampedSwiGlu, true>{static_cast<const float *>(arg0.data), 65, device::ClampedSwiGlu{1.5f, 3.0f}},
// CHECK-NEXT: device::ActivationStage<device::Activation::kQuickGelu>{});
func.func @fairseq_odd_gemma_norm(%x: tensor<?x65xf32>, %pos: tensor<?xi64>, %w: tensor<65xf32>)
    -> tensor<?x65xf32> attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %pos, %w : tensor<?x65xf32>, tensor<?xi64>, tensor<65xf32>)
      plan <target = sm_90a, threads = 64, vector_width = 1, rows_per_block = 1> -> tensor<?x65xf32> {
  ^bb0(%a: tensor<?x65xf32>, %p: tensor<?xi64>, %wa: tensor<65xf32>):
    %pe = xfuse.sinusoidal_pe %a positions %p {layout = #xfuse.pe_layout<fairseq>, scale = 8.0 : f64}
        : tensor<?x65xf32>, tensor<?xi64>
    %n = xfuse.rms_norm %pe, %wa {weight_offset = 1.0 : f64} : tensor<?x65xf32>, tensor<65xf32>
    %r = xfuse.activation %n {kind = #xfuse.activation<relu2>} : tensor<?x65xf32>
    %g = xfuse.gate %r, %a {activation = #xfuse.clamped_swiglu<alpha = 1.5, limit = 3.0>} : tensor<?x65xf32>
    %q = xfuse.activation %g {kind = #xfuse.activation<quick_gelu>} : tensor<?x65xf32>
    xkernel.yield %q : tensor<?x65xf32>
  }
  return %y : tensor<?x65xf32>
}
