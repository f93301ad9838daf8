// The epilogue of the Hopper GEMM (Sm90Gemm.h) for one consumer warpgroup:
// the epilogue functors (Epilogue.h) run on its f32 accumulators in
// registers, then the epilogue's row op if it has one (RoPE:
// EpilogueRope.h) on whole rows, with the states that Sm90RowOpStates
// prepared beside the main loop or prepares on the spot, and the result is
// rounded to OutT once and stored to C, from registers (kDirect) or through
// shared memory and TMA stores (kStaged).
//
// The wgmma D layout (Sm90Primitives.h) gives consumer thread t, per 64-row
// slice, rows 16 (t / 32 % 4) + (t % 32) / 4 + {0, 8} and, for each n8
// block j of the tile, columns 8j + 2 (t % 4) + {0, 1}: a thread holds the
// same columns of all its rows, kBlockN / 4 values of each.
#pragma once

#include "cuda/device/Epilogue.h"
#include "cuda/device/GemmLimits.h"
#include "cuda/device/GemmSm90Mainloop.h"
#include "cuda/device/Sm90Primitives.h"
#include "cuda/device/Sm90TensorMap.h"
#include "cuda/device/Vector.h"

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace xfuse::device {

/// What the epilogue writes: C [m, n] row-major, and the tensor map of C in
/// boxes of kConsumerRows x 64 for the staged stores.
template <typename OutT> struct Sm90Output {
  OutT *c;
  const CUtensorMap *cStore;
  int m, n;

  /// Whether the pair at (row, col) lies in C: n % 8 == 0, so col < n
  /// implies col + 1 < n.
  __device__ bool contains(int row, int col) const {
    return row < m && col < n;
  }
  /// Whether rows [row0, row0 + rows) x columns [col0, col0 + cols) lie in
  /// C.
  __device__ bool containsBlock(int row0, int rows, int col0,
                                int cols) const {
    return row0 + rows <= m && col0 + cols <= n;
  }
};

/// The staged epilogue's shared memory: two buffers per consumer
/// warpgroup, each one 64-column box of the consumer's rows in the layout
/// of a 128-byte-swizzled TMA box. `enabled`: the tile asks for it and the
/// buffers fit beside the ring; split-K kernels store directly (their warps
/// finish a tile at different times, the buffers need the whole warpgroup).
template <typename Tile, int kNumB> struct Sm90StagedStore {
  static constexpr int kBoxCols = gemm::kSm90StoreBoxCols;
  static_assert(kBoxCols == sm90::kTmaBoxCols, "one TMA box per buffer");
  static constexpr int kBufferBytes = Tile::kConsumerRows * kBoxCols * 2;
  static constexpr std::size_t kBytes =
      static_cast<std::size_t>(Tile::kConsumers) * 2 * kBufferBytes;
  static_assert(kBytes == static_cast<std::size_t>(gemm::sm90StagedStoreBytes(
                              Tile::kBlockM, Tile::kPingPong)),
                "GemmLimits.h states the staged buffers' shared memory");
  static constexpr bool kFits =
      GemmSm90Mainloop<Tile, kNumB>::kSmemBytes + kBytes <=
      gemm::kSm90MaxSharedBytes;

  __host__ __device__ static constexpr bool enabled(bool splitK) {
    return Tile::kStore != Sm90Store::kDirect && kFits && !splitK;
  }
  __host__ __device__ static constexpr std::size_t smemBytes(bool splitK) {
    return GemmSm90Mainloop<Tile, kNumB>::kSmemBytes +
           (enabled(splitK) ? kBytes : 0);
  }

  /// The buffer of a consumer's `box`-th box, counted over the block's
  /// tiles: the two alternate.
  __device__ static unsigned char *buffer(unsigned char *buffers, int box) {
    return buffers + (box & 1) * kBufferBytes;
  }
  /// Where word q (columns 2q, 2q + 1) of n8 block j of the consumer's row r
  /// lies in a buffer: the 128-byte-swizzled box puts row r's 16-byte chunk
  /// c at chunk c ^ (r % 8), which also keeps a warp's 4-byte writes free
  /// of bank conflicts.
  __device__ static int wordOffset(int r, int q, int j) {
    return r * 128 + 4 * q + ((j ^ (r % 8)) << 4);
  }
};

/// Two OutT packed in one word, the unit the store transpose shuffles.
template <typename OutT> __device__ std::uint32_t packPair(float2 v) {
  static_assert(sizeof(OutT) == 2, "the 16-byte stores pack 2-byte types");
  Vec<OutT, 2> pair;
  pair[0] = fromFloat<OutT>(v.x);
  pair[1] = fromFloat<OutT>(v.y);
  std::uint32_t word;
  memcpy(&word, &pair, 4);
  return word;
}

/// Transposes 4 words among the 4 lanes of a quad (lanes 4r .. 4r + 3): on
/// return lane q holds w[q] of lanes 0..3 of its quad, in lane order. Two
/// rounds of exchanges (lane bit 0, then bit 1), one shuffle per word.
__device__ inline void transposeQuad(std::uint32_t (&w)[4]) {
  const int q = threadIdx.x % 4;
#pragma unroll
  for (int bit = 1; bit <= 2; bit <<= 1) {
    const bool upper = (q & bit) != 0;
#pragma unroll
    for (int lo = 0; lo < 4; ++lo) {
      if (lo & bit)
        continue;
      // Words lo and lo + bit: the lane keeps the one matching its bit and
      // trades the other for its partner's.
      const std::uint32_t sent = upper ? w[lo] : w[lo + bit];
      const std::uint32_t received = __shfl_xor_sync(0xFFFFFFFFu, sent, bit);
      if (upper)
        w[lo] = received;
      else
        w[lo + bit] = received;
    }
  }
}

/// Where a consumer thread's accumulators lie in C: d[b][slice][i] with
/// i = 4 block + 2 half + {0, 1} is row row(slice, half), columns
/// col(block) + {0, 1}.
struct Sm90FragmentCoords {
  int warpRow, lane, q;

  __device__ Sm90FragmentCoords(int row0)
      : warpRow(row0 + 16 * (threadIdx.x / 32 % 4)), lane(threadIdx.x % 32),
        q(threadIdx.x % 4) {}
  __device__ int row(int slice, int half) const {
    return warpRow + 64 * slice + lane / 4 + 8 * half;
  }
  __device__ int col(int col0, int block) const {
    return col0 + 8 * block + 2 * q;
  }
};

/// An epilogue that adds a periodic source to the accumulators before
/// `epilogue`'s ops: C = epilogue(A . B + S[row % period]) for a bf16
/// S [period, n] (setGemmSm90PeriodicSource). A linear map of a sum with a
/// positional encoding of implicit positions folds the encoding so:
/// (X + PE) W^T = X W^T + (PE W^T)[row % sequence], with PE W^T made when W
/// is packed, instead of a pass over X before the GEMM.
template <typename Epilogue> struct WithPeriodicSource {
  Epilogue epilogue;
};

template <typename Epilogue>
WithPeriodicSource<Epilogue> withPeriodicSource(Epilogue epilogue) {
  return {epilogue};
}

template <typename Epilogue> struct PeriodicSourceOf {
  static constexpr bool kPresent = false;
  using Elementwise = Epilogue;
  __device__ static const Epilogue &elementwise(const Epilogue &e) {
    return e;
  }
};
template <typename Epilogue>
struct PeriodicSourceOf<WithPeriodicSource<Epilogue>> {
  static constexpr bool kPresent = true;
  using Elementwise = Epilogue;
  __device__ static const Epilogue &
  elementwise(const WithPeriodicSource<Epilogue> &e) {
    return e.epilogue;
  }
};

/// The source of a WithPeriodicSource epilogue, for one consumer warpgroup:
/// its issuing thread copies the consumer's rows of the tile's source by
/// TMA into the consumer's store buffers before the main loop (the copy
/// lands while the MMAs run), and the epilogue reads each value where the
/// staged store will write the output that replaces it (Sm90StagedStore's
/// buffer and word), so a thread reads only what it overwrites.
template <typename Mainloop, typename Tile> struct Sm90PeriodicSource {
  using Staged = Sm90StagedStore<Tile, 1>;
  static constexpr int kBoxes = Tile::kBlockN / Staged::kBoxCols;
  static constexpr int kBoxBlocks = Staged::kBoxCols / 8;

  /// Run by the consumer's issuing thread, before the tile's main loop:
  /// once the stores of the consumer's previous tile have read the buffers.
  __device__ static void load(const CUtensorMap *source, int period,
                              sm90::Mbarrier &landed, unsigned char *buffers,
                              int boxesStored, int row0, int col0) {
    sm90::bulkWaitGroupRead<0>();
    landed.arriveExpectTx(kBoxes * Staged::kBufferBytes);
#pragma unroll
    for (int box = 0; box < kBoxes; ++box)
      sm90::tmaLoad2d(Staged::buffer(buffers, boxesStored + box), source,
                      &landed,
                      col0 + Staged::kBoxCols * box, row0 % period);
  }

  /// Adds the source to the consumer's accumulators once it has landed
  /// (the consumer's `tile`-th load); all 128 threads.
  __device__ static void add(typename Mainloop::Accumulators &acc,
                             sm90::Mbarrier &landed, int tile,
                             unsigned char *buffers, int boxesStored,
                             int row0) {
    const Sm90FragmentCoords at(row0);
    landed.wait(tile & 1);
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half)
#pragma unroll
        for (int block = 0; block < Tile::kBlockN / 8; ++block) {
          const Vec<__nv_bfloat16, 2> s =
              *reinterpret_cast<const Vec<__nv_bfloat16, 2> *>(
                  Staged::buffer(buffers, boxesStored + block / kBoxBlocks) +
                  Staged::wordOffset(at.row(slice, half) - row0, at.q,
                                     block % kBoxBlocks));
          acc.d[0][slice][4 * block + 2 * half] += toFloat(s[0]);
          acc.d[0][slice][4 * block + 2 * half + 1] += toFloat(s[1]);
        }
  }
};

/// The row op states (Epilogue.h) of a consumer thread's rows on one tile,
/// by slice and half. kEarly: loaded and prepared beside the tile's main
/// loop (GemmSm90Mainloop::consume calls load() and run<i>()), so that the
/// epilogue only applies them; else each row's is prepared in the epilogue
/// where the row is rotated, which keeps one row's state live at a time.
/// What both forms of Sm90RowOpStates know: the epilogue, the thread's rows
/// of the tile, their first column and C's rows.
template <typename Epilogue> struct Sm90RowOpRows {
  const Epilogue &epilogue;
  Sm90FragmentCoords at;
  int firstCol, m;

  __device__ Sm90RowOpRows(const Epilogue &epilogue, int row0, int col0,
                           int m)
      : epilogue(epilogue), at(row0), firstCol(at.col(col0, 0)), m(m) {}
};

template <typename Mainloop, typename Epilogue, bool kEarly>
struct Sm90RowOpStates : Sm90RowOpRows<Epilogue> {
  using Sm90RowOpRows<Epilogue>::Sm90RowOpRows;
  static constexpr int kRowSteps = kRowOpPrepareSteps<Epilogue>;
  static_assert(kRowSteps > 0, "a row op without steps prepares on the spot");
  static constexpr int kSteps = Mainloop::kSlices * 2 * kRowSteps;

  RowOpState<Epilogue> rows[Mainloop::kSlices][2];

  __device__ void load() {
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half)
        loadRowOp(this->epilogue, rows[slice][half],
                  this->at.row(slice, half), this->m);
  }
  template <int kStep> __device__ void run() {
    constexpr int kRow = kStep / kRowSteps;
    prepareRowOpStep<kStep % kRowSteps>(
        this->epilogue, rows[kRow / 2][kRow % 2], this->firstCol);
  }
  __device__ const RowOpState<Epilogue> &of(int slice, int half) const {
    return rows[slice][half];
  }
};

template <typename Mainloop, typename Epilogue>
struct Sm90RowOpStates<Mainloop, Epilogue, false> : Sm90RowOpRows<Epilogue> {
  using Sm90RowOpRows<Epilogue>::Sm90RowOpRows;
  static constexpr int kSteps = 0;

  __device__ void load() {}
  template <int kStep> __device__ void run() {}
  __device__ RowOpState<Epilogue> of(int slice, int half) const {
    return prepareRowOp(this->epilogue, this->at.row(slice, half),
                        this->firstCol, this->m);
  }
};

/// Accumulator pair (half, block) of one slice's accumulators `d`.
template <int kCount>
__device__ float2 fragmentPair(const float (&d)[kCount], int half,
                               int block) {
  return make_float2(d[4 * block + 2 * half], d[4 * block + 2 * half + 1]);
}

/// The elementwise epilogue on accumulator pair (slice, half, block) of a
/// consumer thread, which lies in C (outside, the epilogue's operands such
/// as bias and residual may not exist).
template <typename Mainloop, int kNumB, typename Epilogue>
__device__ float2 epilogueInside(const typename Mainloop::Accumulators &acc,
                                 const Epilogue &epilogue,
                                 const Sm90FragmentCoords &at, int col0,
                                 int slice, int half, int block) {
  float2 v[kNumB];
#pragma unroll
  for (int b = 0; b < kNumB; ++b)
    v[b] = fragmentPair(acc.d[b][slice], half, block);
  return applyEpilogue(epilogue, v, at.row(slice, half), at.col(col0, block));
}

/// epilogueInside, rounded and packed; 0 outside C.
template <typename Mainloop, int kNumB, typename OutT, typename Epilogue>
__device__ std::uint32_t
epilogueWord(const typename Mainloop::Accumulators &acc,
             const Sm90Output<OutT> &out, const Epilogue &epilogue,
             const Sm90FragmentCoords &at, int col0, int slice, int half,
             int block) {
  if (!out.contains(at.row(slice, half), at.col(col0, block)))
    return 0u;
  return packPair<OutT>(epilogueInside<Mainloop, kNumB>(
      acc, epilogue, at, col0, slice, half, block));
}

/// Row (slice, half) of a consumer thread after the epilogue and its row
/// op (with the row's state from `rowStates`): v[j] holds columns
/// at.col(col0, j) + {0, 1}, 0 outside C.
template <typename Mainloop, int kNumB, typename OutT, typename Epilogue,
          typename RowStates, int kBlocks>
__device__ void epilogueRow(const typename Mainloop::Accumulators &acc,
                            const Sm90Output<OutT> &out,
                            const Epilogue &epilogue,
                            const RowStates &rowStates,
                            const Sm90FragmentCoords &at, int col0, int slice,
                            int half, float2 (&v)[kBlocks]) {
  // n % 8 == 0: a row whose last pair lies in C lies in C whole, and needs
  // no select per pair.
  if (out.contains(at.row(slice, half), at.col(col0, kBlocks - 1))) {
#pragma unroll
    for (int block = 0; block < kBlocks; ++block)
      v[block] = epilogueInside<Mainloop, kNumB>(acc, epilogue, at, col0,
                                                 slice, half, block);
  } else {
#pragma unroll
    for (int block = 0; block < kBlocks; ++block)
      v[block] = out.contains(at.row(slice, half), at.col(col0, block))
                     ? epilogueInside<Mainloop, kNumB>(acc, epilogue, at,
                                                       col0, slice, half, block)
                     : make_float2(0.0f, 0.0f);
  }
  applyRowOp(epilogue, v, rowStates.of(slice, half), at.row(slice, half),
             at.col(col0, 0), out.m);
}

/// The output words of row (slice, half) of a consumer thread: a row op
/// needs the whole row's values before any is packed.
template <typename Mainloop, int kNumB, typename OutT, typename Epilogue,
          typename RowStates, int kBlocks>
__device__ void epilogueRowWords(const typename Mainloop::Accumulators &acc,
                                 const Sm90Output<OutT> &out,
                                 const Epilogue &epilogue,
                                 const RowStates &rowStates,
                                 const Sm90FragmentCoords &at, int col0,
                                 int slice, int half,
                                 std::uint32_t (&words)[kBlocks]) {
  float2 v[kBlocks];
  epilogueRow<Mainloop, kNumB>(acc, out, epilogue, rowStates, at, col0, slice,
                               half, v);
#pragma unroll
  for (int block = 0; block < kBlocks; ++block)
    words[block] = packPair<OutT>(v[block]);
}

/// Runs the epilogue on one consumer warpgroup's accumulators (its rows
/// from row0, columns from col0) and stores the elements inside C from
/// registers. The wgmma layout gives each lane of a quad two columns of
/// every 8; a quad transpose over 4 such blocks gives each lane 8
/// contiguous columns, so every row is written in 16-byte vectors covering
/// whole 32-byte sectors. A row's epilogue runs before any of its stores,
/// so that its operand loads (bias, residual) are in flight together
/// rather than each behind a store that might alias it.
template <typename Mainloop, typename Tile, int kNumB, typename OutT,
          typename Epilogue, typename RowStates>
__device__ void storeSm90Epilogue(const typename Mainloop::Accumulators &acc,
                                  const Sm90Output<OutT> &out,
                                  const Epilogue &epilogue,
                                  const RowStates &rowStates, int row0,
                                  int col0) {
  constexpr int kBlocks = Tile::kBlockN / 8;
  static_assert(kBlocks % 4 == 0, "quads of n8 blocks");
  const Sm90FragmentCoords at(row0);
#pragma unroll
  for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      std::uint32_t words[kBlocks];
      epilogueRowWords<Mainloop, kNumB>(acc, out, epilogue, rowStates, at,
                                        col0, slice, half, words);
      const int row = at.row(slice, half);
#pragma unroll
      for (int j0 = 0; j0 < kBlocks; j0 += 4) {
        std::uint32_t w[4] = {words[j0], words[j0 + 1], words[j0 + 2],
                              words[j0 + 3]};
        transposeQuad(w);
        // n % 8 == 0: the 8 columns are all inside C or all outside.
        const int col = col0 + 8 * (j0 + at.q);
        if (out.contains(row, col)) {
          Vec<OutT, 8> packed;
          memcpy(&packed, w, 16);
          storeVec(out.c + static_cast<std::int64_t>(row) * out.n + col,
                   packed);
        }
      }
    }
}

/// The staged stores of one consumer warpgroup (all 128 threads): per
/// 64-column box of its rows, the words wordOf(slice, half, block) go into
/// one of the consumer's two shared-memory buffers in the 128-byte-swizzled
/// box layout (Sm90StagedStore), and one thread stores the box with TMA. The consumer
/// returns as soon as its last box is issued; before refilling a buffer,
/// the issuing thread waits until the store that read it (two boxes back,
/// possibly of the previous tile) has. `boxesStored` counts this
/// consumer's boxes over the block's tiles.
template <typename Mainloop, typename Tile, int kNumB, typename OutT,
          typename WordOf>
__device__ void storeStagedBoxes(const Sm90Output<OutT> &out,
                                 const WordOf &wordOf,
                                 const Sm90FragmentCoords &at, int row0,
                                 int col0, unsigned char *buffers,
                                 int consumer, int &boxesStored) {
  using Staged = Sm90StagedStore<Tile, kNumB>;
  constexpr int kBoxBlocks = Staged::kBoxCols / 8; // n8 blocks per box
  constexpr int kBoxes = Tile::kBlockN / Staged::kBoxCols;
  constexpr bool kWholeTile = Tile::kStore == Sm90Store::kStagedWholeTile;
  const bool issuer = threadIdx.x % 128 == 0;
  std::uint32_t words[kBoxes][Mainloop::kSlices][2][kBoxBlocks];
  auto computeBox = [&](int box) {
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half)
#pragma unroll
        for (int j = 0; j < kBoxBlocks; ++j)
          words[box][slice][half][j] =
              wordOf(slice, half, kBoxBlocks * box + j);
  };
  if constexpr (kWholeTile) {
#pragma unroll
    for (int box = 0; box < kBoxes; ++box)
      computeBox(box);
  }
#pragma unroll
  for (int box = 0; box < kBoxes; ++box) {
    if constexpr (!kWholeTile)
      computeBox(box);
    unsigned char *const buffer = Staged::buffer(buffers, boxesStored++);
    if (issuer)
      sm90::bulkWaitGroupRead<1>();
    sm90::namedBarrierSync(1 + consumer, 128);
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half)
#pragma unroll
        for (int j = 0; j < kBoxBlocks; ++j)
          *reinterpret_cast<std::uint32_t *>(
              buffer + Staged::wordOffset(at.row(slice, half) - row0, at.q,
                                          j)) = words[box][slice][half][j];
    sm90::fenceProxyAsyncShared();
    sm90::namedBarrierSync(1 + consumer, 128);
    if (issuer) {
      sm90::tmaStore2d(out.cStore, buffer, col0 + Staged::kBoxCols * box,
                       row0);
      sm90::bulkCommitGroup();
    }
  }
}

/// The staged epilogue of one consumer warpgroup (storeStagedBoxes). An
/// epilogue without a row op runs box by box, on the words being staged. A
/// row op pairs columns of different boxes, so with one the epilogue runs
/// on whole rows first and its results replace the accumulators of the
/// first operand, in place (no registers beyond the row's).
template <typename Mainloop, typename Tile, int kNumB, typename OutT,
          typename Epilogue, typename RowStates>
__device__ void
storeSm90EpilogueStaged(typename Mainloop::Accumulators &acc,
                        const Sm90Output<OutT> &out, const Epilogue &epilogue,
                        const RowStates &rowStates, int row0, int col0,
                        unsigned char *buffers, int consumer,
                        int &boxesStored) {
  const Sm90FragmentCoords at(row0);
  if constexpr (kHasRowOp<Epilogue>) {
    constexpr int kBlocks = Tile::kBlockN / 8;
#pragma unroll
    for (int slice = 0; slice < Mainloop::kSlices; ++slice)
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        float2 v[kBlocks];
        epilogueRow<Mainloop, kNumB>(acc, out, epilogue, rowStates, at, col0,
                                     slice, half, v);
#pragma unroll
        for (int block = 0; block < kBlocks; ++block) {
          acc.d[0][slice][4 * block + 2 * half] = v[block].x;
          acc.d[0][slice][4 * block + 2 * half + 1] = v[block].y;
        }
      }
    storeStagedBoxes<Mainloop, Tile, kNumB>(
        out,
        [&](int slice, int half, int block) {
          return packPair<OutT>(fragmentPair(acc.d[0][slice], half, block));
        },
        at, row0, col0, buffers, consumer, boxesStored);
  } else if (out.containsBlock(row0, Tile::kConsumerRows, col0,
                                Tile::kBlockN)) {
    // No pair to test: the epilogue's operand loads of a box issue together
    // instead of each behind its own bounds branch.
    storeStagedBoxes<Mainloop, Tile, kNumB>(
        out,
        [&](int slice, int half, int block) {
          return packPair<OutT>(epilogueInside<Mainloop, kNumB>(
              acc, epilogue, at, col0, slice, half, block));
        },
        at, row0, col0, buffers, consumer, boxesStored);
  } else {
    storeStagedBoxes<Mainloop, Tile, kNumB>(
        out,
        [&](int slice, int half, int block) {
          return epilogueWord<Mainloop, kNumB>(acc, out, epilogue, at, col0,
                                               slice, half, block);
        },
        at, row0, col0, buffers, consumer, boxesStored);
  }
}

} // namespace xfuse::device
