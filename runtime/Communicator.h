// One rank's NCCL communicator, for the entry points of tensor-parallel
// graphs (xfuse-opt --xfuse-pipeline="tensor-parallel=N"). Needs NCCL: this
// header and xfuse_communicator exist only where nccl.h does; the rest of
// the runtime builds without it.
//
// One process per GPU: rank 0 makes a uniqueId(), the application hands it
// to every rank (MPI, torch.distributed, a file), and each rank calls
// create(id, rank, ranks) with its device current. One process for all
// local GPUs: createForDevices({0, 1, ...}).
#pragma once

#include "runtime/CudaResources.h"
#include "runtime/DType.h"
#include "runtime/Status.h"

#include <nccl.h>

#include <cstddef>
#include <vector>

namespace xfuse::rt {

namespace detail {
Status ncclStatus(ncclResult_t result, const char *call, const char *file,
                  int line);

struct DestroyNcclComm {
  void operator()(ncclComm_t comm) const { (void)ncclCommDestroy(comm); }
};
} // namespace detail

/// The NCCL element type of `dtype`.
ncclDataType_t ncclType(DType dtype);

/// How a communicator runs its collectives.
struct CommunicatorOptions {
  /// The CTAs (SMs) each collective runs on, NCCL's minCTAs = maxCTAs; the
  /// GEMM whose row blocks are reduced meanwhile leaves them free. 0 lets
  /// NCCL choose, and that GEMM takes every SM.
  int ctas = 0;
};

/// Move-only owner of an ncclComm_t and of what the overlapped all-reduce
/// needs beside it on the rank's device: a stream for the reductions and
/// two events ordering it with the caller's stream.
class Communicator {
public:
  Communicator() = default;

  /// A new id for create(); rank 0 makes it, every rank must use it.
  static StatusOr<ncclUniqueId> uniqueId();
  /// Rank `rank` of `ranks`, on the current CUDA device. Blocks until all
  /// ranks have called it.
  static StatusOr<Communicator> create(const ncclUniqueId &id, int rank,
                                       int ranks,
                                       const CommunicatorOptions &options = {});
  /// One communicator per device in one process: rank i on devices[i].
  static StatusOr<std::vector<Communicator>>
  createForDevices(const std::vector<int> &devices);

  ncclComm_t get() const { return comm_.get(); }
  int rank() const { return rank_; }
  int size() const { return size_; }
  int device() const { return device_; }

  /// The elementwise sum over all ranks of `count` elements of `send`,
  /// into `recv` (which may be `send`), on `stream`.
  Status allReduceSum(const void *send, void *recv, std::size_t count,
                      DType dtype, cudaStream_t stream) const;
  /// Part rank() of the elementwise sum over all ranks of `size() *
  /// recvCount` elements of `send`: its `recvCount` elements at
  /// rank() * recvCount, into `recv`, on `stream`.
  Status reduceScatterSum(const void *send, void *recv, std::size_t recvCount,
                          DType dtype, cudaStream_t stream) const;
  /// Every rank's `sendCount` elements of `send`, in rank order, into
  /// `recv` (size() * sendCount elements), on `stream`.
  Status allGather(const void *send, void *recv, std::size_t sendCount,
                   DType dtype, cudaStream_t stream) const;

  /// Where the all-reduces of row blocks run, beside the caller's stream.
  cudaStream_t reductionStream() const { return reductionStream_.get(); }
  /// Recorded on the caller's stream when a block is stored.
  const Event &blockStored() const { return blockStored_; }
  /// Recorded on the reduction stream after the last block's all-reduce.
  const Event &reduced() const { return reduced_; }
  /// The blocks a GEMM may take while a block's all-reduce runs beside it:
  /// the SMs that the collective's CTAs leave, or 0 (all) when NCCL
  /// chooses its CTAs.
  int gemmBlocksBeside() const { return ctas_ > 0 ? sms_ - ctas_ : 0; }

private:
  /// The stream and events on the current device.
  Status createOverlapResources();

  detail::UniqueCudaHandle<ncclComm_t, detail::DestroyNcclComm> comm_;
  int rank_ = 0;
  int size_ = 0;
  int device_ = 0;
  int sms_ = 0;
  int ctas_ = 0;
  Stream reductionStream_;
  Event blockStored_;
  Event reduced_;
};

} // namespace xfuse::rt

/// Runs an NCCL call; on failure returns a Status naming it, the file and
/// the line, with NCCL's reason.
#define XFUSE_NCCL_TRY(call)                                                   \
  XFUSE_RETURN_IF_ERROR(                                                       \
      ::xfuse::rt::detail::ncclStatus((call), #call, __FILE__, __LINE__))
