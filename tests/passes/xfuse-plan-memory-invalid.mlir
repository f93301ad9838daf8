// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-plan-memory

// The token count of %e comes from an index, not from an argument's shape.
func.func @untraceable(%n: index) -> tensor<?x64xbf16> {
  %e = tensor.empty(%n) : tensor<?x64xbf16>
  // expected-error @+1 {{writes result #0, whose dynamic sizes do not come from the function's arguments, so its workspace size is unknown}}
  %a = xkernel.pointwise(%e : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%0: tensor<?x64xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  %b = xkernel.pointwise(%a : tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%0: tensor<?x64xbf16>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<?x64xbf16>
    xkernel.yield %1 : tensor<?x64xbf16>
  }
  return %b : tensor<?x64xbf16>
}
