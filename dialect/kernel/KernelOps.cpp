#include "dialect/kernel/KernelOps.h"

#include "dialect/XFuseOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::kernel;

/// Creates a kernel op whose body block takes one argument per input.
static void buildKernel(OpBuilder &builder, OperationState &state,
                        TypeRange resultTypes, ValueRange inputs) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value input : inputs)
    block->addArgument(input.getType(), input.getLoc());
}

/// The kernel's operands match its block's arguments and its yield matches
/// its results.
static LogicalResult verifyKernelSignature(Operation *op, Block &block,
                                           ValueRange inputs) {
  if (block.getArgumentTypes() != inputs.getTypes())
    return op->emitOpError("expects its body to take one argument per input, "
                           "of the input's type");
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError("expects its body to end with xkernel.yield");
  if (yield.getValues().getTypes() != op->getResultTypes())
    return yield.emitOpError("yields ")
           << yield.getValues().getTypes() << ", but the kernel returns "
           << op->getResultTypes();
  return success();
}

/// Kernel bodies hold the fused xfuse ops and the reshapes between them.
static LogicalResult verifyFusedOps(Operation *kernel, Block &block) {
  for (Operation &op : block.without_terminator())
    if (!isa<XFuseDialect>(op.getDialect()) &&
        !isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::DimOp,
             arith::ConstantOp>(op))
      return op.emitOpError("cannot be part of an ")
             << kernel->getName() << " kernel body";
  return success();
}

LogicalResult GemmOp::verifyRegions() {
  if (failed(verifyFusedOps(*this, getBodyBlock())))
    return failure();
  SmallVector<LinearOp> products(getBodyBlock().getOps<LinearOp>());
  if (products.empty() || products.size() > 2)
    return emitOpError("expects one xfuse.linear (or a gate and an up "
                       "projection sharing their input), but its body has ")
           << products.size();
  if (products.size() == 2 &&
      products[0].getInput() != products[1].getInput())
    return emitOpError("expects its two projections to share their input");
  return success();
}

LogicalResult PointwiseOp::verifyRegions() {
  if (failed(verifyFusedOps(*this, getBodyBlock())))
    return failure();
  for (LinearOp linear : getBodyBlock().getOps<LinearOp>())
    return linear.emitOpError("belongs in an xkernel.gemm kernel, not in an "
                              "xkernel.pointwise one");
  return success();
}

#define GET_OP_CLASSES
#include "dialect/kernel/KernelOps.cpp.inc"
