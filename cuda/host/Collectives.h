// Host helpers of the entry points of tensor-parallel graphs: the checks of
// the communicator and of a reduce-scatter's rows, and the all-reduce that
// overlaps the GEMM writing its input (xkernel.all_reduce with
// row_blocks > 1). Header-only; needs NCCL (runtime/Communicator.h).
#pragma once

#include "cuda/host/EntryPoint.h"
#include "runtime/Communicator.h"
#include "runtime/TensorShard.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xfuse::generated {

/// The graph was sharded for `ranks`: "communicator: the graph runs on 2
/// ranks, but the communicator has 4".
inline rt::Status expectRanks(const rt::Communicator &communicator,
                              int ranks) {
  if (communicator.size() == ranks && communicator.get() != nullptr)
    return rt::Status::ok();
  return rt::Status::error(
      rt::StatusCode::kInvalidArgument,
      "communicator: the graph runs on " + std::to_string(ranks) +
          " ranks, but the communicator " +
          (communicator.get() ? "has " + std::to_string(communicator.size())
                              : std::string("is empty")));
}

/// A reduce-scatter's rows divide among the ranks: "'x' dim 0 (7) must
/// divide among 2 ranks". A size check: the workspace query runs it.
inline rt::Status expectRowsDivide(CheckedInt rows, std::string_view what,
                                   int ranks) {
  if (!rows.isOverflowed() && rows.value() % ranks == 0)
    return rt::Status::ok();
  return rt::Status::error(
      rt::StatusCode::kInvalidArgument,
      std::string(what) + " (" +
          (rows.isOverflowed() ? std::string("over 2^63")
                               : std::to_string(rows.value())) +
          ") must divide among " + std::to_string(ranks) + " ranks");
}

/// Sums `partial` ([rows, rowElements] of `dtype`) over the ranks into
/// `result` while `launchRows(firstRow, blockRows, gemmBlocks)` writes it:
/// the rows are cut into at most `maxBlocks` blocks, each a multiple of
/// `rowAlignment` rows (the GEMM's tile) but the last; each block is
/// launched on `stream` and all-reduced on the communicator's reduction
/// stream as soon as it is stored, while the next block multiplies on at
/// most `gemmBlocks` blocks (0: all; Communicator::gemmBlocksBeside). Rows
/// that fit in one block (a decode step) take one launch and one all-reduce
/// on `stream`. `stream` waits for the last all-reduce before anything
/// queued after the call.
template <typename LaunchRows>
rt::Status allReduceInRowBlocks(const rt::Communicator &communicator,
                                const void *partial, void *result,
                                std::int64_t rows, std::int64_t rowElements,
                                rt::DType dtype, std::int64_t maxBlocks,
                                std::int64_t rowAlignment,
                                LaunchRows &&launchRows, cudaStream_t stream) {
  const std::int64_t blockRows =
      ceilDiv(ceilDiv(rows, maxBlocks), rowAlignment) * rowAlignment;
  if (blockRows >= rows) {
    XFUSE_RETURN_IF_ERROR(launchRows(0, rows, /*gemmBlocks=*/0));
    return communicator.allReduceSum(
        partial, result, static_cast<std::size_t>(rows * rowElements), dtype,
        stream);
  }
  const auto rowBytes =
      static_cast<std::size_t>(rowElements) * rt::dtypeSize(dtype);
  cudaStream_t reduction = communicator.reductionStream();
  for (std::int64_t first = 0; first < rows; first += blockRows) {
    const std::int64_t count = std::min(blockRows, rows - first);
    XFUSE_RETURN_IF_ERROR(
        launchRows(first, count, communicator.gemmBlocksBeside()));
    // The reduction stream takes the block once it is stored, and with it
    // everything queued on `stream` before (the previous readers of
    // `result`).
    XFUSE_RETURN_IF_ERROR(communicator.blockStored().record(stream));
    XFUSE_CUDA_TRY(
        cudaStreamWaitEvent(reduction, communicator.blockStored().get(), 0));
    const std::size_t offset = static_cast<std::size_t>(first) * rowBytes;
    XFUSE_RETURN_IF_ERROR(communicator.allReduceSum(
        static_cast<const char *>(partial) + offset,
        static_cast<char *>(result) + offset,
        static_cast<std::size_t>(count * rowElements), dtype, reduction));
  }
  XFUSE_RETURN_IF_ERROR(communicator.reduced().record(reduction));
  XFUSE_CUDA_TRY(cudaStreamWaitEvent(stream, communicator.reduced().get(), 0));
  return rt::Status::ok();
}

} // namespace xfuse::generated
