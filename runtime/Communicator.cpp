#include "runtime/Communicator.h"

#include <string>
#include <utility>

namespace xfuse::rt {

Status detail::ncclStatus(ncclResult_t result, const char *call,
                          const char *file, int line) {
  if (result == ncclSuccess)
    return Status::ok();
  // The last error is per thread, so the call just made on it is this one.
  std::string message = ncclGetErrorString(result);
  if (const char *detail = ncclGetLastError(nullptr); detail && *detail)
    message += std::string(" (") + detail + ")";
  return Status::fromCall(StatusCode::kNcclError, std::move(message), call,
                          file, line);
}

ncclDataType_t ncclType(DType dtype) {
  switch (dtype) {
  case DType::kF32:
    return ncclFloat32;
  case DType::kF16:
    return ncclFloat16;
  case DType::kBF16:
    return ncclBfloat16;
  case DType::kI32:
    return ncclInt32;
  case DType::kI64:
    return ncclInt64;
  }
  return ncclFloat32;
}

StatusOr<ncclUniqueId> Communicator::uniqueId() {
  ncclUniqueId id;
  XFUSE_NCCL_TRY(ncclGetUniqueId(&id));
  return id;
}

Status Communicator::createOverlapResources() {
  XFUSE_CUDA_TRY(cudaGetDevice(&device_));
  XFUSE_CUDA_TRY(
      cudaDeviceGetAttribute(&sms_, cudaDevAttrMultiProcessorCount, device_));
  XFUSE_ASSIGN_OR_RETURN(reductionStream_, Stream::create());
  // Timing is not needed: events without it are cheaper to record and wait.
  XFUSE_ASSIGN_OR_RETURN(blockStored_, Event::create(cudaEventDisableTiming));
  XFUSE_ASSIGN_OR_RETURN(reduced_, Event::create(cudaEventDisableTiming));
  return Status::ok();
}

StatusOr<Communicator> Communicator::create(const ncclUniqueId &id, int rank,
                                            int ranks,
                                            const CommunicatorOptions &options) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    return Status::error(StatusCode::kInvalidArgument,
                         "communicator: expected 0 <= rank < ranks, but got "
                         "rank " + std::to_string(rank) + " of " +
                             std::to_string(ranks));
  if (options.ctas < 0)
    return Status::error(StatusCode::kInvalidArgument,
                         "communicator: expected ctas >= 0, but got " +
                             std::to_string(options.ctas));
  Communicator communicator;
  ncclComm_t comm = nullptr;
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  if (options.ctas > 0)
    config.minCTAs = config.maxCTAs = options.ctas;
  XFUSE_NCCL_TRY(ncclCommInitRankConfig(&comm, ranks, id, rank, &config));
  communicator.comm_ = decltype(comm_)(comm);
  communicator.rank_ = rank;
  communicator.size_ = ranks;
  communicator.ctas_ = options.ctas;
  XFUSE_RETURN_IF_ERROR(communicator.createOverlapResources());
  return communicator;
}

StatusOr<std::vector<Communicator>>
Communicator::createForDevices(const std::vector<int> &devices) {
  if (devices.empty())
    return Status::error(StatusCode::kInvalidArgument,
                         "communicator: expected at least one device");
  std::vector<ncclComm_t> comms(devices.size(), nullptr);
  XFUSE_NCCL_TRY(ncclCommInitAll(comms.data(), static_cast<int>(devices.size()),
                                 devices.data()));
  std::vector<Communicator> communicators(devices.size());
  // Own every comm before anything else can fail.
  for (std::size_t i = 0; i < devices.size(); ++i) {
    communicators[i].comm_ = decltype(comm_)(comms[i]);
    communicators[i].rank_ = static_cast<int>(i);
    communicators[i].size_ = static_cast<int>(devices.size());
  }
  int current = 0;
  XFUSE_CUDA_TRY(cudaGetDevice(&current));
  for (std::size_t i = 0; i < devices.size(); ++i) {
    XFUSE_CUDA_TRY(cudaSetDevice(devices[i]));
    XFUSE_RETURN_IF_ERROR(communicators[i].createOverlapResources());
  }
  XFUSE_CUDA_TRY(cudaSetDevice(current));
  return communicators;
}

Status Communicator::allReduceSum(const void *send, void *recv,
                                  std::size_t count, DType dtype,
                                  cudaStream_t stream) const {
  XFUSE_NCCL_TRY(ncclAllReduce(send, recv, count, ncclType(dtype), ncclSum,
                               comm_.get(), stream));
  return Status::ok();
}

Status Communicator::reduceScatterSum(const void *send, void *recv,
                                      std::size_t recvCount, DType dtype,
                                      cudaStream_t stream) const {
  XFUSE_NCCL_TRY(ncclReduceScatter(send, recv, recvCount, ncclType(dtype),
                                   ncclSum, comm_.get(), stream));
  return Status::ok();
}

Status Communicator::allGather(const void *send, void *recv,
                               std::size_t sendCount, DType dtype,
                               cudaStream_t stream) const {
  XFUSE_NCCL_TRY(ncclAllGather(send, recv, sendCount, ncclType(dtype),
                               comm_.get(), stream));
  return Status::ok();
}

} // namespace xfuse::rt
