//===- PointwiseEmitter.cpp - xkernel.pointwise to RowChain launches ------===//
//
// An xkernel.pointwise is a chain of ops, each reading the previous one's
// result. The chain becomes one launch of a RowChain (cuda/device/
// RowChain.h), one stage per op; RoPE runs as a launch of its own
// (cuda/device/RoPE.h) and splits the chain around it. Frequencies known at
// compile time are emitted as __device__ tables.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "dialect/RopeFrequencies.h"
#include "dialect/XFuseOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace mlir::xfuse::codegen {
namespace {

/// One op of a pointwise chain, and which of its operands carries the
/// chain's value (the previous op's result; operand 0 for the first op).
struct ChainLink {
  Operation *op;
  unsigned chainOperand;
};

} // namespace

static FailureOr<SmallVector<ChainLink>>
analyzePointwise(kernel::PointwiseOp op, const Buffer &result) {
  // --xfuse-form-kernels grows a pointwise kernel along single-use values,
  // so its body is one chain: each op reads the previous op's result, and
  // everything else comes from the kernel's inputs.
  SmallVector<ChainLink> links;
  Value chain;
  for (Operation &inner : computeOps(op.getBodyBlock())) {
    unsigned position = 0;
    if (chain) {
      auto it = llvm::find(inner.getOperands(), chain);
      if (it == inner.getOperands().end())
        return inner.emitError("cannot emit '")
               << inner.getName() << "' in an xkernel.pointwise: it does "
               << "not read the result of the op before it";
      position = std::distance(inner.getOperands().begin(), it);
    }
    if (position != 0 && !isa<AddOp, GateOp>(inner))
      return inner.emitError("cannot emit '")
             << inner.getName() << "' with operand #" << position
             << " computed in the kernel: the device blocks read it from "
             << "memory";
    if (cast<RankedTensorType>(inner.getOperand(position).getType())
            .getShape() != result.type.getShape())
      return inner.emitError("cannot emit '")
             << inner.getName() << "' on a value that is broadcast to the "
             << "kernel's result: the chain runs over the result's rows";
    links.push_back({&inner, position});
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

//===----------------------------------------------------------------------===//
// RowChain stages
//===----------------------------------------------------------------------===//

/// The RowChain stage of `link`, stage number `index` of a chain over the
/// rows of `chain`.
static FailureOr<std::string> chainStage(ChainLink link, const Buffer &chain,
                                         int index, FunctionScope &scope) {
  Operation *op = link.op;
  const std::string T = *cppElementType(chain.elementType());
  const int64_t dim = chain.lastDim();
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
                           rank == 0 ? "0" : rowsText(*addend), dim);
      })
      .Case<GateOp>([&](GateOp gate) -> FailureOr<std::string> {
        FailureOr<Buffer> operand = other();
        if (failed(operand))
          return failure();
        scope.requireLeadingDims(*operand, chain, chain.dims.size() - 1);
        return fmt::format("device::GateStage<{}, {}, {}>{{{}, {}}}", T,
                           deviceActivation(gate.getActivation()),
                           link.chainOperand == 0 ? "true" : "false",
                           pointerText(*operand), dim);
      })
      .Case<SinusoidalPeOp>([&](SinusoidalPeOp pe) -> FailureOr<std::string> {
        double base = pe.getBase().convertToDouble();
        std::vector<double> freqs(dim / 2);
        for (int64_t i = 0; i < dim / 2; ++i)
          freqs[i] = std::pow(base, -2.0 * i / dim);
        std::string table = addFrequencyTable(
            op, freqs, fmt::format("base^(-2i/{}) for base {}", dim, base),
            scope);
        std::string posType;
        std::string positions =
            positionsText(op, pe.getPositions(), chain, 1, scope, posType);
        scope.launches() << fmt::format(
            "XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies{}, "
            "deviceAddress({}));\n",
            index, table);
        return fmt::format(
            "device::SinusoidalStage<{}, {}, {}>{{\n        frequencies{}, "
            "{}, {}}}",
            dim,
            pe.getLayout() == PeLayout::half
                ? "device::SinusoidalLayout::kHalf"
                : "device::SinusoidalLayout::kInterleaved",
            posType, index, positions,
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
            dim, table->type.getDimSize(0), posType, pointerText(*table),
            positions);
      })
      .Case<RmsNormOp, LayerNormOp>([&](auto norm) -> FailureOr<std::string> {
        FailureOr<Buffer> weight = scope.lookup(norm.getWeight(), op);
        if (failed(weight))
          return failure();
        std::string bias = "nullptr";
        if constexpr (std::is_same_v<decltype(norm), LayerNormOp>) {
          if (norm.getBias()) {
            FailureOr<Buffer> b = scope.lookup(norm.getBias(), op);
            if (failed(b))
              return failure();
            bias = pointerText(*b);
          }
        }
        return fmt::format(
            "device::NormStage<{}, {}, {}>{{\n        {}, {}, {}}}", T, dim,
            std::is_same_v<decltype(norm), RmsNormOp>
                ? "device::NormKind::kRms"
                : "device::NormKind::kLayer",
            pointerText(*weight), bias,
            floatLiteral(norm.getEpsilon().convertToDouble()));
      })
      .Default([&](Operation *other) -> FailureOr<std::string> {
        return other->emitError("cannot emit '")
               << other->getName() << "' yet: no device building block "
               << "runs it";
      });
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

/// One RowChain launch of `links` from `in` to `out`; a chain with a norm
/// runs one block of `threads` per row.
static LogicalResult emitChain(ArrayRef<ChainLink> links, const Buffer &in,
                               const Buffer &out, int64_t threads,
                               FunctionScope &scope) {
  Operation *first = links.front().op;
  if (in.elementType() != out.elementType())
    return first->emitError("cannot emit '")
           << first->getName() << "' with a result type other than its "
           << "input's";
  const bool reducesRows = llvm::any_of(links, [](ChainLink link) {
    return isa<RmsNormOp, LayerNormOp>(link.op);
  });
  if (reducesRows && (threads <= 0 || threads % 32 || threads > 1024))
    return first->emitError("cannot emit a norm outside an "
                            "xkernel.pointwise planned with whole warps");
  SmallVector<std::string> stages;
  for (auto [i, link] : llvm::enumerate(links)) {
    FailureOr<std::string> stage =
        chainStage(link, in, static_cast<int>(i), scope);
    if (failed(stage))
      return failure();
    stages.push_back(*stage);
  }
  raw_indented_ostream &os = scope.launches();
  os << fmt::format("const auto op = device::makeRowChain<{}, {}>(\n    {},"
                    "\n    {},\n    {}",
                    *cppElementType(in.elementType()), in.lastDim(),
                    pointerText(in), pointerText(out, /*writable=*/true),
                    rowsText(in));
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

/// One RoPE launch from `in` to `out`, after the launch that computes its
/// frequencies when they depend on the call (dynamic NTK).
static LogicalResult emitRope(RopeOp rope, const Buffer &in, const Buffer &out,
                              FunctionScope &scope) {
  if (in.elementType() != out.elementType())
    return rope.emitError("cannot emit 'xfuse.rope' with a result type "
                          "other than its input's");
  if (in.type.getRank() < 3)
    return rope.emitError("cannot emit RoPE on a tensor without a "
                          "[heads, head_dim] suffix");
  const std::string T = *cppElementType(in.elementType());
  int64_t headDim = in.lastDim();
  int64_t heads = in.type.getShape()[in.type.getRank() - 2];
  int64_t rotaryDim = rope.getRotaryDim().value_or(headDim);
  Attribute scaling = rope.getScaling().value_or(Attribute());
  double theta = rope.getTheta().convertToDouble();
  RopeFrequencies freqs = computeRopeFrequencies(theta, rotaryDim, scaling);
  std::string posType;
  std::string positions =
      positionsText(rope, rope.getPositions(), in, 2, scope, posType);
  std::string tokens = rowsText(in, 2);
  raw_indented_ostream &os = scope.launches();
  if (auto ntk = dyn_cast_if_present<DynamicNtkScalingAttr>(scaling)) {
    // The base depends on the largest position of the call, which is on
    // the device: a one-block kernel writes the table into scratch.
    std::string scratch =
        scope.addScratch(fmt::format("{} * sizeof(float2)", rotaryDim / 2));
    os << "// Dynamic NTK scaling: the frequencies follow this call's "
          "largest position.\n";
    os << fmt::format("float2 *const frequencies = static_cast<float2 *>({});"
                      "\n",
                      scratch);
    os << fmt::format(
        "XFUSE_CUDA_TRY(device::launchDynamicNtkFrequencies(\n"
        "    device::DynamicNtkFrequencies<{}>{{\n        {}, {},\n"
        "        {}, {}, {}, {}, frequencies}},\n    stream));\n",
        posType, positions, tokens, doubleLiteral(theta),
        doubleLiteral(ntk.getFactor().convertToDouble()),
        doubleLiteral(static_cast<double>(ntk.getOriginalMaxPosition())),
        rotaryDim);
  } else {
    std::string table = addFrequencyTable(
        rope, freqs.inverseFrequencies,
        fmt::format("RoPE inv_freq (theta {}, rotary dim {}{})", theta,
                    rotaryDim, scaling ? ", scaled" : ""),
        scope);
    os << fmt::format("XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies, "
                      "deviceAddress({}));\n",
                      table);
  }
  os << fmt::format(
      "const device::RoPE<{}, {}, {}, {}, {}, {}> op{{\n    {},\n    "
      "{},\n    frequencies, {}, {}, {}}};\n",
      T, heads, headDim, rotaryDim,
      rope.getStyle() == RopeStyle::gptj ? "device::RopeStyle::kGptj"
                                         : "device::RopeStyle::kNeox",
      posType, pointerText(in), pointerText(out, /*writable=*/true),
      floatLiteral(freqs.attentionFactor), positions, tokens);
  os << "XFUSE_CUDA_TRY(device::launchElementwise(op, stream));\n";
  return success();
}

/// The launch of `links`: a RoPE alone, or a RowChain.
static LogicalResult emitLaunch(ArrayRef<ChainLink> links, const Buffer &in,
                                const Buffer &out, int64_t threads,
                                FunctionScope &scope) {
  if (auto rope = dyn_cast<RopeOp>(links.front().op))
    return emitRope(rope, in, out, scope);
  return emitChain(links, in, out, threads, scope);
}

/// emitLaunch in a C++ block of its own, so that the launches of one
/// kernel may declare the same names.
static LogicalResult emitScopedLaunch(ArrayRef<ChainLink> links,
                                      const Buffer &in, const Buffer &out,
                                      int64_t threads, FunctionScope &scope) {
  raw_indented_ostream &os = scope.launches();
  os << "{\n";
  os.indent();
  LogicalResult emitted = emitLaunch(links, in, out, threads, scope);
  os.unindent();
  os << "}\n";
  return emitted;
}

LogicalResult emitUnfusedOp(Operation *op, const Buffer &in, const Buffer &out,
                            FunctionScope &scope) {
  // A positional encoding or a RoPE: no norm, so no threads per row.
  return emitScopedLaunch(ChainLink{op, 0}, in, out, /*threads=*/0, scope);
}

LogicalResult emitPointwise(kernel::PointwiseOp op, const Buffer &result,
                            FunctionScope &scope) {
  if (!op.getPlan())
    return op.emitError("cannot emit an xkernel.pointwise without a plan; "
                        "run xfuse-opt --xfuse-pipeline first");
  FailureOr<SmallVector<ChainLink>> links = analyzePointwise(op, result);
  if (failed(links))
    return failure();
  FailureOr<Buffer> in = scope.lookup(links->front().op->getOperand(0), op);
  if (failed(in))
    return failure();
  // RoPE pairs features that different threads of a RowChain hold, so it
  // runs as its own launch and splits the chain around it.
  SmallVector<SmallVector<ChainLink>> parts;
  for (ChainLink link : *links) {
    if (parts.empty() || isa<RopeOp>(link.op) ||
        isa<RopeOp>(parts.back().front().op))
      parts.emplace_back();
    parts.back().push_back(link);
  }
  const int64_t threads = op.getPlan()->getThreads();
  if (parts.size() == 1)
    return emitLaunch(parts.front(), *in, result, threads, scope);
  scope.launches() << "// Not fused yet: RoPE runs as its own launch, so "
                      "this kernel is "
                   << parts.size()
                   << " launches,\n// each after the first in place on the "
                      "result.\n";
  const Buffer *source = &*in;
  for (ArrayRef<ChainLink> part : parts) {
    if (failed(emitScopedLaunch(part, *source, result, threads, scope)))
      return failure();
    source = &result;
  }
  return success();
}

} // namespace mlir::xfuse::codegen
