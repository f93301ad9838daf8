#include "passes/Passes.h"

#include "dialect/XFuseOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::xfuse {
#define GEN_PASS_DEF_XFUSEDECOMPOSE
#include "passes/Passes.h.inc"
} // namespace mlir::xfuse

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// Builds the building blocks at one op's location.
struct BlockBuilder {
  PatternRewriter &rewriter;
  Location loc;
  WeightLayout layout;

  Value linear(Value input, Value weight, Value bias) const {
    return LinearOp::create(rewriter, loc, input, weight, bias, layout);
  }
  Value activation(Value input, ActivationKind kind) const {
    if (kind == ActivationKind::identity)
      return input;
    return ActivationOp::create(rewriter, loc, input, kind);
  }
};

struct DecomposeFfn : OpRewritePattern<FfnOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FfnOp op,
                                PatternRewriter &rewriter) const override {
    BlockBuilder build{rewriter, op.getLoc(), op.getWeightLayout()};
    Value hidden = build.linear(op.getInput(), op.getW1(), op.getB1());
    Value activated = build.activation(hidden, op.getActivation());
    rewriter.replaceOp(op, build.linear(activated, op.getW2(), op.getB2()));
    return success();
  }
};

struct DecomposeGatedFfn : OpRewritePattern<GatedFfnOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatedFfnOp op,
                                PatternRewriter &rewriter) const override {
    BlockBuilder build{rewriter, op.getLoc(), op.getWeightLayout()};
    Value gate = build.linear(op.getInput(), op.getWGate(), op.getBGate());
    Value up = build.linear(op.getInput(), op.getWUp(), op.getBUp());
    Value product =
        GateOp::create(rewriter, op.getLoc(), gate, up, op.getActivation());
    rewriter.replaceOp(op,
                       build.linear(product, op.getWDown(), op.getBDown()));
    return success();
  }
};

struct XFuseDecomposePass
    : public xfuse::impl::XFuseDecomposeBase<XFuseDecomposePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeFfn, DecomposeGatedFfn>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
