// Each malformed op is rejected with a located message that names what was
// expected and what was found. Operand-type rules are checked by type
// inference, while parsing where the custom form leaves the result type to
// it; linear, ffn and gated_ffn spell their result type out, so their rules
// are checked by the verifier, which adds "failed to infer returned types".

// RUN: xfuse-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Operand types common to all ops
//===----------------------------------------------------------------------===//

func.func @unranked_input(%x: tensor<*xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects input ([..., seq, d]) to be a ranked tensor of f32, f16 or bf16, but got 'tensor<*xf32>'}}
  %0 = xfuse.sinusoidal_pe %x : tensor<*xf32>
  return
}

// -----

// Where the custom form names one type for an operand that must be a ranked
// tensor, the parser checks the kind of type itself.
func.func @unranked_input_single_type(%x: tensor<*xf32>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<*xf32>
  return
}

// -----

func.func @integer_input(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects input ([..., seq, d]) to be a ranked tensor of f32, f16 or bf16, but got 'tensor<4x8xi32>'}}
  %0 = xfuse.sinusoidal_pe %x : tensor<4x8xi32>
  return
}

// -----

func.func @f64_input(%x: tensor<4x8xf64>, %w: tensor<8xf64>) {
  // expected-error @+1 {{'xfuse.rms_norm' op expects input to be a ranked tensor of f32, f16 or bf16, but got 'tensor<4x8xf64>'}}
  %0 = xfuse.rms_norm %x, %w : tensor<4x8xf64>, tensor<8xf64>
  return
}

// -----

func.func @memref_input(%x: memref<4x8xf32>, %w: memref<8xf32>) {
  // expected-error @+1 {{'xfuse.rms_norm' op expects input to be a ranked tensor of f32, f16 or bf16, but got 'memref<4x8xf32>'}}
  %0 = xfuse.rms_norm %x, %w : memref<4x8xf32>, memref<8xf32>
  return
}

// -----

func.func @dynamic_hidden_dim(%x: tensor<4x?xf32>, %w: tensor<16x16xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects the last dimension of input to be static, but got 'tensor<4x?xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x?xf32>, tensor<16x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @mixed_element_types(%x: tensor<4x16xf32>, %w: tensor<16x8xbf16>) {
  // expected-error @+2 {{'xfuse.linear' op expects weight to have the element type of the input ('f32'), but got 'bf16'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x16xf32>, tensor<16x8xbf16>) -> tensor<4x8xf32>
  return
}

// -----

// The custom form of linear spells out the result type, which must be the
// inferred one.
func.func @linear_wrong_result(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+2 {{'xfuse.linear' op inferred type(s) 'tensor<4x8xf32>' are incompatible with return type(s) of operation 'tensor<4x16xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return
}

// -----

// The generic form spells out every result type; inference checks it.
func.func @generic_wrong_result(%x: tensor<4x16xf32>) {
  // expected-error @+2 {{'xfuse.activation' op inferred type(s) 'tensor<4x16xf32>' are incompatible with return type(s) of operation 'tensor<4x16xf16>'}}
  // expected-error @+1 {{'xfuse.activation' op failed to infer returned types}}
  %0 = "xfuse.activation"(%x) {kind = #xfuse.activation<relu>} : (tensor<4x16xf32>) -> tensor<4x16xf16>
  return
}

// -----

// Attribute rules hold in the generic form as in the custom one.
func.func @generic_bad_attribute(%x: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects a finite base > 0, but got -1}}
  %0 = "xfuse.sinusoidal_pe"(%x) <{base = -1.0 : f64}> : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// sinusoidal_pe
//===----------------------------------------------------------------------===//

// -----

func.func @sinusoidal_pe_rank(%x: tensor<16xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects input ([..., seq, d]) of rank at least 2, but got 'tensor<16xf32>'}}
  %0 = xfuse.sinusoidal_pe %x : tensor<16xf32>
  return
}

// -----

func.func @sinusoidal_pe_odd_d(%x: tensor<4x15xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects an even feature dimension d (sines and cosines come in pairs; only the fairseq layout pads an odd d), but got d = 15}}
  %0 = xfuse.sinusoidal_pe %x : tensor<4x15xf32>
  return
}

// -----

func.func @sinusoidal_pe_half_odd_d(%x: tensor<4x15xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects an even feature dimension d (sines and cosines come in pairs; only the fairseq layout pads an odd d), but got d = 15}}
  %0 = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<half>} : tensor<4x15xf32>
  return
}

// -----

func.func @sinusoidal_pe_fairseq_d_too_small(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects a feature dimension d >= 4 for the fairseq layout, whose frequencies base^(-i/(d/2 - 1)) divide by d/2 - 1, but got d = 3}}
  %0 = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<fairseq>} : tensor<4x3xf32>
  return
}

// -----

// The layout rule runs after the input's: the generic form reaches the
// verifier with a rank-1 input.
func.func @sinusoidal_pe_fairseq_generic_rank(%x: tensor<16xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects input ([..., seq, d]) of rank at least 2, but got 'tensor<16xf32>'}}
  %0 = "xfuse.sinusoidal_pe"(%x) <{layout = #xfuse.pe_layout<fairseq>}> : (tensor<16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @sinusoidal_pe_unknown_layout(%x: tensor<4x16xf32>) {
  // expected-error @+2 {{expected ::mlir::xfuse::PeLayout to be one of: interleaved, half, fairseq}}
  // expected-error @+1 {{failed to parse XFuse_PeLayoutAttr parameter 'value'}}
  %0 = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<tensor2tensor>} : tensor<4x16xf32>
  return
}

// -----

func.func @sinusoidal_pe_zero_base(%x: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects a finite base > 0, but got 0}}
  %0 = xfuse.sinusoidal_pe %x {base = 0.0 : f64} : tensor<4x16xf32>
  return
}

// -----

func.func @sinusoidal_pe_negative_base(%x: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects a finite base > 0, but got -10000}}
  %0 = xfuse.sinusoidal_pe %x {base = -10000.0 : f64} : tensor<4x16xf32>
  return
}

// -----

func.func @sinusoidal_pe_positions_shape(%x: tensor<2x8x16xf32>, %p: tensor<8xi32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects positions of shape [2, 8] (one per token), but got 'tensor<8xi32>'}}
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<2x8x16xf32>, tensor<8xi32>
  return
}

// -----

func.func @sinusoidal_pe_positions_f32(%x: tensor<2x8x16xf32>, %p: tensor<2x8xf32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects positions to be a ranked tensor of i32 or i64, but got 'tensor<2x8xf32>'}}
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<2x8x16xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @sinusoidal_pe_positions_i16(%x: tensor<2x8x16xf32>, %p: tensor<2x8xi16>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects positions to be a ranked tensor of i32 or i64, but got 'tensor<2x8xi16>'}}
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<2x8x16xf32>, tensor<2x8xi16>
  return
}

// -----

func.func @sinusoidal_pe_positions_unsigned(%x: tensor<2x8x16xf32>, %p: tensor<2x8xui32>) {
  // expected-error @+1 {{'xfuse.sinusoidal_pe' op expects positions to be a ranked tensor of i32 or i64, but got 'tensor<2x8xui32>'}}
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<2x8x16xf32>, tensor<2x8xui32>
  return
}

// -----

func.func @sinusoidal_pe_unknown_layout(%x: tensor<4x16xf32>) {
  // expected-error @+2 {{expected ::mlir::xfuse::PeLayout to be one of: interleaved, half}}
  // expected-error @+1 {{failed to parse XFuse_PeLayoutAttr parameter 'value'}}
  %0 = xfuse.sinusoidal_pe %x {layout = #xfuse.pe_layout<quarter>} : tensor<4x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// learned_pe
//===----------------------------------------------------------------------===//

// -----

func.func @learned_pe_table_width(%x: tensor<2x8x16xf32>, %t: tensor<32x8xf32>) {
  // expected-error @+1 {{'xfuse.learned_pe' op expects table of static shape [max_pos, 16] (d of the input), but got 'tensor<32x8xf32>'}}
  %0 = xfuse.learned_pe %x, %t : tensor<2x8x16xf32>, tensor<32x8xf32>
  return
}

// -----

func.func @learned_pe_table_rank(%x: tensor<2x8x16xf32>, %t: tensor<32x16x1xf32>) {
  // expected-error @+1 {{'xfuse.learned_pe' op expects table of static shape [max_pos, 16] (d of the input), but got 'tensor<32x16x1xf32>'}}
  %0 = xfuse.learned_pe %x, %t : tensor<2x8x16xf32>, tensor<32x16x1xf32>
  return
}

// -----

func.func @learned_pe_table_element_type(%x: tensor<2x8x16xf32>, %t: tensor<32x16xf16>) {
  // expected-error @+1 {{'xfuse.learned_pe' op expects table to have the element type of the input ('f32'), but got 'f16'}}
  %0 = xfuse.learned_pe %x, %t : tensor<2x8x16xf32>, tensor<32x16xf16>
  return
}

// -----

func.func @learned_pe_sequence_too_long(%x: tensor<2x64x16xf32>, %t: tensor<32x16xf32>) {
  // expected-error @+1 {{'xfuse.learned_pe' op expects a sequence of at most 32 tokens (the table's rows) when positions are absent, but got 64}}
  %0 = xfuse.learned_pe %x, %t : tensor<2x64x16xf32>, tensor<32x16xf32>
  return
}

// -----

func.func @learned_pe_positions_shape(%x: tensor<2x8x16xf32>, %t: tensor<32x16xf32>, %p: tensor<2x8x1xi64>) {
  // expected-error @+1 {{'xfuse.learned_pe' op expects positions of shape [2, 8] (one per token), but got 'tensor<2x8x1xi64>'}}
  %0 = xfuse.learned_pe %x, %t positions %p : tensor<2x8x16xf32>, tensor<32x16xf32>, tensor<2x8x1xi64>
  return
}

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

// -----

func.func @rope_rank(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects input ([..., seq, heads, head_dim]) of rank at least 3, but got 'tensor<8x64xf32>'}}
  %0 = xfuse.rope %x : tensor<8x64xf32>
  return
}

// -----

func.func @rope_dynamic_heads(%x: tensor<2x8x?x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects the last 2 dimensions of input ([..., seq, heads, head_dim]) to be static, but got 'tensor<2x8x?x64xf32>'}}
  %0 = xfuse.rope %x : tensor<2x8x?x64xf32>
  return
}

// -----

// In the generic form the rotary_dim rule must not look at a head_dim that
// is not there.
func.func @rope_generic_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{'xfuse.rope' op expects input ([..., seq, heads, head_dim]) of rank at least 3, but got 'tensor<f32>'}}
  %0 = "xfuse.rope"(%x) <{rotary_dim = 2 : i64}> : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @rope_generic_dynamic_head_dim(%x: tensor<2x8x4x?xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects the last 2 dimensions of input ([..., seq, heads, head_dim]) to be static, but got 'tensor<2x8x4x?xf32>'}}
  %0 = "xfuse.rope"(%x) : (tensor<2x8x4x?xf32>) -> tensor<2x8x4x?xf32>
  return
}

// -----

func.func @rope_odd_rotary_dim(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects an even rotary_dim in (0, head_dim = 64], but got 33}}
  %0 = xfuse.rope %x {rotary_dim = 33} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_odd_head_dim(%x: tensor<2x8x4x63xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects an even rotary_dim in (0, head_dim = 63], but got 63}}
  %0 = xfuse.rope %x : tensor<2x8x4x63xf32>
  return
}

// -----

func.func @rope_rotary_dim_too_large(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects an even rotary_dim in (0, head_dim = 64], but got 128}}
  %0 = xfuse.rope %x {rotary_dim = 128} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_rotary_dim_zero(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects an even rotary_dim in (0, head_dim = 64], but got 0}}
  %0 = xfuse.rope %x {rotary_dim = 0} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_rotary_dim_negative(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects an even rotary_dim in (0, head_dim = 64], but got -2}}
  %0 = xfuse.rope %x {rotary_dim = -2} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_zero_theta(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects a finite theta > 0, but got 0}}
  %0 = xfuse.rope %x {theta = 0.0 : f64} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_negative_theta(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects a finite theta > 0, but got -0.5}}
  %0 = xfuse.rope %x {theta = -0.5 : f64} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_positions_shape(%x: tensor<2x8x4x64xf32>, %p: tensor<2x4xi32>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions of shape [2, 8] (one per token), but got 'tensor<2x4xi32>'}}
  %0 = xfuse.rope %x positions %p : tensor<2x8x4x64xf32>, tensor<2x4xi32>
  return
}

// -----

func.func @rope_positions_f32(%x: tensor<2x8x4x64xf32>, %p: tensor<2x8xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions to be a ranked tensor of i32 or i64, but got 'tensor<2x8xf32>'}}
  %0 = xfuse.rope %x positions %p : tensor<2x8x4x64xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @rope_positions_i16(%x: tensor<2x8x4x64xf32>, %p: tensor<2x8xi16>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions to be a ranked tensor of i32 or i64, but got 'tensor<2x8xi16>'}}
  %0 = xfuse.rope %x positions %p : tensor<2x8x4x64xf32>, tensor<2x8xi16>
  return
}

// -----

func.func @rope_unknown_style(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+2 {{expected ::mlir::xfuse::RopeStyle to be one of: neox, gptj}}
  // expected-error @+1 {{failed to parse XFuse_RopeStyleAttr parameter 'value'}}
  %0 = xfuse.rope %x {style = #xfuse.rope_style<llama>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_dynamic_ntk_rotary_dim_2(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects rotary_dim > 2 for dynamic NTK scaling, whose exponent is rotary_dim / (rotary_dim - 2), but got 2}}
  %0 = xfuse.rope %x {rotary_dim = 2, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 2048>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_mrope_section_sum(%x: tensor<2x8x4x64xf32>, %p: tensor<3x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects mrope_section to sum to rotary_dim / 2 = 32, but got [16, 24, 24] summing to 64}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 16, 24, 24>} : tensor<2x8x4x64xf32>, tensor<3x2x8xi64>
  return
}

// -----

func.func @rope_mrope_section_two_rows(%x: tensor<2x8x4x64xf32>, %p: tensor<3x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects mrope_section of 3 pair counts >= 0 (temporal, height, width), but got [16, 16]}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 16, 16>} : tensor<2x8x4x64xf32>, tensor<3x2x8xi64>
  return
}

// -----

func.func @rope_mrope_section_negative(%x: tensor<2x8x4x64xf32>, %p: tensor<3x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects mrope_section of 3 pair counts >= 0 (temporal, height, width), but got [40, -4, -4]}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 40, -4, -4>} : tensor<2x8x4x64xf32>, tensor<3x2x8xi64>
  return
}

// -----

func.func @rope_mrope_positions_one_row(%x: tensor<2x8x4x64xf32>, %p: tensor<2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions with a leading dimension of 3 (temporal, height and width rows) with mrope_section, but got 'tensor<2x8xi64>'}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 8, 12, 12>} : tensor<2x8x4x64xf32>, tensor<2x8xi64>
  return
}

// -----

func.func @rope_rows_without_mrope_section(%x: tensor<2x8x4x64xf32>, %p: tensor<3x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions of one row per token without mrope_section, but got 'tensor<3x2x8xi64>'}}
  %0 = xfuse.rope %x positions %p : tensor<2x8x4x64xf32>, tensor<3x2x8xi64>
  return
}

// -----

func.func @rope_mrope_rows_shape(%x: tensor<2x8x4x64xf32>, %p: tensor<4x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions of shape [3, 2, 8] (rows of positions per token), but got 'tensor<4x2x8xi64>'}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 8, 12, 12>} : tensor<2x8x4x64xf32>, tensor<4x2x8xi64>
  return
}

// -----

func.func @rope_mrope_rows_dynamic(%x: tensor<2x8x4x64xf32>, %p: tensor<?x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects positions of shape [3, 2, 8] (rows of positions per token), but got 'tensor<?x2x8xi64>'}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 8, 12, 12>} : tensor<2x8x4x64xf32>, tensor<?x2x8xi64>
  return
}

// -----

func.func @rope_mrope_interleaved_alone(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects mrope_interleaved only with mrope_section}}
  %0 = xfuse.rope %x {mrope_interleaved} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @rope_mrope_per_call_scaling(%x: tensor<2x8x4x64xf32>, %p: tensor<3x2x8xi64>) {
  // expected-error @+1 {{'xfuse.rope' op expects no per-call scaling (dynamic NTK, LongRoPE) with mrope_section, but got #xfuse.dynamic_ntk_scaling<factor = 2.000000e+00, original_max_position = 2048>}}
  %0 = xfuse.rope %x positions %p {mrope_section = array<i64: 8, 12, 12>, scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 2048>} : tensor<2x8x4x64xf32>, tensor<3x2x8xi64>
  return
}

//===----------------------------------------------------------------------===//
// RoPE scaling attributes
//===----------------------------------------------------------------------===//

// -----

func.func @linear_scaling_factor_below_one(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite factor >= 1, but got 0.5}}
  %0 = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = 0.5>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @dynamic_ntk_factor_below_one(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite factor >= 1, but got 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.dynamic_ntk_scaling<factor = 0.0, original_max_position = 2048>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @dynamic_ntk_original_max_position(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects original_max_position > 0, but got 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_factor_below_one(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite factor >= 1, but got -4}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = -4.0, original_max_position = 4096>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_original_max_position(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects original_max_position > 0, but got -4096}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = -4096>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_beta_fast_not_above_beta_slow(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects finite beta_fast > beta_slow > 0, but got beta_fast = 1, beta_slow = 1}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 4096, beta_fast = 1.0, beta_slow = 1.0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_beta_slow_not_positive(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects finite beta_fast > beta_slow > 0, but got beta_fast = 32, beta_slow = 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 4096, beta_slow = 0.0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_negative_attention_factor(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite attention_factor >= 0, but got -1}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 4.0, original_max_position = 4096, attention_factor = -1.0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_mscale_not_finite(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite mscale_all_dim, but got inf}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 40.0, original_max_position = 4096, mscale = 1.0, mscale_all_dim = 0x7FF0000000000000 : f64>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_mscales_negative_attention_factor(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects mscale and mscale_all_dim from which a finite attention factor >= 0 follows, but got -2.468}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 100.0, original_max_position = 4096, mscale = -10.0, mscale_all_dim = 1.0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @yarn_truncate_not_a_flag(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+2 {{expected true or false, but got 0 : i64}}
  // expected-error @+1 {{failed to parse XFuse_YarnScalingAttr parameter 'truncate'}}
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 32.0, original_max_position = 4096, truncate = 0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @longrope_factors_length(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{'xfuse.rope' op expects short_factor and long_factor of rotary_dim / 2 = 4 entries (one per pair), but got 3}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_factors_lengths_differ(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects short_factor and long_factor of one length (rotary_dim / 2), but got 4 and 3}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_factor_entry_not_positive(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects finite long_factor entries > 0, but got 0 at pair 2}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 0, 4.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_empty_factors(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects a non-empty short_factor}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [], long_factor = []>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_factor_list_entry(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+2 {{expected a real number such as 2.0 or 2, but got "x"}}
  // expected-error @+1 {{failed to parse XFuse_LongRopeScalingAttr parameter 'short_factor'}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 131072, short_factor = [1.0, "x"], long_factor = [1.0, 1.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_no_attention_factor_source(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects factor, max_position or attention_factor, from which the attention factor follows, but got none of them}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_original_max_position(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects original_max_position > 0, but got 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 0, max_position = 131072, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_original_max_position_one(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects original_max_position > 1 when the attention factor is derived (it divides by ln(original_max_position)), but got 1}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 1, max_position = 4, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_max_position(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects max_position > 0, but got -1}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = -1, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_factor_not_positive(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects a finite factor > 0, but got 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, factor = 0, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_negative_attention_factor(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{expects a finite attention_factor >= 0, but got -0.5}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, attention_factor = -0.5, short_factor = [1.0, 1.0, 1.0, 1.0], long_factor = [1.0, 2.0, 4.0, 8.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @longrope_missing_long_factor(%x: tensor<2x8x4x8xf32>) {
  // expected-error @+1 {{struct is missing required parameter: long_factor}}
  %0 = xfuse.rope %x {scaling = #xfuse.longrope_scaling<original_max_position = 4096, max_position = 8192, short_factor = [1.0, 1.0, 1.0, 1.0]>} : tensor<2x8x4x8xf32>
  return
}

// -----

func.func @llama3_factor_below_one(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects a finite factor >= 1, but got 0.125}}
  %0 = xfuse.rope %x {scaling = #xfuse.llama3_scaling<factor = 0.125, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 8192>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @llama3_high_freq_not_above_low_freq(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects finite high_freq_factor > low_freq_factor > 0, but got low_freq_factor = 4, high_freq_factor = 1}}
  %0 = xfuse.rope %x {scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 4.0, high_freq_factor = 1.0, original_max_position = 8192>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @llama3_original_max_position(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{expects original_max_position > 0, but got 0}}
  %0 = xfuse.rope %x {scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0, high_freq_factor = 4.0, original_max_position = 0>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @scaling_real_parameter_not_a_number(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+2 {{expected a real number such as 2.0 or 2, but got "two"}}
  // expected-error @+1 {{failed to parse XFuse_LinearScalingAttr parameter 'factor'}}
  %0 = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = "two">} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @scaling_real_parameter_bool(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+2 {{expected a real number such as 2.0 or 2, but got true}}
  // expected-error @+1 {{failed to parse XFuse_LinearScalingAttr parameter 'factor'}}
  %0 = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = true>} : tensor<2x8x4x64xf32>
  return
}

// -----

func.func @scaling_wrong_attribute_kind(%x: tensor<2x8x4x64xf32>) {
  // expected-error @+1 {{'xfuse.rope' op attribute 'scaling' failed to satisfy constraint}}
  %0 = xfuse.rope %x {scaling = 3} : tensor<2x8x4x64xf32>
  return
}

//===----------------------------------------------------------------------===//
// linear
//===----------------------------------------------------------------------===//

// -----

func.func @linear_inner_dim_in_out(%x: tensor<4x16xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects weight of static shape [in, out] with in = 16 (the input's last dimension), but got 'tensor<8x16xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x16xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_inner_dim_out_in(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects weight of static shape [out, in] with in = 16 (the input's last dimension), but got 'tensor<16x8xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_weight_rank(%x: tensor<4x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects weight of static shape [in, out] with in = 16 (the input's last dimension), but got 'tensor<16xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @linear_dynamic_weight(%x: tensor<4x16xf32>, %w: tensor<16x?xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects weight of static shape [in, out] with in = 16 (the input's last dimension), but got 'tensor<16x?xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w : (tensor<4x16xf32>, tensor<16x?xf32>) -> tensor<4x?xf32>
  return
}

// -----

func.func @linear_bias_shape(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects bias of shape [8], but got 'tensor<16xf32>'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w bias %b : (tensor<4x16xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @linear_bias_element_type(%x: tensor<4x16xbf16>, %w: tensor<16x8xbf16>, %b: tensor<8xf32>) {
  // expected-error @+2 {{'xfuse.linear' op expects bias to have the element type of the input ('bf16'), but got 'f32'}}
  // expected-error @+1 {{'xfuse.linear' op failed to infer returned types}}
  %0 = xfuse.linear %x, %w bias %b : (tensor<4x16xbf16>, tensor<16x8xbf16>, tensor<8xf32>) -> tensor<4x8xbf16>
  return
}

// -----

func.func @linear_unknown_layout(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) {
  // expected-error @+2 {{expected ::mlir::xfuse::WeightLayout to be one of: in_out, out_in}}
  // expected-error @+1 {{failed to parse XFuse_WeightLayoutAttr parameter 'value'}}
  %0 = xfuse.linear %x, %w {weight_layout = #xfuse.weight_layout<row_major>} : (tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<4x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// activation, add, gate
//===----------------------------------------------------------------------===//

// -----

// Hugging Face's names (swish here) are the importer's: the dialect has one
// name per function.
func.func @activation_unknown_kind(%x: tensor<4x16xf32>) {
  // expected-error @+2 {{expected ::mlir::xfuse::ActivationKind to be one of: relu, gelu, gelu_tanh, silu, identity, quick_gelu, relu2}}
  // expected-error @+1 {{failed to parse XFuse_ActivationAttr parameter 'value'}}
  %0 = xfuse.activation %x {kind = #xfuse.activation<swish>} : tensor<4x16xf32>
  return
}

// -----

func.func @activation_missing_kind(%x: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.activation' op requires attribute 'kind'}}
  %0 = xfuse.activation %x : tensor<4x16xf32>
  return
}

// -----

func.func @add_rhs_not_suffix(%x: tensor<2x8x16xf32>, %y: tensor<2x16xf32>) {
  // expected-error @+1 {{'xfuse.add' op expects rhs of the shape of lhs [2, 8, 16] or of a suffix of it, but got 'tensor<2x16xf32>'}}
  %0 = xfuse.add %x, %y : tensor<2x8x16xf32>, tensor<2x16xf32>
  return
}

// -----

func.func @add_rhs_higher_rank(%x: tensor<8x16xf32>, %y: tensor<2x8x16xf32>) {
  // expected-error @+1 {{'xfuse.add' op expects rhs of the shape of lhs [8, 16] or of a suffix of it, but got 'tensor<2x8x16xf32>'}}
  %0 = xfuse.add %x, %y : tensor<8x16xf32>, tensor<2x8x16xf32>
  return
}

// -----

func.func @add_mixed_element_types(%x: tensor<8x16xf32>, %y: tensor<8x16xf16>) {
  // expected-error @+1 {{'xfuse.add' op expects rhs to have the element type of lhs ('f32'), but got 'f16'}}
  %0 = xfuse.add %x, %y : tensor<8x16xf32>, tensor<8x16xf16>
  return
}

// -----

func.func @gate_mismatched_up(%g: tensor<8x16xf32>, %u: tensor<8x32xf32>) {
  // expected-error @+1 {{'xfuse.gate' op failed to verify that all of {gate, up} have same type}}
  %0 = "xfuse.gate"(%g, %u) : (tensor<8x16xf32>, tensor<8x32xf32>) -> tensor<8x16xf32>
  return
}

// -----

// The clamped SwiGLU combines two operands: no activation of one.
func.func @activation_clamped_swiglu(%x: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.activation' op attribute 'kind' failed to satisfy constraint: activation function: relu, gelu, gelu_tanh, silu, identity, quick_gelu or relu2}}
  %0 = xfuse.activation %x {kind = #xfuse.clamped_swiglu<>} : tensor<4x16xf32>
  return
}

// -----

func.func @gate_not_a_gating(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{'xfuse.gate' op attribute 'activation' failed to satisfy constraint: gated product: #xfuse.activation or #xfuse.clamped_swiglu}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.pe_layout<half>} : tensor<4x16xf32>
  return
}

// -----

func.func @clamped_swiglu_zero_alpha(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{expects a finite alpha > 0, but got 0}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<alpha = 0.0>} : tensor<4x16xf32>
  return
}

// -----

func.func @clamped_swiglu_negative_limit(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{expects a finite limit > 0, but got -1}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<limit = -1>} : tensor<4x16xf32>
  return
}

// -----

func.func @clamped_swiglu_infinite_limit(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{expects a finite limit > 0, but got inf}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<limit = 0x7FF0000000000000 : f64>} : tensor<4x16xf32>
  return
}

// -----

func.func @clamped_swiglu_unknown_parameter(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+1 {{duplicate or unknown struct parameter name: beta}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<beta = 1.0>} : tensor<4x16xf32>
  return
}

// -----

func.func @clamped_swiglu_bool_limit(%g: tensor<4x16xf32>, %u: tensor<4x16xf32>) {
  // expected-error @+2 {{expected a real number such as 2.0 or 2, but got true}}
  // expected-error @+1 {{failed to parse XFuse_ClampedSwigluAttr parameter 'limit'}}
  %0 = xfuse.gate %g, %u {activation = #xfuse.clamped_swiglu<limit = true>} : tensor<4x16xf32>
  return
}

//===----------------------------------------------------------------------===//
// Norms
//===----------------------------------------------------------------------===//

// -----

func.func @rms_norm_weight_shape(%x: tensor<4x16xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'xfuse.rms_norm' op expects weight of shape [16], but got 'tensor<8xf32>'}}
  %0 = xfuse.rms_norm %x, %w : tensor<4x16xf32>, tensor<8xf32>
  return
}

// -----

func.func @rms_norm_nan_weight_offset(%x: tensor<4x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'xfuse.rms_norm' op expects a finite weight_offset, but got nan}}
  %0 = xfuse.rms_norm %x, %w {weight_offset = 0x7FF8000000000000 : f64} : tensor<4x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @rms_norm_zero_epsilon(%x: tensor<4x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'xfuse.rms_norm' op expects a finite epsilon > 0, but got 0}}
  %0 = xfuse.rms_norm %x, %w {epsilon = 0.0 : f64} : tensor<4x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @layer_norm_negative_epsilon(%x: tensor<4x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'xfuse.layer_norm' op expects a finite epsilon > 0, but got -1e-05}}
  %0 = xfuse.layer_norm %x, %w {epsilon = -1.0e-5 : f64} : tensor<4x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<4x16xf32>, %w: tensor<16xf32>, %b: tensor<1x16xf32>) {
  // expected-error @+1 {{'xfuse.layer_norm' op expects bias of shape [16], but got 'tensor<1x16xf32>'}}
  %0 = xfuse.layer_norm %x, %w bias %b : tensor<4x16xf32>, tensor<16xf32>, tensor<1x16xf32>
  return
}

// -----

func.func @layer_norm_weight_element_type(%x: tensor<4x16xf16>, %w: tensor<16xbf16>) {
  // expected-error @+1 {{'xfuse.layer_norm' op expects weight to have the element type of the input ('f16'), but got 'bf16'}}
  %0 = xfuse.layer_norm %x, %w : tensor<4x16xf16>, tensor<16xbf16>
  return
}

//===----------------------------------------------------------------------===//
// ffn, gated_ffn
//===----------------------------------------------------------------------===//

// -----

func.func @ffn_w1_inner_dim(%x: tensor<4x16xf32>, %w1: tensor<32x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op expects w1 of static shape [in, out] with in = 16 (the input's last dimension), but got 'tensor<32x64xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 : (tensor<4x16xf32>, tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_w2_inner_dim(%x: tensor<4x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<32x16xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op expects w2 of static shape [in, out] with in = 64 (the hidden size of w1), but got 'tensor<32x16xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<32x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_w2_inner_dim_out_in(%x: tensor<4x16xf32>, %w1: tensor<64x16xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op expects w2 of static shape [out, in] with in = 64 (the hidden size of w1), but got 'tensor<64x16xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<4x16xf32>, tensor<64x16xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_b1_shape(%x: tensor<4x16xf32>, %w1: tensor<16x64xf32>, %b1: tensor<16xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op expects b1 of shape [64], but got 'tensor<16xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1 bias %b1, %w2 : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<16xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_b2_shape(%x: tensor<4x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>, %b2: tensor<64xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op expects b2 of shape [16], but got 'tensor<64xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 bias %b2 : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>, tensor<64xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_w2_element_type(%x: tensor<4x16xbf16>, %w1: tensor<16x64xbf16>, %w2: tensor<64x16xf16>) {
  // expected-error @+2 {{'xfuse.ffn' op expects w2 to have the element type of the input ('bf16'), but got 'f16'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 : (tensor<4x16xbf16>, tensor<16x64xbf16>, tensor<64x16xf16>) -> tensor<4x16xbf16>
  return
}

// -----

// A plain FFN has no up projection for the clamped SwiGLU to gate.
func.func @ffn_clamped_swiglu(%x: tensor<4x16xf32>, %w1: tensor<16x32xf32>, %w2: tensor<32x16xf32>) {
  // expected-error @+1 {{'xfuse.ffn' op attribute 'activation' failed to satisfy constraint: activation function: relu, gelu, gelu_tanh, silu, identity, quick_gelu or relu2}}
  %0 = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.clamped_swiglu<>} : (tensor<4x16xf32>, tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @ffn_wrong_result(%x: tensor<4x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x32xf32>) {
  // expected-error @+2 {{'xfuse.ffn' op inferred type(s) 'tensor<4x32xf32>' are incompatible with return type(s) of operation 'tensor<4x16xf32>'}}
  // expected-error @+1 {{'xfuse.ffn' op failed to infer returned types}}
  %0 = xfuse.ffn %x, %w1, %w2 : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @gated_ffn_w_up_shape(%x: tensor<4x16xf32>, %wg: tensor<16x64xf32>, %wu: tensor<16x32xf32>, %wd: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.gated_ffn' op expects w_up of the same type as w_gate ('tensor<16x64xf32>'), but got 'tensor<16x32xf32>'}}
  // expected-error @+1 {{'xfuse.gated_ffn' op failed to infer returned types}}
  %0 = xfuse.gated_ffn %x, %wg, %wu, %wd : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<16x32xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @gated_ffn_b_up_shape(%x: tensor<4x16xf32>, %wg: tensor<16x64xf32>, %bu: tensor<16xf32>, %wd: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.gated_ffn' op expects b_up of shape [64], but got 'tensor<16xf32>'}}
  // expected-error @+1 {{'xfuse.gated_ffn' op failed to infer returned types}}
  %0 = xfuse.gated_ffn %x, %wg, %wg bias %bu, %wd : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @gated_ffn_w_down_inner_dim(%x: tensor<4x16xf32>, %wg: tensor<16x64xf32>, %wd: tensor<16x64xf32>) {
  // expected-error @+2 {{'xfuse.gated_ffn' op expects w_down of static shape [in, out] with in = 64 (the hidden size of w_gate), but got 'tensor<16x64xf32>'}}
  // expected-error @+1 {{'xfuse.gated_ffn' op failed to infer returned types}}
  %0 = xfuse.gated_ffn %x, %wg, %wg, %wd : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<4x64xf32>
  return
}

// -----

func.func @gated_ffn_wrong_result(%x: tensor<4x16xf32>, %wg: tensor<16x64xf32>, %wd: tensor<64x16xf32>) {
  // expected-error @+2 {{'xfuse.gated_ffn' op inferred type(s) 'tensor<4x16xf32>' are incompatible with return type(s) of operation 'tensor<4x16xf16>'}}
  // expected-error @+1 {{'xfuse.gated_ffn' op failed to infer returned types}}
  %0 = xfuse.gated_ffn %x, %wg, %wg, %wd : (tensor<4x16xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Parameter names of the generated entry points
//===----------------------------------------------------------------------===//

// expected-error @+1 {{expects 'xfuse.name' of argument 0 to be a non-empty string, but got 3 : i64}}
func.func @name_not_a_string(%x: tensor<4x8xbf16> {xfuse.name = 3}) {
  return
}

// -----

// expected-error @+1 {{expects 'xfuse.name' of result 0 to be a non-empty string, but got ""}}
func.func @empty_result_name(%x: tensor<4x8xbf16>) -> (tensor<4x8xbf16> {xfuse.name = ""}) {
  return %x : tensor<4x8xbf16>
}

// -----

// expected-error @+1 {{unknown attribute 'xfuse.nmae' on argument 1: the xfuse dialect defines 'xfuse.name' only}}
func.func @misspelt_name(%x: tensor<4x8xbf16>, %y: tensor<4x8xbf16> {xfuse.nmae = "y"}) {
  return
}
