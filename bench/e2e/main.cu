// The xfuse side of bench/run_bench.py: for each config of
// docs/benchmarks.md, reads the inputs the driver wrote (raw little-endian
// bf16 / int64 files, so that xfuse and the PyTorch peers run on the same
// tensors), checks the generated entry point against the float64 reference
// of tests/reference on sampled rows, times it, checks it again, and writes
// JSON and the full output of the last timed call.
//
//   xfuse_e2e_bench <input dir> <out.json> [configs...]
//
// Correctness: outputs are poisoned with NaN (all-ones bytes) before the
// checked call, so an unwritten element fails; the relative L2 error over
// the sampled rows must be <= 1e-2 (bf16 operands), before timing and after
// it. The full output after timing goes to <input dir>/<config>.out.bin,
// where the driver checks every element against its own float64 reference.
// Timing: each call between its own pair of CUDA events on one stream,
// after warm-up calls; the median of kTimedCalls. When one call's
// activations and output would stay in L2, calls rotate over copies of
// them (weights are shared, as by a layer called again). The driver times
// the peers with the same rule, reading the set count from this JSON.
#include "bert_pe_ffn.h"
#include "decode_ffn.h"
#include "gpt_pe_ffn.h"
#include "llama_q.h"
#include "llama_q_rope.h"
#include "llama_swiglu.h"
#include "pe.h"
#include "rope.h"
// The decode sweep's kernels, one graph per token count (bench/graphs/sweep;
// CMakeLists.txt writes this header and XFUSE_SWEEP_TOKEN_COUNTS).
#include "sweep/sweep.h"

#include "cuda/device/Vector.h"
#include "runtime/CudaResources.h"
#include "tests/reference/Reference.h"

#include <cuda_bf16.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rt = xfuse::rt;
namespace ref = xfuse::reference;
namespace gen = xfuse::generated;

namespace {

constexpr int kWarmupCalls = 10;
constexpr int kTimedCalls = 100;
constexpr int kSampledRows = 16;
constexpr double kTolerance = 1e-2;

using PackFn = rt::StatusOr<rt::PackedWeight> (*)(const rt::TensorView &,
                                                  cudaStream_t);

/// One argument of an entry point, read from <dir>/<config>.<name>.bin.
struct Arg {
  std::string name;
  rt::DType dtype;
  rt::Shape shape;
  PackFn pack = nullptr; // set for weights
};

/// The device tensors of one call: views of every argument (the packed ones
/// for weights) and the output.
struct Call {
  std::vector<rt::TensorView> args;
  std::vector<const rt::PackedWeight *> packed; // by argument index
  rt::TensorView out;
};

struct Config {
  std::string name;
  std::vector<Arg> args; // args[0]: the activations (rotated, row-sampled)
  rt::Shape outShape;
  std::int64_t rows;   // tokens: the leading dimensions of args[0]
  std::function<rt::Status(const Call &, rt::Workspace &, cudaStream_t)> run;
  /// The float64 reference of the output rows `rows`, [rows.size(), ...].
  std::function<ref::Tensor(const std::vector<ref::Tensor> &args,
                            const std::vector<std::int64_t> &rows)>
      reference;
};

std::vector<std::int64_t> dims(const rt::Shape &shape) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < shape.rank(); ++i)
    out.push_back(shape[i]);
  return out;
}

/// Rows `rows` of `t` viewed as [t's first dimension or tokens, rowSize].
ref::Tensor takeRows(const ref::Tensor &t, std::int64_t rowSize,
                     const std::vector<std::int64_t> &rows) {
  ref::Tensor out = ref::Tensor::zeros(
      {static_cast<std::int64_t>(rows.size()), rowSize});
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy_n(t.data.begin() + rows[i] * rowSize, rowSize,
                out.data.begin() + static_cast<std::int64_t>(i) * rowSize);
  return out;
}

/// Positions of sampled rows of a [batch, seq] grid: the index in the
/// sequence.
ref::Tensor sequencePositions(const std::vector<std::int64_t> &rows,
                              std::int64_t seq) {
  ref::Tensor pos = ref::Tensor::zeros({static_cast<std::int64_t>(rows.size())});
  for (std::size_t i = 0; i < rows.size(); ++i)
    pos.data[i] = static_cast<double>(rows[i] % seq);
  return pos;
}

ref::Tensor reshaped(ref::Tensor t, std::vector<std::int64_t> shape) {
  t.shape = std::move(shape);
  return t;
}

using FfnEntry = rt::Status (*)(const rt::TensorView &, const rt::PackedWeight &,
                                const rt::TensorView &, const rt::PackedWeight &,
                                const rt::TensorView &, const rt::TensorView &,
                                rt::Workspace &, cudaStream_t);

/// PE (scale 1, base 10000, interleaved) then FFN with ReLU, nn.Linear weights.
Config peFfn(std::string name, std::int64_t batch, std::int64_t seq,
             std::int64_t d, std::int64_t dff, PackFn pack1, PackFn pack3,
             FfnEntry entry) {
  Config c;
  c.name = std::move(name);
  c.args = {{"x", rt::DType::kBF16, {batch, seq, d}},
            {"w1", rt::DType::kBF16, {dff, d}, pack1},
            {"b1", rt::DType::kBF16, {dff}},
            {"w2", rt::DType::kBF16, {d, dff}, pack3},
            {"b2", rt::DType::kBF16, {d}}};
  c.outShape = {batch, seq, d};
  c.rows = batch * seq;
  c.run = [entry](const Call &k, rt::Workspace &ws, cudaStream_t s) {
    return entry(k.args[0], *k.packed[1], k.args[2], *k.packed[3], k.args[4],
                 k.out, ws, s);
  };
  c.reference = [seq, d](const std::vector<ref::Tensor> &a,
                         const std::vector<std::int64_t> &rows) {
    const ref::Tensor pos = sequencePositions(rows, seq);
    const ref::Tensor h = ref::sinusoidalPe(takeRows(a[0], d, rows), &pos,
                                            10000.0, 1.0,
                                            ref::PeLayout::Interleaved);
    return ref::ffn(h, a[1], &a[2], a[3], &a[4], ref::Activation::Relu,
                    ref::WeightLayout::OutIn);
  };
  return c;
}

using SwiGluEntry = rt::Status (*)(const rt::TensorView &,
                                   const rt::PackedWeight &,
                                   const rt::PackedWeight &,
                                   const rt::PackedWeight &,
                                   const rt::TensorView &, rt::Workspace &,
                                   cudaStream_t);

/// FFN with ReLU and biases on [tokens, d], nn.Linear weights.
Config ffn(std::string name, std::int64_t tokens, std::int64_t d,
           std::int64_t dff, PackFn pack1, PackFn pack3, FfnEntry entry) {
  Config c;
  c.name = std::move(name);
  c.args = {{"x", rt::DType::kBF16, {tokens, d}},
            {"w1", rt::DType::kBF16, {dff, d}, pack1},
            {"b1", rt::DType::kBF16, {dff}},
            {"w2", rt::DType::kBF16, {d, dff}, pack3},
            {"b2", rt::DType::kBF16, {d}}};
  c.outShape = {tokens, d};
  c.rows = tokens;
  c.run = [entry](const Call &k, rt::Workspace &ws, cudaStream_t s) {
    return entry(k.args[0], *k.packed[1], k.args[2], *k.packed[3], k.args[4],
                 k.out, ws, s);
  };
  c.reference = [d](const std::vector<ref::Tensor> &a,
                    const std::vector<std::int64_t> &rows) {
    return ref::ffn(takeRows(a[0], d, rows), a[1], &a[2], a[3], &a[4],
                    ref::Activation::Relu, ref::WeightLayout::OutIn);
  };
  return c;
}

/// SwiGLU FFN without biases on [tokens, d], nn.Linear weights.
Config swiglu(std::string name, std::int64_t tokens, std::int64_t d,
              std::int64_t dff, PackFn packGate, PackFn packUp,
              PackFn packDown, SwiGluEntry entry) {
  Config c;
  c.name = std::move(name);
  c.args = {{"x", rt::DType::kBF16, {tokens, d}},
            {"wg", rt::DType::kBF16, {dff, d}, packGate},
            {"wu", rt::DType::kBF16, {dff, d}, packUp},
            {"wd", rt::DType::kBF16, {d, dff}, packDown}};
  c.outShape = {tokens, d};
  c.rows = tokens;
  c.run = [entry](const Call &k, rt::Workspace &ws, cudaStream_t s) {
    return entry(k.args[0], *k.packed[1], *k.packed[2], *k.packed[3], k.out,
                 ws, s);
  };
  c.reference = [d](const std::vector<ref::Tensor> &a,
                    const std::vector<std::int64_t> &rows) {
    return ref::gatedFfn(takeRows(a[0], d, rows), a[1], nullptr, a[2],
                         nullptr, a[3], nullptr, ref::Activation::Silu,
                         ref::WeightLayout::OutIn);
  };
  return c;
}

std::vector<Config> configs() {
  std::vector<Config> all;
  all.push_back(peFfn("bert_pe_ffn", 32, 512, 768, 3072,
                      gen::bert_pe_ffn_pack_arg1, gen::bert_pe_ffn_pack_arg3,
                      gen::bert_pe_ffn));
  all.push_back(peFfn("gpt_pe_ffn", 4, 2048, 4096, 16384,
                      gen::gpt_pe_ffn_pack_arg1, gen::gpt_pe_ffn_pack_arg3,
                      gen::gpt_pe_ffn));
  all.push_back(swiglu("llama_swiglu", 4096, 4096, 11008,
                       gen::llama_swiglu_pack_arg1, gen::llama_swiglu_pack_arg2,
                       gen::llama_swiglu_pack_arg3, gen::llama_swiglu));
  {
    Config c;
    c.name = "llama_q";
    c.args = {{"x", rt::DType::kBF16, {4096, 4096}},
              {"wq", rt::DType::kBF16, {4096, 4096}, gen::llama_q_pack_arg1}};
    c.outShape = {4096, 4096};
    c.rows = 4096;
    c.run = [](const Call &k, rt::Workspace &ws, cudaStream_t s) {
      return gen::llama_q(k.args[0], *k.packed[1], k.out, ws, s);
    };
    c.reference = [](const std::vector<ref::Tensor> &a,
                     const std::vector<std::int64_t> &rows) {
      return ref::linear(takeRows(a[0], 4096, rows), a[1], nullptr,
                         ref::WeightLayout::OutIn);
    };
    all.push_back(std::move(c));
  }
  {
    Config c;
    c.name = "llama_q_rope";
    c.args = {{"x", rt::DType::kBF16, {4096, 4096}},
              {"wq", rt::DType::kBF16, {4096, 4096}, gen::llama_q_rope_pack_arg1},
              {"positions", rt::DType::kI64, {4096}}};
    c.outShape = {4096, 32, 128};
    c.rows = 4096;
    c.run = [](const Call &k, rt::Workspace &ws, cudaStream_t s) {
      return gen::llama_q_rope(k.args[0], *k.packed[1], k.args[2], k.out, ws,
                               s);
    };
    c.reference = [](const std::vector<ref::Tensor> &a,
                     const std::vector<std::int64_t> &rows) {
      const auto r = static_cast<std::int64_t>(rows.size());
      const ref::Tensor q = ref::linear(takeRows(a[0], 4096, rows), a[1],
                                        nullptr, ref::WeightLayout::OutIn);
      const ref::Tensor pos = reshaped(takeRows(a[2], 1, rows), {r});
      return ref::rope(reshaped(q, {r, 32, 128}), &pos, ref::RopeParameters{});
    };
    all.push_back(std::move(c));
  }
  all.push_back(ffn("decode_ffn", 16, 4096, 16384, gen::decode_ffn_pack_arg1,
                    gen::decode_ffn_pack_arg3, gen::decode_ffn));
  {
    Config c;
    c.name = "rope";
    c.args = {{"q", rt::DType::kBF16, {16384, 32, 128}},
              {"positions", rt::DType::kI64, {16384}}};
    c.outShape = {16384, 32, 128};
    c.rows = 16384;
    c.run = [](const Call &k, rt::Workspace &ws, cudaStream_t s) {
      return gen::rope(k.args[0], k.args[1], k.out, ws, s);
    };
    c.reference = [](const std::vector<ref::Tensor> &a,
                     const std::vector<std::int64_t> &rows) {
      const auto r = static_cast<std::int64_t>(rows.size());
      const ref::Tensor pos = reshaped(takeRows(a[1], 1, rows), {r});
      return ref::rope(reshaped(takeRows(a[0], 32 * 128, rows), {r, 32, 128}),
                       &pos, ref::RopeParameters{});
    };
    all.push_back(std::move(c));
  }
  {
    Config c;
    c.name = "pe";
    c.args = {{"x", rt::DType::kBF16, {32, 512, 768}}};
    c.outShape = {32, 512, 768};
    c.rows = 32 * 512;
    c.run = [](const Call &k, rt::Workspace &ws, cudaStream_t s) {
      return gen::pe(k.args[0], k.out, ws, s);
    };
    c.reference = [](const std::vector<ref::Tensor> &a,
                     const std::vector<std::int64_t> &rows) {
      const ref::Tensor pos = sequencePositions(rows, 512);
      return ref::sinusoidalPe(takeRows(a[0], 768, rows), &pos, 10000.0, 1.0,
                               ref::PeLayout::Interleaved);
    };
    all.push_back(std::move(c));
  }
#define XFUSE_SWEEP_POINT(m)                                                  \
  all.push_back(ffn("decode_ffn_m" #m, m, 4096, 16384,                        \
                    gen::decode_ffn_m##m##_pack_arg1,                         \
                    gen::decode_ffn_m##m##_pack_arg3, gen::decode_ffn_m##m)); \
  all.push_back(swiglu("llama3_swiglu_m" #m, m, 4096, 14336,                  \
                       gen::llama3_swiglu_m##m##_pack_arg1,                   \
                       gen::llama3_swiglu_m##m##_pack_arg2,                   \
                       gen::llama3_swiglu_m##m##_pack_arg3,                   \
                       gen::llama3_swiglu_m##m));
  XFUSE_SWEEP_TOKEN_COUNTS(XFUSE_SWEEP_POINT)
#undef XFUSE_SWEEP_POINT
  return all;
}

rt::Status fail(const std::string &what) {
  return rt::Status::error(rt::StatusCode::kFailedPrecondition, what);
}

/// The raw file `path` as `bytes` bytes.
rt::Status readFile(const std::string &path, std::size_t bytes,
                    std::vector<unsigned char> &out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in || static_cast<std::size_t>(in.tellg()) != bytes)
    return fail(path + ": missing or not " + std::to_string(bytes) + " bytes");
  out.resize(bytes);
  in.seekg(0);
  in.read(reinterpret_cast<char *>(out.data()), static_cast<std::streamsize>(bytes));
  return in ? rt::Status::ok() : fail(path + ": read failed");
}

ref::Tensor toReference(const Arg &arg, const std::vector<unsigned char> &raw) {
  ref::Tensor t = ref::Tensor::zeros(dims(arg.shape));
  for (std::size_t i = 0; i < t.data.size(); ++i) {
    if (arg.dtype == rt::DType::kI64) {
      std::int64_t v;
      std::memcpy(&v, raw.data() + 8 * i, 8);
      t.data[i] = static_cast<double>(v);
    } else {
      __nv_bfloat16 v;
      std::memcpy(&v, raw.data() + 2 * i, 2);
      t.data[i] = xfuse::device::toFloat(v);
    }
  }
  return t;
}

struct Result {
  double relError = NAN;
  std::int64_t nonFinite = 0;
  int sets = 1;
  double medianMs = NAN, minMs = NAN, hostUsMedian = NAN;
  double copyMs = NAN; // a copy of the activations into the output
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timing {
  double medianMs, minMs, hostUsMedian;
};

/// kTimedCalls calls call(i) on `stream` after kWarmupCalls, each between
/// its own pair of events: the median and least device time, and the
/// median host time of a call.
rt::StatusOr<Timing> timeCalls(const std::function<rt::Status(int)> &call,
                               cudaStream_t stream) {
  for (int i = 0; i < kWarmupCalls; ++i)
    XFUSE_RETURN_IF_ERROR(call(i));
  std::vector<rt::Event> starts, stops;
  for (int i = 0; i < kTimedCalls; ++i) {
    XFUSE_ASSIGN_OR_RETURN(rt::Event start, rt::Event::create());
    XFUSE_ASSIGN_OR_RETURN(rt::Event stop, rt::Event::create());
    starts.push_back(std::move(start));
    stops.push_back(std::move(stop));
  }
  std::vector<double> hostUs;
  for (int i = 0; i < kTimedCalls; ++i) {
    XFUSE_CUDA_TRY(cudaEventRecord(starts[i].get(), stream));
    const auto t0 = std::chrono::steady_clock::now();
    XFUSE_RETURN_IF_ERROR(call(i));
    hostUs.push_back(std::chrono::duration<double, std::micro>(
                         std::chrono::steady_clock::now() - t0)
                         .count());
    XFUSE_CUDA_TRY(cudaEventRecord(stops[i].get(), stream));
  }
  XFUSE_CUDA_TRY(cudaStreamSynchronize(stream));
  std::vector<double> ms;
  for (int i = 0; i < kTimedCalls; ++i) {
    float t = 0;
    XFUSE_CUDA_TRY(cudaEventElapsedTime(&t, starts[i].get(), stops[i].get()));
    ms.push_back(t);
  }
  return Timing{median(ms), *std::min_element(ms.begin(), ms.end()),
                median(hostUs)};
}

rt::Status runConfig(const Config &c, const std::string &dir,
                     std::size_t l2Bytes, Result &result) {
  XFUSE_ASSIGN_OR_RETURN(rt::Stream stream, rt::Stream::create());
  std::vector<rt::DeviceBuffer> memory(c.args.size());
  std::vector<ref::Tensor> host(c.args.size());
  std::vector<std::optional<rt::PackedWeight>> packed(c.args.size());
  Call call;
  call.packed.resize(c.args.size(), nullptr);
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    const Arg &arg = c.args[i];
    const rt::TensorView shapeOnly{nullptr, arg.dtype, arg.shape};
    std::vector<unsigned char> raw;
    XFUSE_RETURN_IF_ERROR(readFile(dir + "/" + c.name + "." + arg.name + ".bin",
                                   shapeOnly.sizeInBytes(), raw));
    host[i] = toReference(arg, raw);
    XFUSE_ASSIGN_OR_RETURN(memory[i], rt::DeviceBuffer::allocate(raw.size()));
    XFUSE_RETURN_IF_ERROR(memory[i].copyFromHost(raw.data(), raw.size()));
    call.args.push_back({memory[i].data(), arg.dtype, arg.shape});
    if (arg.pack) {
      XFUSE_ASSIGN_OR_RETURN(packed[i], arg.pack(call.args[i], stream.get()));
      call.packed[i] = &*packed[i];
    }
  }

  // Rotation: enough copies of the activations and output that one pass
  // over them is 3x the L2 (at most 8).
  const rt::TensorView outShape{nullptr, rt::DType::kBF16, c.outShape};
  const std::size_t outBytes = outShape.sizeInBytes();
  const std::size_t inBytes = call.args[0].sizeInBytes();
  result.sets = static_cast<int>(std::clamp<std::size_t>(
      (3 * l2Bytes + inBytes + outBytes - 1) / (inBytes + outBytes), 1, 8));
  std::vector<rt::DeviceBuffer> inCopies(result.sets), outs(result.sets);
  std::vector<Call> calls(result.sets, call);
  for (int s = 0; s < result.sets; ++s) {
    XFUSE_ASSIGN_OR_RETURN(outs[s], rt::DeviceBuffer::allocate(outBytes));
    calls[s].out = {outs[s].data(), rt::DType::kBF16, c.outShape};
    if (s == 0)
      continue;
    XFUSE_ASSIGN_OR_RETURN(inCopies[s], rt::DeviceBuffer::allocate(inBytes));
    XFUSE_CUDA_TRY(cudaMemcpy(inCopies[s].data(), call.args[0].data, inBytes,
                              cudaMemcpyDeviceToDevice));
    calls[s].args[0].data = inCopies[s].data();
  }

  // Check: one call into a NaN-poisoned output.
  std::vector<std::int64_t> rows; // spread over all tokens, both ends in
  for (int i = 0; i < kSampledRows && i < c.rows; ++i)
    rows.push_back(i * (c.rows - 1) / std::max(1, kSampledRows - 1));
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  const ref::Tensor expected = c.reference(host, rows);
  const std::int64_t rowSize = outShape.numElements() / c.rows;
  std::vector<__nv_bfloat16> out(outBytes / 2);
  // Non-finite elements of the whole output and the relative L2 error of
  // the sampled rows, the worse of this check and the earlier ones.
  const auto check = [&]() -> rt::Status {
    XFUSE_RETURN_IF_ERROR(stream.synchronize());
    XFUSE_RETURN_IF_ERROR(outs[0].copyToHost(out.data(), outBytes));
    std::int64_t nonFinite = 0;
    for (const __nv_bfloat16 v : out)
      nonFinite += !std::isfinite(xfuse::device::toFloat(v));
    ref::Tensor actual = ref::Tensor::zeros(expected.shape);
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::int64_t j = 0; j < rowSize; ++j)
        actual.data[i * rowSize + j] =
            xfuse::device::toFloat(out[rows[i] * rowSize + j]);
    const double error = ref::relativeL2Error(actual, expected);
    result.nonFinite = std::max(result.nonFinite, nonFinite);
    result.relError = std::isnan(result.relError) || !(error <= result.relError)
                          ? error
                          : result.relError;
    return rt::Status::ok();
  };
  rt::Workspace workspace;
  XFUSE_CUDA_TRY(cudaMemset(outs[0].data(), 0xFF, outBytes));
  XFUSE_RETURN_IF_ERROR(c.run(calls[0], workspace, stream.get()));
  XFUSE_RETURN_IF_ERROR(check());

  // Time.
  XFUSE_ASSIGN_OR_RETURN(
      const Timing timing, timeCalls(
                               [&](int i) {
                                 return c.run(calls[i % result.sets],
                                              workspace, stream.get());
                               },
                               stream.get()));
  result.medianMs = timing.medianMs;
  result.minMs = timing.minMs;
  result.hostUsMedian = timing.hostUsMedian;
  // Check again after timing: a call that only works when cold, or a
  // workspace reused wrongly across calls, shows here. The last timed call
  // into outs[0] wrote it.
  XFUSE_RETURN_IF_ERROR(check());
  // A copy of the activations into the output, the same rotation: for the
  // configs bound by those bytes alone (pe, rope) the floor of a kernel of
  // this size, which a 1 GiB copy's rate overstates. After the checks: it
  // overwrites the outputs (`out` holds the checked one).
  if (inBytes == outBytes) {
    XFUSE_ASSIGN_OR_RETURN(
        const Timing copy,
        timeCalls(
            [&](int i) {
              const int s = i % result.sets;
              return XFUSE_CUDA_STATUS(cudaMemcpyAsync(
                  outs[s].data(), calls[s].args[0].data, inBytes,
                  cudaMemcpyDeviceToDevice, stream.get()));
            },
            stream.get()));
    result.copyMs = copy.medianMs;
  }
  const std::string outPath = dir + "/" + c.name + ".out.bin";
  std::ofstream file(outPath, std::ios::binary);
  file.write(reinterpret_cast<const char *>(out.data()),
             static_cast<std::streamsize>(outBytes));
  return file ? rt::Status::ok() : fail(outPath + ": write failed");
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <input dir> <out.json> [configs...]\n",
                 argv[0]);
    return 2;
  }
  const std::vector<std::string> only(argv + 3, argv + argc);
  int device = 0, l2 = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device) !=
          cudaSuccess) {
    std::fprintf(stderr, "error: no CUDA device\n");
    return 1;
  }
  std::FILE *json = std::fopen(argv[2], "w");
  if (!json) {
    std::fprintf(stderr, "error: cannot write %s\n", argv[2]);
    return 1;
  }
  std::fprintf(json, "{\"timed_calls\": %d, \"warmup_calls\": %d, "
                     "\"sampled_rows\": %d, \"tolerance\": %g, \"configs\": {",
               kTimedCalls, kWarmupCalls, kSampledRows, kTolerance);
  bool allOk = true, first = true;
  for (const Config &c : configs()) {
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end())
      continue;
    Result r;
    const rt::Status status =
        runConfig(c, argv[1], static_cast<std::size_t>(l2), r);
    const bool ok = status.isOk() && r.nonFinite == 0 && r.relError <= kTolerance;
    allOk = allOk && ok;
    std::printf("%-14s %s  rel L2 %.2e  non-finite %lld  sets %d  median "
                "%.4f ms  min %.4f ms  host %.1f us%s%s\n",
                c.name.c_str(), ok ? "PASS" : "FAIL", r.relError,
                static_cast<long long>(r.nonFinite), r.sets, r.medianMs,
                r.minMs, r.hostUsMedian, status.isOk() ? "" : "  error: ",
                status.isOk() ? "" : status.toString().c_str());
    std::fflush(stdout);
    std::fprintf(json,
                 "%s\n  \"%s\": {\"ok\": %s, \"rel_l2\": %.6g, "
                 "\"non_finite\": %lld, \"sets\": %d, \"median_ms\": %.6g, "
                 "\"min_ms\": %.6g, \"host_us_median\": %.6g, "
                 "\"copy_ms\": %.6g}",
                 first ? "" : ",", c.name.c_str(), ok ? "true" : "false",
                 std::isnan(r.relError) ? -1.0 : r.relError,
                 static_cast<long long>(r.nonFinite), r.sets,
                 std::isnan(r.medianMs) ? -1.0 : r.medianMs,
                 std::isnan(r.minMs) ? -1.0 : r.minMs,
                 std::isnan(r.hostUsMedian) ? -1.0 : r.hostUsMedian,
                 std::isnan(r.copyMs) ? -1.0 : r.copyMs);
    first = false;
  }
  std::fprintf(json, "\n}}\n");
  std::fclose(json);
  return allOk ? 0 : 1;
}
