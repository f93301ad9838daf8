#include "runtime/TensorShard.h"

#include <string>

namespace xfuse::rt {

StatusOr<TensorShard> shardOf(const TensorView &full, const ShardSpec &spec,
                              int rank, cudaStream_t stream) {
  const std::string what = "shard of " + full.shape.toString() + ": ";
  if (spec.ranks < 1 || rank < 0 || rank >= spec.ranks)
    return Status::error(StatusCode::kInvalidArgument,
                         what + "expected 0 <= rank < ranks, but got rank " +
                             std::to_string(rank) + " of " +
                             std::to_string(spec.ranks));
  const int dims = full.shape.rank();
  if (spec.dim && (*spec.dim < 0 || *spec.dim >= dims ||
                   full.shape[*spec.dim] % spec.ranks != 0))
    return Status::error(StatusCode::kInvalidArgument,
                         what + "expected " + std::to_string(spec.ranks) +
                             " ranks to divide dimension " +
                             std::to_string(*spec.dim));
  TensorView view = full;
  if (spec.dim) {
    // Rows of the split: the dimensions before `dim` index them; each
    // holds `ranks` parts of `partBytes`, and the rank takes its one.
    view.shape = full.shape.withDimSize(
        *spec.dim, full.shape[*spec.dim] / spec.ranks);
    std::size_t rows = 1, partBytes = dtypeSize(full.dtype);
    for (int d = 0; d < dims; ++d) {
      if (d < *spec.dim)
        rows *= static_cast<std::size_t>(view.shape[d]);
      else
        partBytes *= static_cast<std::size_t>(view.shape[d]);
    }
    XFUSE_ASSIGN_OR_RETURN(DeviceBuffer storage,
                           DeviceBuffer::allocate(rows * partBytes));
    XFUSE_CUDA_TRY(cudaMemcpy2DAsync(
        storage.data(), partBytes,
        static_cast<const char *>(full.data) + rank * partBytes,
        partBytes * spec.ranks, partBytes, rows, cudaMemcpyDeviceToDevice,
        stream));
    view.data = storage.data();
    return TensorShard(std::move(storage), view);
  }
  XFUSE_ASSIGN_OR_RETURN(DeviceBuffer storage,
                         DeviceBuffer::allocate(full.sizeInBytes()));
  view.data = storage.data();
  if (rank == 0)
    XFUSE_CUDA_TRY(cudaMemcpyAsync(storage.data(), full.data,
                                   full.sizeInBytes(),
                                   cudaMemcpyDeviceToDevice, stream));
  else // All-zero bits are 0 in every float and integer type.
    XFUSE_CUDA_TRY(cudaMemsetAsync(storage.data(), 0, full.sizeInBytes(),
                                   stream));
  return TensorShard(std::move(storage), view);
}

} // namespace xfuse::rt
