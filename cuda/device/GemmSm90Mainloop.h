// The Hopper (sm_90a) GEMM main loop: C_tile = A_tile . B_tile^T for one
// thread block, accumulated in f32 registers by wgmma, with TMA copies into
// 128-byte-swizzled shared memory. The counterpart of GemmSm80Mainloop; the
// kernel around it is in Sm90Gemm.h, the epilogue in Sm90Epilogue.h.
//
// Operands (bf16): A [m, k] row-major (activations) and B [n, k] row-major,
// the packed weight layout (runtime/WeightPacking.h). Both are K-major, the
// layout wgmma reads without a transpose.
//
// Roles (warp-specialized): warpgroup 0 is the producer, whose one thread
// walks k and issues 1 + kNumB TMA copies per k-tile (the A box and one box
// per B operand: kNumB = 2 is the gated product, gate and up read with the
// same A tile) into a ring of kStages shared-memory stages; warpgroups
// 1..kConsumers are consumers. Two schedules (Sm90Schedule):
//   kCooperative: every consumer works on every tile, 64 rows each;
//   kPingPong:    two consumers take alternate tiles, each all kBlockM rows,
//                 so one runs its epilogue while the other runs the MMAs of
//                 the next tile. Their main loops take turns (turn barriers
//                 in the Pipeline), which also keeps a consumer from waiting
//                 on a stage two rounds ahead of its barrier's phase.
// Every stage has two mbarriers:
//   full[s]  completes when the copies into stage s have landed
//            (one expect_tx arrival + the TMA transaction bytes);
//   empty[s] completes when every warp reading it has finished
//            (one arrival per warp of the consumers of that tile).
// A consumer issues the four k16 wgmmas of a k-tile as one group, keeps it
// in flight while it waits for the next stage, and releases a stage only
// once the group that read it has retired (wgmma.wait_group 1).
//
// Clusters (kCluster = 2): the two blocks of a cluster work on vertically
// adjacent tiles (same columns), so they need the same B tiles. Each
// block's producer loads its own A box and half of each B tile, multicast
// into both blocks' stage; a stage is refilled only once the consumers of
// both blocks released it (their warps arrive on both blocks' empty[s]).
// Each block thus reads half the B bytes from L2.
#pragma once

#include "cuda/device/GemmLimits.h"
#include "cuda/device/Sm90Primitives.h"
#include "cuda/device/StaticFor.h"

#include <cuda_bf16.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace xfuse::device {

/// How the consumer warpgroups share the tiles of a persistent block.
enum class Sm90Schedule { kCooperative, kPingPong };

/// How the epilogue writes C (Sm90Epilogue.h):
///   kStaged: through two shared-memory buffers per consumer and TMA stores,
///            so a consumer is back at its MMAs while C is written (where
///            the stages leave room for the buffers; else as kDirect);
///   kStagedWholeTile: as kStaged, but the epilogue of all the tile's boxes
///            runs before the first box is staged, so that the epilogue's
///            operand loads (bias) of every box are in flight together
///            instead of each box's behind the previous box's barriers;
///   kDirect: 16-byte stores from registers.
enum class Sm90Store { kStaged, kStagedWholeTile, kDirect };

/// Tile shape of a Hopper GEMM block: kBlockM x kBlockN outputs, k-tiles of
/// 64 (one 128-byte swizzle row of bf16), kStages pipeline stages, the
/// consumer schedule: cooperative (one consumer warpgroup per 64 rows of
/// the tile) or ping-pong (two consumers, each owning whole tiles), and how
/// the epilogue stores C. What the main loop can run is
/// gemm::unsupportedReason's (GemmLimits.h) for config().
template <int kBlockM_, int kBlockN_, int kStages_,
          Sm90Schedule kSchedule_ = Sm90Schedule::kCooperative,
          Sm90Store kStore_ = Sm90Store::kStaged, int kClusterM_ = 1>
struct Sm90GemmTile {
  static constexpr int kBlockM = kBlockM_;
  static constexpr int kBlockN = kBlockN_;
  static constexpr int kBlockK = gemm::kSm90TileK;
  static constexpr int kStages = kStages_;
  static constexpr Sm90Schedule kSchedule = kSchedule_;
  static constexpr Sm90Store kStore = kStore_;
  /// Blocks of a cluster along M sharing each B tile (split-K launches run
  /// without clusters).
  static constexpr int kClusterM = kClusterM_;
  static constexpr bool kPingPong = kSchedule == Sm90Schedule::kPingPong;
  static constexpr int kConsumers = kPingPong ? 2 : kBlockM / 64;
  /// Consumer warpgroups that work on one tile, and the rows each owns.
  static constexpr int kTileConsumers = kPingPong ? 1 : kConsumers;
  static constexpr int kConsumerRows = kBlockM / kTileConsumers;
  static constexpr int kThreads = 128 * (1 + kConsumers);

  /// The plan's statement of this tile for `products` B operands, its
  /// k-tiles cut into `splitK` slices.
  static constexpr gemm::Config config(int products, int splitK = 1) {
    return {gemm::Mainloop::kTmaWgmma, kBlockM, kBlockN, kBlockK, kStages,
            kConsumers, /*warpsM=*/0, /*warpsN=*/0, splitK, kClusterM,
            kPingPong, products, /*elementBytes=*/2};
  }
};

/// kCluster: the blocks of the launch's clusters, Tile::kClusterM or 1.
template <typename Tile, int kNumB = 1, int kCluster = 1>
struct GemmSm90Mainloop {
  using T = __nv_bfloat16;
  static_assert(gemm::unsupportedReason(Tile::config(kNumB)) == nullptr,
                "the Hopper main loop cannot run this tile: see "
                "gemm::unsupportedReason in GemmLimits.h");
  /// 64-row wgmma slices per consumer; each has kNumB accumulator sets.
  static constexpr int kSlices = Tile::kConsumerRows / 64;
  static constexpr int kAccumulatorsPerThread =
      kNumB * kSlices * Tile::kBlockN / 2;

  static constexpr int kATileBytes = Tile::kBlockM * Tile::kBlockK * 2;
  static constexpr int kBTileBytes = Tile::kBlockN * Tile::kBlockK * 2;
  static constexpr int kStageBytes = kATileBytes + kNumB * kBTileBytes;
  // A B tile arrives as Tile::kClusterM boxes of rows (one per block of a
  // cluster), each 1024-byte aligned so that it has the whole tile's
  // swizzle pattern.
  static constexpr int kBBoxRows = Tile::kBlockN / Tile::kClusterM;
  static constexpr int kBBoxBytes = kBBoxRows * Tile::kBlockK * 2;
  static_assert(kCluster == 1 || kCluster == Tile::kClusterM);
  // Swizzled tiles must start on 1024-byte boundaries (the swizzle pattern
  // repeats every 8 rows of 128 bytes).
  static_assert(kATileBytes % 1024 == 0 && kBBoxBytes % 1024 == 0);
  static constexpr int kSmemAlignment = gemm::kSm90SmemAlignment;
  static constexpr int kBarriers = 2 * Tile::kStages + 4;
  /// Dynamic shared memory the ring needs: the barriers (two per stage, the
  /// two turn barriers and the two source barriers), slack to align the stages (dynamic shared
  /// memory is only 16-byte aligned), and the stages. Pipeline::end() is
  /// 1024-byte aligned: a kernel may place more buffers there.
  static constexpr std::size_t kSmemBytes =
      kBarriers * sizeof(sm90::Mbarrier) + kSmemAlignment +
      static_cast<std::size_t>(kStageBytes) * Tile::kStages;
  static_assert(kSmemBytes == static_cast<std::size_t>(gemm::sm90RingBytes(
                                  Tile::kBlockM, Tile::kBlockN, Tile::kStages,
                                  kNumB)),
                "GemmLimits.h states the ring's shared memory");

  /// One consumer warpgroup's kConsumerRows x kBlockN accumulators per B
  /// operand, per thread in the wgmma D layout (see sm90::Wgmma):
  /// d[b][slice] covers rows [64 slice, 64 slice + 64) of the consumer's.
  struct Accumulators {
    float d[kNumB][kSlices][Tile::kBlockN / 2];
  };

  /// The shared-memory ring: stage s holds the A tile then the B tiles.
  struct Pipeline {
    unsigned char *stages;
    sm90::Mbarrier *full;
    sm90::Mbarrier *empty;
    /// Ping-pong only: turn[c] completes a phase each time consumer c has
    /// waited for every stage of its tile's main loop.
    sm90::Mbarrier *turn;
    /// source[c] completes a phase each time consumer c's epilogue source
    /// tile (WithPeriodicSource, Sm90Epilogue.h) has landed.
    sm90::Mbarrier *source;

    __device__ unsigned char *aTile(int s) const {
      return stages + s * kStageBytes;
    }
    __device__ unsigned char *bTile(int s, int b) const {
      return aTile(s) + kATileBytes + b * kBTileBytes;
    }
    /// The first byte after the stages, 1024-byte aligned.
    __device__ unsigned char *end() const { return aTile(Tile::kStages); }
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

  /// Lays out the ring in `smem` (kSmemBytes of dynamic shared memory:
  /// the barriers, then the stages from the next 1024-byte boundary) and
  /// initializes the barriers. Every thread of the block must call it: it
  /// ends with __syncthreads(), or a cluster barrier when the cluster's
  /// blocks will arrive on each other's barriers.
  __device__ static Pipeline initPipeline(unsigned char *smem) {
    Pipeline pipe;
    pipe.full = reinterpret_cast<sm90::Mbarrier *>(smem);
    pipe.empty = pipe.full + Tile::kStages;
    pipe.turn = pipe.empty + Tile::kStages;
    pipe.source = pipe.turn + 2;
    unsigned char *const afterBarriers =
        reinterpret_cast<unsigned char *>(pipe.full + kBarriers);
    const std::uint32_t misalignment =
        sm90::sharedAddress(afterBarriers) % kSmemAlignment;
    pipe.stages =
        afterBarriers + (misalignment ? kSmemAlignment - misalignment : 0);
    if (threadIdx.x == 0) {
      for (int s = 0; s < Tile::kStages; ++s) {
        pipe.full[s].init(1);
        pipe.empty[s].init(4 * Tile::kTileConsumers * kCluster);
      }
      for (int c = 0; c < 2; ++c) {
        pipe.turn[c].init(4);
        pipe.source[c].init(1);
      }
      sm90::fenceBarrierInit();
    }
    if constexpr (kCluster > 1)
      sm90::clusterSync();
    else
      __syncthreads();
    return pipe;
  }

  /// The producer of one tile: run by a single thread. Fills the next
  /// kTileEnd - kTileBegin stages with those k-tiles of A rows
  /// [row0, row0 + kBlockM) and of the B rows [col0, col0 + kBlockN) of
  /// each b[i], each stage once the consumers released it. `rank`: the
  /// block's rank in its cluster.
  __device__ static void produce(const Pipeline &pipe, const CUtensorMap *a,
                                 const CUtensorMap *b, int row0, int col0,
                                 int kTileBegin, int kTileEnd, int rank,
                                 PipelineState &state) {
    for (int kt = kTileBegin; kt < kTileEnd; ++kt, ++state.iteration) {
      const int s = state.stage();
      // Round r reuses the stage the consumers released in round r - 1;
      // round 0 waits for parity 1, which a fresh barrier passes at once.
      pipe.empty[s].wait(state.roundParity() ^ 1);
      pipe.full[s].arriveExpectTx(kStageBytes);
      const int k0 = kt * Tile::kBlockK;
      sm90::tmaLoad2d(pipe.aTile(s), a, &pipe.full[s], k0, row0);
#pragma unroll
      for (int i = 0; i < kNumB; ++i) {
        if constexpr (kCluster > 1) {
          // Box `rank` of the B tile, into both blocks.
          sm90::tmaLoad2dMulticast(pipe.bTile(s, i) + rank * kBBoxBytes,
                                   &b[i], &pipe.full[s], k0,
                                   col0 + rank * kBBoxRows,
                                   (1u << kCluster) - 1);
        } else {
#pragma unroll
          for (int box = 0; box < Tile::kClusterM; ++box)
            sm90::tmaLoad2d(pipe.bTile(s, i) + box * kBBoxBytes, &b[i],
                            &pipe.full[s], k0, col0 + box * kBBoxRows);
        }
      }
    }
  }

  /// Ping-pong: consumer `consumer` waits for its turn to run the main loop
  /// of its `round`-th tile: the other consumer must have finished waiting
  /// for the stages of the tile before (consumer 0's first tile waits for
  /// nothing). All 128 threads of the warpgroup call it.
  __device__ static void awaitTurn(const Pipeline &pipe, int consumer,
                                   int round) {
    const int phase = consumer == 0 ? round - 1 : round;
    if (phase >= 0)
      pipe.turn[consumer ^ 1].wait(phase & 1);
  }

  /// Ping-pong: hands the main loop to the other consumer (one arrival per
  /// warp, after all its lanes have passed their last stage wait).
  __device__ static void passTurn(const Pipeline &pipe, int consumer) {
    __syncwarp();
    if (threadIdx.x % 32 == 0)
      pipe.turn[consumer].arrive();
  }

  /// What a consumer prepares beside its main loop: nothing.
  struct NoPrepare {
    static constexpr int kSteps = 0;
    __device__ void load() const {}
    template <int kStep> __device__ void run() const {}
  };

  /// A consumer warpgroup (all 128 threads) on one tile: acc = the
  /// consumer's rows (rows [64 consumer, 64 consumer + 64) of the tile when
  /// cooperative, all of them when ping-pong) of A_tile . B_tile^T over the
  /// next kTiles stages. Every stage is released before it returns, so the
  /// producer can load the next tile while the epilogue runs.
  ///
  /// `prepare` is work of the tile that needs no accumulators (the
  /// epilogue's row op states, Sm90RowOpStates): prepare.load() right after
  /// the first k-tile's wgmmas are issued, then prepare.run<i>() for
  /// i < Prepare::kSteps, one beside each next k-tile's wgmmas while the
  /// tensor cores have a group queued; all of it after the main loop when
  /// there are no more k-tiles than steps.
  template <typename Prepare = NoPrepare>
  __device__ static void consume(const Pipeline &pipe, int consumer,
                                 int kTiles, Accumulators &acc,
                                 PipelineState &state,
                                 Prepare &&prepare = Prepare()) {
    zero(acc);
    const int firstRow = Tile::kPingPong ? 0 : 64 * consumer;
    const bool releasesStages = threadIdx.x % 32 == 0;
    int previous = -1; // the stage read by the group still in flight
    auto issue = [&] {
      const int s = state.stage();
      pipe.full[s].wait(state.roundParity());
      mmaStage(pipe, s, firstRow, acc);
      return s;
    };
    // The group just issued from stage s stays in flight; the one before
    // it has retired, so its stage may be refilled.
    auto retire = [&](int s) {
      sm90::wgmmaWaitGroup<1>();
      fenceAccumulators(acc);
      if (previous >= 0 && releasesStages)
        release(pipe.empty[previous]);
      previous = s;
      ++state.iteration;
    };
    // Each branch is a whole wgmma pipeline (no wgmma issued under a
    // condition), which ptxas needs to keep the groups asynchronous.
    constexpr int kSteps = std::decay_t<Prepare>::kSteps;
    const bool prepareBeside = kSteps > 0 && kTiles > kSteps;
    int kt = 0;
    if constexpr (kSteps > 0) {
      if (prepareBeside) {
        const int s = issue();
        prepare.load();
        retire(s);
        staticFor<kSteps>([&](auto step) {
          const int s = issue();
          prepare.template run<decltype(step)::value>();
          retire(s);
        });
        kt = kSteps + 1;
      }
    }
    for (; kt < kTiles; ++kt)
      retire(issue());
    sm90::wgmmaWaitGroup<0>();
    fenceAccumulators(acc);
    if (previous >= 0 && releasesStages)
      release(pipe.empty[previous]);
    if constexpr (kSteps > 0) {
      if (!prepareBeside) {
        prepare.load();
        staticFor<kSteps>(
            [&](auto step) { prepare.template run<decltype(step)::value>(); });
      }
    }
  }

private:
  /// One warp's release of a stage: to its own block's producer, and to
  /// every block of the cluster, whose producers multicast into it.
  __device__ static void release(sm90::Mbarrier &empty) {
    if constexpr (kCluster > 1) {
#pragma unroll
      for (int rank = 0; rank < kCluster; ++rank)
        empty.arriveInBlock(rank);
    } else {
      empty.arrive();
    }
  }

  /// Applies `f` to every accumulator register, fully unrolled so that each
  /// stays a register.
  template <typename F>
  __device__ static void forEachAccumulator(Accumulators &acc, F &&f) {
#pragma unroll
    for (int b = 0; b < kNumB; ++b)
#pragma unroll
      for (int j = 0; j < kSlices; ++j)
#pragma unroll
        for (int i = 0; i < Tile::kBlockN / 2; ++i)
          f(acc.d[b][j][i]);
  }

  __device__ static void zero(Accumulators &acc) {
    forEachAccumulator(acc, [](float &d) { d = 0.0f; });
  }

  __device__ static void fenceAccumulators(Accumulators &acc) {
    forEachAccumulator(acc, [](float &d) { sm90::fenceRegister(d); });
  }

  /// Issues the wgmmas of stage s (kBlockK / 16 per slice and operand) as
  /// one committed group; the consumer's rows start at row firstRow of
  /// the A tile.
  __device__ static void mmaStage(const Pipeline &pipe, int s, int firstRow,
                                  Accumulators &acc) {
    fenceAccumulators(acc);
    sm90::wgmmaFence();
#pragma unroll
    for (int kk = 0; kk < Tile::kBlockK / 16; ++kk)
#pragma unroll
      for (int b = 0; b < kNumB; ++b)
#pragma unroll
        for (int j = 0; j < kSlices; ++j) {
          // Slice j's 64 rows start 64 rows x 128 bytes further in; 16
          // bf16 = 32 bytes further along the row is +2 in the
          // descriptor's 16-byte address units.
          const std::uint64_t aDesc = sm90::sw128KMajorDescriptor(
              pipe.aTile(s) + (firstRow + 64 * j) * Tile::kBlockK * 2);
          const std::uint64_t bDesc =
              sm90::sw128KMajorDescriptor(pipe.bTile(s, b));
          sm90::Wgmma<Tile::kBlockN>::mma(acc.d[b][j], aDesc + 2 * kk,
                                          bDesc + 2 * kk);
        }
    sm90::wgmmaCommitGroup();
  }
};

} // namespace xfuse::device
