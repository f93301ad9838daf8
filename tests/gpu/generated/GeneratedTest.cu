// End-to-end tests of the kernels that xfuse-translate generates for the
// graphs of examples/: each entry point runs on fresh random inputs into a
// NaN-poisoned output and is checked against the float64 reference (bf16:
// relative L2 error <= 1e-2), over odd token counts.
#include "linear_rope.h"
#include "prenorm_ffn_residual.h"
#include "sinusoidal_ffn_relu.h"
#include "swiglu_ffn.h"

#include "tests/gpu/GpuTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>
#include <vector>

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
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE(::testing::Message() << "seed " << rng.seed());
  const std::int64_t batch = GetParam();
  Input x = randomInput<T>(rng, {batch, 64, 256}, 1.0);
  Input w1 = randomInput<T>(rng, {256, 1024}, 1.0 / 16);
  Input b1 = randomInput<T>(rng, {1024}, 0.1);
  Input w2 = randomInput<T>(rng, {1024, 256}, 1.0 / 32);
  Input b2 = randomInput<T>(rng, {256}, 0.1);
  const auto w1p = check(gen::encoder_ffn_pack_w1(w1.view, nullptr));
  const auto w2p = check(gen::encoder_ffn_pack_w2(w2.view, nullptr));
  Output y = poisoned<T>({batch, 64, 256});
  rt::Workspace workspace;
  ASSERT_OK(gen::encoder_ffn(x.view, w1p, b1.view, w2p, b2.view, y.view,
                             workspace, nullptr));
  const ref::Tensor encoded = ref::sinusoidalPe(
      x.reference, nullptr, 10000.0, 16.0, ref::PeLayout::Interleaved);
  expectOutput(y, ref::ffn(encoded, w1.reference, &b1.reference, w2.reference,
                           &b2.reference, ref::Activation::Relu,
                           ref::WeightLayout::InOut));
}

TEST_P(TokenCount, SwigluFfn) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE(::testing::Message() << "seed " << rng.seed());
  const std::int64_t tokens = GetParam();
  Input x = randomInput<T>(rng, {tokens, 256}, 1.0);
  Input wg = randomInput<T>(rng, {688, 256}, 1.0 / 16);
  Input wu = randomInput<T>(rng, {688, 256}, 1.0 / 16);
  Input wd = randomInput<T>(rng, {256, 688}, 1.0 / 26);
  const auto wgp = check(gen::swiglu_pack_arg1(wg.view, nullptr));
  const auto wup = check(gen::swiglu_pack_arg2(wu.view, nullptr));
  const auto wdp = check(gen::swiglu_pack_arg3(wd.view, nullptr));
  Output y = poisoned<T>({tokens, 256});
  rt::Workspace workspace;
  ASSERT_OK(gen::swiglu(x.view, wgp, wup, wdp, y.view, workspace, nullptr));
  expectOutput(y, ref::gatedFfn(x.reference, wg.reference, nullptr,
                                wu.reference, nullptr, wd.reference, nullptr,
                                ref::Activation::Silu,
                                ref::WeightLayout::OutIn));
}

TEST_P(TokenCount, PrenormFfnResidual) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE(::testing::Message() << "seed " << rng.seed());
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
  rt::Workspace workspace;
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
  XFUSE_REQUIRE_GPU();
  Random rng;
  SCOPED_TRACE(::testing::Message() << "seed " << rng.seed());
  const std::int64_t batch = GetParam();
  Input x = randomInput<T>(rng, {batch, 32, 256}, 1.0);
  Input wq = randomInput<T>(rng, {256, 256}, 1.0 / 16);
  // Decode-like positions, far from 0 to exercise the angle accuracy.
  std::vector<std::int64_t> positions(static_cast<std::size_t>(batch) * 32);
  for (auto &p : positions)
    p = rng.integer(0, 16383);
  const rt::DeviceBuffer positionsMem = upload(positions);
  const rt::TensorView positionsView{positionsMem.data(), rt::DType::kI64,
                                     {batch, 32}};
  const auto wqp = check(gen::query_rope_pack_wq(wq.view, nullptr));
  Output y = poisoned<T>({batch, 32, 4, 64});
  rt::Workspace workspace;
  ASSERT_OK(gen::query_rope(x.view, wqp, positionsView, y.view, workspace,
                            nullptr));
  ref::Tensor q = ref::linear(x.reference, wq.reference, nullptr,
                              ref::WeightLayout::InOut);
  q.shape = {batch, 32, 4, 64};
  ref::RopeParameters rope;
  rope.theta = 500000.0;
  rope.scaling.kind = ref::RopeScaling::Kind::Llama3;
  rope.scaling.factor = 8.0;
  rope.scaling.lowFreqFactor = 1.0;
  rope.scaling.highFreqFactor = 4.0;
  rope.scaling.originalMaxPosition = 8192;
  const ref::Tensor positionsRef = toReference(positions, {batch, 32});
  expectOutput(y, ref::rope(q, &positionsRef, rope));
}

/// A bad call returns a Status naming the argument, before any launch.
TEST(GeneratedEntryPoint, RejectsMismatchedSizes) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  Input x = randomInput<T>(rng, {3, 256}, 1.0);
  Input w = randomInput<T>(rng, {688, 256}, 0.1);
  Input wd = randomInput<T>(rng, {256, 688}, 0.1);
  const auto wp = check(gen::swiglu_pack_arg1(w.view, nullptr));
  const auto wdp = check(gen::swiglu_pack_arg3(wd.view, nullptr));
  Output y = poisoned<T>({4, 256});
  rt::Workspace workspace;
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
