// Normalization over the last dimension of a row of kDim features, as a
// stage of RowChain (one thread block per row: the pointwise plan's
// rows_per_block = 1):
//   kRms:   y = x / sqrt(mean(x^2) + eps) * (weight + weightOffset)
//   kLayer: y = (x - mean) / sqrt(var + eps) * weight (+ bias), biased var
// The row stays in registers between the reduction and the store, so it is
// read from memory once. weight and bias must be aligned to 16 bytes.
#pragma once

#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

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

/// The norm as a stage of a row-per-block RowChain (RowChain.h): the row is
/// already in registers, each thread holding its units of it (ChainUnit in
/// RoPE.h: vectors of kVec features and their columns).
template <typename T, int kDim, NormKind kKind> struct NormStage {
  static constexpr bool kReducesRow = true;
  static constexpr int kGranule = kDim;

  const T *weight; // [kDim]
  const T *bias;   // [kDim] or null; layer norm only
  float epsilon;
  float weightOffset = 0.0f; // rms norm only (Gemma: 1)

  template <int kThreads, typename Unit, int kUnits>
  __device__ void operator()(Unit (&units)[kUnits]) const {
    constexpr int kVec = Unit::kVec;
    auto forEachVector = [&](auto &&f) {
#pragma unroll
      for (int i = 0; i < kUnits; ++i)
        units[i].forEachVector(f);
    };
    float sum = 0.0f;
    forEachVector([&](const float(&v)[kVec], int) {
#pragma unroll
      for (int t = 0; t < kVec; ++t)
        sum += kKind == NormKind::kRms ? v[t] * v[t] : v[t];
    });
    float mean = 0.0f, inverseStd;
    if constexpr (kKind == NormKind::kRms) {
      inverseStd = rsqrtf(blockSum<kThreads>(sum) / kDim + epsilon);
    } else {
      // Two passes over the registers: the variance of the centred values
      // does not lose the precision that E[x^2] - E[x]^2 would.
      mean = blockSum<kThreads>(sum) / kDim;
      float squares = 0.0f;
      forEachVector([&](const float(&v)[kVec], int) {
#pragma unroll
        for (int t = 0; t < kVec; ++t)
          squares += (v[t] - mean) * (v[t] - mean);
      });
      inverseStd = rsqrtf(blockSum<kThreads>(squares) / kDim + epsilon);
    }
    forEachVector([&](float(&v)[kVec], int col) {
      const Vec<T, kVec> w = loadVec<kVec>(weight + col);
      Vec<T, kVec> b{};
      if (kKind == NormKind::kLayer && bias)
        b = loadVec<kVec>(bias + col);
#pragma unroll
      for (int t = 0; t < kVec; ++t) {
        v[t] = (v[t] - mean) * inverseStd * (toFloat(w[t]) + weightOffset);
        if (kKind == NormKind::kLayer && bias)
          v[t] += toFloat(b[t]);
      }
    });
  }
};

} // namespace xfuse::device
