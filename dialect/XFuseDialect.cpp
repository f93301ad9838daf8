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
