// Kernel launches that let a kernel start while the one before it on the
// stream finishes (programmatic dependent launch, sm_90 and later): its
// blocks are scheduled as the earlier kernel's blocks retire, so its launch
// and set-up (shared-memory barriers, descriptor prefetches) overlap the
// earlier kernel's tail instead of following it.
//
// The contract, for every kernel that launchKernel launches: it calls
// waitForPrecedingKernels() before it touches any global memory (an
// earlier kernel may still write what it reads, or read what it writes).
// A kernel may call allowDependentKernels() to let the next kernel's blocks
// be scheduled before it ends; without it they are scheduled as its last
// block exits. The GEMMs (one persistent wave) call it first thing; the
// pointwise kernels (many short blocks) do not: with their early trigger
// bert_pe_ffn ran 0.2779-0.2789 ms against 0.2669-0.2682 without dependent
// launches, and without it 0.2645-0.2650 (H100, docs/perf-notes.md).
// Where the device has no dependent launch both calls are no-ops and
// launches serialize as usual.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace xfuse::device {

/// Waits until the kernels before this one on the stream have finished and
/// their writes are visible.
__device__ inline void waitForPrecedingKernels() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;\n" ::: "memory");
#endif
}

/// Lets the next kernel on the stream be scheduled before this one ends
/// (it still waits for this one before touching memory).
__device__ inline void allowDependentKernels() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;\n" ::: "memory");
#endif
}

/// `query(device)` for the current device, computed on its first call per
/// device and cached: a positive value, or 0 when the query failed (then
/// not cached). Every instantiation (a lambda type per call site and
/// template instance) has its own cache.
template <typename Query> int cachedPerDevice(Query query) {
  constexpr int kMaxDevices = 64;
  static int cached[kMaxDevices] = {};
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess)
    return 0;
  if (device < kMaxDevices && cached[device] > 0)
    return cached[device];
  const int value = query(device);
  if (value > 0 && device < kMaxDevices)
    cached[device] = value;
  return value > 0 ? value : 0;
}

/// Whether the current device overlaps dependent launches (compute
/// capability 9 and later), cached per device. XFUSE_DEPENDENT_LAUNCH=0 in
/// the environment turns them off (to time or debug without them).
inline bool hasDependentLaunch() {
  static const bool disabled = [] {
    const char *setting = std::getenv("XFUSE_DEPENDENT_LAUNCH");
    return setting != nullptr && std::strcmp(setting, "0") == 0;
  }();
  if (disabled)
    return false;
  constexpr int kYes = 2, kNo = 1;
  return cachedPerDevice([](int device) {
           int major = 0;
           if (cudaDeviceGetAttribute(&major,
                                      cudaDevAttrComputeCapabilityMajor,
                                      device) != cudaSuccess) {
             (void)cudaGetLastError();
             return 0;
           }
           return major >= 9 ? kYes : kNo;
         }) == kYes;
}

/// Grid, block, dynamic shared memory and thread-block cluster of a launch.
struct LaunchShape {
  dim3 grid;
  dim3 block;
  std::size_t sharedBytes = 0;
  unsigned clusterBlocks = 1; // along x
};

/// The launch configuration of `shape` on `stream`, a dependent launch if
/// `dependent`; its attributes live in `attributes`, which must outlive it.
inline cudaLaunchConfig_t launchConfig(const LaunchShape &shape,
                                       cudaStream_t stream, bool dependent,
                                       cudaLaunchAttribute (&attributes)[2]) {
  cudaLaunchConfig_t config = {};
  config.gridDim = shape.grid;
  config.blockDim = shape.block;
  config.dynamicSmemBytes = shape.sharedBytes;
  config.stream = stream;
  unsigned count = 0;
  if (shape.clusterBlocks > 1) {
    attributes[count].id = cudaLaunchAttributeClusterDimension;
    attributes[count].val.clusterDim.x = shape.clusterBlocks;
    attributes[count].val.clusterDim.y = 1;
    attributes[count].val.clusterDim.z = 1;
    ++count;
  }
  if (dependent) {
    attributes[count].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attributes[count].val.programmaticStreamSerializationAllowed = 1;
    ++count;
  }
  config.attrs = attributes;
  config.numAttrs = count;
  return config;
}

/// Launches `kernel` on `stream`, as a dependent launch where the device has
/// them; returns the launch's error.
template <typename... Params, typename... Args>
cudaError_t launchKernel(void (*kernel)(Params...), const LaunchShape &shape,
                         cudaStream_t stream, Args &&...args) {
  cudaLaunchAttribute attributes[2];
  const cudaLaunchConfig_t config =
      launchConfig(shape, stream, hasDependentLaunch(), attributes);
  return cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
}

} // namespace xfuse::device
