// The table lookup of xfuse.learned_pe, y = x + table[clamp(pos, 0,
// kMaxPositions - 1)] for x viewed as [rows, kDim] and a learned table
// [kMaxPositions, kDim] of the same type; RowChain.h's LearnedStage applies
// it. Clamping (rather than faulting) keeps an out-of-range position id from
// reading outside the table.
#pragma once

#include <cstdint>

namespace xfuse::device {

/// The table row of position `pos`: clamped into [0, kMaxPositions).
template <int kMaxPositions>
__device__ inline std::int64_t clampedTableRow(std::int64_t pos) {
  return pos < 0 ? 0 : (pos >= kMaxPositions ? kMaxPositions - 1 : pos);
}

} // namespace xfuse::device
