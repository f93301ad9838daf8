#ifndef XFUSE_DIALECT_FREQUENCIES_H
#define XFUSE_DIALECT_FREQUENCIES_H

#include "mlir/IR/Attributes.h"

#include <vector>

namespace mlir::xfuse {

/// The frequencies of a sinusoidal encoding of `width` features,
/// base^(-2i / width) for pair i < width / 2, in double: the lowering and
/// the CUDA emitter round the same values.
std::vector<double> sinusoidalFrequencies(double base, int64_t width);

/// The per-pair rotary frequencies of a RoPE op, known at compile time for
/// every scaling kind but dynamic NTK (whose base depends on the longest
/// position of each call). Computed in double, so that the lowering and the
/// CUDA emitter round the same values to f32.
struct RopeFrequencies {
  /// inv_freq[i] for i in [0, rotary_dim / 2).
  std::vector<double> inverseFrequencies;
  /// Multiplier of cos and sin (YaRN's attention factor; 1 otherwise).
  double attentionFactor = 1.0;
};

/// Frequencies for `theta`, `rotaryDim` and `scaling` (null for none). For
/// dynamic NTK scaling this returns the unscaled frequencies: the caller
/// rescales them at run time with `dynamicNtkBase`.
RopeFrequencies computeRopeFrequencies(double theta, int64_t rotaryDim,
                                       Attribute scaling);

/// The dynamic-NTK base for a call whose longest sequence is `length`
/// positions.
double dynamicNtkBase(double theta, int64_t rotaryDim, double factor,
                      int64_t originalMaxPosition, double length);

} // namespace mlir::xfuse

#endif // XFUSE_DIALECT_FREQUENCIES_H
