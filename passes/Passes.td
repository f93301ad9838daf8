#ifndef XFUSE_PASSES_PASSES_TD
#define XFUSE_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def XFuseToLinalg : Pass<"xfuse-to-linalg"> {
  let summary = "Lower every xfuse op to linalg, arith, math and tensor";
  let description = [{
    Gives every xfuse op its reference semantics as upstream MLIR: the result
    runs on the CPU through the standard bufferization and LLVM lowering with
    `mlir-runner`, and is the definition that fused plans and generated CUDA
    kernels are checked against.

    Elementwise ops and positional encodings become one `linalg.generic`
    each; linear layers become a `linalg.matmul` (with the weight transposed
    on the fly for the `out_in` layout) accumulating in f32, followed by a
    generic that adds the bias and rounds to the element type; `ffn` and
    `gated_ffn` expand into that sequence with intermediates rounded to the
    element type; norms reduce in f32. Transcendentals are evaluated in f32.
    RoPE frequencies are computed at compile time in double and embedded as
    f32 constants, except under dynamic NTK scaling, whose base is computed
    from the longest position of the call.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def XFuseDecompose : Pass<"xfuse-decompose"> {
  let summary = "Expand ffn and gated_ffn into building blocks";
  let description = [{
    Rewrites `xfuse.ffn` into `xfuse.linear`, `xfuse.activation`,
    `xfuse.linear`, and `xfuse.gated_ffn` into two `xfuse.linear` sharing
    their input, an `xfuse.gate` and the down `xfuse.linear`, keeping the
    weight layout, biases and the op's location. Graphs written with the
    high-level ops and graphs written by hand with building blocks then meet
    the same fusion. An identity activation is not materialised.
  }];
}

def XFuseFormKernels : Pass<"xfuse-form-kernels", "::mlir::func::FuncOp"> {
  let summary = "Group building blocks into one xkernel op per GPU kernel";
  let description = [{
    Partitions the xfuse building blocks and the reshapes between them of
    each function into kernels, each an `xkernel.gemm` or `xkernel.pointwise`
    whose body holds the fused ops. Afterwards the function holds the
    kernels, its return, and any op of another dialect the graph had
    (which `--xfuse-prepare-for-emission` reports).

    * Every `xfuse.linear` seeds a GEMM kernel. Two linears that share their
      input and meet only in one `xfuse.gate` become one GEMM with paired
      gate and up accumulators whose epilogue writes act(gate) ⊙ up.
    * The epilogue grows along single-use chains: activations, and adds of
      a value from outside the kernel (a residual or a broadcast vector),
      on the accumulator tile; then a RoPE, through the reshapes that split
      the features into heads, when the plan the cost model gives that
      kernel (`--xfuse-plan-launch` gives it the same) runs the RoPE in its
      epilogue, as `cuda/device/GemmLimits.h` decides: its tile (sm_90a) or
      each warp's columns (sm_80) hold whole heads, a thread holds both
      features of each pair (neox pairs `rotary_dim / 2` apart: a multiple
      of 8), there is no split-K, and the main loop has a RoPE epilogue
      (the f32 SIMT one has none). The cost model picks such a plan where
      one exists, for example 192-wide tiles for heads of 96 on sm_90a, or
      a 128-wide tile of 8 x 1 warps for heads of 128 on sm_80; otherwise
      the RoPE and its reshapes form a pointwise kernel. Reshapes the
      result ends in (before a return, another GEMM, or several users) are
      views the epilogue writes for free and join it too. The bias stays
      part of the linear.
    * No GEMM main loop applies a positional encoding to its A tile (TMA
      and cp.async copy A straight into shared memory). An encoding joins
      the GEMM reading it as its prologue only where the cost model folds
      it into the weight (`prologue = folded`: `(X + PE) W^T = X W^T +
      PE W^T`, the second term a table made when the weight is packed): a
      sinusoidal encoding of scale 1 and implicit positions over a static
      sequence, whose value and weight (a function argument) only that one
      linear reads, on a target and plan that add the table (see
      `--xfuse-plan-launch`). Otherwise it runs in a pointwise kernel, where
      it costs one pass over the activations.
    * The remaining ops (norms, adds, activations, gates, positional
      encodings, RoPEs that no GEMM epilogue runs) form bandwidth-bound
      `xkernel.pointwise` kernels: an op joins the kernel of its producer
      when it is that value's only user and works on the same rows (one
      RowChain runs a kernel: a RoPE works on tokens of heads x head_dim
      features, a norm or an encoding on rows of the last dimension; a
      norm over each head and a RoPE of several heads run in two kernels),
      so each chain reads its input once and writes its result once. The
      reshapes on the way to an op join its
      kernel; a reshape no kernel takes joins the kernel of its producer,
      or is a kernel of its own (a copy into the new shape).

    Reshapes are rebuilt in the kernel bodies with their dynamic sizes
    computed there from the body's values. Dynamic sizes read from xfuse
    results with `tensor.dim` are first rewritten to read the op's first
    operand (every xfuse op keeps the leading, dynamic dimensions of its
    first operand), so that shape queries do not keep intermediates alive
    between kernels; those left without users are erased.
  }];
  let options = [
    Option<"target", "target", "::mlir::xfuse::kernel::Target",
           /*default=*/"::mlir::xfuse::kernel::Target::sm_90a",
           "GPU architecture whose costs and GEMM limits drive the decisions",
           [{::mlir::xfuse::kernel::TargetOptionValues()}]>
  ];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFuseInlineKernels : Pass<"xfuse-inline-kernels"> {
  let summary = "Splice kernel bodies back into their function";
  let description = [{
    Replaces every `xkernel.gemm` and `xkernel.pointwise` with the xfuse ops
    of its body. This is the kernel level's reference semantics: followed by
    `--xfuse-to-linalg` it runs a fused plan on the CPU, which the tests
    compare with the unfused graph.
  }];
}

def XFusePlanLaunch : Pass<"xfuse-plan-launch", "::mlir::func::FuncOp"> {
  let summary = "Give every kernel without one a launch plan from the cost model";
  let description = [{
    Fills in the `plan` of each `xkernel.gemm` and `xkernel.pointwise` that
    has none, for the target. A plan already present is kept: this is the
    override for benchmarks, which pin a plan by writing it on the kernel
    (`xkernel.gemm(...) plan #xkernel.gemm_plan<...>`) before running the
    pass; a pinned plan must be for the pass's target, and the kernel's
    verifier holds it to what the GEMM blocks run.

    Every GEMM plan is one that `cuda/device/GemmLimits.h` accepts for the
    kernel's products, element type and epilogue RoPE; among those the cost
    model chooses (M tokens, K input and N output features):

    * The main loop: f32 operands run on the CUDA cores (`simt`, one
      64x64x16 tile of 2 x 4 warps, 2 stages), on both targets: on the
      tensor cores they would run as tf32, dropping precision that
      xfuse.linear's f32 semantics keeps. f16 and bf16 run `tma_wgmma` on
      sm_90a and `mma_sync` on sm_80.
    * `tma_wgmma` beyond 128 static tokens or for a dynamic M (assumed
      large: prefill, batched serving): `tile_m` 128 (decode: below).
      `warpgroups = tile_m / 64` consumers, one per 64 rows of wgmma.
      `tile_n` is 256, or 128 when N is at most 128 (a wide tile would be
      mostly padding), then 192 and 64; a gated GEMM keeps two accumulators
      per output and so takes 128. A main loop of at most 16 k-steps runs
      128x128 tiles ping-pong (`schedule = ping_pong`, 4 stages): two
      consumers take whole tiles in turn, one's epilogue overlapping the
      other's MMAs. `tile_k` is 64 (128 bytes, the widest TMA swizzle).
      `stages` is the most, up to 8 and no more than the main loop has
      steps, that fit in shared memory beside the staged stores.
    * `mma_sync`: 128x128x32 tiles of 8 warps (`warps_m = 2, warps_n = 4`),
      up to 4 stages, no split-K (the main loop has none), no clusters.
    * A GEMM whose body encodes its A operand (its prologue) takes the plan
      the same GEMM gets without it, with `prologue = folded`, where that
      plan adds the encoding's table in its epilogue (GemmLimits.h: the
      Hopper main loop, one product, no split-K, `tile_n <= 128`, a
      sequence that is a multiple of a consumer's rows) and the table
      (sequence x N) is at most 8 MiB, so that it stays in L2 beside the
      operands: measured on bert_pe_ffn's first GEMM (a 3 MiB table) at
      0.006-0.009 ms against the 0.018 ms encoding kernel it replaces.
      Where none does, the kernel is an error: `--xfuse-form-kernels` only
      forms such a kernel where the fold pays.
    * A RoPE epilogue needs whole heads per tile (sm_90a) or per warp's
      columns (sm_80), and no split-K: the first plan above that holds them,
      then tiles sized to the heads (192 for heads of 96 on sm_90a; 4 x 2
      warps for heads of 64, 8 x 1 for heads of 128, one or two heads per
      warp column otherwise on sm_80).
    * Up to 64 static tokens without an epilogue RoPE, bf16 GEMMs on sm_90a
      run `tma_wgmma_swapped`: the weights are wgmma's A operand (64 output
      features per tile) and the tokens its B operand, `tile_m` the tokens
      rounded up to 8, 16, 32 or 64, so no MMA or A box is padded to 64
      rows. `split_k` (the cluster size: the slices of a tile are summed
      through distributed shared memory) is the largest power of two up to
      8 with tiles x slices <= SMs and at least 8 main-loop steps per
      slice; `stages` the most that fit (up to 12 and the slice's steps)
      with every block resident at once.
    * Otherwise, up to 128 static tokens (decode) a GEMM streams its
      weights. Its `tma_wgmma` candidates: one row of tiles, `tile_m` 64 up
      to 64 tokens, else 128; `tile_n` 128 and 64 (256 and 192 only where a
      RoPE epilogue's heads need them: 256 measured slower at every token
      count); as many stages as fit; `split_k` from 1 to `floor(SMs /
      tiles)`, each slice keeping at least 8 main-loop steps (one work unit
      per block: a block running two split units measured 1.3-3x slower).
      The plan whose busiest block streams the fewest weights wins (work
      units go round robin to the persistent blocks). On a tie, where the
      tile has rows past the tokens, the wider tile (fewer mostly padded A
      boxes per weight byte); else the fewest work units, then the fewest
      slices per tile (less f32 partial traffic); then the first. An f16
      GEMM of 16 tokens, N = 4096, K = 16384 on 132 SMs: 32 tiles of 64x128
      split in 4, 128 blocks of 64 steps, 9 stages; 64 tokens: 64 tiles of
      64x64 split in 2.
    * `split_k` (`tma_wgmma`) for more tokens: a static M whose grid of
      output tiles leaves SMs idle splits the reduction into the most parts
      that still run in one wave, `floor(SMs / tiles)` (more would start a
      second wave and add f32 partial tiles to reduce), each keeping at
      least 8 main-loop steps so that it does not spend its time filling
      and draining the pipeline.
    * No `tma_wgmma` plan asks for clusters: pairs of blocks sharing each
      weight tile (`cluster_m = 2`) measured no faster on the FFN shapes; a
      pinned plan can.

    Pointwise kernels: 256 threads; `vector_width` = 16 bytes / element
    size, halved until it divides every row so that each row starts
    aligned; `rows_per_block = 1` when the body has a norm (one block
    reduces one row), else 0 (a flat grid-stride loop).

    A GEMM whose input or output rows are not 16-byte aligned fails with an
    error at the projection: TMA and cp.async copy 16-byte aligned rows (a
    multiple of 8 features in 16-bit types, 4 in f32). So does a RoPE that
    a hand-written GEMM body puts in an epilogue no plan runs.
  }];
  let options = [
    Option<"target", "target", "::mlir::xfuse::kernel::Target",
           /*default=*/"::mlir::xfuse::kernel::Target::sm_90a",
           "GPU architecture to plan for",
           [{::mlir::xfuse::kernel::TargetOptionValues()}]>
  ];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFusePlanWeightPacking
    : Pass<"xfuse-plan-weight-packing", "::mlir::func::FuncOp"> {
  let summary = "Record the layout each GEMM kernel wants for its weights";
  let description = [{
    The GEMM main loops read the B operand as `[N, K]`, K contiguous (the
    operand layout of wgmma and mma.sync). For each weight of each
    `xkernel.gemm`, this pass places an `xkernel.weight_packing` attribute
    on the function argument that provides it: `source` is the argument's
    layout (`out_in` weights are `[N, K]` already, `in_out` ones need a
    transpose). The gate and up weights of a gated GEMM are packed each on
    its own: the main loops load one B tile per product. A GEMM whose plan
    folds the encoding of its input into its weight (`prologue = folded`)
    also asks for the encoding's table for its sequence's positions
    (`folded_positions`), which the weight's pack helper makes. The runtime
    packs each argument once, when the weights are loaded; this pass only
    plans it.

    A weight is traced from the kernel operand to the function argument. A
    weight that is not a function argument (a constant, or a value computed
    in the graph) is an error: it would have to be repacked on every call;
    pass it as an argument instead. So is an argument that two kernels want
    packed differently.
  }];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFusePlanMemory : Pass<"xfuse-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Place the intermediates between kernels in one workspace";
  let description = [{
    Every kernel result that the function does not return lives in one
    workspace per function, and so does the result of a collective
    (`xkernel.all_reduce`, `reduce_scatter`, `all_gather`: NCCL writes out of
    place, so that a block of rows can be reduced while the GEMM still
    writes the next). A reduce-scatter's rows are its input's over the
    ranks, an all-gather's times them. Buffers are assigned by a linear scan over the
    kernels in program order: a value lives from its producer to its last
    user, and a buffer whose value is dead is reused by a later value whose
    size is a multiple of the same dynamic sizes (the buffer grows to the
    larger of the two when needed).

    Sizes are maps over the function's dynamic sizes: the leading (token)
    dimensions of intermediates are traced back to the dimensions of the
    arguments they come from (every xfuse op keeps its first operand's
    leading dimensions). Buffers are laid out in order, each starting at a
    multiple of 256 bytes for every value of the sizes, and each kernel
    records where its results go in an `xkernel.workspace_slices` array of
    `#xkernel.workspace_slice`, and the function its total size in
    `xkernel.workspace = #xkernel.workspace<bytes = ...>`, whose symbols
    are the function's dynamic argument dimensions in order.
  }];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFusePrepareForEmission
    : Pass<"xfuse-prepare-for-emission", "::mlir::func::FuncOp"> {
  let summary = "Leave only what the CUDA emitter prints, or say what is left";
  let description = [{
    The last pass before `xfuse-translate --emit-cuda`: it erases the ops
    the passes before left without users outside the kernels (shape
    queries and constants whose users moved into kernel bodies), then
    checks that each function holds only what the emitter prints: one
    block of `xkernel.gemm` and `xkernel.pointwise` kernels, each with its
    launch plan, collectives (`xkernel.all_reduce`, `reduce_scatter`,
    `all_gather`), and `func.return`. Anything else is an error at its
    location, saying what to do: a constant tensor, say, must be passed as
    an argument, and an op of another dialect has no kernel. The emitter
    then only prints: every decision is in the kernels and their plans.
  }];
}

def XFuseShardTensorParallel
    : Pass<"xfuse-shard-tensor-parallel", "::mlir::func::FuncOp"> {
  let summary = "Shard every ffn and gated_ffn across ranks, Megatron-style";
  let description = [{
    Rewrites the function to run on `ranks` GPUs, the same code on each
    (SPMD), every rank holding 1/ranks of each feed-forward network's
    weights. For each `xfuse.ffn` and `xfuse.gated_ffn`:

    * W1 (or the gate and up weights) and its biases are split by output
      feature (column-parallel): each rank computes its slice of the hidden
      features, activation and gate included, with no communication;
    * W2 (the down weight) is split by input feature (row-parallel): each
      rank's product is a partial sum of the output;
    * the bias of W2 is a partial sum too: rank 0 holds it, the others
      zeros, so that it stays in the GEMM's epilogue and is added once;
    * an `xkernel.all_reduce` sums the partial outputs; the op's users read
      its result, the same on every rank. With `collective=reduce-scatter`
      (sequence parallelism) an `xkernel.reduce_scatter` leaves each rank
      its rows of the sum instead: a function result takes them as they are
      (the result's type is the rank's rows, with an `xkernel.shard` along
      dimension 0), every other user reads one `xkernel.all_gather` of them.
      The token rows must divide among the ranks.

    The weight and bias arguments take their shard's type and an
    `xkernel.shard` attribute saying which part of the full tensor they
    hold. The input, the output and every other op (encodings, norms,
    residual adds, lone `xfuse.linear` layers) stay replicated: each rank
    computes them whole.

    `row-blocks` is recorded on each all-reduce: the down GEMM runs in that
    many row blocks, each all-reduced while the next multiplies (see
    `xkernel.all_reduce`); 1 reduces after the whole GEMM. With a static
    token count, blocks keep at least 1024 rows (decode: one block): a
    smaller block's all-reduce is latency-bound, and its GEMM too short to
    hide the next one.

    Errors, at the op: a hidden size that `ranks` does not divide, a weight
    or bias that is not a function argument of this op alone (each rank
    must be given its own part of it), and for a reduce-scatter static token
    rows that `ranks` does not divide.
  }];
  let options = [
    Option<"ranks", "ranks", "int64_t", /*default=*/"2",
           "Number of ranks (GPUs) the function runs on">,
    Option<"rowBlocks", "row-blocks", "int64_t",
           /*default=*/"::mlir::xfuse::kDefaultTensorParallelRowBlocks",
           "Row blocks of each down GEMM whose all-reduce overlaps the next">,
    Option<"collective", "collective",
           "::mlir::xfuse::TensorParallelCollective",
           /*default=*/"::mlir::xfuse::TensorParallelCollective::AllReduce",
           "The collective summing each network's partial outputs",
           [{::mlir::xfuse::tensorParallelCollectiveValues()}]>
  ];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFuseExpandRanks : Pass<"xfuse-expand-ranks"> {
  let summary = "Run all ranks of a tensor-parallel function in one (reference semantics)";
  let description = [{
    The reference semantics of a function that `--xfuse-shard-tensor-parallel`
    made to run on N ranks, for every such function under the op it runs
    on: the function takes the full tensors again (the
    types before sharding), cuts each argument with an `xkernel.shard`
    into the N parts the ranks are given (`tensor.extract_slice`; zeros
    for the other ranks of a partial sum), runs the body once per rank on
    its parts, and replaces each `xkernel.all_reduce` with the sum of the
    N ranks' values (`xfuse.add`, rank by rank, rounded to the element type
    at each step as a ring all-reduce would), each `xkernel.reduce_scatter`
    with rank r's rows of that sum (`tensor.extract_slice`) and each
    `xkernel.all_gather` with the ranks' values in rank order
    (`tensor.concat`). It returns rank 0's results, and of a result sharded
    by rows every rank's, in rank order.

    Works on graphs at any level: followed by `--xfuse-inline-kernels` and
    `--xfuse-to-linalg` it runs a sharded kernel plan on the CPU, which
    `xfuse-reference-check` compares with the unsharded graph.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def XFusePipeline : Pass<"xfuse-pipeline", "::mlir::ModuleOp"> {
  let summary = "Compile xfuse graphs into planned kernels";
  let description = [{
    Runs, on every function: `--xfuse-shard-tensor-parallel` when
    `tensor-parallel` is above 1, `--xfuse-decompose`, `--canonicalize`,
    `--xfuse-form-kernels`, `--xfuse-plan-launch`,
    `--xfuse-plan-weight-packing`, `--xfuse-plan-memory` and
    `--xfuse-prepare-for-emission`, with the target given to the passes
    that take one. Each function then holds only planned kernels and its
    return.

    With `report=true`, it then emits a fusion report as remarks: one per
    kernel, at the kernel, with its kind and launch plan, and a note at the
    location of each xfuse op the kernel holds (the ops in kernel bodies
    keep the locations of the graph's ops), then one per function with its
    kernel count and workspace.
  }];
  let options = [
    Option<"target", "target", "::mlir::xfuse::kernel::Target",
           /*default=*/"::mlir::xfuse::kernel::Target::sm_90a",
           "GPU architecture to compile for",
           [{::mlir::xfuse::kernel::TargetOptionValues()}]>,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per kernel listing its source ops and plan">,
    Option<"tensorParallel", "tensor-parallel", "int64_t", /*default=*/"1",
           "Ranks to shard the feed-forward networks across "
           "(--xfuse-shard-tensor-parallel first); 1 runs on one GPU">,
    Option<"tensorParallelRowBlocks", "tensor-parallel-row-blocks", "int64_t",
           /*default=*/"::mlir::xfuse::kDefaultTensorParallelRowBlocks",
           "Row blocks of each down GEMM whose all-reduce overlaps the next "
           "(the row-blocks of --xfuse-shard-tensor-parallel)">,
    Option<"tensorParallelCollective", "tensor-parallel-collective",
           "::mlir::xfuse::TensorParallelCollective",
           /*default=*/"::mlir::xfuse::TensorParallelCollective::AllReduce",
           "The collective after each sharded network (the collective of "
           "--xfuse-shard-tensor-parallel)",
           [{::mlir::xfuse::tensorParallelCollectiveValues()}]>
  ];
}

#endif // XFUSE_PASSES_PASSES_TD
