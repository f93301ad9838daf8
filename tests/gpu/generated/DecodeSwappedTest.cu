// End-to-end tests of the swapped Hopper GEMM (cuda/device/Sm90SwapAbGemm.h)
// through the graphs of graphs/decode_swapped.mlir, whose sm_90a plans take
// it at 1, 8, 16 and 64 tokens (plain ReLU and gated SiLU FFNs with biases,
// down projections split in clusters of 4 and 8): fresh random inputs into
// NaN-poisoned outputs, against the float64 reference. The sm_80 build runs
// the same graphs on its mma.sync plans.
#include "decode_swapped.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace ref = reference;

constexpr std::int64_t kModel = 256;

/// The plain FFN of `entry` ([kModel] -> [4096] -> [kModel], ReLU) on
/// `tokens` tokens.
void expectPlainFfn(Random &rng, rt::Workspace &workspace, FfnEntry entry,
                    std::int64_t tokens) {
  Input x = randomInput<bf16>(rng, {tokens, kModel}, 1.0);
  const BiasedFfn<bf16> ffn(rng, entry, kModel, 4096,
                            ref::WeightLayout::InOut, 1.0 / 16, 1.0 / 64, 0.1);
  Output y = poisoned<bf16>({tokens, kModel});
  ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
  expectOutput<bf16>(y, ffn.expected(x.reference, ref::Activation::Relu));
}

/// The gated FFN of `entry` ([kModel] -> [2048] -> [kModel], SiLU) on
/// `tokens` tokens.
void expectGatedFfn(Random &rng, rt::Workspace &workspace,
                    GatedFfnEntry entry, std::int64_t tokens) {
  Input x = randomInput<bf16>(rng, {tokens, kModel}, 1.0);
  const BiasedGatedFfn<bf16> ffn(rng, entry, kModel, 2048,
                                 ref::WeightLayout::InOut, 1.0 / 16, 1.0 / 45,
                                 0.1);
  Output y = poisoned<bf16>({tokens, kModel});
  ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
  expectOutput<bf16>(y, ffn.expected(x.reference, ref::Gating()));
}

TEST(DecodeSwapped, OneTokenFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  expectPlainFfn(rng, workspace, XFUSE_FFN_ENTRY(swapped_ffn_m1), 1);
}

TEST(DecodeSwapped, SixteenTokenFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  expectPlainFfn(rng, workspace, XFUSE_FFN_ENTRY(swapped_ffn_m16), 16);
}

TEST(DecodeSwapped, EightTokenGatedFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  expectGatedFfn(rng, workspace, XFUSE_GATED_FFN_ENTRY(swapped_gated_m8), 8);
}

TEST(DecodeSwapped, SixtyFourTokenGatedFfn) {
  XFUSE_GRAPH_TEST_SETUP();
  expectGatedFfn(rng, workspace, XFUSE_GATED_FFN_ENTRY(swapped_gated_m64), 64);
}

} // namespace
} // namespace xfuse::test
