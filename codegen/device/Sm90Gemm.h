// Hopper (sm_90a) tensor-core GEMM with a fused epilogue:
//   C[m, n] = epilogue(A[m, k] . W[k, n])
// with W passed packed as B = W^T, [n, k] row-major (runtime/WeightPacking.h)
// and bf16 A and B. The same GemmParams and epilogue functors (Epilogue.h)
// as the sm_80 GEMM of Gemm.h; the main loop is GemmSm90Mainloop (TMA +
// wgmma, warp-specialized), and the epilogue runs on its f32 accumulators
// in registers before one rounding to OutT on the store.
//
// Use: prepareGemmSm90 once per set of operands (it encodes the TMA tensor
// maps on the host), then launchGemmSm90 as often as needed.
// Requirements (gemmSm90UnsupportedReason checks them): n % 8 == 0,
// k % 8 == 0, k > 0, A and B 16-byte aligned, C aligned to 2 elements.
// m may be anything >= 0: TMA zero-fills the rows past m and the stores
// skip them. n and k need not be multiples of the tile. Not yet: the gated
// product (kNumB = 2).
#pragma once

#include "codegen/device/Epilogue.h"
#include "codegen/device/Gemm.h"
#include "codegen/device/GemmSm90Mainloop.h"
#include "codegen/device/Sm90TensorMap.h"
#include "codegen/device/Vector.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

template <typename OutT> struct GemmSm90Params {
  CUtensorMap a; // A [m, k], boxes of kBlockM x 64
  CUtensorMap b; // B [n, k], boxes of kBlockN x 64
  OutT *c;       // [m, n] row-major
  int m, n, k;
};

/// nullptr when prepareGemmSm90<Tile> accepts `p`, else why not.
template <typename OutT>
const char *
gemmSm90UnsupportedReason(const GemmParams<__nv_bfloat16, OutT, 1> &p) {
  if (p.m < 0 || p.n <= 0 || p.k <= 0)
    return "m must be >= 0, n and k > 0";
  if (p.n % 8 != 0 || p.k % 8 != 0)
    return "n and k must be multiples of 8";
  if (reinterpret_cast<std::uintptr_t>(p.a) % 16 != 0 ||
      reinterpret_cast<std::uintptr_t>(p.b[0]) % 16 != 0)
    return "A and the packed weight must be 16-byte aligned";
  if (reinterpret_cast<std::uintptr_t>(p.c) % (2 * sizeof(OutT)) != 0)
    return "C must be aligned to 2 elements";
  return nullptr;
}

/// Encodes the tensor maps of `p` for Tile. cudaErrorInvalidValue when
/// gemmSm90UnsupportedReason(p) is not null; cudaErrorNotSupported when the
/// driver has no cuTensorMapEncodeTiled.
template <typename Tile, typename OutT>
cudaError_t prepareGemmSm90(const GemmParams<__nv_bfloat16, OutT, 1> &p,
                            GemmSm90Params<OutT> *out) {
  if (gemmSm90UnsupportedReason(p))
    return cudaErrorInvalidValue;
  out->c = p.c;
  out->m = p.m;
  out->n = p.n;
  out->k = p.k;
  if (p.m == 0) // nothing to describe; launchGemmSm90 launches nothing
    return cudaSuccess;
  cudaError_t error =
      sm90::encodeKMajorTensorMap(&out->a, p.a, p.m, p.k, Tile::kBlockM);
  if (error == cudaSuccess)
    error =
        sm90::encodeKMajorTensorMap(&out->b, p.b[0], p.n, p.k, Tile::kBlockN);
  return error;
}

/// Maps a linear block index to (row tile, column tile) so that blocks
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

/// Runs the epilogue on one consumer warpgroup's accumulators (64 rows from
/// row0) and stores the elements inside C, two columns per store.
template <typename Tile, typename OutT, typename Epilogue>
__device__ void storeSm90Epilogue(
    const typename GemmSm90Mainloop<Tile>::Accumulators &acc,
    const GemmSm90Params<OutT> &p, const Epilogue &epilogue, int row0,
    int col0) {
  const int lane = threadIdx.x % 32;
  const int warpRow = row0 + 16 * (threadIdx.x / 32 % 4);
  const int laneCol = col0 + 2 * (lane % 4);
#pragma unroll
  for (int j = 0; j < Tile::kBlockN / 8; ++j)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int row = warpRow + lane / 4 + 8 * half;
      const int col = laneCol + 8 * j;
      // n % 8 == 0, so col < n implies col + 1 < n.
      if (row >= p.m || col >= p.n)
        continue;
      const float2 v = epilogue(
          make_float2(acc.d[4 * j + 2 * half], acc.d[4 * j + 2 * half + 1]),
          row, col);
      Vec<OutT, 2> out;
      out[0] = fromFloat<OutT>(v.x);
      out[1] = fromFloat<OutT>(v.y);
      storeVec(p.c + static_cast<std::int64_t>(row) * p.n + col, out);
    }
}

/// Registers per thread after setmaxnreg: the producer needs few; the
/// consumers get the rest of the 64K-register file (multiples of 8).
template <typename Tile> struct Sm90RegisterSplit {
  static constexpr int kProducer = 40;
  static constexpr int kConsumer = Tile::kConsumers == 1 ? 256 : 232;
  static_assert(128 * (kProducer + Tile::kConsumers * kConsumer) <= 65536);
};

template <typename Tile, typename OutT, typename Epilogue>
__global__ void __launch_bounds__(Tile::kThreads, 1)
    gemmSm90Kernel(const __grid_constant__ GemmSm90Params<OutT> p,
                   const Epilogue epilogue) {
  using Mainloop = GemmSm90Mainloop<Tile>;
  extern __shared__ unsigned char gemmSm90Smem[];
  const typename Mainloop::Pipeline pipe =
      Mainloop::initPipeline(gemmSm90Smem);

  const int rowTiles = (p.m + Tile::kBlockM - 1) / Tile::kBlockM;
  const int colTiles = (p.n + Tile::kBlockN - 1) / Tile::kBlockN;
  const int tiles = rowTiles * colTiles;
  const int kTiles = (p.k + Tile::kBlockK - 1) / Tile::kBlockK;

  // Persistent: block b runs tiles b, b + gridDim.x, ... Producer and
  // consumers walk the same sequence, so the producer loads the next tile
  // while the consumers run the epilogue of the current one.
  // Each role is one branch, so that setmaxnreg applies (see HOPPER.md).
  const int warpgroup = threadIdx.x / 128;
  typename Mainloop::PipelineState state;
  if (warpgroup == 0) {
    sm90::releaseRegisters<Sm90RegisterSplit<Tile>::kProducer>();
    if (threadIdx.x == 0) {
      sm90::prefetchTensorMap(&p.a);
      sm90::prefetchTensorMap(&p.b);
      for (int t = blockIdx.x; t < tiles; t += gridDim.x) {
        const GroupedTileOrder tile(t, rowTiles, colTiles);
        Mainloop::produce(pipe, &p.a, &p.b, tile.rowTile * Tile::kBlockM,
                          tile.colTile * Tile::kBlockN, kTiles, state);
      }
    }
  } else {
    sm90::claimRegisters<Sm90RegisterSplit<Tile>::kConsumer>();
    const int consumer = warpgroup - 1;
    for (int t = blockIdx.x; t < tiles; t += gridDim.x) {
      const GroupedTileOrder tile(t, rowTiles, colTiles);
      typename Mainloop::Accumulators acc;
      Mainloop::consume(pipe, consumer, kTiles, acc, state);
      storeSm90Epilogue<Tile>(acc, p, epilogue,
                              tile.rowTile * Tile::kBlockM + 64 * consumer,
                              tile.colTile * Tile::kBlockN);
    }
  }
}

/// Launches the GEMM prepared by prepareGemmSm90<Tile> on `stream`.
template <typename Tile, typename OutT, typename Epilogue>
cudaError_t launchGemmSm90(const GemmSm90Params<OutT> &p,
                           const Epilogue &epilogue, cudaStream_t stream) {
  if (p.m == 0)
    return cudaSuccess;
  constexpr std::size_t smemBytes = GemmSm90Mainloop<Tile>::kSmemBytes;
  auto *kernel = gemmSm90Kernel<Tile, OutT, Epilogue>;
  const cudaError_t error = cudaFuncSetAttribute(
      kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
      static_cast<int>(smemBytes));
  if (error != cudaSuccess)
    return error;
  const long long tiles =
      static_cast<long long>((p.m + Tile::kBlockM - 1) / Tile::kBlockM) *
      ((p.n + Tile::kBlockN - 1) / Tile::kBlockN);
  if (tiles > 0x7FFFFFFF)
    return cudaErrorInvalidValue;
  // One block per multiprocessor (the ring fills its shared memory).
  int device = 0, multiprocessors = 0;
  cudaError_t queried = cudaGetDevice(&device);
  if (queried == cudaSuccess)
    queried = cudaDeviceGetAttribute(
        &multiprocessors, cudaDevAttrMultiProcessorCount, device);
  if (queried != cudaSuccess)
    return queried;
  const unsigned blocks = static_cast<unsigned>(
      tiles < multiprocessors ? tiles : multiprocessors);
  kernel<<<blocks, Tile::kThreads, smemBytes, stream>>>(p, epilogue);
  return cudaGetLastError();
}

} // namespace xfuse::device
