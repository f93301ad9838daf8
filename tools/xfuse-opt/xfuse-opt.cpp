//===- xfuse-opt.cpp - the xfuse optimizer driver -------------------------===//
//
// Parses, verifies, transforms and prints xfuse graphs. Registers the xfuse
// dialect, the upstream dialects its lowerings produce, and xfuse's passes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "tools/common/ToolInput.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  DialectRegistry registry;
  xfuse::registerToolDialects(registry);
  registerCanonicalizerPass();
  registerCSEPass();
  xfuse::registerXFusePasses();
  xfuse::registerVerifyToolInputPass();
  auto [inputFilename, outputFilename] = registerAndParseCLIOptions(
      argc, argv, "xfuse optimizer driver\n", registry);

  // MLIR's parser would verify the input itself and crash on what
  // verifyToolInput rejects: it verifies nothing here, and the pipeline
  // starts with the pass that checks, then verifies.
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  MlirOptMainConfig requested = config;
  config.verifyOnParsing(false).setPassPipelineSetupFn(
      [requested](PassManager &pm) {
        pm.addPass(xfuse::createVerifyToolInputPass());
        return requested.setupPassPipeline(pm);
      });

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << errorMessage << "\n";
    return EXIT_FAILURE;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << errorMessage << "\n";
    return EXIT_FAILURE;
  }
  if (failed(MlirOptMain(output->os(), std::move(input), registry, config)))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
