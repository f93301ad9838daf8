#include "runtime/Workspace.h"

#include <string>
#include <utility>

namespace xfuse::rt {

Status Workspace::reserve(std::size_t bytes) {
  if (bytes <= buffer_.size())
    return Status::ok();
  // Free first so that the peak footprint is the new size, not old + new.
  // cudaFree waits for work still using the old buffer.
  buffer_ = DeviceBuffer();
  used_ = 0;
  XFUSE_ASSIGN_OR_RETURN(buffer_, DeviceBuffer::allocate(alignUp(bytes)));
  return Status::ok();
}

Status Workspace::reserve(const WorkspaceSize &size, cudaStream_t stream) {
  XFUSE_RETURN_IF_ERROR(reserve(size.bytes));
  return reserveCounters(size.counters, stream);
}

Status Workspace::reserveCounters(std::size_t count, cudaStream_t stream) {
  const std::size_t bytes = count * sizeof(unsigned);
  if (bytes <= counters_.size())
    return Status::ok();
  counters_ = DeviceBuffer(); // cudaFree waits for kernels still counting
  XFUSE_ASSIGN_OR_RETURN(DeviceBuffer grown,
                         DeviceBuffer::allocate(alignUp(bytes)));
  // Kept only once zeroing was queued: a region that failed to clear must
  // not be handed out by a later call.
  XFUSE_CUDA_TRY(cudaMemsetAsync(grown.data(), 0, grown.size(), stream));
  counters_ = std::move(grown);
  return Status::ok();
}

StatusOr<unsigned *> Workspace::zeroedCounters(std::size_t count,
                                               cudaStream_t stream) {
  XFUSE_RETURN_IF_ERROR(reserveCounters(count, stream));
  return counters_.as<unsigned>();
}

StatusOr<void *> Workspace::carve(std::size_t bytes) {
  std::size_t size = alignUp(bytes);
  if (size > buffer_.size() - used_)
    return Status::error(StatusCode::kOutOfRange,
                         "workspace carve of " + std::to_string(bytes) +
                             " bytes exceeds the reservation (" +
                             std::to_string(used_) + " of " +
                             std::to_string(buffer_.size()) + " bytes used)");
  void *ptr = static_cast<char *>(buffer_.data()) + used_;
  used_ += size;
  return ptr;
}

} // namespace xfuse::rt
