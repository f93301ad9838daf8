// Generated entry points captured in CUDA graphs. Once the workspace holds
// <function>_workspace_size(...) of a call's sizes, the call neither
// allocates nor synchronizes, so stream capture records it in its strictest
// (global) mode, as nothing but kernel launches; replayed on fresh inputs
// written into the same buffers, into NaN-poisoned outputs, the graph
// matches the float64 reference every time. The split-K FFN (sm_90a plans)
// checks that its arrival counters are back at zero after each replay.
#include "sinusoidal_ffn_relu.h"
#include "splitk_ffn.h"

#include "tests/gpu/generated/GraphTestUtil.h"

#include <cuda_bf16.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace xfuse::test {
namespace {

using bf16 = __nv_bfloat16;
namespace gen = generated;
namespace ref = reference;

/// A CUDA graph captured from what one call queues on a stream.
class CapturedGraph {
public:
  CapturedGraph() = default;
  CapturedGraph(const CapturedGraph &) = delete;
  CapturedGraph &operator=(const CapturedGraph &) = delete;
  ~CapturedGraph() {
    if (exec_)
      (void)cudaGraphExecDestroy(exec_);
    if (graph_)
      (void)cudaGraphDestroy(graph_);
  }

  /// Captures what `call` queues on `stream`; the call's own failure comes
  /// first, then the capture's.
  rt::Status capture(cudaStream_t stream,
                     const std::function<rt::Status()> &call) {
    XFUSE_CUDA_TRY(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
    const rt::Status called = call();
    const rt::Status ended =
        XFUSE_CUDA_STATUS(cudaStreamEndCapture(stream, &graph_));
    XFUSE_RETURN_IF_ERROR(called);
    XFUSE_RETURN_IF_ERROR(ended);
    return XFUSE_CUDA_STATUS(cudaGraphInstantiate(&exec_, graph_, 0));
  }

  /// The node types of the graph, in no particular order.
  std::vector<cudaGraphNodeType> nodeTypes() const {
    std::size_t count = 0;
    check(XFUSE_CUDA_STATUS(cudaGraphGetNodes(graph_, nullptr, &count)));
    std::vector<cudaGraphNode_t> nodes(count);
    check(XFUSE_CUDA_STATUS(cudaGraphGetNodes(graph_, nodes.data(), &count)));
    std::vector<cudaGraphNodeType> types(count);
    for (std::size_t i = 0; i < count; ++i)
      check(XFUSE_CUDA_STATUS(cudaGraphNodeGetType(nodes[i], &types[i])));
    return types;
  }

  rt::Status replay(cudaStream_t stream) const {
    return XFUSE_CUDA_STATUS(cudaGraphLaunch(exec_, stream));
  }

private:
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

/// Every node a kernel: no allocation, copy or memset was recorded.
void expectOnlyKernels(const CapturedGraph &graph) {
  const std::vector<cudaGraphNodeType> types = graph.nodeTypes();
  EXPECT_FALSE(types.empty());
  for (cudaGraphNodeType type : types)
    EXPECT_EQ(type, cudaGraphNodeTypeKernel);
}

/// New random values of `input`, written into its device buffer.
void refill(Input &input, Random &rng, double bound) {
  const std::vector<bf16> values =
      rng.values<bf16>(input.reference.data.size(), -bound, bound);
  check(input.buffer.copyFromHost(values.data(),
                                  values.size() * sizeof(bf16)));
  input.reference = toReference(values, input.reference.shape);
}

void poison(Output &out) {
  check(XFUSE_CUDA_STATUS(cudaMemset(out.buffer.data(), 0xFF,
                                     out.buffer.size())));
}

/// Captures `ffn`'s call from `x` into `y` on `stream`, whose workspace is
/// sized, checks that the graph holds nothing but kernels, and replays it
/// on fresh inputs into poisoned outputs, each checked against
/// `expected(x)`.
template <typename Ffn, typename Expected>
void expectReplaysMatch(const Ffn &ffn, Input &x, Output &y, Random &rng,
                        rt::Workspace &workspace, const rt::Stream &stream,
                        const Expected &expected) {
  CapturedGraph graph;
  ASSERT_OK(graph.capture(stream.get(), [&] {
    return ffn.call(x.view, y.view, workspace, stream.get());
  }));
  expectOnlyKernels(graph);
  for (int replay = 0; replay < 3; ++replay) {
    SCOPED_TRACE(::testing::Message() << "replay " << replay);
    refill(x, rng, 1.0);
    poison(y);
    ASSERT_OK(graph.replay(stream.get()));
    expectOutput<bf16>(y, expected(x.reference));
  }
}

TEST(CudaGraph, EncoderFfnReplaysOnFreshInputs) {
  XFUSE_GRAPH_TEST_SETUP();
  const std::int64_t batch = 3;
  Input x = randomInput<bf16>(rng, {batch, 64, 256}, 1.0);
  const EncoderFfn ffn(rng);
  const rt::Stream stream = check(rt::Stream::create());
  Output y = poisoned<bf16>({batch, 64, 256});
  ASSERT_OK(workspace.reserve(check(gen::encoder_ffn_workspace_size(batch)),
                              stream.get()));
  ASSERT_OK(stream.synchronize());
  expectReplaysMatch(ffn, x, y, rng, workspace, stream,
                     [&](const ref::Tensor &in) { return ffn.expected(in); });
}

TEST(CudaGraph, SplitKFfnReplaysWithItsCounters) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {72, 1024}, 1.0);
  const BiasedFfn<bf16> ffn = smallFfn(rng);
  const rt::Stream stream = check(rt::Stream::create());
  Output y = poisoned<bf16>({72, 1024});
  const rt::WorkspaceSize size = check(gen::small_ffn_workspace_size());
  // The sm_90a plan splits K on the Hopper GEMM: the query asks for arrival
  // counters too. The sm_80 plan does not split.
  EXPECT_EQ(size.counters > 0, XFUSE_TEST_PLAN_SM90A == 1);
  ASSERT_OK(workspace.reserve(size, stream.get()));
  ASSERT_OK(stream.synchronize());
  expectReplaysMatch(ffn, x, y, rng, workspace, stream,
                     [&](const ref::Tensor &in) {
                       return ffn.expected(in, ref::Activation::Silu);
                     });
}

/// Without a sized workspace the first call would allocate: capture then
/// fails with a Status rather than recording a broken graph.
TEST(CudaGraph, UnsizedWorkspaceFailsCapture) {
  XFUSE_GRAPH_TEST_SETUP();
  Input x = randomInput<bf16>(rng, {1, 64, 256}, 1.0);
  const EncoderFfn ffn(rng);
  const rt::Stream stream = check(rt::Stream::create());
  Output y = poisoned<bf16>({1, 64, 256});
  ASSERT_OK(stream.synchronize());
  CapturedGraph graph;
  const rt::Status status = graph.capture(stream.get(), [&] {
    return ffn.call(x.view, y.view, workspace, stream.get());
  });
  EXPECT_EQ(status.code(), rt::StatusCode::kCudaError) << status.toString();
  (void)cudaGetLastError();
}

} // namespace
} // namespace xfuse::test
