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

/// The collective that sums the partial outputs of a tensor-parallel
/// feed-forward network (--xfuse-shard-tensor-parallel).
enum class TensorParallelCollective {
  /// Every rank gets the whole sum: xkernel.all_reduce.
  AllReduce,
  /// Every rank gets its rows of the sum (sequence parallelism):
  /// xkernel.reduce_scatter, and an xkernel.all_gather where the graph
  /// needs all rows.
  ReduceScatter,
};

/// The values of the options that choose a TensorParallelCollective.
inline auto tensorParallelCollectiveValues() {
  return llvm::cl::values(
      clEnumValN(TensorParallelCollective::AllReduce, "all-reduce",
                 "every rank gets the whole sum"),
      clEnumValN(TensorParallelCollective::ReduceScatter, "reduce-scatter",
                 "every rank gets its rows of the sum"));
}

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
