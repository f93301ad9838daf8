// Sinusoidal, learned and rotary positional encodings against the float64
// reference, for f32/f16/bf16, token counts 1, 3, 127 and 4097, hidden sizes
// that are not multiples of the 16-byte vector, implicit and explicit
// (int32/int64) positions, and in-place use. Sinusoidal and learned PE run
// as the generated code runs them: a one-stage RowChain (SinusoidalStage,
// LearnedStage) under launchElementwise.
#include "cuda/device/RoPE.h"
#include "cuda/device/RowChain.h"
#include "tests/gpu/GpuTestUtil.h"

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
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
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
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
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
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    learnedSweep<T, 768>(rng);
    learnedSweep<T, 36>(rng);
  });
}

// ---- RoPE ------------------------------------------------------------------

/// YaRN scaling: non-trivial frequencies and an attention factor != 1.
reference::RopeParameters ropeParameters(int rotaryDim, RopeStyle style) {
  reference::RopeParameters params;
  params.theta = 10000.0;
  params.rotaryDim = rotaryDim;
  params.style = style == RopeStyle::kNeox ? reference::RopeStyle::Neox
                                           : reference::RopeStyle::Gptj;
  params.scaling.kind = reference::RopeScaling::Kind::Yarn;
  params.scaling.factor = 4.0;
  params.scaling.originalMaxPosition = 1024;
  return params;
}

template <typename T, int kHeads, int kHeadDim, int kRotaryDim,
          RopeStyle kStyle, typename PosT>
void checkRope(Random &rng, std::int64_t batch, std::int64_t seq,
               bool explicitPositions, bool inPlace = false) {
  SCOPED_TRACE(std::string("rope ") +
               (kStyle == RopeStyle::kNeox ? "neox" : "gptj") +
               " heads=" + std::to_string(kHeads) +
               " head_dim=" + std::to_string(kHeadDim) +
               " rotary_dim=" + std::to_string(kRotaryDim) +
               (inPlace ? " in-place " : " ") +
               caseName(typeName<T>(), batch, seq, explicitPositions));
  const std::int64_t tokens = batch * seq;
  const std::vector<T> x = rng.values<T>(tokens * kHeads * kHeadDim, -1.0, 1.0);
  const auto positions = explicitPositions
                             ? Positions<PosT>::random(rng, batch, seq, 0, 8191)
                             : Positions<PosT>::implicit();
  const reference::RopeParameters params = ropeParameters(kRotaryDim, kStyle);
  // The kernel applies the frequencies it is given; computing them (here
  // with the reference's float64 formulas) is the generator's job.
  const reference::RopeFrequencies freqs = reference::ropeFrequencies(
      params.theta, kRotaryDim, params.scaling, static_cast<double>(seq));
  const rt::DeviceBuffer invFreq =
      upload(device::splitFrequencies(freqs.inverseFrequencies));
  const rt::DeviceBuffer dx = upload(x);
  const rt::DeviceBuffer dy =
      inPlace ? rt::DeviceBuffer() : poisonedOutput<T>(x.size());
  T *y = inPlace ? dx.as<T>() : dy.as<T>();

  const device::RoPE<T, kHeads, kHeadDim, kRotaryDim, kStyle, PosT> op{
      dx.as<T>(),
      y,
      invFreq.as<float2>(),
      static_cast<float>(freqs.attentionFactor),
      positions.forKernel(seq),
      tokens};
  check(XFUSE_CUDA_STATUS(device::launchElementwise(op, nullptr)));
  synchronizeAndCheck();

  const reference::Tensor expected =
      reference::rope(toReference(x, {batch, seq, kHeads, kHeadDim}),
                      positions.forReference(), params);
  expectMatches(download<T>(inPlace ? dx : dy, x.size()), expected,
                tolerance<T>());
}

template <typename T, int kHeads, int kHeadDim, int kRotaryDim,
          RopeStyle kStyle>
void ropeSweep(Random &rng) {
  for (int tokens : kTokenCounts)
    checkRope<T, kHeads, kHeadDim, kRotaryDim, kStyle, std::int32_t>(
        rng, 1, tokens, false);
  checkRope<T, kHeads, kHeadDim, kRotaryDim, kStyle, std::int32_t>(rng, 3, 127,
                                                                  true);
  checkRope<T, kHeads, kHeadDim, kRotaryDim, kStyle, std::int64_t>(rng, 1, 127,
                                                                  true);
}

template <typename T, RopeStyle kStyle> void ropeShapes(Random &rng) {
  ropeSweep<T, 4, 64, 64, kStyle>(rng); // full rotation, 16-byte vectors
  ropeSweep<T, 3, 80, 32, kStyle>(rng); // partial rotation, copied tail
  ropeSweep<T, 2, 6, 4, kStyle>(rng);   // 2-element vectors
}

TEST(RoPE, MatchesReference) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
  forEachFloatType([&](auto tag) {
    using T = decltype(tag);
    ropeShapes<T, RopeStyle::kNeox>(rng);
    ropeShapes<T, RopeStyle::kGptj>(rng);
  });
}

TEST(RoPE, InPlace) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE("seed " + std::to_string(rng.seed()));
  checkRope<__nv_bfloat16, 3, 80, 32, RopeStyle::kNeox, std::int32_t>(
      rng, 1, 4097, false, /*inPlace=*/true);
  checkRope<float, 4, 64, 64, RopeStyle::kGptj, std::int64_t>(
      rng, 2, 127, true, /*inPlace=*/true);
}

} // namespace
} // namespace xfuse::test
