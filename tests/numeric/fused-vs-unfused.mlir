// The fused kernel plan computes what the graph computes: each example runs
// on the CPU unfused and after the whole pipeline (kernel bodies inlined back),
// and both must match the float64 reference and each other.
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/sinusoidal_ffn_relu.mlir | FileCheck %s --check-prefix=PE-FFN
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/swiglu_ffn.mlir | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/linear_rope.mlir | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline,xfuse-inline-kernels" %S/../../examples/prenorm_ffn_residual.mlir | FileCheck %s --check-prefix=PRENORM
// RUN: xfuse-reference-check --fused-pipeline="xfuse-pipeline{target=sm_80},xfuse-inline-kernels" %s | FileCheck %s
// A pipeline that does not parse fails the check.
// RUN: not xfuse-reference-check --fused-pipeline="no-such-pass" %s | FileCheck %s --check-prefix=BAD

// PE-FFN: PASS @encoder_ffn ({{.*}}fused vs unfused
// SWIGLU: PASS @swiglu ({{.*}}fused vs unfused
// ROPE: PASS @query_rope ({{.*}}fused vs unfused
// PRENORM: PASS @prenorm_ffn ({{.*}}fused vs unfused
// BAD: FAIL @gelu_ffn_with_pe_residual {{.*}}: with --fused-pipeline
// BAD-NEXT: bad pass pipeline 'no-such-pass'

// Every fusion rule at once on sm_80: the encoding in its own kernel (it is
// also the residual), a gated GEMM, the residual add in the last epilogue.
// CHECK: PASS @gelu_ffn_with_pe_residual (bf16, 1 result, {{.*}}fused vs unfused
func.func @gelu_ffn_with_pe_residual(%x: tensor<?x8x64xbf16>, %wg: tensor<64x128xbf16>,
                                     %wu: tensor<64x128xbf16>, %wd: tensor<128x64xbf16>,
                                     %bd: tensor<64xbf16>) -> tensor<?x8x64xbf16> {
  %pe = xfuse.sinusoidal_pe %x : tensor<?x8x64xbf16>
  %y = xfuse.gated_ffn %pe, %wg, %wu, %wd bias %bd {activation = #xfuse.activation<gelu>}
      : (tensor<?x8x64xbf16>, tensor<64x128xbf16>, tensor<64x128xbf16>, tensor<128x64xbf16>, tensor<64xbf16>) -> tensor<?x8x64xbf16>
  %r = xfuse.add %y, %pe : tensor<?x8x64xbf16>, tensor<?x8x64xbf16>
  return %r : tensor<?x8x64xbf16>
}
