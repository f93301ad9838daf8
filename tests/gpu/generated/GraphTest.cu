// End-to-end tests of the kernels generated for the graphs of graphs/:
// every pointwise pattern --xfuse-form-kernels produces (lone ops, chains
// through norms, positional encodings, RoPE variants) in bf16, f16 and f32,
// and a split-K plan, on fresh random inputs into NaN-poisoned outputs,
// against the float64 reference.
#include "pointwise_bf16.h"
#include "pointwise_f16.h"
#include "pointwise_f32.h"
#include "rope_variants.h"
#include "splitk_ffn.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <vector>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// Odd row counts of the rank-2 graphs; [batch, seq, ...] graphs take odd
/// batch counts.
class Rows : public ::testing::TestWithParam<std::int64_t> {};
class Batches : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(Rows, EveryActivationBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<bf16>(rng, {n, 256}, 4.0);
  std::vector<Output> y;
  for (int i = 0; i < 5; ++i)
    y.push_back(poisoned<bf16>({n, 256}));
  ASSERT_OK(gen::every_activation(x.view, y[0].view, y[1].view, y[2].view,
                                  y[3].view, y[4].view, workspace, nullptr));
  const ref::Activation kinds[] = {ref::Activation::Relu, ref::Activation::Gelu,
                                   ref::Activation::GeluTanh,
                                   ref::Activation::Silu,
                                   ref::Activation::Identity};
  for (int i = 0; i < 5; ++i)
    expectOutput<bf16>(y[i], ref::activation(x.reference, kinds[i]));
}

TEST_P(Batches, AddBroadcastBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 8, 256}, 1.0);
  Input s = randomInput<bf16>(rng, {8, 256}, 1.0);
  Input bias = randomInput<bf16>(rng, {256}, 1.0);
  Output y = poisoned<bf16>({b, 8, 256});
  ASSERT_OK(gen::add_broadcast(x.view, s.view, bias.view, y.view, workspace,
                               nullptr));
  expectOutput<bf16>(
      y, ref::add(ref::add(x.reference, s.reference), bias.reference));
}

TEST_P(Rows, GateUpChainBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input g = randomInput<bf16>(rng, {n, 256}, 3.0);
  Input u = randomInput<bf16>(rng, {n, 256}, 1.0);
  Input r = randomInput<bf16>(rng, {n, 256}, 1.0);
  Output y = poisoned<bf16>({n, 256});
  ASSERT_OK(gen::gate_up_chain(g.view, u.view, r.view, y.view, workspace,
                               nullptr));
  const ref::Tensor h =
      ref::gate(g.reference,
                ref::activation(u.reference, ref::Activation::Relu),
                ref::Activation::GeluTanh);
  expectOutput<bf16>(y, ref::add(r.reference, h));
}

TEST_P(Batches, LearnedGeluLayerNormBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 256}, 1.0);
  Input table = randomInput<bf16>(rng, {64, 256}, 1.0);
  // Some positions outside the 64-row table, to exercise the clamping.
  Input pos = randomPositions<std::int32_t>(rng, {b, 16}, -4, 70);
  Input w = randomInput<bf16>(rng, {256}, 1.0);
  Input bias = randomInput<bf16>(rng, {256}, 1.0);
  Output y = poisoned<bf16>({b, 16, 256});
  ASSERT_OK(gen::learned_gelu_layernorm(x.view, table.view, pos.view, w.view,
                                        bias.view, y.view, workspace, nullptr));
  const ref::Tensor pe =
      ref::learnedPe(x.reference, table.reference, &pos.reference);
  expectOutput<bf16>(
      y, ref::layerNorm(ref::activation(pe, ref::Activation::Gelu),
                        w.reference, &bias.reference, 1e-5));
}

TEST_P(Rows, AddRmsNormSiluBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<bf16>(rng, {n, 256}, 1.0);
  Input r = randomInput<bf16>(rng, {n, 256}, 1.0);
  Input w = randomInput<bf16>(rng, {256}, 1.0);
  Input bias = randomInput<bf16>(rng, {256}, 1.0);
  Output y = poisoned<bf16>({n, 256});
  ASSERT_OK(gen::add_rmsnorm_silu(x.view, r.view, w.view, bias.view, y.view,
                                  workspace, nullptr));
  const ref::Tensor n1 =
      ref::rmsNorm(ref::add(x.reference, r.reference), w.reference, 1e-6);
  expectOutput<bf16>(y, ref::add(ref::activation(n1, ref::Activation::Silu),
                                 bias.reference));
}

TEST_P(Batches, SinusoidalLayerNormBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 4, 1000}, 1.0);
  Input w = randomInput<bf16>(rng, {1000}, 1.0);
  Output y = poisoned<bf16>({b, 4, 1000});
  ASSERT_OK(gen::sinusoidal_layernorm(x.view, w.view, y.view, workspace,
                                      nullptr));
  const ref::Tensor pe = ref::sinusoidalPe(x.reference, nullptr, 10000.0, 2.0,
                                           ref::PeLayout::Half);
  expectOutput<bf16>(y, ref::layerNorm(pe, w.reference, nullptr, 1e-5));
}

TEST_P(Rows, AddRmsNormGeluF16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<__half>(rng, {n, 384}, 1.0);
  Input r = randomInput<__half>(rng, {n, 384}, 1.0);
  Input w = randomInput<__half>(rng, {384}, 1.0);
  Output y = poisoned<__half>({n, 384});
  ASSERT_OK(gen::add_rmsnorm_gelu_f16(x.view, r.view, w.view, y.view,
                                      workspace, nullptr));
  const ref::Tensor n1 =
      ref::rmsNorm(ref::add(x.reference, r.reference), w.reference, 1e-6);
  expectOutput<__half>(y, ref::activation(n1, ref::Activation::Gelu));
}

TEST_P(Rows, GateF16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input g = randomInput<__half>(rng, {n, 384}, 3.0);
  Input u = randomInput<__half>(rng, {n, 384}, 1.0);
  Output y = poisoned<__half>({n, 384});
  ASSERT_OK(gen::gate_f16(g.view, u.view, y.view, workspace, nullptr));
  expectOutput<__half>(
      y, ref::gate(g.reference, u.reference, ref::Activation::Silu));
}

TEST_P(Rows, LayerNormReluBiasF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<float>(rng, {n, 200}, 1.0);
  Input w = randomInput<float>(rng, {200}, 1.0);
  Input b = randomInput<float>(rng, {200}, 1.0);
  Input c = randomInput<float>(rng, {200}, 1.0);
  Output y = poisoned<float>({n, 200});
  ASSERT_OK(gen::layernorm_relu_bias_f32(x.view, w.view, b.view, c.view,
                                         y.view, workspace, nullptr));
  const ref::Tensor n1 =
      ref::layerNorm(x.reference, w.reference, &b.reference, 1e-5);
  expectOutput<float>(y, ref::add(ref::activation(n1, ref::Activation::Relu),
                                  c.reference));
}

TEST_P(Rows, GeluTanhF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t n = GetParam();
  Input x = randomInput<float>(rng, {n, 200}, 4.0);
  Output y = poisoned<float>({n, 200});
  ASSERT_OK(gen::gelu_tanh_f32(x.view, y.view, workspace, nullptr));
  expectOutput<float>(y, ref::activation(x.reference,
                                         ref::Activation::GeluTanh));
}

/// The rope_variants graphs' [batch, 16, 4, 64] heads.
ref::Tensor ropeReference(const Input &x, const Input *pos,
                          const ref::RopeParameters &p) {
  return ref::rope(x.reference, pos ? &pos->reference : nullptr, p);
}

TEST_P(Batches, DynamicNtkRopeBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 64}, 1.0);
  // Past the 4096-position training context: the base is rescaled.
  Input pos = randomPositions<std::int64_t>(rng, {b, 16}, 0, 12000);
  Output y = poisoned<bf16>({b, 16, 4, 64});
  ASSERT_OK(gen::ntk_rope(x.view, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.scaling =
      ref::RopeScaling::of(ref::RopeScaling::Kind::DynamicNtk, 2.0, 4096);
  expectOutput<bf16>(y, ropeReference(x, &pos, p));
}

TEST_P(Batches, DynamicNtkRopeSequenceBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 64}, 1.0);
  Output y = poisoned<bf16>({b, 16, 4, 64});
  ASSERT_OK(gen::ntk_rope_seq(x.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.scaling = ref::RopeScaling::of(ref::RopeScaling::Kind::DynamicNtk, 4.0, 8);
  expectOutput<bf16>(y, ropeReference(x, nullptr, p));
}

TEST_P(Batches, GptjPartialRopeBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 64}, 1.0);
  Input pos = randomPositions<std::int32_t>(rng, {b, 16}, 0, 16383);
  Output y = poisoned<bf16>({b, 16, 4, 64});
  ASSERT_OK(gen::gptj_partial(x.view, pos.view, y.view, workspace, nullptr));
  ref::RopeParameters p;
  p.style = ref::RopeStyle::Gptj;
  p.rotaryDim = 32;
  expectOutput<bf16>(y, ropeReference(x, &pos, p));
}

TEST_P(Batches, QkNormRopeSiluBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t b = GetParam();
  Input x = randomInput<bf16>(rng, {b, 16, 4, 64}, 1.0);
  Input w = randomInput<bf16>(rng, {64}, 1.0);
  Input pos = randomPositions<std::int64_t>(rng, {b, 16}, 0, 16383);
  Output y = poisoned<bf16>({b, 16, 4, 64});
  ASSERT_OK(gen::qk_norm_rope(x.view, w.view, pos.view, y.view, workspace,
                              nullptr));
  ref::RopeParameters p;
  p.rotaryDim = 48;
  const ref::Tensor n1 = ref::rmsNorm(x.reference, w.reference, 1e-6);
  expectOutput<bf16>(y, ref::activation(ref::rope(n1, &pos.reference, p),
                                        ref::Activation::Silu));
}

// 72 tokens: the sm_90a plan splits K in 2 and the Hopper GEMM runs the split.
TEST(GeneratedGraph, SplitKSmallFfnBf16) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {72, 1024}, 1.0);
  const BiasedFfn<bf16> ffn = smallFfn(rng);
  Output y = poisoned<bf16>({72, 1024});
  ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
  expectOutput<bf16>(y, ffn.expected(x.reference, ref::Activation::Silu));
}

INSTANTIATE_TEST_SUITE_P(GeneratedGraph, Rows,
                         ::testing::Values(1, 3, 127, 4097));
INSTANTIATE_TEST_SUITE_P(GeneratedGraph, Batches, ::testing::Values(1, 3, 65));

} // namespace
} // namespace xfuse::test
