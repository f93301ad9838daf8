#include "passes/Passes.h"

#include "dialect/XFuseDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSETOLINALG
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {
struct XFuseToLinalgPass
    : public xfuse::impl::XFuseToLinalgBase<XFuseToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalDialect<XFuseDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    RewritePatternSet patterns(context);
    populatePositionalEncodingToLinalgPatterns(patterns);
    populateFeedForwardToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
