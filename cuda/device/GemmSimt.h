// f32 GEMM on the CUDA cores, for f32 xfuse.linear: the tensor cores would
// round the operands to tf32 (10 mantissa bits), far outside f32's 1e-5.
//   C[m, n] = epilogue(A[m, k] . W[k, n])                       (kNumB = 1)
//   C[m, n] = epilogue(A . Wgate, A . Wup)  e.g. act(g) * u    (kNumB = 2)
// with each W passed as B = W^T, [n, k] row-major, and the elementwise
// epilogue functors of Epilogue.h, as in Gemm.h (no row op: GemmLimits.h
// gives the SIMT GEMM no RoPE epilogue).
//
// The one tile of GemmLimits.h (kSimt*): a block of 2 x 4 warps computes a
// 64 x 64 tile of C (of each product), each thread a 4 x 4 block of it,
// accumulated with fmaf in f32 in k order. k advances in k-tiles of 16,
// double-buffered in shared memory: while the block multiplies one k-tile,
// the global loads of the next are in flight into registers.
//
// Requirements (gemmSimtUnsupportedReason): m >= 0, k > 0, n > 0 and even
// (the epilogue takes column pairs), A and B aligned to their elements, C to
// 2 elements. n and k need not be multiples of the tile: the rows and
// k-columns outside A and B are zero-filled, the outputs outside C never
// stored. Loads are 16-byte vectors where k % 4 == 0 and A and B are
// 16-byte aligned, else single floats.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/Gemm.h"
#include "cuda/device/GemmLimits.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

namespace simt {

inline constexpr int kTileM = static_cast<int>(gemm::kSimtTileM);
inline constexpr int kTileN = static_cast<int>(gemm::kSimtTileN);
inline constexpr int kTileK = static_cast<int>(gemm::kSimtTileK);
inline constexpr int kStages = static_cast<int>(gemm::kSimtStages);
inline constexpr int kWarpsM = static_cast<int>(gemm::kSimtWarpsM);
inline constexpr int kWarpsN = static_cast<int>(gemm::kSimtWarpsN);
inline constexpr int kThreads = kWarpsM * kWarpsN * 32;
// A warp is 8 x 4 threads, each owning kThreadM x kThreadN outputs.
inline constexpr int kThreadM = 4;
inline constexpr int kThreadN = 4;
inline constexpr int kWarpM = 8 * kThreadM;
inline constexpr int kWarpN = 4 * kThreadN;
// Shared tiles are stored k-major ([k][row]) so that a thread reads its 4
// rows (columns) of one k as one float4. The padding keeps those reads
// 16-byte aligned and spreads the transposing stores of a warp's 4 k-quads
// over two bank groups instead of one.
inline constexpr int kSmemPad = 4;

static_assert(kStages == 2,
              "the main loop is one register-staged double buffer");
static_assert(kTileM == kWarpsM * kWarpM && kTileN == kWarpsN * kWarpN,
              "the warps tile the block's outputs");
static_assert(kTileM * kTileK == 4 * kThreads &&
                  kTileN * kTileK == 4 * kThreads,
              "each thread loads one k-quad of each operand tile");
static_assert(kThreadN % 2 == 0, "the epilogue takes column pairs");

/// The SIMT tile as the plan states it (GemmLimits.h's contract).
constexpr gemm::Config config(int products) {
  return {gemm::Mainloop::kSimt,
          gemm::kSimtTileM,
          gemm::kSimtTileN,
          gemm::kSimtTileK,
          gemm::kSimtStages,
          /*warpgroups=*/0,
          gemm::kSimtWarpsM,
          gemm::kSimtWarpsN,
          /*splitK=*/1,
          /*clusterM=*/1,
          /*pingPong=*/false,
          products,
          /*elementBytes=*/4};
}
static_assert(gemm::unsupportedReason(config(1)) == nullptr &&
                  gemm::unsupportedReason(config(2)) == nullptr,
              "GemmLimits.h accepts the SIMT tile");

/// Shared memory of one stage: the A tile and kNumB B tiles, k-major.
template <int kNumB> struct Stage {
  float a[kTileK][kTileM + kSmemPad];
  float b[kNumB][kTileK][kTileN + kSmemPad];
};

/// One thread's share of a k-tile of a row-major [rows, k] operand: 4
/// consecutive k (a k-quad) of one row of the tile, zero outside the
/// operand.
struct KQuad {
  float v[4];

  __device__ static int row() { return threadIdx.x / 4; }
  __device__ static int k() { return (threadIdx.x % 4) * 4; }

  /// From the tile at rows [row0, row0 + 64) ∩ [0, rows), k-columns
  /// [k0, k0 + kTileK) ∩ [0, k).
  __device__ static KQuad load(const float *origin, int rows, int k, int row0,
                               int k0, bool vectorized) {
    KQuad q{};
    const int r = row0 + row(), c = k0 + KQuad::k();
    if (r >= rows)
      return q;
    const float *src = origin + static_cast<std::int64_t>(r) * k + c;
    if (vectorized) {
      // k % 4 == 0: a quad is wholly inside k or wholly outside.
      if (c < k) {
        const float4 in = *reinterpret_cast<const float4 *>(src);
        q = {{in.x, in.y, in.z, in.w}};
      }
    } else {
#pragma unroll
      for (int t = 0; t < 4; ++t)
        if (c + t < k)
          q.v[t] = src[t];
    }
    return q;
  }

  template <int kRows>
  __device__ void storeTransposed(float (&tile)[kTileK][kRows]) const {
#pragma unroll
    for (int t = 0; t < 4; ++t)
      tile[k() + t][row()] = v[t];
  }
};

} // namespace simt

/// nullptr when launchGemmSimt can run `p`, else why not.
template <typename OutT, int kNumB>
const char *gemmSimtUnsupportedReason(const GemmParams<float, OutT, kNumB> &p) {
  auto misaligned = [](const void *ptr, std::uintptr_t bytes) {
    return reinterpret_cast<std::uintptr_t>(ptr) % bytes != 0;
  };
  if (p.m < 0 || p.n <= 0 || p.k <= 0)
    return "m must be >= 0, n and k > 0";
  if (p.n % 2 != 0)
    return "n must be even: the epilogue takes column pairs";
  const std::int64_t tiles =
      (static_cast<std::int64_t>(p.m) + simt::kTileM - 1) / simt::kTileM *
      ((p.n + simt::kTileN - 1) / simt::kTileN);
  if (tiles > 0x7fffffff)
    return "more than 2^31 - 1 output tiles";
  if (misaligned(p.a, sizeof(float)) || misaligned(p.c, 2 * sizeof(OutT)))
    return "A must be aligned to its elements and C to 2 elements";
  for (int i = 0; i < kNumB; ++i)
    if (misaligned(p.b[i], sizeof(float)))
      return "B must be aligned to its elements";
  return nullptr;
}

template <typename OutT, int kNumB, typename Epilogue>
__global__ void __launch_bounds__(simt::kThreads)
    gemmSimtKernel(const GemmParams<float, OutT, kNumB> p,
                   const Epilogue epilogue, int tilesN, bool vectorized) {
  using namespace simt;
  __shared__ __align__(16) Stage<kNumB> stages[kStages];
  waitForPrecedingKernels();
  allowDependentKernels();
  // Consecutive blocks walk n, so that they reuse the same rows of A from
  // L2.
  const int row0 = blockIdx.x / tilesN * kTileM;
  const int col0 = blockIdx.x % tilesN * kTileN;

  struct Staged {
    KQuad a, b[kNumB];
  };
  auto fetch = [&](int k0) {
    Staged s;
    s.a = KQuad::load(p.a, p.m, p.k, row0, k0, vectorized);
#pragma unroll
    for (int i = 0; i < kNumB; ++i)
      s.b[i] = KQuad::load(p.b[i], p.n, p.k, col0, k0, vectorized);
    return s;
  };
  auto stash = [&](const Staged &s, Stage<kNumB> &stage) {
    s.a.storeTransposed(stage.a);
#pragma unroll
    for (int i = 0; i < kNumB; ++i)
      s.b[i].storeTransposed(stage.b[i]);
  };

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int threadRow = (warp % kWarpsM) * kWarpM + lane / 4 * kThreadM;
  const int threadCol = (warp / kWarpsM) * kWarpN + lane % 4 * kThreadN;
  float acc[kNumB][kThreadM][kThreadN] = {};

  const int kTiles = (p.k + kTileK - 1) / kTileK;
  stash(fetch(0), stages[0]);
  __syncthreads();
  for (int kt = 0; kt < kTiles; ++kt) {
    const bool more = kt + 1 < kTiles;
    Staged next;
    if (more)
      next = fetch((kt + 1) * kTileK);
    const Stage<kNumB> &stage = stages[kt % kStages];
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      const float4 a = *reinterpret_cast<const float4 *>(&stage.a[kk][threadRow]);
      const float av[kThreadM] = {a.x, a.y, a.z, a.w};
#pragma unroll
      for (int i = 0; i < kNumB; ++i) {
        const float4 b =
            *reinterpret_cast<const float4 *>(&stage.b[i][kk][threadCol]);
        const float bv[kThreadN] = {b.x, b.y, b.z, b.w};
#pragma unroll
        for (int r = 0; r < kThreadM; ++r)
#pragma unroll
          for (int c = 0; c < kThreadN; ++c)
            acc[i][r][c] = fmaf(av[r], bv[c], acc[i][r][c]);
      }
    }
    // The other stage was last read in iteration kt - 1, which every thread
    // finished before the barrier that ended it.
    if (more)
      stash(next, stages[(kt + 1) % kStages]);
    __syncthreads();
  }

#pragma unroll
  for (int r = 0; r < kThreadM; ++r) {
    const int row = row0 + threadRow + r;
    if (row >= p.m)
      continue;
#pragma unroll
    for (int c = 0; c < kThreadN; c += 2) {
      const int col = col0 + threadCol + c;
      // n is even, so col < n implies col + 1 < n.
      if (col >= p.n)
        continue;
      float2 products[kNumB];
#pragma unroll
      for (int i = 0; i < kNumB; ++i)
        products[i] = make_float2(acc[i][r][c], acc[i][r][c + 1]);
      const float2 v = applyEpilogue(epilogue, products, row, col);
      Vec<OutT, 2> out;
      out[0] = fromFloat<OutT>(v.x);
      out[1] = fromFloat<OutT>(v.y);
      storeVec(p.c + static_cast<std::int64_t>(row) * p.n + col, out);
    }
  }
}

/// Launches the f32 GEMM on `stream`. Returns cudaErrorInvalidValue when
/// gemmSimtUnsupportedReason(p) is not null, else the launch's error.
template <int kNumB, typename OutT, typename Epilogue>
cudaError_t launchGemmSimt(const GemmParams<float, OutT, kNumB> &p,
                           const Epilogue &epilogue, cudaStream_t stream) {
  static_assert(epilogueUnsupportedReason<Epilogue>(simt::config(kNumB)) ==
                    nullptr,
                "the epilogue's row op cannot run on the SIMT GEMM: see its "
                "unsupportedReason (GemmLimits.h)");
  if (gemmSimtUnsupportedReason(p))
    return cudaErrorInvalidValue;
  if (p.m == 0)
    return cudaSuccess;
  auto aligned16 = [](const void *ptr) {
    return reinterpret_cast<std::uintptr_t>(ptr) % 16 == 0;
  };
  bool vectorized = p.k % 4 == 0 && aligned16(p.a);
  for (int i = 0; i < kNumB; ++i)
    vectorized = vectorized && aligned16(p.b[i]);
  const int tilesN = (p.n + simt::kTileN - 1) / simt::kTileN;
  const int tilesM = (p.m + simt::kTileM - 1) / simt::kTileM;
  return launchKernel(gemmSimtKernel<OutT, kNumB, Epilogue>,
                      {dim3(static_cast<unsigned>(tilesM) * tilesN),
                       dim3(simt::kThreads)},
                      stream, p, epilogue, tilesN, vectorized);
}

} // namespace xfuse::device
