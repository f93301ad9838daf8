// Runtime pieces that own device resources: buffers, streams, events, the
// workspace, and weight packing (bit-exact against a host transpose).
#include "runtime/CudaResources.h"
#include "runtime/WeightPacking.h"
#include "runtime/Workspace.h"
#include "tests/gpu/GpuTestUtil.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace xfuse::test {
namespace {

TEST(DeviceBuffer, RoundTripAndMove) {
  XFUSE_REQUIRE_GPU();
  const std::vector<int> host = {1, 2, 3, 4, 5};
  rt::DeviceBuffer a = upload(host);
  void *ptr = a.data();
  rt::DeviceBuffer b = std::move(a);
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.data(), ptr);
  EXPECT_EQ(download<int>(b, host.size()), host);
  EXPECT_EQ(b.copyToHost(nullptr, b.size() + 1).code(),
            rt::StatusCode::kOutOfRange);
}

TEST(DeviceBuffer, HugeAllocationFailsWithStatus) {
  XFUSE_REQUIRE_GPU();
  rt::StatusOr<rt::DeviceBuffer> buffer =
      rt::DeviceBuffer::allocate(std::size_t(1) << 60);
  ASSERT_FALSE(buffer.isOk());
  EXPECT_EQ(buffer.status().cudaError(), cudaErrorMemoryAllocation);
  EXPECT_NE(buffer.status().toString().find("cudaMalloc(&ptr, bytes)"),
            std::string::npos);
  (void)cudaGetLastError(); // leave no error behind for later tests
}

TEST(StreamAndEvent, TimeACopy) {
  XFUSE_REQUIRE_GPU();
  rt::Stream stream = check(rt::Stream::create());
  rt::Event start = check(rt::Event::create());
  rt::Event stop = check(rt::Event::create());
  rt::DeviceBuffer buffer = check(rt::DeviceBuffer::allocate(1 << 20));
  ASSERT_OK(start.record(stream.get()));
  ASSERT_OK(XFUSE_CUDA_STATUS(
      cudaMemsetAsync(buffer.data(), 0, buffer.size(), stream.get())));
  ASSERT_OK(stop.record(stream.get()));
  ASSERT_OK(stream.synchronize());
  rt::StatusOr<float> ms = stop.millisecondsSince(start);
  ASSERT_OK(ms.status());
  EXPECT_GE(*ms, 0.0f);
}

TEST(Workspace, ReserveCarveReset) {
  XFUSE_REQUIRE_GPU();
  rt::Workspace workspace;
  ASSERT_OK(workspace.reserve(1000));
  EXPECT_EQ(workspace.capacity(), 1024u);
  void *a = check(workspace.carve(10));
  void *b = check(workspace.carve(300));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % rt::Workspace::kAlignment, 0u);
  EXPECT_EQ(static_cast<char *>(b) - static_cast<char *>(a), 256);
  EXPECT_EQ(workspace.used(), 768u);
  EXPECT_EQ(workspace.carve(512).status().code(), rt::StatusCode::kOutOfRange);
  workspace.reset();
  EXPECT_EQ(check(workspace.carve(1024)), a);
  // Growing reallocates; a smaller request keeps the buffer.
  ASSERT_OK(workspace.reserve(4096));
  EXPECT_EQ(workspace.capacity(), 4096u);
  EXPECT_EQ(workspace.used(), 0u);
  ASSERT_OK(workspace.reserve(16));
  EXPECT_EQ(workspace.capacity(), 4096u);
}

std::vector<unsigned> counterValues(const unsigned *counters,
                                    std::size_t count) {
  std::vector<unsigned> values(count);
  check(XFUSE_CUDA_STATUS(cudaMemcpy(values.data(), counters,
                                     count * sizeof(unsigned),
                                     cudaMemcpyDeviceToHost)));
  return values;
}

TEST(Workspace, CountersAreZeroedWhenTheyGrow) {
  XFUSE_REQUIRE_GPU();
  rt::Workspace workspace;
  check(workspace.reserve(256));
  unsigned *counters = check(workspace.zeroedCounters(10, nullptr));
  EXPECT_EQ(counterValues(counters, 10), std::vector<unsigned>(10, 0u));
  // Separate from the scratch: carving the whole reservation leaves them.
  EXPECT_NE(check(workspace.carve(256)), static_cast<void *>(counters));
  // Within the region: the same counters, not cleared again (a kernel that
  // left them non-zero would be a bug this shows).
  check(XFUSE_CUDA_STATUS(cudaMemset(counters, 0xff, sizeof(unsigned))));
  EXPECT_EQ(check(workspace.zeroedCounters(64, nullptr)), counters);
  EXPECT_EQ(counterValues(counters, 1)[0], ~0u);
  // Growing hands out a new, zeroed region.
  unsigned *grown = check(workspace.zeroedCounters(100000, nullptr));
  EXPECT_EQ(counterValues(grown, 100000), std::vector<unsigned>(100000, 0u));
}

/// Packs a random f32 weight given in `layout` and compares it bit for bit
/// with the host's transpose-and-round into the [n, k] layout.
template <typename T>
void checkPacking(Random &rng, int n, int k, rt::WeightLayout layout,
                  rt::DType packedType) {
  const bool inOut = layout == rt::WeightLayout::kInOut;
  SCOPED_TRACE(std::string(typeName<T>()) + " n=" + std::to_string(n) +
               " k=" + std::to_string(k) + (inOut ? " in_out" : " out_in"));
  const std::vector<float> source = rng.values<float>(std::size_t(n) * k, -2, 2);
  const rt::DeviceBuffer device = upload(source);
  const rt::TensorView view{device.data(), rt::DType::kF32,
                            inOut ? rt::Shape{k, n} : rt::Shape{n, k}};
  const rt::PackedWeight packed =
      check(rt::PackedWeight::pack(view, layout, packedType, nullptr));
  synchronizeAndCheck();
  EXPECT_EQ(packed.n(), n);
  EXPECT_EQ(packed.k(), k);
  EXPECT_EQ(packed.view().shape.toString(),
            "[" + std::to_string(n) + ", " + std::to_string(k) + "]");

  std::vector<T> actual(std::size_t(n) * k);
  ASSERT_OK(XFUSE_CUDA_STATUS(cudaMemcpy(actual.data(), packed.data(),
                                         actual.size() * sizeof(T),
                                         cudaMemcpyDeviceToHost)));
  for (int nn = 0; nn < n; ++nn)
    for (int kk = 0; kk < k; ++kk) {
      const float src = inOut ? source[std::size_t(kk) * n + nn]
                              : source[std::size_t(nn) * k + kk];
      const T want = device::fromFloat<T>(src);
      const T got = actual[std::size_t(nn) * k + kk];
      ASSERT_EQ(std::memcmp(&want, &got, sizeof(T)), 0)
          << "at n=" << nn << " k=" << kk;
    }
}

TEST(PackedWeight, BothLayoutsBitExact) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (rt::WeightLayout layout :
       {rt::WeightLayout::kInOut, rt::WeightLayout::kOutIn}) {
    checkPacking<__nv_bfloat16>(rng, 200, 392, layout, rt::DType::kBF16);
    checkPacking<__half>(rng, 8, 72, layout, rt::DType::kF16);
  }
}

// Validation happens before any device call: runs without a GPU.
TEST(PackedWeight, RejectsBadWeights) {
  alignas(16) static float storage[64];
  auto packError = [](rt::TensorView view, rt::DType type) {
    return rt::PackedWeight::pack(view, rt::WeightLayout::kOutIn, type,
                                  nullptr)
        .status()
        .message();
  };
  EXPECT_EQ(packError({storage, rt::DType::kF32, rt::Shape{8, 12}},
                      rt::DType::kBF16),
            "weight: in and out features must be positive multiples of 8, "
            "got shape [8, 12]");
  EXPECT_EQ(packError({storage, rt::DType::kF32, rt::Shape{64}},
                      rt::DType::kBF16),
            "weight: expected a rank-2 tensor but got shape [64]");
  EXPECT_EQ(packError({storage, rt::DType::kI32, rt::Shape{8, 8}},
                      rt::DType::kBF16),
            "weight: cannot pack i32 into bf16 (sources and packed: f32, "
            "f16, bf16)");
  EXPECT_EQ(packError({storage, rt::DType::kF32, rt::Shape{8, 8}},
                      rt::DType::kI64),
            "weight: cannot pack f32 into i64 (sources and packed: f32, "
            "f16, bf16)");
}

} // namespace
} // namespace xfuse::test
