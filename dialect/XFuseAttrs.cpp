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

std::string mlir::xfuse::formatReal(double value) {
  // The shortest round-trip form of a double, nan and inf included, fits in
  // 32 characters, so to_chars cannot fail here.
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof(text), value).ptr);
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

LogicalResult YarnScalingAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, llvm::APFloat factor,
    int64_t originalMaxPosition, llvm::APFloat betaFastValue,
    llvm::APFloat betaSlowValue, llvm::APFloat attentionFactorValue) {
  if (failed(verifyScalingFactor(emitError, factor)) ||
      failed(verifyOriginalMaxPosition(emitError, originalMaxPosition)))
    return failure();
  double betaFast = betaFastValue.convertToDouble();
  double betaSlow = betaSlowValue.convertToDouble();
  double attentionFactor = attentionFactorValue.convertToDouble();
  if (!(betaSlow > 0.0) || !(betaFast > betaSlow) || !std::isfinite(betaFast))
    return emitError() << "expects finite beta_fast > beta_slow > 0, but got "
                          "beta_fast = "
                       << formatReal(betaFast)
                       << ", beta_slow = " << formatReal(betaSlow);
  if (!(attentionFactor >= 0.0) || !std::isfinite(attentionFactor))
    return emitError()
           << "expects a finite attention_factor >= 0 (0 selects the "
              "default 0.1 * ln(factor) + 1), but got "
           << formatReal(attentionFactor);
  return success();
}

double YarnScalingAttr::getEffectiveAttentionFactor() const {
  double explicitFactor = getAttentionFactor().convertToDouble();
  if (explicitFactor > 0.0)
    return explicitFactor;
  return 0.1 * std::log(getFactor().convertToDouble()) + 1.0;
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
