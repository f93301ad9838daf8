// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-plan-weight-packing

func.func @constant_weight(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-note @+1 {{weight defined here}}
  %w = arith.constant dense<1.0> : tensor<64x64xbf16>
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{expects its weight to be a function argument, which the runtime packs once when it is passed in; a weight defined in the function would be repacked on every call}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// One square argument read as [K, N] by one projection and as [N, K] by
// another would need two packed copies.
func.func @two_layouts(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-note @+1 {{wanted here}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  %z = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{wants argument #1 packed as #xkernel.weight_packing<source = out_in>, but it is also wanted as #xkernel.weight_packing<source = in_out>}}
    %0 = xfuse.linear %a, %b {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y, %z : tensor<?x64xbf16>, tensor<?x64xbf16>
}
