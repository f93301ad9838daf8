//===- ReferenceTest.cpp - unit tests of the float64 reference -----------===//
//
// Checks the reference against values derived by hand (derivations in the
// comments), so that the reference is not merely consistent with itself.
//
//===----------------------------------------------------------------------===//

#include "tests/reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace xfuse::reference;

namespace {

constexpr double kTolerance = 1e-12;

Tensor tensor(std::vector<int64_t> shape, std::vector<double> data) {
  return Tensor{std::move(shape), std::move(data)};
}

void expectNear(const Tensor &actual, const std::vector<int64_t> &shape,
                const std::vector<double> &expected) {
  ASSERT_EQ(actual.shape, shape);
  ASSERT_EQ(actual.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.data[i], expected[i], kTolerance) << "element " << i;
}

//===----------------------------------------------------------------------===//
// Positional encodings
//===----------------------------------------------------------------------===//

// d = 4, base 10000: f0 = 1, f1 = 10000^(-2/4) = 0.01.
TEST(SinusoidalPe, InterleavedAtPositionOne) {
  Tensor pe = sinusoidalPe(Tensor::zeros({2, 4}), nullptr, 10000.0, 1.0,
                           PeLayout::Interleaved);
  expectNear(pe, {2, 4},
             {0, 1, 0, 1, // position 0: sin 0, cos 0, sin 0, cos 0
              std::sin(1.0), std::cos(1.0), std::sin(0.01), std::cos(0.01)});
}

TEST(SinusoidalPe, HalfLayoutGroupsSinesThenCosines) {
  Tensor pe = sinusoidalPe(Tensor::zeros({2, 4}), nullptr, 10000.0, 1.0,
                           PeLayout::Half);
  expectNear(pe, {2, 4},
             {0, 0, 1, 1, std::sin(1.0), std::sin(0.01), std::cos(1.0),
              std::cos(0.01)});
}

TEST(SinusoidalPe, ScalesInputAndReadsExplicitPositions) {
  Tensor x = tensor({1, 1, 2}, {1.0, -1.0});
  Tensor positions = tensor({1, 1}, {3.0});
  // d = 2: the only frequency is 1.
  Tensor pe = sinusoidalPe(x, &positions, 10000.0, 2.0, PeLayout::Interleaved);
  expectNear(pe, {1, 1, 2}, {2.0 + std::sin(3.0), -2.0 + std::cos(3.0)});
}

// fairseq, d = 6: h = 3 frequencies 10000^(-i/2) = 1, 0.01, 0.0001.
TEST(SinusoidalPe, FairseqLayoutDividesByHalfMinusOne) {
  Tensor pe = sinusoidalPe(Tensor::zeros({2, 6}), nullptr, 10000.0, 1.0,
                           PeLayout::Fairseq);
  expectNear(pe, {2, 6},
             {0, 0, 0, 1, 1, 1, std::sin(1.0), std::sin(0.01),
              std::sin(0.0001), std::cos(1.0), std::cos(0.01),
              std::cos(0.0001)});
}

// fairseq, d = 5: h = 2 frequencies 1 and 1 / 10000; the fifth feature is
// padding, only scaled.
TEST(SinusoidalPe, FairseqOddDimensionPadsTheLastFeature) {
  Tensor x = tensor({1, 1, 5}, {0, 0, 0, 0, 3});
  Tensor positions = tensor({1, 1}, {2.0});
  expectNear(sinusoidalPe(x, &positions, 10000.0, 2.0, PeLayout::Fairseq),
             {1, 1, 5},
             {std::sin(2.0), std::sin(2e-4), std::cos(2.0), std::cos(2e-4),
              6});
  EXPECT_THROW(sinusoidalPe(Tensor::zeros({2, 3}), nullptr, 10000.0, 1.0,
                            PeLayout::Fairseq),
               std::invalid_argument);
}

TEST(SinusoidalPe, RejectsOddFeatureDimension) {
  EXPECT_THROW(sinusoidalPe(Tensor::zeros({2, 3}), nullptr, 10000.0, 1.0,
                            PeLayout::Interleaved),
               std::invalid_argument);
}

TEST(LearnedPe, ClampsPositionsIntoTable) {
  Tensor x = Tensor::zeros({3, 2});
  Tensor table = tensor({3, 2}, {10, 11, 20, 21, 30, 31});
  Tensor positions = tensor({3}, {-2, 1, 7});
  expectNear(learnedPe(x, table, &positions), {3, 2}, {10, 11, 20, 21, 30, 31});
}

TEST(LearnedPe, DefaultsToSequenceIndexPerBatch) {
  Tensor x = tensor({2, 2, 1}, {1, 1, 1, 1});
  Tensor table = tensor({2, 1}, {10, 20});
  expectNear(learnedPe(x, table, nullptr), {2, 2, 1}, {11, 21, 11, 21});
}

TEST(LearnedPe, RejectsMismatchedPositions) {
  Tensor positions = tensor({2}, {0, 1});
  EXPECT_THROW(
      learnedPe(Tensor::zeros({3, 2}), Tensor::zeros({4, 2}), &positions),
      std::invalid_argument);
}

//===----------------------------------------------------------------------===//
// RoPE
//===----------------------------------------------------------------------===//

// head_dim 2: one pair at frequency 1, so position 1 rotates by 1 radian.
TEST(Rope, RotatesSinglePairByPosition) {
  Tensor x = tensor({2, 1, 2}, {1, 0, 1, 0});
  expectNear(rope(x, nullptr, RopeParameters{}), {2, 1, 2},
             {1, 0, std::cos(1.0), std::sin(1.0)});
}

TEST(Rope, NeoxAndGptjPairDifferentFeatures) {
  // head_dim 4, theta 10000: frequencies 1 and 0.01; position 1 via
  // positions.
  Tensor x = tensor({1, 1, 4}, {1, 2, 3, 4});
  Tensor positions = tensor({1}, {1});
  double c0 = std::cos(1.0), s0 = std::sin(1.0);
  double c1 = std::cos(0.01), s1 = std::sin(0.01);

  RopeParameters neox;
  expectNear(
      rope(x, &positions, neox), {1, 1, 4},
      {1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1});

  RopeParameters gptj;
  gptj.style = RopeStyle::Gptj;
  expectNear(
      rope(x, &positions, gptj), {1, 1, 4},
      {1 * c0 - 2 * s0, 2 * c0 + 1 * s0, 3 * c1 - 4 * s1, 4 * c1 + 3 * s1});
}

TEST(Rope, PartialRotaryLeavesTailAndPreservesPairNorms) {
  Tensor x = tensor({1, 5, 2, 6}, {});
  for (int i = 0; i < 60; ++i)
    x.data.push_back(std::sin(0.7 * i + 0.3));
  RopeParameters parameters;
  parameters.rotaryDim = 4;
  Tensor y = rope(x, nullptr, parameters);
  ASSERT_EQ(y.shape, x.shape);
  for (int row = 0; row < 10; ++row) {
    const double *in = &x.data[row * 6];
    const double *out = &y.data[row * 6];
    for (int i = 0; i < 2; ++i) // neox pairs (i, i + 2)
      EXPECT_NEAR(std::hypot(out[i], out[i + 2]), std::hypot(in[i], in[i + 2]),
                  kTolerance);
    EXPECT_EQ(out[4], in[4]);
    EXPECT_EQ(out[5], in[5]);
  }
}

TEST(RopeFrequencies, LinearDividesEveryFrequency) {
  const RopeScaling scaling =
      RopeScaling::of(RopeScaling::Kind::Linear, 4.0, 0);
  RopeFrequencies f = ropeFrequencies(10000.0, 4, scaling, 0);
  EXPECT_NEAR(f.inverseFrequencies[0], 0.25, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[1], 0.0025, kTolerance);
  EXPECT_EQ(f.attentionFactor, 1.0);
}

// rotary_dim 4, theta 10000, factor 2, original context 4. For length 8 the
// base is 10000 * (2*8/4 - 1)^(4/2) = 90000, so inv_freq[1] = 90000^(-1/2) =
// 1/300; at length 4 nothing changes.
TEST(RopeFrequencies, DynamicNtkGrowsBaseBeyondTrainingContext) {
  const RopeScaling scaling =
      RopeScaling::of(RopeScaling::Kind::DynamicNtk, 2.0, 4);
  EXPECT_NEAR(ropeFrequencies(10000.0, 4, scaling, 8).inverseFrequencies[1],
              1.0 / 300.0, kTolerance);
  EXPECT_NEAR(ropeFrequencies(10000.0, 4, scaling, 4).inverseFrequencies[1],
              0.01, kTolerance);
}

// rotary_dim 8, theta 10000: inv_freq = 1, 0.1, 0.01, 0.001. Original context
// 2048, factor 4, beta 32 / 1:
//   corr_dim(32) = 8 ln(2048 / (64 pi)) / (2 ln 10000) = 1.008 -> low = 1
//   corr_dim(1)  = 8 ln(2048 / (2 pi))  / (2 ln 10000) = 2.513 -> high = 3
// ramp_i = clamp((i - 1) / 2, 0, 1) = 0, 0, 0.5, 1, so
//   inv = 1, 0.1, 0.5 * 0.01 / 4 + 0.5 * 0.01 = 0.00625, 0.001 / 4.
// attention factor 0.1 ln 4 + 1 = 1.1386294361119891.
TEST(RopeFrequencies, YarnBlendsAcrossCorrectionRange) {
  RopeScaling scaling = RopeScaling::of(RopeScaling::Kind::Yarn, 4.0, 2048);
  RopeFrequencies f = ropeFrequencies(10000.0, 8, scaling, 0);
  ASSERT_EQ(f.inverseFrequencies.size(), 4u);
  EXPECT_NEAR(f.inverseFrequencies[0], 1.0, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[1], 0.1, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[2], 0.00625, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[3], 0.00025, kTolerance);
  EXPECT_NEAR(f.attentionFactor, 1.1386294361119891, kTolerance);

  scaling.attentionFactor = 0.5;
  EXPECT_EQ(ropeFrequencies(10000.0, 8, scaling, 0).attentionFactor, 0.5);
}

// DeepSeek-V2/V3: with both mscales the attention factor is the ratio
// (0.1 * 0.707 ln 40 + 1) / (0.1 ln 40 + 1); one alone is ignored, as
// transformers' `if mscale and mscale_all_dim` does; an explicit 0 is kept.
TEST(RopeFrequencies, YarnAttentionFactorFromMscales) {
  RopeScaling scaling = RopeScaling::of(RopeScaling::Kind::Yarn, 40.0, 4096);
  scaling.mscale = 0.707;
  scaling.mscaleAllDim = 1.0;
  const double ln40 = std::log(40.0);
  EXPECT_NEAR(ropeFrequencies(10000.0, 8, scaling, 0).attentionFactor,
              (0.0707 * ln40 + 1.0) / (0.1 * ln40 + 1.0), kTolerance);
  scaling.mscaleAllDim = 0.0;
  EXPECT_NEAR(ropeFrequencies(10000.0, 8, scaling, 0).attentionFactor,
              0.1 * ln40 + 1.0, kTolerance);
  scaling.attentionFactor = 0.0;
  EXPECT_EQ(ropeFrequencies(10000.0, 8, scaling, 0).attentionFactor, 0.0);
}

// gpt-oss: the correction range of the YaRN test above unrounded,
// low = 1.008 and high = 2.513, so pair 1 is blended too:
//   ramp_1 = (1 - 1.008) / 1.505 < 0 -> 0: kept; ramp_2 = 0.6592.
TEST(RopeFrequencies, YarnUntruncatedRangeIsNotRounded) {
  RopeScaling scaling = RopeScaling::of(RopeScaling::Kind::Yarn, 4.0, 2048);
  scaling.truncate = false;
  auto correctionDim = [](double rotations) {
    return 8 * std::log(2048 / (rotations * 2 * M_PI)) /
           (2 * std::log(10000.0));
  };
  const double low = correctionDim(32), high = correctionDim(1);
  const double ramp2 = (2 - low) / (high - low);
  RopeFrequencies f = ropeFrequencies(10000.0, 8, scaling, 0);
  EXPECT_NEAR(f.inverseFrequencies[1], 0.1, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[2],
              ramp2 * 0.01 / 4 + (1 - ramp2) * 0.01, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[3], 0.001 / 4, kTolerance);
}

// LongRoPE: inv_freq[i] = 1 / (ext[i] theta^(2i/d)), ext the long factors
// once the call's length passes the original context of 64 (65 > 64, not
// 64); the attention factor sqrt(1 + ln(256/64) / ln 64) for both sets,
// factor taken from max_position / original_max_position.
TEST(RopeFrequencies, LongRopeChoosesFactorsByCallLength) {
  RopeScaling scaling;
  scaling.kind = RopeScaling::Kind::LongRope;
  scaling.originalMaxPosition = 64;
  scaling.maxPosition = 256;
  scaling.shortFactor = {1.0, 2.0};
  scaling.longFactor = {4.0, 8.0};
  const double attention = std::sqrt(1 + std::log(4.0) / std::log(64.0));
  RopeFrequencies within = ropeFrequencies(10000.0, 4, scaling, 64);
  EXPECT_NEAR(within.inverseFrequencies[0], 1.0, kTolerance);
  EXPECT_NEAR(within.inverseFrequencies[1], 0.01 / 2, kTolerance);
  EXPECT_NEAR(within.attentionFactor, attention, kTolerance);
  RopeFrequencies past = ropeFrequencies(10000.0, 4, scaling, 65);
  EXPECT_NEAR(past.inverseFrequencies[0], 1.0 / 4, kTolerance);
  EXPECT_NEAR(past.inverseFrequencies[1], 0.01 / 8, kTolerance);
  EXPECT_NEAR(past.attentionFactor, attention, kTolerance);

  // An explicit factor wins over max_position; a factor of 1 gives 1.
  scaling.factor = 1.0;
  EXPECT_EQ(ropeFrequencies(10000.0, 4, scaling, 0).attentionFactor, 1.0);
}

// Multimodal positions [3, tokens]: Qwen2-VL's bands [1, 1, 0] turn pair 0
// by the temporal row and pair 1 by the height row; Qwen3-VL's interleaved
// [0, 1, 1] turns pair 1 by height (1 % 3 == 1, 1 < 3) and pair 0 by
// temporal. head_dim 4: frequencies 1 and 0.01.
TEST(Rope, MultimodalRowsPerPair) {
  Tensor x = tensor({1, 1, 4}, {1, 2, 3, 4});
  Tensor positions = tensor({3, 1}, {2, 5, 7});
  auto rotated = [&](double angle0, double angle1) {
    double c0 = std::cos(angle0), s0 = std::sin(angle0);
    double c1 = std::cos(angle1), s1 = std::sin(angle1);
    return std::vector<double>{1 * c0 - 3 * s0, 2 * c1 - 4 * s1,
                               3 * c0 + 1 * s0, 4 * c1 + 2 * s1};
  };
  RopeParameters chunked;
  chunked.mropeSection = {1, 1, 0};
  expectNear(rope(x, &positions, chunked), {1, 1, 4}, rotated(2.0, 0.05));
  RopeParameters interleaved;
  interleaved.mropeSection = {0, 1, 1};
  interleaved.mropeInterleaved = true;
  expectNear(rope(x, &positions, interleaved), {1, 1, 4}, rotated(2.0, 0.05));
  interleaved.mropeSection = {2, 0, 0};
  expectNear(rope(x, &positions, interleaved), {1, 1, 4}, rotated(2.0, 0.02));
}

// rotary_dim 8, theta 10000: inv_freq = 1, 0.1, 0.01, 0.001 with wavelengths
// 2 pi / inv = 6.28, 62.8, 628.3, 6283. Original context 1024, low/high freq
// factors 1 / 4: wavelengths below 1024/4 = 256 are kept, above 1024/1 are
// divided by 8, and 628.3 is blended with
//   smooth = (1024 / 628.3185 - 1) / (4 - 1) = 0.2099155,
//   inv = (1 - smooth) * 0.01 / 8 + smooth * 0.01 = 0.0030867610.
TEST(RopeFrequencies, Llama3KeepsBlendsAndInterpolatesBands) {
  RopeScaling scaling = RopeScaling::of(RopeScaling::Kind::Llama3, 8.0, 1024);
  scaling.lowFreqFactor = 1.0;
  scaling.highFreqFactor = 4.0;
  RopeFrequencies f = ropeFrequencies(10000.0, 8, scaling, 0);
  EXPECT_NEAR(f.inverseFrequencies[0], 1.0, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[1], 0.1, kTolerance);
  EXPECT_NEAR(f.inverseFrequencies[2], 0.003086760967011274, 1e-10);
  EXPECT_NEAR(f.inverseFrequencies[3], 0.001 / 8, kTolerance);
}

//===----------------------------------------------------------------------===//
// Feed-forward building blocks
//===----------------------------------------------------------------------===//

TEST(Linear, BothWeightLayoutsAndBias) {
  Tensor x = tensor({1, 2}, {1, 2});
  Tensor wInOut = tensor({2, 3}, {1, 2, 3, 4, 5, 6}); // [in, out]
  Tensor wOutIn = tensor({3, 2}, {1, 4, 2, 5, 3, 6}); // its transpose
  Tensor bias = tensor({3}, {10, 20, 30});
  // [1 2] x [[1 2 3] [4 5 6]] = [9 12 15].
  expectNear(linear(x, wInOut, nullptr, WeightLayout::InOut), {1, 3},
             {9, 12, 15});
  expectNear(linear(x, wOutIn, &bias, WeightLayout::OutIn), {1, 3},
             {19, 32, 45});
  EXPECT_THROW(linear(x, wOutIn, nullptr, WeightLayout::InOut),
               std::invalid_argument);
}

TEST(Activation, KnownValuesAtOne) {
  EXPECT_EQ(activation(-1.0, Activation::Relu), 0.0);
  EXPECT_EQ(activation(1.0, Activation::Relu), 1.0);
  // Phi(1) = 0.8413447460685429, the standard normal CDF.
  EXPECT_NEAR(activation(1.0, Activation::Gelu), 0.8413447460685429, 1e-15);
  // 0.5 (1 + tanh(sqrt(2/pi) * 1.044715)).
  EXPECT_NEAR(activation(1.0, Activation::GeluTanh), 0.8411919906082768, 1e-15);
  // 1 / (1 + e^-1).
  EXPECT_NEAR(activation(1.0, Activation::Silu), 0.7310585786300049, 1e-15);
  EXPECT_EQ(activation(-0.25, Activation::Identity), -0.25);
  // 1 / (1 + e^-1.702).
  EXPECT_NEAR(activation(1.0, Activation::QuickGelu), 0.8457957659328212,
              1e-15);
  EXPECT_EQ(activation(-3.0, Activation::Relu2), 0.0);
  EXPECT_EQ(activation(3.0, Activation::Relu2), 9.0);
}

// gpt-oss, alpha 1.702, limit 7: gate 9 clamps to 7, up -8 to -7;
// 7 * sigmoid(11.914) * (-6).
TEST(Activation, ClampedSwiGluClampsGateAboveAndUpBothSides) {
  const Gating gptOss = Gating::clamped(1.702, 7.0);
  const double glu = 7.0 / (1.0 + std::exp(-1.702 * 7.0));
  EXPECT_NEAR(gatedProduct(9.0, -8.0, gptOss), glu * -6.0, 1e-12);
  EXPECT_NEAR(gatedProduct(9.0, 8.0, gptOss), glu * 8.0, 1e-12);
  // The gate is not clamped below: -9 gives -9 * sigmoid(-15.318).
  EXPECT_NEAR(gatedProduct(-9.0, 0.0, gptOss),
              -9.0 / (1.0 + std::exp(1.702 * 9.0)), 1e-15);
  EXPECT_TRUE(std::isnan(gatedProduct(std::nan(""), 1.0, gptOss)));
  EXPECT_TRUE(std::isnan(gatedProduct(1.0, std::nan(""), gptOss)));
  // An activation gating is act(gate) * up.
  EXPECT_EQ(gatedProduct(-2.0, 5.0, Activation::Relu), 0.0);
  EXPECT_EQ(gatedProduct(2.0, 5.0, Activation::Relu2), 20.0);
}

TEST(Add, BroadcastsTrailingSuffix) {
  Tensor lhs = tensor({2, 2}, {1, 2, 3, 4});
  expectNear(add(lhs, tensor({2}, {10, 20})), {2, 2}, {11, 22, 13, 24});
  expectNear(add(lhs, lhs), {2, 2}, {2, 4, 6, 8});
  EXPECT_THROW(add(lhs, tensor({3}, {1, 2, 3})), std::invalid_argument);
}

// x = [3, 4]: mean(x^2) = 12.5, so x / sqrt(12.5) = [0.8485, 1.1314].
TEST(Norms, RmsNormAndLayerNorm) {
  Tensor x = tensor({1, 2}, {3, 4});
  Tensor weight = tensor({2}, {1, 2});
  expectNear(rmsNorm(x, weight, 0.0), {1, 2},
             {3 / std::sqrt(12.5), 2 * 4 / std::sqrt(12.5)});
  // mean 3.5, biased variance 0.25: normalized [-1, 1].
  Tensor bias = tensor({2}, {10, 20});
  expectNear(layerNorm(x, weight, &bias, 0.0), {1, 2}, {9, 22});
  expectNear(layerNorm(x, weight, nullptr, 0.0), {1, 2}, {-1, 2});
  // Gemma's weight offset: x * (1 + w).
  expectNear(rmsNorm(x, weight, 0.0, 1.0), {1, 2},
             {2 * 3 / std::sqrt(12.5), 3 * 4 / std::sqrt(12.5)});
}

TEST(Ffn, ComposesLinearActivationLinear) {
  // d = 1, dff = 2: hidden = relu([2, -2] * x + [0, 1]), out = sum(hidden).
  Tensor x = tensor({2, 1}, {1, -1});
  Tensor w1 = tensor({1, 2}, {2, -2});
  Tensor b1 = tensor({2}, {0, 1});
  Tensor w2 = tensor({2, 1}, {1, 1});
  // x = 1: relu([2, -1]) = [2, 0] -> 2; x = -1: relu([-2, 3]) = [0, 3] -> 3.
  expectNear(
      ffn(x, w1, &b1, w2, nullptr, Activation::Relu, WeightLayout::InOut),
      {2, 1}, {2, 3});
}

TEST(GatedFfn, MultipliesActivatedGateWithUp) {
  // d = 1, dff = 1: out = (relu(x) * 3x) * 2 + 1.
  Tensor x = tensor({2, 1}, {2, -2});
  Tensor gate = tensor({1, 1}, {1});
  Tensor up = tensor({1, 1}, {3});
  Tensor down = tensor({1, 1}, {2});
  Tensor bDown = tensor({1}, {1});
  expectNear(gatedFfn(x, gate, nullptr, up, nullptr, down, &bDown,
                      Activation::Relu, WeightLayout::OutIn),
             {2, 1}, {25, 1});
}

//===----------------------------------------------------------------------===//
// Rounding and comparison
//===----------------------------------------------------------------------===//

TEST(Rounding, Bf16TiesToEven) {
  // bf16 keeps 7 fraction bits: 1 + 2^-8 lies halfway between 1 (even) and
  // 1 + 2^-7 (odd), 1 + 3 * 2^-8 halfway between 1 + 2^-7 and 1 + 2^-6
  // (even).
  EXPECT_EQ(roundToBf16(1.0 + std::ldexp(1.0, -8)), 1.0);
  EXPECT_EQ(roundToBf16(1.0 + 3 * std::ldexp(1.0, -8)),
            1.0 + std::ldexp(1.0, -6));
  EXPECT_EQ(roundToBf16(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)),
            1.0 + std::ldexp(1.0, -7));
  EXPECT_EQ(roundToBf16(-1.0 - std::ldexp(1.0, -8)), -1.0);
}

TEST(Rounding, Bf16RangeEnds) {
  double maxBf16 = std::ldexp(2.0 - std::ldexp(1.0, -7), 127);
  EXPECT_EQ(roundToBf16(maxBf16), maxBf16);
  EXPECT_TRUE(std::isinf(roundToBf16(3.4e38)));
  // Smallest subnormal 2^-133; 2^-134 ties to 0.
  EXPECT_EQ(roundToBf16(std::ldexp(1.0, -133)), std::ldexp(1.0, -133));
  EXPECT_EQ(roundToBf16(std::ldexp(1.0, -134)), 0.0);
  EXPECT_TRUE(std::isnan(roundToBf16(std::nan(""))));
}

TEST(Rounding, F16) {
  EXPECT_EQ(roundToF16(0.1), 0.0999755859375);
  EXPECT_EQ(roundToF16(65504.0), 65504.0);
  EXPECT_EQ(roundToF16(65519.0), 65504.0);
  // 65520 ties between 65504 (odd) and 65536 (even, out of range): inf.
  EXPECT_TRUE(std::isinf(roundToF16(65520.0)));
  EXPECT_EQ(roundToF16(std::ldexp(1.0, -24)), std::ldexp(1.0, -24));
  EXPECT_EQ(roundToF16(std::ldexp(1.0, -25)), 0.0);
  EXPECT_EQ(roundToF16(3 * std::ldexp(1.0, -26)), std::ldexp(1.0, -24));
}

TEST(Rounding, F32MatchesFloatConversion) {
  for (double x : {0.1, -1.0 / 3.0, 1e-40, 3.4e38, 12345.6789})
    EXPECT_EQ(roundToF32(x), static_cast<double>(static_cast<float>(x))) << x;
}

TEST(RelativeL2Error, ValuesNanAndZeros) {
  Tensor expected = tensor({2}, {3, 4});
  EXPECT_EQ(relativeL2Error(expected, expected), 0.0);
  // ||[0, 5] - [3, 4]|| / ||[3, 4]|| = sqrt(10) / 5.
  EXPECT_NEAR(relativeL2Error(tensor({2}, {0, 5}), expected),
              std::sqrt(10.0) / 5.0, kTolerance);
  double infinity = std::numeric_limits<double>::infinity();
  EXPECT_EQ(relativeL2Error(tensor({2}, {std::nan(""), 4}), expected),
            infinity);
  EXPECT_EQ(relativeL2Error(tensor({2}, {1, 0}), Tensor::zeros({2})), infinity);
  EXPECT_EQ(
      relativeL2Error(tensor({2}, {infinity, 4}), tensor({2}, {infinity, 4})),
      infinity);
  EXPECT_THROW(relativeL2Error(expected, Tensor::zeros({3})),
               std::invalid_argument);
}

TEST(MaxElementError, WorstElementOverRms) {
  Tensor expected = tensor({4}, {1, -1, 1, -1});
  EXPECT_EQ(maxElementError(expected, expected), 0.0);
  // One element off by 0.5 against an RMS of 1; the L2 error is only 0.25.
  EXPECT_EQ(maxElementError(tensor({4}, {1, -1, 1.5, -1}), expected), 0.5);
  EXPECT_DOUBLE_EQ(relativeL2Error(tensor({4}, {1, -1, 1.5, -1}), expected),
                   0.25);
  double infinity = std::numeric_limits<double>::infinity();
  EXPECT_EQ(maxElementError(tensor({4}, {1, std::nan(""), 1, -1}), expected),
            infinity);
  EXPECT_EQ(maxElementError(tensor({2}, {0, 1e-30}), Tensor::zeros({2})),
            infinity);
  EXPECT_EQ(maxElementError(Tensor::zeros({2}), Tensor::zeros({2})), 0.0);
  EXPECT_THROW(maxElementError(expected, Tensor::zeros({3})),
               std::invalid_argument);
}

} // namespace
