// Checks of a GEMM building block (sm_80 or Hopper) with its epilogues
// (bias, activations, residual, gated product, RoPE row op) against the
// float64 reference, on weights packed by the runtime from both user
// layouts. The GEMM under test is a Launcher: a type whose static
//   cudaError_t launch(const device::GemmParams<T, OutT, kNumB> &, const E &)
// runs it on the default stream.
#pragma once

#include "cuda/device/EpilogueRope.h"
#include "cuda/device/Gemm.h"
#include "runtime/WeightPacking.h"
#include "tests/gpu/GpuTestUtil.h"
#include "tests/gpu/RopeTestUtil.h"

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
  case Activation::kQuickGelu:
    return reference::Activation::QuickGelu;
  case Activation::kRelu2:
    return reference::Activation::Relu2;
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

/// act(x.Wg + bg) * (x.Wu + bu) in float64.
inline reference::Tensor gatedReference(const reference::Tensor &x,
                                        const reference::Tensor &gate,
                                        const reference::Tensor &gateBias,
                                        const reference::Tensor &up,
                                        const reference::Tensor &upBias,
                                        Activation act, WeightLayout layout) {
  reference::Tensor expected = reference::activation(
      reference::linear(x, gate, &gateBias, referenceLayout(layout)),
      referenceActivation(act));
  const reference::Tensor upValues =
      reference::linear(x, up, &upBias, referenceLayout(layout));
  for (std::size_t i = 0; i < expected.data.size(); ++i)
    expected.data[i] *= upValues.data[i];
  return expected;
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

  const reference::Tensor expected = gatedReference(
      toReference(x, {m, k}), gate.reference, toReference(gateBias, {n}),
      up.reference, toReference(upBias, {n}), kAct, layout);
  expectMatches(actual, expected, gemmTolerance<OutT>());
}

// ---- RoPE in the epilogue ----------------------------------------------------

/// What the GEMM under a RoPE epilogue computes before the rotation.
enum class RopeProjection { kPlain, kBias, kGatedSilu };

/// [batch, seq] tokens: the GEMM's m = batch * seq rows.
struct TokenGrid {
  std::int64_t batch, seq;
};
inline constexpr TokenGrid kRopeTokenGrids[] = {{1, 1}, {1, 37}, {3, 100}};

/// y = rope(projection(x)) on `heads` heads of Rope::kHeadDim features,
/// the GEMM's rows being the tokens of `grid`: with explicit positions in
/// [0, 8191] (Rope::Position), or none (a row's index along seq). The
/// projection is x.W, x.W + b or silu(x.Wg + bg) * (x.Wu + bu).
template <typename Launcher, typename T, typename OutT, typename Rope,
          RopeProjection kProjection>
void checkRope(Random &rng, TokenGrid grid, int heads, int k,
               bool explicitPositions) {
  using PosT = typename Rope::Position;
  const int m = static_cast<int>(grid.batch * grid.seq);
  const int n = heads * Rope::kHeadDim;
  constexpr WeightLayout kLayout = WeightLayout::kOutIn;
  SCOPED_TRACE(caseName(typeName<T>(), typeName<OutT>(), m, n, k, kLayout) +
               " rope " +
               (Rope::kStyle == device::RopeStyle::kNeox ? "neox" : "gptj") +
               " head_dim=" + std::to_string(Rope::kHeadDim) +
               " rotary_dim=" + std::to_string(Rope::kRotaryDim) +
               (explicitPositions ? " explicit " : " implicit ") +
               "positions, seq=" + std::to_string(grid.seq));
  constexpr int kNumB = kProjection == RopeProjection::kGatedSilu ? 2 : 1;
  const Input x = randomInput<T>(rng, {m, k}, 1.0);
  std::array<Input, kNumB> biases;
  std::array<Weight<T>, kNumB> weights;
  std::array<const rt::PackedWeight *, kNumB> packed;
  for (int b = 0; b < kNumB; ++b) {
    biases[b] = randomInput<T>(rng, {n}, 0.5);
    weights[b] = makeWeight<T>(rng, n, k, kLayout);
    packed[b] = &weights[b].packed;
  }
  const Input positions = explicitPositions
                              ? randomPositions<PosT>(rng, {grid.batch, grid.seq},
                                                      0, 8191)
                              : Input{};
  const reference::RopeParameters params =
      yarnRope(Rope::kRotaryDim, Rope::kStyle);
  // The GEMM applies the frequencies it is given; computing them (here
  // with the reference's float64 formulas) is the generator's job.
  const reference::RopeFrequencies freqs = reference::ropeFrequencies(
      params.theta, Rope::kRotaryDim, params.scaling,
      static_cast<double>(grid.seq));
  const rt::DeviceBuffer invFreq =
      upload(device::splitFrequencies(freqs.inverseFrequencies));
  const Rope rope{invFreq.as<float2>(),
                  static_cast<float>(freqs.attentionFactor),
                  {explicitPositions ? positions.buffer.as<PosT>() : nullptr,
                   grid.seq}};

  auto bias = [&](int b) {
    return device::BiasAdd<T>{biases[b].buffer.template as<T>()};
  };
  using BiasChain = EpilogueChain<device::BiasAdd<T>>;
  std::vector<OutT> actual;
  reference::Tensor projected;
  if constexpr (kProjection == RopeProjection::kGatedSilu) {
    const device::GatedProduct<Activation::kSilu, BiasChain, BiasChain>
        gated{BiasChain(bias(0)), BiasChain(bias(1)), {}};
    actual = runGemm<Launcher, T, OutT, 2>(x.buffer, packed, m,
                                           device::makeWithRowOp(gated, rope));
    projected = gatedReference(x.reference, weights[0].reference,
                               biases[0].reference, weights[1].reference,
                               biases[1].reference, Activation::kSilu, kLayout);
  } else {
    constexpr bool kBias = kProjection == RopeProjection::kBias;
    if constexpr (kBias)
      actual = runGemm<Launcher, T, OutT, 1>(
          x.buffer, packed, m,
          device::makeWithRowOp(BiasChain(bias(0)), rope));
    else
      actual = runGemm<Launcher, T, OutT, 1>(
          x.buffer, packed, m, device::makeWithRowOp(EpilogueChain<>(), rope));
    projected = reference::linear(x.reference, weights[0].reference,
                                  kBias ? &biases[0].reference : nullptr,
                                  referenceLayout(kLayout));
  }
  projected.shape = {grid.batch, grid.seq, heads, Rope::kHeadDim};
  const reference::Tensor expected = reference::rope(
      projected, explicitPositions ? &positions.reference : nullptr, params);
  expectMatches(actual, expected, gemmTolerance<OutT>());
}

} // namespace xfuse::test
