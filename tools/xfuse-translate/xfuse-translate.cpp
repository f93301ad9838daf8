//===- xfuse-translate.cpp - kernel IR to CUDA C++ ------------------------===//
//
// Translations of xfuse's kernel IR (the output of xfuse-opt
// --xfuse-pipeline) into CUDA C++:
//   --emit-cuda          the .cu: kernel launches and host entry points
//   --emit-cuda-header   the .h declaring the entry points
// With --xfuse-pipeline=<target> the input may be an xfuse graph: the
// pipeline runs first, as `xfuse-opt --xfuse-pipeline="target=<target>"`.
//
//===----------------------------------------------------------------------===//

#include "codegen/CudaEmitter.h"
#include "dialect/XFuseDialect.h"
#include "dialect/kernel/KernelDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

static llvm::cl::opt<std::string> headerInclude(
    "xfuse-header",
    llvm::cl::desc("With --emit-cuda: the path the .cu includes for the "
                   "declarations (the --emit-cuda-header output); empty "
                   "declares them in the .cu"),
    llvm::cl::init(""));

static llvm::cl::opt<std::string> pipelineTarget(
    "xfuse-pipeline",
    llvm::cl::desc("Run --xfuse-pipeline for this target (sm_80, sm_90a) "
                   "before emitting: the input is then an xfuse graph"),
    llvm::cl::init(""));

static void registerDialects(DialectRegistry &registry) {
  // The pipeline's intermediate forms use the upstream dialects too.
  registry.insert<xfuse::XFuseDialect, xfuse::kernel::XKernelDialect,
                  arith::ArithDialect, bufferization::BufferizationDialect,
                  func::FuncDialect, linalg::LinalgDialect, math::MathDialect,
                  scf::SCFDialect, tensor::TensorDialect>();
}

/// The module of `op` after the optional pipeline, or null after reporting
/// why not.
static ModuleOp prepare(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module) {
    op->emitError("expected a builtin.module");
    return nullptr;
  }
  if (pipelineTarget.empty())
    return module;
  PassManager pm(module->getContext());
  if (failed(parsePassPipeline("xfuse-pipeline{target=" + pipelineTarget +
                                   "}",
                               pm)) ||
      failed(pm.run(module)))
    return nullptr;
  return module;
}

int main(int argc, char **argv) {
  xfuse::registerXFusePasses();
  TranslateFromMLIRRegistration source(
      "emit-cuda", "translate xfuse kernel IR to CUDA C++ (.cu)",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        ModuleOp module = prepare(op);
        return success(module &&
                       succeeded(xfuse::emitCudaSource(module, os,
                                                       headerInclude)));
      },
      registerDialects);
  TranslateFromMLIRRegistration header(
      "emit-cuda-header",
      "declare the entry points of xfuse kernel IR in a C++ header (.h)",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        ModuleOp module = prepare(op);
        return success(module && succeeded(xfuse::emitCudaHeader(module, os)));
      },
      registerDialects);
  return failed(mlirTranslateMain(argc, argv, "xfuse translation driver"));
}
