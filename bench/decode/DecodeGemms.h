// The GEMMs of the decode FFNs as the decode benches (sweep.cu, swap_ab.cu)
// run them: the shapes, operands for up to kMaxTokens tokens from a seed,
// the float64 reference and the relative error of an output, the shipped
// Hopper GEMM (Sm90Gemm.h) for a tile and split-K, cuBLASLt with the gated
// product completed, and the kernel that only streams the weights.
#pragma once

#include "bench/common/BenchSupport.h"
#include "cuda/device/Epilogue.h"
#include "cuda/device/Sm90Gemm.h"
#include "runtime/CudaResources.h"
#include "runtime/Workspace.h"

#include <cublasLt.h>
#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace xfuse::bench {

using bf16 = __nv_bfloat16;

/// Relative L2 error a bf16 GEMM output may have against float64.
inline constexpr double kTolerance = 1e-2;
/// Tokens the operands hold; a call with M tokens uses the first M.
inline constexpr int kMaxTokens = 128;

// ---- the GEMMs --------------------------------------------------------------

/// One GEMM of a decode FFN: C[M, N] = epi(A[M, K] . B[N, K]^T); the gated
/// product's B holds the gate rows [0, N), then the up rows [N, 2N).
struct GemmShape {
  const char *model, *role;
  int n, k;
  Epi epi;

  int numB() const { return epi == Epi::kSwiGLU ? 2 : 1; }
  double weightBytes() const { return 2.0 * n * double(k) * numB(); }
  std::string name() const { return std::string(model) + "." + role; }
};

/// The four GEMMs of docs/benchmarks.md's two decode FFNs (decode_ffn: d
/// 4096, dff 16384, ReLU and biases; llama3_swiglu: d 4096, dff 14336,
/// gated SiLU, no biases).
inline const std::vector<GemmShape> &decodeGemms() {
  static const std::vector<GemmShape> gemms = {
      {"decode_ffn", "up", 16384, 4096, Epi::kReluBias},
      {"decode_ffn", "down", 4096, 16384, Epi::kBias},
      {"llama3_swiglu", "gate_up", 14336, 4096, Epi::kSwiGLU},
      {"llama3_swiglu", "down", 4096, 14336, Epi::kNone},
  };
  return gemms;
}

/// Operands for kMaxTokens rows; the call with M tokens uses the first M.
struct Operands {
  rt::DeviceBuffer a, b, bias, c;
};

inline Operands makeOperands(const GemmShape &s, std::uint64_t seed) {
  const float wBound = 1.0f / std::sqrt(float(s.k));
  Operands ops{
      randomBuffer(std::size_t(kMaxTokens) * s.k, seed + 1, -1, 1),
      randomBuffer(std::size_t(s.n) * s.k * s.numB(), seed + 2, -wBound,
                   wBound),
      randomBuffer(s.n, seed + 3, -0.5f, 0.5f),
      check(rt::DeviceBuffer::allocate(std::size_t(kMaxTokens) * s.n * 2))};
  CUDA_CHECK(cudaDeviceSynchronize());
  return ops;
}

inline std::vector<float> toHostFloats(const rt::DeviceBuffer &buffer,
                                       std::size_t count) {
  std::vector<bf16> raw(count);
  CUDA_CHECK(cudaMemcpy(raw.data(), buffer.as<bf16>(), count * 2,
                        cudaMemcpyDeviceToHost));
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = __bfloat162float(raw[i]);
  return out;
}

/// The float64 result of all kMaxTokens rows, [kMaxTokens, N].
inline std::vector<double> computeReference(const GemmShape &s,
                                            const Operands &ops) {
  const std::vector<float> a =
      toHostFloats(ops.a, std::size_t(kMaxTokens) * s.k);
  const std::vector<float> b =
      toHostFloats(ops.b, std::size_t(s.n) * s.k * s.numB());
  const std::vector<float> bias = toHostFloats(ops.bias, s.n);
  std::vector<double> ref(std::size_t(kMaxTokens) * s.n);
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      for (int n = int(w); n < s.n; n += int(workers))
        for (int r = 0; r < kMaxTokens; ++r)
          ref[std::size_t(r) * s.n + n] =
              referenceOutput(s.epi, a.data() + std::size_t(r) * s.k,
                              b.data(), s.k, s.n, n, bias.data());
    });
  for (std::thread &t : threads)
    t.join();
  return ref;
}

/// Relative L2 error of the first m rows of C; NaN when any is not finite.
inline double relativeError(const GemmShape &s, const Operands &ops,
                            const std::vector<double> &ref, int m) {
  const std::vector<float> c = toHostFloats(ops.c, std::size_t(m) * s.n);
  double err2 = 0, ref2 = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!std::isfinite(c[i]))
      return NAN;
    err2 += (c[i] - ref[i]) * (c[i] - ref[i]);
    ref2 += ref[i] * ref[i];
  }
  return std::sqrt(err2 / std::max(ref2, 1e-300));
}

// ---- the kernels under test -------------------------------------------------

using Launch = std::function<void(cudaStream_t)>;

template <Epi kEpi> auto makeEpilogue(const bf16 *bias) {
  using device::Activate;
  using device::Activation;
  using device::BiasAdd;
  if constexpr (kEpi == Epi::kSwiGLU)
    return device::GatedProduct<Activation::kSilu>{};
  else if constexpr (kEpi == Epi::kNone)
    return device::EpilogueChain<>();
  else if constexpr (kEpi == Epi::kBias)
    return device::makeEpilogueChain(BiasAdd<bf16>{bias});
  else
    return device::makeEpilogueChain(BiasAdd<bf16>{bias},
                                     Activate<Activation::kRelu>{});
}

/// A Hopper GEMM tile the plans may name, for one epilogue.
struct TileVariant {
  int blockM, blockN, stages;
  /// Whether the limits accept a split-K launch of this tile and epilogue.
  bool splits;
  /// The launch of M rows in `splits` k-slices, with its own split-K
  /// workspace.
  std::function<Launch(const GemmShape &, const Operands &, int m, int splits)>
      make;

  std::string name() const {
    return std::to_string(blockM) + "x" + std::to_string(blockN) + " s" +
           std::to_string(stages);
  }
};

template <int kBlockM, int kBlockN, int kStages, Epi kEpi>
TileVariant tileVariant() {
  using Tile = device::Sm90GemmTile<kBlockM, kBlockN, kStages>;
  constexpr int kNumB = kEpi == Epi::kSwiGLU ? 2 : 1;
  auto make = [](const GemmShape &s, const Operands &ops, int m,
                 int splits) -> Launch {
    using Params = device::GemmSm90Params<bf16, kNumB>;
    struct State {
      Params params;
      rt::Workspace workspace;
    };
    auto state = std::make_shared<State>();
    device::GemmParams<bf16, bf16, kNumB> p{};
    p.a = ops.a.as<bf16>();
    for (int i = 0; i < kNumB; ++i)
      p.b[i] = ops.b.as<bf16>() + std::size_t(i) * s.n * s.k;
    p.c = ops.c.as<bf16>();
    p.m = m;
    p.n = s.n;
    p.k = s.k;
    CUDA_CHECK(device::prepareGemmSm90<Tile>(p, &state->params));
    void *partials = nullptr;
    unsigned *counters = nullptr;
    if (splits > 1) {
      using Split = device::Sm90SplitKWorkspace<Tile, kNumB>;
      const std::size_t bytes = Split::partialBytes(m, s.n, splits);
      check(state->workspace.reserve(bytes));
      partials = check(state->workspace.carve(bytes));
      counters = check(
          state->workspace.zeroedCounters(Split::counters(m, s.n), nullptr));
    }
    CUDA_CHECK(device::setGemmSm90SplitK<Tile>(&state->params, splits, counters,
                                               partials));
    const auto epilogue = makeEpilogue<kEpi>(ops.bias.as<bf16>());
    return [state, epilogue](cudaStream_t stream) {
      CUDA_CHECK(device::launchGemmSm90<Tile>(state->params, epilogue, stream));
    };
  };
  using Epilogue = decltype(makeEpilogue<kEpi>(nullptr));
  return {kBlockM, kBlockN, kStages,
          device::kSm90KernelSupported<Tile, kNumB, true, Epilogue>, make};
}

/// Reads `bytes` of weights once, 16-byte loads, `kUnroll` in flight per
/// thread: the time no GEMM that reads them can beat.
template <int kUnroll>
__global__ void streamWeights(const uint4 *data, std::size_t vectors,
                              unsigned *sink) {
  unsigned acc = 0;
  const std::size_t stride = std::size_t(gridDim.x) * blockDim.x;
  std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
  for (; i + (kUnroll - 1) * stride < vectors; i += kUnroll * stride) {
    uint4 v[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      v[u] = __ldcs(data + i + u * stride);
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      acc ^= v[u].x ^ v[u].y ^ v[u].z ^ v[u].w;
  }
  for (; i < vectors; i += stride) {
    const uint4 v = __ldcs(data + i);
    acc ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  // Never true for random weights in practice; keeps the loads live.
  if (acc == 0x9E3779B9u)
    *sink = acc;
}

/// cuBLASLt on the GEMM of M tokens: the fastest of its heuristic's first
/// `candidates` algorithms. The gated product runs as one GEMM on the
/// concatenated [2N, K] weights into `gateUp` ([kMaxTokens, 2N]) and
/// siluMul into C. `choice` receives which candidate runs.
inline Launch cublasLtLaunch(cublasLtHandle_t handle, const GemmShape &s,
                             const Operands &ops, int m, int candidates,
                             const rt::DeviceBuffer &gateUp,
                             cudaStream_t stream, std::string *choice) {
  const bool gated = s.epi == Epi::kSwiGLU;
  const CublasLtEpilogue epilogue =
      s.epi == Epi::kBias       ? CublasLtEpilogue::kBias
      : s.epi == Epi::kReluBias ? CublasLtEpilogue::kReluBias
                                : CublasLtEpilogue::kNone;
  const CublasLtOperands operands{ops.b.data(), ops.a.data(), ops.bias.data(),
                                  gated ? gateUp.data() : ops.c.data()};
  auto gemm = std::make_shared<CublasLtGemm>(
      handle, m, s.n * s.numB(), s.k, epilogue, candidates, operands, stream);
  *choice = gemm->choice();
  bf16 *gu = gateUp.as<bf16>(), *c = ops.c.as<bf16>();
  const int n = s.n;
  int device = 0, sms = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  CUDA_CHECK(
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  return [gemm, operands, gated, gu, c, m, n, sms](cudaStream_t st) {
    gemm->run(operands, st);
    if (gated) {
      siluMul<<<4 * sms, 256, 0, st>>>(gu, c, m, n);
      CUDA_CHECK(cudaGetLastError());
    }
  };
}

} // namespace xfuse::bench
