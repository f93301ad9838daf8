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

// -----

// Two intermediates live at once, each of 2^62 bytes: the workspace's
// static bytes overflow int64.
// expected-error @+1 {{'func.func' op needs a workspace of more than 2^63 - 1 bytes (times its dynamic sizes)}}
func.func @workspace_overflow(%x: tensor<1152921504606846976xf32>, %y: tensor<1152921504606846976xf32>) -> tensor<1152921504606846976xf32> {
  %a = xkernel.pointwise(%x : tensor<1152921504606846976xf32>) -> tensor<1152921504606846976xf32> {
  ^bb0(%0: tensor<1152921504606846976xf32>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<1152921504606846976xf32>
    xkernel.yield %1 : tensor<1152921504606846976xf32>
  }
  %b = xkernel.pointwise(%y : tensor<1152921504606846976xf32>) -> tensor<1152921504606846976xf32> {
  ^bb0(%0: tensor<1152921504606846976xf32>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<1152921504606846976xf32>
    xkernel.yield %1 : tensor<1152921504606846976xf32>
  }
  %c = xkernel.pointwise(%a, %b : tensor<1152921504606846976xf32>, tensor<1152921504606846976xf32>) -> tensor<1152921504606846976xf32> {
  ^bb0(%0: tensor<1152921504606846976xf32>, %1: tensor<1152921504606846976xf32>):
    %2 = xfuse.add %0, %1 : tensor<1152921504606846976xf32>, tensor<1152921504606846976xf32>
    xkernel.yield %2 : tensor<1152921504606846976xf32>
  }
  return %c : tensor<1152921504606846976xf32>
}

// -----

func.func @result_bytes_overflow(%x: tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  // expected-error @+1 {{'xkernel.pointwise' op writes result #0 of type 'tensor<4294967296x4294967296xf32>', whose static sizes alone make more than 2^63 - 1 bytes}}
  %a = xkernel.pointwise(%x : tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  ^bb0(%0: tensor<4294967296x4294967296xf32>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<4294967296x4294967296xf32>
    xkernel.yield %1 : tensor<4294967296x4294967296xf32>
  }
  %b = xkernel.pointwise(%a : tensor<4294967296x4294967296xf32>) -> tensor<4294967296x4294967296xf32> {
  ^bb0(%0: tensor<4294967296x4294967296xf32>):
    %1 = xfuse.activation %0 {kind = #xfuse.activation<silu>} : tensor<4294967296x4294967296xf32>
    xkernel.yield %1 : tensor<4294967296x4294967296xf32>
  }
  return %b : tensor<4294967296x4294967296xf32>
}
