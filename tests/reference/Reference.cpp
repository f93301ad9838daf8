//===- Reference.cpp - float64 reference semantics of the xfuse ops ------===//
//
// Straight loops over row-major data, written for obviousness rather than
// speed: the checked graphs are small.
//
//===----------------------------------------------------------------------===//

#include "tests/reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace xfuse::reference {
namespace {

constexpr double kPi = 3.14159265358979323846;

void require(bool condition, const char *op, const std::string &message) {
  if (!condition)
    throw std::invalid_argument(std::string(op) + ": " + message);
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::ostringstream stream;
  stream << '[';
  for (size_t i = 0; i < shape.size(); ++i)
    stream << (i ? ", " : "") << shape[i];
  stream << ']';
  return stream.str();
}

void requireShape(const Tensor &tensor, const std::vector<int64_t> &expected,
                  const char *op, const char *what) {
  require(tensor.shape == expected, op,
          std::string(what) + " must have shape " + shapeString(expected) +
              ", got " + shapeString(tensor.shape));
}

/// The position of every token of `input`, whose first `tokenRank` dimensions
/// index tokens (the last of them being the sequence): the entry of
/// `positions` or the index along the sequence dimension.
std::vector<int64_t> tokenPositions(const char *op, const Tensor &input,
                                    const Tensor *positions,
                                    int64_t tokenRank) {
  std::vector<int64_t> tokenShape(input.shape.begin(),
                                  input.shape.begin() + tokenRank);
  int64_t tokens = Tensor::elementCount(tokenShape);
  std::vector<int64_t> result(tokens);
  if (positions) {
    requireShape(*positions, tokenShape, op, "positions");
    for (int64_t t = 0; t < tokens; ++t)
      result[t] = static_cast<int64_t>(positions->data[t]);
    return result;
  }
  int64_t seq = tokenShape.back();
  for (int64_t t = 0; t < tokens; ++t)
    result[t] = t % seq;
  return result;
}

/// Rounds `x` to a binary format with `mantissaBits` stored fraction bits,
/// smallest normal exponent `minExponent` and largest finite value
/// `maxFinite`. Scaling by a power of two is exact, so rounding the scaled
/// value to an integer (ties to even in the default rounding mode) rounds `x`
/// exactly once.
double roundToFormat(double x, int mantissaBits, int minExponent,
                     double maxFinite) {
  if (!std::isfinite(x) || x == 0.0)
    return x;
  int frexpExponent;
  std::frexp(x, &frexpExponent); // x = m * 2^e with m in [0.5, 1)
  // Below the normal range the spacing stays that of the smallest binade.
  int exponent = std::max(frexpExponent - 1, minExponent);
  double quantum = std::ldexp(1.0, exponent - mantissaBits);
  double rounded = std::nearbyint(x / quantum) * quantum;
  if (std::fabs(rounded) > maxFinite)
    return std::copysign(std::numeric_limits<double>::infinity(), x);
  return rounded;
}

/// Applies `normalize(row, output)` to every row along the last dimension
/// after checking that `weight` (and `bias`, if given) have shape [d].
template <typename RowFunction>
Tensor mapRows(const char *op, const Tensor &input, const Tensor &weight,
               const Tensor *bias, RowFunction normalize) {
  require(input.rank() >= 1, op, "input must have rank >= 1");
  int64_t d = input.shape.back();
  requireShape(weight, {d}, op, "weight");
  if (bias)
    requireShape(*bias, {d}, op, "bias");
  Tensor result = Tensor::zeros(input.shape);
  for (size_t row = 0; d != 0 && row < input.data.size() / d; ++row)
    normalize(&input.data[row * d], &result.data[row * d], d);
  return result;
}

} // namespace

Tensor Tensor::zeros(std::vector<int64_t> shape) {
  Tensor tensor;
  tensor.data.assign(elementCount(shape), 0.0);
  tensor.shape = std::move(shape);
  return tensor;
}

int64_t Tensor::elementCount(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  return count;
}

//===----------------------------------------------------------------------===//
// Positional encodings
//===----------------------------------------------------------------------===//

Tensor sinusoidalPe(const Tensor &input, const Tensor *positions, double base,
                    double scale, PeLayout layout) {
  const char *op = "sinusoidal_pe";
  require(input.rank() >= 2, op, "input must have rank >= 2");
  int64_t d = input.shape.back();
  int64_t half = d / 2;
  if (layout == PeLayout::Fairseq)
    require(d >= 4, op, "the fairseq layout needs d >= 4");
  else
    require(d % 2 == 0, op, "the feature dimension must be even");
  std::vector<int64_t> pos =
      tokenPositions(op, input, positions, input.rank() - 1);
  Tensor result = input;
  for (size_t token = 0; token < pos.size(); ++token) {
    for (int64_t j = 0; j < d; ++j) {
      double &value = result.data[token * d + j];
      value *= scale;
      // fairseq's zero padding of an odd d.
      if (j == 2 * half)
        continue;
      // Feature j uses frequency index `i` and either sine or cosine.
      bool isSine;
      int64_t i;
      if (layout == PeLayout::Interleaved) {
        isSine = j % 2 == 0;
        i = j / 2;
      } else {
        isSine = j < half;
        i = isSine ? j : j - half;
      }
      // fairseq's get_embedding: exp(i * -(ln(base) / (half - 1))).
      double frequency =
          layout == PeLayout::Fairseq
              ? std::exp(static_cast<double>(i) *
                         -(std::log(base) / static_cast<double>(half - 1)))
              : std::pow(base, -2.0 * i / d);
      double angle = pos[token] * frequency;
      value += isSine ? std::sin(angle) : std::cos(angle);
    }
  }
  return result;
}

Tensor learnedPe(const Tensor &input, const Tensor &table,
                 const Tensor *positions) {
  const char *op = "learned_pe";
  require(input.rank() >= 2, op, "input must have rank >= 2");
  require(table.rank() == 2, op, "table must have rank 2");
  int64_t d = input.shape.back();
  int64_t rows = table.shape[0];
  requireShape(table, {rows, d}, op, "table");
  require(rows > 0, op, "table must have at least one row");
  std::vector<int64_t> pos =
      tokenPositions(op, input, positions, input.rank() - 1);
  Tensor result = input;
  for (size_t token = 0; token < pos.size(); ++token) {
    int64_t row = std::clamp<int64_t>(pos[token], 0, rows - 1);
    for (int64_t j = 0; j < d; ++j)
      result.data[token * d + j] += table.data[row * d + j];
  }
  return result;
}

RopeFrequencies ropeFrequencies(double theta, int64_t rotaryDim,
                                const RopeScaling &scaling, double length) {
  const char *op = "rope";
  require(rotaryDim > 0 && rotaryDim % 2 == 0, op,
          "rotary_dim must be positive and even");
  const double rd = static_cast<double>(rotaryDim);
  auto frequenciesFor = [&](double base) {
    std::vector<double> inverse(rotaryDim / 2);
    for (int64_t i = 0; i < rotaryDim / 2; ++i)
      inverse[i] = std::pow(base, -2.0 * i / rd);
    return inverse;
  };
  auto requiredFactor = [&] {
    require(scaling.factor.has_value(), op, "the scaling needs a factor");
    return *scaling.factor;
  };

  RopeFrequencies result;
  result.inverseFrequencies = frequenciesFor(theta);
  std::vector<double> &inverse = result.inverseFrequencies;
  const double originalMax = static_cast<double>(scaling.originalMaxPosition);
  switch (scaling.kind) {
  case RopeScaling::Kind::None:
    break;
  case RopeScaling::Kind::Linear:
    for (double &frequency : inverse)
      frequency /= requiredFactor();
    break;
  case RopeScaling::Kind::DynamicNtk: {
    // Hugging Face's "dynamic" rope type: the base grows once the call's
    // sequence outgrows the training context.
    require(rotaryDim > 2, op, "dynamic NTK scaling needs rotary_dim > 2");
    const double factor = requiredFactor();
    if (length > originalMax)
      inverse = frequenciesFor(
          theta * std::pow(factor * length / originalMax - (factor - 1.0),
                           rd / (rd - 2.0)));
    break;
  }
  case RopeScaling::Kind::Yarn: {
    // Hugging Face's _compute_yarn_parameters: the dimension index at which
    // a frequency completes `rotations` turns over the training context.
    const double factor = requiredFactor();
    auto correctionDim = [&](double rotations) {
      return rd * std::log(originalMax / (rotations * 2.0 * kPi)) /
             (2.0 * std::log(theta));
    };
    double low = correctionDim(scaling.betaFast);
    double high = correctionDim(scaling.betaSlow);
    if (scaling.truncate) {
      low = std::floor(low);
      high = std::ceil(high);
    }
    low = std::max(low, 0.0);
    high = std::min(high, rd - 1);
    if (low == high)
      high += 0.001; // avoids a division by zero in the ramp
    for (size_t i = 0; i < inverse.size(); ++i) {
      double ramp = std::clamp((i - low) / (high - low), 0.0, 1.0);
      double extrapolationWeight = 1.0 - ramp;
      inverse[i] = inverse[i] / factor * (1.0 - extrapolationWeight) +
                   inverse[i] * extrapolationWeight;
    }
    // get_mscale: the magnitude correction, none without extension.
    auto mscale = [&](double scale) {
      return factor <= 1.0 ? 1.0 : 0.1 * scale * std::log(factor) + 1.0;
    };
    if (scaling.attentionFactor)
      result.attentionFactor = *scaling.attentionFactor;
    else if (scaling.mscale != 0.0 && scaling.mscaleAllDim != 0.0)
      result.attentionFactor =
          mscale(scaling.mscale) / mscale(scaling.mscaleAllDim);
    else
      result.attentionFactor = mscale(1.0);
    break;
  }
  case RopeScaling::Kind::LongRope: {
    // Hugging Face's _compute_longrope_parameters, with the set chosen as
    // dynamic_rope_update's longrope_frequency_update does.
    const std::vector<double> &extension =
        length > originalMax ? scaling.longFactor : scaling.shortFactor;
    require(static_cast<int64_t>(extension.size()) == rotaryDim / 2, op,
            "LongRoPE factors must have rotary_dim / 2 entries");
    for (size_t i = 0; i < inverse.size(); ++i)
      inverse[i] = 1.0 / (extension[i] * std::pow(theta, 2.0 * i / rd));
    const double factor = scaling.factor.value_or(
        static_cast<double>(scaling.maxPosition) / originalMax);
    if (scaling.attentionFactor)
      result.attentionFactor = *scaling.attentionFactor;
    else if (factor <= 1.0)
      result.attentionFactor = 1.0;
    else
      result.attentionFactor =
          std::sqrt(1.0 + std::log(factor) / std::log(originalMax));
    break;
  }
  case RopeScaling::Kind::Llama3: {
    // Hugging Face's _compute_llama3_parameters: short wavelengths are kept,
    // long ones interpolated, a linear blend in between.
    const double factor = requiredFactor();
    double lowFrequencyWavelength = originalMax / scaling.lowFreqFactor;
    double highFrequencyWavelength = originalMax / scaling.highFreqFactor;
    for (double &frequency : inverse) {
      double wavelength = 2.0 * kPi / frequency;
      if (wavelength < highFrequencyWavelength)
        continue;
      if (wavelength > lowFrequencyWavelength) {
        frequency /= factor;
        continue;
      }
      double smooth = (originalMax / wavelength - scaling.lowFreqFactor) /
                      (scaling.highFreqFactor - scaling.lowFreqFactor);
      frequency = (1.0 - smooth) * frequency / factor + smooth * frequency;
    }
    break;
  }
  }
  return result;
}

namespace {
/// The positions row (0 temporal, 1 height, 2 width) of every rotary pair
/// of a multimodal rope, as Qwen2-VL's apply_multimodal_rotary_pos_emb
/// (consecutive bands) and Qwen3-VL's apply_interleaved_mrope lay them out.
std::vector<int64_t> multimodalRows(const RopeParameters &parameters,
                                    int64_t pairs) {
  const std::vector<int64_t> &section = parameters.mropeSection;
  require(section.size() == 3, "rope", "mrope_section must have 3 entries");
  std::vector<int64_t> rows(pairs, 0);
  if (parameters.mropeInterleaved) {
    // Start from the temporal row; every third pair from `row` is
    // overwritten, up to 3 * section[row].
    for (int64_t row = 1; row <= 2; ++row)
      for (int64_t i = row; i < std::min(3 * section[row], pairs); i += 3)
        rows[i] = row;
    return rows;
  }
  require(section[0] + section[1] + section[2] == pairs, "rope",
          "mrope_section must sum to rotary_dim / 2");
  int64_t i = 0;
  for (int64_t row = 0; row < 3; ++row)
    for (int64_t k = 0; k < section[row]; ++k)
      rows[i++] = row;
  return rows;
}
} // namespace

Tensor rope(const Tensor &input, const Tensor *positions,
            const RopeParameters &parameters) {
  const char *op = "rope";
  require(input.rank() >= 3, op,
          "input must have rank >= 3 ([..., seq, heads, head_dim])");
  int64_t headDim = input.shape.back();
  int64_t heads = input.shape[input.rank() - 2];
  int64_t rd = parameters.rotaryDim ? parameters.rotaryDim : headDim;
  require(rd <= headDim, op, "rotary_dim must not exceed head_dim");
  const int64_t half = rd / 2;
  const int64_t tokenRank = input.rank() - 2;

  // positionRows[r][token]: one row, or the temporal, height and width rows
  // of multimodal positions ([3, tokens...]), without positions all the
  // sequence index.
  const bool multimodal = !parameters.mropeSection.empty();
  std::vector<std::vector<int64_t>> positionRows;
  if (multimodal && positions) {
    std::vector<int64_t> tokenShape(input.shape.begin(),
                                    input.shape.begin() + tokenRank);
    std::vector<int64_t> rowsShape = {3};
    rowsShape.insert(rowsShape.end(), tokenShape.begin(), tokenShape.end());
    requireShape(*positions, rowsShape, op, "multimodal positions");
    const int64_t tokens = Tensor::elementCount(tokenShape);
    for (int64_t row = 0; row < 3; ++row)
      positionRows.emplace_back(positions->data.begin() + row * tokens,
                                positions->data.begin() + (row + 1) * tokens);
  } else {
    positionRows.push_back(tokenPositions(op, input, positions, tokenRank));
  }
  std::vector<int64_t> rowOfPair(half, 0);
  if (multimodal && positions)
    rowOfPair = multimodalRows(parameters, half);

  // The longest sequence of the call, for dynamic NTK and LongRoPE scaling.
  double length = input.shape[input.rank() - 3];
  if (positions) {
    int64_t maxPosition = -1;
    for (const std::vector<int64_t> &row : positionRows)
      for (int64_t p : row)
        maxPosition = std::max(maxPosition, p);
    length = static_cast<double>(maxPosition + 1);
  }
  RopeFrequencies frequencies =
      ropeFrequencies(parameters.theta, rd, parameters.scaling, length);

  Tensor result = input;
  const size_t tokens = positionRows.front().size();
  for (size_t token = 0; token < tokens; ++token) {
    for (int64_t head = 0; head < heads; ++head) {
      const double *x = &input.data[(token * heads + head) * headDim];
      double *out = &result.data[(token * heads + head) * headDim];
      for (int64_t j = 0; j < rd; ++j) {
        // Feature j rotates with `partner` at frequency index `i`; `sign`
        // is -1 for the first feature of a pair, +1 for the second.
        int64_t i, partner;
        double sign;
        if (parameters.style == RopeStyle::Neox) {
          bool first = j < half;
          i = first ? j : j - half;
          partner = first ? j + half : j - half;
          sign = first ? -1.0 : 1.0;
        } else {
          bool first = j % 2 == 0;
          i = j / 2;
          partner = first ? j + 1 : j - 1;
          sign = first ? -1.0 : 1.0;
        }
        double angle = positionRows[rowOfPair[i]][token] *
                       frequencies.inverseFrequencies[i];
        double c = std::cos(angle) * frequencies.attentionFactor;
        double s = std::sin(angle) * frequencies.attentionFactor;
        out[j] = x[j] * c + sign * x[partner] * s;
      }
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Feed-forward building blocks
//===----------------------------------------------------------------------===//

Tensor linear(const Tensor &input, const Tensor &weight, const Tensor *bias,
              WeightLayout layout) {
  const char *op = "linear";
  require(input.rank() >= 1, op, "input must have rank >= 1");
  require(weight.rank() == 2, op, "weight must have rank 2");
  int64_t in = input.shape.back();
  bool inOut = layout == WeightLayout::InOut;
  int64_t out = inOut ? weight.shape[1] : weight.shape[0];
  requireShape(weight,
               inOut ? std::vector<int64_t>{in, out}
                     : std::vector<int64_t>{out, in},
               op, "weight");
  if (bias)
    requireShape(*bias, {out}, op, "bias");

  std::vector<int64_t> resultShape = input.shape;
  resultShape.back() = out;
  Tensor result = Tensor::zeros(resultShape);
  int64_t rows = Tensor::elementCount(resultShape) / std::max<int64_t>(out, 1);
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t n = 0; n < out; ++n) {
      double sum = bias ? bias->data[n] : 0.0;
      for (int64_t k = 0; k < in; ++k)
        sum += input.data[row * in + k] *
               weight.data[inOut ? k * out + n : n * in + k];
      result.data[row * out + n] = sum;
    }
  }
  return result;
}

double activation(double x, Activation kind) {
  switch (kind) {
  case Activation::Relu:
    return std::max(x, 0.0);
  case Activation::Gelu:
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  case Activation::GeluTanh:
    return 0.5 * x *
           (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
  case Activation::Silu:
    return x / (1.0 + std::exp(-x));
  case Activation::Identity:
    return x;
  case Activation::QuickGelu:
    return x / (1.0 + std::exp(-1.702 * x));
  case Activation::Relu2:
    return std::max(x, 0.0) * std::max(x, 0.0);
  }
  throw std::invalid_argument("activation: unknown kind");
}

Tensor activation(const Tensor &input, Activation kind) {
  Tensor result = input;
  for (double &value : result.data)
    value = activation(value, kind);
  return result;
}

RopeScaling RopeScaling::of(Kind kind, double factor,
                            int64_t originalMaxPosition) {
  RopeScaling scaling;
  scaling.kind = kind;
  scaling.factor = factor;
  scaling.originalMaxPosition = originalMaxPosition;
  return scaling;
}

Gating Gating::clamped(double alpha, double limit) {
  Gating gating;
  gating.clampedSwiGlu = true;
  gating.alpha = alpha;
  gating.limit = limit;
  return gating;
}

double gatedProduct(double gate, double up, const Gating &gating) {
  if (!gating.clampedSwiGlu)
    return activation(gate, gating.activation) * up;
  // As gpt-oss writes it; std::min and std::clamp keep a NaN operand.
  double g = std::min(gate, gating.limit);
  double u = std::clamp(up, -gating.limit, gating.limit);
  double glu = g / (1.0 + std::exp(-gating.alpha * g));
  return (u + 1.0) * glu;
}

Tensor gate(const Tensor &gate, const Tensor &up, const Gating &gating) {
  requireShape(up, gate.shape, "gate", "up");
  Tensor result = gate;
  for (size_t i = 0; i < result.data.size(); ++i)
    result.data[i] = gatedProduct(gate.data[i], up.data[i], gating);
  return result;
}

Tensor add(const Tensor &lhs, const Tensor &rhs) {
  const char *op = "add";
  require(rhs.rank() <= lhs.rank() &&
              std::equal(rhs.shape.begin(), rhs.shape.end(),
                         lhs.shape.end() - rhs.rank()),
          op,
          "rhs shape " + shapeString(rhs.shape) +
              " must be a suffix of lhs shape " + shapeString(lhs.shape));
  Tensor result = lhs;
  // A suffix-shaped rhs repeats with period rhs.size() in row-major order.
  for (size_t i = 0; !rhs.data.empty() && i < result.data.size(); ++i)
    result.data[i] += rhs.data[i % rhs.data.size()];
  return result;
}

Tensor rmsNorm(const Tensor &input, const Tensor &weight, double epsilon,
               double weightOffset) {
  return mapRows("rms_norm", input, weight, nullptr,
                 [&](const double *x, double *out, int64_t d) {
                   double sumOfSquares = 0.0;
                   for (int64_t j = 0; j < d; ++j)
                     sumOfSquares += x[j] * x[j];
                   double scale = 1.0 / std::sqrt(sumOfSquares / d + epsilon);
                   for (int64_t j = 0; j < d; ++j)
                     out[j] = x[j] * scale * (weight.data[j] + weightOffset);
                 });
}

Tensor layerNorm(const Tensor &input, const Tensor &weight, const Tensor *bias,
                 double epsilon) {
  return mapRows("layer_norm", input, weight, bias,
                 [&](const double *x, double *out, int64_t d) {
                   double mean = 0.0;
                   for (int64_t j = 0; j < d; ++j)
                     mean += x[j];
                   mean /= d;
                   double variance = 0.0;
                   for (int64_t j = 0; j < d; ++j)
                     variance += (x[j] - mean) * (x[j] - mean);
                   variance /= d;
                   double scale = 1.0 / std::sqrt(variance + epsilon);
                   for (int64_t j = 0; j < d; ++j)
                     out[j] = (x[j] - mean) * scale * weight.data[j] +
                              (bias ? bias->data[j] : 0.0);
                 });
}

//===----------------------------------------------------------------------===//
// Feed-forward networks
//===----------------------------------------------------------------------===//

Tensor ffn(const Tensor &input, const Tensor &w1, const Tensor *b1,
           const Tensor &w2, const Tensor *b2, Activation kind,
           WeightLayout layout) {
  Tensor hidden = activation(linear(input, w1, b1, layout), kind);
  return linear(hidden, w2, b2, layout);
}

Tensor gatedFfn(const Tensor &input, const Tensor &wGate, const Tensor *bGate,
                const Tensor &wUp, const Tensor *bUp, const Tensor &wDown,
                const Tensor *bDown, const Gating &gating,
                WeightLayout layout) {
  Tensor product = gate(linear(input, wGate, bGate, layout),
                        linear(input, wUp, bUp, layout), gating);
  return linear(product, wDown, bDown, layout);
}

//===----------------------------------------------------------------------===//
// Rounding and comparison
//===----------------------------------------------------------------------===//

double roundToBf16(double x) {
  return roundToFormat(x, 7, -126, std::ldexp(2.0 - std::ldexp(1.0, -7), 127));
}

double roundToF16(double x) { return roundToFormat(x, 10, -14, 65504.0); }

double roundToF32(double x) {
  return roundToFormat(x, 23, -126, std::numeric_limits<float>::max());
}

namespace {

/// What both error measures are made of, over all elements.
struct Differences {
  bool anyNan = false;
  double differenceSquared = 0.0;
  double expectedSquared = 0.0;
  double maxDifference = 0.0;
};

Differences differences(const Tensor &actual, const Tensor &expected,
                        const char *measure) {
  require(actual.shape == expected.shape, measure,
          "shapes differ: " + shapeString(actual.shape) + " vs " +
              shapeString(expected.shape));
  Differences sums;
  for (size_t i = 0; i < actual.data.size(); ++i) {
    double e = expected.data[i];
    double difference = std::fabs(actual.data[i] - e);
    // Also NaN for inf - inf: an infinite result is a failure, not a match.
    sums.anyNan |= std::isnan(difference);
    sums.differenceSquared += difference * difference;
    sums.expectedSquared += e * e;
    sums.maxDifference = std::max(sums.maxDifference, difference);
  }
  return sums;
}

/// `difference` / `scale`, infinite where any difference is NaN or a zero
/// reference meets a nonzero difference.
double errorRatio(const Differences &sums, double difference, double scale) {
  const double infinity = std::numeric_limits<double>::infinity();
  if (sums.anyNan)
    return infinity;
  if (sums.expectedSquared == 0.0)
    return sums.differenceSquared == 0.0 ? 0.0 : infinity;
  return difference / scale;
}

} // namespace

double relativeL2Error(const Tensor &actual, const Tensor &expected) {
  Differences sums = differences(actual, expected, "relativeL2Error");
  return errorRatio(sums, std::sqrt(sums.differenceSquared),
                    std::sqrt(sums.expectedSquared));
}

double maxElementError(const Tensor &actual, const Tensor &expected) {
  Differences sums = differences(actual, expected, "maxElementError");
  return errorRatio(sums, sums.maxDifference,
                    std::sqrt(sums.expectedSquared / expected.data.size()));
}

} // namespace xfuse::reference
