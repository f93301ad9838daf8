// The Hopper (sm_90a) GEMM main loop: C_tile = A_tile . B_tile^T for one
// thread block, accumulated in f32 registers by wgmma, with TMA copies into
// 128-byte-swizzled shared memory. The counterpart of GemmSm80Mainloop; the
// kernel around it and the epilogue are in Sm90Gemm.h.
//
// Operands (bf16): A [m, k] row-major (activations) and B [n, k] row-major,
// the packed weight layout (runtime/WeightPacking.h). Both are K-major, the
// layout wgmma reads without a transpose.
//
// Roles (warp-specialized): warpgroup 0 is the producer, whose one thread
// walks k and issues two TMA copies per k-tile (A box, B box) into a ring
// of kStages shared-memory stages; warpgroups 1..kConsumers are consumers,
// each owning 64 rows of the tile. Every stage has two mbarriers:
//   full[s]  completes when the copies into stage s have landed
//            (one expect_tx arrival + the TMA transaction bytes);
//   empty[s] completes when every consumer warp has finished reading it
//            (one arrival per consumer warp).
// A consumer issues the four k16 wgmmas of a k-tile as one group, keeps it
// in flight while it waits for the next stage, and releases a stage only
// once the group that read it has retired (wgmma.wait_group 1).
#pragma once

#include "codegen/device/Sm90Primitives.h"

#include <cuda_bf16.h>

#include <cstddef>
#include <cstdint>

namespace xfuse::device {

/// Tile shape of a Hopper GEMM block: kBlockM x kBlockN outputs, k-tiles of
/// 64 (one 128-byte swizzle row of bf16), kStages pipeline stages, one
/// consumer warpgroup per 64 rows.
template <int kBlockM_, int kBlockN_, int kStages_> struct Sm90GemmTile {
  static constexpr int kBlockM = kBlockM_;
  static constexpr int kBlockN = kBlockN_;
  static constexpr int kBlockK = 64;
  static constexpr int kStages = kStages_;
  static constexpr int kConsumers = kBlockM / 64;
  static constexpr int kThreads = 128 * (1 + kConsumers);

  static_assert(kBlockM == 64 || kBlockM == 128,
                "one or two consumer warpgroups of 64 rows");
  // wgmma's n of 64..256, and a TMA box of at most 256 rows.
  static_assert(kBlockN == 64 || kBlockN == 128 || kBlockN == 256,
                "kBlockN must be 64, 128 or 256");
  static_assert(kStages >= 2, "the pipeline needs at least two stages");
};

template <typename Tile> struct GemmSm90Mainloop {
  using T = __nv_bfloat16;
  static constexpr int kATileBytes = Tile::kBlockM * Tile::kBlockK * 2;
  static constexpr int kBTileBytes = Tile::kBlockN * Tile::kBlockK * 2;
  static constexpr int kStageBytes = kATileBytes + kBTileBytes;
  // Swizzled tiles must start on 1024-byte boundaries (the swizzle pattern
  // repeats every 8 rows of 128 bytes).
  static_assert(kATileBytes % 1024 == 0 && kBTileBytes % 1024 == 0);
  static constexpr int kSmemAlignment = 1024;
  /// Dynamic shared memory to launch with: the stages, the barriers, and
  /// slack to align the base (dynamic shared memory is only 16-byte
  /// aligned).
  static constexpr std::size_t kSmemBytes =
      static_cast<std::size_t>(kStageBytes) * Tile::kStages +
      2 * Tile::kStages * sizeof(sm90::Mbarrier) + kSmemAlignment;
  static_assert(kSmemBytes <= 227 * 1024, "more than a block's shared memory");

  /// The 64 x kBlockN accumulators of one consumer warpgroup, per thread in
  /// the wgmma D layout (see sm90::Wgmma).
  struct Accumulators {
    float d[Tile::kBlockN / 2];
  };

  /// The shared-memory ring: stage s holds the A tile then the B tile.
  struct Pipeline {
    unsigned char *stages;
    sm90::Mbarrier *full;
    sm90::Mbarrier *empty;

    __device__ unsigned char *aTile(int s) const {
      return stages + s * kStageBytes;
    }
    __device__ unsigned char *bTile(int s) const {
      return aTile(s) + kATileBytes;
    }
  };

  /// Where a role stands in the ring: its `iteration`-th use of a stage,
  /// counted over all tiles of a persistent block, is stage
  /// iteration % kStages in round iteration / kStages.
  struct PipelineState {
    int iteration = 0;

    __device__ int stage() const { return iteration % Tile::kStages; }
    __device__ std::uint32_t roundParity() const {
      return (iteration / Tile::kStages) & 1;
    }
  };

  /// Lays out the ring in `smem` (kSmemBytes of dynamic shared memory) and
  /// initializes the barriers. Every thread of the block must call it: it
  /// ends with __syncthreads().
  __device__ static Pipeline initPipeline(unsigned char *smem) {
    const std::uint32_t misalignment =
        sm90::sharedAddress(smem) % kSmemAlignment;
    Pipeline pipe;
    pipe.stages =
        smem + (misalignment ? kSmemAlignment - misalignment : 0);
    pipe.full = reinterpret_cast<sm90::Mbarrier *>(
        pipe.stages + static_cast<std::size_t>(kStageBytes) * Tile::kStages);
    pipe.empty = pipe.full + Tile::kStages;
    if (threadIdx.x == 0) {
      for (int s = 0; s < Tile::kStages; ++s) {
        pipe.full[s].init(1);
        pipe.empty[s].init(4 * Tile::kConsumers);
      }
      sm90::fenceBarrierInit();
    }
    __syncthreads();
    return pipe;
  }

  /// The producer of one tile: run by a single thread. Fills the next
  /// kTiles stages with the k-tiles of A rows [row0, row0 + kBlockM) and
  /// B rows [col0, col0 + kBlockN), each once the consumers released it.
  __device__ static void produce(const Pipeline &pipe, const CUtensorMap *a,
                                 const CUtensorMap *b, int row0, int col0,
                                 int kTiles, PipelineState &state) {
    for (int kt = 0; kt < kTiles; ++kt, ++state.iteration) {
      const int s = state.stage();
      // Round r reuses the stage the consumers released in round r - 1;
      // round 0 waits for parity 1, which a fresh barrier passes at once.
      pipe.empty[s].wait(state.roundParity() ^ 1);
      pipe.full[s].arriveExpectTx(kStageBytes);
      const int k0 = kt * Tile::kBlockK;
      sm90::tmaLoad2d(pipe.aTile(s), a, &pipe.full[s], k0, row0);
      sm90::tmaLoad2d(pipe.bTile(s), b, &pipe.full[s], k0, col0);
    }
  }

  /// A consumer warpgroup (`consumer` in [0, kConsumers), all 128 threads)
  /// on one tile: acc = rows [64 consumer, 64 consumer + 64) of
  /// A_tile . B_tile^T over the next kTiles stages. Every stage is released
  /// before it returns, so the producer can load the next tile while the
  /// epilogue runs.
  __device__ static void consume(const Pipeline &pipe, int consumer,
                                 int kTiles, Accumulators &acc,
                                 PipelineState &state) {
#pragma unroll
    for (int i = 0; i < Tile::kBlockN / 2; ++i)
      acc.d[i] = 0.0f;
    const bool releasesStages = threadIdx.x % 32 == 0;
    int previous = -1; // the stage read by the group still in flight
    for (int kt = 0; kt < kTiles; ++kt, ++state.iteration) {
      const int s = state.stage();
      pipe.full[s].wait(state.roundParity());
      mmaStage(pipe, s, consumer, acc);
      // The group just issued stays in flight; the one before it has
      // retired, so its stage may be refilled.
      sm90::wgmmaWaitGroup<1>();
      fenceAccumulators(acc);
      if (previous >= 0 && releasesStages)
        pipe.empty[previous].arrive();
      previous = s;
    }
    sm90::wgmmaWaitGroup<0>();
    fenceAccumulators(acc);
    if (releasesStages)
      pipe.empty[previous].arrive();
  }

private:
  __device__ static void fenceAccumulators(Accumulators &acc) {
#pragma unroll
    for (int i = 0; i < Tile::kBlockN / 2; ++i)
      sm90::fenceRegister(acc.d[i]);
  }

  /// Issues the kBlockK / 16 wgmmas of stage s as one committed group.
  __device__ static void mmaStage(const Pipeline &pipe, int s, int consumer,
                                  Accumulators &acc) {
    // This warpgroup's 64 rows of A start 64 rows x 128 bytes further in.
    const std::uint64_t aDesc = sm90::sw128KMajorDescriptor(
        pipe.aTile(s) + consumer * 64 * Tile::kBlockK * 2);
    const std::uint64_t bDesc = sm90::sw128KMajorDescriptor(pipe.bTile(s));
    fenceAccumulators(acc);
    sm90::wgmmaFence();
#pragma unroll
    for (int kk = 0; kk < Tile::kBlockK / 16; ++kk) {
      // 16 bf16 = 32 bytes further along the row: +2 in the descriptor's
      // 16-byte address units.
      sm90::Wgmma<Tile::kBlockN>::mma(acc.d, aDesc + 2 * kk, bDesc + 2 * kk);
    }
    sm90::wgmmaCommitGroup();
  }
};

} // namespace xfuse::device
