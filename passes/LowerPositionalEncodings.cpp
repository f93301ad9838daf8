//===- LowerPositionalEncodings.cpp - positional encodings to linalg ------===//
//
// Lowers xfuse.sinusoidal_pe, xfuse.learned_pe and xfuse.rope to one
// linalg.generic each, parallel over the elements of the input (rope adds
// the slicing of a partial rotary dimension, under dynamic NTK and LongRoPE
// scaling the computation of its frequencies, and with multimodal positions
// the gathering of each feature's position row). Every body
// extends its operands to f32, computes in f32 and rounds once to the element
// type. Per-feature frequencies are f32 constants computed at compile time in
// double, except under dynamic NTK scaling, whose base depends on the longest
// position of the call and is computed at run time; LongRoPE selects one of
// two constant tables by that position.
//
//===----------------------------------------------------------------------===//

#include "dialect/Frequencies.h"
#include "dialect/XFuseOps.h"
#include "passes/LoweringUtils.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::xfuse;

//===----------------------------------------------------------------------===//
// Feature pairs
//===----------------------------------------------------------------------===//

namespace {
/// How the features of an encoding form the pairs that share one frequency:
/// (2i, 2i+1) for sinusoidal `interleaved` and rope `gptj`, (i, i + n/2) for
/// sinusoidal `half` and rope `neox`.
enum class FeaturePairing { Adjacent, Halves };
} // namespace

static FeaturePairing pairingOf(PeLayout layout) {
  // fairseq is the half layout with other frequencies.
  return layout == PeLayout::interleaved ? FeaturePairing::Adjacent
                                         : FeaturePairing::Halves;
}

static FeaturePairing pairingOf(RopeStyle style) {
  return style == RopeStyle::gptj ? FeaturePairing::Adjacent
                                  : FeaturePairing::Halves;
}

static Value indexConstant(OpBuilder &builder, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(builder, loc, value);
}

/// A tensor<2n + unpaired x f32> constant giving each of the first 2n
/// features the value of its pair in `perPair`, and 0 to the `unpaired`
/// features after them (the zero-padded last feature of an odd fairseq
/// encoding). Spreading the table over the features at compile time lets the
/// generics read it through a plain projection of the feature loop, whichever
/// way the features pair up.
static Value createPerFeatureConstant(OpBuilder &builder, Location loc,
                                      ArrayRef<double> perPair,
                                      FeaturePairing pairing,
                                      int64_t unpaired = 0) {
  int64_t pairs = perPair.size();
  SmallVector<float> perFeature(2 * pairs + unpaired, 0.0f);
  for (int64_t feature = 0; feature < 2 * pairs; ++feature)
    perFeature[feature] =
        perPair[pairing == FeaturePairing::Adjacent ? feature / 2
                                                    : feature % pairs];
  auto type =
      RankedTensorType::get({2 * pairs + unpaired}, builder.getF32Type());
  return arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(type, ArrayRef(perFeature)));
}

/// Whether `feature` (an index among `width` features) comes first in its
/// pair: the sine of a sinusoidal encoding, the feature a rotation subtracts
/// its partner from.
static Value isFirstOfPair(OpBuilder &builder, Location loc, Value feature,
                           int64_t width, FeaturePairing pairing) {
  if (pairing == FeaturePairing::Halves)
    return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ult,
                                 feature,
                                 indexConstant(builder, loc, width / 2));
  Value parity = arith::AndIOp::create(builder, loc, feature,
                                       indexConstant(builder, loc, 1));
  return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq, parity,
                               indexConstant(builder, loc, 0));
}

/// The other feature of the pair of `feature`, among `width` features.
static Value pairPartner(OpBuilder &builder, Location loc, Value feature,
                         int64_t width, FeaturePairing pairing) {
  if (pairing == FeaturePairing::Adjacent)
    return arith::XOrIOp::create(builder, loc, feature,
                                 indexConstant(builder, loc, 1));
  Value shifted = arith::AddIOp::create(builder, loc, feature,
                                        indexConstant(builder, loc, width / 2));
  return arith::RemUIOp::create(builder, loc, shifted,
                                indexConstant(builder, loc, width));
}

//===----------------------------------------------------------------------===//
// Token positions and the encoding generic
//===----------------------------------------------------------------------===//

namespace {
/// The position of the token at the current iteration of an encoding
/// generic, for use inside its body.
struct TokenPosition {
  /// The block argument holding the token's `positions` entry (i32 or i64),
  /// or null when the op has no positions and the token's position is its
  /// index along `sequenceDim`.
  Value entry;
  int64_t sequenceDim;

  Value asIndex(OpBuilder &builder, Location loc) const {
    if (entry)
      return arith::IndexCastOp::create(builder, loc, builder.getIndexType(),
                                        entry);
    return linalg::IndexOp::create(builder, loc, sequenceDim);
  }

  Value asF32(OpBuilder &builder, Location loc) const {
    Value integer = entry;
    if (!integer)
      integer = arith::IndexCastOp::create(
          builder, loc, builder.getI64Type(),
          linalg::IndexOp::create(builder, loc, sequenceDim));
    return arith::SIToFPOp::create(builder, loc, builder.getF32Type(), integer);
  }
};

/// What the body of an encoding generic computes one element from.
struct EncodingElement {
  /// The input element, extended to f32.
  Value value;
  /// The element's entry of the per-feature table, null without a table.
  Value featureEntry;
  TokenPosition position;

  /// The sine and cosine of the element's angle: its position times its
  /// feature entry, the frequency of its pair.
  std::pair<Value, Value> sinCos(OpBuilder &builder, Location loc) const {
    Value angle = arith::MulFOp::create(
        builder, loc, position.asF32(builder, loc), featureEntry);
    return {math::SinOp::create(builder, loc, angle),
            math::CosOp::create(builder, loc, angle)};
  }
};
} // namespace

/// Computes one element of an encoding, in f32.
using EncodingBody =
    function_ref<Value(OpBuilder &, Location, const EncodingElement &)>;

/// Builds the linalg.generic of an encoding: parallel over the elements of
/// `input`, shaped [tokens..., features...] with `featureRank` trailing
/// feature dimensions, the last token dimension being the sequence. Besides
/// the input element it reads the entry of the f32 `featureTable` (indexed by
/// the last dimension) and of `positions` when they are non-null: one
/// position per token ([tokens...]) or per token and last feature
/// ([tokens..., features], multimodal RoPE). `body`'s f32 result is rounded
/// to the element type of `input`.
static Value buildEncodingGeneric(OpBuilder &builder, Location loc, Value input,
                                  int64_t featureRank, Value featureTable,
                                  Value positions, EncodingBody body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  int64_t tokenRank = rank - featureRank;
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  SmallVector<Value> operands = {input};
  SmallVector<AffineMap> maps = {identity};
  if (featureTable) {
    operands.push_back(featureTable);
    maps.push_back(trailingDimsMap(builder.getContext(), rank, 1));
  }
  if (positions) {
    operands.push_back(positions);
    AffineMap positionsMap = identity.getMajorSubMap(tokenRank);
    if (cast<RankedTensorType>(positions.getType()).getRank() > tokenRank)
      positionsMap = positionsMap.insertResult(
          builder.getAffineDimExpr(rank - 1), tokenRank);
    maps.push_back(positionsMap);
  }
  maps.push_back(identity);
  Value init = createEmptyLike(builder, loc, input, type.getElementType());
  auto generic = linalg::GenericOp::create(
      builder, loc, type, operands, init, maps, parallelIterators(rank),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        ValueRange remaining = args.drop_front();
        EncodingElement element;
        element.value = castToF32(nested, nestedLoc, args.front());
        if (featureTable) {
          element.featureEntry = remaining.front();
          remaining = remaining.drop_front();
        }
        element.position = {positions ? remaining.front() : Value(),
                            tokenRank - 1};
        Value result = body(nested, nestedLoc, element);
        linalg::YieldOp::create(
            nested, nestedLoc,
            castFloat(nested, nestedLoc, result, type.getElementType()));
      });
  return generic.getResult(0);
}

//===----------------------------------------------------------------------===//
// sinusoidal_pe
//===----------------------------------------------------------------------===//

namespace {
/// scale * x + (sin or cos)(pos * f), the frequency f of each feature read
/// from a constant table and the function chosen by the feature's place in
/// its pair.
struct SinusoidalPeLowering : OpRewritePattern<SinusoidalPeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SinusoidalPeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t width = type.getShape().back();
    FeaturePairing pairing = pairingOf(op.getLayout());
    // Only the fairseq layout allows an odd width; its last feature is
    // padding whose encoding is 0.
    int64_t unpaired = width % 2;

    double base = op.getBase().convertToDouble();
    std::vector<double> pairFrequencies =
        sinusoidalFrequencies(base, width, op.getLayout());
    Value frequencies = createPerFeatureConstant(
        rewriter, loc, pairFrequencies, pairing, unpaired);

    // scale = 1 (the default) would multiply exactly; leave it out.
    double scale = op.getScale().convertToDouble();
    Value scaleValue =
        scale != 1.0 ? f32Constant(rewriter, loc, scale) : Value();

    Value result = buildEncodingGeneric(
        rewriter, loc, op.getInput(), /*featureRank=*/1, frequencies,
        op.getPositions(),
        [&](OpBuilder &b, Location bodyLoc,
            const EncodingElement &element) -> Value {
          auto [sin, cos] = element.sinCos(b, bodyLoc);
          Value feature = linalg::IndexOp::create(b, bodyLoc, rank - 1);
          Value isSine = isFirstOfPair(b, bodyLoc, feature, width, pairing);
          Value encoding =
              arith::SelectOp::create(b, bodyLoc, isSine, sin, cos);
          if (unpaired) {
            Value isPaired = arith::CmpIOp::create(
                b, bodyLoc, arith::CmpIPredicate::ult, feature,
                indexConstant(b, bodyLoc, width - 1));
            encoding = arith::SelectOp::create(
                b, bodyLoc, isPaired, encoding, f32Constant(b, bodyLoc, 0.0));
          }
          Value x = element.value;
          if (scaleValue)
            x = arith::MulFOp::create(b, bodyLoc, scaleValue, x);
          return arith::AddFOp::create(b, bodyLoc, x, encoding);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// learned_pe
//===----------------------------------------------------------------------===//

namespace {
/// x + table[clamp(pos, 0, rows - 1)], the table row gathered with
/// tensor.extract.
struct LearnedPeLowering : OpRewritePattern<LearnedPeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LearnedPeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value table = op.getTable();
    int64_t rank = op.getInput().getType().getRank();
    Value firstRow = indexConstant(rewriter, loc, 0);
    Value lastRow =
        indexConstant(rewriter, loc, op.getTable().getType().getDimSize(0) - 1);

    Value result = buildEncodingGeneric(
        rewriter, loc, op.getInput(), /*featureRank=*/1,
        /*featureTable=*/Value(), op.getPositions(),
        [&](OpBuilder &b, Location bodyLoc,
            const EncodingElement &element) -> Value {
          // Clamped so that no position, however wrong, reads outside the
          // table (the op's documented behaviour).
          Value position = element.position.asIndex(b, bodyLoc);
          Value row = arith::MinSIOp::create(
              b, bodyLoc,
              arith::MaxSIOp::create(b, bodyLoc, position, firstRow), lastRow);
          Value feature = linalg::IndexOp::create(b, bodyLoc, rank - 1);
          Value embedding = tensor::ExtractOp::create(b, bodyLoc, table,
                                                      ValueRange{row, feature});
          return arith::AddFOp::create(b, bodyLoc, element.value,
                                       castToF32(b, bodyLoc, embedding));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// rope
//===----------------------------------------------------------------------===//

/// The length L that the per-call scalings (dynamic NTK, LongRoPE) compare
/// with the training context, in f32: one more than the largest entry of
/// `positions`, or, without positions, the extent of the op's sequence
/// dimension.
static Value buildCallLength(OpBuilder &builder, Location loc, RopeOp op) {
  Type f32 = builder.getF32Type();
  Value positions = op.getPositions();
  if (!positions) {
    Value sequenceLength = tensor::DimOp::create(
        builder, loc, op.getInput(), op.getInput().getType().getRank() - 3);
    return arith::SIToFPOp::create(
        builder, loc, f32,
        arith::IndexCastOp::create(builder, loc, builder.getI64Type(),
                                   sequenceLength));
  }
  RankedTensorType positionsType = op.getPositions().getType();
  auto integerType = cast<IntegerType>(positionsType.getElementType());
  // The smallest integer is the identity of max, so that the reduction
  // returns the true largest position, negative ones included.
  Value smallest = arith::ConstantOp::create(
      builder, loc,
      builder.getIntegerAttr(integerType,
                             APInt::getSignedMinValue(integerType.getWidth())));
  Value init =
      linalg::FillOp::create(builder, loc, smallest,
                             tensor::EmptyOp::create(
                                 builder, loc, ArrayRef<int64_t>{}, integerType)
                                 .getResult())
          .getResult(0);
  auto reduce = linalg::ReduceOp::create(
      builder, loc, positions, init,
      llvm::to_vector(llvm::seq<int64_t>(0, positionsType.getRank())),
      [](OpBuilder &b, Location bodyLoc, ValueRange args) {
        linalg::YieldOp::create(
            b, bodyLoc,
            arith::MaxSIOp::create(b, bodyLoc, args[0], args[1]).getResult());
      });
  Value largest = tensor::ExtractOp::create(builder, loc, reduce.getResult(0),
                                            ValueRange{});
  // Adding 1 in f32 cannot overflow, unlike in the positions' integer type.
  Value largestF32 = arith::SIToFPOp::create(builder, loc, f32, largest);
  return arith::AddFOp::create(builder, loc, largestF32,
                               f32Constant(builder, loc, 1.0));
}

/// The rotary base of a dynamic NTK rope, computed at run time in f32 as
/// `dynamicNtkBase` does in double: theta * (factor * L / omp - (factor - 1))
/// ^ (rd / (rd - 2)) when L > omp, else theta.
static Value buildDynamicNtkBase(OpBuilder &builder, Location loc, RopeOp op,
                                 DynamicNtkScalingAttr ntk, int64_t rotaryDim) {
  double factor = ntk.getFactor().convertToDouble();
  Value length = buildCallLength(builder, loc, op);
  Value theta = f32Constant(builder, loc, op.getTheta().convertToDouble());
  Value factorValue = f32Constant(builder, loc, factor);
  Value factorMinusOne = f32Constant(builder, loc, factor - 1.0);
  Value originalLength =
      f32Constant(builder, loc, ntk.getOriginalMaxPosition());
  Value stretchExponent = f32Constant(
      builder, loc, static_cast<double>(rotaryDim) / (rotaryDim - 2));

  Value stretchedLength =
      arith::MulFOp::create(builder, loc, factorValue, length);
  Value ratio =
      arith::DivFOp::create(builder, loc, stretchedLength, originalLength);
  Value stretch = arith::SubFOp::create(builder, loc, ratio, factorMinusOne);
  Value stretchedBase = arith::MulFOp::create(
      builder, loc, theta,
      math::PowFOp::create(builder, loc, stretch, stretchExponent));
  Value outgrown = arith::CmpFOp::create(
      builder, loc, arith::CmpFPredicate::OGT, length, originalLength);
  return arith::SelectOp::create(builder, loc, outgrown, stretchedBase, theta);
}

/// The per-feature rotary frequencies of a dynamic NTK rope, base' ^ (-2i /
/// rd) for the run-time base' of `buildDynamicNtkBase`, the exponents a
/// constant table.
static Value buildDynamicNtkFrequencies(OpBuilder &builder, Location loc,
                                        RopeOp op, DynamicNtkScalingAttr ntk,
                                        int64_t rotaryDim,
                                        FeaturePairing pairing) {
  Value base = buildDynamicNtkBase(builder, loc, op, ntk, rotaryDim);
  SmallVector<double> pairExponents(rotaryDim / 2);
  for (auto [pair, exponent] : llvm::enumerate(pairExponents))
    exponent = -2.0 * pair / rotaryDim;
  Value exponents =
      createPerFeatureConstant(builder, loc, pairExponents, pairing);
  Value init = createEmptyLike(builder, loc, exponents, builder.getF32Type());
  AffineMap identity = builder.getMultiDimIdentityMap(1);
  return linalg::GenericOp::create(
             builder, loc, init.getType(), exponents, init,
             ArrayRef<AffineMap>{identity, identity}, parallelIterators(1),
             [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
               linalg::YieldOp::create(
                   b, bodyLoc,
                   math::PowFOp::create(b, bodyLoc, base, args[0]).getResult());
             })
      .getResult(0);
}

/// The per-feature frequencies of a LongRoPE call: the long factor set's
/// when L > original_max_position, the short one's otherwise. Both
/// tables are constants; the call's length selects one.
static Value buildLongRopeFrequencies(OpBuilder &builder, Location loc,
                                      RopeOp op, LongRopeScalingAttr longRope,
                                      int64_t rotaryDim,
                                      FeaturePairing pairing) {
  double theta = op.getTheta().convertToDouble();
  auto table = [&](bool useLong) {
    return createPerFeatureConstant(
        builder, loc,
        longRopeFrequencies(theta, rotaryDim, longRope, useLong)
            .inverseFrequencies,
        pairing);
  };
  Value length = buildCallLength(builder, loc, op);
  Value outgrown = arith::CmpFOp::create(
      builder, loc, arith::CmpFPredicate::OGT, length,
      f32Constant(builder, loc, longRope.getOriginalMaxPosition()));
  return arith::SelectOp::create(builder, loc, outgrown, table(true),
                                 table(false));
}

/// The position of every token and rotated feature of a multimodal rope,
/// shaped [tokens..., rotary_dim] like the rotated slice `rotary` without
/// its heads: the entry of the positions row that multimodalRowOfPair gives
/// the feature's pair.
static Value buildMultimodalPositions(OpBuilder &builder, Location loc,
                                      RopeOp op, Value rotary,
                                      FeaturePairing pairing) {
  auto rotaryType = cast<RankedTensorType>(rotary.getType());
  int64_t rotaryDim = rotaryType.getShape().back();
  int64_t pairs = rotaryDim / 2;
  int64_t tokenRank = rotaryType.getRank() - 2;
  SmallVector<int64_t> rowOfPair(pairs);
  for (auto [pair, row] : llvm::enumerate(rowOfPair))
    row = multimodalRowOfPair(*op.getMropeSection(), op.getMropeInterleaved(),
                              pair);
  Value rows = arith::ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({pairs}, builder.getI64Type()),
          ArrayRef(rowOfPair)));

  Value positions = op.getPositions();
  Type positionType =
      cast<RankedTensorType>(positions.getType()).getElementType();
  SmallVector<int64_t> shape(rotaryType.getShape().take_front(tokenRank));
  shape.push_back(rotaryDim);
  Value init =
      createEmptyWithShape(builder, loc, shape, rotary, positionType);
  // The feature loop reads its pair's row through the map, as the pairing
  // spreads pairs over features.
  AffineExpr feature = builder.getAffineDimExpr(tokenRank);
  AffineExpr pair = pairing == FeaturePairing::Adjacent
                        ? feature.floorDiv(2)
                        : feature % pairs;
  AffineMap rowMap = AffineMap::get(tokenRank + 1, 0, pair);
  AffineMap identity = builder.getMultiDimIdentityMap(tokenRank + 1);
  return linalg::GenericOp::create(
             builder, loc, init.getType(), rows, init,
             ArrayRef<AffineMap>{rowMap, identity},
             parallelIterators(tokenRank + 1),
             [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
               SmallVector<Value> indices = {arith::IndexCastOp::create(
                   b, bodyLoc, b.getIndexType(), args[0])};
               for (int64_t dim = 0; dim < tokenRank; ++dim)
                 indices.push_back(linalg::IndexOp::create(b, bodyLoc, dim));
               linalg::YieldOp::create(
                   b, bodyLoc,
                   tensor::ExtractOp::create(b, bodyLoc, positions, indices)
                       .getResult());
             })
      .getResult(0);
}

/// The generic that rotates every pair of features of `rotary`, shaped
/// [..., seq, heads, rotary_dim], by pos * inv_freq, `frequencies` holding
/// inv_freq per feature and `positions` pos per token or per token and
/// feature (buildEncodingGeneric): out[j] = x[j] cos - x[partner] sin for
/// the first feature of a pair, x[j] cos + x[partner] sin for the second,
/// the partner read with tensor.extract. cos and sin are multiplied by
/// `attentionFactor` unless it is null.
static Value buildRotation(OpBuilder &builder, Location loc, Value rotary,
                           Value frequencies, Value positions,
                           Value attentionFactor, FeaturePairing pairing) {
  auto type = cast<RankedTensorType>(rotary.getType());
  int64_t rank = type.getRank();
  int64_t rotaryDim = type.getShape().back();
  return buildEncodingGeneric(
      builder, loc, rotary, /*featureRank=*/2, frequencies, positions,
      [&](OpBuilder &b, Location bodyLoc,
          const EncodingElement &element) -> Value {
        auto [sin, cos] = element.sinCos(b, bodyLoc);
        if (attentionFactor) {
          cos = arith::MulFOp::create(b, bodyLoc, cos, attentionFactor);
          sin = arith::MulFOp::create(b, bodyLoc, sin, attentionFactor);
        }
        SmallVector<Value> indices;
        for (int64_t dim = 0; dim < rank; ++dim)
          indices.push_back(linalg::IndexOp::create(b, bodyLoc, dim));
        Value feature = indices.back();
        indices.back() = pairPartner(b, bodyLoc, feature, rotaryDim, pairing);
        Value partner = castToF32(
            b, bodyLoc, tensor::ExtractOp::create(b, bodyLoc, rotary, indices));
        Value xCos = arith::MulFOp::create(b, bodyLoc, element.value, cos);
        Value partnerSin = arith::MulFOp::create(b, bodyLoc, partner, sin);
        Value difference = arith::SubFOp::create(b, bodyLoc, xCos, partnerSin);
        Value sum = arith::AddFOp::create(b, bodyLoc, xCos, partnerSin);
        Value isFirst = isFirstOfPair(b, bodyLoc, feature, rotaryDim, pairing);
        return arith::SelectOp::create(b, bodyLoc, isFirst, difference, sum);
      });
}

namespace {
/// Rotates the first rotary_dim features of every head. With rotary_dim <
/// head_dim the rotation covers only that slice of the input, and is inserted
/// back into the input: the other features pass through, and no partner
/// index can leave the slice.
struct RopeLowering : OpRewritePattern<RopeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RopeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    RankedTensorType type = op.getInput().getType();
    int64_t rank = type.getRank();
    int64_t rotaryDim = op.getEffectiveRotaryDim();
    FeaturePairing pairing = pairingOf(op.getStyle());

    Value frequencies;
    Value attentionFactor;
    RopeFrequencies ropeFrequencies = computeRopeFrequencies(
        op.getTheta().convertToDouble(), rotaryDim, op.getScalingAttr());
    // A factor of 1 (every scaling but YaRN and LongRoPE) would multiply
    // exactly.
    if (ropeFrequencies.attentionFactor != 1.0)
      attentionFactor =
          f32Constant(rewriter, loc, ropeFrequencies.attentionFactor);
    Attribute scaling = op.getScalingAttr();
    if (auto ntk = dyn_cast_if_present<DynamicNtkScalingAttr>(scaling))
      frequencies = buildDynamicNtkFrequencies(rewriter, loc, op, ntk,
                                               rotaryDim, pairing);
    else if (auto longRope = dyn_cast_if_present<LongRopeScalingAttr>(scaling))
      frequencies = buildLongRopeFrequencies(rewriter, loc, op, longRope,
                                             rotaryDim, pairing);
    else
      frequencies = createPerFeatureConstant(
          rewriter, loc, ropeFrequencies.inverseFrequencies, pairing);

    bool partial = rotaryDim != type.getShape().back();
    Value rotary = input;
    SmallVector<OpFoldResult> offsets, sizes, strides;
    if (partial) {
      offsets.assign(rank, rewriter.getIndexAttr(0));
      sizes = tensor::getMixedSizes(rewriter, loc, input);
      sizes.back() = rewriter.getIndexAttr(rotaryDim);
      strides.assign(rank, rewriter.getIndexAttr(1));
      rotary = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets,
                                              sizes, strides);
    }
    // Without positions the rows of multimodal positions are all the
    // sequence index: a plain rope.
    Value positions = op.getPositions();
    if (positions && op.getMropeSection())
      positions =
          buildMultimodalPositions(rewriter, loc, op, rotary, pairing);
    Value rotated = buildRotation(rewriter, loc, rotary, frequencies,
                                  positions, attentionFactor, pairing);
    if (!partial) {
      rewriter.replaceOp(op, rotated);
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(op, rotated, input,
                                                       offsets, sizes, strides);
    return success();
  }
};
} // namespace

void mlir::xfuse::populatePositionalEncodingToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinusoidalPeLowering, LearnedPeLowering, RopeLowering>(
      patterns.getContext());
}
