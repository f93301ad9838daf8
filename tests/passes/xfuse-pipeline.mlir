// The examples compile to the kernels they are meant to show.
// RUN: xfuse-opt %S/../../examples/sinusoidal_ffn_relu.mlir --xfuse-pipeline | FileCheck %s --check-prefix=SINUSOIDAL
// RUN: xfuse-opt %S/../../examples/swiglu_ffn.mlir --xfuse-pipeline | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-opt %S/../../examples/linear_rope.mlir --xfuse-pipeline | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-opt %S/../../examples/prenorm_ffn_residual.mlir --xfuse-pipeline | FileCheck %s --check-prefix=PRENORM
// The target reaches form-kernels and plan-launch; f32 and RoPE graphs.
// RUN: xfuse-opt %s --xfuse-pipeline="target=sm_80" | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: xfuse-opt %s --xfuse-pipeline="target=sm_90a" | FileCheck %s --check-prefixes=CHECK,SM90
// The fusion report.
// RUN: xfuse-opt %S/../../examples/sinusoidal_ffn_relu.mlir --xfuse-pipeline="report=true" -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// The report names the frequency launch of a LongRoPE.
// RUN: xfuse-opt %S/../gpu/generated/graphs/rope_longrope.mlir --xfuse-pipeline="report=true" -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=PER-CALL

// The encoding as its own kernel (no GEMM main loop has a prologue), bias
// and ReLU in the first GEMM's epilogue, the second bias in the second
// GEMM: three kernels, and nothing else in the function. d = 256 main loops
// are short, so the GEMMs take 128-wide ping-pong tiles.
// SINUSOIDAL-LABEL: func.func @encoder_ffn
// SINUSOIDAL-SAME: %[[X:[^:]*]]: tensor<?x64x256xbf16> {xfuse.name = "x"},
// SINUSOIDAL-SAME: %[[W1:[^:]*]]: tensor<256x1024xbf16> {xfuse.name = "w1", xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
// SINUSOIDAL-SAME: %[[B1:[^:]*]]: tensor<1024xbf16> {xfuse.name = "b1"},
// SINUSOIDAL-SAME: %[[W2:[^:]*]]: tensor<1024x256xbf16> {xfuse.name = "w2", xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
// SINUSOIDAL-SAME: %[[B2:[^:]*]]: tensor<256xbf16> {xfuse.name = "b2"})
// SINUSOIDAL-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #{{.*}}>}
// SINUSOIDAL-NEXT: %[[PE:.*]] = xkernel.pointwise(%[[X]] : {{.*}}) plan <target = sm_90a, threads = 256, vector_width = 8> {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #{{.*}}>]} -> tensor<?x64x256xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.sinusoidal_pe
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL-NEXT: }
// SINUSOIDAL-NEXT: %[[H:.*]] = xkernel.gemm(%[[PE]], %[[W1]], %[[B1]] : {{.*}}) plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong> {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #{{.*}}>]} -> tensor<?x64x1024xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.linear {{.*}} bias
// SINUSOIDAL-NEXT: xfuse.activation {{.*}}relu
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL-NEXT: }
// SINUSOIDAL-NEXT: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[W2]], %[[B2]] : {{.*}}) plan <{{.*}}> -> tensor<?x64x256xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.linear {{.*}} bias
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL-NEXT: }
// SINUSOIDAL-NEXT: return %[[Y]]

// Gate and up projections share one GEMM whose epilogue applies the gate;
// each weight is packed on its own.
// SWIGLU-LABEL: func.func @swiglu
// SWIGLU-SAME: %[[X:[^:]*]]: tensor<?x256xbf16>,
// SWIGLU-SAME: %[[WG:[^:]*]]: tensor<688x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>},
// SWIGLU-SAME: %[[WU:[^:]*]]: tensor<688x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>},
// SWIGLU-SAME: %[[WD:[^:]*]]: tensor<256x688xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>})
// SWIGLU-NOT: xkernel.pointwise
// SWIGLU: %[[H:.*]] = xkernel.gemm(%[[X]], %[[WG]], %[[WU]] : {{.*}}) plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2> {{.*}} -> tensor<?x688xbf16>
// SWIGLU-NEXT: ^bb0
// SWIGLU-NEXT: %[[G:.*]] = xfuse.linear
// SWIGLU-NEXT: %[[U:.*]] = xfuse.linear
// SWIGLU-NEXT: xfuse.gate %[[G]], %[[U]]
// SWIGLU-NEXT: xkernel.yield
// SWIGLU: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[WD]] : {{.*}}) plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, {{.*}}, schedule = ping_pong> -> tensor<?x256xbf16>
// SWIGLU-NEXT: ^bb0
// SWIGLU-NEXT: xfuse.linear
// SWIGLU-NEXT: xkernel.yield
// SWIGLU-NOT: xkernel.pointwise
// SWIGLU: return %[[Y]]

// One GEMM: the split into heads, its size computed in the kernel, and the
// RoPE run in its epilogue. Nothing is left for the workspace, nor outside
// the kernel.
// ROPE-LABEL: func.func @query_rope
// ROPE-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #{{.*}}>}
// ROPE-NEXT: %[[Q:.*]] = xkernel.gemm({{.*}}) plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, {{.*}}, schedule = ping_pong> -> tensor<?x32x4x64xbf16>
// ROPE: xfuse.linear
// ROPE: tensor.dim
// ROPE-NEXT: tensor.expand_shape
// ROPE-NEXT: xfuse.rope
// ROPE-NEXT: xkernel.yield
// ROPE-NEXT: }
// ROPE-NEXT: return %[[Q]]

// A row-reducing pointwise kernel for the norm, then two GEMMs; the
// residual add runs in the second one's epilogue. Both intermediates are
// live at once: 512 + 2048 bytes per token.
// PRENORM: #[[PRENORM_WS:.*]] = affine_map<()[s0] -> (s0 * 2560)>
// PRENORM-LABEL: func.func @prenorm_ffn
// PRENORM-SAME: (%[[X:[^:]*]]: tensor<?x256xbf16>,
// PRENORM-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #[[PRENORM_WS]]>}
// PRENORM: %[[N:.*]] = xkernel.pointwise(%[[X]], {{.*}}) plan <target = sm_90a, threads = 256, vector_width = 8, rows_per_block = 1>
// PRENORM-NEXT: ^bb0
// PRENORM-NEXT: xfuse.rms_norm
// PRENORM-NEXT: xkernel.yield
// PRENORM: %[[H:.*]] = xkernel.gemm(%[[N]], {{.*}}) plan
// PRENORM-NEXT: ^bb0
// PRENORM-NEXT: xfuse.linear
// PRENORM-NEXT: xfuse.activation {{.*}}gelu
// PRENORM-NEXT: xkernel.yield
// PRENORM: %[[Y:.*]] = xkernel.gemm(%[[H]], {{.*}}, %[[X]] : {{.*}}) plan
// PRENORM-NEXT: ^bb0({{.*}}, %[[R:[^:]*]]: tensor<?x256xbf16>)
// PRENORM-NEXT: %[[P:.*]] = xfuse.linear
// PRENORM-NEXT: xfuse.add %[[R]], %[[P]]
// PRENORM-NEXT: xkernel.yield
// PRENORM-NOT: xkernel.
// PRENORM: return %[[Y]]

// 16 decode tokens through a SwiGLU FFN. sm_90a: both GEMMs run with
// swapped operands (the tokens as wgmma's n = 16); the paired GEMM's 172
// tiles of 64 features run two per SM with the 6 stages of gate and up
// tiles that fit, the down projection's 64 tiles in clusters of 2 k-slices,
// one block per SM. sm_80: the mma.sync main loop has no split-K, so both
// GEMMs take its 128x128 tiles whole.
// CHECK-LABEL: func.func @decode_swiglu
// SM90: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 6, warpgroups = 1>
// SM90: xfuse.gate
// SM90: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 12, warpgroups = 1, split_k = 2>
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
// SM80: xfuse.gate
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 2, warps_n = 4>
func.func @decode_swiglu(%x: tensor<16x4096xbf16>, %wg: tensor<11008x4096xbf16>, %wu: tensor<11008x4096xbf16>,
                         %wd: tensor<4096x11008xbf16>) -> tensor<16x4096xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x4096xbf16>, tensor<11008x4096xbf16>, tensor<11008x4096xbf16>, tensor<4096x11008xbf16>)
      -> tensor<16x4096xbf16>
  return %y : tensor<16x4096xbf16>
}

// One remark per kernel with its plan, a note per fused op at the op's own
// location, and a summary per function.
// REPORT: sinusoidal_ffn_relu.mlir:12:8: remark: kernel 0 of @encoder_ffn: xkernel.pointwise with plan #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>
// REPORT: sinusoidal_ffn_relu.mlir:12:8: note: fuses xfuse.sinusoidal_pe
// REPORT: sinusoidal_ffn_relu.mlir:14:8: remark: kernel 1 of @encoder_ffn: xkernel.gemm with plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// REPORT: sinusoidal_ffn_relu.mlir:14:8: note: product xfuse.linear
// REPORT: sinusoidal_ffn_relu.mlir:14:8: note: epilogue xfuse.activation
// REPORT: sinusoidal_ffn_relu.mlir:14:8: remark: kernel 2 of @encoder_ffn: xkernel.gemm with plan #xkernel.gemm_plan<
// REPORT: sinusoidal_ffn_relu.mlir:14:8: note: product xfuse.linear
// REPORT: sinusoidal_ffn_relu.mlir:6:1: remark: @encoder_ffn: 3 kernels, #xkernel.workspace<bytes = affine_map<()[s0] -> (s0 * 163840)>>

// PER-CALL: rope_longrope.mlir:10:8: remark: kernel 0 of @longrope: xkernel.pointwise
// PER-CALL: rope_longrope.mlir:10:8: note: fuses xfuse.rope, after a one-block launch that writes its frequencies for the call's largest position
// PER-CALL: remark: kernel 0 of @longrope_q: xkernel.gemm
// PER-CALL: note: product xfuse.linear
// PER-CALL: note: epilogue xfuse.rope, after a one-block launch that writes its frequencies for the call's largest position

// Phi-2's query projection and RoPE (heads of 80, 32 features rotated): on
// sm_80 one GEMM of 160-wide tiles, 4 x 2 warps of one head each; no Hopper
// tile holds whole heads, so there the RoPE is a pointwise kernel.
// CHECK-LABEL: func.func @phi_query
// SM80-NEXT: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 160, tile_k = 64, stages = 4, warps_m = 4, warps_n = 2>
// SM80: xfuse.rope
// SM80-NEXT: xkernel.yield
// SM80-NEXT: }
// SM80-NEXT: return
// SM90-NEXT: %[[Q:.*]] = xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2>
// SM90: xkernel.pointwise(%[[Q]], {{.*}}) plan <target = sm_90a, threads = 256, vector_width = 8>
// SM90: tensor.expand_shape
// SM90-NEXT: xfuse.rope
// SM90-NEXT: xkernel.yield
// SM90-NEXT: }
// SM90-NEXT: return
func.func @phi_query(%x: tensor<?x2560xbf16>, %w: tensor<2560x2560xbf16>, %pos: tensor<?xi32>) -> tensor<?x32x80xbf16> {
  %q = xfuse.linear %x, %w : (tensor<?x2560xbf16>, tensor<2560x2560xbf16>) -> tensor<?x2560xbf16>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %q, %c0 : tensor<?x2560xbf16>
  %h = tensor.expand_shape %q [[0], [1, 2]] output_shape [%t, 32, 80] : tensor<?x2560xbf16> into tensor<?x32x80xbf16>
  %r = xfuse.rope %h positions %pos {rotary_dim = 32 : i64} : tensor<?x32x80xbf16>, tensor<?xi32>
  return %r : tensor<?x32x80xbf16>
}

// An f32 FFN runs on the SIMT main loop on both targets, GELU in the first
// epilogue.
// CHECK-LABEL: func.func @f32_ffn
// SM80-NEXT: xkernel.gemm{{.*}} plan <target = sm_80, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
// SM90-NEXT: xkernel.gemm{{.*}} plan <target = sm_90a, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
// CHECK: xfuse.activation
// CHECK: xkernel.gemm{{.*}} mainloop = simt
// CHECK-NOT: xkernel.pointwise
// CHECK: return
func.func @f32_ffn(%x: tensor<?x64xf32>, %w1: tensor<64x256xf32>, %w2: tensor<256x64xf32>) -> tensor<?x64xf32> {
  %y = xfuse.ffn %x, %w1, %w2 {activation = #xfuse.activation<gelu>}
      : (tensor<?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
