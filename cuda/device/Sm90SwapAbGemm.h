// Hopper (sm_90a) GEMM for a few tokens (decode), with the operands
// swapped: C^T = W . A^T. The GEMM of Sm90Gemm.h puts the tokens on
// wgmma's M side, which is 64 rows: at 1-32 tokens most of its MMAs and of
// its A boxes are padding, and it streams the weights well below the rate
// of the same loads without MMAs. Here each W [n, k] (packed as B = W^T,
// runtime/WeightPacking.h) is wgmma's A operand, 64 output features per
// slice, and the tokens A [m, k] are its B operand with wgmma's N = the
// tile's tokens (8, 16, 32 or 64; both K-major, neither transposed). The
// accumulators hold D^T [features, tokens]; the epilogue pairs adjacent
// features of one token across lanes and runs the same functors as the
// other GEMMs (Epilogue.h) on (token, feature) pairs, then stores them into
// C [m, n].
//
// A block owns kFeatures output features of every token over one k-slice:
// one producer warp issues the TMA copies (a weight box of each product
// and the token box per stage), one consumer warpgroup the wgmmas. The
// split-K slices of a tile run as one thread-block cluster, one slice per
// block, and add their accumulators through distributed shared memory into
// the cluster's first block, which runs the epilogue: no workspace and no
// counters. The launch is one block per unit; the plan keeps every block
// resident at once (passes/CostModel.cpp), so no block runs two units.
//
// Use: launchGemmSm90SwapAb<Tile>(params, splits, epilogue, stream), which
// encodes the TMA maps on the host per call. Requirements
// (gemmSm90SwapAbUnsupportedReason): those of prepareGemmSm90 (Sm90Gemm.h),
// m <= Tile::kTokens, 1 <= splits <= min(8, k-tiles), and an epilogue
// without a row op.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/Gemm.h"
#include "cuda/device/GemmLimits.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Sm90Primitives.h"
#include "cuda/device/Sm90TensorMap.h"
#include "cuda/device/Sm90WgmmaNarrow.h"
#include "cuda/device/Vector.h"

#include <cooperative_groups.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace xfuse::device {

/// Tile of the swapped GEMM: all of a call's tokens (up to kTokens, wgmma's
/// N) x kFeatures output features, k-tiles of 64, kStages stages. What it
/// can run is gemm::unsupportedReason's (GemmLimits.h) for config().
template <int kTokens_, int kFeatures_, int kStages_> struct Sm90SwapAbTile {
  static constexpr int kTokens = kTokens_;
  static constexpr int kFeatures = kFeatures_;
  static constexpr int kStages = kStages_;
  static constexpr int kBlockK = gemm::kSm90TileK;
  /// 64-row wgmma slices of each weight operand.
  static constexpr int kSlices = kFeatures / 64;
  /// One consumer warpgroup (warps 0-3), then the producer warp.
  static constexpr int kThreads = 128 + 32;

  /// The plan's statement of this tile for `products` weight operands, its
  /// k-tiles cut into `splitK` slices.
  static constexpr gemm::Config config(int products, int splitK = 1) {
    return {gemm::Mainloop::kTmaWgmmaSwapped,
            kTokens,
            kFeatures,
            kBlockK,
            kStages,
            /*warpgroups=*/1,
            /*warpsM=*/0,
            /*warpsN=*/0,
            splitK,
            /*clusterM=*/1,
            /*pingPong=*/false,
            products,
            /*elementBytes=*/2};
  }
};

template <typename OutT, int kNumB = 1> struct GemmSm90SwapAbParams {
  CUtensorMap tokens;         // A [m, k], boxes of kTokens x 64
  CUtensorMap weights[kNumB]; // B [n, k] each ({gate, up}), boxes of 64 x 64
  OutT *c;                    // [m, n] row-major
  int m, n, kTiles;
};

/// The ring of the swapped GEMM: stage s holds a 64 x 64 box per slice of
/// each weight operand, then the token box.
template <typename Tile, int kNumB> struct Sm90SwapAbRing {
  static_assert(gemm::unsupportedReason(Tile::config(kNumB)) == nullptr,
                "GemmLimits.h rejects this swapped tile");
  static constexpr int kSliceBytes = 64 * Tile::kBlockK * 2;
  static constexpr int kWeightTileBytes = Tile::kSlices * kSliceBytes;
  static constexpr int kTokenTileBytes = Tile::kTokens * Tile::kBlockK * 2;
  static constexpr int kStageBytes = kNumB * kWeightTileBytes + kTokenTileBytes;
  static constexpr int kAlignment = gemm::kSm90SmemAlignment;
  static constexpr std::size_t kSmemBytes =
      2 * Tile::kStages * sizeof(sm90::Mbarrier) + kAlignment +
      static_cast<std::size_t>(Tile::kStages) * kStageBytes;
  /// Accumulators per consumer thread: the wgmma D layout of each slice
  /// and weight operand.
  static constexpr int kAccumulators =
      kNumB * Tile::kSlices * Tile::kTokens / 2;
  static_assert(kSmemBytes ==
                    static_cast<std::size_t>(gemm::sm90SwappedRingBytes(
                        Tile::kTokens, Tile::kFeatures, Tile::kStages, kNumB)),
                "GemmLimits.h states the ring's shared memory");
  // Swizzled tiles start on 1024-byte boundaries.
  static_assert(kSliceBytes % 1024 == 0 && kTokenTileBytes % 1024 == 0);
  // A slice's partial sums reuse the ring once its main loop has ended.
  static_assert(128 * kAccumulators * 4 <= Tile::kStages * kStageBytes);

  unsigned char *stages;
  sm90::Mbarrier *full;
  sm90::Mbarrier *empty;

  __device__ unsigned char *weightSlice(int s, int b, int slice) const {
    return stages + s * kStageBytes + b * kWeightTileBytes +
           slice * kSliceBytes;
  }
  __device__ unsigned char *tokenTile(int s) const {
    return stages + s * kStageBytes + kNumB * kWeightTileBytes;
  }
};

template <typename Tile, typename OutT, int kNumB, typename Epilogue>
__global__ void __launch_bounds__(Tile::kThreads, 1) gemmSm90SwapAbKernel(
    const __grid_constant__ GemmSm90SwapAbParams<OutT, kNumB> p,
    const Epilogue epilogue) {
  static_assert(!kHasRowOp<Epilogue>,
                "the swapped GEMM has no row op (GemmLimits.h's "
                "epilogueRopeUnsupportedReason)");
  using Ring = Sm90SwapAbRing<Tile, kNumB>;
  extern __shared__ unsigned char gemmSm90SwapAbSmem[];
  Ring ring;
  ring.full = reinterpret_cast<sm90::Mbarrier *>(gemmSm90SwapAbSmem);
  ring.empty = ring.full + Tile::kStages;
  unsigned char *const afterBarriers =
      reinterpret_cast<unsigned char *>(ring.empty + Tile::kStages);
  const std::uint32_t misalignment =
      sm90::sharedAddress(afterBarriers) % Ring::kAlignment;
  ring.stages =
      afterBarriers + (misalignment ? Ring::kAlignment - misalignment : 0);

  // blockIdx.x: the k-slice, the block's rank in its cluster.
  const int splits = gridDim.x, slice = blockIdx.x;
  const int feature0 = blockIdx.y * Tile::kFeatures;
  const int kBegin = slice * p.kTiles / splits;
  const int steps = (slice + 1) * p.kTiles / splits - kBegin;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const bool producer = warp == 4;

  if (threadIdx.x == 0) {
    for (int s = 0; s < Tile::kStages; ++s) {
      ring.full[s].init(1);
      ring.empty[s].init(4); // one arrival per consumer warp
    }
    sm90::fenceBarrierInit();
  }
  __syncthreads();
  // One wave of blocks: the next kernel's may be scheduled as these retire.
  allowDependentKernels();
  waitForPrecedingKernels();

  float acc[kNumB][Tile::kSlices][Tile::kTokens / 2];
  auto forEachAccumulator = [&](auto &&f) {
#pragma unroll
    for (int b = 0; b < kNumB; ++b)
#pragma unroll
      for (int j = 0; j < Tile::kSlices; ++j)
#pragma unroll
        for (int i = 0; i < Tile::kTokens / 2; ++i)
          f(acc[b][j][i]);
  };
  auto fenceAccumulators = [&] {
    forEachAccumulator([](float &d) { sm90::fenceRegister(d); });
  };

  if (producer) {
    if (lane == 0) {
      sm90::prefetchTensorMap(&p.tokens);
      for (int b = 0; b < kNumB; ++b)
        sm90::prefetchTensorMap(&p.weights[b]);
      for (int it = 0; it < steps; ++it) {
        const int s = it % Tile::kStages;
        // Round r refills the stage the consumer released in round r - 1;
        // round 0's wait for parity 1 passes at once.
        ring.empty[s].wait(((it / Tile::kStages) & 1) ^ 1);
        ring.full[s].arriveExpectTx(Ring::kStageBytes);
        const int k0 = (kBegin + it) * Tile::kBlockK;
#pragma unroll
        for (int b = 0; b < kNumB; ++b)
#pragma unroll
          for (int j = 0; j < Tile::kSlices; ++j)
            sm90::tmaLoad2d(ring.weightSlice(s, b, j), &p.weights[b],
                            &ring.full[s], k0, feature0 + 64 * j);
        sm90::tmaLoad2d(ring.tokenTile(s), &p.tokens, &ring.full[s], k0, 0);
      }
    }
    __syncwarp();
  } else {
    forEachAccumulator([](float &d) { d = 0.0f; });
    int previous = -1; // the stage read by the wgmma group in flight
    for (int it = 0; it < steps; ++it) {
      const int s = it % Tile::kStages;
      ring.full[s].wait((it / Tile::kStages) & 1);
      fenceAccumulators();
      sm90::wgmmaFence();
#pragma unroll
      for (int kk = 0; kk < Tile::kBlockK / 16; ++kk)
#pragma unroll
        for (int b = 0; b < kNumB; ++b)
#pragma unroll
          for (int j = 0; j < Tile::kSlices; ++j)
            // +2 per k16: 32 bytes along the swizzled row, in the
            // descriptor's 16-byte units.
            sm90::Wgmma<Tile::kTokens>::mma(
                acc[b][j],
                sm90::sw128KMajorDescriptor(ring.weightSlice(s, b, j)) + 2 * kk,
                sm90::sw128KMajorDescriptor(ring.tokenTile(s)) + 2 * kk);
      sm90::wgmmaCommitGroup();
      // The group just issued stays in flight; the one before it has
      // retired, so its stage may be refilled.
      sm90::wgmmaWaitGroup<1>();
      fenceAccumulators();
      if (previous >= 0 && lane == 0)
        ring.empty[previous].arrive();
      previous = s;
    }
    sm90::wgmmaWaitGroup<0>();
    fenceAccumulators();
  }

  if (splits > 1) {
    // Every copy of the slice has landed and its wgmmas retired: the ring
    // is free for the partial sums, [accumulator][thread] (consecutive
    // threads, consecutive banks).
    namespace cg = cooperative_groups;
    cg::cluster_group cluster = cg::this_cluster();
    float *partials = reinterpret_cast<float *>(ring.stages);
    int a = 0;
    if (!producer && slice != 0)
      forEachAccumulator(
          [&](float &d) { partials[128 * a++ + threadIdx.x] = d; });
    cluster.sync();
    if (!producer && slice == 0)
      for (int rank = 1; rank < splits; ++rank) {
        const float *remote = cluster.map_shared_rank(partials, rank);
        a = 0;
        forEachAccumulator(
            [&](float &d) { d += remote[128 * a++ + threadIdx.x]; });
      }
    // The other blocks' shared memory must outlive the reads above.
    cluster.sync();
  }
  if (producer || slice != 0)
    return;

  // D^T in the wgmma layout: thread t holds, per slice j and n8 block nb,
  // feature rows r = 64 j + 16 (t / 32) + (t % 32) / 4 and r + 8 (half),
  // each at tokens 8 nb + 2 (t % 4) + {0, 1}. The epilogue takes adjacent
  // features of one token: lanes 4 apart hold rows r and r + 1, so the
  // even-row lane takes both rows' first token and the odd-row lane both
  // rows' second.
  const bool oddRow = (lane / 4) % 2 != 0;
#pragma unroll
  for (int j = 0; j < Tile::kSlices; ++j)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int col =
          feature0 + 64 * j + 16 * warp + (lane / 4 - oddRow) + 8 * half;
#pragma unroll
      for (int nb = 0; nb < Tile::kTokens / 8; ++nb) {
        const int i = 4 * nb + 2 * half;
        const int row = 8 * nb + 2 * (lane % 4) + oddRow;
        float2 v[kNumB];
#pragma unroll
        for (int b = 0; b < kNumB; ++b) {
          const float first = acc[b][j][i], second = acc[b][j][i + 1];
          const float partner =
              __shfl_xor_sync(0xffffffffu, oddRow ? first : second, 4);
          v[b] = oddRow ? make_float2(partner, second)
                        : make_float2(first, partner);
        }
        if (row < p.m && col < p.n) {
          const float2 out = applyEpilogue(epilogue, v, row, col);
          Vec<OutT, 2> packed;
          packed[0] = fromFloat<OutT>(out.x);
          packed[1] = fromFloat<OutT>(out.y);
          storeVec(p.c + static_cast<std::int64_t>(row) * p.n + col, packed);
        }
      }
    }
}

/// nullptr when launchGemmSm90SwapAb<Tile> runs `p` in `splits` slices
/// with an epilogue, else why not.
template <typename Tile, typename OutT, int kNumB>
const char *
gemmSm90SwapAbUnsupportedReason(const GemmParams<__nv_bfloat16, OutT, kNumB> &p,
                                int splits) {
  if (const char *reason = tmaOperandsUnsupportedReason(p))
    return reason;
  if (p.m > Tile::kTokens)
    return "the swapped GEMM holds all tokens in one tile: m <= kTokens";
  if (splits < 1 || splits > (p.k + Tile::kBlockK - 1) / Tile::kBlockK ||
      gemm::unsupportedReason(Tile::config(kNumB, splits)) != nullptr)
    return "split-K takes 1 to min(8, k-tiles) slices";
  return nullptr;
}

/// C = epilogue(A . B^T) (or of the gate and up products) for m <= kTokens
/// tokens, each tile's k-tiles in `splits` slices (one cluster per tile).
/// cudaErrorInvalidValue when gemmSm90SwapAbUnsupportedReason is not null.
template <typename Tile, typename OutT, int kNumB, typename Epilogue>
cudaError_t
launchGemmSm90SwapAb(const GemmParams<__nv_bfloat16, OutT, kNumB> &p,
                     int splits, const Epilogue &epilogue,
                     cudaStream_t stream) {
  if (gemmSm90SwapAbUnsupportedReason<Tile>(p, splits))
    return cudaErrorInvalidValue;
  if (p.m == 0)
    return cudaSuccess;
  GemmSm90SwapAbParams<OutT, kNumB> params{};
  constexpr CUtensorMapDataType kBf16 =
      sm90::tensorMapDataType<__nv_bfloat16>();
  cudaError_t error = sm90::encodeSwizzledTensorMap(&params.tokens, kBf16, p.a,
                                                    p.m, p.k, Tile::kTokens);
  for (int i = 0; i < kNumB && error == cudaSuccess; ++i)
    error = sm90::encodeSwizzledTensorMap(&params.weights[i], kBf16, p.b[i],
                                          p.n, p.k, 64);
  if (error != cudaSuccess)
    return error;
  params.c = p.c;
  params.m = p.m;
  params.n = p.n;
  params.kTiles = (p.k + Tile::kBlockK - 1) / Tile::kBlockK;
  using Ring = Sm90SwapAbRing<Tile, kNumB>;
  auto *kernel = gemmSm90SwapAbKernel<Tile, OutT, kNumB, Epilogue>;
  error =
      cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                           static_cast<int>(Ring::kSmemBytes));
  if (error != cudaSuccess)
    return error;
  const LaunchShape shape{
      dim3(splits, (p.n + Tile::kFeatures - 1) / Tile::kFeatures),
      dim3(Tile::kThreads), Ring::kSmemBytes, static_cast<unsigned>(splits)};
  return launchKernel(kernel, shape, stream, params, epilogue);
}

} // namespace xfuse::device
