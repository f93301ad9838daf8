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
                           view.shape.toString());
}

Status expectAligned(const TensorView &view, std::string_view name,
                     std::size_t alignment, Role role) {
  if (reinterpret_cast<std::uintptr_t>(view.data) % alignment == 0)
    return Status::ok();
  char address[32];
  std::snprintf(address, sizeof(address), "%p", view.data);
  return Status::error(StatusCode::kInvalidArgument,
                       describe(role, name) + ": data pointer " + address +
                           " is not " + std::to_string(alignment) +
                           "-byte aligned");
}

} // namespace xfuse::rt
