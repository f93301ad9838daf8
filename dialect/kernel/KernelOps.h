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
#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelDialect.h"
#include "dialect/kernel/KernelEnums.h"

#define GET_ATTRDEF_CLASSES
#include "dialect/kernel/KernelAttrs.h.inc"

namespace mlir::xfuse::kernel {

/// An activation or add of a GEMM epilogue; for an add, its other operand
/// (a kernel input: a residual, or a vector broadcast over the rows).
struct GemmEpilogueOp {
  Operation *op;
  Value addend;
};

/// The ops of an xkernel.gemm body in the roles the GEMM blocks give them,
/// each in body order.
struct GemmRoles {
  /// The positional encoding of the A operand, or null.
  Operation *prologue = nullptr;
  /// One product, or the gate then the up projection of a gated GEMM.
  SmallVector<LinearOp, 2> products;
  /// act(gate) * up of a gated GEMM, or null.
  GateOp gate;
  /// Applied to the accumulator tile, before any reshape or RoPE.
  SmallVector<GemmEpilogueOp> epilogue;
  /// Views of the result: the split into heads before the RoPE, and any
  /// reshape after the epilogue.
  SmallVector<Operation *> reshapes;
  /// The RoPE of the output tile, or null.
  RopeOp rope;

  bool isGated() const { return gate != nullptr; }
  int numProducts() const { return products.size(); }
  /// The A operand the products read (after the prologue).
  Value getA() const { return LinearOp(products.front()).getInput(); }
  /// The A operand the main loop loads: the encoded input where a prologue
  /// is folded into the weight, else getA().
  Value getLoadedA() const {
    return prologue ? prologue->getOperand(0) : getA();
  }
  /// The element type of A and B.
  Type elementType() const;
};

/// Whether the heads `rope` rotates lie within rows of `outFeatures`, the
/// output features of a GEMM whose epilogue would apply it.
bool ropeHeadsWithinRows(RopeOp rope, int64_t outFeatures);

/// Why the positional encoding `prologue` of a GEMM's A operand cannot be
/// folded into the GEMM's weight (#xkernel.gemm_plan<prologue = folded>),
/// or nullptr: the fold makes one table row per position when the weight is
/// packed, so the encoding must depend on the token's index in a static
/// sequence alone, and add to its input unscaled.
const char *foldUnsupportedReason(Operation *prologue);

/// The positions the table of a foldable `prologue` holds: its sequence
/// length.
int64_t foldedPositions(Operation *prologue);

/// Whether `op` reshapes a tensor (tensor.expand_shape or collapse_shape):
/// a view of the same memory, which kernel bodies absorb anywhere.
bool isReshape(Operation *op);

/// The features of the rows that the RowChain stage of `op`, an op of an
/// xkernel.pointwise body, works on, where it needs particular ones: a RoPE
/// rotates tokens of heads x head_dim features; norms, positional encodings
/// and adds of a broadcast operand work on rows of their last dimension.
/// nullopt where any rows do (activations, gates, adds of a same-shaped or
/// scalar operand, reshapes).
std::optional<int64_t> pointwiseRowLength(Operation *op);

/// The rank count of a collective (xkernel.all_reduce, reduce_scatter,
/// all_gather), or nullopt when `op` is none.
std::optional<int64_t> collectiveRanks(Operation *op);

} // namespace mlir::xfuse::kernel

#define GET_OP_CLASSES
#include "dialect/kernel/KernelOps.h.inc"

#endif // XFUSE_DIALECT_KERNEL_KERNELOPS_H
