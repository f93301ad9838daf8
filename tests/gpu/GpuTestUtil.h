// Helpers shared by the GPU test suites: skipping without a usable GPU,
// device transfers, NaN poisoning, fresh random inputs and the comparison
// against the float64 reference (tests/reference/Reference.h).
//
// Helpers that fail throw std::runtime_error; GoogleTest reports an
// exception thrown from a test as that test's failure.
#pragma once

#include "cuda/device/Vector.h"
#include "runtime/CudaResources.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"
#include "tests/reference/Reference.h"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace xfuse::test {

/// Empty when device 0 can run the kernels (sm_80 or newer), else why not.
inline std::string noCudaDeviceReason() {
  int count = 0;
  if (cudaError_t error = cudaGetDeviceCount(&count); error != cudaSuccess) {
    (void)cudaGetLastError(); // clear, so later calls do not see it again
    return std::string("cudaGetDeviceCount failed: ") +
           cudaGetErrorName(error) + " (" + cudaGetErrorString(error) + ")";
  }
  if (count == 0)
    return "cudaGetDeviceCount returned 0";
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess)
    return "cudaGetDeviceProperties(0) failed";
  if (prop.major < 8)
    return std::string(prop.name) + " is sm_" + std::to_string(prop.major) +
           std::to_string(prop.minor) + "; the kernels need sm_80 or newer";
  return "";
}

/// Skips the current test unless a usable GPU is present.
#define XFUSE_REQUIRE_GPU()                                                    \
  if (const std::string xfuse_reason = ::xfuse::test::noCudaDeviceReason();   \
      !xfuse_reason.empty())                                                   \
  GTEST_SKIP() << "no CUDA device: " << xfuse_reason

#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    const ::xfuse::rt::Status xfuse_s_ = (expr);                               \
    ASSERT_TRUE(xfuse_s_.isOk()) << xfuse_s_.toString();                       \
  } while (0)

inline void check(const rt::Status &status) {
  if (!status.isOk())
    throw std::runtime_error(status.toString());
}

template <typename T> T check(rt::StatusOr<T> result) {
  check(result.status());
  return std::move(result).value();
}

template <typename T> rt::DeviceBuffer upload(const std::vector<T> &host) {
  rt::DeviceBuffer buffer =
      check(rt::DeviceBuffer::allocate(host.size() * sizeof(T)));
  check(buffer.copyFromHost(host.data(), host.size() * sizeof(T)));
  return buffer;
}

template <typename T>
std::vector<T> download(const rt::DeviceBuffer &buffer, std::size_t count) {
  std::vector<T> host(count);
  check(buffer.copyToHost(host.data(), count * sizeof(T)));
  return host;
}

/// A device buffer of `count` T whose every byte is 0xFF: NaN in f32, f16
/// and bf16, so that any element a kernel fails to write fails the check.
template <typename T> rt::DeviceBuffer poisonedOutput(std::size_t count) {
  rt::DeviceBuffer buffer = check(rt::DeviceBuffer::allocate(count * sizeof(T)));
  check(XFUSE_CUDA_STATUS(cudaMemset(buffer.data(), 0xFF, buffer.size())));
  return buffer;
}

inline void synchronizeAndCheck() {
  check(XFUSE_CUDA_STATUS(cudaGetLastError()));
  check(XFUSE_CUDA_STATUS(cudaDeviceSynchronize()));
}

template <typename T> const char *typeName() {
  if constexpr (std::is_same_v<T, float>)
    return "f32";
  else if constexpr (std::is_same_v<T, __half>)
    return "f16";
  else
    return "bf16";
}

/// Relative L2 tolerance for results stored as T: f32 math rounded once to
/// T, so the rounding of T dominates except for f32.
template <typename T> double tolerance() {
  if constexpr (std::is_same_v<T, float>)
    return 1e-5;
  else if constexpr (std::is_same_v<T, __half>)
    return 1e-3;
  else
    return 1e-2;
}

/// The full name of the running test ("Suite/Instance.Test/3"), or "" outside
/// one.
inline std::string currentTestName() {
  const ::testing::TestInfo *test =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return test ? std::string(test->test_suite_name()) + "." + test->name() : "";
}

/// FNV-1a: a string hash that is the same on every compiler and platform,
/// so a printed seed replays anywhere.
inline std::uint64_t stableHash(const std::string &text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text)
    hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

/// The test's random stream. Its seed is a hash of the test's name and of
/// XFUSE_TEST_SEED (0 when unset): ctest and a plain run draw the same
/// inputs every time, each test its own whatever else runs, and
/// scripts/gpu-check.sh adds a pass under a random XFUSE_TEST_SEED that it
/// prints. Any failure of the test shows the command that replays it.
class Random {
public:
  Random()
      : runSeed_(runSeedFromEnvironment()),
        seed_(stableHash(std::to_string(runSeed_) + "/" + currentTestName())),
        engine_(seed_), trace_(__FILE__, __LINE__, replayCommand()) {}
  std::uint64_t seed() const { return seed_; }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(engine_);
  }
  /// Values of T (so already rounded to T) uniform in [lo, hi).
  template <typename T>
  std::vector<T> values(std::size_t count, double lo, double hi) {
    std::vector<T> out(count);
    for (T &v : out)
      v = device::fromFloat<T>(static_cast<float>(uniform(lo, hi)));
    return out;
  }

private:
  static std::uint64_t runSeedFromEnvironment() {
    const char *text = std::getenv("XFUSE_TEST_SEED");
    if (!text || !*text)
      return 0;
    char *end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (*end != '\0' || *text == '-')
      throw std::runtime_error(std::string("XFUSE_TEST_SEED is '") + text +
                               "'; expected an unsigned decimal integer");
    return value;
  }

  std::string replayCommand() const {
    std::ostringstream os;
    os << "inputs of seed " << seed_
       << "; replay with XFUSE_TEST_SEED=" << runSeed_
       << " <binary> --gtest_filter='" << currentTestName() << "'";
    return os.str();
  }

  std::uint64_t runSeed_;
  std::uint64_t seed_;
  std::mt19937_64 engine_;
  ::testing::ScopedTrace trace_;
};

/// The exact values of `data` as a reference tensor of `shape`.
template <typename T>
reference::Tensor toReference(const std::vector<T> &data,
                              std::vector<std::int64_t> shape) {
  reference::Tensor tensor;
  tensor.shape = std::move(shape);
  tensor.data.reserve(data.size());
  for (const T &v : data) {
    if constexpr (std::is_integral_v<T>)
      tensor.data.push_back(static_cast<double>(v));
    else
      tensor.data.push_back(device::toFloat(v));
  }
  return tensor;
}

/// Records the test's largest relative L2 error so far as the property
/// `worst_rel_l2` (in the --gtest_output XML), for the results in docs/.
inline void recordWorstError(double relL2) {
  static const ::testing::TestInfo *test = nullptr;
  static double worst = 0;
  const ::testing::TestInfo *current =
      ::testing::UnitTest::GetInstance()->current_test_info();
  worst = current == test ? std::max(worst, relL2) : relL2;
  test = current;
  char text[32];
  std::snprintf(text, sizeof text, "%.3e", worst);
  ::testing::Test::RecordProperty("worst_rel_l2", text);
}

/// Checks every element of `actual` against `expected`: none may be NaN or
/// infinite (poisoned outputs that were never written are NaN), the relative
/// L2 error must be <= relTol, and no single element may be off by more than
/// 10 * relTol of the reference's RMS (which L2 alone would average away).
template <typename T>
void expectMatches(const std::vector<T> &actual,
                   const reference::Tensor &expected, double relTol) {
  ASSERT_EQ(actual.size(), expected.data.size());
  double diff2 = 0, ref2 = 0, maxDiff = 0;
  std::size_t worst = 0, nonFinite = 0, firstNonFinite = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double a = device::toFloat(actual[i]), e = expected.data[i];
    if (!std::isfinite(a)) {
      if (nonFinite++ == 0)
        firstNonFinite = i;
      continue;
    }
    diff2 += (a - e) * (a - e);
    ref2 += e * e;
    if (std::fabs(a - e) > maxDiff) {
      maxDiff = std::fabs(a - e);
      worst = i;
    }
  }
  ASSERT_EQ(nonFinite, 0u) << nonFinite << " of " << actual.size()
                           << " elements are not finite, the first at "
                           << firstNonFinite;
  const double relL2 = std::sqrt(diff2 / ref2);
  const double rms = std::sqrt(ref2 / actual.size());
  recordWorstError(relL2);
  EXPECT_LE(relL2, relTol) << "relative L2 error over " << actual.size()
                           << " elements";
  EXPECT_LE(maxDiff, 10 * relTol * rms)
      << "element " << worst << ": got " << device::toFloat(actual[worst])
      << ", expected " << expected.data[worst] << " (reference RMS " << rms
      << ")";
}

// ---- tensors of the generated entry points -------------------------------

template <typename T> rt::DType dtypeOf() {
  if constexpr (std::is_same_v<T, float>)
    return rt::DType::kF32;
  else if constexpr (std::is_same_v<T, __half>)
    return rt::DType::kF16;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return rt::DType::kI32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return rt::DType::kI64;
  else
    return rt::DType::kBF16;
}

inline rt::Shape toShape(const std::vector<std::int64_t> &dims) {
  switch (dims.size()) {
  case 1:
    return {dims[0]};
  case 2:
    return {dims[0], dims[1]};
  case 3:
    return {dims[0], dims[1], dims[2]};
  default:
    return {dims[0], dims[1], dims[2], dims[3]};
  }
}

/// A tensor on the device, with its exact values for the reference.
struct Input {
  rt::DeviceBuffer buffer;
  rt::TensorView view;
  reference::Tensor reference;
};

template <typename T>
Input uploadInput(const std::vector<T> &host, std::vector<std::int64_t> shape) {
  Input input{upload(host), {}, toReference(host, shape)};
  input.view = {input.buffer.data(), dtypeOf<T>(), toShape(shape)};
  return input;
}

/// Random values of T uniform in [-bound, bound).
template <typename T>
Input randomInput(Random &rng, std::vector<std::int64_t> shape, double bound) {
  return uploadInput(
      rng.values<T>(
          static_cast<std::size_t>(reference::Tensor::elementCount(shape)),
          -bound, bound),
      shape);
}

/// Random integer positions in [lo, hi].
template <typename P>
Input randomPositions(Random &rng, std::vector<std::int64_t> shape,
                      std::int64_t lo, std::int64_t hi) {
  std::vector<P> host(
      static_cast<std::size_t>(reference::Tensor::elementCount(shape)));
  for (P &p : host)
    p = static_cast<P>(rng.integer(lo, hi));
  return uploadInput(host, shape);
}

/// A NaN-poisoned output of T and its view.
struct Output {
  rt::DeviceBuffer buffer;
  rt::TensorView view;
  std::size_t count;
};

template <typename T> Output poisoned(std::vector<std::int64_t> shape) {
  const auto count =
      static_cast<std::size_t>(reference::Tensor::elementCount(shape));
  Output out{poisonedOutput<T>(count), {}, count};
  out.view = {out.buffer.data(), dtypeOf<T>(), toShape(shape)};
  return out;
}

/// Waits for the stream and checks `out` against the float64 reference.
template <typename T>
void expectOutput(const Output &out, const reference::Tensor &expected) {
  synchronizeAndCheck();
  expectMatches(download<T>(out.buffer, out.count), expected, tolerance<T>());
}

} // namespace xfuse::test
