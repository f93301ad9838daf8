// RoPE formulas in f32 at 1e-5: every frequency scaling, both pairing
// styles, partial rotary, on the heads of an argument and of a projection
// (fused with it wherever a plan allows), with the attention factors that
// scale cos and sin. Positions stay below 512, where f32 angles are good to
// 1e-5; training contexts are short (32 to 128) so that every scaled band is
// exercised. Each function runs unfused and after the whole pipeline for
// both targets, and every one fails against a perturbed reference.
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: not xfuse-reference-check --max-position=512 --seed=1 --perturb-reference %s | FileCheck %s --check-prefix=PERTURBED --implicit-check-not=PASS
// PERTURBED: FAIL @none

// No scaling: theta^(-2i/d).
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @none (f32, 4 results,
func.func @none(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// Linear (position interpolation): positions divided by the factor.
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @linear (f32, 4 results,
func.func @linear(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.linear_scaling<factor = 4.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// Dynamic NTK: the base grows with the call's longest position (beyond 64).
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @dynamic_ntk (f32, 4 results,
func.func @dynamic_ntk(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// YaRN with its default betas and attention factor 0.1 ln(4) + 1.
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @yarn (f32, 4 results,
func.func @yarn(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// YaRN with explicit betas and attention factor.
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @yarn_attention_factor (f32, 4 results,
func.func @yarn_attention_factor(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 16.0, original_max_position = 32, beta_fast = 16.0, beta_slow = 2.0, attention_factor = 0.75>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 16.0, original_max_position = 32, beta_fast = 16.0, beta_slow = 2.0, attention_factor = 0.75>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 16.0, original_max_position = 32, beta_fast = 16.0, beta_slow = 2.0, attention_factor = 0.75>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 16.0, original_max_position = 32, beta_fast = 16.0, beta_slow = 2.0, attention_factor = 0.75>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// DeepSeek's YaRN: attention factor get_mscale(40, 0.5) / get_mscale(40, 1).
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @yarn_mscale (f32, 4 results,
func.func @yarn_mscale(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 64, mscale = 0.5, mscale_all_dim = 1.0>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// gpt-oss's YaRN: the correction range is not rounded.
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @yarn_untruncated (f32, 4 results,
func.func @yarn_untruncated(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 128, truncate = false>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// Llama 3: frequencies kept, blended or divided by their wavelength.
// Heads rotated on their own (neox, partial) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @llama3 (f32, 4 results,
func.func @llama3(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos {rotary_dim = 16, scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {rotary_dim = 16, scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}

// LongRoPE (Phi-3): long factors past 64 positions, attention factor from 256 / 64.
// Heads rotated on their own (neox) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @longrope (f32, 4 results,
func.func @longrope(%x: tensor<8x2x16xf32>, %p: tensor<8x32xf32>, %w: tensor<32x32xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>) {
  %a = xfuse.rope %x positions %pos {scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.05, 1.3, 2.0, 1.0, 1.1, 1.6, 2.5], long_factor = [1.0, 1.8, 4.1, 9.3, 1.2, 2.7, 6.2, 14.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.05, 1.3, 2.0, 1.0, 1.1, 1.6, 2.5], long_factor = [1.0, 1.8, 4.1, 9.3, 1.2, 2.7, 6.2, 14.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 16] : tensor<8x32xf32> into tensor<8x2x16xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.05, 1.3, 2.0, 1.0, 1.1, 1.6, 2.5], long_factor = [1.0, 1.8, 4.1, 9.3, 1.2, 2.7, 6.2, 14.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {scaling = #xfuse.longrope_scaling<original_max_position = 64, max_position = 256, short_factor = [1.0, 1.05, 1.3, 2.0, 1.0, 1.1, 1.6, 2.5], long_factor = [1.0, 1.8, 4.1, 9.3, 1.2, 2.7, 6.2, 14.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>
}

// LongRoPE with an explicit attention factor.
// Heads rotated on their own (neox) and after a projection (gptj), and vice versa.
// CHECK-LABEL: PASS @longrope_attention_factor (f32, 4 results,
func.func @longrope_attention_factor(%x: tensor<8x2x16xf32>, %p: tensor<8x32xf32>, %w: tensor<32x32xf32>, %pos: tensor<8xi32>)
    -> (tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>) {
  %a = xfuse.rope %x positions %pos {scaling = #xfuse.longrope_scaling<original_max_position = 64, attention_factor = 1.25, short_factor = [1.0, 1.5, 2.0, 3.0, 1.0, 1.5, 2.0, 3.0], long_factor = [1.0, 3.0, 9.0, 27.0, 1.0, 2.0, 4.0, 8.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %b = xfuse.rope %x positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.longrope_scaling<original_max_position = 64, attention_factor = 1.25, short_factor = [1.0, 1.5, 2.0, 3.0, 1.0, 1.5, 2.0, 3.0], long_factor = [1.0, 3.0, 9.0, 27.0, 1.0, 2.0, 4.0, 8.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %q = xfuse.linear %p, %w : (tensor<8x32xf32>, tensor<32x32xf32>) -> tensor<8x32xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 16] : tensor<8x32xf32> into tensor<8x2x16xf32>
  %c = xfuse.rope %h positions %pos {style = #xfuse.rope_style<gptj>, scaling = #xfuse.longrope_scaling<original_max_position = 64, attention_factor = 1.25, short_factor = [1.0, 1.5, 2.0, 3.0, 1.0, 1.5, 2.0, 3.0], long_factor = [1.0, 3.0, 9.0, 27.0, 1.0, 2.0, 4.0, 8.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  %d = xfuse.rope %h positions %pos {scaling = #xfuse.longrope_scaling<original_max_position = 64, attention_factor = 1.25, short_factor = [1.0, 1.5, 2.0, 3.0, 1.0, 1.5, 2.0, 3.0], long_factor = [1.0, 3.0, 9.0, 27.0, 1.0, 2.0, 4.0, 8.0]>}
      : tensor<8x2x16xf32>, tensor<8xi32>
  return %a, %b, %c, %d : tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>, tensor<8x2x16xf32>
}

// Multimodal RoPE, Qwen2-VL's consecutive bands (temporal, height, width)
// and Qwen3-VL's interleaving, with YaRN, partial rotary and gptj pairs.
// CHECK-LABEL: PASS @multimodal (f32, 3 results,
func.func @multimodal(%x: tensor<8x2x32xf32>, %p: tensor<8x64xf32>, %w: tensor<64x64xf32>,
                      %pos: tensor<3x8xi64>)
    -> (tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>) {
  %a = xfuse.rope %x positions %pos
      {theta = 1000000.0 : f64, mrope_section = array<i64: 4, 6, 6>}
      : tensor<8x2x32xf32>, tensor<3x8xi64>
  %b = xfuse.rope %x positions %pos
      {rotary_dim = 24, style = #xfuse.rope_style<gptj>, mrope_section = array<i64: 4, 4, 4>,
       mrope_interleaved, scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 64>}
      : tensor<8x2x32xf32>, tensor<3x8xi64>
  %q = xfuse.linear %p, %w : (tensor<8x64xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %c = xfuse.rope %h positions %pos
      {mrope_section = array<i64: 8, 4, 4>, mrope_interleaved,
       scaling = #xfuse.linear_scaling<factor = 2.0>}
      : tensor<8x2x32xf32>, tensor<3x8xi64>
  return %a, %b, %c : tensor<8x2x32xf32>, tensor<8x2x32xf32>, tensor<8x2x32xf32>
}
