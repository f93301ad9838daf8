// End-to-end tests of the kernels that xfuse-translate generates for the
// graphs of examples/: each entry point runs on fresh random inputs into a
// NaN-poisoned output and is checked against the float64 reference (bf16:
// relative L2 error <= 1e-2), over odd token counts.
#include "linear_rope.h"
#include "prenorm_ffn_residual.h"
#include "sinusoidal_ffn_relu.h"
#include "swiglu_ffn.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>

namespace xfuse::test {
namespace {

using T = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

void expectOutput(const Output &out, const ref::Tensor &expected) {
  test::expectOutput<T>(out, expected);
}

// Token counts of the rank-2 graphs; graphs of [batch, seq, ...] tensors
// take odd batch counts instead (4097 batches of 64 would make the float64
// reference the slowest part of the suite).
class TokenCount : public ::testing::TestWithParam<std::int64_t> {};
class BatchCount : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(BatchCount, SinusoidalFfnRelu) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = GetParam();
  Input x = randomInput<T>(rng, {batch, 64, 256}, 1.0);
  const EncoderFfn ffn(rng);
  Output y = poisoned<T>({batch, 64, 256});
  ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
  expectOutput(y, ffn.expected(x.reference));
}

TEST_P(TokenCount, SwigluFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t tokens = GetParam();
  Input x = randomInput<T>(rng, {tokens, 256}, 1.0);
  Input wg = randomInput<T>(rng, {688, 256}, 1.0 / 16);
  Input wu = randomInput<T>(rng, {688, 256}, 1.0 / 16);
  Input wd = randomInput<T>(rng, {256, 688}, 1.0 / 26);
  const auto wgp = check(gen::swiglu_pack_arg1(wg.view, nullptr));
  const auto wup = check(gen::swiglu_pack_arg2(wu.view, nullptr));
  const auto wdp = check(gen::swiglu_pack_arg3(wd.view, nullptr));
  Output y = poisoned<T>({tokens, 256});
  ASSERT_OK(gen::swiglu(x.view, wgp, wup, wdp, y.view, workspace, nullptr));
  expectOutput(y, ref::gatedFfn(x.reference, wg.reference, nullptr,
                                wu.reference, nullptr, wd.reference, nullptr,
                                ref::Activation::Silu,
                                ref::WeightLayout::OutIn));
}

TEST_P(TokenCount, PrenormFfnResidual) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t tokens = GetParam();
  Input x = randomInput<T>(rng, {tokens, 256}, 1.0);
  Input g = randomInput<T>(rng, {256}, 1.0);
  Input w1 = randomInput<T>(rng, {256, 1024}, 1.0 / 16);
  Input b1 = randomInput<T>(rng, {1024}, 0.1);
  Input w2 = randomInput<T>(rng, {1024, 256}, 1.0 / 32);
  Input b2 = randomInput<T>(rng, {256}, 0.1);
  const auto w1p = check(gen::prenorm_ffn_pack_arg2(w1.view, nullptr));
  const auto w2p = check(gen::prenorm_ffn_pack_arg4(w2.view, nullptr));
  Output y = poisoned<T>({tokens, 256});
  ASSERT_OK(gen::prenorm_ffn(x.view, g.view, w1p, b1.view, w2p, b2.view,
                             y.view, workspace, nullptr));
  const ref::Tensor normed = ref::rmsNorm(x.reference, g.reference, 1e-6);
  const ref::Tensor ffn = ref::ffn(normed, w1.reference, &b1.reference,
                                   w2.reference, &b2.reference,
                                   ref::Activation::Gelu,
                                   ref::WeightLayout::InOut);
  expectOutput(y, ref::add(x.reference, ffn));
}

TEST_P(BatchCount, LinearRope) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = GetParam();
  Input x = randomInput<T>(rng, {batch, 32, 256}, 1.0);
  Input wq = randomInput<T>(rng, {256, 256}, 1.0 / 16);
  // Decode-like positions, far from 0 to exercise the angle accuracy.
  Input positions = randomPositions<std::int64_t>(rng, {batch, 32}, 0, 16383);
  const auto wqp = check(gen::query_rope_pack_wq(wq.view, nullptr));
  Output y = poisoned<T>({batch, 32, 4, 64});
  ASSERT_OK(gen::query_rope(x.view, wqp, positions.view, y.view, workspace,
                            nullptr));
  expectOutput(y, ref::rope(projectedHeads(x, wq, nullptr, 64),
                            &positions.reference, llama3QueryRope()));
}

/// A bad call returns a Status naming the argument, before any launch.
TEST(GeneratedEntryPoint, RejectsMismatchedSizes) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<T>(rng, {3, 256}, 1.0);
  Input w = randomInput<T>(rng, {688, 256}, 0.1);
  Input wd = randomInput<T>(rng, {256, 688}, 0.1);
  const auto wp = check(gen::swiglu_pack_arg1(w.view, nullptr));
  const auto wdp = check(gen::swiglu_pack_arg3(wd.view, nullptr));
  Output y = poisoned<T>({4, 256});
  const rt::Status status =
      gen::swiglu(x.view, wp, wp, wdp, y.view, workspace, nullptr);
  EXPECT_EQ(status.code(), rt::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'result0' dim 0"), std::string::npos)
      << status.toString();
  // The down projection in the gate's place has the wrong [n, k].
  EXPECT_FALSE(
      gen::swiglu(x.view, wdp, wp, wdp, y.view, workspace, nullptr).isOk());
}

INSTANTIATE_TEST_SUITE_P(Generated, TokenCount,
                         ::testing::Values(1, 3, 127, 4097));
INSTANTIATE_TEST_SUITE_P(Generated, BatchCount, ::testing::Values(1, 3, 65));

} // namespace
} // namespace xfuse::test
