#ifndef XFUSE_DIALECT_XFUSEDIALECT_TD
#define XFUSE_DIALECT_XFUSEDIALECT_TD

include "mlir/IR/OpBase.td"

def XFuse_Dialect : Dialect {
  let name = "xfuse";
  let cppNamespace = "::mlir::xfuse";
  let summary = "Positional encodings and position-wise feed-forward networks";
  let description = [{
    The `xfuse` dialect describes the two transformer layers that xfuse
    compiles into fused CUDA kernels: positional encodings (sinusoidal,
    learned tables, rotary/RoPE and its scaled variants) and the
    position-wise feed-forward network with its gated forms, together with
    the building blocks (linear, activation, residual add, norms) that the
    high-level ops decompose into.

    All ops work on ranked tensors whose trailing (hidden) dimensions are
    static; leading batch and sequence dimensions may be dynamic. Element
    types are `f32`, `f16` and `bf16`, all operands of an op share one element
    type, and transcendental math (sin, cos, exp, erf, tanh) is evaluated in
    `f32` whatever the element type. Every op has reference semantics on the
    CPU through the `--xfuse-to-linalg` lowering.
  }];
  let useDefaultAttributePrinterParser = 1;
  // `xfuse.name` on function arguments and results.
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();

    /// The argument and result attribute that names a parameter of the
    /// generated entry point: `%x: tensor<?x256xbf16> {xfuse.name = "x"}`.
    static constexpr ::llvm::StringLiteral getParameterNameAttrName() {
      return "xfuse.name";
    }
  }];
}

class XFuse_Op<string mnemonic, list<Trait> traits = []>
    : Op<XFuse_Dialect, mnemonic, traits>;

#endif // XFUSE_DIALECT_XFUSEDIALECT_TD
