// The Hopper GEMM (TMA + wgmma, Sm90Gemm.h) with its epilogues against the
// float64 reference (GemmCheck.h): both epilogue stores (staged through
// shared memory + TMA, and direct), both schedules, the gated product,
// split-K, tiles 64 to 256 wide, RoPE as the epilogue's row op, and a
// periodic source added before the epilogue (a folded encoding). m covers
// 1, 3, 127 and 4097 tokens (1, 37 and 300 under RoPE); n is a multiple of 8
// but not of the tile, so the TMA stores clip both edges. Built for sm_90a
// alone; skips on other devices.
#include "cuda/device/EpilogueRope.h"
#include "cuda/device/Sm90Gemm.h"
#include "runtime/Workspace.h"
#include "tests/gpu/GemmCheck.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace xfuse::test {
namespace {

using device::Sm90GemmTile;
using device::Sm90Schedule;
using device::Sm90Store;

/// The Hopper GEMM with Tile (split over `kSplits` k-slices when > 1), as a
/// GemmCheck.h launcher. Split launches share one Workspace's counters,
/// zeroed once: each launch relies on the previous one leaving them at zero.
template <typename Tile, int kSplits = 1> struct Sm90 {
  template <typename OutT, int kNumB, typename Epilogue>
  static cudaError_t
  launch(const device::GemmParams<__nv_bfloat16, OutT, kNumB> &params,
         const Epilogue &epilogue) {
    device::GemmSm90Params<OutT, kNumB> prepared;
    if (cudaError_t e = device::prepareGemmSm90<Tile>(params, &prepared))
      return e;
    static rt::Workspace workspace;
    if (kSplits > 1) {
      using Split = device::Sm90SplitKWorkspace<Tile, kNumB>;
      workspace.reset();
      check(workspace.reserve(Split::partialBytes(params.m, params.n, kSplits)));
      void *partials = check(workspace.carve(
          Split::partialBytes(params.m, params.n, kSplits)));
      unsigned *counters = check(workspace.zeroedCounters(
          Split::counters(params.m, params.n), nullptr));
      if (cudaError_t e = device::setGemmSm90SplitK<Tile>(&prepared, kSplits,
                                                          counters, partials))
        return e;
    }
    const cudaError_t error =
        device::launchGemmSm90<Tile>(prepared, epilogue, nullptr);
    // The workspace must outlive the launch.
    const cudaError_t synced = cudaDeviceSynchronize();
    return error != cudaSuccess ? error : synced;
  }
};

using Staged128x256 = Sm90GemmTile<128, 256, 4>;
using Direct128x256 =
    Sm90GemmTile<128, 256, 4, Sm90Schedule::kCooperative, Sm90Store::kDirect>;
using StagedPingPong = Sm90GemmTile<128, 128, 4, Sm90Schedule::kPingPong>;
using Staged64x64 = Sm90GemmTile<64, 64, 8>;
// 192 columns: wgmma n = 192, three store boxes, 96 accumulators a slice.
using Staged128x192 = Sm90GemmTile<128, 192, 4>;
using Staged64x192 = Sm90GemmTile<64, 192, 6>;
using StagedPingPong64x192 = Sm90GemmTile<64, 192, 5, Sm90Schedule::kPingPong>;
static_assert(device::Sm90StagedStore<Staged128x256, 1>::enabled(false) &&
                  device::Sm90StagedStore<StagedPingPong, 1>::enabled(false) &&
                  device::Sm90StagedStore<Sm90GemmTile<128, 128, 4>, 2>::enabled(
                      false) &&
                  device::Sm90StagedStore<Staged128x192, 1>::enabled(false) &&
                  device::Sm90StagedStore<Staged64x192, 1>::enabled(false) &&
                  device::Sm90StagedStore<StagedPingPong64x192, 1>::enabled(
                      false) &&
                  !device::Sm90StagedStore<Direct128x256, 1>::enabled(false),
              "the tiles below exercise the store they are named after");

/// Empty when device 0 runs sm_90a code, else why not.
std::string noHopperReason() {
  if (std::string reason = noCudaDeviceReason(); !reason.empty())
    return reason;
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess)
    return "cudaGetDeviceProperties(0) failed";
  if (prop.major != 9)
    return std::string(prop.name) + " is sm_" + std::to_string(prop.major) +
           std::to_string(prop.minor) + "; the Hopper GEMM needs sm_90a";
  return "";
}

#define XFUSE_REQUIRE_HOPPER()                                                 \
  if (const std::string xfuse_reason = noHopperReason(); !xfuse_reason.empty()) \
  GTEST_SKIP() << "no Hopper device: " << xfuse_reason

using bf16 = __nv_bfloat16;

TEST(Sm90Gemm, StagedStoresBiasReluResidual) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : kTokenCounts) {
    checkLinear<Sm90<Staged128x256>, bf16, bf16, Activation::kRelu>(
        rng, m, 264, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm90<Staged64x64>, bf16, bf16, Activation::kIdentity>(
        rng, m, 200, 1032, WeightLayout::kInOut, false);
  }
}

TEST(Sm90Gemm, StagedPingPongGeluF16) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : kTokenCounts)
    checkLinear<Sm90<StagedPingPong>, bf16, __half, Activation::kGelu>(
        rng, m, 200, 392, WeightLayout::kOutIn, true);
}

TEST(Sm90Gemm, DirectStoresSiluResidual) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : kTokenCounts)
    checkLinear<Sm90<Direct128x256>, bf16, bf16, Activation::kSilu>(
        rng, m, 264, 392, WeightLayout::kOutIn, true);
}

TEST(Sm90Gemm, StagedGatedSwiGlu) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : kTokenCounts)
    checkGated<Sm90<Sm90GemmTile<128, 128, 4>>, bf16, bf16, Activation::kSilu>(
        rng, m, 200, 1032, WeightLayout::kOutIn);
}

// Clusters of two blocks along M, each loading half of every B tile into
// both. Token counts with an odd number of row tiles leave the second block
// of the last cluster a tile past m, which it must run (it still loads its
// half of B) without writing.
template <int kBlockN, Sm90Schedule kSchedule, Sm90Store kStore>
using Cluster = Sm90GemmTile<128, kBlockN, 4, kSchedule, kStore, 2>;

TEST(Sm90Gemm, ClusterPairsShareB) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : {1, 127, 129, 300, 513}) {
    checkLinear<
        Sm90<Cluster<256, Sm90Schedule::kCooperative, Sm90Store::kStaged>>,
        bf16, bf16, Activation::kRelu>(rng, m, 520, 392,
                                               WeightLayout::kOutIn, true);
    checkLinear<
        Sm90<Cluster<256, Sm90Schedule::kCooperative, Sm90Store::kDirect>>,
        bf16, bf16, Activation::kIdentity>(rng, m, 264, 200,
                                                   WeightLayout::kInOut, false);
    checkLinear<Sm90<Cluster<128, Sm90Schedule::kPingPong, Sm90Store::kStaged>>,
                bf16, bf16, Activation::kGelu>(rng, m, 392, 1032,
                                               WeightLayout::kOutIn, true);
    checkGated<
        Sm90<Cluster<128, Sm90Schedule::kCooperative, Sm90Store::kStaged>>,
        bf16, bf16, Activation::kSilu>(rng, m, 200, 1032,
                                              WeightLayout::kOutIn);
  }
}

// A cluster tile's split-K launch runs without clusters, loading both
// halves of each B tile itself.
TEST(Sm90Gemm, ClusterTileSplitKRunsUnclustered) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : {1, 127})
    checkLinear<
        Sm90<Cluster<128, Sm90Schedule::kCooperative, Sm90Store::kStaged>, 3>,
        bf16, bf16, Activation::kRelu>(rng, m, 200, 1032,
                                               WeightLayout::kOutIn, true);
}

TEST(Sm90Gemm, SplitKStoresDirectly) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : {1, 3, 127})
    checkLinear<Sm90<Staged64x64, 3>, bf16, bf16, Activation::kRelu>(
        rng, m, 200, 1032, WeightLayout::kOutIn, true);
}

TEST(Sm90Gemm, Tile192StagedCooperativeAndPingPong) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : kTokenCounts) {
    checkLinear<Sm90<Staged128x192>, bf16, bf16, Activation::kRelu>(
        rng, m, 520, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm90<StagedPingPong64x192>, bf16, __half, Activation::kGelu>(
        rng, m, 200, 1032, WeightLayout::kInOut, true);
  }
}

TEST(Sm90Gemm, Tile192ClusterPairsAndSplitK) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : {1, 129, 300})
    checkLinear<
        Sm90<Cluster<192, Sm90Schedule::kCooperative, Sm90Store::kStaged>>,
        bf16, bf16, Activation::kIdentity>(rng, m, 392, 200,
                                           WeightLayout::kOutIn, false);
  for (int m : {1, 127})
    checkLinear<Sm90<Staged64x192, 3>, bf16, bf16, Activation::kRelu>(
        rng, m, 200, 1032, WeightLayout::kOutIn, true);
}

// ---- RoPE in the epilogue ----------------------------------------------------

using device::RopeRowOp;
using device::RopeStyle;

/// Every token grid with explicit and implicit positions.
template <typename Tile, typename Rope, RopeProjection kProjection>
void ropeSweep(Random &rng, int heads, int k) {
  for (TokenGrid grid : kRopeTokenGrids)
    for (bool explicitPositions : {true, false})
      checkRope<Sm90<Tile>, bf16, bf16, Rope, kProjection>(rng, grid, heads, k,
                                                           explicitPositions);
}

// Two heads per tile share each angle; n = 3 heads leaves the second
// column tile half past n. The cooperative tiles prepare the rotations
// beside the main loop when it has more k-tiles than prepare steps (16
// here: 2 rows of 8), else after it: k = 392 takes 7 k-tiles, 2056 takes 33
// (the last one partial).
TEST(Sm90GemmRope, NeoxHead128StagedBias) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int k : {392, 2056})
    ropeSweep<Staged128x256,
              RopeRowOp<128, 128, RopeStyle::kNeox, std::int64_t>,
              RopeProjection::kBias>(rng, 3, k);
}

// 8 prepare steps (2 rows of 4): k = 200 takes 4 k-tiles, 1032 takes 17.
TEST(Sm90GemmRope, GptjHead64Direct) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int k : {200, 1032})
    ropeSweep<Direct128x256, RopeRowOp<64, 64, RopeStyle::kGptj, std::int32_t>,
              RopeProjection::kPlain>(rng, 6, k);
}

// Half the head rotated: channels 64..127 pass through.
TEST(Sm90GemmRope, PartialNeoxHead128PingPong) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  ropeSweep<StagedPingPong, RopeRowOp<128, 64, RopeStyle::kNeox, std::int64_t>,
            RopeProjection::kBias>(rng, 3, 1032);
}

TEST(Sm90GemmRope, NeoxHead96Tile192) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  ropeSweep<Staged64x192, RopeRowOp<96, 96, RopeStyle::kNeox, std::int32_t>,
            RopeProjection::kPlain>(rng, 5, 392);
}

// rotary_dim 100 cuts an 8-column block: its lanes 0, 1 rotate, 2, 3 pass.
TEST(Sm90GemmRope, PartialGptjHead192PingPongTile192) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  ropeSweep<StagedPingPong64x192,
            RopeRowOp<192, 100, RopeStyle::kGptj, std::int64_t>,
            RopeProjection::kBias>(rng, 3, 200);
}

TEST(Sm90GemmRope, GatedSiluNeoxHead64) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  ropeSweep<Sm90GemmTile<128, 128, 4>,
            RopeRowOp<64, 64, RopeStyle::kNeox, std::int64_t>,
            RopeProjection::kGatedSilu>(rng, 3, 392);
}

// A row op needs each tile's whole sum: a split launch is refused.
TEST(Sm90GemmRope, RejectsSplitK) {
  XFUSE_REQUIRE_HOPPER();
  const rt::DeviceBuffer operands =
      check(rt::DeviceBuffer::allocate(1 << 20));
  device::GemmParams<bf16, bf16, 1> params{
      operands.as<bf16>(), {operands.as<bf16>()}, operands.as<bf16>(),
      64, 256, 256};
  device::GemmSm90Params<bf16, 1> prepared;
  ASSERT_EQ(device::prepareGemmSm90<Staged128x256>(params, &prepared),
            cudaSuccess);
  ASSERT_EQ(device::setGemmSm90SplitK<Staged128x256>(
                &prepared, 2, operands.as<unsigned>(), operands.data()),
            cudaSuccess);
  const RopeRowOp<128, 128, RopeStyle::kNeox, std::int64_t> rope{
      operands.as<float2>(), 1.0f, {nullptr, 1}};
  EXPECT_EQ(device::launchGemmSm90<Staged128x256>(
                prepared,
                device::makeWithRowOp(
                    EpilogueChain<device::BiasAdd<bf16>>(
                        device::BiasAdd<bf16>{operands.as<bf16>()}),
                    rope),
                nullptr),
            cudaErrorInvalidValue);
}

/// relu(x.W + bias + S[row % period]) through a WithPeriodicSource epilogue,
/// against float64: the source of each consumer's rows staged by TMA in its
/// store buffers while its main loop runs. m and n off the tile, so that
/// the source boxes and the stores clip.
template <typename Tile>
void checkPeriodicSource(Random &rng, int m, int n, int k, int period) {
  SCOPED_TRACE("m=" + std::to_string(m) + " n=" + std::to_string(n) +
               " k=" + std::to_string(k) + " period=" + std::to_string(period));
  const std::vector<bf16> x =
      rng.values<bf16>(static_cast<std::size_t>(m) * k, -1, 1);
  const std::vector<bf16> bias = rng.values<bf16>(n, -0.5, 0.5);
  const std::vector<bf16> source =
      rng.values<bf16>(static_cast<std::size_t>(period) * n, -1, 1);
  const Weight<bf16> w = makeWeight<bf16>(rng, n, k, WeightLayout::kOutIn);
  const rt::DeviceBuffer dx = upload(x), dbias = upload(bias),
                         dsource = upload(source);
  const rt::DeviceBuffer y =
      poisonedOutput<bf16>(static_cast<std::size_t>(m) * n);
  const device::GemmParams<bf16, bf16, 1> params{
      dx.as<bf16>(), {static_cast<const bf16 *>(w.packed.data())}, y.as<bf16>(),
      m, n, k};
  device::GemmSm90Params<bf16, 1> prepared;
  ASSERT_EQ(device::prepareGemmSm90<Tile>(params, &prepared), cudaSuccess);
  ASSERT_EQ(device::setGemmSm90PeriodicSource<Tile>(
                &prepared, dsource.as<bf16>(), period),
            cudaSuccess);
  const auto epilogue = device::withPeriodicSource(device::makeEpilogueChain(
      device::BiasAdd<bf16>{dbias.as<bf16>()},
      device::Activate<Activation::kRelu>{}));
  ASSERT_EQ(device::launchGemmSm90<Tile>(prepared, epilogue, nullptr),
            cudaSuccess);
  synchronizeAndCheck();

  std::vector<bf16> repeated(static_cast<std::size_t>(m) * n);
  for (int row = 0; row < m; ++row)
    std::copy_n(source.begin() + static_cast<std::size_t>(row % period) * n,
                n, repeated.begin() + static_cast<std::size_t>(row) * n);
  const reference::Tensor refBias = toReference(bias, {n});
  const reference::Tensor expected = reference::activation(
      reference::add(reference::linear(toReference(x, {m, k}), w.reference,
                                       &refBias, reference::WeightLayout::OutIn),
                     toReference(repeated, {m, n})),
      reference::Activation::Relu);
  expectMatches(download<bf16>(y, static_cast<std::size_t>(m) * n), expected,
                gemmTolerance<bf16>());
}

// Ping-pong (one consumer per 128-row tile), cooperative (64 rows each, a
// period that is not a multiple of the tile), and 64-wide tiles (one box a
// tile: the buffers alternate between tiles).
TEST(Sm90GemmPeriodicSource, PingPongCooperativeAndNarrow) {
  XFUSE_REQUIRE_HOPPER();
  Random rng;
  for (int m : {1, 300, 4097}) {
    checkPeriodicSource<StagedPingPong>(rng, m, 200, 392, 256);
    checkPeriodicSource<Sm90GemmTile<128, 128, 4>>(rng, m, 200, 392, 192);
    checkPeriodicSource<Staged64x64>(rng, m, 200, 1032, 64);
  }
}

TEST(Sm90GemmPeriodicSource, RejectsWhatTheBuffersCannotHold) {
  XFUSE_REQUIRE_HOPPER();
  const rt::DeviceBuffer operands = check(rt::DeviceBuffer::allocate(1 << 20));
  device::GemmParams<bf16, bf16, 1> params{
      operands.as<bf16>(), {operands.as<bf16>()}, operands.as<bf16>(),
      256, 256, 256};
  device::GemmSm90Params<bf16, 1> pingPong, wide;
  ASSERT_EQ(device::prepareGemmSm90<StagedPingPong>(params, &pingPong),
            cudaSuccess);
  ASSERT_EQ(device::prepareGemmSm90<Staged128x256>(params, &wide),
            cudaSuccess);
  // A ping-pong consumer stores 128 rows: a period of 64 would wrap.
  EXPECT_EQ(device::setGemmSm90PeriodicSource<StagedPingPong>(
                &pingPong, operands.as<bf16>(), 64),
            cudaErrorInvalidValue);
  // 256 columns do not fit a consumer's two 64-column buffers.
  EXPECT_EQ(device::setGemmSm90PeriodicSource<Staged128x256>(
                &wide, operands.as<bf16>(), 128),
            cudaErrorInvalidValue);
  // A launch whose epilogue adds a source that was never set.
  EXPECT_EQ(device::launchGemmSm90<StagedPingPong>(
                pingPong, device::withPeriodicSource(EpilogueChain<>()),
                nullptr),
            cudaErrorInvalidValue);
}

} // namespace
} // namespace xfuse::test
