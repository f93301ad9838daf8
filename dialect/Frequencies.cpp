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
  double low = std::max(
      0.0, std::floor(yarnCorrectionDim(yarn.getBetaFast().convertToDouble(), rotaryDim, theta,
                                        yarn.getOriginalMaxPosition())));
  double high = std::min(
      static_cast<double>(rotaryDim - 1),
      std::ceil(yarnCorrectionDim(yarn.getBetaSlow().convertToDouble(), rotaryDim, theta,
                                  yarn.getOriginalMaxPosition())));
  if (low == high)
    high += 0.001;
  for (size_t i = 0; i < inverse.size(); ++i) {
    double ramp = std::clamp((i - low) / (high - low), 0.0, 1.0);
    double extrapolationWeight = 1.0 - ramp;
    double interpolated = inverse[i] / yarn.getFactor().convertToDouble();
    inverse[i] = interpolated * (1.0 - extrapolationWeight) +
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
                                                       int64_t width) {
  std::vector<double> frequencies(width / 2);
  for (int64_t i = 0; i < width / 2; ++i)
    frequencies[i] = std::pow(base, -2.0 * i / width);
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
      .Case([&](Llama3ScalingAttr llama) { applyLlama3(inverse, llama); })
      .Default([](Attribute) {});
  return result;
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
