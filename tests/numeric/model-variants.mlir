// The activations, gated products, encodings and norms of current models
// (quick_gelu, relu2, gpt-oss's clamped SwiGLU, fairseq's sinusoidal
// encoding, Gemma's RMSNorm), with biases on every projection, against the
// float64 reference: unfused, and after the whole pipeline for sm_90a and
// sm_80 (kernel bodies inlined back). f32 results must match within 1e-5,
// which tells gelu from gelu_tanh and quick_gelu from both.
// Positions stay below 512 so that f32 angles stay within 1e-5.
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s
// RUN: xfuse-reference-check --max-position=512 --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s

// gpt-oss's MLP with a limit of 1, which the gate and up projections of
// inputs in [-1, 1] exceed on both sides often.
// CHECK: PASS @clamped_swiglu_tight_limit_out_in_f32
func.func @clamped_swiglu_tight_limit_out_in_f32(
    %x: tensor<16x32xf32>, %wg: tensor<64x32xf32>, %bg: tensor<64xf32>,
    %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>,
    %bd: tensor<32xf32>) -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<limit = 1.0>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>,
         tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>,
         tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// gpt-oss's parameters (alpha 1.702, limit 7), in_out as its gate_up_proj.
// CHECK: PASS @clamped_swiglu_defaults_in_out_f32
func.func @clamped_swiglu_defaults_in_out_f32(
    %x: tensor<?x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>,
    %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>,
    %bd: tensor<32xf32>) -> tensor<?x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<>}
      : (tensor<?x32xf32>, tensor<32x64xf32>, tensor<64xf32>,
         tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>,
         tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// CHECK: PASS @clamped_swiglu_bf16
func.func @clamped_swiglu_bf16(
    %x: tensor<?x8x64xbf16>, %wg: tensor<128x64xbf16>, %bg: tensor<128xbf16>,
    %wu: tensor<128x64xbf16>, %bu: tensor<128xbf16>, %wd: tensor<64x128xbf16>,
    %bd: tensor<64xbf16>) -> tensor<?x8x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<alpha = 1.702, limit = 3.0>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x8x64xbf16>, tensor<128x64xbf16>, tensor<128xbf16>,
         tensor<128x64xbf16>, tensor<128xbf16>, tensor<64x128xbf16>,
         tensor<64xbf16>) -> tensor<?x8x64xbf16>
  return %y : tensor<?x8x64xbf16>
}

// A biased SwiGLU in both weight layouts.
// CHECK: PASS @biased_swiglu_in_out_f32
func.func @biased_swiglu_in_out_f32(
    %x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>,
    %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>,
    %bd: tensor<32xf32>) -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>,
         tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>,
         tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// CHECK: PASS @biased_swiglu_out_in_bf16
func.func @biased_swiglu_out_in_bf16(
    %x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %bg: tensor<128xbf16>,
    %wu: tensor<128x64xbf16>, %bu: tensor<128xbf16>, %wd: tensor<64x128xbf16>,
    %bd: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x64xbf16>, tensor<128x64xbf16>, tensor<128xbf16>,
         tensor<128x64xbf16>, tensor<128xbf16>, tensor<64x128xbf16>,
         tensor<64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// CLIP's MLP: quick_gelu between biased nn.Linear layers.
// CHECK: PASS @quick_gelu_ffn_out_in_f32
func.func @quick_gelu_ffn_out_in_f32(
    %x: tensor<2x8x32xf32>, %w1: tensor<64x32xf32>, %b1: tensor<64xf32>,
    %w2: tensor<32x64xf32>, %b2: tensor<32xf32>) -> tensor<2x8x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<quick_gelu>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<2x8x32xf32>, tensor<64x32xf32>, tensor<64xf32>,
         tensor<32x64xf32>, tensor<32xf32>) -> tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}

// CHECK: PASS @relu2_ffn_f32
func.func @relu2_ffn_f32(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>,
                         %w2: tensor<64x32xf32>) -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<relu2>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64x32xf32>)
      -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// CHECK: PASS @gated_quick_gelu_bf16
func.func @gated_quick_gelu_bf16(
    %x: tensor<?x64xbf16>, %wg: tensor<64x128xbf16>, %wu: tensor<64x128xbf16>,
    %wd: tensor<128x64xbf16>) -> tensor<?x64xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd
      {activation = #xfuse.activation<quick_gelu>}
      : (tensor<?x64xbf16>, tensor<64x128xbf16>, tensor<64x128xbf16>,
         tensor<128x64xbf16>) -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// A clamped gate whose operands are not GEMM results (a pointwise kernel),
// up ahead of its own activation.
// CHECK: PASS @clamped_gate_pointwise_f32
func.func @clamped_gate_pointwise_f32(%g: tensor<16x64xf32>, %u: tensor<16x64xf32>)
    -> tensor<16x64xf32> {
  %u2 = xfuse.activation %u {kind = #xfuse.activation<relu2>} : tensor<16x64xf32>
  %y = xfuse.gate %g, %u2 {activation = #xfuse.clamped_swiglu<alpha = 2.0, limit = 0.5>}
      : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// fairseq's encoding, scaled by sqrt(d) as M2M100 scales its embeddings.
// CHECK: PASS @fairseq_pe_positions_f32
func.func @fairseq_pe_positions_f32(%x: tensor<2x16x32xf32>, %pos: tensor<2x16xi64>)
    -> tensor<2x16x32xf32> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<fairseq>, scale = 5.656854249492381 : f64}
      : tensor<2x16x32xf32>, tensor<2x16xi64>
  return %y : tensor<2x16x32xf32>
}

// An odd d: the last feature is only scaled.
// CHECK: PASS @fairseq_pe_odd_d_f32
func.func @fairseq_pe_odd_d_f32(%x: tensor<16x33xf32>) -> tensor<16x33xf32> {
  %y = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<fairseq>, scale = 2.0 : f64}
      : tensor<16x33xf32>
  return %y : tensor<16x33xf32>
}

// The smallest d, whose frequencies are 1 and 1 / base.
// CHECK: PASS @fairseq_pe_d4_f32
func.func @fairseq_pe_d4_f32(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %y = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<fairseq>} : tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// CHECK: PASS @fairseq_pe_bf16
func.func @fairseq_pe_bf16(%x: tensor<?x8x64xbf16>, %pos: tensor<?x8xi32>)
    -> tensor<?x8x64xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos {layout = #xfuse.pe_layout<fairseq>}
      : tensor<?x8x64xbf16>, tensor<?x8xi32>
  return %y : tensor<?x8x64xbf16>
}

// Gemma's pre-MLP block: an RMSNorm scaling by (1 + w), a GeGLU.
// CHECK: PASS @gemma_norm_geglu_f32
func.func @gemma_norm_geglu_f32(
    %x: tensor<16x32xf32>, %w: tensor<32xf32>, %wg: tensor<64x32xf32>,
    %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>) -> tensor<16x32xf32> {
  %n = xfuse.rms_norm %x, %w {epsilon = 1.0e-6 : f64, weight_offset = 1.0 : f64}
      : tensor<16x32xf32>, tensor<32xf32>
  %y = xfuse.gated_ffn %n, %wg, %wu, %wd
      {activation = #xfuse.activation<gelu_tanh>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// CHECK: PASS @rms_norm_weight_offset_bf16
func.func @rms_norm_weight_offset_bf16(%x: tensor<?x8x64xbf16>, %w: tensor<64xbf16>)
    -> tensor<?x8x64xbf16> {
  %n = xfuse.rms_norm %x, %w {weight_offset = -0.5 : f64}
      : tensor<?x8x64xbf16>, tensor<64xbf16>
  return %n : tensor<?x8x64xbf16>
}
