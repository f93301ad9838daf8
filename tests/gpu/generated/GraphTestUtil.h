// What the tests of generated entry points share beyond GpuTestUtil.h: the
// operands and calls of the FFN entry points, and the references of
// projections split into heads.
#pragma once

#include "sinusoidal_ffn_relu.h"
#include "splitk_ffn.h"

#include "runtime/WeightPacking.h"
#include "runtime/Workspace.h"
#include "tests/gpu/GpuTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>

/// Opens a test of generated kernels: skips without a GPU, opens the test's
/// random stream (any failure shows how to replay it) and a workspace.
#define XFUSE_GRAPH_TEST_SETUP()                                               \
  XFUSE_REQUIRE_GPU();                                                         \
  Random rng;                                                                  \
  rt::Workspace workspace

namespace xfuse::test {

/// <function>_pack_arg<N>: packs a weight for the GEMM that reads it.
using PackWeight = rt::StatusOr<rt::PackedWeight> (*)(const rt::TensorView &,
                                                      cudaStream_t);

/// An FFN entry point f(x, w1, b1, w2, b2, y) and its packing helpers.
struct FfnEntry {
  PackWeight packW1, packW2;
  rt::Status (*call)(const rt::TensorView &, const rt::PackedWeight &,
                     const rt::TensorView &, const rt::PackedWeight &,
                     const rt::TensorView &, const rt::TensorView &,
                     rt::Workspace &, cudaStream_t);
};

/// A gated FFN entry point f(x, wg, bg, wu, bu, wd, bd, y) and its packing
/// helpers.
struct GatedFfnEntry {
  PackWeight packGate, packUp, packDown;
  rt::Status (*call)(const rt::TensorView &, const rt::PackedWeight &,
                     const rt::TensorView &, const rt::PackedWeight &,
                     const rt::TensorView &, const rt::PackedWeight &,
                     const rt::TensorView &, const rt::TensorView &,
                     rt::Workspace &, cudaStream_t);
};

/// The entry points of functions whose weights are arguments 1 and 3
/// (plain) or 1, 3 and 5 (gated), each followed by its bias.
// clang-format off
#define XFUSE_FFN_ENTRY(name)                                                  \
  ::xfuse::test::FfnEntry{::xfuse::generated::name##_pack_arg1,                \
                          ::xfuse::generated::name##_pack_arg3,                \
                          ::xfuse::generated::name}
#define XFUSE_GATED_FFN_ENTRY(name)                                            \
  ::xfuse::test::GatedFfnEntry{::xfuse::generated::name##_pack_arg1,           \
                               ::xfuse::generated::name##_pack_arg3,           \
                               ::xfuse::generated::name##_pack_arg5,           \
                               ::xfuse::generated::name}
// clang-format on

/// Random weights of [in, out] stored as `layout` says, uniform in
/// [-bound, bound).
template <typename T>
Input randomWeight(Random &rng, std::int64_t in, std::int64_t out,
                   reference::WeightLayout layout, double bound) {
  return layout == reference::WeightLayout::InOut
             ? randomInput<T>(rng, {in, out}, bound)
             : randomInput<T>(rng, {out, in}, bound);
}

/// The weights and biases of an FFN [in] -> [hidden] -> [in], packed for
/// `entry`.
template <typename T> struct BiasedFfn {
  BiasedFfn(Random &rng, FfnEntry entry, std::int64_t in, std::int64_t hidden,
            reference::WeightLayout layout, double w1Bound, double w2Bound,
            double biasBound)
      : entry(entry), layout(layout),
        w1(randomWeight<T>(rng, in, hidden, layout, w1Bound)),
        b1(randomInput<T>(rng, {hidden}, biasBound)),
        w2(randomWeight<T>(rng, hidden, in, layout, w2Bound)),
        b2(randomInput<T>(rng, {in}, biasBound)),
        w1p(check(entry.packW1(w1.view, nullptr))),
        w2p(check(entry.packW2(w2.view, nullptr))) {}

  rt::Status call(const rt::TensorView &x, const rt::TensorView &y,
                  rt::Workspace &workspace, cudaStream_t stream) const {
    return entry.call(x, w1p, b1.view, w2p, b2.view, y, workspace, stream);
  }

  reference::Tensor expected(const reference::Tensor &x,
                             reference::Activation activation) const {
    return reference::ffn(x, w1.reference, &b1.reference, w2.reference,
                          &b2.reference, activation, layout);
  }

  FfnEntry entry;
  reference::WeightLayout layout;
  Input w1, b1, w2, b2;
  rt::PackedWeight w1p, w2p;
};

/// The weights and biases of a gated FFN [in] -> [hidden] -> [in], packed
/// for `entry`.
template <typename T> struct BiasedGatedFfn {
  BiasedGatedFfn(Random &rng, GatedFfnEntry entry, std::int64_t in,
                 std::int64_t hidden, reference::WeightLayout layout,
                 double gateUpBound, double downBound, double biasBound)
      : entry(entry), layout(layout),
        wg(randomWeight<T>(rng, in, hidden, layout, gateUpBound)),
        bg(randomInput<T>(rng, {hidden}, biasBound)),
        wu(randomWeight<T>(rng, in, hidden, layout, gateUpBound)),
        bu(randomInput<T>(rng, {hidden}, biasBound)),
        wd(randomWeight<T>(rng, hidden, in, layout, downBound)),
        bd(randomInput<T>(rng, {in}, biasBound)),
        wgp(check(entry.packGate(wg.view, nullptr))),
        wup(check(entry.packUp(wu.view, nullptr))),
        wdp(check(entry.packDown(wd.view, nullptr))) {}

  rt::Status call(const rt::TensorView &x, const rt::TensorView &y,
                  rt::Workspace &workspace, cudaStream_t stream) const {
    return entry.call(x, wgp, bg.view, wup, bu.view, wdp, bd.view, y, workspace,
                      stream);
  }

  reference::Tensor expected(const reference::Tensor &x,
                             const reference::Gating &gating) const {
    return reference::gatedFfn(x, wg.reference, &bg.reference, wu.reference,
                               &bu.reference, wd.reference, &bd.reference,
                               gating, layout);
  }

  GatedFfnEntry entry;
  reference::WeightLayout layout;
  Input wg, bg, wu, bu, wd, bd;
  rt::PackedWeight wgp, wup, wdp;
};

/// examples/sinusoidal_ffn_relu.mlir's @encoder_ffn (sinusoidal PE, then a
/// ReLU FFN), and the reference of its output for `x` of [batch, 64, 256].
struct EncoderFfn : BiasedFfn<__nv_bfloat16> {
  explicit EncoderFfn(Random &rng)
      : BiasedFfn(rng,
                  {generated::encoder_ffn_pack_w1,
                   generated::encoder_ffn_pack_w2, generated::encoder_ffn},
                  256, 1024, reference::WeightLayout::InOut, 1.0 / 16, 1.0 / 32,
                  0.1) {}
  reference::Tensor expected(const reference::Tensor &x) const {
    return BiasedFfn::expected(
        reference::sinusoidalPe(x, nullptr, 10000.0, 16.0,
                                reference::PeLayout::Interleaved),
        reference::Activation::Relu);
  }
};

/// graphs/splitk_ffn.mlir's @small_ffn (SiLU), whose plan splits K.
inline BiasedFfn<__nv_bfloat16> smallFfn(Random &rng) {
  return BiasedFfn<__nv_bfloat16>(rng, XFUSE_FFN_ENTRY(small_ffn), 1024, 1024,
                                  reference::WeightLayout::InOut, 1.0 / 32,
                                  1.0 / 32, 0.1);
}

/// x . W + bias (bias may be null), split into heads of `headDim`.
inline reference::Tensor projectedHeads(
    const Input &x, const Input &w, const Input *bias, std::int64_t headDim,
    reference::WeightLayout layout = reference::WeightLayout::InOut) {
  reference::Tensor q = reference::linear(
      x.reference, w.reference, bias ? &bias->reference : nullptr, layout);
  const std::int64_t features = q.shape.back();
  q.shape.back() = features / headDim;
  q.shape.push_back(headDim);
  return q;
}

/// examples/linear_rope.mlir's RoPE: Llama 3.1's scaling.
inline reference::RopeParameters llama3QueryRope() {
  reference::RopeParameters rope;
  rope.theta = 500000.0;
  rope.scaling = reference::RopeScaling::of(
      reference::RopeScaling::Kind::Llama3, 8.0, 8192);
  rope.scaling.lowFreqFactor = 1.0;
  rope.scaling.highFreqFactor = 4.0;
  return rope;
}

} // namespace xfuse::test
