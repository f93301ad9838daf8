#ifndef XFUSE_DIALECT_FREQUENCIES_H
#define XFUSE_DIALECT_FREQUENCIES_H

#include "dialect/XFuseAttrs.h"

#include "mlir/IR/Attributes.h"

#include <vector>

namespace mlir::xfuse {

/// The frequencies of a sinusoidal encoding of `width` features laid out as
/// `layout`, one per sine/cosine pair i < width / 2: base^(-2i / width), or
/// base^(-i / (width / 2 - 1)) for the fairseq layout. In double: the
/// lowering and the CUDA emitter round the same values.
std::vector<double> sinusoidalFrequencies(double base, int64_t width,
                                          PeLayout layout);

/// The per-pair rotary frequencies of a RoPE op. Computed in double, so
/// that the lowering and the CUDA emitter round the same values to f32.
struct RopeFrequencies {
  /// inv_freq[i] for i in [0, rotary_dim / 2).
  std::vector<double> inverseFrequencies;
  /// Multiplier of cos and sin (YaRN's and LongRoPE's attention factor; 1
  /// otherwise).
  double attentionFactor = 1.0;
};

/// Frequencies for `theta`, `rotaryDim` and `scaling` (null for none) of a
/// call whose positions stay within the training context. Two scalings
/// depend on the call's largest position: dynamic NTK scaling, whose
/// frequencies the caller rescales at run time with `dynamicNtkBase` (this
/// returns the unscaled ones), and LongRoPE, whose long factor set the caller
/// selects with `longRopeFrequencies` (this returns the short one).
RopeFrequencies computeRopeFrequencies(double theta, int64_t rotaryDim,
                                       Attribute scaling);

/// LongRoPE's frequencies with its long factor set (`useLong`), for calls
/// whose largest position reaches past original_max_position, or its short
/// one.
RopeFrequencies longRopeFrequencies(double theta, int64_t rotaryDim,
                                    LongRopeScalingAttr scaling, bool useLong);

/// The dynamic-NTK base for a call whose longest sequence is `length`
/// positions.
double dynamicNtkBase(double theta, int64_t rotaryDim, double factor,
                      int64_t originalMaxPosition, double length);

/// The row of multimodal positions (0 temporal, 1 height, 2 width) whose
/// entry turns rotary pair `pair`, for `section` = [t, h, w] pair counts:
/// consecutive bands of t, h and w pairs (Qwen2-VL), or with `interleaved`
/// (Qwen3-VL) pairs 3k + 1 < 3h height, 3k + 2 < 3w width, the rest
/// temporal.
int64_t multimodalRowOfPair(ArrayRef<int64_t> section, bool interleaved,
                            int64_t pair);

} // namespace mlir::xfuse

#endif // XFUSE_DIALECT_FREQUENCIES_H
