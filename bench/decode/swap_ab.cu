// The swapped-operand GEMM for the few-token GEMMs of decode (C^T = W . X^T,
// cuda/device/Sm90SwapAbGemm.h: the weights as wgmma's A operand, the
// tokens as its B operand, split-K in clusters) on the four decode GEMMs,
// at a few tiles, stage counts and splits.
//
// Timed against the weight-streaming plan the cost model took before it
// (the "shipped" one, per M), cuBLASLt
// (the fastest of its heuristic's candidates) and the kernel that only
// streams the weights, interleaved: each round times every variant, the
// result is the median over all rounds. Every output (NaN-poisoned C, fresh
// random inputs, the seed printed) is checked on all M rows against float64.
// Prints one line per variant and a summary per GEMM and M; writes
// $OUT/swap_ab[.<filter>].json when OUT is set. Exits non-zero on any
// failure.
#include "bench/common/BenchSupport.h"
#include "bench/decode/DecodeGemms.h"
#include "cuda/device/Launch.h"
#include "cuda/device/Sm90SwapAbGemm.h"
#include "runtime/CudaResources.h"

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
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace xfuse;
using namespace xfuse::bench;
namespace sm90 = xfuse::device::sm90;

constexpr int kTokenCounts[] = {1, 2, 4, 8, 16, 32, 64};
constexpr int kCublasLtCandidates = 8;
constexpr int kRounds = 5;
constexpr int kWarmupPerRound = 3;
constexpr int kTimedPerRound = 12;

// ---- the swapped kernel (cuda/device/Sm90SwapAbGemm.h) ---------------------

/// The most stages up to `wanted` of a swapped tile of `features` x
/// `tokens` with `products` weight operands that fit `blocksPerSm` blocks
/// on one SM.
constexpr int stagesThatFit(int wanted, int tokens, int features, int products,
                            int blocksPerSm = 1) {
  const std::int64_t budget = std::min(
      gemm::kSm90MaxSharedBytes, gemm::kSm90SharedBytesPerSm / blocksPerSm -
                                     gemm::kSm90ReservedSharedBytes);
  int stages = wanted;
  while (stages > 2 && gemm::sm90SwappedRingBytes(tokens, features, stages,
                                                  products) > budget)
    --stages;
  return stages;
}

/// Whether all clusters of a split launch of `kernel` are resident at once
/// (each block runs one unit: a second wave would be a second unit per SM).
template <typename Tile, typename Kernel>
bool clustersFitOneWave(Kernel kernel, std::size_t smemBytes, int tiles,
                        int splits) {
  CUDA_CHECK(cudaFuncSetAttribute(kernel,
                                  cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  static_cast<int>(smemBytes)));
  cudaLaunchAttribute attributes[2];
  const cudaLaunchConfig_t config =
      device::launchConfig({dim3(splits, tiles), dim3(Tile::kThreads),
                            smemBytes, static_cast<unsigned>(splits)},
                           nullptr, /*dependent=*/false, attributes);
  int clusters = 0;
  CUDA_CHECK(cudaOccupancyMaxActiveClusters(&clusters, kernel, &config));
  return tiles <= clusters;
}

/// The swapped GEMM of M tokens in `splits` k-slices for tile `Tile`.
template <typename Tile, Epi kEpi>
Launch swapLaunch(const GemmShape &s, const Operands &ops, int m, int splits) {
  constexpr int kNumB = kEpi == Epi::kSwiGLU ? 2 : 1;
  device::GemmParams<bf16, bf16, kNumB> params{};
  params.a = ops.a.as<bf16>();
  for (int i = 0; i < kNumB; ++i)
    params.b[i] = ops.b.as<bf16>() + std::size_t(i) * s.n * s.k;
  params.c = ops.c.as<bf16>();
  params.m = m;
  params.n = s.n;
  params.k = s.k;
  if (const char *reason =
          device::gemmSm90SwapAbUnsupportedReason<Tile>(params, splits))
    fail(s.name() + ": " + reason);
  const auto epilogue = makeEpilogue<kEpi>(ops.bias.as<bf16>());
  return [params, splits, epilogue](cudaStream_t stream) {
    CUDA_CHECK(
        device::launchGemmSm90SwapAb<Tile>(params, splits, epilogue, stream));
  };
}

struct Variant {
  Variant(std::string name, int features, int tokens, int stages, int splits,
          Launch launch, bool computes = true)
      : name(std::move(name)), features(features), tokens(tokens),
        stages(stages), splits(splits), launch(std::move(launch)),
        computes(computes) {}

  std::string name;
  /// The tile's output features and tokens of a GEMM variant (0 for
  /// cuBLASLt and the floor), its stages and split-K.
  int features, tokens, stages, splits;
  Launch launch;
  /// Whether its output is checked (the floor computes none).
  bool computes;
  double relL2 = NAN;
  bool pass = false;
  std::vector<double> samples;

  double medianMs() const {
    std::vector<double> sorted = samples;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2,
                     sorted.end());
    return sorted[sorted.size() / 2];
  }
};

/// The swapped variants of one token width: 64 and 128 features per block
/// at a few ring depths (as many stages as fit, up to those); each unsplit
/// and in clusters of 2, 4 and 8 k-slices of at least 8 k-steps where all
/// of the launch's blocks are resident at once.
template <int kTokens, Epi kEpi>
void addSwapVariants(std::vector<Variant> &variants, const GemmShape &s,
                     const Operands &ops, int m) {
  constexpr int kNumB = kEpi == Epi::kSwiGLU ? 2 : 1;
  const int kSteps = int((s.k + gemm::kSm90TileK - 1) / gemm::kSm90TileK);
  std::set<std::pair<int, int>> added; // (features, stages)
  auto add = [&](auto tile) {
    using Tile = decltype(tile);
    if (!added.insert({Tile::kFeatures, Tile::kStages}).second)
      return;
    using Epilogue = decltype(makeEpilogue<kEpi>(nullptr));
    auto *kernel = device::gemmSm90SwapAbKernel<Tile, bf16, kNumB, Epilogue>;
    const std::size_t smemBytes =
        device::Sm90SwapAbRing<Tile, kNumB>::kSmemBytes;
    const int tiles = s.n / Tile::kFeatures;
    for (int split : {1, 2, 4, 8}) {
      if (split > 1 &&
          (kSteps / split < 8 ||
           !clustersFitOneWave<Tile>(kernel, smemBytes, tiles, split)))
        continue;
      variants.emplace_back(
          "swap " + std::to_string(Tile::kFeatures) + "f x " +
              std::to_string(kTokens) + "t s" + std::to_string(Tile::kStages) +
              (split > 1 ? " split " + std::to_string(split) : ""),
          Tile::kFeatures, kTokens, Tile::kStages, split,
          swapLaunch<Tile, kEpi>(s, ops, m, split));
    }
  };
  // The cost model's rule where two blocks share an SM.
  add(device::Sm90SwapAbTile<kTokens, 64,
                             stagesThatFit(12, kTokens, 64, kNumB, 2)>{});
  add(device::Sm90SwapAbTile<kTokens, 64,
                             stagesThatFit(6, kTokens, 64, kNumB)>{});
  add(device::Sm90SwapAbTile<kTokens, 64,
                             stagesThatFit(12, kTokens, 64, kNumB)>{});
  add(device::Sm90SwapAbTile<kTokens, 128,
                             stagesThatFit(4, kTokens, 128, kNumB)>{});
  add(device::Sm90SwapAbTile<kTokens, 128,
                             stagesThatFit(8, kTokens, 128, kNumB)>{});
}

template <Epi kEpi>
void addSwapVariants(std::vector<Variant> &variants, const GemmShape &s,
                     const Operands &ops, int m) {
  if (m <= 8)
    addSwapVariants<8, kEpi>(variants, s, ops, m);
  else if (m <= 16)
    addSwapVariants<16, kEpi>(variants, s, ops, m);
  else if (m <= 32)
    addSwapVariants<32, kEpi>(variants, s, ops, m);
  else
    addSwapVariants<64, kEpi>(variants, s, ops, m);
}

/// The plan the cost model gives (passes/CostModel.cpp, weightStreamingPlans
/// and tmaWgmmaPlan; docs/perf-notes.md "Decode plans") for M <= 64.
TileVariant shippedTile(const GemmShape &s, int m, int *splits) {
  *splits = 1;
  switch (s.epi) {
  case Epi::kReluBias:
    return tileVariant<64, 128, 8, Epi::kReluBias>();
  case Epi::kSwiGLU:
    return tileVariant<64, 128, 5, Epi::kSwiGLU>();
  case Epi::kBias:
    *splits = m <= 32 ? 4 : 2;
    return m <= 32 ? tileVariant<64, 128, 9, Epi::kBias>()
                   : tileVariant<64, 64, 14, Epi::kBias>();
  case Epi::kNone:
    *splits = m <= 32 ? 4 : 2;
    return m <= 32 ? tileVariant<64, 128, 9, Epi::kNone>()
                   : tileVariant<64, 64, 14, Epi::kNone>();
  }
  fail("no shipped plan");
}

/// Reads the weights once with `blocksPerSm` x SMs blocks of 512 threads,
/// 8 loads in flight per thread.
Launch floorLaunch(const GemmShape &s, const Operands &ops, int blocks,
                   unsigned *sink) {
  const auto *data = static_cast<const uint4 *>(ops.b.data());
  const std::size_t vectors = std::size_t(s.weightBytes()) / 16;
  return [=](cudaStream_t stream) {
    streamWeights<8><<<blocks, 512, 0, stream>>>(data, vectors, sink);
    CUDA_CHECK(cudaGetLastError());
  };
}

/// Times every variant in kRounds rounds: in each, every variant runs
/// kWarmupPerRound calls, then kTimedPerRound calls between events.
void timeInterleaved(std::vector<Variant> &variants, cudaStream_t stream) {
  std::vector<rt::Event> events;
  for (int i = 0; i <= kTimedPerRound; ++i)
    events.push_back(check(rt::Event::create()));
  for (int round = 0; round < kRounds; ++round)
    for (Variant &v : variants) {
      for (int i = 0; i < kWarmupPerRound; ++i)
        v.launch(stream);
      check(events[0].record(stream));
      for (int i = 0; i < kTimedPerRound; ++i) {
        v.launch(stream);
        check(events[i + 1].record(stream));
      }
      check(events.back().synchronize());
      for (int i = 0; i < kTimedPerRound; ++i)
        v.samples.push_back(check(events[i + 1].millisecondsSince(events[i])));
    }
}

/// One variant's outcome at one GEMM and M, for the JSON.
struct Row {
  std::string gemm;
  int m;
  std::string variant;
  int features, tokens, stages, splits;
  double relL2;
  bool pass;
  double ms;
};

void writeJson(const std::string &path, const cudaDeviceProp &prop,
               std::uint64_t seed, const std::vector<Row> &rows) {
  std::ofstream json(path);
  json << "{\"device\": \"" << prop.name << "\", \"seed\": " << seed
       << ", \"results\": [\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row &r = rows[i];
    json << "  {\"gemm\": \"" << r.gemm << "\", \"m\": " << r.m
         << ", \"variant\": \"" << r.variant
         << "\", \"features\": " << r.features << ", \"tokens\": " << r.tokens
         << ", \"stages\": " << r.stages << ", \"split_k\": " << r.splits
         << ", \"rel_l2\": " << (std::isnan(r.relL2) ? -1.0 : r.relL2)
         << ", \"pass\": " << (r.pass ? "true" : "false")
         << ", \"ms\": " << r.ms << "}" << (i + 1 < rows.size() ? ",\n" : "\n");
  }
  json << "]}\n";
}

} // namespace

/// Usage: xfuse_decode_swap_ab [gemm-name-substring]
int main(int argc, char **argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const cudaDeviceProp prop = hopperDevice();
  const int sms = prop.multiProcessorCount;
  const std::uint64_t seed = printedSeed();
  const rt::Stream stream = check(rt::Stream::create());
  cublasLtHandle_t cublas;
  CUBLAS_CHECK(cublasLtCreate(&cublas));
  rt::DeviceBuffer sink = check(rt::DeviceBuffer::allocate(4));

  std::vector<Row> rows;
  bool allPass = true;
  const std::vector<GemmShape> &gemms = decodeGemms();
  for (std::size_t gi = 0; gi < gemms.size(); ++gi) {
    const GemmShape &s = gemms[gi];
    if (!only.empty() && s.name().find(only) == std::string::npos)
      continue;
    const Operands ops = makeOperands(s, seed + 7919 * gi);
    const std::vector<double> ref = computeReference(s, ops);
    rt::DeviceBuffer gateUp;
    if (s.epi == Epi::kSwiGLU)
      gateUp = check(
          rt::DeviceBuffer::allocate(std::size_t(kMaxTokens) * 2 * s.n * 2));
    for (int m : kTokenCounts) {
      std::vector<Variant> variants;
      switch (s.epi) {
      case Epi::kReluBias:
        addSwapVariants<Epi::kReluBias>(variants, s, ops, m);
        break;
      case Epi::kBias:
        addSwapVariants<Epi::kBias>(variants, s, ops, m);
        break;
      case Epi::kSwiGLU:
        addSwapVariants<Epi::kSwiGLU>(variants, s, ops, m);
        break;
      case Epi::kNone:
        addSwapVariants<Epi::kNone>(variants, s, ops, m);
        break;
      }
      int shippedSplits = 1;
      const TileVariant shipped = shippedTile(s, m, &shippedSplits);
      variants.emplace_back(
          "shipped " + shipped.name() +
              (shippedSplits > 1 ? " split " + std::to_string(shippedSplits)
                                 : ""),
          shipped.blockM, shipped.blockN, shipped.stages, shippedSplits,
          shipped.make(s, ops, m, shippedSplits));
      std::string choice;
      Launch peer = cublasLtLaunch(cublas, s, ops, m, kCublasLtCandidates,
                                   gateUp, stream.get(), &choice);
      variants.emplace_back("cublasLt " + choice, 0, 0, 0, 0, std::move(peer));
      for (int blocksPerSm : {2, 4})
        variants.emplace_back(
            "stream " + std::to_string(blocksPerSm) + " blocks/SM", 0, 0, 0, 0,
            floorLaunch(s, ops, blocksPerSm * sms, sink.as<unsigned>()),
            /*computes=*/false);

      for (Variant &v : variants) {
        if (!v.computes) {
          v.pass = true;
          continue;
        }
        fillNaN<<<1024, 256, 0, stream.get()>>>(ops.c.as<bf16>(),
                                                std::size_t(m) * s.n);
        CUDA_CHECK(cudaGetLastError());
        v.launch(stream.get());
        check(stream.synchronize());
        v.relL2 = relativeError(s, ops, ref, m);
        v.pass = !std::isnan(v.relL2) && v.relL2 <= kTolerance;
        allPass = allPass && v.pass;
      }
      timeInterleaved(variants, stream.get());

      const Variant *bestSwap = nullptr, *shippedV = nullptr, *lt = nullptr,
                    *floor = nullptr;
      for (const Variant &v : variants) {
        std::printf("%-20s m %3d %-34s relL2 %.2e %s %.4f ms, %.2f TB/s\n",
                    s.name().c_str(), m, v.name.c_str(), v.relL2,
                    v.pass ? "PASS" : "FAIL", v.medianMs(),
                    s.weightBytes() / v.medianMs() / 1e9);
        rows.push_back({s.name(), m, v.name, v.features, v.tokens, v.stages,
                        v.splits, v.relL2, v.pass, v.medianMs()});
        if (!v.pass)
          continue;
        if (v.name.rfind("swap", 0) == 0) {
          if (!bestSwap || v.medianMs() < bestSwap->medianMs())
            bestSwap = &v;
        } else if (v.name.rfind("shipped", 0) == 0) {
          shippedV = &v;
        } else if (v.name.rfind("cublasLt", 0) == 0) {
          lt = &v;
        } else if (!floor || v.medianMs() < floor->medianMs()) {
          floor = &v;
        }
      }
      if (bestSwap && shippedV && lt && floor)
        std::printf("SUMMARY %-20s m %3d | best swap %-32s %.4f | shipped "
                    "%.4f | cublasLt %.4f | stream %.4f | shipped/swap %.2f "
                    "cublasLt/swap %.2f floor/swap %.2f\n",
                    s.name().c_str(), m, bestSwap->name.c_str(),
                    bestSwap->medianMs(), shippedV->medianMs(), lt->medianMs(),
                    floor->medianMs(),
                    shippedV->medianMs() / bestSwap->medianMs(),
                    lt->medianMs() / bestSwap->medianMs(),
                    floor->medianMs() / bestSwap->medianMs());
    }
  }
  cublasLtDestroy(cublas);

  if (const char *out = std::getenv("OUT"); out && *out)
    writeJson(std::string(out) + "/swap_ab" + (only.empty() ? "" : "." + only) +
                  ".json",
              prop, seed, rows);
  std::printf("correctness: %s\n", allPass ? "ALL PASS" : "FAILURES");
  return allPass ? 0 : 1;
}
