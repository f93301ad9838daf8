// Every op and attribute of the xfuse dialect survives printing and parsing,
// in the custom and in the generic form.

// RUN: xfuse-opt %s | xfuse-opt | FileCheck %s
// RUN: xfuse-opt %s --mlir-print-op-generic | xfuse-opt | FileCheck %s

//===----------------------------------------------------------------------===//
// Positional encodings
//===----------------------------------------------------------------------===//

// Default attributes are elided when printed.
// CHECK-LABEL: func.func @sinusoidal_pe_defaults
// CHECK: xfuse.sinusoidal_pe %{{.*}} : tensor<2x8x16xf32>
// CHECK-NOT: base
func.func @sinusoidal_pe_defaults(%x: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %0 = xfuse.sinusoidal_pe %x {base = 10000.0 : f64, scale = 1.0 : f64,
                               layout = #xfuse.pe_layout<interleaved>}
         : tensor<2x8x16xf32>
  return %0 : tensor<2x8x16xf32>
}

// CHECK-LABEL: func.func @sinusoidal_pe_attributes
// CHECK: xfuse.sinusoidal_pe %{{.*}} {base = 5.000000e+02 : f64, layout = #xfuse.pe_layout<half>, scale = 2.771280e+01 : f64} : tensor<?x?x768xbf16>
func.func @sinusoidal_pe_attributes(%x: tensor<?x?x768xbf16>) -> tensor<?x?x768xbf16> {
  %0 = xfuse.sinusoidal_pe %x {base = 500.0 : f64, scale = 27.7128 : f64,
                               layout = #xfuse.pe_layout<half>}
         : tensor<?x?x768xbf16>
  return %0 : tensor<?x?x768xbf16>
}

// CHECK-LABEL: func.func @sinusoidal_pe_positions
// CHECK: xfuse.sinusoidal_pe %{{.*}} positions %{{.*}} : tensor<?x1x64xf16>, tensor<?x1xi32>
// CHECK: xfuse.sinusoidal_pe %{{.*}} positions %{{.*}} : tensor<4x64xf16>, tensor<4xi64>
func.func @sinusoidal_pe_positions(%x: tensor<?x1x64xf16>, %p: tensor<?x1xi32>,
                                   %y: tensor<4x64xf16>, %q: tensor<4xi64>)
    -> (tensor<?x1x64xf16>, tensor<4x64xf16>) {
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<?x1x64xf16>, tensor<?x1xi32>
  %1 = xfuse.sinusoidal_pe %y positions %q : tensor<4x64xf16>, tensor<4xi64>
  return %0, %1 : tensor<?x1x64xf16>, tensor<4x64xf16>
}

// CHECK-LABEL: func.func @sinusoidal_pe_fairseq
// CHECK: xfuse.sinusoidal_pe %{{.*}} {layout = #xfuse.pe_layout<fairseq>} : tensor<?x16x64xbf16>
// CHECK: xfuse.sinusoidal_pe %{{.*}} positions %{{.*}} {layout = #xfuse.pe_layout<fairseq>, scale = 3.200000e+01 : f64} : tensor<?x1x1025xf32>, tensor<?x1xi64>
func.func @sinusoidal_pe_fairseq(%x: tensor<?x16x64xbf16>, %odd: tensor<?x1x1025xf32>,
                                 %pos: tensor<?x1xi64>)
    -> (tensor<?x16x64xbf16>, tensor<?x1x1025xf32>) {
  %0 = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<fairseq>} : tensor<?x16x64xbf16>
  %1 = xfuse.sinusoidal_pe %odd positions %pos
         {layout = #xfuse.pe_layout<fairseq>, scale = 32.0 : f64}
         : tensor<?x1x1025xf32>, tensor<?x1xi64>
  return %0, %1 : tensor<?x16x64xbf16>, tensor<?x1x1025xf32>
}

// CHECK-LABEL: func.func @learned_pe
// CHECK: xfuse.learned_pe %{{.*}}, %{{.*}} : tensor<8x128x768xf16>, tensor<512x768xf16>
// CHECK: xfuse.learned_pe %{{.*}}, %{{.*}} positions %{{.*}} : tensor<?x?x32xf32>, tensor<16x32xf32>, tensor<?x?xi64>
func.func @learned_pe(%x: tensor<8x128x768xf16>, %t: tensor<512x768xf16>,
                      %y: tensor<?x?x32xf32>, %u: tensor<16x32xf32>,
                      %p: tensor<?x?xi64>)
    -> (tensor<8x128x768xf16>, tensor<?x?x32xf32>) {
  %0 = xfuse.learned_pe %x, %t : tensor<8x128x768xf16>, tensor<512x768xf16>
  %1 = xfuse.learned_pe %y, %u positions %p
         : tensor<?x?x32xf32>, tensor<16x32xf32>, tensor<?x?xi64>
  return %0, %1 : tensor<8x128x768xf16>, tensor<?x?x32xf32>
}

// A sequence longer than the table is fine when positions pick the rows.
// CHECK-LABEL: func.func @learned_pe_long_sequence_with_positions
// CHECK: xfuse.learned_pe {{.*}} : tensor<1x64x8xbf16>, tensor<16x8xbf16>, tensor<1x64xi32>
func.func @learned_pe_long_sequence_with_positions(
    %x: tensor<1x64x8xbf16>, %t: tensor<16x8xbf16>, %p: tensor<1x64xi32>)
    -> tensor<1x64x8xbf16> {
  %0 = xfuse.learned_pe %x, %t positions %p
         : tensor<1x64x8xbf16>, tensor<16x8xbf16>, tensor<1x64xi32>
  return %0 : tensor<1x64x8xbf16>
}

// CHECK-LABEL: func.func @rope_defaults
// CHECK: xfuse.rope %{{.*}} : tensor<2x8x4x16xf32>
// CHECK-NOT: theta
func.func @rope_defaults(%x: tensor<2x8x4x16xf32>) -> tensor<2x8x4x16xf32> {
  %0 = xfuse.rope %x {theta = 10000.0 : f64, style = #xfuse.rope_style<neox>}
         : tensor<2x8x4x16xf32>
  return %0 : tensor<2x8x4x16xf32>
}

// CHECK-LABEL: func.func @rope_partial_gptj
// CHECK: xfuse.rope %{{.*}} positions %{{.*}} {rotary_dim = 32 : i64, style = #xfuse.rope_style<gptj>, theta = 5.000000e+05 : f64} : tensor<?x?x32x128xbf16>, tensor<?x?xi64>
func.func @rope_partial_gptj(%x: tensor<?x?x32x128xbf16>, %p: tensor<?x?xi64>)
    -> tensor<?x?x32x128xbf16> {
  %0 = xfuse.rope %x positions %p {theta = 500000.0 : f64, rotary_dim = 32,
                                   style = #xfuse.rope_style<gptj>}
         : tensor<?x?x32x128xbf16>, tensor<?x?xi64>
  return %0 : tensor<?x?x32x128xbf16>
}

// Only the rotated features need to pair up: head_dim may be odd.
// CHECK-LABEL: func.func @rope_partial_odd_head_dim
// CHECK: xfuse.rope %{{.*}} {rotary_dim = 32 : i64} : tensor<2x8x4x63xf32>
func.func @rope_partial_odd_head_dim(%x: tensor<2x8x4x63xf32>)
    -> tensor<2x8x4x63xf32> {
  %0 = xfuse.rope %x {rotary_dim = 32} : tensor<2x8x4x63xf32>
  return %0 : tensor<2x8x4x63xf32>
}

// Positions may be more static than the input.
// CHECK-LABEL: func.func @rope_positions_static
// CHECK: xfuse.rope %{{.*}} positions %{{.*}} : tensor<?x8x2x16xf16>, tensor<3x8xi32>
func.func @rope_positions_static(%x: tensor<?x8x2x16xf16>, %p: tensor<3x8xi32>)
    -> tensor<?x8x2x16xf16> {
  %0 = xfuse.rope %x positions %p : tensor<?x8x2x16xf16>, tensor<3x8xi32>
  return %0 : tensor<?x8x2x16xf16>
}

// CHECK-LABEL: func.func @rope_scaling
// CHECK: scaling = #xfuse.linear_scaling<factor = 2.500000e+00>
// CHECK: scaling = #xfuse.dynamic_ntk_scaling<factor = 2.000000e+00, original_max_position = 2048>
// Defaults of YaRN's optional parameters are elided.
// CHECK: scaling = #xfuse.yarn_scaling<factor = 4.000000e+00, original_max_position = 4096>
// CHECK: scaling = #xfuse.yarn_scaling<factor = 4.000000e+00, original_max_position = 4096, beta_fast = 1.600000e+01, beta_slow = 2.000000e+00, attention_factor = 1.500000e+00>
// CHECK: scaling = #xfuse.llama3_scaling<factor = 8.000000e+00, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 8192>
func.func @rope_scaling(%x: tensor<?x8x4x16xbf16>) -> tensor<?x8x4x16xbf16> {
  %0 = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = 2.5>}
         : tensor<?x8x4x16xbf16>
  %1 = xfuse.rope %0 {scaling = #xfuse.dynamic_ntk_scaling<
                         factor = 2.0, original_max_position = 2048>}
         : tensor<?x8x4x16xbf16>
  %2 = xfuse.rope %1 {scaling = #xfuse.yarn_scaling<
                         factor = 4.0, original_max_position = 4096,
                         beta_fast = 32.0, beta_slow = 1.0>}
         : tensor<?x8x4x16xbf16>
  %3 = xfuse.rope %2 {scaling = #xfuse.yarn_scaling<
                         factor = 4.0, original_max_position = 4096,
                         beta_fast = 16.0, beta_slow = 2.0,
                         attention_factor = 1.5>}
         : tensor<?x8x4x16xbf16>
  %4 = xfuse.rope %3 {scaling = #xfuse.llama3_scaling<
                         factor = 8.0, low_freq_factor = 1.0,
                         high_freq_factor = 4.0, original_max_position = 8192>}
         : tensor<?x8x4x16xbf16>
  return %4 : tensor<?x8x4x16xbf16>
}

// YaRN's DeepSeek and gpt-oss fields; an explicit attention factor of 0 is
// kept (it is taken literally), defaults are elided.
// CHECK-LABEL: func.func @rope_yarn_fields
// CHECK: scaling = #xfuse.yarn_scaling<factor = 4.000000e+01, original_max_position = 4096, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>
// CHECK: scaling = #xfuse.yarn_scaling<factor = 3.200000e+01, original_max_position = 4096, truncate = false>
// CHECK: scaling = #xfuse.yarn_scaling<factor = 4.000000e+00, original_max_position = 32768, attention_factor = 0.000000e+00>
// CHECK: scaling = #xfuse.yarn_scaling<factor = 4.000000e+00, original_max_position = 32768>}
func.func @rope_yarn_fields(%x: tensor<?x8x4x16xbf16>) -> tensor<?x8x4x16xbf16> {
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<
                         factor = 40, original_max_position = 4096,
                         beta_fast = 32, beta_slow = 1,
                         mscale = 0.707, mscale_all_dim = 0.707>}
         : tensor<?x8x4x16xbf16>
  %1 = xfuse.rope %0 {scaling = #xfuse.yarn_scaling<
                         truncate = false, factor = 32.0,
                         original_max_position = 4096>}
         : tensor<?x8x4x16xbf16>
  %2 = xfuse.rope %1 {scaling = #xfuse.yarn_scaling<
                         factor = 4.0, original_max_position = 32768,
                         attention_factor = 0>}
         : tensor<?x8x4x16xbf16>
  %3 = xfuse.rope %2 {scaling = #xfuse.yarn_scaling<
                         factor = 4.0, original_max_position = 32768,
                         truncate = true, mscale = 0>}
         : tensor<?x8x4x16xbf16>
  return %3 : tensor<?x8x4x16xbf16>
}

// LongRoPE; parameters may come in any order.
// CHECK-LABEL: func.func @rope_longrope
// CHECK: scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [1.000000e+00, 1.050000e+00, 1.100000e+00, 1.200000e+00], long_factor = [1.000000e+00, 2.000000e+00, 4.000000e+00, 8.000000e+00]>
// CHECK: scaling = #xfuse.longrope_scaling<original_max_position = 4096, factor = 3.200000e+01, attention_factor = 1.190000e+00, short_factor = [1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00], long_factor = [1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
func.func @rope_longrope(%x: tensor<?x8x4x8xf16>, %p: tensor<?x8xi64>)
    -> tensor<?x8x4x8xf16> {
  %0 = xfuse.rope %x positions %p {scaling = #xfuse.longrope_scaling<
                         short_factor = [1.0, 1.05, 1.1, 1.2],
                         long_factor = [1, 2, 4, 8],
                         original_max_position = 4096, max_position = 131072>}
         : tensor<?x8x4x8xf16>, tensor<?x8xi64>
  %1 = xfuse.rope %0 positions %p {scaling = #xfuse.longrope_scaling<
                         original_max_position = 4096, factor = 32,
                         attention_factor = 1.19,
                         short_factor = [1, 1, 1, 1], long_factor = [1, 2, 3, 4]>}
         : tensor<?x8x4x8xf16>, tensor<?x8xi64>
  return %1 : tensor<?x8x4x8xf16>
}

// Multimodal RoPE: three rows of positions per token.
// CHECK-LABEL: func.func @rope_multimodal
// CHECK: xfuse.rope %{{.*}} positions %{{.*}} {mrope_section = array<i64: 16, 24, 24>, theta = 1.000000e+06 : f64} : tensor<?x?x4x128xbf16>, tensor<3x?x?xi64>
// CHECK: xfuse.rope %{{.*}} positions %{{.*}} {mrope_interleaved, mrope_section = array<i64: 24, 20, 20>} : tensor<?x?x4x128xbf16>, tensor<3x?x?xi64>
// CHECK: xfuse.rope %{{.*}} {mrope_section = array<i64: 64, 0, 0>} : tensor<?x?x4x128xbf16>
func.func @rope_multimodal(%x: tensor<?x?x4x128xbf16>, %p: tensor<3x?x?xi64>)
    -> tensor<?x?x4x128xbf16> {
  %0 = xfuse.rope %x positions %p
         {theta = 1000000.0 : f64, mrope_section = array<i64: 16, 24, 24>}
         : tensor<?x?x4x128xbf16>, tensor<3x?x?xi64>
  %1 = xfuse.rope %0 positions %p
         {mrope_section = array<i64: 24, 20, 20>, mrope_interleaved}
         : tensor<?x?x4x128xbf16>, tensor<3x?x?xi64>
  %2 = xfuse.rope %1 {mrope_section = array<i64: 64, 0, 0>}
         : tensor<?x?x4x128xbf16>
  return %2 : tensor<?x?x4x128xbf16>
}

// Real parameters may be written as integers.
// CHECK-LABEL: func.func @rope_scaling_integer_parameters
// CHECK: scaling = #xfuse.llama3_scaling<factor = 8.000000e+00, low_freq_factor = 1.000000e+00, high_freq_factor = 4.000000e+00, original_max_position = 8192>
func.func @rope_scaling_integer_parameters(%x: tensor<?x8x4x16xf32>)
    -> tensor<?x8x4x16xf32> {
  %0 = xfuse.rope %x {scaling = #xfuse.llama3_scaling<
                         factor = 8, low_freq_factor = 1, high_freq_factor = 4,
                         original_max_position = 8192>}
         : tensor<?x8x4x16xf32>
  return %0 : tensor<?x8x4x16xf32>
}

//===----------------------------------------------------------------------===//
// Feed-forward building blocks
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear
// CHECK: xfuse.linear %{{.*}}, %{{.*}} : (tensor<?x768xf32>, tensor<768x3072xf32>) -> tensor<?x3072xf32>
// CHECK: xfuse.linear %{{.*}}, %{{.*}} bias %{{.*}} {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x?x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>) -> tensor<?x?x3072xbf16>
// CHECK: xfuse.linear %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<768xf16>, tensor<768x16xf16>, tensor<16xf16>) -> tensor<16xf16>
func.func @linear(%x: tensor<?x768xf32>, %w: tensor<768x3072xf32>,
                  %y: tensor<?x?x768xbf16>, %v: tensor<3072x768xbf16>,
                  %b: tensor<3072xbf16>, %z: tensor<768xf16>,
                  %u: tensor<768x16xf16>, %c: tensor<16xf16>)
    -> (tensor<?x3072xf32>, tensor<?x?x3072xbf16>, tensor<16xf16>) {
  %0 = xfuse.linear %x, %w
         : (tensor<?x768xf32>, tensor<768x3072xf32>) -> tensor<?x3072xf32>
  %1 = xfuse.linear %y, %v bias %b {weight_layout = #xfuse.weight_layout<out_in>}
         : (tensor<?x?x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>)
         -> tensor<?x?x3072xbf16>
  %2 = xfuse.linear %z, %u bias %c {weight_layout = #xfuse.weight_layout<in_out>}
         : (tensor<768xf16>, tensor<768x16xf16>, tensor<16xf16>) -> tensor<16xf16>
  return %0, %1, %2 : tensor<?x3072xf32>, tensor<?x?x3072xbf16>, tensor<16xf16>
}

// CHECK-LABEL: func.func @activation
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<relu>} : tensor<?x64xf32>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<gelu>} : tensor<?x64xf32>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<gelu_tanh>} : tensor<?x64xf32>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<silu>} : tensor<?x64xf32>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<identity>} : tensor<?x64xf32>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<silu>} : tensor<f16>
func.func @activation(%x: tensor<?x64xf32>, %s: tensor<f16>)
    -> (tensor<?x64xf32>, tensor<f16>) {
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<?x64xf32>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<gelu>} : tensor<?x64xf32>
  %2 = xfuse.activation %1 {kind = #xfuse.activation<gelu_tanh>} : tensor<?x64xf32>
  %3 = xfuse.activation %2 {kind = #xfuse.activation<silu>} : tensor<?x64xf32>
  %4 = xfuse.activation %3 {kind = #xfuse.activation<identity>} : tensor<?x64xf32>
  %5 = xfuse.activation %s {kind = #xfuse.activation<silu>} : tensor<f16>
  return %4, %5 : tensor<?x64xf32>, tensor<f16>
}

// CHECK-LABEL: func.func @activation_quick_gelu_relu2
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<quick_gelu>} : tensor<?x64xbf16>
// CHECK: xfuse.activation %{{.*}} {kind = #xfuse.activation<relu2>} : tensor<?x64xbf16>
func.func @activation_quick_gelu_relu2(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %0 = xfuse.activation %x {kind = #xfuse.activation<quick_gelu>} : tensor<?x64xbf16>
  %1 = xfuse.activation %0 {kind = #xfuse.activation<relu2>} : tensor<?x64xbf16>
  return %1 : tensor<?x64xbf16>
}

// CHECK-LABEL: func.func @add
// CHECK: xfuse.add %{{.*}}, %{{.*}} : tensor<?x?x64xbf16>, tensor<?x?x64xbf16>
// CHECK: xfuse.add %{{.*}}, %{{.*}} : tensor<?x?x64xbf16>, tensor<8x64xbf16>
// CHECK: xfuse.add %{{.*}}, %{{.*}} : tensor<?x?x64xbf16>, tensor<64xbf16>
// CHECK: xfuse.add %{{.*}}, %{{.*}} : tensor<?x?x64xbf16>, tensor<bf16>
func.func @add(%x: tensor<?x?x64xbf16>, %y: tensor<?x?x64xbf16>,
               %r: tensor<8x64xbf16>, %v: tensor<64xbf16>, %s: tensor<bf16>)
    -> tensor<?x?x64xbf16> {
  %0 = xfuse.add %x, %y : tensor<?x?x64xbf16>, tensor<?x?x64xbf16>
  %1 = xfuse.add %0, %r : tensor<?x?x64xbf16>, tensor<8x64xbf16>
  %2 = xfuse.add %1, %v : tensor<?x?x64xbf16>, tensor<64xbf16>
  %3 = xfuse.add %2, %s : tensor<?x?x64xbf16>, tensor<bf16>
  return %3 : tensor<?x?x64xbf16>
}

// CHECK-LABEL: func.func @gate
// CHECK: xfuse.gate %{{.*}}, %{{.*}} : tensor<?x128xbf16>
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.activation<gelu>} : tensor<?x128xbf16>
func.func @gate(%g: tensor<?x128xbf16>, %u: tensor<?x128xbf16>)
    -> tensor<?x128xbf16> {
  %0 = xfuse.gate %g, %u : tensor<?x128xbf16>
  %1 = xfuse.gate %0, %u {activation = #xfuse.activation<gelu>} : tensor<?x128xbf16>
  return %1 : tensor<?x128xbf16>
}

// Parameters left out print as left out; an integer limit reads as a real.
// CHECK-LABEL: func.func @gate_clamped_swiglu
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.clamped_swiglu<>} : tensor<?x128xbf16>
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.clamped_swiglu<alpha = 1.500000e+00, limit = 1.000000e+01>} : tensor<?x128xbf16>
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.clamped_swiglu<limit = 3.000000e+00>} : tensor<?x128xbf16>
// CHECK: xfuse.gate %{{.*}}, %{{.*}} {activation = #xfuse.activation<quick_gelu>} : tensor<?x128xbf16>
func.func @gate_clamped_swiglu(%g: tensor<?x128xbf16>, %u: tensor<?x128xbf16>)
    -> tensor<?x128xbf16> {
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<>} : tensor<?x128xbf16>
  %1 = xfuse.gate %0, %u {activation = #xfuse.clamped_swiglu<alpha = 1.5, limit = 10.0>}
         : tensor<?x128xbf16>
  %2 = xfuse.gate %1, %u {activation = #xfuse.clamped_swiglu<limit = 3>} : tensor<?x128xbf16>
  %3 = xfuse.gate %2, %u {activation = #xfuse.activation<quick_gelu>} : tensor<?x128xbf16>
  return %3 : tensor<?x128xbf16>
}

// CHECK-LABEL: func.func @rms_norm
// CHECK: xfuse.rms_norm %{{.*}}, %{{.*}} : tensor<?x?x64xf16>, tensor<64xf16>
// CHECK: xfuse.rms_norm %{{.*}}, %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<?x?x64xf16>, tensor<64xf16>
func.func @rms_norm(%x: tensor<?x?x64xf16>, %w: tensor<64xf16>)
    -> tensor<?x?x64xf16> {
  %0 = xfuse.rms_norm %x, %w : tensor<?x?x64xf16>, tensor<64xf16>
  %1 = xfuse.rms_norm %0, %w {epsilon = 1.0e-5 : f64}
         : tensor<?x?x64xf16>, tensor<64xf16>
  return %1 : tensor<?x?x64xf16>
}

// CHECK-LABEL: func.func @rms_norm_weight_offset
// CHECK: xfuse.rms_norm %{{.*}}, %{{.*}} {weight_offset = 1.000000e+00 : f64} : tensor<?x?x64xbf16>, tensor<64xbf16>
// CHECK: xfuse.rms_norm %{{.*}}, %{{.*}} : tensor<?x?x64xbf16>, tensor<64xbf16>
func.func @rms_norm_weight_offset(%x: tensor<?x?x64xbf16>, %w: tensor<64xbf16>)
    -> tensor<?x?x64xbf16> {
  %0 = xfuse.rms_norm %x, %w {weight_offset = 1.0 : f64}
         : tensor<?x?x64xbf16>, tensor<64xbf16>
  %1 = xfuse.rms_norm %0, %w {weight_offset = 0.0 : f64}
         : tensor<?x?x64xbf16>, tensor<64xbf16>
  return %1 : tensor<?x?x64xbf16>
}

// CHECK-LABEL: func.func @layer_norm
// CHECK: xfuse.layer_norm %{{.*}}, %{{.*}} : tensor<?x64xbf16>, tensor<64xbf16>
// CHECK: xfuse.layer_norm %{{.*}}, %{{.*}} bias %{{.*}} {epsilon = {{[0-9.eE+-]+}} : f64} : tensor<?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
func.func @layer_norm(%x: tensor<?x64xbf16>, %w: tensor<64xbf16>,
                      %b: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %0 = xfuse.layer_norm %x, %w : tensor<?x64xbf16>, tensor<64xbf16>
  %1 = xfuse.layer_norm %0, %w bias %b {epsilon = 1.0e-06 : f64}
         : tensor<?x64xbf16>, tensor<64xbf16>, tensor<64xbf16>
  return %1 : tensor<?x64xbf16>
}

//===----------------------------------------------------------------------===//
// Feed-forward networks
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @ffn
// CHECK: xfuse.ffn %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x?x64xf32>
// CHECK: xfuse.ffn %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}} {activation = #xfuse.activation<gelu>} : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
// CHECK: xfuse.ffn %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}} : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
// CHECK: xfuse.ffn %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x?x64xf32>, tensor<256x64xf32>, tensor<256xf32>, tensor<32x256xf32>) -> tensor<?x?x32xf32>
func.func @ffn(%x: tensor<?x?x64xf32>, %w1: tensor<64x256xf32>,
               %b1: tensor<256xf32>, %w2: tensor<256x64xf32>,
               %b2: tensor<64xf32>, %v1: tensor<256x64xf32>,
               %v2: tensor<32x256xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x?x32xf32>) {
  %0 = xfuse.ffn %x, %w1, %w2
         : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>)
         -> tensor<?x?x64xf32>
  %1 = xfuse.ffn %0, %w1 bias %b1, %w2 bias %b2
         {activation = #xfuse.activation<gelu>}
         : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>,
            tensor<256x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  %2 = xfuse.ffn %1, %w1, %w2 bias %b2
         : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>,
            tensor<64xf32>) -> tensor<?x?x64xf32>
  %3 = xfuse.ffn %2, %v1 bias %b1, %v2
         {weight_layout = #xfuse.weight_layout<out_in>}
         : (tensor<?x?x64xf32>, tensor<256x64xf32>, tensor<256xf32>,
            tensor<32x256xf32>) -> tensor<?x?x32xf32>
  return %2, %3 : tensor<?x?x64xf32>, tensor<?x?x32xf32>
}

// CHECK-LABEL: func.func @gated_ffn
// CHECK: xfuse.gated_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<64x172xbf16>, tensor<172x64xbf16>) -> tensor<?x64xbf16>
// CHECK: xfuse.gated_ffn %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}} {activation = #xfuse.activation<gelu_tanh>} : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<172xbf16>, tensor<64x172xbf16>, tensor<172xbf16>, tensor<172x64xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
// CHECK: xfuse.gated_ffn %{{.*}}, %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} {activation = #xfuse.activation<relu>, weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<172x64xbf16>, tensor<172x64xbf16>, tensor<172xbf16>, tensor<64x172xbf16>) -> tensor<?x64xbf16>
func.func @gated_ffn(%x: tensor<?x64xbf16>, %wg: tensor<64x172xbf16>,
                     %bg: tensor<172xbf16>, %wu: tensor<64x172xbf16>,
                     %bu: tensor<172xbf16>, %wd: tensor<172x64xbf16>,
                     %bd: tensor<64xbf16>, %vg: tensor<172x64xbf16>,
                     %vd: tensor<64x172xbf16>) -> tensor<?x64xbf16> {
  %0 = xfuse.gated_ffn %x, %wg, %wu, %wd
         : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<64x172xbf16>,
            tensor<172x64xbf16>) -> tensor<?x64xbf16>
  %1 = xfuse.gated_ffn %0, %wg bias %bg, %wu bias %bu, %wd bias %bd
         {activation = #xfuse.activation<gelu_tanh>}
         : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<172xbf16>,
            tensor<64x172xbf16>, tensor<172xbf16>, tensor<172x64xbf16>,
            tensor<64xbf16>) -> tensor<?x64xbf16>
  %2 = xfuse.gated_ffn %1, %vg, %vg bias %bu, %vd
         {activation = #xfuse.activation<relu>,
          weight_layout = #xfuse.weight_layout<out_in>}
         : (tensor<?x64xbf16>, tensor<172x64xbf16>, tensor<172x64xbf16>,
            tensor<172xbf16>, tensor<64x172xbf16>) -> tensor<?x64xbf16>
  return %2 : tensor<?x64xbf16>
}

// gpt-oss's limit is the default, and prints as left out.
// CHECK-LABEL: func.func @gated_ffn_clamped_swiglu
// CHECK: xfuse.gated_ffn %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}}, %{{.*}} bias %{{.*}} {activation = #xfuse.clamped_swiglu<>, weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<172x64xbf16>, tensor<172xbf16>, tensor<172x64xbf16>, tensor<172xbf16>, tensor<64x172xbf16>, tensor<64xbf16>) -> tensor<?x64xbf16>
// CHECK: xfuse.gated_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = #xfuse.activation<relu2>} : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<64x172xbf16>, tensor<172x64xbf16>) -> tensor<?x64xbf16>
func.func @gated_ffn_clamped_swiglu(%x: tensor<?x64xbf16>, %wg: tensor<172x64xbf16>,
                                    %bg: tensor<172xbf16>, %wu: tensor<172x64xbf16>,
                                    %bu: tensor<172xbf16>, %wd: tensor<64x172xbf16>,
                                    %bd: tensor<64xbf16>, %vg: tensor<64x172xbf16>,
                                    %vd: tensor<172x64xbf16>) -> tensor<?x64xbf16> {
  %0 = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
         {activation = #xfuse.clamped_swiglu<limit = 7>,
          weight_layout = #xfuse.weight_layout<out_in>}
         : (tensor<?x64xbf16>, tensor<172x64xbf16>, tensor<172xbf16>,
            tensor<172x64xbf16>, tensor<172xbf16>, tensor<64x172xbf16>,
            tensor<64xbf16>) -> tensor<?x64xbf16>
  %1 = xfuse.gated_ffn %0, %vg, %vg, %vd {activation = #xfuse.activation<relu2>}
         : (tensor<?x64xbf16>, tensor<64x172xbf16>, tensor<64x172xbf16>,
            tensor<172x64xbf16>) -> tensor<?x64xbf16>
  return %1 : tensor<?x64xbf16>
}
