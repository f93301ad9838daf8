// xkernel.gemm to CUDA, from hand-written kernel IR with explicit plans (no
// pipeline, so that no cost-model change moves these checks): the main loop
// and Tile each plan names, the GemmParams, the epilogue functor chains, a
// RoPE fused into the epilogue, and split-K.
// RUN: xfuse-translate --emit-cuda --xfuse-header=graph.h %s | FileCheck %s

#none = affine_map<()[s0] -> (0)>
#static_none = affine_map<() -> (0)>
#in_out = #xkernel.weight_packing<source = in_out>
#out_in = #xkernel.weight_packing<source = out_in>

// CHECK: #include "cuda/device/Sm90Gemm.h"
// CHECK-NEXT: #include "cuda/device/Sm90SwapAbGemm.h"

// Bias then activation: one chain on the output, in body order. The GEMM's
// row limit is a check of the sizes alone: the workspace query runs it.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> bias_relu_workspace_size(
// CHECK: XFUSE_RETURN_IF_ERROR(expectGemmRows(s0, 128, "{{.*}}emit-cuda-gemm.mlir:[[@LINE+18]]:8"));
// CHECK-LABEL: rt::Status bias_relu(
// CHECK: // Kernel 0: xkernel.gemm at {{.*}}emit-cuda-gemm.mlir:[[@LINE+16]]:8
// CHECK: // Main loop: GemmSm90Mainloop (TMA + wgmma), one persistent block per SM.
// CHECK-NEXT: using Tile = device::Sm90GemmTile<128, 128, 4>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: static_cast<int>(s0), 512, 256};
// CHECK-NEXT: const auto epilogue = device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kRelu>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kRelu>{});
// CHECK-NEXT: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// CHECK-NEXT: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
func.func @bias_relu(%x: tensor<?x256xbf16>, %w: tensor<256x512xbf16> {xkernel.weight_packing = #in_out},
                     %b: tensor<512xbf16>) -> tensor<?x512xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x512xbf16>, %bias: tensor<512xbf16>):
    %l = xfuse.linear %a, %wt bias %bias : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<relu>} : tensor<?x512xbf16>
    xkernel.yield %r : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// A gated GEMM with both biases: the gate's bias on the gate chain, the
// up's on the up chain, nothing after the gate.
// CHECK-LABEL: rt::Status gated_biases(
// CHECK: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 2> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data()), static_cast<const __nv_bfloat16 *>(arg2.data())},
// CHECK: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kGeluTanh>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)}),
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg4.data)}),
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::ActivatedGate<device::Activation::kGeluTanh>{}};
// CHECK-NEXT: device::GemmSm90Params<__nv_bfloat16, 2> sm90Params;
func.func @gated_biases(%x: tensor<?x256xbf16>,
                        %wg: tensor<512x256xbf16> {xkernel.weight_packing = #out_in},
                        %wu: tensor<512x256xbf16> {xkernel.weight_packing = #out_in},
                        %bg: tensor<512xbf16>, %bu: tensor<512xbf16>) -> tensor<?x512xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg, %bu : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %g: tensor<512x256xbf16>, %u: tensor<512x256xbf16>, %gb: tensor<512xbf16>, %ub: tensor<512xbf16>):
    %lg = xfuse.linear %a, %g bias %gb {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %lu = xfuse.linear %a, %u bias %ub {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %lg, %lu {activation = #xfuse.activation<gelu_tanh>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// gpt-oss's clamped SwiGLU as the gated product: its parameters travel in
// the epilogue, after the three chains.
// CHECK-LABEL: rt::Status gated_clamped_swiglu(
// CHECK: const auto epilogue = device::GatedProductOf<device::ClampedSwiGlu, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>, device::EpilogueChain<>>{
// CHECK: device::EpilogueChain<>(),
// CHECK-NEXT: device::ClampedSwiGlu{1.702f, 7.0f}};
func.func @gated_clamped_swiglu(%x: tensor<?x256xbf16>,
                                %wg: tensor<256x512xbf16> {xkernel.weight_packing = #in_out},
                                %wu: tensor<256x512xbf16> {xkernel.weight_packing = #in_out},
                                %bg: tensor<512xbf16>, %bu: tensor<512xbf16>) -> tensor<?x512xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %wg, %wu, %bg, %bu : tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<256x512xbf16>, tensor<512xbf16>, tensor<512xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %g: tensor<256x512xbf16>, %u: tensor<256x512xbf16>, %gb: tensor<512xbf16>, %ub: tensor<512xbf16>):
    %lg = xfuse.linear %a, %g bias %gb : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %lu = xfuse.linear %a, %u bias %ub : (tensor<?x256xbf16>, tensor<256x512xbf16>, tensor<512xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %lg, %lu {activation = #xfuse.clamped_swiglu<>} : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// A residual of the output's shape (its rows checked against A's), then an
// add of a [n] vector, then an activation: all on the output chain.
// CHECK-LABEL: rt::Status residual_add(
// CHECK: const std::int64_t s0 = arg0.shape[0];
// CHECK-NEXT: const std::int64_t s1 = arg2.shape[0];
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'arg2' dim 0", s0, "'arg0' dim 0"));
// CHECK: const auto epilogue = device::EpilogueChain<device::ResidualAdd<__nv_bfloat16>, device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kSilu>>(
// CHECK-NEXT: device::ResidualAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data), 256},
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg3.data)},
// CHECK-NEXT: device::Activate<device::Activation::kSilu>{});
func.func @residual_add(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out},
                        %r: tensor<?x256xbf16>, %b: tensor<256xbf16>) -> tensor<?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.gemm(%x, %w, %r, %b : tensor<?x256xbf16>, tensor<256x256xbf16>, tensor<?x256xbf16>, tensor<256xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>, %res: tensor<?x256xbf16>, %bias: tensor<256xbf16>):
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    %s = xfuse.add %res, %l : tensor<?x256xbf16>, tensor<?x256xbf16>
    %t = xfuse.add %s, %bias : tensor<?x256xbf16>, tensor<256xbf16>
    %o = xfuse.activation %t {kind = #xfuse.activation<silu>} : tensor<?x256xbf16>
    xkernel.yield %o : tensor<?x256xbf16>
  }
  return %y : tensor<?x256xbf16>
}

// Split-K over a static number of rows: f32 partials in scratch, counters
// the launches leave at zero (no clearing per call). The workspace query
// sizes both, so that a reserved workspace allocates nothing in the call.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> split_k_workspace_size() {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectGemmRows(16, 64, "{{.*}}"));
// CHECK-NEXT: const CheckedInt scratch0Bytes = device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::partialBytes(static_cast<int>(16), 1024, 2);
// CHECK-NEXT: const CheckedInt counters0 = device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::counters(static_cast<int>(16), 1024);
// CHECK-NEXT: return workspaceSize({scratch0Bytes}, {counters0});
// CHECK-LABEL: rt::Status split_k(
// CHECK: XFUSE_ASSIGN_OR_RETURN(const rt::WorkspaceSize needed, split_k_workspace_size());
// CHECK-NEXT: workspace.reset();
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(workspace.reserve(needed, stream));
// CHECK-NEXT: const auto scratch0Bytes = static_cast<std::size_t>(device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::partialBytes(static_cast<int>(16), 1024, 2));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(void *scratch0, workspace.carve(scratch0Bytes));
// CHECK: using Tile = device::Sm90GemmTile<64, 64, 8>;
// CHECK: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// CHECK-NEXT: // The plan splits K in 2: the slices add f32 partials in scratch0.
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(unsigned *counters, workspace.zeroedCounters(
// CHECK-NEXT: device::Sm90SplitKWorkspace<Tile, 1>::counters(sm90Params.m, sm90Params.n),
// CHECK-NEXT: stream));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::setGemmSm90SplitK<Tile>(&sm90Params, 2, counters, scratch0)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// CHECK-NOT: cudaMemsetAsync
func.func @split_k(%x: tensor<16x1024xbf16>, %w: tensor<1024x1024xbf16> {xkernel.weight_packing = #in_out})
    -> tensor<16x1024xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #static_none>} {
  %y = xkernel.gemm(%x, %w : tensor<16x1024xbf16>, tensor<1024x1024xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 2>
      -> tensor<16x1024xbf16> {
  ^bb0(%a: tensor<16x1024xbf16>, %wt: tensor<1024x1024xbf16>):
    %l = xfuse.linear %a, %wt : (tensor<16x1024xbf16>, tensor<1024x1024xbf16>) -> tensor<16x1024xbf16>
    xkernel.yield %l : tensor<16x1024xbf16>
  }
  return %y : tensor<16x1024xbf16>
}

// A few static tokens on the swapped Hopper GEMM: its Tile (tokens,
// features, stages), the same GemmParams and epilogue chains, and split-K as
// a launch argument (one cluster of slices per tile): no scratch, no
// counters.
// CHECK-LABEL: rt::Status swapped_gated(
// CHECK: // Main loop: the swapped Hopper GEMM (weights as wgmma's A operand), one block per tile and k-slice.
// CHECK-NEXT: using Tile = device::Sm90SwapAbTile<16, 64, 12>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 2> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data()), static_cast<const __nv_bfloat16 *>(arg2.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: static_cast<int>(16), 1024, 4096};
// CHECK-NEXT: const auto epilogue = device::GatedProductOf<device::ActivatedGate<device::Activation::kSilu>, device::EpilogueChain<>, device::EpilogueChain<>, device::EpilogueChain<>>{
// CHECK-NOT: Sm90SplitKWorkspace
// CHECK: XFUSE_CUDA_TRY((device::launchGemmSm90SwapAb<Tile>(params, 4, epilogue, stream)));
func.func @swapped_gated(%x: tensor<16x4096xbf16>,
                         %wg: tensor<1024x4096xbf16> {xkernel.weight_packing = #out_in},
                         %wu: tensor<1024x4096xbf16> {xkernel.weight_packing = #out_in})
    -> tensor<16x1024xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #static_none>} {
  %y = xkernel.gemm(%x, %wg, %wu : tensor<16x4096xbf16>, tensor<1024x4096xbf16>, tensor<1024x4096xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma_swapped, tile_m = 16, tile_n = 64, tile_k = 64, stages = 12, warpgroups = 1, split_k = 4>
      -> tensor<16x1024xbf16> {
  ^bb0(%a: tensor<16x4096xbf16>, %g: tensor<1024x4096xbf16>, %u: tensor<1024x4096xbf16>):
    %0 = xfuse.linear %a, %g {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<16x4096xbf16>, tensor<1024x4096xbf16>) -> tensor<16x1024xbf16>
    %1 = xfuse.linear %a, %u {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<16x4096xbf16>, tensor<1024x4096xbf16>) -> tensor<16x1024xbf16>
    %2 = xfuse.gate %0, %1 : tensor<16x1024xbf16>
    xkernel.yield %2 : tensor<16x1024xbf16>
  }
  return %y : tensor<16x1024xbf16>
}

// With dynamic rows there may be none, and no scratch: the launch stays
// unsplit then.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> split_k_dynamic_rows_workspace_size(std::int64_t size0) {
// CHECK: const CheckedInt scratch0Bytes = device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::partialBytes(static_cast<int>(s0), 1024, 2);
// CHECK-LABEL: rt::Status split_k_dynamic_rows(
// CHECK: const auto scratch0Bytes = static_cast<std::size_t>(device::Sm90SplitKWorkspace<device::Sm90GemmTile<64, 64, 8>, 1>::partialBytes(static_cast<int>(s0), 1024, 2));
// CHECK: // The plan splits K in 2: the slices add f32 partials in scratch0.
// CHECK-NEXT: if (sm90Params.m > 0) {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(unsigned *counters, workspace.zeroedCounters(
// CHECK: XFUSE_CUDA_TRY((device::setGemmSm90SplitK<Tile>(&sm90Params, 2, counters, scratch0)));
// CHECK-NEXT: }
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
func.func @split_k_dynamic_rows(%x: tensor<?x128xbf16>, %w: tensor<128x1024xbf16> {xkernel.weight_packing = #in_out})
    -> tensor<?x1024xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w : tensor<?x128xbf16>, tensor<128x1024xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 64, tile_n = 64, tile_k = 64, stages = 8, warpgroups = 1, split_k = 2>
      -> tensor<?x1024xbf16> {
  ^bb0(%a: tensor<?x128xbf16>, %wt: tensor<128x1024xbf16>):
    %l = xfuse.linear %a, %wt : (tensor<?x128xbf16>, tensor<128x1024xbf16>) -> tensor<?x1024xbf16>
    xkernel.yield %l : tensor<?x1024xbf16>
  }
  return %y : tensor<?x1024xbf16>
}

// A pair of blocks sharing each B tile (cluster_m = 2).
// CHECK-LABEL: rt::Status cluster_pair(
// CHECK: using Tile = device::Sm90GemmTile<128, 256, 4, device::Sm90Schedule::kCooperative, device::Sm90Store::kStaged, 2>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: static_cast<int>(s0), 256, 256};
// CHECK-NEXT: const auto epilogue = device::EpilogueChain<>();
func.func @cluster_pair(%x: tensor<?x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out})
    -> tensor<?x256xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w : tensor<?x256xbf16>, tensor<256x256xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2, cluster_m = 2>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %wt: tensor<256x256xbf16>):
    %l = xfuse.linear %a, %wt : (tensor<?x256xbf16>, tensor<256x256xbf16>) -> tensor<?x256xbf16>
    xkernel.yield %l : tensor<?x256xbf16>
  }
  return %y : tensor<?x256xbf16>
}

// An sm_80 plan: the mma.sync main loop with the plan's warp grid.
// CHECK-LABEL: rt::Status sm80_plan(
// CHECK: // Main loop: GemmSm80Mainloop (mma.sync).
// CHECK-NEXT: using Tile = device::GemmTile<128, 128, 32, 3, 2, 4>;
// CHECK-NEXT: const device::GemmParams<__half, __half, 1> params{
// CHECK-NOT: Sm90
// CHECK: const auto epilogue = device::EpilogueChain<>();
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, stream)));
func.func @sm80_plan(%x: tensor<?x256xf16>, %w: tensor<256x512xf16> {xkernel.weight_packing = #in_out})
    -> tensor<?x512xf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w : tensor<?x256xf16>, tensor<256x512xf16>)
      plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 3, warps_m = 2, warps_n = 4>
      -> tensor<?x512xf16> {
  ^bb0(%a: tensor<?x256xf16>, %wt: tensor<256x512xf16>):
    %l = xfuse.linear %a, %wt : (tensor<?x256xf16>, tensor<256x512xf16>) -> tensor<?x512xf16>
    xkernel.yield %l : tensor<?x512xf16>
  }
  return %y : tensor<?x512xf16>
}

// The main loop is the plan's, not the target's: an f16 GEMM on sm_90a runs
// on mma.sync (the Hopper main loop is bf16's).
// CHECK-LABEL: rt::Status f16_on_hopper(
// CHECK: // Main loop: GemmSm80Mainloop (mma.sync).
// CHECK-NEXT: using Tile = device::GemmTile<128, 128, 64, 4, 4, 2>;
// CHECK-NOT: Sm90
// CHECK: XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, stream)));
func.func @f16_on_hopper(%x: tensor<?x256xf16>, %w: tensor<256x512xf16> {xkernel.weight_packing = #in_out})
    -> tensor<?x512xf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w : tensor<?x256xf16>, tensor<256x512xf16>)
      plan <target = sm_90a, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warps_m = 4, warps_n = 2>
      -> tensor<?x512xf16> {
  ^bb0(%a: tensor<?x256xf16>, %wt: tensor<256x512xf16>):
    %l = xfuse.linear %a, %wt : (tensor<?x256xf16>, tensor<256x512xf16>) -> tensor<?x512xf16>
    xkernel.yield %l : tensor<?x512xf16>
  }
  return %y : tensor<?x512xf16>
}

// f32 operands run on the SIMT main loop, whose one tile needs no Tile
// type; the epilogue is the same functor chain, on floats.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> simt_f32_workspace_size(
// CHECK: XFUSE_RETURN_IF_ERROR(expectGemmRows(s0, 64, "{{.*}}emit-cuda-gemm.mlir:[[@LINE+19]]:8"));
// CHECK-LABEL: rt::Status simt_f32(
// CHECK: // Main loop: GemmSimt (f32 on the CUDA cores).
// CHECK-NEXT: const device::GemmParams<float, float, 1> params{
// CHECK-NEXT: static_cast<const float *>(arg0.data), {static_cast<const float *>(arg1.data())},
// CHECK-NEXT: static_cast<float *>(result0.data),
// CHECK-NEXT: static_cast<int>(s0), 200, 96};
// CHECK-NEXT: const auto epilogue = device::EpilogueChain<device::BiasAdd<float>, device::Activate<device::Activation::kGelu>>(
// CHECK-NEXT: device::BiasAdd<float>{static_cast<const float *>(arg2.data)},
// CHECK-NEXT: device::Activate<device::Activation::kGelu>{});
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSimt(params, epilogue, stream)));
// CHECK-NEXT: }
// CHECK-NEXT: return rt::Status::ok();
// CHECK-LABEL: rt::StatusOr<rt::PackedWeight> simt_f32_pack_arg1(
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, "arg1", {96, 200}, rt::Role::kWeight));
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kInOut, rt::DType::kF32, stream);
func.func @simt_f32(%x: tensor<?x96xf32>, %w: tensor<96x200xf32> {xkernel.weight_packing = #in_out},
                    %b: tensor<200xf32>) -> tensor<?x200xf32>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x96xf32>, tensor<96x200xf32>, tensor<200xf32>)
      plan <target = sm_90a, mainloop = simt, tile_m = 64, tile_n = 64, tile_k = 16, stages = 2, warps_m = 2, warps_n = 4>
      -> tensor<?x200xf32> {
  ^bb0(%a: tensor<?x96xf32>, %wt: tensor<96x200xf32>, %bias: tensor<200xf32>):
    %l = xfuse.linear %a, %wt bias %bias : (tensor<?x96xf32>, tensor<96x200xf32>, tensor<200xf32>) -> tensor<?x200xf32>
    %r = xfuse.activation %l {kind = #xfuse.activation<gelu>} : tensor<?x200xf32>
    xkernel.yield %r : tensor<?x200xf32>
  }
  return %y : tensor<?x200xf32>
}

// RoPE of the output rotates each output row in the epilogue, after the
// bias: one launch, whose tile of 128 columns holds two heads of 64.
// CHECK: __device__ const float2 rope_epilogue_frequencies0[32] = {
// CHECK-LABEL: rt::Status rope_epilogue(
// CHECK: // Kernel 0: xkernel.gemm
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *ropeFrequencies, deviceAddress(rope_epilogue_frequencies0));
// CHECK-NEXT: // Main loop: GemmSm90Mainloop (TMA + wgmma), one persistent block per SM.
// CHECK-NEXT: using Tile = device::Sm90GemmTile<128, 128, 4>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK-NEXT: static_cast<int>(s0 * 32), 256, 256};
// CHECK-NEXT: const auto epilogue = device::makeWithRowOp(
// CHECK-NEXT: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::BiasAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg2.data)}),
// CHECK-NEXT: device::RopeRowOp<64, 64, device::RopeStyle::kNeox, std::int32_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int32_t>{nullptr, 32}});
// CHECK-NEXT: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// CHECK-NEXT: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// CHECK-NEXT: }
// CHECK-NEXT: return rt::Status::ok();
func.func @rope_epilogue(%x: tensor<?x32x256xbf16>, %w: tensor<256x256xbf16> {xkernel.weight_packing = #in_out},
                         %b: tensor<256xbf16>)
    -> tensor<?x32x4x64xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w, %b : tensor<?x32x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x32x4x64xbf16> {
  ^bb0(%a: tensor<?x32x256xbf16>, %wt: tensor<256x256xbf16>, %bias: tensor<256xbf16>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt bias %bias : (tensor<?x32x256xbf16>, tensor<256x256xbf16>, tensor<256xbf16>) -> tensor<?x32x256xbf16>
    %rows = tensor.dim %a, %c0 : tensor<?x32x256xbf16>
    %heads = tensor.expand_shape %l [[0], [1], [2, 3]] output_shape [%rows, 32, 4, 64] : tensor<?x32x256xbf16> into tensor<?x32x4x64xbf16>
    %r = xfuse.rope %heads : tensor<?x32x4x64xbf16>
    xkernel.yield %r : tensor<?x32x4x64xbf16>
  }
  return %y : tensor<?x32x4x64xbf16>
}

// On mma.sync, each warp of the 8 x 1 grid holds one whole head of 128
// columns; the first 64 features rotate, at the given positions.
// CHECK: __device__ const float2 rope_epilogue_sm80_frequencies0[32] = {
// CHECK-LABEL: rt::Status rope_epilogue_sm80(
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'arg2' dim 0", s0, "'arg0' dim 0"));
// CHECK: XFUSE_ASSIGN_OR_RETURN(const float2 *ropeFrequencies, deviceAddress(rope_epilogue_sm80_frequencies0));
// CHECK-NEXT: // Main loop: GemmSm80Mainloop (mma.sync).
// CHECK-NEXT: using Tile = device::GemmTile<128, 128, 32, 4, 8, 1>;
// CHECK-NEXT: const device::GemmParams<__half, __half, 1> params{
// CHECK-NEXT: static_cast<const __half *>(arg0.data), {static_cast<const __half *>(arg1.data())},
// CHECK-NEXT: static_cast<__half *>(result0.data),
// CHECK-NEXT: static_cast<int>(s0), 1024, 512};
// CHECK-NEXT: const auto epilogue = device::makeWithRowOp(
// CHECK-NEXT: device::EpilogueChain<>(),
// CHECK-NEXT: device::RopeRowOp<128, 64, device::RopeStyle::kNeox, std::int64_t>{
// CHECK-NEXT: ropeFrequencies, 1.0f, device::TokenPositions<std::int64_t>{static_cast<const std::int64_t *>(arg2.data), 1}});
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, stream)));
// CHECK-NEXT: }
// CHECK-NEXT: return rt::Status::ok();
func.func @rope_epilogue_sm80(%x: tensor<?x512xf16>, %w: tensor<512x1024xf16> {xkernel.weight_packing = #in_out},
                              %pos: tensor<?xi64>)
    -> tensor<?x8x128xf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.gemm(%x, %w, %pos : tensor<?x512xf16>, tensor<512x1024xf16>, tensor<?xi64>)
      plan <target = sm_80, mainloop = mma_sync, tile_m = 128, tile_n = 128, tile_k = 32, stages = 4, warps_m = 8, warps_n = 1>
      -> tensor<?x8x128xf16> {
  ^bb0(%a: tensor<?x512xf16>, %wt: tensor<512x1024xf16>, %p: tensor<?xi64>):
    %c0 = arith.constant 0 : index
    %l = xfuse.linear %a, %wt : (tensor<?x512xf16>, tensor<512x1024xf16>) -> tensor<?x1024xf16>
    %rows = tensor.dim %a, %c0 : tensor<?x512xf16>
    %heads = tensor.expand_shape %l [[0], [1, 2]] output_shape [%rows, 8, 128] : tensor<?x1024xf16> into tensor<?x8x128xf16>
    %r = xfuse.rope %heads positions %p {rotary_dim = 64 : i64} : tensor<?x8x128xf16>, tensor<?xi64>
    xkernel.yield %r : tensor<?x8x128xf16>
  }
  return %y : tensor<?x8x128xf16>
}

// A positional encoding folded into the weight (prologue = folded): the
// GEMM loads the encoding's input as A and adds the table its weight
// carries, which the entry point checks and the weight's pack helper makes
// from the encoding's frequency table.
// CHECK: __device__ const float2 folded_pe_frequencies0[64] = {
// CHECK-LABEL: rt::Status folded_pe(
// CHECK: XFUSE_RETURN_IF_ERROR(expectFoldedEncoding(arg1, "arg1", 128, "folded_pe_pack_arg1"));
// CHECK: // Kernel 0: xkernel.gemm
// CHECK: //   xfuse.sinusoidal_pe at
// CHECK: using Tile = device::Sm90GemmTile<128, 128, 4, device::Sm90Schedule::kPingPong>;
// CHECK-NEXT: const device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data())},
// CHECK: const auto epilogue = device::withPeriodicSource(device::EpilogueChain<device::Activate<device::Activation::kRelu>>(
// CHECK-NEXT: device::Activate<device::Activation::kRelu>{}));
// CHECK-NEXT: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// CHECK-NEXT: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::setGemmSm90PeriodicSource<Tile>(
// CHECK-NEXT: &sm90Params, static_cast<const __nv_bfloat16 *>(arg1.foldedEncoding()), 128)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// CHECK-LABEL: rt::StatusOr<rt::PackedWeight> folded_pe_pack_arg1(
// CHECK: XFUSE_ASSIGN_OR_RETURN(rt::PackedWeight packed, rt::PackedWeight::pack(weight, rt::WeightLayout::kOutIn, rt::DType::kBF16, stream));
// CHECK: XFUSE_ASSIGN_OR_RETURN(void *folded, packed.allocateFoldedEncoding(128));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies, deviceAddress(folded_pe_frequencies0));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchFoldSinusoidal<128, device::SinusoidalLayout::kInterleaved>(
// CHECK-NEXT: frequencies, static_cast<const __nv_bfloat16 *>(packed.data()),
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(folded), 128, 256, stream)));
// CHECK-NEXT: return packed;
func.func @folded_pe(%x: tensor<?x128x128xbf16>,
                     %w: tensor<256x128xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = out_in, folded_positions = 128>})
    -> tensor<?x128x256xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #none>} {
  %y = xkernel.gemm(%x, %w : tensor<?x128x128xbf16>, tensor<256x128xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2, schedule = ping_pong, prologue = folded>
      -> tensor<?x128x256xbf16> {
  ^bb0(%a: tensor<?x128x128xbf16>, %wt: tensor<256x128xbf16>):
    %pe = xfuse.sinusoidal_pe %a : tensor<?x128x128xbf16>
    %l = xfuse.linear %pe, %wt {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x128x128xbf16>, tensor<256x128xbf16>) -> tensor<?x128x256xbf16>
    %r = xfuse.activation %l {kind = #xfuse.activation<relu>} : tensor<?x128x256xbf16>
    xkernel.yield %r : tensor<?x128x256xbf16>
  }
  return %y : tensor<?x128x256xbf16>
}
