//===- LowerFeedForward.cpp - Feed-forward ops to linalg ------------------===//
//
// Lowers linear, activation, add, gate, the norms, ffn and gated_ffn to
// linalg on tensors. Every value is computed in f32 and rounded to the
// element type where the op's definition produces a value: after each linear
// layer, activation and gated product, and at the end of each op. ffn and
// gated_ffn therefore round exactly where their building blocks would.
//
//===----------------------------------------------------------------------===//

#include "passes/LoweringUtils.h"
#include "passes/Passes.h"

#include "dialect/XFuseOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::xfuse;

/// Computes an f32 scalar from f32 scalars inside a linalg.generic body.
using ScalarFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

static int64_t rankOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getRank();
}

static Type elementTypeOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getElementType();
}

/// (d0, ..., d{rank-1}) -> (d0, ..., d{rank-2}): reads a per-row statistic
/// of a tensor normalised over its last dimension.
static AffineMap rowMap(MLIRContext *context, int64_t rank) {
  return AffineMap::getMultiDimIdentityMap(rank, context).dropResult(rank - 1);
}

/// Maps reading each of `inputs` over the trailing dimensions of a
/// `rank`-dimensional iteration space (identity for full-rank inputs).
static SmallVector<AffineMap> trailingMaps(MLIRContext *context, int64_t rank,
                                           ValueRange inputs) {
  return llvm::map_to_vector(inputs, [&](Value input) {
    return trailingDimsMap(context, rank, rankOf(input));
  });
}

/// A parallel linalg.generic over the shape of `like`, reading `inputs`
/// through `inputMaps`. `body` receives the inputs converted to f32; its
/// result is rounded to `elementType`.
static Value buildElementwise(OpBuilder &builder, Location loc, Value like,
                              Type elementType, ValueRange inputs,
                              ArrayRef<AffineMap> inputMaps, ScalarFn body) {
  int64_t rank = rankOf(like);
  Value init = createEmptyLike(builder, loc, like, elementType);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      builder, loc, init.getType(), inputs, init, maps, parallelIterators(rank),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        auto f32Args = llvm::map_to_vector(args.drop_back(), [&](Value arg) {
          return castToF32(nested, nestedLoc, arg);
        });
        Value result = body(nested, nestedLoc, f32Args);
        linalg::YieldOp::create(
            nested, nestedLoc,
            castFloat(nested, nestedLoc, result, elementType));
      });
  return generic.getResult(0);
}

/// Sums `term` over the last dimension of `input` in f32, giving a tensor of
/// its leading shape. `term` receives the element converted to f32 followed
/// by the row's entries of `rows`, f32 tensors of that leading shape (earlier
/// statistics such as the row sum).
static Value buildRowSum(OpBuilder &builder, Location loc, Value input,
                         ValueRange rows, ScalarFn term) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Value init = createF32Zeros(builder, loc, type.getShape().drop_back(), input);
  MLIRContext *context = builder.getContext();
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, rows);
  SmallVector<AffineMap> maps{builder.getMultiDimIdentityMap(rank)};
  maps.append(rows.size() + 1, rowMap(context, rank));
  SmallVector<utils::IteratorType> iterators = parallelIterators(rank - 1);
  iterators.push_back(utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      builder, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> termArgs{castToF32(nested, nestedLoc, args[0])};
        llvm::append_range(termArgs, args.slice(1, rows.size()));
        Value value = term(nested, nestedLoc, termArgs);
        linalg::YieldOp::create(
            nested, nestedLoc,
            arith::AddFOp::create(nested, nestedLoc, args.back(), value)
                .getResult());
      });
  return generic.getResult(0);
}

/// x / (1 + exp(-slope x)) for the f32 scalar `x`: x * sigmoid(slope x).
static Value buildSigmoidGate(OpBuilder &builder, Location loc, Value x,
                              double slope) {
  // -1 * x is -x exactly; silu, the common case, needs no multiply.
  Value exponent =
      slope == 1.0
          ? arith::NegFOp::create(builder, loc, x).getResult()
          : arith::MulFOp::create(builder, loc,
                                  f32Constant(builder, loc, -slope), x)
                .getResult();
  Value exp = math::ExpOp::create(builder, loc, exponent);
  return arith::DivFOp::create(
      builder, loc, x,
      arith::AddFOp::create(builder, loc, f32Constant(builder, loc, 1.0),
                            exp));
}

/// The f32 activation `kind` of the f32 scalar `x`.
static Value buildActivation(OpBuilder &builder, Location loc,
                             ActivationKind kind, Value x) {
  auto half = [&] { return f32Constant(builder, loc, 0.5); };
  auto one = [&] { return f32Constant(builder, loc, 1.0); };
  auto relu = [&] {
    // maximumf propagates NaN, as torch.relu does.
    return arith::MaximumFOp::create(builder, loc, x,
                                     f32Constant(builder, loc, 0.0));
  };
  switch (kind) {
  case ActivationKind::relu:
    return relu();
  case ActivationKind::relu2: {
    Value rectified = relu();
    return arith::MulFOp::create(builder, loc, rectified, rectified);
  }
  case ActivationKind::gelu: {
    // 0.5 x (1 + erf(x / sqrt(2)))
    Value scaled = arith::MulFOp::create(
        builder, loc, x, f32Constant(builder, loc, llvm::numbers::inv_sqrt2));
    Value erf = math::ErfOp::create(builder, loc, scaled);
    Value halfX = arith::MulFOp::create(builder, loc, half(), x);
    return arith::MulFOp::create(
        builder, loc, halfX, arith::AddFOp::create(builder, loc, one(), erf));
  }
  case ActivationKind::gelu_tanh: {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value cube = arith::MulFOp::create(
        builder, loc, x, arith::MulFOp::create(builder, loc, x, x));
    Value inner = arith::AddFOp::create(
        builder, loc, x,
        arith::MulFOp::create(builder, loc, f32Constant(builder, loc, 0.044715),
                              cube));
    Value tanh = math::TanhOp::create(
        builder, loc,
        arith::MulFOp::create(
            builder, loc,
            f32Constant(builder, loc,
                        llvm::numbers::sqrt2 * llvm::numbers::inv_sqrtpi),
            inner));
    Value halfX = arith::MulFOp::create(builder, loc, half(), x);
    return arith::MulFOp::create(
        builder, loc, halfX, arith::AddFOp::create(builder, loc, one(), tanh));
  }
  case ActivationKind::silu:
    return buildSigmoidGate(builder, loc, x, 1.0);
  case ActivationKind::quick_gelu:
    return buildSigmoidGate(builder, loc, x, kQuickGeluSlope);
  case ActivationKind::identity:
    return x;
  }
  llvm_unreachable("unknown activation kind");
}

/// `kind` applied to every element of `input`, rounded to its element type.
static Value lowerActivation(OpBuilder &builder, Location loc,
                             ActivationKind kind, Value input) {
  // The identity needs no generic: it would copy the tensor unchanged.
  if (kind == ActivationKind::identity)
    return input;
  return buildElementwise(
      builder, loc, input, elementTypeOf(input), input,
      builder.getMultiDimIdentityMap(rankOf(input)),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return buildActivation(nested, nestedLoc, kind, args[0]);
      });
}

/// The gated product of the f32 scalars `gate` and `up`: act(gate) * up for
/// an activation `gating`, or the clamped SwiGLU
/// g * sigmoid(alpha g) * (u + 1), g = min(gate, limit),
/// u = clamp(up, -limit, limit).
static Value buildGatedProduct(OpBuilder &builder, Location loc,
                               Attribute gating, Value gate, Value up) {
  auto clamped = dyn_cast<ClampedSwigluAttr>(gating);
  if (!clamped) {
    Value activated = buildActivation(
        builder, loc, cast<ActivationKindAttr>(gating).getValue(), gate);
    return arith::MulFOp::create(builder, loc, activated, up);
  }
  double limit = clamped.getLimit().convertToDouble();
  Value upper = f32Constant(builder, loc, limit);
  Value lower = f32Constant(builder, loc, -limit);
  // minimumf and maximumf propagate NaN, as torch.clamp does.
  Value clampedGate = arith::MinimumFOp::create(builder, loc, gate, upper);
  Value clampedUp = arith::MinimumFOp::create(
      builder, loc, arith::MaximumFOp::create(builder, loc, up, lower), upper);
  Value glu = buildSigmoidGate(builder, loc, clampedGate,
                               clamped.getAlpha().convertToDouble());
  return arith::MulFOp::create(
      builder, loc, glu,
      arith::AddFOp::create(builder, loc, clampedUp,
                            f32Constant(builder, loc, 1.0)));
}

/// The gated product of `gating` elementwise in f32, rounded once to the
/// element type.
static Value lowerGate(OpBuilder &builder, Location loc, Attribute gating,
                       Value gate, Value up) {
  AffineMap identity = builder.getMultiDimIdentityMap(rankOf(gate));
  return buildElementwise(
      builder, loc, gate, elementTypeOf(gate), {gate, up}, {identity, identity},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return buildGatedProduct(nested, nestedLoc, gating, args[0], args[1]);
      });
}

/// How a [..., k] tensor and the [tokens, k] matrix linalg.matmul works on
/// relate: the leading dimensions fold into the tokens, and a vector is the
/// single row of a [1, k] matrix. Empty for rank 2, which needs no reshape.
static SmallVector<ReassociationIndices> tokenReassociation(int64_t rank) {
  if (rank == 1)
    return {{0, 1}};
  if (rank == 2)
    return {};
  return {llvm::to_vector(llvm::seq<int64_t>(0, rank - 1)), {rank - 1}};
}

/// Views `input` [..., k] as a [tokens, k] matrix.
static Value flattenTokens(OpBuilder &builder, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() == 1)
    return tensor::ExpandShapeOp::create(
        builder, loc,
        RankedTensorType::get({1, type.getDimSize(0)}, type.getElementType()),
        input, tokenReassociation(1));
  if (type.getRank() == 2)
    return input;
  return tensor::CollapseShapeOp::create(builder, loc, input,
                                         tokenReassociation(type.getRank()));
}

/// Gives the [tokens, n] `matrix` the leading dimensions of `like` [..., k]:
/// the inverse of flattenTokens, with the last dimension replaced.
static Value unflattenTokens(OpBuilder &builder, Location loc, Value matrix,
                             Value like) {
  auto likeType = cast<RankedTensorType>(like.getType());
  auto matrixType = cast<RankedTensorType>(matrix.getType());
  int64_t rank = likeType.getRank();
  SmallVector<ReassociationIndices> reassociation = tokenReassociation(rank);
  if (rank == 1)
    return tensor::CollapseShapeOp::create(builder, loc, matrix, reassociation);
  if (rank == 2)
    return matrix;
  SmallVector<int64_t> shape(likeType.getShape());
  shape.back() = matrixType.getShape().back();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, like);
  sizes.back() = builder.getIndexAttr(shape.back());
  return tensor::ExpandShapeOp::create(
      builder, loc, RankedTensorType::get(shape, matrixType.getElementType()),
      matrix, reassociation, sizes);
}

/// Runs `layers` on `input` [..., k] viewed as a [tokens, k] matrix and gives
/// their [tokens, n] result the leading dimensions of `input` back. ffn and
/// gated_ffn flatten once for all their layers.
static Value lowerOnTokenMatrix(OpBuilder &builder, Location loc, Value input,
                                function_ref<Value(Value tokens)> layers) {
  Value output = layers(flattenTokens(builder, loc, input));
  return unflattenTokens(builder, loc, output, input);
}

/// X·W + b for the [tokens, in] matrix `tokens`, with `weight` stored as
/// `layout` says and an optional `bias` [out]: a linalg.matmul accumulating in
/// f32, then a generic adding the bias and rounding to the element type.
static Value lowerTokenLinear(OpBuilder &builder, Location loc, Value tokens,
                              Value weight, Value bias, WeightLayout layout) {
  Type elementType = elementTypeOf(tokens);
  Type f32 = builder.getF32Type();
  auto weightShape = cast<RankedTensorType>(weight.getType()).getShape();
  bool outIn = layout == WeightLayout::out_in;
  int64_t out = weightShape[outIn ? 0 : 1];
  int64_t tokenCount = cast<RankedTensorType>(tokens.getType()).getDimSize(0);
  Value zero = createF32Zeros(builder, loc, {tokenCount, out}, tokens);
  // The matmul extends its operands to the f32 accumulator itself; for
  // out_in its indexing maps read the weight transposed.
  SmallVector<Value, 2> operands{tokens, weight};
  Value product = outIn ? linalg::MatmulTransposeBOp::create(
                              builder, loc, zero.getType(), operands, zero)
                              .getResult(0)
                        : linalg::MatmulOp::create(builder, loc, zero.getType(),
                                                   operands, zero)
                              .getResult(0);
  // Without a bias an f32 product is already the result.
  if (!bias && elementType == f32)
    return product;
  SmallVector<Value> inputs{product};
  if (bias)
    inputs.push_back(bias);
  return buildElementwise(
      builder, loc, product, elementType, inputs,
      trailingMaps(builder.getContext(), 2, inputs),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // Without a bias the generic only rounds.
        if (!bias)
          return args[0];
        return arith::AddFOp::create(nested, nestedLoc, args[0], args[1])
            .getResult();
      });
}

/// The mean of a row from its f32 sum.
static Value rowMean(OpBuilder &builder, Location loc, Value sum,
                     int64_t size) {
  return arith::DivFOp::create(builder, loc, sum,
                               f32Constant(builder, loc, size));
}

/// sqrt(sumSquares / size + epsilon): what both norms divide by, from a
/// row's f32 sum of squares (around the mean for layer_norm).
static Value rootMeanSquare(OpBuilder &builder, Location loc, Value sumSquares,
                            int64_t size, double epsilon) {
  Value mean = rowMean(builder, loc, sumSquares, size);
  return math::SqrtOp::create(
      builder, loc,
      arith::AddFOp::create(builder, loc, mean,
                            f32Constant(builder, loc, epsilon)));
}

/// A norm's elementwise step over `input` [..., d]: `body` receives the
/// element, its row's entries of the f32 statistics `rowStats` (from
/// buildRowSum) and its entries of the [d] parameters `params`, in that order.
static Value buildRowwise(OpBuilder &builder, Location loc, Value input,
                          ValueRange rowStats, ValueRange params,
                          ScalarFn body) {
  MLIRContext *context = builder.getContext();
  int64_t rank = rankOf(input);
  SmallVector<Value> inputs{input};
  llvm::append_range(inputs, rowStats);
  llvm::append_range(inputs, params);
  SmallVector<AffineMap> maps{builder.getMultiDimIdentityMap(rank)};
  maps.append(rowStats.size(), rowMap(context, rank));
  maps.append(params.size(), trailingDimsMap(context, rank, 1));
  return buildElementwise(builder, loc, input, elementTypeOf(input), inputs,
                          maps, body);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

struct LinearLowering : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto layer = [&](Value tokens) {
      return lowerTokenLinear(rewriter, loc, tokens, adaptor.getWeight(),
                              adaptor.getBias(), op.getWeightLayout());
    };
    rewriter.replaceOp(
        op, lowerOnTokenMatrix(rewriter, loc, adaptor.getInput(), layer));
    return success();
  }
};

struct ActivationLowering : OpConversionPattern<ActivationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ActivationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lowerActivation(rewriter, op.getLoc(), op.getKind(),
                                           adaptor.getInput()));
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value lhs = adaptor.getLhs();
    SmallVector<Value> inputs{lhs, adaptor.getRhs()};
    // rhs is shaped like a suffix of lhs: reading it through the trailing
    // loop dimensions repeats it over the leading ones.
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, op.getLoc(), lhs, elementTypeOf(lhs), inputs,
                trailingMaps(getContext(), rankOf(lhs), inputs),
                [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                  return arith::AddFOp::create(nested, nestedLoc, args[0],
                                               args[1])
                      .getResult();
                }));
    return success();
  }
};

struct GateLowering : OpConversionPattern<GateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lowerGate(rewriter, op.getLoc(), op.getActivation(),
                                     adaptor.getGate(), adaptor.getUp()));
    return success();
  }
};

struct RmsNormLowering : OpConversionPattern<RmsNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RmsNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t size = cast<RankedTensorType>(input.getType()).getShape().back();
    double epsilon = op.getEpsilon().convertToDouble();
    double weightOffset = op.getWeightOffset().convertToDouble();
    Value sumSquares = buildRowSum(
        rewriter, loc, input, {},
        [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          return arith::MulFOp::create(nested, nestedLoc, args[0], args[0])
              .getResult();
        });
    // x / sqrt(mean(x^2) + epsilon) * (weight + weight_offset)
    rewriter.replaceOp(
        op, buildRowwise(
                rewriter, loc, input, sumSquares, adaptor.getWeight(),
                [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                  Value root =
                      rootMeanSquare(nested, nestedLoc, args[1], size, epsilon);
                  Value normalised =
                      arith::DivFOp::create(nested, nestedLoc, args[0], root);
                  Value weight = args[2];
                  if (weightOffset != 0.0)
                    weight = arith::AddFOp::create(
                        nested, nestedLoc, weight,
                        f32Constant(nested, nestedLoc, weightOffset));
                  return arith::MulFOp::create(nested, nestedLoc, normalised,
                                               weight)
                      .getResult();
                }));
    return success();
  }
};

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t size = cast<RankedTensorType>(input.getType()).getShape().back();
    double epsilon = op.getEpsilon().convertToDouble();
    auto centre = [size](OpBuilder &nested, Location nestedLoc, Value x,
                         Value rowSum) {
      return arith::SubFOp::create(nested, nestedLoc, x,
                                   rowMean(nested, nestedLoc, rowSum, size))
          .getResult();
    };
    Value sum = buildRowSum(
        rewriter, loc, input, {},
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    // The variance is summed around the mean in a second pass rather than
    // taken as E[x^2] - mean^2, which cancels catastrophically when the mean
    // is large against the spread.
    Value sumSquares = buildRowSum(
        rewriter, loc, input, sum,
        [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
          Value centred = centre(nested, nestedLoc, args[0], args[1]);
          return arith::MulFOp::create(nested, nestedLoc, centred, centred)
              .getResult();
        });

    // (x - mean) / sqrt(var + epsilon) * weight + bias
    SmallVector<Value> params{adaptor.getWeight()};
    if (Value bias = adaptor.getBias())
      params.push_back(bias);
    rewriter.replaceOp(
        op,
        buildRowwise(
            rewriter, loc, input, {sum, sumSquares}, params,
            [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
              Value root =
                  rootMeanSquare(nested, nestedLoc, args[2], size, epsilon);
              Value normalised = arith::DivFOp::create(
                  nested, nestedLoc,
                  centre(nested, nestedLoc, args[0], args[1]), root);
              Value scaled =
                  arith::MulFOp::create(nested, nestedLoc, normalised, args[3]);
              if (args.size() == 4)
                return scaled;
              return arith::AddFOp::create(nested, nestedLoc, scaled, args[4])
                  .getResult();
            }));
    return success();
  }
};

struct FfnLowering : OpConversionPattern<FfnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FfnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    WeightLayout layout = op.getWeightLayout();
    auto layers = [&](Value tokens) {
      Value hidden = lowerTokenLinear(rewriter, loc, tokens, adaptor.getW1(),
                                      adaptor.getB1(), layout);
      Value activated =
          lowerActivation(rewriter, loc, op.getActivation(), hidden);
      return lowerTokenLinear(rewriter, loc, activated, adaptor.getW2(),
                              adaptor.getB2(), layout);
    };
    rewriter.replaceOp(
        op, lowerOnTokenMatrix(rewriter, loc, adaptor.getInput(), layers));
    return success();
  }
};

struct GatedFfnLowering : OpConversionPattern<GatedFfnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatedFfnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    WeightLayout layout = op.getWeightLayout();
    auto layers = [&](Value tokens) {
      Value gate = lowerTokenLinear(rewriter, loc, tokens, adaptor.getWGate(),
                                    adaptor.getBGate(), layout);
      Value up = lowerTokenLinear(rewriter, loc, tokens, adaptor.getWUp(),
                                  adaptor.getBUp(), layout);
      Value product = lowerGate(rewriter, loc, op.getActivation(), gate, up);
      return lowerTokenLinear(rewriter, loc, product, adaptor.getWDown(),
                              adaptor.getBDown(), layout);
    };
    rewriter.replaceOp(
        op, lowerOnTokenMatrix(rewriter, loc, adaptor.getInput(), layers));
    return success();
  }
};

} // namespace

void mlir::xfuse::populateFeedForwardToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<LinearLowering, ActivationLowering, AddLowering, GateLowering,
           RmsNormLowering, LayerNormLowering, FfnLowering, GatedFfnLowering>(
          patterns.getContext());
}
