// Sinusoidal, learned and rotary positional encodings against the float64
// reference, for f32/f16/bf16, token counts 1, 3, 127 and 4097, hidden sizes
// that are not multiples of the 16-byte vector, implicit and explicit
// (int32/int64) positions, and in-place use. They run as the generated code
// runs them: RowChains (SinusoidalStage, LearnedStage, RopeStage) under
// launchElementwise, and RoPE in chains with other stages, among them a
// norm under launchRowChain.
#include "cuda/device/RowChain.h"
#include "tests/gpu/GpuTestUtil.h"
#include "tests/gpu/RopeTestUtil.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xfuse::test {
namespace {

using device::RopeStyle;
using device::SinusoidalLayout;

constexpr int kTokenCounts[] = {1, 3, 127, 4097};

template <typename F> void forEachFloatType(F f) {
  f(float{});
  f(__half{});
  f(__nv_bfloat16{});
}

/// Token positions of a [batch, seq] token grid, as the kernels and the
/// reference take them: none (the index along seq) or explicit ones.
template <typename PosT> class Positions {
public:
  static Positions implicit() { return Positions(); }
  static Positions random(Random &rng, std::int64_t batch, std::int64_t seq,
                          std::int64_t lo, std::int64_t hi) {
    Positions p;
    std::vector<PosT> values(batch * seq);
    for (PosT &v : values)
      v = static_cast<PosT>(rng.integer(lo, hi));
    p.buffer_ = upload(values);
    p.reference_ = toReference(values, {batch, seq});
    p.explicit_ = true;
    return p;
  }

  device::TokenPositions<PosT> forKernel(std::int64_t seq) const {
    return {explicit_ ? buffer_.as<PosT>() : nullptr, seq};
  }
  const reference::Tensor *forReference() const {
    return explicit_ ? &reference_ : nullptr;
  }

private:
  rt::DeviceBuffer buffer_;
  reference::Tensor reference_;
  bool explicit_ = false;
};

std::string caseName(const char *type, std::int64_t batch, std::int64_t seq,
                     bool explicitPositions) {
  return std::string(type) + " batch=" + std::to_string(batch) +
         " seq=" + std::to_string(seq) +
         (explicitPositions ? " explicit positions" : " implicit positions");
}

// ---- sinusoidal ------------------------------------------------------------

constexpr double kSinusoidalBase = 10000.0;

template <typename T, int kDim, SinusoidalLayout kLayout, typename PosT>
void checkSinusoidal(Random &rng, std::int64_t batch, std::int64_t seq,
                     bool explicitPositions) {
  SCOPED_TRACE("sinusoidal d=" + std::to_string(kDim) +
               (kLayout == SinusoidalLayout::kHalf ? " half " : " interleaved ") +
               caseName(typeName<T>(), batch, seq, explicitPositions));
  const std::int64_t rows = batch * seq;
  const std::vector<T> x = rng.values<T>(rows * kDim, -2.0, 2.0);
  const auto positions = explicitPositions
                             ? Positions<PosT>::random(rng, batch, seq, 0, 8191)
                             : Positions<PosT>::implicit();
  const rt::DeviceBuffer frequencies =
      upload(device::sinusoidalFrequencies(kSinusoidalBase, kDim));
  const rt::DeviceBuffer dx = upload(x);
  const rt::DeviceBuffer dy = poisonedOutput<T>(x.size());
  const float scale = 1.5f;

  const auto op = device::makeRowChain<T, kDim>(
      dx.as<T>(), dy.as<T>(), rows,
      device::SinusoidalStage<kDim, kLayout, PosT>{
          frequencies.as<float2>(), positions.forKernel(seq), scale});
  check(XFUSE_CUDA_STATUS(device::launchElementwise(op, nullptr)));
  synchronizeAndCheck();

  const reference::Tensor expected = reference::sinusoidalPe(
      toReference(x, {batch, seq, kDim}), positions.forReference(),
      kSinusoidalBase, scale,
      kLayout == SinusoidalLayout::kHalf ? reference::PeLayout::Half
                                         : reference::PeLayout::Interleaved);
  expectMatches(download<T>(dy, x.size()), expected, tolerance<T>());
}

template <typename T, int kDim, SinusoidalLayout kLayout>
void sinusoidalSweep(Random &rng) {
  for (int tokens : kTokenCounts)
    checkSinusoidal<T, kDim, kLayout, std::int32_t>(rng, 1, tokens, false);
  // Implicit positions over batches run the periodic walk (RowChain.h):
  // fewer batches than a thread's rows, and more, with a partial group.
  checkSinusoidal<T, kDim, kLayout, std::int32_t>(rng, 3, 127, false);
  checkSinusoidal<T, kDim, kLayout, std::int32_t>(rng, 9, 5, false);
  checkSinusoidal<T, kDim, kLayout, std::int32_t>(rng, 3, 127, true);
}

TEST(SinusoidalPE, MatchesReference) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    // 768: 16-byte vectors; 36 and 6: narrower vectors (half layout: 2, 1).
    sinusoidalSweep<T, 768, SinusoidalLayout::kInterleaved>(rng);
    sinusoidalSweep<T, 768, SinusoidalLayout::kHalf>(rng);
    sinusoidalSweep<T, 36, SinusoidalLayout::kInterleaved>(rng);
    sinusoidalSweep<T, 36, SinusoidalLayout::kHalf>(rng);
    sinusoidalSweep<T, 6, SinusoidalLayout::kInterleaved>(rng);
    sinusoidalSweep<T, 6, SinusoidalLayout::kHalf>(rng);
  });
}

TEST(SinusoidalPE, Int64Positions) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  checkSinusoidal<float, 768, SinusoidalLayout::kHalf, std::int64_t>(
      rng, 2, 4097, true);
  checkSinusoidal<__nv_bfloat16, 768, SinusoidalLayout::kInterleaved,
                  std::int64_t>(rng, 1, 127, true);
}

// ---- learned ---------------------------------------------------------------

constexpr int kLearnedRows = 512;

template <typename T, int kDim, typename PosT>
void checkLearned(Random &rng, std::int64_t batch, std::int64_t seq,
                  bool explicitPositions) {
  SCOPED_TRACE("learned d=" + std::to_string(kDim) + " " +
               caseName(typeName<T>(), batch, seq, explicitPositions));
  const std::int64_t rows = batch * seq;
  const std::vector<T> x = rng.values<T>(rows * kDim, -1.0, 1.0);
  const std::vector<T> table = rng.values<T>(kLearnedRows * kDim, -1.0, 1.0);
  // Explicit positions reach past both ends of the table (clamped); implicit
  // ones do for seq = 4097 too.
  const auto positions =
      explicitPositions
          ? Positions<PosT>::random(rng, batch, seq, -20, kLearnedRows + 20)
          : Positions<PosT>::implicit();
  const rt::DeviceBuffer dx = upload(x);
  const rt::DeviceBuffer dtable = upload(table);
  const rt::DeviceBuffer dy = poisonedOutput<T>(x.size());

  const auto op = device::makeRowChain<T, kDim>(
      dx.as<T>(), dy.as<T>(), rows,
      device::LearnedStage<T, kDim, kLearnedRows, PosT>{
          dtable.as<T>(), positions.forKernel(seq)});
  check(XFUSE_CUDA_STATUS(device::launchElementwise(op, nullptr)));
  synchronizeAndCheck();

  const reference::Tensor expected = reference::learnedPe(
      toReference(x, {batch, seq, kDim}),
      toReference(table, {kLearnedRows, kDim}), positions.forReference());
  expectMatches(download<T>(dy, x.size()), expected, tolerance<T>());
}

template <typename T, int kDim> void learnedSweep(Random &rng) {
  for (int tokens : kTokenCounts)
    checkLearned<T, kDim, std::int32_t>(rng, 1, tokens, false);
  checkLearned<T, kDim, std::int32_t>(rng, 3, 127, true);
  checkLearned<T, kDim, std::int32_t>(rng, 9, 5, false); // periodic walk
  checkLearned<T, kDim, std::int64_t>(rng, 1, 4097, true);
}

TEST(LearnedPE, MatchesReferenceAndClampsPositions) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    learnedSweep<T, 768>(rng);
    learnedSweep<T, 36>(rng);
  });
}

// ---- RoPE ------------------------------------------------------------------

template <int kHeads_, int kHeadDim_, int kRotaryDim_, RopeStyle kStyle_>
struct RopeShape {
  static constexpr int kHeads = kHeads_;
  static constexpr int kHeadDim = kHeadDim_;
  static constexpr int kRotaryDim = kRotaryDim_;
  static constexpr RopeStyle kStyle = kStyle_;
  static constexpr int kDim = kHeads * kHeadDim;
  template <typename PosT>
  using Stage =
      device::RopeStage<kHeads, kHeadDim, kRotaryDim, kStyle, PosT>;

  static std::string name() {
    return std::string(kStyle == RopeStyle::kNeox ? "neox" : "gptj") +
           " heads=" + std::to_string(kHeads) +
           " head_dim=" + std::to_string(kHeadDim) +
           " rotary_dim=" + std::to_string(kRotaryDim);
  }
};

/// The input x [batch, seq, heads, head_dim] of a chain with a RoPE of
/// Shape, its positions and frequencies, and the reference RoPE.
template <typename T, typename Shape, typename PosT> class RopeCase {
public:
  RopeCase(Random &rng, std::int64_t batchSize, std::int64_t seqLen,
           bool explicitPositions)
      : batch(batchSize), seq(seqLen), rows(batch * seq),
        x(rng.values<T>(rows * Shape::kDim, -1.0, 1.0)), dx(upload(x)),
        positions(explicitPositions
                      ? Positions<PosT>::random(rng, batch, seq, 0, 8191)
                      : Positions<PosT>::implicit()),
        params_(yarnRope(Shape::kRotaryDim, Shape::kStyle)),
        // The kernel applies the frequencies it is given; computing them
        // (here with the reference's float64 formulas) is the generator's
        // job.
        freqs_(reference::ropeFrequencies(params_.theta, Shape::kRotaryDim,
                                          params_.scaling,
                                          static_cast<double>(seq))),
        invFreq_(upload(device::splitFrequencies(freqs_.inverseFrequencies))),
        trace_(Shape::name() + " " +
               caseName(typeName<T>(), batch, seq, explicitPositions)) {}

  typename Shape::template Stage<PosT> stage() const {
    return {invFreq_.as<float2>(),
            static_cast<float>(freqs_.attentionFactor),
            positions.forKernel(seq)};
  }

  /// x as the reference sees the chain's rows: [batch, seq, heads x head_dim].
  reference::Tensor input() const {
    return toReference(x, {batch, seq, Shape::kDim});
  }
  /// The reference RoPE of `rows` ([batch, seq, heads x head_dim]).
  reference::Tensor rope(reference::Tensor rows) const {
    rows.shape = {batch, seq, Shape::kHeads, Shape::kHeadDim};
    reference::Tensor out =
        reference::rope(rows, positions.forReference(), params_);
    out.shape = {batch, seq, Shape::kDim};
    return out;
  }
  const std::string &trace() const { return trace_; }

  const std::int64_t batch, seq, rows;
  const std::vector<T> x;
  const rt::DeviceBuffer dx;
  const Positions<PosT> positions;

private:
  reference::RopeParameters params_;
  reference::RopeFrequencies freqs_;
  rt::DeviceBuffer invFreq_;
  std::string trace_;
};

/// Launches the chain that makeChain(y) returns into a NaN-poisoned y of
/// `count` elements and checks y against `expected`: under
/// launchElementwise, or with kThreads > 0 under launchRowChain<kThreads>.
template <int kThreads, typename T, typename MakeChain>
void expectChain(std::size_t count, MakeChain makeChain,
                 const reference::Tensor &expected) {
  const rt::DeviceBuffer dy = poisonedOutput<T>(count);
  const auto op = makeChain(dy.as<T>());
  if constexpr (kThreads > 0)
    check(XFUSE_CUDA_STATUS(device::launchRowChain<kThreads>(op, nullptr)));
  else
    check(XFUSE_CUDA_STATUS(device::launchElementwise(op, nullptr)));
  synchronizeAndCheck();
  expectMatches(download<T>(dy, count), expected, tolerance<T>());
}

/// A chain of the RoPE alone.
template <int kThreads, typename T, typename Shape, typename PosT>
void checkRope(Random &rng, std::int64_t batch, std::int64_t seq,
               bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("rope " + c.trace() +
               (kThreads > 0 ? " row per block" : ""));
  expectChain<kThreads, T>(
      c.x.size(),
      [&](T *y) {
        return device::makeRowChain<T, Shape::kDim>(c.dx.template as<T>(), y,
                                                    c.rows, c.stage());
      },
      c.rope(c.input()));
}

template <typename T, typename Shape> void ropeSweep(Random &rng) {
  for (int tokens : kTokenCounts)
    checkRope<0, T, Shape, std::int32_t>(rng, 1, tokens, false);
  checkRope<0, T, Shape, std::int32_t>(rng, 3, 127, true);
  checkRope<0, T, Shape, std::int64_t>(rng, 1, 127, true);
}

template <typename T, RopeStyle kStyle> void ropeShapes(Random &rng) {
  ropeSweep<T, RopeShape<4, 64, 64, kStyle>>(rng);  // 16-byte vectors
  ropeSweep<T, RopeShape<3, 80, 32, kStyle>>(rng);  // partial, copied tail
  ropeSweep<T, RopeShape<2, 96, 96, kStyle>>(rng);  // 48-channel halves
  ropeSweep<T, RopeShape<2, 128, 64, kStyle>>(rng); // partial rotation
  ropeSweep<T, RopeShape<2, 6, 4, kStyle>>(rng);    // 2-element vectors
  // An odd head_dim: single-channel vectors, gptj pairs across two units.
  ropeSweep<T, RopeShape<3, 5, 4, kStyle>>(rng);
}

TEST(RoPE, MatchesReference) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    ropeShapes<T, RopeStyle::kNeox>(rng);
    ropeShapes<T, RopeStyle::kGptj>(rng);
  });
}

template <typename T, typename Shape, typename PosT>
void checkRopeInPlace(Random &rng, std::int64_t batch, std::int64_t seq,
                      bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("rope in-place " + c.trace());
  const auto op = device::makeRowChain<T, Shape::kDim>(
      c.dx.template as<T>(), c.dx.template as<T>(), c.rows, c.stage());
  check(XFUSE_CUDA_STATUS(device::launchElementwise(op, nullptr)));
  synchronizeAndCheck();
  expectMatches(download<T>(c.dx, c.x.size()), c.rope(c.input()),
                tolerance<T>());
}

TEST(RoPE, InPlace) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  checkRopeInPlace<__nv_bfloat16, RopeShape<3, 80, 32, RopeStyle::kNeox>,
                   std::int32_t>(rng, 1, 4097, false);
  checkRopeInPlace<float, RopeShape<4, 64, 64, RopeStyle::kGptj>,
                   std::int64_t>(rng, 2, 127, true);
}

// ---- RoPE in chains ----------------------------------------------------------

// Token grids of the chain tests: one token, an odd count, batches with
// explicit and with implicit positions.
template <typename Run> void chainTokenSweep(Run run) {
  run(1, 1, false);
  run(1, 127, false);
  run(3, 127, true);
  run(2, 33, false);
}

/// add(x, other [seq, heads x head_dim], broadcast over the batch) -> rope.
template <typename T, typename Shape, typename PosT>
void checkAddThenRope(Random &rng, std::int64_t batch, std::int64_t seq,
                      bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("add -> rope " + c.trace());
  const std::vector<T> other = rng.values<T>(seq * Shape::kDim, -1.0, 1.0);
  const rt::DeviceBuffer dother = upload(other);
  expectChain<0, T>(
      c.x.size(),
      [&](T *y) {
        return device::makeRowChain<T, Shape::kDim>(
            c.dx.template as<T>(), y, c.rows,
            device::AddStage<T>{dother.as<T>(), seq, Shape::kDim},
            c.stage());
      },
      c.rope(reference::add(c.input(),
                            toReference(other, {seq, Shape::kDim}))));
}

/// rope -> gelu.
template <typename T, typename Shape, typename PosT>
void checkRopeThenActivation(Random &rng, std::int64_t batch,
                             std::int64_t seq, bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("rope -> gelu " + c.trace());
  expectChain<0, T>(
      c.x.size(),
      [&](T *y) {
        return device::makeRowChain<T, Shape::kDim>(
            c.dx.template as<T>(), y, c.rows, c.stage(),
            device::ActivationStage<device::Activation::kGelu>{});
      },
      reference::activation(c.rope(c.input()),
                            reference::Activation::Gelu));
}

/// learned_pe -> rope, both at the same positions.
template <typename T, typename Shape, typename PosT>
void checkLearnedThenRope(Random &rng, std::int64_t batch, std::int64_t seq,
                          bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("learned_pe -> rope " + c.trace());
  constexpr int kTableRows = 8192;
  const std::vector<T> table =
      rng.values<T>(kTableRows * Shape::kDim, -1.0, 1.0);
  const rt::DeviceBuffer dtable = upload(table);
  expectChain<0, T>(
      c.x.size(),
      [&](T *y) {
        return device::makeRowChain<T, Shape::kDim>(
            c.dx.template as<T>(), y, c.rows,
            device::LearnedStage<T, Shape::kDim, kTableRows, PosT>{
                dtable.as<T>(), c.positions.forKernel(seq)},
            c.stage());
      },
      c.rope(reference::learnedPe(c.input(),
                                  toReference(table, {kTableRows, Shape::kDim}),
                                  c.positions.forReference())));
}

/// rms_norm -> rope -> silu, one block of kThreads per row.
template <int kThreads, typename T, typename Shape, typename PosT>
void checkNormThenRope(Random &rng, std::int64_t batch, std::int64_t seq,
                       bool explicitPositions) {
  const RopeCase<T, Shape, PosT> c(rng, batch, seq, explicitPositions);
  SCOPED_TRACE("rms_norm -> rope -> silu " + c.trace() + " threads=" +
               std::to_string(kThreads));
  const std::vector<T> weight = rng.values<T>(Shape::kDim, 0.5, 1.5);
  const rt::DeviceBuffer dweight = upload(weight);
  constexpr float kEpsilon = 1e-5f;
  expectChain<kThreads, T>(
      c.x.size(),
      [&](T *y) {
        return device::makeRowChain<T, Shape::kDim>(
            c.dx.template as<T>(), y, c.rows,
            device::NormStage<T, Shape::kDim, device::NormKind::kRms>{
                dweight.as<T>(), nullptr, kEpsilon},
            c.stage(), device::ActivationStage<device::Activation::kSilu>{});
      },
      reference::activation(
          c.rope(reference::rmsNorm(c.input(),
                                    toReference(weight, {Shape::kDim}),
                                    kEpsilon)),
          reference::Activation::Silu));
}

template <typename T, RopeStyle kStyle> void elementwiseRopeChains(Random &rng) {
  using Full = RopeShape<4, 64, 64, kStyle>;
  using Partial = RopeShape<3, 80, 32, kStyle>;
  using Wide = RopeShape<2, 128, 64, kStyle>;
  using Halves48 = RopeShape<2, 96, 96, kStyle>;
  chainTokenSweep([&](std::int64_t batch, std::int64_t seq, bool explicitPos) {
    checkAddThenRope<T, Full, std::int32_t>(rng, batch, seq, explicitPos);
    checkAddThenRope<T, Partial, std::int64_t>(rng, batch, seq, explicitPos);
    checkRopeThenActivation<T, Halves48, std::int32_t>(rng, batch, seq,
                                                       explicitPos);
    checkRopeThenActivation<T, Wide, std::int32_t>(rng, batch, seq,
                                                   explicitPos);
    checkLearnedThenRope<T, Full, std::int32_t>(rng, batch, seq, explicitPos);
  });
}

TEST(RopeChain, ElementwiseStagesAroundRope) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    elementwiseRopeChains<T, RopeStyle::kNeox>(rng);
    elementwiseRopeChains<T, RopeStyle::kGptj>(rng);
  });
}

template <typename T, RopeStyle kStyle> void rowRopeChains(Random &rng) {
  chainTokenSweep([&](std::int64_t batch, std::int64_t seq, bool explicitPos) {
    // A thread's units are one unit of several heads (one rotation each)...
    checkNormThenRope<32, T, RopeShape<8, 128, 128, kStyle>, std::int32_t>(
        rng, batch, seq, explicitPos);
    checkNormThenRope<64, T, RopeShape<3, 80, 32, kStyle>, std::int64_t>(
        rng, batch, seq, explicitPos);
    // ... or different units (kThreads not a multiple of the units per head).
    checkNormThenRope<32, T, RopeShape<12, 96, 96, kStyle>, std::int32_t>(
        rng, batch, seq, explicitPos);
    checkRope<32, T, RopeShape<12, 96, 96, kStyle>, std::int32_t>(
        rng, batch, seq, explicitPos);
  });
}

TEST(RopeChain, NormThenRopeOneBlockPerRow) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    rowRopeChains<T, RopeStyle::kNeox>(rng);
    rowRopeChains<T, RopeStyle::kGptj>(rng);
  });
}

} // namespace
} // namespace xfuse::test
