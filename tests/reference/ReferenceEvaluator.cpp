//===- ReferenceEvaluator.cpp - evaluate xfuse functions in float64 ------===//

#include "tests/reference/ReferenceEvaluator.h"

#include "dialect/XFuseOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <stdexcept>

using namespace mlir;
/// The ops being evaluated, as opposed to the reference (xfuse::reference).
namespace dialect = ::mlir::xfuse;

namespace xfuse::check {
namespace {

reference::Activation toReference(dialect::ActivationKind kind) {
  switch (kind) {
  case dialect::ActivationKind::relu:
    return reference::Activation::Relu;
  case dialect::ActivationKind::gelu:
    return reference::Activation::Gelu;
  case dialect::ActivationKind::gelu_tanh:
    return reference::Activation::GeluTanh;
  case dialect::ActivationKind::silu:
    return reference::Activation::Silu;
  case dialect::ActivationKind::identity:
    return reference::Activation::Identity;
  case dialect::ActivationKind::quick_gelu:
    return reference::Activation::QuickGelu;
  case dialect::ActivationKind::relu2:
    return reference::Activation::Relu2;
  }
  llvm_unreachable("unknown activation kind");
}

/// The reference gating of a gate or gated_ffn `activation` attribute.
reference::Gating toReferenceGating(Attribute activation) {
  if (auto clamped = dyn_cast<dialect::ClampedSwigluAttr>(activation))
    return reference::Gating::clamped(clamped.getAlpha().convertToDouble(),
                                      clamped.getLimit().convertToDouble());
  return toReference(cast<dialect::ActivationKindAttr>(activation).getValue());
}

reference::WeightLayout toReference(dialect::WeightLayout layout) {
  return layout == dialect::WeightLayout::in_out
             ? reference::WeightLayout::InOut
             : reference::WeightLayout::OutIn;
}

reference::PeLayout toReference(dialect::PeLayout layout) {
  switch (layout) {
  case dialect::PeLayout::interleaved:
    return reference::PeLayout::Interleaved;
  case dialect::PeLayout::half:
    return reference::PeLayout::Half;
  case dialect::PeLayout::fairseq:
    return reference::PeLayout::Fairseq;
  }
  llvm_unreachable("unknown sinusoidal layout");
}

reference::RopeStyle toReference(dialect::RopeStyle style) {
  return style == dialect::RopeStyle::neox ? reference::RopeStyle::Neox
                                           : reference::RopeStyle::Gptj;
}

std::optional<double> optionalReal(const std::optional<APFloat> &value) {
  if (!value)
    return std::nullopt;
  return value->convertToDouble();
}

/// The reference's description of a RoPE `scaling` attribute (null: none).
reference::RopeScaling toReference(Attribute scaling) {
  using Kind = reference::RopeScaling::Kind;
  reference::RopeScaling result;
  if (auto linear = dyn_cast_if_present<dialect::LinearScalingAttr>(scaling)) {
    result.kind = Kind::Linear;
    result.factor = linear.getFactor().convertToDouble();
  } else if (auto ntk =
                 dyn_cast_if_present<dialect::DynamicNtkScalingAttr>(scaling)) {
    result.kind = Kind::DynamicNtk;
    result.factor = ntk.getFactor().convertToDouble();
    result.originalMaxPosition = ntk.getOriginalMaxPosition();
  } else if (auto yarn =
                 dyn_cast_if_present<dialect::YarnScalingAttr>(scaling)) {
    result.kind = Kind::Yarn;
    result.factor = yarn.getFactor().convertToDouble();
    result.originalMaxPosition = yarn.getOriginalMaxPosition();
    result.betaFast = yarn.getBetaFast().convertToDouble();
    result.betaSlow = yarn.getBetaSlow().convertToDouble();
    result.attentionFactor = optionalReal(yarn.getAttentionFactor());
    result.mscale = yarn.getMscale().convertToDouble();
    result.mscaleAllDim = yarn.getMscaleAllDim().convertToDouble();
    result.truncate = yarn.getTruncate();
  } else if (auto longRope =
                 dyn_cast_if_present<dialect::LongRopeScalingAttr>(scaling)) {
    result.kind = Kind::LongRope;
    result.factor = optionalReal(longRope.getFactor());
    result.originalMaxPosition = longRope.getOriginalMaxPosition();
    result.maxPosition = longRope.getMaxPosition().value_or(0);
    result.attentionFactor = optionalReal(longRope.getAttentionFactor());
    result.shortFactor = longRope.getShortFactor().asArrayRef().vec();
    result.longFactor = longRope.getLongFactor().asArrayRef().vec();
  } else if (auto llama3 =
                 dyn_cast_if_present<dialect::Llama3ScalingAttr>(scaling)) {
    result.kind = Kind::Llama3;
    result.factor = llama3.getFactor().convertToDouble();
    result.lowFreqFactor = llama3.getLowFreqFactor().convertToDouble();
    result.highFreqFactor = llama3.getHighFreqFactor().convertToDouble();
    result.originalMaxPosition = llama3.getOriginalMaxPosition();
  }
  return result;
}

/// The reference value of every tensor evaluated so far. Tensor operands are
/// always present: the body is a single block in SSA order and evaluation
/// stops at the first op it cannot evaluate; only sizes (index values) are
/// left out.
class ValueTable {
public:
  void set(Value value, reference::Tensor tensor) {
    values[value] = std::move(tensor);
  }
  bool contains(Value value) const { return values.contains(value); }
  const reference::Tensor &get(Value value) const { return values.at(value); }
  /// Null for an absent optional operand.
  const reference::Tensor *getOptional(Value value) const {
    return value ? &values.at(value) : nullptr;
  }

private:
  llvm::DenseMap<Value, reference::Tensor> values;
};

/// The reference result of `op`, or nullopt if it is not an xfuse op. Throws
/// std::invalid_argument where the reference rejects the operand shapes.
std::optional<reference::Tensor> evaluateXFuseOp(Operation *op,
                                                 const ValueTable &v) {
  auto real = [](const APFloat &value) { return value.convertToDouble(); };
  return llvm::TypeSwitch<Operation *, std::optional<reference::Tensor>>(op)
      .Case([&](dialect::SinusoidalPeOp pe) {
        return reference::sinusoidalPe(v.get(pe.getInput()),
                                       v.getOptional(pe.getPositions()),
                                       real(pe.getBase()), real(pe.getScale()),
                                       toReference(pe.getLayout()));
      })
      .Case([&](dialect::LearnedPeOp pe) {
        return reference::learnedPe(v.get(pe.getInput()), v.get(pe.getTable()),
                                    v.getOptional(pe.getPositions()));
      })
      .Case([&](dialect::RopeOp rope) {
        reference::RopeParameters parameters;
        parameters.theta = real(rope.getTheta());
        parameters.rotaryDim = rope.getRotaryDim().value_or(0);
        parameters.style = toReference(rope.getStyle());
        parameters.scaling = toReference(rope.getScalingAttr());
        if (std::optional<ArrayRef<int64_t>> section = rope.getMropeSection())
          parameters.mropeSection = section->vec();
        parameters.mropeInterleaved = rope.getMropeInterleaved();
        return reference::rope(v.get(rope.getInput()),
                               v.getOptional(rope.getPositions()), parameters);
      })
      .Case([&](dialect::LinearOp linear) {
        return reference::linear(v.get(linear.getInput()),
                                 v.get(linear.getWeight()),
                                 v.getOptional(linear.getBias()),
                                 toReference(linear.getWeightLayout()));
      })
      .Case([&](dialect::ActivationOp activation) {
        return reference::activation(v.get(activation.getInput()),
                                     toReference(activation.getKind()));
      })
      .Case([&](dialect::AddOp add) {
        return reference::add(v.get(add.getLhs()), v.get(add.getRhs()));
      })
      .Case([&](dialect::GateOp gate) {
        return reference::gate(v.get(gate.getGate()), v.get(gate.getUp()),
                               toReferenceGating(gate.getActivation()));
      })
      .Case([&](dialect::RmsNormOp norm) {
        return reference::rmsNorm(
            v.get(norm.getInput()), v.get(norm.getWeight()),
            real(norm.getEpsilon()), real(norm.getWeightOffset()));
      })
      .Case([&](dialect::LayerNormOp norm) {
        return reference::layerNorm(
            v.get(norm.getInput()), v.get(norm.getWeight()),
            v.getOptional(norm.getBias()), real(norm.getEpsilon()));
      })
      .Case([&](dialect::FfnOp ffn) {
        return reference::ffn(v.get(ffn.getInput()), v.get(ffn.getW1()),
                              v.getOptional(ffn.getB1()), v.get(ffn.getW2()),
                              v.getOptional(ffn.getB2()),
                              toReference(ffn.getActivation()),
                              toReference(ffn.getWeightLayout()));
      })
      .Case([&](dialect::GatedFfnOp ffn) {
        return reference::gatedFfn(
            v.get(ffn.getInput()), v.get(ffn.getWGate()),
            v.getOptional(ffn.getBGate()), v.get(ffn.getWUp()),
            v.getOptional(ffn.getBUp()), v.get(ffn.getWDown()),
            v.getOptional(ffn.getBDown()),
            toReferenceGating(ffn.getActivation()),
            toReference(ffn.getWeightLayout()));
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// Whether `op` only computes sizes (index values), which the reference does
/// not need: their one legitimate consumer here, tensor.expand_shape, has its
/// result sizes inferred from its operand by `reshapedShape`.
bool isSizeComputation(Operation &op) {
  return isa<arith::ConstantOp, tensor::DimOp>(op) &&
         llvm::all_of(op.getResultTypes(),
                      [](Type type) { return type.isIndex(); });
}

/// The concrete result shape of `reshape`, a tensor.expand_shape or
/// tensor.collapse_shape whose operand has `operandShape`. A reshape keeps the
/// row-major data as it is.
llvm::Expected<std::vector<int64_t>>
reshapedShape(Operation &reshape, llvm::ArrayRef<int64_t> operandShape) {
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(reshape)) {
    std::vector<int64_t> shape;
    for (const ReassociationIndices &group :
         collapse.getReassociationIndices()) {
      int64_t extent = 1;
      for (int64_t dim : group)
        extent *= operandShape[dim];
      shape.push_back(extent);
    }
    return shape;
  }
  auto expand = cast<tensor::ExpandShapeOp>(reshape);
  std::vector<int64_t> shape(expand.getResultType().getShape());
  for (auto [sourceDim, group] :
       llvm::enumerate(expand.getReassociationIndices())) {
    // The sizes of a group multiply to the operand's extent, which fixes the
    // group's one dynamic size, if any.
    int64_t staticProduct = 1;
    std::optional<int64_t> dynamicDim;
    for (int64_t dim : group) {
      if (!ShapedType::isDynamic(shape[dim]))
        staticProduct *= shape[dim];
      else if (dynamicDim)
        return llvm::createStringError(
            "cannot infer two dynamic sizes expanded from one dimension");
      else
        dynamicDim = dim;
    }
    int64_t extent = operandShape[sourceDim];
    bool fits = dynamicDim ? staticProduct != 0 && extent % staticProduct == 0
                           : staticProduct == extent;
    if (!fits)
      return llvm::createStringError("dimension " + llvm::Twine(sourceDim) +
                                     " of size " + llvm::Twine(extent) +
                                     " does not expand to the result type");
    if (dynamicDim)
      shape[*dynamicDim] = extent / staticProduct;
  }
  return shape;
}

/// An error prefixed with `op`'s location (as file:line:col where it has
/// one) and name.
llvm::Error errorAt(Operation *op, const llvm::Twine &message) {
  std::string location;
  llvm::raw_string_ostream stream(location);
  if (auto fileLocation = dyn_cast<FileLineColLoc>(op->getLoc()))
    stream << fileLocation.getFilename().getValue() << ':'
           << fileLocation.getLine() << ':' << fileLocation.getColumn();
  else
    stream << op->getLoc();
  return llvm::createStringError(
      location + ": '" + op->getName().getStringRef() + "': " + message);
}

} // namespace

llvm::Expected<std::vector<reference::Tensor>>
evaluateWithReference(func::FuncOp func,
                      const std::vector<reference::Tensor> &arguments) {
  if (!func.getBody().hasOneBlock())
    return errorAt(func, "only single-block functions can be evaluated");
  Block &body = func.getBody().front();
  if (body.getNumArguments() != arguments.size())
    return errorAt(func, "expected " + llvm::Twine(body.getNumArguments()) +
                             " arguments, got " +
                             llvm::Twine(arguments.size()));
  ValueTable values;
  for (auto [argument, tensor] :
       llvm::zip_equal(body.getArguments(), arguments))
    values.set(argument, tensor);

  for (Operation &op : body.without_terminator()) {
    if (isSizeComputation(op))
      continue;
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op)) {
      const reference::Tensor &operand = values.get(op.getOperand(0));
      llvm::Expected<std::vector<int64_t>> shape =
          reshapedShape(op, operand.shape);
      if (!shape)
        return errorAt(&op, llvm::toString(shape.takeError()));
      values.set(op.getResult(0), reference::Tensor{*shape, operand.data});
      continue;
    }
    std::optional<reference::Tensor> result;
    // The reference reports shapes it cannot handle by exception; the IR has
    // been verified, so this only happens where dynamic sizes disagree.
    try {
      result = evaluateXFuseOp(&op, values);
    } catch (const std::invalid_argument &error) {
      return errorAt(&op, error.what());
    }
    if (!result)
      return errorAt(&op, "unsupported op: the reference evaluates xfuse "
                          "ops, tensor.expand_shape, tensor.collapse_shape "
                          "and their index computations");
    values.set(op.getResult(0), std::move(*result));
  }

  auto ret = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!ret)
    return errorAt(body.getTerminator(), "unsupported terminator");
  std::vector<reference::Tensor> results;
  for (Value operand : ret.getOperands()) {
    if (!values.contains(operand))
      return errorAt(ret, "returns a size, not a tensor");
    results.push_back(values.get(operand));
  }
  return results;
}

} // namespace xfuse::check
