// Malformed input is reported, never crashes the tool: every chunk below
// fails with a diagnostic, `not` fails on a crash as well as on success, and
// no crash report is printed.

// RUN: not xfuse-opt %s -split-input-file 2>&1 | FileCheck %s
// RUN: not xfuse-opt %s -split-input-file 2>&1 | FileCheck %s --check-prefix=NOCRASH
// RUN: not xfuse-translate --emit-cuda %s -split-input-file 2>&1 | FileCheck %s --check-prefixes=NOCRASH,TRANSLATE

// NOCRASH-NOT: PLEASE submit a bug report
// NOCRASH-NOT: Stack dump

// CHECK: tool-errors.mlir:[[@LINE+3]]:{{.*}} error: expected ')'
func.func @unbalanced(%x: tensor<4x8xf32> {
  return
}

// -----

func.func @unknown_op(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: custom op 'xfuse.bogus' is unknown
  %0 = xfuse.bogus %x : tensor<4x8xf32>
  return
}

// -----

func.func @unknown_generic_op(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: unregistered operation 'xfuse.bogus' found in dialect ('xfuse') that does not allow unknown operations
  %0 = "xfuse.bogus"(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @base_string(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'base' failed to satisfy constraint: 64-bit float attribute
  %0 = xfuse.sinusoidal_pe %x {base = "x"} : tensor<4x8xf32>
  return
}

// -----

func.func @rotary_dim_real(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'rotary_dim' failed to satisfy constraint: 64-bit signless integer attribute
  %0 = xfuse.rope %x {rotary_dim = 1.5} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @scaling_integer(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'scaling' failed to satisfy constraint: RoPE frequency scaling: #xfuse.linear_scaling, #xfuse.dynamic_ntk_scaling, #xfuse.yarn_scaling, #xfuse.longrope_scaling or #xfuse.llama3_scaling
  %0 = xfuse.rope %x {scaling = 3} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @scaling_wrong_attribute(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'scaling' failed to satisfy constraint: RoPE frequency scaling
  %0 = xfuse.rope %x {scaling = #xfuse.activation<relu>} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @style_integer(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'style' failed to satisfy constraint: rotary pairing style: neox or gptj
  %0 = xfuse.rope %x {style = 1 : i32} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @kind_string(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'kind' failed to satisfy constraint: activation function: relu, gelu, gelu_tanh, silu, identity, quick_gelu or relu2
  %0 = xfuse.activation %x {kind = "relu"} : tensor<4x8xf32>
  return
}

// -----

func.func @layout_wrong_enum(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: {{.*}}attribute 'weight_layout' failed to satisfy constraint: weight matrix layout: in_out or out_in
  %0 = xfuse.linear %x, %w {weight_layout = #xfuse.pe_layout<half>} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @unknown_attribute(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: unknown attribute `cubic_scaling` in dialect `xfuse`
  %0 = xfuse.rope %x {scaling = #xfuse.cubic_scaling<factor = 2.0>} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @scaling_missing_parameter(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: expected ','
  %0 = xfuse.rope %x {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0>} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @scaling_unknown_parameter(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: duplicate or unknown struct parameter name: beta
  %0 = xfuse.rope %x {scaling = #xfuse.yarn_scaling<factor = 2.0, original_max_position = 4096, beta = 1.0>} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @scaling_integer_parameter_real(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: expected integer value
  %0 = xfuse.rope %x {scaling = #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 1.5>} : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @truncated_attribute(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: unbalanced '<' character in pretty dialect name
  %0 = xfuse.rope %x {scaling = #xfuse.linear_scaling<factor = } : tensor<2x4x2x8xf32>
  return
}

// -----

func.func @missing_type(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: expected non-function type
  %0 = xfuse.sinusoidal_pe %x :
  return
}

// -----

func.func @too_few_types(%x: tensor<2x4x8xf32>, %p: tensor<2x4xi32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: custom op 'xfuse.sinusoidal_pe' number of operands and types do not match: got 2 operands and 1 types
  %0 = xfuse.sinusoidal_pe %x positions %p : tensor<2x4x8xf32>
  return
}

// -----

func.func @scalar_operands(%a: f32, %b: f32) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: 'xfuse.add' op expects lhs to be a ranked tensor of f32, f16 or bf16, but got 'f32'
  %0 = xfuse.add %a, %b : f32, f32
  return
}

// -----

func.func @undefined_value(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: use of undeclared SSA value name
  %0 = xfuse.activation %y {kind = #xfuse.activation<relu>} : tensor<4x8xf32>
  return
}

// -----

func.func @generic_missing_operands(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: 'xfuse.ffn' op expected 3 or more operands, but found 1
  %0 = "xfuse.ffn"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0, 0, 0>}> : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @generic_bad_segments(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: invalid properties {operandSegmentSizes = array<i32: 1, 1>} for op xfuse.gated_ffn
  %0 = "xfuse.gated_ffn"(%x, %w, %w, %w) <{operandSegmentSizes = array<i32: 1, 1>}> : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @generic_inconsistent_segments(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: 'xfuse.ffn' op operand count (3) does not match with the total size (5) specified in attribute 'operandSegmentSizes'
  %0 = "xfuse.ffn"(%x, %w, %w) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @generic_no_result(%x: tensor<4x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: 'xfuse.activation' op requires one result
  "xfuse.activation"(%x) {kind = #xfuse.activation<relu>} : (tensor<4x8xf32>) -> ()
  return
}

// -----

func.func @generic_property_kind(%x: tensor<2x4x2x8xf32>) {
  // CHECK: tool-errors.mlir:[[@LINE+1]]:{{.*}} error: invalid properties {rotary_dim = 2.000000e+00 : f64} for op xfuse.rope
  %0 = "xfuse.rope"(%x) <{rotary_dim = 2.0}> : (tensor<2x4x2x8xf32>) -> tensor<2x4x2x8xf32>
  return
}

// -----

// MLIR 22's own verifier crashes on an empty group (tools/common/ToolInput.h).
func.func @expand_shape_empty_group(%x: tensor<4x8xf32>) -> tensor<4x2x4xf32> {
  // CHECK: tool-errors.mlir:[[@LINE+2]]:{{.*}} error: 'tensor.expand_shape' op expects every reassociation group to hold at least one result dimension, but group 1 is empty
  // TRANSLATE: error: 'tensor.expand_shape' op expects every reassociation group to hold at least one result dimension, but group 1 is empty
  %0 = tensor.expand_shape %x [[0], []] output_shape [4, 2, 4] : tensor<4x8xf32> into tensor<4x2x4xf32>
  return %0 : tensor<4x2x4xf32>
}
