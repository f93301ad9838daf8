// Move-only RAII owners of CUDA runtime resources: device memory, streams and
// events. Creation returns StatusOr; destruction never fails loudly (a
// destructor cannot return a Status, and the CUDA runtime reports any sticky
// error again on the next call that checks it).
#pragma once

#include "runtime/Status.h"

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

namespace xfuse::rt {

namespace detail {

/// Owns one handle; `Release` is a functor that destroys a non-null handle.
template <typename Handle, typename Release> class UniqueCudaHandle {
public:
  UniqueCudaHandle() = default;
  explicit UniqueCudaHandle(Handle handle) : handle_(handle) {}
  UniqueCudaHandle(UniqueCudaHandle &&other) noexcept
      : handle_(std::exchange(other.handle_, Handle{})) {}
  UniqueCudaHandle &operator=(UniqueCudaHandle &&other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, Handle{});
    }
    return *this;
  }
  UniqueCudaHandle(const UniqueCudaHandle &) = delete;
  UniqueCudaHandle &operator=(const UniqueCudaHandle &) = delete;
  ~UniqueCudaHandle() { reset(); }

  Handle get() const { return handle_; }
  void reset() {
    if (handle_)
      Release()(std::exchange(handle_, Handle{}));
  }

private:
  Handle handle_{};
};

struct FreeDeviceMemory {
  void operator()(void *ptr) const { (void)cudaFree(ptr); }
};
struct DestroyStream {
  void operator()(cudaStream_t stream) const { (void)cudaStreamDestroy(stream); }
};
struct DestroyEvent {
  void operator()(cudaEvent_t event) const { (void)cudaEventDestroy(event); }
};

} // namespace detail

/// cudaMalloc'd device memory (256-byte aligned, as cudaMalloc guarantees).
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  // A moved-from buffer is empty, size included.
  DeviceBuffer(DeviceBuffer &&other) noexcept
      : memory_(std::move(other.memory_)),
        size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept {
    memory_ = std::move(other.memory_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  /// Zero bytes gives an empty buffer without calling cudaMalloc.
  static StatusOr<DeviceBuffer> allocate(std::size_t bytes);

  void *data() const { return memory_.get(); }
  template <typename T> T *as() const { return static_cast<T *>(data()); }
  std::size_t size() const { return size_; }

  /// Synchronous copies of `bytes` from/to offset 0 of this buffer.
  Status copyFromHost(const void *src, std::size_t bytes);
  Status copyToHost(void *dst, std::size_t bytes) const;

private:
  detail::UniqueCudaHandle<void *, detail::FreeDeviceMemory> memory_;
  std::size_t size_ = 0;
};

class Stream {
public:
  Stream() = default;
  /// Non-blocking by default: xfuse never relies on the legacy stream's
  /// implicit synchronization.
  static StatusOr<Stream> create(unsigned flags = cudaStreamNonBlocking);

  cudaStream_t get() const { return stream_.get(); }
  Status synchronize() const;

private:
  detail::UniqueCudaHandle<cudaStream_t, detail::DestroyStream> stream_;
};

class Event {
public:
  Event() = default;
  static StatusOr<Event> create(unsigned flags = cudaEventDefault);

  cudaEvent_t get() const { return event_.get(); }
  Status record(cudaStream_t stream) const;
  Status synchronize() const;
  /// Milliseconds from `start` to this event; both must have completed.
  StatusOr<float> millisecondsSince(const Event &start) const;

private:
  detail::UniqueCudaHandle<cudaEvent_t, detail::DestroyEvent> event_;
};

} // namespace xfuse::rt
