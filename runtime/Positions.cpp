#include "runtime/Positions.h"

#include <cstring>
#include <string>
#include <vector>

namespace xfuse::rt {

Status expectPositionsWithin(const TensorView &positions,
                             std::string_view name, std::int64_t min,
                             std::int64_t max, std::string_view consequence,
                             cudaStream_t stream) {
  if (positions.dtype != DType::kI32 && positions.dtype != DType::kI64)
    return Status::error(StatusCode::kInvalidArgument,
                         "positions '" + std::string(name) +
                             "': expected dtype i32 or i64 but got " +
                             dtypeName(positions.dtype));
  XFUSE_RETURN_IF_ERROR(expectIndexable(positions, name));
  XFUSE_RETURN_IF_ERROR(expectData(positions, name));
  const std::int64_t count = positions.numElements();
  std::vector<unsigned char> bytes(positions.sizeInBytes());
  if (!bytes.empty()) {
    XFUSE_CUDA_TRY(cudaMemcpyAsync(bytes.data(), positions.data, bytes.size(),
                                   cudaMemcpyDeviceToHost, stream));
    XFUSE_CUDA_TRY(cudaStreamSynchronize(stream));
  }
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t position;
    if (positions.dtype == DType::kI32) {
      std::int32_t narrow;
      std::memcpy(&narrow, bytes.data() + i * sizeof(narrow), sizeof(narrow));
      position = narrow;
    } else {
      std::memcpy(&position, bytes.data() + i * sizeof(position),
                  sizeof(position));
    }
    if (position < min || position > max)
      return Status::error(StatusCode::kOutOfRange,
                           "positions '" + std::string(name) + "': element " +
                               std::to_string(i) + " is " +
                               std::to_string(position) + ", outside [" +
                               std::to_string(min) + ", " +
                               std::to_string(max) + "]: " +
                               std::string(consequence));
  }
  return Status::ok();
}

} // namespace xfuse::rt
