// Converting user weights into the layout of the xfuse GEMM, once, on the
// device.
//
// Packed layout: W^T as a dense row-major [n, k] matrix of bf16 or f16
// (k contiguous, no padding), for a linear map y[m, n] = x[m, k] . W[k, n].
// This is the "B column-major" operand of mma.sync: each row of a shared
// memory tile is one output feature's k values, so a 16-byte cp.async chunk
// is 8 consecutive k of one n, and ldmatrix (without .trans) turns 8 such
// rows directly into the B fragments. It is also PyTorch's nn.Linear.weight
// layout, so for those weights packing is only a dtype conversion.
//
// Requirements (those of cuda/device/Gemm.h): n % 8 == 0 and k % 8 == 0.
// A gated FFN packs gate and up separately; the GEMM takes both.
#pragma once

#include "runtime/CudaResources.h"
#include "runtime/DType.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"

#include <cuda_runtime_api.h>

#include <cstdint>

namespace xfuse::rt {

/// How a user weight is laid out.
enum class WeightLayout {
  kInOut, // [k, n] = [in_features, out_features]: y = x . W
  kOutIn, // [n, k] = [out_features, in_features]: PyTorch nn.Linear.weight
};

/// A weight in the packed layout, owning its device memory.
class PackedWeight {
public:
  /// Packs the rank-2 f32/f16/bf16 `weight` into `packedType` (one of them)
  /// asynchronously on `stream`. The source must stay alive until the
  /// stream reaches this point.
  static StatusOr<PackedWeight> pack(const TensorView &weight,
                                     WeightLayout layout, DType packedType,
                                     cudaStream_t stream);

  const void *data() const { return storage_.data(); }
  DType dtype() const { return dtype_; }
  std::int64_t n() const { return n_; }
  std::int64_t k() const { return k_; }
  /// The packed matrix as a [n, k] view.
  TensorView view() const;

  /// The product F = PE W^T of a positional encoding of the first
  /// foldedPositions() positions with this weight ([positions, n] of
  /// dtype()), for a GEMM that folds the encoding of its input into its
  /// epilogue (cuda/device/FoldedEncoding.h); null when none was made.
  const void *foldedEncoding() const { return folded_.data(); }
  std::int64_t foldedPositions() const { return foldedPositions_; }
  /// Allocates F for `positions` positions, for the generated pack helper
  /// to write on its stream; returns its address.
  StatusOr<void *> allocateFoldedEncoding(std::int64_t positions);

private:
  DeviceBuffer storage_;
  DType dtype_ = DType::kBF16;
  std::int64_t n_ = 0;
  std::int64_t k_ = 0;
  DeviceBuffer folded_;
  std::int64_t foldedPositions_ = 0;
};

} // namespace xfuse::rt
