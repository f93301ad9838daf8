// Host side of the Hopper GEMM's TMA copies: encodes the CUtensorMap of a
// row-major 2-D bf16/f16 matrix, cut into boxes of kBoxRows x 64 elements
// with the 128-byte swizzle that the wgmma descriptors of
// Sm90Primitives.h expect (and that the staged epilogue writes).
// cuTensorMapEncodeTiled is a driver API function; it is looked up through
// the runtime (cudaGetDriverEntryPoint*), so binaries keep linking the
// static CUDA runtime and no libcuda.
#pragma once

#include <cuda.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <cudaTypedefs.h> // PFN_cuTensorMapEncodeTiled

#include <cstdint>
#include <type_traits>

namespace xfuse::device::sm90 {

/// Elements per box row: one 128-byte swizzle atom of a 16-bit type.
inline constexpr int kTmaBoxCols = 64;

/// The driver's cuTensorMapEncodeTiled, or nullptr if the driver lacks it.
inline PFN_cuTensorMapEncodeTiled_v12000 tensorMapEncoder() {
  static const PFN_cuTensorMapEncodeTiled_v12000 encoder = [] {
    void *fn = nullptr;
    cudaDriverEntryPointQueryResult found{};
    // The 12.0 ABI of the function, the one PFN_..._v12000 describes.
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &fn, 12000,
                                         cudaEnableDefault,
                                         &found) != cudaSuccess ||
        found != cudaDriverEntryPointSuccess)
      fn = nullptr;
    return reinterpret_cast<PFN_cuTensorMapEncodeTiled_v12000>(fn);
  }();
  return encoder;
}

/// Describes `rows` x `cols` 16-bit elements of type `type` at `base`
/// (row-major, leading dimension `cols`) for TMA boxes of `boxRows` x 64
/// elements in the 128-byte swizzle. Loaded boxes that reach past the
/// matrix are zero-filled by the copy engine, which is how the GEMM handles
/// M, N and K tails; stored ones are clipped. Requirements (TMA's): `base`
/// 16-byte aligned, cols % 8 == 0 (16-byte row pitch), 1 <= boxRows <= 256.
/// Returns cudaErrorInvalidValue when they do not hold or the driver
/// rejects the map.
inline cudaError_t encodeSwizzledTensorMap(CUtensorMap *map,
                                           CUtensorMapDataType type,
                                           const void *base,
                                           std::uint64_t rows,
                                           std::uint64_t cols,
                                           std::uint32_t boxRows) {
  const PFN_cuTensorMapEncodeTiled_v12000 encode = tensorMapEncoder();
  if (encode == nullptr)
    return cudaErrorNotSupported;
  if (reinterpret_cast<std::uintptr_t>(base) % 16 != 0 || cols % 8 != 0 ||
      rows == 0 || boxRows == 0 || boxRows > 256)
    return cudaErrorInvalidValue;
  const cuuint64_t globalDim[2] = {cols, rows}; // innermost first
  const cuuint64_t globalStride[1] = {cols * 2}; // bytes, of dimension 1
  const cuuint32_t boxDim[2] = {kTmaBoxCols, boxRows};
  const cuuint32_t elementStride[2] = {1, 1};
  const CUresult result = encode(
      map, type, 2, const_cast<void *>(base), globalDim, globalStride, boxDim,
      elementStride, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
      // Tiles are re-read by neighbouring blocks: promote 256-byte lines.
      CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
  return result == CUDA_SUCCESS ? cudaSuccess : cudaErrorInvalidValue;
}

/// The tensor map element type of bf16 or f16.
template <typename T> constexpr CUtensorMapDataType tensorMapDataType() {
  static_assert(std::is_same_v<T, __half> || std::is_same_v<T, __nv_bfloat16>,
                "the swizzled maps describe bf16 and f16");
  return std::is_same_v<T, __half> ? CU_TENSOR_MAP_DATA_TYPE_FLOAT16
                                   : CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
}

} // namespace xfuse::device::sm90
