// What the standalone GEMM benches share: fatal error checks for the CUDA
// runtime, the xfuse runtime's Status and cuBLASLt; random and NaN-poisoned
// device buffers; and cuBLASLt as the peer GEMM (its heuristic's candidates,
// each timed, the fastest kept), with the separate SiLU-and-multiply that
// completes its gated product. A bench includes it from its one
// translation unit.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/Vector.h"
#include "runtime/CudaResources.h"

#include <cublasLt.h>
#include <cuda_bf16.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace xfuse::bench {

[[noreturn]] inline void fail(const std::string &what) {
  std::fprintf(stderr, "FATAL: %s\n", what.c_str());
  std::exit(1);
}

inline void check(const rt::Status &status) {
  if (!status.isOk())
    fail(status.toString());
}
template <typename T> T check(rt::StatusOr<T> value) {
  check(value.status());
  return std::move(value).value();
}

} // namespace xfuse::bench

#define CUDA_CHECK(call) ::xfuse::bench::check(XFUSE_CUDA_STATUS(call))
#define CUBLAS_CHECK(call)                                                     \
  do {                                                                         \
    const cublasStatus_t status_ = (call);                                     \
    if (status_ != CUBLAS_STATUS_SUCCESS)                                      \
      ::xfuse::bench::fail(std::string(#call) + ": cublas status " +           \
                           std::to_string(static_cast<int>(status_)));         \
  } while (0)

namespace xfuse::bench {

/// Uniform values in [lo, hi) from a counter-based hash: fresh per seed,
/// never zero-filled.
template <typename T>
__global__ void fillUniform(T *out, std::size_t count, std::uint64_t seed,
                            float lo, float hi) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
       i < count; i += std::size_t(gridDim.x) * blockDim.x) {
    std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ seed;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    const float u = float(x >> 40) * (1.0f / 16777216.0f);
    out[i] = T(lo + (hi - lo) * u);
  }
}

/// Poisons an output before the call under test: any element the call
/// fails to write stays NaN and fails the check.
template <typename T> __global__ void fillNaN(T *out, std::size_t count) {
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
       i < count; i += std::size_t(gridDim.x) * blockDim.x)
    out[i] = T(NAN);
}

/// The Hopper device the bench runs on (the current one), its name and
/// size printed; fails on any other.
inline cudaDeviceProp hopperDevice() {
  int device = 0;
  CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  std::printf("device: %s, %d SMs, L2 %d MiB, cc %d.%d\n", prop.name,
              prop.multiProcessorCount, prop.l2CacheSize >> 20, prop.major,
              prop.minor);
  if (prop.major != 9)
    fail("the sm_90a kernels need a Hopper GPU");
  return prop;
}

/// A fresh seed for the run's random inputs, printed so that a failure can
/// be replayed.
inline std::uint64_t printedSeed() {
  const std::uint64_t seed = std::uint64_t(
      std::chrono::steady_clock::now().time_since_epoch().count());
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  return seed;
}

/// The epilogues of the benches' GEMMs, C = epi(A . B^T); the gated
/// product's B holds the gate rows [0, N), then the up rows [N, 2N).
enum class Epi { kNone, kBias, kReluBias, kSwiGLU };

/// Output column n of one row `a` [k] of such a GEMM in float64, B [N or
/// 2N, k] and bias [N] row-major floats, N = columns.
inline double referenceOutput(Epi epi, const float *a, const float *b, int k,
                              int columns, int n, const float *bias) {
  auto dot = [&](int row) {
    const float *br = b + std::size_t(row) * k;
    double sum = 0;
    for (int i = 0; i < k; ++i)
      sum += double(a[i]) * double(br[i]);
    return sum;
  };
  double sum = dot(n);
  if (epi == Epi::kSwiGLU)
    sum = sum / (1.0 + std::exp(-sum)) * dot(columns + n);
  else if (epi != Epi::kNone)
    sum += bias[n];
  if (epi == Epi::kReluBias)
    sum = std::max(sum, 0.0);
  return sum;
}

/// `count` bf16 values uniform in [lo, hi).
inline rt::DeviceBuffer randomBuffer(std::size_t count, std::uint64_t seed,
                                     float lo, float hi) {
  rt::DeviceBuffer buffer = check(rt::DeviceBuffer::allocate(count * 2));
  fillUniform<<<1024, 256>>>(buffer.as<__nv_bfloat16>(), count, seed, lo, hi);
  CUDA_CHECK(cudaGetLastError());
  return buffer;
}

/// out[m, n] = silu(gu[m, n]) * gu[m, N + n] on the [M, 2N] output of the
/// peer's GEMM on the concatenated gate and up weights, 8 columns per
/// thread (N % 8 == 0).
template <typename T>
__global__ void siluMul(const T *gu, T *out, int m, int n) {
  const std::size_t groups = std::size_t(m) * n / 8;
  for (std::size_t g = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
       g < groups; g += std::size_t(gridDim.x) * blockDim.x) {
    const std::size_t row = g * 8 / n, col = g * 8 % n;
    const T *gate = gu + row * 2 * n + col;
    const device::Vec<T, 8> gv = device::loadVec<8>(gate);
    const device::Vec<T, 8> uv = device::loadVec<8>(gate + n);
    device::Vec<T, 8> o;
    for (int i = 0; i < 8; ++i)
      o[i] = T(device::activate<device::Activation::kSilu>(float(gv[i])) *
               float(uv[i]));
    device::storeVec(out + row * n + col, o);
  }
}

/// The epilogues cuBLASLt fuses into the peer GEMM.
enum class CublasLtEpilogue { kNone, kBias, kReluBias };

/// One call's operands: C[M, N] = epilogue(X[M, K] . W[N, K]^T + bias[N]),
/// all bf16 and row-major (W as the packed weights).
struct CublasLtOperands {
  const void *weights, *tokens, *bias;
  void *c;
};

/// cuBLASLt in column-major terms: C^T[N, M] = W[N, K] . X^T[K, M], i.e.
/// its A is our W (op T, [K, N] column-major) and its B is our X (op N,
/// [K, M] column-major); the bias runs along its rows, our columns.
class CublasLtGemm {
public:
  /// Asks the heuristic for up to `candidates` algorithms and keeps the one
  /// fastest on `sample` (which it overwrites).
  CublasLtGemm(cublasLtHandle_t handle, int m, int n, int k,
               CublasLtEpilogue epilogue, int candidates,
               const CublasLtOperands &sample, cudaStream_t stream)
      : handle_(handle), biased_(epilogue != CublasLtEpilogue::kNone) {
    CUBLAS_CHECK(
        cublasLtMatmulDescCreate(&desc_, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    const cublasOperation_t opT = CUBLAS_OP_T, opN = CUBLAS_OP_N;
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(
        desc_, CUBLASLT_MATMUL_DESC_TRANSA, &opT, sizeof(opT)));
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(
        desc_, CUBLASLT_MATMUL_DESC_TRANSB, &opN, sizeof(opN)));
    const cublasLtEpilogue_t fused =
        epilogue == CublasLtEpilogue::kNone   ? CUBLASLT_EPILOGUE_DEFAULT
        : epilogue == CublasLtEpilogue::kBias ? CUBLASLT_EPILOGUE_BIAS
                                              : CUBLASLT_EPILOGUE_RELU_BIAS;
    CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(
        desc_, CUBLASLT_MATMUL_DESC_EPILOGUE, &fused, sizeof(fused)));
    if (biased_) {
      const cudaDataType_t biasType = CUDA_R_16BF;
      CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(
          desc_, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &biasType,
          sizeof(biasType)));
    }
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&aDesc_, CUDA_R_16BF, k, n, k));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&bDesc_, CUDA_R_16BF, k, m, k));
    CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&cDesc_, CUDA_R_16BF, n, m, n));
    workspace_ = check(rt::DeviceBuffer::allocate(kWorkspaceBytes));
    cublasLtMatmulPreference_t pref;
    CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
    const std::size_t wsBytes = kWorkspaceBytes;
    CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
        pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes,
        sizeof(wsBytes)));
    constexpr int kMaxCandidates = 16;
    cublasLtMatmulHeuristicResult_t results[kMaxCandidates];
    int found = 0;
    CUBLAS_CHECK(cublasLtMatmulAlgoGetHeuristic(
        handle_, desc_, aDesc_, bDesc_, cDesc_, cDesc_, pref,
        std::min(candidates, kMaxCandidates), results, &found));
    CUBLAS_CHECK(cublasLtMatmulPreferenceDestroy(pref));
    if (found == 0)
      fail("cuBLASLt found no algorithm");
    float best = INFINITY;
    for (int i = 0; i < found; ++i) {
      algo_ = results[i].algo;
      const float ms = quickTime(sample, stream);
      if (ms < best) {
        best = ms;
        bestAlgo_ = results[i].algo;
        chosen_ = i;
      }
    }
    algo_ = bestAlgo_;
    candidates_ = found;
  }
  ~CublasLtGemm() {
    cublasLtMatrixLayoutDestroy(cDesc_);
    cublasLtMatrixLayoutDestroy(bDesc_);
    cublasLtMatrixLayoutDestroy(aDesc_);
    cublasLtMatmulDescDestroy(desc_);
  }
  CublasLtGemm(const CublasLtGemm &) = delete;
  CublasLtGemm &operator=(const CublasLtGemm &) = delete;

  void run(const CublasLtOperands &ops, cudaStream_t stream) const {
    if (biased_)
      CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(
          desc_, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &ops.bias,
          sizeof(ops.bias)));
    const float alpha = 1.0f, beta = 0.0f;
    CUBLAS_CHECK(cublasLtMatmul(handle_, desc_, &alpha, ops.weights, aDesc_,
                                ops.tokens, bDesc_, &beta, ops.c, cDesc_, ops.c,
                                cDesc_, &algo_, workspace_.data(),
                                kWorkspaceBytes, stream));
  }
  /// Which of the heuristic's candidates runs, e.g. "#2/8".
  std::string choice() const {
    return "#" + std::to_string(chosen_) + "/" + std::to_string(candidates_);
  }

private:
  static constexpr std::size_t kWorkspaceBytes = 64 << 20;

  float quickTime(const CublasLtOperands &ops, cudaStream_t stream) {
    run(ops, stream);
    const rt::Event start = check(rt::Event::create());
    const rt::Event stop = check(rt::Event::create());
    check(start.record(stream));
    for (int i = 0; i < 5; ++i)
      run(ops, stream);
    check(stop.record(stream));
    check(stop.synchronize());
    return check(stop.millisecondsSince(start));
  }

  cublasLtHandle_t handle_;
  bool biased_;
  cublasLtMatmulDesc_t desc_{};
  cublasLtMatrixLayout_t aDesc_{}, bDesc_{}, cDesc_{};
  rt::DeviceBuffer workspace_;
  cublasLtMatmulAlgo_t algo_{}, bestAlgo_{};
  int chosen_ = 0, candidates_ = 0;
};

} // namespace xfuse::bench
