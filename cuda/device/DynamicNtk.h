// Dynamic NTK scaling of RoPE (Hugging Face's "dynamic" rope type): the
// rotary base grows once the call's longest sequence outgrows the training
// context,
//   L = 1 + max(positions)   (the sequence length without positions)
//   base = theta * (factor * L / originalMax - (factor - 1))^(rd / (rd - 2))
//          when L > originalMax, else theta,
// and inv_freq[i] = base^(-2i / rd). One block finds L (CallLength.h) and
// writes the {hi, lo} table (splitFrequencies in Angles.h) that the RoPE
// block then reads, in stream order. The base and the frequencies are
// computed in double, as the host tables of the other scalings are.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/CallLength.h"
#include "cuda/device/Launch.h"

#include <cuda_runtime.h>

#include <cstdint>

namespace xfuse::device {

template <typename PosT> struct DynamicNtkFrequencies {
  TokenPositions<PosT> positions; // without a tensor: L = seqLen
  std::int64_t tokens;
  double theta;
  double factor;
  double originalMaxPosition;
  int rotaryDim;
  float2 *invFreq; // [rotaryDim / 2], written
};

template <typename PosT>
__global__ void __launch_bounds__(kCallLengthThreads)
    dynamicNtkFrequenciesKernel(const DynamicNtkFrequencies<PosT> p) {
  waitForPrecedingKernels();
  const double length =
      blockCallLength(p.positions, p.tokens);
  const double base =
      length > p.originalMaxPosition
          ? p.theta * pow(p.factor * length / p.originalMaxPosition -
                              (p.factor - 1.0),
                          static_cast<double>(p.rotaryDim) / (p.rotaryDim - 2))
          : p.theta;
  for (int i = threadIdx.x; i < p.rotaryDim / 2; i += kCallLengthThreads) {
    const double f = pow(base, -2.0 * i / p.rotaryDim);
    const float hi = static_cast<float>(f);
    p.invFreq[i] = make_float2(hi, static_cast<float>(f - hi));
  }
}

/// Writes p.invFreq for this call's positions; returns the launch error.
template <typename PosT>
cudaError_t launchDynamicNtkFrequencies(const DynamicNtkFrequencies<PosT> &p,
                                        cudaStream_t stream) {
  return launchKernel(dynamicNtkFrequenciesKernel<PosT>,
                      {dim3(1), dim3(kCallLengthThreads)}, stream, p);
}

} // namespace xfuse::device
