// The emitter's wiring of every op attribute that reaches emitted code:
// each function of graphs/rope_wiring.mlir, ffn_wiring.mlir and
// pe_wiring.mlir is a row of a table below, called on fresh random inputs
// into NaN-poisoned outputs and checked against the float64 reference
// computed from the same attributes. A parameter that the emitter drops,
// swaps or hard-codes (a scaling's frequencies, an attention factor, a
// style, a rotary dimension, a bias, an activation, a layout, a PE base or
// scale) makes its row fail: biases are as large as the projections they
// are added to, and the f32 rows check formulas to 1e-5.
#include "ffn_wiring.h"
#include "model_variants.h"
#include "pe_wiring.h"
#include "rope_wiring.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

namespace xfuse::test {
namespace {

namespace gen = generated;
namespace ref = reference;

/// Calls `body` with a value of the element type `dtype` names.
template <typename Body> void withElementType(rt::DType dtype, Body &&body) {
  switch (dtype) {
  case rt::DType::kF32:
    return body(float{});
  case rt::DType::kF16:
    return body(__half{});
  default:
    return body(__nv_bfloat16{});
  }
}

/// A test's name: its row's and its size, "<row>_<size>".
template <typename Row>
std::string
rowName(const ::testing::TestParamInfo<std::tuple<Row, std::int64_t>> &info) {
  return std::string(std::get<0>(info.param).name) + "_" +
         std::to_string(std::get<1>(info.param));
}

//===----------------------------------------------------------------------===//
// RoPE: every scaling kind x both styles, partial rotary, fused and alone
//===----------------------------------------------------------------------===//

struct RopeRow {
  const char *name;
  ref::RopeParameters rope;
  /// The element type of the GEMM function (its chain is f32).
  rt::DType gemmType;
  PackWeight packWq;
  rt::Status (*gemm)(const rt::TensorView &x, const rt::PackedWeight &wq,
                     const rt::TensorView &bq, const rt::TensorView &positions,
                     const rt::TensorView &y, rt::Workspace &, cudaStream_t);
  rt::Status (*chain)(const rt::TensorView &x, const rt::TensorView &positions,
                      const rt::TensorView &y, rt::Workspace &, cudaStream_t);

  friend void PrintTo(const RopeRow &row, std::ostream *os) { *os << row.name; }
};

/// The attributes every function of rope_wiring.mlir shares, and `scaling`.
ref::RopeParameters ropeWiring(ref::RopeScaling scaling) {
  ref::RopeParameters rope;
  rope.theta = 20000.0;
  rope.rotaryDim = 32;
  rope.scaling = std::move(scaling);
  return rope;
}

ref::RopeParameters yarnWiring() {
  ref::RopeScaling s =
      ref::RopeScaling::of(ref::RopeScaling::Kind::Yarn, 8.0, 512);
  s.attentionFactor = 1.25;
  return ropeWiring(s);
}

ref::RopeParameters llama3Wiring() {
  ref::RopeScaling s =
      ref::RopeScaling::of(ref::RopeScaling::Kind::Llama3, 8.0, 512);
  s.lowFreqFactor = 1.0;
  s.highFreqFactor = 4.0;
  return ropeWiring(s);
}

ref::RopeParameters longRopeWiring() {
  ref::RopeScaling s;
  s.kind = ref::RopeScaling::Kind::LongRope;
  s.originalMaxPosition = 512;
  s.maxPosition = 4096;
  for (int i = 0; i < 16; ++i) {
    s.shortFactor.push_back(1.0 + i / 8.0);
    s.longFactor.push_back(1.0 + i * i / 4.0);
  }
  return ropeWiring(s);
}

ref::RopeParameters multimodalWiring() {
  ref::RopeParameters rope =
      ropeWiring(ref::RopeScaling::of(ref::RopeScaling::Kind::Linear, 2.0, 0));
  rope.mropeSection = {4, 6, 6};
  rope.mropeInterleaved = true;
  return rope;
}

ref::RopeParameters withStyle(ref::RopeParameters rope, ref::RopeStyle style) {
  rope.style = style;
  return rope;
}

/// The rows of @<kind>_neox_* (bf16 GEMM) and @<kind>_gptj_* (f16 GEMM).
// clang-format off
#define XFUSE_ROPE_ROWS(kind, parameters)                                      \
  RopeRow{#kind "_neox", withStyle(parameters, ref::RopeStyle::Neox),          \
          rt::DType::kBF16, gen::kind##_neox_gemm_pack_arg1,                   \
          gen::kind##_neox_gemm, gen::kind##_neox_chain},                      \
  RopeRow{#kind "_gptj", withStyle(parameters, ref::RopeStyle::Gptj),          \
          rt::DType::kF16, gen::kind##_gptj_gemm_pack_arg1,                    \
          gen::kind##_gptj_gemm, gen::kind##_gptj_chain}
// clang-format on

std::vector<RopeRow> ropeRows() {
  return {
      XFUSE_ROPE_ROWS(none, ropeWiring({})),
      XFUSE_ROPE_ROWS(linear, ropeWiring(ref::RopeScaling::of(
                                  ref::RopeScaling::Kind::Linear, 4.0, 0))),
      XFUSE_ROPE_ROWS(ntk, ropeWiring(ref::RopeScaling::of(
                               ref::RopeScaling::Kind::DynamicNtk, 2.0, 512))),
      XFUSE_ROPE_ROWS(yarn, yarnWiring()),
      XFUSE_ROPE_ROWS(llama3, llama3Wiring()),
      XFUSE_ROPE_ROWS(longrope, longRopeWiring()),
      XFUSE_ROPE_ROWS(mrope, multimodalWiring()),
  };
}

/// Positions of `tokens` in [0, 4095], past the context of 512 of the
/// scalings that have one (dynamic NTK and LongRoPE then take their long
/// forms); three rows of them for multimodal RoPE.
Input ropePositions(Random &rng, const RopeRow &row,
                    std::vector<std::int64_t> tokens) {
  if (!row.rope.mropeSection.empty())
    tokens.insert(tokens.begin(), 3);
  return randomPositions<std::int64_t>(rng, tokens, 0, 4095);
}

/// Rows x sizes: token counts of the GEMM functions, batches of 16 tokens
/// of the chains.
class RopeWiring
    : public ::testing::TestWithParam<std::tuple<RopeRow, std::int64_t>> {};

TEST_P(RopeWiring, GemmEpilogue) {
  XFUSE_GRAPH_TEST_SETUP();
  const auto &[row, tokens] = GetParam();
  withElementType(row.gemmType, [&, &row = row, tokens = tokens](auto zero) {
    using T = decltype(zero);
    Input x = randomInput<T>(rng, {tokens, 256}, 1.0);
    Input wq = randomInput<T>(rng, {256, 256}, 1.0 / 8);
    Input bq = randomInput<T>(rng, {256}, 1.0);
    Input pos = ropePositions(rng, row, {tokens});
    const rt::PackedWeight wqp = check(row.packWq(wq.view, nullptr));
    Output y = poisoned<T>({tokens, 4, 64});
    ASSERT_OK(
        row.gemm(x.view, wqp, bq.view, pos.view, y.view, workspace, nullptr));
    expectOutput<T>(
        y, ref::rope(projectedHeads(x, wq, &bq, 64), &pos.reference, row.rope));
  });
}

TEST_P(RopeWiring, PointwiseF32) {
  XFUSE_GRAPH_TEST_SETUP();
  const auto &[row, batch] = GetParam();
  Input x = randomInput<float>(rng, {batch, 16, 4, 64}, 1.0);
  Input pos = ropePositions(rng, row, {batch, 16});
  Output y = poisoned<float>({batch, 16, 4, 64});
  ASSERT_OK(row.chain(x.view, pos.view, y.view, workspace, nullptr));
  expectOutput<float>(y, ref::rope(x.reference, &pos.reference, row.rope));
}

INSTANTIATE_TEST_SUITE_P(Wiring, RopeWiring,
                         ::testing::Combine(::testing::ValuesIn(ropeRows()),
                                            ::testing::Values(1, 37, 300)),
                         rowName<RopeRow>);

//===----------------------------------------------------------------------===//
// FFNs: every activation, plain and gated, a bias on every linear
//===----------------------------------------------------------------------===//

/// Operand sizes: [in] -> [hidden] -> [in], the f32 rows smaller.
struct FfnSizes {
  std::int64_t in, hidden;
};
FfnSizes ffnSizes(rt::DType dtype) {
  return dtype == rt::DType::kF32 ? FfnSizes{128, 256} : FfnSizes{256, 512};
}

/// Bounds of uniform weights that keep x . W near unit RMS for x uniform in
/// [-1, 1) (each product's RMS is bound / 3); biases of bound 1 then move
/// every output by about as much as the product.
double unitRmsBound(std::int64_t k) {
  return 3.0 / std::sqrt(static_cast<double>(k));
}
constexpr double kBiasBound = 1.0;

/// A row of an FFN table: `Entry` is FfnEntry or GatedFfnEntry, `Mixing`
/// the ref::Activation or ref::Gating between the projections.
template <typename Entry, typename Mixing> struct FfnRowOf {
  const char *name;
  Mixing mixing;
  ref::WeightLayout layout;
  rt::DType dtype;
  Entry entry;
  /// The RMS of the first projections: 1 but where a clamp's limit must be
  /// passed often.
  double firstRms;

  friend void PrintTo(const FfnRowOf &row, std::ostream *os) {
    *os << row.name;
  }
};
using FfnRow = FfnRowOf<FfnEntry, ref::Activation>;
using GatedFfnRow = FfnRowOf<GatedFfnEntry, ref::Gating>;

/// Checks `row` on `tokens` tokens, its operands an `Ffn` (BiasedFfn or
/// BiasedGatedFfn).
template <template <typename> class Ffn, typename Row>
void checkFfnRow(const Row &row, std::int64_t tokens, Random &rng,
                 rt::Workspace &workspace) {
  withElementType(row.dtype, [&](auto zero) {
    using T = decltype(zero);
    const auto [in, hidden] = ffnSizes(row.dtype);
    Input x = randomInput<T>(rng, {tokens, in}, 1.0);
    const Ffn<T> ffn(rng, row.entry, in, hidden, row.layout,
                     row.firstRms * unitRmsBound(in), unitRmsBound(hidden),
                     kBiasBound);
    Output y = poisoned<T>({tokens, in});
    ASSERT_OK(ffn.call(x.view, y.view, workspace, nullptr));
    expectOutput<T>(y, ffn.expected(x.reference, row.mixing));
  });
}

// clang-format off
#define XFUSE_FFN_ROW(name, activation, layout, dtype)                         \
  FfnRow{#name, ref::Activation::activation, ref::WeightLayout::layout,        \
         rt::DType::dtype, XFUSE_FFN_ENTRY(name), 1.0}
#define XFUSE_GATED_FFN_ROW(name, gating, layout, dtype, firstRms)             \
  GatedFfnRow{#name, gating, ref::WeightLayout::layout, rt::DType::dtype,      \
              XFUSE_GATED_FFN_ENTRY(name), firstRms}
// clang-format on

std::vector<FfnRow> ffnRows() {
  return {
      XFUSE_FFN_ROW(ffn_relu_f32_in_out, Relu, InOut, kF32),
      XFUSE_FFN_ROW(ffn_gelu_f32_out_in, Gelu, OutIn, kF32),
      XFUSE_FFN_ROW(ffn_gelu_tanh_f32_in_out, GeluTanh, InOut, kF32),
      XFUSE_FFN_ROW(ffn_silu_f32_out_in, Silu, OutIn, kF32),
      XFUSE_FFN_ROW(ffn_identity_f32_in_out, Identity, InOut, kF32),
      XFUSE_FFN_ROW(ffn_quick_gelu_f32_out_in, QuickGelu, OutIn, kF32),
      XFUSE_FFN_ROW(ffn_relu2_f32_in_out, Relu2, InOut, kF32),
      XFUSE_FFN_ROW(ffn_gelu_tanh_f16_out_in, GeluTanh, OutIn, kF16),
      XFUSE_FFN_ROW(ffn_gelu_bf16_in_out, Gelu, InOut, kBF16),
      // model_variants.mlir's CLIP MLP.
      XFUSE_FFN_ROW(quick_gelu_ffn_bf16, QuickGelu, OutIn, kBF16),
  };
}

std::vector<GatedFfnRow> gatedFfnRows() {
  using ref::Activation;
  return {
      XFUSE_GATED_FFN_ROW(gated_silu_f32_in_out, Activation::Silu, InOut, kF32,
                          1.0),
      XFUSE_GATED_FFN_ROW(gated_gelu_f32_out_in, Activation::Gelu, OutIn, kF32,
                          1.0),
      XFUSE_GATED_FFN_ROW(gated_gelu_tanh_f32_in_out, Activation::GeluTanh,
                          InOut, kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gated_relu_f32_out_in, Activation::Relu, OutIn, kF32,
                          1.0),
      XFUSE_GATED_FFN_ROW(gated_quick_gelu_f32_in_out, Activation::QuickGelu,
                          InOut, kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gated_relu2_f32_out_in, Activation::Relu2, OutIn,
                          kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gated_identity_f32_in_out, Activation::Identity,
                          InOut, kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gated_clamped_swiglu_f32_in_out,
                          ref::Gating::clamped(1.5, 2.0), InOut, kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gated_silu_f16_out_in, Activation::Silu, OutIn, kF16,
                          1.0),
      XFUSE_GATED_FFN_ROW(gated_gelu_tanh_bf16_in_out, Activation::GeluTanh,
                          InOut, kBF16, 1.0),
      // model_variants.mlir's biased SwiGLUs, gpt-oss's clamp at 7 (one
      // projection in ten past it at an RMS of 4) and a clamp at 1.
      XFUSE_GATED_FFN_ROW(biased_swiglu_in_out_bf16, Activation::Silu, InOut,
                          kBF16, 1.0),
      XFUSE_GATED_FFN_ROW(biased_swiglu_out_in_bf16, Activation::Silu, OutIn,
                          kBF16, 1.0),
      XFUSE_GATED_FFN_ROW(biased_swiglu_out_in_f32, Activation::Silu, OutIn,
                          kF32, 1.0),
      XFUSE_GATED_FFN_ROW(gpt_oss_mlp_bf16, ref::Gating::clamped(1.702, 7.0),
                          InOut, kBF16, 4.0),
      XFUSE_GATED_FFN_ROW(clamped_swiglu_tight_f32,
                          ref::Gating::clamped(1.702, 1.0), OutIn, kF32, 1.0),
  };
}

/// Rows x token counts.
class FfnWiring
    : public ::testing::TestWithParam<std::tuple<FfnRow, std::int64_t>> {};
class GatedFfnWiring
    : public ::testing::TestWithParam<std::tuple<GatedFfnRow, std::int64_t>> {};

TEST_P(FfnWiring, EveryBias) {
  XFUSE_GRAPH_TEST_SETUP();
  checkFfnRow<BiasedFfn>(std::get<0>(GetParam()), std::get<1>(GetParam()), rng,
                         workspace);
}

TEST_P(GatedFfnWiring, EveryBias) {
  XFUSE_GRAPH_TEST_SETUP();
  checkFfnRow<BiasedGatedFfn>(std::get<0>(GetParam()), std::get<1>(GetParam()),
                              rng, workspace);
}

INSTANTIATE_TEST_SUITE_P(Wiring, FfnWiring,
                         ::testing::Combine(::testing::ValuesIn(ffnRows()),
                                            ::testing::Values(1, 37, 300)),
                         rowName<FfnRow>);
INSTANTIATE_TEST_SUITE_P(Wiring, GatedFfnWiring,
                         ::testing::Combine(::testing::ValuesIn(gatedFfnRows()),
                                            ::testing::Values(1, 37, 300)),
                         rowName<GatedFfnRow>);

//===----------------------------------------------------------------------===//
// Sinusoidal PE: every layout with its base and scale
//===----------------------------------------------------------------------===//

struct PeRow {
  const char *name;
  ref::PeLayout layout;
  double base, scale;
  rt::DType dtype;
  /// Positions of i32 (else i64).
  bool int32Positions;
  rt::Status (*call)(const rt::TensorView &x, const rt::TensorView &positions,
                     const rt::TensorView &y, rt::Workspace &, cudaStream_t);

  friend void PrintTo(const PeRow &row, std::ostream *os) { *os << row.name; }
};

std::vector<PeRow> peRows() {
  using ref::PeLayout;
  return {
      {"interleaved_f32", PeLayout::Interleaved, 500.0, 0.5, rt::DType::kF32,
       true, gen::pe_interleaved_f32},
      {"half_f32", PeLayout::Half, 20000.0, 3.0, rt::DType::kF32, false,
       gen::pe_half_f32},
      {"fairseq_f32", PeLayout::Fairseq, 1000.0, 2.5, rt::DType::kF32, false,
       gen::pe_fairseq_f32},
      {"interleaved_bf16", PeLayout::Interleaved, 100.0, 1.5, rt::DType::kBF16,
       false, gen::pe_interleaved_bf16},
      {"half_f16", PeLayout::Half, 5000.0, 0.25, rt::DType::kF16, true,
       gen::pe_half_f16},
      {"fairseq_f16", PeLayout::Fairseq, 300.0, 4.0, rt::DType::kF16, true,
       gen::pe_fairseq_f16},
  };
}

/// Rows x batches of 16 tokens.
class PeWiring
    : public ::testing::TestWithParam<std::tuple<PeRow, std::int64_t>> {};

TEST_P(PeWiring, BaseAndScale) {
  XFUSE_GRAPH_TEST_SETUP();
  const auto &[row, batch] = GetParam();
  withElementType(row.dtype, [&, &row = row, batch = batch](auto zero) {
    using T = decltype(zero);
    Input x = randomInput<T>(rng, {batch, 16, 256}, 1.0);
    Input pos = row.int32Positions
                    ? randomPositions<std::int32_t>(rng, {batch, 16}, 0, 8191)
                    : randomPositions<std::int64_t>(rng, {batch, 16}, 0, 8191);
    Output y = poisoned<T>({batch, 16, 256});
    ASSERT_OK(row.call(x.view, pos.view, y.view, workspace, nullptr));
    expectOutput<T>(y, ref::sinusoidalPe(x.reference, &pos.reference, row.base,
                                         row.scale, row.layout));
  });
}

INSTANTIATE_TEST_SUITE_P(Wiring, PeWiring,
                         ::testing::Combine(::testing::ValuesIn(peRows()),
                                            ::testing::Values(1, 3, 65)),
                         rowName<PeRow>);

} // namespace
} // namespace xfuse::test
