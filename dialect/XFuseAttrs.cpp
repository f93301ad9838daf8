#include "dialect/XFuseAttrs.h"

#include "dialect/XFuseDialect.h"

#include "llvm/ADT/TypeSwitch.h"

#include <charconv>
#include <cmath>

using namespace mlir;
using namespace mlir::xfuse;

#include "dialect/XFuseEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/XFuseAttrs.cpp.inc"

void XFuseDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/XFuseAttrs.cpp.inc"
      >();
}

FailureOr<llvm::APFloat> mlir::xfuse::parseRealParameter(AsmParser &parser) {
  // Untyped literals parse as f64 (`2.5`) or i64 (`2`) attributes; anything
  // else, `true` (i1) or `2 : i32` included, is not a plain real.
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (failed(parser.parseAttribute(attr)))
    return failure();
  if (auto real = dyn_cast<FloatAttr>(attr);
      real && isa<Float64Type>(real.getType()))
    return llvm::APFloat(real.getValueAsDouble());
  if (auto integer = dyn_cast<IntegerAttr>(attr);
      integer && integer.getType().isSignlessInteger(64))
    return llvm::APFloat(static_cast<double>(integer.getInt()));
  return parser.emitError(loc, "expected a real number such as 2.0 or 2, "
                               "but got ")
         << attr;
}

FailureOr<DenseF64ArrayAttr>
mlir::xfuse::parseRealListParameter(AsmParser &parser) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(
          AsmParser::Delimiter::Square, [&]() -> ParseResult {
            FailureOr<llvm::APFloat> value = parseRealParameter(parser);
            if (failed(value))
              return failure();
            values.push_back(value->convertToDouble());
            return success();
          }))
    return failure();
  return DenseF64ArrayAttr::get(parser.getContext(), values);
}

void mlir::xfuse::printRealListParameter(AsmPrinter &printer,
                                         DenseF64ArrayAttr list) {
  printer << '[';
  llvm::interleaveComma(list.asArrayRef(), printer, [&](double value) {
    printer.printFloat(llvm::APFloat(value));
  });
  printer << ']';
}

FailureOr<bool> mlir::xfuse::parseBoolParameter(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  Attribute attr;
  if (failed(parser.parseAttribute(attr)))
    return failure();
  if (auto flag = dyn_cast<BoolAttr>(attr))
    return flag.getValue();
  return parser.emitError(loc, "expected true or false, but got ") << attr;
}

std::string mlir::xfuse::formatReal(double value) {
  // The shortest round-trip form of a double, nan and inf included, fits in
  // 32 characters, so to_chars cannot fail here.
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof(text), value).ptr);
}

LogicalResult
mlir::xfuse::verifyFinite(function_ref<InFlightDiagnostic()> emitError,
                          StringRef name, double value) {
  if (!std::isfinite(value))
    return emitError() << "expects a finite " << name << ", but got "
                       << formatReal(value);
  return success();
}

LogicalResult
mlir::xfuse::verifyFinitePositive(function_ref<InFlightDiagnostic()> emitError,
                                  StringRef name, double value) {
  if (!(value > 0.0) || !std::isfinite(value))
    return emitError() << "expects a finite " << name << " > 0, but got "
                       << formatReal(value);
  return success();
}

static LogicalResult
verifyScalingFactor(function_ref<InFlightDiagnostic()> emitError,
                    const llvm::APFloat &factorValue) {
  double factor = factorValue.convertToDouble();
  if (!(factor >= 1.0) || !std::isfinite(factor))
    return emitError() << "expects a finite factor >= 1, but got "
                       << formatReal(factor);
  return success();
}

static LogicalResult
verifyOriginalMaxPosition(function_ref<InFlightDiagnostic()> emitError,
                          int64_t originalMaxPosition) {
  if (originalMaxPosition <= 0)
    return emitError() << "expects original_max_position > 0, but got "
                       << originalMaxPosition;
  return success();
}

LogicalResult
LinearScalingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          llvm::APFloat factor) {
  return verifyScalingFactor(emitError, factor);
}

LogicalResult
DynamicNtkScalingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              llvm::APFloat factor,
                              int64_t originalMaxPosition) {
  return success(
      succeeded(verifyScalingFactor(emitError, factor)) &&
      succeeded(verifyOriginalMaxPosition(emitError, originalMaxPosition)));
}

/// An explicit attention factor, taken literally: any finite value >= 0.
static LogicalResult
verifyAttentionFactor(function_ref<InFlightDiagnostic()> emitError,
                      const std::optional<llvm::APFloat> &attentionFactor) {
  if (!attentionFactor)
    return success();
  double value = attentionFactor->convertToDouble();
  if (!(value >= 0.0) || !std::isfinite(value))
    return emitError() << "expects a finite attention_factor >= 0, but got "
                       << formatReal(value);
  return success();
}

/// YaRN's magnitude correction for context extension `factor`, scaled by
/// `scale` (transformers' get_mscale).
static double yarnMscale(double factor, double scale) {
  if (factor <= 1.0)
    return 1.0;
  return 0.1 * scale * std::log(factor) + 1.0;
}

/// The attention factor transformers derives when none is given: the ratio
/// of the mscales' corrections when both are nonzero, else the plain one.
static double derivedYarnAttentionFactor(double factor, double mscale,
                                         double mscaleAllDim) {
  if (mscale != 0.0 && mscaleAllDim != 0.0)
    return yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim);
  return yarnMscale(factor, 1.0);
}

LogicalResult YarnScalingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, llvm::APFloat factor,
    int64_t originalMaxPosition, llvm::APFloat betaFastValue,
    llvm::APFloat betaSlowValue, std::optional<llvm::APFloat> attentionFactor,
    llvm::APFloat mscaleValue, llvm::APFloat mscaleAllDimValue, bool) {
  if (failed(verifyScalingFactor(emitError, factor)) ||
      failed(verifyOriginalMaxPosition(emitError, originalMaxPosition)))
    return failure();
  double betaFast = betaFastValue.convertToDouble();
  double betaSlow = betaSlowValue.convertToDouble();
  if (!(betaSlow > 0.0) || !(betaFast > betaSlow) || !std::isfinite(betaFast))
    return emitError() << "expects finite beta_fast > beta_slow > 0, but got "
                          "beta_fast = "
                       << formatReal(betaFast)
                       << ", beta_slow = " << formatReal(betaSlow);
  for (auto [name, value] : {std::pair{"mscale", mscaleValue},
                             std::pair{"mscale_all_dim", mscaleAllDimValue}})
    if (failed(verifyFinite(emitError, name, value.convertToDouble())))
      return failure();
  if (attentionFactor)
    return verifyAttentionFactor(emitError, attentionFactor);
  double derived = derivedYarnAttentionFactor(
      factor.convertToDouble(), mscaleValue.convertToDouble(),
      mscaleAllDimValue.convertToDouble());
  if (!(derived >= 0.0) || !std::isfinite(derived))
    return emitError() << "expects mscale and mscale_all_dim from which a "
                          "finite attention factor >= 0 follows, but got "
                       << formatReal(derived);
  return success();
}

double YarnScalingAttr::getEffectiveAttentionFactor() const {
  if (std::optional<llvm::APFloat> explicitFactor = getAttentionFactor())
    return explicitFactor->convertToDouble();
  return derivedYarnAttentionFactor(getFactor().convertToDouble(),
                                    getMscale().convertToDouble(),
                                    getMscaleAllDim().convertToDouble());
}

LogicalResult LongRopeScalingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, int64_t originalMaxPosition,
    std::optional<int64_t> maxPosition, std::optional<llvm::APFloat> factor,
    std::optional<llvm::APFloat> attentionFactor,
    DenseF64ArrayAttr shortFactor, DenseF64ArrayAttr longFactor) {
  if (failed(verifyOriginalMaxPosition(emitError, originalMaxPosition)) ||
      failed(verifyAttentionFactor(emitError, attentionFactor)))
    return failure();
  if (maxPosition && *maxPosition <= 0)
    return emitError() << "expects max_position > 0, but got " << *maxPosition;
  if (factor && failed(verifyFinitePositive(emitError, "factor",
                                            factor->convertToDouble())))
    return failure();
  if (!attentionFactor && !factor && !maxPosition)
    return emitError() << "expects factor, max_position or attention_factor, "
                          "from which the attention factor follows, but got "
                          "none of them";
  if (!attentionFactor && originalMaxPosition == 1)
    return emitError() << "expects original_max_position > 1 when the "
                          "attention factor is derived (it divides by "
                          "ln(original_max_position)), but got 1";
  for (auto [name, list] : {std::pair{"short_factor", shortFactor},
                            std::pair{"long_factor", longFactor}}) {
    if (list.empty())
      return emitError() << "expects a non-empty " << name;
    for (auto [pair, value] : llvm::enumerate(list.asArrayRef()))
      if (!(value > 0.0) || !std::isfinite(value))
        return emitError() << "expects finite " << name
                           << " entries > 0, but got " << formatReal(value)
                           << " at pair " << pair;
  }
  if (shortFactor.size() != longFactor.size())
    return emitError() << "expects short_factor and long_factor of one "
                          "length (rotary_dim / 2), but got "
                       << shortFactor.size() << " and " << longFactor.size();
  return success();
}

double LongRopeScalingAttr::getEffectiveAttentionFactor() const {
  if (std::optional<llvm::APFloat> explicitFactor = getAttentionFactor())
    return explicitFactor->convertToDouble();
  double originalMaxPosition = static_cast<double>(getOriginalMaxPosition());
  double factor = getFactor() ? getFactor()->convertToDouble()
                              : *getMaxPosition() / originalMaxPosition;
  if (factor <= 1.0)
    return 1.0;
  return std::sqrt(1.0 + std::log(factor) / std::log(originalMaxPosition));
}

LogicalResult
Llama3ScalingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          llvm::APFloat factor, llvm::APFloat lowFreqValue,
                          llvm::APFloat highFreqValue,
                          int64_t originalMaxPosition) {
  if (failed(verifyScalingFactor(emitError, factor)) ||
      failed(verifyOriginalMaxPosition(emitError, originalMaxPosition)))
    return failure();
  double lowFreqFactor = lowFreqValue.convertToDouble();
  double highFreqFactor = highFreqValue.convertToDouble();
  if (!(lowFreqFactor > 0.0) || !(highFreqFactor > lowFreqFactor) ||
      !std::isfinite(highFreqFactor))
    return emitError() << "expects finite high_freq_factor > low_freq_factor "
                          "> 0, "
                          "but got low_freq_factor = "
                       << formatReal(lowFreqFactor)
                       << ", high_freq_factor = " << formatReal(highFreqFactor);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations and gated products
//===----------------------------------------------------------------------===//

namespace {
struct HuggingFaceActivation {
  StringLiteral name;
  ActivationKind kind;
};
} // namespace

// transformers' ACT2CLS entries that compute one of xfuse's activations.
// gelu_new, gelu_fast, gelu_accurate and gelu_pytorch_tanh are all the tanh
// approximation: the first three are written out elementwise in Python (in
// bf16 each step rounds to bf16), gelu_fast with the constant truncated to
// 0.7978845608 (a relative 4e-12, below f32's precision) and its cube as
// x * (1 + 0.044715 x^2), while gelu_pytorch_tanh is PyTorch's fused kernel;
// they differ from each other and from xfuse's gelu_tanh (f32 throughout,
// rounded once) by rounding only.
static constexpr HuggingFaceActivation kHuggingFaceActivations[] = {
    {"gelu", ActivationKind::gelu},
    {"gelu_python", ActivationKind::gelu},
    {"gelu_new", ActivationKind::gelu_tanh},
    {"gelu_fast", ActivationKind::gelu_tanh},
    {"gelu_accurate", ActivationKind::gelu_tanh},
    {"gelu_pytorch_tanh", ActivationKind::gelu_tanh},
    {"relu", ActivationKind::relu},
    {"relu2", ActivationKind::relu2},
    {"silu", ActivationKind::silu},
    {"swish", ActivationKind::silu},
    {"quick_gelu", ActivationKind::quick_gelu},
    {"linear", ActivationKind::identity},
};

std::optional<ActivationKind>
mlir::xfuse::activationFromHuggingFaceName(StringRef name) {
  for (const HuggingFaceActivation &entry : kHuggingFaceActivations)
    if (entry.name == name)
      return entry.kind;
  return std::nullopt;
}

SmallVector<StringRef> mlir::xfuse::huggingFaceActivationNames() {
  return llvm::map_to_vector(
      kHuggingFaceActivations,
      [](const HuggingFaceActivation &entry) -> StringRef {
        return entry.name;
      });
}

LogicalResult
ClampedSwigluAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          llvm::APFloat alphaValue, llvm::APFloat limitValue) {
  if (failed(verifyFinitePositive(emitError, "alpha",
                                  alphaValue.convertToDouble())))
    return failure();
  return verifyFinitePositive(emitError, "limit", limitValue.convertToDouble());
}
