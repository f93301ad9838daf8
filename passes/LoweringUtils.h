#ifndef XFUSE_PASSES_LOWERINGUTILS_H
#define XFUSE_PASSES_LOWERINGUTILS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::xfuse {

/// An uninitialised tensor with the shape of `like` (its dynamic sizes read
/// with tensor.dim) and `elementType`.
Value createEmptyLike(OpBuilder &builder, Location loc, Value like,
                      Type elementType);

/// An uninitialised tensor of `shape`, its dynamic entries taken from the
/// matching dimensions of `dynamicSource` (same rank prefix).
Value createEmptyWithShape(OpBuilder &builder, Location loc,
                           ArrayRef<int64_t> shape, Value dynamicSource,
                           Type elementType);

/// An f32 tensor of `shape` (dynamic entries as in `createEmptyWithShape`)
/// filled with zeros: the accumulator of a reduction or a matmul.
Value createF32Zeros(OpBuilder &builder, Location loc, ArrayRef<int64_t> shape,
                     Value dynamicSource);

/// An f32 scalar constant.
Value f32Constant(OpBuilder &builder, Location loc, double value);

/// Converts a float scalar to `type` (extf or truncf; nothing if equal).
Value castFloat(OpBuilder &builder, Location loc, Value scalar, Type type);

/// Converts a float scalar to f32, the type xfuse computes in.
Value castToF32(OpBuilder &builder, Location loc, Value scalar);

/// `count` parallel iterators.
SmallVector<utils::IteratorType> parallelIterators(int64_t count);

/// The affine map (d0, ..., d{rank-1}) -> (d{rank-k}, ..., d{rank-1}) that
/// reads the trailing `k` loop dimensions: how a [d] bias or a suffix-shaped
/// residual is broadcast over leading dimensions.
AffineMap trailingDimsMap(MLIRContext *context, int64_t rank, int64_t k);

} // namespace mlir::xfuse

#endif // XFUSE_PASSES_LOWERINGUTILS_H
