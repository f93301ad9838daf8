#include "dialect/kernel/KernelDialect.h"

#include "dialect/kernel/KernelOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::xfuse::kernel;

#include "dialect/kernel/KernelDialect.cpp.inc"
#include "dialect/kernel/KernelEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/kernel/KernelAttrs.cpp.inc"

void XKernelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/kernel/KernelOps.cpp.inc"
      >();
  registerAttributes();
}

void XKernelDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/kernel/KernelAttrs.cpp.inc"
      >();
}

LogicalResult GemmPlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   Target target, GemmMainloop mainloop,
                                   int64_t, int64_t, int64_t, int64_t,
                                   std::optional<int64_t> warpgroups,
                                   std::optional<int64_t> warpsM,
                                   std::optional<int64_t> warpsN, int64_t,
                                   int64_t, GemmSchedule schedule,
                                   GemmPrologue) {
  // The numbers are checked by the kernel's verifier, which knows the
  // products and element type GemmLimits needs; here, what a plan names.
  if (mainloop == GemmMainloop::tma_wgmma ||
      mainloop == GemmMainloop::tma_wgmma_swapped) {
    if (target != Target::sm_90a)
      return emitError() << "expects mainloop = "
                         << stringifyGemmMainloop(mainloop)
                         << " only on sm_90a, whose TMA and wgmma it runs";
    if (!warpgroups || warpsM || warpsN)
      return emitError() << "expects warpgroups, and no warps_m or warps_n, "
                            "with mainloop = "
                         << stringifyGemmMainloop(mainloop);
    return success();
  }
  if (warpgroups || !warpsM || !warpsN)
    return emitError() << "expects warps_m and warps_n, and no warpgroups, "
                          "with mainloop = "
                       << stringifyGemmMainloop(mainloop);
  if (schedule != GemmSchedule::cooperative)
    return emitError() << "expects a schedule only with mainloop = "
                          "tma_wgmma, whose warpgroups it arranges";
  return success();
}

LogicalResult
PointwisePlanAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          Target, int64_t threads, int64_t vectorWidth,
                          int64_t rowsPerBlock) {
  if (threads <= 0 || threads > 1024 || threads % 32)
    return emitError() << "expects threads to be a multiple of 32 in "
                          "[32, 1024], but got "
                       << threads;
  if (vectorWidth <= 0 || !llvm::isPowerOf2_64(vectorWidth))
    return emitError() << "expects a power-of-two vector_width, but got "
                       << vectorWidth;
  if (rowsPerBlock < 0)
    return emitError() << "expects rows_per_block >= 0, but got "
                       << rowsPerBlock;
  return success();
}

/// Workspace maps take the function's dynamic sizes as symbols and give one
/// byte count.
static LogicalResult verifyWorkspaceMap(
    function_ref<InFlightDiagnostic()> emitError, AffineMapAttr map,
    StringRef name) {
  if (map.getValue().getNumDims() != 0 || map.getValue().getNumResults() != 1)
    return emitError() << "expects " << name
                       << " to be a map of symbols only with one result, but "
                          "got "
                       << map;
  return success();
}

LogicalResult WorkspaceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                    AffineMapAttr bytes) {
  return verifyWorkspaceMap(emitError, bytes, "bytes");
}

LogicalResult
WorkspaceSliceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           unsigned, AffineMapAttr offset) {
  return verifyWorkspaceMap(emitError, offset, "offset");
}

LogicalResult ShardAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t ranks, std::optional<int64_t> dim) {
  if (ranks < 2)
    return emitError() << "expects ranks >= 2, but got " << ranks;
  if (dim && *dim < 0)
    return emitError() << "expects dim >= 0, but got " << *dim;
  return success();
}

RankedTensorType ShardAttr::getFullType(RankedTensorType shard) const {
  if (isPartialSum())
    return shard;
  SmallVector<int64_t> shape(shard.getShape());
  shape[*getDim()] *= getRanks();
  return shard.clone(shape);
}
