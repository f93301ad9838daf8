// Host-side helpers of the entry points that xfuse-translate --emit-cuda
// generates: argument checks that runtime/TensorView.h does not cover, and
// the integer arithmetic of affine maps (workspace sizes and offsets).
// Header-only and inline, so generated code needs nothing beyond
// xfuse_runtime to link.
#pragma once

#include "runtime/DType.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"
#include "runtime/WeightPacking.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace xfuse::generated {

// Affine-map division and remainder round toward negative infinity (MLIR's
// floordiv / ceildiv / mod), unlike C++'s truncating / and %.
inline std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
inline std::int64_t ceilDiv(std::int64_t a, std::int64_t b) {
  return -floorDiv(-a, b);
}
inline std::int64_t mod(std::int64_t a, std::int64_t b) {
  return a - floorDiv(a, b) * b;
}

/// A weight argument must be packed as the plan says: "weight 'arg1':
/// expected a packed bf16 [n = 1024, k = 256] but got f16 [1024, 256]".
inline rt::Status expectPacked(const rt::PackedWeight &weight,
                               std::string_view name, rt::DType dtype,
                               std::int64_t n, std::int64_t k) {
  if (weight.dtype() == dtype && weight.n() == n && weight.k() == k &&
      weight.data() != nullptr)
    return rt::Status::ok();
  return rt::Status::error(
      rt::StatusCode::kInvalidArgument,
      "weight '" + std::string(name) + "': expected a packed " +
          rt::dtypeName(dtype) + " [n = " + std::to_string(n) +
          ", k = " + std::to_string(k) + "] but got " +
          (weight.data() ? std::string(rt::dtypeName(weight.dtype())) + " [" +
                               std::to_string(weight.n()) + ", " +
                               std::to_string(weight.k()) + "]"
                         : std::string("an empty PackedWeight")));
}

/// Two dynamic sizes the graph requires to be equal: "dynamic size
/// mismatch: 'arg2' dim 0 (3) must equal 'arg0' dim 0 (4)".
inline rt::Status expectSameSize(std::int64_t size, std::string_view what,
                                 std::int64_t expected,
                                 std::string_view expectedWhat) {
  if (size == expected)
    return rt::Status::ok();
  return rt::Status::error(rt::StatusCode::kInvalidArgument,
                           "dynamic size mismatch: " + std::string(what) +
                               " (" + std::to_string(size) + ") must equal " +
                               std::string(expectedWhat) + " (" +
                               std::to_string(expected) + ")");
}

/// The GEMM takes its row count as an int and launches one block row per
/// kBlockM rows, at most 65535 of them (gridDim.y).
inline rt::Status expectGemmRows(std::int64_t rows, int blockM,
                                 std::string_view kernel) {
  const std::int64_t maxRows = std::int64_t{65535} * blockM;
  if (rows <= std::min<std::int64_t>(maxRows, std::numeric_limits<int>::max()))
    return rt::Status::ok();
  return rt::Status::error(rt::StatusCode::kOutOfRange,
                           std::string(kernel) + ": " + std::to_string(rows) +
                               " rows exceed the GEMM's limit of " +
                               std::to_string(maxRows));
}

/// The device address of a __device__ array (a frequency table), for the
/// device blocks that take it as a pointer.
template <typename T, std::size_t N>
rt::StatusOr<const T *> deviceAddress(const T (&symbol)[N]) {
  void *address = nullptr;
  XFUSE_CUDA_TRY(cudaGetSymbolAddress(&address, symbol));
  return static_cast<const T *>(address);
}

} // namespace xfuse::generated
