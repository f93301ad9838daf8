//===- ReferenceEvaluator.h - evaluate xfuse functions in float64 --------===//
//
// Interprets the body of a func.func of xfuse ops with the float64 reference
// library, op by op, without rounding between ops.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TESTS_REFERENCE_REFERENCEEVALUATOR_H
#define XFUSE_TESTS_REFERENCE_REFERENCEEVALUATOR_H

#include "tests/reference/Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace xfuse::check {

/// The results of `func` on `arguments` (one per function argument, integers
/// held exactly as doubles). Fails, naming the op and its location, on an op
/// other than an xfuse op or func.return, or on shapes the reference rejects.
llvm::Expected<std::vector<reference::Tensor>>
evaluateWithReference(mlir::func::FuncOp func,
                      const std::vector<reference::Tensor> &arguments);

} // namespace xfuse::check

#endif // XFUSE_TESTS_REFERENCE_REFERENCEEVALUATOR_H
