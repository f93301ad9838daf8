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
    Partitions the xfuse building blocks of each function into kernels, each
    an `xkernel.gemm` or `xkernel.pointwise` whose body holds the fused ops:

    * Every `xfuse.linear` seeds a GEMM kernel. Two linears that share their
      input and meet only in one `xfuse.gate` become one GEMM with paired
      gate and up accumulators whose epilogue writes act(gate) ⊙ up.
    * The epilogue grows along single-use chains through the ops that act on
      one output row: activation, residual or broadcast add, positional
      encodings, and RoPE (through the `tensor.expand_shape` that splits the
      features into heads). The bias stays part of the linear.
    * A positional encoding whose only users are the GEMM is a candidate for
      the GEMM prologue, applied to the A tile after it is loaded. Placement
      is decided by cost per token: in the prologue the encoding is
      recomputed once per output tile column, `d * ceil(N / tile_n)` sin/cos
      (or table) evaluations, with `tile_n` the tile launch planning will pick
      (128 for gated GEMMs, up to 256 otherwise) and the special-function
      units assumed not hidden behind the tensor cores;
      as a separate kernel it costs one write and one read of the `d`
      encoded features. The cheaper wins: short projections (N of a few
      tiles) take the prologue, wide ones (the 3072 to 16384 hidden sizes of
      real FFNs) keep the encoding in a producer or elementwise kernel,
      where it costs one pass over the activations.
    * The remaining ops (norms, adds, activations, encodings not placed
      above) form bandwidth-bound `xkernel.pointwise` kernels: an op joins
      the kernel of its producer when it is that value's only user, so each
      chain reads its input once and writes its result once.

    Dynamic sizes read from xfuse results with `tensor.dim` are first
    rewritten to read the op's first operand (every xfuse op keeps the
    leading, dynamic dimensions of its first operand), so that shape queries
    do not keep intermediates alive between kernels.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture whose costs drive the decisions: sm_80 or sm_90a">
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
    pass; a pinned plan must be for the pass's target and is held to the
    same shape rules as a computed one.

    GEMM kernels (M tokens, K input and N output features):

    * sm_90a (wgmma fed by TMA): `tile_m` is 64 when all tokens fit in one
      64-row tile, else 128; a dynamic M is assumed large (prefill, batched
      serving). `warpgroups = tile_m / 64` consumers, one per 64 rows of
      wgmma. `tile_n` is 256, or 128 when N is at most 128 (a wide tile
      would be mostly padding) or the kernel is gated: each consumer holds
      its 64 x tile_n f32 accumulator in tile_n / 2 registers per thread,
      and two 256-wide ones would exceed the 255 available. `tile_k` is 64
      (128 bytes, the widest TMA swizzle).
    * sm_80 (mma.sync fed by cp.async): one 128x128x32 tile over 8 warps
      (`warpgroups = 2`), 4 stages, no clusters.
    * With a RoPE in the epilogue, a tile must hold whole heads (RoPE pairs
      features within a head), so `tile_n` is the first of the choices
      above that is a multiple of `head_dim`.
    * `stages` fills the shared memory (227 KB on sm_90a, 163 KB on sm_80)
      with stages of `(tile_m + tile_n * (gated ? 2 : 1)) * tile_k` elements,
      up to 8 (sm_90a) or 4 (sm_80) and no more than the main loop has
      steps.
    * `split_k`: a static M whose grid of output tiles leaves SMs idle
      splits the reduction into the most parts that still run in one wave,
      `floor(SMs / tiles)` (more would start a second wave and add f32
      partial tiles to reduce), each keeping at least 8 main-loop steps so
      that it does not spend its time filling and draining the pipeline.
      16 tokens, N = 16384, K = 4096 on 132 SMs: 64 tiles of 64x256, split
      in 2, 128 blocks.
    * `cluster_m = 2` on sm_90a when the grid has more than one tile row (or
      M is dynamic), so that a pair of blocks shares each B tile through TMA
      multicast.

    Pointwise kernels: 256 threads; `vector_width` = 16 bytes / element
    size, halved until it divides every row so that each row starts
    aligned; `rows_per_block = 1` when the body has a norm (one block
    reduces one row), else 0 (a flat grid-stride loop).

    Kernels the target cannot run fail with an error at the offending op in
    the kernel body: GEMM operands other than f16 and bf16 (f32 would run as
    tf32, losing precision the f32 semantics keeps), input or output
    features whose rows are not 16-byte aligned (TMA and cp.async copy
    16-byte aligned rows; a multiple of 8 features in 16-bit types), and a
    RoPE head that no tile of the target holds whole.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture to plan for: sm_80 or sm_90a">
  ];
  let dependentDialects = ["::mlir::xfuse::kernel::XKernelDialect"];
}

def XFusePlanWeightPacking
    : Pass<"xfuse-plan-weight-packing", "::mlir::func::FuncOp"> {
  let summary = "Record the layout each GEMM kernel wants for its weights";
  let description = [{
    Both targets' tensor-core instructions (mma.sync on sm_80, wgmma on
    sm_90a) read the B operand as `[N, K]`, K contiguous. For each weight of
    each `xkernel.gemm`, this pass places an `xkernel.weight_packing`
    attribute on the function argument that provides it: `source` is the
    argument's layout (`out_in` weights are `[N, K]` already, `in_out`
    ones need a transpose), and for a gated GEMM `interleave` pairs the gate
    and up weights into one buffer of alternating `tile_n`-row blocks, so
    that one tile load fetches both operands of an output tile. The runtime
    packs each argument once, when the weights are loaded; this pass only
    plans it, and needs launch plans (for `tile_n`) first.

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
    workspace per function. Buffers are assigned by a linear scan over the
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

def XFusePipeline : Pass<"xfuse-pipeline", "::mlir::ModuleOp"> {
  let summary = "Compile xfuse graphs into planned kernels";
  let description = [{
    Runs, on every function: `--xfuse-decompose`, `--canonicalize`,
    `--xfuse-form-kernels`, `--xfuse-plan-launch`,
    `--xfuse-plan-weight-packing` and `--xfuse-plan-memory`, with the
    target given to the passes that take one.

    With `report=true`, it then emits a fusion report as remarks: one per
    kernel, at the kernel, with its kind and launch plan, and a note at the
    location of each xfuse op the kernel holds (the ops in kernel bodies
    keep the locations of the graph's ops), then one per function with its
    kernel count and workspace.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture to compile for: sm_80 or sm_90a">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per kernel listing its source ops and plan">
  ];
}

#endif // XFUSE_PASSES_PASSES_TD
