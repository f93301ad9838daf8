// What xfuse-reference-check reports for functions it cannot check; each
// fails its own line and the others still run.
// RUN: not xfuse-reference-check --seed=1 %s | FileCheck %s

// CHECK: FAIL @unsupported_op (seed 1): {{.*}}checker_errors.mlir:[[@LINE+2]]:{{[0-9]+}}: 'arith.negf': unsupported op
func.func @unsupported_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = arith.negf %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// Both dynamic sizes become 5, which the [8] suffix does not match: the
// verifier cannot know, the reference refuses.
// CHECK: FAIL @inconsistent_sizes (seed 1): {{.*}}'xfuse.add': add: rhs shape [8] must be a suffix of lhs shape [5]
func.func @inconsistent_sizes(%a: tensor<?xf32>, %b: tensor<8xf32>) -> tensor<?xf32> {
  %y = xfuse.add %a, %b : tensor<?xf32>, tensor<8xf32>
  return %y : tensor<?xf32>
}

// CHECK: FAIL @integer_result (seed 1): result type tensor<4xi32> is not a ranked tensor of f32, f16 or bf16
func.func @integer_result(%p: tensor<4xi32>) -> tensor<4xi32> {
  return %p : tensor<4xi32>
}

// CHECK: PASS @still_checked (f32, 1 result, max rel err {{.*}}, seed 1)
func.func @still_checked(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<relu>} : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
