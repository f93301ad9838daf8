// y = x + table[clamp(pos, 0, kMaxPositions - 1)] for x viewed as
// [rows, kDim] and a learned table [kMaxPositions, kDim] of the same type.
// Clamping (rather than faulting) keeps an out-of-range position id from
// reading outside the table. x, y and table must be aligned to 16 bytes;
// y may alias x.
#pragma once

#include "codegen/device/Angles.h"
#include "codegen/device/GridStride.h"
#include "codegen/device/Vector.h"

#include <cstdint>

namespace xfuse::device {

/// The table row of position `pos`: clamped into [0, kMaxPositions).
template <int kMaxPositions>
__device__ inline std::int64_t clampedTableRow(std::int64_t pos) {
  return pos < 0 ? 0 : (pos >= kMaxPositions ? kMaxPositions - 1 : pos);
}

template <typename T, int kDim, int kMaxPositions, typename PosT>
struct LearnedPE {
  static_assert(kDim > 0 && kMaxPositions > 0, "empty learned PE table");
  static constexpr int kVec = vecWidthFor<T>(kDim);
  static constexpr int kVecsPerRow = kDim / kVec;

  const T *x;
  T *y;
  const T *table;
  TokenPositions<PosT> positions;
  std::int64_t rows;

  struct Loaded {
    Vec<T, kVec> x;
    Vec<T, kVec> pe;
  };

  std::int64_t numItems() const { return rows * kVecsPerRow; }

  template <typename Index> __device__ Loaded load(Index item) const {
    const std::int64_t row =
        clampedTableRow<kMaxPositions>(positions(item / kVecsPerRow));
    const int col = static_cast<int>(item % kVecsPerRow) * kVec;
    return {loadVec<kVec>(x + static_cast<std::int64_t>(item) * kVec),
            loadVec<kVec>(table + row * kDim + col)};
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    Vec<T, kVec> out;
#pragma unroll
    for (int t = 0; t < kVec; ++t)
      out[t] = fromFloat<T>(toFloat(in.x[t]) + toFloat(in.pe[t]));
    storeVec(y + static_cast<std::int64_t>(item) * kVec, out);
  }
};

} // namespace xfuse::device
