// wgmma shapes with few columns: D[64, N] += A[64, 16] . B[N, 16]^T for
// N = 8, 16, 32, beside the 64..256 of Sm90Primitives.h (same operands,
// descriptors and D layout; see sm90::Wgmma there). A GEMM whose B operand
// has only a few rows (the tokens of a decode step, with the weights as
// the A operand) runs these instead of padding B to 64 rows.
#pragma once

#include "cuda/device/Sm90Primitives.h"

#include <cstdint>

namespace xfuse::device::sm90 {

template <> struct Wgmma<8> {
  __device__ static void mma(float (&d)[4], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %6, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3"
        "}, %4, %5, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

template <> struct Wgmma<16> {
  __device__ static void mma(float (&d)[8], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %10, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n16k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7"
        "}, %8, %9, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

template <> struct Wgmma<32> {
  __device__ static void mma(float (&d)[16], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %18, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n32k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15"
        "}, %16, %17, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

} // namespace xfuse::device::sm90
