// The arithmetic of xfuse.sinusoidal_pe, y = scale * x + PE(pos) for x
// viewed as [rows, kDim] (rows = batch * seq); RowChain.h's SinusoidalStage
// applies it.
//
// f_i, i < kDim/2, taken from a {hi, lo} table (sinusoidalFrequencies):
// base^(-2i/kDim), or base^(-i/(kDim/2 - 1)) for kFairseq.
//   kInterleaved: PE[j] = sin(pos f_{j/2}) for even j, cos(pos f_{j/2}) odd j.
//   kHalf:        PE[j] = sin(pos f_j) for j < kDim/2, else cos(pos f_{j-kDim/2}).
//   kFairseq:     as kHalf, with h = kDim/2 rounded down; an odd kDim's last
//                 feature j = 2h has PE[j] = 0.
#pragma once

#include "cuda/device/Angles.h"

namespace xfuse::device {

enum class SinusoidalLayout { kInterleaved, kHalf, kFairseq };

/// PE(pos) for the N features [col, col + N) of a row.
/// Interleaved: col and N are even. Half, fairseq: [col, col + N) lies in
/// one half or is the padding feature.
template <int kDim, SinusoidalLayout kLayout, int N>
__device__ inline void sinusoidalValues(float (&pe)[N], float pos, int col,
                                        const float2 *frequencies) {
  if constexpr (kLayout == SinusoidalLayout::kInterleaved) {
    static_assert(N % 2 == 0, "interleaved vectors hold whole pairs");
#pragma unroll
    for (int t = 0; t < N; t += 2) {
      const float2 f = frequencies[(col + t) / 2];
      sincosOfProduct(pos, f.x, f.y, pe[t], pe[t + 1]);
    }
  } else {
    if (kDim % 2 != 0 && col == kDim - 1) {
#pragma unroll
      for (int t = 0; t < N; ++t)
        pe[t] = 0.0f;
      return;
    }
    const bool cosHalf = col >= kDim / 2;
    const int first = cosHalf ? col - kDim / 2 : col;
#pragma unroll
    for (int t = 0; t < N; ++t) {
      const float2 f = frequencies[first + t];
      float s, c;
      sincosOfProduct(pos, f.x, f.y, s, c);
      pe[t] = cosHalf ? c : s;
    }
  }
}

} // namespace xfuse::device
