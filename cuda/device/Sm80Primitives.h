// Thin wrappers over the sm_80+ PTX instructions that the tensor-core GEMM
// is built from: cp.async (global -> shared without registers), ldmatrix
// (shared -> mma fragments) and mma.sync.m16n8k16 with f32 accumulation.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <type_traits>

namespace xfuse::device::sm80 {

__device__ inline std::uint32_t sharedAddress(const void *ptr) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(ptr));
}

/// Copies 16 bytes from global to shared memory asynchronously. When
/// `valid` is false nothing is read and the 16 bytes are zero-filled, which
/// is how out-of-range rows and K columns of a tile contribute zero; `src`
/// must still be a valid address then.
__device__ inline void cpAsync16(void *smemDst, const void *globalSrc,
                                 bool valid) {
  const int srcBytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(
                   sharedAddress(smemDst)),
               "l"(globalSrc), "r"(srcBytes)
               : "memory");
}

__device__ inline void cpAsyncCommit() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}

/// Waits until at most kPending of this thread's committed groups are still
/// in flight.
template <int kPending> __device__ inline void cpAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");
}

/// Loads four 8x8 matrices of 16-bit elements; lane l supplies the address
/// of row l % 8 of matrix l / 8, and register r of every lane receives its
/// fragment of matrix r (row lane / 4, columns 2 * (lane % 4) + {0, 1}).
__device__ inline void ldmatrixX4(std::uint32_t (&frag)[4],
                                  const void *smemRow) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, "
               "[%4];\n"
               : "=r"(frag[0]), "=r"(frag[1]), "=r"(frag[2]), "=r"(frag[3])
               : "r"(sharedAddress(smemRow)));
}

/// D = A * B + D for a 16x8x16 tile: A row-major 16x16 (4 registers of two
/// 16-bit elements), B column-major 16x8 (2 registers), D f32 16x8
/// (4 registers: rows lane / 4 and lane / 4 + 8, columns 2 * (lane % 4) +
/// {0, 1}).
template <typename T>
__device__ inline void mma16816(float (&d)[4], const std::uint32_t (&a)[4],
                                const std::uint32_t b0, const std::uint32_t b1) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0),
                   "r"(b1));
  } else {
    static_assert(std::is_same_v<T, __half>, "mma16816 takes bf16 or f16");
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%0, %1, %2, %3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0),
                   "r"(b1));
  }
}

} // namespace xfuse::device::sm80
