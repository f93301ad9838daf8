// Element types of the tensors that xfuse kernels read and write.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xfuse::rt {

enum class DType : std::uint8_t { kF32, kF16, kBF16, kI32, kI64 };

constexpr std::size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::kF32:
  case DType::kI32:
    return 4;
  case DType::kF16:
  case DType::kBF16:
    return 2;
  case DType::kI64:
    return 8;
  }
  return 0;
}

/// The MLIR spelling ("f32", "bf16", "i64", ...), used in error messages.
constexpr const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::kF32:
    return "f32";
  case DType::kF16:
    return "f16";
  case DType::kBF16:
    return "bf16";
  case DType::kI32:
    return "i32";
  case DType::kI64:
    return "i64";
  }
  return "?";
}

} // namespace xfuse::rt
