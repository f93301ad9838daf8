// A pointwise kernel as a compile-time chain of stages over x viewed as
// [rows, kDim], one row per token: every elementwise op, positional
// encoding and norm that --xfuse-form-kernels puts in one xkernel.pointwise
// (RoPE excepted: it pairs features that different threads hold, and runs as
// its own block, RoPE.h). The chain reads x once, applies the stages in f32
// in registers and writes y once; intermediates are never rounded to T.
//
// A stage is a trivially copyable struct with
//   static constexpr bool kReducesRow; // needs the whole row (a norm)
//   static constexpr int kGranule;     // vectors must divide this extent
// and, for an elementwise stage (kReducesRow = false),
//   template <int N> __device__ void operator()(float (&v)[N],
//                                               std::int64_t row, int col);
// updating features [col, col + N) of `row`; a row-reducing stage
// (NormStage, RowNorm.h) instead takes the thread's whole share of the row.
//
// Launch shapes:
//   launchElementwise (GridStride.h): a flat grid-stride loop over 16-byte
//     vectors, for chains without a row-reducing stage;
//   launchRowChain<kThreads>: one block per row holding the row in
//     registers, for chains with one (rows_per_block = 1 in the plan).
// x, y and every operand must be aligned to 16 bytes; y may alias x.
#pragma once

#include "codegen/device/Angles.h"
#include "codegen/device/Epilogue.h"
#include "codegen/device/GridStride.h"
#include "codegen/device/LearnedPE.h"
#include "codegen/device/RowNorm.h"
#include "codegen/device/SinusoidalPE.h"
#include "codegen/device/Vector.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace xfuse::device {

// ---- elementwise stages ----------------------------------------------------

/// Loads N features of `ptr` as f32; `ptr` aligned to N elements.
template <int N, typename T>
__device__ inline void loadFloats(const T *ptr, float (&out)[N]) {
  const Vec<T, N> in = loadVec<N>(ptr);
#pragma unroll
  for (int t = 0; t < N; ++t)
    out[t] = toFloat(in[t]);
}

template <Activation kAct> struct ActivationStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t, int) const {
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

  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t row, int col) const {
    if (periodRows == 0) {
      const float scalar = toFloat(*other);
#pragma unroll
      for (int t = 0; t < N; ++t)
        v[t] += scalar;
      return;
    }
    float o[N];
    loadFloats<N>(other + (row % periodRows) * rowLength + col, o);
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] += o[t];
  }
};

/// xfuse.gate act(gate) * up with the chain's value as the gate
/// (kChainIsGate) or as up, `other` (of the chain's shape) the other one.
template <typename T, Activation kAct, bool kChainIsGate> struct GateStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  const T *other;
  int rowLength;

  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t row, int col) const {
    float o[N];
    loadFloats<N>(other + row * rowLength + col, o);
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] = kChainIsGate ? activate<kAct>(v[t]) * o[t]
                          : activate<kAct>(o[t]) * v[t];
  }
};

/// xfuse.sinusoidal_pe: v = scale * v + PE(pos) (SinusoidalPE.h).
template <int kDim, SinusoidalLayout kLayout, typename PosT>
struct SinusoidalStage {
  static constexpr bool kReducesRow = false;
  // Half layout: a vector must not straddle the sin and cos halves.
  static constexpr int kGranule =
      kLayout == SinusoidalLayout::kHalf ? kDim / 2 : kDim;

  const float2 *frequencies; // [kDim / 2] {hi, lo}
  TokenPositions<PosT> positions;
  float scale;

  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t row, int col) const {
    addSinusoidal<kDim, kLayout>(v, static_cast<float>(positions(row)), col,
                                 scale, frequencies);
  }
};

/// xfuse.learned_pe: v += table[clamp(pos)] (LearnedPE.h).
template <typename T, int kDim, int kMaxPositions, typename PosT>
struct LearnedStage {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 1;

  const T *table; // [kMaxPositions, kDim]
  TokenPositions<PosT> positions;

  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t row, int col) const {
    float pe[N];
    loadFloats<N>(
        table + clampedTableRow<kMaxPositions>(positions(row)) * kDim + col,
        pe);
#pragma unroll
    for (int t = 0; t < N; ++t)
      v[t] += pe[t];
  }
};

// ---- the chain -------------------------------------------------------------

/// Stages applied in order; the empty list is the identity.
template <typename... Stages> struct StageList {
  static constexpr bool kReducesRow = false;
  static constexpr int kGranule = 0; // gcd identity

  template <int N>
  __device__ void operator()(float (&)[N], std::int64_t, int) const {}
  template <int kThreads, int kVecsPerRow, int kPerThread, int kVec>
  __device__ void applyToRow(float (&)[kPerThread][kVec], std::int64_t) const {}
};

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

  /// Elementwise chains: one vector of a row.
  template <int N>
  __device__ void operator()(float (&v)[N], std::int64_t row, int col) const {
    first(v, row, col);
    rest(v, row, col);
  }

  /// Row-per-block chains: the thread's vectors threadIdx.x + i * kThreads
  /// of the row, those past its end (kVecsPerRow) left alone.
  template <int kThreads, int kVecsPerRow, int kPerThread, int kVec>
  __device__ void applyToRow(float (&v)[kPerThread][kVec],
                             std::int64_t row) const {
    if constexpr (First::kReducesRow) {
      first.template operator()<kThreads>(v);
    } else {
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
        const int vec = threadIdx.x + i * kThreads;
        if (vec < kVecsPerRow)
          first(v[i], row, vec * kVec);
      }
    }
    rest.template applyToRow<kThreads, kVecsPerRow>(v, row);
  }
};

template <typename T, int kDim, typename... Stages> struct RowChain {
  static_assert(kDim > 0, "empty rows");
  using List = StageList<Stages...>;
  static constexpr int kVec = vecWidthFor<T>(std::gcd(kDim, List::kGranule));
  static constexpr int kVecsPerRow = kDim / kVec;

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
    return rows * kVecsPerRow;
  }

  // Index: 32-bit where the item count allows (GridStride.h), so that the
  // row / column split is a 32-bit multiply-high, not a 64-bit one.
  template <typename Index> __device__ Loaded load(Index item) const {
    return loadVec<kVec>(x + static_cast<std::int64_t>(item) * kVec);
  }

  template <typename Index>
  __device__ void store(Index item, const Loaded &in) const {
    float v[kVec];
#pragma unroll
    for (int t = 0; t < kVec; ++t)
      v[t] = toFloat(in[t]);
    const Index row = item / kVecsPerRow;
    stages(v, static_cast<std::int64_t>(row),
           static_cast<int>(item - row * kVecsPerRow) * kVec);
    storeVec(y + static_cast<std::int64_t>(item) * kVec, toVec(v));
  }

  // ---- one block per row ----
  template <int kThreads> __device__ void runRow(std::int64_t row) const {
    constexpr int kPerThread = (kVecsPerRow + kThreads - 1) / kThreads;
    float v[kPerThread][kVec];
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int vec = threadIdx.x + i * kThreads;
      if (vec < kVecsPerRow)
        loadFloats<kVec>(x + row * kDim + vec * kVec, v[i]);
    }
    stages.template applyToRow<kThreads, kVecsPerRow>(v, row);
#pragma unroll
    for (int i = 0; i < kPerThread; ++i) {
      const int vec = threadIdx.x + i * kThreads;
      if (vec < kVecsPerRow)
        storeVec(y + row * kDim + vec * kVec, toVec(v[i]));
    }
  }

private:
  __device__ static Vec<T, kVec> toVec(const float (&v)[kVec]) {
    Vec<T, kVec> out;
#pragma unroll
    for (int t = 0; t < kVec; ++t)
      out[t] = fromFloat<T>(v[t]);
    return out;
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
  rowChainKernel<kThreads><<<blocks, kThreads, 0, stream>>>(chain);
  return cudaGetLastError();
}

} // namespace xfuse::device
