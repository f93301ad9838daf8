// Host entry points, from hand-written kernel IR: declarations in the header
// (or the standalone source), argument checks before any launch, dynamic
// sizes sN as in the plan's maps, the planned workspace and its slices,
// copies of returned values no kernel writes, weight-packing helpers.
// RUN: xfuse-translate --emit-cuda --xfuse-header=entry_points.h %s | FileCheck %s
// RUN: xfuse-translate --emit-cuda-header %s | FileCheck %s --check-prefix=HEADER
// RUN: xfuse-translate --emit-cuda %s | FileCheck %s --check-prefix=STANDALONE
// Same input, same bytes.
// RUN: xfuse-translate --emit-cuda %s -o %t.1.cu
// RUN: xfuse-translate --emit-cuda %s -o %t.2.cu
// RUN: diff %t.1.cu %t.2.cu

#in_out = #xkernel.weight_packing<source = in_out>
#out_in = #xkernel.weight_packing<source = out_in>

// HEADER: #pragma once
// HEADER: #include "runtime/WeightPacking.h"
// HEADER: namespace xfuse::generated {
// HEADER-LABEL: /// @two_gemms(arg0, arg1, arg2, arg3, result0, workspace, stream):
// HEADER-NEXT: ///   arg0       input     bf16 [?, ?, 256]
// HEADER-NEXT: ///   arg1       weight    bf16 [256, 1024], packed by two_gemms_pack_arg1
// HEADER-NEXT: ///   arg2       input     bf16 [1024]
// HEADER-NEXT: ///   arg3       weight    bf16 [256, 1024], packed by two_gemms_pack_arg3
// HEADER-NEXT: ///   result0    output    bf16 [?, ?, 256]
// HEADER-NEXT: ///   workspace  workspace the intermediates (planned bytes affine_map<()[s0, s1] -> ((s0 * s1) * 2048)>),
// HEADER-NEXT: ///                        sized by two_gemms_workspace_size
// HEADER-NEXT: ///   stream     stream    every launch is queued on it
// HEADER-NEXT: /// Tensors are dense and row-major, their data 16-byte aligned and non-null
// HEADER: /// captured in a CUDA graph.
// HEADER-NEXT: rt::Status two_gemms(
// HEADER-NEXT: const rt::TensorView &arg0,
// HEADER-NEXT: const rt::PackedWeight &arg1,
// HEADER-NEXT: const rt::TensorView &arg2,
// HEADER-NEXT: const rt::PackedWeight &arg3,
// HEADER-NEXT: const rt::TensorView &result0,
// HEADER-NEXT: rt::Workspace &workspace, cudaStream_t stream);
// HEADER: /// sizes of its arguments: arg0_dim0 is dim 0 of arg0, arg0_dim1 is dim 1 of arg0.
// HEADER-NEXT: rt::StatusOr<rt::WorkspaceSize> two_gemms_workspace_size(std::int64_t arg0_dim0, std::int64_t arg0_dim1);
// HEADER: /// Packs arg1 of @two_gemms (given as bf16 [256, 1024], in_out) into the layout its GEMM reads.
// HEADER-NEXT: rt::StatusOr<rt::PackedWeight> two_gemms_pack_arg1(const rt::TensorView &weight, cudaStream_t stream);
// HEADER: /// Packs arg3 of @two_gemms (given as bf16 [256, 1024], out_in) into the layout its GEMM reads.
// HEADER-LABEL: /// @gated_packing(
// HEADER-LABEL: /// @copies(
// The graph's names (xfuse.name) in the declarations, the workspace query's
// sizes and the helpers; a positions argument with its range and check.
// HEADER-LABEL: /// @named(x, table, pos, y, workspace, stream):
// HEADER-NEXT: ///   x          input     bf16 [?, 16, 256]
// HEADER-NEXT: ///   table      input     bf16 [64, 256]
// HEADER-NEXT: ///   pos        positions i32 [?, 16], in [0, 63]:
// HEADER-NEXT: ///                        outside, the learned table's row is clamped into [0, 63]
// HEADER-NEXT: ///                        (named_check_pos reports the first)
// HEADER-NEXT: ///   y          output    bf16 [?, 16, 256]
// HEADER: rt::Status named(
// HEADER-NEXT: const rt::TensorView &x,
// HEADER-NEXT: const rt::TensorView &table,
// HEADER-NEXT: const rt::TensorView &pos,
// HEADER-NEXT: const rt::TensorView &y,
// HEADER-NEXT: rt::Workspace &workspace, cudaStream_t stream);
// HEADER: rt::StatusOr<rt::WorkspaceSize> named_workspace_size(std::int64_t x_dim0, std::int64_t pos_dim0);
// HEADER: /// [0, 63]. Opt in: it copies the positions to the host and waits for `stream`.
// HEADER-NEXT: rt::Status named_check_pos(const rt::TensorView &positions, cudaStream_t stream);
// HEADER: } // namespace xfuse::generated

// Without a header, the source declares the entry points itself.
// STANDALONE: namespace xfuse::generated {
// STANDALONE-EMPTY:
// STANDALONE-NEXT: /// @two_gemms(arg0, arg1, arg2, arg3, result0, workspace, stream):
// STANDALONE: rt::Workspace &workspace, cudaStream_t stream);
// STANDALONE: rt::StatusOr<rt::WorkspaceSize> two_gemms_workspace_size(std::int64_t arg0_dim0, std::int64_t arg0_dim1);
// STANDALONE: rt::Workspace &workspace, cudaStream_t stream) {

// CHECK: #include "entry_points.h"
// CHECK-NOT: /// @two_gemms

// The workspace query: the sizes, checked not to be negative, the checks of
// the sizes alone (the GEMMs' rows), and the planned bytes in overflow-checked
// arithmetic.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> two_gemms_workspace_size(std::int64_t size0, std::int64_t size1) {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const CheckedInt s0, checkedSize(size0, "'arg0' dim 0"));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const CheckedInt s1, checkedSize(size1, "'arg0' dim 1"));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectGemmRows(s0 * s1, 128, "{{.*}}emit-cuda-entry-points.mlir:[[GEMM0:[0-9]+]]:8"));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectGemmRows(s0 * s1, 128, "{{.*}}emit-cuda-entry-points.mlir:[[GEMM1:[0-9]+]]:8"));
// CHECK-NEXT: const CheckedInt plannedBytes = s0 * s1 * 2048;
// CHECK-NEXT: return workspaceSize({plannedBytes}, {});
// CHECK-NEXT: }

// Every check runs before the first launch: each tensor, then that no
// output overlaps another argument, then the sizes they share, then the
// workspace query. The workspace holds kernel 0's result at its planned
// offset.
// CHECK-LABEL: rt::Status two_gemms(
// CHECK-NEXT: const rt::TensorView &arg0,
// CHECK-NEXT: const rt::PackedWeight &arg1,
// CHECK-NEXT: const rt::TensorView &arg2,
// CHECK-NEXT: const rt::PackedWeight &arg3,
// CHECK-NEXT: const rt::TensorView &result0,
// CHECK-NEXT: rt::Workspace &workspace, cudaStream_t stream) {
// CHECK-NEXT: // Arguments are checked before any launch.
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectTensor(arg0, "arg0", rt::DType::kBF16, {rt::Shape::kDynamic, rt::Shape::kDynamic, 256}));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectPacked(arg1, "arg1", rt::DType::kBF16, 1024, 256));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectTensor(arg2, "arg2", rt::DType::kBF16, {1024}));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectPacked(arg3, "arg3", rt::DType::kBF16, 256, 1024));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectTensor(result0, "result0", rt::DType::kBF16, {rt::Shape::kDynamic, rt::Shape::kDynamic, 256}, rt::Role::kOutput));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectDisjoint(result0, "result0", {{[{][{]}}arg0, "arg0"}, {arg1.view(), "arg1", rt::Role::kWeight}, {arg2, "arg2"}, {arg3.view(), "arg3", rt::Role::kWeight{{[}][}]}}));
// CHECK-NEXT: // sN: the N-th dynamic size of the arguments, as in the plan's maps.
// CHECK-NEXT: const std::int64_t s0 = arg0.shape[0];
// CHECK-NEXT: const std::int64_t s1 = arg0.shape[1];
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectSameSize(result0.shape[0], "'result0' dim 0", s0, "'arg0' dim 0"));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectSameSize(result0.shape[1], "'result0' dim 1", s1, "'arg0' dim 1"));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(const rt::WorkspaceSize needed, two_gemms_workspace_size(s0, s1));
// CHECK-NEXT: if (result0.numElements() == 0)
// CHECK-NEXT: return rt::Status::ok(); // no tokens: nothing to launch
// CHECK-NEXT: workspace.reset();
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(workspace.reserve(needed, stream));
// CHECK-NEXT: // Planned by --xfuse-plan-memory: affine_map<()[s0, s1] -> ((s0 * s1) * 2048)>
// CHECK-NEXT: const auto plannedBytes = static_cast<std::size_t>(s0 * s1 * 2048);
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN(void *planned, workspace.carve(plannedBytes));
// CHECK-NEXT: void *const kernel0Result0 = static_cast<char *>(planned) + 0;
// CHECK-NEXT: // Kernel 0: xkernel.gemm at {{.*}}emit-cuda-entry-points.mlir:[[GEMM0]]:8
// CHECK: static_cast<__nv_bfloat16 *>(kernel0Result0),
// CHECK: // Kernel 1: xkernel.gemm at {{.*}}emit-cuda-entry-points.mlir:[[GEMM1]]:8
// CHECK: static_cast<const __nv_bfloat16 *>(kernel0Result0), {static_cast<const __nv_bfloat16 *>(arg3.data())},
// CHECK-NEXT: static_cast<__nv_bfloat16 *>(result0.data),
// CHECK: return rt::Status::ok();
// CHECK-NEXT: }
// CHECK-LABEL: rt::StatusOr<rt::PackedWeight> two_gemms_pack_arg1(const rt::TensorView &weight, cudaStream_t stream) {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, "arg1", {256, 1024}, rt::Role::kWeight));
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kInOut, rt::DType::kBF16, stream);
// CHECK-LABEL: rt::StatusOr<rt::PackedWeight> two_gemms_pack_arg3(const rt::TensorView &weight, cudaStream_t stream) {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, "arg3", {256, 1024}, rt::Role::kWeight));
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kOutIn, rt::DType::kBF16, stream);
func.func @two_gemms(%x: tensor<?x?x256xbf16>,
                     %w1: tensor<256x1024xbf16> {xkernel.weight_packing = #in_out},
                     %b1: tensor<1024xbf16>,
                     %w2: tensor<256x1024xbf16> {xkernel.weight_packing = #out_in})
    -> tensor<?x?x256xbf16>
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (s0 * s1 * 2048)>>} {
  %h = xkernel.gemm(%x, %w1, %b1 : tensor<?x?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      {xkernel.workspace_slices = [#xkernel.workspace_slice<result = 0, offset = affine_map<()[s0, s1] -> (0)>>]}
      -> tensor<?x?x1024xbf16> {
  ^bb0(%a: tensor<?x?x256xbf16>, %w: tensor<256x1024xbf16>, %b: tensor<1024xbf16>):
    %y = xfuse.linear %a, %w bias %b : (tensor<?x?x256xbf16>, tensor<256x1024xbf16>, tensor<1024xbf16>) -> tensor<?x?x1024xbf16>
    %r = xfuse.activation %y {kind = #xfuse.activation<relu>} : tensor<?x?x1024xbf16>
    xkernel.yield %r : tensor<?x?x1024xbf16>
  }
  %o = xkernel.gemm(%h, %w2 : tensor<?x?x1024xbf16>, tensor<256x1024xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x?x256xbf16> {
  ^bb0(%a: tensor<?x?x1024xbf16>, %w: tensor<256x1024xbf16>):
    %y = xfuse.linear %a, %w {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x?x1024xbf16>, tensor<256x1024xbf16>) -> tensor<?x?x256xbf16>
    xkernel.yield %y : tensor<?x?x256xbf16>
  }
  return %o : tensor<?x?x256xbf16>
}

// The gate and up weights of a gated GEMM are packed each on its own: two
// packed arguments, two helpers.
// CHECK-LABEL: rt::Status gated_packing(
// CHECK: XFUSE_RETURN_IF_ERROR(expectPacked(arg1, "arg1", rt::DType::kBF16, 512, 256));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(expectPacked(arg2, "arg2", rt::DType::kBF16, 512, 256));
// CHECK: {static_cast<const __nv_bfloat16 *>(arg1.data()), static_cast<const __nv_bfloat16 *>(arg2.data())},
// CHECK: rt::StatusOr<rt::PackedWeight> gated_packing_pack_arg1(const rt::TensorView &weight, cudaStream_t stream) {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, "arg1", {512, 256}, rt::Role::kWeight));
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kOutIn, rt::DType::kBF16, stream);
// CHECK: rt::StatusOr<rt::PackedWeight> gated_packing_pack_arg2(const rt::TensorView &weight, cudaStream_t stream) {
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, "arg2", {512, 256}, rt::Role::kWeight));
// CHECK-NEXT: return rt::PackedWeight::pack(weight, rt::WeightLayout::kOutIn, rt::DType::kBF16, stream);
func.func @gated_packing(%x: tensor<?x256xbf16>,
                         %wg: tensor<512x256xbf16> {xkernel.weight_packing = #out_in},
                         %wu: tensor<512x256xbf16> {xkernel.weight_packing = #out_in})
    -> tensor<?x512xbf16> attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0] -> (0)>>} {
  %y = xkernel.gemm(%x, %wg, %wu : tensor<?x256xbf16>, tensor<512x256xbf16>, tensor<512x256xbf16>)
      plan <target = sm_90a, mainloop = tma_wgmma, tile_m = 128, tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2>
      -> tensor<?x512xbf16> {
  ^bb0(%a: tensor<?x256xbf16>, %g: tensor<512x256xbf16>, %u: tensor<512x256xbf16>):
    %lg = xfuse.linear %a, %g {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>) -> tensor<?x512xbf16>
    %lu = xfuse.linear %a, %u {weight_layout = #xfuse.weight_layout<out_in>} : (tensor<?x256xbf16>, tensor<512x256xbf16>) -> tensor<?x512xbf16>
    %h = xfuse.gate %lg, %lu : tensor<?x512xbf16>
    xkernel.yield %h : tensor<?x512xbf16>
  }
  return %y : tensor<?x512xbf16>
}

// A value returned twice is written once and copied once; a returned
// argument is copied, after the kernels. The workspace query checks a size
// nothing reads (the unused argument's) without using it: nvcc -Werror
// would reject an unused variable. Each output is disjoint from the
// arguments and the outputs before it, and the call returns before the
// workspace when all of them are empty.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> copies_workspace_size(std::int64_t size0, std::int64_t size1) {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN({{\[\[}}maybe_unused]] const CheckedInt s0, checkedSize(size0, "'arg0' dim 0"));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN({{\[\[}}maybe_unused]] const CheckedInt s1, checkedSize(size1, "'arg1' dim 0"));
// CHECK-NEXT: return workspaceSize({}, {});
// CHECK-LABEL: rt::Status copies(
// CHECK: XFUSE_RETURN_IF_ERROR(rt::expectDisjoint(result0, "result0", {{[{][{]}}arg0, "arg0"}, {arg1, "arg1"{{[}][}]}}));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectDisjoint(result1, "result1", {{[{][{]}}arg0, "arg0"}, {arg1, "arg1"}, {result0, "result0", rt::Role::kOutput{{[}][}]}}));
// CHECK-NEXT: XFUSE_RETURN_IF_ERROR(rt::expectDisjoint(result2, "result2", {{[{][{]}}arg0, "arg0"}, {arg1, "arg1"}, {result0, "result0", rt::Role::kOutput}, {result1, "result1", rt::Role::kOutput{{[}][}]}}));
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(result1.shape[0], "'result1' dim 0", s0, "'arg0' dim 0"));
// CHECK: if (result0.numElements() == 0 && result1.numElements() == 0 && result2.numElements() == 0)
// CHECK-NEXT: return rt::Status::ok(); // no tokens: nothing to launch
// CHECK: XFUSE_CUDA_TRY(device::launchElementwise(op, stream));
// CHECK-NEXT: }
// CHECK-NEXT: // result{{[01]}} is result{{[01]}}: a copy.
// CHECK-NEXT: XFUSE_CUDA_TRY(cudaMemcpyAsync(
// CHECK-NEXT: result{{[01]}}.data, result{{[01]}}.data,
// CHECK-NEXT: static_cast<std::size_t>(s0 * 64) * sizeof(__nv_bfloat16),
// CHECK-NEXT: cudaMemcpyDeviceToDevice, stream));
// CHECK-NEXT: // result2 is arg0: a copy.
// CHECK-NEXT: XFUSE_CUDA_TRY(cudaMemcpyAsync(
// CHECK-NEXT: result2.data, arg0.data,
// CHECK-NEXT: static_cast<std::size_t>(s0 * 64) * sizeof(__nv_bfloat16),
// CHECK-NEXT: cudaMemcpyDeviceToDevice, stream));
// CHECK-NEXT: return rt::Status::ok();
func.func @copies(%x: tensor<?x64xbf16>, %unused: tensor<?x8xbf16>)
    -> (tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<?x64xbf16>)
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x : tensor<?x64xbf16>) plan <target = sm_90a, threads = 256, vector_width = 8>
      -> tensor<?x64xbf16> {
  ^bb0(%a: tensor<?x64xbf16>):
    %r = xfuse.activation %a {kind = #xfuse.activation<relu>} : tensor<?x64xbf16>
    xkernel.yield %r : tensor<?x64xbf16>
  }
  return %y, %y, %x : tensor<?x64xbf16>, tensor<?x64xbf16>, tensor<?x64xbf16>
}

// The definition keeps positional identifiers (no local of the body can
// shadow them); messages name the graph's parameters.
// CHECK-LABEL: rt::StatusOr<rt::WorkspaceSize> named_workspace_size(std::int64_t size0, std::int64_t size1) {
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN({{\[\[}}maybe_unused]] const CheckedInt s0, checkedSize(size0, "'x' dim 0"));
// CHECK-NEXT: XFUSE_ASSIGN_OR_RETURN({{\[\[}}maybe_unused]] const CheckedInt s1, checkedSize(size1, "'pos' dim 0"));
// CHECK-LABEL: rt::Status named(
// CHECK-NEXT: const rt::TensorView &arg0,
// CHECK-NEXT: const rt::TensorView &arg1,
// CHECK-NEXT: const rt::TensorView &arg2,
// CHECK-NEXT: const rt::TensorView &result0,
// CHECK: XFUSE_RETURN_IF_ERROR(rt::expectTensor(arg0, "x", rt::DType::kBF16, {rt::Shape::kDynamic, 16, 256}));
// CHECK: XFUSE_RETURN_IF_ERROR(rt::expectTensor(result0, "y", rt::DType::kBF16, {rt::Shape::kDynamic, 16, 256}, rt::Role::kOutput));
// CHECK: XFUSE_RETURN_IF_ERROR(expectSameSize(s1, "'pos' dim 0", s0, "'x' dim 0"));
// CHECK-LABEL: rt::Status named_check_pos(const rt::TensorView &positions, cudaStream_t stream) {
// CHECK-NEXT: return rt::expectPositionsWithin(positions, "pos", 0, 63,
// CHECK-NEXT: "the learned table's row is clamped into [0, 63]", stream);
func.func @named(%x: tensor<?x16x256xbf16> {xfuse.name = "x"},
                 %table: tensor<64x256xbf16> {xfuse.name = "table"},
                 %pos: tensor<?x16xi32> {xfuse.name = "pos"})
    -> (tensor<?x16x256xbf16> {xfuse.name = "y"})
    attributes {xkernel.workspace = #xkernel.workspace<bytes = affine_map<()[s0, s1] -> (0)>>} {
  %y = xkernel.pointwise(%x, %table, %pos : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>)
      plan <target = sm_90a, threads = 256, vector_width = 8> -> tensor<?x16x256xbf16> {
  ^bb0(%a: tensor<?x16x256xbf16>, %t: tensor<64x256xbf16>, %p: tensor<?x16xi32>):
    %pe = xfuse.learned_pe %a, %t positions %p : tensor<?x16x256xbf16>, tensor<64x256xbf16>, tensor<?x16xi32>
    xkernel.yield %pe : tensor<?x16x256xbf16>
  }
  return %y : tensor<?x16x256xbf16>
}
