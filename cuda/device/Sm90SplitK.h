// Split-K for the Hopper GEMM (Sm90Gemm.h): for shapes with fewer tiles than
// multiprocessors, each tile's k-tiles are cut into slices run by different
// blocks; their f32 partials meet in a workspace, and the last slice to
// arrive sums them and runs the epilogue.
#pragma once

#include "cuda/device/Sm90TileScheduler.h"

#include <cuda_runtime.h>

#include <cstddef>

namespace xfuse::device {

/// Where the slices of one launch meet (setGemmSm90SplitK): `splits`
/// slices per tile (1: no split-K, the pointers unused), their partials in
/// `partials`, their arrivals counted in `arrivals`.
struct Sm90SplitK {
  int splits = 1;
  float *partials = nullptr;
  unsigned *arrivals = nullptr;
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

/// The f32 partials of one consumer warpgroup's accumulators, as float4s;
/// chunk r of tile thread t of (tile, slice) lives at
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

/// Publishes this slice's accumulators and counts the warp's arrival; the
/// warp that arrives last for its rows of the tile replaces its
/// accumulators by the sum of all slices, in slice order (the same sum
/// whichever slice comes last), and returns true: it runs the epilogue.
/// Warps whose rows all lie past m neither publish nor arrive.
template <typename Mainloop, typename Tile, int kNumB>
__device__ bool reduceSplitK(typename Mainloop::Accumulators &acc,
                             const Sm90SplitK &splitK, int tile, int split,
                             int tileThread, bool warpHasRows) {
  using Slab = Sm90SplitKSlab<Mainloop, Tile>;
  if (!warpHasRows)
    return false;
  const Slab slab{reinterpret_cast<float4 *>(splitK.partials),
                  static_cast<std::size_t>(tile) * splitK.splits *
                          Slab::kChunks * Slab::kTileThreads +
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
  unsigned *counter = splitK.arrivals +
                      static_cast<std::size_t>(tile) *
                          (Slab::kTileThreads / 32) +
                      tileThread / 32;
  unsigned arrived = 0;
  if (threadIdx.x % 32 == 0)
    arrived = atomicAdd(counter, 1u);
  arrived = __shfl_sync(0xFFFFFFFFu, arrived, 0);
  if (arrived != static_cast<unsigned>(splitK.splits - 1))
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
        for (int slice = 0; slice < splitK.splits; ++slice) {
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

} // namespace xfuse::device
