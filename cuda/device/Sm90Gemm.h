// Hopper (sm_90a) tensor-core GEMM with a fused epilogue:
//   C[m, n] = epilogue(A[m, k] . W[k, n])                       (kNumB = 1)
//   C[m, n] = epilogue(A . Wgate, A . Wup)  e.g. act(g) * u    (kNumB = 2)
// with each W passed packed as B = W^T, [n, k] row-major
// (runtime/WeightPacking.h) and bf16 A and B. The same GemmParams and
// epilogue functors (Epilogue.h) as the sm_80 GEMM of Gemm.h; the main loop
// is GemmSm90Mainloop (TMA + wgmma, warp-specialized), and the epilogue
// (Sm90Epilogue.h) runs on its f32 accumulators in registers, then the
// epilogue's row op if it has one, before one rounding to OutT on the
// store. The gated product reads gate and up through two tensor maps
// (GemmParams::b[0] and b[1], each [n, k]), not the interleaved packing of
// #xkernel.interleave: one TMA box per operand and stage either way.
// Persistent blocks walk the tiles in Sm90TileScheduler.h's order; split-K
// (Sm90SplitK.h) cuts each tile's k-tiles into slices.
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
#include "cuda/device/GemmLimits.h"
#include "cuda/device/GemmSm90Mainloop.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Sm90Epilogue.h"
#include "cuda/device/Sm90SplitK.h"
#include "cuda/device/Sm90TensorMap.h"
#include "cuda/device/Sm90TileScheduler.h"

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
  Sm90SplitK splitK;    // setGemmSm90SplitK
  Sm90Raster raster;    // the tile order (Sm90TileScheduler.h)
  // At most this many blocks (0: as many as are resident), leaving SMs to a
  // kernel that runs beside this one: NCCL's (cuda/host/Collectives.h).
  int maxBlocks = 0;
  // The source of a WithPeriodicSource epilogue (setGemmSm90PeriodicSource):
  // S [sourcePeriod, n], boxes of kConsumerRows x 64; period 0 when unset.
  CUtensorMap source;
  int sourcePeriod = 0;
};

/// nullptr when prepareGemmSm90<Tile> accepts `p`, else why not.
template <typename OutT, int kNumB>
const char *
gemmSm90UnsupportedReason(const GemmParams<__nv_bfloat16, OutT, kNumB> &p) {
  return tmaOperandsUnsupportedReason(p);
}

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

/// Cuts each tile's k-tiles into `splits` slices (1 <= splits <= number of
/// 64-wide k-tiles) for shapes with fewer tiles than multiprocessors.
/// `counters`: Sm90SplitKWorkspace<Tile, kNumB>::counters(m, n) of them,
/// zero before the launch; the launch leaves them at zero again, so they
/// need zeroing only once (rt::Workspace::zeroedCounters). `partials`:
/// partialBytes(m, n, splits), 16-byte aligned, any contents. Both are used
/// by one launch at a time. splits = 1 turns split-K off (both unused).
/// cudaErrorInvalidValue where GemmLimits.h rejects Tile split in `splits`
/// (the ping-pong schedule); a launch whose epilogue has a row op rejects
/// splits > 1 too.
template <typename Tile, typename OutT, int kNumB>
cudaError_t setGemmSm90SplitK(GemmSm90Params<OutT, kNumB> *p, int splits,
                              unsigned *counters, void *partials) {
  const int kTiles = (p->k + Tile::kBlockK - 1) / Tile::kBlockK;
  if (splits < 1 || splits > kTiles ||
      gemm::unsupportedReason(Tile::config(kNumB, splits)) != nullptr ||
      (splits > 1 &&
       (counters == nullptr || partials == nullptr ||
        reinterpret_cast<std::uintptr_t>(partials) % 16 != 0)))
    return cudaErrorInvalidValue;
  p->splitK.splits = splits;
  p->splitK.arrivals = splits > 1 ? counters : nullptr;
  p->splitK.partials = splits > 1 ? static_cast<float *>(partials) : nullptr;
  return cudaSuccess;
}

/// Sets the source S [period, n] (bf16, 16-byte aligned) of launches with a
/// WithPeriodicSource epilogue: C = epilogue(A . B + S[row % period]).
/// cudaErrorInvalidValue where gemm::periodicSourceUnsupportedReason
/// (GemmLimits.h) rejects Tile or the period, or Tile stores directly.
template <typename Tile, typename OutT, int kNumB>
cudaError_t setGemmSm90PeriodicSource(GemmSm90Params<OutT, kNumB> *p,
                                      const __nv_bfloat16 *source,
                                      int period) {
  if (gemm::periodicSourceUnsupportedReason(Tile::config(kNumB), period) ||
      !Sm90StagedStore<Tile, kNumB>::enabled(false) || p->n <= 0)
    return cudaErrorInvalidValue;
  p->sourcePeriod = period;
  return sm90::encodeSwizzledTensorMap(
      &p->source, sm90::tensorMapDataType<__nv_bfloat16>(), source,
      static_cast<std::uint64_t>(period), static_cast<std::uint64_t>(p->n),
      Tile::kConsumerRows);
}

/// Registers per thread after setmaxnreg: the producer needs few; the
/// consumers get the rest of the 64K-register file (multiples of 8).
template <typename Tile> struct Sm90RegisterSplit {
  static constexpr int kProducer = 40;
  static constexpr int kConsumer = Tile::kConsumers == 1 ? 256 : 232;
  static_assert(128 * (kProducer + Tile::kConsumers * kConsumer) <= 65536);
};

/// Whether the consumers prepare their rows' row op states (Epilogue.h)
/// beside the tile's main loop (Sm90RowOpStates) instead of in the
/// epilogue: for a row op with prepare steps, on cooperative tiles of two
/// consumers, whose epilogue nothing overlaps, where the states fit in the
/// registers beside the accumulators (kEpilogueRegisters stay for
/// addresses, indices and the epilogue's temporaries). A ping-pong tile's
/// epilogue runs beside the other consumer's MMAs already; a one-consumer
/// tile is a weight-streaming plan, whose main loop would hold up the
/// states' loads behind the weights (docs/perf-notes.md, attempt 18).
template <typename Tile, int kNumB, typename Epilogue>
struct Sm90RowOpSchedule {
  static constexpr int kEpilogueRegisters = 32;
  static constexpr int kStateRegisters =
      GemmSm90Mainloop<Tile, kNumB>::kSlices * 2 *
      static_cast<int>(sizeof(RowOpState<Epilogue>) / 4);
  static constexpr bool kEarly =
      kRowOpPrepareSteps<Epilogue> > 0 && !Tile::kPingPong &&
      Tile::kConsumers == 2 &&
      GemmSm90Mainloop<Tile, kNumB>::kAccumulatorsPerThread +
              kStateRegisters + kEpilogueRegisters <=
          Sm90RegisterSplit<Tile>::kConsumer;
};

/// The blocks of one cluster of a launch of Tile: split-K launches run
/// without clusters.
template <typename Tile, bool kSplitK>
inline constexpr int kSm90Cluster = kSplitK ? 1 : Tile::kClusterM;

/// The configuration (GemmLimits.h) of the kSplitK variant of Tile's kernel
/// (2 stands for any number of slices: the limits are the same).
template <typename Tile, int kNumB, bool kSplitK>
inline constexpr gemm::Config kSm90KernelConfig =
    Tile::config(kNumB, kSplitK ? 2 : 1);

/// Whether the kSplitK variant of Tile's kernel can add the periodic source
/// of Epilogue, if it has one: in staged store buffers (GemmLimits.h).
template <typename Tile, int kNumB, bool kSplitK, typename Epilogue>
inline constexpr bool kSm90SourceSupported =
    !PeriodicSourceOf<Epilogue>::kPresent ||
    (Sm90StagedStore<Tile, kNumB>::enabled(kSplitK) &&
     gemm::periodicSourceUnsupportedReason(
         kSm90KernelConfig<Tile, kNumB, kSplitK>, Tile::kConsumerRows) ==
         nullptr);

/// Whether the kSplitK variant of Tile's kernel can run Epilogue.
template <typename Tile, int kNumB, bool kSplitK, typename Epilogue>
inline constexpr bool kSm90KernelSupported =
    gemm::unsupportedReason(kSm90KernelConfig<Tile, kNumB, kSplitK>) ==
        nullptr &&
    kSm90SourceSupported<Tile, kNumB, kSplitK, Epilogue> &&
    epilogueUnsupportedReason<Epilogue>(
        kSm90KernelConfig<Tile, kNumB, kSplitK>) == nullptr;

/// kSplitK: the variant for p.splits > 1 (a separate kernel because the
/// reduction's registers would otherwise spill the 128-accumulator tiles).
template <typename Tile, typename OutT, int kNumB, bool kSplitK,
          typename Epilogue>
__global__ void __launch_bounds__(Tile::kThreads, 1)
    gemmSm90Kernel(const __grid_constant__ GemmSm90Params<OutT, kNumB> p,
                   const Epilogue epilogue) {
  static_assert(kSm90KernelSupported<Tile, kNumB, kSplitK, Epilogue>,
                "GemmLimits.h rejects this tile, split-K variant, "
                "epilogue row op or periodic source (gemm::unsupportedReason, "
                "the row op's unsupportedReason, "
                "gemm::periodicSourceUnsupportedReason)");
  constexpr int kCluster = kSm90Cluster<Tile, kSplitK>;
  using Mainloop = GemmSm90Mainloop<Tile, kNumB, kCluster>;
  using Staged = Sm90StagedStore<Tile, kNumB>;
  constexpr bool kStaged = Staged::enabled(kSplitK);
  using SourceOf = PeriodicSourceOf<Epilogue>;
  using Source = Sm90PeriodicSource<Mainloop, Tile>;
  const auto &elementwise = SourceOf::elementwise(epilogue);
  extern __shared__ unsigned char gemmSm90Smem[];
  const typename Mainloop::Pipeline pipe =
      Mainloop::initPipeline(gemmSm90Smem);
  waitForPrecedingKernels();
  allowDependentKernels();

  const Sm90TileGrid<Tile> grid(p.m, p.n);
  const int tiles = static_cast<int>(grid.clusterTiles(kCluster));
  const int units = tiles * p.splitK.splits;
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
        const Unit unit(u, grid, tiles, p.splitK.splits, kTiles, rank,
                        p.raster);
        Mainloop::produce(pipe, &p.a, p.b, unit.row0, unit.col0,
                          unit.kTileBegin, unit.kTileEnd, rank, state);
      }
    }
  } else {
    sm90::claimRegisters<Sm90RegisterSplit<Tile>::kConsumer>();
    const int consumer = warpgroup - 1;
    unsigned char *const storeBuffers =
        pipe.end() + consumer * 2 * Staged::kBufferBytes;
    const Sm90Output<OutT> output{p.c, &p.cStore, p.m, p.n};
    int boxesStored = 0;
    // Ping-pong: this block's units alternate between the two consumers;
    // `round` counts the units this consumer ran.
    int round = 0;
    int sourceTiles = 0;
    for (int u = cluster, i = 0; u < units; u += clusters, ++i) {
      const Unit unit(u, grid, tiles, p.splitK.splits, kTiles, rank,
                        p.raster);
      if (Tile::kPingPong && i % 2 != consumer) {
        state.iteration += unit.kTileCount(); // the other consumer's stages
        continue;
      }
      const int row0 = unit.row0 + (Tile::kPingPong ? 0 : 64 * consumer);
      using Elementwise = typename SourceOf::Elementwise;
      Sm90RowOpStates<Mainloop, Elementwise,
                      Sm90RowOpSchedule<Tile, kNumB, Elementwise>::kEarly>
          rowStates(elementwise, row0, unit.col0, p.m);
      if constexpr (SourceOf::kPresent) {
        if (threadIdx.x % 128 == 0)
          Source::load(&p.source, p.sourcePeriod, pipe.source[consumer],
                       storeBuffers, boxesStored, row0, unit.col0);
      }
      typename Mainloop::Accumulators acc;
      if constexpr (Tile::kPingPong) {
        Mainloop::awaitTurn(pipe, consumer, round++);
        Mainloop::consume(pipe, consumer, unit.kTileCount(), acc, state);
        Mainloop::passTurn(pipe, consumer);
      } else {
        Mainloop::consume(pipe, consumer, unit.kTileCount(), acc, state,
                          rowStates);
      }
      if constexpr (kSplitK) {
        // Cooperative (GemmLimits.h): the tile's threads are the consumers'.
        const int tileThread = threadIdx.x - 128;
        if (!reduceSplitK<Mainloop, Tile, kNumB>(
                acc, p.splitK, unit.tile, unit.split, tileThread,
                row0 + 16 * (threadIdx.x / 32 % 4) < p.m))
          continue;
      }
      if constexpr (SourceOf::kPresent)
        Source::add(acc, pipe.source[consumer], sourceTiles++, storeBuffers,
                    boxesStored, row0);
      if constexpr (kStaged)
        storeSm90EpilogueStaged<Mainloop, Tile, kNumB>(
            acc, output, elementwise, rowStates, row0, unit.col0,
            storeBuffers, consumer, boxesStored);
      else
        storeSm90Epilogue<Mainloop, Tile, kNumB>(acc, output, elementwise,
                                                 rowStates, row0, unit.col0);
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
      Sm90TileGrid<Tile>(p.m, p.n).clusterTiles(kCluster) * p.splitK.splits;
  if (units > 0x7FFFFFFF)
    return cudaErrorInvalidValue;
  const int resident =
      residentSm90Clusters<Tile, kCluster>(kernel, Tile::kThreads, smemBytes);
  if (resident <= 0)
    return cudaErrorInvalidConfiguration;
  // A cap keeps whole clusters, at least one.
  const int capped = p.maxBlocks / kCluster > 0 ? p.maxBlocks / kCluster : 1;
  const int limit = p.maxBlocks > 0 && capped < resident ? capped : resident;
  const unsigned clusters =
      static_cast<unsigned>(units < limit ? units : limit);
  return launchKernel(kernel,
                      {dim3(clusters * kCluster), dim3(Tile::kThreads),
                       smemBytes, static_cast<unsigned>(kCluster)},
                      stream, p, epilogue);
}

/// Launches the GEMM prepared by prepareGemmSm90<Tile> (and
/// setGemmSm90SplitK<Tile>) on `stream`. cudaErrorInvalidValue for a split
/// launch of an epilogue with a row op (GemmLimits.h: the row op needs the
/// whole sum).
template <typename Tile, typename OutT, int kNumB, typename Epilogue>
cudaError_t launchGemmSm90(const GemmSm90Params<OutT, kNumB> &p,
                           const Epilogue &epilogue, cudaStream_t stream) {
  if (p.m == 0)
    return cudaSuccess;
  if (PeriodicSourceOf<Epilogue>::kPresent &&
      (p.sourcePeriod == 0 || p.splitK.splits != 1))
    return cudaErrorInvalidValue;
  if (p.splitK.splits == 1)
    return launchGemmSm90Variant<Tile, false>(p, epilogue, stream);
  // Only split-K variants the limits accept are instantiated.
  if constexpr (kSm90KernelSupported<Tile, kNumB, true, Epilogue>)
    return launchGemmSm90Variant<Tile, true>(p, epilogue, stream);
  else
    return cudaErrorInvalidValue;
}

} // namespace xfuse::device
