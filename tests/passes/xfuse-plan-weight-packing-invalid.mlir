// RUN: xfuse-opt %s -split-input-file -verify-diagnostics --xfuse-plan-weight-packing

func.func @no_plan(%x: tensor<?x64xbf16>, %w: tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  // expected-error @+1 {{has no launch plan, whose tile_n the weight packing depends on; run --xfuse-plan-launch first}}
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

func.func @constant_weight(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  // expected-note @+1 {{weight defined here}}
  %w = arith.constant dense<1.0> : tensor<64x64xbf16>
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x64xbf16>):
    // expected-error @+1 {{expects its weight to be a function argument, which the runtime packs once when it is passed in; a weight defined in the function would be repacked on every call}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x64xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y : tensor<?x64xbf16>
}

// -----

// One argument as both the gate and the up weight cannot be interleaved
// with itself.
func.func @shared_gate_up(%x: tensor<?x64xbf16>, %w: tensor<64x128xbf16>) -> tensor<?x128xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x64xbf16>, tensor<64x128xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x128xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %b: tensor<64x128xbf16>):
    // expected-note @+1 {{wanted here}}
    %0 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x128xbf16>
    // expected-error @+1 {{wants argument #1 packed as #xkernel.weight_packing<source = in_out, interleave = <half = up, block_n = 128, partner = 1>>, but it is also wanted as #xkernel.weight_packing<source = in_out, interleave = <half = gate, block_n = 128, partner = 1>>}}
    %1 = xfuse.linear %a, %b : (tensor<?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x128xbf16>
    %2 = xfuse.gate %0, %1 : tensor<?x128xbf16>
    xkernel.yield %2 : tensor<?x128xbf16>
  }
  return %y : tensor<?x128xbf16>
}
