#ifndef XFUSE_DIALECT_XFUSEOPS_H
#define XFUSE_DIALECT_XFUSEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/XFuseAttrs.h"
#include "dialect/XFuseDialect.h"

#define GET_OP_CLASSES
#include "dialect/XFuseOps.h.inc"

#endif // XFUSE_DIALECT_XFUSEOPS_H
