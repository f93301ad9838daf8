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
def XFuse_ActivationQuickGelu : I32EnumAttrCase<"quick_gelu", 5>;
def XFuse_ActivationRelu2 : I32EnumAttrCase<"relu2", 6>;
def XFuse_ActivationKind : I32EnumAttr<"ActivationKind",
    "activation function: relu, gelu, gelu_tanh, silu, identity, quick_gelu "
    "or relu2", [
      XFuse_ActivationRelu, XFuse_ActivationGelu, XFuse_ActivationGeluTanh,
      XFuse_ActivationSilu, XFuse_ActivationIdentity, XFuse_ActivationQuickGelu,
      XFuse_ActivationRelu2]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.activation<gelu>`. `gelu` is the exact, erf-based GELU;
    `gelu_tanh` its tanh approximation (PyTorch's `approximate="tanh"`);
    `silu` is also known as swish; `quick_gelu` is the sigmoid approximation
    of GELU and `relu2` the squared ReLU. See `xfuse.activation` for the
    formulas and the Hugging Face `hidden_act` names of each.
  }];
}
def XFuse_ActivationAttr : EnumAttr<XFuse_Dialect, XFuse_ActivationKind,
                                    "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def XFuse_PeLayoutInterleaved : I32EnumAttrCase<"interleaved", 0>;
def XFuse_PeLayoutHalf : I32EnumAttrCase<"half", 1>;
def XFuse_PeLayoutFairseq : I32EnumAttrCase<"fairseq", 2>;
def XFuse_PeLayout : I32EnumAttr<"PeLayout",
    "sinusoidal feature layout: interleaved, half or fairseq", [
      XFuse_PeLayoutInterleaved, XFuse_PeLayoutHalf, XFuse_PeLayoutFairseq]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::xfuse";
  let description = [{
    Written `#xfuse.pe_layout<half>`. `interleaved` (the original
    Transformer) puts the sine of frequency `i` at feature `2i` and its cosine
    at `2i+1`; `half` puts all sines in the first `d/2` features and all
    cosines in the last `d/2`; `fairseq` (fairseq and tensor2tensor) is the
    half layout with the frequencies `base^(-i/(d/2 - 1))` and, for an odd
    `d`, a last feature left at zero. See `xfuse.sinusoidal_pe`.
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

// An optional real parameter, printed only when given.
class XFuse_OptionalRealParameter<string desc>
    : OptionalParameter<"std::optional<::llvm::APFloat>", desc> {
  let parser = "::mlir::xfuse::parseRealParameter($_parser)";
  let printer = "$_printer.printFloat(*$_self)";
}

// A list of reals, written `[1.0, 2, 0.5]`, kept as a DenseF64ArrayAttr.
class XFuse_RealListParameter<string desc>
    : AttrOrTypeParameter<"::mlir::DenseF64ArrayAttr", desc> {
  let parser = "::mlir::xfuse::parseRealListParameter($_parser)";
  let printer = "::mlir::xfuse::printRealListParameter($_printer, $_self)";
}

// A flag, written `true` or `false`.
class XFuse_BoolParameter<string desc, string default>
    : AttrOrTypeParameter<"bool", desc> {
  let parser = "::mlir::xfuse::parseBoolParameter($_parser)";
  let printer = "$_printer << ($_self ? \"true\" : \"false\")";
  let defaultValue = default;
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
    rope type, its `factor`): positions are compressed by `factor`, which
    stretches the context by that much; every frequency is divided by it.

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
    `rotary_dim` must exceed 2. `factor` is transformers' `factor`;
    `original_max_position` is the config's `max_position_embeddings`, which
    that rope type compares L with. Transformers caches the frequencies of
    its longest call so far until a call falls back within the training
    context; xfuse computes each call's own, as the formula states.

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
    Hugging Face's `yarn` rope type (`_compute_yarn_parameters`), field for
    field. With `d = rotary_dim` and the correction dimension
    `c(r) = d * ln(original_max_position / (2 pi r)) / (2 ln theta)`, the
    ramp runs from `low = max(floor(c(beta_fast)), 0)` to
    `high = min(ceil(c(beta_slow)), d - 1)` (`truncate = false`, as gpt-oss
    sets it: neither rounded, only clamped); when `low == high`, `high` gains
    0.001. Pair `i` blends its frequency `f` as
    `f / factor * ramp(i) + f * (1 - ramp(i))` with
    `ramp(i) = clamp((i - low) / (high - low), 0, 1)`.

    cos and sin are multiplied by the attention factor: `attention_factor`
    when given, taken literally (0 included, as transformers does); else,
    with `m(s) = 0.1 * s * ln(factor) + 1` (1 when `factor <= 1`),
    `m(mscale) / m(mscale_all_dim)` when both are nonzero (DeepSeek-V2/V3),
    and `m(1) = 0.1 * ln(factor) + 1` otherwise. Quirks kept from
    transformers: an `mscale` without a nonzero `mscale_all_dim` (or the
    other way round) is ignored; `mscale = mscale_all_dim` gives 1. Where
    transformers reads a `beta_fast` or `beta_slow` of 0 as its default
    (`or 32`, `or 1`), leave the parameter out: here it must be positive.

    `beta_fast` (default 32), `beta_slow` (default 1), `mscale` and
    `mscale_all_dim` (default 0: absent), `attention_factor` and `truncate`
    (default true) may be left out. The fields are transformers' of the same
    names; `original_max_position` is `original_max_position_embeddings`.

    ```mlir
    #xfuse.yarn_scaling<factor = 4.0, original_max_position = 32768>
    #xfuse.yarn_scaling<factor = 40.0, original_max_position = 4096,
                        mscale = 0.707, mscale_all_dim = 0.707>
    #xfuse.yarn_scaling<factor = 32.0, original_max_position = 4096,
                        truncate = false>
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
      XFuse_OptionalRealParameter<"cos/sin multiplier, >= 0; absent: "
                                  "derived from factor and the mscales">:
          $attention_factor,
      XFuse_RealParameter<"numerator scale of the derived attention factor "
                          "(default 0: absent)", "0.0">:$mscale,
      XFuse_RealParameter<"denominator scale of the derived attention "
                          "factor (default 0: absent)", "0.0">:$mscale_all_dim,
      XFuse_BoolParameter<"whether the correction range is rounded outwards "
                          "to whole pairs (default true)", "true">:$truncate);
  let extraClassDeclaration = [{
    /// The cos/sin multiplier: the explicit parameter, or the one
    /// transformers derives from factor, mscale and mscale_all_dim.
    double getEffectiveAttentionFactor() const;
  }];
}

def XFuse_LongRopeScalingAttr
    : XFuse_RopeScalingAttr<"LongRopeScaling", "longrope_scaling"> {
  let summary = "LongRoPE: per-frequency factors, short or long per call";
  let description = [{
    Hugging Face's `longrope` rope type (Phi-3, Phi-3.5, Phi-4
    long-context; `_compute_longrope_parameters` with the dynamic update of
    `dynamic_rope_update`). With L = 1 + the largest position of the call
    (the sequence extent without positions), the call uses
    `ext = long_factor` when L > `original_max_position` and
    `ext = short_factor` otherwise, the same for every token of the call;
    pair `i` turns at `1 / (ext[i] * theta^(2i/rotary_dim))`. Both lists
    hold `rotary_dim / 2` positive entries (the rope op checks the length).

    cos and sin are multiplied by the attention factor, for both factor
    sets: `attention_factor` when given, taken literally; else
    `sqrt(1 + ln(factor) / ln(original_max_position))`, or 1 when
    `factor <= 1`. `factor` is transformers' `factor` when given, else
    `max_position / original_max_position` (Phi-3 configs give no `factor`
    and a `max_position_embeddings` larger than
    `original_max_position_embeddings`): one of `attention_factor`,
    `factor` and `max_position` must be given. `max_position` only serves
    that ratio.

    ```mlir
    #xfuse.longrope_scaling<original_max_position = 4096,
                            max_position = 131072,
                            short_factor = [1.0, 1.02, 1.05, 1.1],
                            long_factor = [1.0, 1.5, 3.0, 6.0]>
    ```
  }];
  let parameters = (ins
      XFuse_ContextLengthParameter:$original_max_position,
      OptionalParameter<"std::optional<int64_t>",
                        "the context length the model serves, > 0">:
          $max_position,
      XFuse_OptionalRealParameter<"context extension, > 0; absent: "
                                  "max_position / original_max_position">:
          $factor,
      XFuse_OptionalRealParameter<"cos/sin multiplier, >= 0; absent: "
                                  "derived from factor">:$attention_factor,
      XFuse_RealListParameter<"per-pair divisors while L <= "
                              "original_max_position, > 0">:$short_factor,
      XFuse_RealListParameter<"per-pair divisors once L > "
                              "original_max_position, > 0">:$long_factor);
  let extraClassDeclaration = [{
    /// The cos/sin multiplier: the explicit parameter, or the one
    /// transformers derives from the factor.
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
    two smoothly (Hugging Face's `llama3` rope type): a frequency `f` of
    wavelength `w = 2 pi / f` in that band becomes `(1 - s) f / factor + s f`
    with `s = (original_max_position / w - low_freq_factor) /
    (high_freq_factor - low_freq_factor)`. The fields are transformers' of
    the same names; `original_max_position` is
    `original_max_position_embeddings`.

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
                                   XFuse_LongRopeScalingAttr,
                                   XFuse_Llama3ScalingAttr],
    "RoPE frequency scaling: #xfuse.linear_scaling, #xfuse.dynamic_ntk_scaling, "
    "#xfuse.yarn_scaling, #xfuse.longrope_scaling or #xfuse.llama3_scaling">;

//===----------------------------------------------------------------------===//
// Gated products
//===----------------------------------------------------------------------===//

def XFuse_ClampedSwigluAttr : AttrDef<XFuse_Dialect, "ClampedSwiglu"> {
  let mnemonic = "clamped_swiglu";
  let summary = "gpt-oss's clamped SwiGLU as the gated product of a gated FFN";
  let description = [{
    With `g = min(gate, limit)` and `u = clamp(up, -limit, limit)`, the
    gated product is `g * sigmoid(alpha * g) * (u + 1)`, as in transformers'
    gpt-oss experts (`alpha` is fixed at 1.702 there, `limit` is the config's
    `swiglu_limit`). Both parameters are finite and positive; left out, they
    take gpt-oss's values.

    ```mlir
    #xfuse.clamped_swiglu<alpha = 1.702, limit = 7.0>
    ```
  }];
  let parameters = (ins
      XFuse_RealParameter<"sigmoid slope, > 0 (default 1.702)",
                          "::mlir::xfuse::kQuickGeluSlope">:$alpha,
      XFuse_RealParameter<"bound of gate (above) and up (both sides), > 0 "
                          "(default 7)", "7.0">:$limit);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

// What a gated product applies to its gate: an activation (act(gate) * up)
// or the clamped SwiGLU. The constant builder makes a plain activation kind
// the default value.
def XFuse_GatingAttr : AnyAttrOf<[XFuse_ActivationAttr, XFuse_ClampedSwigluAttr],
    "gated product: #xfuse.activation or #xfuse.clamped_swiglu"> {
  let constBuilderCall =
      "::mlir::xfuse::ActivationKindAttr::get($_builder.getContext(), $0)";
}

#endif // XFUSE_DIALECT_XFUSEATTRS_TD
