#ifndef XFUSE_PASSES_COSTMODEL_H
#define XFUSE_PASSES_COSTMODEL_H

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include <cstdint>
#include <optional>

namespace mlir::xfuse {

/// One GEMM kernel's problem: tokens x inFeatures times inFeatures x
/// outFeatures, once per product, and the RoPE its epilogue applies.
struct GemmProblem {
  /// M; unknown when a leading dimension is dynamic.
  std::optional<int64_t> tokens;
  int64_t inFeatures;
  int64_t outFeatures;
  /// The element type of A and B.
  Type elementType;
  /// 1, or 2 for the gate and up projections of a gated GEMM.
  int products;
  /// The RoPE of the epilogue, or null.
  RopeOp epilogueRope;
  /// The positions of a positional encoding of A folded into the weight
  /// (kernel::foldedPositions), or 0.
  int64_t foldedPositions = 0;

  /// The problem of a GEMM kernel computing `products` (one projection, or
  /// a gate and an up projection) with `epilogueRope` (or null) in its
  /// epilogue and the foldable positional encoding `prologue` (or null) of
  /// its input folded into its weight.
  static GemmProblem get(ArrayRef<LinearOp> products, RopeOp epilogueRope,
                         Operation *prologue = nullptr);
};

/// What fusion and launch planning need to know about a GPU. Its GEMM plans
/// are among those cuda/device/GemmLimits.h accepts; the choice among them
/// is this model's. No GEMM main loop applies a prologue to its A tile (TMA
/// and cp.async copy A straight into shared memory): a positional encoding
/// of the A operand either runs before the GEMM, or, where the model finds
/// that it pays, is folded into the weight (prologue = folded).
struct TargetCostModel {
  kernel::Target target;
  int64_t multiprocessors;

  static TargetCostModel get(kernel::Target target);

  /// The main loop of GEMMs on operands of `elementType`.
  kernel::GemmMainloop gemmMainloop(Type elementType) const;

  /// The launch plan of a GEMM kernel, or null when no plan the model
  /// considers runs its epilogue RoPE, or folds its encoding where that
  /// pays.
  kernel::GemmPlanAttr planGemm(MLIRContext *context,
                                const GemmProblem &problem) const;

  /// The launch plan of a pointwise kernel whose rows are multiples of
  /// `rowGranularity` elements of at most `elementBytes` each, one block per
  /// row when it reduces over rows.
  kernel::PointwisePlanAttr planPointwise(MLIRContext *context,
                                          int64_t elementBytes,
                                          int64_t rowGranularity,
                                          bool reducesRows) const;
};

} // namespace mlir::xfuse

#endif // XFUSE_PASSES_COSTMODEL_H
