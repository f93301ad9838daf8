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
#include <string>
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

/// A graph projecting x [tokens, features] by a square W into heads of
/// headDim channels and rotating them by `rope`: positions drawn from
/// [0, maxPosition], weights from [-weightBound, weightBound).
struct ProjectedRopeGraph {
  std::int64_t features;
  std::int64_t headDim;
  ref::RopeParameters rope{};
  std::int64_t maxPosition = 4095;
  double weightBound = 1.0 / 16;
  ref::WeightLayout layout = ref::WeightLayout::InOut;
};

/// Runs the graph of `pack` and `run` on `tokens` tokens against the
/// reference of `graph`.
template <typename Pack, typename Run>
void checkProjectedRope(std::int64_t tokens, const ProjectedRopeGraph &graph,
                        Pack pack, Run run) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {tokens, graph.features}, 1.0);
  Input w = randomInput<bf16>(rng, {graph.features, graph.features},
                              graph.weightBound);
  Input pos =
      randomPositions<std::int64_t>(rng, {tokens}, 0, graph.maxPosition);
  const auto wp = check(pack(w.view, nullptr));
  Output y =
      poisoned<bf16>({tokens, graph.features / graph.headDim, graph.headDim});
  ASSERT_OK(run(x.view, wp, pos.view, y.view, workspace, nullptr));
  expectOutput<bf16>(
      y, projectedRope(x, w, graph.layout, graph.headDim, pos, graph.rope));
}

class Tokens : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(Tokens, PhiHeads80PartialRotary) {
  ref::RopeParameters p;
  p.rotaryDim = 32;
  checkProjectedRope(GetParam(), {640, 80, p}, gen::phi_q_rope_pack_arg1,
                     gen::phi_q_rope);
}

TEST_P(Tokens, NeoxHeads96) {
  checkProjectedRope(GetParam(), {384, 96}, gen::neox_q_rope_pack_arg1,
                     gen::neox_q_rope);
}

TEST_P(Tokens, GptjHeads192Yarn) {
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  p.scaling = ref::RopeScaling::of(ref::RopeScaling::Kind::Yarn, 4.0, 256);
  checkProjectedRope(GetParam(), {384, 192, p, 2047},
                     gen::wide_head_rope_pack_arg1, gen::wide_head_rope);
}

/// The decode graphs differ only in their static token count.
template <typename Pack, typename Run>
void checkDecode(std::int64_t tokens, Pack pack, Run run) {
  ref::RopeParameters p;
  p.theta = 500000.0;
  checkProjectedRope(tokens,
                     {1024, 128, p, 131071, 1.0 / 32, ref::WeightLayout::OutIn},
                     pack, run);
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
  ref::RopeParameters p;
  p.scaling =
      ref::RopeScaling::of(ref::RopeScaling::Kind::DynamicNtk, 2.0, 512);
  // Beyond the training context of 512, so the base grows with this call.
  checkProjectedRope(GetParam(), {256, 64, p, 3000}, gen::ntk_q_rope_pack_arg1,
                     gen::ntk_q_rope);
}

// The encoding folded into the first GEMM's weight on sm_90a: the pack
// helper made its table, the entry point refuses a weight packed without
// it, and the result matches float64 (which adds the encoding unrounded, as
// the fold does).
TEST(PlanContract, FoldedEncodingFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  const BiasedFfn<bf16> ffn(rng, XFUSE_FFN_ENTRY(folded_pe_ffn), 256, 512,
                            ref::WeightLayout::OutIn, 1.0 / 16, 1.0 / 22, 0.1);
  EXPECT_EQ(ffn.w1p.foldedPositions(), XFUSE_TEST_PLAN_SM90A ? 128 : 0);
  EXPECT_EQ(ffn.w2p.foldedPositions(), 0);
  for (std::int64_t batch : {1, 3}) {
    Input x = randomInput<bf16>(rng, {batch, 128, 256}, 1.0);
    Output y = poisoned<bf16>({batch, 128, 256});
    ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
    expectOutput<bf16>(
        y, ffn.expected(ref::sinusoidalPe(x.reference, nullptr, 10000.0, 1.0,
                                          ref::PeLayout::Interleaved),
                        ref::Activation::Relu));
  }
  if (XFUSE_TEST_PLAN_SM90A) {
    const rt::PackedWeight unfolded = check(rt::PackedWeight::pack(
        ffn.w1.view, rt::WeightLayout::kOutIn, rt::DType::kBF16, nullptr));
    Input x = randomInput<bf16>(rng, {1, 128, 256}, 1.0);
    Output y = poisoned<bf16>({1, 128, 256});
    const rt::Status status =
        gen::folded_pe_ffn(x.view, unfolded, ffn.b1.view, ffn.w2p,
                           ffn.b2.view, y.view, workspace, nullptr);
    EXPECT_EQ(status.code(), rt::StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find("folded into it"), std::string::npos)
        << status.message();
  }
}

INSTANTIATE_TEST_SUITE_P(PlanContract, Tokens, ::testing::Values(1, 37, 300));

} // namespace
} // namespace xfuse::test
