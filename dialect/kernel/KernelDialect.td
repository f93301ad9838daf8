#ifndef XFUSE_DIALECT_KERNEL_KERNELDIALECT_TD
#define XFUSE_DIALECT_KERNEL_KERNELDIALECT_TD

include "mlir/IR/OpBase.td"

def XKernel_Dialect : Dialect {
  let name = "xkernel";
  let cppNamespace = "::mlir::xfuse::kernel";
  let summary = "Kernel plans: one op per GPU kernel";
  let description = [{
    The kernel level of xfuse. Each op is exactly one GPU launch of the
    device block its plan names, which the CUDA emitter prints one-to-one.
    A kernel op is isolated from above; its body holds the `xfuse` ops it
    fuses, in the order they are applied, and yields the kernel's results.
    The body is therefore also the kernel's reference semantics:
    `--xfuse-inline-kernels` splices the bodies back into the function, and
    `--xfuse-to-linalg` runs the result on the CPU, so a fused plan is
    checked against the unfused graph with the same machinery.

    Each kernel carries its launch plan as an attribute: the cost model
    (`--xfuse-plan-launch`) fills it in for the target, and a plan already
    present is kept, so that a benchmark can pin another one. The plan is
    the contract: it states every decision (main loop, tile, warps,
    schedule, split-K), and the verifier rejects a plan that the device
    blocks cannot run for the kernel's body (`cuda/device/GemmLimits.h`).
    The one launch a plan does not show is the frequency table of a
    dynamic-NTK or LongRoPE RoPE, written by a one-block launch before the
    kernel, since its base or factor set follows the call's largest
    position.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class XKernel_Op<string mnemonic, list<Trait> traits = []>
    : Op<XKernel_Dialect, mnemonic, traits>;

#endif // XFUSE_DIALECT_KERNEL_KERNELDIALECT_TD
