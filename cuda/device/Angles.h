// Token positions and accurate f32 rotation angles, shared by the sinusoidal
// encoding and RoPE.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace xfuse::device {

/// The position of each token: positions[token] when a positions tensor
/// (int32_t or int64_t) is given, else the token's index along the sequence
/// dimension of a [batch, seqLen, ...] tensor, token % seqLen.
/// Angles convert positions to f32, exact for positions below 2^24.
///
/// As the positions of a RoPE (RoPE.h, EpilogueRope.h), every rotary pair of
/// a token turns by its one position: `at(token)` is what a token's pairs
/// need, `ofPair(at(token), i)` the position of pair i. Both kinds of
/// positions split at() into load() and convert().
template <typename PosT> struct TokenPositions {
  static_assert(sizeof(PosT) == 4 || sizeof(PosT) == 8, "int32 or int64");
  const PosT *positions = nullptr;
  std::int64_t seqLen = 1;

  __device__ std::int64_t operator()(std::int64_t token) const {
    if (positions)
      return static_cast<std::int64_t>(positions[token]);
    // 32-bit division where both fit: the 64-bit one is a long subroutine.
    if (((static_cast<std::uint64_t>(token) |
          static_cast<std::uint64_t>(seqLen)) >> 32) == 0)
      return static_cast<std::uint32_t>(token) %
             static_cast<std::uint32_t>(seqLen);
    return token % seqLen;
  }

  /// at() in two steps: load() reads a token's position, convert() makes
  /// it what its pairs need, so that a caller can issue the read well
  /// before it waits for it (the RoPE epilogue, EpilogueRope.h).
  using Loaded = std::int64_t;
  using Token = float;
  __device__ Loaded load(std::int64_t token) const { return (*this)(token); }
  __device__ static Token convert(Loaded position) {
    return static_cast<float>(position);
  }
  __device__ Token at(std::int64_t token) const { return convert(load(token)); }
  __device__ static float ofPair(Token position, int) { return position; }
};

/// The positions of multimodal RoPE (Qwen2-VL, Qwen3-VL; xfuse.rope's
/// mrope_section): rows temporal, height and width of `rowStride` (the token
/// count) entries each, [3, tokens]. Rotary pair i turns by the entry of row
/// rowOfPair(i): consecutive bands of kT, kH and kW pairs, or with
/// kInterleaved pairs 3k + 1 < 3 kH height, 3k + 2 < 3 kW width and the
/// others temporal (dialect/Frequencies.h, multimodalRowOfPair, on the
/// host).
template <typename PosT, int kT, int kH, int kW, bool kInterleaved>
struct MultimodalPositions {
  static_assert(sizeof(PosT) == 4 || sizeof(PosT) == 8, "int32 or int64");
  static_assert(kT >= 0 && kH >= 0 && kW >= 0, "pair counts");
  const PosT *positions;
  std::int64_t rowStride;

  struct Loaded {
    PosT temporal, height, width;
  };
  struct Token {
    float temporal, height, width;
  };
  __device__ Loaded load(std::int64_t token) const {
    return {positions[token], positions[token + rowStride],
            positions[token + 2 * rowStride]};
  }
  __device__ static Token convert(const Loaded &position) {
    return {static_cast<float>(position.temporal),
            static_cast<float>(position.height),
            static_cast<float>(position.width)};
  }
  __device__ Token at(std::int64_t token) const { return convert(load(token)); }

  __host__ __device__ static constexpr int rowOfPair(int pair) {
    if constexpr (kInterleaved)
      return pair % 3 == 1 && pair < 3 * kH   ? 1
             : pair % 3 == 2 && pair < 3 * kW ? 2
                                              : 0;
    else
      return pair < kT ? 0 : pair < kT + kH ? 1 : 2;
  }
  // Selects, not an indexed array: a pair index known only at run time
  // would put the three positions in local memory.
  __device__ static float ofPair(const Token &position, int pair) {
    const int row = rowOfPair(pair);
    return row == 0 ? position.temporal
                    : row == 1 ? position.height : position.width;
  }
};

/// The positions type of a RoPE given as its last template argument: an
/// integer type stands for TokenPositions of it.
template <typename P>
using RopePositionsOf =
    std::conditional_t<std::is_integral_v<P>, TokenPositions<P>, P>;

/// sin and cos of pos * (freqHi + freqLo).
///
/// The f32 product pos * freq is off by up to half an ulp of the angle
/// (2.4e-4 at pos = 4096), which alone would exceed an f32 error budget of
/// 1e-5. fmaf recovers the product's exact rounding error; adding
/// pos * freqLo (the part of the frequency below f32 precision) gives the
/// residual e, and sin(a + e) = sin(a) + e cos(a) to within e^2/2 < 1e-7.
/// Frequencies come as {hi, lo} pairs (splitFrequencies) for the same reason.
///
/// The angle is then reduced to about [-pi, pi] against 2 pi split into two
/// f32 parts (the first fmaf is exact but for rounding its small result),
/// where the special-function units' sin and cos are within 4e-7 of the
/// true values: sincosf would be as accurate, but its slow path for large
/// angles weighs on every GEMM epilogue that rotates.
__device__ inline void sincosOfProduct(float pos, float freqHi, float freqLo,
                                       float &sinOut, float &cosOut) {
  constexpr float kTwoPiHi = 6.28318548202514648f; // 2 pi rounded to f32
  constexpr float kTwoPiLo = -1.7484556025237907e-7f; // 2 pi - kTwoPiHi
  constexpr float kInvTwoPi = 0.159154943091895336f;
  const float angle = pos * freqHi;
  const float residual = fmaf(pos, freqHi, -angle) + pos * freqLo;
  const float turns = rintf(angle * kInvTwoPi);
  const float reduced = fmaf(-turns, kTwoPiLo, fmaf(-turns, kTwoPiHi, angle));
  float s, c;
  __sincosf(reduced, &s, &c);
  sinOut = fmaf(residual, c, s);
  cosOut = fmaf(-residual, s, c);
}

/// How RoPE pairs the rotated channels of a head (rd = rotary dim):
///   kNeox (rotate-half): channel i with channel i + rd/2, i < rd/2;
///   kGptj (interleaved): channel 2i with channel 2i + 1.
/// Pair i turns by pos * invFreq[i], scaled by the attention factor.
enum class RopeStyle { kNeox, kGptj };

/// The rotation of RoPE pair `i` at position `pos`: attnFactor * (cos, sin)
/// of pos * invFreq[i], invFreq as {hi, lo} pairs (splitFrequencies).
__device__ inline void ropeCosSin(const float2 *invFreq, float attnFactor,
                                  float pos, int i, float &c, float &s) {
  const float2 f = invFreq[i];
  sincosOfProduct(pos, f.x, f.y, s, c);
  c *= attnFactor;
  s *= attnFactor;
}

/// (x, y) of one pair rotated by (c, s): x' = x c - y s, y' = y c + x s.
__device__ inline float2 rotatePair(float x, float y, float c, float s) {
  return make_float2(x * c - y * s, y * c + x * s);
}

/// Host side: frequencies as {hi, lo} f32 pairs, hi = f rounded to f32 and
/// lo = the f32 remainder, for sincosOfProduct. A plain f32 table would
/// already put 6e-8 relative error into every angle (2.4e-4 at pos 4096).
inline std::vector<float2> splitFrequencies(const std::vector<double> &freqs) {
  std::vector<float2> table(freqs.size());
  for (std::size_t i = 0; i < freqs.size(); ++i) {
    const float hi = static_cast<float>(freqs[i]);
    table[i] = make_float2(hi, static_cast<float>(freqs[i] - hi));
  }
  return table;
}

/// Host side: the sinusoidal frequencies f_i = base^(-2i/dim), i < dim/2.
inline std::vector<float2> sinusoidalFrequencies(double base, int dim) {
  std::vector<double> freqs(dim / 2);
  for (int i = 0; i < dim / 2; ++i)
    freqs[i] = std::pow(base, -2.0 * i / dim);
  return splitFrequencies(freqs);
}

} // namespace xfuse::device
