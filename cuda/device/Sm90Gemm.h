// Hopper (sm_90a) tensor-core GEMM with a fused epilogue:
//   C[m, n] = epilogue(A[m, k] . W[k, n])                       (kNumB = 1)
//   C[m, n] = epilogue(A . Wgate, A . Wup)  e.g. act(g) * u    (kNumB = 2)
// with each W passed packed as B = W^T, [n, k] row-major
// (runtime/WeightPacking.h) and bf16 A and B. The same GemmParams and
// epilogue functors (Epilogue.h) as the sm_80 GEMM of Gemm.h; the main loop
// is GemmSm90Mainloop (TMA + wgmma, warp-specialized), and the epilogue runs
// on its f32 accumulators in registers before one rounding to OutT on the
// store. The gated product reads gate and up through two tensor maps
// (GemmParams::b[0] and b[1], each [n, k]), not the interleaved packing of
// #xkernel.interleave: one TMA box per operand and stage either way.
//
// Use: prepareGemmSm90 once per set of operands (it encodes the TMA tensor
// maps on the host), optionally setGemmSm90SplitK, then launchGemmSm90 as
// often as needed.
// Requirements (gemmSm90UnsupportedReason checks them): n % 8 == 0,
// k % 8 == 0, k > 0, A, B and C 16-byte aligned (C is written in 16-byte
// vectors of 2-byte types). m may be anything >= 0: TMA zero-fills the rows
// past m and the stores skip them. n and k need not be multiples of the
// tile.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/Gemm.h"
#include "cuda/device/GemmSm90Mainloop.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Sm90TensorMap.h"
#include "cuda/device/Vector.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace xfuse::device {

template <typename OutT, int kNumB = 1> struct GemmSm90Params {
  CUtensorMap a;        // A [m, k], boxes of kBlockM x 64
  CUtensorMap b[kNumB]; // B [n, k] each ({gate, up}), boxes of kBlockN x 64
  CUtensorMap cStore;   // C, boxes of kConsumerRows x 64 (staged epilogue)
  OutT *c;              // [m, n] row-major
  int m, n, k;
  // Split-K (setGemmSm90SplitK): each tile's k-tiles are cut into `splits`
  // slices run by different blocks; f32 partials meet in `partials`, and
  // the last slice to arrive (counted in `arrivals`) sums them in slice
  // order and runs the epilogue.
  int splits = 1;
  float *partials = nullptr;
  unsigned *arrivals = nullptr;
};

/// nullptr when prepareGemmSm90<Tile> accepts `p`, else why not.
template <typename OutT, int kNumB>
const char *
gemmSm90UnsupportedReason(const GemmParams<__nv_bfloat16, OutT, kNumB> &p) {
  auto misaligned = [](const void *ptr) {
    return reinterpret_cast<std::uintptr_t>(ptr) % 16 != 0;
  };
  if (p.m < 0 || p.n <= 0 || p.k <= 0)
    return "m must be >= 0, n and k > 0";
  if (p.n % 8 != 0 || p.k % 8 != 0)
    return "n and k must be multiples of 8";
  if (misaligned(p.a) || misaligned(p.c))
    return "A and C must be 16-byte aligned";
  for (int i = 0; i < kNumB; ++i)
    if (misaligned(p.b[i]))
      return "packed weights must be 16-byte aligned";
  return nullptr;
}

/// The staged epilogue's shared memory: two buffers per consumer
/// warpgroup, each one 64-column box of the consumer's rows in the layout
/// of a 128-byte-swizzled TMA box. `enabled`: the tile asks for it and the
/// buffers fit beside the ring; split-K kernels store directly (their warps
/// finish a tile at different times, the buffers need the whole warpgroup).
template <typename Tile, int kNumB> struct Sm90StagedStore {
  static constexpr int kBoxCols = sm90::kTmaBoxCols;
  static constexpr int kBufferBytes = Tile::kConsumerRows * kBoxCols * 2;
  static constexpr std::size_t kBytes =
      static_cast<std::size_t>(Tile::kConsumers) * 2 * kBufferBytes;
  static constexpr bool kFits =
      GemmSm90Mainloop<Tile, kNumB>::kSmemBytes + kBytes <=
      sm90::kMaxSharedBytesPerBlock;

  __host__ __device__ static constexpr bool enabled(bool splitK) {
    return Tile::kStore == Sm90Store::kStaged && kFits && !splitK;
  }
  __host__ __device__ static constexpr std::size_t smemBytes(bool splitK) {
    return GemmSm90Mainloop<Tile, kNumB>::kSmemBytes +
           (enabled(splitK) ? kBytes : 0);
  }
};

/// Encodes the tensor maps of `p` for Tile (no split-K). cudaErrorInvalidValue
/// when gemmSm90UnsupportedReason(p) is not null; cudaErrorNotSupported when
/// the driver has no cuTensorMapEncodeTiled.
template <typename Tile, typename OutT, int kNumB>
cudaError_t prepareGemmSm90(const GemmParams<__nv_bfloat16, OutT, kNumB> &p,
                            GemmSm90Params<OutT, kNumB> *out) {
  if (gemmSm90UnsupportedReason(p))
    return cudaErrorInvalidValue;
  *out = GemmSm90Params<OutT, kNumB>{};
  out->c = p.c;
  out->m = p.m;
  out->n = p.n;
  out->k = p.k;
  if (p.m == 0) // nothing to describe; launchGemmSm90 launches nothing
    return cudaSuccess;
  constexpr CUtensorMapDataType kBf16 =
      sm90::tensorMapDataType<__nv_bfloat16>();
  cudaError_t error = sm90::encodeSwizzledTensorMap(&out->a, kBf16, p.a, p.m,
                                                    p.k, Tile::kBlockM);
  for (int i = 0; i < kNumB && error == cudaSuccess; ++i)
    error = sm90::encodeSwizzledTensorMap(&out->b[i], kBf16, p.b[i], p.n, p.k,
                                          Tile::kBlockN / Tile::kClusterM);
  if (error == cudaSuccess && Sm90StagedStore<Tile, kNumB>::enabled(false))
    error = sm90::encodeSwizzledTensorMap(
        &out->cStore, sm90::tensorMapDataType<OutT>(), p.c, p.m, p.n,
        Tile::kConsumerRows);
  return error;
}

/// The tiles of an m x n output for Tile.
template <typename Tile> struct Sm90TileGrid {
  int rowTiles, colTiles;

  __host__ __device__ Sm90TileGrid(int m, int n)
      : rowTiles((m + Tile::kBlockM - 1) / Tile::kBlockM),
        colTiles((n + Tile::kBlockN - 1) / Tile::kBlockN) {}
  __host__ __device__ long long tiles() const {
    return static_cast<long long>(rowTiles) * colTiles;
  }
  /// Tiles for clusters of `cluster` blocks along M, each cluster one
  /// column of `cluster` row tiles (past the last row tile: rows past m).
  __host__ __device__ long long clusterTiles(int cluster) const {
    return static_cast<long long>((rowTiles + cluster - 1) / cluster) *
           colTiles;
  }
};

/// Split-K memory: one arrival counter per warp of a tile's consumers (the
/// warps that hold rows past m never arrive), and the partials, kBlockM x
/// kBlockN x kNumB floats per tile and slice.
template <typename Tile, int kNumB = 1> struct Sm90SplitKWorkspace {
  static constexpr int kWarpsPerTile = 4 * Tile::kTileConsumers;

  static std::size_t counters(int m, int n) {
    return static_cast<std::size_t>(Sm90TileGrid<Tile>(m, n).tiles()) *
           kWarpsPerTile;
  }
  static std::size_t partialBytes(int m, int n, int splits) {
    return static_cast<std::size_t>(Sm90TileGrid<Tile>(m, n).tiles()) *
           splits * Tile::kBlockM * Tile::kBlockN * kNumB * sizeof(float);
  }
};

/// Cuts each tile's k-tiles into `splits` slices (1 <= splits <= number of
/// 64-wide k-tiles) for shapes with fewer tiles than multiprocessors.
/// `counters`: Sm90SplitKWorkspace<Tile, kNumB>::counters(m, n) of them,
/// zero before the launch; the launch leaves them at zero again, so they
/// need zeroing only once (rt::Workspace::zeroedCounters). `partials`:
/// partialBytes(m, n, splits), 16-byte aligned, any contents. Both are used
/// by one launch at a time. splits = 1 turns split-K off (both unused).
template <typename Tile, typename OutT, int kNumB>
cudaError_t setGemmSm90SplitK(GemmSm90Params<OutT, kNumB> *p, int splits,
                              unsigned *counters, void *partials) {
  const int kTiles = (p->k + Tile::kBlockK - 1) / Tile::kBlockK;
  if (splits < 1 || splits > kTiles ||
      (splits > 1 &&
       (counters == nullptr || partials == nullptr ||
        reinterpret_cast<std::uintptr_t>(partials) % 16 != 0)))
    return cudaErrorInvalidValue;
  p->splits = splits;
  p->arrivals = splits > 1 ? counters : nullptr;
  p->partials = splits > 1 ? static_cast<float *>(partials) : nullptr;
  return cudaSuccess;
}

/// Maps a linear tile index to (row tile, column tile) so that blocks
/// running at the same time share A rows and B columns in L2: tiles go
/// column by column inside bands of kGroupRows row tiles.
struct GroupedTileOrder {
  static constexpr int kGroupRows = 8;
  int rowTile, colTile;

  __device__ GroupedTileOrder(int linear, int rowTiles, int colTiles) {
    const int tilesPerBand = kGroupRows * colTiles;
    const int band = linear / tilesPerBand;
    const int firstRow = band * kGroupRows;
    const int bandRows = min(rowTiles - firstRow, kGroupRows);
    const int inBand = linear % tilesPerBand;
    rowTile = firstRow + inBand % bandRows;
    colTile = inBand / bandRows;
  }
};

/// One unit of a persistent block's work: k-tiles [kTileBegin, kTileEnd)
/// of tile `tile`. Unit u is slice u / tiles of tile u % tiles, so that the
/// blocks running at the same time cover different tiles. With clusters of
/// kCluster blocks, `tiles` counts cluster tiles (Sm90TileGrid::
/// clusterTiles) and the block of rank r takes row tile r of its cluster's.
template <typename Tile, int kCluster> struct Sm90WorkUnit {
  int tile, split, row0, col0, kTileBegin, kTileEnd;

  __device__ Sm90WorkUnit(int unit, const Sm90TileGrid<Tile> &grid,
                          int tiles, int splits, int kTiles, int rank) {
    tile = unit % tiles;
    split = unit / tiles;
    const GroupedTileOrder order(
        tile, (grid.rowTiles + kCluster - 1) / kCluster, grid.colTiles);
    row0 = (order.rowTile * kCluster + rank) * Tile::kBlockM;
    col0 = order.colTile * Tile::kBlockN;
    kTileBegin = static_cast<int>(static_cast<long long>(kTiles) * split /
                                  splits);
    kTileEnd = static_cast<int>(static_cast<long long>(kTiles) * (split + 1) /
                                splits);
  }
  __device__ int kTileCount() const { return kTileEnd - kTileBegin; }
};

/// The epilogue op on one output pair: v[b] holds columns col, col + 1 of
/// row `row` of operand b's product.
template <typename Epilogue>
__device__ float2 applyEpilogue(const Epilogue &epilogue, const float2 (&v)[1],
                                int row, int col) {
  return epilogue(v[0], row, col);
}
template <typename Epilogue>
__device__ float2 applyEpilogue(const Epilogue &epilogue, const float2 (&v)[2],
                                int row, int col) {
  return epilogue(v[0], v[1], row, col);
}

/// Two OutT packed in one word, the unit the store transpose shuffles.
template <typename OutT> __device__ std::uint32_t packPair(float2 v) {
  static_assert(sizeof(OutT) == 2, "the 16-byte stores pack 2-byte types");
  Vec<OutT, 2> pair;
  pair[0] = fromFloat<OutT>(v.x);
  pair[1] = fromFloat<OutT>(v.y);
  std::uint32_t word;
  memcpy(&word, &pair, 4);
  return word;
}

/// Transposes 4 words among the 4 lanes of a quad (lanes 4r .. 4r + 3): on
/// return lane q holds w[q] of lanes 0..3 of its quad, in lane order. Two
/// rounds of exchanges (lane bit 0, then bit 1), one shuffle per word.
__device__ inline void transposeQuad(std::uint32_t (&w)[4]) {
  const int q = threadIdx.x % 4;
#pragma unroll
  for (int bit = 1; bit <= 2; bit <<= 1) {
    const bool upper = (q & bit) != 0;
#pragma unroll
    for (int lo = 0; lo < 4; ++lo) {
      if (lo & bit)
        continue;
      // Words lo and lo + bit: the lane keeps the one matching its bit and
      // trades the other for its partner's.
      const std::uint32_t sent = upper ? w[lo] : w[lo + bit];
      const std::uint32_t received = __shfl_xor_sync(0xFFFFFFFFu, sent, bit);
      if (upper)
        w[lo] = received;
      else
        w[lo + bit] = received;
    }
  }
}

/// Where a consumer thread's accumulators lie in C: d[b][slice][i] with
/// i = 4 block + 2 half + {0, 1} is row row(slice, half), columns
/// col(block) + {0, 1} (the wgmma D layout, Sm90Primitives.h).
struct Sm90FragmentCoords {
  int warpRow, lane, q;

  __device__ Sm90FragmentCoords(int row0)
      : warpRow(row0 + 16 * (threadIdx.x / 32 % 4)), lane(threadIdx.x % 32),
        q(threadIdx.x % 4) {}
  __device__ int row(int slice, int half) const {
    return warpRow + 64 * slice + lane / 4 + 8 * half;
  }
  __device__ int col(int col0, int block) const {
    return col0 + 8 * block + 2 * q;
  }
};

/// The epilogue on accumulator pair (slice, half, block) of a consumer
/// thread, rounded and packed; 0 outside C, where the epilogue's operands
/// (bias, residual) may not exist.
template <typename Mainloop, typename OutT, int kNumB, typename Epilogue>
__device__ std::uint32_t
epilogueWord(const typename Mainloop::Accumulators &acc,
             const GemmSm90Params<OutT, kNumB> &p, const Epilogue &epilogue,
             const Sm90FragmentCoords &at, int col0, int slice, int half,
             int block) {
  const int row = at.row(slice, half);
  const int col = at.col(col0, block);
  if (row >= p.m || col >= p.n)
    return 0u;
  const int i = 4 * block + 2 * half;
  float2 v[kNumB];
#pragma unroll
  for (int b = 0; b < kNumB; ++b)
    v[b] = make_float2(acc.d[b][slice][i], acc.d[b][slice][i + 1]);
  return packPair<OutT>(applyEpilogue(epilogue, v, row, col));
}

/// Runs the epilogue on one consumer warpgroup's accumulators (its rows
/// from row0, columns from col0) and stores the elements inside C from
/// registers. The wgmma layout gives each lane of a quad two columns of
/// every 8; a quad transpose over 4 such blocks gives each lane 8
/// contiguous columns, so every row is written in 16-byte vectors covering
/// whole 32-byte sectors. A row's epilogue runs before any of its stores,
/// so that its operand loads (bias, residual) are in flight together
/// rather than each behind a store that might alias it.
template <typename Mainloop, typename OutT, int kNumB, typename Epilogue>
__device__ void storeSm90Epilogue(const typename Mainloop::Accumulators &acc,
                                  const GemmSm90Params<OutT, kNumB> &p,
                                  const Epilogue &epilogue, int row0,
                                  int col0) {
  constexpr int kBlocks = sizeof(acc.d[0][0]) / sizeof(float) / 4; // n8
  static_assert(kBlocks % 4 == 0, "quads of n8 blocks");
  const Sm90FragmentCoords at(row0);
#pragma unroll
  for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      std::uint32_t words[kBlocks];
#pragma unroll
      for (int block = 0; block < kBlocks; ++block)
        words[block] = epilogueWord<Mainloop>(acc, p, epilogue, at, col0,
                                              slice, half, block);
      const int row = at.row(slice, half);
#pragma unroll
      for (int j0 = 0; j0 < kBlocks; j0 += 4) {
        std::uint32_t w[4] = {words[j0], words[j0 + 1], words[j0 + 2],
                              words[j0 + 3]};
        transposeQuad(w);
        // n % 8 == 0: the 8 columns are all inside C or all outside.
        const int col = col0 + 8 * (j0 + at.q);
        if (row < p.m && col < p.n) {
          Vec<OutT, 8> out;
          memcpy(&out, w, 16);
          storeVec(p.c + static_cast<std::int64_t>(row) * p.n + col, out);
        }
      }
    }
}

/// The staged epilogue of one consumer warpgroup (all 128 threads): per
/// 64-column box of its rows, the epilogue's words go into one of the
/// consumer's two shared-memory buffers in the 128-byte-swizzled box layout
/// (row r's 16-byte chunk c at chunk c ^ (r % 8), which also keeps the
/// warp's 4-byte writes free of bank conflicts), and one thread stores the
/// box with TMA. The consumer returns as soon as its last box is issued;
/// before refilling a buffer, the issuing thread waits until the store that
/// read it (two boxes back, possibly of the previous tile) has.
/// `boxesStored` counts this consumer's boxes over the block's tiles.
template <typename Mainloop, typename Tile, typename OutT, int kNumB,
          typename Epilogue>
__device__ void
storeSm90EpilogueStaged(const typename Mainloop::Accumulators &acc,
                        const GemmSm90Params<OutT, kNumB> &p,
                        const Epilogue &epilogue, int row0, int col0,
                        unsigned char *buffers, int consumer,
                        int &boxesStored) {
  using Staged = Sm90StagedStore<Tile, kNumB>;
  constexpr int kBoxBlocks = Staged::kBoxCols / 8; // n8 blocks per box
  const Sm90FragmentCoords at(row0);
  const bool issuer = threadIdx.x % 128 == 0;
#pragma unroll
  for (int box = 0; box < Tile::kBlockN / Staged::kBoxCols; ++box) {
    std::uint32_t words[Mainloop::kSlices][2][kBoxBlocks];
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half)
#pragma unroll
        for (int j = 0; j < kBoxBlocks; ++j)
          words[slice][half][j] = epilogueWord<Mainloop>(
              acc, p, epilogue, at, col0, slice, half, kBoxBlocks * box + j);
    unsigned char *const buffer =
        buffers + (boxesStored++ & 1) * Staged::kBufferBytes;
    if (issuer)
      sm90::bulkWaitGroupRead<1>();
    sm90::namedBarrierSync(1 + consumer, 128);
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        const int r = at.row(slice, half) - row0; // r % 8 == lane / 4
        unsigned char *const line = buffer + r * 128 + 4 * at.q;
#pragma unroll
        for (int j = 0; j < kBoxBlocks; ++j) {
          const int chunk = j ^ (at.lane / 4);
          *reinterpret_cast<std::uint32_t *>(line + (chunk << 4)) =
              words[slice][half][j];
        }
      }
    sm90::fenceProxyAsyncShared();
    sm90::namedBarrierSync(1 + consumer, 128);
    if (issuer) {
      sm90::tmaStore2d(&p.cStore, buffer, col0 + Staged::kBoxCols * box, row0);
      sm90::bulkCommitGroup();
    }
  }
}

/// Split-K: the f32 partials of one consumer warpgroup's accumulators, as
/// float4s; chunk r of tile thread t of (tile, slice) lives at
/// [(tile * splits + slice) * kChunks + r] * kTileThreads + t, so that a
/// warp's accesses are contiguous.
template <typename Mainloop, typename Tile> struct Sm90SplitKSlab {
  static constexpr int kChunks = Mainloop::kAccumulatorsPerThread / 4;
  static constexpr int kTileThreads = 128 * Tile::kTileConsumers;
  static constexpr int kBlockChunks = Tile::kBlockN / 8; // per (b, slice)

  float4 *partials;
  std::size_t tileBase; // (tile * splits) * kChunks * kTileThreads + t

  __device__ float4 *at(int slice, int chunk) const {
    return partials + tileBase +
           (static_cast<std::size_t>(slice) * kChunks + chunk) * kTileThreads;
  }
};

/// Split-K: publishes this slice's accumulators and counts the warp's
/// arrival; the warp that arrives last for its rows of the tile replaces
/// its accumulators by the sum of all slices, in slice order (the same sum
/// whichever slice comes last), and returns true: it runs the epilogue.
/// Warps whose rows all lie past m neither publish nor arrive.
template <typename Mainloop, typename Tile, typename OutT, int kNumB>
__device__ bool reduceSplitK(typename Mainloop::Accumulators &acc,
                             const GemmSm90Params<OutT, kNumB> &p, int tile,
                             int split, int tileThread, bool warpHasRows) {
  using Slab = Sm90SplitKSlab<Mainloop, Tile>;
  if (!warpHasRows)
    return false;
  const Slab slab{reinterpret_cast<float4 *>(p.partials),
                  static_cast<std::size_t>(tile) * p.splits * Slab::kChunks *
                          Slab::kTileThreads +
                      tileThread};
#pragma unroll
  for (int b = 0; b < kNumB; ++b)
#pragma unroll
    for (int s = 0; s < Mainloop::kSlices; ++s)
#pragma unroll
      for (int i = 0; i < Slab::kBlockChunks; ++i)
        __stcg(slab.at(split, (b * Mainloop::kSlices + s) * Slab::kBlockChunks +
                                  i),
               make_float4(acc.d[b][s][4 * i], acc.d[b][s][4 * i + 1],
                           acc.d[b][s][4 * i + 2], acc.d[b][s][4 * i + 3]));
  // Release: every lane's partials are visible before the warp arrives.
  __threadfence();
  __syncwarp();
  unsigned *counter = p.arrivals + static_cast<std::size_t>(tile) *
                                       (Slab::kTileThreads / 32) +
                      tileThread / 32;
  unsigned arrived = 0;
  if (threadIdx.x % 32 == 0)
    arrived = atomicAdd(counter, 1u);
  arrived = __shfl_sync(0xFFFFFFFFu, arrived, 0);
  if (arrived != static_cast<unsigned>(p.splits - 1))
    return false;
  __threadfence(); // acquire: the other slices' partials
#pragma unroll
  for (int b = 0; b < kNumB; ++b)
#pragma unroll
    for (int s = 0; s < Mainloop::kSlices; ++s)
#pragma unroll
      for (int i = 0; i < Slab::kBlockChunks; ++i) {
        float *own = &acc.d[b][s][4 * i];
        float4 sum = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
        for (int slice = 0; slice < p.splits; ++slice) {
          const float4 v =
              slice == split
                  ? make_float4(own[0], own[1], own[2], own[3])
                  : __ldcg(slab.at(slice, (b * Mainloop::kSlices + s) *
                                                  Slab::kBlockChunks +
                                              i));
          sum.x += v.x;
          sum.y += v.y;
          sum.z += v.z;
          sum.w += v.w;
        }
        own[0] = sum.x;
        own[1] = sum.y;
        own[2] = sum.z;
        own[3] = sum.w;
      }
  if (threadIdx.x % 32 == 0)
    *counter = 0; // ready for the next launch
  return true;
}

/// Registers per thread after setmaxnreg: the producer needs few; the
/// consumers get the rest of the 64K-register file (multiples of 8).
template <typename Tile> struct Sm90RegisterSplit {
  static constexpr int kProducer = 40;
  static constexpr int kConsumer = Tile::kConsumers == 1 ? 256 : 232;
  static_assert(128 * (kProducer + Tile::kConsumers * kConsumer) <= 65536);
};

/// The blocks of one cluster of a launch of Tile: split-K launches run
/// without clusters.
template <typename Tile, bool kSplitK>
inline constexpr int kSm90Cluster = kSplitK ? 1 : Tile::kClusterM;

/// kSplitK: the variant for p.splits > 1 (a separate kernel because the
/// reduction's registers would otherwise spill the 128-accumulator tiles).
template <typename Tile, typename OutT, int kNumB, bool kSplitK,
          typename Epilogue>
__global__ void __launch_bounds__(Tile::kThreads, 1)
    gemmSm90Kernel(const __grid_constant__ GemmSm90Params<OutT, kNumB> p,
                   const Epilogue epilogue) {
  constexpr int kCluster = kSm90Cluster<Tile, kSplitK>;
  using Mainloop = GemmSm90Mainloop<Tile, kNumB, kCluster>;
  using Staged = Sm90StagedStore<Tile, kNumB>;
  constexpr bool kStaged = Staged::enabled(kSplitK);
  extern __shared__ unsigned char gemmSm90Smem[];
  const typename Mainloop::Pipeline pipe =
      Mainloop::initPipeline(gemmSm90Smem);
  waitForPrecedingKernels();
  allowDependentKernels();

  const Sm90TileGrid<Tile> grid(p.m, p.n);
  const int tiles = static_cast<int>(grid.clusterTiles(kCluster));
  const int units = tiles * p.splits;
  const int kTiles = (p.k + Tile::kBlockK - 1) / Tile::kBlockK;
  using Unit = Sm90WorkUnit<Tile, kCluster>;
  const int rank = kCluster > 1 ? static_cast<int>(sm90::clusterRank()) : 0;
  const int cluster = static_cast<int>(blockIdx.x) / kCluster;
  const int clusters = static_cast<int>(gridDim.x) / kCluster;

  // Persistent: cluster c runs units c, c + clusters, ... (each of its
  // blocks its own row tile of the unit). Producer and consumers walk the
  // same sequence, so the producer loads the next unit while the consumers
  // run the epilogue of the current one.
  // Each role is one branch, so that setmaxnreg applies (see HOPPER.md).
  const int warpgroup = threadIdx.x / 128;
  typename Mainloop::PipelineState state;
  if (warpgroup == 0) {
    sm90::releaseRegisters<Sm90RegisterSplit<Tile>::kProducer>();
    if (threadIdx.x == 0) {
      sm90::prefetchTensorMap(&p.a);
#pragma unroll
      for (int i = 0; i < kNumB; ++i)
        sm90::prefetchTensorMap(&p.b[i]);
      for (int u = cluster; u < units; u += clusters) {
        const Unit unit(u, grid, tiles, p.splits, kTiles, rank);
        Mainloop::produce(pipe, &p.a, p.b, unit.row0, unit.col0,
                          unit.kTileBegin, unit.kTileEnd, rank, state);
      }
    }
  } else {
    sm90::claimRegisters<Sm90RegisterSplit<Tile>::kConsumer>();
    const int consumer = warpgroup - 1;
    unsigned char *const storeBuffers =
        pipe.end() + consumer * 2 * Staged::kBufferBytes;
    int boxesStored = 0;
    // Ping-pong: this block's units alternate between the two consumers;
    // `round` counts the units this consumer ran.
    int round = 0;
    for (int u = cluster, i = 0; u < units; u += clusters, ++i) {
      const Unit unit(u, grid, tiles, p.splits, kTiles, rank);
      if (Tile::kPingPong && i % 2 != consumer) {
        state.iteration += unit.kTileCount(); // the other consumer's stages
        continue;
      }
      typename Mainloop::Accumulators acc;
      if constexpr (Tile::kPingPong) {
        Mainloop::awaitTurn(pipe, consumer, round++);
        Mainloop::consume(pipe, consumer, unit.kTileCount(), acc, state);
        Mainloop::passTurn(pipe, consumer);
      } else {
        Mainloop::consume(pipe, consumer, unit.kTileCount(), acc, state);
      }
      const int row0 = unit.row0 + (Tile::kPingPong ? 0 : 64 * consumer);
      if constexpr (kSplitK) {
        const int tileThread =
            Tile::kPingPong ? threadIdx.x % 128 : threadIdx.x - 128;
        if (!reduceSplitK<Mainloop, Tile>(
                acc, p, unit.tile, unit.split, tileThread,
                row0 + 16 * (threadIdx.x / 32 % 4) < p.m))
          continue;
      }
      if constexpr (kStaged)
        storeSm90EpilogueStaged<Mainloop, Tile>(acc, p, epilogue, row0,
                                                unit.col0, storeBuffers,
                                                consumer, boxesStored);
      else
        storeSm90Epilogue<Mainloop>(acc, p, epilogue, row0, unit.col0);
    }
    // The buffers must outlive the stores that read them.
    if (kStaged && threadIdx.x % 128 == 0)
      sm90::bulkWaitGroupRead<0>();
  }
  // The other block still arrives on this one's barriers and multicasts
  // into its stages until it is done.
  if constexpr (kCluster > 1)
    sm90::clusterSync();
}

/// Clusters of kCluster blocks of `kernel` (one block per SM: the ring
/// fills its shared memory) that run at once on the current device, cached
/// per Tile, cluster size and device (kernels of one Tile differ only in
/// their epilogue, and the kernel's type alone does not name its Tile); 0
/// on error.
template <typename Tile, int kCluster, typename Kernel>
int residentSm90Clusters(Kernel kernel, int threads, std::size_t smemBytes) {
  return cachedPerDevice([&](int device) {
    int clusters = 0;
    if constexpr (kCluster == 1) {
      if (cudaDeviceGetAttribute(&clusters, cudaDevAttrMultiProcessorCount,
                                 device) != cudaSuccess)
        return 0;
    } else {
      cudaLaunchAttribute attributes[2];
      const cudaLaunchConfig_t config = launchConfig(
          {dim3(kCluster), dim3(threads), smemBytes, kCluster}, nullptr,
          /*dependent=*/false, attributes);
      if (cudaOccupancyMaxActiveClusters(&clusters, kernel, &config) !=
          cudaSuccess)
        return 0;
    }
    return clusters;
  });
}

/// Launches the GEMM prepared by prepareGemmSm90<Tile> (and
/// setGemmSm90SplitK<Tile>) on `stream`.
/// Launches the kSplitK variant of the kernel: as many blocks as run at
/// once (persistent), in clusters where the variant has them.
template <typename Tile, bool kSplitK, typename OutT, int kNumB,
          typename Epilogue>
cudaError_t launchGemmSm90Variant(const GemmSm90Params<OutT, kNumB> &p,
                                  const Epilogue &epilogue,
                                  cudaStream_t stream) {
  constexpr int kCluster = kSm90Cluster<Tile, kSplitK>;
  auto *kernel = gemmSm90Kernel<Tile, OutT, kNumB, kSplitK, Epilogue>;
  const std::size_t smemBytes =
      Sm90StagedStore<Tile, kNumB>::smemBytes(kSplitK);
  const cudaError_t error = cudaFuncSetAttribute(
      kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
      static_cast<int>(smemBytes));
  if (error != cudaSuccess)
    return error;
  const long long units =
      Sm90TileGrid<Tile>(p.m, p.n).clusterTiles(kCluster) * p.splits;
  if (units > 0x7FFFFFFF)
    return cudaErrorInvalidValue;
  const int resident =
      residentSm90Clusters<Tile, kCluster>(kernel, Tile::kThreads, smemBytes);
  if (resident <= 0)
    return cudaErrorInvalidConfiguration;
  const unsigned clusters =
      static_cast<unsigned>(units < resident ? units : resident);
  return launchKernel(kernel,
                      {dim3(clusters * kCluster), dim3(Tile::kThreads),
                       smemBytes, static_cast<unsigned>(kCluster)},
                      stream, p, epilogue);
}

/// Launches the GEMM prepared by prepareGemmSm90<Tile> (and
/// setGemmSm90SplitK<Tile>) on `stream`.
template <typename Tile, typename OutT, int kNumB, typename Epilogue>
cudaError_t launchGemmSm90(const GemmSm90Params<OutT, kNumB> &p,
                           const Epilogue &epilogue, cudaStream_t stream) {
  if (p.m == 0)
    return cudaSuccess;
  return p.splits > 1
             ? launchGemmSm90Variant<Tile, true>(p, epilogue, stream)
             : launchGemmSm90Variant<Tile, false>(p, epilogue, stream);
}

} // namespace xfuse::device
