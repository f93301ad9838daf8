// Thin wrappers over the sm_90a PTX instructions that the Hopper GEMM
// (GemmSm90Mainloop.h) is built from:
//   - mbarrier: the shared-memory barriers that hand pipeline stages from
//     the TMA producer to the wgmma consumers and back,
//   - cp.async.bulk.tensor (TMA): one thread copies a whole 2-D tile from
//     global to shared memory, swizzled, completing on an mbarrier, or
//     back from shared to global memory (the staged epilogue's stores),
//   - wgmma.mma_async: a warpgroup (4 warps) multiplies a 64xN tile with
//     both operands read from shared memory through matrix descriptors,
//   - setmaxnreg: moves registers from the producer to the consumers.
// Everything here needs the sm_90a target (wgmma, setmaxnreg).
#pragma once

#include <cuda.h> // CUtensorMap (a type only: no driver library is linked)

#include <cstdint>

namespace xfuse::device::sm90 {

__device__ inline std::uint32_t sharedAddress(const void *ptr) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(ptr));
}

// ---- mbarrier --------------------------------------------------------------

/// A 64-bit shared-memory barrier whose phase completes once `arrivals`
/// threads have arrived and all expected transaction bytes have landed.
struct alignas(8) Mbarrier {
  std::uint64_t state;

  __device__ void init(std::uint32_t arrivals) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(
                     sharedAddress(this)),
                 "r"(arrivals)
                 : "memory");
  }

  /// Arrives and announces that `bytes` more will be delivered by TMA
  /// copies (complete_tx) before the phase may complete.
  __device__ void arriveExpectTx(std::uint32_t bytes) {
    asm volatile(
        "mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(
            sharedAddress(this)),
        "r"(bytes)
        : "memory");
  }

  __device__ void arrive() {
    asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(
                     sharedAddress(this))
                 : "memory");
  }

  /// Arrives on this barrier's twin (the same shared-memory offset) in
  /// block `rank` of the cluster. Release at CTA scope, as CUTLASS's
  /// ClusterBarrier does: a cluster-scope release would also wait for this
  /// thread's global stores (the previous tile's epilogue).
  __device__ void arriveInBlock(std::uint32_t rank) {
    std::uint32_t remote;
    asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n"
                 : "=r"(remote)
                 : "r"(sharedAddress(this)), "r"(rank));
    asm volatile("mbarrier.arrive.shared::cluster.b64 _, [%0];\n" ::"r"(remote)
                 : "memory");
  }

  /// Blocks until the phase with parity `parity` has completed. A fresh
  /// barrier is in phase 0, so waiting for parity 1 returns at once: the
  /// "preceding phase" counts as complete.
  __device__ void wait(std::uint32_t parity) {
    std::uint32_t done;
    do {
      asm volatile("{\n.reg .pred p;\n"
                   "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n"
                   "selp.u32 %0, 1, 0, p;\n}\n"
                   : "=r"(done)
                   : "r"(sharedAddress(this)), "r"(parity)
                   : "memory");
    } while (!done);
  }
};

/// Makes mbarrier.init visible to the async proxy (the TMA unit) and to the
/// other threads; a __syncthreads() must follow.
__device__ inline void fenceBarrierInit() {
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
}

// ---- clusters --------------------------------------------------------------

/// This block's rank in its cluster.
__device__ inline std::uint32_t clusterRank() {
  std::uint32_t rank;
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(rank));
  return rank;
}

/// Every thread of every block of the cluster waits for all the others
/// (a superset of __syncthreads); accesses before it are visible after it.
__device__ inline void clusterSync() {
  asm volatile("barrier.cluster.arrive.release.aligned;\n"
               "barrier.cluster.wait.acquire.aligned;\n" ::
                   : "memory");
}

// ---- TMA -------------------------------------------------------------------

__device__ inline void prefetchTensorMap(const CUtensorMap *map) {
  asm volatile("prefetch.tensormap [%0];\n" ::"l"(map) : "memory");
}

/// Copies the box at (inner, outer) of the 2-D tensor `map` into shared
/// memory at `dst` (1024-byte aligned for the 128-byte swizzle) and counts
/// its bytes against `bar`. Elements outside the tensor read as zero and
/// are still counted, so every copy delivers the whole box.
__device__ inline void tmaLoad2d(void *dst, const CUtensorMap *map,
                                 Mbarrier *bar, int inner, int outer) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
               "complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n" ::"r"(
                   sharedAddress(dst)),
               "l"(map), "r"(inner), "r"(outer), "r"(sharedAddress(bar))
               : "memory");
}

/// tmaLoad2d into `dst` of every block of the cluster in `blockMask` (bit r:
/// rank r), each counting the bytes against its own barrier at the offset
/// of `bar`.
__device__ inline void tmaLoad2dMulticast(void *dst, const CUtensorMap *map,
                                          Mbarrier *bar, int inner, int outer,
                                          std::uint16_t blockMask) {
  asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::"
               "complete_tx::bytes.multicast::cluster [%0], [%1, {%2, %3}], "
               "[%4], %5;\n" ::"r"(sharedAddress(dst)),
               "l"(map), "r"(inner), "r"(outer), "r"(sharedAddress(bar)),
               "h"(blockMask)
               : "memory");
}

/// Stores the box at (inner, outer) of the 2-D tensor `map` from shared
/// memory at `src` (laid out as tmaLoad2d would have written it); parts of
/// the box outside the tensor are not written. Completes asynchronously, as
/// part of the issuing thread's next bulkCommitGroup().
__device__ inline void tmaStore2d(const CUtensorMap *map, const void *src,
                                  int inner, int outer) {
  asm volatile("cp.async.bulk.tensor.2d.global.shared::cta.bulk_group "
               "[%0, {%1, %2}], [%3];\n" ::"l"(map),
               "r"(inner), "r"(outer), "r"(sharedAddress(src))
               : "memory");
}

/// Closes the bulk stores this thread issued since the last commit into a
/// group.
__device__ inline void bulkCommitGroup() {
  asm volatile("cp.async.bulk.commit_group;\n" ::: "memory");
}

/// Waits until at most kPending of this thread's bulk groups still read
/// their shared-memory sources (the buffers of older groups may be reused).
template <int kPending> __device__ inline void bulkWaitGroupRead() {
  asm volatile("cp.async.bulk.wait_group.read %0;\n" ::"n"(kPending)
               : "memory");
}

/// Makes this thread's ordinary shared-memory writes visible to the async
/// proxy (the TMA unit) before a bulk copy reads them.
__device__ inline void fenceProxyAsyncShared() {
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
}

/// Synchronizes `threads` threads (whole warps) on named barrier `id`
/// (1..15; 0 is __syncthreads's).
__device__ inline void namedBarrierSync(int id, int threads) {
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
}

// ---- register reallocation ---------------------------------------------------

/// Every thread of the warpgroup must execute these, with the kernel
/// compiled under a register cap (__launch_bounds__(threads, 1)).
template <int kRegisters> __device__ inline void releaseRegisters() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}
template <int kRegisters> __device__ inline void claimRegisters() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}

// ---- wgmma -------------------------------------------------------------------

/// The shared-memory matrix descriptor of a K-major operand tile stored
/// with the 128-byte swizzle, as TMA writes it with
/// CU_TENSOR_MAP_SWIZZLE_128B and a 64-element (128-byte) bf16 box row:
/// 8-row groups of 128-byte rows, 1024 bytes apart (the stride byte
/// offset); the leading byte offset is unused for swizzled K-major tiles.
/// Stepping k by 16 elements inside the 128-byte row advances the start
/// address by 32 bytes: the hardware applies the swizzle to the final
/// address, which is why the tile itself must be 1024-byte aligned.
__device__ inline std::uint64_t sw128KMajorDescriptor(const void *tile) {
  constexpr std::uint64_t kStrideBytes = 1024;
  constexpr std::uint64_t kSwizzle128B = 1;
  return static_cast<std::uint64_t>((sharedAddress(tile) & 0x3FFFF) >> 4) |
         ((kStrideBytes >> 4) << 32) | (kSwizzle128B << 62);
}

/// Orders this thread's register accesses of the accumulators before the
/// following wgmma of the warpgroup (required before the first wgmma that
/// reads registers written by ordinary instructions).
__device__ inline void wgmmaFence() {
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}

/// Closes the wgmma instructions issued since the last commit into a group.
__device__ inline void wgmmaCommitGroup() {
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}

/// Waits until at most kPending committed groups are still in flight.
template <int kPending> __device__ inline void wgmmaWaitGroup() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(kPending)
               : "memory");
}

/// Keeps the compiler from moving accesses of `reg` across an asynchronous
/// wgmma boundary (it cannot see that wgmma writes the register later).
__device__ inline void fenceRegister(float &reg) {
  asm volatile("" : "+f"(reg)::"memory");
}

/// D[64, N] += A[64, 16] . B[N, 16]^T for bf16 A and B, both K-major in
/// shared memory (descriptors above), f32 D in registers. Thread t of the
/// warpgroup holds, for each n8 block j, d[4j + {0, 1}] at row
/// 16 (t / 32) + (t % 32) / 4, columns 8j + 2 (t % 4) + {0, 1}, and
/// d[4j + {2, 3}] eight rows below: the mma.sync D layout, per warp.
/// scale-d is a register predicate fixed to 1 (accumulate): the main loop
/// zeroes the accumulators first.
template <int kN> struct Wgmma;

template <> struct Wgmma<64> {
  __device__ static void mma(float (&d)[32], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15,"
        "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31"
        "}, %32, %33, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
          "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
          "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
          "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

template <> struct Wgmma<128> {
  __device__ static void mma(float (&d)[64], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %66, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15,"
        "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31,"
        "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47,"
        "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
        "}, %64, %65, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
          "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
          "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
          "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]),
          "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]),
          "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]),
          "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
          "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

template <> struct Wgmma<192> {
  __device__ static void mma(float (&d)[96], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %98, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n192k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15,"
        "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31,"
        "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47,"
        "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63,"
        "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79,"
        "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95"
        "}, %96, %97, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
          "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
          "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
          "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]),
          "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]),
          "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]),
          "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
          "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]),
          "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]),
          "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]),
          "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]),
          "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

template <> struct Wgmma<256> {
  __device__ static void mma(float (&d)[128], std::uint64_t descA,
                             std::uint64_t descB) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, %130, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 {"
        "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15,"
        "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31,"
        "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47,"
        "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63,"
        "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79,"
        "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95,"
        "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111,"
        "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127"
        "}, %128, %129, p, 1, 1, 0, 0;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]),
          "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]),
          "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]),
          "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]),
          "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]),
          "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]),
          "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]),
          "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]),
          "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]),
          "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]),
          "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]),
          "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]),
          "+f"(d[96]), "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]),
          "+f"(d[104]), "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]),
          "+f"(d[112]), "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]),
          "+f"(d[120]), "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
        : "l"(descA), "l"(descB), "r"(1));
  }
};

} // namespace xfuse::device::sm90
