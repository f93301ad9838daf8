// An opt-in check of token positions, which live on the device: entry
// points cannot read them before their launches without synchronizing, so
// they take any position, with behaviour their header documents (a learned
// table clamps, RoPE and sinusoidal encodings compute in f32), and this
// check tells a caller which position is outside what the graph supports.
#pragma once

#include "runtime/Status.h"
#include "runtime/TensorView.h"

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string_view>

namespace xfuse::rt {

/// Checks that every element of `positions` (i32 or i64) lies in
/// [min, max], else OUT_OF_RANGE naming the first one outside: "positions
/// 'pos': element 17 is 2048, outside [0, 2047]: <consequence>". Copies the
/// tensor to the host after the work queued on `stream`, and waits for it:
/// not for use while `stream` is captured into a CUDA graph.
Status expectPositionsWithin(const TensorView &positions,
                             std::string_view name, std::int64_t min,
                             std::int64_t max, std::string_view consequence,
                             cudaStream_t stream);

} // namespace xfuse::rt
