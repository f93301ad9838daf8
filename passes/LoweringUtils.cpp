#include "passes/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value mlir::xfuse::createEmptyLike(OpBuilder &builder, Location loc,
                                   Value like, Type elementType) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, like);
  return tensor::EmptyOp::create(builder, loc, sizes, elementType);
}

Value mlir::xfuse::createEmptyWithShape(OpBuilder &builder, Location loc,
                                        ArrayRef<int64_t> shape,
                                        Value dynamicSource,
                                        Type elementType) {
  SmallVector<Value> dynamicSizes;
  for (auto [index, size] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(
          tensor::DimOp::create(builder, loc, dynamicSource, index));
  return tensor::EmptyOp::create(builder, loc, shape, elementType,
                                 dynamicSizes);
}

Value mlir::xfuse::createF32Zeros(OpBuilder &builder, Location loc,
                                  ArrayRef<int64_t> shape,
                                  Value dynamicSource) {
  Value empty = createEmptyWithShape(builder, loc, shape, dynamicSource,
                                     builder.getF32Type());
  return linalg::FillOp::create(builder, loc, f32Constant(builder, loc, 0.0),
                                empty)
      .getResult(0);
}

Value mlir::xfuse::f32Constant(OpBuilder &builder, Location loc,
                               double value) {
  return arith::ConstantOp::create(builder, loc,
                                   builder.getF32FloatAttr(value));
}

Value mlir::xfuse::castFloat(OpBuilder &builder, Location loc, Value scalar,
                             Type type) {
  auto from = cast<FloatType>(scalar.getType());
  auto to = cast<FloatType>(type);
  if (from == to)
    return scalar;
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(builder, loc, to, scalar);
  return arith::TruncFOp::create(builder, loc, to, scalar);
}

Value mlir::xfuse::castToF32(OpBuilder &builder, Location loc, Value scalar) {
  return castFloat(builder, loc, scalar, builder.getF32Type());
}

SmallVector<utils::IteratorType> mlir::xfuse::parallelIterators(int64_t count) {
  return SmallVector<utils::IteratorType>(count, utils::IteratorType::parallel);
}

AffineMap mlir::xfuse::trailingDimsMap(MLIRContext *context, int64_t rank,
                                       int64_t k) {
  SmallVector<AffineExpr> results;
  for (int64_t dim = rank - k; dim < rank; ++dim)
    results.push_back(getAffineDimExpr(dim, context));
  return AffineMap::get(rank, 0, results, context);
}
