// Normalization over the last dimension of x viewed as [rows, kDim], one
// thread block per row (the pointwise plan's rows_per_block = 1):
//   kRms:   y = x / sqrt(mean(x^2) + eps) * weight
//   kLayer: y = (x - mean) / sqrt(var + eps) * weight (+ bias), biased var
// A row is held in registers between the reduction and the store, so it is
// read from memory once. x, y, weight and bias must be aligned to 16 bytes;
// y may alias x.
#pragma once

#include "codegen/device/Vector.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

namespace xfuse::device {

enum class NormKind { kRms, kLayer };

/// The sum of `v` over the block, returned to every thread. Safe to call
/// several times in a row: the leading barrier keeps a fast warp from
/// overwriting partial sums that a slow one is still reading.
template <int kThreads> __device__ float blockSum(float v) {
  static_assert(kThreads % 32 == 0, "whole warps");
  __shared__ float partial[kThreads / 32];
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  __syncthreads();
  if (threadIdx.x % 32 == 0)
    partial[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0.0f;
#pragma unroll
  for (int w = 0; w < kThreads / 32; ++w)
    total += partial[w];
  return total;
}

template <typename T, int kDim, int kThreads, NormKind kKind> struct RowNorm {
  static constexpr int kVec = vecWidthFor<T>(kDim);
  static constexpr int kVecsPerRow = kDim / kVec;
  static constexpr int kVecsPerThread = (kVecsPerRow + kThreads - 1) / kThreads;

  const T *x;
  T *y;
  const T *weight; // [kDim]
  const T *bias;   // [kDim] or null; layer norm only
  float epsilon;
  std::int64_t rows;

  __device__ void operator()(std::int64_t row) const {
    float v[kVecsPerThread][kVec];
    float sum = 0.0f;
#pragma unroll
    for (int i = 0; i < kVecsPerThread; ++i) {
      const int vec = threadIdx.x + i * kThreads;
      const Vec<T, kVec> in = vec < kVecsPerRow
                                  ? loadVec<kVec>(x + row * kDim + vec * kVec)
                                  : Vec<T, kVec>{};
#pragma unroll
      for (int t = 0; t < kVec; ++t) {
        v[i][t] = vec < kVecsPerRow ? toFloat(in[t]) : 0.0f;
        sum += kKind == NormKind::kRms ? v[i][t] * v[i][t] : v[i][t];
      }
    }
    float mean = 0.0f, inverseStd;
    if constexpr (kKind == NormKind::kRms) {
      inverseStd = rsqrtf(blockSum<kThreads>(sum) / kDim + epsilon);
    } else {
      // Two passes over the registers: the variance of the centred values
      // does not lose the precision that E[x^2] - E[x]^2 would.
      mean = blockSum<kThreads>(sum) / kDim;
      float squares = 0.0f;
#pragma unroll
      for (int i = 0; i < kVecsPerThread; ++i)
        if (threadIdx.x + i * kThreads < kVecsPerRow)
#pragma unroll
          for (int t = 0; t < kVec; ++t)
            squares += (v[i][t] - mean) * (v[i][t] - mean);
      inverseStd = rsqrtf(blockSum<kThreads>(squares) / kDim + epsilon);
    }
#pragma unroll
    for (int i = 0; i < kVecsPerThread; ++i) {
      const int vec = threadIdx.x + i * kThreads;
      if (vec >= kVecsPerRow)
        continue;
      const Vec<T, kVec> w = loadVec<kVec>(weight + vec * kVec);
      Vec<T, kVec> b{};
      if (kKind == NormKind::kLayer && bias)
        b = loadVec<kVec>(bias + vec * kVec);
      Vec<T, kVec> out;
#pragma unroll
      for (int t = 0; t < kVec; ++t) {
        float r = (v[i][t] - mean) * inverseStd * toFloat(w[t]);
        if (kKind == NormKind::kLayer && bias)
          r += toFloat(b[t]);
        out[t] = fromFloat<T>(r);
      }
      storeVec(y + row * kDim + vec * kVec, out);
    }
  }
};

// Far more blocks than any GPU runs at once; more rows stride.
inline constexpr std::int64_t kRowNormMaxBlocks = 1 << 16;

template <typename T, int kDim, int kThreads, NormKind kKind>
__global__ void __launch_bounds__(kThreads)
    rowNormKernel(const RowNorm<T, kDim, kThreads, kKind> op) {
  for (std::int64_t row = blockIdx.x; row < op.rows; row += gridDim.x)
    op(row);
}

/// Launches `op` over all its rows; returns the launch error, if any.
template <typename T, int kDim, int kThreads, NormKind kKind>
cudaError_t launchRowNorm(const RowNorm<T, kDim, kThreads, kKind> &op,
                          cudaStream_t stream) {
  if (op.rows == 0)
    return cudaSuccess;
  const auto blocks =
      static_cast<unsigned>(std::min(op.rows, kRowNormMaxBlocks));
  rowNormKernel<<<blocks, kThreads, 0, stream>>>(op);
  return cudaGetLastError();
}

} // namespace xfuse::device
