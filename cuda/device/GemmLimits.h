// What the GEMM blocks of cuda/device can run: the one home of their tile,
// shared-memory, register and epilogue limits (cf. CUTLASS's can_implement).
//
// Plain constexpr C++ with no CUDA include, so that three readers share it:
//   - the device blocks static_assert their template arguments against it;
//   - the xkernel dialect's plan verifier rejects a plan the blocks cannot
//     run, with the reason returned here;
//   - the cost model (passes/CostModel) only proposes plans it accepts.
// Every function returns nullptr when the configuration is supported, else
// a sentence saying why not.
#pragma once

#include <cstdint>

namespace xfuse::gemm {

/// The main loops of cuda/device:
///   kTmaWgmma: Hopper (sm_90a), TMA copies and wgmma (GemmSm90Mainloop);
///   kMmaSync:  sm_80 and later, cp.async and mma.sync (GemmSm80Mainloop);
///   kSimt:     f32 operands on the CUDA cores, f32 all the way (GemmSimt);
///   kTmaWgmmaSwapped: Hopper with the operands swapped for a few tokens
///              (decode): the weights are wgmma's A operand, the tokens its
///              B operand (Sm90SwapAbGemm.h).
enum class Mainloop { kTmaWgmma, kMmaSync, kSimt, kTmaWgmmaSwapped };

/// One GEMM block's configuration, as the plan states it.
struct Config {
  Mainloop mainloop;
  std::int64_t tileM, tileN, tileK, stages;
  /// kTmaWgmma: consumer warpgroups. Others: unused (warpsM * warpsN warps).
  std::int64_t warpgroups;
  /// kMmaSync, kSimt: the warp grid over the tile.
  std::int64_t warpsM, warpsN;
  std::int64_t splitK, clusterM;
  bool pingPong;
  /// 1: one product; 2: the gate and up products of a gated GEMM.
  int products;
  /// Bytes of one A/B element (2 for f16/bf16, 4 for f32).
  int elementBytes;
  /// 16-bit operands are IEEE half rather than bfloat16.
  bool f16 = false;
};

// ---- Hopper: TMA + wgmma ---------------------------------------------------

inline constexpr std::int64_t kSm90TileK = 64; // one 128-byte swizzle row
inline constexpr std::int64_t kSm90MaxSharedBytes = 227 * 1024;
/// An SM's shared memory, of which each resident block also takes
/// kSm90ReservedSharedBytes: how many blocks of a size fit on one SM.
inline constexpr std::int64_t kSm90SharedBytesPerSm = 228 * 1024;
inline constexpr std::int64_t kSm90ReservedSharedBytes = 1024;
/// A consumer thread holds its accumulators in registers; past this many,
/// the rest of its state spills (the consumers get 232-256 registers).
inline constexpr std::int64_t kSm90MaxAccumulators = 128;
/// The staged epilogue stores C in boxes of this many columns.
inline constexpr std::int64_t kSm90StoreBoxCols = 64;
inline constexpr std::int64_t kSm90SmemAlignment = 1024;

/// Rows of the tile one consumer warpgroup owns.
constexpr std::int64_t sm90ConsumerRows(std::int64_t tileM, bool pingPong) {
  return pingPong ? tileM : 64;
}

/// Dynamic shared memory of the main loop's ring: the stages (an A tile and
/// one B tile per product), two mbarriers per stage, two turn barriers and
/// two epilogue source barriers, and the slack that aligns the stages.
constexpr std::int64_t sm90RingBytes(std::int64_t tileM, std::int64_t tileN,
                                     std::int64_t stages, int products) {
  return stages * (tileM + products * tileN) * kSm90TileK * 2 +
         (2 * stages + 4) * 8 + kSm90SmemAlignment;
}

/// The staged epilogue's buffers: two boxes per consumer warpgroup.
constexpr std::int64_t sm90StagedStoreBytes(std::int64_t tileM, bool pingPong) {
  const std::int64_t consumers = pingPong ? 2 : tileM / 64;
  return consumers * 2 * sm90ConsumerRows(tileM, pingPong) *
         kSm90StoreBoxCols * 2;
}

// ---- Hopper with swapped operands: TMA + wgmma, weights as A -----------------
//
// A block computes C^T for tile_n output features (one 64-row wgmma slice of
// each weight operand per 64 features) and all of a call's tile_m tokens
// (wgmma's N), over one k-slice; the split_k slices of a tile run as one
// thread-block cluster and sum through distributed shared memory.

/// The token tiles of the swapped main loop: wgmma's N of 8, 16, 32 or 64.
inline constexpr std::int64_t kSm90SwappedMaxTokens = 64;
/// Blocks of a split-K cluster: at most the portable cluster size.
inline constexpr std::int64_t kSm90SwappedMaxSplitK = 8;

/// Dynamic shared memory of the swapped main loop's ring: the stages (one
/// 64 x tile_n weight tile per product, then the tile_m x 64 token tile),
/// two mbarriers per stage, and the slack that aligns the stages.
constexpr std::int64_t sm90SwappedRingBytes(std::int64_t tileM,
                                            std::int64_t tileN,
                                            std::int64_t stages,
                                            int products) {
  return stages * (products * tileN + tileM) * kSm90TileK * 2 + 2 * stages * 8 +
         kSm90SmemAlignment;
}

// ---- sm_80: cp.async + mma.sync --------------------------------------------

/// A100's opt-in shared memory per block.
inline constexpr std::int64_t kSm80MaxSharedBytes = 163 * 1024;
inline constexpr std::int64_t kSm80MaxAccumulators = 128;
/// The sm_80 grid puts row tiles on gridDim.y.
inline constexpr std::int64_t kSm80MaxRowTiles = 65535;

constexpr std::int64_t sm80SmemBytes(std::int64_t tileM, std::int64_t tileN,
                                     std::int64_t tileK, std::int64_t stages,
                                     int products, int elementBytes) {
  return stages * (tileM + products * tileN) * tileK * elementBytes;
}

// ---- SIMT f32 ----------------------------------------------------------------

/// The one tile of the f32 GEMM: each of its 256 threads computes 4 rows x
/// 4 columns of a 64 x 64 tile, k-tiles of 16, double-buffered.
inline constexpr std::int64_t kSimtTileM = 64;
inline constexpr std::int64_t kSimtTileN = 64;
inline constexpr std::int64_t kSimtTileK = 16;
inline constexpr std::int64_t kSimtStages = 2;
inline constexpr std::int64_t kSimtWarpsM = 2;
inline constexpr std::int64_t kSimtWarpsN = 4;

// ---- the check -----------------------------------------------------------

constexpr const char *unsupportedReason(const Config &c) {
  if (c.products != 1 && c.products != 2)
    return "a GEMM block computes one product or a gate/up pair";
  if (c.tileM <= 0 || c.tileN <= 0 || c.tileK <= 0 || c.stages < 1 ||
      c.splitK < 1)
    return "tile sizes, stages and split_k must be positive";
  if (c.clusterM != 1 && (c.mainloop != Mainloop::kTmaWgmma ||
                          c.clusterM != 2))
    return "thread-block clusters (cluster_m = 2) exist only on the Hopper "
           "main loop";
  switch (c.mainloop) {
  case Mainloop::kTmaWgmma: {
    if (c.elementBytes != 2 || c.f16)
      return "the Hopper main loop multiplies bf16 operands (its TMA maps "
             "and wgmma instructions are bf16's; f16 runs on mma.sync)";
    if (c.tileK != kSm90TileK)
      return "the Hopper main loop takes k-tiles of 64 (one 128-byte swizzle "
             "row)";
    if (c.tileM != 64 && c.tileM != 128)
      return "the Hopper main loop takes tile_m = 64 or 128 (one or two "
             "wgmma slices of 64 rows)";
    if (c.tileN % kSm90StoreBoxCols != 0 || c.tileN > 256)
      return "the Hopper main loop takes tile_n = 64, 128, 192 or 256 (wgmma "
             "n <= 256, whole 64-column store boxes)";
    if (c.pingPong ? (c.warpgroups != 2 || c.splitK != 1)
                   : c.warpgroups != c.tileM / 64)
      return c.pingPong ? "the ping-pong schedule takes two warpgroups and "
                          "no split-K"
                        : "the cooperative schedule takes one consumer "
                          "warpgroup per 64 rows of the tile";
    const std::int64_t slices = sm90ConsumerRows(c.tileM, c.pingPong) / 64;
    if (c.products * slices * c.tileN / 2 > kSm90MaxAccumulators)
      return "a consumer thread would hold more than 128 accumulators (a "
             "gated GEMM keeps two per output: tile_n <= 128 there)";
    if (c.stages < 2 ||
        sm90RingBytes(c.tileM, c.tileN, c.stages, c.products) >
            kSm90MaxSharedBytes)
      return "the stages do not fit a Hopper block's 227 KiB of shared "
             "memory (at least 2 are needed)";
    return nullptr;
  }
  case Mainloop::kTmaWgmmaSwapped: {
    if (c.elementBytes != 2 || c.f16)
      return "the swapped Hopper main loop multiplies bf16 operands";
    if (c.tileK != kSm90TileK)
      return "the swapped Hopper main loop takes k-tiles of 64 (one 128-byte "
             "swizzle row)";
    if (c.tileM != 8 && c.tileM != 16 && c.tileM != 32 &&
        c.tileM != kSm90SwappedMaxTokens)
      return "the swapped Hopper main loop takes tile_m = 8, 16, 32 or 64 "
             "tokens (wgmma's n)";
    if (c.tileN != 64 && c.tileN != 128)
      return "the swapped Hopper main loop takes tile_n = 64 or 128 output "
             "features (one or two wgmma slices of 64 weight rows)";
    if (c.warpgroups != 1 || c.pingPong)
      return "the swapped Hopper main loop has one consumer warpgroup "
             "(cooperative)";
    if (c.splitK > kSm90SwappedMaxSplitK)
      return "the swapped Hopper main loop runs split_k slices as one "
             "cluster: at most 8";
    if (c.products * (c.tileN / 64) * c.tileM / 2 > kSm90MaxAccumulators)
      return "a consumer thread would hold more than 128 accumulators";
    if (c.stages < 2 ||
        sm90SwappedRingBytes(c.tileM, c.tileN, c.stages, c.products) >
            kSm90MaxSharedBytes)
      return "the stages do not fit a Hopper block's 227 KiB of shared "
             "memory (at least 2 are needed)";
    return nullptr;
  }
  case Mainloop::kMmaSync: {
    if (c.elementBytes != 2)
      return "the mma.sync main loop multiplies 16-bit operands";
    if (c.tileK != 16 && c.tileK != 32 && c.tileK != 64)
      return "the mma.sync main loop takes tile_k = 16, 32 or 64";
    if (c.warpsM <= 0 || c.warpsN <= 0 || c.warpsM * c.warpsN > 16)
      return "the mma.sync main loop needs a grid of 1 to 16 warps";
    if (c.tileM % (16 * c.warpsM) != 0 || c.tileN % (16 * c.warpsN) != 0)
      return "each warp of the mma.sync main loop covers whole m16 rows and "
             "pairs of n8 columns (tile_m % (16 warps_m) == 0, tile_n % "
             "(16 warps_n) == 0)";
    if ((c.tileM * c.tileK / 8) % (32 * c.warpsM * c.warpsN) != 0 ||
        (c.tileN * c.tileK / 8) % (32 * c.warpsM * c.warpsN) != 0)
      return "every thread of the mma.sync main loop copies the same number "
             "of 16-byte chunks of the A and B tiles (tile_m * tile_k / 8 "
             "and tile_n * tile_k / 8 multiples of 32 warps_m warps_n)";
    if (c.splitK != 1)
      return "the mma.sync main loop has no split-K";
    const std::int64_t accumulators =
        c.products * (c.tileM / c.warpsM) * (c.tileN / c.warpsN) / 32;
    if (accumulators > kSm80MaxAccumulators)
      return "a thread of the mma.sync main loop would hold more than 128 "
             "accumulators";
    if (c.stages < 2 || sm80SmemBytes(c.tileM, c.tileN, c.tileK, c.stages,
                                      c.products, c.elementBytes) >
                            kSm80MaxSharedBytes)
      return "the stages do not fit an sm_80 block's 163 KiB of shared "
             "memory (at least 2 are needed)";
    return nullptr;
  }
  case Mainloop::kSimt:
    if (c.elementBytes != 4)
      return "the SIMT main loop multiplies f32 operands";
    if (c.tileM != kSimtTileM || c.tileN != kSimtTileN ||
        c.tileK != kSimtTileK || c.stages != kSimtStages ||
        c.warpsM != kSimtWarpsM || c.warpsN != kSimtWarpsN)
      return "the SIMT main loop has one tile: 64 x 64 x 16, 2 stages, "
             "2 x 4 warps";
    if (c.splitK != 1)
      return "the SIMT main loop has no split-K";
    return nullptr;
  }
  return "unknown main loop";
}

/// TMA and cp.async copy rows of A, B and C that start 16-byte aligned.
inline constexpr std::int64_t kTensorCoreRowAlignmentBytes = 16;

/// The blocks count rows and features in ints (GemmParams::m, n, k).
inline constexpr std::int64_t kMaxGemmExtent = 0x7fffffff;

/// Whether a block of configuration `c` runs a product of `n` output and
/// `k` input features.
constexpr const char *problemUnsupportedReason(const Config &c, std::int64_t n,
                                               std::int64_t k) {
  if (n <= 0 || k <= 0)
    return "a GEMM needs n > 0 and k > 0";
  if (n > kMaxGemmExtent || k > kMaxGemmExtent)
    return "the blocks count features in ints: n and k must be below 2^31";
  if (c.mainloop == Mainloop::kSimt
          ? n % 2 != 0
          : (n * c.elementBytes) % kTensorCoreRowAlignmentBytes != 0 ||
                (k * c.elementBytes) % kTensorCoreRowAlignmentBytes != 0)
    return c.mainloop == Mainloop::kSimt
               ? "the SIMT epilogue takes column pairs: n must be even"
               : "tensor-core tile loads take rows of a multiple of 16 bytes "
                 "(n and k multiples of 8 for 16-bit operands)";
  if (c.splitK > (k + c.tileK - 1) / c.tileK)
    return "split_k must not exceed the k-tiles (one slice per k-tile at "
           "most)";
  return nullptr;
}

/// Whether a block of configuration `c` runs a product of `rows` rows of A
/// (tokens; negative: known only per call).
constexpr const char *rowsUnsupportedReason(const Config &c,
                                            std::int64_t rows) {
  if (c.mainloop != Mainloop::kTmaWgmmaSwapped)
    return nullptr;
  if (rows < 0)
    return "the swapped Hopper main loop needs a static token count";
  if (rows > c.tileM)
    return "the swapped Hopper main loop holds all tokens in one tile: "
           "tile_m must be at least the token count";
  return nullptr;
}

// ---- epilogue periodic source ---------------------------------------------
/// Whether a block of configuration `c` can add a periodic source
/// S[row % period] to its accumulators before its epilogue
/// (Sm90Epilogue.h's WithPeriodicSource): the source of a consumer's rows
/// comes by TMA into the consumer's staged store buffers, so those must
/// exist and hold its whole share of the tile, and no consumer's rows may
/// wrap around S.
constexpr const char *periodicSourceUnsupportedReason(const Config &c,
                                                      std::int64_t period) {
  if (c.mainloop != Mainloop::kTmaWgmma)
    return "only the Hopper main loop (tma_wgmma) adds a periodic source: "
           "TMA stages it in shared memory";
  if (c.products != 1)
    return "a periodic source is added to one product, not to a gate/up pair";
  if (c.splitK != 1)
    return "a split-K GEMM has no staged store buffers, where the source "
           "lands";
  if (c.tileN > 2 * kSm90StoreBoxCols)
    return "a consumer's two staged store buffers hold the source of at most "
           "128 columns (tile_n <= 128)";
  if (sm90RingBytes(c.tileM, c.tileN, c.stages, c.products) +
          sm90StagedStoreBytes(c.tileM, c.pingPong) >
      kSm90MaxSharedBytes)
    return "the staged store buffers, where the source lands, do not fit "
           "beside the stages";
  if (period <= 0 || period % sm90ConsumerRows(c.tileM, c.pingPong) != 0)
    return "the period must be a positive multiple of the rows a consumer "
           "stores (tile_m when ping-pong, else 64), so that no consumer's "
           "rows wrap around the source";
  return nullptr;
}

// ---- epilogue RoPE -----------------------------------------------------------

/// Whether a RoPE of heads of `headDim` features, the first `rotaryDim` of
/// them rotated (`neox`: pairs rotaryDim / 2 apart, else adjacent pairs),
/// can run in the epilogue of a block of configuration `c`. A thread holds
/// columns 8j + 2q and 8j + 2q + 1 of its span (the wgmma and mma.sync D
/// layouts), so a pair rotaryDim / 2 apart is in the same thread when
/// rotaryDim / 2 is a multiple of 8; the span (the tile on Hopper, the
/// warp's columns on sm_80) must hold whole heads, and each 8-column block
/// of it lies in one head (what a column is to RoPE is then known at
/// compile time).
constexpr const char *epilogueRopeUnsupportedReason(const Config &c,
                                                    std::int64_t headDim,
                                                    std::int64_t rotaryDim,
                                                    bool neox) {
  if (c.mainloop == Mainloop::kSimt)
    return "the SIMT GEMM has no RoPE epilogue";
  if (c.mainloop == Mainloop::kTmaWgmmaSwapped)
    return "the swapped Hopper GEMM has no RoPE epilogue (a head's features "
           "lie across its threads)";
  if (c.splitK != 1)
    return "a split-K GEMM runs its epilogue per warp of partial sums";
  if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headDim)
    return "the rotary dim must be even, positive and at most head_dim";
  if (headDim % 8 != 0)
    return "an epilogue RoPE takes head_dim a multiple of 8 (a thread's "
           "8-column blocks never straddle two heads)";
  const std::int64_t span =
      c.mainloop == Mainloop::kTmaWgmma ? c.tileN : c.tileN / c.warpsN;
  if (span % headDim != 0)
    return c.mainloop == Mainloop::kTmaWgmma
               ? "an output tile must hold whole heads (tile_n a multiple "
                 "of head_dim)"
               : "a warp's columns must hold whole heads ((tile_n / "
                 "warps_n) a multiple of head_dim)";
  if (neox && (rotaryDim / 2) % 8 != 0)
    return "neox pairs rotary_dim / 2 apart are in one thread only when "
           "rotary_dim / 2 is a multiple of 8";
  return nullptr;
}

} // namespace xfuse::gemm
