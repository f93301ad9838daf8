// The sm_80+ tensor-core GEMM main loop: C_tile = A_tile . B_tile^T for one
// thread block, accumulated in f32 registers. Kept apart from the kernel and
// its epilogue so that a Hopper (wgmma + TMA) main loop can replace it.
//
// Operands (16-bit, bf16 or f16):
//   A [m, k] row-major (activations),
//   B [n, k] row-major, i.e. k contiguous: the packed weight layout (see
//     runtime/WeightPacking.h). Each 8-row slice of a B tile is exactly the
//     column-major 16x8 operand mma.sync wants, so ldmatrix loads B without
//     a transpose.
//   kNumB = 2 runs two B operands (gate, up) against the same A fragments.
// Requirements: k % 8 == 0 (a 16-byte cp.async chunk never straddles the end
// of a row), n % 8 == 0, A and B aligned to 16 bytes. m is arbitrary: rows
// of a partial tile are zero-filled and never stored.
//
// Pipeline: kStages shared-memory stages filled by cp.async; while the
// warps run the mma.sync of stage s, the copies of the next kStages - 1
// k-tiles are in flight.
#pragma once

#include "cuda/device/GemmLimits.h"
#include "cuda/device/Sm80Primitives.h"

#include <cstddef>
#include <cstdint>

namespace xfuse::device {

/// Tile shape of a thread block: a kBlockM x kBlockN output tile, k-tiles of
/// kBlockK, kStages pipeline stages, kWarpsM x kWarpsN warps each owning a
/// (kBlockM / kWarpsM) x (kBlockN / kWarpsN) sub-tile. What the main loop
/// can run is gemm::unsupportedReason's (GemmLimits.h) for config().
template <int kBlockM_, int kBlockN_, int kBlockK_, int kStages_,
          int kWarpsM_, int kWarpsN_>
struct GemmTile {
  static constexpr int kBlockM = kBlockM_;
  static constexpr int kBlockN = kBlockN_;
  static constexpr int kBlockK = kBlockK_;
  static constexpr int kStages = kStages_;
  static constexpr int kWarpsM = kWarpsM_;
  static constexpr int kWarpsN = kWarpsN_;
  static constexpr int kThreads = kWarpsM * kWarpsN * 32;
  static constexpr int kWarpM = kBlockM / kWarpsM;
  static constexpr int kWarpN = kBlockN / kWarpsN;
  static constexpr int kMmaM = kWarpM / 16; // m16 tiles per warp
  static constexpr int kMmaN = kWarpN / 8;  // n8 tiles per warp

  /// The plan's statement of this tile for `products` B operands of
  /// `elementBytes`-byte elements.
  static constexpr gemm::Config config(int products, int elementBytes) {
    return {gemm::Mainloop::kMmaSync, kBlockM, kBlockN, kBlockK, kStages,
            /*warpgroups=*/0, kWarpsM, kWarpsN, /*splitK=*/1,
            /*clusterM=*/1, /*pingPong=*/false, products, elementBytes};
  }
};

/// A [kRows, kCols] tile of 16-bit elements in shared memory whose 16-byte
/// chunks are XOR-swizzled: chunk c of row r lives at chunk
/// c ^ ((r / kRowsPerLine) % kChunks). ldmatrix reads one chunk from each of
/// 8 consecutive rows; unswizzled, those rows would sit in the same banks.
/// With the swizzle the 8 chunks cover all 32 banks exactly once.
template <int kRows, int kCols> struct SwizzledTile {
  static constexpr int kChunks = kCols / 8;
  static constexpr int kRowsPerLine = kChunks >= 8 ? 1 : 8 / kChunks;
  static constexpr int kElements = kRows * kCols;
  static_assert(kChunks == 2 || kChunks == 4 || kChunks == 8,
                "the XOR swizzle needs a power-of-two chunk count");

  __device__ static int offset(int row, int chunk) {
    return row * kCols + ((chunk ^ ((row / kRowsPerLine) % kChunks)) * 8);
  }
};

template <typename Tile, typename T, int kNumB> struct GemmSm80Mainloop {
  static constexpr gemm::Config kConfig =
      Tile::config(kNumB, static_cast<int>(sizeof(T)));
  static_assert(gemm::unsupportedReason(kConfig) == nullptr,
                "the mma.sync main loop cannot run this tile: see "
                "gemm::unsupportedReason in GemmLimits.h");
  using ATile = SwizzledTile<Tile::kBlockM, Tile::kBlockK>;
  using BTile = SwizzledTile<Tile::kBlockN, Tile::kBlockK>;
  static constexpr int kStageElements =
      ATile::kElements + kNumB * BTile::kElements;
  static constexpr std::size_t kSmemBytes =
      sizeof(T) * kStageElements * Tile::kStages;

  /// Per-thread accumulators of the warp's sub-tile, in mma.sync D layout.
  struct Accumulators {
    float frag[kNumB][Tile::kMmaM][Tile::kMmaN][4];
  };

  struct Operands {
    const T *a;
    const T *b[kNumB];
    int m, n, k;
  };

  __device__ static void run(T *smem, const Operands &ops, int row0, int col0,
                             Accumulators &acc) {
#pragma unroll
    for (int b = 0; b < kNumB; ++b)
#pragma unroll
      for (int mi = 0; mi < Tile::kMmaM; ++mi)
#pragma unroll
        for (int ni = 0; ni < Tile::kMmaN; ++ni)
#pragma unroll
          for (int r = 0; r < 4; ++r)
            acc.frag[b][mi][ni][r] = 0.0f;

    const int kTiles = (ops.k + Tile::kBlockK - 1) / Tile::kBlockK;
    auto loadStage = [&](int kTile) {
      T *stage = smem + (kTile % Tile::kStages) * kStageElements;
      const int k0 = kTile * Tile::kBlockK;
      loadTile<ATile>(stage, ops.a + static_cast<std::int64_t>(row0) * ops.k,
                      ops.m - row0, ops.k, k0);
#pragma unroll
      for (int b = 0; b < kNumB; ++b)
        loadTile<BTile>(stage + ATile::kElements + b * BTile::kElements,
                        ops.b[b] + static_cast<std::int64_t>(col0) * ops.k,
                        ops.n - col0, ops.k, k0);
    };

    // Prologue: put kStages - 1 k-tiles in flight. Every step commits one
    // group, even an empty one, so that "group i holds k-tile i" and
    // cpAsyncWait<kStages - 2> below always means "k-tile kt has landed".
#pragma unroll
    for (int s = 0; s < Tile::kStages - 1; ++s) {
      if (s < kTiles)
        loadStage(s);
      sm80::cpAsyncCommit();
    }

    const int warp = threadIdx.x / 32;
    const int warpRow = (warp % Tile::kWarpsM) * Tile::kWarpM;
    const int warpCol = (warp / Tile::kWarpsM) * Tile::kWarpN;
    for (int kt = 0; kt < kTiles; ++kt) {
      sm80::cpAsyncWait<Tile::kStages - 2>();
      // Makes k-tile kt visible to all warps, and guarantees that all warps
      // are done with k-tile kt - 1, whose stage the next load overwrites.
      __syncthreads();
      if (kt + Tile::kStages - 1 < kTiles)
        loadStage(kt + Tile::kStages - 1);
      sm80::cpAsyncCommit();
      computeStage(smem + (kt % Tile::kStages) * kStageElements, warpRow,
                   warpCol, acc);
    }
    // Only empty groups can remain; drain them so that no copy outlives the
    // loop (the epilogue may reuse shared memory).
    sm80::cpAsyncWait<0>();
  }

private:
  /// Copies rows [0, rowsLeft) and columns [k0, k0 + kBlockK) ∩ [0, k) of
  /// the row-major `origin` (leading dimension k) into a swizzled tile,
  /// zero-filling everything outside.
  template <typename SmemTile>
  __device__ static void loadTile(T *tile, const T *origin, int rowsLeft,
                                  int k, int k0) {
    constexpr int kChunksTotal = SmemTile::kElements / 8;
#pragma unroll
    for (int i = 0; i < kChunksTotal / Tile::kThreads; ++i) {
      const int chunkId = threadIdx.x + i * Tile::kThreads;
      const int row = chunkId / SmemTile::kChunks;
      const int chunk = chunkId % SmemTile::kChunks;
      const int col = k0 + chunk * 8;
      const bool valid = row < rowsLeft && col < k;
      // Row 0 of the tile always exists, so `origin` is a safe dummy source.
      const T *src =
          valid ? origin + static_cast<std::int64_t>(row) * k + col : origin;
      sm80::cpAsync16(tile + SmemTile::offset(row, chunk), src, valid);
    }
  }

  __device__ static void computeStage(const T *stage, int warpRow,
                                      int warpCol, Accumulators &acc) {
    const int lane = threadIdx.x % 32;
#pragma unroll
    for (int kk = 0; kk < Tile::kBlockK / 16; ++kk) {
      // A: matrices (rows 0-7 | 8-15) x (k 0-7 | 8-15) in a0..a3 order;
      // lane l addresses row l % 16, k-chunk l / 16.
      std::uint32_t a[Tile::kMmaM][4];
#pragma unroll
      for (int mi = 0; mi < Tile::kMmaM; ++mi)
        sm80::ldmatrixX4(a[mi], stage + ATile::offset(warpRow + mi * 16 +
                                                          lane % 16,
                                                      kk * 2 + lane / 16));
#pragma unroll
      for (int b = 0; b < kNumB; ++b) {
        const T *bStage = stage + ATile::kElements + b * BTile::kElements;
#pragma unroll
        for (int nj = 0; nj < Tile::kMmaN / 2; ++nj) {
          // B: matrices (n 0-7, k 0-7), (n 0-7, k 8-15), (n 8-15, k 0-7),
          // (n 8-15, k 8-15): the {b0, b1} fragments of two n8 tiles.
          std::uint32_t bFrag[4];
          sm80::ldmatrixX4(bFrag,
                           bStage + BTile::offset(warpCol + nj * 16 +
                                                      lane % 8 +
                                                      (lane / 16) * 8,
                                                  kk * 2 + (lane / 8) % 2));
#pragma unroll
          for (int mi = 0; mi < Tile::kMmaM; ++mi) {
            sm80::mma16816<T>(acc.frag[b][mi][2 * nj], a[mi], bFrag[0],
                              bFrag[1]);
            sm80::mma16816<T>(acc.frag[b][mi][2 * nj + 1], a[mi], bFrag[2],
                              bFrag[3]);
          }
        }
      }
    }
  }
};

} // namespace xfuse::device
