// Tests of xfuse-reference-check itself.

// It reports the seed it was given and skips functions marked
// xfuse.skip_check.
// RUN: xfuse-reference-check --seed=42 %s | FileCheck %s
// CHECK: PASS @gelu (f32, 1 result, max rel err {{.*}}, max elem err {{.*}}, seed 42)
// CHECK-NOT: @skipped
// CHECK: PASS @two_results (f32/bf16, 2 results, max rel err {{.*}}, seed 42)

// It fails when the reference is off by 1e-2, for f32 and bf16 results.
// RUN: not xfuse-reference-check --perturb-reference %s \
// RUN:   | FileCheck %s --check-prefix=PERTURBED
// PERTURBED: FAIL @gelu (f32, 1 result, max rel err {{.*}}): result #0 rel err {{.*}} > tolerance 1.0e-05, max elem err {{.*}} > 1.0e-04 (10 x tolerance)
// PERTURBED: FAIL @two_results (f32/bf16, 2 results, {{.*}}): result #0 rel err {{.*}} > tolerance 1.0e-05, {{.*}}; result #1 rel err {{.*}} > tolerance 1.0e-02

// It fails when a single element is off by more than 10 x the tolerance of
// the reference's RMS, which the relative L2 error of @gelu's 1024 elements
// lets through.
// RUN: not xfuse-reference-check --perturb-reference-element %s \
// RUN:   | FileCheck %s --check-prefix=ELEMENT
// ELEMENT: FAIL @gelu (f32, 1 result, max rel err {{.*}}): result #0 max elem err {{.*}} > 1.0e-04 (10 x tolerance){{$}}

// A file that does not parse is an error with the parser's message.
// RUN: echo "func.func @broken(" > %t.mlir
// RUN: not xfuse-reference-check %t.mlir 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: error:

func.func @gelu(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = xfuse.activation %x {kind = #xfuse.activation<gelu>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// Would fail: the reference evaluates xfuse ops only.
func.func @skipped(%x: tensor<4xf32>) -> tensor<4xf32> attributes {xfuse.skip_check} {
  %y = arith.negf %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// Outputs of magnitude well below 1, so that the perturbation of 1e-2 exceeds
// the bf16 tolerance too.
func.func @two_results(%x: tensor<8x16xf32>, %y: tensor<8x16xbf16>)
    -> (tensor<8x16xf32>, tensor<8x16xbf16>) {
  %a = xfuse.activation %x {kind = #xfuse.activation<silu>} : tensor<8x16xf32>
  %b = xfuse.activation %y {kind = #xfuse.activation<silu>} : tensor<8x16xbf16>
  return %a, %b : tensor<8x16xf32>, tensor<8x16xbf16>
}
