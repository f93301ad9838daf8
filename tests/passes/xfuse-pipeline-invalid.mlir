// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline

// Errors point at the graph's op: the ops in kernel bodies keep their
// locations, so both projections of the ffn report at it.
func.func @unaligned(%x: tensor<?x100xbf16>, %w1: tensor<100x256xbf16>, %w2: tensor<256x100xbf16>) -> tensor<?x100xbf16> {
  // expected-error @+2 {{'xfuse.linear' op has 100 output features}}
  // expected-error @+1 {{'xfuse.linear' op has 100 input features, whose rows of 200 bytes are not the multiple of 16 bytes that GEMM tile loads need}}
  %y = xfuse.ffn %x, %w1, %w2
      : (tensor<?x100xbf16>, tensor<100x256xbf16>, tensor<256x100xbf16>) -> tensor<?x100xbf16>
  return %y : tensor<?x100xbf16>
}

// -----

// What the emitter cannot print is reported where the graph has it.
func.func @constant_norm_weight(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{'arith.constant' op cannot be emitted: it is a constant outside the kernels, which read their operands from memory: pass it as a function argument}}
  %g = arith.constant dense<1.0> : tensor<64xbf16>
  %y = xfuse.rms_norm %x, %g : tensor<?x64xbf16>, tensor<64xbf16>
  return %y : tensor<?x64xbf16>
}
