// The launch skeleton of the memory-bound elementwise kernels (positional
// encodings): each block owns one contiguous, equal share of the items and
// walks it in steps in which each thread first issues the loads of kUnroll
// independent items and only then computes and stores them, so that kUnroll
// loads per thread are in flight to hide DRAM latency. The grid is
// persistent (as many blocks as fit on the device at once, or fewer for
// small problems) and the shares are equal to within one vector per thread,
// so that no partial last wave leaves SMs idle. Index math is 32-bit where
// the item count allows.
//
// An Op provides:
//   struct Loaded;                                  // registers of one item
//   std::int64_t numItems() const;
//   template <typename Index>
//   __device__ Loaded load(Index item) const;       // global reads only
//   template <typename Index>
//   __device__ void store(Index item, const Loaded &) const;
// and optionally `static constexpr int kUnroll` (items in flight per thread;
// default kElementwiseUnroll) for ops whose items are already wide, and
// optionally `static constexpr bool kPersistent = false`: a grid of one step
// per thread (as many blocks as the items need, up to kElementwiseMaxBlocks)
// instead of one block per resident slot, each owning a contiguous share.
// An op may instead choose its own walk, `cudaError_t launch(cudaStream_t)
// const`, which launchElementwise then calls (RowChain's periodic walk).
#pragma once

#include "cuda/device/Launch.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace xfuse::device {

inline constexpr int kElementwiseThreads = 256;
inline constexpr int kElementwiseUnroll = 4;
// At least this many blocks per SM (a register cap of 85 at 256 threads):
// one block alone would alternate between its load and compute phases.
inline constexpr int kElementwiseMinBlocks = 3;
// Upper bound of the persistent grid, whatever the occupancy query says.
inline constexpr std::int64_t kElementwiseMaxBlocks = 1 << 16;

template <typename Op, typename = void> struct ElementwiseUnroll {
  static constexpr int value = kElementwiseUnroll;
};
template <typename Op>
struct ElementwiseUnroll<Op, std::void_t<decltype(Op::kUnroll)>> {
  static constexpr int value = Op::kUnroll;
};

template <typename Op, typename = void> struct ElementwisePersistent {
  static constexpr bool value = true;
};
template <typename Op>
struct ElementwisePersistent<Op, std::void_t<decltype(Op::kPersistent)>> {
  static constexpr bool value = Op::kPersistent;
};

template <typename Op, typename = void>
struct HasOwnLaunch : std::false_type {};
template <typename Op>
struct HasOwnLaunch<Op, std::void_t<decltype(std::declval<const Op &>().launch(
                            cudaStream_t{}))>> : std::true_type {};

template <int kUnroll, typename Index, typename Op>
__device__ void gridStrideUnrolled(const Op &op, Index numItems) {
  // Block b owns items [begin, end), rounded to 8 items so that warps stay
  // aligned to whole 128-byte lines; within it each of the kUnroll accesses
  // of a warp is coalesced.
  const Index blocks = static_cast<Index>(gridDim.x);
  const Index share = ((numItems + blocks - 1) / blocks + 7) / 8 * 8;
  const Index begin = static_cast<Index>(blockIdx.x) * share;
  const Index end = begin + share < numItems ? begin + share : numItems;
  const Index step = static_cast<Index>(blockDim.x) * kUnroll;
  for (Index base = begin + threadIdx.x; base < end; base += step) {
    typename Op::Loaded loaded[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const Index item = base + static_cast<Index>(u) * blockDim.x;
      if (item < end)
        loaded[u] = op.load(item);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const Index item = base + static_cast<Index>(u) * blockDim.x;
      if (item < end)
        op.store(item, loaded[u]);
    }
  }
}

template <typename Op, typename Index>
__global__ void __launch_bounds__(kElementwiseThreads, kElementwiseMinBlocks)
    elementwiseKernel(const Op op, Index numItems) {
  waitForPrecedingKernels();
  gridStrideUnrolled<ElementwiseUnroll<Op>::value>(op, numItems);
}

/// Blocks of `kernel` that run at once on the current device (cached per
/// kernel and device); kElementwiseMaxBlocks when that cannot be queried.
template <typename Kernel>
inline std::int64_t residentBlocks(Kernel kernel, int threads) {
  const int blocks = cachedPerDevice([&](int device) {
    int sms = 0, perSm = 0;
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount,
                               device) != cudaSuccess ||
        cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, kernel, threads,
                                                      0) != cudaSuccess) {
      (void)cudaGetLastError();
      return 0;
    }
    return sms * perSm;
  });
  return blocks > 0 ? blocks : kElementwiseMaxBlocks;
}

template <typename Index, typename Op>
cudaError_t launchElementwiseWith(const Op &op, std::int64_t numItems,
                                  cudaStream_t stream) {
  constexpr int kUnroll = ElementwiseUnroll<Op>::value;
  const std::int64_t perBlock =
      static_cast<std::int64_t>(kElementwiseThreads) * kUnroll;
  const std::int64_t resident =
      ElementwisePersistent<Op>::value
          ? residentBlocks(elementwiseKernel<Op, Index>, kElementwiseThreads)
          : kElementwiseMaxBlocks;
  const std::int64_t blocks =
      std::min({(numItems + perBlock - 1) / perBlock, resident,
                kElementwiseMaxBlocks});
  return launchKernel(elementwiseKernel<Op, Index>,
                      {dim3(static_cast<unsigned>(blocks)),
                       dim3(kElementwiseThreads)},
                      stream, op, static_cast<Index>(numItems));
}

/// Launches the grid-stride walk of `op` over all its items; returns the
/// launch error, if any.
template <typename Op>
cudaError_t launchGridStride(const Op &op, cudaStream_t stream) {
  const std::int64_t numItems = op.numItems();
  if (numItems == 0)
    return cudaSuccess;
  // 32-bit indices while every index the loop forms (up to the last share's
  // end plus one step) stays below 2^31.
  if (numItems < (std::int64_t{1} << 30))
    return launchElementwiseWith<std::int32_t>(op, numItems, stream);
  return launchElementwiseWith<std::int64_t>(op, numItems, stream);
}

/// Launches `op`: its own walk where it has one, else the grid-stride walk.
template <typename Op>
cudaError_t launchElementwise(const Op &op, cudaStream_t stream) {
  if constexpr (HasOwnLaunch<Op>::value)
    return op.launch(stream);
  else
    return launchGridStride(op, stream);
}

} // namespace xfuse::device
