// Epilogue functors: applied by the GEMM to its f32 accumulators in
// registers, before the single cast-and-store to the output type.
//
// An epilogue op is a trivially copyable struct (it travels as a kernel
// argument) with
//   __device__ float2 operator()(float2 v, int row, int col) const;
// where v holds output columns col and col + 1 (col is even) of `row`.
// Ops compose left to right with EpilogueChain. The gated GEMM instead calls
//   __device__ float2 operator()(float2 gate, float2 up, int row, int col)
// which GatedProductOf provides, combining the two with a gating functor
//   __device__ float operator()(float gate, float up) const;
// (ActivatedGate: act(gate) * up; ClampedSwiGlu: gpt-oss's).
//
// An epilogue may also carry a row op (WithRowOp), for what pairs columns
// one thread holds apart (RoPE, EpilogueRope.h). It works on a State per
// output row that holds what depends only on the row and the thread's
// columns, not on the products (RoPE: the rotations):
//   struct State;                  (default-constructible)
//   static constexpr int kPrepareSteps;
//   __device__ void load(State &, int row) const;
//   template <int kStep> __device__ void prepare(State &, int firstCol) const;
// load issues the row's loads; the steps 0 .. kPrepareSteps - 1, in order,
// compute the rest from them, in pieces small enough to run one at a time
// beside the tile's MMAs (the Hopper GEMM's cooperative tiles,
// Sm90RowOpStates). Once the elementwise ops have run on all of a thread's
// values of one output row, the GEMM calls
//   template <int kBlocks> __device__ void
//   operator()(float2 (&v)[kBlocks], const State &, int firstCol) const;
// where v[j] holds columns firstCol + 8j and + 1 of the row (the wgmma and
// mma.sync D layouts: kBlocks n8 blocks of the thread's span, the tile on
// Hopper and the warp's columns on sm_80; firstCol % 8 == 2 (lane % 4)).
// load and the rotation run only for rows < m; columns past n hold 0 and
// are not stored. A row op states which blocks can run it:
//   static constexpr const char *unsupportedReason(const gemm::Config &);
// (nullptr: supported), which the GEMMs static_assert.
#pragma once

#include "cuda/device/GemmLimits.h"
#include "cuda/device/StaticFor.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

enum class Activation {
  kIdentity,
  kRelu,
  kGelu,
  kGeluTanh,
  kSilu,
  kQuickGelu,
  kRelu2
};

/// x * sigmoid(slope * x). expf(-slope * x) overflows to inf for
/// slope * x < -88, giving the correct limit -0.
__device__ inline float sigmoidGate(float x, float slope) {
  return x / (1.0f + expf(-slope * x));
}

template <Activation kAct> __device__ inline float activate(float x) {
  if constexpr (kAct == Activation::kIdentity) {
    return x;
  } else if constexpr (kAct == Activation::kRelu) {
    return fmaxf(x, 0.0f);
  } else if constexpr (kAct == Activation::kRelu2) {
    const float r = fmaxf(x, 0.0f);
    return r * r;
  } else if constexpr (kAct == Activation::kQuickGelu) {
    return sigmoidGate(x, 1.702f);
  } else if constexpr (kAct == Activation::kGelu) {
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
  } else if constexpr (kAct == Activation::kGeluTanh) {
    const float inner = 0.79788456080286536f * fmaf(0.044715f * x, x * x, x);
    return 0.5f * x * (1.0f + tanhf(inner));
  } else {
    static_assert(kAct == Activation::kSilu, "unhandled activation");
    return sigmoidGate(x, 1.0f);
  }
}

/// The gated product act(gate) * up.
template <Activation kAct> struct ActivatedGate {
  __device__ float operator()(float gate, float up) const {
    return activate<kAct>(gate) * up;
  }
};

/// gpt-oss's clamped SwiGLU: g * sigmoid(alpha g) * (u + 1) with
/// g = min(gate, limit), u = clamp(up, -limit, limit). The comparisons keep
/// a NaN operand, as torch.clamp does (fminf would drop it).
struct ClampedSwiGlu {
  float alpha;
  float limit;

  __device__ float operator()(float gate, float up) const {
    const float g = gate > limit ? limit : gate;
    const float u = up > limit ? limit : (up < -limit ? -limit : up);
    return sigmoidGate(g, alpha) * (u + 1.0f);
  }
};

/// v + bias[col, col + 1]; `bias` [n] aligned to 2 elements.
template <typename T> struct BiasAdd {
  const T *bias;

  __device__ float2 operator()(float2 v, int, int col) const {
    const Vec<T, 2> b = loadVec<2>(bias + col);
    return make_float2(v.x + toFloat(b[0]), v.y + toFloat(b[1]));
  }
};

template <Activation kAct> struct Activate {
  __device__ float2 operator()(float2 v, int, int) const {
    return make_float2(activate<kAct>(v.x), activate<kAct>(v.y));
  }
};

/// v + residual[row, col..col+1] for a row-major [m, ld] residual aligned to
/// 2 elements (ld even).
template <typename T> struct ResidualAdd {
  const T *residual;
  std::int64_t ld;

  __device__ float2 operator()(float2 v, int row, int col) const {
    const Vec<T, 2> r = loadVec<2>(residual + row * ld + col);
    return make_float2(v.x + toFloat(r[0]), v.y + toFloat(r[1]));
  }
};

/// Applies Ops in order; the empty chain is the identity.
template <typename... Ops> struct EpilogueChain {
  __device__ float2 operator()(float2 v, int, int) const { return v; }
};

template <typename First, typename... Rest>
struct EpilogueChain<First, Rest...> {
  First first;
  EpilogueChain<Rest...> rest;

  EpilogueChain() = default;
  __host__ __device__ explicit EpilogueChain(First f, Rest... r)
      : first(f), rest(r...) {}

  __device__ float2 operator()(float2 v, int row, int col) const {
    return rest(first(v, row, col), row, col);
  }
};

template <typename... Ops> EpilogueChain<Ops...> makeEpilogueChain(Ops... ops) {
  return EpilogueChain<Ops...>(ops...);
}

/// The gated-FFN epilogue on paired accumulators (same row and column of
/// X.Wg and X.Wu): out(gating(gate(g), up(u))). `gate` and `up` are chains
/// run on each accumulator first (their biases), `out` on the product.
/// `gating` comes last, default-initialized, so that a stateless one may be
/// left out of the braces.
template <typename Gating, typename GateChain = EpilogueChain<>,
          typename UpChain = EpilogueChain<>,
          typename OutChain = EpilogueChain<>>
struct GatedProductOf {
  GateChain gate;
  UpChain up;
  OutChain out;
  Gating gating{};

  __device__ float2 operator()(float2 g, float2 u, int row, int col) const {
    g = gate(g, row, col);
    u = up(u, row, col);
    return out(make_float2(gating(g.x, u.x), gating(g.y, u.y)), row, col);
  }
};

/// act(gate(g)) * up(u), then `out`.
template <Activation kAct, typename... Chains>
using GatedProduct = GatedProductOf<ActivatedGate<kAct>, Chains...>;

/// An epilogue whose elementwise ops are `epilogue`'s, followed by `rowOp`
/// on each output row (see the top of this file).
template <typename Epilogue, typename RowOp> struct WithRowOp {
  Epilogue epilogue;
  RowOp rowOp;

  __device__ float2 operator()(float2 v, int row, int col) const {
    return epilogue(v, row, col);
  }
  __device__ float2 operator()(float2 gate, float2 up, int row,
                               int col) const {
    return epilogue(gate, up, row, col);
  }
};

template <typename Epilogue, typename RowOp>
WithRowOp<Epilogue, RowOp> makeWithRowOp(Epilogue epilogue, RowOp rowOp) {
  return {epilogue, rowOp};
}

template <typename Epilogue> inline constexpr bool kHasRowOp = false;
template <typename Epilogue, typename RowOp>
inline constexpr bool kHasRowOp<WithRowOp<Epilogue, RowOp>> = true;

/// Why a GEMM block of configuration `c` cannot run `Epilogue`: its row
/// op's reason, nullptr when it has none or supports `c`.
template <typename Epilogue>
constexpr const char *epilogueUnsupportedReason(const gemm::Config &c) {
  if constexpr (kHasRowOp<Epilogue>)
    return decltype(Epilogue::rowOp)::unsupportedReason(c);
  else
    return nullptr;
}

/// The elementwise epilogue on one output pair: v[b] holds columns col and
/// col + 1 of row `row` of B operand b's product.
template <typename Epilogue>
__device__ float2 applyEpilogue(const Epilogue &epilogue, const float2 (&v)[1],
                                int row, int col) {
  return epilogue(v[0], row, col);
}
template <typename Epilogue>
__device__ float2 applyEpilogue(const Epilogue &epilogue, const float2 (&v)[2],
                                int row, int col) {
  return epilogue(v[0], v[1], row, col);
}

/// What the epilogue's row op keeps per row (an empty struct without one).
struct NoRowOpState {};
template <typename Epilogue> struct RowOpStateOf {
  using type = NoRowOpState;
};
template <typename Epilogue, typename RowOp>
struct RowOpStateOf<WithRowOp<Epilogue, RowOp>> {
  using type = typename RowOp::State;
};
template <typename Epilogue>
using RowOpState = typename RowOpStateOf<Epilogue>::type;

/// The prepare steps of the epilogue's row op (0 without one).
template <typename Epilogue> inline constexpr int kRowOpPrepareSteps = 0;
template <typename Epilogue, typename RowOp>
inline constexpr int kRowOpPrepareSteps<WithRowOp<Epilogue, RowOp>> =
    RowOp::kPrepareSteps;

/// The row op's loads for `row`; a row past m keeps its default state.
template <typename Epilogue>
__device__ void loadRowOp(const Epilogue &epilogue, RowOpState<Epilogue> &state,
                          int row, int m) {
  if constexpr (kHasRowOp<Epilogue>) {
    if (row < m)
      epilogue.rowOp.load(state, row);
  }
}

/// Prepare step kStep of the row op's state.
template <int kStep, typename Epilogue>
__device__ void prepareRowOpStep(const Epilogue &epilogue,
                                 RowOpState<Epilogue> &state, int firstCol) {
  if constexpr (kHasRowOp<Epilogue>)
    epilogue.rowOp.template prepare<kStep>(state, firstCol);
}

/// The row op's whole state of `row`, loaded and prepared on the spot.
template <typename Epilogue>
__device__ RowOpState<Epilogue> prepareRowOp(const Epilogue &epilogue, int row,
                                             int firstCol, int m) {
  RowOpState<Epilogue> state{};
  loadRowOp(epilogue, state, row, m);
  staticFor<kRowOpPrepareSteps<Epilogue>>([&](auto step) {
    prepareRowOpStep<decltype(step)::value>(epilogue, state, firstCol);
  });
  return state;
}

/// The epilogue's row op, if it has one, with `row`'s state on a thread's
/// values of that row (v[j]: columns firstCol + 8j, + 1); rows past m are
/// skipped.
template <typename Epilogue, int kBlocks>
__device__ void applyRowOp(const Epilogue &epilogue, float2 (&v)[kBlocks],
                           const RowOpState<Epilogue> &state, int row,
                           int firstCol, int m) {
  if constexpr (kHasRowOp<Epilogue>) {
    if (row < m)
      epilogue.rowOp(v, state, firstCol);
  }
}

/// applyRowOp with the state prepared on the spot.
template <typename Epilogue, int kBlocks>
__device__ void applyRowOp(const Epilogue &epilogue, float2 (&v)[kBlocks],
                           int row, int firstCol, int m) {
  if constexpr (kHasRowOp<Epilogue>)
    applyRowOp(epilogue, v, prepareRowOp(epilogue, row, firstCol, m), row,
               firstCol, m);
}

} // namespace xfuse::device
