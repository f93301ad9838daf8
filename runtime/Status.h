// Errors as values for the xfuse runtime (in the style of IREE's HAL).
//
// Every runtime function that can fail returns a Status (or a StatusOr<T>);
// nothing throws. A failed Status records what went wrong, the call that
// failed, and where; when the failure came from the CUDA runtime it also keeps
// the cudaError_t so that callers can branch on it.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace xfuse::rt {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // a caller's tensor, shape or option is wrong
  kOutOfRange,         // a request exceeds a capacity the caller chose
  kFailedPrecondition, // the object is not in a state that allows the call
  kCudaError,          // the CUDA runtime reported an error (see cudaError())
  kNcclError,          // NCCL reported an error (runtime/Communicator.h)
};

const char *statusCodeName(StatusCode code);

class [[nodiscard]] Status {
public:
  /// The ok status. Cheap: no allocation.
  Status() = default;

  static Status ok() { return Status(); }
  static Status error(StatusCode code, std::string message);
  /// A failed CUDA call. `call` is the call's source text.
  static Status fromCuda(cudaError_t error, const char *call, const char *file,
                         int line);
  /// A failed call of another library (NCCL): `message` says how it failed.
  static Status fromCall(StatusCode code, std::string message,
                         const char *call, const char *file, int line);

  bool isOk() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string &message() const { return message_; }
  /// cudaSuccess unless code() is kCudaError.
  cudaError_t cudaError() const { return cudaError_; }
  const char *call() const { return call_; }
  const char *file() const { return file_; }
  int line() const { return line_; }

  /// "INVALID_ARGUMENT: input 'x': expected ..." or
  /// "CUDA_ERROR: cudaErrorMemoryAllocation (out of memory) in
  ///  cudaMalloc(&ptr, bytes) at runtime/CudaResources.cpp:20".
  std::string toString() const;

private:
  StatusCode code_ = StatusCode::kOk;
  cudaError_t cudaError_ = cudaSuccess;
  std::string message_;
  // String literals from the macros below; never owned.
  const char *call_ = nullptr;
  const char *file_ = nullptr;
  int line_ = 0;
};

/// Either a value or the failed Status that explains its absence.
template <typename T> class [[nodiscard]] StatusOr {
public:
  StatusOr(Status status) : status_(std::move(status)) {
    // An ok Status without a value would make value() undefined.
    if (status_.isOk())
      std::abort();
  }
  // Overloads rather than one by-value parameter: `return local;` moves
  // into a T&& parameter under C++17 rules, but would copy into a T one.
  StatusOr(const T &value) : value_(value) {}
  StatusOr(T &&value) : value_(std::move(value)) {}

  bool isOk() const { return value_.has_value(); }
  const Status &status() const { return status_; }

  // Reading the value of a failed StatusOr is a programming error.
  T &value() & { return checked(), *value_; }
  const T &value() const & { return checked(), *value_; }
  T &&value() && { return checked(), std::move(*value_); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  T &operator*() & { return value(); }

private:
  void checked() const {
    if (!value_)
      std::abort();
  }

  Status status_;
  std::optional<T> value_;
};

namespace detail {
inline Status cudaStatus(cudaError_t error, const char *call, const char *file,
                         int line) {
  return error == cudaSuccess ? Status()
                              : Status::fromCuda(error, call, file, line);
}
} // namespace detail

} // namespace xfuse::rt

/// The Status of a CUDA runtime call, naming the call, file and line.
#define XFUSE_CUDA_STATUS(call)                                                \
  ::xfuse::rt::detail::cudaStatus((call), #call, __FILE__, __LINE__)

/// Returns the Status of `expr` from the enclosing function unless it is ok.
#define XFUSE_RETURN_IF_ERROR(expr)                                            \
  do {                                                                         \
    ::xfuse::rt::Status xfuse_status_ = (expr);                                \
    if (!xfuse_status_.isOk())                                                 \
      return xfuse_status_;                                                    \
  } while (0)

/// Runs a CUDA runtime call; on failure returns a Status naming it.
#define XFUSE_CUDA_TRY(call) XFUSE_RETURN_IF_ERROR(XFUSE_CUDA_STATUS(call))

#define XFUSE_STATUS_CONCAT_INNER(a, b) a##b
#define XFUSE_STATUS_CONCAT(a, b) XFUSE_STATUS_CONCAT_INNER(a, b)

/// `XFUSE_ASSIGN_OR_RETURN(auto buffer, DeviceBuffer::allocate(n));`
/// declares/assigns lhs from a StatusOr, or returns its failed Status.
#define XFUSE_ASSIGN_OR_RETURN(lhs, expr)                                      \
  XFUSE_ASSIGN_OR_RETURN_IMPL(XFUSE_STATUS_CONCAT(xfuse_or_, __LINE__), lhs,   \
                              expr)
#define XFUSE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                            \
  auto tmp = (expr);                                                           \
  if (!tmp.isOk())                                                             \
    return tmp.status();                                                       \
  lhs = std::move(tmp).value()
