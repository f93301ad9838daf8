// Hostile and extreme calls of generated entry points. A bad argument (a
// null, misaligned, negative-sized or overlapping tensor, a size past a
// kernel's limit) returns a Status naming it and queues nothing: each such
// call runs under stream capture, which must record no node. No tokens is a
// valid call that queues nothing either. Past 2^31 elements the kernels
// compute correctly (checked on sampled rows). Positions outside what an
// encoding supports are computed as each header documents (a learned table
// clamps, a negative angle is an angle), and the opt-in
// <function>_check_<positions> reports the first such position.
#include "linear_rope.h"
#include "pointwise_bf16.h"
#include "positions.h"
#include "sinusoidal_ffn_relu.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// The Status of `call`, checking that it queued nothing on `stream`: the
/// call runs under stream capture, whose graph must have no node.
rt::Status statusQueuingNothing(
    const std::function<rt::Status(cudaStream_t)> &call) {
  const rt::Stream stream = check(rt::Stream::create());
  check(XFUSE_CUDA_STATUS(
      cudaStreamBeginCapture(stream.get(), cudaStreamCaptureModeGlobal)));
  const rt::Status status = call(stream.get());
  cudaGraph_t graph = nullptr;
  check(XFUSE_CUDA_STATUS(cudaStreamEndCapture(stream.get(), &graph)));
  std::size_t nodes = 0;
  check(XFUSE_CUDA_STATUS(cudaGraphGetNodes(graph, nullptr, &nodes)));
  check(XFUSE_CUDA_STATUS(cudaGraphDestroy(graph)));
  EXPECT_EQ(nodes, 0u) << "the call queued work: " << status.toString();
  return status;
}

void expectRejected(const rt::Status &status, rt::StatusCode code,
                    const std::string &message) {
  EXPECT_EQ(status.code(), code) << status.toString();
  EXPECT_NE(status.message().find(message), std::string::npos)
      << "expected \"" << message << "\" in " << status.toString();
}

/// A view of `view`'s shape and dtype at `data`.
rt::TensorView at(const rt::TensorView &view, void *data) {
  rt::TensorView moved = view;
  moved.data = data;
  return moved;
}

/// An address no tensor of these tests reaches: calls rejected before any
/// launch never read it.
void *fakeAddress(std::uintptr_t index) {
  return reinterpret_cast<void *>((index + 1) << 44);
}

/// @encoder_ffn and its arguments for `batch` sequences of 64 tokens.
struct EncoderFfnCall {
  EncoderFfnCall(Random &rng, std::int64_t batch)
      : x(randomInput<bf16>(rng, {batch, 64, 256}, 1.0)), ffn(rng),
        y(poisoned<bf16>({batch, 64, 256})) {
    synchronizeAndCheck();
  }

  /// Calls @encoder_ffn with `x` and `y` for the tensors of the same name.
  rt::Status call(const rt::TensorView &xView, const rt::TensorView &yView,
                  cudaStream_t stream) {
    return ffn.call(xView, yView, workspace, stream);
  }

  Input x;
  EncoderFfn ffn;
  Output y;
  rt::Workspace workspace;
};

TEST(ArgumentChecks, NullDataIsRejected) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 2);
  expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                   return f.call(at(f.x.view, nullptr), f.y.view, stream);
                 }),
                 rt::StatusCode::kInvalidArgument,
                 "input 'x': data is null but the shape [2, 64, 256] holds "
                 "32768 elements");
  expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                   return f.call(f.x.view, at(f.y.view, nullptr), stream);
                 }),
                 rt::StatusCode::kInvalidArgument, "output 'y': data is null");
}

TEST(ArgumentChecks, OverlappingOutputIsRejected) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 2);
  // In place, and overlapping by all but one vector.
  for (std::size_t offset : {std::size_t{0}, f.x.buffer.size() - 16}) {
    SCOPED_TRACE(::testing::Message() << "offset " << offset);
    void *inside = static_cast<char *>(f.x.buffer.data()) + offset;
    expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                     return f.call(f.x.view, at(f.y.view, inside), stream);
                   }),
                   rt::StatusCode::kInvalidArgument, "overlaps input 'x'");
  }
  // The input is untouched.
  expectMatches(download<bf16>(f.x.buffer, f.x.reference.data.size()),
                f.x.reference, 0.0);
}

TEST(ArgumentChecks, MisalignedViewIsRejected) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 2);
  // One bf16 element in: aligned for the type, not for 16-byte vectors.
  void *misaligned = static_cast<char *>(f.x.buffer.data()) + 2;
  expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                   return f.call(at(f.x.view, misaligned), f.y.view, stream);
                 }),
                 rt::StatusCode::kInvalidArgument,
                 "input 'x': data pointer");
  expectRejected(
      statusQueuingNothing([&](cudaStream_t stream) {
        return f.call(f.x.view,
                      at(f.y.view, static_cast<char *>(f.y.buffer.data()) + 8),
                      stream);
      }),
      rt::StatusCode::kInvalidArgument, "is not 16-byte aligned");
}

TEST(ArgumentChecks, NegativeSizeIsRejected) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 1);
  rt::TensorView x = f.x.view;
  x.shape = {-1, 64, 256};
  expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                   return f.call(x, f.y.view, stream);
                 }),
                 rt::StatusCode::kInvalidArgument,
                 "input 'x': shape [-1, 64, 256] has a negative dimension");
  expectRejected(gen::encoder_ffn_workspace_size(-1).status(),
                 rt::StatusCode::kInvalidArgument,
                 "dynamic size 'x' dim 0 must not be negative");
}

TEST(ArgumentChecks, NoTokensQueueNothing) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 1);
  // Empty tensors may be null.
  const rt::TensorView x{nullptr, rt::DType::kBF16, {0, 64, 256}};
  const rt::TensorView y{nullptr, rt::DType::kBF16, {0, 64, 256}};
  ASSERT_OK(statusQueuingNothing(
      [&](cudaStream_t stream) { return f.call(x, y, stream); }));
  EXPECT_EQ(f.workspace.capacity(), 0u);

  Input wq = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  const auto wqp = check(gen::query_rope_pack_wq(wq.view, nullptr));
  const rt::TensorView q{nullptr, rt::DType::kBF16, {0, 32, 4, 64}};
  const rt::TensorView xq{nullptr, rt::DType::kBF16, {0, 32, 256}};
  const rt::TensorView positions{nullptr, rt::DType::kI64, {0, 32}};
  ASSERT_OK(statusQueuingNothing([&](cudaStream_t stream) {
    return gen::query_rope(xq, wqp, positions, q, workspace, stream);
  }));
}

TEST(ArgumentChecks, GemmRowLimitIsAnError) {
  XFUSE_GRAPH_TEST_SETUP();
  EncoderFfnCall f(rng, 1);
  // 131072 sequences of 64 tokens: 2^23 rows, past the GEMM grid's
  // 65535 row tiles of 128. The tensors are never read.
  const std::int64_t batch = 131072;
  const rt::TensorView x{fakeAddress(0), rt::DType::kBF16, {batch, 64, 256}};
  const rt::TensorView y{fakeAddress(1), rt::DType::kBF16, {batch, 64, 256}};
  expectRejected(statusQueuingNothing([&](cudaStream_t stream) {
                   return f.call(x, y, stream);
                 }),
                 rt::StatusCode::kOutOfRange,
                 "8388608 rows exceed the GEMM's limit of 8388480");
  // A size whose products overflow int64 is an error, never wrapped.
  expectRejected(
      gen::encoder_ffn_workspace_size(std::numeric_limits<std::int64_t>::max() /
                                      8)
          .status(),
      rt::StatusCode::kOutOfRange, "exceeds 2^63");
}

//===----------------------------------------------------------------------===//
// Past 2^31 elements
//===----------------------------------------------------------------------===//

/// Rows [first, first + count) of a device tensor of rows of `width`.
template <typename T>
std::vector<T> downloadRows(const rt::DeviceBuffer &buffer,
                            std::int64_t first, std::int64_t count,
                            std::int64_t width) {
  std::vector<T> host(static_cast<std::size_t>(count * width));
  check(XFUSE_CUDA_STATUS(cudaMemcpy(
      host.data(),
      static_cast<const T *>(buffer.data()) + first * width,
      host.size() * sizeof(T), cudaMemcpyDeviceToHost)));
  return host;
}

/// Fresh random values in rows [first, first + count) of a device tensor
/// of rows of `width`; returns them.
template <typename T>
std::vector<T> randomRows(Random &rng, rt::DeviceBuffer &buffer,
                          std::int64_t first, std::int64_t count,
                          std::int64_t width) {
  std::vector<T> host =
      rng.values<T>(static_cast<std::size_t>(count * width), -1.0, 1.0);
  check(XFUSE_CUDA_STATUS(cudaMemcpy(
      static_cast<T *>(buffer.data()) + first * width, host.data(),
      host.size() * sizeof(T), cudaMemcpyHostToDevice)));
  return host;
}

/// A zeroed device tensor of `shape` and its view, too large for a host
/// copy: tests fill and check sampled rows.
Input zeroedInput(rt::DType dtype, std::vector<std::int64_t> shape) {
  const std::int64_t count = ref::Tensor::elementCount(shape);
  Input input{check(rt::DeviceBuffer::allocate(
                  static_cast<std::size_t>(count) * rt::dtypeSize(dtype))),
              {},
              {}};
  check(XFUSE_CUDA_STATUS(
      cudaMemset(input.buffer.data(), 0, input.buffer.size())));
  input.view = {input.buffer.data(), dtype, toShape(shape)};
  return input;
}

TEST(LargeTensors, PointwisePast2Pow31Elements) {
  XFUSE_GRAPH_TEST_SETUP();
  // [b, 8, 256] with b * 2048 = 2^31 + 2^17 elements.
  const std::int64_t batch = (std::int64_t{1} << 20) + 64;
  const std::int64_t rows = batch * 8;
  Input x = zeroedInput(rt::DType::kBF16, {batch, 8, 256});
  Input s = randomInput<bf16>(rng, {8, 256}, 1.0);
  Input bias = randomInput<bf16>(rng, {256}, 1.0);
  Output y = poisoned<bf16>({batch, 8, 256});
  // The first rows, those about element 2^31, and the last.
  const std::int64_t boundary = (std::int64_t{1} << 31) / 256;
  const std::int64_t firsts[] = {0, boundary - 32, rows - 64};
  std::vector<std::vector<bf16>> sampled;
  for (std::int64_t first : firsts)
    sampled.push_back(randomRows<bf16>(rng, x.buffer, first, 64, 256));
  ASSERT_OK(gen::add_broadcast(x.view, s.view, bias.view, y.view, workspace,
                               nullptr));
  synchronizeAndCheck();
  for (std::size_t i = 0; i < sampled.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "rows from " << firsts[i]);
    const ref::Tensor xRows = toReference(sampled[i], {64, 256});
    ref::Tensor expected = xRows;
    for (std::int64_t r = 0; r < 64; ++r)
      for (std::int64_t c = 0; c < 256; ++c)
        expected.data[r * 256 + c] +=
            s.reference.data[((firsts[i] + r) % 8) * 256 + c] +
            bias.reference.data[c];
    expectMatches(downloadRows<bf16>(y.buffer, firsts[i], 64, 256), expected,
                  tolerance<bf16>());
  }
}

TEST(LargeTensors, GemmPast2Pow31Elements) {
  XFUSE_GRAPH_TEST_SETUP();
  // 32769 sequences of 64 tokens: the [tokens, 1024] intermediate holds
  // 2^31 + 65536 elements, the last sequence entirely past 2^31.
  const std::int64_t batch = 32769;
  EncoderFfnCall f(rng, 1);
  Input x = zeroedInput(rt::DType::kBF16, {batch, 64, 256});
  Output y = poisoned<bf16>({batch, 64, 256});
  const std::int64_t sequences[] = {0, batch / 2, batch - 1};
  std::vector<std::vector<bf16>> sampled;
  for (std::int64_t sequence : sequences)
    sampled.push_back(randomRows<bf16>(rng, x.buffer, sequence * 64, 64, 256));
  ASSERT_OK(f.call(x.view, y.view, nullptr));
  synchronizeAndCheck();
  for (std::size_t i = 0; i < sampled.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "sequence " << sequences[i]);
    expectMatches(downloadRows<bf16>(y.buffer, sequences[i] * 64, 64, 256),
                  f.ffn.expected(toReference(sampled[i], {1, 64, 256})),
                  tolerance<bf16>());
  }
}

//===----------------------------------------------------------------------===//
// Positions
//===----------------------------------------------------------------------===//

/// The index and value of the first of `positions` outside [lo, hi], as
/// the position checks report it.
template <typename P>
std::string firstOutside(const std::vector<P> &positions, std::int64_t lo,
                         std::int64_t hi) {
  for (std::size_t i = 0; i < positions.size(); ++i)
    if (positions[i] < lo || positions[i] > hi)
      return "element " + std::to_string(i) + " is " +
             std::to_string(positions[i]) + ", outside [" +
             std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return "";
}

TEST(Positions, LearnedTableClampsOutsideItsRows) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = 3;
  Input x = randomInput<bf16>(rng, {batch, 16, 256}, 1.0);
  Input table = randomInput<bf16>(rng, {64, 256}, 1.0);
  Input inRange = randomPositions<std::int32_t>(rng, {batch, 16}, 0, 63);
  ASSERT_OK(gen::learned_positions_check_pos(inRange.view, nullptr));
  // About a third of the positions below the table, a third past it.
  std::vector<std::int32_t> host(batch * 16);
  for (std::int32_t &p : host)
    p = static_cast<std::int32_t>(rng.integer(-64, 127));
  Input pos = uploadInput(host, {batch, 16});
  expectRejected(gen::learned_positions_check_pos(pos.view, nullptr),
                 rt::StatusCode::kOutOfRange,
                 firstOutside(host, 0, 63) +
                     ": the learned table's row is clamped into [0, 63]");
  Output y = poisoned<bf16>({batch, 16, 256});
  ASSERT_OK(gen::learned_positions(x.view, table.view, pos.view, y.view,
                                   workspace, nullptr));
  // The reference clamps too.
  expectOutput<bf16>(y, ref::learnedPe(x.reference, table.reference,
                                       &pos.reference));
}

/// Positions in [-2^17, 2^17): half of them negative, the rest up to the
/// largest the header promises accurate angles for.
std::vector<std::int64_t> signedPositions(Random &rng, std::size_t count) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 17;
  std::vector<std::int64_t> positions(count);
  for (std::int64_t &p : positions)
    p = rng.integer(-kLimit, kLimit - 1);
  positions.back() = kLimit - 1;
  return positions;
}

TEST(Positions, SinusoidalAnglesOfNegativePositions) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = 3;
  Input x = randomInput<bf16>(rng, {batch, 16, 256}, 1.0);
  const std::vector<std::int64_t> host = signedPositions(rng, batch * 16);
  Input pos = uploadInput(host, {batch, 16});
  expectRejected(gen::sinusoidal_positions_check_pos(pos.view, nullptr),
                 rt::StatusCode::kOutOfRange,
                 firstOutside(host, 0, (std::int64_t{1} << 17) - 1));
  Output y = poisoned<bf16>({batch, 16, 256});
  ASSERT_OK(gen::sinusoidal_positions(x.view, pos.view, y.view, workspace,
                                      nullptr));
  expectOutput<bf16>(y, ref::sinusoidalPe(x.reference, &pos.reference,
                                          10000.0, 1.0,
                                          ref::PeLayout::Interleaved));
}

TEST(Positions, RopeAnglesOfNegativePositions) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = 2;
  Input x = randomInput<bf16>(rng, {batch, 32, 256}, 1.0);
  Input wq = randomInput<bf16>(rng, {256, 256}, 1.0 / 16);
  const std::vector<std::int64_t> host = signedPositions(rng, batch * 32);
  Input positions = uploadInput(host, {batch, 32});
  expectRejected(gen::query_rope_check_positions(positions.view, nullptr),
                 rt::StatusCode::kOutOfRange,
                 firstOutside(host, 0, (std::int64_t{1} << 17) - 1));
  const auto wqp = check(gen::query_rope_pack_wq(wq.view, nullptr));
  Output q = poisoned<bf16>({batch, 32, 4, 64});
  ASSERT_OK(gen::query_rope(x.view, wqp, positions.view, q.view, workspace,
                            nullptr));
  expectOutput<bf16>(q, ref::rope(projectedHeads(x, wq, nullptr, 64),
                                  &positions.reference, llama3QueryRope()));
}

} // namespace
} // namespace xfuse::test
