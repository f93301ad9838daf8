// A non-owning view of a contiguous row-major device tensor, and the
// validation helpers that kernel entry points run on their arguments.
#pragma once

#include "runtime/DType.h"
#include "runtime/Status.h"

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace xfuse::rt {

/// A shape of at most kMaxRank dimensions, stored inline (no allocation).
class Shape {
public:
  static constexpr int kMaxRank = 8;
  /// In expectShape patterns, a dimension that matches any size.
  static constexpr std::int64_t kDynamic = -1;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims) {
    // Ranks come from compiled graphs, so a larger one is a generator bug.
    assert(dims.size() <= kMaxRank && "rank exceeds Shape::kMaxRank");
    for (std::int64_t d : dims)
      dims_[rank_++] = d;
  }

  int rank() const { return rank_; }
  std::int64_t operator[](int i) const { return dims_[i]; }
  /// This shape with dimension `i` resized to `size`.
  Shape withDimSize(int i, std::int64_t size) const {
    Shape resized = *this;
    resized.dims_[i] = size;
    return resized;
  }
  std::int64_t numElements() const;
  /// "[16, 512]"; kDynamic prints as "?".
  std::string toString() const;

private:
  std::int64_t dims_[kMaxRank] = {};
  int rank_ = 0;
};

struct TensorView {
  void *data = nullptr;
  DType dtype = DType::kF32;
  Shape shape;

  std::int64_t numElements() const { return shape.numElements(); }
  std::size_t sizeInBytes() const {
    return static_cast<std::size_t>(numElements()) * dtypeSize(dtype);
  }
};

/// How a tensor takes part in a call; prefixes validation messages.
enum class Role { kInput, kOutput, kWeight };

/// "input 'x': expected dtype bf16 but got f32".
Status expectDType(const TensorView &view, std::string_view name, DType dtype,
                   Role role = Role::kInput);

/// Matches rank and every dimension of `pattern` except Shape::kDynamic ones:
/// "input 'x': expected shape [?, 768] but got [16, 512]".
Status expectShape(const TensorView &view, std::string_view name,
                   const Shape &pattern, Role role = Role::kInput);

/// The vectorized kernels access memory 16 bytes at a time.
Status expectAligned(const TensorView &view, std::string_view name,
                     std::size_t alignment = 16, Role role = Role::kInput);

/// Sizes a kernel can index: no negative dimension, and a byte count that
/// fits in int64 ("input 'x': shape [4294967296, 4294967296] holds more
/// than 2^63 bytes").
Status expectIndexable(const TensorView &view, std::string_view name,
                       Role role = Role::kInput);

/// Data where there are elements: "output 'y': data is null but the
/// shape [3, 256] holds 768 elements". An empty tensor may be null.
Status expectData(const TensorView &view, std::string_view name,
                  Role role = Role::kInput);

/// What an entry point asks of each tensor argument, in this order:
/// expectDType, expectShape, expectIndexable, expectData and expectAligned
/// to 16 bytes.
Status expectTensor(const TensorView &view, std::string_view name, DType dtype,
                    const Shape &pattern, Role role = Role::kInput);

/// A tensor an output must not overlap, with its name and role for the
/// message.
struct NamedTensor {
  const TensorView &view;
  std::string_view name;
  Role role = Role::kInput;
};

/// Kernels write outputs while other blocks still read their inputs, so no
/// output may share a byte with another argument: "output 'y' overlaps
/// input 'x'". Empty tensors overlap nothing.
Status expectDisjoint(const TensorView &output, std::string_view name,
                      std::initializer_list<NamedTensor> others);

} // namespace xfuse::rt
