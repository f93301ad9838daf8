// The launch skeleton of the memory-bound elementwise kernels (positional
// encodings): a grid-stride loop in which each thread first issues the loads
// of kUnroll independent items and only then computes and stores them, so
// that kUnroll loads per thread are in flight to hide DRAM latency.
//
// An Op provides:
//   struct Loaded;                                  // registers of one item
//   std::int64_t numItems() const;
//   __device__ Loaded load(std::int64_t item) const;     // global reads only
//   __device__ void store(std::int64_t item, const Loaded &) const;
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace xfuse::device {

inline constexpr int kElementwiseThreads = 256;
inline constexpr int kElementwiseUnroll = 4;
// Far more blocks than any GPU runs at once; larger problems stride.
inline constexpr std::int64_t kElementwiseMaxBlocks = 1 << 16;

template <int kUnroll, typename Op>
__device__ void gridStrideUnrolled(const Op &op, std::int64_t numItems) {
  // Block b covers kUnroll consecutive blockDim-sized chunks, so each of the
  // kUnroll accesses of a warp is coalesced.
  const std::int64_t step = static_cast<std::int64_t>(blockDim.x) * kUnroll;
  for (std::int64_t base = blockIdx.x * step + threadIdx.x; base < numItems;
       base += static_cast<std::int64_t>(gridDim.x) * step) {
    typename Op::Loaded loaded[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      std::int64_t item = base + static_cast<std::int64_t>(u) * blockDim.x;
      if (item < numItems)
        loaded[u] = op.load(item);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      std::int64_t item = base + static_cast<std::int64_t>(u) * blockDim.x;
      if (item < numItems)
        op.store(item, loaded[u]);
    }
  }
}

template <typename Op>
__global__ void __launch_bounds__(kElementwiseThreads)
    elementwiseKernel(const Op op, std::int64_t numItems) {
  gridStrideUnrolled<kElementwiseUnroll>(op, numItems);
}

/// Launches `op` over all its items; returns the launch error, if any.
template <typename Op>
cudaError_t launchElementwise(const Op &op, cudaStream_t stream) {
  const std::int64_t numItems = op.numItems();
  if (numItems == 0)
    return cudaSuccess;
  const std::int64_t perBlock =
      static_cast<std::int64_t>(kElementwiseThreads) * kElementwiseUnroll;
  const std::int64_t blocks =
      std::min((numItems + perBlock - 1) / perBlock, kElementwiseMaxBlocks);
  elementwiseKernel<<<static_cast<unsigned>(blocks), kElementwiseThreads, 0,
                      stream>>>(op, numItems);
  return cudaGetLastError();
}

} // namespace xfuse::device
