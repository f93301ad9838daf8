// Kernel plans in the terms of cuda/device/GemmLimits.h, the one home of
// what the GEMM blocks run: the verifier, the cost model and the emitter
// check plans through these.
//
// Kept out of KernelOps.h: GemmLimits.h declares the global namespace
// ::xfuse, which makes `xfuse::` ambiguous after `using namespace mlir`.
#ifndef XFUSE_DIALECT_KERNEL_GEMMCONFIG_H
#define XFUSE_DIALECT_KERNEL_GEMMCONFIG_H

#include "cuda/device/GemmLimits.h"
#include "dialect/kernel/KernelOps.h"

namespace mlir::xfuse::kernel {

/// The GemmLimits main loop of a plan's `mainloop`.
::xfuse::gemm::Mainloop toGemmLimits(GemmMainloop mainloop);

/// The configuration GemmLimits checks: `plan` for a body of `products`
/// products (1, or 2 for gate and up) on operands of `elementType`.
::xfuse::gemm::Config getGemmConfig(GemmPlanAttr plan, int products,
                                    Type elementType);

/// Why the epilogue of a GEMM block of `config` cannot apply `rope`
/// (epilogueRopeUnsupportedReason of GemmLimits), or nullptr.
const char *epilogueRopeUnsupportedReason(const ::xfuse::gemm::Config &config,
                                          RopeOp rope);

} // namespace mlir::xfuse::kernel

#endif // XFUSE_DIALECT_KERNEL_GEMMCONFIG_H
