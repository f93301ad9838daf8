#include "runtime/TensorView.h"

#include <cstdio>

namespace xfuse::rt {

std::int64_t Shape::numElements() const {
  std::int64_t n = 1;
  for (int i = 0; i < rank_; ++i)
    n *= dims_[i];
  return n;
}

std::string Shape::toString() const {
  std::string text = "[";
  for (int i = 0; i < rank_; ++i) {
    if (i)
      text += ", ";
    text += dims_[i] == kDynamic ? "?" : std::to_string(dims_[i]);
  }
  return text + "]";
}

namespace {

std::string describe(Role role, std::string_view name) {
  const char *roleName = role == Role::kInput    ? "input"
                         : role == Role::kOutput ? "output"
                                                 : "weight";
  return std::string(roleName) + " '" + std::string(name) + "'";
}

/// A view's dimensions as they are: Shape::toString prints a pattern's
/// kDynamic (-1) as "?".
std::string dimsText(const Shape &shape) {
  std::string text = "[";
  for (int i = 0; i < shape.rank(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string addressText(const void *data) {
  char address[32];
  std::snprintf(address, sizeof(address), "%p", data);
  return address;
}

} // namespace

Status expectDType(const TensorView &view, std::string_view name, DType dtype,
                   Role role) {
  if (view.dtype == dtype)
    return Status::ok();
  return Status::error(StatusCode::kInvalidArgument,
                       describe(role, name) + ": expected dtype " +
                           dtypeName(dtype) + " but got " +
                           dtypeName(view.dtype));
}

Status expectShape(const TensorView &view, std::string_view name,
                   const Shape &pattern, Role role) {
  bool matches = view.shape.rank() == pattern.rank();
  for (int i = 0; matches && i < pattern.rank(); ++i)
    matches = pattern[i] == Shape::kDynamic || pattern[i] == view.shape[i];
  if (matches)
    return Status::ok();
  return Status::error(StatusCode::kInvalidArgument,
                       describe(role, name) + ": expected shape " +
                           pattern.toString() + " but got " +
                           dimsText(view.shape));
}

Status expectAligned(const TensorView &view, std::string_view name,
                     std::size_t alignment, Role role) {
  if (reinterpret_cast<std::uintptr_t>(view.data) % alignment == 0)
    return Status::ok();
  return Status::error(StatusCode::kInvalidArgument,
                       describe(role, name) + ": data pointer " +
                           addressText(view.data) + " is not " +
                           std::to_string(alignment) + "-byte aligned");
}

Status expectIndexable(const TensorView &view, std::string_view name,
                       Role role) {
  std::int64_t bytes = static_cast<std::int64_t>(dtypeSize(view.dtype));
  for (int i = 0; i < view.shape.rank(); ++i) {
    if (view.shape[i] < 0)
      return Status::error(StatusCode::kInvalidArgument,
                           describe(role, name) + ": shape " +
                               dimsText(view.shape) +
                               " has a negative dimension");
    if (__builtin_mul_overflow(bytes, view.shape[i], &bytes))
      return Status::error(StatusCode::kOutOfRange,
                           describe(role, name) + ": shape " +
                               dimsText(view.shape) +
                               " holds more than 2^63 bytes");
  }
  return Status::ok();
}

Status expectData(const TensorView &view, std::string_view name, Role role) {
  if (view.data != nullptr || view.numElements() == 0)
    return Status::ok();
  return Status::error(StatusCode::kInvalidArgument,
                       describe(role, name) + ": data is null but the shape " +
                           dimsText(view.shape) + " holds " +
                           std::to_string(view.numElements()) + " elements");
}

Status expectTensor(const TensorView &view, std::string_view name, DType dtype,
                    const Shape &pattern, Role role) {
  XFUSE_RETURN_IF_ERROR(expectDType(view, name, dtype, role));
  XFUSE_RETURN_IF_ERROR(expectShape(view, name, pattern, role));
  XFUSE_RETURN_IF_ERROR(expectIndexable(view, name, role));
  XFUSE_RETURN_IF_ERROR(expectData(view, name, role));
  return expectAligned(view, name, 16, role);
}

Status expectDisjoint(const TensorView &output, std::string_view name,
                      std::initializer_list<NamedTensor> others) {
  const auto begin = reinterpret_cast<std::uintptr_t>(output.data);
  const std::uintptr_t end = begin + output.sizeInBytes();
  for (const NamedTensor &other : others) {
    const auto otherBegin = reinterpret_cast<std::uintptr_t>(other.view.data);
    const std::uintptr_t otherEnd = otherBegin + other.view.sizeInBytes();
    if (begin < end && otherBegin < otherEnd && begin < otherEnd &&
        otherBegin < end)
      return Status::error(
          StatusCode::kInvalidArgument,
          describe(Role::kOutput, name) + " [" + addressText(output.data) +
              ", +" + std::to_string(output.sizeInBytes()) + " bytes) overlaps " +
              describe(other.role, other.name) + " [" +
              addressText(other.view.data) + ", +" +
              std::to_string(other.view.sizeInBytes()) +
              " bytes): xfuse kernels do not run in place");
  }
  return Status::ok();
}

} // namespace xfuse::rt
