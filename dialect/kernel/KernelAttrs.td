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
    "how the consumer warpgroups of a tma_wgmma GEMM block share its tiles",
    [XKernel_ScheduleCooperative, XKernel_SchedulePingPong]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}

def XKernel_PrologueNone : I32EnumAttrCase<"none", 0>;
def XKernel_PrologueFolded : I32EnumAttrCase<"folded", 1>;
def XKernel_GemmPrologue : I32EnumAttr<"GemmPrologue",
    "how a GEMM block runs the positional encoding of its A operand",
    [XKernel_PrologueNone, XKernel_PrologueFolded]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}

// The cases of xfuse::gemm::Mainloop (cuda/device/GemmLimits.h).
def XKernel_MainloopTmaWgmma : I32EnumAttrCase<"tma_wgmma", 0>;
def XKernel_MainloopMmaSync : I32EnumAttrCase<"mma_sync", 1>;
def XKernel_MainloopSimt : I32EnumAttrCase<"simt", 2>;
def XKernel_MainloopTmaWgmmaSwapped : I32EnumAttrCase<"tma_wgmma_swapped", 3>;
def XKernel_GemmMainloop : I32EnumAttr<"GemmMainloop",
    "the main loop of a GEMM block",
    [XKernel_MainloopTmaWgmma, XKernel_MainloopMmaSync, XKernel_MainloopSimt,
     XKernel_MainloopTmaWgmmaSwapped]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse::kernel";
}

def XKernel_GemmPlanAttr : AttrDef<XKernel_Dialect, "GemmPlan"> {
  let mnemonic = "gemm_plan";
  let summary = "how a GEMM kernel is tiled and launched";
  let description = [{
    Every decision the CUDA emitter needs to instantiate one GEMM block of
    `cuda/device`.

    `mainloop` is the block's main loop: `tma_wgmma` (Hopper: TMA copies and
    wgmma, sm_90a only), `tma_wgmma_swapped` (the same with the operands
    swapped for a few tokens: the weights are wgmma's 64-row side and the
    tokens its narrow side, so that decode pads no MMA to 64 tokens),
    `mma_sync` (cp.async and mma.sync, sm_80 and later) or `simt` (f32
    operands on the CUDA cores, f32 throughout).
    `tile_m x tile_n x tile_k` is the block tile (tokens x output features x
    reduction step) and `stages` the depth of the shared-memory pipeline.

    The threads of the block:

    * `tma_wgmma`: `warpgroups` consumer warpgroups (a producer warpgroup
      issues the copies), and `schedule`: `cooperative` (the default), one
      warpgroup per 64 rows of each tile, or `ping_pong`, two warpgroups
      taking whole tiles in turn so that one's epilogue runs while the
      other multiplies.
    * `tma_wgmma_swapped`: one consumer warpgroup (`warpgroups = 1`) and a
      producer warp; `tile_m` (8, 16, 32 or 64) holds all of the call's
      tokens, a static count, and `tile_n` (64 or 128) output features.
    * `mma_sync` and `simt`: the warp grid `warps_m x warps_n` over the
      tile; a warp owns `(tile_m / warps_m) x (tile_n / warps_n)` outputs.
      A RoPE in the epilogue needs each warp's columns to hold whole heads.

    `split_k` (default 1) is the number of blocks sharing one output tile's
    reduction (with `tma_wgmma_swapped`, one thread-block cluster of that
    many blocks, one k-slice each), and `cluster_m` (default 1) the
    thread-block cluster size along M, whose blocks share each weight tile
    through TMA multicast.

    `prologue` (default `none`) says how the block runs a positional
    encoding of its A operand, the body's prologue: `folded` adds
    `F[row % positions]` to the accumulators, where `F = PE W^T` is the
    encoding's product with the weight, made once when the weight is packed
    (`#xkernel.weight_packing`'s `folded_positions`), so that
    `(X + PE) W^T = X W^T + F` needs no pass over X. It takes a sinusoidal
    encoding of scale 1 and implicit positions over a static sequence, and
    on `tma_wgmma` a tile whose store buffers hold a consumer's source
    (`tile_n <= 128`) of a sequence that is a multiple of its rows. No
    main loop applies an encoding to its A tile, so a body with a prologue
    takes a plan only with `prologue = folded`. The encoding's sum is not
    rounded to the element type before the product, as the unfused graph's
    is: the fold is closer to the exact value.

    The plan is checked where the body is known: `xkernel.gemm`'s verifier
    rejects a plan the main loop cannot run for the kernel's products and
    element type, or whose epilogue cannot apply the kernel's RoPE, with the
    reason `cuda/device/GemmLimits.h` gives (the one home of those limits;
    `dialect/kernel/GemmConfig.h` states a plan in its terms).

    ```mlir
    #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128,
                       tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2,
                       schedule = ping_pong>
    #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma, tile_m = 128,
                       tile_n = 128, tile_k = 64, stages = 4, warpgroups = 2,
                       schedule = ping_pong, prologue = folded>
    #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma_swapped,
                       tile_m = 16, tile_n = 64, tile_k = 64, stages = 12,
                       warpgroups = 1, split_k = 2>
    #xkernel.gemm_plan<target = sm_80, mainloop = mma_sync, tile_m = 128,
                       tile_n = 128, tile_k = 32, stages = 4, warps_m = 8,
                       warps_n = 1>
    #xkernel.gemm_plan<target = sm_90a, mainloop = simt, tile_m = 64,
                       tile_n = 64, tile_k = 16, stages = 2, warps_m = 2,
                       warps_n = 4>
    ```
  }];
  let parameters = (ins "::mlir::xfuse::kernel::Target":$target,
                        "::mlir::xfuse::kernel::GemmMainloop":$mainloop,
                        "int64_t":$tile_m, "int64_t":$tile_n,
                        "int64_t":$tile_k, "int64_t":$stages,
                        OptionalParameter<"std::optional<int64_t>">:$warpgroups,
                        OptionalParameter<"std::optional<int64_t>">:$warps_m,
                        OptionalParameter<"std::optional<int64_t>">:$warps_n,
                        DefaultValuedParameter<"int64_t", "1">:$split_k,
                        DefaultValuedParameter<"int64_t", "1">:$cluster_m,
                        DefaultValuedParameter<
                            "::mlir::xfuse::kernel::GemmSchedule",
                            "::mlir::xfuse::kernel::GemmSchedule::cooperative">:$schedule,
                        DefaultValuedParameter<
                            "::mlir::xfuse::kernel::GemmPrologue",
                            "::mlir::xfuse::kernel::GemmPrologue::none">:$prologue);
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

def XKernel_WeightPackingAttr : AttrDef<XKernel_Dialect, "WeightPacking"> {
  let mnemonic = "weight_packing";
  let summary = "the layout a GEMM kernel wants for the weight an argument provides";
  let description = [{
    Placed by `--xfuse-plan-weight-packing` on a function argument, under
    the name `xkernel.weight_packing`. The runtime packs the argument once,
    when the weights are loaded, into the layout the GEMM kernels read: B as
    `[N, K]` with K contiguous (the operand layout of wgmma, mma.sync and
    the SIMT main loop). The gate and up weights of a gated GEMM are packed
    each on its own.

    `source` is the layout of the argument as given: `out_in` is already
    `[N, K]`, `in_out` (`[K, N]`) is transposed.

    `folded_positions` (default 0: none) is set when the GEMM reading the
    weight folds the positional encoding of its input (`#xkernel.gemm_plan`
    `prologue = folded`): packing also makes that encoding's product with
    the weight for this many positions, the `[positions, N]` table the GEMM
    adds.

    ```mlir
    func.func @f(%x: tensor<?x256xbf16>,
                 %w: tensor<256x688xbf16> {xkernel.weight_packing =
                   #xkernel.weight_packing<source = in_out>})
    func.func @g(%x: tensor<?x512x768xbf16>,
                 %w: tensor<3072x768xbf16> {xkernel.weight_packing =
                   #xkernel.weight_packing<source = out_in,
                                           folded_positions = 512>})
    ```
  }];
  let parameters = (ins "::mlir::xfuse::WeightLayout":$source,
                        DefaultValuedParameter<"int64_t", "0">:$folded_positions);
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

//===----------------------------------------------------------------------===//
// Tensor parallelism
//===----------------------------------------------------------------------===//

def XKernel_ShardAttr : AttrDef<XKernel_Dialect, "Shard"> {
  let mnemonic = "shard";
  let summary = "which part of a full tensor each rank's argument holds";
  let description = [{
    Placed by `--xfuse-shard-tensor-parallel` on a function argument, under
    the name `xkernel.shard`: the function runs on each of `ranks` GPUs
    (the same code on every rank), and this argument is given each rank's
    part of a full tensor that is `ranks` times larger along `dim`.

    * With `dim`: the full tensor is cut into `ranks` equal contiguous
      parts along `dim`, and rank r is given part r (the column-parallel
      W1, gate and up weights and their biases, the row-parallel W2).
    * Without `dim`: a partial sum: rank 0 is given the full tensor and
      every other rank zeros of its shape, so that the all-reduce after it
      adds it once (the bias of the row-parallel W2, added in its GEMM's
      epilogue for free).

    The runtime cuts the shards once, when the weights are loaded (the
    generated `<function>_shard_<argument>` helpers); `--xfuse-expand-ranks`
    cuts them in the graph to run all ranks on the CPU.

    On a function result (sequence parallelism, `collective=reduce-scatter`)
    it says the same of what each rank returns: rank r writes part r along
    `dim` of the full result, its rows of an `xkernel.reduce_scatter`.

    ```mlir
    func.func @ffn(%x: tensor<?x4096xbf16>,
                   %w1: tensor<4096x8192xbf16> {xkernel.shard = #xkernel.shard<ranks = 2, dim = 1>},
                   %b2: tensor<4096xbf16> {xkernel.shard = #xkernel.shard<ranks = 2>})
    ```
  }];
  let parameters = (ins "int64_t":$ranks,
                        OptionalParameter<"std::optional<int64_t>">:$dim);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isPartialSum() const { return !getDim().has_value(); }
    /// The type of the full tensor whose part `shard` is.
    ::mlir::RankedTensorType getFullType(::mlir::RankedTensorType shard) const;
  }];
}

#endif // XFUSE_DIALECT_KERNEL_KERNELATTRS_TD
