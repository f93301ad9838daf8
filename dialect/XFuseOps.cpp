#include "dialect/XFuseOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace mlir::xfuse;

namespace {

/// Shape and type rules shared by the ops' result-type inference. The parser,
/// builders and the verifier all go through inference, so each rule is stated
/// once and every failure is reported at the op's location, naming what was
/// expected and what was found.
class TypeRules {
public:
  TypeRules(std::optional<Location> loc, StringRef opName)
      : loc(loc), opName(opName) {}

  template <typename... Args> LogicalResult fail(Args &&...args) const {
    return emitOptionalError(loc, "'", opName, "' op ",
                             std::forward<Args>(args)...);
  }

  /// `value` must be a ranked tensor of f32/f16/bf16 with at least `minRank`
  /// dimensions, the last `staticTrailing` of them static.
  FailureOr<RankedTensorType> floatTensor(StringRef role, Value value,
                                          int64_t minRank,
                                          int64_t staticTrailing = 1) const {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type ||
        !isa<Float32Type, Float16Type, BFloat16Type>(type.getElementType()))
      return fail("expects ", role,
                  " to be a ranked tensor of f32, f16 or bf16, but got ",
                  value.getType());
    if (type.getRank() < minRank)
      return fail("expects ", role, " of rank at least ", minRank, ", but got ",
                  type);
    for (int64_t i = type.getRank() - staticTrailing; i < type.getRank(); ++i) {
      if (!type.isDynamicDim(i))
        continue;
      if (staticTrailing == 1)
        return fail("expects the last dimension of ", role,
                    " to be static, but got ", type);
      return fail("expects the last ", staticTrailing, " dimensions of ", role,
                  " to be static, but got ", type);
    }
    return type;
  }

  /// A static tensor of exactly `shape` with the element type of `like`.
  LogicalResult parameter(StringRef role, Value value, ArrayRef<int64_t> shape,
                          RankedTensorType like) const {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || type.getShape() != shape)
      return fail("expects ", role, " of shape [", shapeString(shape),
                  "], but got ", value.getType());
    return sameElementType(role, type, like);
  }

  LogicalResult sameElementType(StringRef role, RankedTensorType type,
                                RankedTensorType like,
                                StringRef likeRole = "the input") const {
    if (type.getElementType() != like.getElementType())
      return fail("expects ", role, " to have the element type of ", likeRole,
                  " (", like.getElementType(), "), but got ",
                  type.getElementType());
    return success();
  }

  /// Optional per-token positions: an i32/i64 tensor shaped like the input's
  /// leading `tokenShape`, or with `rows` > 1, `rows` such tensors stacked
  /// along a leading dimension.
  LogicalResult positions(Value positions, ArrayRef<int64_t> tokenShape,
                          int64_t rows = 1) const {
    if (!positions)
      return success();
    auto type = dyn_cast<RankedTensorType>(positions.getType());
    if (!type || !(type.getElementType().isSignlessInteger(32) ||
                   type.getElementType().isSignlessInteger(64)))
      return fail("expects positions to be a ranked tensor of i32 or i64, "
                  "but got ",
                  positions.getType());
    SmallVector<int64_t> shape;
    if (rows > 1)
      shape.push_back(rows);
    llvm::append_range(shape, tokenShape);
    if (type.getShape().size() != shape.size() ||
        failed(verifyCompatibleShape(type.getShape(), shape)) ||
        (rows > 1 && type.isDynamicDim(0)))
      return fail("expects positions of shape [", shapeString(shape), "] (",
                  rows > 1 ? "rows of positions per token" : "one per token",
                  "), but got ", type);
    return success();
  }

  /// The result of X·W + b for `input` [..., in] and a weight stored as
  /// `layout` says. `inOrigin` names where `in` comes from, for the message.
  FailureOr<RankedTensorType> linear(StringRef weightRole, StringRef biasRole,
                                     RankedTensorType input, StringRef inOrigin,
                                     Value weight, Value bias,
                                     WeightLayout layout) const {
    auto weightType = dyn_cast<RankedTensorType>(weight.getType());
    int64_t in = input.getShape().back();
    bool outIn = layout == WeightLayout::out_in;
    auto expected = outIn ? "[out, in]" : "[in, out]";
    if (!weightType || weightType.getRank() != 2 ||
        !weightType.hasStaticShape() ||
        weightType.getDimSize(outIn ? 1 : 0) != in)
      return fail("expects ", weightRole, " of static shape ", expected,
                  " with in = ", in, " (", inOrigin, "), but got ",
                  weight.getType());
    if (failed(sameElementType(weightRole, weightType, input)))
      return failure();
    int64_t out = weightType.getDimSize(outIn ? 0 : 1);
    if (bias && failed(parameter(biasRole, bias, {out}, input)))
      return failure();
    SmallVector<int64_t> shape(input.getShape());
    shape.back() = out;
    return RankedTensorType::get(shape, input.getElementType());
  }

  static std::string shapeString(ArrayRef<int64_t> shape) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::interleave(
        shape, os,
        [&](int64_t dim) {
          if (ShapedType::isDynamic(dim))
            os << "?";
          else
            os << dim;
        },
        ", ");
    return text;
  }

private:
  std::optional<Location> loc;
  StringRef opName;
};

/// An adaptor built before the op exists (a builder given a null attribute)
/// may lack the default of weight_layout, which the op gains on creation.
WeightLayout layoutOr(WeightLayoutAttr attr) {
  return attr ? attr.getValue() : WeightLayout::in_out;
}

} // namespace

/// Where the verifiers report the attribute rules (verifyFinite and the
/// like): the custom-form parser infers result types before it stores
/// attributes in the op's properties, so type inference cannot see them.
static auto opError(Operation *op) {
  return [op] { return op->emitOpError(); };
}

/// Checks the operand types of `op` through its type inference. The
/// verifiers whose attribute rules read operand shapes call it first: the
/// interface verifier that would report a bad operand runs after them.
template <typename OpTy> static LogicalResult verifyOperandTypes(OpTy op) {
  SmallVector<Type> inferred;
  return OpTy::inferReturnTypes(op.getContext(), op.getLoc(),
                                typename OpTy::Adaptor(op), inferred);
}

//===----------------------------------------------------------------------===//
// Positional encodings
//===----------------------------------------------------------------------===//

LogicalResult SinusoidalPeOp::inferReturnTypes(MLIRContext *,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input =
      rules.floatTensor("input ([..., seq, d])", adaptor.getInput(), 2);
  if (failed(input))
    return failure();
  if (failed(rules.positions(adaptor.getPositions(),
                             input->getShape().drop_back())))
    return failure();
  results.push_back(*input);
  return success();
}

LogicalResult SinusoidalPeOp::verify() {
  // The rule on d depends on the layout, an attribute, so it lives here
  // rather than in inference.
  if (failed(verifyOperandTypes(*this)))
    return failure();
  int64_t d = getInput().getType().getShape().back();
  if (getLayout() == PeLayout::fairseq) {
    if (d < 4)
      return emitOpError("expects a feature dimension d >= 4 for the fairseq "
                         "layout, whose frequencies base^(-i/(d/2 - 1)) "
                         "divide by d/2 - 1, but got d = ")
             << d;
  } else if (d % 2 != 0) {
    return emitOpError("expects an even feature dimension d (sines and "
                       "cosines come in pairs; only the fairseq layout pads "
                       "an odd d), but got d = ")
           << d;
  }
  if (failed(verifyFinitePositive(opError(*this), "base",
                                  getBase().convertToDouble())))
    return failure();
  return verifyFinite(opError(*this), "scale", getScale().convertToDouble());
}

LogicalResult LearnedPeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input =
      rules.floatTensor("input ([..., seq, d])", adaptor.getInput(), 2);
  if (failed(input))
    return failure();
  int64_t d = input->getShape().back();
  auto table = dyn_cast<RankedTensorType>(adaptor.getTable().getType());
  if (!table || table.getRank() != 2 || !table.hasStaticShape() ||
      table.getDimSize(1) != d)
    return rules.fail("expects table of static shape [max_pos, ", d,
                      "] (d of the input), but got ",
                      adaptor.getTable().getType());
  if (failed(rules.sameElementType("table", table, *input)))
    return failure();
  int64_t seq = input->getDimSize(input->getRank() - 2);
  if (!adaptor.getPositions() && !ShapedType::isDynamic(seq) &&
      seq > table.getDimSize(0))
    return rules.fail("expects a sequence of at most ", table.getDimSize(0),
                      " tokens (the table's rows) when positions are absent, "
                      "but got ",
                      seq);
  if (failed(rules.positions(adaptor.getPositions(),
                             input->getShape().drop_back())))
    return failure();
  results.push_back(*input);
  return success();
}

int64_t RopeOp::getEffectiveRotaryDim() {
  if (std::optional<int64_t> rotaryDim = getRotaryDim())
    return *rotaryDim;
  return getInput().getType().getShape().back();
}

/// Whether `positions` has a dimension more than the `tokenRank` token
/// dimensions: the rows of multimodal RoPE.
static bool hasPositionRows(Value positions, int64_t tokenRank) {
  auto type = dyn_cast_if_present<RankedTensorType>(
      positions ? positions.getType() : Type());
  return type && type.getRank() == tokenRank + 1;
}

bool RopeOp::hasPerCallFrequencies() {
  return isa_and_nonnull<DynamicNtkScalingAttr, LongRopeScalingAttr>(
      getScalingAttr());
}

LogicalResult RopeOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input = rules.floatTensor("input ([..., seq, heads, head_dim])",
                                 adaptor.getInput(), 3, 2);
  if (failed(input))
    return failure();
  // Inference cannot see mrope_section (see XFuse_PureOp): it accepts the
  // rows of multimodal positions, and the verifier matches them with it.
  ArrayRef<int64_t> tokenShape = input->getShape().drop_back(2);
  int64_t rows = hasPositionRows(adaptor.getPositions(), tokenShape.size())
                     ? kMultimodalRows
                     : 1;
  if (failed(rules.positions(adaptor.getPositions(), tokenShape, rows)))
    return failure();
  results.push_back(*input);
  return success();
}

static std::string listText(ArrayRef<int64_t> values) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::interleaved_array(values);
  return text;
}

/// The multimodal rules of `op`: mrope_section's entries, the rows of its
/// positions, and the scalings it combines with.
static LogicalResult verifyMultimodal(RopeOp op, int64_t rotaryDim) {
  int64_t tokenRank = op.getInput().getType().getRank() - 2;
  bool rows = hasPositionRows(op.getPositions(), tokenRank);
  std::optional<ArrayRef<int64_t>> section = op.getMropeSection();
  if (!section) {
    if (op.getMropeInterleaved())
      return op.emitOpError("expects mrope_interleaved only with "
                            "mrope_section");
    if (rows)
      return op.emitOpError("expects positions of one row per token without "
                            "mrope_section, but got ")
             << op.getPositions().getType();
    return success();
  }
  if (op.getPositions() && !rows)
    return op.emitOpError("expects positions with a leading dimension of ")
           << RopeOp::kMultimodalRows
           << " (temporal, height and width rows) with mrope_section, but "
              "got "
           << op.getPositions().getType();
  if (static_cast<int64_t>(section->size()) != RopeOp::kMultimodalRows ||
      llvm::any_of(*section, [](int64_t pairs) { return pairs < 0; }))
    return op.emitOpError("expects mrope_section of ")
           << RopeOp::kMultimodalRows
           << " pair counts >= 0 (temporal, height, width), but got "
           << listText(*section);
  int64_t pairs = 0;
  for (int64_t count : *section)
    pairs += count;
  if (pairs != rotaryDim / 2)
    return op.emitOpError("expects mrope_section to sum to rotary_dim / 2 = ")
           << rotaryDim / 2 << ", but got " << listText(*section)
           << " summing to " << pairs;
  if (op.hasPerCallFrequencies())
    return op.emitOpError("expects no per-call scaling (dynamic NTK, "
                          "LongRoPE) with mrope_section, but got ")
           << op.getScalingAttr();
  return success();
}

LogicalResult RopeOp::verify() {
  // The rotary_dim rule needs a valid head_dim.
  if (failed(verifyOperandTypes(*this)))
    return failure();
  int64_t headDim = getInput().getType().getShape().back();
  int64_t rotaryDim = getEffectiveRotaryDim();
  if (rotaryDim <= 0 || rotaryDim % 2 != 0 || rotaryDim > headDim)
    return emitOpError("expects an even rotary_dim in (0, head_dim = ")
           << headDim << "], but got " << rotaryDim;
  if (failed(verifyFinitePositive(opError(*this), "theta",
                                  getTheta().convertToDouble())))
    return failure();
  if (isa_and_nonnull<DynamicNtkScalingAttr>(getScalingAttr()) &&
      rotaryDim <= 2)
    return emitOpError("expects rotary_dim > 2 for dynamic NTK scaling, "
                       "whose exponent is rotary_dim / (rotary_dim - 2), but "
                       "got ")
           << rotaryDim;
  if (auto longRope =
          dyn_cast_if_present<LongRopeScalingAttr>(getScalingAttr());
      longRope && longRope.getShortFactor().size() != rotaryDim / 2)
    return emitOpError("expects short_factor and long_factor of rotary_dim "
                       "/ 2 = ")
           << rotaryDim / 2 << " entries (one per pair), but got "
           << longRope.getShortFactor().size();
  return verifyMultimodal(*this, rotaryDim);
}

//===----------------------------------------------------------------------===//
// Feed-forward building blocks
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input = rules.floatTensor("input", adaptor.getInput(), 1);
  if (failed(input))
    return failure();
  auto output =
      rules.linear("weight", "bias", *input, "the input's last dimension",
                   adaptor.getWeight(), adaptor.getBias(),
                   layoutOr(adaptor.getWeightLayoutAttr()));
  if (failed(output))
    return failure();
  results.push_back(*output);
  return success();
}

LogicalResult ActivationOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input = rules.floatTensor("input", adaptor.getInput(), 0, 0);
  if (failed(input))
    return failure();
  results.push_back(*input);
  return success();
}

OpFoldResult ActivationOp::fold(FoldAdaptor) {
  if (getKind() == ActivationKind::identity)
    return getInput();
  return {};
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto lhs = rules.floatTensor("lhs", adaptor.getLhs(), 0, 0);
  auto rhs = rules.floatTensor("rhs", adaptor.getRhs(), 0, 0);
  if (failed(lhs) || failed(rhs) ||
      failed(rules.sameElementType("rhs", *rhs, *lhs, "lhs")))
    return failure();
  ArrayRef<int64_t> suffix =
      lhs->getShape().take_back(std::min(rhs->getRank(), lhs->getRank()));
  if (rhs->getRank() > lhs->getRank() ||
      failed(verifyCompatibleShape(rhs->getShape(), suffix)))
    return rules.fail("expects rhs of the shape of lhs [",
                      TypeRules::shapeString(lhs->getShape()),
                      "] or of a suffix of it, but got ", *rhs);
  results.push_back(*lhs);
  return success();
}

LogicalResult GateOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto gate = rules.floatTensor("gate", adaptor.getGate(), 0, 0);
  if (failed(gate))
    return failure();
  if (adaptor.getUp().getType() != *gate)
    return rules.fail("expects up of the gate's type ", *gate, ", but got ",
                      adaptor.getUp().getType());
  results.push_back(*gate);
  return success();
}

/// The shared rule of the norms: input [..., d], weight and bias [d].
static LogicalResult inferNormType(TypeRules &rules, Value inputValue,
                                   Value weight, Value bias,
                                   SmallVectorImpl<Type> &results) {
  auto input = rules.floatTensor("input", inputValue, 1);
  if (failed(input))
    return failure();
  int64_t d = input->getShape().back();
  if (failed(rules.parameter("weight", weight, {d}, *input)) ||
      (bias && failed(rules.parameter("bias", bias, {d}, *input))))
    return failure();
  results.push_back(*input);
  return success();
}

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  return inferNormType(rules, adaptor.getInput(), adaptor.getWeight(),
                       /*bias=*/nullptr, results);
}

LogicalResult RmsNormOp::verify() {
  if (failed(verifyFinitePositive(opError(*this), "epsilon",
                                  getEpsilon().convertToDouble())))
    return failure();
  return verifyFinite(opError(*this), "weight_offset",
                      getWeightOffset().convertToDouble());
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  return inferNormType(rules, adaptor.getInput(), adaptor.getWeight(),
                       adaptor.getBias(), results);
}

LogicalResult LayerNormOp::verify() {
  return verifyFinitePositive(opError(*this), "epsilon",
                              getEpsilon().convertToDouble());
}

//===----------------------------------------------------------------------===//
// Feed-forward networks
//===----------------------------------------------------------------------===//

LogicalResult FfnOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input = rules.floatTensor("input", adaptor.getInput(), 1);
  if (failed(input))
    return failure();
  WeightLayout layout = layoutOr(adaptor.getWeightLayoutAttr());
  auto hidden = rules.linear("w1", "b1", *input, "the input's last dimension",
                             adaptor.getW1(), adaptor.getB1(), layout);
  if (failed(hidden))
    return failure();
  auto output = rules.linear("w2", "b2", *hidden, "the hidden size of w1",
                             adaptor.getW2(), adaptor.getB2(), layout);
  if (failed(output))
    return failure();
  results.push_back(*output);
  return success();
}

LogicalResult GatedFfnOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  TypeRules rules(loc, getOperationName());
  auto input = rules.floatTensor("input", adaptor.getInput(), 1);
  if (failed(input))
    return failure();
  WeightLayout layout = layoutOr(adaptor.getWeightLayoutAttr());
  auto gate =
      rules.linear("w_gate", "b_gate", *input, "the input's last dimension",
                   adaptor.getWGate(), adaptor.getBGate(), layout);
  if (failed(gate))
    return failure();
  if (adaptor.getWUp().getType() != adaptor.getWGate().getType())
    return rules.fail("expects w_up of the same type as w_gate (",
                      adaptor.getWGate().getType(), "), but got ",
                      adaptor.getWUp().getType());
  if (adaptor.getBUp() &&
      failed(rules.parameter("b_up", adaptor.getBUp(),
                             {gate->getShape().back()}, *input)))
    return failure();
  auto output =
      rules.linear("w_down", "b_down", *gate, "the hidden size of w_gate",
                   adaptor.getWDown(), adaptor.getBDown(), layout);
  if (failed(output))
    return failure();
  results.push_back(*output);
  return success();
}

#define GET_OP_CLASSES
#include "dialect/XFuseOps.cpp.inc"
