// Checks and times variants of the Hopper GEMM (cuda/device/Sm90Gemm.h:
// tiles, schedules, stores, clusters, tile orders) against cuBLASLt on the
// GEMMs of the product configs, bf16 in and out, f32 accumulation:
//   C[M, N] = epilogue(A[M, K] . B[N, K]^T), B the packed weight,
// and the gated (SwiGLU) case C = silu(A . Bgate^T) * (A . Bup^T), against
// cuBLASLt's best composition: one GEMM on the concatenated [2N, K]
// weights, then an elementwise silu * mul kernel.
//
// Correctness: every kernel's first output (into a NaN-poisoned C, from
// fresh random inputs) is compared with a float64 CPU reference on all rows
// (M <= 512 or the odd-M cases) or a sample of rows including the first and
// the last tile; relative L2 error <= 1e-2 and no NaN anywhere in C pass.
// Timing: CUDA events around each launch, after warm-up; the median of
// kTimedRuns, taken in rounds that interleave a shape's variants
// (medianMsInterleaved). Inputs are rotated among copies when they would
// fit in L2.
// Prints a table last (per shape: the variant the cost model plans, the
// best variant, cuBLASLt); writes $OUT/gemm_sm90.json when OUT is set.
// --rope instead times what RoPE in the epilogue (EpilogueRope.h) adds to
// a 4096^3 GEMM and to a 16-token (decode) one; --bert1 times bert_pe_ffn's
// first GEMM on candidate tiles and with PE . W1^T added in the epilogue.
#include "bench/common/BenchSupport.h"
#include "cuda/device/EpilogueRope.h"
#include "cuda/device/Gemm.h"
#include "cuda/device/Sm90Gemm.h"
#include "runtime/CudaResources.h"
#include "runtime/Workspace.h"

#include <cublasLt.h>
#include <cuda_bf16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using bf16 = __nv_bfloat16;
using namespace xfuse;

// The two ceilings of docs/perf-notes.md, measured on the H100 of this
// workplace (KINDS.md): bf16 GEMM rate and device-to-device copy bandwidth.
constexpr double kPeakFlops = 782e12;
constexpr double kPeakBytesPerSecond = 3.0e12;
constexpr int kWarmupRuns = 5;
constexpr int kTimedRuns = 60;
constexpr double kTolerance = 1e-2;
/// cuBLASLt's heuristic candidates timed per shape; the fastest is the peer.
constexpr int kCublasCandidates = 4;

using bench::check;
using bench::fail;

// ---- problems --------------------------------------------------------------

using bench::Epi;
const char *epiName(Epi e) {
  switch (e) {
  case Epi::kNone:
    return "none";
  case Epi::kBias:
    return "bias";
  case Epi::kReluBias:
    return "relu+bias";
  case Epi::kSwiGLU:
    return "swiglu";
  }
  return "?";
}

struct Shape {
  int m, n, k;
  Epi epi;
  bool timed;

  /// Weight operands: gate and up for the gated product.
  int numB() const { return epi == Epi::kSwiGLU ? 2 : 1; }
  double flops() const { return 2.0 * m * n * double(k) * numB(); }
  /// The fewest bytes: each input read once, the output written once.
  double bytes() const {
    return 2.0 * (double(m) * k + double(n) * k * numB() + double(m) * n + n);
  }
};

/// One set of device operands; the bias is used only by kBias/kReluBias.
/// For kSwiGLU, b holds the gate rows [0, N) then the up rows [N, 2N).
struct Operands {
  rt::DeviceBuffer a, b, bias;
};

struct Problem {
  Shape shape;
  std::vector<Operands> sets; // rotated between timed runs
  rt::DeviceBuffer c;
};

Problem makeProblem(const Shape &s, std::uint64_t seed, std::size_t l2Bytes) {
  Problem p{s, {}, {}};
  const double inputBytes =
      2.0 * (double(s.m) * s.k + double(s.n) * s.k * s.numB());
  // Enough copies that one rotation of inputs overflows L2 twice over.
  const int copies =
      s.timed ? std::clamp(int(std::ceil(2.0 * l2Bytes / inputBytes)), 1, 8)
              : 1;
  const float wBound = 1.0f / std::sqrt(float(s.k));
  for (int i = 0; i < copies; ++i) {
    const std::uint64_t base = seed + 1000003ull * i;
    p.sets.push_back(
        {bench::randomBuffer(std::size_t(s.m) * s.k, base + 1, -1, 1),
         bench::randomBuffer(std::size_t(s.n) * s.k * s.numB(), base + 2,
                             -wBound, wBound),
         bench::randomBuffer(s.n, base + 3, -0.5f, 0.5f)});
  }
  p.c = check(rt::DeviceBuffer::allocate(std::size_t(s.m) * s.n * 2));
  CUDA_CHECK(cudaDeviceSynchronize());
  return p;
}

// ---- the float64 reference -------------------------------------------------

std::vector<float> toHostFloats(const rt::DeviceBuffer &buffer,
                                std::size_t offset, std::size_t count) {
  std::vector<bf16> raw(count);
  CUDA_CHECK(cudaMemcpy(raw.data(), buffer.as<bf16>() + offset, count * 2,
                        cudaMemcpyDeviceToHost));
  std::vector<float> out(count);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = __bfloat162float(raw[i]);
  return out;
}

/// The rows the check covers: all of them for small or odd M, else a
/// random sample plus the first and the last 3 rows (the partial tile).
std::vector<int> sampledRows(const Shape &s, std::mt19937_64 &rng) {
  std::vector<int> rows;
  if (s.m <= 512 || !s.timed) {
    for (int r = 0; r < s.m; ++r)
      rows.push_back(r);
    return rows;
  }
  rows = {0, s.m - 3, s.m - 2, s.m - 1};
  std::uniform_int_distribution<int> pick(0, s.m - 1);
  for (int i = 0; i < 44; ++i)
    rows.push_back(pick(rng));
  return rows;
}

struct Reference {
  std::vector<int> rows;
  std::vector<double> values; // [rows.size(), n]
};

Reference computeReference(const Problem &p, std::vector<int> rows) {
  const Shape &s = p.shape;
  const Operands &ops = p.sets.front();
  const std::vector<float> b =
      toHostFloats(ops.b, 0, std::size_t(s.n) * s.k * s.numB());
  const std::vector<float> bias = toHostFloats(ops.bias, 0, s.n);
  std::vector<std::vector<float>> aRows;
  for (int r : rows)
    aRows.push_back(toHostFloats(ops.a, std::size_t(r) * s.k, s.k));

  Reference ref{std::move(rows), {}};
  ref.values.resize(ref.rows.size() * std::size_t(s.n));
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w)
    threads.emplace_back([&, w] {
      for (std::size_t i = w; i < ref.rows.size(); i += workers)
        for (int n = 0; n < s.n; ++n)
          ref.values[i * s.n + n] = bench::referenceOutput(
              s.epi, aRows[i].data(), b.data(), s.k, s.n, n, bias.data());
    });
  for (std::thread &t : threads)
    t.join();
  return ref;
}

struct CheckResult {
  double relL2;
  bool pass;
};

/// Adds the number of non-finite elements of out[0, count) to *found.
__global__ void countNonFinite(const bf16 *out, std::size_t count,
                               unsigned long long *found) {
  unsigned long long local = 0;
  for (std::size_t i = blockIdx.x * std::size_t(blockDim.x) + threadIdx.x;
       i < count; i += std::size_t(gridDim.x) * blockDim.x)
    local += !isfinite(__bfloat162float(out[i]));
  if (local)
    atomicAdd(found, local);
}

/// Non-finite elements in all of C: an element no tile wrote is still the
/// NaN it was poisoned with, also in the rows the reference does not check.
unsigned long long nonFiniteOutputs(const Problem &p) {
  const rt::DeviceBuffer found =
      check(rt::DeviceBuffer::allocate(sizeof(unsigned long long)));
  CUDA_CHECK(cudaMemset(found.data(), 0, sizeof(unsigned long long)));
  countNonFinite<<<1024, 256>>>(p.c.as<bf16>(),
                                std::size_t(p.shape.m) * p.shape.n,
                                found.as<unsigned long long>());
  CUDA_CHECK(cudaGetLastError());
  unsigned long long count = 0;
  CUDA_CHECK(cudaMemcpy(&count, found.data(), sizeof(count),
                        cudaMemcpyDeviceToHost));
  return count;
}

CheckResult compare(const Problem &p, const Reference &ref) {
  const int n = p.shape.n;
  double err2 = 0, ref2 = 0;
  bool finite = nonFiniteOutputs(p) == 0;
  for (std::size_t i = 0; i < ref.rows.size(); ++i) {
    const std::vector<float> row =
        toHostFloats(p.c, std::size_t(ref.rows[i]) * n, n);
    for (int j = 0; j < n; ++j) {
      const double expected = ref.values[i * n + j];
      if (!std::isfinite(row[j]))
        finite = false;
      err2 += (row[j] - expected) * (row[j] - expected);
      ref2 += expected * expected;
    }
  }
  const double rel = std::sqrt(err2 / std::max(ref2, 1e-300));
  return {finite ? rel : NAN, finite && rel <= kTolerance};
}

// ---- the kernels under test ------------------------------------------------

/// Launches one GEMM on operand set `set` of the problem.
using Launch = std::function<void(int set, cudaStream_t)>;

/// Calls f with the epilogue functor of `epi` built on `bias`: the gated
/// product for kNumB = 2, else the chain of `epi`.
template <int kNumB, typename F>
void withEpilogue(Epi epi, const bf16 *bias, F &&f) {
  using device::Activate;
  using device::Activation;
  using device::BiasAdd;
  if constexpr (kNumB == 2) {
    if (epi != Epi::kSwiGLU)
      fail("a gated kernel on a non-gated problem");
    return f(device::GatedProduct<Activation::kSilu>{});
  } else {
    switch (epi) {
    case Epi::kSwiGLU:
      fail("a non-gated kernel on the gated problem");
    case Epi::kNone:
      return f(device::EpilogueChain<>());
    case Epi::kBias:
      return f(device::makeEpilogueChain(BiasAdd<bf16>{bias}));
    case Epi::kReluBias:
      return f(device::makeEpilogueChain(BiasAdd<bf16>{bias},
                                         Activate<Activation::kRelu>{}));
    }
  }
}

template <int kNumB>
device::GemmParams<bf16, bf16, kNumB> gemmParams(const Problem &p, int set) {
  device::GemmParams<bf16, bf16, kNumB> params{};
  params.a = p.sets[set].a.as<bf16>();
  for (int i = 0; i < kNumB; ++i)
    params.b[i] =
        p.sets[set].b.as<bf16>() + std::size_t(i) * p.shape.n * p.shape.k;
  params.c = p.c.as<bf16>();
  params.m = p.shape.m;
  params.n = p.shape.n;
  params.k = p.shape.k;
  return params;
}

/// The Hopper GEMM's parameters for each operand set of `p`: the tensor
/// maps are encoded once, outside the timed loop.
template <typename Tile, int kNumB>
std::vector<device::GemmSm90Params<bf16, kNumB>>
prepareSm90(const Problem &p) {
  std::vector<device::GemmSm90Params<bf16, kNumB>> prepared(p.sets.size());
  for (std::size_t set = 0; set < p.sets.size(); ++set)
    CUDA_CHECK(device::prepareGemmSm90<Tile>(gemmParams<kNumB>(p, int(set)),
                                             &prepared[set]));
  return prepared;
}

/// The Hopper GEMM with Tile, its tiles in `raster`'s order; splits > 1:
/// split-K over that many slices, with its own workspace (partials and
/// counters, zeroed once).
template <typename Tile, int kNumB = 1>
Launch sm90Launch(const Problem &p, int splits = 1,
                  device::Sm90Raster raster = {}) {
  using Params = device::GemmSm90Params<bf16, kNumB>;
  struct State {
    std::vector<Params> prepared; // one per operand set
    rt::Workspace workspace;
  };
  auto state = std::make_shared<State>();
  void *partials = nullptr;
  unsigned *counters = nullptr;
  if (splits > 1) {
    using Split = device::Sm90SplitKWorkspace<Tile, kNumB>;
    const std::size_t bytes =
        Split::partialBytes(p.shape.m, p.shape.n, splits);
    check(state->workspace.reserve(bytes));
    partials = check(state->workspace.carve(bytes));
    counters = check(state->workspace.zeroedCounters(
        Split::counters(p.shape.m, p.shape.n), nullptr));
  }
  state->prepared = prepareSm90<Tile, kNumB>(p);
  for (Params &params : state->prepared) {
    CUDA_CHECK(device::setGemmSm90SplitK<Tile>(&params, splits, counters,
                                               partials));
    params.raster = raster;
  }
  return [&p, state](int set, cudaStream_t stream) {
    withEpilogue<kNumB>(p.shape.epi, p.sets[set].bias.as<bf16>(),
                        [&](auto epi) {
                          CUDA_CHECK((device::launchGemmSm90<Tile>(
                              state->prepared[set], epi, stream)));
                        });
  };
}

/// The epilogue cuBLASLt fuses for `epi`: none for the gated product,
/// whose silu * mul runs as bench::siluMul after the GEMM.
bench::CublasLtEpilogue cublasLtEpilogue(Epi epi) {
  switch (epi) {
  case Epi::kBias:
    return bench::CublasLtEpilogue::kBias;
  case Epi::kReluBias:
    return bench::CublasLtEpilogue::kReluBias;
  case Epi::kNone:
  case Epi::kSwiGLU:
    break;
  }
  return bench::CublasLtEpilogue::kNone;
}

// ---- measurement -----------------------------------------------------------

void poison(const Problem &p, cudaStream_t stream) {
  bench::fillNaN<<<1024, 256, 0, stream>>>(p.c.as<bf16>(),
                                    std::size_t(p.shape.m) * p.shape.n);
  CUDA_CHECK(cudaGetLastError());
}

/// Median milliseconds of each of `launches` over kTimedRuns event-timed
/// launches, taken in kRounds interleaved rounds (kWarmupRuns untimed
/// launches of each first), each round starting one variant later: the
/// SM clock of a loaded GPU drifts with its power and temperature over a
/// run, and timing the variants one after another would hand that drift to
/// whichever comes last.
std::vector<double> medianMsInterleaved(const std::vector<Launch> &launches,
                                        const Problem &p,
                                        cudaStream_t stream) {
  constexpr int kRounds = 6, kRunsPerRound = kTimedRuns / kRounds;
  const int sets = int(p.sets.size());
  const int variants = int(launches.size());
  for (const Launch &launch : launches)
    for (int i = 0; i < kWarmupRuns; ++i)
      launch(i % sets, stream);
  std::vector<rt::Event> events;
  for (int i = 0; i <= kRunsPerRound; ++i)
    events.push_back(check(rt::Event::create()));
  std::vector<std::vector<double>> ms(variants);
  for (int round = 0; round < kRounds; ++round)
    for (int i = 0; i < variants; ++i) {
      const int v = (round + i) % variants;
      // Back-to-back launches: event j closes run j - 1 and opens run j.
      check(events[0].record(stream));
      for (int j = 0; j < kRunsPerRound; ++j) {
        launches[v](j % sets, stream);
        check(events[j + 1].record(stream));
      }
      check(events.back().synchronize());
      for (int j = 0; j < kRunsPerRound; ++j)
        ms[v].push_back(check(events[j + 1].millisecondsSince(events[j])));
    }
  std::vector<double> medians;
  for (std::vector<double> &runs : ms) {
    std::nth_element(runs.begin(), runs.begin() + runs.size() / 2,
                     runs.end());
    medians.push_back(runs[runs.size() / 2]);
  }
  return medians;
}

struct Result {
  std::string shape, kernel;
  double relL2 = 0;
  bool pass = false;
  double ms = NAN; // untimed: NaN
};

std::string shapeName(const Shape &s) {
  return std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
         std::to_string(s.k) + " " + epiName(s.epi);
}

/// The variant that runs the plan the cost model (passes/CostModel.cpp)
/// gives `s`.
std::string productKernel(const Shape &s) {
  if (s.epi == Epi::kSwiGLU)
    return "sm90 128x128 st";
  if (s.m <= 64)
    return s.n >= 16384 ? "sm90 64x128 st" : "sm90 64x64 sk2";
  return s.k <= 16 * 64 ? "sm90 pp128x128 st" : "sm90 128x256 st";
}

// ---- --rope: what RoPE in the epilogue costs ---------------------------------

/// Llama's q projection: heads of 128, neox pairs, theta 10000, explicit
/// positions.
constexpr int kRopeHeadDim = 128;
constexpr double kRopeTheta = 10000.0;
using RopeOp = device::RopeRowOp<kRopeHeadDim, kRopeHeadDim,
                                 device::RopeStyle::kNeox, std::int64_t>;

/// The positions of the m rows and the frequencies: `loaded`, random
/// positions in [0, 8191] read from device memory; else position = row,
/// computed from the row (no load: what the loads cost).
struct RopeInputs {
  std::vector<std::int64_t> positions;
  bool loaded;
  rt::DeviceBuffer devicePositions, invFreq;

  RopeInputs(int m, bool loaded, std::mt19937_64 &rng)
      : positions(m), loaded(loaded) {
    std::uniform_int_distribution<std::int64_t> pick(0, 8191);
    for (int row = 0; row < m; ++row)
      positions[row] = loaded ? pick(rng) : row;
    devicePositions = check(rt::DeviceBuffer::allocate(m * sizeof(std::int64_t)));
    check(devicePositions.copyFromHost(positions.data(),
                                       m * sizeof(std::int64_t)));
    const std::vector<float2> freqs =
        device::sinusoidalFrequencies(kRopeTheta, kRopeHeadDim);
    invFreq = check(rt::DeviceBuffer::allocate(freqs.size() * sizeof(float2)));
    check(invFreq.copyFromHost(freqs.data(), freqs.size() * sizeof(float2)));
  }
  RopeOp op() const {
    if (!loaded) // position = row % seqLen = row
      return {invFreq.as<float2>(), 1.0f,
              {nullptr, static_cast<std::int64_t>(positions.size())}};
    return {invFreq.as<float2>(), 1.0f,
            {devicePositions.as<std::int64_t>(), 1}};
  }
};

/// RoPE's cos and sin once per (token, frequency), the table
/// TableRopeOp reads: row r holds, for pairs 2j and 2j + 1, {cos, sin,
/// cos, sin} (kRopeHeadDim / 4 float4).
__global__ void ropeTable(const std::int64_t *positions, const float2 *invFreq,
                          float4 *table, int m) {
  constexpr int kPerRow = kRopeHeadDim / 4;
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= m * kPerRow)
    return;
  const float pos = float(positions[i / kPerRow]);
  const int pair = 2 * (i % kPerRow);
  float4 cs;
  device::ropeCosSin(invFreq, 1.0f, pos, pair, cs.x, cs.y);
  device::ropeCosSin(invFreq, 1.0f, pos, pair + 1, cs.z, cs.w);
  table[i] = cs;
}

/// RopeOp's rotation (neox, rotary dim = head dim) with cos and sin read
/// from ropeTable's table instead of computed: one 16-byte load per two
/// pairs of a row, no trig in the GEMM.
struct TableRopeOp {
  const float4 *cosSin; // [m, kRopeHeadDim / 4]

  static constexpr const char *unsupportedReason(const gemm::Config &c) {
    return RopeOp::unsupportedReason(c);
  }

  struct State {
    const float4 *rowTable = nullptr;
  };
  static constexpr int kPrepareSteps = 0;
  __device__ void load(State &state, int row) const {
    state.rowTable = cosSin + static_cast<std::size_t>(row) * (kRopeHeadDim / 4);
  }
  template <int> __device__ void prepare(State &, int) const {}

  template <int kBlocks>
  __device__ void operator()(float2 (&v)[kBlocks], const State &state,
                             int firstCol) const {
    constexpr int kHeadBlocks = kRopeHeadDim / 8;
    constexpr int kHalfBlocks = kRopeHeadDim / 16;
    constexpr int kHeads = kBlocks / kHeadBlocks;
    // v[b].x is channel 8b + 2q: pairs 8b + 2q and + 1 are float4 4b + q.
    const int q = firstCol % 8 / 2;
    const float4 *rowTable = state.rowTable;
    float4 cs[kHalfBlocks];
#pragma unroll
    for (int b = 0; b < kHalfBlocks; ++b)
      cs[b] = rowTable[4 * b + q];
#pragma unroll
    for (int b = 0; b < kHalfBlocks; ++b)
#pragma unroll
      for (int h = 0; h < kHeads; ++h) {
        float2 &lo = v[h * kHeadBlocks + b];
        float2 &hi = v[h * kHeadBlocks + b + kHalfBlocks];
        const float2 first = device::rotatePair(lo.x, hi.x, cs[b].x, cs[b].y);
        const float2 second =
            device::rotatePair(lo.y, hi.y, cs[b].z, cs[b].w);
        lo = make_float2(first.x, second.x);
        hi = make_float2(first.y, second.y);
      }
  }
};

/// A row op that changes nothing: what the epilogue's row-op path costs by
/// itself (each thread's rows whole before the first box is staged).
struct NoopRowOp {
  static constexpr const char *unsupportedReason(const gemm::Config &c) {
    return RopeOp::unsupportedReason(c);
  }
  struct State {};
  static constexpr int kPrepareSteps = 0;
  __device__ void load(State &, int) const {}
  template <int> __device__ void prepare(State &, int) const {}
  template <int kBlocks>
  __device__ void operator()(float2 (&)[kBlocks], const State &, int) const {}
};

/// `gemm` (the float64 GEMM's rows) rotated by RoPE in float64.
Reference rotated(Reference gemm, const RopeInputs &rope, int n) {
  constexpr int kHalf = kRopeHeadDim / 2;
  for (std::size_t i = 0; i < gemm.rows.size(); ++i) {
    const double pos = double(rope.positions[gemm.rows[i]]);
    double *row = gemm.values.data() + i * n;
    for (int head = 0; head < n; head += kRopeHeadDim)
      for (int c = 0; c < kHalf; ++c) {
        const double angle =
            pos * std::pow(kRopeTheta, -2.0 * c / kRopeHeadDim);
        const double x = row[head + c], y = row[head + c + kHalf];
        row[head + c] = x * std::cos(angle) - y * std::sin(angle);
        row[head + c + kHalf] = y * std::cos(angle) + x * std::sin(angle);
      }
  }
  return gemm;
}

/// Runs each launch once on operand set 0 into the NaN-poisoned C and
/// compares C with referenceOf(i); false when a check fails.
template <typename ReferenceOf>
bool checkEach(const Problem &p, const std::vector<Launch> &launches,
               ReferenceOf &&referenceOf, cudaStream_t stream,
               std::vector<CheckResult> &checks) {
  bool pass = true;
  for (std::size_t i = 0; i < launches.size(); ++i) {
    poison(p, stream);
    launches[i](0, stream);
    CUDA_CHECK(cudaStreamSynchronize(stream));
    checks.push_back(compare(p, referenceOf(i)));
    pass = pass && checks.back().pass;
  }
  return pass;
}

/// The Hopper GEMM with Tile and a fixed `epilogue`, its parameters of each
/// operand set changed by `configure` after they are prepared.
template <typename Tile, typename Epilogue,
          typename Configure = void (*)(device::GemmSm90Params<bf16, 1> *)>
Launch sm90LaunchWith(const Problem &p, Epilogue epilogue,
                      Configure configure = [](auto *) {}) {
  auto prepared = std::make_shared<std::vector<device::GemmSm90Params<bf16, 1>>>(
      prepareSm90<Tile, 1>(p));
  for (auto &params : *prepared)
    configure(&params);
  return [prepared, epilogue](int set, cudaStream_t stream) {
    CUDA_CHECK((device::launchGemmSm90<Tile>((*prepared)[set], epilogue,
                                             stream)));
  };
}

/// Checks and times Tile without RoPE, then with the RoPE row op on
/// `loaded` positions, on positions computed from the row, and with cos and sin
/// from a table (TableRopeOp); false when a check fails.
template <typename Tile>
bool timeRope(const char *tile, const Problem &p, const Reference &plain,
              const RopeInputs &loaded, const RopeInputs &rowPositions,
              cudaStream_t stream) {
  auto withRope = [&](auto op) {
    return sm90LaunchWith<Tile>(
        p, device::makeWithRowOp(device::EpilogueChain<>(), op));
  };
  const int m = p.shape.m;
  const rt::DeviceBuffer table = check(
      rt::DeviceBuffer::allocate(std::size_t(m) * kRopeHeadDim / 4 * 16));
  auto writeTable = [&](cudaStream_t st) {
    const int items = m * kRopeHeadDim / 4;
    ropeTable<<<(items + 255) / 256, 256, 0, st>>>(
        loaded.devicePositions.as<std::int64_t>(), loaded.invFreq.as<float2>(),
        table.as<float4>(), m);
    CUDA_CHECK(cudaGetLastError());
  };
  writeTable(stream);
  const struct {
    const char *name;
    Launch launch;
    const RopeInputs *rope;
  } variants[] = {
      {"gemm", sm90LaunchWith<Tile>(p, device::EpilogueChain<>()), nullptr},
      {"gemm+noop row op", withRope(NoopRowOp{}), nullptr},
      {"gemm+rope", withRope(loaded.op()), &loaded},
      {"gemm+rope pos=row", withRope(rowPositions.op()), &rowPositions},
      // The table computed once beforehand (what a table shared by the q
      // and k projections, or written by the kernel before, would cost),
      // and computed on every call (a launch more).
      {"gemm+rope table", withRope(TableRopeOp{table.as<float4>()}),
       &loaded},
      {"table+gemm+rope",
       [&, gemm = withRope(TableRopeOp{table.as<float4>()})](
           int set, cudaStream_t st) {
         writeTable(st);
         gemm(set, st);
       },
       &loaded},
  };
  std::vector<Launch> launches;
  for (const auto &v : variants)
    launches.push_back(v.launch);
  std::vector<CheckResult> checks;
  const bool pass = checkEach(
      p, launches,
      [&](std::size_t i) {
        return variants[i].rope ? rotated(plain, *variants[i].rope, p.shape.n)
                                : plain;
      },
      stream, checks);
  const std::vector<double> ms = medianMsInterleaved(launches, p, stream);
  for (std::size_t i = 0; i < ms.size(); ++i)
    std::printf("%-20s %-18s relL2 %.2e %s  %.4f ms  %+.2f%%\n", tile,
                variants[i].name, checks[i].relL2,
                checks[i].pass ? "PASS" : "FAIL", ms[i],
                100.0 * (ms[i] / ms[0] - 1));
  return pass;
}

/// --rope: a 4096^3 bf16 GEMM and a 16-token one (decode), without and
/// with RoPE on its output in the epilogue, on the tiles a q/k projection
/// takes; twice, to show the spread.
bool ropeOverhead(const cudaDeviceProp &prop, std::uint64_t seed,
                  std::mt19937_64 &rng, cudaStream_t stream) {
  const Shape s{4096, 4096, 4096, Epi::kNone, true};
  const Problem p = makeProblem(s, seed, prop.l2CacheSize);
  const RopeInputs loaded(s.m, true, rng), rowPositions(s.m, false, rng);
  const Reference plain = computeReference(p, sampledRows(s, rng));
  const Shape decode{16, 4096, 4096, Epi::kNone, true};
  const Problem pd = makeProblem(decode, seed + 1, prop.l2CacheSize);
  const RopeInputs decodeLoaded(decode.m, true, rng),
      decodeRowPositions(decode.m, false, rng);
  const Reference decodePlain =
      computeReference(pd, sampledRows(decode, rng));
  using device::Sm90GemmTile;
  constexpr auto kPingPong = device::Sm90Schedule::kPingPong;
  constexpr auto kCoop = device::Sm90Schedule::kCooperative;
  constexpr auto kWholeTile = device::Sm90Store::kStagedWholeTile;
  bool pass = true;
  for (int round = 0; round < 2; ++round) {
    pass = timeRope<Sm90GemmTile<128, 256, 4>>("sm90 128x256 st", p, plain,
                                               loaded, rowPositions, stream) &&
           pass;
    pass = timeRope<Sm90GemmTile<128, 256, 4, kCoop, kWholeTile>>(
               "sm90 128x256 wt", p, plain, loaded, rowPositions, stream) &&
           pass;
    pass = timeRope<Sm90GemmTile<128, 128, 4, kPingPong>>(
               "sm90 pp128x128 st", p, plain, loaded, rowPositions, stream) &&
           pass;
    // The decode plan of a RoPE with heads of 128 (passes/CostModel.cpp,
    // weightStreamingPlans: 64 rows, 128 columns, as many stages as fit).
    pass = timeRope<Sm90GemmTile<64, 128, 8>>("sm90 64x128 st", pd,
                                              decodePlain, decodeLoaded,
                                              decodeRowPositions, stream) &&
           pass;
  }
  return pass;
}

// ---- --bert1: bert_pe_ffn's first GEMM, tiles and a PE . W fold --------------

/// v + table[row % period, col..col+1]: a [period, n] table that repeats
/// down the rows, as PE . W1^T of an encoding with implicit positions would
/// (bert_pe_ffn: the first GEMM's rows are tokens of 512-token sequences).
struct PeriodicRowsAdd {
  const bf16 *table;
  int period, n;

  __device__ float2 operator()(float2 v, int row, int col) const {
    const device::Vec<bf16, 2> t = device::loadVec<2>(
        table + static_cast<std::int64_t>(row % period) * n + col);
    return make_float2(v.x + device::toFloat(t[0]), v.y + device::toFloat(t[1]));
  }
};

/// cuBLASLt on the non-gated problem `p`, its epilogue fused, writing p.c:
/// the algorithm is chosen once, on operand set 0.
Launch cublasLtLaunch(cublasLtHandle_t cublas, const Problem &p,
                      cudaStream_t stream) {
  auto operands = [&p](int set) {
    const Operands &ops = p.sets[set];
    return bench::CublasLtOperands{ops.b.data(), ops.a.data(),
                                   ops.bias.data(), p.c.data()};
  };
  const Shape &s = p.shape;
  auto gemm = std::make_shared<bench::CublasLtGemm>(
      cublas, s.m, s.n, s.k, cublasLtEpilogue(s.epi), kCublasCandidates,
      operands(0), stream);
  return [gemm, operands](int set, cudaStream_t st) {
    gemm->run(operands(set), st);
  };
}

/// bert_pe_ffn's first GEMM (relu(X W1^T + b1)) on its planned tile
/// (ping-pong 128x128), on the cooperative 128x256, each also in clusters
/// of two blocks sharing B tiles, and on the planned tile with a [512, n]
/// table added before the activation (zeros, so the check is the plain
/// one), loaded in the epilogue or staged as a periodic source, against
/// cuBLASLt; two rounds.
bool bertFirstGemm(const cudaDeviceProp &prop, std::uint64_t seed,
                    std::mt19937_64 &rng, cudaStream_t stream) {
  const Shape s{16384, 3072, 768, Epi::kReluBias, true};
  const Problem p = makeProblem(s, seed, prop.l2CacheSize);
  const Reference ref = computeReference(p, sampledRows(s, rng));
  constexpr int kPeriod = 512;
  const rt::DeviceBuffer table =
      check(rt::DeviceBuffer::allocate(std::size_t(kPeriod) * s.n * 2));
  CUDA_CHECK(cudaMemset(table.data(), 0, std::size_t(kPeriod) * s.n * 2));
  using device::Activate;
  using device::Activation;
  using device::BiasAdd;
  const bf16 *bias = p.sets[0].bias.as<bf16>();
  const auto plain = device::makeEpilogueChain(BiasAdd<bf16>{bias},
                                               Activate<Activation::kRelu>{});
  const auto folded = device::makeEpilogueChain(
      BiasAdd<bf16>{bias}, PeriodicRowsAdd{table.as<bf16>(), kPeriod, s.n},
      Activate<Activation::kRelu>{});
  constexpr auto kPingPong = device::Sm90Schedule::kPingPong;
  constexpr auto kCoop = device::Sm90Schedule::kCooperative;
  constexpr auto kStaged = device::Sm90Store::kStaged;
  using PingPong = device::Sm90GemmTile<128, 128, 4, kPingPong>;
  using PingPongC2 = device::Sm90GemmTile<128, 128, 4, kPingPong, kStaged, 2>;
  using Coop = device::Sm90GemmTile<128, 256, 4>;
  using CoopC2 = device::Sm90GemmTile<128, 256, 4, kCoop, kStaged, 2>;
  cublasLtHandle_t cublas;
  CUBLAS_CHECK(cublasLtCreate(&cublas));
  // Every variant reads operand set 0's bias (the table is the same for
  // every set).
  const struct {
    const char *name;
    Launch launch;
  } variants[] = {
      {"pp128x128", sm90LaunchWith<PingPong>(p, plain)},
      {"pp128x128 +table", sm90LaunchWith<PingPong>(p, folded)},
      {"pp128x128 +source",
       sm90LaunchWith<PingPong>(
           p, device::WithPeriodicSource<decltype(plain)>{plain},
           [&](device::GemmSm90Params<bf16, 1> *params) {
             CUDA_CHECK((device::setGemmSm90PeriodicSource<PingPong>(
                 params, table.as<bf16>(), kPeriod)));
           })},
      {"pp128x128 c2", sm90LaunchWith<PingPongC2>(p, plain)},
      {"128x256", sm90LaunchWith<Coop>(p, plain)},
      {"128x256 c2", sm90LaunchWith<CoopC2>(p, plain)},
      {"cublaslt", cublasLtLaunch(cublas, p, stream)},
  };
  std::vector<Launch> launches;
  for (const auto &v : variants)
    launches.push_back(v.launch);
  std::vector<CheckResult> checks;
  const bool pass = checkEach(
      p, launches, [&](std::size_t) { return ref; }, stream, checks);
  for (int round = 0; round < 2; ++round) {
    const std::vector<double> ms = medianMsInterleaved(launches, p, stream);
    for (std::size_t i = 0; i < ms.size(); ++i)
      std::printf("bert1 %-18s relL2 %.2e %s  %.4f ms  %.3fx cuBLASLt\n",
                  variants[i].name, checks[i].relL2,
                  checks[i].pass ? "PASS" : "FAIL", ms[i],
                  ms[i] / ms.back());
  }
  CUBLAS_CHECK(cublasLtDestroy(cublas));
  return pass;
}

/// gpt_pe_ffn's two GEMMs on their planned tile (cooperative 128x256, 4
/// stages) and cuBLASLt, at the config's 8192 rows and at 8448: 128x256
/// tiles of 8192 rows make 31.03 and 7.76 waves of 132 blocks, of 8448 rows
/// 32 and 8 whole ones. The time per row at 8448 against 8192 bounds what
/// a schedule without the partial last wave (stream-K) could recover.
bool gptWaves(const cudaDeviceProp &prop, std::uint64_t seed,
              std::mt19937_64 &rng, cudaStream_t stream) {
  using Tile = device::Sm90GemmTile<128, 256, 4>;
  const Shape shapes[] = {{8192, 16384, 4096, Epi::kReluBias, true},
                          {8448, 16384, 4096, Epi::kReluBias, true},
                          {8192, 4096, 16384, Epi::kBias, true},
                          {8448, 4096, 16384, Epi::kBias, true}};
  cublasLtHandle_t cublas;
  CUBLAS_CHECK(cublasLtCreate(&cublas));
  bool pass = true;
  for (const Shape &s : shapes) {
    const Problem p = makeProblem(s, seed, prop.l2CacheSize);
    const Reference ref = computeReference(p, sampledRows(s, rng));
    const char *names[] = {"128x256", "cublaslt"};
    const std::vector<Launch> launches = {sm90Launch<Tile>(p),
                                          cublasLtLaunch(cublas, p, stream)};
    std::vector<CheckResult> checks;
    pass &= checkEach(
        p, launches, [&](std::size_t) { return ref; }, stream, checks);
    for (int round = 0; round < 2; ++round) {
      const std::vector<double> ms = medianMsInterleaved(launches, p, stream);
      for (std::size_t i = 0; i < ms.size(); ++i)
        std::printf("waves %dx%dx%d %-8s %s  %.4f ms  %.3f us per 128 rows  "
                    "%.0f TFLOP/s\n",
                    s.m, s.n, s.k, names[i], checks[i].pass ? "PASS" : "FAIL",
                    ms[i], ms[i] * 1e3 / (s.m / 128.0),
                    s.flops() / (ms[i] * 1e-3) / 1e12);
    }
  }
  CUBLAS_CHECK(cublasLtDestroy(cublas));
  return pass;
}

} // namespace

/// Usage: xfuse_gemm_sm90_bench
///            [--correctness-only | --rope | --bert1 | --waves]
/// (--correctness-only: the untimed odd-M cases alone, e.g. under
/// compute-sanitizer; --rope: the cost of RoPE in the epilogue alone;
/// --bert1: bert_pe_ffn's first GEMM alone, bertFirstGemm; --waves: the
/// last partial wave of gpt_pe_ffn's GEMMs, gptWaves).
int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool correctnessOnly = mode == "--correctness-only";
  // Line-buffered, so that a run killed by a timeout still shows its lines.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const cudaDeviceProp prop = bench::hopperDevice();
  const std::uint64_t seed = bench::printedSeed();
  std::mt19937_64 rng(seed);
  const rt::Stream stream = check(rt::Stream::create());
  if (mode == "--rope")
    return ropeOverhead(prop, seed, rng, stream.get()) ? 0 : 1;
  if (mode == "--bert1")
    return bertFirstGemm(prop, seed, rng, stream.get()) ? 0 : 1;
  if (mode == "--waves")
    return gptWaves(prop, seed, rng, stream.get()) ? 0 : 1;

  const std::vector<Shape> shapes = {
      // Odd M, and N, K off the tiles (multiples of 8): correctness only,
      // first, so that a failure shows before the long runs.
      {1, 3072, 768, Epi::kReluBias, false},
      {3, 1000, 776, Epi::kBias, false},
      {127, 3072, 768, Epi::kReluBias, false},
      {4097, 1000, 776, Epi::kBias, false},
      {4097, 3072, 768, Epi::kNone, false},
      {3, 1000, 776, Epi::kSwiGLU, false},
      {4097, 1000, 776, Epi::kSwiGLU, false},
      // The GEMMs of the product configs (bench/run_bench.py).
      {16384, 3072, 768, Epi::kReluBias, true},  // bert_pe_ffn
      {16384, 768, 3072, Epi::kBias, true},
      {8192, 16384, 4096, Epi::kReluBias, true}, // gpt_pe_ffn
      {8192, 4096, 16384, Epi::kBias, true},
      {4096, 11008, 4096, Epi::kSwiGLU, true},   // llama_swiglu
      {4096, 4096, 11008, Epi::kNone, true},
      {4096, 4096, 4096, Epi::kNone, true},      // llama_q
      {16, 16384, 4096, Epi::kNone, true},       // decode_ffn
      {16, 4096, 16384, Epi::kNone, true},
  };

  cublasLtHandle_t cublas;
  CUBLAS_CHECK(cublasLtCreate(&cublas));

  std::vector<Result> results;
  bool allPass = true;
  for (std::size_t si = 0; si < shapes.size(); ++si) {
    const Shape &s = shapes[si];
    if (correctnessOnly && s.timed)
      continue;
    const Problem p = makeProblem(s, seed + 7919 * si, prop.l2CacheSize);
    const Reference ref = computeReference(p, sampledRows(s, rng));

    const bool gated = s.epi == Epi::kSwiGLU;
    // cuBLASLt's gated composition writes [M, 2N] here, then siluMul.
    rt::DeviceBuffer gateUp;
    if (gated)
      gateUp =
          check(rt::DeviceBuffer::allocate(std::size_t(s.m) * 2 * s.n * 2));
    // The gated problem's weights are gate then up: one GEMM of 2N columns.
    auto cublasOperands = [&](int set) {
      const Operands &ops = p.sets[set];
      return bench::CublasLtOperands{ops.b.data(), ops.a.data(),
                                     ops.bias.data(),
                                     gated ? gateUp.data() : p.c.data()};
    };
    const bench::CublasLtGemm cublasGemm(
        cublas, s.m, s.n * s.numB(), s.k, cublasLtEpilogue(s.epi),
        kCublasCandidates, cublasOperands(0), stream.get());
    Launch cublasLaunch = [&](int set, cudaStream_t st) {
      cublasGemm.run(cublasOperands(set), st);
      if (gated) {
        bench::siluMul<<<4 * prop.multiProcessorCount, 256, 0, st>>>(
            gateUp.as<bf16>(), p.c.as<bf16>(), s.m, s.n);
        CUDA_CHECK(cudaGetLastError());
      }
    };
    using device::Sm90GemmTile;
    constexpr auto kPingPong = device::Sm90Schedule::kPingPong;
    constexpr auto kCoop = device::Sm90Schedule::kCooperative;
    // "st": the staged (shared memory + TMA store) epilogue, the product's;
    // "wt": staged, the whole tile's epilogue before the first box;
    // "c2": clusters of two blocks along M sharing each B tile; "gN"/"nN":
    // the product tile with its tiles in bands of N row (column) tiles
    // (Sm90Raster; the others run bands of 8 row tiles).
    constexpr auto kWholeTile = device::Sm90Store::kStagedWholeTile;
    constexpr auto kStaged = device::Sm90Store::kStaged;
    static_assert(device::Sm90StagedStore<Sm90GemmTile<128, 256, 4>, 1>::enabled(false) &&
                  device::Sm90StagedStore<Sm90GemmTile<128, 256, 3>, 1>::enabled(false) &&
                  device::Sm90StagedStore<Sm90GemmTile<128, 128, 4>, 2>::enabled(false) &&
                  device::Sm90StagedStore<Sm90GemmTile<128, 128, 4, kPingPong>, 1>::enabled(false) &&
                  device::Sm90StagedStore<Sm90GemmTile<64, 128, 8>, 1>::enabled(false),
                  "the labels below say which tiles stage their stores");
    std::vector<std::pair<std::string, Launch>> kernels;
    // The raster orders timed on a shape's product tile.
    const std::pair<const char *, device::Sm90Raster> rasters[] = {
        {" g4", {4, false}}, {" g16", {16, false}}, {" n4", {4, true}},
        {" n8", {8, true}}, {" n16", {16, true}}};
    auto addRasters = [&](auto tile, const std::string &name, auto numB) {
      using Tile = decltype(tile);
      for (const auto &[suffix, raster] : rasters)
        kernels.emplace_back(name + suffix,
                             sm90Launch<Tile, decltype(numB)::value>(p, 1, raster));
    };
    using One = std::integral_constant<int, 1>;
    using Two = std::integral_constant<int, 2>;
    if (gated) {
      kernels = {
          {"sm90 128x128 st", sm90Launch<Sm90GemmTile<128, 128, 4>, 2>(p)},
          {"sm90 128x128 wt",
           sm90Launch<Sm90GemmTile<128, 128, 4, kCoop, kWholeTile>, 2>(p)},
          {"sm90 c2 128x128 st",
           sm90Launch<Sm90GemmTile<128, 128, 4, kCoop, kStaged, 2>, 2>(p)},
      };
      addRasters(Sm90GemmTile<128, 128, 4>{}, productKernel(s), Two{});
    } else if (s.m <= 64) {
      // Decode: the planner's one-row tiles.
      kernels = {{"sm90 64x128 st", sm90Launch<Sm90GemmTile<64, 128, 8>>(p)}};
      // Split-K where the tiles leave more than half the SMs idle: as many
      // slices as fill the SMs once.
      using Tile = Sm90GemmTile<64, 64, 12>;
      const long long tiles = device::Sm90TileGrid<Tile>(s.m, s.n).tiles();
      const int kTiles = (s.k + Tile::kBlockK - 1) / Tile::kBlockK;
      const int splits =
          std::min(int(prop.multiProcessorCount / tiles), kTiles);
      if (splits > 1)
        kernels.emplace_back("sm90 64x64 sk" + std::to_string(splits),
                             sm90Launch<Tile>(p, splits));
    } else {
      kernels = {
          {"sm90 128x256 st", sm90Launch<Sm90GemmTile<128, 256, 4>>(p)},
          {"sm90 128x256 wt",
           sm90Launch<Sm90GemmTile<128, 256, 4, kCoop, kWholeTile>>(p)},
          {"sm90 128x256 s3 st", sm90Launch<Sm90GemmTile<128, 256, 3>>(p)},
          {"sm90 c2 128x256 st",
           sm90Launch<Sm90GemmTile<128, 256, 4, kCoop, kStaged, 2>>(p)},
          // 4 stages: what the cost model plans for short main loops.
          {"sm90 pp128x128 st",
           sm90Launch<Sm90GemmTile<128, 128, 4, kPingPong>>(p)},
          {"sm90 pp128x128 wt",
           sm90Launch<Sm90GemmTile<128, 128, 4, kPingPong, kWholeTile>>(p)},
      };
      if (s.timed) {
        if (productKernel(s) == "sm90 pp128x128 st")
          addRasters(Sm90GemmTile<128, 128, 4, kPingPong>{},
                     productKernel(s), One{});
        else
          addRasters(Sm90GemmTile<128, 256, 4>{}, productKernel(s), One{});
      }
    }
    kernels.emplace_back("cublasLt", cublasLaunch);
    const std::size_t first = results.size();
    std::vector<Launch> launches;
    for (auto &[name, launch] : kernels) {
      Result r{shapeName(s), name};
      poison(p, stream.get());
      launch(0, stream.get());
      check(stream.synchronize());
      const CheckResult c = compare(p, ref);
      r.relL2 = c.relL2;
      r.pass = c.pass;
      allPass = allPass && c.pass;
      results.push_back(r);
      launches.push_back(launch);
    }
    if (s.timed) {
      const std::vector<double> ms =
          medianMsInterleaved(launches, p, stream.get());
      for (std::size_t i = 0; i < ms.size(); ++i)
        results[first + i].ms = ms[i];
    }
    for (std::size_t i = first; i < results.size(); ++i) {
      const Result &r = results[i];
      std::printf("%-28s %-20s rows %5zu relL2 %.2e %s  %s%s\n",
                  r.shape.c_str(), r.kernel.c_str(), ref.rows.size(), r.relL2,
                  r.pass ? "PASS" : "FAIL",
                  s.timed ? (std::to_string(r.ms) + " ms").c_str() : "",
                  r.kernel == "cublasLt"
                      ? (" (" + cublasGemm.choice() + ")").c_str()
                      : "");
    }
  }
  cublasLtDestroy(cublas);

  // The table: per timed shape, the product's variant, the best variant
  // and cuBLASLt.
  std::printf("\n%-28s %9s %7s | %-20s %8s %7s %6s | %-20s %8s %7s %6s | "
              "%8s %7s\n",
              "shape (MxNxK epi)", "floor ms", "bound", "product", "ms",
              "TFLOP/s", "xcuBL", "best", "ms", "TFLOP/s", "xcuBL",
              "cuBL ms", "TFLOP/s");
  for (const Shape &s : shapes) {
    if (!s.timed || correctnessOnly)
      continue;
    const std::string name = shapeName(s);
    const double flops = s.flops();
    const double computeMs = flops / kPeakFlops * 1e3;
    const double memoryMs = s.bytes() / kPeakBytesPerSecond * 1e3;
    const Result *best90 = nullptr, *product = nullptr, *cublasR = nullptr;
    for (const Result &r : results) {
      if (r.shape != name)
        continue;
      if (r.kernel.rfind("sm90", 0) == 0 && (!best90 || r.ms < best90->ms))
        best90 = &r;
      if (r.kernel == productKernel(s))
        product = &r;
      if (r.kernel == "cublasLt")
        cublasR = &r;
    }
    if (!product)
      product = best90;
    auto tflops = [&](const Result *r) { return flops / (r->ms * 1e-3) / 1e12; };
    std::printf("%-28s %9.4f %7s | %-20s %8.4f %7.1f %6.2f | %-20s %8.4f "
                "%7.1f %6.2f | %8.4f %7.1f\n",
                name.c_str(), std::max(computeMs, memoryMs),
                computeMs > memoryMs ? "compute" : "memory",
                product->kernel.c_str() + 5, product->ms, tflops(product),
                cublasR->ms / product->ms, best90->kernel.c_str() + 5,
                best90->ms, tflops(best90), cublasR->ms / best90->ms,
                cublasR->ms, tflops(cublasR));
  }
  std::printf("xcuBL = cuBLASLt time / kernel time (> 1: faster than "
              "cuBLASLt). correctness: %s\n",
              allPass ? "ALL PASS" : "FAILURES");

  if (const char *out = std::getenv("OUT"); out && *out) {
    std::ofstream json(std::string(out) + "/gemm_sm90.json");
    json << "{\"device\": \"" << prop.name << "\", \"seed\": " << seed
         << ", \"results\": [\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
      const Result &r = results[i];
      json << "  {\"shape\": \"" << r.shape << "\", \"kernel\": \"" << r.kernel
           << "\", \"rel_l2\": " << (std::isnan(r.relL2) ? -1.0 : r.relL2)
           << ", \"pass\": " << (r.pass ? "true" : "false")
           << ", \"ms\": " << (std::isnan(r.ms) ? -1.0 : r.ms) << "}"
           << (i + 1 < results.size() ? ",\n" : "\n");
    }
    json << "]}\n";
  }
  return allPass ? 0 : 1;
}
