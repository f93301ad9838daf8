// Runs examples/sinusoidal_ffn_relu.mlir (@encoder_ffn) through its
// generated kernels the way an application would. Without a GPU: ask how
// much workspace a batch needs, and see a bad call rejected with a Status
// that names the argument. With one: pack the weights once, size the
// workspace, allocate the tensors, call encoder_ffn(x, w1, b1, w2, b2, y,
// workspace, stream), and check the result against the float64 reference
// of tests/reference.
#include "sinusoidal_ffn_relu.h"

#include "cuda/device/Vector.h"
#include "runtime/CudaResources.h"
#include "tests/reference/Reference.h"

#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace rt = xfuse::rt;
namespace ref = xfuse::reference;
namespace gen = xfuse::generated;

namespace {

constexpr int kBatch = 3, kSeq = 64, kModel = 256, kHidden = 1024;

/// Random bf16 values and the same values as a reference tensor.
struct HostTensor {
  std::vector<__nv_bfloat16> values;
  ref::Tensor reference;
};

HostTensor randomTensor(std::mt19937 &rng, std::vector<std::int64_t> shape,
                        double bound) {
  std::uniform_real_distribution<float> uniform(-bound, bound);
  HostTensor t;
  t.reference = ref::Tensor::zeros(shape);
  t.values.resize(t.reference.data.size());
  for (std::size_t i = 0; i < t.values.size(); ++i) {
    t.values[i] = xfuse::device::fromFloat<__nv_bfloat16>(uniform(rng));
    t.reference.data[i] = xfuse::device::toFloat(t.values[i]);
  }
  return t;
}

/// Uploads `t` as a tensor of `shape`; `storage` keeps the memory.
rt::StatusOr<rt::TensorView> upload(const HostTensor &t, rt::Shape shape,
                                    rt::DeviceBuffer &storage) {
  const std::size_t bytes = t.values.size() * sizeof(__nv_bfloat16);
  XFUSE_ASSIGN_OR_RETURN(storage, rt::DeviceBuffer::allocate(bytes));
  XFUSE_RETURN_IF_ERROR(storage.copyFromHost(t.values.data(), bytes));
  return rt::TensorView{storage.data(), rt::DType::kBF16, shape};
}

rt::Status run() {
  std::mt19937 rng(2024);
  const HostTensor x = randomTensor(rng, {kBatch, kSeq, kModel}, 1.0);
  const HostTensor w1 = randomTensor(rng, {kModel, kHidden}, 1.0 / 16);
  const HostTensor b1 = randomTensor(rng, {kHidden}, 0.1);
  const HostTensor w2 = randomTensor(rng, {kHidden, kModel}, 1.0 / 32);
  const HostTensor b2 = randomTensor(rng, {kModel}, 0.1);

  XFUSE_ASSIGN_OR_RETURN(rt::Stream stream, rt::Stream::create());
  rt::DeviceBuffer xMem, w1Mem, b1Mem, w2Mem, b2Mem, yMem;
  XFUSE_ASSIGN_OR_RETURN(rt::TensorView xView, upload(x, {kBatch, kSeq, kModel}, xMem));
  XFUSE_ASSIGN_OR_RETURN(rt::TensorView w1View, upload(w1, {kModel, kHidden}, w1Mem));
  XFUSE_ASSIGN_OR_RETURN(rt::TensorView b1View, upload(b1, {kHidden}, b1Mem));
  XFUSE_ASSIGN_OR_RETURN(rt::TensorView w2View, upload(w2, {kHidden, kModel}, w2Mem));
  XFUSE_ASSIGN_OR_RETURN(rt::TensorView b2View, upload(b2, {kModel}, b2Mem));

  // Weights are packed once, into the layout the plan chose for them.
  XFUSE_ASSIGN_OR_RETURN(rt::PackedWeight w1Packed,
                         gen::encoder_ffn_pack_w1(w1View, stream.get()));
  XFUSE_ASSIGN_OR_RETURN(rt::PackedWeight w2Packed,
                         gen::encoder_ffn_pack_w2(w2View, stream.get()));

  const std::size_t outCount = std::size_t{kBatch} * kSeq * kModel;
  XFUSE_ASSIGN_OR_RETURN(
      yMem, rt::DeviceBuffer::allocate(outCount * sizeof(__nv_bfloat16)));
  rt::TensorView y{yMem.data(), rt::DType::kBF16, {kBatch, kSeq, kModel}};

  // Sized before the first call, a workspace makes calls allocate nothing.
  rt::Workspace workspace;
  XFUSE_ASSIGN_OR_RETURN(const rt::WorkspaceSize size,
                         gen::encoder_ffn_workspace_size(kBatch));
  XFUSE_RETURN_IF_ERROR(workspace.reserve(size, stream.get()));
  XFUSE_RETURN_IF_ERROR(gen::encoder_ffn(xView, w1Packed, b1View, w2Packed,
                                         b2View, y, workspace, stream.get()));
  XFUSE_RETURN_IF_ERROR(stream.synchronize());

  std::vector<__nv_bfloat16> result(outCount);
  XFUSE_RETURN_IF_ERROR(
      yMem.copyToHost(result.data(), outCount * sizeof(__nv_bfloat16)));
  // The graph: FFN(16 * x + PE(pos)) with ReLU, as in the .mlir.
  const ref::Tensor encoded = ref::sinusoidalPe(
      x.reference, nullptr, 10000.0, 16.0, ref::PeLayout::Interleaved);
  const ref::Tensor expected =
      ref::ffn(encoded, w1.reference, &b1.reference, w2.reference,
               &b2.reference, ref::Activation::Relu, ref::WeightLayout::InOut);
  ref::Tensor actual = ref::Tensor::zeros(expected.shape);
  double maxError = 0;
  for (std::size_t i = 0; i < outCount; ++i) {
    actual.data[i] = xfuse::device::toFloat(result[i]);
    maxError = std::max(maxError, std::abs(actual.data[i] - expected.data[i]));
  }
  const double relL2 = ref::relativeL2Error(actual, expected);
  std::printf("encoder_ffn [%d, %d, %d]: max abs error %.3g, relative L2 "
              "error %.3g (bf16 tolerance 1e-2)\n",
              kBatch, kSeq, kModel, maxError, relL2);
  if (!(relL2 <= 1e-2))
    return rt::Status::error(rt::StatusCode::kFailedPrecondition,
                             "result differs from the float64 reference");
  return rt::Status::ok();
}

/// A failed Status unless `status` failed with `code` and a message naming
/// `what`.
rt::Status expectRejected(const rt::Status &status, rt::StatusCode code,
                          const std::string &what) {
  std::printf("  rejected: %s\n", status.toString().c_str());
  if (status.code() == code && status.message().find(what) != std::string::npos)
    return rt::Status::ok();
  return rt::Status::error(rt::StatusCode::kFailedPrecondition,
                           "expected a " + std::string(rt::statusCodeName(code)) +
                               " naming " + what + ", got " +
                               status.toString());
}

/// What the entry points answer before touching the GPU.
rt::Status runWithoutGpu() {
  XFUSE_ASSIGN_OR_RETURN(const rt::WorkspaceSize size,
                         gen::encoder_ffn_workspace_size(kBatch));
  std::printf("encoder_ffn_workspace_size(%d): %zu bytes, %zu counters\n",
              kBatch, size.bytes, size.counters);
  // At least the two intermediates, [tokens, d] and [tokens, dff] in bf16.
  const std::size_t intermediates = std::size_t{kBatch} * kSeq *
                                    (kModel + kHidden) * sizeof(__nv_bfloat16);
  if (size.bytes < intermediates)
    return rt::Status::error(rt::StatusCode::kFailedPrecondition,
                             "the workspace query answered less than the "
                             "intermediates need");
  XFUSE_RETURN_IF_ERROR(
      expectRejected(gen::encoder_ffn_workspace_size(-1).status(),
                     rt::StatusCode::kInvalidArgument, "'x' dim 0"));

  // A call with weights never packed: the Status names the argument, and
  // nothing reached the GPU. The tensors' memory is never touched.
  alignas(16) static unsigned char memory[16];
  const rt::TensorView x{memory, rt::DType::kBF16, {kBatch, kSeq, kModel}};
  const rt::TensorView b1{memory, rt::DType::kBF16, {kHidden}};
  const rt::TensorView b2{memory, rt::DType::kBF16, {kModel}};
  const rt::TensorView y{memory, rt::DType::kBF16, {kBatch, kSeq, kModel}};
  const rt::PackedWeight unpacked;
  rt::Workspace workspace;
  return expectRejected(gen::encoder_ffn(x, unpacked, b1, unpacked, b2, y,
                                         workspace, nullptr),
                        rt::StatusCode::kInvalidArgument, "'w1'");
}

rt::Status runAll() {
  XFUSE_RETURN_IF_ERROR(runWithoutGpu());
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("SKIPPED: no CUDA device for the GPU part\n");
    return rt::Status::ok();
  }
  return run();
}

} // namespace

int main() {
  const rt::Status status = runAll();
  if (!status.isOk()) {
    std::fprintf(stderr, "error: %s\n", status.toString().c_str());
    return 1;
  }
  return 0;
}
