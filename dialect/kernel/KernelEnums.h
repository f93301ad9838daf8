#ifndef XFUSE_DIALECT_KERNEL_KERNELENUMS_H
#define XFUSE_DIALECT_KERNEL_KERNELENUMS_H

#include "mlir/IR/DialectImplementation.h"

#include "dialect/kernel/KernelEnums.h.inc"

namespace mlir::xfuse::kernel {

/// The values of a pass option of type Target, named as the enum's cases
/// (`target=sm_80`), so that the names live in one table and no pass
/// parses a string:
///   Option<"target", "target", "::mlir::xfuse::kernel::Target", ...,
///          [{::mlir::xfuse::kernel::TargetOptionValues()}]>
struct TargetOptionValues {
  template <typename Option> void apply(Option &option) const {
    for (uint32_t value = 0; value <= getMaxEnumValForTarget(); ++value)
      if (std::optional<Target> target = symbolizeTarget(value))
        option.getParser().addLiteralOption(stringifyTarget(*target), *target,
                                            "");
  }
};

} // namespace mlir::xfuse::kernel

#endif // XFUSE_DIALECT_KERNEL_KERNELENUMS_H
