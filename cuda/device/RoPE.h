// Rotary position embedding (RoPE) as a stage of a RowChain (RowChain.h),
// and the walk that runs the elementwise chains that contain one.
//
// The chain's rows are tokens of kHeads x kHeadDim features. The first
// kRotaryDim (rd) channels of each head are rotated, the rest pass through.
// With c_i = cos(pos * invFreq[i]) * attnFactor and s_i = sin(...) *
// attnFactor:
//   kNeox (rotate-half): channel pairs (i, i + rd/2), i < rd/2:
//     y[i] = x[i] c_i - x[i + rd/2] s_i,  y[i + rd/2] = x[i + rd/2] c_i + x[i] s_i
//   kGptj (interleaved): channel pairs (2i, 2i + 1):
//     y[2i] = x[2i] c_i - x[2i+1] s_i,    y[2i+1] = x[2i+1] c_i + x[2i] s_i
// invFreq [rd/2] is computed on the host in float64 when the kernel is
// instantiated (it carries any frequency scaling: linear, NTK, YaRN, Llama 3)
// or by DynamicNtk.h or LongRope.h on the device, and passed as {hi, lo} f32
// pairs (splitFrequencies in Angles.h), which keeps angles accurate at large
// positions; attnFactor is e.g. YaRN's mscale. pos is the token's position,
// or with multimodal positions (MultimodalPositions in Angles.h) the entry
// of the row that pair i takes.
//
// A neox pair spans two vectors rd/2 channels apart, which the plain walks
// of a chain give to different threads. So a chain with a RoPE stage works
// in units (ChannelPairing): a vector of a head's channels together with,
// where its pairs reach into another vector, that partner vector. Every
// other stage applies to both vectors of a unit; the RoPE stage rotates
// them together, in registers, and the chain still reads x once and writes
// y once.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/GridStride.h"
#include "cuda/device/Vector.h"

#include <cstdint>
#include <numeric>
#include <type_traits>

namespace xfuse::device {

/// How a chain's row splits into units: kHeads heads of kHeadDim channels,
/// each cut into kUnitsPerHead units of kVec channels, the kRotatedUnits
/// holding the first kRotaryDim channels first, then the pass-through tail.
/// A chain without RoPE is one head with kRotaryDim = 0.
///
/// A rotated unit holds kPairsPerUnit pairs: whole adjacent pairs (gptj),
/// or, when kPaired, the first channels of kVec pairs, whose second
/// channels are the partner vector kPartnerOffset channels further on:
/// always for neox (rd/2 apart), and for gptj where a vector is a single
/// channel (an odd head_dim makes kVec = 1), one channel apart.
template <int kHeads_, int kHeadDim_, int kRotaryDim_, RopeStyle kStyle,
          int kVec_>
struct ChannelPairing {
  static constexpr int kHeads = kHeads_;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kRotaryDim = kRotaryDim_;
  static constexpr int kVec = kVec_;
  static constexpr int kRowLength = kHeads * kHeadDim;
  static constexpr bool kPaired =
      kRotaryDim > 0 && (kStyle == RopeStyle::kNeox || kVec == 1);
  static constexpr int kPartnerOffset =
      kStyle == RopeStyle::kNeox ? kRotaryDim / 2 : 1;
  static constexpr int kPairsPerUnit =
      kStyle == RopeStyle::kGptj && kVec > 1 ? kVec / 2 : kVec;
  static constexpr int kRotatedUnits =
      kRotaryDim == 0 ? 0 : kRotaryDim / 2 / kPairsPerUnit;
  static constexpr int kUnitsPerHead =
      kRotatedUnits + (kHeadDim - kRotaryDim) / kVec;
  static constexpr int kUnitsPerRow = kHeads * kUnitsPerHead;
  // Rotated units of a paired gptj head step over both channels of a pair.
  static constexpr int kRotatedStride =
      kStyle == RopeStyle::kGptj && kPaired ? 2 : kVec;

  static_assert(kRotaryDim % 2 == 0 && kRotaryDim <= kHeadDim,
                "rotary dim must be even and at most the head dim");
  static_assert((kRotaryDim / 2) % kPairsPerUnit == 0,
                "vectors must tile the rotated channels");
  static_assert((kHeadDim - kRotaryDim) % kVec == 0,
                "vectors must tile the pass-through channels");

  /// The first channel of unit k of a head.
  __host__ __device__ static constexpr int channel(int k) {
    return k < kRotatedUnits ? k * kRotatedStride
                             : kRotaryDim + (k - kRotatedUnits) * kVec;
  }
};

/// A chain's unit of work (ChannelPairing) as f32: its vector v[0] and,
/// for a paired rotated unit, the partner v[1].
template <typename Pairing_> struct ChainUnit {
  using Pairing = Pairing_;
  static constexpr int kVec = Pairing::kVec;
  static constexpr int kVectors = Pairing::kPaired ? 2 : 1;

  float v[kVectors][kVec];
  int column = 0; // of v[0] in the row
  int unitInHead = 0;
  bool held = false; // false: no unit (past the row's end)

  /// Unit k of head `head`.
  __device__ static ChainUnit of(int head, int k) {
    ChainUnit u;
    u.unitInHead = k;
    u.column = head * Pairing::kHeadDim + Pairing::channel(k);
    u.held = true;
    return u;
  }

  /// Unit `index` of a row, heads outermost: no unit past the row's end.
  __device__ static ChainUnit at(int index) {
    if (index >= Pairing::kUnitsPerRow)
      return {};
    const int head = index / Pairing::kUnitsPerHead;
    return of(head, index - head * Pairing::kUnitsPerHead);
  }

  // Known at compile time where a head has no pass-through tail.
  __device__ bool rotated() const {
    return Pairing::kRotatedUnits == Pairing::kUnitsPerHead ||
           unitInHead < Pairing::kRotatedUnits;
  }

  /// f(vector, its column) for each vector of the unit.
  template <typename F> __device__ void forEachVector(F &&f) {
    if (!held)
      return;
    f(v[0], column);
    if constexpr (Pairing::kPaired)
      if (rotated())
        f(v[1], column + Pairing::kPartnerOffset);
  }

  template <typename T> __device__ void load(const T *row) {
    forEachVector([&](float(&vec)[kVec], int col) {
      loadFloats<kVec>(row + col, vec);
    });
  }
  template <typename T> __device__ void store(T *row) {
    forEachVector([&](float(&vec)[kVec], int col) {
      storeFloats<kVec>(row + col, vec);
    });
  }
};

/// attnFactor * (cos, sin) of the pairs of one rotated unit.
template <int kPairs> struct RopeRotation {
  float c[kPairs], s[kPairs];
};

/// xfuse.rope as a RowChain stage, for rows of kHeads x kHeadDim features,
/// positions PosT: an integer type (TokenPositions) or MultimodalPositions
/// (Angles.h).
template <int kHeads_, int kHeadDim_, int kRotaryDim_, RopeStyle kStyle_,
          typename PosT>
struct RopeStage {
  static constexpr int kHeads = kHeads_;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kRotaryDim = kRotaryDim_;
  static constexpr RopeStyle kStyle = kStyle_;
  static_assert(kRotaryDim > 0, "RoPE rotates at least one pair");

  static constexpr bool kReducesRow = false;
  // Vectors tile the rotated channels (neox: each half of them) and the
  // pass-through tail of every head.
  static constexpr int kGranule = std::gcd(
      kStyle == RopeStyle::kNeox ? kRotaryDim / 2 : kRotaryDim, kHeadDim);
  template <int kVec>
  using Pairing =
      ChannelPairing<kHeads, kHeadDim, kRotaryDim, kStyle, kVec>;

  using Positions = RopePositionsOf<PosT>;
  using Token = typename Positions::Token;

  const float2 *invFreq; // [kRotaryDim / 2] {hi, lo}
  float attnFactor;
  Positions positions;

  __device__ Token position(std::int64_t token) const {
    return positions.at(token);
  }

  /// The rotation of the pairs of rotated unit k of a token at `pos`.
  template <typename P>
  __device__ RopeRotation<P::kPairsPerUnit> rotation(const Token &pos,
                                                     int k) const {
    RopeRotation<P::kPairsPerUnit> r;
#pragma unroll
    for (int t = 0; t < P::kPairsPerUnit; ++t) {
      const int pair = k * P::kPairsPerUnit + t;
      ropeCosSin(invFreq, attnFactor, Positions::ofPair(pos, pair), pair,
                 r.c[t], r.s[t]);
    }
    return r;
  }

  /// Rotates the pairs of a rotated unit by `r`.
  template <typename Unit, typename Rotation>
  __device__ static void rotate(Unit &u, const Rotation &r) {
    using P = typename Unit::Pairing;
#pragma unroll
    for (int t = 0; t < P::kPairsPerUnit; ++t) {
      if constexpr (P::kPaired) {
        const float2 out = rotatePair(u.v[0][t], u.v[1][t], r.c[t], r.s[t]);
        u.v[0][t] = out.x;
        u.v[1][t] = out.y;
      } else {
        const float2 out =
            rotatePair(u.v[0][2 * t], u.v[0][2 * t + 1], r.c[t], r.s[t]);
        u.v[0][2 * t] = out.x;
        u.v[0][2 * t + 1] = out.y;
      }
    }
  }

  /// Row-per-block chains: rotates a thread's units ChainUnit::at(
  /// threadIdx.x + i * kThreads) of row `row`.
  template <int kThreads, typename Unit, int kUnits>
  __device__ void rotateRow(Unit (&units)[kUnits], std::int64_t row) const {
    using P = typename Unit::Pairing;
    // With kThreads a multiple of the units per head, a thread's units are
    // the same unit of different heads: one rotation serves them all.
    constexpr bool kSameUnitInHead = kThreads % P::kUnitsPerHead == 0;
    const Token pos = position(row);
    RopeRotation<P::kPairsPerUnit> r{};
#pragma unroll
    for (int i = 0; i < kUnits; ++i) {
      Unit &u = units[i];
      if (!u.held || !u.rotated())
        continue;
      if (!kSameUnitInHead || i == 0)
        r = rotation<P>(pos, u.unitInHead);
      rotate(u, r);
    }
  }
};

template <typename Stage> struct IsRopeStage : std::false_type {};
template <int kHeads, int kHeadDim, int kRotaryDim, RopeStyle kStyle,
          typename PosT>
struct IsRopeStage<RopeStage<kHeads, kHeadDim, kRotaryDim, kStyle, PosT>>
    : std::true_type {};

/// The RoPE stage type among Stages, or void.
template <typename... Stages> struct RopeStageOf {
  using type = void;
};
template <typename First, typename... Rest>
struct RopeStageOf<First, Rest...> {
  using type = std::conditional_t<IsRopeStage<First>::value, First,
                                  typename RopeStageOf<Rest...>::type>;
};

/// The grid-stride walk (GridStride.h) of an elementwise chain with a RoPE
/// stage. The angles depend on the token and the channel, not on the head:
/// a work item is one unit position (unit k) of kHeadsPerItem heads of a
/// token, heads g, g + kHeadGroups, ... (g < kHeadGroups), so that its
/// cos/sin are computed once and applied to kHeadsPerItem units, and all of
/// its 16-byte loads are issued before the first is used. Consecutive
/// items are consecutive units of a token's heads: a warp's accesses are
/// coalesced.
template <typename Chain> struct RopeWalk {
  using T = typename Chain::Element;
  using Pairing = typename Chain::Pairing;
  using Unit = ChainUnit<Pairing>;
  static constexpr int kVec = Pairing::kVec;
  static constexpr int kHeadsPerItem = [] {
    int h = 4;
    while (Pairing::kHeads % h != 0)
      --h;
    return h;
  }();
  static constexpr int kHeadGroups = Pairing::kHeads / kHeadsPerItem;
  static constexpr int kItemsPerToken = kHeadGroups * Pairing::kUnitsPerHead;
  static constexpr int kHeadStride = kHeadGroups * Pairing::kHeadDim;
  // Items in flight per thread (GridStride.h): about 8 vectors or more.
  // (4 heads per item: 8 take 164 registers, one block per SM.)
  static constexpr int kLoadsPerItem = kHeadsPerItem * Unit::kVectors;
  static constexpr int kUnroll = kLoadsPerItem >= 8 ? 1 : 8 / kLoadsPerItem;
  // One step per thread, as many blocks as the items need: on the H100 the
  // persistent grid left DRAM at 2.49 TB/s, this one reaches 2.73 (16384
  // tokens x 32 x 128 bf16; docs/perf-notes.md, end-to-end attempt 5).
  static constexpr bool kPersistent = false;

  Chain chain;

  using Token = typename Chain::Rope::Token;

  struct Loaded {
    Vec<T, kVec> v[kHeadsPerItem][Unit::kVectors];
    Token pos;
  };

  std::int64_t numItems() const { return chain.rows * kItemsPerToken; }

  /// The item's token and its unit of the first of its heads.
  struct Place {
    std::int64_t token;
    Unit first;
  };
  template <typename Index> __device__ static Place place(Index item) {
    const Index token = item / kItemsPerToken;
    const int r = static_cast<int>(item - token * kItemsPerToken);
    const int group = r / Pairing::kUnitsPerHead;
    return {token, Unit::of(group, r - group * Pairing::kUnitsPerHead)};
  }

  template <typename Index> __device__ Loaded load(Index item) const {
    const Place p = place(item);
    const T *row = chain.x + p.token * Pairing::kRowLength;
    Loaded in;
    in.pos = p.first.rotated() ? chain.stages.rope().position(p.token)
                               : Token{};
#pragma unroll
    for (int h = 0; h < kHeadsPerItem; ++h)
      in.v[h][0] = loadVec<kVec>(row + p.first.column + h * kHeadStride);
    if constexpr (Pairing::kPaired) {
      if (p.first.rotated()) {
#pragma unroll
        for (int h = 0; h < kHeadsPerItem; ++h)
          in.v[h][1] = loadVec<kVec>(row + p.first.column + h * kHeadStride +
                                     Pairing::kPartnerOffset);
      }
    }
    return in;
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    const Place p = place(item);
    // Two copies of the unit loop, each knowing whether its units rotate.
    if (p.first.rotated())
      storeUnits(p, in,
                 chain.stages.rope().template rotation<Pairing>(
                     in.pos, p.first.unitInHead));
    else
      storeUnits(p, in, RopeRotation<Pairing::kPairsPerUnit>{});
  }

private:
  __device__ void storeUnits(
      const Place &p, const Loaded &in,
      const RopeRotation<Pairing::kPairsPerUnit> &rotation) const {
    T *row = chain.y + p.token * Pairing::kRowLength;
#pragma unroll
    for (int h = 0; h < kHeadsPerItem; ++h) {
      Unit u = p.first;
      u.column += h * kHeadStride;
      toFloats(in.v[h][0], u.v[0]);
      if constexpr (Pairing::kPaired)
        if (u.rotated())
          toFloats(in.v[h][1], u.v[1]);
      chain.stages.applyToUnit(u, p.token, rotation);
      u.store(row);
    }
  }
};

} // namespace xfuse::device
