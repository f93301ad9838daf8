#ifndef XFUSE_PASSES_COSTMODEL_H
#define XFUSE_PASSES_COSTMODEL_H

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include <cstdint>
#include <optional>

namespace mlir::xfuse {

/// The sizes of one GEMM kernel's product: tokens x inFeatures times
/// inFeatures x outFeatures, once or twice (paired gate and up projections).
struct GemmProblem {
  /// M; unknown when a leading dimension is dynamic.
  std::optional<int64_t> tokens;
  int64_t inFeatures;
  int64_t outFeatures;
  int64_t elementBytes;
  bool gated;
};

/// What the fusion and launch-planning decisions need to know about a GPU.
/// Rates are per device; they rank alternatives, they do not predict times.
struct TargetCostModel {
  kernel::Target target;
  int64_t multiprocessors;
  double copyBytesPerSecond;
  double tensorFlopsPerSecond;
  /// sin/cos evaluations per second (the special-function units).
  double sinCosPerSecond;
  /// The widest output tile a GEMM main loop uses on this target.
  int64_t widestTileN;
  /// Shared memory one thread block may use, for the GEMM pipeline.
  int64_t sharedMemoryPerBlock;
  /// The reduction step of a GEMM main loop, in elements: 128 bytes of
  /// 16-bit elements (the widest TMA swizzle) on sm_90a, 64 bytes on sm_80.
  int64_t gemmTileK;
  /// Pipeline depth beyond which more loads in flight no longer help.
  int64_t gemmMaxStages;
  /// The smallest tile_m, used when all tokens fit in it.
  int64_t gemmSmallTileM;
  /// Thread-block cluster size along M for grids with several tile rows.
  int64_t gemmClusterM;
  /// Columns of the output tiles that an unsplit GEMM stages through shared
  /// memory on their way to global memory, two buffers of tile_m rows per
  /// consumer schedule slot (the TMA stores of sm_90a); 0 where results are
  /// stored from registers.
  int64_t gemmStoreStagingCols;
  /// Main loops of at most this many k-steps run ping-pong 128 x narrow
  /// tiles (0: the target has no ping-pong schedule).
  int64_t gemmPingPongMaxSteps;

  static TargetCostModel get(kernel::Target target);

  /// Seconds to write and read back `bytes` of an intermediate tensor.
  double roundTripSeconds(double bytes) const {
    return 2.0 * bytes / copyBytesPerSecond;
  }

  /// Whether the GEMM kernels take operands of `elementType`.
  bool hasGemmElementType(Type elementType) const;

  /// The tile_n values a GEMM may use, best first.
  SmallVector<int64_t, 2> gemmTileNChoices(const GemmProblem &problem) const;

  /// Whether a GEMM with output tiles `tileN` wide runs the ping-pong
  /// schedule.
  bool runsPingPong(const GemmProblem &problem, int64_t tileN) const;

  /// The launch plan of a GEMM with output tiles `tileN` wide.
  kernel::GemmPlanAttr planGemm(MLIRContext *context,
                                const GemmProblem &problem,
                                int64_t tileN) const;

  /// The launch plan of a pointwise kernel whose rows are multiples of
  /// `rowGranularity` elements of at most `elementBytes` each, one block per
  /// row when it reduces over rows.
  kernel::PointwisePlanAttr planPointwise(MLIRContext *context,
                                          int64_t elementBytes,
                                          int64_t rowGranularity,
                                          bool reducesRows) const;
};

/// Parses "sm_80" / "sm_90a".
std::optional<kernel::Target> parseTarget(llvm::StringRef name);

/// The ops of a GEMM kernel body that launch and weight planning look at.
struct GemmKernelOps {
  /// One projection, or the gate and the up projection of a gated GEMM, in
  /// that order.
  SmallVector<LinearOp, 2> products;
  /// The RoPE of the epilogue, if any.
  RopeOp rope;

  explicit GemmKernelOps(kernel::GemmOp kernel);
  bool isGated() const { return products.size() == 2; }
};

} // namespace mlir::xfuse

#endif // XFUSE_PASSES_COSTMODEL_H
