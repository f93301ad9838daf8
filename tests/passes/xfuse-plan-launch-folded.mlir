// RUN: xfuse-opt %s --xfuse-plan-launch -split-input-file | FileCheck %s

// A GEMM whose body encodes its input (as --xfuse-form-kernels forms it
// where the fold pays) gets the plan of the same GEMM without the encoding,
// folding it: bert_pe_ffn's first GEMM, ping-pong 128x128 for its short
// main loop, its table 512 x 3072 bf16.
// CHECK-LABEL: func.func @bert_first_gemm
// CHECK: plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong, prologue = folded>
func.func @bert_first_gemm(%x: tensor<?x512x768xbf16>, %w: tensor<3072x768xbf16>, %b: tensor<3072xbf16>) -> tensor<?x512x3072xbf16> {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x512x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>) -> tensor<?x512x3072xbf16> {
  ^bb0(%a: tensor<?x512x768xbf16>, %wa: tensor<3072x768xbf16>, %ba: tensor<3072xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x512x768xbf16>
    %0 = xfuse.linear %pe, %wa bias %ba {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x512x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>) -> tensor<?x512x3072xbf16>
    %1 = xfuse.activation %0 {kind = #xfuse.activation<relu>} : tensor<?x512x3072xbf16>
    xkernel.yield %1 : tensor<?x512x3072xbf16>
  }
  return %y : tensor<?x512x3072xbf16>
}
