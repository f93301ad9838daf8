#ifndef XFUSE_DIALECT_KERNEL_KERNELATTRS_TD
#define XFUSE_DIALECT_KERNEL_KERNELATTRS_TD

include "dialect/kernel/KernelDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def XKernel_TargetSm80 : I32EnumAttrCase<"sm_80", 0>;
def XKernel_TargetSm90a : I32EnumAttrCase<"sm_90a", 1>;
def XKernel_Target : I32EnumAttr<"Target", "GPU architecture a plan is for",
                                 [XKernel_TargetSm80, XKernel_TargetSm90a]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}
def XKernel_TargetAttr : EnumAttr<XKernel_Dialect, XKernel_Target, "target"> {
  let assemblyFormat = "`<` $value `>`";
}

def XKernel_ScheduleCooperative : I32EnumAttrCase<"cooperative", 0>;
def XKernel_SchedulePingPong : I32EnumAttrCase<"ping_pong", 1>;
def XKernel_GemmSchedule : I32EnumAttr<"GemmSchedule",
    "how the consumer warpgroups of an sm_90a GEMM block share its tiles",
    [XKernel_ScheduleCooperative, XKernel_SchedulePingPong]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}

def XKernel_GemmPlanAttr : AttrDef<XKernel_Dialect, "GemmPlan"> {
  let mnemonic = "gemm_plan";
  let summary = "how a GEMM kernel is tiled and launched";
  let description = [{
    `tile_m x tile_n x tile_k` is the block tile (tokens x output features x
    reduction step); `stages` the depth of the shared-memory pipeline;
    `warpgroups` the consumer warpgroups (sm_90a, wgmma) or warps along M x N
    (sm_80, mma.sync, `warps_m * warps_n = 4 * warpgroups`); `split_k` the
    number of blocks sharing one output tile's reduction (small-token path);
    `cluster_m` the thread-block cluster size along M (TMA multicast of the
    weight tile); `schedule` how the consumer warpgroups share the tiles
    (sm_90a): `cooperative`, one warpgroup per 64 rows of each tile, or
    `ping_pong`, two warpgroups taking whole 128-row tiles in turn, so that
    one's epilogue runs while the other multiplies.
  }];
  let parameters = (ins "::mlir::xfuse::kernel::Target":$target,
                        "int64_t":$tile_m, "int64_t":$tile_n,
                        "int64_t":$tile_k, "int64_t":$stages,
                        "int64_t":$warpgroups,
                        DefaultValuedParameter<"int64_t", "1">:$split_k,
                        DefaultValuedParameter<"int64_t", "1">:$cluster_m,
                        DefaultValuedParameter<
                            "::mlir::xfuse::kernel::GemmSchedule",
                            "::mlir::xfuse::kernel::GemmSchedule::cooperative">:$schedule);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def XKernel_PointwisePlanAttr : AttrDef<XKernel_Dialect, "PointwisePlan"> {
  let mnemonic = "pointwise_plan";
  let summary = "how an elementwise, positional-encoding or norm kernel is launched";
  let description = [{
    `threads` per block, each moving `vector_width` elements per access
    (8 x 16-bit = 16 bytes); `rows_per_block` rows of the hidden dimension
    per block for kernels that reduce over it (norms), else 0 for a flat
    grid-stride loop.
  }];
  let parameters = (ins "::mlir::xfuse::kernel::Target":$target,
                        "int64_t":$threads, "int64_t":$vector_width,
                        DefaultValuedParameter<"int64_t", "0">:$rows_per_block);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Weight packing
//===----------------------------------------------------------------------===//

def XKernel_HalfGate : I32EnumAttrCase<"gate", 0>;
def XKernel_HalfUp : I32EnumAttrCase<"up", 1>;
def XKernel_GatedHalf : I32EnumAttr<"GatedHalf",
    "the projection of a gated GEMM that a weight belongs to",
    [XKernel_HalfGate, XKernel_HalfUp]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}

def XKernel_InterleaveAttr : AttrDef<XKernel_Dialect, "Interleave"> {
  let mnemonic = "interleave";
  let summary = "one half of the gate/up weight pair of a gated GEMM";
  let description = [{
    The argument is the `half` (gate or up projection) of a pair whose other
    half is argument number `partner`. The two are packed into one
    `[2 * ceil(N / block_n) * block_n, K]` buffer of alternating blocks of
    `block_n` rows (the kernel's `tile_n`), gate first, the last block of
    each padded with zero rows, so that one tile load at row
    `2 * j * block_n` fetches both operands of output tile `j`.
  }];
  let parameters = (ins "::mlir::xfuse::kernel::GatedHalf":$half,
                        "int64_t":$block_n, "unsigned":$partner);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def XKernel_WeightPackingAttr : AttrDef<XKernel_Dialect, "WeightPacking"> {
  let mnemonic = "weight_packing";
  let summary = "the layout a GEMM kernel wants for the weight an argument provides";
  let description = [{
    Placed by `--xfuse-plan-weight-packing` on a function argument, under
    the name `xkernel.weight_packing`. The runtime packs the argument once,
    when the weights are loaded, into the layout the GEMM kernels read: B as
    `[N, K]` with K contiguous (the operand layout of both mma.sync and
    wgmma).

    `source` is the layout of the argument as given: `out_in` is already
    `[N, K]`, `in_out` (`[K, N]`) is transposed. `interleave`, present for
    the weights of a gated GEMM, pairs the argument with the other
    projection's weight (see `#xkernel.interleave`).

    ```mlir
    func.func @f(%x: tensor<?x256xbf16>,
                 %wg: tensor<688x256xbf16> {xkernel.weight_packing =
                   #xkernel.weight_packing<source = out_in, interleave =
                     #xkernel.interleave<half = gate, block_n = 128, partner = 2>>},
                 %wu: tensor<688x256xbf16> {xkernel.weight_packing =
                   #xkernel.weight_packing<source = out_in, interleave =
                     #xkernel.interleave<half = up, block_n = 128, partner = 1>>})
    ```
  }];
  let parameters = (ins "::mlir::xfuse::WeightLayout":$source,
                        OptionalParameter<"::mlir::xfuse::kernel::InterleaveAttr">:
                            $interleave);
  let assemblyFormat = "`<` struct(params) `>`";
}

//===----------------------------------------------------------------------===//
// Workspace
//===----------------------------------------------------------------------===//

def XKernel_WorkspaceAttr : AttrDef<XKernel_Dialect, "Workspace"> {
  let mnemonic = "workspace";
  let summary = "the scratch memory a function's kernels share";
  let description = [{
    Placed by `--xfuse-plan-memory` on a function, under the name
    `xkernel.workspace`: `bytes` is the size of the one workspace that holds
    the kernel results the function does not return. It is a map without
    dimensions whose symbols are the function's dynamic sizes: `s<i>` is the
    i-th dynamic dimension of the arguments, counting arguments in order and
    each argument's dimensions in order. The caller evaluates it for the
    shapes of a call and reserves that much before launching the kernels.

    ```mlir
    func.func @f(%x: tensor<?x64x256xbf16>, ...) attributes {xkernel.workspace =
        #xkernel.workspace<bytes = affine_map<()[s0] -> (s0 * 131072)>>}
    ```
  }];
  let parameters = (ins "::mlir::AffineMapAttr":$bytes);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def XKernel_WorkspaceSliceAttr : AttrDef<XKernel_Dialect, "WorkspaceSlice"> {
  let mnemonic = "workspace_slice";
  let summary = "where in its function's workspace a kernel writes one result";
  let description = [{
    Placed by `--xfuse-plan-memory` on a kernel op, in the array
    `xkernel.workspace_slices`: result number `result` of the kernel is
    written at byte `offset` of the function's workspace, a map over the
    function's dynamic sizes as in `#xkernel.workspace`. Offsets are
    multiples of 256 bytes for every value of the sizes.

    ```mlir
    %h = xkernel.gemm(...) {xkernel.workspace_slices = [
        #xkernel.workspace_slice<result = 0, offset = affine_map<()[s0] -> (0)>>]}
    ```
  }];
  let parameters = (ins "unsigned":$result, "::mlir::AffineMapAttr":$offset);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // XFUSE_DIALECT_KERNEL_KERNELATTRS_TD
