// LongRoPE scaling of RoPE (Hugging Face's "longrope" rope type: Phi-3,
// Phi-3.5, Phi-4): the call uses the long factor set's frequencies once its
// length L = 1 + max(positions) (CallLength.h) exceeds the training context,
// the short set's otherwise, the same for every token of the call. Both
// tables are computed on the host ({hi, lo} pairs, splitFrequencies in
// Angles.h); one block finds L and copies the chosen one into the table
// that the RoPE block then reads, in stream order. The attention factor is
// the same for both sets and stays a constant of the RoPE.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/CallLength.h"
#include "cuda/device/Launch.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

template <typename PosT> struct LongRopeFrequencies {
  TokenPositions<PosT> positions; // without a tensor: L = seqLen
  std::int64_t tokens;
  double originalMaxPosition;
  const float2 *shortInvFreq; // [rotaryDim / 2]
  const float2 *longInvFreq;  // [rotaryDim / 2]
  int rotaryDim;
  float2 *invFreq; // [rotaryDim / 2], written
};

template <typename PosT>
__global__ void __launch_bounds__(kCallLengthThreads)
    longRopeFrequenciesKernel(const LongRopeFrequencies<PosT> p) {
  waitForPrecedingKernels();
  const double length = blockCallLength(p.positions, p.tokens);
  const float2 *chosen =
      length > p.originalMaxPosition ? p.longInvFreq : p.shortInvFreq;
  for (int i = threadIdx.x; i < p.rotaryDim / 2; i += kCallLengthThreads)
    p.invFreq[i] = chosen[i];
}

/// Writes p.invFreq for this call's positions; returns the launch error.
template <typename PosT>
cudaError_t launchLongRopeFrequencies(const LongRopeFrequencies<PosT> &p,
                                      cudaStream_t stream) {
  return launchKernel(longRopeFrequenciesKernel<PosT>,
                      {dim3(1), dim3(kCallLengthThreads)}, stream, p);
}

} // namespace xfuse::device
