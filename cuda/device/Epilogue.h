// Epilogue functors: applied by the GEMM to its f32 accumulators in
// registers, before the single cast-and-store to the output type.
//
// An epilogue op is a trivially copyable struct (it travels as a kernel
// argument) with
//   __device__ float2 operator()(float2 v, int row, int col) const;
// where v holds output columns col and col + 1 (col is even) of `row`.
// Ops compose left to right with EpilogueChain. The gated GEMM instead calls
//   __device__ float2 operator()(float2 gate, float2 up, int row, int col)
// which GatedProduct provides.
#pragma once

#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

enum class Activation { kIdentity, kRelu, kGelu, kGeluTanh, kSilu };

template <Activation kAct> __device__ inline float activate(float x) {
  if constexpr (kAct == Activation::kIdentity) {
    return x;
  } else if constexpr (kAct == Activation::kRelu) {
    return fmaxf(x, 0.0f);
  } else if constexpr (kAct == Activation::kGelu) {
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
  } else if constexpr (kAct == Activation::kGeluTanh) {
    const float inner = 0.79788456080286536f * fmaf(0.044715f * x, x * x, x);
    return 0.5f * x * (1.0f + tanhf(inner));
  } else {
    static_assert(kAct == Activation::kSilu, "unhandled activation");
    // expf(-x) overflows to inf for x < -88, giving the correct limit -0.
    return x / (1.0f + expf(-x));
  }
}

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
/// X.Wg and X.Wu): out(act(gate(g)) * up(u)). `gate` and `up` are chains
/// run on each accumulator first (their biases), `out` on the product.
template <Activation kAct, typename GateChain = EpilogueChain<>,
          typename UpChain = EpilogueChain<>,
          typename OutChain = EpilogueChain<>>
struct GatedProduct {
  GateChain gate;
  UpChain up;
  OutChain out;

  __device__ float2 operator()(float2 g, float2 u, int row, int col) const {
    g = gate(g, row, col);
    u = up(u, row, col);
    return out(make_float2(activate<kAct>(g.x) * u.x,
                           activate<kAct>(g.y) * u.y),
               row, col);
  }
};

} // namespace xfuse::device
