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

/// The order in which persistent blocks take the tiles: bands of
/// `bandTiles` tiles across the band axis, walked one line of the other
/// axis at a time, so that the blocks running at the same time share A rows
/// and B columns in L2. Along M (the default): bands of row tiles, walked
/// column by column (each A band is read from DRAM once per walk and each B
/// column once per band); along N: bands of column tiles walked row by row.
struct Sm90Raster {
  int bandTiles = 8;
  bool alongN = false;
};

/// Maps a linear tile index to (row tile, column tile) in `raster`'s order.
struct GroupedTileOrder {
  int rowTile, colTile;

  __device__ GroupedTileOrder(int linear, int rowTiles, int colTiles,
                              Sm90Raster raster) {
    const int bandAxisTiles = raster.alongN ? colTiles : rowTiles;
    const int lineTiles = raster.alongN ? rowTiles : colTiles;
    const int tilesPerBand = raster.bandTiles * lineTiles;
    const int band = linear / tilesPerBand;
    const int first = band * raster.bandTiles;
    const int bandWidth = min(bandAxisTiles - first, raster.bandTiles);
    const int inBand = linear % tilesPerBand;
    const int across = first + inBand % bandWidth, along = inBand / bandWidth;
    rowTile = raster.alongN ? along : across;
    colTile = raster.alongN ? across : along;
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
                          int tiles, int splits, int kTiles, int rank,
                          Sm90Raster raster) {
    tile = unit % tiles;
    split = unit / tiles;
    const GroupedTileOrder order(
        tile, (grid.rowTiles + kCluster - 1) / kCluster, grid.colTiles,
        raster);
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
