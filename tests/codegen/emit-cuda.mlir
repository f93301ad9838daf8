// Kernel IR to CUDA: the instantiations of the device blocks, the entry
// point's checks and workspace, and the header's declarations.
// RUN: xfuse-translate --emit-cuda %s | FileCheck %s
// RUN: xfuse-translate --emit-cuda-header %s | FileCheck %s --check-prefix=HEADER
// Same input, same bytes.
// RUN: xfuse-translate --emit-cuda %s -o %t.1.cu
// RUN: xfuse-translate --emit-cuda %s -o %t.2.cu
// RUN: diff %t.1.cu %t.2.cu

#map = affine_map<()[s0] -> (s0 * 2048)>
#map0 = affine_map<()[s0] -> (0)>

// HEADER: #pragma once
// HEADER: namespace xfuse::generated {
// HEADER: ///   arg0      input  bf16 [?, 256]
// HEADER: ///   arg1      weight bf16 [256, 1024], packed by ffn_relu_pack_arg1
// HEADER: ///   result0   output bf16 [?, 256]
// HEADER: rt::Status ffn_relu(
// HEADER-NEXT: const rt::TensorView &arg0,
// HEADER-NEXT: const rt::PackedWeight &arg1,
// HEADER-NEXT: const rt::TensorView &arg2,
// HEADER-NEXT: const rt::PackedWeight &arg3,
// HEADER-NEXT: const rt::TensorView &result0,
// HEADER-NEXT: rt::Workspace &workspace, cudaStream_t stream);
// HEADER: rt::StatusOr<rt::PackedWeight> ffn_relu_pack_arg1(const rt::TensorView &weight, cudaStream_t stream);
// HEADER: rt::StatusOr<rt::PackedWeight> ffn_relu_pack_arg3(

// CHECK: Each GEMM kernel says which main loop runs it
// CHECK: #include "cuda/device/Sm90Gemm.h"
// CHECK: rt::Status ffn_relu(
// CHECK: XFUSE_RETURN_IF_ERROR(rt::expectShape(arg0, "arg0", {rt::Shape::kDynamic, 256}));
// CHECK: XFUSE_RETURN_IF_ERROR(rt::expectAligned(arg0, "arg0"));
// CHECK: XFUSE_RETURN_IF_ERROR(expectPacked(arg1, "arg1", rt::DType::kBF16, 1024, 256));
// CHECK: const std::int64_t s0 = arg0.shape[0];
// CHECK: expectGemmRows(s0, 128,
// CHECK: expectSameSize(result0.shape[0], "'result0' dim 0", s0, "'arg0' dim 0")
// CHECK: workspace.reset();
// CHECK: const auto plannedBytes = static_cast<std::size_t>(s0 * 2048);
// CHECK: XFUSE_ASSIGN_OR_RETURN(void *planned, workspace.carve(plannedBytes));
// CHECK: void *const kernel0Result0 = static_cast<char *>(planned) + 0;
// CHECK: // Kernel 0: xkernel.gemm at {{.*}}emit-cuda.mlir:[[@LINE+27]]:8
// CHECK: // Main loop: GemmSm90Mainloop (TMA + wgmma)
// CHECK-NEXT: using Tile = device::Sm90GemmTile<128, 256, 4>;
// CHECK: device::GemmParams<__nv_bfloat16, __nv_bfloat16, 1> params{
// CHECK-NEXT: static_cast<const __nv_bfloat16 *>(arg0.data), {static_cast<const __nv_bfloat16 *>(arg1.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(kernel0Result0),
// CHECK-NEXT: static_cast<int>(s0), 1024, 256};
// CHECK: device::EpilogueChain<device::BiasAdd<__nv_bfloat16>, device::Activate<device::Activation::kRelu>>(
// CHECK: device::GemmSm90Params<__nv_bfloat16, 1> sm90Params;
// CHECK-NEXT: XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, &sm90Params)));
// CHECK-NEXT: XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, epilogue, stream)));
// CHECK: // Kernel 1: xkernel.gemm
// A pinned pair of blocks sharing each B tile.
// CHECK: using Tile = device::Sm90GemmTile<128, 256, 4, device::Sm90Schedule::kCooperative, device::Sm90Store::kStaged, 2>;
// CHECK: static_cast<const __nv_bfloat16 *>(kernel0Result0), {static_cast<const __nv_bfloat16 *>(arg3.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK: device::EpilogueChain<device::ResidualAdd<__nv_bfloat16>>(
// CHECK-NEXT: device::ResidualAdd<__nv_bfloat16>{static_cast<const __nv_bfloat16 *>(arg0.data), 256});
// CHECK: return rt::Status::ok();
// CHECK: rt::StatusOr<rt::PackedWeight> ffn_relu_pack_arg1(
// CHECK-NEXT: rt::expectShape(weight, "arg1", {256, 1024}, rt::Role::kWeight)
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kInOut, rt::DType::kBF16, stream);
func.func @ffn_relu(%x: tensor<?x256xbf16>,
                    %w1: tensor<256x1024xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = in_out>},
                    %b1: tensor<1024xbf16>,
                    %w2: tensor<1024x256xbf16> {xkernel.weight_packing = #xkernel.weight_packing<source = in_out>})
    -> tensor<?x256xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = #map>} {
  %h = xkernel.gemm(%x, %w1, %b1 : tensor<?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>)
      plan <target = sm_90a, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2>
      {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = #map0>]}
      -> tensor<?x1024xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %w: tensor<256x1024xbf16>, %b: tensor<1024xbf16>):
    %y = xfuse.linear %a, %w bias %b : (tensor<?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>) -> tensor<?x1024xbf16>
    %r = xfuse.activation %y {kind = #xfuse.activation<relu>} : tensor<?x1024xbf16>
    xkernel.yield %r : tensor<?x1024xbf16>
  }
  %o = xkernel.gemm(%h, %w2, %x : tensor<?x1024xbf16>, tensor<1024x256xbf16>, tensor<?x256xbf16>)
      plan <target = sm_90a, tile_m = 128, tile_n = 256, tile_k = 64, stages = 4, warpgroups = 2, cluster_m = 2>
      -> tensor<?x256xbf16> {
  ^bb0(%a: tensor<?x1024xbf16>, %w: tensor<1024x256xbf16>, %res: tensor<?x256xbf16>):
    %y = xfuse.linear %a, %w : (tensor<?x1024xbf16>, tensor<1024x256xbf16>) -> tensor<?x256xbf16>
    %s = xfuse.add %y, %res : tensor<?x256xbf16>, tensor<?x256xbf16>
    xkernel.yield %s : tensor<?x256xbf16>
  }
  return %o : tensor<?x256xbf16>
}
