#ifndef XFUSE_PASSES_PASSES_H
#define XFUSE_PASSES_PASSES_H

#include "dialect/kernel/KernelEnums.h"

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace xfuse {

/// Row blocks of a tensor-parallel down GEMM whose all-reduce overlaps the
/// next block (--xfuse-shard-tensor-parallel and --xfuse-pipeline).
inline constexpr int64_t kDefaultTensorParallelRowBlocks = 2;

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// Patterns lowering sinusoidal_pe, learned_pe and rope to linalg.
void populatePositionalEncodingToLinalgPatterns(RewritePatternSet &patterns);
/// Patterns lowering linear, activation, add, the norms, ffn and gated_ffn.
void populateFeedForwardToLinalgPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace xfuse
} // namespace mlir

#endif // XFUSE_PASSES_PASSES_H
