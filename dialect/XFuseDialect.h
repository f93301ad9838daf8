#ifndef XFUSE_DIALECT_XFUSEDIALECT_H
#define XFUSE_DIALECT_XFUSEDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"

#include "dialect/XFuseDialect.h.inc"

#endif // XFUSE_DIALECT_XFUSEDIALECT_H
