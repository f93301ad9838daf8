#ifndef XFUSE_DIALECT_KERNEL_KERNELOPS_H
#define XFUSE_DIALECT_KERNEL_KERNELOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/XFuseAttrs.h"
#include "dialect/kernel/KernelDialect.h"

#include "dialect/kernel/KernelEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/kernel/KernelAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialect/kernel/KernelOps.h.inc"

#endif // XFUSE_DIALECT_KERNEL_KERNELOPS_H
