// End-to-end tests of the kernels generated for graphs/model_variants.mlir:
// quick_gelu and relu2 (alone, and relu2 in a GEMM epilogue), gpt-oss's clamped
// SwiGLU in a pointwise kernel, fairseq's sinusoidal encoding (odd d
// included) and Gemma's RMSNorm, on fresh random inputs into NaN-poisoned
// outputs, against the float64 reference. Its biased FFNs (CLIP's
// quick_gelu MLP, gpt-oss's clamped SwiGLU in the gated GEMM's epilogue) are
// rows of WiringTest.cu's tables.
#include "model_variants.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// Odd row counts of the rank-2 graphs; [batch, seq, ...] graphs take odd
/// batch counts.
class ModelVariantRows : public ::testing::TestWithParam<std::int64_t> {};
class ModelVariantBatches : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(ModelVariantRows, QuickGeluRelu2F32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<float>(rng, {n, 256}, 4.0);
  Output q = poisoned<float>({n, 256});
  Output r = poisoned<float>({n, 256});
  ASSERT_OK(gen::quick_gelu_relu2_f32(x.view, q.view, r.view, workspace,
                                      nullptr));
  expectOutput<float>(q, ref::activation(x.reference,
                                         ref::Activation::QuickGelu));
  expectOutput<float>(r, ref::activation(x.reference, ref::Activation::Relu2));
}

TEST_P(ModelVariantRows, Relu2FfnF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<float>(rng, {n, 128}, 1.0);
  Input w1 = randomInput<float>(rng, {128, 256}, 1.0 / 8);
  Input w2 = randomInput<float>(rng, {256, 128}, 1.0 / 16);
  const auto w1p = check(gen::relu2_ffn_f32_pack_arg1(w1.view, nullptr));
  const auto w2p = check(gen::relu2_ffn_f32_pack_arg2(w2.view, nullptr));
  Output y = poisoned<float>({n, 128});
  ASSERT_OK(gen::relu2_ffn_f32(x.view, w1p, w2p, y.view, workspace, nullptr));
  expectOutput<float>(y, ref::ffn(x.reference, w1.reference, nullptr,
                                  w2.reference, nullptr,
                                  ref::Activation::Relu2,
                                  ref::WeightLayout::InOut));
}

TEST_P(ModelVariantRows, ClampedGatePointwiseF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input g = randomInput<float>(rng, {n, 256}, 2.0);
  Input u = randomInput<float>(rng, {n, 256}, 2.0);
  Output y = poisoned<float>({n, 256});
  ASSERT_OK(gen::clamped_gate_pointwise_f32(g.view, u.view, y.view, workspace,
                                            nullptr));
  expectOutput<float>(y, ref::gate(g.reference, u.reference,
                                   ref::Gating::clamped(2.0, 0.5)));
}

TEST_P(ModelVariantBatches, FairseqPeBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 256}, 1.0);
  // fairseq's positions start past padding_idx (1 for M2M100); some are
  // far into a long context.
  Input pos = randomPositions<std::int64_t>(rng, {b, 16}, 2, 4096);
  Output y = poisoned<bf16>({b, 16, 256});
  ASSERT_OK(gen::fairseq_pe_bf16(x.view, pos.view, y.view, workspace,
                                 nullptr));
  expectOutput<bf16>(y, ref::sinusoidalPe(x.reference, &pos.reference,
                                          10000.0, 16.0,
                                          ref::PeLayout::Fairseq));
}

TEST_P(ModelVariantBatches, FairseqPeOddDimF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<float>(rng, {b, 8, 255}, 1.0);
  Output y = poisoned<float>({b, 8, 255});
  ASSERT_OK(gen::fairseq_pe_odd_f32(x.view, y.view, workspace, nullptr));
  expectOutput<float>(y, ref::sinusoidalPe(x.reference, nullptr, 10000.0,
                                           2.0, ref::PeLayout::Fairseq));
}

TEST_P(ModelVariantRows, GemmaNormGegluBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<bf16>(rng, {n, 256}, 1.0);
  // Gemma's weights are offsets from 1, small around 0.
  Input w = randomInput<bf16>(rng, {256}, 0.25);
  Input wg = randomInput<bf16>(rng, {512, 256}, 1.0 / 16);
  Input wu = randomInput<bf16>(rng, {512, 256}, 1.0 / 16);
  Input wd = randomInput<bf16>(rng, {256, 512}, 1.0 / 32);
  const auto wgp =
      check(gen::gemma_norm_geglu_bf16_pack_arg2(wg.view, nullptr));
  const auto wup =
      check(gen::gemma_norm_geglu_bf16_pack_arg3(wu.view, nullptr));
  const auto wdp =
      check(gen::gemma_norm_geglu_bf16_pack_arg4(wd.view, nullptr));
  Output y = poisoned<bf16>({n, 256});
  ASSERT_OK(gen::gemma_norm_geglu_bf16(x.view, w.view, wgp, wup, wdp, y.view,
                                       workspace, nullptr));
  const ref::Tensor normed =
      ref::rmsNorm(x.reference, w.reference, 1e-6, /*weightOffset=*/1.0);
  expectOutput<bf16>(y, ref::gatedFfn(normed, wg.reference, nullptr,
                                      wu.reference, nullptr, wd.reference,
                                      nullptr, ref::Activation::GeluTanh,
                                      ref::WeightLayout::OutIn));
}

TEST_P(ModelVariantRows, RmsNormOffsetF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<float>(rng, {n, 256}, 1.0);
  Input w = randomInput<float>(rng, {256}, 1.0);
  Output y = poisoned<float>({n, 256});
  ASSERT_OK(gen::rms_norm_offset_f32(x.view, w.view, y.view, workspace,
                                     nullptr));
  expectOutput<float>(y, ref::rmsNorm(x.reference, w.reference, 1e-6,
                                      /*weightOffset=*/-0.5));
}

INSTANTIATE_TEST_SUITE_P(GeneratedGraph, ModelVariantRows,
                         ::testing::Values(1, 3, 127, 4097));
INSTANTIATE_TEST_SUITE_P(GeneratedGraph, ModelVariantBatches,
                         ::testing::Values(1, 3, 65));

} // namespace
} // namespace xfuse::test
