#ifndef XFUSE_DIALECT_KERNEL_KERNELOPS_TD
#define XFUSE_DIALECT_KERNEL_KERNELOPS_TD

include "dialect/kernel/KernelDialect.td"
include "dialect/kernel/KernelAttrs.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// A kernel op: isolated from above, one block whose arguments are the
// kernel's inputs and whose `xkernel.yield` gives its results.
class XKernel_KernelOp<string mnemonic, Attr planAttr>
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
  }];
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return verifyKernelSignature(*this, getBodyBlock(), getInputs());
    }
  }];
}

def XKernel_GemmOp : XKernel_KernelOp<"gemm", XKernel_GemmPlanAttr> {
  let summary = "one GEMM kernel with a fused prologue and epilogue chain";
  let description = [{
    The body holds, in order: an optional prologue applied to the A operand
    (a positional encoding of the tokens), the product itself (one
    `xfuse.linear`, or two sharing their input whose results meet in one
    `xfuse.gate`: gate and up projections computed as paired accumulators),
    and an epilogue chain applied to the accumulator tile: bias (part of the
    linear), activation, gated product, residual add, RoPE on the output
    tile, the cast to the result type.

    ```mlir
    %h = xkernel.gemm(%x, %w1, %b1 : tensor<?x768xbf16>, tensor<768x3072xbf16>,
                                     tensor<3072xbf16>)
        plan #xkernel.gemm_plan<target = sm_90a, tile_m = 128, tile_n = 256,
                                tile_k = 64, stages = 4, warpgroups = 2>
        -> tensor<?x3072xbf16> {
    ^bb0(%a: tensor<?x768xbf16>, %w: tensor<768x3072xbf16>, %b: tensor<3072xbf16>):
      %pe = xfuse.sinusoidal_pe %a : tensor<?x768xbf16>
      %y = xfuse.linear %pe, %w bias %b : (...) -> tensor<?x3072xbf16>
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
    (activations, residual adds, positional encodings, RoPE, norms) run as
    one bandwidth-bound kernel: each input row is read once and each result
    written once.
  }];
}

def XKernel_YieldOp : XKernel_Op<"yield", [Pure, Terminator,
    ParentOneOf<["GemmOp", "PointwiseOp"]>, ReturnLike]> {
  let summary = "the results of a kernel";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

#endif // XFUSE_DIALECT_KERNEL_KERNELOPS_TD
