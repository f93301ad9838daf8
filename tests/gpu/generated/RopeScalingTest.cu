// The graphs of graphs/rope_yarn.mlir, rope_longrope.mlir and
// rope_multimodal.mlir: the RoPE scalings of DeepSeek-V2/V3 and gpt-oss
// (YaRN's mscale ratio, an unrounded correction range), Phi-3/Phi-4
// (LongRoPE, its factor set chosen per call below, at and past the training
// context) and Qwen2-VL/Qwen3-VL (multimodal positions), in pointwise
// kernels and GEMM epilogues, on fresh random inputs into NaN-poisoned
// outputs against the float64 reference. f32 graphs check cos and sin to a
// relative 1e-5.
#include "rope_longrope.h"
#include "rope_multimodal.h"
#include "rope_yarn.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>
#include <vector>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// Positions of `shape` in [0, largest], one of them (at a random place)
/// `largest`: the call's length is largest + 1 exactly.
template <typename P>
Input positionsUpTo(Random &rng, std::vector<std::int64_t> shape,
                    std::int64_t largest) {
  std::vector<P> host(
      static_cast<std::size_t>(ref::Tensor::elementCount(shape)));
  for (P &p : host)
    p = static_cast<P>(rng.integer(0, largest));
  host[rng.integer(0, static_cast<std::int64_t>(host.size()) - 1)] =
      static_cast<P>(largest);
  return uploadInput(host, shape);
}

/// The factors of rope_longrope.mlir's 48-pair graphs.
ref::RopeScaling phiLongRope(std::int64_t originalMaxPosition,
                             std::int64_t maxPosition) {
  ref::RopeScaling s;
  s.kind = ref::RopeScaling::Kind::LongRope;
  s.originalMaxPosition = originalMaxPosition;
  s.maxPosition = maxPosition;
  for (int i = 0; i < 48; ++i) {
    s.shortFactor.push_back(1.0 + i / 8.0);
    s.longFactor.push_back(1.0 + i * i / 4.0);
  }
  return s;
}

class RopeScalingBatches : public ::testing::TestWithParam<std::int64_t> {};
class RopeScalingTokens : public ::testing::TestWithParam<std::int64_t> {};

// ---- YaRN -------------------------------------------------------------------

TEST_P(RopeScalingBatches, YarnMscaleRatioF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<float>(rng, {b, 16, 4, 64}, 1.0);
  Input pos = randomPositions<std::int64_t>(rng, {b, 16}, 0, 16383);
  Output y = poisoned<float>({b, 16, 4, 64});
  ASSERT_OK(gen::yarn_mscale_f32(x.view, pos.view, y.view, workspace,
                                 nullptr));
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  p.scaling = ref::RopeScaling::of(ref::RopeScaling::Kind::Yarn, 40.0, 4096);
  p.scaling.mscale = 0.707;
  p.scaling.mscaleAllDim = 1.0;
  expectOutput<float>(y, ref::rope(x.reference, &pos.reference, p));
}

TEST_P(RopeScalingTokens, YarnUntruncatedQBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  Input bias = randomInput<bf16>(rng, {256}, 0.1);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 131071);
  const auto wp = check(gen::yarn_untruncated_q_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 4, 64});
  ASSERT_OK(gen::yarn_untruncated_q(x.view, wp, bias.view, pos.view, y.view,
                                    workspace, nullptr));
  ref::RopeParameters p;
  p.theta = 150000.0;
  p.scaling = ref::RopeScaling::of(ref::RopeScaling::Kind::Yarn, 32.0, 4096);
  p.scaling.truncate = false;
  expectOutput<bf16>(
      y, ref::rope(projectedHeads(x, w, &bias, 64), &pos.reference, p));
}

// ---- LongRoPE ---------------------------------------------------------------

// The largest position of the call: 62 and 63 keep L within the context of
// 64 (short factors), 64 and more pass it (long factors).
class LongRopeLargest
    : public ::testing::TestWithParam<std::tuple<std::int64_t, std::int64_t>> {
};

TEST_P(LongRopeLargest, PointwiseBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const auto [b, largest] = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 96}, 1.0);
  Input pos = positionsUpTo<std::int64_t>(rng, {b, 16}, largest);
  Output y = poisoned<bf16>({b, 16, 4, 96});
  ASSERT_OK(gen::longrope(x.view, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.scaling = phiLongRope(64, 2048);
  expectOutput<bf16>(y, ref::rope(x.reference, &pos.reference, p));
}

TEST_P(RopeScalingBatches, LongRopeSequenceF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<float>(rng, {b, 16, 4, 32}, 1.0);
  Output y = poisoned<float>({b, 16, 4, 32});
  ASSERT_OK(gen::longrope_seq_f32(x.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  p.scaling.kind = ref::RopeScaling::Kind::LongRope;
  p.scaling.originalMaxPosition = 16;
  p.scaling.factor = 8.0;
  p.scaling.attentionFactor = 1.2;
  for (int i = 0; i < 16; ++i) {
    p.scaling.shortFactor.push_back(1.0 + i / 8.0);
    p.scaling.longFactor.push_back(1.0 + i);
  }
  expectOutput<float>(y, ref::rope(x.reference, nullptr, p));
}

// Phi-4-mini's context of 4096: the largest position below, at and past it.
class LongRopeQLargest
    : public ::testing::TestWithParam<std::tuple<std::int64_t, std::int64_t>> {
};

TEST_P(LongRopeQLargest, GemmEpilogueBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const auto [t, largest] = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  Input pos = positionsUpTo<std::int32_t>(rng, {t}, largest);
  const auto wp = check(gen::longrope_q_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 2, 128});
  ASSERT_OK(gen::longrope_q(x.view, wp, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.theta = 250000.0;
  p.rotaryDim = 96;
  p.scaling = phiLongRope(4096, 131072);
  expectOutput<bf16>(
      y, ref::rope(projectedHeads(x, w, nullptr, 128), &pos.reference, p));
}

// ---- multimodal RoPE --------------------------------------------------------

TEST_P(RopeScalingBatches, MultimodalChunkedBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 128}, 1.0);
  Input pos = randomPositions<std::int64_t>(rng, {3, b, 16}, 0, 16383);
  Output y = poisoned<bf16>({b, 16, 4, 128});
  ASSERT_OK(gen::mrope_chunked(x.view, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.theta = 1000000.0;
  p.mropeSection = {16, 24, 24};
  expectOutput<bf16>(y, ref::rope(x.reference, &pos.reference, p));
}

TEST_P(RopeScalingBatches, MultimodalInterleavedGptjPartialF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<float>(rng, {b, 16, 4, 64}, 1.0);
  Input pos = randomPositions<std::int32_t>(rng, {3, b, 16}, 0, 16383);
  Output y = poisoned<float>({b, 16, 4, 64});
  ASSERT_OK(gen::mrope_interleaved_f32(x.view, pos.view, y.view, workspace,
                                       nullptr));
  ref::RopeParameters p;
  p.theta = 5000000.0;
  p.rotaryDim = 48;
  p.style = ref::RopeStyle::Gptj;
  p.mropeSection = {8, 8, 8};
  p.mropeInterleaved = true;
  expectOutput<float>(y, ref::rope(x.reference, &pos.reference, p));
}

TEST_P(RopeScalingTokens, MultimodalInterleavedQBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256, 512}, 1.0 / 16);
  Input bias = randomInput<bf16>(rng, {512}, 0.1);
  Input pos = randomPositions<std::int64_t>(rng, {3, t}, 0, 16383);
  const auto wp = check(gen::mrope_q_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 4, 128});
  ASSERT_OK(gen::mrope_q(x.view, wp, bias.view, pos.view, y.view, workspace,
                         nullptr));
  ref::RopeParameters p;
  p.theta = 1000000.0;
  p.mropeSection = {16, 24, 24};
  p.mropeInterleaved = true;
  expectOutput<bf16>(
      y, ref::rope(projectedHeads(x, w, &bias, 128), &pos.reference, p));
}

INSTANTIATE_TEST_SUITE_P(RopeScaling, RopeScalingBatches, ::testing::Values(1, 3, 65));
INSTANTIATE_TEST_SUITE_P(RopeScaling, RopeScalingTokens,
                         ::testing::Values(1, 3, 127, 4097));
INSTANTIATE_TEST_SUITE_P(
    RopeScaling, LongRopeLargest,
    ::testing::Combine(::testing::Values(1, 3, 65),
                       ::testing::Values(62, 63, 64, 12000)));
INSTANTIATE_TEST_SUITE_P(
    RopeScaling, LongRopeQLargest,
    ::testing::Combine(::testing::Values(1, 127, 4097),
                       ::testing::Values(4094, 4095, 4096, 100000)));

} // namespace
} // namespace xfuse::test
