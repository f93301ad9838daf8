#ifndef XFUSE_DIALECT_KERNEL_KERNELDIALECT_H
#define XFUSE_DIALECT_KERNEL_KERNELDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"

#include "dialect/kernel/KernelDialect.h.inc"

#endif // XFUSE_DIALECT_KERNEL_KERNELDIALECT_H
