#include "dialect/Frequencies.h"

#include "dialect/XFuseAttrs.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::xfuse;

static std::vector<double> baseInverseFrequencies(double theta,
                                                  int64_t rotaryDim) {
  std::vector<double> inverse(rotaryDim / 2);
  for (int64_t i = 0; i < rotaryDim / 2; ++i)
    inverse[i] = std::pow(theta, -2.0 * i / rotaryDim);
  return inverse;
}

/// YaRN's correction dimension: the pair index whose wavelength fits
/// `rotations` times into the original context.
static double yarnCorrectionDim(double rotations, int64_t rotaryDim,
                                double theta, int64_t originalMaxPosition) {
  return rotaryDim *
         std::log(originalMaxPosition / (rotations * 2.0 * M_PI)) /
         (2.0 * std::log(theta));
}

static void applyYarn(std::vector<double> &inverse, double theta,
                      int64_t rotaryDim, YarnScalingAttr yarn) {
  double low = yarnCorrectionDim(yarn.getBetaFast().convertToDouble(),
                                 rotaryDim, theta,
                                 yarn.getOriginalMaxPosition());
  double high = yarnCorrectionDim(yarn.getBetaSlow().convertToDouble(),
                                  rotaryDim, theta,
                                  yarn.getOriginalMaxPosition());
  if (yarn.getTruncate()) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(0.0, low);
  high = std::min(static_cast<double>(rotaryDim - 1), high);
  if (low == high)
    high += 0.001;
  double factor = yarn.getFactor().convertToDouble();
  for (size_t i = 0; i < inverse.size(); ++i) {
    double ramp = std::clamp((i - low) / (high - low), 0.0, 1.0);
    double extrapolationWeight = 1.0 - ramp;
    inverse[i] = inverse[i] / factor * (1.0 - extrapolationWeight) +
                 inverse[i] * extrapolationWeight;
  }
}

static void applyLlama3(std::vector<double> &inverse, Llama3ScalingAttr llama) {
  double context = llama.getOriginalMaxPosition();
  double lowFreqWavelength = context / llama.getLowFreqFactor().convertToDouble();
  double highFreqWavelength = context / llama.getHighFreqFactor().convertToDouble();
  for (double &frequency : inverse) {
    double wavelength = 2.0 * M_PI / frequency;
    if (wavelength < highFreqWavelength)
      continue;
    if (wavelength > lowFreqWavelength) {
      frequency /= llama.getFactor().convertToDouble();
      continue;
    }
    double smooth = (context / wavelength - llama.getLowFreqFactor().convertToDouble()) /
                    (llama.getHighFreqFactor().convertToDouble() - llama.getLowFreqFactor().convertToDouble());
    frequency = (1.0 - smooth) * frequency / llama.getFactor().convertToDouble() +
                smooth * frequency;
  }
}

std::vector<double> mlir::xfuse::sinusoidalFrequencies(double base,
                                                       int64_t width,
                                                       PeLayout layout) {
  int64_t pairs = width / 2;
  double exponentDenominator =
      layout == PeLayout::fairseq ? pairs - 1.0 : width / 2.0;
  std::vector<double> frequencies(pairs);
  for (int64_t i = 0; i < pairs; ++i)
    frequencies[i] = std::pow(base, -i / exponentDenominator);
  return frequencies;
}

RopeFrequencies mlir::xfuse::computeRopeFrequencies(double theta,
                                                    int64_t rotaryDim,
                                                    Attribute scaling) {
  RopeFrequencies result;
  result.inverseFrequencies = baseInverseFrequencies(theta, rotaryDim);
  if (!scaling)
    return result;
  std::vector<double> &inverse = result.inverseFrequencies;
  llvm::TypeSwitch<Attribute>(scaling)
      .Case([&](LinearScalingAttr linear) {
        for (double &frequency : inverse)
          frequency /= linear.getFactor().convertToDouble();
      })
      .Case([&](YarnScalingAttr yarn) {
        applyYarn(inverse, theta, rotaryDim, yarn);
        result.attentionFactor = yarn.getEffectiveAttentionFactor();
      })
      .Case([&](LongRopeScalingAttr longRope) {
        result = longRopeFrequencies(theta, rotaryDim, longRope,
                                     /*useLong=*/false);
      })
      .Case([&](Llama3ScalingAttr llama) { applyLlama3(inverse, llama); })
      .Default([](Attribute) {});
  return result;
}

RopeFrequencies mlir::xfuse::longRopeFrequencies(double theta,
                                                 int64_t rotaryDim,
                                                 LongRopeScalingAttr scaling,
                                                 bool useLong) {
  ArrayRef<double> extension = useLong ? scaling.getLongFactor().asArrayRef()
                                       : scaling.getShortFactor().asArrayRef();
  RopeFrequencies result;
  result.inverseFrequencies = baseInverseFrequencies(theta, rotaryDim);
  for (auto [frequency, divisor] :
       llvm::zip_equal(result.inverseFrequencies, extension))
    frequency /= divisor;
  result.attentionFactor = scaling.getEffectiveAttentionFactor();
  return result;
}

int64_t mlir::xfuse::multimodalRowOfPair(ArrayRef<int64_t> section,
                                         bool interleaved, int64_t pair) {
  if (interleaved) {
    for (int64_t row : {1, 2})
      if (pair % 3 == row && pair < 3 * section[row])
        return row;
    return 0;
  }
  int64_t end = 0;
  for (auto [row, pairs] : llvm::enumerate(section)) {
    end += pairs;
    if (pair < end)
      return row;
  }
  return section.size() - 1;
}

double mlir::xfuse::dynamicNtkBase(double theta, int64_t rotaryDim,
                                   double factor, int64_t originalMaxPosition,
                                   double length) {
  if (length <= originalMaxPosition)
    return theta;
  double stretch = factor * length / originalMaxPosition - (factor - 1.0);
  return theta *
         std::pow(stretch, static_cast<double>(rotaryDim) / (rotaryDim - 2));
}
