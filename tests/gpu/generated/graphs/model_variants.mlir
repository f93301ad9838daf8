// The activations, gated products, encodings and norms of current models:
// quick_gelu (CLIP), relu2, gpt-oss's clamped SwiGLU, biased gated FFNs in
// both weight layouts, fairseq's sinusoidal encoding (odd d included) and
// Gemma's RMSNorm. Run by tests/gpu/generated/ModelVariantsTest.cu.

// Each new activation as its own pointwise kernel.
func.func @quick_gelu_relu2_f32(%x: tensor<?x256xf32>)
    -> (tensor<?x256xf32>, tensor<?x256xf32>) {
  %q = xfuse.activation %x {kind = #xfuse.activation<quick_gelu>} : tensor<?x256xf32>
  %r = xfuse.activation %x {kind = #xfuse.activation<relu2>} : tensor<?x256xf32>
  return %q, %r : tensor<?x256xf32>, tensor<?x256xf32>
}

// Biased SwiGLU: the gate and up biases on their chains of the gated GEMM,
// the down bias in the second GEMM's epilogue.
func.func @biased_swiglu_in_out_bf16(
    %x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16>, %bg: tensor<512xbf16>,
    %wu: tensor<256x512xbf16>, %bu: tensor<512xbf16>,
    %wd: tensor<512x256xbf16>, %bd: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<256x512xbf16>, tensor<512xbf16>, tensor<512x256xbf16>,
         tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

func.func @biased_swiglu_out_in_bf16(
    %x: tensor<?x256xbf16>, %wg: tensor<512x256xbf16>, %bg: tensor<512xbf16>,
    %wu: tensor<512x256xbf16>, %bu: tensor<512xbf16>,
    %wd: tensor<256x512xbf16>, %bd: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>,
         tensor<512x256xbf16>, tensor<512xbf16>, tensor<256x512xbf16>,
         tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// f32 runs the f32 GEMM, whose 1e-5 tolerance checks the gating exactly.
func.func @biased_swiglu_out_in_f32(
    %x: tensor<?x128xf32>, %wg: tensor<256x128xf32>, %bg: tensor<256xf32>,
    %wu: tensor<256x128xf32>, %bu: tensor<256xf32>,
    %wd: tensor<128x256xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// gpt-oss's MLP (its gate_up_proj is in_out), alpha 1.702 and limit 7.
func.func @gpt_oss_mlp_bf16(
    %x: tensor<?x256xbf16>, %wg: tensor<256x512xbf16>, %bg: tensor<512xbf16>,
    %wu: tensor<256x512xbf16>, %bu: tensor<512xbf16>,
    %wd: tensor<512x256xbf16>, %bd: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<>}
      : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>,
         tensor<256x512xbf16>, tensor<512xbf16>, tensor<512x256xbf16>,
         tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// A limit of 1, which the gate and up projections exceed on both sides.
func.func @clamped_swiglu_tight_f32(
    %x: tensor<?x128xf32>, %wg: tensor<256x128xf32>, %bg: tensor<256xf32>,
    %wu: tensor<256x128xf32>, %bu: tensor<256xf32>,
    %wd: tensor<128x256xf32>, %bd: tensor<128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      {activation = #xfuse.clamped_swiglu<limit = 1.0>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x128xf32>, tensor<256x128xf32>, tensor<256xf32>,
         tensor<256x128xf32>, tensor<256xf32>, tensor<128x256xf32>,
         tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// CLIP's MLP: quick_gelu in the first GEMM's epilogue.
func.func @quick_gelu_ffn_bf16(
    %x: tensor<?x256xbf16>, %w1: tensor<512x256xbf16>, %b1: tensor<512xbf16>,
    %w2: tensor<256x512xbf16>, %b2: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      {activation = #xfuse.activation<quick_gelu>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>,
         tensor<256x512xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

func.func @relu2_ffn_f32(%x: tensor<?x128xf32>, %w1: tensor<128x256xf32>,
                         %w2: tensor<256x128xf32>) -> tensor<?x128xf32> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<relu2>}
      : (tensor<?x128xf32>, tensor<128x256xf32>, tensor<256x128xf32>)
      -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// A clamped gate on operands that are not GEMM results: a pointwise kernel.
func.func @clamped_gate_pointwise_f32(%g: tensor<?x256xf32>, %u: tensor<?x256xf32>)
    -> tensor<?x256xf32> {
  %y = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<alpha = 2.0, limit = 0.5>}
      : tensor<?x256xf32>
  return %y : tensor<?x256xf32>
}

// fairseq's encoding at given positions, scaled by sqrt(d).
func.func @fairseq_pe_bf16(%x: tensor<?x16x256xbf16>, %pos: tensor<?x16xi64>)
    -> tensor<?x16x256xbf16> {
  %y = xfuse.sinusoidal_pe %x positions %pos
      {layout = #xfuse.pe_layout<fairseq>, scale = 16.0 : f64}
      : tensor<?x16x256xbf16>, tensor<?x16xi64>
  return %y : tensor<?x16x256xbf16>
}

// An odd d: the last feature is only scaled.
func.func @fairseq_pe_odd_f32(%x: tensor<?x8x255xf32>) -> tensor<?x8x255xf32> {
  %y = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<fairseq>, scale = 2.0 : f64}
      : tensor<?x8x255xf32>
  return %y : tensor<?x8x255xf32>
}

// Gemma's pre-MLP norm (x * (1 + w)) and GeGLU MLP.
func.func @gemma_norm_geglu_bf16(
    %x: tensor<?x256xbf16>, %w: tensor<256xbf16>, %wg: tensor<512x256xbf16>,
    %wu: tensor<512x256xbf16>, %wd: tensor<256x512xbf16>) -> tensor<?x256xbf16> {
  %n = xfuse.rms_norm %x, %w {epsilon = 1.0e-6 : f64, weight_offset = 1.0 : f64}
      : tensor<?x256xbf16>, tensor<256xbf16>
  %y = xfuse.gated_ffn %n, %wg, %wu, %wd
      {activation = #xfuse.activation<gelu_tanh>,
       weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>,
         tensor<256x512xbf16>) -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// The norm alone in f32, with an offset that is not Gemma's.
func.func @rms_norm_offset_f32(%x: tensor<?x256xf32>, %w: tensor<256xf32>)
    -> tensor<?x256xf32> {
  %n = xfuse.rms_norm %x, %w {weight_offset = -0.5 : f64}
      : tensor<?x256xf32>, tensor<256xf32>
  return %n : tensor<?x256xf32>
}
