// Every RoPE attribute that reaches emitted code is there with its value,
// in a GEMM's epilogue and in a pointwise kernel of its own: head and rotary
// dimensions, pairing style, positions, the attention factor that scales cos
// and sin, and each scaling's frequencies (table entries computed from
// transformers' formulas) or, for the scalings that follow the call's
// largest position, the parameters of the launch that computes them. From
// hand-written kernel IR with explicit plans.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h %s | FileCheck %s

#none2 = affine_map<()[s0, s1] -> (0)>
#in_out = #xkernel.weight_packing<source = in_out>
#flat = #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>

// No scaling: theta^(-2i/d), whole heads.
// CHECK: __device__ const float2 rope_none_epilogue_frequencies0[64] = {
// CHECK: // [1] 0.86596432
// CHECK-LABEL: rt::Status rope_none_epilogue(
// CHECK: device::RopeRowOp<128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_none_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_none_pointwise_frequencies0[64] = {
// CHECK: // [1] 0.86596432
// CHECK-LABEL: rt::Status rope_none_pointwise(
// CHECK: device::RopeStage<2, 128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_none_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// Linear scaling divides every frequency by 4: 10000^(-2/64) / 4 at [1].
// CHECK: __device__ const float2 rope_linear_epilogue_frequencies0[32] = {
// CHECK: // [1] 0.18747355
// CHECK-LABEL: rt::Status rope_linear_epilogue(
// CHECK: device::RopeRowOp<128, 64, device::RopeStyle::kGptj, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_linear_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {rotary_dim = 64, style = #xfuse.rope_style<gptj>, scaling = #xfuse.linear_scaling<factor = 4.0>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_linear_pointwise_frequencies0[32] = {
// CHECK: // [1] 0.18747355
// CHECK-LABEL: rt::Status rope_linear_pointwise(
// CHECK: device::RopeStage<2, 128, 64, device::RopeStyle::kGptj, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_linear_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {rotary_dim = 64, style = #xfuse.rope_style<gptj>, scaling = #xfuse.linear_scaling<factor = 4.0>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// YaRN: pairs below the correction range [0, 9] kept, above it divided by
// the factor, blended between; cos and sin times the explicit attention
// factor.
// CHECK: __device__ const float2 rope_yarn_attention_factor_epilogue_frequencies0[32] = {
// CHECK: // [1] 0.68740302
// CHECK: // [5] 0.13833013
// CHECK: // [12] 0.00790569
// CHECK-LABEL: rt::Status rope_yarn_attention_factor_epilogue(
// CHECK: device::RopeRowOp<128, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 0.75f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_yarn_attention_factor_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {rotary_dim = 64, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64, attention_factor = 0.75>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_yarn_attention_factor_pointwise_frequencies0[32] = {
// CHECK: // [1] 0.68740302
// CHECK: // [5] 0.13833013
// CHECK: // [12] 0.00790569
// CHECK-LABEL: rt::Status rope_yarn_attention_factor_pointwise(
// CHECK: device::RopeStage<2, 128, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 0.75f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_yarn_attention_factor_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {rotary_dim = 64, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64, attention_factor = 0.75>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// DeepSeek's YaRN: attention factor get_mscale(40, 0.5) / get_mscale(40, 1)
// = 0.86526.
// CHECK: __device__ const float2 rope_yarn_mscale_epilogue_frequencies0[64] = {
// CHECK: // [10] 0.10113211
// CHECK: // [30] 0.00033338
// CHECK-LABEL: rt::Status rope_yarn_mscale_epilogue(
// CHECK: device::RopeRowOp<128, 128, device::RopeStyle::kGptj, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 0.86526f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_yarn_mscale_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_yarn_mscale_pointwise_frequencies0[64] = {
// CHECK: // [10] 0.10113211
// CHECK: // [30] 0.00033338
// CHECK-LABEL: rt::Status rope_yarn_mscale_pointwise(
// CHECK: device::RopeStage<2, 128, 128, device::RopeStyle::kGptj, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 0.86526f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_yarn_mscale_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// YaRN's default attention factor 0.1 ln(8) + 1.
// CHECK: __device__ const float2 rope_yarn_default_epilogue_frequencies0[64] = {
// CHECK-LABEL: rt::Status rope_yarn_default_epilogue(
// CHECK: device::RopeRowOp<128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.20794{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_yarn_default_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_yarn_default_pointwise_frequencies0[64] = {
// CHECK-LABEL: rt::Status rope_yarn_default_pointwise(
// CHECK: device::RopeStage<2, 128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.20794{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_yarn_default_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {scaling = #xfuse.yarn_scaling<factor = 8.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// gpt-oss's YaRN: the correction range [0, 16.19] is not rounded.
// CHECK: __device__ const float2 rope_yarn_untruncated_epilogue_frequencies0[64] = {
// CHECK: // [10] 0.06235792
// CHECK: // [20] 0.00075391
// CHECK-LABEL: rt::Status rope_yarn_untruncated_epilogue(
// CHECK: device::RopeRowOp<128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.34657{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_yarn_untruncated_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {theta = 150000.0 : f64, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_yarn_untruncated_pointwise_frequencies0[64] = {
// CHECK: // [10] 0.06235792
// CHECK: // [20] 0.00075391
// CHECK-LABEL: rt::Status rope_yarn_untruncated_pointwise(
// CHECK: device::RopeStage<2, 128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.34657{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_yarn_untruncated_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {theta = 150000.0 : f64, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// Llama 3: wavelengths under 16 kept ([1]), over 64 divided by 8 ([20]),
// blended between ([8]).
// CHECK: __device__ const float2 rope_llama3_epilogue_frequencies0[64] = {
// CHECK: // [1] 0.86596432
// CHECK: // [8] 0.24438459
// CHECK: // [20] 0.00702926
// CHECK-LABEL: rt::Status rope_llama3_epilogue(
// CHECK: device::RopeRowOp<128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_llama3_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: __device__ const float2 rope_llama3_pointwise_frequencies0[64] = {
// CHECK: // [1] 0.86596432
// CHECK: // [8] 0.24438459
// CHECK: // [20] 0.00702926
// CHECK-LABEL: rt::Status rope_llama3_pointwise(
// CHECK: device::RopeStage<2, 128, 128, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_llama3_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// Dynamic NTK: theta, factor and training context go to the one-block
// launch that writes this call's frequencies.
// CHECK-LABEL: rt::Status rope_dynamic_ntk_epilogue(
// CHECK: 10000.0, 2.0, 64.0, 64, ropeFrequencies},
// CHECK: device::RopeRowOp<128, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_dynamic_ntk_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 2, 128] : tensor<?x256xbf16> into tensor<?x2x128xbf16>
    %r = xfuse.rope %h positions %p {rotary_dim = 64, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK-LABEL: rt::Status rope_dynamic_ntk_pointwise(
// CHECK: 10000.0, 2.0, 64.0, 64, ropeFrequencies},
// CHECK: device::RopeStage<2, 128, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_dynamic_ntk_pointwise(%x: tensor<?x2x128xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x2x128xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x2x128xbf16>, tensor<?xi32>) plan #flat -> tensor<?x2x128xbf16> {
  ^bb0(%a: tensor<?x2x128xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {rotary_dim = 64, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
        : tensor<?x2x128xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x2x128xbf16>
  }
  return %y : tensor<?x2x128xbf16>
}

// LongRoPE: both factor sets' tables (10000^(-1/8) divided by the short
// factor 1 and the long factor 3 at [1]), the training context for the
// one-block launch that picks one, and the attention factor
// sqrt(1 + ln 4 / ln 64).
// CHECK: // LongRoPE short-factor inv_freq (theta 10000, rotary dim 16, scaled)
// CHECK: // [1] 0.31622776
// CHECK: // LongRoPE long-factor inv_freq (theta 10000, rotary dim 16, scaled)
// CHECK: // [1] 0.10540925
// CHECK-LABEL: rt::Status rope_longrope_epilogue(
// CHECK: 64.0, shortFrequencies, longFrequencies, 16, ropeFrequencies},
// CHECK: device::RopeRowOp<16, 16, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.15470{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg2.data), 1}});
func.func @rope_longrope_epilogue(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out}, %pos: tensor<?xi32>)
    -> tensor<?x16x16xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?xi32>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x16x16xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %p: tensor<?xi32>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x256xbf16>
    %h = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 16, 16] : tensor<?x256xbf16> into tensor<?x16x16xbf16>
    %r = xfuse.rope %h positions %p {scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 8.0, 8.0], long_factor = [3.0, 3.0, 5.0, 5.0, 7.0, 7.0, 9.0, 9.0]>}
        : tensor<?x16x16xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x16x16xbf16>
  }
  return %y : tensor<?x16x16xbf16>
}

// The same RoPE in a pointwise kernel of its own.
// CHECK: // LongRoPE short-factor inv_freq (theta 10000, rotary dim 16, scaled)
// CHECK: // [1] 0.31622776
// CHECK: // LongRoPE long-factor inv_freq (theta 10000, rotary dim 16, scaled)
// CHECK: // [1] 0.10540925
// CHECK-LABEL: rt::Status rope_longrope_pointwise(
// CHECK: 64.0, shortFrequencies, longFrequencies, 16, ropeFrequencies},
// CHECK: device::RopeStage<16, 16, 16, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.15470{{[0-9]*}}f, device::TokenPositions<std::int32_t>{static_cast<const std::int32_t *>(arg1.data), 1}});
func.func @rope_longrope_pointwise(%x: tensor<?x16x16xbf16>, %pos: tensor<?xi32>)
    -> tensor<?x16x16xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none2>} {
  %y = xkernel.pointwise(%x, %pos : tensor<?x16x16xbf16>, tensor<?xi32>) plan #flat -> tensor<?x16x16xbf16> {
  ^bb0(%a: tensor<?x16x16xbf16>, %p: tensor<?xi32>):
    %r = xfuse.rope %a positions %p {scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 8.0, 8.0], long_factor = [3.0, 3.0, 5.0, 5.0, 7.0, 7.0, 9.0, 9.0]>}
        : tensor<?x16x16xbf16>, tensor<?xi32>
    xkernel.yield %r : tensor<?x16x16xbf16>
  }
  return %y : tensor<?x16x16xbf16>
}
