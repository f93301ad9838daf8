// The sm_80 tensor-core GEMM (mma.sync) with its epilogues against the
// float64 reference (GemmCheck.h), RoPE as the epilogue's row op among
// them. m covers 1, 3, 127 and 4097 tokens (1, 37 and 300 under RoPE); n
// and k are multiples of 8 but not of the tiles.
#include "cuda/device/EpilogueRope.h"
#include "cuda/device/Gemm.h"
#include "tests/gpu/GemmCheck.h"

#include <cstdint>
#include <string>

namespace xfuse::test {
namespace {

using device::GemmTile;

/// The sm_80 GEMM with Tile, as a GemmCheck.h launcher.
template <typename Tile> struct Sm80 {
  template <typename T, typename OutT, int kNumB, typename Epilogue>
  static cudaError_t launch(const device::GemmParams<T, OutT, kNumB> &params,
                            const Epilogue &epilogue) {
    return device::launchGemm<Tile>(params, epilogue, nullptr);
  }
};

// 64 KiB of shared memory (opt-in above 48 KiB), 4 warps of 64x64.
using LargeTile = GemmTile<128, 128, 32, 4, 2, 2>;
// 48 KiB (72 KiB gated), 4 warps of 32x32.
using SmallTile = GemmTile<64, 64, 64, 3, 2, 2>;
// The narrowest swizzle (16-element rows) and a two-stage pipeline.
using NarrowKTile = GemmTile<32, 64, 16, 2, 1, 2>;

TEST(Gemm, PlainBf16ToF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kTokenCounts)
    checkLinear<Sm80<LargeTile>, __nv_bfloat16, float, Activation::kIdentity>(
        rng, m, 264, 392, WeightLayout::kInOut, false);
}

TEST(Gemm, BiasGeluResidualBf16) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kTokenCounts) {
    checkLinear<Sm80<SmallTile>, __nv_bfloat16, __nv_bfloat16, Activation::kGelu>(
        rng, m, 264, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm80<LargeTile>, __nv_bfloat16, __nv_bfloat16, Activation::kGelu>(
        rng, m, 136, 1032, WeightLayout::kInOut, true);
  }
}

TEST(Gemm, EveryActivationF16) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : {3, 127}) {
    checkLinear<Sm80<SmallTile>, __half, __half, Activation::kIdentity>(
        rng, m, 200, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm80<SmallTile>, __half, __half, Activation::kRelu>(
        rng, m, 200, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm80<SmallTile>, __half, __half, Activation::kGelu>(
        rng, m, 200, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm80<SmallTile>, __half, __half, Activation::kGeluTanh>(
        rng, m, 200, 392, WeightLayout::kOutIn, true);
    checkLinear<Sm80<SmallTile>, __half, float, Activation::kSilu>(
        rng, m, 200, 392, WeightLayout::kInOut, true);
  }
}

TEST(Gemm, SwiGluBf16) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kTokenCounts)
    checkGated<Sm80<SmallTile>, __nv_bfloat16, __nv_bfloat16, Activation::kSilu>(
        rng, m, 200, 1032, WeightLayout::kOutIn);
}

TEST(Gemm, GeGluNarrowTileF16ToF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  for (int m : kTokenCounts)
    checkGated<Sm80<NarrowKTile>, __half, float, Activation::kGelu>(
        rng, m, 136, 264, WeightLayout::kInOut);
}

// ---- RoPE in the epilogue ----------------------------------------------------

using device::RopeRowOp;
using device::RopeStyle;

/// Every token grid with explicit and implicit positions.
template <typename Tile, typename T, typename OutT, typename Rope,
          RopeProjection kProjection>
void ropeSweep(Random &rng, int heads, int k) {
  for (TokenGrid grid : kRopeTokenGrids)
    for (bool explicitPositions : {true, false})
      checkRope<Sm80<Tile>, T, OutT, Rope, kProjection>(rng, grid, heads, k,
                                                        explicitPositions);
}

// A warp's columns must hold whole heads: one warp per 16 rows holds all
// 128 columns (a head of 128), or a 4 x 2 grid 64 columns each.
using Warps8x1 = GemmTile<128, 128, 32, 3, 8, 1>;
using Warps4x2 = GemmTile<128, 128, 32, 3, 4, 2>;

TEST(GemmRope, NeoxHead128Warps8x1BiasBf16ToF32) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  ropeSweep<Warps8x1, __nv_bfloat16, float,
            RopeRowOp<128, 128, RopeStyle::kNeox, std::int64_t>,
            RopeProjection::kBias>(rng, 3, 392);
}

// rotary_dim 20 cuts an 8-column block: its lanes 0, 1 rotate, 2, 3 pass.
TEST(GemmRope, GptjHead64Warps4x2F16) {
  XFUSE_REQUIRE_GPU();
  Random rng;
  ropeSweep<Warps4x2, __half, __half,
            RopeRowOp<64, 64, RopeStyle::kGptj, std::int32_t>,
            RopeProjection::kPlain>(rng, 5, 200);
  ropeSweep<Warps4x2, __half, __half,
            RopeRowOp<64, 20, RopeStyle::kGptj, std::int32_t>,
            RopeProjection::kBias>(rng, 5, 200);
}

// Host-side validation only: runs without a GPU.
TEST(Gemm, RejectsUnsupportedShapes) {
  alignas(16) static const __nv_bfloat16 operand[64] = {};
  alignas(16) static float output[64];
  device::GemmParams<__nv_bfloat16, float, 1> params{
      operand, {operand}, output, 4, 16, 16};
  EXPECT_EQ(device::gemmUnsupportedReason<SmallTile>(params), nullptr);

  auto expectRejected = [](const device::GemmParams<__nv_bfloat16, float, 1> &p,
                           const std::string &reason) {
    const char *actual = device::gemmUnsupportedReason<SmallTile>(p);
    ASSERT_NE(actual, nullptr);
    EXPECT_EQ(actual, reason);
    EXPECT_EQ(device::launchGemm<SmallTile>(p, EpilogueChain<>(), nullptr),
              cudaErrorInvalidValue);
  };
  auto withN = params;
  withN.n = 12;
  expectRejected(withN, "n and k must be multiples of 8");
  auto withK = params;
  withK.k = 20;
  expectRejected(withK, "n and k must be multiples of 8");
  auto misaligned = params;
  misaligned.a = operand + 1;
  expectRejected(misaligned,
                 "A must be 16-byte aligned and C aligned to 2 elements");
  auto tooManyRows = params;
  tooManyRows.m = 65536 * SmallTile::kBlockM;
  expectRejected(tooManyRows, "m exceeds 65535 row tiles");
}

} // namespace
} // namespace xfuse::test
