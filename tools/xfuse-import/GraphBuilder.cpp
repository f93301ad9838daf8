//===- GraphBuilder.cpp - a ModelSpec as xfuse functions ------------------===//

#include "tools/xfuse-import/GraphBuilder.h"

#include "dialect/XFuseDialect.h"
#include "dialect/XFuseOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::xfuse;
using namespace mlir::xfuse::import;

namespace {

/// Builds one function whose arguments are added as the body first uses
/// them, so that their order is the order of use.
class FunctionBuilder {
public:
  FunctionBuilder(ModuleOp module, const Twine &name)
      : builder(module.getContext()) {
    builder.setInsertionPointToEnd(module.getBody());
    func = func::FuncOp::create(builder, module.getLoc(), name.str(),
                                builder.getFunctionType({}, {}));
    builder.setInsertionPointToStart(func.addEntryBlock());
  }

  OpBuilder &getBuilder() { return builder; }

  /// A location naming the value an op computes, within the config field
  /// it comes from.
  Location loc(StringRef name, Location field) {
    return NameLoc::get(builder.getStringAttr(name), field);
  }

  /// A new last argument named `name`.
  Value argument(StringRef name, Type type) {
    argumentNames.push_back(builder.getStringAttr(name));
    return func.front().addArgument(type, NameLoc::get(argumentNames.back()));
  }

  /// Returns `results`, named `resultNames`, and names every argument: the
  /// generated entry points' parameters take these names.
  void finish(ValueRange results, ArrayRef<StringRef> resultNames) {
    assert(results.size() == resultNames.size() && "one name per result");
    func::ReturnOp::create(builder, func.getLoc(), results);
    func.setFunctionType(builder.getFunctionType(
        func.front().getArgumentTypes(), TypeRange(results)));
    for (auto [index, name] : llvm::enumerate(argumentNames))
      func.setArgAttr(index, kParameterNameAttr, name);
    for (auto [index, name] : llvm::enumerate(resultNames))
      func.setResultAttr(index, kParameterNameAttr,
                         builder.getStringAttr(name));
  }

private:
  static constexpr StringLiteral kParameterNameAttr =
      XFuseDialect::getParameterNameAttrName();

  OpBuilder builder;
  func::FuncOp func;
  SmallVector<StringAttr> argumentNames;
};

class GraphBuilder {
public:
  GraphBuilder(ModuleOp module, const ModelSpec &spec, StringRef prefix)
      : module(module), spec(spec), prefix(prefix),
        context(module.getContext()) {}

  void buildQk();
  void buildMlp();
  void buildPositions();

private:
  RankedTensorType tokens(ArrayRef<int64_t> features) const {
    SmallVector<int64_t> shape = {ShapedType::kDynamic};
    llvm::append_range(shape, features);
    return RankedTensorType::get(shape, spec.elementType);
  }
  RankedTensorType vector(int64_t size) const {
    return RankedTensorType::get({size}, spec.elementType);
  }
  RankedTensorType weight(int64_t in, int64_t out, WeightLayout layout) const {
    return layout == WeightLayout::out_in
               ? RankedTensorType::get({out, in}, spec.elementType)
               : RankedTensorType::get({in, out}, spec.elementType);
  }

  /// `tokens x (heads * headDim)` as `tokens x heads x headDim`.
  Value splitHeads(FunctionBuilder &function, Value value, int64_t heads,
                   int64_t headDim, StringRef name);
  Value rotate(FunctionBuilder &function, Value heads, Value positions,
               StringRef name);
  /// The norm of `input` whose weights (and biases) are the next arguments,
  /// named `<name>_weight` (and `<name>_bias`).
  Value norm(FunctionBuilder &function, Value input, StringRef name);
  /// The MLP of `input` whose weights and biases are the next arguments.
  Value mlp(FunctionBuilder &function, Value input);

  ModuleOp module;
  const ModelSpec &spec;
  StringRef prefix;
  MLIRContext *context;
};

Value GraphBuilder::splitHeads(FunctionBuilder &function, Value value,
                               int64_t heads, int64_t headDim, StringRef name) {
  OpBuilder &builder = function.getBuilder();
  Location loc = function.loc(name, spec.attention->rope.location);
  Value tokenCount = tensor::DimOp::create(builder, loc, value, 0);
  SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
  SmallVector<OpFoldResult> outputShape = {
      tokenCount, builder.getIndexAttr(heads), builder.getIndexAttr(headDim)};
  return tensor::ExpandShapeOp::create(builder, loc, tokens({heads, headDim}),
                                       value, reassociation, outputShape);
}

Value GraphBuilder::rotate(FunctionBuilder &function, Value heads,
                           Value positions, StringRef name) {
  OpBuilder &builder = function.getBuilder();
  const RopeSpec &rope = spec.attention->rope;
  int64_t headDim = cast<RankedTensorType>(heads.getType()).getShape().back();
  return RopeOp::create(
      builder, function.loc(name, rope.location), heads, positions,
      builder.getF64FloatAttr(rope.theta),
      rope.rotaryDim == headDim ? IntegerAttr()
                                : builder.getI64IntegerAttr(rope.rotaryDim),
      RopeStyleAttr::get(context, rope.style), rope.scaling,
      rope.mropeSection.empty()
          ? DenseI64ArrayAttr()
          : builder.getDenseI64ArrayAttr(rope.mropeSection),
      rope.mropeInterleaved ? builder.getUnitAttr() : UnitAttr());
}

Value GraphBuilder::norm(FunctionBuilder &function, Value input,
                         StringRef name) {
  OpBuilder &builder = function.getBuilder();
  const NormSpec &norm = spec.mlp.norm;
  Location loc = function.loc(name, norm.location);
  Value weight =
      function.argument((name + "_weight").str(), vector(spec.hiddenSize));
  FloatAttr epsilon = builder.getF64FloatAttr(norm.epsilon);
  if (norm.kind == NormKind::layer) {
    Value bias =
        function.argument((name + "_bias").str(), vector(spec.hiddenSize));
    return LayerNormOp::create(builder, loc, input, weight, bias, epsilon);
  }
  return RmsNormOp::create(builder, loc, input, weight, epsilon,
                           builder.getF64FloatAttr(norm.weightOffset));
}

Value GraphBuilder::mlp(FunctionBuilder &function, Value input) {
  OpBuilder &builder = function.getBuilder();
  const MlpSpec &mlp = spec.mlp;
  int64_t hidden = spec.hiddenSize;
  int64_t intermediate = mlp.intermediateSize;
  auto projection = [&](StringRef name, int64_t in,
                        int64_t out) -> std::pair<Value, Value> {
    Value weight = function.argument(("w_" + name).str(),
                                     this->weight(in, out, mlp.weightLayout));
    Value bias = mlp.bias ? function.argument(("b_" + name).str(), vector(out))
                          : Value();
    return {weight, bias};
  };
  auto layout = WeightLayoutAttr::get(context, mlp.weightLayout);
  Location loc = function.loc("mlp", mlp.location);
  if (mlp.gated) {
    auto [gateWeight, gateBias] = projection("gate", hidden, intermediate);
    auto [upWeight, upBias] = projection("up", hidden, intermediate);
    auto [downWeight, downBias] = projection("down", intermediate, hidden);
    return GatedFfnOp::create(builder, loc, input, gateWeight, gateBias,
                              upWeight, upBias, downWeight, downBias,
                              mlp.activation, layout);
  }
  auto [upWeight, upBias] = projection("up", hidden, intermediate);
  auto [downWeight, downBias] = projection("down", intermediate, hidden);
  return FfnOp::create(builder, loc, input, upWeight, upBias, downWeight,
                       downBias, cast<ActivationKindAttr>(mlp.activation),
                       layout);
}

void GraphBuilder::buildQk() {
  FunctionBuilder function(module, prefix + "_qk");
  OpBuilder &builder = function.getBuilder();
  const AttentionSpec &attention = *spec.attention;
  Value hiddenStates =
      function.argument("hidden_states", tokens({spec.hiddenSize}));
  // nn.Linear projections, [out, in].
  auto layout = WeightLayoutAttr::get(context, WeightLayout::out_in);
  auto project = [&](StringRef name, int64_t heads) {
    int64_t width = heads * attention.headDim;
    Value weight = function.argument(
        ("w" + name).str(),
        this->weight(spec.hiddenSize, width, WeightLayout::out_in));
    Value bias = attention.projectionBias
                     ? function.argument(("b" + name).str(), vector(width))
                     : Value();
    Value projected =
        LinearOp::create(builder, function.loc(name, attention.rope.location),
                         hiddenStates, weight, bias, layout);
    return splitHeads(function, projected, heads, attention.headDim, name);
  };
  Value query = project("q", attention.queryHeads);
  Value key = project("k", attention.keyHeads);

  // Multimodal RoPE takes one row of positions per section (temporal,
  // height, width).
  SmallVector<int64_t> positionsShape = {ShapedType::kDynamic};
  if (!attention.rope.mropeSection.empty())
    positionsShape.insert(positionsShape.begin(),
                          attention.rope.mropeSection.size());
  Value positions = function.argument(
      "positions",
      RankedTensorType::get(positionsShape, builder.getIntegerType(64)));
  function.finish({rotate(function, query, positions, "q_rotated"),
                   rotate(function, key, positions, "k_rotated")},
                  {"q", "k"});
}

void GraphBuilder::buildMlp() {
  FunctionBuilder function(module, prefix + "_mlp");
  Value hiddenStates =
      function.argument("hidden_states", tokens({spec.hiddenSize}));
  switch (spec.mlp.norms) {
  case MlpNorms::pre:
    function.finish(mlp(function, norm(function, hiddenStates, "norm")),
                    {"output"});
    return;
  case MlpNorms::preAndPost: {
    Value output = mlp(function, norm(function, hiddenStates, "norm"));
    function.finish(norm(function, output, "post_norm"), {"output"});
    return;
  }
  case MlpNorms::postResidual: {
    Value output = mlp(function, hiddenStates);
    Value residual = AddOp::create(function.getBuilder(),
                                   function.loc("residual", spec.mlp.location),
                                   output, hiddenStates);
    function.finish(norm(function, residual, "norm"), {"output"});
    return;
  }
  }
}

void GraphBuilder::buildPositions() {
  FunctionBuilder function(module, prefix + "_positions");
  OpBuilder &builder = function.getBuilder();
  Value embeddings = function.argument("embeddings", tokens({spec.hiddenSize}));
  Value table = function.argument(
      "position_table",
      RankedTensorType::get({spec.learnedPositions->tableRows, spec.hiddenSize},
                            spec.elementType));
  Value positions = function.argument(
      "positions", RankedTensorType::get({ShapedType::kDynamic},
                                         builder.getIntegerType(64)));
  function.finish(
      LearnedPeOp::create(
          builder, function.loc("positioned", spec.learnedPositions->location),
          embeddings, table, positions)
          .getResult(),
      {"output"});
}

StringRef partName(Part part) {
  switch (part) {
  case Part::qk:
    return "qk";
  case Part::mlp:
    return "mlp";
  case Part::positions:
    return "positions";
  }
  llvm_unreachable("unknown part");
}

} // namespace

SmallVector<Part> mlir::xfuse::import::availableParts(const ModelSpec &spec) {
  SmallVector<Part> parts;
  if (spec.learnedPositions)
    parts.push_back(Part::positions);
  if (spec.attention)
    parts.push_back(Part::qk);
  parts.push_back(Part::mlp);
  return parts;
}

LogicalResult mlir::xfuse::import::buildGraph(ModuleOp module,
                                              const ModelSpec &spec,
                                              ArrayRef<Part> parts,
                                              StringRef prefix) {
  SmallVector<Part> available = availableParts(spec);
  for (Part part : parts)
    if (!llvm::is_contained(available, part))
      return emitError(module.getLoc())
             << "model_type '" << spec.modelType << "' has no '"
             << partName(part) << "' part; it has: "
             << llvm::join(llvm::map_range(available, partName), ", ");
  GraphBuilder builder(module, spec, prefix);
  for (Part part : parts) {
    switch (part) {
    case Part::qk:
      builder.buildQk();
      break;
    case Part::mlp:
      builder.buildMlp();
      break;
    case Part::positions:
      builder.buildPositions();
      break;
    }
  }
  return success();
}

void mlir::xfuse::import::shrinkModel(ModelSpec &spec, int64_t divisor) {
  auto size = [&](int64_t extent) {
    return static_cast<int64_t>(
        llvm::alignTo(llvm::divideCeil(extent, divisor), 16));
  };
  auto count = [&](int64_t heads) { return llvm::divideCeil(heads, divisor); };
  spec.hiddenSize = size(spec.hiddenSize);
  spec.mlp.intermediateSize = size(spec.mlp.intermediateSize);
  if (spec.attention) {
    spec.attention->queryHeads = count(spec.attention->queryHeads);
    spec.attention->keyHeads = count(spec.attention->keyHeads);
  }
}
