// The graphs of graphs/plan_contract.mlir: real models' shapes that the
// pipeline once rejected (heads no tile held, decode steps, reshapes outside
// GEMMs, f32 linears) or ran in more launches than its plan showed. Each
// runs on fresh random inputs into NaN-poisoned outputs against the float64
// reference.
#include "plan_contract.h"
#include "rope_variants.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>
#include <vector>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// x . W split into heads of `headDim`, rotated.
ref::Tensor projectedRope(const Input &x, const Input &w,
                          ref::WeightLayout layout, std::int64_t headDim,
                          const Input &pos, const ref::RopeParameters &p) {
  return ref::rope(projectedHeads(x, w, nullptr, headDim, layout),
                   &pos.reference, p);
}

class Tokens : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(Tokens, PhiHeads80PartialRotary) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 640}, 1.0);
  Input w = randomInput<bf16>(rng, {640, 640}, 1.0 / 16);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 4095);
  const auto wp = check(gen::phi_q_rope_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 8, 80});
  ASSERT_OK(gen::phi_q_rope(x.view, wp, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.rotaryDim = 32;
  expectOutput<bf16>(
      y, projectedRope(x, w, ref::WeightLayout::InOut, 80, pos, p));
}

TEST_P(Tokens, NeoxHeads96) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 384}, 1.0);
  Input w = randomInput<bf16>(rng, {384, 384}, 1.0 / 16);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 4095);
  const auto wp = check(gen::neox_q_rope_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 4, 96});
  ASSERT_OK(gen::neox_q_rope(x.view, wp, pos.view, y.view, workspace, nullptr));
  expectOutput<bf16>(y, projectedRope(x, w, ref::WeightLayout::InOut, 96, pos,
                                      ref::RopeParameters{}));
}

TEST_P(Tokens, GptjHeads192Yarn) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 384}, 1.0);
  Input w = randomInput<bf16>(rng, {384, 384}, 1.0 / 16);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 2047);
  const auto wp = check(gen::wide_head_rope_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 2, 192});
  ASSERT_OK(
      gen::wide_head_rope(x.view, wp, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  p.scaling.kind = ref::RopeScaling::Kind::Yarn;
  p.scaling.factor = 4.0;
  p.scaling.originalMaxPosition = 256;
  expectOutput<bf16>(y,
                     projectedRope(x, w, ref::WeightLayout::InOut, 192, pos, p));
}

/// The decode graphs differ only in their static token count.
template <typename Pack, typename Run>
void checkDecode(std::int64_t tokens, Pack pack, Run run) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {tokens, 1024}, 1.0);
  Input w = randomInput<bf16>(rng, {1024, 1024}, 1.0 / 32);
  Input pos = randomPositions<std::int64_t>(rng, {tokens}, 0, 131071);
  const auto wp = check(pack(w.view, nullptr));
  Output y = poisoned<bf16>({tokens, 8, 128});
  ASSERT_OK(run(x.view, wp, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.theta = 500000.0;
  expectOutput<bf16>(y,
                     projectedRope(x, w, ref::WeightLayout::OutIn, 128, pos, p));
}

TEST(PlanContract, Decode1Heads128) {
  checkDecode(1, gen::decode1_q_rope_pack_arg1, gen::decode1_q_rope);
}
TEST(PlanContract, Decode16Heads128) {
  checkDecode(16, gen::decode16_q_rope_pack_arg1, gen::decode16_q_rope);
}
TEST(PlanContract, Decode64Heads128) {
  checkDecode(64, gen::decode64_q_rope_pack_arg1, gen::decode64_q_rope);
}

TEST(PlanContract, ReshapeRopeStatic) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {7, 256}, 2.0);
  Input pos = randomPositions<std::int32_t>(rng, {7}, 0, 100000);
  Output y = poisoned<bf16>({7, 4, 64});
  ASSERT_OK(gen::reshape_rope_static(x.view, pos.view, y.view, workspace,
                                     nullptr));
  ref::Tensor heads = x.reference;
  heads.shape = {7, 4, 64};
  expectOutput<bf16>(y, ref::rope(heads, &pos.reference, {}));
}

TEST_P(Tokens, ReshapeRopeDynamicGptj) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 2.0);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 100000);
  Output y = poisoned<bf16>({t, 4, 64});
  ASSERT_OK(gen::reshape_rope_dynamic(x.view, pos.view, y.view, workspace,
                                      nullptr));
  ref::Tensor heads = x.reference;
  heads.shape = {t, 4, 64};
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  expectOutput<bf16>(y, ref::rope(heads, &pos.reference, p));
}

TEST_P(Tokens, ProjectionReturnedBesideItsRotation) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 4095);
  const auto wp = check(gen::q_and_rotated_pack_arg1(w.view, nullptr));
  Output q = poisoned<bf16>({t, 256});
  Output r = poisoned<bf16>({t, 4, 64});
  ASSERT_OK(gen::q_and_rotated(x.view, wp, pos.view, q.view, r.view, workspace,
                               nullptr));
  expectOutput<bf16>(q, ref::linear(x.reference, w.reference, nullptr,
                                    ref::WeightLayout::InOut));
  expectOutput<bf16>(r, projectedRope(x, w, ref::WeightLayout::InOut, 64, pos,
                                      ref::RopeParameters{}));
}

TEST_P(Tokens, FfnF32KeepsF32Accuracy) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<float>(rng, {t, 96}, 1.0);
  Input w1 = randomInput<float>(rng, {96, 200}, 0.1);
  Input b1 = randomInput<float>(rng, {200}, 0.1);
  Input w2 = randomInput<float>(rng, {200, 96}, 0.07);
  Input b2 = randomInput<float>(rng, {96}, 0.1);
  const auto w1p = check(gen::ffn_f32_pack_arg1(w1.view, nullptr));
  const auto w2p = check(gen::ffn_f32_pack_arg3(w2.view, nullptr));
  Output y = poisoned<float>({t, 96});
  ASSERT_OK(gen::ffn_f32(x.view, w1p, b1.view, w2p, b2.view, y.view, workspace,
                         nullptr));
  expectOutput<float>(y, ref::ffn(x.reference, w1.reference, &b1.reference,
                                  w2.reference, &b2.reference,
                                  ref::Activation::Gelu,
                                  ref::WeightLayout::InOut));
}

TEST_P(Tokens, ProjectionDynamicNtk) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t t = GetParam();
  Input x = randomInput<bf16>(rng, {t, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  // Beyond the training context of 512, so the base grows with this call.
  Input pos = randomPositions<std::int64_t>(rng, {t}, 0, 3000);
  const auto wp = check(gen::ntk_q_rope_pack_arg1(w.view, nullptr));
  Output y = poisoned<bf16>({t, 4, 64});
  ASSERT_OK(gen::ntk_q_rope(x.view, wp, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.scaling.kind = ref::RopeScaling::Kind::DynamicNtk;
  p.scaling.factor = 2.0;
  p.scaling.originalMaxPosition = 512;
  expectOutput<bf16>(y,
                     projectedRope(x, w, ref::WeightLayout::InOut, 64, pos, p));
}

INSTANTIATE_TEST_SUITE_P(PlanContract, Tokens, ::testing::Values(1, 37, 300));

} // namespace
} // namespace xfuse::test
