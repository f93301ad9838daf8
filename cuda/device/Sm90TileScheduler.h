// Which output tiles (and k-slices) the persistent blocks of the Hopper GEMM
// (Sm90Gemm.h) run, and in which order.
#pragma once

#include <cuda_runtime.h>

namespace xfuse::device {

/// The tiles of an m x n output for Tile.
template <typename Tile> struct Sm90TileGrid {
  int rowTiles, colTiles;

  __host__ __device__ Sm90TileGrid(int m, int n)
      : rowTiles((m + Tile::kBlockM - 1) / Tile::kBlockM),
        colTiles((n + Tile::kBlockN - 1) / Tile::kBlockN) {}
  __host__ __device__ long long tiles() const {
    return static_cast<long long>(rowTiles) * colTiles;
  }
  /// Tiles for clusters of `cluster` blocks along M, each cluster one
  /// column of `cluster` row tiles (past the last row tile: rows past m).
  __host__ __device__ long long clusterTiles(int cluster) const {
    return static_cast<long long>((rowTiles + cluster - 1) / cluster) *
           colTiles;
  }
};

/// Maps a linear tile index to (row tile, column tile) so that blocks
/// running at the same time share A rows and B columns in L2: tiles go
/// column by column inside bands of kGroupRows row tiles.
struct GroupedTileOrder {
  static constexpr int kGroupRows = 8;
  int rowTile, colTile;

  __device__ GroupedTileOrder(int linear, int rowTiles, int colTiles) {
    const int tilesPerBand = kGroupRows * colTiles;
    const int band = linear / tilesPerBand;
    const int firstRow = band * kGroupRows;
    const int bandRows = min(rowTiles - firstRow, kGroupRows);
    const int inBand = linear % tilesPerBand;
    rowTile = firstRow + inBand % bandRows;
    colTile = inBand / bandRows;
  }
};

/// One unit of a persistent block's work: k-tiles [kTileBegin, kTileEnd)
/// of tile `tile`. Unit u is slice u / tiles of tile u % tiles, so that the
/// blocks running at the same time cover different tiles. With clusters of
/// kCluster blocks, `tiles` counts cluster tiles (Sm90TileGrid::
/// clusterTiles) and the block of rank r takes row tile r of its cluster's.
template <typename Tile, int kCluster> struct Sm90WorkUnit {
  int tile, split, row0, col0, kTileBegin, kTileEnd;

  __device__ Sm90WorkUnit(int unit, const Sm90TileGrid<Tile> &grid,
                          int tiles, int splits, int kTiles, int rank) {
    tile = unit % tiles;
    split = unit / tiles;
    const GroupedTileOrder order(
        tile, (grid.rowTiles + kCluster - 1) / kCluster, grid.colTiles);
    row0 = (order.rowTile * kCluster + rank) * Tile::kBlockM;
    col0 = order.colTile * Tile::kBlockN;
    kTileBegin = static_cast<int>(static_cast<long long>(kTiles) * split /
                                  splits);
    kTileEnd = static_cast<int>(static_cast<long long>(kTiles) * (split + 1) /
                                splits);
  }
  __device__ int kTileCount() const { return kTileEnd - kTileBegin; }
};

} // namespace xfuse::device
