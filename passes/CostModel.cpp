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
                             RopeOp epilogueRope) {
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
/// included.
bool runs(GemmPlanAttr plan, const GemmProblem &problem) {
  gemm::Config config =
      kernel::getGemmConfig(plan, problem.products, problem.elementType);
  RopeOp rope = problem.epilogueRope;
  return !gemm::unsupportedReason(config) &&
         !gemm::problemUnsupportedReason(config, problem.outFeatures,
                                         problem.inFeatures) &&
         (!rope || (kernel::ropeHeadsWithinRows(rope, problem.outFeatures) &&
                    !kernel::epilogueRopeUnsupportedReason(config, rope)));
}

/// The split-K factor for a grid of `tiles` output tiles, each `kSteps`
/// main-loop steps long, on a grid that leaves multiprocessors idle: the
/// most parts that still run in one wave (more would start a second wave
/// and add f32 partial tiles to reduce), each keeping at least 8 steps, or
/// it spends more time filling and draining its pipeline than computing.
int64_t chooseSplitK(int64_t tiles, int64_t kSteps, int64_t multiprocessors) {
  // No tokens, no tiles: an empty call, which launches nothing.
  if (tiles == 0)
    return 1;
  constexpr int64_t minStepsPerSplit = 8;
  return std::max<int64_t>(
      1, std::min(multiprocessors / tiles, kSteps / minStepsPerSplit));
}

/// The plans of the Hopper main loop (TMA + wgmma), best first for many
/// tokens; for a single row of tiles the widths are in decreasing order.
SmallVector<GemmPlanAttr> tmaWgmmaPlans(MLIRContext *context,
                                        const GemmProblem &problem,
                                        int64_t multiprocessors) {
  // 64 rows per consumer warpgroup: one when all tokens fit in one 64-row
  // tile, else two. An unknown token count is assumed large (prefill,
  // batched serving).
  std::optional<int64_t> tokens = problem.tokens;
  bool fewTokens = tokens && *tokens <= 64;
  int64_t tileM = fewTokens ? 64 : 128;
  int64_t kSteps = llvm::divideCeilSigned(problem.inFeatures, gemm::kSm90TileK);
  // A main loop of up to 16 k-steps is short enough that overlapping each
  // tile's epilogue with the next tile's MMAs (ping-pong 128x128) beats the
  // wider cooperative tile, as measured at K = 768, while at K = 3072 the
  // cooperative 128x256 wins (docs/perf-notes.md, Hopper GEMM attempts 4
  // and 5).
  auto runsPingPong = [&](int64_t tileN) {
    return !fewTokens && problem.products == 1 && tileN == 128 &&
           kSteps <= 16;
  };
  // The wide tile first, unless it would be mostly padding or a short main
  // loop runs the narrow one ping-pong; 192 and 64 where those do not run
  // the problem (heads of 96 or 192 for a RoPE epilogue).
  SmallVector<int64_t, 4> widths =
      fewTokens ? SmallVector<int64_t, 4>{256, 192, 128, 64}
      : problem.outFeatures <= 128 || runsPingPong(128)
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
    // sums (RoPE).
    SmallVector<int64_t, 2> splits = {splitK};
    if (splitK != 1)
      splits.push_back(1);
    for (int64_t split : splits) {
      // Unsplit tiles stage their results through shared memory beside the
      // ring; split slices store f32 partials from registers. 8 loads in
      // flight cover the memory latency. Ping-pong tiles keep 4 stages: a
      // fifth fits beside the store buffers but leaves the epilogue's loads
      // almost no L1, and measured slower.
      int64_t staging =
          split == 1 ? gemm::sm90StagedStoreBytes(tileM, pingPong) : 0;
      int64_t stages = std::clamp<int64_t>(
          llvm::divideCeilSigned(kSteps, split), 2, pingPong ? 4 : 8);
      while (stages > 2 &&
             gemm::sm90RingBytes(tileM, tileN, stages, problem.products) +
                     staging >
                 gemm::kSm90MaxSharedBytes)
        --stages;
      // Pairs of blocks sharing B tiles (cluster_m = 2) measured no faster
      // than single blocks on the FFN shapes (attempt 6), so plans do not
      // ask for them; a pinned plan can.
      plans.push_back(GemmPlanAttr::get(
          context, kernel::Target::sm_90a, GemmMainloop::tma_wgmma, tileM,
          tileN, gemm::kSm90TileK, stages,
          /*warpgroups=*/pingPong ? 2 : tileM / 64, std::nullopt,
          std::nullopt, split, /*cluster_m=*/1,
          pingPong ? kernel::GemmSchedule::ping_pong
                   : kernel::GemmSchedule::cooperative));
    }
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
          /*split_k=*/1, /*cluster_m=*/1, kernel::GemmSchedule::cooperative));
    }
  return plans;
}

/// The one tile of the SIMT main loop.
GemmPlanAttr simtPlan(MLIRContext *context, kernel::Target target) {
  return GemmPlanAttr::get(context, target, GemmMainloop::simt,
                           gemm::kSimtTileM, gemm::kSimtTileN,
                           gemm::kSimtTileK, gemm::kSimtStages, std::nullopt,
                           gemm::kSimtWarpsM, gemm::kSimtWarpsN, /*split_k=*/1,
                           /*cluster_m=*/1, kernel::GemmSchedule::cooperative);
}

} // namespace

GemmPlanAttr TargetCostModel::planGemm(MLIRContext *context,
                                       const GemmProblem &problem) const {
  SmallVector<GemmPlanAttr> plans;
  switch (gemmMainloop(problem.elementType)) {
  case GemmMainloop::tma_wgmma:
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
  // A single row of tiles (a few tokens: decode) streams the weights, and
  // the tile width decides how many multiprocessors read them: take the
  // plan whose last wave is fullest, the first on a tie.
  if (!problem.tokens || *problem.tokens > plans.front().getTileM())
    return plans.front();
  auto waveEfficiency = [&](GemmPlanAttr plan) {
    int64_t tiles =
        llvm::divideCeilSigned(problem.outFeatures, plan.getTileN());
    int64_t waves = llvm::divideCeilSigned(tiles, multiprocessors);
    return static_cast<double>(tiles) / (waves * multiprocessors);
  };
  GemmPlanAttr best = plans.front();
  for (GemmPlanAttr plan : plans)
    if (waveEfficiency(plan) > waveEfficiency(best))
      best = plan;
  return best;
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
