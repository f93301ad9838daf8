// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-pipeline

// Errors point at the graph's op: the ops in kernel bodies keep their
// locations, so both projections of the ffn report at it.
func.func @unaligned(%x: tensor<?x100xbf16>, %w1: tensor<100x256xbf16>, %w2: tensor<256x100xbf16>) -> tensor<?x100xbf16> {
  // expected-error @+2 {{'xfuse.linear' op has 100 output features}}
  // expected-error @+1 {{'xfuse.linear' op has 100 input features, whose rows of 200 bytes are not the multiple of 16 bytes that tensor-core tile loads need}}
  %y = xfuse.ffn %x, %w1, %w2
      : (tensor<?x100xbf16>, tensor<100x256xbf16>, tensor<256x100xbf16>) -> tensor<?x100xbf16>
  return %y : tensor<?x100xbf16>
}

// -----

func.func @f32(%x: tensor<?x64xf32>, %w: tensor<64x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{cannot run on the sm_90a tensor cores}}
  %y = xfuse.linear %x, %w : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
