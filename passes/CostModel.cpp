#include "passes/CostModel.h"

#include "dialect/kernel/GemmConfig.h"
#include "dialect/kernel/TensorSizes.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>
#include <tuple>

using namespace mlir;
using namespace mlir::xfuse;
using kernel::GemmMainloop;
using kernel::GemmPlanAttr;

namespace gemm = ::xfuse::gemm;

GemmProblem GemmProblem::get(ArrayRef<LinearOp> products,
                             RopeOp epilogueRope, Operation *prologue) {
  LinearOp product = products.front();
  auto input = cast<RankedTensorType>(product.getInput().getType());
  GemmProblem problem;
  ArrayRef<int64_t> tokenDims = input.getShape().drop_back();
  // A count past int64 saturates: no block runs it either.
  if (llvm::none_of(tokenDims, ShapedType::isDynamic))
    problem.tokens = kernel::staticProduct(tokenDims).value_or(
        std::numeric_limits<int64_t>::max());
  problem.inFeatures = input.getShape().back();
  problem.outFeatures = product.getType().getShape().back();
  problem.elementType = input.getElementType();
  problem.products = products.size();
  problem.epilogueRope = epilogueRope;
  if (prologue)
    problem.foldedPositions = kernel::foldedPositions(prologue);
  return problem;
}

TargetCostModel TargetCostModel::get(kernel::Target target) {
  switch (target) {
  case kernel::Target::sm_80:
    return {target, /*multiprocessors=*/108}; // A100 SXM
  case kernel::Target::sm_90a:
    return {target, /*multiprocessors=*/132}; // H100 SXM
  }
  llvm_unreachable("unknown target");
}

GemmMainloop TargetCostModel::gemmMainloop(Type elementType) const {
  // f32 operands on the tensor cores would run as tf32, which drops 13
  // mantissa bits that xfuse.linear's f32 semantics keeps.
  if (elementType.isF32())
    return GemmMainloop::simt;
  // The Hopper main loop is bf16's (GemmLimits.h).
  return target == kernel::Target::sm_90a && elementType.isBF16()
             ? GemmMainloop::tma_wgmma
             : GemmMainloop::mma_sync;
}

namespace {

/// Whether the main loop of `plan` runs `problem`, its epilogue RoPE
/// included (a folded encoding is checked by planGemm).
bool runs(GemmPlanAttr plan, const GemmProblem &problem) {
  gemm::Config config =
      kernel::getGemmConfig(plan, problem.products, problem.elementType);
  RopeOp rope = problem.epilogueRope;
  return !gemm::unsupportedReason(config) &&
         !gemm::problemUnsupportedReason(config, problem.outFeatures,
                                         problem.inFeatures) &&
         !gemm::rowsUnsupportedReason(config, problem.tokens.value_or(-1)) &&
         (!rope || (kernel::ropeHeadsWithinRows(rope, problem.outFeatures) &&
                    !kernel::epilogueRopeUnsupportedReason(config, rope)));
}

/// Main-loop steps that each split-K slice keeps at least, or it spends
/// more time filling and draining its pipeline than computing.
constexpr int64_t kMinStepsPerSplit = 8;

/// The split-K factor for a grid of `tiles` output tiles, each `kSteps`
/// main-loop steps long, on a grid that leaves multiprocessors idle: the
/// most parts that still run in one wave (more would start a second wave
/// and add f32 partial tiles to reduce).
int64_t chooseSplitK(int64_t tiles, int64_t kSteps, int64_t multiprocessors) {
  // No tokens, no tiles: an empty call, which launches nothing.
  if (tiles == 0)
    return 1;
  return std::max<int64_t>(
      1, std::min(multiprocessors / tiles, kSteps / kMinStepsPerSplit));
}

/// The main-loop steps of the busiest block of a persistent Hopper GEMM
/// launch: the work units (tile, k-slice) go round robin, slice-major, to
/// min(units, multiprocessors) blocks, slice s of `splits` covering k-steps
/// [kSteps s / splits, kSteps (s + 1) / splits) (Sm90TileScheduler.h).
int64_t busiestBlockSteps(int64_t tiles, int64_t kSteps, int64_t splits,
                          int64_t multiprocessors) {
  int64_t units = tiles * splits;
  int64_t blocks = std::min(units, multiprocessors);
  int64_t busiest = 0;
  for (int64_t block = 0; block < blocks; ++block) {
    int64_t steps = 0;
    for (int64_t unit = block; unit < units; unit += blocks) {
      int64_t slice = unit / tiles;
      steps += kSteps * (slice + 1) / splits - kSteps * slice / splits;
    }
    busiest = std::max(busiest, steps);
  }
  return busiest;
}

/// The Hopper plan of a tile_m x tile_n tile split in `split`, with the
/// most stages up to `maxStages` (and no more than a slice has steps) that
/// fit beside its store buffers. Unsplit tiles stage their results through
/// shared memory beside the ring; split slices store f32 partials from
/// registers.
GemmPlanAttr tmaWgmmaPlan(MLIRContext *context, const GemmProblem &problem,
                          int64_t tileM, int64_t tileN, int64_t split,
                          bool pingPong, int64_t maxStages) {
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemm::kSm90TileK);
  int64_t staging =
      split == 1 ? gemm::sm90StagedStoreBytes(tileM, pingPong) : 0;
  int64_t stages = std::clamp<int64_t>(llvm::divideCeilSigned(kSteps, split),
                                       2, maxStages);
  while (stages > 2 &&
         gemm::sm90RingBytes(tileM, tileN, stages, problem.products) +
                 staging >
             gemm::kSm90MaxSharedBytes)
    --stages;
  // Pairs of blocks sharing B tiles (cluster_m = 2) measured no faster than
  // single blocks on the FFN shapes (attempt 6), so plans do not ask for
  // them; a pinned plan can.
  return GemmPlanAttr::get(
      context, kernel::Target::sm_90a, GemmMainloop::tma_wgmma, tileM, tileN,
      gemm::kSm90TileK, stages, /*warpgroups=*/pingPong ? 2 : tileM / 64,
      std::nullopt, std::nullopt, split, /*cluster_m=*/1,
      pingPong ? kernel::GemmSchedule::ping_pong
               : kernel::GemmSchedule::cooperative,
      kernel::GemmPrologue::none);
}

/// Up to this many tokens (one row of 128-row tiles) a GEMM streams its
/// weights: planGemm weighs its plans by how they spread the weights over
/// the multiprocessors (weightStreamingPlans).
constexpr int64_t kWeightStreamingTokens = 128;

/// The candidate plans of a GEMM of `tokens` <= kWeightStreamingTokens on
/// the Hopper main loop (decode), for planGemm's streaming cost. Measured on
/// the decode FFNs (docs/perf-notes.md, "Decode plans"):
///  - one row of tiles: 64 rows for up to 64 tokens, else 128;
///  - 128 or 64 columns; 256 and 192 only for a RoPE epilogue whose heads
///    need them (256 ran 5-35% slower at every token count);
///  - as many stages as fit: weight bytes in flight (64x64 tiles over
///    K = 16384: 12 stages ran up to 15% faster than 8);
///  - split-K within one wave only: a block that runs two split units took
///    1.3-3x as long as the unsplit launch.
SmallVector<GemmPlanAttr> weightStreamingPlans(MLIRContext *context,
                                               const GemmProblem &problem,
                                               int64_t multiprocessors) {
  int64_t tileM = *problem.tokens <= 64 ? 64 : 128;
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemm::kSm90TileK);
  SmallVector<GemmPlanAttr> plans;
  for (int64_t tileN : {128, 64, 256, 192}) {
    int64_t tiles = llvm::divideCeilSigned(problem.outFeatures, tileN);
    int64_t maxSplit = chooseSplitK(tiles, kSteps, multiprocessors);
    for (int64_t split = 1; split <= maxSplit; ++split)
      plans.push_back(tmaWgmmaPlan(context, problem, tileM, tileN, split,
                                   /*pingPong=*/false,
                                   std::numeric_limits<int64_t>::max()));
  }
  return plans;
}

/// Most stages of a swapped plan: 12 streamed the long-K down GEMMs faster
/// than 6 with one block per SM.
constexpr int64_t kMaxSwappedStages = 12;

/// The plan of the swapped Hopper main loop (the weights as wgmma's A
/// operand, the tokens as its n) for a static count of up to 64 tokens
/// without an epilogue RoPE, or null. On the decode GEMMs (d 4096, dff
/// 14336/16384, plain, gated and down; docs/perf-notes.md, "Swapped
/// operands") it ran 1.00-1.35x as fast as the best weight-streaming plan
/// at 1-64 tokens (1.04-1.35x up to 32), and 1.00-1.07x cuBLASLt. The
/// rule:
///  - tile_m: the tokens rounded up to wgmma's n (8, 16, 32, 64), so that
///    no MMA is padded past that;
///  - tile_n: 64 features, one wgmma slice: twice the blocks of 128, so
///    that more SMs stream weights (64 ran faster at 26 of 28 points);
///  - split_k: k-slices in clusters of up to 8 while every block still has
///    an SM of its own (each runs one unit) and keeps kMinStepsPerSplit
///    steps: the down GEMMs' 64 tiles run in 2 slices;
///  - stages: as many as fit, up to kMaxSwappedStages and the steps of a
///    slice, while all blocks stay resident at once (a block on an SM of
///    two gets half its shared memory: 12 stages of a 64 x 8 tile still fit
///    twice, 6 of a gated one).
GemmPlanAttr swappedPlan(MLIRContext *context, const GemmProblem &problem,
                         int64_t multiprocessors) {
  if (!problem.tokens || *problem.tokens > gemm::kSm90SwappedMaxTokens ||
      problem.epilogueRope)
    return {};
  int64_t tileM = 8;
  while (tileM < *problem.tokens)
    tileM *= 2;
  constexpr int64_t tileN = 64;
  int64_t tiles = llvm::divideCeilSigned(problem.outFeatures, tileN);
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemm::kSm90TileK);
  int64_t split = 1;
  while (2 * split <= gemm::kSm90SwappedMaxSplitK &&
         2 * split * tiles <= multiprocessors &&
         kSteps / (2 * split) >= kMinStepsPerSplit)
    split *= 2;
  int64_t blocksPerSm =
      std::max<int64_t>(1, llvm::divideCeilSigned(tiles * split,
                                                  multiprocessors));
  int64_t sharedBytes = gemm::kSm90SharedBytesPerSm / blocksPerSm -
                        gemm::kSm90ReservedSharedBytes;
  int64_t stages = std::clamp<int64_t>(llvm::divideCeilSigned(kSteps, split),
                                       2, kMaxSwappedStages);
  while (stages > 2 && gemm::sm90SwappedRingBytes(tileM, tileN, stages,
                                                  problem.products) >
                           sharedBytes)
    --stages;
  return GemmPlanAttr::get(
      context, kernel::Target::sm_90a, GemmMainloop::tma_wgmma_swapped, tileM,
      tileN, gemm::kSm90TileK, stages, /*warpgroups=*/1, std::nullopt,
      std::nullopt, split, /*cluster_m=*/1, kernel::GemmSchedule::cooperative,
      kernel::GemmPrologue::none);
}

/// The plans of the Hopper main loop (TMA + wgmma): for a few tokens the
/// weight-streaming candidates, else best first.
SmallVector<GemmPlanAttr> tmaWgmmaPlans(MLIRContext *context,
                                        const GemmProblem &problem,
                                        int64_t multiprocessors) {
  std::optional<int64_t> tokens = problem.tokens;
  if (tokens && *tokens <= kWeightStreamingTokens)
    return weightStreamingPlans(context, problem, multiprocessors);
  // Two consumer warpgroups of 64 rows. An unknown token count is assumed
  // large (prefill, batched serving).
  constexpr int64_t tileM = 128;
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemm::kSm90TileK);
  // A main loop of up to 16 k-steps is short enough that overlapping each
  // tile's epilogue with the next tile's MMAs (ping-pong 128x128) beats the
  // wider cooperative tile, as measured at K = 768, while at K = 3072 the
  // cooperative 128x256 wins (docs/perf-notes.md, Hopper GEMM attempts 4
  // and 5; attempt 13: ping-pong for every epilogue with work measured
  // slower end to end).
  auto runsPingPong = [&](int64_t tileN) {
    return problem.products == 1 && tileN == 128 && kSteps <= 16;
  };
  // The wide tile first, unless a short main loop runs the narrow one
  // ping-pong; 192 and 64 where those do not run the problem (heads of 96
  // or 192 for a RoPE epilogue).
  SmallVector<int64_t, 4> widths =
      problem.outFeatures <= 128 || runsPingPong(128)
          ? SmallVector<int64_t, 4>{128, 256, 192, 64}
          : SmallVector<int64_t, 4>{256, 128, 192, 64};

  SmallVector<GemmPlanAttr> plans;
  int64_t tileRows = tokens ? llvm::divideCeilSigned(*tokens, tileM) : 0;
  for (int64_t tileN : widths) {
    bool pingPong = runsPingPong(tileN);
    int64_t tiles =
        tileRows * llvm::divideCeilSigned(problem.outFeatures, tileN);
    int64_t splitK =
        tokens && !pingPong ? chooseSplitK(tiles, kSteps, multiprocessors) : 1;
    // The split plan, and the unsplit one for an epilogue that needs whole
    // sums (RoPE). Up to 8 stages: 8 loads in flight cover the memory
    // latency. Ping-pong tiles keep 4: a fifth fits beside the store
    // buffers but leaves the epilogue's loads almost no L1, and measured
    // slower.
    SmallVector<int64_t, 2> splits = {splitK};
    if (splitK != 1)
      splits.push_back(1);
    for (int64_t split : splits)
      plans.push_back(tmaWgmmaPlan(context, problem, tileM, tileN, split,
                                   pingPong, pingPong ? 4 : 8));
  }
  return plans;
}

/// The plans of the mma.sync main loop, best first: 8 warps over a 128-row
/// tile, 128 columns wide (4 cp.async stages of 32-deep k-tiles, more gain
/// little), the warp grid squarest first. A RoPE epilogue needs each warp's
/// columns to hold whole heads: the 128-wide tile with 4 x 2 warps holds
/// heads of 64, with 8 x 1 heads of 128; other heads take tiles of one head
/// per warp column, or two where one is not a whole number of the 16-column
/// fragment pairs a warp covers, widest first.
SmallVector<GemmPlanAttr> mmaSyncPlans(MLIRContext *context,
                                       kernel::Target target,
                                       const GemmProblem &problem) {
  constexpr int64_t tileM = 128, warps = 8, defaultTileN = 128;
  struct Shape {
    int64_t tileN, warpsN;
  };
  SmallVector<Shape> shapes;
  for (int64_t warpsN : {4, 2, 1})
    shapes.push_back({defaultTileN, warpsN});
  if (RopeOp rope = problem.epilogueRope) {
    int64_t headDim = rope.getInput().getType().getShape().back();
    for (int64_t warpsN : {4, 2, 1})
      for (int64_t headsPerWarp : {1, 2})
        shapes.push_back({warpsN * headsPerWarp * headDim, warpsN});
  }
  auto skew = [&](const Shape &shape) {
    return std::abs(tileM / (warps / shape.warpsN) -
                    shape.tileN / shape.warpsN);
  };
  llvm::stable_sort(shapes, [&](const Shape &a, const Shape &b) {
    return std::make_tuple(a.tileN != defaultTileN, -a.tileN, skew(a)) <
           std::make_tuple(b.tileN != defaultTileN, -b.tileN, skew(b));
  });

  SmallVector<GemmPlanAttr> plans;
  for (const Shape &shape : shapes)
    for (int64_t tileK : {32, 64}) {
      int64_t stages = std::clamp<int64_t>(
          llvm::divideCeilSigned(problem.inFeatures, tileK), 2, 4);
      while (stages > 2 &&
             gemm::sm80SmemBytes(tileM, shape.tileN, tileK, stages,
                                 problem.products,
                                 problem.elementType.getIntOrFloatBitWidth() /
                                     8) >
                 gemm::kSm80MaxSharedBytes)
        --stages;
      plans.push_back(GemmPlanAttr::get(
          context, target, GemmMainloop::mma_sync, tileM, shape.tileN, tileK,
          stages, std::nullopt, warps / shape.warpsN, shape.warpsN,
          /*split_k=*/1, /*cluster_m=*/1, kernel::GemmSchedule::cooperative,
          kernel::GemmPrologue::none));
    }
  return plans;
}

/// The one tile of the SIMT main loop.
GemmPlanAttr simtPlan(MLIRContext *context, kernel::Target target) {
  return GemmPlanAttr::get(context, target, GemmMainloop::simt,
                           gemm::kSimtTileM, gemm::kSimtTileN,
                           gemm::kSimtTileK, gemm::kSimtStages, std::nullopt,
                           gemm::kSimtWarpsM, gemm::kSimtWarpsN, /*split_k=*/1,
                           /*cluster_m=*/1, kernel::GemmSchedule::cooperative,
                           kernel::GemmPrologue::none);
}

/// A folded encoding's table is read once per output tile beside the
/// GEMM's operands; up to this size it stays in L2 (50 MB on H100 and
/// H200). bert_pe_ffn's first GEMM with its 3 MiB table ran 0.006-0.009 ms
/// longer, where the pointwise encoding kernel it replaces took 0.018 ms
/// (docs/perf-notes.md, "The PE folded into the first GEMM"); gpt_pe_ffn's
/// table would be 64 MiB, read from DRAM.
constexpr int64_t kMaxFoldedTableBytes = 8 << 20;

/// `plan` with `prologue`.
GemmPlanAttr withPrologue(GemmPlanAttr plan, kernel::GemmPrologue prologue) {
  return GemmPlanAttr::get(
      plan.getContext(), plan.getTarget(), plan.getMainloop(),
      plan.getTileM(), plan.getTileN(), plan.getTileK(), plan.getStages(),
      plan.getWarpgroups(), plan.getWarpsM(), plan.getWarpsN(),
      plan.getSplitK(), plan.getClusterM(), plan.getSchedule(), prologue);
}

} // namespace

GemmPlanAttr TargetCostModel::planGemm(MLIRContext *context,
                                       const GemmProblem &problem) const {
  if (problem.foldedPositions > 0) {
    // The fold pays where its table stays in L2 and the plan of the
    // unfolded GEMM adds it: it never costs the GEMM its best tile.
    GemmProblem unfolded = problem;
    unfolded.foldedPositions = 0;
    GemmPlanAttr plan = planGemm(context, unfolded);
    int64_t tableBytes = problem.foldedPositions * problem.outFeatures *
                         problem.elementType.getIntOrFloatBitWidth() / 8;
    if (!plan || tableBytes > kMaxFoldedTableBytes ||
        gemm::periodicSourceUnsupportedReason(
            kernel::getGemmConfig(plan, problem.products, problem.elementType),
            problem.foldedPositions))
      return {};
    return withPrologue(plan, kernel::GemmPrologue::folded);
  }
  SmallVector<GemmPlanAttr> plans;
  switch (gemmMainloop(problem.elementType)) {
  case GemmMainloop::tma_wgmma:
  case GemmMainloop::tma_wgmma_swapped:
    if (GemmPlanAttr swapped = swappedPlan(context, problem, multiprocessors);
        swapped && runs(swapped, problem))
      return swapped;
    plans = tmaWgmmaPlans(context, problem, multiprocessors);
    break;
  case GemmMainloop::mma_sync:
    plans = mmaSyncPlans(context, target, problem);
    break;
  case GemmMainloop::simt:
    plans = {simtPlan(context, target)};
    break;
  }
  llvm::erase_if(plans, [&](GemmPlanAttr plan) { return !runs(plan, problem); });
  if (plans.empty())
    return {};
  if (!problem.tokens || *problem.tokens > kWeightStreamingTokens)
    return plans.front();
  // A few tokens (decode) stream the weights, and the launch lasts about as
  // long as its busiest block, which streams tile_n x tile_k weights per
  // main-loop step: take the plan whose busiest block streams the fewest
  // (tiles of 64 or 128 columns first; wider ones only where those do not
  // run the problem). On a tie, where the tile has rows past the tokens,
  // the wider tile: fewer A boxes, mostly padding, per weight byte (64x128
  // split 4 ran 10-20% faster than 64x64 split 2 at 1-8 tokens); where it
  // has none, the fewest work units, then the fewest slices per tile: each
  // slice adds f32 partials to publish and sum (64 tokens: 64x64 split 2
  // 0.044 ms, 64x128 split 4 0.050). Then the first.
  auto streamingCost = [&](GemmPlanAttr plan) {
    int64_t tileRows =
        llvm::divideCeilSigned(*problem.tokens, plan.getTileM());
    int64_t tiles = tileRows * llvm::divideCeilSigned(problem.outFeatures,
                                                       plan.getTileN());
    int64_t kSteps =
        llvm::divideCeilSigned(problem.inFeatures, plan.getTileK());
    int64_t steps =
        busiestBlockSteps(tiles, kSteps, plan.getSplitK(), multiprocessors);
    bool forRopeHeads = plan.getTileN() != 64 && plan.getTileN() != 128;
    bool padded = *problem.tokens < tileRows * plan.getTileM();
    return std::make_tuple(forRopeHeads,
                           steps * plan.getTileK() * plan.getTileN(),
                           padded ? -plan.getTileN() : tiles * plan.getSplitK(),
                           plan.getSplitK());
  };
  return *llvm::min_element(plans, [&](GemmPlanAttr a, GemmPlanAttr b) {
    return streamingCost(a) < streamingCost(b);
  });
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
