#include "runtime/CudaResources.h"

namespace xfuse::rt {

StatusOr<DeviceBuffer> DeviceBuffer::allocate(std::size_t bytes) {
  DeviceBuffer buffer;
  if (bytes == 0)
    return buffer;
  void *ptr = nullptr;
  XFUSE_CUDA_TRY(cudaMalloc(&ptr, bytes));
  buffer.memory_ = decltype(memory_)(ptr);
  buffer.size_ = bytes;
  return buffer;
}

/// Fails a copy of `bytes` that would overrun a buffer of `size` bytes;
/// `direction` ("into", "out of") says which way it went.
static Status checkCopyFits(std::size_t bytes, std::size_t size,
                            const char *direction) {
  if (bytes <= size)
    return Status::ok();
  return Status::error(StatusCode::kOutOfRange,
                       "copy of " + std::to_string(bytes) + " bytes " +
                           direction + " a device buffer of " +
                           std::to_string(size));
}

Status DeviceBuffer::copyFromHost(const void *src, std::size_t bytes) {
  XFUSE_RETURN_IF_ERROR(checkCopyFits(bytes, size_, "into"));
  XFUSE_CUDA_TRY(cudaMemcpy(data(), src, bytes, cudaMemcpyHostToDevice));
  return Status::ok();
}

Status DeviceBuffer::copyToHost(void *dst, std::size_t bytes) const {
  XFUSE_RETURN_IF_ERROR(checkCopyFits(bytes, size_, "out of"));
  XFUSE_CUDA_TRY(cudaMemcpy(dst, data(), bytes, cudaMemcpyDeviceToHost));
  return Status::ok();
}

StatusOr<Stream> Stream::create(unsigned flags) {
  cudaStream_t handle = nullptr;
  XFUSE_CUDA_TRY(cudaStreamCreateWithFlags(&handle, flags));
  Stream stream;
  stream.stream_ = decltype(stream_)(handle);
  return stream;
}

Status Stream::synchronize() const {
  XFUSE_CUDA_TRY(cudaStreamSynchronize(get()));
  return Status::ok();
}

StatusOr<Event> Event::create(unsigned flags) {
  cudaEvent_t handle = nullptr;
  XFUSE_CUDA_TRY(cudaEventCreateWithFlags(&handle, flags));
  Event event;
  event.event_ = decltype(event_)(handle);
  return event;
}

Status Event::record(cudaStream_t stream) const {
  XFUSE_CUDA_TRY(cudaEventRecord(get(), stream));
  return Status::ok();
}

Status Event::synchronize() const {
  XFUSE_CUDA_TRY(cudaEventSynchronize(get()));
  return Status::ok();
}

StatusOr<float> Event::millisecondsSince(const Event &start) const {
  float ms = 0.0f;
  XFUSE_CUDA_TRY(cudaEventElapsedTime(&ms, start.get(), get()));
  return ms;
}

} // namespace xfuse::rt
