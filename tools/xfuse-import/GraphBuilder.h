//===- GraphBuilder.h - a ModelSpec as xfuse functions --------------------===//

#ifndef XFUSE_TOOLS_XFUSE_IMPORT_GRAPHBUILDER_H
#define XFUSE_TOOLS_XFUSE_IMPORT_GRAPHBUILDER_H

#include "tools/xfuse-import/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::xfuse::import {

/// The functions xfuse-import can emit, each a position-wise part of one
/// layer; docs/import.md gives their signatures.
enum class Part {
  /// `<prefix>_qk`: the query and key projections, split into heads and
  /// rotated (rotary models).
  qk,
  /// `<prefix>_mlp`: the MLP with its norms.
  mlp,
  /// `<prefix>_positions`: the learned absolute positions added to the
  /// embeddings (GPT-2, BERT).
  positions,
};

/// The parts `spec` has, in the order they are emitted.
SmallVector<Part> availableParts(const ModelSpec &spec);

/// Appends the functions of `parts` to `module`, named after `prefix`. A part
/// the model does not have is an error at `module`'s location.
LogicalResult buildGraph(ModuleOp module, const ModelSpec &spec,
                         ArrayRef<Part> parts, StringRef prefix);

/// Divides the hidden and intermediate sizes and the head counts of `spec`
/// by `divisor` (sizes rounded up to a multiple of 16, head counts to at
/// least 1), keeping head_dim, rotary_dim and every frequency parameter: a
/// model small enough for the CPU reference that rotates exactly as the full
/// one.
void shrinkModel(ModelSpec &spec, int64_t divisor);

} // namespace mlir::xfuse::import

#endif // XFUSE_TOOLS_XFUSE_IMPORT_GRAPHBUILDER_H
