#ifndef XFUSE_DIALECT_KERNEL_KERNELDIALECT_H
#define XFUSE_DIALECT_KERNEL_KERNELDIALECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"

#include "dialect/kernel/KernelDialect.h.inc"

namespace mlir::xfuse::kernel {

// The discardable attributes that the planning passes leave for the
// emitter.
/// The shard (ShardAttr) of a tensor-parallel function argument or result.
inline constexpr llvm::StringLiteral kShardAttrName = "xkernel.shard";
/// The packing (WeightPackingAttr) of a weight argument.
inline constexpr llvm::StringLiteral kWeightPackingAttrName =
    "xkernel.weight_packing";
/// A function's workspace (WorkspaceAttr).
inline constexpr llvm::StringLiteral kWorkspaceAttrName = "xkernel.workspace";
/// The workspace slices of a kernel op.
inline constexpr llvm::StringLiteral kWorkspaceSlicesAttrName =
    "xkernel.workspace_slices";

} // namespace mlir::xfuse::kernel

#endif // XFUSE_DIALECT_KERNEL_KERNELDIALECT_H
