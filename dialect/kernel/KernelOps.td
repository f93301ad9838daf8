#ifndef XFUSE_DIALECT_KERNEL_KERNELOPS_TD
#define XFUSE_DIALECT_KERNEL_KERNELOPS_TD

include "dialect/kernel/KernelDialect.td"
include "dialect/kernel/KernelAttrs.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// A kernel op: isolated from above, one block whose arguments are the
// kernel's inputs and whose `xkernel.yield` gives its results.
class XKernel_KernelOp<string mnemonic, Attr planAttr,
                       code extraDeclaration = "">
    : XKernel_Op<mnemonic, [IsolatedFromAbove, SingleBlock, Pure]> {
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs,
                       OptionalAttr<planAttr>:$plan);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`(` $inputs^ `:` type($inputs) `)`)? (`plan` $plan^)? attr-dict
    `->` type($results) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes,
                   "::mlir::ValueRange":$inputs), [{
      buildKernel($_builder, $_state, resultTypes, inputs);
    }]>
  ];
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }] # extraDeclaration;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyKernelSignature(*this, getBodyBlock(), getInputs());
    }
  }];
}

def XKernel_GemmOp : XKernel_KernelOp<"gemm", XKernel_GemmPlanAttr, [{
    /// The roles of the body's ops (see GemmRoles). The verifier has checked
    /// that the body fits them.
    GemmRoles getRoles();
  }]> {
  let summary = "one GEMM kernel with a fused epilogue chain";
  let description = [{
    The body holds, in order:

    * an optional prologue applied to the A operand (a positional encoding
      of the tokens; no main loop of `cuda/device` applies one to its A
      tile, so a kernel with a prologue takes only a plan that folds it
      into the weight, `prologue = folded`);
    * the products: one `xfuse.linear`, or two sharing their input whose
      results meet in one `xfuse.gate` (gate and up projections computed as
      paired accumulators);
    * the epilogue applied to the accumulator tile: activations and adds
      whose other operand is a kernel input (a residual or a broadcast
      vector), in order;
    * reshapes of the result (`tensor.expand_shape`, `tensor.collapse_shape`:
      views, no data moves) and at most one `xfuse.rope` after the
      activations and adds, rotating heads that lie within one row.

    The kernel yields the last of these. Shape computations of the reshapes
    (`tensor.dim`, index arithmetic) may appear anywhere. The verifier
    rejects a body that does not fit these roles, and a plan the main loop
    cannot run for the body's products, element type, RoPE and prologue.

    ```mlir
    %h = xkernel.gemm(%x, %w1, %b1 : tensor<?x768xbf16>, tensor<768x3072xbf16>,
                                     tensor<3072xbf16>)
        plan #xkernel.gemm_plan<target = sm_90a, mainloop = tma_wgmma,
                                tile_m = 128, tile_n = 256, tile_k = 64,
                                stages = 4, warpgroups = 2>
        -> tensor<?x3072xbf16> {
    ^bb0(%a: tensor<?x768xbf16>, %w: tensor<768x3072xbf16>, %b: tensor<3072xbf16>):
      %y = xfuse.linear %a, %w bias %b : (...) -> tensor<?x3072xbf16>
      %r = xfuse.activation %y {kind = #xfuse.activation<relu>} : tensor<?x3072xbf16>
      xkernel.yield %r : tensor<?x3072xbf16>
    }
    ```
  }];
}

def XKernel_PointwiseOp : XKernel_KernelOp<"pointwise", XKernel_PointwisePlanAttr> {
  let summary = "one kernel fusing elementwise, positional-encoding and norm ops";
  let description = [{
    A chain of `xfuse` ops that touch each token's row independently
    (activations, residual adds, gated products, positional encodings,
    RoPE, norms) run as one bandwidth-bound kernel: each input row is read
    once and each result written once. Reshapes (`tensor.expand_shape`,
    `tensor.collapse_shape`) may start, continue or end the chain, or be
    the whole body (a copy into the new shape); their dynamic sizes are
    computed inside the body.
  }];
}

def XKernel_AllReduceOp : XKernel_Op<"all_reduce", [AllTypesMatch<["input", "output"]>]> {
  let summary = "the sum over all ranks of each rank's tensor";
  let description = [{
    A collective of a function that runs on `ranks` GPUs, the same code on
    each (see `--xfuse-shard-tensor-parallel`): every rank's `output` is
    the elementwise sum of all ranks' `input`. It runs as NCCL's all-reduce
    on the rank's communicator, which the entry point takes.

    `row_blocks` is how the reduction overlaps the GEMM that writes
    `input`: with 1, the all-reduce follows it; with B > 1, that GEMM runs
    in up to B launches of consecutive row blocks (each a multiple of its
    tile's rows; fewer blocks when the rows are few), and each block's
    all-reduce starts on a communication stream as soon as its launch has
    stored it, while the next block multiplies. Decode-sized inputs (one
    tile of rows) run as one launch and one all-reduce whatever B is.
    B > 1 needs `input` to be written by an `xkernel.gemm` that only this
    op reads and that reads no other per-row operand than its A.

    Reference semantics: `--xfuse-expand-ranks` runs all ranks in one
    function and turns the all-reduce into the sum of their values.

    ```mlir
    %y = xkernel.all_reduce %partial {ranks = 2, row_blocks = 4} : tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>]>:$ranks,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "1">:$row_blocks);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def XKernel_ReduceScatterOp : XKernel_Op<"reduce_scatter"> {
  let summary = "each rank's rows of the sum over all ranks";
  let description = [{
    The sequence-parallel form of `xkernel.all_reduce`: the elementwise sum
    of all ranks' `input` is cut into `ranks` equal parts along dimension 0
    (the tokens), and rank r's `output` is part r, rows
    [r * rows / ranks, (r + 1) * rows / ranks). It runs as NCCL's
    reduce-scatter, which moves (ranks - 1) / ranks of what an all-reduce
    moves. Dimension 0 must divide among the ranks (checked at run time
    when dynamic).

    Reference semantics: `--xfuse-expand-ranks` sums the ranks' values and
    gives each rank its rows of the sum.

    ```mlir
    %part = xkernel.reduce_scatter %partial {ranks = 2} : tensor<?x4096xbf16> -> tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>]>:$ranks);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def XKernel_AllGatherOp : XKernel_Op<"all_gather"> {
  let summary = "all ranks' rows, in rank order";
  let description = [{
    Undoes `xkernel.reduce_scatter` where the graph needs the full tensor:
    every rank's `output` is the concatenation along dimension 0 of all
    ranks' `input`, rank 0's rows first. It runs as NCCL's all-gather.

    Reference semantics: `--xfuse-expand-ranks` concatenates the ranks'
    values.

    ```mlir
    %full = xkernel.all_gather %part {ranks = 2} : tensor<?x4096xbf16> -> tensor<?x4096xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       ConfinedAttr<I64Attr, [IntMinValue<2>]>:$ranks);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def XKernel_YieldOp : XKernel_Op<"yield", [Pure, Terminator,
    ParentOneOf<["GemmOp", "PointwiseOp"]>, ReturnLike]> {
  let summary = "the results of a kernel";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // XFUSE_DIALECT_KERNEL_KERNELOPS_TD
