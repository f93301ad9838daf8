#include "passes/CostModel.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::xfuse;

TargetCostModel TargetCostModel::get(kernel::Target target) {
  switch (target) {
  case kernel::Target::sm_80:
    // A100 SXM: 108 SMs at 1.41 GHz, 16 SFU results per SM and clock, 163 KB
    // of shared memory per block. The mma.sync kernels use one 128x128x32
    // tile; cp.async gains little beyond 4 stages, and 4 stages of the widest
    // (gated) tile take 96 KB.
    return {target, 108, 1.5e12, 312e12, 108 * 16 * 1.41e9, 128,
            163 * 1024, 32, 4, 128, 1, 0, 0};
  case kernel::Target::sm_90a:
    // H100 SXM: copy and bf16 GEMM rates as measured on the lent H100
    // (3.0 TB/s, 782 TFLOP/s); 132 SMs at 1.755 GHz, 227 KB of shared memory
    // per block. wgmma takes 64 rows per warpgroup; 8 TMA loads in flight
    // cover the memory latency; results leave through 64-column TMA stores.
    // A main loop of up to 16 k-steps is short enough that overlapping each
    // tile's epilogue with the next tile's MMAs (ping-pong 128x128, 4
    // stages) beats the wider cooperative tile: 0.141-0.143 against
    // 0.146-0.148 ms at K = 768 in three runs, while at K = 3072 the
    // cooperative 128x256 wins, 0.110 against 0.118-0.128
    // (docs/perf-notes.md, Hopper GEMM attempts 4 and 5). Pairs of blocks
    // sharing B tiles (cluster_m = 2) ran from 4% faster to 6% slower than
    // single blocks on the FFN shapes (attempt 6), so plans do not ask for
    // them; a pinned plan can.
    return {target, 132, 3.0e12, 782e12, 132 * 16 * 1.755e9, 256,
            227 * 1024, 64, 8, 64, 1, 64, 16};
  }
  llvm_unreachable("unknown target");
}

std::optional<kernel::Target> mlir::xfuse::parseTarget(llvm::StringRef name) {
  return kernel::symbolizeTarget(name);
}

bool TargetCostModel::hasGemmElementType(Type elementType) const {
  // Both targets' kernels multiply 16-bit floats and accumulate in f32. f32
  // operands would run as tf32, which drops 13 mantissa bits that
  // xfuse.linear's f32 semantics keeps.
  return elementType.isF16() || elementType.isBF16();
}

/// The narrower of the two large-token tile widths, and the one a gated GEMM
/// or a ping-pong schedule takes.
static constexpr int64_t narrowTileN = 128;

SmallVector<int64_t, 2>
TargetCostModel::gemmTileNChoices(const GemmProblem &problem) const {
  // A consumer warpgroup holds a 64 x tile_n f32 accumulator in tile_n / 2
  // registers per thread: two 256-wide ones would take all 255 and more.
  if (problem.gated || widestTileN == narrowTileN)
    return {narrowTileN};
  // A single row of tiles (a few tokens: decode) streams the weights, and
  // the tile width decides how many multiprocessors read them. Take the
  // width whose last wave is fullest, the wider one on a tie.
  if (problem.tokens && *problem.tokens <= gemmSmallTileM) {
    auto waveEfficiency = [&](int64_t tileN) {
      int64_t tiles = llvm::divideCeilSigned(problem.outFeatures, tileN);
      int64_t waves = llvm::divideCeilSigned(tiles, multiprocessors);
      return static_cast<double>(tiles) / (waves * multiprocessors);
    };
    int64_t best = widestTileN;
    for (int64_t tileN = widestTileN / 2; tileN >= narrowTileN / 2;
         tileN /= 2)
      if (waveEfficiency(tileN) > waveEfficiency(best))
        best = tileN;
    return {best};
  }
  // A wide tile over a narrow output would be mostly padding; a short main
  // loop runs the narrow tile ping-pong (planGemm).
  if (problem.outFeatures <= narrowTileN || runsPingPong(problem, narrowTileN))
    return {narrowTileN, widestTileN};
  return {widestTileN, narrowTileN};
}

/// The split-K factor for a grid of `tiles` output tiles, each `kSteps`
/// main-loop steps long, on a grid that leaves multiprocessors idle: the
/// most parts that still run in one wave (more would start a second wave
/// and add f32 partial tiles to reduce), each keeping at least 8 steps, or
/// it spends more time filling and draining its pipeline than computing.
static int64_t chooseSplitK(int64_t tiles, int64_t kSteps,
                            int64_t multiprocessors) {
  constexpr int64_t minStepsPerSplit = 8;
  return std::max<int64_t>(
      1, std::min(multiprocessors / tiles, kSteps / minStepsPerSplit));
}

bool TargetCostModel::runsPingPong(const GemmProblem &problem,
                                   int64_t tileN) const {
  // Few tokens take the single small tile row, split along K instead.
  bool largeTileM = !problem.tokens || *problem.tokens > gemmSmallTileM;
  return largeTileM && !problem.gated && tileN == narrowTileN &&
         llvm::divideCeilSigned(problem.inFeatures, gemmTileK) <=
             gemmPingPongMaxSteps;
}

kernel::GemmPlanAttr TargetCostModel::planGemm(MLIRContext *context,
                                               const GemmProblem &problem,
                                               int64_t tileN) const {
  // Unknown token counts are assumed large: prefill and batched serving.
  std::optional<int64_t> tokens = problem.tokens;
  int64_t tileM = tokens && *tokens <= gemmSmallTileM ? gemmSmallTileM : 128;
  int64_t tileRows = tokens ? llvm::divideCeilSigned(*tokens, tileM) : 0;
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemmTileK);
  bool pingPong = runsPingPong(problem, tileN);
  int64_t splitK =
      tokens && !pingPong
          ? chooseSplitK(tileRows *
                             llvm::divideCeilSigned(problem.outFeatures, tileN),
                         kSteps, multiprocessors)
          : 1;
  // One stage holds an A tile and one B tile per projection. The staged
  // stores keep their buffers beside the pipeline (split-K slices store f32
  // partials from registers instead).
  int64_t stageBytes = (tileM + tileN * (problem.gated ? 2 : 1)) * gemmTileK *
                       problem.elementBytes;
  // Ping-pong: each of the two consumers owns whole tiles and its buffers.
  int64_t stagingBytes = splitK == 1 ? (pingPong ? 2 : 1) * 2 * tileM *
                                           gemmStoreStagingCols *
                                           problem.elementBytes
                                     : 0;
  // Ping-pong tiles keep 4 stages: a fifth fits beside the store buffers
  // but leaves the epilogue's loads almost no L1, and ran 3% slower
  // (0.148 against 0.143 ms at K = 768, two runs).
  constexpr int64_t pingPongStages = 4;
  int64_t stages = std::min(
      {pingPong ? pingPongStages : gemmMaxStages,
       (sharedMemoryPerBlock - stagingBytes) / stageBytes,
       llvm::divideCeilSigned(kSteps, splitK)});
  // A cluster multicasts the B tile to blocks of neighbouring tile rows;
  // a grid of one tile row has none.
  int64_t clusterM = !tokens || tileRows > 1 ? gemmClusterM : 1;
  // 64 rows per consumer warpgroup (sm_90a); 8 warps of mma.sync over the
  // 128-row tile (sm_80).
  int64_t warpgroups = tileM / 64;
  return kernel::GemmPlanAttr::get(
      context, target, tileM, tileN, gemmTileK, stages, warpgroups, splitK,
      clusterM,
      pingPong ? kernel::GemmSchedule::ping_pong
               : kernel::GemmSchedule::cooperative);
}

kernel::PointwisePlanAttr
TargetCostModel::planPointwise(MLIRContext *context, int64_t elementBytes,
                               int64_t rowGranularity, bool reducesRows) const {
  // 16-byte accesses, narrowed until every row starts aligned.
  int64_t vectorWidth = 16 / elementBytes;
  while (rowGranularity % vectorWidth)
    vectorWidth /= 2;
  // 8 warps per block: several blocks per SM keep enough loads in flight,
  // and a row of up to 2048 16-bit features is reduced in one sweep.
  constexpr int64_t threads = 256;
  return kernel::PointwisePlanAttr::get(context, target, threads, vectorWidth,
                                        reducesRows ? 1 : 0);
}

GemmKernelOps::GemmKernelOps(kernel::GemmOp kernel) {
  Block &body = kernel.getBodyBlock();
  llvm::append_range(products, body.getOps<LinearOp>());
  for (GateOp gate : body.getOps<GateOp>())
    if (gate.getUp().getDefiningOp() == products.front())
      std::swap(products.front(), products.back());
  auto ropes = body.getOps<RopeOp>();
  if (!ropes.empty())
    rope = *ropes.begin();
}
