#ifndef XFUSE_DIALECT_XFUSEOPS_TD
#define XFUSE_DIALECT_XFUSEOPS_TD

include "dialect/XFuseDialect.td"
include "dialect/XFuseAttrs.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// The element types xfuse computes in. Adding an 8-bit float (f8E4M3FN) means
// extending this list and the lowerings' cast rules; shapes and verifiers are
// element-type agnostic.
def XFuse_Float : AnyTypeOf<[F32, F16, BF16], "f32, f16 or bf16">;
def XFuse_Tensor : RankedTensorOf<[F32, F16, BF16]>;
def XFuse_Positions : RankedTensorOf<[I32, I64]>;

// Every xfuse op is a pure function of its operands whose result type follows
// from the operand types; shape checks live in the type inference so that the
// parser, a builder and the verifier report the same located message. Rules
// on attributes live in the verifiers instead: the custom-form parser infers
// result types before it stores the attribute dictionary in the op's
// properties, so inference does not see them there. For the same reason the
// ops whose result type depends on an attribute (`weight_layout`) spell their
// result type out in the custom form.
class XFuse_PureOp<string mnemonic, list<Trait> traits = []>
    : XFuse_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor], traits)>;

//===----------------------------------------------------------------------===//
// Positional encodings
//===----------------------------------------------------------------------===//

def XFuse_SinusoidalPeOp : XFuse_PureOp<"sinusoidal_pe"> {
  let summary = "adds the sinusoidal positional encoding of the original Transformer";
  let description = [{
    For `input` of shape `[..., seq, d]` computes `output = scale * input +
    PE(pos)`. `layout` chooses the encoding:

    * `interleaved` (the default; the original Transformer):
      `PE(p, 2i) = sin(p / base^(2i/d))`, `PE(p, 2i+1) = cos(p / base^(2i/d))`.
    * `half`: the first `d/2` features hold all sines and the last `d/2` all
      cosines, feature `i` and `i + d/2` sharing the frequency
      `base^(-2i/d)` (transformers' Marian, Pegasus).
    * `fairseq` (fairseq and tensor2tensor; transformers' M2M100,
      Speech2Text, XGLM): with `h = floor(d/2)`, `PE(p, i) = sin(p f_i)` and
      `PE(p, h + i) = cos(p f_i)` for `f_i = base^(-i/(h-1))`, `i < h`; an odd
      `d` leaves the last feature's encoding at 0 (transformers pads it with
      zeros). `d` must be at least 4. fairseq numbers positions from
      `padding_idx + 1`: pass them as `positions`.

    `pos` is the token's index along the sequence dimension, or, when the
    optional `positions` operand is given (shape `[..., seq]`, i32 or i64), the
    token's entry there: decode offsets and packed batches. `d` must be even
    but for `fairseq`. `base` defaults to 10000 and must be positive, `scale`
    defaults to 1 (use `sqrt(d)` for the original Transformer's embedding
    scaling). The encoding is computed in f32 from frequencies computed in
    double (transformers' fairseq tables compute them in f32, which moves
    the angle by about `p` f32 ulps of the frequency).

    ```mlir
    %y = xfuse.sinusoidal_pe %x {scale = 27.7128 : f64} : tensor<?x512x768xbf16>
    %z = xfuse.sinusoidal_pe %x positions %pos
           : tensor<?x1x768xbf16>, tensor<?x1xi32>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input,
                       Optional<XFuse_Positions>:$positions,
                       DefaultValuedAttr<F64Attr, "10000.0">:$base,
                       DefaultValuedAttr<F64Attr, "1.0">:$scale,
                       DefaultValuedAttr<XFuse_PeLayoutAttr,
                                         "::mlir::xfuse::PeLayout::interleaved">:
                           $layout);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input (`positions` $positions^)? attr-dict `:` type(operands)
  }];
  let hasVerifier = 1;
}

def XFuse_LearnedPeOp : XFuse_PureOp<"learned_pe"> {
  let summary = "adds rows of a learned positional-embedding table";
  let description = [{
    For `input` of shape `[..., seq, d]` and `table` of shape `[max_pos, d]`
    computes `output = input + table[pos]`, with `pos` as in
    `xfuse.sinusoidal_pe`. A position outside `[0, max_pos)` is clamped into
    it, so that no input reads outside the table; a static sequence length
    longer than the table is rejected.

    ```mlir
    %y = xfuse.learned_pe %x, %table : tensor<8x128x768xf16>, tensor<512x768xf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input, XFuse_Tensor:$table,
                       Optional<XFuse_Positions>:$positions);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $table (`positions` $positions^)? attr-dict `:` type(operands)
  }];
}

def XFuse_RopeOp : XFuse_PureOp<"rope"> {
  let summary = "rotary positional embedding (RoPE) with its scaled variants";
  let description = [{
    Rotates pairs of features of `input`, shaped `[..., seq, heads,
    head_dim]`, by the angle `pos * inv_freq[i]` with `inv_freq[i] =
    theta^(-2i/rotary_dim)` for `i < rotary_dim/2` (`theta` defaults to 10000
    and must be positive), after the optional `scaling` has adjusted the
    frequencies. `style = neox` (the default) pairs feature `i` with
    `i + rotary_dim/2` (rotate halves); `style = gptj` pairs `2i` with
    `2i+1`. Features from `rotary_dim` (default `head_dim`; even, at most
    `head_dim`) to `head_dim` pass through unchanged. `pos` is the index along
    the sequence dimension or the entry of `positions`, shaped `[..., seq]`.
    Angles, cos and sin are computed in f32 whatever the element type.

    `scaling` is absent (no scaling, transformers' `default` rope type) or
    one of `#xfuse.linear_scaling` (`linear`), `#xfuse.dynamic_ntk_scaling`
    (`dynamic`), `#xfuse.yarn_scaling` (`yarn`),
    `#xfuse.longrope_scaling` (`longrope`) and `#xfuse.llama3_scaling`
    (`llama3`); each attribute states its formula. Dynamic NTK and LongRoPE
    depend on the call's largest position, the same for every token of the
    call.

    Multimodal RoPE (Qwen2-VL, Qwen2.5-VL, Qwen3-VL: transformers'
    `mrope_section` and `mrope_interleaved`): with `mrope_section = array<i64:
    t, h, w>` (pair counts summing to `rotary_dim/2`), `positions` holds three
    rows, `[3, ..., seq]` (temporal, height, width, as transformers'
    `position_ids` of shape `[3, batch, seq]`), and pair `i` turns by the
    entry of row `r(i)`: the consecutive bands `r(i) = 0` for `i < t`, 1 for
    `i < t + h`, 2 after (Qwen2-VL's `apply_multimodal_rotary_pos_emb`), or
    with the unit attribute `mrope_interleaved` (Qwen3-VL's
    `apply_interleaved_mrope`) `r(i) = 1` where `i % 3 == 1` and `i < 3h`,
    2 where `i % 3 == 2` and `i < 3w`, else 0. Without `positions` every row
    is the sequence index, a plain rope. It combines with the scalings whose
    frequencies are fixed (none, linear, YaRN, Llama 3).

    ```mlir
    %q = xfuse.rope %x positions %pos {theta = 500000.0 : f64,
           scaling = #xfuse.llama3_scaling<factor = 8.0, low_freq_factor = 1.0,
                       high_freq_factor = 4.0, original_max_position = 8192>}
           : tensor<?x?x32x128xbf16>, tensor<?x?xi64>
    %v = xfuse.rope %y positions %thw {theta = 1000000.0 : f64,
           mrope_section = array<i64: 16, 24, 24>}
           : tensor<?x?x28x128xbf16>, tensor<3x?x?xi64>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input,
                       Optional<XFuse_Positions>:$positions,
                       DefaultValuedAttr<F64Attr, "10000.0">:$theta,
                       OptionalAttr<I64Attr>:$rotary_dim,
                       DefaultValuedAttr<XFuse_RopeStyleAttr,
                                         "::mlir::xfuse::RopeStyle::neox">:$style,
                       OptionalAttr<XFuse_RopeScaling>:$scaling,
                       OptionalAttr<DenseI64ArrayAttr>:$mrope_section,
                       UnitAttr:$mrope_interleaved);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input (`positions` $positions^)? attr-dict `:` type(operands)
  }];
  let extraClassDeclaration = [{
    /// The rows of multimodal positions: temporal, height, width.
    static constexpr int64_t kMultimodalRows = 3;

    /// rotary_dim, or head_dim when the attribute is absent.
    int64_t getEffectiveRotaryDim();

    /// Whether the frequencies follow the call's largest position (dynamic
    /// NTK, LongRoPE): on the GPU a launch of their own writes them.
    bool hasPerCallFrequencies();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Feed-forward building blocks
//===----------------------------------------------------------------------===//

def XFuse_LinearOp : XFuse_PureOp<"linear"> {
  let summary = "X·W + b over the last dimension";
  let description = [{
    `input` is `[..., in]`; `weight` is `[in, out]` (`weight_layout = in_out`,
    the default, as in the formula) or `[out, in]` (`out_in`, PyTorch's
    `nn.Linear`); the optional `bias` is `[out]`. The product accumulates in
    f32 and the result is `[..., out]` in the element type. The custom form
    spells out the result type because it depends on `weight_layout`.

    ```mlir
    %h = xfuse.linear %x, %w bias %b {weight_layout = #xfuse.weight_layout<out_in>}
           : (tensor<?x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16>)
           -> tensor<?x3072xbf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input, XFuse_Tensor:$weight,
                       Optional<XFuse_Tensor>:$bias,
                       DefaultValuedAttr<XFuse_WeightLayoutAttr,
                                         "::mlir::xfuse::WeightLayout::in_out">:
                           $weight_layout);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def XFuse_ActivationOp : XFuse_PureOp<"activation"> {
  let summary = "elementwise activation function";
  let description = [{
    Evaluated in f32. Each kind, with the Hugging Face `hidden_act` names
    that compute it (`activationFromHuggingFaceName` in
    `dialect/XFuseAttrs.h` is that table):

    | kind | formula | `hidden_act` |
    | --- | --- | --- |
    | `relu` | `max(x, 0)` | `relu` |
    | `gelu` | `x/2 (1 + erf(x/√2))` | `gelu`, `gelu_python` |
    | `gelu_tanh` | `x/2 (1 + tanh(√(2/π) (x + 0.044715 x³)))` | `gelu_new`, `gelu_fast`, `gelu_accurate`, `gelu_pytorch_tanh` |
    | `silu` | `x / (1 + e^-x)` | `silu`, `swish` |
    | `quick_gelu` | `x / (1 + e^(-1.702 x))` | `quick_gelu` |
    | `relu2` | `max(x, 0)²` | `relu2` |
    | `identity` | `x` | `linear` |

    The four `gelu_tanh` names differ in transformers by rounding only:
    `gelu_new`, `gelu_fast` and `gelu_accurate` are written out elementwise
    in Python (in bf16 every step rounds to bf16), `gelu_fast` as
    `x · 0.7978845608 · (1 + 0.044715 x²)` with a truncated constant (a
    relative 4e-12), while `gelu_pytorch_tanh` is PyTorch's fused kernel in
    f32, as xfuse computes it.

    ```mlir
    %a = xfuse.activation %h {kind = #xfuse.activation<gelu>} : tensor<?x3072xf32>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input, XFuse_ActivationAttr:$kind);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def XFuse_AddOp : XFuse_PureOp<"add", [Commutative]> {
  let summary = "residual add with trailing broadcast";
  let description = [{
    `output = lhs + rhs`. Broadcasting rule: `rhs` has the shape of `lhs`, or
    of a suffix of it (for example `[d]` or `[seq, d]` against
    `[batch, seq, d]`), and is repeated over the leading dimensions it lacks.
    The result has the type of `lhs`. Sums are taken in f32.

    ```mlir
    %r = xfuse.add %y, %x : tensor<?x512x768xf16>, tensor<?x512x768xf16>
    %s = xfuse.add %y, %bias : tensor<?x512x768xf16>, tensor<768xf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$lhs, XFuse_Tensor:$rhs);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type(operands)";
}

def XFuse_GateOp : XFuse_PureOp<"gate", [AllTypesMatch<["gate", "up"]>]> {
  let summary = "gated product act(gate) ⊙ up of a gated feed-forward network";
  let description = [{
    `output = activation(gate) * up`, elementwise in f32, with `gate` and `up`
    of one type: the middle of `xfuse.gated_ffn` once it is decomposed into
    building blocks, and the epilogue that pairs the gate and up accumulators
    of a fused GEMM. `activation` defaults to `silu` (SwiGLU); it may also be
    `#xfuse.clamped_swiglu`, whose product clamps both operands (see there).

    ```mlir
    %h = xfuse.gate %g, %u : tensor<?x11008xbf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$gate, XFuse_Tensor:$up,
                       DefaultValuedAttr<XFuse_GatingAttr,
                                         "::mlir::xfuse::ActivationKind::silu">:
                           $activation);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($gate)";
}

def XFuse_RmsNormOp : XFuse_PureOp<"rms_norm"> {
  let summary = "root-mean-square normalisation over the last dimension";
  let description = [{
    `output = input / sqrt(mean(input²) + epsilon) * (weight +
    weight_offset)` over the last dimension `d`, with `weight` of shape `[d]`
    and statistics in f32. `epsilon` defaults to 1e-6 and must be positive.
    `weight_offset` defaults to 0 and must be finite; Gemma's RMSNorm
    (`x * (1 + weight)`, transformers' Gemma, Gemma 2 and 3) has 1.

    ```mlir
    %n = xfuse.rms_norm %x, %w {epsilon = 1.0e-5 : f64}
           : tensor<?x?x4096xbf16>, tensor<4096xbf16>
    %g = xfuse.rms_norm %x, %w {epsilon = 1.0e-6 : f64, weight_offset = 1.0 : f64}
           : tensor<?x?x3584xbf16>, tensor<3584xbf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input, XFuse_Tensor:$weight,
                       DefaultValuedAttr<F64Attr, "1.0e-6">:$epsilon,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_offset);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = "$input `,` $weight attr-dict `:` type(operands)";
  let hasVerifier = 1;
}

def XFuse_LayerNormOp : XFuse_PureOp<"layer_norm"> {
  let summary = "layer normalisation over the last dimension";
  let description = [{
    `output = (input - mean) / sqrt(var + epsilon) * weight + bias` over the
    last dimension `d`, with the biased variance, `weight` and the optional
    `bias` of shape `[d]` and statistics in f32. `epsilon` defaults to 1e-5
    and must be positive.

    ```mlir
    %n = xfuse.layer_norm %x, %w bias %b
           : tensor<?x768xf32>, tensor<768xf32>, tensor<768xf32>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input, XFuse_Tensor:$weight,
                       Optional<XFuse_Tensor>:$bias,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? attr-dict `:` type(operands)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Feed-forward networks
//===----------------------------------------------------------------------===//

def XFuse_FfnOp : XFuse_PureOp<"ffn", [AttrSizedOperandSegments]> {
  let summary = "position-wise feed-forward network act(X·W1 + b1)·W2 + b2";
  let description = [{
    Applied to every position of `input`, shaped `[..., d]`: `w1` maps `d` to
    the hidden size `dff`, `w2` maps `dff` back to the output size. Both
    weights follow `weight_layout` (see `xfuse.linear`); biases are optional.
    `activation` defaults to `relu`, as in the original Transformer. Its
    meaning is that of `xfuse.linear`, `xfuse.activation`, `xfuse.linear`
    in sequence, intermediates rounded to the element type.

    ```mlir
    %y = xfuse.ffn %x, %w1 bias %b1, %w2 bias %b2
           : (tensor<?x768xbf16>, tensor<768x3072xbf16>, tensor<3072xbf16>,
              tensor<3072x768xbf16>, tensor<768xbf16>) -> tensor<?x768xbf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input,
                       XFuse_Tensor:$w1, Optional<XFuse_Tensor>:$b1,
                       XFuse_Tensor:$w2, Optional<XFuse_Tensor>:$b2,
                       DefaultValuedAttr<XFuse_ActivationAttr,
                                         "::mlir::xfuse::ActivationKind::relu">:
                           $activation,
                       DefaultValuedAttr<XFuse_WeightLayoutAttr,
                                         "::mlir::xfuse::WeightLayout::in_out">:
                           $weight_layout);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w1 (`bias` $b1^)? `,` $w2 (`bias` $b2^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def XFuse_GatedFfnOp : XFuse_PureOp<"gated_ffn", [AttrSizedOperandSegments]> {
  let summary = "gated feed-forward network (SwiGLU, GeGLU, ReGLU)";
  let description = [{
    `output = (act(X·Wg + bg) ⊙ (X·Wu + bu))·Wd + bd` over the last dimension
    of `input`: SwiGLU with `activation = silu` (the default), GeGLU with
    `gelu` or `gelu_tanh`, ReGLU with `relu`. With `activation =
    #xfuse.clamped_swiglu<...>` (gpt-oss) the gated product is that
    attribute's clamped form instead. The gate and up weights map `d` to
    `dff`, the down weight maps `dff` back; all follow `weight_layout`, biases
    are optional. `w_up` has the type of `w_gate`.

    ```mlir
    %y = xfuse.gated_ffn %x, %wg, %wu, %wd
           : (tensor<?x4096xbf16>, tensor<4096x11008xbf16>,
              tensor<4096x11008xbf16>, tensor<11008x4096xbf16>)
           -> tensor<?x4096xbf16>
    %o = xfuse.gated_ffn %x, %wg bias %bg, %wu bias %bu, %wd bias %bd
           {activation = #xfuse.clamped_swiglu<alpha = 1.702, limit = 7.0>}
           : (tensor<?x2880xbf16>, tensor<2880x2880xbf16>, tensor<2880xbf16>,
              tensor<2880x2880xbf16>, tensor<2880xbf16>,
              tensor<2880x2880xbf16>, tensor<2880xbf16>)
           -> tensor<?x2880xbf16>
    ```
  }];
  let arguments = (ins XFuse_Tensor:$input,
                       XFuse_Tensor:$w_gate, Optional<XFuse_Tensor>:$b_gate,
                       XFuse_Tensor:$w_up, Optional<XFuse_Tensor>:$b_up,
                       XFuse_Tensor:$w_down, Optional<XFuse_Tensor>:$b_down,
                       DefaultValuedAttr<XFuse_GatingAttr,
                                         "::mlir::xfuse::ActivationKind::silu">:
                           $activation,
                       DefaultValuedAttr<XFuse_WeightLayoutAttr,
                                         "::mlir::xfuse::WeightLayout::in_out">:
                           $weight_layout);
  let results = (outs XFuse_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $w_gate (`bias` $b_gate^)? `,` $w_up (`bias` $b_up^)? `,`
    $w_down (`bias` $b_down^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // XFUSE_DIALECT_XFUSEOPS_TD
