// Tensor-core GEMM with a fused epilogue, for sm_80 and later:
//   C[m, n] = epilogue(A[m, k] . W[k, n])                       (kNumB = 1)
//   C[m, n] = epilogue(A . Wgate, A . Wup)  e.g. act(g) * u    (kNumB = 2)
// where each W is passed packed as B = W^T, [n, k] row-major (see
// runtime/WeightPacking.h). The main loop (GemmSm80Mainloop) produces f32
// accumulators in registers; the epilogue functors (Epilogue.h) run on them
// there, then its row op if it has one (RoPE: EpilogueRope.h), and the
// result is rounded to OutT once, on the store.
//
// Requirements (gemmUnsupportedReason checks them): n % 8 == 0, k % 8 == 0,
// k > 0, A and B 16-byte aligned, C aligned to 2 elements, m < 65536 *
// kBlockM. m may be anything else, including 1 or not a multiple of kBlockM;
// n and k need not be multiples of the tile.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/GemmSm80Mainloop.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

namespace xfuse::device {

template <typename T, typename OutT, int kNumB> struct GemmParams {
  const T *a;        // [m, k] row-major
  const T *b[kNumB]; // packed [n, k]; for kNumB = 2: {gate, up}
  OutT *c;           // [m, n] row-major
  int m, n, k;
};

/// nullptr when the operands of `p` suit the Hopper GEMMs' TMA copies
/// (16-byte aligned rows and bases), else why not.
template <typename T, typename OutT, int kNumB>
const char *tmaOperandsUnsupportedReason(const GemmParams<T, OutT, kNumB> &p) {
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

/// nullptr when launchGemm<Tile> can run `p`, else why not.
template <typename Tile, typename T, typename OutT, int kNumB>
const char *gemmUnsupportedReason(const GemmParams<T, OutT, kNumB> &p) {
  auto misaligned = [](const void *ptr, std::uintptr_t bytes) {
    return reinterpret_cast<std::uintptr_t>(ptr) % bytes != 0;
  };
  if (p.m < 0 || p.n <= 0 || p.k <= 0)
    return "m must be >= 0, n and k > 0";
  if (p.n % 8 != 0 || p.k % 8 != 0)
    return "n and k must be multiples of 8";
  if ((p.m + Tile::kBlockM - 1) / Tile::kBlockM > 65535)
    return "m exceeds 65535 row tiles";
  if (misaligned(p.a, 16) || misaligned(p.c, 2 * sizeof(OutT)))
    return "A must be 16-byte aligned and C aligned to 2 elements";
  for (int i = 0; i < kNumB; ++i)
    if (misaligned(p.b[i], 16))
      return "packed weights must be 16-byte aligned";
  return nullptr;
}

/// Runs the epilogue on a warp's accumulators and stores the rows and
/// columns that lie inside C: two contiguous columns per store. The row op,
/// if any, sees each of the thread's rows whole: the mma D layout gives a
/// thread columns warpCol + 8 ni + 2 (lane % 4) + {0, 1} of rows lane / 4
/// (registers 0, 1) and lane / 4 + 8 (registers 2, 3) of each m16 tile.
template <typename Tile, typename T, typename OutT, int kNumB,
          typename Epilogue>
__device__ void storeEpilogue(
    const typename GemmSm80Mainloop<Tile, T, kNumB>::Accumulators &acc,
    const GemmParams<T, OutT, kNumB> &p, const Epilogue &epilogue, int row0,
    int col0) {
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int warpRow = row0 + (warp % Tile::kWarpsM) * Tile::kWarpM;
  const int firstCol =
      col0 + (warp / Tile::kWarpsM) * Tile::kWarpN + (lane % 4) * 2;
  // n % 8 == 0, so col < n implies col + 1 < n.
  auto insideC = [&](int row, int col) { return row < p.m && col < p.n; };
#pragma unroll
  for (int mi = 0; mi < Tile::kMmaM; ++mi)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int row = warpRow + mi * 16 + lane / 4 + half * 8;
      float2 v[Tile::kMmaN];
#pragma unroll
      for (int ni = 0; ni < Tile::kMmaN; ++ni) {
        const int col = firstCol + ni * 8;
        float2 products[kNumB];
#pragma unroll
        for (int b = 0; b < kNumB; ++b)
          products[b] = make_float2(acc.frag[b][mi][ni][2 * half],
                                    acc.frag[b][mi][ni][2 * half + 1]);
        // Outside C the epilogue's operands (bias, residual) may not exist;
        // the accumulators there are 0 (the main loop zero-fills operands
        // past m and n) and never stored.
        v[ni] = insideC(row, col) ? applyEpilogue(epilogue, products, row, col)
                                  : products[0];
      }
      applyRowOp(epilogue, v, row, firstCol, p.m);
#pragma unroll
      for (int ni = 0; ni < Tile::kMmaN; ++ni) {
        const int col = firstCol + ni * 8;
        if (!insideC(row, col))
          continue;
        Vec<OutT, 2> out;
        out[0] = fromFloat<OutT>(v[ni].x);
        out[1] = fromFloat<OutT>(v[ni].y);
        storeVec(p.c + static_cast<std::int64_t>(row) * p.n + col, out);
      }
    }
}

template <typename Tile, typename T, typename OutT, int kNumB,
          typename Epilogue>
__global__ void __launch_bounds__(Tile::kThreads)
    gemmKernel(const GemmParams<T, OutT, kNumB> p, const Epilogue epilogue) {
  using Mainloop = GemmSm80Mainloop<Tile, T, kNumB>;
  extern __shared__ __align__(128) unsigned char gemmSmem[];
  waitForPrecedingKernels();
  allowDependentKernels();
  // x walks n so that consecutive blocks reuse the same rows of A from L2.
  const int row0 = blockIdx.y * Tile::kBlockM;
  const int col0 = blockIdx.x * Tile::kBlockN;

  typename Mainloop::Operands ops;
  ops.a = p.a;
#pragma unroll
  for (int b = 0; b < kNumB; ++b)
    ops.b[b] = p.b[b];
  ops.m = p.m;
  ops.n = p.n;
  ops.k = p.k;

  typename Mainloop::Accumulators acc;
  Mainloop::run(reinterpret_cast<T *>(gemmSmem), ops, row0, col0, acc);
  storeEpilogue<Tile, T, OutT, kNumB>(acc, p, epilogue, row0, col0);
}

/// Launches the GEMM on `stream`. Returns cudaErrorInvalidValue when
/// gemmUnsupportedReason(p) is not null, else the launch's error.
template <typename Tile, typename T, typename OutT, int kNumB,
          typename Epilogue>
cudaError_t launchGemm(const GemmParams<T, OutT, kNumB> &p,
                       const Epilogue &epilogue, cudaStream_t stream) {
  static_assert(epilogueUnsupportedReason<Epilogue>(
                    GemmSm80Mainloop<Tile, T, kNumB>::kConfig) == nullptr,
                "the epilogue's row op cannot run on this tile: see its "
                "unsupportedReason (GemmLimits.h)");
  if (gemmUnsupportedReason<Tile>(p))
    return cudaErrorInvalidValue;
  if (p.m == 0)
    return cudaSuccess;
  constexpr std::size_t smemBytes =
      GemmSm80Mainloop<Tile, T, kNumB>::kSmemBytes;
  auto *kernel = gemmKernel<Tile, T, OutT, kNumB, Epilogue>;
  // Tiles beyond the default 48 KiB of dynamic shared memory must opt in.
  if constexpr (smemBytes > 48 * 1024) {
    const cudaError_t error = cudaFuncSetAttribute(
        kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
        static_cast<int>(smemBytes));
    if (error != cudaSuccess)
      return error;
  }
  const dim3 grid((p.n + Tile::kBlockN - 1) / Tile::kBlockN,
                  (p.m + Tile::kBlockM - 1) / Tile::kBlockM);
  return launchKernel(kernel, {grid, dim3(Tile::kThreads), smemBytes}, stream,
                      p, epilogue);
}

} // namespace xfuse::device
