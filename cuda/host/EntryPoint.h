// Host-side helpers of the entry points that xfuse-translate --emit-cuda
// generates: argument checks that runtime/TensorView.h does not cover, and
// the integer arithmetic of affine maps (workspace sizes and offsets), also
// in an overflow-checked form for the workspace query. Header-only and
// inline, so generated code needs nothing beyond xfuse_runtime to link.
#pragma once

#include "runtime/DType.h"
#include "runtime/Positions.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"
#include "runtime/WeightPacking.h"
#include "runtime/Workspace.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
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

/// An int64 that remembers overflow. The workspace query evaluates the
/// plan's maps on sizes the caller chose, where a wrapped product would
/// size the workspace too small; with CheckedInt it reports an error
/// instead.
class CheckedInt {
public:
  // Implicit: the maps' constants and the sizes of device/ blocks mix with
  // the dynamic sizes.
  constexpr CheckedInt(std::int64_t value) : value_(value) {}

  static constexpr CheckedInt overflowed() {
    CheckedInt invalid(0);
    invalid.overflowed_ = true;
    return invalid;
  }

  constexpr bool isOverflowed() const { return overflowed_; }
  /// The value; meaningful unless isOverflowed().
  constexpr std::int64_t value() const { return value_; }
  /// For device/ functions that take sizes as int, once a check (such as
  /// expectGemmRows) has bounded the value.
  explicit constexpr operator int() const { return static_cast<int>(value_); }

  friend CheckedInt operator+(CheckedInt a, CheckedInt b) {
    std::int64_t sum;
    if (a.overflowed_ || b.overflowed_ ||
        __builtin_add_overflow(a.value_, b.value_, &sum))
      return overflowed();
    return sum;
  }
  friend CheckedInt operator*(CheckedInt a, CheckedInt b) {
    std::int64_t product;
    if (a.overflowed_ || b.overflowed_ ||
        __builtin_mul_overflow(a.value_, b.value_, &product))
      return overflowed();
    return product;
  }

private:
  std::int64_t value_;
  bool overflowed_ = false;
};

// The maps divide by positive constants, which cannot overflow.
inline CheckedInt floorDiv(CheckedInt a, std::int64_t b) {
  return a.isOverflowed() ? a : CheckedInt(floorDiv(a.value(), b));
}
inline CheckedInt ceilDiv(CheckedInt a, std::int64_t b) {
  return a.isOverflowed() ? a : CheckedInt(ceilDiv(a.value(), b));
}
inline CheckedInt mod(CheckedInt a, std::int64_t b) {
  return a.isOverflowed() ? a : CheckedInt(mod(a.value(), b));
}

/// A dynamic size given to a workspace query: "dynamic size 'x' dim 0
/// must not be negative but is -1".
inline rt::StatusOr<CheckedInt> checkedSize(std::int64_t size,
                                            std::string_view what) {
  if (size >= 0)
    return CheckedInt(size);
  return rt::Status::error(rt::StatusCode::kInvalidArgument,
                           "dynamic size " + std::string(what) +
                               " must not be negative but is " +
                               std::to_string(size));
}

/// The WorkspaceSize of a call: `scratch` (byte counts, each carved at
/// rt::Workspace::kAlignment) and the most `counters` any kernel takes.
inline rt::StatusOr<rt::WorkspaceSize>
workspaceSize(std::initializer_list<CheckedInt> scratch,
              std::initializer_list<CheckedInt> counters) {
  constexpr auto alignment =
      static_cast<std::int64_t>(rt::Workspace::kAlignment);
  CheckedInt bytes = 0;
  std::int64_t mostCounters = 0;
  for (CheckedInt part : scratch)
    bytes = bytes + ceilDiv(part, alignment) * alignment;
  for (CheckedInt count : counters) {
    if (count.isOverflowed())
      bytes = CheckedInt::overflowed();
    mostCounters = std::max(mostCounters, count.value());
  }
  if (bytes.isOverflowed())
    return rt::Status::error(rt::StatusCode::kOutOfRange,
                             "the workspace of these sizes exceeds 2^63 "
                             "bytes");
  return rt::WorkspaceSize{static_cast<std::size_t>(bytes.value()),
                           static_cast<std::size_t>(mostCounters)};
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

/// A weight whose GEMM folds a positional encoding must carry the encoding
/// folded for `positions` positions, which its pack helper makes: "weight
/// 'w1': expected the encoding of 512 positions folded into it (pack it
/// with bert_pack_w1) but it has none".
inline rt::Status expectFoldedEncoding(const rt::PackedWeight &weight,
                                       std::string_view name,
                                       std::int64_t positions,
                                       std::string_view packHelper) {
  if (weight.foldedEncoding() != nullptr &&
      weight.foldedPositions() == positions)
    return rt::Status::ok();
  return rt::Status::error(
      rt::StatusCode::kInvalidArgument,
      "weight '" + std::string(name) + "': expected the encoding of " +
          std::to_string(positions) +
          " positions folded into it (pack it with " +
          std::string(packHelper) + ") but it has " +
          (weight.foldedEncoding()
               ? "one of " + std::to_string(weight.foldedPositions())
               : std::string("none")));
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
inline rt::Status expectGemmRows(CheckedInt rows, int blockM,
                                 std::string_view kernel) {
  const std::int64_t maxRows = std::int64_t{65535} * blockM;
  if (!rows.isOverflowed() &&
      rows.value() <=
          std::min<std::int64_t>(maxRows, std::numeric_limits<int>::max()))
    return rt::Status::ok();
  if (rows.isOverflowed())
    return rt::Status::error(rt::StatusCode::kOutOfRange,
                             std::string(kernel) +
                                 ": the row count exceeds 2^63");
  return rt::Status::error(rt::StatusCode::kOutOfRange,
                           std::string(kernel) + ": " +
                               std::to_string(rows.value()) +
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
