// Each rank's part of a full tensor, as a tensor-parallel graph's
// `xkernel.shard` arguments take it (xfuse-opt --xfuse-shard-tensor-parallel).
// Cut once, when the weights are loaded; the generated
// `<function>_shard_<argument>` helpers call shardOf with the graph's split.
// Needs no NCCL.
#pragma once

#include "runtime/CudaResources.h"
#include "runtime/Status.h"
#include "runtime/TensorView.h"

#include <cuda_runtime_api.h>

#include <optional>

namespace xfuse::rt {

/// How a full tensor is divided among `ranks`: split into equal contiguous
/// parts along `dim`, or without `dim` a partial sum (rank 0 holds the
/// tensor, the others zeros, so that an all-reduce adds it once).
struct ShardSpec {
  int ranks = 1;
  std::optional<int> dim;
};

/// A rank's part of a tensor, in device memory of its own.
class TensorShard {
public:
  TensorShard() = default;
  TensorShard(DeviceBuffer storage, TensorView view)
      : storage_(std::move(storage)), view_(view) {}

  const TensorView &view() const { return view_; }

private:
  DeviceBuffer storage_;
  TensorView view_;
};

/// Rank `rank`'s part of the device tensor `full`, copied on `stream`.
/// Fails when `dim` is out of range or ranks do not divide it.
StatusOr<TensorShard> shardOf(const TensorView &full, const ShardSpec &spec,
                              int rank, cudaStream_t stream);

} // namespace xfuse::rt
