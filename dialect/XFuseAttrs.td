#ifndef XFUSE_DIALECT_XFUSEATTRS_TD
#define XFUSE_DIALECT_XFUSEATTRS_TD

include "dialect/XFuseDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def XFuse_ActivationRelu : I32EnumAttrCase<"relu", 0>;
def XFuse_ActivationGelu : I32EnumAttrCase<"gelu", 1>;
def XFuse_ActivationGeluTanh : I32EnumAttrCase<"gelu_tanh", 2>;
def XFuse_ActivationSilu : I32EnumAttrCase<"silu", 3>;
def XFuse_ActivationIdentity : I32EnumAttrCase<"identity", 4>;
def XFuse_ActivationKind : I32EnumAttr<"ActivationKind",
    "activation function: relu, gelu, gelu_tanh, silu or identity", [
      XFuse_ActivationRelu, XFuse_ActivationGelu, XFuse_ActivationGeluTanh,
      XFuse_ActivationSilu, XFuse_ActivationIdentity]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.activation<gelu>`. `gelu` is the exact, erf-based GELU;
    `gelu_tanh` its tanh approximation (PyTorch's `approximate="tanh"`);
    `silu` is also known as swish. See `xfuse.activation` for the formulas.
  }];
}
def XFuse_ActivationAttr : EnumAttr<XFuse_Dialect, XFuse_ActivationKind,
                                    "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def XFuse_PeLayoutInterleaved : I32EnumAttrCase<"interleaved", 0>;
def XFuse_PeLayoutHalf : I32EnumAttrCase<"half", 1>;
def XFuse_PeLayout : I32EnumAttr<"PeLayout",
    "sinusoidal feature layout: interleaved or half", [
      XFuse_PeLayoutInterleaved, XFuse_PeLayoutHalf]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.pe_layout<half>`. `interleaved` (the original
    Transformer) puts the sine of frequency `i` at feature `2i` and its cosine
    at `2i+1`; `half` puts all sines in the first `d/2` features and all
    cosines in the last `d/2`.
  }];
}
def XFuse_PeLayoutAttr : EnumAttr<XFuse_Dialect, XFuse_PeLayout, "pe_layout"> {
  let assemblyFormat = "`<` $value `>`";
}

def XFuse_RopeStyleNeox : I32EnumAttrCase<"neox", 0>;
def XFuse_RopeStyleGptj : I32EnumAttrCase<"gptj", 1>;
def XFuse_RopeStyle : I32EnumAttr<"RopeStyle",
    "rotary pairing style: neox or gptj", [
      XFuse_RopeStyleNeox, XFuse_RopeStyleGptj]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.rope_style<gptj>`: which features of a head a rotary
    embedding rotates together. `neox` (GPT-NeoX, Llama, Hugging Face's
    `rotate_half`) pairs feature `i` with `i + rotary_dim/2`; `gptj` (GPT-J,
    Meta's original Llama code) pairs `2i` with `2i+1`.
  }];
}
def XFuse_RopeStyleAttr : EnumAttr<XFuse_Dialect, XFuse_RopeStyle,
                                   "rope_style"> {
  let assemblyFormat = "`<` $value `>`";
}

def XFuse_WeightLayoutInOut : I32EnumAttrCase<"in_out", 0>;
def XFuse_WeightLayoutOutIn : I32EnumAttrCase<"out_in", 1>;
def XFuse_WeightLayout : I32EnumAttr<"WeightLayout",
    "weight matrix layout: in_out or out_in", [
      XFuse_WeightLayoutInOut, XFuse_WeightLayoutOutIn]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.weight_layout<out_in>`. `in_out` stores a weight as
    `[in, out]`, so that the product is `X·W`; `out_in` stores it as
    `[out, in]`, as PyTorch's `nn.Linear` does.
  }];
}
def XFuse_WeightLayoutAttr : EnumAttr<XFuse_Dialect, XFuse_WeightLayout,
                                      "weight_layout"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// RoPE frequency scaling
//===----------------------------------------------------------------------===//

// A real parameter, written `32.0` or `32` and printed in MLIR's float syntax
// (`3.200000e+01`). Stored as an APFloat (in double semantics) because
// attribute storage must be hashable.
class XFuse_RealParameter<string desc, string default = "">
    : AttrOrTypeParameter<"::llvm::APFloat", desc> {
  let parser = "::mlir::xfuse::parseRealParameter($_parser)";
  let printer = "$_printer.printFloat($_self)";
  let defaultValue = !if(!empty(default), "", "::llvm::APFloat(" # default # ")");
}

def XFuse_ContextLengthParameter
    : AttrParameter<"int64_t", "context length the model was trained with, > 0">;

class XFuse_RopeScalingAttr<string name, string attrMnemonic>
    : AttrDef<XFuse_Dialect, name> {
  let mnemonic = attrMnemonic;
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def XFuse_LinearScalingAttr
    : XFuse_RopeScalingAttr<"LinearScaling", "linear_scaling"> {
  let summary = "position interpolation: every frequency divided by factor";
  let description = [{
    Linear position interpolation (Chen et al., 2023; Hugging Face's `linear`
    rope type): positions are compressed by `factor`, which stretches the
    context by that much.

    ```mlir
    #xfuse.linear_scaling<factor = 4.0>
    ```
  }];
  let parameters = (ins XFuse_RealParameter<"context extension, >= 1">:$factor);
}

def XFuse_DynamicNtkScalingAttr
    : XFuse_RopeScalingAttr<"DynamicNtkScaling", "dynamic_ntk_scaling"> {
  let summary = "NTK-aware base rescaling once the sequence outgrows training";
  let description = [{
    With L = 1 + the largest position of the call, the base becomes
    `theta * ((factor * L / original_max_position) - (factor - 1)) ^
    (rotary_dim / (rotary_dim - 2))` when L > original_max_position, and stays
    `theta` otherwise (as in Hugging Face's `dynamic` rope type). The op's
    `rotary_dim` must exceed 2.

    ```mlir
    #xfuse.dynamic_ntk_scaling<factor = 2.0, original_max_position = 4096>
    ```
  }];
  let parameters = (ins XFuse_RealParameter<"context extension, >= 1">:$factor,
                        XFuse_ContextLengthParameter:$original_max_position);
}

def XFuse_YarnScalingAttr
    : XFuse_RopeScalingAttr<"YarnScaling", "yarn_scaling"> {
  let summary = "YaRN: per-frequency blend of interpolation and extrapolation";
  let description = [{
    Frequencies whose wavelength is short compared with the training context
    are kept, long ones are divided by `factor`, with a linear ramp between
    the correction dimensions given by `beta_fast` and `beta_slow` rotations
    (YaRN paper, section 3.2). cos and sin are multiplied by
    `attention_factor`, by default `0.1 * ln(factor) + 1`. `beta_fast`,
    `beta_slow` and `attention_factor` may be left out.

    ```mlir
    #xfuse.yarn_scaling<factor = 4.0, original_max_position = 32768>
    #xfuse.yarn_scaling<factor = 4.0, original_max_position = 32768,
                        beta_fast = 32.0, beta_slow = 1.0,
                        attention_factor = 1.1>
    ```
  }];
  let parameters = (ins
      XFuse_RealParameter<"context extension, >= 1">:$factor,
      XFuse_ContextLengthParameter:$original_max_position,
      XFuse_RealParameter<"a frequency rotating more often than this over "
                          "the training context is kept (default 32)",
                          "32.0">:$beta_fast,
      XFuse_RealParameter<"a frequency rotating less often than this is "
                          "divided by factor; 0 < beta_slow < beta_fast "
                          "(default 1)", "1.0">:$beta_slow,
      XFuse_RealParameter<"cos/sin multiplier; 0 (the default) selects "
                          "0.1 * ln(factor) + 1", "0.0">:$attention_factor);
  let extraClassDeclaration = [{
    /// The cos/sin multiplier: the explicit parameter, or the YaRN paper's
    /// 0.1 * ln(factor) + 1 when it was left out.
    double getEffectiveAttentionFactor() const;
  }];
}

def XFuse_Llama3ScalingAttr
    : XFuse_RopeScalingAttr<"Llama3Scaling", "llama3_scaling"> {
  let summary = "Llama 3.1 frequency scaling with a smooth middle band";
  let description = [{
    Frequencies whose wavelength is shorter than `original_max_position /
    high_freq_factor` are kept, those longer than `original_max_position /
    low_freq_factor` are divided by `factor`, and the band between blends the
    two smoothly (Hugging Face's `llama3` rope type).

    ```mlir
    #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                          high_freq_factor = 4.0, original_max_position = 8192>
    ```
  }];
  let parameters = (ins
      XFuse_RealParameter<"context extension, >= 1">:$factor,
      XFuse_RealParameter<"bound of the long wavelengths, > 0">:
          $low_freq_factor,
      XFuse_RealParameter<"bound of the short wavelengths, > "
                          "low_freq_factor">:$high_freq_factor,
      XFuse_ContextLengthParameter:$original_max_position);
}

def XFuse_RopeScaling : AnyAttrOf<[XFuse_LinearScalingAttr,
                                   XFuse_DynamicNtkScalingAttr,
                                   XFuse_YarnScalingAttr,
                                   XFuse_Llama3ScalingAttr],
    "RoPE frequency scaling: #xfuse.linear_scaling, #xfuse.dynamic_ntk_scaling, "
    "#xfuse.yarn_scaling or #xfuse.llama3_scaling">;

#endif // XFUSE_DIALECT_XFUSEATTRS_TD
