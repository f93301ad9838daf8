// A positional encoding of implicit positions folded into the weight of the
// linear map that reads it (#xkernel.gemm_plan<prologue = folded>):
//   (X + PE) W^T = X W^T + F,   F[p, n] = sum_k PE(p, k) W[n, k],
// one row per position p of the sequence. F is made once, when W is packed
// (the generated pack helper launches launchFoldSinusoidal into the
// PackedWeight's table), and the GEMM adds F[row % positions] to its
// accumulators (WithPeriodicSource, Sm90Epilogue.h) instead of a pass over
// X before it. The encoding is summed in f32 from f32 values, as the
// pointwise kernel computes it, and F rounded once to the weight's type.
#pragma once

#include "cuda/device/SinusoidalPE.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

/// F[p, col] for one (p, col) per warp: the lanes stride over the kDim
/// features (pairs of an interleaved layout, whose sin and cos share a
/// frequency) and sum by shuffles.
template <int kDim, SinusoidalLayout kLayout, typename T>
__global__ void foldSinusoidalKernel(const float2 *frequencies,
                                     const T *weight, T *folded,
                                     std::int64_t positions, int n) {
  constexpr int kStep = kLayout == SinusoidalLayout::kInterleaved ? 2 : 1;
  const std::int64_t item =
      (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  if (item >= positions * n)
    return;
  const int lane = threadIdx.x % 32;
  const std::int64_t p = item / n;
  const int col = static_cast<int>(item % n);
  const T *row = weight + static_cast<std::int64_t>(col) * kDim;
  float sum = 0.0f;
  for (int k = kStep * lane; k < kDim; k += 32 * kStep) {
    float pe[kStep];
    sinusoidalValues<kDim, kLayout>(pe, static_cast<float>(p), k, frequencies);
#pragma unroll
    for (int t = 0; t < kStep; ++t)
      sum = fmaf(pe[t], toFloat(row[k + t]), sum);
  }
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    sum += __shfl_xor_sync(0xFFFFFFFFu, sum, offset);
  if (lane == 0)
    folded[p * n + col] = fromFloat<T>(sum);
}

/// Writes F [positions, n] of the sinusoidal encoding whose {hi, lo}
/// frequencies are `frequencies` (as the pointwise kernel takes them) and
/// the packed weight [n, kDim] into `folded`, on `stream`.
template <int kDim, SinusoidalLayout kLayout, typename T>
cudaError_t launchFoldSinusoidal(const float2 *frequencies, const T *weight,
                                 T *folded, std::int64_t positions, int n,
                                 cudaStream_t stream) {
  constexpr int kThreads = 256;
  const std::int64_t blocks = (positions * n + kThreads / 32 - 1) /
                              (kThreads / 32);
  if (positions <= 0 || n <= 0 || blocks > 0x7FFFFFFF)
    return cudaErrorInvalidValue;
  foldSinusoidalKernel<kDim, kLayout><<<static_cast<unsigned>(blocks),
                                        kThreads, 0, stream>>>(
      frequencies, weight, folded, positions, n);
  return cudaGetLastError();
}

} // namespace xfuse::device
