#include "runtime/Status.h"

namespace xfuse::rt {

const char *statusCodeName(StatusCode code) {
  switch (code) {
  case StatusCode::kOk:
    return "OK";
  case StatusCode::kInvalidArgument:
    return "INVALID_ARGUMENT";
  case StatusCode::kOutOfRange:
    return "OUT_OF_RANGE";
  case StatusCode::kFailedPrecondition:
    return "FAILED_PRECONDITION";
  case StatusCode::kCudaError:
    return "CUDA_ERROR";
  case StatusCode::kNcclError:
    return "NCCL_ERROR";
  }
  return "UNKNOWN";
}

Status Status::error(StatusCode code, std::string message) {
  Status status;
  status.code_ = code;
  status.message_ = std::move(message);
  return status;
}

Status Status::fromCuda(cudaError_t error, const char *call, const char *file,
                        int line) {
  Status status;
  status.code_ = StatusCode::kCudaError;
  status.cudaError_ = error;
  status.message_ = std::string(cudaGetErrorName(error)) + " (" +
                    cudaGetErrorString(error) + ")";
  status.call_ = call;
  status.file_ = file;
  status.line_ = line;
  return status;
}

Status Status::fromCall(StatusCode code, std::string message,
                        const char *call, const char *file, int line) {
  Status status = error(code, std::move(message));
  status.call_ = call;
  status.file_ = file;
  status.line_ = line;
  return status;
}

std::string Status::toString() const {
  std::string text = statusCodeName(code_);
  if (isOk())
    return text;
  text += ": " + message_;
  if (call_)
    text += std::string(" in ") + call_;
  if (file_)
    text += std::string(" at ") + file_ + ":" + std::to_string(line_);
  return text;
}

} // namespace xfuse::rt
