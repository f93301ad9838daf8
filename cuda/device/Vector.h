// Element conversions and 16-byte vectorized global memory accesses.
//
// All xfuse kernels compute in f32; f16/bf16 only exist in memory. Memory is
// moved in Vec<T, N> units of up to 16 bytes (8 x 16-bit or 4 x f32), the
// widest access a thread can issue, so that a warp moves 512 bytes per
// instruction.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

namespace xfuse::device {

// ---- f32 conversions -------------------------------------------------------

__host__ __device__ inline float toFloat(float x) { return x; }
__host__ __device__ inline float toFloat(__half x) { return __half2float(x); }
__host__ __device__ inline float toFloat(__nv_bfloat16 x) {
  return __bfloat162float(x);
}

/// Round-to-nearest-even conversion from f32.
template <typename T> __host__ __device__ T fromFloat(float x);
template <> __host__ __device__ inline float fromFloat<float>(float x) {
  return x;
}
template <> __host__ __device__ inline __half fromFloat<__half>(float x) {
  return __float2half_rn(x);
}
template <>
__host__ __device__ inline __nv_bfloat16 fromFloat<__nv_bfloat16>(float x) {
  return __float2bfloat16_rn(x);
}

// ---- vectors ---------------------------------------------------------------

inline constexpr int kMaxAccessBytes = 16;

/// N contiguous elements, aligned so that one load/store moves all of them.
template <typename T, int N> struct alignas(sizeof(T) * N) Vec {
  static_assert(N > 0 && (N & (N - 1)) == 0, "N must be a power of two");
  static_assert(sizeof(T) * N <= kMaxAccessBytes, "wider than one access");
  T elems[N];

  __host__ __device__ T &operator[](int i) { return elems[i]; }
  __host__ __device__ const T &operator[](int i) const { return elems[i]; }
};

/// The widest power-of-two element count of at most 16 bytes that divides
/// `extent`: rows of `extent` elements then split into whole vectors, and a
/// vector never straddles two rows.
template <typename T> constexpr int vecWidthFor(int extent) {
  int width = kMaxAccessBytes / static_cast<int>(sizeof(T));
  while (extent % width != 0)
    width /= 2;
  return width;
}

/// `ptr` must be aligned to sizeof(Vec<T, N>).
template <int N, typename T>
__device__ inline Vec<T, N> loadVec(const T *ptr) {
  return *reinterpret_cast<const Vec<T, N> *>(ptr);
}

template <int N, typename T>
__device__ inline void storeVec(T *ptr, const Vec<T, N> &value) {
  *reinterpret_cast<Vec<T, N> *>(ptr) = value;
}

// ---- f32 views of vectors ----------------------------------------------------
// No #pragma unroll: host compilers read this header too (and warn), and
// nvcc unrolls these loops of at most 16 iterations by itself.

template <typename T, int N>
__device__ inline void toFloats(const Vec<T, N> &in, float (&out)[N]) {
  for (int t = 0; t < N; ++t)
    out[t] = toFloat(in[t]);
}

/// Loads N elements of `ptr` as f32; `ptr` aligned to N elements.
template <int N, typename T>
__device__ inline void loadFloats(const T *ptr, float (&out)[N]) {
  toFloats(loadVec<N>(ptr), out);
}

/// Rounds N f32 values to T and stores them; `ptr` aligned to N elements.
template <int N, typename T>
__device__ inline void storeFloats(T *ptr, const float (&in)[N]) {
  Vec<T, N> out;
  for (int t = 0; t < N; ++t)
    out[t] = fromFloat<T>(in[t]);
  storeVec(ptr, out);
}

} // namespace xfuse::device
