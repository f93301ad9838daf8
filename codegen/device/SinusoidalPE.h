// y = scale * x + PE(pos) for x viewed as [rows, kDim] (rows = batch * seq).
//
// f_i = base^(-2i/kDim), taken from a {hi, lo} table (sinusoidalFrequencies).
//   kInterleaved: PE[j] = sin(pos f_{j/2}) for even j, cos(pos f_{j/2}) odd j.
//   kHalf:        PE[j] = sin(pos f_j) for j < kDim/2, else cos(pos f_{j-kDim/2}).
// x and y must be aligned to 16 bytes; y may alias x.
#pragma once

#include "codegen/device/Angles.h"
#include "codegen/device/GridStride.h"
#include "codegen/device/Vector.h"

#include <cstdint>

namespace xfuse::device {

enum class SinusoidalLayout { kInterleaved, kHalf };

/// v = scale * v + PE(pos) for the N features [col, col + N) of a row:
/// the arithmetic of SinusoidalPE, shared with RowChain's SinusoidalStage.
/// Interleaved: col and N are even. Half: [col, col + N) lies in one half.
template <int kDim, SinusoidalLayout kLayout, int N>
__device__ inline void addSinusoidal(float (&v)[N], float pos, int col,
                                     float scale,
                                     const float2 *frequencies) {
  if constexpr (kLayout == SinusoidalLayout::kInterleaved) {
    static_assert(N % 2 == 0, "interleaved vectors hold whole pairs");
#pragma unroll
    for (int t = 0; t < N; t += 2) {
      const float2 f = frequencies[(col + t) / 2];
      float s, c;
      sincosOfProduct(pos, f.x, f.y, s, c);
      v[t] = fmaf(scale, v[t], s);
      v[t + 1] = fmaf(scale, v[t + 1], c);
    }
  } else {
    const bool cosHalf = col >= kDim / 2;
    const int first = cosHalf ? col - kDim / 2 : col;
#pragma unroll
    for (int t = 0; t < N; ++t) {
      const float2 f = frequencies[first + t];
      float s, c;
      sincosOfProduct(pos, f.x, f.y, s, c);
      v[t] = fmaf(scale, v[t], cosHalf ? c : s);
    }
  }
}

template <typename T, int kDim, SinusoidalLayout kLayout, typename PosT>
struct SinusoidalPE {
  static_assert(kDim > 0 && kDim % 2 == 0, "sinusoidal PE needs an even dim");
  // Half layout: a vector must not straddle the sin and cos halves.
  // Interleaved: kVec divides the even kDim, so it covers whole (sin, cos)
  // pairs.
  static constexpr int kVec =
      vecWidthFor<T>(kLayout == SinusoidalLayout::kHalf ? kDim / 2 : kDim);
  static constexpr int kVecsPerRow = kDim / kVec;

  const T *x;
  T *y;
  const float2 *frequencies; // [kDim / 2] {hi, lo}
  TokenPositions<PosT> positions;
  float scale;
  std::int64_t rows;

  struct Loaded {
    Vec<T, kVec> x;
    float pos;
  };

  std::int64_t numItems() const { return rows * kVecsPerRow; }

  template <typename Index> __device__ Loaded load(Index item) const {
    return {loadVec<kVec>(x + static_cast<std::int64_t>(item) * kVec),
            static_cast<float>(positions(item / kVecsPerRow))};
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    const int col = static_cast<int>(item % kVecsPerRow) * kVec;
    float v[kVec];
#pragma unroll
    for (int t = 0; t < kVec; ++t)
      v[t] = toFloat(in.x[t]);
    addSinusoidal<kDim, kLayout>(v, in.pos, col, scale, frequencies);
    Vec<T, kVec> out;
#pragma unroll
    for (int t = 0; t < kVec; ++t)
      out[t] = fromFloat<T>(v[t]);
    storeVec(y + static_cast<std::int64_t>(item) * kVec, out);
  }
};

} // namespace xfuse::device
