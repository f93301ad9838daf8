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

  /// v[j]: columns firstCol + 8j, + 1 of `row`; the span starts at
  /// firstCol - firstCol % 8, the first column of a head. The angles depend
  /// on the row and the channel, not the head: each is computed once and
  /// applied to every head the thread holds.
  template <int kBlocks>
  __device__ void operator()(float2 (&v)[kBlocks], int row,
                             int firstCol) const {
    constexpr int kHeadBlocks = kHeadDim / 8;
    static_assert(kBlocks % kHeadBlocks == 0,
                  "a thread's span holds whole heads");
    constexpr int kHeads = kBlocks / kHeadBlocks;
    // The channel of v[j].x within its 8-column block, 2 (lane % 4).
    const int blockChannel = firstCol % 8;
    const typename Positions::Token pos = positions.at(row);
    if constexpr (kStyle == RopeStyle::kNeox) {
      // Block b < rd/16 of a head holds channels 8b + blockChannel + {0, 1};
      // their partners rd/2 further are block b + rd/16 of the same thread.
      constexpr int kHalfBlocks = kRotaryDim / 16;
#pragma unroll
      for (int b = 0; b < kHalfBlocks; ++b) {
        const int pair0 = 8 * b + blockChannel, pair1 = pair0 + 1;
        float c0, s0, c1, s1;
        ropeCosSin(invFreq, attnFactor, Positions::ofPair(pos, pair0), pair0,
                   c0, s0);
        ropeCosSin(invFreq, attnFactor, Positions::ofPair(pos, pair1), pair1,
                   c1, s1);
#pragma unroll
        for (int h = 0; h < kHeads; ++h) {
          float2 &lo = v[h * kHeadBlocks + b];
          float2 &hi = v[h * kHeadBlocks + b + kHalfBlocks];
          const float2 first = rotatePair(lo.x, hi.x, c0, s0);
          const float2 second = rotatePair(lo.y, hi.y, c1, s1);
          lo = make_float2(first.x, second.x);
          hi = make_float2(first.y, second.y);
        }
      }
    } else {
      // v[j] is one whole pair: channels 8b + blockChannel + {0, 1}, pair
      // 4b + blockChannel / 2 of block b.
      constexpr int kRotaryBlocks = (kRotaryDim + 7) / 8;
#pragma unroll
      for (int b = 0; b < kRotaryBlocks; ++b) {
        // Only a last block that rd cuts (rd % 8 != 0) tests at run time.
        if (8 * b + 8 <= kRotaryDim || 8 * b + blockChannel < kRotaryDim) {
          const int pairIndex = 4 * b + blockChannel / 2;
          float c, s;
          ropeCosSin(invFreq, attnFactor, Positions::ofPair(pos, pairIndex),
                     pairIndex, c, s);
#pragma unroll
          for (int h = 0; h < kHeads; ++h) {
            float2 &pair = v[h * kHeadBlocks + b];
            pair = rotatePair(pair.x, pair.y, c, s);
          }
        }
      }
    }
  }
};

} // namespace xfuse::device
