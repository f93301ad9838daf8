// The xfuse side of the tensor-parallel bench: a shared library that
// bench/tp/tp_bench.py (one process per GPU, under torchrun) loads with
// ctypes, so that xfuse and PyTorch run in the same process on the same
// tensors. bench/tp/build.sh compiles each graph of bench/tp/graphs for
// one GPU and sharded across the ranks the library is built for
// (XFUSE_TP_RANKS).
//
// The C interface returns 0 on success, else non-zero with the Status text
// in xfuse_tp_error().

#include "variants.h" // every generated header, from bench/tp/build.sh

#include "runtime/Communicator.h"
#include "runtime/TensorShard.h"

#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace xfuse;

std::string lastError;
// This rank's communicators: xfuse_tp_init adds one (NCCL's choice of
// CTAs, or a fixed count), and each layer runs on the one it was made for.
std::vector<std::unique_ptr<rt::Communicator>> communicators;

int fail(const rt::Status &status) {
  lastError = status.toString();
  return 1;
}

using PackFn = rt::StatusOr<rt::PackedWeight> (*)(const rt::TensorView &,
                                                  cudaStream_t);
using ShardFn = rt::StatusOr<rt::TensorShard> (*)(const rt::TensorView &, int,
                                                  cudaStream_t);

/// One argument after the graph's weights as given (bf16, row-major):
/// `pack` for a weight, none for a vector; `shard` on several ranks.
struct ArgumentPlan {
  PackFn pack = nullptr;
  ShardFn shard = nullptr;
};

/// An argument as the entry point takes it, owning its memory.
struct Argument {
  rt::TensorShard part;      // this rank's part, when sharded
  rt::TensorView view;       // a vector: the caller's, or `part`
  rt::PackedWeight packed;   // a weight
};

struct Layer;
using RunFn = rt::Status (*)(Layer &, const rt::TensorView &x,
                             const rt::TensorView &y, cudaStream_t);

/// One variant of a graph: its arguments after x, and its entry point.
struct Variant {
  const char *name;
  std::vector<ArgumentPlan> arguments;
  RunFn run;
};

struct Layer {
  const Variant *variant;
  const rt::Communicator *communicator; // null on one GPU
  std::vector<Argument> arguments;
  rt::Workspace workspace;
};

rt::Status prepare(const ArgumentPlan &plan, const rt::TensorView &full,
                   int rank, cudaStream_t stream, Argument &argument) {
  argument.view = full;
  if (plan.shard) {
    XFUSE_ASSIGN_OR_RETURN(argument.part, plan.shard(full, rank, stream));
    argument.view = argument.part.view();
  }
  if (plan.pack) {
    XFUSE_ASSIGN_OR_RETURN(argument.packed, plan.pack(argument.view, stream));
    // Packing has copied the part: wait before freeing it.
    XFUSE_CUDA_TRY(cudaStreamSynchronize(stream));
    argument.part = rt::TensorShard();
  }
  return rt::Status::ok();
}

// The entry points' parameters after x: (weight, vector, weight) for the
// ReLU FFN, three weights for SwiGLU; the communicator on several ranks.
#define XFUSE_RELU_RUN(entry, ...)                                             \
  [](Layer &layer, const rt::TensorView &x, const rt::TensorView &y,           \
     cudaStream_t stream) {                                                    \
    auto &a = layer.arguments;                                                 \
    return generated::entry(x, a[0].packed, a[1].view, a[2].packed, y,         \
                            __VA_ARGS__ layer.workspace, stream);              \
  }
#define XFUSE_SWIGLU_RUN(entry, ...)                                           \
  [](Layer &layer, const rt::TensorView &x, const rt::TensorView &y,           \
     cudaStream_t stream) {                                                    \
    auto &a = layer.arguments;                                                 \
    return generated::entry(x, a[0].packed, a[1].packed, a[2].packed, y,       \
                            __VA_ARGS__ layer.workspace, stream);              \
  }
#define XFUSE_RELU_SINGLE(fn)                                                  \
  Variant{#fn,                                                                 \
          {{generated::fn##_pack_w1}, {}, {generated::fn##_pack_w2}},          \
          XFUSE_RELU_RUN(fn)}
#define XFUSE_RELU_TP(fn)                                                      \
  Variant{#fn,                                                                 \
          {{generated::fn##_pack_w1, generated::fn##_shard_w1},                \
           {nullptr, generated::fn##_shard_b1},                                \
           {generated::fn##_pack_w2, generated::fn##_shard_w2}},               \
          XFUSE_RELU_RUN(fn, *layer.communicator, )}
#define XFUSE_SWIGLU_SINGLE(fn)                                                \
  Variant{#fn,                                                                 \
          {{generated::fn##_pack_wg},                                          \
           {generated::fn##_pack_wu},                                          \
           {generated::fn##_pack_wd}},                                         \
          XFUSE_SWIGLU_RUN(fn)}
#define XFUSE_SWIGLU_TP(fn)                                                    \
  Variant{#fn,                                                                 \
          {{generated::fn##_pack_wg, generated::fn##_shard_wg},                \
           {generated::fn##_pack_wu, generated::fn##_shard_wu},                \
           {generated::fn##_pack_wd, generated::fn##_shard_wd}},               \
          XFUSE_SWIGLU_RUN(fn, *layer.communicator, )}

// Every function bench/tp/build.sh compiles (variants.inc): <graph>_single,
// <graph>_tp (the pipeline's row blocks), <graph>_local (one rank's GEMMs on
// one GPU), and for prefill <graph>_tp_rb<B> (B row blocks) and
// <graph>_tp_rs (a reduce-scatter: each rank's rows of the output).
const Variant variants[] = {
#include "variants.inc"
};

rt::TensorView bf16View(void *data, std::initializer_list<std::int64_t> dims) {
  return rt::TensorView{data, rt::DType::kBF16, rt::Shape(dims)};
}

} // namespace

extern "C" {

const char *xfuse_tp_error() { return lastError.c_str(); }

int xfuse_tp_ranks() { return XFUSE_TP_RANKS; }

/// The variants' names, for the bench to find a graph's.
int xfuse_tp_variant_count() { return std::size(variants); }
const char *xfuse_tp_variant_name(int index) { return variants[index].name; }

int xfuse_tp_unique_id(unsigned char *id, int bytes) {
  if (bytes != static_cast<int>(sizeof(ncclUniqueId)))
    return fail(rt::Status::error(rt::StatusCode::kInvalidArgument,
                                  "unique id: expected " +
                                      std::to_string(sizeof(ncclUniqueId)) +
                                      " bytes"));
  rt::StatusOr<ncclUniqueId> unique = rt::Communicator::uniqueId();
  if (!unique.isOk())
    return fail(unique.status());
  std::memcpy(id, &*unique, sizeof(ncclUniqueId));
  return 0;
}

/// A communicator of this process's rank on `device` whose collectives run
/// on `ctas` CTAs (0: NCCL's choice); its number for xfuse_tp_layer_create
/// goes to `index` (the library's CUDA runtime keeps its own current
/// device: it is set here, from the caller's).
int xfuse_tp_init(const unsigned char *id, int rank, int device, int ctas,
                  int *index) {
  if (rt::Status status = XFUSE_CUDA_STATUS(cudaSetDevice(device));
      !status.isOk())
    return fail(status);
  ncclUniqueId unique;
  std::memcpy(&unique, id, sizeof(ncclUniqueId));
  rt::StatusOr<rt::Communicator> created = rt::Communicator::create(
      unique, rank, XFUSE_TP_RANKS, rt::CommunicatorOptions{ctas});
  if (!created.isOk())
    return fail(created.status());
  *index = static_cast<int>(communicators.size());
  communicators.push_back(
      std::make_unique<rt::Communicator>(std::move(created).value()));
  return 0;
}

/// A layer of variant `name` ("gpt_relu_tp"), from the full weights of the
/// graph (device pointers, bf16, in the graph's argument order after x and
/// with its shapes), on communicator `communicatorIndex` (ignored without
/// communicators: one GPU); on several ranks it keeps this rank's parts.
int xfuse_tp_layer_create(const char *name, void *const *weights,
                          const std::int64_t *shapes, void *stream,
                          int communicatorIndex, void **layerOut) {
  if (!communicators.empty() &&
      (communicatorIndex < 0 ||
       communicatorIndex >= static_cast<int>(communicators.size())))
    return fail(rt::Status::error(rt::StatusCode::kInvalidArgument,
                                  "no communicator " +
                                      std::to_string(communicatorIndex)));
  for (const Variant &variant : variants) {
    if (std::strcmp(variant.name, name) != 0)
      continue;
    auto layer = std::make_unique<Layer>();
    layer->variant = &variant;
    layer->communicator = communicators.empty()
                              ? nullptr
                              : communicators[communicatorIndex].get();
    const int rank = layer->communicator ? layer->communicator->rank() : 0;
    layer->arguments.resize(variant.arguments.size());
    for (std::size_t i = 0; i < variant.arguments.size(); ++i) {
      const std::int64_t rows = shapes[2 * i], columns = shapes[2 * i + 1];
      rt::TensorView full = columns ? bf16View(weights[i], {rows, columns})
                                    : bf16View(weights[i], {rows});
      if (rt::Status status = prepare(
              variant.arguments[i], full, rank,
              static_cast<cudaStream_t>(stream), layer->arguments[i]);
          !status.isOk())
        return fail(status);
    }
    *layerOut = layer.release();
    return 0;
  }
  return fail(rt::Status::error(rt::StatusCode::kInvalidArgument,
                                std::string("no variant ") + name));
}

/// y = the layer applied to x ([tokens, d] bf16 device tensors; y has
/// `outputRows` rows: tokens, or this rank's part of them), on `stream`.
int xfuse_tp_layer_run(void *layerHandle, void *x, void *y,
                       std::int64_t tokens, std::int64_t features,
                       std::int64_t outputRows, void *stream) {
  auto *layer = static_cast<Layer *>(layerHandle);
  rt::Status status = layer->variant->run(
      *layer, bf16View(x, {tokens, features}),
      bf16View(y, {outputRows, features}), static_cast<cudaStream_t>(stream));
  return status.isOk() ? 0 : fail(status);
}

void xfuse_tp_layer_destroy(void *layer) { delete static_cast<Layer *>(layer); }

void xfuse_tp_finalize() { communicators.clear(); }

} // extern "C"
