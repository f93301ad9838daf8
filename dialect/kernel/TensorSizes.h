//===- TensorSizes.h - sizes of static tensors without wrapping -----------===//
//
// A static shape may hold more elements or bytes than int64 counts (the
// builtin tensor type allows any int64 dimension). Launch planning, memory
// planning and the emitter compute sizes through these, and report a
// located error where they overflow instead of planning with a wrapped size.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_DIALECT_KERNEL_TENSORSIZES_H
#define XFUSE_DIALECT_KERNEL_TENSORSIZES_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

#include <optional>

namespace mlir::xfuse::kernel {

/// The product of the static sizes of `shape` times `factor` (dynamic sizes
/// count as 1), or nullopt where it overflows int64.
inline std::optional<int64_t> staticProduct(ArrayRef<int64_t> shape,
                                            int64_t factor = 1) {
  int64_t product = factor;
  for (int64_t size : shape)
    if (!ShapedType::isDynamic(size) &&
        llvm::MulOverflow(product, size, product))
      return std::nullopt;
  return product;
}

/// The bytes of the static part of `type` (its dynamic sizes count as 1),
/// or nullopt where they overflow int64. For int and float elements, the
/// ones xfuse ops and kernels take.
inline std::optional<int64_t> staticByteSize(RankedTensorType type) {
  assert(type.getElementType().isIntOrFloat() && "an element without width");
  return staticProduct(type.getShape(),
                       llvm::divideCeil(type.getElementTypeBitWidth(), 8));
}

} // namespace mlir::xfuse::kernel

#endif // XFUSE_DIALECT_KERNEL_TENSORSIZES_H
