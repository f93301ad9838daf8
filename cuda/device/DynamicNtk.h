// Dynamic NTK scaling of RoPE (Hugging Face's "dynamic" rope type): the
// rotary base grows once the call's longest sequence outgrows the training
// context,
//   L = 1 + max(positions)   (the sequence length without positions)
//   base = theta * (factor * L / originalMax - (factor - 1))^(rd / (rd - 2))
//          when L > originalMax, else theta,
// and inv_freq[i] = base^(-2i / rd). The positions live on the device, so
// one block reduces them and writes the {hi, lo} table (splitFrequencies in
// Angles.h) that the RoPE block then reads, in stream order. The base and
// the frequencies are computed in double, as the host tables of the other
// scalings are.
#pragma once

#include "cuda/device/Angles.h"
#include "cuda/device/Launch.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <climits>

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

inline constexpr int kDynamicNtkThreads = 1024;

template <typename PosT>
__global__ void __launch_bounds__(kDynamicNtkThreads)
    dynamicNtkFrequenciesKernel(const DynamicNtkFrequencies<PosT> p) {
  __shared__ long long warpMax[kDynamicNtkThreads / 32];
  __shared__ double base;
  waitForPrecedingKernels();
  long long largest = LLONG_MIN;
  if (p.positions.positions)
    for (std::int64_t token = threadIdx.x; token < p.tokens;
         token += kDynamicNtkThreads)
      largest = max(largest, static_cast<long long>(p.positions(token)));
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    largest = max(largest, __shfl_xor_sync(0xffffffffu, largest, offset));
  if (threadIdx.x % 32 == 0)
    warpMax[threadIdx.x / 32] = largest;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 0; w < kDynamicNtkThreads / 32; ++w)
      largest = max(largest, warpMax[w]);
    // In double, so that L + 1 cannot overflow the positions' type.
    const double length = p.positions.positions
                              ? static_cast<double>(largest) + 1.0
                              : static_cast<double>(p.positions.seqLen);
    base = length > p.originalMaxPosition
               ? p.theta * pow(p.factor * length / p.originalMaxPosition -
                                   (p.factor - 1.0),
                               static_cast<double>(p.rotaryDim) /
                                   (p.rotaryDim - 2))
               : p.theta;
  }
  __syncthreads();
  for (int i = threadIdx.x; i < p.rotaryDim / 2; i += kDynamicNtkThreads) {
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
                      {dim3(1), dim3(kDynamicNtkThreads)}, stream, p);
}

} // namespace xfuse::device
