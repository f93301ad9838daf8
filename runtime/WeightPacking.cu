#include "runtime/WeightPacking.h"

#include "cuda/device/Vector.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <string>

namespace xfuse::rt {
namespace {

using device::fromFloat;
using device::toFloat;

constexpr int kTile = 32;
constexpr int kRowsPerPass = 8; // a 32 x 8 thread block covers a tile in 4

/// dst[n, k] = convert(src), where src is [n, k] (kTranspose = false) or
/// [k, n] (kTranspose = true). Each block handles a 32 x 32 tile. For the
/// transpose, the tile goes through shared memory so that both the reads
/// (along n) and the writes (along k) are coalesced; the extra column keeps
/// the column-wise reads of the tile free of bank conflicts.
template <typename Src, typename Dst, bool kTranspose>
__global__ void packKernel(const Src *__restrict__ src, Dst *__restrict__ dst,
                           std::int64_t n, std::int64_t k) {
  const std::int64_t n0 = static_cast<std::int64_t>(blockIdx.y) * kTile;
  const std::int64_t k0 = static_cast<std::int64_t>(blockIdx.x) * kTile;
  if constexpr (kTranspose) {
    __shared__ float tile[kTile][kTile + 1];
    for (int r = threadIdx.y; r < kTile; r += kRowsPerPass) {
      const std::int64_t kk = k0 + r, nn = n0 + threadIdx.x;
      if (kk < k && nn < n)
        tile[r][threadIdx.x] = toFloat(src[kk * n + nn]);
    }
    __syncthreads();
    for (int r = threadIdx.y; r < kTile; r += kRowsPerPass) {
      const std::int64_t nn = n0 + r, kk = k0 + threadIdx.x;
      if (nn < n && kk < k)
        dst[nn * k + kk] = fromFloat<Dst>(tile[threadIdx.x][r]);
    }
  } else {
    for (int r = threadIdx.y; r < kTile; r += kRowsPerPass) {
      const std::int64_t nn = n0 + r, kk = k0 + threadIdx.x;
      if (nn < n && kk < k)
        dst[nn * k + kk] = fromFloat<Dst>(toFloat(src[nn * k + kk]));
    }
  }
}

template <typename Src, typename Dst>
Status launchPack(const void *src, void *dst, std::int64_t n, std::int64_t k,
                  bool transpose, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>((k + kTile - 1) / kTile),
                  static_cast<unsigned>((n + kTile - 1) / kTile));
  const dim3 block(kTile, kRowsPerPass);
  auto *s = static_cast<const Src *>(src);
  auto *d = static_cast<Dst *>(dst);
  if (transpose)
    packKernel<Src, Dst, true><<<grid, block, 0, stream>>>(s, d, n, k);
  else
    packKernel<Src, Dst, false><<<grid, block, 0, stream>>>(s, d, n, k);
  XFUSE_CUDA_TRY(cudaGetLastError());
  return Status::ok();
}

using PackLauncher = Status (*)(const void *src, void *dst, std::int64_t n,
                                std::int64_t k, bool transpose,
                                cudaStream_t stream);

template <typename Dst> PackLauncher packLauncherFrom(DType srcType) {
  switch (srcType) {
  case DType::kF32:
    return launchPack<float, Dst>;
  case DType::kF16:
    return launchPack<__half, Dst>;
  case DType::kBF16:
    return launchPack<__nv_bfloat16, Dst>;
  default:
    return nullptr;
  }
}

/// The launcher for a (source, packed) dtype pair, or nullptr if either is
/// unsupported.
PackLauncher packLauncher(DType srcType, DType packedType) {
  switch (packedType) {
  case DType::kBF16:
    return packLauncherFrom<__nv_bfloat16>(srcType);
  case DType::kF16:
    return packLauncherFrom<__half>(srcType);
  case DType::kF32:
    return packLauncherFrom<float>(srcType);
  default:
    return nullptr;
  }
}

Status invalid(const std::string &message) {
  return Status::error(StatusCode::kInvalidArgument, "weight: " + message);
}

} // namespace

StatusOr<PackedWeight> PackedWeight::pack(const TensorView &weight,
                                          WeightLayout layout,
                                          DType packedType,
                                          cudaStream_t stream) {
  const PackLauncher launch = packLauncher(weight.dtype, packedType);
  if (!launch)
    return invalid(std::string("cannot pack ") + dtypeName(weight.dtype) +
                   " into " + dtypeName(packedType) +
                   " (sources and packed: f32, f16, bf16)");
  if (weight.shape.rank() != 2)
    return invalid("expected a rank-2 tensor but got shape " +
                   weight.shape.toString());
  const bool inOut = layout == WeightLayout::kInOut;
  const std::int64_t k = weight.shape[inOut ? 0 : 1];
  const std::int64_t n = weight.shape[inOut ? 1 : 0];
  if (n <= 0 || k <= 0 || n % 8 != 0 || k % 8 != 0)
    return invalid("in and out features must be positive multiples of 8, "
                   "got shape " +
                   weight.shape.toString());
  // The kernel's grid.y walks n in tiles of 32.
  if ((n + kTile - 1) / kTile > 65535)
    return invalid("more than 2097120 out features");
  if (!weight.data)
    return invalid("null data pointer");

  PackedWeight packed;
  XFUSE_ASSIGN_OR_RETURN(packed.storage_,
                         DeviceBuffer::allocate(static_cast<std::size_t>(
                             n * k * dtypeSize(packedType))));
  packed.dtype_ = packedType;
  packed.n_ = n;
  packed.k_ = k;
  XFUSE_RETURN_IF_ERROR(
      launch(weight.data, packed.storage_.data(), n, k, inOut, stream));
  return packed;
}

StatusOr<void *> PackedWeight::allocateFoldedEncoding(std::int64_t positions) {
  if (positions <= 0 || positions > (std::int64_t{1} << 40) / n_)
    return invalid("a folded encoding needs 1 to 2^40 / n positions, got " +
                   std::to_string(positions));
  XFUSE_ASSIGN_OR_RETURN(folded_,
                         DeviceBuffer::allocate(static_cast<std::size_t>(
                             positions * n_ * dtypeSize(dtype_))));
  foldedPositions_ = positions;
  return folded_.data();
}

TensorView PackedWeight::view() const {
  return TensorView{storage_.data(), dtype_, Shape{n_, k_}};
}

} // namespace xfuse::rt
