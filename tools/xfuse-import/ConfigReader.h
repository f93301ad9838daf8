//===- ConfigReader.h - a Hugging Face config.json as a ModelSpec ---------===//

#ifndef XFUSE_TOOLS_XFUSE_IMPORT_CONFIGREADER_H
#define XFUSE_TOOLS_XFUSE_IMPORT_CONFIGREADER_H

#include "tools/xfuse-import/ModelSpec.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <optional>

namespace mlir::xfuse::import {

/// Reads the config.json held by the main buffer of `sourceMgr`, as
/// transformers' configuration class for its model_type reads it (field
/// names, defaults, rope_scaling / rope_parameters). Every problem is
/// reported through `context`'s diagnostics at the offending field, naming
/// the field, what was expected and what was found. `elementType`, when
/// given, replaces the config's torch_dtype.
FailureOr<ModelSpec> readHuggingFaceConfig(const llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context,
                                           std::optional<Type> elementType);

/// The model_type values readHuggingFaceConfig accepts, in table order.
SmallVector<StringRef> supportedModelTypes();

} // namespace mlir::xfuse::import

#endif // XFUSE_TOOLS_XFUSE_IMPORT_CONFIGREADER_H
