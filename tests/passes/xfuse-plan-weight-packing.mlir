// RUN: xfuse-opt %s --xfuse-plan-weight-packing | FileCheck %s

// An in_out weight is transposed to [N, K]; biases and activations get no
// packing.
// CHECK-LABEL: func.func @in_out
// CHECK-SAME: %{{[^:]*}}: tensor<?x64xbf16>,
// CHECK-SAME: %{{[^:]*}}: tensor<64x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
// CHECK-SAME: %{{[^:]*}}: tensor<256xbf16>)
func.func @in_out(%x: tensor<?x64xbf16>, %w: tensor<64x256xbf16>, %b: tensor<256xbf16>) -> tensor<?x256xbf16> {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %wa: tensor<64x256xbf16>, %ba: tensor<256xbf16>):
    %0 = xfuse.linear %a, %wa bias %ba : (tensor<?x64xbf16>, tensor<64x256xbf16>, tensor<256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %0 : tensor<?x256xbf16>
  }
  return %y : tensor<?x256xbf16>
}

// The gate and up weights of a gated GEMM are packed each on its own (the
// main loops load one B tile per product), whatever their order in the
// body; the down projection's out_in weight is already [N, K]. Two kernels
// wanting the same packing of one argument agree.
// CHECK-LABEL: func.func @gated
// CHECK-SAME: %{{[^:]*}}: tensor<?x64xbf16>,
// CHECK-SAME: %{{[^:]*}}: tensor<128x64xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>},
// CHECK-SAME: %{{[^:]*}}: tensor<128x64xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>},
// CHECK-SAME: %{{[^:]*}}: tensor<64x128xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>})
func.func @gated(%x: tensor<?x64xbf16>, %wu: tensor<128x64xbf16>, %wg: tensor<128x64xbf16>, %wd: tensor<64x128xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>) {
  %h = xkernel.gemm(%x, %wu, %wg : tensor<?x64xbf16>, tensor<128x64xbf16>, tensor<128x64xbf16>) -> tensor<?x128xbf16> {
  ^bb0(%a: tensor<?x64xbf16>, %u: tensor<128x64xbf16>, %g: tensor<128x64xbf16>):
    %0 = xfuse.linear %a, %u {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<128x64xbf16>) -> tensor<?x128xbf16>
    %1 = xfuse.linear %a, %g {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x64xbf16>, tensor<128x64xbf16>) -> tensor<?x128xbf16>
    %2 = xfuse.gate %1, %0 : tensor<?x128xbf16>
    xkernel.yield %2 : tensor<?x128xbf16>
  }
  %y = xkernel.gemm(%h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x128xbf16>, %d: tensor<64x128xbf16>):
    %0 = xfuse.linear %a, %d {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128xbf16>, tensor<64x128xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  %z = xkernel.gemm(%h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16>) -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x128xbf16>, %d: tensor<64x128xbf16>):
    %0 = xfuse.linear %a, %d {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128xbf16>, tensor<64x128xbf16>) -> tensor<?x64xbf16>
    xkernel.yield %0 : tensor<?x64xbf16>
  }
  return %y, %z : tensor<?x64xbf16>, tensor<?x64xbf16>
}

// A GEMM whose plan folds the encoding of its input into the weight: the
// weight is packed with the encoding's table for its 128 positions.
// CHECK-LABEL: func.func @folded
// CHECK-SAME: %{{[^:]*}}: tensor<?x128x64xbf16>,
// CHECK-SAME: %{{[^:]*}}: tensor<128x64xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in, folded_positions = 128>})
func.func @folded(%x: tensor<?x128x64xbf16>, %w: tensor<128x64xbf16>) -> tensor<?x128x128xbf16> {
  %y = xkernel.gemm(%x, %w : tensor<?x128x64xbf16>, tensor<128x64xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 2, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x128xbf16> {
  ^bb0(%a: tensor<?x128x64xbf16>, %wa: tensor<128x64xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x128x64xbf16>
    %0 = xfuse.linear %pe, %wa {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128x64xbf16>, tensor<128x64xbf16>) -> tensor<?x128x128xbf16>
    xkernel.yield %0 : tensor<?x128x128xbf16>
  }
  return %y : tensor<?x128x128xbf16>
}
