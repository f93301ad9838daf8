// The fused kernel plan computes what the graph computes: each example runs
// on the CPU unfused and after the whole pipeline (kernel bodies inlined back),
// both must match the float64 reference, and they must match each other bit
// for bit: the inlined plan runs the graph's own building blocks, each
// rounding its result to the element type.
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/sinusoidal_ffn_relu.mlir | FileCheck %s --check-prefix=PE-FFN
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/linear_rope.mlir | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/prenorm_ffn_residual.mlir | FileCheck %s --check-prefix=PRENORM
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s
// A pipeline that does not parse fails the check.
// RUN: not xfuse-reference-check --fused-pipeline="no-such-pass" %s | FileCheck %s --check-prefix=BAD
// Two ranks round their partial outputs to bf16 and sum them: within the
// reference's tolerance, but not bit-identical to one GEMM, which fails
// unless --fused-max-ulps allows the two added roundings (an ulp each).
// RUN: not xfuse-reference-check --seed=1 --fused-pipeline="func.func(xfuse-shard-tensor-parallel{ranks=2}),xfuse-expand-ranks" %s | FileCheck %s --check-prefix=REORDERED
// RUN: xfuse-reference-check --fused-max-ulps=2 --fused-pipeline="func.func(xfuse-shard-tensor-parallel{ranks=2}),xfuse-expand-ranks" %s | FileCheck %s --check-prefix=BOUNDED

// PE-FFN: PASS @encoder_ffn ({{.*}}, fused vs unfused bit-identical, seed
// SWIGLU: PASS @swiglu ({{.*}}, fused vs unfused bit-identical, seed
// ROPE: PASS @query_rope ({{.*}}, fused vs unfused bit-identical, seed
// PRENORM: PASS @prenorm_ffn ({{.*}}, fused vs unfused bit-identical, seed
// BAD: FAIL @gelu_ffn_with_pe_residual {{.*}}: with --fused-pipeline
// BAD-NEXT: bad pass pipeline 'no-such-pass'
// REORDERED: FAIL @gelu_ffn_with_pe_residual (bf16, 1 result, {{.*}}, fused vs unfused max diff {{.*}} (bound 0.0e+00), seed 1): fused vs unfused: result #0 differs in {{[0-9]+}} of 2560 elements, the most at flat index {{[0-9]+}}: fused {{.*}}, unfused {{.*}}, reference {{.*}} (bit-identity required)
// BOUNDED: PASS @gelu_ffn_with_pe_residual (bf16, 1 result, {{.*}}, fused vs unfused max diff {{.*}} (bound {{.*}}), seed

// Every fusion rule at once on sm_80: the encoding in its own kernel (it is
// also the residual), a gated GEMM, the residual add in the last epilogue.
// CHECK: PASS @gelu_ffn_with_pe_residual (bf16, 1 result, {{.*}}, fused vs unfused bit-identical, seed
func.func @gelu_ffn_with_pe_residual(%x: tensor<?x8x64xbf16>, %wg: tensor<64x128xbf16>,
                                     %wu: tensor<64x128xbf16>, %wd: tensor<128x64xbf16>,
                                     %bd: tensor<64xbf16>) -> tensor<?x8x64xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x8x64xbf16>
  %y = xfuse.gated_ffn %pe, %wg, %wu, %wd bias %bd {activation = #xfuse.activation<gelu>}
      : (tensor<?x8x64xbf16>, tensor<64x128xbf16>, tensor<64x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x8x64xbf16>
  %r = xfuse.add %y, %pe : tensor<?x8x64xbf16>, tensor<?x8x64xbf16>
  return %r : tensor<?x8x64xbf16>
}
