// The C interface through which run.py calls generated entry points
// (ctypes), and the helpers of the wrappers wrap_entry_points.py writes.
#pragma once

#include "runtime/Status.h"
#include "runtime/TensorView.h"
#include "runtime/Workspace.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" {
/// A dense row-major device tensor; `dtype` is an xfuse::rt::DType.
struct XfuseOracleTensor {
  void *data;
  std::int32_t dtype;
  std::int32_t rank;
  std::int64_t shape[xfuse::rt::Shape::kMaxRank];
};
}

namespace xfuse::oracle {

inline rt::TensorView view(const XfuseOracleTensor &tensor) {
  const std::int64_t *d = tensor.shape;
  rt::Shape shape;
  switch (tensor.rank) {
  case 1:
    shape = {d[0]};
    break;
  case 2:
    shape = {d[0], d[1]};
    break;
  case 3:
    shape = {d[0], d[1], d[2]};
    break;
  case 4:
    shape = {d[0], d[1], d[2], d[3]};
    break;
  default:
    // The imported graphs have no tensor of another rank; the entry point
    // rejects the empty shape.
    break;
  }
  return {tensor.data, static_cast<rt::DType>(tensor.dtype), shape};
}

inline int fail(char *error, int errorSize, const std::string &message) {
  std::snprintf(error, static_cast<std::size_t>(errorSize), "%s",
                message.c_str());
  return 1;
}

inline int fail(char *error, int errorSize, const rt::Status &status) {
  return fail(error, errorSize, status.toString());
}

/// The outcome of a call, once its launches have finished.
inline int finish(const rt::Status &status, char *error, int errorSize) {
  if (!status.isOk())
    return fail(error, errorSize, status);
  rt::Status done = XFUSE_CUDA_STATUS(cudaDeviceSynchronize());
  return done.isOk() ? 0 : fail(error, errorSize, done);
}

/// One workspace for every call: calls run one at a time.
inline rt::Workspace &workspace() {
  static rt::Workspace shared;
  return shared;
}

} // namespace xfuse::oracle
