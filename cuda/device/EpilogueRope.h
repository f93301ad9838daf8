// RoPE as a GEMM epilogue row op (Epilogue.h): the projection that produces
// q or k [tokens, heads * head_dim] rotates each output row in registers,
// before its one rounding to the output type, instead of a RoPE launch
// (RoPE.h, same semantics) re-reading the output. Output row r is token r.
//
// Use: makeWithRowOp(epilogue, RopeRowOp<...>{invFreq, attnFactor,
// positions}) as the epilogue of launchGemm or launchGemmSm90, on a block
// whose span holds whole heads (gemm::epilogueRopeUnsupportedReason, which
// the GEMMs static_assert) and an output of n = heads * kHeadDim columns.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/GemmLimits.h"

#include <cuda_runtime.h>

namespace xfuse::device {

/// Rotates the first kRotaryDim channels of every head of kHeadDim columns
/// (heads start at column 0) by the row's positions * invFreq, in kStyle
/// pairs; the other channels pass through. PosT: an integer type
/// (TokenPositions) or MultimodalPositions (Angles.h).
template <int kHeadDim_, int kRotaryDim_, RopeStyle kStyle_, typename PosT>
struct RopeRowOp {
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kRotaryDim = kRotaryDim_;
  static constexpr RopeStyle kStyle = kStyle_;
  using Position = PosT;
  using Positions = RopePositionsOf<PosT>;

  const float2 *invFreq; // [kRotaryDim / 2] {hi, lo} (splitFrequencies)
  float attnFactor;
  Positions positions;

  static constexpr const char *unsupportedReason(const gemm::Config &c) {
    return gemm::epilogueRopeUnsupportedReason(c, kHeadDim, kRotaryDim,
                                               kStyle == RopeStyle::kNeox);
  }

  /// The pairs of a row one thread rotates: neox, channels
  /// 8b + 2 (lane % 4) + {0, 1} of block b < rd/16, whose partners rd/2
  /// further are block b + rd/16 of the same thread; gptj, the one pair
  /// that each block b < rd/8 (rounded up) holds.
  static constexpr int kThreadPairs =
      kStyle == RopeStyle::kNeox ? kRotaryDim / 8 : (kRotaryDim + 7) / 8;
  /// Two pairs' angles per step.
  static constexpr int kPrepareSteps = (kThreadPairs + 1) / 2;

  /// A row's position, as loaded and as converted by the first step, and
  /// the rotations of the thread's pairs: cosSin[i] = attnFactor * (cos,
  /// sin) of pair pairOf(i)'s angle. They depend on the row and the
  /// channel, not the head: each is computed once and applied to every head
  /// the thread holds.
  struct State {
    typename Positions::Loaded loaded{};
    typename Positions::Token position;
    float2 cosSin[kThreadPairs];
  };

  /// The RoPE pair index of the thread's i-th pair. The thread's span
  /// starts at firstCol - firstCol % 8, the first column of a head, so
  /// firstCol % 8 is the channel of its first value in each 8-column block.
  __device__ static int pairOf(int i, int firstCol) {
    const int blockChannel = firstCol % 8;
    if constexpr (kStyle == RopeStyle::kNeox)
      return 8 * (i / 2) + blockChannel + i % 2;
    else
      return 4 * i + blockChannel / 2;
  }

  /// Whether the thread's i-th pair is rotated: only a last gptj block that
  /// rd cuts (rd % 8 != 0) holds pairs that are not, tested at run time.
  __device__ static bool rotates(int i, int firstCol) {
    if constexpr (kStyle == RopeStyle::kNeox)
      return true;
    else
      return 8 * i + 8 <= kRotaryDim || 8 * i + firstCol % 8 < kRotaryDim;
  }

  __device__ void load(State &state, int row) const {
    state.loaded = positions.load(row);
  }

  template <int kStep>
  __device__ void prepare(State &state, int firstCol) const {
    if constexpr (kStep == 0)
      state.position = Positions::convert(state.loaded);
#pragma unroll
    for (int i = 2 * kStep; i < 2 * kStep + 2 && i < kThreadPairs; ++i) {
      const int pair = pairOf(i, firstCol);
      if (rotates(i, firstCol))
        ropeCosSin(invFreq, attnFactor,
                   Positions::ofPair(state.position, pair), pair,
                   state.cosSin[i].x, state.cosSin[i].y);
    }
  }

  /// v[j]: columns firstCol + 8j, + 1 of a row, rotated by its state.
  template <int kBlocks>
  __device__ void operator()(float2 (&v)[kBlocks], const State &state,
                             int firstCol) const {
    constexpr int kHeadBlocks = kHeadDim / 8;
    static_assert(kBlocks % kHeadBlocks == 0,
                  "a thread's span holds whole heads");
    constexpr int kHeads = kBlocks / kHeadBlocks;
#pragma unroll
    for (int h = 0; h < kHeads; ++h) {
      float2 *head = v + h * kHeadBlocks;
      if constexpr (kStyle == RopeStyle::kNeox) {
        // Pairs 2b and 2b + 1 are v[b].x and .y with v[b + rd/16].x, .y.
        constexpr int kHalfBlocks = kRotaryDim / 16;
#pragma unroll
        for (int b = 0; b < kHalfBlocks; ++b) {
          float2 &lo = head[b];
          float2 &hi = head[b + kHalfBlocks];
          const float2 c0 = state.cosSin[2 * b], c1 = state.cosSin[2 * b + 1];
          const float2 first = rotatePair(lo.x, hi.x, c0.x, c0.y);
          const float2 second = rotatePair(lo.y, hi.y, c1.x, c1.y);
          lo = make_float2(first.x, second.x);
          hi = make_float2(first.y, second.y);
        }
      } else {
#pragma unroll
        for (int b = 0; b < kThreadPairs; ++b)
          if (rotates(b, firstCol))
            head[b] = rotatePair(head[b].x, head[b].y, state.cosSin[b].x,
                                 state.cosSin[b].y);
      }
    }
  }
};

} // namespace xfuse::device
