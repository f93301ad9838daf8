//===- Reference.h - float64 reference semantics of the xfuse ops --------===//
//
// An independent statement of what every xfuse op computes, in plain C++17
// and float64 throughout (no intermediate rounding), against which the CPU
// lowering and, later, generated GPU kernels are checked. It has no MLIR
// dependency so that any test binary can link it, and it deliberately does not
// share code with the dialect (dialect/Frequencies.cpp in particular):
// the point is a second, separately written derivation of the same formulas.
//
// Tensors are dense and row-major. Every function checks the shapes it relies
// on and throws std::invalid_argument with a message naming the op otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TESTS_REFERENCE_REFERENCE_H
#define XFUSE_TESTS_REFERENCE_REFERENCE_H

#include <cstdint>
#include <optional>
#include <vector>

namespace xfuse::reference {

/// A dense row-major tensor. Integer tensors (positions) hold their values
/// exactly as doubles.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  /// A zero-filled tensor of `shape`.
  static Tensor zeros(std::vector<int64_t> shape);
  /// The product of `shape` (1 for a scalar).
  static int64_t elementCount(const std::vector<int64_t> &shape);
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
};

enum class PeLayout { Interleaved, Half, Fairseq };
enum class RopeStyle { Neox, Gptj };
enum class WeightLayout { InOut, OutIn };
enum class Activation {
  Relu,
  Gelu,
  GeluTanh,
  Silu,
  Identity,
  QuickGelu,
  Relu2
};

/// How a gated FFN combines its gate and up projections: act(gate) * up, or
/// (clampedSwiGlu, gpt-oss) g * sigmoid(alpha g) * (u + 1) with
/// g = min(gate, limit) and u = clamp(up, -limit, limit).
struct Gating {
  Activation activation = Activation::Silu;
  bool clampedSwiGlu = false;
  double alpha = 1.702;
  double limit = 7.0;

  Gating(Activation activation = Activation::Silu) : activation(activation) {}
  static Gating clamped(double alpha, double limit);
};

/// RoPE frequency scaling, in the terms of transformers' rope_parameters;
/// only the fields of `kind` are read.
struct RopeScaling {
  enum class Kind { None, Linear, DynamicNtk, Yarn, LongRope, Llama3 };
  Kind kind = Kind::None;
  /// Required but by LongRoPE, which then takes maxPosition /
  /// originalMaxPosition.
  std::optional<double> factor;
  /// The training context length (dynamic NTK, YaRN, LongRoPE, Llama 3).
  int64_t originalMaxPosition = 0;
  /// YaRN and LongRoPE: absent selects the rope type's default.
  std::optional<double> attentionFactor;
  // YaRN.
  double betaFast = 32.0;
  double betaSlow = 1.0;
  /// 0 is transformers' None.
  double mscale = 0.0;
  double mscaleAllDim = 0.0;
  bool truncate = true;
  // LongRoPE.
  std::vector<double> shortFactor, longFactor;
  /// The config's max_position_embeddings.
  int64_t maxPosition = 0;
  // Llama 3.
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;

  /// A scaling of `kind` that stretches a training context of
  /// `originalMaxPosition` positions by `factor`, its other fields at their
  /// defaults.
  static RopeScaling of(Kind kind, double factor, int64_t originalMaxPosition);
};

struct RopeParameters {
  double theta = 10000.0;
  /// 0 rotates the whole head.
  int64_t rotaryDim = 0;
  RopeStyle style = RopeStyle::Neox;
  RopeScaling scaling;
  /// Multimodal RoPE: pairs turned by the temporal, height and width rows
  /// of positions shaped [3, tokens...]; empty for one row.
  std::vector<int64_t> mropeSection;
  /// Qwen3-VL's interleaved layout of the sections instead of Qwen2-VL's
  /// consecutive bands.
  bool mropeInterleaved = false;
};

/// The rotary frequencies of one call: inv_freq[i] for i < rotaryDim / 2 and
/// the factor cos and sin are multiplied by.
struct RopeFrequencies {
  std::vector<double> inverseFrequencies;
  double attentionFactor = 1.0;
};

/// Frequencies for a call whose longest sequence spans `length` positions
/// (max position + 1; only dynamic NTK and LongRoPE scaling read it).
RopeFrequencies ropeFrequencies(double theta, int64_t rotaryDim,
                                const RopeScaling &scaling, double length);

// Positional encodings. `positions` (null: the index along the sequence
// dimension) is shaped like the input without its feature dimension (PE ops)
// or its head and feature dimensions (rope).

/// scale * x + PE(pos) for x of shape [..., seq, d]; d even but for
/// Fairseq, whose odd last feature has no encoding.
Tensor sinusoidalPe(const Tensor &input, const Tensor *positions, double base,
                    double scale, PeLayout layout);
/// x + table[clamp(pos, 0, rows - 1)] for x [..., seq, d], table [rows, d].
Tensor learnedPe(const Tensor &input, const Tensor &table,
                 const Tensor *positions);
/// Rotary embedding of x shaped [..., seq, heads, head_dim].
Tensor rope(const Tensor &input, const Tensor *positions,
            const RopeParameters &parameters);

// Feed-forward building blocks, all over the last dimension.

/// X·W (+ bias) with W [in, out] (InOut) or [out, in] (OutIn); bias may be
/// null.
Tensor linear(const Tensor &input, const Tensor &weight, const Tensor *bias,
              WeightLayout layout);
double activation(double x, Activation kind);
Tensor activation(const Tensor &input, Activation kind);
double gatedProduct(double gate, double up, const Gating &gating);
/// The gated product of same-shaped gate and up, elementwise.
Tensor gate(const Tensor &gate, const Tensor &up, const Gating &gating);
/// lhs + rhs where rhs has the shape of lhs or of a suffix of it.
Tensor add(const Tensor &lhs, const Tensor &rhs);
/// x / sqrt(mean(x^2) + epsilon) * (weight + weightOffset).
Tensor rmsNorm(const Tensor &input, const Tensor &weight, double epsilon,
               double weightOffset = 0.0);
/// Layer norm with the biased variance; bias may be null.
Tensor layerNorm(const Tensor &input, const Tensor &weight, const Tensor *bias,
                 double epsilon);
/// act(X·W1 + b1)·W2 + b2; biases may be null.
Tensor ffn(const Tensor &input, const Tensor &w1, const Tensor *b1,
           const Tensor &w2, const Tensor *b2, Activation kind,
           WeightLayout layout);
/// gate(X·Wg + bg, X·Wu + bu)·Wd + bd; biases may be null.
Tensor gatedFfn(const Tensor &input, const Tensor &wGate, const Tensor *bGate,
                const Tensor &wUp, const Tensor *bUp, const Tensor &wDown,
                const Tensor *bDown, const Gating &gating, WeightLayout layout);

// Rounding to the narrow float formats, round-to-nearest-even, overflowing to
// infinity, with subnormals; NaN stays NaN. Exact from double (no detour
// through float, which could round twice).

double roundToBf16(double x);
double roundToF16(double x);
double roundToF32(double x);

/// ||actual - expected||_2 / ||expected||_2 over all elements; +infinity if
/// any element of either is NaN, or if expected is all zeros and actual is
/// not. Throws on a shape mismatch.
double relativeL2Error(const Tensor &actual, const Tensor &expected);

/// max_i |actual_i - expected_i| / RMS(expected): the worst single element
/// in units of the reference's typical magnitude, which the relative L2 error
/// averages away. Infinite as relativeL2Error is; throws on a shape mismatch.
double maxElementError(const Tensor &actual, const Tensor &expected);

} // namespace xfuse::reference

#endif // XFUSE_TESTS_REFERENCE_REFERENCE_H
