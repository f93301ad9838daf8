#ifndef XFUSE_DIALECT_XFUSEATTRS_H
#define XFUSE_DIALECT_XFUSEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include <string>

#include "dialect/XFuseEnums.h.inc"

namespace mlir::xfuse {
/// Parses a real attribute parameter written as `32.0` or `32`: scaling
/// factors are whole numbers more often than not, and MLIR's float syntax
/// alone would reject them without the trailing `.0`.
FailureOr<llvm::APFloat> parseRealParameter(AsmParser &parser);

/// Formats a real for a diagnostic as a user writes it (`0.5`, `1e-06`), the
/// shortest text that reads back as `value`, rather than as `5.000000e-01`.
std::string formatReal(double value);
} // namespace mlir::xfuse

#define GET_ATTRDEF_CLASSES
#include "dialect/XFuseAttrs.h.inc"

#endif // XFUSE_DIALECT_XFUSEATTRS_H
