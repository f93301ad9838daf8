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
#include "passes/Passes.h"
#include "tools/common/ToolInput.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

#include <functional>

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

/// The module `sourceMgr` holds, parsed as xfuse's tools parse
/// (ToolInput.h), after the optional pipeline; null after reporting why
/// not.
static OwningOpRef<ModuleOp>
prepare(const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
        MLIRContext *context) {
  DialectRegistry registry;
  xfuse::registerToolDialects(registry);
  context->appendDialectRegistry(registry);
  OwningOpRef<ModuleOp> module = xfuse::parseToolInput(*sourceMgr, context);
  if (!module || pipelineTarget.empty())
    return module;
  PassManager pm(context);
  if (failed(parsePassPipeline("xfuse-pipeline{target=" + pipelineTarget +
                                   "}",
                               pm)) ||
      failed(pm.run(*module)))
    return nullptr;
  return module;
}

/// Registers the translation `name`, which prints the prepared module with
/// `emit`.
static void
registerEmission(llvm::StringRef name, llvm::StringRef description,
                 std::function<LogicalResult(ModuleOp, raw_ostream &)> emit) {
  TranslateRegistration registration(
      name, description,
      [emit](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
             raw_ostream &os, MLIRContext *context) -> LogicalResult {
        OwningOpRef<ModuleOp> module = prepare(sourceMgr, context);
        return success(module && succeeded(emit(*module, os)));
      });
}

int main(int argc, char **argv) {
  xfuse::registerXFusePasses();
  registerEmission(
      "emit-cuda", "translate xfuse kernel IR to CUDA C++ (.cu)",
      [](ModuleOp module, raw_ostream &os) {
        return xfuse::emitCudaSource(module, os, headerInclude);
      });
  registerEmission(
      "emit-cuda-header",
      "declare the entry points of xfuse kernel IR in a C++ header (.h)",
      [](ModuleOp module, raw_ostream &os) {
        return xfuse::emitCudaHeader(module, os);
      });
  return failed(mlirTranslateMain(argc, argv, "xfuse translation driver"));
}
