// A pointwise kernel as a compile-time chain of stages over x viewed as
// [rows, kDim], one row per token: every elementwise op, positional
// encoding, RoPE and norm that --xfuse-form-kernels puts in one
// xkernel.pointwise. The chain reads x once, applies the stages in f32 in
// registers and writes y once; intermediates are never rounded to T.
//
// A stage is a trivially copyable struct with
//   static constexpr bool kReducesRow; // needs the whole row (a norm)
//   static constexpr int kGranule;     // vectors must divide this extent
// and, for an elementwise stage (kReducesRow = false), its update of the
// features [col, col + N) of `row` in two steps: prepare loads or computes
// the operands that depend on the row and column (PE: the sincos), apply
// combines them with the values. The periodic walk below prepares once for
// rows that share their operands.
//   std::int64_t rowPeriod() const;  // host: its operands depend on the row
//                                    // only through row % period (0: no
//                                    // period, 1: not on the row at all)
//   template <int N> __device__ auto prepare(std::int64_t row, int col) const;
//   template <int N, typename Operand>
//   __device__ void apply(float (&v)[N], const Operand &) const;
// A row-reducing stage (NormStage, RowNorm.h) instead takes the thread's
// whole share of the row. A RopeStage (RoPE.h; at most one per chain, its
// rows of kHeads x kHeadDim = kDim features) pairs vectors that the walks
// below would give different threads, so chains with one work in units of
// paired vectors (ChannelPairing, ChainUnit in RoPE.h), to which the other
// stages apply vector by vector.
//
// Launch shapes:
//   launchElementwise (GridStride.h) for chains without a row-reducing
//     stage: with a RoPE stage, its walk (RopeWalk in RoPE.h: the cos/sin
//     of a token's channel computed once for several heads). Else, where
//     the stages' operands repeat with a period of P rows
//     (token % seqLen positions, a broadcast operand) and the rows span at
//     least two periods, the periodic walk: a thread takes one vector
//     position of one row residue and kPeriodicRows rows P apart, prepares
//     the operands once (PE: the sincos) and applies them to all of those
//     rows, their loads in flight together. Otherwise a flat grid-stride
//     loop over 16-byte vectors.
//   launchRowChain<kThreads>: one block per row holding the row in
//     registers (thread t its units t + i * kThreads), for chains with a
//     row-reducing stage (rows_per_block = 1 in the plan).
// x, y and every operand must be aligned to 16 bytes; y may alias x.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/Epilogue.h"
#include "cuda/device/GridStride.h"
#include "cuda/device/Launch.h"
#include "cuda/device/LearnedPE.h"
#include "cuda/device/RoPE.h"
#include "cuda/device/RowNorm.h"
#include "cuda/device/SinusoidalPE.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <type_traits>

namespace xfuse::device {

// ---- elementwise stages ----------------------------------------------------

/// prepare() results: nothing, or N f32 operands.
struct NoOperand {};
template <int N> struct FloatOperand {
  float v[N];
};

/// Host: the period of two stages' operands together (0: none).
inline std::int64_t combinedRowPeriod(std::int64_t a, std::int64_t b) {
  if (a <= 0 || b <= 0)
    return 0;
  const std::int64_t g = std::gcd(a, b);
  if (a / g > (std::int64_t{1} << 40) / b)
    return 0; // too long to be of use
  return a / g * b;
}

template <Activation kAct> struct ActivationStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  std::int64_t rowPeriod() const { return 1; }
  template <int N> __device__ NoOperand prepare(std::int64_t, int) const {
    return {};
  }
  template <int N>
  __device__ void apply(float (&v)[N], const NoOperand &) const {
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] = activate<kAct>(v[t]);
  }
};

/// v += other, with `other` broadcast over the leading dimensions it lacks
/// (xfuse.add): other holds `periodRows` rows of the row length, repeated,
/// or, with periodRows = 0, one scalar.
template <typename T> struct AddStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  const T *other;
  std::int64_t periodRows;
  int rowLength;

  std::int64_t rowPeriod() const { return periodRows == 0 ? 1 : periodRows; }
  template <int N>
  __device__ FloatOperand<N> prepare(std::int64_t row, int col) const {
    FloatOperand<N> o;
    if (periodRows == 0) {
      const float scalar = toFloat(*other);
#pragma unroll
      for (int t = 0; t < N; ++t)
        o.v[t] = scalar;
    } else {
      loadFloats<N>(other + (row % periodRows) * rowLength + col, o.v);
    }
    return o;
  }
  template <int N>
  __device__ void apply(float (&v)[N], const FloatOperand<N> &o) const {
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] += o.v[t];
  }
};

/// xfuse.gate, the gated product `gating` (Epilogue.h: ActivatedGate,
/// ClampedSwiGlu) with the chain's value as the gate (kChainIsGate) or as
/// up, `other` (of the chain's shape) the other one.
template <typename T, typename Gating, bool kChainIsGate> struct GateStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  const T *other;
  int rowLength;
  Gating gating;

  std::int64_t rowPeriod() const { return 0; } // of the chain's shape
  template <int N>
  __device__ FloatOperand<N> prepare(std::int64_t row, int col) const {
    FloatOperand<N> o;
    loadFloats<N>(other + row * rowLength + col, o.v);
    return o;
  }
  template <int N>
  __device__ void apply(float (&v)[N], const FloatOperand<N> &o) const {
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] = kChainIsGate ? gating(v[t], o.v[t]) : gating(o.v[t], v[t]);
  }
};

/// xfuse.sinusoidal_pe: v = scale * v + PE(pos) (SinusoidalPE.h).
template <int kDim, SinusoidalLayout kLayout, typename PosT>
struct SinusoidalStage {
  static constexpr bool kReducesRow = false;
  // Half layouts: a vector must not straddle the sin and cos halves (nor,
  // for an odd fairseq kDim, reach its padding feature: gcd(kDim, kDim / 2)
  // is then 1).
  static constexpr int kGranule =
      kLayout == SinusoidalLayout::kInterleaved ? kDim : kDim / 2;

  const float2 *frequencies; // [kDim / 2] {hi, lo}
  TokenPositions<PosT> positions;
  float scale;

  // Implicit positions (token % seqLen) repeat every seqLen rows.
  std::int64_t rowPeriod() const {
    return positions.positions ? 0 : positions.seqLen;
  }
  template <int N>
  __device__ FloatOperand<N> prepare(std::int64_t row, int col) const {
    FloatOperand<N> pe;
    sinusoidalValues<kDim, kLayout>(pe.v, static_cast<float>(positions(row)),
                                    col, frequencies);
    return pe;
  }
  template <int N>
  __device__ void apply(float (&v)[N], const FloatOperand<N> &pe) const {
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] = fmaf(scale, v[t], pe.v[t]);
  }
};

/// xfuse.learned_pe: v += table[clamp(pos)] (LearnedPE.h).
template <typename T, int kDim, int kMaxPositions, typename PosT>
struct LearnedStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  const T *table; // [kMaxPositions, kDim]
  TokenPositions<PosT> positions;

  std::int64_t rowPeriod() const {
    return positions.positions ? 0 : positions.seqLen;
  }
  template <int N>
  __device__ FloatOperand<N> prepare(std::int64_t row, int col) const {
    FloatOperand<N> pe;
    loadFloats<N>(
        table + clampedTableRow<kMaxPositions>(positions(row)) * kDim + col,
        pe.v);
    return pe;
  }
  template <int N>
  __device__ void apply(float (&v)[N], const FloatOperand<N> &pe) const {
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] += pe.v[t];
  }
};

// ---- the chain -------------------------------------------------------------

/// Stages applied in order; the empty list is the identity.
template <typename... Stages> struct StageList {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 0; // gcd identity

  template <int kThreads, typename Unit, int kUnits>
  __device__ void applyToRow(Unit (&)[kUnits], std::int64_t) const {}
  template <typename Unit, typename Rotation>
  __device__ void applyToUnit(Unit &, std::int64_t, const Rotation &) const {}

  std::int64_t rowPeriod() const { return 1; }
  template <int N> __device__ NoOperand prepare(std::int64_t, int) const {
    return {};
  }
  template <int N>
  __device__ void apply(float (&)[N], const NoOperand &) const {}
};

template <typename First, typename Rest> struct OperandPair {
  First first;
  Rest rest;
};

/// An elementwise stage on each vector of `unit`, a unit of row `row`.
template <typename Stage, typename Unit>
__device__ void applyElementwise(const Stage &stage, Unit &unit,
                                 std::int64_t row) {
  unit.forEachVector([&](float(&v)[Unit::kVec], int col) {
    stage.apply(v, stage.template prepare<Unit::kVec>(row, col));
  });
}

template <typename First, typename... Rest>
struct StageList<First, Rest...> {
  static constexpr bool kReducesRow =
      First::kReducesRow || StageList<Rest...>::kReducesRow;
  static constexpr int kGranule =
      std::gcd(First::kGranule, StageList<Rest...>::kGranule);

  First first;
  StageList<Rest...> rest;

  StageList() = default;
  __host__ __device__ explicit StageList(First f, Rest... r)
      : first(f), rest(r...) {}

  /// Row-per-block chains: the stages in order on the thread's units of
  /// row `row`.
  template <int kThreads, typename Unit, int kUnits>
  __device__ void applyToRow(Unit (&units)[kUnits], std::int64_t row) const {
    if constexpr (First::kReducesRow) {
      first.template operator()<kThreads>(units);
    } else if constexpr (IsRopeStage<First>::value) {
      first.template rotateRow<kThreads>(units, row);
    } else {
#pragma unroll
      for (int i = 0; i < kUnits; ++i)
        applyElementwise(first, units[i], row);
    }
    rest.template applyToRow<kThreads>(units, row);
  }

  /// The RoPE walk: the stages in order on one unit of row `row`, rotated
  /// by `rotation` (the RoPE stage's rotation of this unit).
  template <typename Unit, typename Rotation>
  __device__ void applyToUnit(Unit &unit, std::int64_t row,
                              const Rotation &rotation) const {
    static_assert(!First::kReducesRow,
                  "a norm needs the whole row: launchRowChain");
    if constexpr (IsRopeStage<First>::value) {
      if (unit.rotated())
        first.rotate(unit, rotation);
    } else {
      applyElementwise(first, unit, row);
    }
    rest.applyToUnit(unit, row, rotation);
  }

  /// The chain's RoPE stage.
  __host__ __device__ const auto &rope() const {
    if constexpr (IsRopeStage<First>::value)
      return first;
    else
      return rest.rope();
  }

  /// Elementwise chains: the stages' operands of one vector of a row, and
  /// their application.
  std::int64_t rowPeriod() const {
    return combinedRowPeriod(first.rowPeriod(), rest.rowPeriod());
  }
  template <int N>
  __device__ auto prepare(std::int64_t row, int col) const {
    auto f = first.template prepare<N>(row, col);
    auto r = rest.template prepare<N>(row, col);
    return OperandPair<decltype(f), decltype(r)>{f, r};
  }
  template <int N, typename Operand>
  __device__ void apply(float (&v)[N], const Operand &operand) const {
    first.apply(v, operand.first);
    rest.apply(v, operand.rest);
  }
};

template <typename Chain, int kRowsPerItem> struct PeriodicRowWalk;

// Rows of one vector position that the periodic walk gives one thread: 4
// loads in flight per item beat 8 and 16 on the H100, which hold more
// registers and leave fewer items to spread over the grid
// (docs/perf-notes.md, end-to-end attempt 5).
inline constexpr int kPeriodicRows = 4;

/// The units of a chain's rows: those of its RoPE stage, else vectors.
template <typename Rope, int kDim, int kVec> struct ChainPairing {
  using type = typename Rope::template Pairing<kVec>;
};
template <int kDim, int kVec> struct ChainPairing<void, kDim, kVec> {
  using type = ChannelPairing<1, kDim, 0, RopeStyle::kNeox, kVec>;
};

template <typename T, int kDim, typename... Stages> struct RowChain {
  static_assert(kDim > 0, "empty rows");
  using Element = T;
  using List = StageList<Stages...>;
  static constexpr int kVec = vecWidthFor<T>(std::gcd(kDim, List::kGranule));
  static constexpr int kVecsPerRow = kDim / kVec;

  using Rope = typename RopeStageOf<Stages...>::type;
  static constexpr bool kHasRope = !std::is_void_v<Rope>;
  static_assert((0 + ... + IsRopeStage<Stages>::value) <= 1,
                "one RoPE stage per chain");
  using Pairing = typename ChainPairing<Rope, kDim, kVec>::type;
  static_assert(Pairing::kRowLength == kDim,
                "a RoPE chain's rows are tokens of heads x head_dim features");

  const T *x;
  T *y;
  std::int64_t rows;
  List stages;

  // ---- flat grid-stride loop (GridStride.h) ----
  using Loaded = Vec<T, kVec>;

  std::int64_t numItems() const {
    static_assert(!List::kReducesRow,
                  "a chain with a norm runs one block per row: "
                  "launchRowChain");
    static_assert(!kHasRope, "a RoPE chain runs its own walk: RopeWalk");
    return rows * kVecsPerRow;
  }

  // Index: 32-bit where the item count allows (GridStride.h), so that the
  // row / column split is a 32-bit multiply-high, not a 64-bit one.
  template <typename Index> __device__ Loaded load(Index item) const {
    return loadVec<kVec>(x + static_cast<std::int64_t>(item) * kVec);
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    const Index row = item / kVecsPerRow;
    const int col = static_cast<int>(item - row * kVecsPerRow) * kVec;
    applyAndStore(in, row, col, stages.template prepare<kVec>(row, col));
  }

  /// y[row, col..] = the stages, with their prepared operands, applied to
  /// `in` (x[row, col..]).
  template <typename Operand>
  __device__ void applyAndStore(const Vec<T, kVec> &in, std::int64_t row,
                                int col, const Operand &operand) const {
    float v[kVec];
    toFloats(in, v);
    stages.apply(v, operand);
    storeFloats<kVec>(y + row * kDim + col, v);
  }

  /// launchElementwise: the RoPE walk for a chain with RoPE; else the
  /// periodic walk where the operands repeat over at least two periods of
  /// rows, else the flat grid-stride loop.
  cudaError_t launch(cudaStream_t stream) const {
    if constexpr (kHasRope) {
      return launchGridStride(RopeWalk<RowChain>{*this}, stream);
    } else {
      const std::int64_t period = rows > 0 ? stages.rowPeriod() : 0;
      if (period > 0 && rows / period >= 2)
        return launchGridStride(
            PeriodicRowWalk<RowChain, kPeriodicRows>::of(*this, period),
            stream);
      return launchGridStride(*this, stream);
    }
  }

  // ---- one block per row ----
  template <int kThreads> __device__ void runRow(std::int64_t row) const {
    using Unit = ChainUnit<Pairing>;
    constexpr int kUnits = (Pairing::kUnitsPerRow + kThreads - 1) / kThreads;
    Unit units[kUnits];
#pragma unroll
    for (int i = 0; i < kUnits; ++i) {
      units[i] = Unit::at(threadIdx.x + i * kThreads);
      units[i].load(x + row * kDim);
    }
    stages.template applyToRow<kThreads>(units, row);
#pragma unroll
    for (int i = 0; i < kUnits; ++i)
      units[i].store(y + row * kDim);
  }
};

/// The periodic walk of a chain whose stages' operands repeat every `period`
/// rows: item (g, p, vec), vec fastest, is vector position `vec` of rows
/// p + (g * kRowsPerItem + k) * period, k < kRowsPerItem (those below
/// rows). The operands are prepared once per item.
template <typename Chain, int kRowsPerItem> struct PeriodicRowWalk {
  using T = typename Chain::Element;
  static constexpr int kVec = Chain::kVec;
  static constexpr int kVecsPerRow = Chain::kVecsPerRow;
  static constexpr int kDim = kVec * kVecsPerRow;
  static constexpr int kUnroll = 1; // an item is kRowsPerItem loads
  // One step per thread (GridStride.h): with DRAM-cold inputs on the H100
  // 0.0225 ms for the pe config against 0.0240 on the persistent grid
  // (copy of the same bytes 0.0212; docs/perf-notes.md, attempt 5).
  static constexpr bool kPersistent = false;

  Chain chain;
  std::int64_t period;    // in rows, 0 < period <= rows
  std::int64_t rowGroups; // ceil(ceil(rows / period) / kRowsPerItem)

  static PeriodicRowWalk of(const Chain &chain, std::int64_t period) {
    const std::int64_t perResidue = (chain.rows + period - 1) / period;
    return {chain, period, (perResidue + kRowsPerItem - 1) / kRowsPerItem};
  }

  std::int64_t numItems() const { return rowGroups * period * kVecsPerRow; }

  struct Loaded {
    Vec<T, kVec> v[kRowsPerItem];
  };

  /// The item's first row and column.
  template <typename Index>
  __device__ void place(Index item, std::int64_t &firstRow, int &col) const {
    const Index columns = static_cast<Index>(period) * kVecsPerRow;
    const Index group = item / columns;
    const Index c = item - group * columns;
    const Index residue = c / kVecsPerRow;
    col = static_cast<int>(c - residue * kVecsPerRow) * kVec;
    firstRow = static_cast<std::int64_t>(residue) +
               static_cast<std::int64_t>(group) * kRowsPerItem * period;
  }

  template <typename Index> __device__ Loaded load(Index item) const {
    std::int64_t row;
    int col;
    place(item, row, col);
    Loaded in;
#pragma unroll
    for (int k = 0; k < kRowsPerItem; ++k, row += period)
      if (row < chain.rows)
        in.v[k] = loadVec<kVec>(chain.x + row * kDim + col);
    return in;
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    std::int64_t row;
    int col;
    place(item, row, col);
    if (row >= chain.rows)
      return;
    // Prepared after the loads were issued: the sincos of PE then overlaps
    // their latency (preparing first measured slower).
    const auto operand = chain.stages.template prepare<kVec>(row, col);
#pragma unroll
    for (int k = 0; k < kRowsPerItem; ++k, row += period)
      if (row < chain.rows)
        chain.applyAndStore(in.v[k], row, col, operand);
  }
};

/// The chain of `stages` from x to y; T and kDim are given, the stage types
/// deduced.
template <typename T, int kDim, typename... Stages>
RowChain<T, kDim, Stages...> makeRowChain(const T *x, T *y, std::int64_t rows,
                                          Stages... stages) {
  return {x, y, rows, StageList<Stages...>(stages...)};
}

// Far more blocks than any GPU runs at once; more rows stride.
inline constexpr std::int64_t kRowChainMaxBlocks = 1 << 16;

template <int kThreads, typename Chain>
__global__ void __launch_bounds__(kThreads) rowChainKernel(const Chain chain) {
  waitForPrecedingKernels();
  for (std::int64_t row = blockIdx.x; row < chain.rows; row += gridDim.x)
    chain.template runRow<kThreads>(row);
}

/// Launches `chain` with one block of kThreads per row; returns the launch
/// error, if any.
template <int kThreads, typename Chain>
cudaError_t launchRowChain(const Chain &chain, cudaStream_t stream) {
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps");
  if (chain.rows == 0)
    return cudaSuccess;
  const auto blocks =
      static_cast<unsigned>(std::min(chain.rows, kRowChainMaxBlocks));
  return launchKernel(rowChainKernel<kThreads, Chain>,
                      {dim3(blocks), dim3(kThreads)}, stream, chain);
}

} // namespace xfuse::device
