//===- PointwiseEmitter.cpp - xkernel.pointwise to RowChain launches ------===//
//
// An xkernel.pointwise is a chain of ops, each reading the previous one's
// result, with reshapes between them. The chain becomes one launch of a
// RowChain (cuda/device/RowChain.h), one stage per op (a RoPE too), over
// rows of the length its ops share (kernel::pointwiseRowLength); reshapes
// are views of the same memory. Frequencies known at compile time are
// emitted as __device__ tables.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "dialect/Frequencies.h"
#include "dialect/XFuseOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

#include <limits>
#include <vector>

namespace mlir::xfuse::codegen {
namespace {

/// One op of a pointwise chain, which of its operands carries the chain's
/// value (the previous op's result; operand 0 for the first op), and the
/// view of memory that operand has (its shape through the reshapes).
struct ChainLink {
  Operation *op;
  unsigned chainOperand;
  Buffer view;
};

} // namespace

/// The view of `source`'s memory as the result of `reshape`: its dynamic
/// sizes from the source's, through the reassociation.
static Buffer reshapedView(const Buffer &source, Operation *reshape) {
  Buffer view = source;
  view.type = cast<RankedTensorType>(reshape->getResult(0).getType());
  view.dims.clear();
  auto collapse = dyn_cast<tensor::CollapseShapeOp>(reshape);
  SmallVector<ReassociationIndices> groups =
      collapse ? collapse.getReassociationIndices()
               : cast<tensor::ExpandShapeOp>(reshape).getReassociationIndices();
  ArrayRef<int64_t> shape = view.type.getShape();
  for (auto [sourceDim, group] : llvm::enumerate(groups)) {
    if (collapse) {
      SmallVector<Dim> parts;
      for (int64_t d : group)
        parts.push_back(source.dims[d]);
      const std::string product = productText(parts);
      bool dynamic = llvm::any_of(parts, [](const Dim &d) {
        return !d.isStatic();
      });
      view.dims.push_back(dynamic ? Dim{product, fmt::format("{} of {}",
                                                             product,
                                                             source.name)}
                                  : Dim{product, ""});
      continue;
    }
    // An expanded group has at most one dynamic size: the source's size
    // over the static ones.
    int64_t staticPart = 1;
    for (int64_t d : group)
      if (!ShapedType::isDynamic(shape[d]))
        staticPart *= shape[d];
    for (int64_t d : group) {
      if (!ShapedType::isDynamic(shape[d])) {
        view.dims.push_back(Dim::constant(shape[d]));
        continue;
      }
      const Dim &whole = source.dims[sourceDim];
      view.dims.push_back(
          staticPart == 1
              ? whole
              : Dim{fmt::format("({} / {})", whole.expr, staticPart),
                    whole.what});
    }
  }
  return view;
}

/// The chain of the xfuse ops of `op`, each with the view of memory its
/// chain operand has. A reshape of a kernel input is bound in `scope` to
/// that input's memory, so that an op may read it as its other operand; a
/// reshape of the chain's value changes the view of the chain.
static FailureOr<SmallVector<ChainLink>>
analyzePointwise(kernel::PointwiseOp op, FunctionScope &scope) {
  // --xfuse-form-kernels grows a pointwise kernel along single-use values,
  // so its body is one chain: each op reads the previous op's result, and
  // everything else comes from the kernel's inputs.
  SmallVector<ChainLink> links;
  Value chain;
  std::optional<Buffer> chainView;
  for (Operation &inner : computeOps(op.getBodyBlock())) {
    if (kernel::isReshape(&inner)) {
      Value source = inner.getOperand(0);
      if (chain && source == chain) {
        chainView = reshapedView(*chainView, &inner);
        chain = inner.getResult(0);
        continue;
      }
      FailureOr<Buffer> memory = scope.lookup(source, &inner);
      if (failed(memory))
        return failure();
      scope.buffers[inner.getResult(0)] = reshapedView(*memory, &inner);
      if (!chain) {
        chain = inner.getResult(0);
        chainView = scope.buffers[chain];
      }
      continue;
    }
    unsigned position = 0;
    if (chain) {
      auto it = llvm::find(inner.getOperands(), chain);
      if (it == inner.getOperands().end())
        return inner.emitError("cannot emit '")
               << inner.getName() << "' in an xkernel.pointwise: it does "
               << "not read the result of the op before it";
      position = std::distance(inner.getOperands().begin(), it);
    } else {
      FailureOr<Buffer> memory = scope.lookup(inner.getOperand(0), &inner);
      if (failed(memory))
        return failure();
      chainView = *memory;
    }
    if (position != 0 && !isa<AddOp, GateOp>(inner))
      return inner.emitError("cannot emit '")
             << inner.getName() << "' with operand #" << position
             << " computed in the kernel: the device blocks read it from "
             << "memory";
    links.push_back({&inner, position, *chainView});
    // The result keeps the operand's shape.
    chainView->type = cast<RankedTensorType>(inner.getResult(0).getType());
    chain = inner.getResult(0);
  }
  auto yield = cast<kernel::YieldOp>(op.getBodyBlock().getTerminator());
  if (!chain || yield.getValues().size() != 1 || yield.getValues()[0] != chain)
    return yield.emitError("cannot emit an xkernel.pointwise that does not "
                           "yield the end of its chain of ops");
  return links;
}

//===----------------------------------------------------------------------===//
// Positions and frequencies
//===----------------------------------------------------------------------===//

/// The device::TokenPositions of the tokens of `input` (whose last
/// `trailing` dimensions are features) and, in `posType`, the C++ type of a
/// position: the `positions` tensor, or each token's index along the
/// sequence dimension when there is none.
static std::string positionsText(Operation *op, Value positions,
                                 const Buffer &input, unsigned trailing,
                                 FunctionScope &scope, std::string &posType) {
  if (!positions) {
    posType = "std::int32_t";
    // Without positions a token's position is its index along the
    // sequence dimension, the one before the `trailing` feature dims.
    unsigned rank = input.dims.size();
    std::string seq = rank > trailing ? input.dims[rank - trailing - 1].expr
                                      : std::string("1");
    return fmt::format("device::TokenPositions<{}>{{nullptr, {}}}", posType,
                       seq);
  }
  Buffer buffer = *scope.lookup(positions, op);
  posType = *cppElementType(buffer.elementType());
  scope.requireLeadingDims(buffer, input, buffer.dims.size());
  return fmt::format("device::TokenPositions<{}>{{{}, 1}}", posType,
                     pointerText(buffer));
}

/// Frequency tables are printed into the source, one line per entry; a bound
/// keeps the .cu, and compiling it, finite: 2^16 entries take encodings of
/// 2^17 features and any RoPE head.
static LogicalResult checkFrequencyTableSize(Operation *op, int64_t entries) {
  constexpr int64_t maxEntries = int64_t{1} << 16;
  if (entries <= maxEntries)
    return success();
  return op->emitError("cannot emit a table of ")
         << entries << " frequencies: the emitter prints at most "
         << maxEntries;
}

/// Adds a __device__ table of `freqs` (`what` of `op`) to the function's
/// tables; returns its name.
static std::string addFrequencyTable(Operation *op, ArrayRef<double> freqs,
                                     StringRef what, FunctionScope &scope) {
  std::string name = fmt::format("{}_frequencies{}", scope.sig.name,
                                 scope.tableCount++);
  llvm::raw_string_ostream tables(scope.tables);
  tables << fmt::format("// {} of {} at {}, computed in double and\n"
                        "// split into {{hi, lo}} f32 pairs "
                        "(device::sincosOfProduct).\n",
                        what.str(), op->getName().getStringRef().str(),
                        locationText(op->getLoc()));
  tables << fmt::format("__device__ const float2 {}[{}] = {{\n", name,
                        freqs.size());
  for (auto [i, f] : llvm::enumerate(freqs)) {
    const float hi = static_cast<float>(f);
    const float lo = static_cast<float>(f - hi);
    tables << fmt::format("    {{{}, {}}}, // [{}] {:.17g}\n",
                          hexFloatLiteral(hi), hexFloatLiteral(lo), i, f);
  }
  tables << "};\n\n";
  return name;
}

/// The rows of `buffer` seen as rows of `rowLength` elements.
static std::string rowsOf(const Buffer &buffer, int64_t rowLength) {
  // Trailing static dimensions that make up whole rows leave the leading
  // ones as the row count.
  int64_t trailing = 1;
  for (size_t d = buffer.dims.size(); d > 0; --d) {
    if (trailing == rowLength)
      return productText(ArrayRef<Dim>(buffer.dims).take_front(d));
    const Dim &dim = buffer.dims[d - 1];
    if (!dim.isStatic())
      break;
    trailing *= std::stoll(dim.expr);
  }
  if (trailing == rowLength)
    return "1";
  return fmt::format("({}) / {}", productText(buffer.dims), rowLength);
}

/// The device::MultimodalPositions of a multimodal `rope` rotating `heads`,
/// its three rows of positions one per token of `heads`; `positionsType`
/// receives its C++ type.
static std::string multimodalPositionsText(RopeOp rope, const Buffer &heads,
                                           FunctionScope &scope,
                                           std::string &positionsType) {
  Buffer buffer = *scope.lookup(rope.getPositions(), rope);
  // Rows [3, tokens...]: the token dimensions follow the row dimension.
  Buffer tokens = buffer;
  tokens.dims.erase(tokens.dims.begin());
  scope.requireLeadingDims(tokens, heads, tokens.dims.size());
  ArrayRef<int64_t> section = *rope.getMropeSection();
  positionsType = fmt::format(
      "device::MultimodalPositions<{}, {}, {}, {}, {}>",
      *cppElementType(buffer.elementType()), section[0], section[1],
      section[2], rope.getMropeInterleaved() ? "true" : "false");
  return fmt::format("{}{{{}, {}}}", positionsType, pointerText(buffer),
                     rowsText(heads, 2));
}

/// Declares the table that a one-block launch writes with this call's
/// frequencies (the per-call scalings: dynamic NTK, LongRoPE), named
/// `operands.frequencies`; returns where the launch goes.
static raw_indented_ostream &declarePerCallFrequencies(
    const RopeOperands &operands, StringRef why, FunctionScope &scope) {
  std::string scratch = scope.addScratch(
      fmt::format("{} * sizeof(float2)", operands.rotaryDim / 2));
  raw_indented_ostream &os = scope.launches();
  os << "// " << why << "\n";
  os << fmt::format("float2 *const {} = static_cast<float2 *>({});\n",
                    operands.frequencies, scratch);
  return os;
}

/// The address of the __device__ frequency table `table`, as `name`.
static void emitTableAddress(StringRef name, StringRef table,
                             FunctionScope &scope) {
  scope.launches() << fmt::format(
      "XFUSE_ASSIGN_OR_RETURN(const float2 *{}, deviceAddress({}));\n",
      name.str(), table.str());
}

FailureOr<RopeOperands> emitRopeOperands(RopeOp rope, const Buffer &heads,
                                         FunctionScope &scope) {
  RopeOperands operands;
  operands.headDim = heads.lastDim();
  operands.rotaryDim = rope.getRotaryDim().value_or(operands.headDim);
  operands.style = rope.getStyle() == RopeStyle::gptj
                       ? "device::RopeStyle::kGptj"
                       : "device::RopeStyle::kNeox";
  Attribute scaling = rope.getScaling().value_or(Attribute());
  double theta = rope.getTheta().convertToDouble();
  if (failed(checkFrequencyTableSize(rope, operands.rotaryDim / 2)))
    return failure();
  RopeFrequencies freqs =
      computeRopeFrequencies(theta, operands.rotaryDim, scaling);
  operands.attnFactor = floatLiteral(freqs.attentionFactor);
  // Without positions every row of multimodal positions is the sequence
  // index: a plain rope.
  if (rope.getMropeSection() && rope.getPositions())
    operands.positions =
        multimodalPositionsText(rope, heads, scope, operands.posType);
  else
    operands.positions = positionsText(rope, rope.getPositions(), heads, 2,
                                       scope, operands.posType);
  operands.frequencies = "ropeFrequencies";
  auto describe = [&](StringRef what) {
    return fmt::format("{} (theta {}, rotary dim {}{})", what.str(), theta,
                       operands.rotaryDim, scaling ? ", scaled" : "");
  };
  if (auto ntk = dyn_cast_if_present<DynamicNtkScalingAttr>(scaling)) {
    // The base depends on the largest position of the call, which is on
    // the device: a one-block kernel writes the table into scratch.
    declarePerCallFrequencies(
        operands,
        "Dynamic NTK scaling: the frequencies follow this call's largest "
        "position.",
        scope)
        << fmt::format(
               "XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(\n"
               "    device::DynamicNtkFrequencies<{}>{{\n        {}, {},\n"
               "        {}, {}, {}, {}, {}}},\n    stream));\n",
               operands.posType, operands.positions, rowsText(heads, 2),
               doubleLiteral(theta),
               doubleLiteral(ntk.getFactor().convertToDouble()),
               doubleLiteral(
                   static_cast<double>(ntk.getOriginalMaxPosition())),
               operands.rotaryDim, operands.frequencies);
    return operands;
  }
  if (auto longRope = dyn_cast_if_present<LongRopeScalingAttr>(scaling)) {
    // Both factor sets' tables are constants; a one-block kernel copies the
    // one this call's largest position selects.
    for (bool useLong : {false, true})
      emitTableAddress(
          useLong ? "longFrequencies" : "shortFrequencies",
          addFrequencyTable(rope,
                            longRopeFrequencies(theta, operands.rotaryDim,
                                                longRope, useLong)
                                .inverseFrequencies,
                            describe(useLong ? "LongRoPE long-factor inv_freq"
                                             : "LongRoPE short-factor "
                                               "inv_freq"),
                            scope),
          scope);
    declarePerCallFrequencies(
        operands,
        "LongRoPE: this call's largest position selects the factor set.",
        scope)
        << fmt::format(
               "XFUSE_CUDA_TRY(device::launchLongRopeFrequencies(\n"
               "    device::LongRopeFrequencies<{}>{{\n        {}, {},\n"
               "        {}, shortFrequencies, longFrequencies, {}, {}}},\n"
               "    stream));\n",
               operands.posType, operands.positions, rowsText(heads, 2),
               doubleLiteral(
                   static_cast<double>(longRope.getOriginalMaxPosition())),
               operands.rotaryDim, operands.frequencies);
    return operands;
  }
  std::string table = addFrequencyTable(
      rope, freqs.inverseFrequencies, describe("RoPE inv_freq"), scope);
  emitTableAddress(operands.frequencies, table, scope);
  return operands;
}

//===----------------------------------------------------------------------===//
// RowChain stages
//===----------------------------------------------------------------------===//

/// The device::SinusoidalLayout enumerator of `layout`.
static StringRef sinusoidalLayout(PeLayout layout) {
  switch (layout) {
  case PeLayout::interleaved:
    return "device::SinusoidalLayout::kInterleaved";
  case PeLayout::half:
    return "device::SinusoidalLayout::kHalf";
  case PeLayout::fairseq:
    return "device::SinusoidalLayout::kFairseq";
  }
  llvm_unreachable("unknown sinusoidal layout");
}

FailureOr<SinusoidalTable> addSinusoidalTable(SinusoidalPeOp pe, int64_t dim,
                                              FunctionScope &scope) {
  if (failed(checkFrequencyTableSize(pe, dim / 2)))
    return failure();
  double base = pe.getBase().convertToDouble();
  std::string formula = pe.getLayout() == PeLayout::fairseq
                            ? fmt::format("base^(-i/{})", dim / 2 - 1)
                            : fmt::format("base^(-2i/{})", dim);
  return SinusoidalTable{
      addFrequencyTable(pe, sinusoidalFrequencies(base, dim, pe.getLayout()),
                        fmt::format("{} for base {}", formula, base), scope),
      sinusoidalLayout(pe.getLayout()).str()};
}

/// The RowChain stage of `link`, stage number `index` of a chain over rows
/// of `rowLength` features.
static FailureOr<std::string> chainStage(const ChainLink &link,
                                         int64_t rowLength, int index,
                                         FunctionScope &scope) {
  Operation *op = link.op;
  const Buffer &chain = link.view;
  const std::string T = *cppElementType(chain.elementType());
  // The operand of a binary op that is not the chain's value.
  auto other = [&]() {
    return scope.lookup(op->getOperand(1 - link.chainOperand), op);
  };
  return TypeSwitch<Operation *, FailureOr<std::string>>(op)
      .Case<ActivationOp>([&](ActivationOp act) -> FailureOr<std::string> {
        return fmt::format("device::ActivationStage<{}>{{}}",
                           deviceActivation(act.getKind()));
      })
      .Case<AddOp>([&](AddOp) -> FailureOr<std::string> {
        FailureOr<Buffer> addend = other();
        if (failed(addend))
          return failure();
        // Broadcast over the leading dimensions the addend lacks: its
        // dimensions match the chain's last ones.
        size_t rank = addend->dims.size(), offset = chain.dims.size() - rank;
        for (size_t d = 0; d < rank; ++d)
          scope.requireSameSize(addend->dims[d], chain.dims[offset + d]);
        return fmt::format("device::AddStage<{}>{{{}, {}, {}}}", T,
                           pointerText(*addend),
                           rank == 0 ? "0" : rowsOf(*addend, rowLength),
                           rowLength);
      })
      .Case<GateOp>([&](GateOp gate) -> FailureOr<std::string> {
        FailureOr<Buffer> operand = other();
        if (failed(operand))
          return failure();
        scope.requireLeadingDims(*operand, chain, chain.dims.size());
        Functor gating = deviceGating(gate.getActivation());
        return fmt::format("device::GateStage<{}, {}, {}>{{{}, {}, {}}}", T,
                           gating.type,
                           link.chainOperand == 0 ? "true" : "false",
                           pointerText(*operand), rowLength, gating.value);
      })
      .Case<SinusoidalPeOp>([&](SinusoidalPeOp pe) -> FailureOr<std::string> {
        const int64_t dim = chain.lastDim();
        FailureOr<SinusoidalTable> table = addSinusoidalTable(pe, dim, scope);
        if (failed(table))
          return failure();
        std::string posType;
        std::string positions =
            positionsText(op, pe.getPositions(), chain, 1, scope, posType);
        emitTableAddress(fmt::format("frequencies{}", index), table->name,
                         scope);
        return fmt::format(
            "device::SinusoidalStage<{}, {}, {}>{{\n        frequencies{}, "
            "{}, {}}}",
            dim, table->layout, posType, index, positions,
            floatLiteral(pe.getScale().convertToDouble()));
      })
      .Case<LearnedPeOp>([&](LearnedPeOp pe) -> FailureOr<std::string> {
        FailureOr<Buffer> table = scope.lookup(pe.getTable(), op);
        if (failed(table))
          return failure();
        if (table->type.getRank() != 2 || !table->type.hasStaticShape())
          return pe.emitError("cannot emit a learned PE table that is not a "
                              "static [rows, d] tensor");
        std::string posType;
        std::string positions =
            positionsText(op, pe.getPositions(), chain, 1, scope, posType);
        return fmt::format(
            "device::LearnedStage<{}, {}, {}, {}>{{\n        {}, {}}}", T,
            chain.lastDim(), table->type.getDimSize(0), posType,
            pointerText(*table), positions);
      })
      .Case<RopeOp>([&](RopeOp rope) -> FailureOr<std::string> {
        FailureOr<RopeOperands> operands =
            emitRopeOperands(rope, chain, scope);
        if (failed(operands))
          return failure();
        const int64_t heads = chain.type.getShape()[chain.type.getRank() - 2];
        return fmt::format(
            "device::RopeStage<{}, {}, {}, {}, {}>{{\n        {}, {}, {}}}",
            heads, operands->headDim, operands->rotaryDim, operands->style,
            operands->posType, operands->frequencies, operands->attnFactor,
            operands->positions);
      })
      .Case<RmsNormOp, LayerNormOp>([&](auto norm) -> FailureOr<std::string> {
        FailureOr<Buffer> weight = scope.lookup(norm.getWeight(), op);
        if (failed(weight))
          return failure();
        std::string bias = "nullptr";
        // NormStage's weightOffset is 0 unless given.
        std::string weightOffset;
        if constexpr (std::is_same_v<decltype(norm), RmsNormOp>) {
          double offset = norm.getWeightOffset().convertToDouble();
          if (offset != 0.0)
            weightOffset = ", " + floatLiteral(offset);
        }
        if constexpr (std::is_same_v<decltype(norm), LayerNormOp>) {
          if (norm.getBias()) {
            FailureOr<Buffer> b = scope.lookup(norm.getBias(), op);
            if (failed(b))
              return failure();
            bias = pointerText(*b);
          }
        }
        return fmt::format(
            "device::NormStage<{}, {}, {}>{{\n        {}, {}, {}{}}}", T,
            chain.lastDim(),
            std::is_same_v<decltype(norm), RmsNormOp>
                ? "device::NormKind::kRms"
                : "device::NormKind::kLayer",
            pointerText(*weight), bias,
            floatLiteral(norm.getEpsilon().convertToDouble()), weightOffset);
      })
      .Default([&](Operation *other) -> FailureOr<std::string> {
        return other->emitError("cannot emit '")
               << other->getName() << "' yet: no device building block "
               << "runs it";
      });
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

LogicalResult emitPointwise(kernel::PointwiseOp op, const Buffer &result,
                            FunctionScope &scope) {
  kernel::PointwisePlanAttr plan = op.getPlanAttr();
  if (!plan)
    return op.emitError("cannot emit an xkernel.pointwise without a plan; "
                        "run xfuse-opt --xfuse-pipeline first");
  auto ops = computeOps(op.getBodyBlock());
  if (ops.begin() == ops.end())
    return op.emitError("cannot emit an xkernel.pointwise without ops");
  FailureOr<Buffer> in = scope.lookup(ops.begin()->getOperand(0), op);
  if (failed(in))
    return failure();
  FailureOr<SmallVector<ChainLink>> links = analyzePointwise(op, scope);
  if (failed(links))
    return failure();
  if (in->elementType() != result.elementType())
    return op.emitError("cannot emit an xkernel.pointwise whose result type "
                        "differs from its input's");
  // The row length its ops share (the verifier checked they agree); a
  // chain of elementwise ops or reshapes alone runs over the result's rows.
  int64_t rowLength = result.lastDim();
  for (const ChainLink &link : *links)
    if (std::optional<int64_t> length = kernel::pointwiseRowLength(link.op))
      rowLength = *length;
  // Only elementwise ops take a dynamic last dimension, or one past
  // RowChain's int row length (--xfuse-plan-launch rejects the others): they
  // run over rows of one element.
  if (ShapedType::isDynamic(rowLength) ||
      rowLength > std::numeric_limits<int>::max())
    rowLength = 1;
  const bool reducesRows = llvm::any_of(*links, [](const ChainLink &link) {
    return isa<RmsNormOp, LayerNormOp>(link.op);
  });
  const int64_t threads = plan.getThreads();
  SmallVector<std::string> stages;
  for (auto [i, link] : llvm::enumerate(*links)) {
    FailureOr<std::string> stage =
        chainStage(link, rowLength, static_cast<int>(i), scope);
    if (failed(stage))
      return failure();
    stages.push_back(*stage);
  }
  raw_indented_ostream &os = scope.launches();
  os << fmt::format("const auto op = device::makeRowChain<{}, {}>(\n    {},"
                    "\n    {},\n    {}",
                    *cppElementType(in->elementType()), rowLength,
                    pointerText(*in), pointerText(result, /*writable=*/true),
                    rowsOf(*in, rowLength));
  for (const std::string &stage : stages)
    os << ",\n    " << stage;
  os << ");\n";
  if (reducesRows)
    os << fmt::format("// A norm reduces whole rows: one block of {} threads "
                      "per row.\nXFUSE_CUDA_TRY(device::launchRowChain<{}>(op, "
                      "stream));\n",
                      threads, threads);
  else
    os << "XFUSE_CUDA_TRY(device::launchElementwise(op, stream));\n";
  return success();
}

} // namespace mlir::xfuse::codegen
