//===- CpuRunner.h - run lowered xfuse functions on the CPU --------------===//
//
// Runs a function that has been lowered to upstream dialects (linalg, tensor,
// arith, math) on concrete inputs: it wraps the function in a module whose
// entry materializes the inputs as constants and prints the results, compiles
// that with mlir-opt's CPU pipeline and executes it with mlir-runner.
//
// Lowering and running are separate steps so that two lowerings of one graph
// (for example fused and unfused) can be run on the same inputs and compared.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_TESTS_REFERENCE_CPURUNNER_H
#define XFUSE_TESTS_REFERENCE_CPURUNNER_H

#include "tests/reference/Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace xfuse::check {

/// The external programs that compile and execute a lowered module.
struct RunnerTools {
  std::string mlirOpt;
  std::string mlirRunner;
  /// Directory holding libmlir_runner_utils.so and libmlir_c_runner_utils.so.
  std::string runtimeLibraryDirectory;
};

/// A module holding a copy of `func` transformed by `prePipeline` (a textual
/// module pass pipeline such as "xfuse-pipeline,xfuse-inline-kernels"; empty
/// for none) and then --xfuse-to-linalg; the error carries the diagnostics.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
lowerToLinalg(mlir::func::FuncOp func, llvm::StringRef prePipeline = "");

/// Calls `functionName` of `lowered` (which is left unchanged) on `inputs`,
/// given in the order and element types of its arguments with their concrete
/// shapes, and returns its results widened to f32 exactly, bit for bit.
llvm::Expected<std::vector<reference::Tensor>>
runOnCpu(mlir::ModuleOp lowered, llvm::StringRef functionName,
         const std::vector<reference::Tensor> &inputs,
         const RunnerTools &tools);

} // namespace xfuse::check

#endif // XFUSE_TESTS_REFERENCE_CPURUNNER_H
