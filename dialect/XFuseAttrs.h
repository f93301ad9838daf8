#ifndef XFUSE_DIALECT_XFUSEATTRS_H
#define XFUSE_DIALECT_XFUSEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include <optional>
#include <string>

#include "dialect/XFuseEnums.h.inc"

namespace mlir::xfuse {
/// Parses a real attribute parameter written as `32.0` or `32`: scaling
/// factors are whole numbers more often than not, and MLIR's float syntax
/// alone would reject them without the trailing `.0`.
FailureOr<llvm::APFloat> parseRealParameter(AsmParser &parser);

/// Parses a list of reals, `[1.0, 2, 0.5]`, each as parseRealParameter.
FailureOr<DenseF64ArrayAttr> parseRealListParameter(AsmParser &parser);
void printRealListParameter(AsmPrinter &printer, DenseF64ArrayAttr list);

/// Parses `true` or `false`.
FailureOr<bool> parseBoolParameter(AsmParser &parser);

/// Formats a real for a diagnostic as a user writes it (`0.5`, `1e-06`), the
/// shortest text that reads back as `value`, rather than as `5.000000e-01`.
std::string formatReal(double value);

/// Succeed if `value` is finite (and > 0); otherwise report what was
/// expected of `name` and what was found through `emitError`.
LogicalResult verifyFinite(function_ref<InFlightDiagnostic()> emitError,
                           StringRef name, double value);
LogicalResult verifyFinitePositive(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef name, double value);

/// The slope of quick_gelu, x * sigmoid(1.702 x), and the default alpha of
/// the clamped SwiGLU: the constant of transformers' QuickGELUActivation and
/// of gpt-oss's experts.
inline constexpr double kQuickGeluSlope = 1.702;

/// The activation that transformers' `ACT2FN[name]` computes, for the
/// `hidden_act` of a Hugging Face config: nullopt for names xfuse has no
/// activation for. The one table of these names.
std::optional<ActivationKind> activationFromHuggingFaceName(StringRef name);

/// The names activationFromHuggingFaceName accepts, in table order.
SmallVector<StringRef> huggingFaceActivationNames();
} // namespace mlir::xfuse

#define GET_ATTRDEF_CLASSES
#include "dialect/XFuseAttrs.h.inc"

#endif // XFUSE_DIALECT_XFUSEATTRS_H
