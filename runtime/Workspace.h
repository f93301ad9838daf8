// Scratch device memory owned by one caller (a compiled graph instance, a
// test, ...). There is no process-wide pool: two callers never share a
// Workspace unless they pass the same object around.
//
// Usage: reserve() the total size a call needs (growing invalidates earlier
// sub-ranges, so do it before carving), then carve() aligned sub-ranges in
// order, and reset() before the next call. Reuse across calls on one stream
// is safe because kernels on a stream run in order; callers that use several
// streams must order them themselves.
//
// Beside the scratch, a Workspace holds arrival counters (split-K GEMMs):
// zero when handed out, and every kernel that uses them leaves them at zero,
// so they are cleared when the region grows, not on every call.
#pragma once

#include "runtime/CudaResources.h"
#include "runtime/Status.h"

#include <cuda_runtime.h>

#include <cstddef>

namespace xfuse::rt {

/// What one call needs of a Workspace; generated entry points answer it for
/// given sizes (<function>_workspace_size).
struct WorkspaceSize {
  std::size_t bytes = 0;    // scratch, carved in order
  std::size_t counters = 0; // zeroed 32-bit counters (zeroedCounters)
};

class Workspace {
public:
  /// Sub-ranges start at multiples of this (cp.async and 16-byte vector
  /// accesses need 16; 256 also keeps them on separate DRAM bursts).
  static constexpr std::size_t kAlignment = 256;

  static constexpr std::size_t alignUp(std::size_t bytes) {
    return (bytes + kAlignment - 1) / kAlignment * kAlignment;
  }

  /// Grows the buffer to at least `bytes` (never shrinks). Growing frees the
  /// old buffer, invalidating every pointer carved from it, and resets the
  /// carve offset; a request within the capacity changes nothing.
  Status reserve(std::size_t bytes);

  /// reserve(size.bytes), and at least size.counters zeroed counters, the
  /// new ones cleared on `stream`. Once a Workspace holds the size of a
  /// call, the call allocates nothing (so it can be captured in a CUDA
  /// graph).
  Status reserve(const WorkspaceSize &size, cudaStream_t stream);

  /// The next `bytes` of the reservation, aligned to kAlignment.
  StatusOr<void *> carve(std::size_t bytes);

  /// Makes the whole reservation available to carve() again.
  void reset() { used_ = 0; }

  std::size_t capacity() const { return buffer_.size(); }
  std::size_t used() const { return used_; }

  /// `count` 32-bit counters, all zero for the next kernel on `stream`.
  /// The kernel must leave them at zero when it finishes. The region is
  /// shared by every caller of this method (one kernel at a time) and grows
  /// like reserve(): growing invalidates earlier counter pointers and zeroes
  /// the new region on `stream`.
  StatusOr<unsigned *> zeroedCounters(std::size_t count, cudaStream_t stream);

private:
  Status reserveCounters(std::size_t count, cudaStream_t stream);

  DeviceBuffer buffer_;
  std::size_t used_ = 0;
  DeviceBuffer counters_;
};

} // namespace xfuse::rt
