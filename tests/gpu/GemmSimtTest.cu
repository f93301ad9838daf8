// The f32 SIMT GEMM (GemmSimt.h) against the float64 reference at f32's
// tolerance, relative L2 1e-5: m of 0, 1, 37 and 300 rows, n and k that are
// not multiples of the 64 x 64 x 16 tile, k % 4 != 0 and a misaligned A
// (single-float loads), bias + GELU + residual and gated (SwiGLU) epilogues.
#include "cuda/device/GemmSimt.h"
#include "tests/gpu/GpuTestUtil.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace xfuse::test {
namespace {

using device::Activation;
using device::EpilogueChain;

constexpr double kF32Tolerance = 1e-5;
constexpr int kRowCounts[] = {1, 37, 300};

/// A packed weight B = W^T [n, k] of f32, scaled like a trained layer's.
std::vector<float> randomWeight(Random &rng, int n, int k) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(k));
  return rng.values<float>(static_cast<std::size_t>(n) * k, -bound, bound);
}

/// The rows of A as the kernel sees them: `aOffset` floats into a buffer
/// (a misaligned A for aOffset % 4 != 0).
struct Activations {
  Activations(Random &rng, int m, int k, int aOffset)
      : host(rng.values<float>(static_cast<std::size_t>(m) * k + aOffset,
                               -1.0, 1.0)),
        buffer(upload(host)), offset(aOffset), rows(m), cols(k) {}

  const float *a() const { return buffer.as<float>() + offset; }
  reference::Tensor reference() const {
    return toReference(std::vector<float>(host.begin() + offset, host.end()),
                       {rows, cols});
  }

  std::vector<float> host;
  rt::DeviceBuffer buffer;
  int offset, rows, cols;
};

/// Runs the GEMM into a NaN-poisoned C and returns C.
template <int kNumB, typename Epilogue>
std::vector<float> runGemmSimt(const float *a,
                               const std::array<const float *, kNumB> &b,
                               int m, int n, int k, const Epilogue &epilogue) {
  const std::size_t count = static_cast<std::size_t>(m) * n;
  const rt::DeviceBuffer c = poisonedOutput<float>(count);
  device::GemmParams<float, float, kNumB> params{};
  params.a = a;
  for (int i = 0; i < kNumB; ++i)
    params.b[i] = b[i];
  params.c = c.as<float>();
  params.m = m;
  params.n = n;
  params.k = k;
  EXPECT_EQ(device::gemmSimtUnsupportedReason(params), nullptr);
  check(XFUSE_CUDA_STATUS(device::launchGemmSimt<kNumB>(params, epilogue,
                                                         nullptr)));
  synchronizeAndCheck();
  return download<float>(c, count);
}

std::string caseName(int m, int n, int k, int aOffset) {
  return "m=" + std::to_string(m) + " n=" + std::to_string(n) +
         " k=" + std::to_string(k) +
         (aOffset % 4 != 0 ? " misaligned A" : "");
}

/// C = A.W (withEpilogue = false) or gelu(A.W + bias) + residual.
void checkLinear(Random &rng, int m, int n, int k, int aOffset,
                 bool withEpilogue) {
  SCOPED_TRACE(caseName(m, n, k, aOffset) +
               (withEpilogue ? " bias+gelu+residual" : " plain"));
  const Activations x(rng, m, k, aOffset);
  const std::vector<float> w = randomWeight(rng, n, k);
  const std::vector<float> bias = rng.values<float>(n, -0.5, 0.5);
  const std::vector<float> residual =
      rng.values<float>(static_cast<std::size_t>(m) * n, -1.0, 1.0);
  const rt::DeviceBuffer dw = upload(w), dbias = upload(bias),
                         dresidual = upload(residual);

  const reference::Tensor refBias = toReference(bias, {n});
  reference::Tensor expected = reference::linear(
      x.reference(), toReference(w, {n, k}), withEpilogue ? &refBias : nullptr,
      reference::WeightLayout::OutIn);
  std::vector<float> actual;
  if (withEpilogue) {
    expected = reference::add(
        reference::activation(expected, reference::Activation::Gelu),
        toReference(residual, {m, n}));
    actual = runGemmSimt<1>(
        x.a(), {dw.as<float>()}, m, n, k,
        device::makeEpilogueChain(
            device::BiasAdd<float>{dbias.as<float>()},
            device::Activate<Activation::kGelu>{},
            device::ResidualAdd<float>{dresidual.as<float>(), n}));
  } else {
    actual = runGemmSimt<1>(x.a(), {dw.as<float>()}, m, n, k,
                            EpilogueChain<>());
  }
  expectMatches(actual, expected, kF32Tolerance);
}

/// C = silu(A.Wg + bg) * (A.Wu + bu).
void checkSwiGlu(Random &rng, int m, int n, int k) {
  SCOPED_TRACE(caseName(m, n, k, 0) + " swiglu");
  const Activations x(rng, m, k, 0);
  const std::vector<float> gate = randomWeight(rng, n, k);
  const std::vector<float> up = randomWeight(rng, n, k);
  const std::vector<float> gateBias = rng.values<float>(n, -0.5, 0.5);
  const std::vector<float> upBias = rng.values<float>(n, -0.5, 0.5);
  const rt::DeviceBuffer dgate = upload(gate), dup = upload(up),
                         dgb = upload(gateBias), dub = upload(upBias);

  using BiasChain = EpilogueChain<device::BiasAdd<float>>;
  const device::GatedProduct<Activation::kSilu, BiasChain, BiasChain>
      epilogue{BiasChain(device::BiasAdd<float>{dgb.as<float>()}),
               BiasChain(device::BiasAdd<float>{dub.as<float>()}),
               {}};
  const std::vector<float> actual = runGemmSimt<2>(
      x.a(), {dgate.as<float>(), dup.as<float>()}, m, n, k, epilogue);

  const reference::Tensor refGateBias = toReference(gateBias, {n});
  const reference::Tensor refUpBias = toReference(upBias, {n});
  reference::Tensor expected = reference::activation(
      reference::linear(x.reference(), toReference(gate, {n, k}),
                        &refGateBias, reference::WeightLayout::OutIn),
      reference::Activation::Silu);
  const reference::Tensor upValues =
      reference::linear(x.reference(), toReference(up, {n, k}), &refUpBias,
                        reference::WeightLayout::OutIn);
  for (std::size_t i = 0; i < expected.data.size(); ++i)
    expected.data[i] *= upValues.data[i];
  expectMatches(actual, expected, kF32Tolerance);
}

TEST(GemmSimt, PlainF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kRowCounts) {
    checkLinear(rng, m, 72, 40, 0, false); // 16-byte loads
    checkLinear(rng, m, 72, 37, 0, false); // k % 4 != 0: single floats
    checkLinear(rng, m, 130, 1000, 0, false);
  }
}

TEST(GemmSimt, BiasGeluResidualF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kRowCounts) {
    checkLinear(rng, m, 72, 40, 0, true);
    checkLinear(rng, m, 72, 40, 1, true); // A not 16-byte aligned
    checkLinear(rng, m, 258, 517, 0, true);
  }
}

TEST(GemmSimt, SwiGluF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kRowCounts) {
    checkSwiGlu(rng, m, 72, 40);
    checkSwiGlu(rng, m, 136, 23);
  }
}

TEST(GemmSimt, NoRowsWritesNothing) {
  XFUSE_REQUIRE_GPU();
  const rt::DeviceBuffer a = poisonedOutput<float>(64), b = poisonedOutput<float>(64);
  const rt::DeviceBuffer c = poisonedOutput<float>(2);
  const device::GemmParams<float, float, 1> params{
      a.as<float>(), {b.as<float>()}, c.as<float>(), 0, 2, 32};
  ASSERT_EQ(device::gemmSimtUnsupportedReason(params), nullptr);
  check(XFUSE_CUDA_STATUS(
      device::launchGemmSimt<1>(params, EpilogueChain<>(), nullptr)));
  synchronizeAndCheck();
  for (float v : download<float>(c, 2))
    EXPECT_TRUE(std::isnan(v));
}

TEST(GemmSimt, RejectsOddN) {
  const device::GemmParams<float, float, 1> params{
      nullptr, {nullptr}, nullptr, 4, 7, 32};
  EXPECT_NE(device::gemmSimtUnsupportedReason(params), nullptr);
  EXPECT_EQ(device::launchGemmSimt<1>(params, EpilogueChain<>(), nullptr),
            cudaErrorInvalidValue);
}

} // namespace
} // namespace xfuse::test
