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

#include "codegen/device/Angles.h"
#include "codegen/device/GridStride.h"
#include "codegen/device/Vector.h"

#include <cstdint>
#include <numeric>

namespace xfuse::device {

enum class RopeStyle { kNeox, kGptj };

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

  const T *x;
  T *y;
  const float2 *invFreq; // [kRotaryDim / 2] {hi, lo}
  float attnFactor;
  TokenPositions<PosT> positions;
  std::int64_t tokens;

  struct Loaded {
    Vec<T, kVec> a; // channels [channel, channel + kVec)
    Vec<T, kVec> b; // neox partner channels [channel + rd/2, ...)
    float pos;
  };

  std::int64_t numItems() const { return tokens * kHeads * kItemsPerHead; }

  /// Offset of the item's first element, and its channel within the head.
  struct Place {
    std::int64_t offset;
    int channel;
    bool rotated;
  };
  __device__ static Place place(std::int64_t item) {
    const std::int64_t head = item / kItemsPerHead;
    const int k = static_cast<int>(item % kItemsPerHead);
    const bool rotated = k < kRotaryItems;
    const int channel =
        rotated ? k * kVec : kRotaryDim + (k - kRotaryItems) * kVec;
    return {head * kHeadDim + channel, channel, rotated};
  }

  __device__ Loaded load(std::int64_t item) const {
    const Place p = place(item);
    Loaded in;
    in.a = loadVec<kVec>(x + p.offset);
    if (kStyle == RopeStyle::kNeox && p.rotated)
      in.b = loadVec<kVec>(x + p.offset + kHalf);
    in.pos = p.rotated ? static_cast<float>(positions(item / kItemsPerHead /
                                                       kHeads))
                       : 0.0f;
    return in;
  }

  __device__ void rotation(float pos, int i, float &c, float &s) const {
    const float2 f = invFreq[i];
    sincosOfProduct(pos, f.x, f.y, s, c);
    c *= attnFactor;
    s *= attnFactor;
  }

  __device__ void store(std::int64_t item, const Loaded &in) const {
    const Place p = place(item);
    if (!p.rotated) {
      storeVec(y + p.offset, in.a);
      return;
    }
    Vec<T, kVec> outA;
    if constexpr (kStyle == RopeStyle::kNeox) {
      Vec<T, kVec> outB;
#pragma unroll
      for (int t = 0; t < kVec; ++t) {
        float c, s;
        rotation(in.pos, p.channel + t, c, s);
        const float xa = toFloat(in.a[t]), xb = toFloat(in.b[t]);
        outA[t] = fromFloat<T>(xa * c - xb * s);
        outB[t] = fromFloat<T>(xb * c + xa * s);
      }
      storeVec(y + p.offset + kHalf, outB);
    } else {
#pragma unroll
      for (int t = 0; t < kVec; t += 2) {
        float c, s;
        rotation(in.pos, (p.channel + t) / 2, c, s);
        const float xe = toFloat(in.a[t]), xo = toFloat(in.a[t + 1]);
        outA[t] = fromFloat<T>(xe * c - xo * s);
        outA[t + 1] = fromFloat<T>(xo * c + xe * s);
      }
    }
    storeVec(y + p.offset, outA);
  }
};

} // namespace xfuse::device
