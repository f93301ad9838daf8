// Checks of a GEMM building block (sm_80 or Hopper) with its epilogues
// (bias, activations, residual, gated product) against the float64
// reference, on weights packed by the runtime from both user layouts. The
// GEMM under test is a Launcher: a type whose static
//   cudaError_t launch(const device::GemmParams<T, OutT, kNumB> &, const E &)
// runs it on the default stream.
#pragma once

#include "cuda/device/Gemm.h"
#include "runtime/WeightPacking.h"
#include "tests/gpu/GpuTestUtil.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace xfuse::test {

using device::Activation;
using device::EpilogueChain;
using rt::WeightLayout;

inline constexpr int kTokenCounts[] = {1, 3, 127, 4097};

inline reference::Activation referenceActivation(Activation act) {
  switch (act) {
  case Activation::kIdentity:
    return reference::Activation::Identity;
  case Activation::kRelu:
    return reference::Activation::Relu;
  case Activation::kGelu:
    return reference::Activation::Gelu;
  case Activation::kGeluTanh:
    return reference::Activation::GeluTanh;
  case Activation::kSilu:
    return reference::Activation::Silu;
  }
  throw std::logic_error("unknown activation");
}

/// Tensor-core f32 accumulation does not round like a sequence of IEEE f32
/// additions, so f32 results get 1e-4 rather than 1e-5. Inputs are exact
/// T values in the reference, so this is still far tighter than comparing
/// with unrounded inputs would allow.
template <typename OutT> double gemmTolerance() {
  return std::max(tolerance<OutT>(), 1e-4);
}

/// A user weight given as f32 in `layout`, packed to T by the runtime; the
/// reference sees the same T-rounded values in the user's layout.
template <typename T> struct Weight {
  rt::PackedWeight packed;
  reference::Tensor reference;
};

template <typename T>
Weight<T> makeWeight(Random &rng, int n, int k, WeightLayout layout) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(k));
  std::vector<float> source(static_cast<std::size_t>(n) * k);
  for (float &v : source)
    v = static_cast<float>(rng.uniform(-bound, bound));
  const bool inOut = layout == WeightLayout::kInOut;
  const rt::DeviceBuffer device = upload(source);
  rt::TensorView view{device.data(), rt::DType::kF32,
                      inOut ? rt::Shape{k, n} : rt::Shape{n, k}};
  Weight<T> weight{check(rt::PackedWeight::pack(view, layout, dtypeOf<T>(),
                                                nullptr)),
                   {}};
  synchronizeAndCheck(); // the source buffer dies at return
  std::vector<T> rounded(source.size());
  for (std::size_t i = 0; i < source.size(); ++i)
    rounded[i] = device::fromFloat<T>(source[i]);
  weight.reference = toReference(
      rounded, inOut ? std::vector<std::int64_t>{k, n}
                     : std::vector<std::int64_t>{n, k});
  return weight;
}

inline reference::WeightLayout referenceLayout(WeightLayout layout) {
  return layout == WeightLayout::kInOut ? reference::WeightLayout::InOut
                                        : reference::WeightLayout::OutIn;
}

/// Runs the GEMM (Launcher::launch(params, epilogue), a cudaError_t) into
/// a NaN-poisoned output and returns it.
template <typename Launcher, typename T, typename OutT, int kNumB,
          typename Epilogue>
std::vector<OutT> runGemm(const rt::DeviceBuffer &x,
                          const std::array<const rt::PackedWeight *, kNumB> &w,
                          int m, const Epilogue &epilogue) {
  const int n = static_cast<int>(w[0]->n()), k = static_cast<int>(w[0]->k());
  const rt::DeviceBuffer y = poisonedOutput<OutT>(static_cast<std::size_t>(m) * n);
  device::GemmParams<T, OutT, kNumB> params{};
  params.a = x.as<T>();
  for (int b = 0; b < kNumB; ++b)
    params.b[b] = static_cast<const T *>(w[b]->data());
  params.c = y.as<OutT>();
  params.m = m;
  params.n = n;
  params.k = k;
  check(XFUSE_CUDA_STATUS((Launcher::launch(params, epilogue))));
  synchronizeAndCheck();
  return download<OutT>(y, static_cast<std::size_t>(m) * n);
}

inline std::string caseName(const char *in, const char *out, int m, int n, int k,
                     WeightLayout layout) {
  return std::string(in) + "->" + out + " m=" + std::to_string(m) +
         " n=" + std::to_string(n) + " k=" + std::to_string(k) +
         (layout == WeightLayout::kInOut ? " in_out" : " out_in");
}

/// y = act(x.W + bias) + residual, or x.W alone (withEpilogue = false).
template <typename Launcher, typename T, typename OutT, Activation kAct>
void checkLinear(Random &rng, int m, int n, int k, WeightLayout layout,
                 bool withEpilogue) {
  SCOPED_TRACE(caseName(typeName<T>(), typeName<OutT>(), m, n, k, layout) +
               (withEpilogue ? " bias+act+residual" : " plain"));
  const std::vector<T> x = rng.values<T>(static_cast<std::size_t>(m) * k, -1, 1);
  const std::vector<T> bias = rng.values<T>(n, -0.5, 0.5);
  const std::vector<OutT> residual =
      rng.values<OutT>(static_cast<std::size_t>(m) * n, -1, 1);
  const Weight<T> w = makeWeight<T>(rng, n, k, layout);
  const rt::DeviceBuffer dx = upload(x), dbias = upload(bias),
                         dresidual = upload(residual);

  const reference::Tensor refBias = toReference(bias, {n});
  reference::Tensor expected =
      reference::linear(toReference(x, {m, k}), w.reference,
                        withEpilogue ? &refBias : nullptr, referenceLayout(layout));
  std::vector<OutT> actual;
  if (withEpilogue) {
    expected = reference::add(reference::activation(expected, referenceActivation(kAct)),
                              toReference(residual, {m, n}));
    const auto epilogue = device::makeEpilogueChain(
        device::BiasAdd<T>{dbias.as<T>()}, device::Activate<kAct>{},
        device::ResidualAdd<OutT>{dresidual.as<OutT>(), n});
    actual = runGemm<Launcher, T, OutT, 1>(dx, {&w.packed}, m, epilogue);
  } else {
    actual = runGemm<Launcher, T, OutT, 1>(dx, {&w.packed}, m, EpilogueChain<>());
  }
  expectMatches(actual, expected, gemmTolerance<OutT>());
}

/// y = act(x.Wg + bg) * (x.Wu + bu).
template <typename Launcher, typename T, typename OutT, Activation kAct>
void checkGated(Random &rng, int m, int n, int k, WeightLayout layout) {
  SCOPED_TRACE(caseName(typeName<T>(), typeName<OutT>(), m, n, k, layout) +
               " gated");
  const std::vector<T> x = rng.values<T>(static_cast<std::size_t>(m) * k, -1, 1);
  const std::vector<T> gateBias = rng.values<T>(n, -0.5, 0.5);
  const std::vector<T> upBias = rng.values<T>(n, -0.5, 0.5);
  const Weight<T> gate = makeWeight<T>(rng, n, k, layout);
  const Weight<T> up = makeWeight<T>(rng, n, k, layout);
  const rt::DeviceBuffer dx = upload(x), dgb = upload(gateBias),
                         dub = upload(upBias);

  using BiasChain = EpilogueChain<device::BiasAdd<T>>;
  const device::GatedProduct<kAct, BiasChain, BiasChain> epilogue{
      BiasChain(device::BiasAdd<T>{dgb.as<T>()}),
      BiasChain(device::BiasAdd<T>{dub.as<T>()}),
      {}};
  const std::vector<OutT> actual =
      runGemm<Launcher, T, OutT, 2>(dx, {&gate.packed, &up.packed}, m, epilogue);

  const reference::Tensor refX = toReference(x, {m, k});
  const reference::Tensor refGateBias = toReference(gateBias, {n});
  const reference::Tensor refUpBias = toReference(upBias, {n});
  reference::Tensor expected = reference::activation(
      reference::linear(refX, gate.reference, &refGateBias,
                        referenceLayout(layout)),
      referenceActivation(kAct));
  const reference::Tensor upValues =
      reference::linear(refX, up.reference, &refUpBias, referenceLayout(layout));
  for (std::size_t i = 0; i < expected.data.size(); ++i)
    expected.data[i] *= upValues.data[i];
  expectMatches(actual, expected, gemmTolerance<OutT>());
}

} // namespace xfuse::test
