#include "dialect/XFuseDialect.h"

#include "dialect/XFuseAttrs.h"
#include "dialect/XFuseOps.h"

using namespace mlir;
using namespace mlir::xfuse;

#include "dialect/XFuseDialect.cpp.inc"

void XFuseDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/XFuseOps.cpp.inc"
      >();
  registerAttributes();
}

/// Checks an `xfuse.*` attribute of `what` (argument or result) `index` of
/// `op`: the dialect defines only the parameter name, a non-empty string.
static LogicalResult verifyParameterAttribute(Operation *op, StringRef what,
                                              unsigned index,
                                              NamedAttribute attribute) {
  StringRef expected = XFuseDialect::getParameterNameAttrName();
  if (attribute.getName() != expected)
    return op->emitError("unknown attribute '")
           << attribute.getName().getValue() << "' on " << what << " "
           << index << ": the xfuse dialect defines '" << expected
           << "' only";
  auto name = dyn_cast<StringAttr>(attribute.getValue());
  if (!name || name.getValue().empty())
    return op->emitError("expects '")
           << expected << "' of " << what << " " << index
           << " to be a non-empty string, but got " << attribute.getValue();
  return success();
}

LogicalResult XFuseDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned /*regionIndex*/,
                                                     unsigned argIndex,
                                                     NamedAttribute attribute) {
  return verifyParameterAttribute(op, "argument", argIndex, attribute);
}

LogicalResult XFuseDialect::verifyRegionResultAttribute(
    Operation *op, unsigned /*regionIndex*/, unsigned resultIndex,
    NamedAttribute attribute) {
  return verifyParameterAttribute(op, "result", resultIndex, attribute);
}
