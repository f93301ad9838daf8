// Rotary position embedding of x [tokens, kHeads, kHeadDim] into y (same
// shape; y may alias x). The first kRotaryDim (rd) channels of each head are
// rotated, the rest copied. With c_i = cos(pos * invFreq[i]) * attnFactor and
// s_i = sin(...) * attnFactor:
//   kNeox (rotate-half): channel pairs (i, i + rd/2), i < rd/2:
//     y[i] = x[i] c_i - x[i + rd/2] s_i,  y[i + rd/2] = x[i + rd/2] c_i + x[i] s_i
//   kGptj (interleaved): channel pairs (2i, 2i + 1):
//     y[2i] = x[2i] c_i - x[2i+1] s_i,    y[2i+1] = x[2i+1] c_i + x[2i] s_i
// invFreq [rd/2] is computed on the host in float64 when the kernel is
// instantiated (it carries any frequency scaling: linear, NTK, YaRN, Llama 3)
// and passed as {hi, lo} f32 pairs (splitFrequencies in Angles.h), which keeps
// angles accurate at large positions; attnFactor is e.g. YaRN's mscale.
// x and y must be aligned to 16 bytes.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/GridStride.h"
#include "cuda/device/Vector.h"

#include <cstdint>
#include <numeric>

namespace xfuse::device {

template <typename T, int kHeads, int kHeadDim, int kRotaryDim,
          RopeStyle kStyle, typename PosT>
struct RoPE {
  static_assert(kRotaryDim > 0 && kRotaryDim % 2 == 0 &&
                    kRotaryDim <= kHeadDim,
                "rotary dim must be even and at most the head dim");
  static constexpr int kHalf = kRotaryDim / 2;
  // A work item is one vector: for neox it is paired with the vector rd/2
  // channels further on; for gptj it holds whole pairs (kVec divides two
  // even numbers, so it is even). Vectors tile both the rotated channels and
  // the copied tail [rd, kHeadDim).
  static constexpr int kVec = vecWidthFor<T>(
      std::gcd(kStyle == RopeStyle::kNeox ? kHalf : kRotaryDim, kHeadDim));
  static constexpr int kRotaryItems =
      (kStyle == RopeStyle::kNeox ? kHalf : kRotaryDim) / kVec;
  static constexpr int kItemsPerHead =
      kRotaryItems + (kHeadDim - kRotaryDim) / kVec;

  // The angles depend on the token and the channel, not on the head: a work
  // item is one vector position (channel range) of kHeadsPerItem heads of a
  // token, heads g, g + kHeadGroups, ... (g < kHeadGroups), so that its
  // cos/sin are computed once and applied to kHeadsPerItem heads, and all of
  // its 16-byte loads are issued before the first is used. Consecutive
  // items are consecutive vectors of a token's heads: a warp's accesses are
  // coalesced.
  static constexpr int kHeadsPerItem = [] {
    int h = 4;
    while (kHeads % h != 0)
      --h;
    return h;
  }();
  static constexpr int kHeadGroups = kHeads / kHeadsPerItem;
  static constexpr int kItemsPerToken = kHeadGroups * kItemsPerHead;
  static constexpr int kLoadsPerHead = kStyle == RopeStyle::kNeox ? 2 : 1;
  // Items in flight per thread (GridStride.h): about 8 vectors or more.
  // (4 heads per item: 8 take 164 registers, one block per SM.)
  static constexpr int kUnroll =
      kHeadsPerItem * kLoadsPerHead >= 8 ? 1
                                         : 8 / (kHeadsPerItem * kLoadsPerHead);
  // One step per thread, as many blocks as the items need: on the H100 the
  // persistent grid left DRAM at 2.49 TB/s, this one reaches 2.73 (16384
  // tokens x 32 x 128 bf16; docs/perf-notes.md, end-to-end attempt 5).
  static constexpr bool kPersistent = false;

  const T *x;
  T *y;
  const float2 *invFreq; // [kRotaryDim / 2] {hi, lo}
  float attnFactor;
  TokenPositions<PosT> positions;
  std::int64_t tokens;

  struct Loaded {
    Vec<T, kVec> a[kHeadsPerItem]; // channels [channel, channel + kVec)
    Vec<T, kVec> b[kHeadsPerItem]; // neox partner channels [channel + rd/2, ...)
    float pos;
  };

  std::int64_t numItems() const { return tokens * kItemsPerToken; }

  /// Offset of the item's first element (its first head), and its channel
  /// within the head.
  struct Place {
    std::int64_t offset;
    int channel;
    bool rotated;
  };
  template <typename Index> __device__ static Place place(Index item) {
    const Index token = item / kItemsPerToken;
    const int r = static_cast<int>(item - token * kItemsPerToken);
    const int group = r / kItemsPerHead;
    const int k = r - group * kItemsPerHead;
    const bool rotated = k < kRotaryItems;
    const int channel =
        rotated ? k * kVec : kRotaryDim + (k - kRotaryItems) * kVec;
    return {static_cast<std::int64_t>(token) * (kHeads * kHeadDim) +
                group * kHeadDim + channel,
            channel, rotated};
  }
  static constexpr std::int64_t kHeadStride =
      static_cast<std::int64_t>(kHeadGroups) * kHeadDim;

  template <typename Index> __device__ Loaded load(Index item) const {
    const Place p = place(item);
    Loaded in;
    in.pos = p.rotated ? static_cast<float>(positions(item / kItemsPerToken))
                       : 0.0f;
#pragma unroll
    for (int h = 0; h < kHeadsPerItem; ++h)
      in.a[h] = loadVec<kVec>(x + p.offset + h * kHeadStride);
    if (kStyle == RopeStyle::kNeox && p.rotated) {
#pragma unroll
      for (int h = 0; h < kHeadsPerItem; ++h)
        in.b[h] = loadVec<kVec>(x + p.offset + h * kHeadStride + kHalf);
    }
    return in;
  }

  __device__ void rotation(float pos, int i, float &c, float &s) const {
    ropeCosSin(invFreq, attnFactor, pos, i, c, s);
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    const Place p = place(item);
    if (!p.rotated) {
#pragma unroll
      for (int h = 0; h < kHeadsPerItem; ++h)
        storeVec(y + p.offset + h * kHeadStride, in.a[h]);
      return;
    }
    if constexpr (kStyle == RopeStyle::kNeox) {
      float c[kVec], s[kVec];
#pragma unroll
      for (int t = 0; t < kVec; ++t)
        rotation(in.pos, p.channel + t, c[t], s[t]);
#pragma unroll
      for (int h = 0; h < kHeadsPerItem; ++h) {
        Vec<T, kVec> outA, outB;
#pragma unroll
        for (int t = 0; t < kVec; ++t) {
          const float xa = toFloat(in.a[h][t]), xb = toFloat(in.b[h][t]);
          outA[t] = fromFloat<T>(xa * c[t] - xb * s[t]);
          outB[t] = fromFloat<T>(xb * c[t] + xa * s[t]);
        }
        storeVec(y + p.offset + h * kHeadStride, outA);
        storeVec(y + p.offset + h * kHeadStride + kHalf, outB);
      }
    } else {
      constexpr int kPairs = kVec / 2;
      float c[kPairs], s[kPairs];
#pragma unroll
      for (int t = 0; t < kPairs; ++t)
        rotation(in.pos, p.channel / 2 + t, c[t], s[t]);
#pragma unroll
      for (int h = 0; h < kHeadsPerItem; ++h) {
        Vec<T, kVec> outA;
#pragma unroll
        for (int t = 0; t < kVec; t += 2) {
          const float xe = toFloat(in.a[h][t]), xo = toFloat(in.a[h][t + 1]);
          outA[t] = fromFloat<T>(xe * c[t / 2] - xo * s[t / 2]);
          outA[t + 1] = fromFloat<T>(xo * c[t / 2] + xe * s[t / 2]);
        }
        storeVec(y + p.offset + h * kHeadStride, outA);
      }
    }
  }
};

} // namespace xfuse::device
