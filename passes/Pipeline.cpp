#include "passes/Passes.h"

#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEPIPELINE
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// One remark per kernel, with a note at each xfuse op it holds, and one
/// per function.
void emitFusionReport(func::FuncOp func) {
  unsigned kernels = 0;
  func.walk([&](Operation *kernel) {
    bool inGemm = isa<kernel::GemmOp>(kernel);
    if (!inGemm && !isa<kernel::PointwiseOp>(kernel))
      return;
    InFlightDiagnostic remark = kernel->emitRemark()
                                << "kernel " << kernels++ << " of @"
                                << func.getSymName() << ": "
                                << kernel->getName() << " with plan "
                                << kernel->getAttr("plan");
    // GEMM bodies run a prologue on the A tile, the product, and an
    // epilogue on the accumulators; pointwise bodies are one chain.
    bool afterProduct = false;
    for (Operation &op : kernel->getRegion(0).front()) {
      if (!isa<XFuseDialect>(op.getDialect()))
        continue;
      bool product = isa<LinearOp>(op);
      StringRef stage = !inGemm        ? "fuses"
                        : product      ? "product"
                        : afterProduct ? "epilogue"
                                       : "prologue";
      afterProduct |= product;
      Diagnostic &note = remark.attachNote(op.getLoc());
      note << stage << " " << op.getName();
      if (auto rope = dyn_cast<RopeOp>(op); rope && rope.hasPerCallFrequencies())
        note << ", after a one-block launch that writes its frequencies for "
                "the call's largest position";
    }
  });
  func.emitRemark() << "@" << func.getSymName() << ": " << kernels
                    << " kernels, "
                    << func->getAttr(kernel::kWorkspaceAttrName);
}

struct XFusePipelinePass
    : public xfuse::impl::XFusePipelineBase<XFusePipelinePass> {
  using XFusePipelineBase::XFusePipelineBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    OpPassManager passes(ModuleOp::getOperationName());
    buildPipeline(passes);
    passes.getDependentDialects(registry);
  }

  LogicalResult initialize(MLIRContext *) override {
    buildPipeline(pipeline);
    return success();
  }

  void runOnOperation() override {
    if (failed(runPipeline(pipeline, getOperation())))
      return signalPassFailure();
    if (report)
      getOperation().walk(emitFusionReport);
  }

private:
  void buildPipeline(OpPassManager &passes) const {
    OpPassManager &perFunction = passes.nest<func::FuncOp>();
    if (tensorParallel > 1)
      perFunction.addPass(createXFuseShardTensorParallel(
          {/*ranks=*/tensorParallel, /*rowBlocks=*/tensorParallelRowBlocks,
           /*collective=*/tensorParallelCollective}));
    perFunction.addPass(createXFuseDecompose());
    perFunction.addPass(createCanonicalizerPass());
    perFunction.addPass(createXFuseFormKernels({target}));
    perFunction.addPass(createXFusePlanLaunch({target}));
    perFunction.addPass(createXFusePlanWeightPacking());
    perFunction.addPass(createXFusePlanMemory());
    perFunction.addPass(createXFusePrepareForEmission());
  }

  OpPassManager pipeline{ModuleOp::getOperationName()};
};

} // namespace
