// The length L of a call that the per-call RoPE scalings (DynamicNtk.h,
// LongRope.h) compare with the training context: 1 + the largest position
// of the call, the same for every token, or the sequence extent without a
// positions tensor (as transformers' dynamic_rope_update takes
// max(position_ids) + 1). The positions live on the device, so one block
// reduces them before the kernel that rotates, in stream order.
#pragma once

#include "cuda/device/Angles.h"

#include <cuda_runtime.h>

#include <climits>
#include <cstdint>

namespace xfuse::device {

/// The block of the kernels that compute L.
inline constexpr int kCallLengthThreads = 1024;

/// L for the `tokens` entries of `positions`, reduced by a block of
/// kCallLengthThreads threads, all of which call it and receive it. In
/// double, so that L = max + 1 cannot overflow the positions' type.
template <typename PosT>
__device__ double blockCallLength(const TokenPositions<PosT> &positions,
                                  std::int64_t tokens) {
  constexpr int kThreads = kCallLengthThreads;
  __shared__ long long warpMax[kThreads / 32];
  __shared__ double length;
  long long largest = LLONG_MIN;
  if (positions.positions)
    for (std::int64_t token = threadIdx.x; token < tokens; token += kThreads)
      largest = max(largest, static_cast<long long>(positions(token)));
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    largest = max(largest, __shfl_xor_sync(0xffffffffu, largest, offset));
  if (threadIdx.x % 32 == 0)
    warpMax[threadIdx.x / 32] = largest;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 0; w < kThreads / 32; ++w)
      largest = max(largest, warpMax[w]);
    length = positions.positions ? static_cast<double>(largest) + 1.0
                                 : static_cast<double>(positions.seqLen);
  }
  __syncthreads();
  return length;
}

} // namespace xfuse::device
