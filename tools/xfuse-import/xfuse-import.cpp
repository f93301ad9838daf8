//===- xfuse-import.cpp - xfuse graphs from Hugging Face configs ----------===//
//
// Reads a model's config.json and prints the xfuse graph of its
// position-wise parts: the rotated query and key projections, the MLP with
// its norms, the learned absolute positions. The functions are built with
// the dialect's builders and verified before they are printed;
// docs/import.md describes the functions, the flags and every supported
// model_type, rope_type and activation.
//
//===----------------------------------------------------------------------===//

#include "tools/xfuse-import/ConfigReader.h"
#include "tools/xfuse-import/GraphBuilder.h"

#include "dialect/XFuseDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::import;

namespace {

llvm::cl::OptionCategory importCategory("xfuse-import options");

llvm::cl::opt<std::string> inputFilename(llvm::cl::Positional,
                                         llvm::cl::desc("<config.json>"),
                                         llvm::cl::Required,
                                         llvm::cl::cat(importCategory));

llvm::cl::opt<std::string> outputFilename("o",
                                          llvm::cl::desc("Output file "
                                                         "(default: stdout)"),
                                          llvm::cl::value_desc("filename"),
                                          llvm::cl::init("-"),
                                          llvm::cl::cat(importCategory));

llvm::cl::opt<std::string> functionPrefix(
    "name",
    llvm::cl::desc("Prefix of the function names, <name>_qk, <name>_mlp, "
                   "<name>_positions (default: the config's model_type)"),
    llvm::cl::cat(importCategory));

llvm::cl::list<Part> parts(
    "parts",
    llvm::cl::desc("Parts to emit, comma separated (default: every part the "
                   "model has)"),
    llvm::cl::CommaSeparated,
    llvm::cl::values(clEnumValN(Part::qk, "qk",
                                "query and key projections with their RoPE"),
                     clEnumValN(Part::mlp, "mlp", "the MLP with its norms"),
                     clEnumValN(Part::positions, "positions",
                                "learned absolute positions (GPT-2, BERT)")),
    llvm::cl::cat(importCategory));

enum class DtypeChoice { config, f32, f16, bf16 };

llvm::cl::opt<DtypeChoice>
    dtype("dtype",
          llvm::cl::desc("Element type (default: the config's dtype / "
                         "torch_dtype, float32 without one)"),
          llvm::cl::values(clEnumValN(DtypeChoice::f32, "f32", "float32"),
                           clEnumValN(DtypeChoice::f16, "f16", "float16"),
                           clEnumValN(DtypeChoice::bf16, "bf16", "bfloat16")),
          llvm::cl::init(DtypeChoice::config), llvm::cl::cat(importCategory));

llvm::cl::opt<int64_t> shrink(
    "shrink",
    llvm::cl::desc("Divide the hidden and intermediate sizes and the head "
                   "counts by this (sizes rounded up to a multiple of 16), "
                   "keeping head_dim and every RoPE parameter: a small model "
                   "that rotates as the full one, for CPU checks"),
    llvm::cl::init(1), llvm::cl::cat(importCategory));

std::optional<Type> elementTypeOverride(MLIRContext &context) {
  switch (dtype) {
  case DtypeChoice::config:
    return std::nullopt;
  case DtypeChoice::f32:
    return Float32Type::get(&context);
  case DtypeChoice::f16:
    return Float16Type::get(&context);
  case DtypeChoice::bf16:
    return BFloat16Type::get(&context);
  }
  llvm_unreachable("unknown dtype");
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::HideUnrelatedOptions(importCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "Writes the xfuse graph of a Hugging Face model's position-wise parts "
      "from its config.json\n");
  if (shrink < 1) {
    llvm::errs() << "xfuse-import: error: --shrink must be at least 1, but "
                    "got "
                 << shrink << "\n";
    return 1;
  }

  MLIRContext context;
  // Verifier errors point into the config; the op they reject is the
  // importer's, not the user's, to read.
  context.printOpOnDiagnostic(false);
  context.loadDialect<XFuseDialect, arith::ArithDialect, func::FuncDialect,
                      tensor::TensorDialect>();

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "xfuse-import: error: " << errorMessage << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnosticHandler(sourceMgr, &context);

  FailureOr<ModelSpec> spec =
      readHuggingFaceConfig(sourceMgr, &context, elementTypeOverride(context));
  if (failed(spec))
    return 1;
  if (shrink > 1)
    shrinkModel(*spec, shrink);

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(&context, inputFilename, 1, 1));
  SmallVector<Part> selected(parts.begin(), parts.end());
  if (selected.empty())
    selected = availableParts(*spec);
  std::string prefix =
      functionPrefix.empty() ? spec->modelType : functionPrefix.getValue();
  if (failed(buildGraph(*module, *spec, selected, prefix)) ||
      failed(verify(*module)))
    return 1;

  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::errs() << "xfuse-import: error: " << errorMessage << "\n";
    return 1;
  }
  output->os() << "// xfuse-import " << llvm::sys::path::filename(inputFilename)
               << (shrink > 1 ? " --shrink=" + std::to_string(shrink) : "")
               << " (model_type " << spec->modelType << ")\n";
  module->print(output->os());
  output->keep();
  return 0;
}
