// The examples compile to the kernels they are meant to show.
// RUN: xfuse-opt %S/../../examples/sinusoidal_ffn_relu.mlir --xfuse-pipeline | FileCheck %s --check-prefix=SINUSOIDAL
// RUN: xfuse-opt %S/../../examples/swiglu_ffn.mlir --xfuse-pipeline | FileCheck %s --check-prefix=SWIGLU
// RUN: xfuse-opt %S/../../examples/linear_rope.mlir --xfuse-pipeline | FileCheck %s --check-prefix=ROPE
// RUN: xfuse-opt %S/../../examples/prenorm_ffn_residual.mlir --xfuse-pipeline | FileCheck %s --check-prefix=PRENORM
// The target reaches form-kernels and plan-launch.
// RUN: xfuse-opt %s --xfuse-pipeline="target=sm_80" | FileCheck %s --check-prefix=SM80
// The fusion report.
// RUN: xfuse-opt %S/../../examples/sinusoidal_ffn_relu.mlir --xfuse-pipeline="report=true" -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// The encoding as its own kernel (d = 256 main loops are short, so the GEMMs
// take 128-wide ping-pong tiles, and recomputing the encoding for each of
// the 8 tile columns would cost more than a round trip through memory),
// bias and ReLU in the first GEMM's epilogue, the second bias in the second
// GEMM: three kernels.
// SINUSOIDAL-LABEL: func.func @encoder_ffn
// SINUSOIDAL-SAME: %[[X:[^:]*]]: tensor<?x64x256xbf16>,
// SINUSOIDAL-SAME: %[[W1:[^:]*]]: tensor<256x1024xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
// SINUSOIDAL-SAME: %[[B1:[^:]*]]: tensor<1024xbf16>,
// SINUSOIDAL-SAME: %[[W2:[^:]*]]: tensor<1024x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
// SINUSOIDAL-SAME: %[[B2:[^:]*]]: tensor<256xbf16>)
// SINUSOIDAL-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #{{.*}}>}
// SINUSOIDAL: %[[PE:.*]] = xkernel.pointwise(%[[X]] : {{.*}}) plan <target = sm_90a, threads = 256, vector_width = 8> {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #{{.*}}>]} -> tensor<?x64x256xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.sinusoidal_pe
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL: %[[H:.*]] = xkernel.gemm(%[[PE]], %[[W1]], %[[B1]] : {{.*}}) plan <target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong> {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #{{.*}}>]} -> tensor<?x64x1024xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.linear {{.*}} bias
// SINUSOIDAL-NEXT: xfuse.activation {{.*}}relu
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[W2]], %[[B2]] : {{.*}}) plan <{{.*}}> -> tensor<?x64x256xbf16>
// SINUSOIDAL-NEXT: ^bb0
// SINUSOIDAL-NEXT: xfuse.linear {{.*}} bias
// SINUSOIDAL-NEXT: xkernel.yield
// SINUSOIDAL-NOT: xkernel.pointwise
// SINUSOIDAL: return %[[Y]]

// Gate and up projections share one GEMM whose epilogue applies the gate;
// their weights are interleaved in tile_n-row blocks.
// SWIGLU-LABEL: func.func @swiglu
// SWIGLU-SAME: %[[X:[^:]*]]: tensor<?x256xbf16>,
// SWIGLU-SAME: %[[WG:[^:]*]]: tensor<688x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in, interleave = <half = gate, block_n = 128, partner = 2>>},
// SWIGLU-SAME: %[[WU:[^:]*]]: tensor<688x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in, interleave = <half = up, block_n = 128, partner = 1>>},
// SWIGLU-SAME: %[[WD:[^:]*]]: tensor<256x688xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in>})
// SWIGLU-NOT: xkernel.pointwise
// SWIGLU: %[[H:.*]] = xkernel.gemm(%[[X]], %[[WG]], %[[WU]] : {{.*}}) plan <target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2> {{.*}} -> tensor<?x688xbf16>
// SWIGLU-NEXT: ^bb0
// SWIGLU-NEXT: %[[G:.*]] = xfuse.linear
// SWIGLU-NEXT: %[[U:.*]] = xfuse.linear
// SWIGLU-NEXT: xfuse.gate %[[G]], %[[U]]
// SWIGLU-NEXT: xkernel.yield
// SWIGLU: %[[Y:.*]] = xkernel.gemm(%[[H]], %[[WD]] : {{.*}}) plan <target = sm_90a, tile_m = 128, tile_n = 128, {{.*}}, schedule = ping_pong> -> tensor<?x256xbf16>
// SWIGLU-NEXT: ^bb0
// SWIGLU-NEXT: xfuse.linear
// SWIGLU-NEXT: xkernel.yield
// SWIGLU-NOT: xkernel.pointwise
// SWIGLU: return %[[Y]]

// One GEMM: the split into heads and the RoPE run in its epilogue. Nothing
// is left for the workspace.
// ROPE-LABEL: func.func @query_rope
// ROPE-SAME: attributes {xkernel.workspace = #xkernel.workspace<bytes = #{{.*}}>}
// ROPE-NOT: xkernel.pointwise
// ROPE: %[[Q:.*]] = xkernel.gemm({{.*}}) plan <target = sm_90a, tile_m = 128, tile_n = 128, {{.*}}, schedule = ping_pong> -> tensor<?x32x4x64xbf16>
// ROPE: xfuse.linear
// ROPE: tensor.expand_shape
// ROPE-NEXT: xfuse.rope
// ROPE-NEXT: xkernel.yield
// ROPE-NOT: xkernel.
// ROPE: return %[[Q]]

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

// 16 decode tokens through a SwiGLU FFN on sm_80: the 86 tiles of the
// paired GEMM cannot be split in two within one wave of 108 SMs; the down
// projection's 32 tiles are split in 3 (96 blocks).
// SM80-LABEL: func.func @decode_swiglu
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2>
// SM80: xfuse.gate
// SM80: xkernel.gemm{{.*}} plan <target = sm_80, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warpgroups = 2, split_k = 3>
func.func @decode_swiglu(%x: tensor<16x4096xbf16>, %wg: tensor<11008x4096xbf16>, %wu: tensor<11008x4096xbf16>,
                         %wd: tensor<4096x11008xbf16>) -> tensor<16x4096xbf16> {
  %y = xfuse.gated_ffn %x, %wg, %wu, %wd {weight_layout = #xfuse.weight_layout<out_in>}
      : (tensor<16x4096xbf16>, tensor<11008x4096xbf16>, tensor<11008x4096xbf16>, tensor<4096x11008xbf16>)
      -> tensor<16x4096xbf16>
  return %y : tensor<16x4096xbf16>
}

// One remark per kernel with its plan, a note per fused op at the op's own
// location, and a summary per function.
// REPORT: sinusoidal_ffn_relu.mlir:8:8: remark: kernel 0 of @encoder_ffn: xkernel.pointwise with plan #xkernel.pointwise_plan<target = sm_90a, threads = 256, vector_width = 8>
// REPORT: sinusoidal_ffn_relu.mlir:8:8: note: fuses xfuse.sinusoidal_pe
// REPORT: sinusoidal_ffn_relu.mlir:10:8: remark: kernel 1 of @encoder_ffn: xkernel.gemm with plan #xkernel.gemm_plan<target = sm_90a, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
// REPORT: sinusoidal_ffn_relu.mlir:10:8: note: product xfuse.linear
// REPORT: sinusoidal_ffn_relu.mlir:10:8: note: epilogue xfuse.activation
// REPORT: sinusoidal_ffn_relu.mlir:10:8: remark: kernel 2 of @encoder_ffn: xkernel.gemm with plan #xkernel.gemm_plan<
// REPORT: sinusoidal_ffn_relu.mlir:10:8: note: product xfuse.linear
// REPORT: sinusoidal_ffn_relu.mlir:4:1: remark: @encoder_ffn: 3 kernels, #xkernel.workspace<bytes = affine_map<()[s0] -> (s0 * 163840)>>
