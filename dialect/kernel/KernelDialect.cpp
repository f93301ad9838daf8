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
                                   Target target, int64_t tileM, int64_t tileN,
                                   int64_t tileK, int64_t stages,
                                   int64_t warpgroups, int64_t splitK,
                                   int64_t clusterM, GemmSchedule schedule) {
  if (tileM <= 0 || tileN <= 0 || tileK <= 0 || tileM % 16 || tileN % 8 ||
      tileK % 16)
    return emitError() << "expects a tile that the tensor cores can cover "
                          "(tile_m % 16 == 0, tile_n % 8 == 0, tile_k % 16 "
                          "== 0), but got "
                       << tileM << "x" << tileN << "x" << tileK;
  if (stages < 1 || warpgroups < 1 || splitK < 1)
    return emitError() << "expects stages, warpgroups and split_k >= 1, but "
                          "got "
                       << stages << ", " << warpgroups << ", " << splitK;
  if (clusterM != 1 && clusterM != 2)
    return emitError() << "expects cluster_m of 1 or 2, but got " << clusterM;
  if (clusterM != 1 && target != Target::sm_90a)
    return emitError() << "expects cluster_m = 1 on sm_80, which has no "
                          "thread-block clusters";
  if (schedule == GemmSchedule::ping_pong &&
      (target != Target::sm_90a || tileM != 128 || warpgroups != 2 ||
       splitK != 1))
    return emitError() << "expects the ping_pong schedule on sm_90a with "
                          "tile_m = 128, warpgroups = 2 and split_k = 1";
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

LogicalResult InterleaveAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                     GatedHalf, int64_t blockN, unsigned) {
  if (blockN <= 0 || blockN % 8)
    return emitError() << "expects block_n to be a positive multiple of 8, "
                          "but got "
                       << blockN;
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
