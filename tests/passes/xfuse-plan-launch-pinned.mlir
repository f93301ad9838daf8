// RUN: xfuse-opt %s --xfuse-plan-launch | FileCheck %s

// Benchmarks pin a plan by writing it on the kernel: the pass keeps it
// (here mma.sync on sm_90a) and plans the other kernels (here a short main
// loop: ping-pong 128x128).
// CHECK-LABEL: func.func @pinned
// CHECK: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = mma_sync, tile_m = 64, tile_n = 64, tile_k = 32, stages = 2, warps_m = 2, warps_n = 2>
// CHECK: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
func.func @pinned(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16>) -> (tensor<?x256xbf16>, tensor<?x256xbf16>) {
  %y = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan #xkernel.gemm_plan<target = sm_90a, mainloop = mma_sync, tile_m = 64, tile_n = 64, tile_k = 32, stages = 2, warps_m = 2, warps_n = 2>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %0 : tensor<?x256xbf16>
  }
  %z = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %b: tensor<256x256xbf16>):
    %0 = xfuse.linear %a, %b : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %0 : tensor<?x256xbf16>
  }
  return %y, %z : tensor<?x256xbf16>, tensor<?x256xbf16>
}
