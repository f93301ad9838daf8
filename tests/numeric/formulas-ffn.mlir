// Formulas in f32 at 1e-5, where GELU and its approximations, a dropped
// bias or a swapped projection cannot hide in the rounding that the bf16
// tests allow: every activation in plain and gated FFNs, biases on every
// linear in both weight layouts, the norms in front. Each function runs
// unfused and after the whole pipeline for both targets (fused and unfused
// bit-identical), and every one fails against a perturbed reference.
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_90a},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s --implicit-check-not=FAIL
// RUN: not xfuse-reference-check --seed=1 --perturb-reference %s | FileCheck %s --check-prefix=PERTURBED --implicit-check-not=PASS
// PERTURBED: FAIL @ffn_relu_in_out

// The default activation, relu.
// CHECK-LABEL: PASS @ffn_relu_in_out (f32,
func.func @ffn_relu_in_out(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>, %b1: tensor<64xf32>, %w2: tensor<64x32xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Exact, erf-based GELU: about 1e-4 from gelu_tanh over these inputs.
// CHECK-LABEL: PASS @ffn_gelu_out_in (f32,
func.func @ffn_gelu_out_in(%x: tensor<16x32xf32>, %w1: tensor<64x32xf32>, %b1: tensor<64xf32>, %w2: tensor<32x64xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// GELU's tanh approximation.
// CHECK-LABEL: PASS @ffn_gelu_tanh_in_out (f32,
func.func @ffn_gelu_tanh_in_out(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>, %b1: tensor<64xf32>, %w2: tensor<64x32xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// SiLU.
// CHECK-LABEL: PASS @ffn_silu_out_in (f32,
func.func @ffn_silu_out_in(%x: tensor<16x32xf32>, %w1: tensor<64x32xf32>, %b1: tensor<64xf32>, %w2: tensor<32x64xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<silu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// GELU's sigmoid approximation, x sigmoid(1.702 x).
// CHECK-LABEL: PASS @ffn_quick_gelu_in_out (f32,
func.func @ffn_quick_gelu_in_out(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>, %b1: tensor<64xf32>, %w2: tensor<64x32xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<quick_gelu>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Squared ReLU.
// CHECK-LABEL: PASS @ffn_relu2_out_in (f32,
func.func @ffn_relu2_out_in(%x: tensor<16x32xf32>, %w1: tensor<64x32xf32>, %b1: tensor<64xf32>, %w2: tensor<32x64xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<relu2>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// No activation: two linears.
// CHECK-LABEL: PASS @ffn_identity_in_out (f32,
func.func @ffn_identity_in_out(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>, %b1: tensor<64xf32>, %w2: tensor<64x32xf32>, %b2: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<identity>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Only the second linear has a bias.
// CHECK-LABEL: PASS @ffn_gelu_second_bias_only_out_in (f32,
func.func @ffn_gelu_second_bias_only_out_in(%x: tensor<?x32xf32>, %w1: tensor<64x32xf32>, %w2: tensor<32x64xf32>, %b2: tensor<32xf32>)
    -> tensor<?x32xf32> {
  %y = xfuse.ffn %x, %w1, %w2 bias %b2 {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// Only the first linear has a bias.
// CHECK-LABEL: PASS @ffn_silu_first_bias_only_in_out (f32,
func.func @ffn_silu_first_bias_only_in_out(%x: tensor<16x32xf32>, %w1: tensor<32x64xf32>, %b1: tensor<64xf32>, %w2: tensor<64x32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.ffn %x, %w1 bias %b1, %w2 {activation = #xfuse.activation<silu>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// SwiGLU, the default gating, biases on all three linears.
// CHECK-LABEL: PASS @swiglu_in_out (f32,
func.func @swiglu_in_out(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>, %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// GeGLU with the exact GELU.
// CHECK-LABEL: PASS @geglu_out_in (f32,
func.func @geglu_out_in(%x: tensor<16x32xf32>, %wg: tensor<64x32xf32>, %bg: tensor<64xf32>, %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.activation<gelu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// GeGLU with the tanh approximation.
// CHECK-LABEL: PASS @geglu_tanh_in_out (f32,
func.func @geglu_tanh_in_out(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>, %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.activation<gelu_tanh>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// ReGLU.
// CHECK-LABEL: PASS @reglu_out_in (f32,
func.func @reglu_out_in(%x: tensor<16x32xf32>, %wg: tensor<64x32xf32>, %bg: tensor<64xf32>, %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.activation<relu>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Gated by quick_gelu.
// CHECK-LABEL: PASS @gated_quick_gelu_in_out (f32,
func.func @gated_quick_gelu_in_out(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>, %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.activation<quick_gelu>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Gated by the squared ReLU.
// CHECK-LABEL: PASS @gated_relu2_out_in (f32,
func.func @gated_relu2_out_in(%x: tensor<16x32xf32>, %wg: tensor<64x32xf32>, %bg: tensor<64xf32>, %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.activation<relu2>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Only the up projection has a bias: it must not be taken for the gate's.
// CHECK-LABEL: PASS @swiglu_up_bias_only_out_in (f32,
func.func @swiglu_up_bias_only_out_in(%x: tensor<?x32xf32>, %wg: tensor<64x32xf32>, %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>)
    -> tensor<?x32xf32> {
  %y = xfuse.gated_ffn %x, %wg, %wu bias %bu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<?x32xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// Only the gate projection has a bias.
// CHECK-LABEL: PASS @swiglu_gate_bias_only_in_out (f32,
func.func @swiglu_gate_bias_only_in_out(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>, %wu: tensor<32x64xf32>, %wd: tensor<64x32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu, %wd
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// gpt-oss's clamped SwiGLU with a limit the projections exceed, so both
// clamps bite.
// CHECK-LABEL: PASS @clamped_swiglu_out_in (f32,
func.func @clamped_swiglu_out_in(%x: tensor<16x32xf32>, %wg: tensor<64x32xf32>, %bg: tensor<64xf32>, %wu: tensor<64x32xf32>, %bu: tensor<64xf32>, %wd: tensor<32x64xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.clamped_swiglu<alpha = 1.702, limit = 1.0>, weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x32xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Another alpha and limit.
// CHECK-LABEL: PASS @clamped_swiglu_alpha_in_out (f32,
func.func @clamped_swiglu_alpha_in_out(%x: tensor<16x32xf32>, %wg: tensor<32x64xf32>, %bg: tensor<64xf32>, %wu: tensor<32x64xf32>, %bu: tensor<64xf32>, %wd: tensor<64x32xf32>, %bd: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd {activation = #xfuse.clamped_swiglu<alpha = 0.5, limit = 2.0>}
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// RMSNorm with Gemma's 1 + w and an epsilon, then SwiGLU, then the residual.
// CHECK-LABEL: PASS @rms_norm_swiglu_residual (f32,
func.func @rms_norm_swiglu_residual(%x: tensor<2x8x32xf32>, %g: tensor<32xf32>,
                                    %wg: tensor<32x64xf32>, %wu: tensor<32x64xf32>,
                                    %wd: tensor<64x32xf32>) -> tensor<2x8x32xf32> {
  %n = xfuse.rms_norm %x, %g {epsilon = 1.0e-3 : f64, weight_offset = 1.0 : f64}
      : tensor<2x8x32xf32>, tensor<32xf32>
  %y = xfuse.gated_ffn %n, %wg, %wu, %wd
      : (tensor<2x8x32xf32>, tensor<32x64xf32>, tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<2x8x32xf32>
  %r = xfuse.add %y, %x : tensor<2x8x32xf32>, tensor<2x8x32xf32>
  return %r : tensor<2x8x32xf32>
}

// Layer norm with a bias, then a GELU FFN with both biases.
// CHECK-LABEL: PASS @layer_norm_gelu_ffn (f32,
func.func @layer_norm_gelu_ffn(%x: tensor<?x32xf32>, %g: tensor<32xf32>, %beta: tensor<32xf32>,
                               %w1: tensor<32x64xf32>, %b1: tensor<64xf32>,
                               %w2: tensor<64x32xf32>, %b2: tensor<32xf32>) -> tensor<?x32xf32> {
  %n = xfuse.layer_norm %x, %g bias %beta {epsilon = 1.0e-5 : f64}
      : tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>
  %y = xfuse.ffn %n, %w1 bias %b1, %w2 bias %b2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x32xf32>, tensor<32x64xf32>, tensor<64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
