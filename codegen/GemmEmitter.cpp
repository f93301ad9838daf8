//===- GemmEmitter.cpp - xkernel.gemm to a device GEMM launch -------------===//
//
// An xkernel.gemm is one launch of the device GEMM its plan names: the
// Hopper one (cuda/device/Sm90Gemm.h), its swapped-operand form for a few
// tokens (Sm90SwapAbGemm.h), the mma.sync one (Gemm.h) or the f32 one
// (GemmSimt.h). Its body's roles (kernel::GemmRoles: one linear or a
// gate/up pair, an elementwise epilogue, a RoPE of the output) become
// epilogue functors and a row op (EpilogueRope.h), and a positional
// encoding the plan folds into the weight a table its pack helper makes
// (FoldedEncoding.h); the plan gives the tile, warps and split-K, and the
// verifier has checked that the block runs them.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "dialect/XFuseOps.h"

#include <fmt/format.h>

namespace mlir::xfuse::codegen {
namespace {

/// The functor chains of a GEMM epilogue, in body order: on the gate and up
/// products of a gated GEMM before the gate combines them, then on the
/// output.
struct EpilogueChains {
  SmallVector<Functor> gate, up, out;
};

} // namespace

//===----------------------------------------------------------------------===//
// Main loops
//===----------------------------------------------------------------------===//

/// The Sm90GemmTile of an sm_90a plan: the template arguments past the
/// stages only where they differ from the defaults (cooperative, staged
/// stores, no cluster).
static std::string sm90TileType(kernel::GemmPlanAttr plan) {
  const bool pingPong = plan.getSchedule() == kernel::GemmSchedule::ping_pong;
  std::string tail;
  if (plan.getClusterM() > 1)
    tail = fmt::format(", device::Sm90Schedule::{}, device::Sm90Store::kStaged, "
                       "{}",
                       pingPong ? "kPingPong" : "kCooperative",
                       plan.getClusterM());
  else if (pingPong)
    tail = ", device::Sm90Schedule::kPingPong";
  return fmt::format("device::Sm90GemmTile<{}, {}, {}{}>", plan.getTileM(),
                     plan.getTileN(), plan.getStages(), tail);
}

/// Declares `Tile`, the main loop's tile, as the plan states it (the SIMT
/// main loop has one tile, GemmLimits.h).
static void emitTile(kernel::GemmPlanAttr plan, raw_indented_ostream &out) {
  switch (plan.getMainloop()) {
  case kernel::GemmMainloop::tma_wgmma:
    out << "// Main loop: GemmSm90Mainloop (TMA + wgmma), one persistent "
           "block per SM.\n";
    out << "using Tile = " << sm90TileType(plan) << ";\n";
    return;
  case kernel::GemmMainloop::tma_wgmma_swapped:
    out << "// Main loop: the swapped Hopper GEMM (weights as wgmma's A "
           "operand), one block per tile and k-slice.\n";
    out << fmt::format("using Tile = device::Sm90SwapAbTile<{}, {}, {}>;\n",
                       plan.getTileM(), plan.getTileN(), plan.getStages());
    return;
  case kernel::GemmMainloop::mma_sync:
    out << "// Main loop: GemmSm80Mainloop (mma.sync).\n";
    out << fmt::format(
        "using Tile = device::GemmTile<{}, {}, {}, {}, {}, {}>;\n",
        plan.getTileM(), plan.getTileN(), plan.getTileK(), plan.getStages(),
        *plan.getWarpsM(), *plan.getWarpsN());
    return;
  case kernel::GemmMainloop::simt:
    out << "// Main loop: GemmSimt (f32 on the CUDA cores).\n";
    return;
  }
}

//===----------------------------------------------------------------------===//
// Epilogue
//===----------------------------------------------------------------------===//

/// "device::EpilogueChain<types...>".
static std::string chainType(ArrayRef<Functor> chain) {
  std::string types;
  llvm::interleave(
      chain, [&](const Functor &functor) { types += functor.type; },
      [&] { types += ", "; });
  return "device::EpilogueChain<" + types + ">";
}

/// The expression that constructs `chain`, one functor per line.
static std::string chainValue(ArrayRef<Functor> chain) {
  std::string values;
  for (const Functor &functor : chain)
    values += (values.empty() ? "\n    " : ",\n    ") + functor.value;
  return chainType(chain) + "(" + values + ")";
}

/// A BiasAdd of the [n] vector `bias`.
static Functor biasAdd(const Buffer &bias) {
  std::string type = fmt::format("device::BiasAdd<{}>",
                                 *cppElementType(bias.elementType()));
  return {type, type + "{" + pointerText(bias) + "}"};
}

/// The epilogue functors of `roles`, whose product has `n` columns and
/// reads rows of `a`.
static FailureOr<EpilogueChains> epilogueChains(const kernel::GemmRoles &roles,
                                                const Buffer &a, int64_t n,
                                                FunctionScope &scope) {
  EpilogueChains chains;
  auto appendBias = [&](LinearOp linear,
                        SmallVector<Functor> &chain) -> LogicalResult {
    if (!linear.getBias())
      return success();
    FailureOr<Buffer> bias = scope.lookup(linear.getBias(), linear);
    if (failed(bias))
      return failure();
    chain.push_back(biasAdd(*bias));
    return success();
  };
  if (failed(appendBias(roles.products.front(),
                        roles.isGated() ? chains.gate : chains.out)))
    return failure();
  if (roles.isGated() && failed(appendBias(roles.products[1], chains.up)))
    return failure();
  auto outputType =
      cast<RankedTensorType>(LinearOp(roles.products.front()).getType());
  for (const kernel::GemmEpilogueOp &step : roles.epilogue) {
    if (auto act = dyn_cast<ActivationOp>(step.op)) {
      std::string type = fmt::format("device::Activate<{}>",
                                     deviceActivation(act.getKind()));
      chains.out.push_back({type, type + "{}"});
      continue;
    }
    FailureOr<Buffer> addend = scope.lookup(step.addend, step.op);
    if (failed(addend))
      return failure();
    if (addend->type.getShape() == ArrayRef<int64_t>{n}) {
      chains.out.push_back(biasAdd(*addend));
      continue;
    }
    if (addend->type.getShape() != outputType.getShape())
      return step.op->emitError("cannot emit this xfuse.add in a GEMM "
                                "epilogue: the other operand must have the "
                                "output's shape or be a [n] vector");
    scope.requireLeadingDims(*addend, a, addend->type.getRank() - 1);
    std::string type = fmt::format("device::ResidualAdd<{}>",
                                   *cppElementType(addend->elementType()));
    chains.out.push_back(
        {type, fmt::format("{}{{{}, {}}}", type, pointerText(*addend), n)});
  }
  return chains;
}

/// The elementwise epilogue: the output chain, or a GatedProduct of all
/// three chains.
static std::string elementwiseEpilogue(const EpilogueChains &chains,
                                       GateOp gate) {
  if (!gate)
    return chainValue(chains.out);
  Functor gating = deviceGating(gate.getActivation());
  return fmt::format("device::GatedProductOf<{}, {}, {}, {}>{{"
                     "\n    {},\n    {},\n    {},\n    {}}}",
                     gating.type, chainType(chains.gate), chainType(chains.up),
                     chainType(chains.out), chainValue(chains.gate),
                     chainValue(chains.up), chainValue(chains.out),
                     gating.value);
}

/// An encoding the plan folds into its GEMM's weight: the C++ pointer to its
/// table (rows of F = PE W^T) and the number of positions the rows repeat
/// over.
struct FoldedEncoding {
  std::string table;
  int64_t positions;
};

/// Declares `epilogue`: the elementwise epilogue, followed on each output
/// row by the RoPE of `rope` (cuda/device/EpilogueRope.h) when present,
/// after the table of a `folded` encoding is added to the accumulators
/// (cuda/device/Sm90Epilogue.h's WithPeriodicSource).
static void emitEpilogue(const EpilogueChains &chains, GateOp gate,
                         const RopeOperands *rope,
                         const FoldedEncoding *folded,
                         raw_indented_ostream &out) {
  std::string epilogue = elementwiseEpilogue(chains, gate);
  if (rope)
    epilogue = fmt::format("device::makeWithRowOp(\n    {},"
                           "\n    device::RopeRowOp<{}, {}, {}, {}>{{\n"
                           "        {}, {}, {}}})",
                           epilogue, rope->headDim, rope->rotaryDim,
                           rope->style, rope->posType, rope->frequencies,
                           rope->attnFactor, rope->positions);
  if (folded)
    epilogue = "device::withPeriodicSource(" + epilogue + ")";
  out << "const auto epilogue = " << epilogue << ";\n";
}

//===----------------------------------------------------------------------===//
// Folded encoding
//===----------------------------------------------------------------------===//

/// The table of the encoding that `op`'s plan folds into the weight of its
/// product, `n` features wide: the pack helper of the weight argument makes
/// it (FunctionScope::foldedEncodings), and the entry point checks that the
/// weight it is given carries it.
static FailureOr<FoldedEncoding> foldEncoding(kernel::GemmOp op,
                                              const kernel::GemmRoles &roles,
                                              const Buffer &a, int64_t n,
                                              FunctionScope &scope) {
  auto pe = cast<SinusoidalPeOp>(roles.prologue);
  LinearOp product = roles.products.front();
  auto weight = dyn_cast<BlockArgument>(
      op.getInputs()[cast<BlockArgument>(product.getWeight()).getArgNumber()]);
  const int64_t positions = kernel::foldedPositions(pe);
  // Weights are function arguments (emitGemm has checked that it is packed).
  const Parameter &param = scope.sig.args[weight.getArgNumber()];
  if (param.packing.getFoldedPositions() != positions)
    return pe.emitError("cannot emit this encoding folded into its GEMM: "
                        "weight ")
           << param.name << " is packed as " << param.packing
           << ", not with the table of " << positions
           << " positions; run xfuse-opt --xfuse-pipeline";
  FailureOr<SinusoidalTable> table = addSinusoidalTable(pe, a.lastDim(), scope);
  if (failed(table))
    return failure();
  const std::string T = *cppElementType(a.elementType());
  scope.foldedEncodings[weight.getArgNumber()] = fmt::format(
      "// {} at {} folded into the weight: F = PE W^T for\n"
      "// {} positions, which its GEMM adds to its accumulators.\n"
      "XFUSE_ASSIGN_OR_RETURN(void *folded, "
      "packed.allocateFoldedEncoding({}));\n"
      "XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies, deviceAddress({}));\n"
      "XFUSE_CUDA_TRY((device::launchFoldSinusoidal<{}, {}>(\n"
      "    frequencies, static_cast<const {} *>(packed.data()),\n"
      "    static_cast<{} *>(folded), {}, {}, stream)));\n",
      pe->getName().getStringRef().str(), locationText(pe.getLoc()),
      positions, positions, table->name, a.lastDim(), table->layout, T, T,
      positions, n);
  scope.addCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectFoldedEncoding({}, \"{}\", {}, \"{}\"));",
      param.identifier, param.name, positions,
      packHelperName(scope.sig, param)));
  return FoldedEncoding{
      fmt::format("static_cast<const {} *>({}.foldedEncoding())", T,
                  param.identifier),
      positions};
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

/// Launches the Hopper GEMM of `params` with `epilogue`, split in K as the
/// plan says: `numB` products of `m` (a C++ expression) x `n`, written as
/// `outType`.
static void emitSm90Launch(kernel::GemmPlanAttr plan, StringRef outType,
                           StringRef m, int64_t n, size_t numB,
                           const RowBlock *rows, const FoldedEncoding *folded,
                           FunctionScope &scope) {
  raw_indented_ostream &out = scope.launches();
  // The TMA maps hold A's address and m, both known only per call, so
  // they are encoded on every call: host work alone (two
  // cuTensorMapEncodeTiled, no device round trip).
  out << fmt::format("device::GemmSm90Params<{}, {}> sm90Params;\n",
                     outType.str(), numB);
  out << "XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, "
         "&sm90Params)));\n";
  if (folded)
    out << fmt::format("XFUSE_CUDA_TRY((device::setGemmSm90PeriodicSource<"
                       "Tile>(\n    &sm90Params, {}, {})));\n",
                       folded->table, folded->positions);
  const int64_t splits = plan.getSplitK();
  if (splits > 1) {
    // The slices add f32 partials in scratch and count their arrivals in
    // the workspace's counters, which every launch leaves at zero: no
    // clearing per call.
    std::string scratch = scope.addScratch(fmt::format(
        "device::Sm90SplitKWorkspace<{}, {}>::partialBytes("
        "static_cast<int>({}), {}, {})",
        sm90TileType(plan), numB, m, n, splits));
    int64_t staticRows;
    // With no rows the scratch may be empty (null); the launch does
    // nothing then, so it stays unsplit.
    const bool mayBeEmpty = m.getAsInteger(10, staticRows) || staticRows <= 0;
    out << fmt::format("// The plan splits K in {}: the slices add f32 "
                       "partials in {}.\n",
                       splits, scratch);
    if (mayBeEmpty) {
      out << "if (sm90Params.m > 0) {\n";
      out.indent();
    }
    scope.addCounters(fmt::format(
        "device::Sm90SplitKWorkspace<{}, {}>::counters(static_cast<int>({}), "
        "{})",
        sm90TileType(plan), numB, m, n));
    out << fmt::format(
        "XFUSE_ASSIGN_OR_RETURN(unsigned *counters, "
        "workspace.zeroedCounters(\n"
        "    device::Sm90SplitKWorkspace<Tile, {}>::counters(sm90Params.m, "
        "sm90Params.n),\n"
        "    stream));\n",
        numB);
    out << fmt::format("XFUSE_CUDA_TRY((device::setGemmSm90SplitK<Tile>("
                       "&sm90Params, {}, counters, {})));\n",
                       splits, scratch);
    if (mayBeEmpty) {
      out.unindent();
      out << "}\n";
    }
  }
  if (rows)
    out << "sm90Params.maxBlocks = " << rows->maxBlocks << ";\n";
  out << "XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, "
         "epilogue, stream)));\n";
  scope.usesSm90Gemm = true;
}

LogicalResult emitGemm(kernel::GemmOp op, const Buffer &result,
                       FunctionScope &scope, const RowBlock *rows) {
  kernel::GemmPlanAttr plan = op.getPlanAttr();
  if (!plan)
    return op.emitError("cannot emit an xkernel.gemm without a plan; run "
                        "xfuse-opt --xfuse-pipeline first");
  // The verifier has checked the body's roles and that the plan's main loop
  // runs them (cuda/device/GemmLimits.h).
  kernel::GemmRoles roles = op.getRoles();
  LinearOp product = roles.products.front();
  FailureOr<Buffer> a = scope.lookup(roles.getLoadedA(), op);
  if (failed(a))
    return failure();
  Type element = a->elementType();
  int64_t k = a->lastDim();
  int64_t n = product.getType().getShape().back();
  std::string T = *cppElementType(element);
  FailureOr<std::string> outType = cppElementType(result.elementType());
  if (failed(outType) || result.elementType().isInteger())
    return op.emitError("cannot emit a GEMM result of type ")
           << result.elementType();

  SmallVector<std::string> weights;
  for (LinearOp linear : roles.products) {
    FailureOr<Buffer> w = scope.lookup(linear.getWeight(), linear);
    if (failed(w))
      return failure();
    if (!w->packedWeight || w->elementType() != element)
      return linear.emitError("cannot emit the weight of this linear: it "
                              "must be a function argument of the input's "
                              "type, packed as planned by "
                              "xkernel.weight_packing");
    weights.push_back(pointerText(*w));
  }
  FailureOr<EpilogueChains> chains = epilogueChains(roles, *a, n, scope);
  if (failed(chains))
    return failure();
  std::optional<RopeOperands> rope;
  if (roles.rope) {
    // The RoPE rotates the output tile in registers; `result` is its
    // [tokens..., heads, head_dim] output.
    FailureOr<RopeOperands> operands =
        emitRopeOperands(roles.rope, result, scope);
    if (failed(operands))
      return failure();
    rope = *operands;
  }

  std::optional<FoldedEncoding> folded;
  if (plan.getPrologue() == kernel::GemmPrologue::folded) {
    FailureOr<FoldedEncoding> table = foldEncoding(op, roles, *a, n, scope);
    if (failed(table))
      return failure();
    folded = *table;
  }

  raw_indented_ostream &out = scope.launches();
  emitTile(plan, out);
  std::string m = rowsText(*a);
  // The grid's row-tile limit of the sm_80 and SIMT launches; it also keeps
  // m an int.
  scope.addSizeCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectGemmRows({}, {}, \"{}\"));", m,
      plan.getTileM(), locationText(op.getLoc())));
  std::string aRows = pointerText(*a);
  std::string cRows = pointerText(result, /*writable=*/true);
  // Scratch and checks are sized for all rows, which holds any block.
  std::string launchedRows = m;
  if (rows) {
    // A block of rows: A and C rows are dense, k and n elements long (the
    // all-reduce's verifier admits no other per-row operand).
    aRows = fmt::format("{} + {} * {}", aRows, rows->first, k);
    cRows = fmt::format("{} + {} * {}", cRows, rows->first, n);
    launchedRows = rows->count;
  }
  // Alignment: inputs and outputs were checked, packed weights and workspace
  // slices are 256-byte aligned, and the plan's verifier checked n and k.
  out << fmt::format("const device::GemmParams<{}, {}, {}> params{{\n", T,
                     *outType, weights.size());
  out.indent();
  out << fmt::format("{}, {{{}}},\n{},\nstatic_cast<int>({}), {}, {}}};\n",
                     aRows, llvm::join(weights, ", "), cRows, launchedRows, n,
                     k);
  out.unindent();
  emitEpilogue(*chains, roles.gate, rope ? &*rope : nullptr,
               folded ? &*folded : nullptr, out);
  switch (plan.getMainloop()) {
  case kernel::GemmMainloop::tma_wgmma:
    emitSm90Launch(plan, *outType, m, n, weights.size(), rows,
                   folded ? &*folded : nullptr, scope);
    break;
  case kernel::GemmMainloop::tma_wgmma_swapped:
    // One block per tile and k-slice, each retiring after its unit: no
    // persistent grid to cap beside a collective (rows->maxBlocks).
    out << fmt::format("XFUSE_CUDA_TRY((device::launchGemmSm90SwapAb<Tile>("
                       "params, {}, epilogue, stream)));\n",
                       plan.getSplitK());
    scope.usesSm90Gemm = true;
    break;
  case kernel::GemmMainloop::mma_sync:
    out << "XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, "
           "stream)));\n";
    break;
  case kernel::GemmMainloop::simt:
    out << "XFUSE_CUDA_TRY((device::launchGemmSimt(params, epilogue, "
           "stream)));\n";
    break;
  }
  return success();
}

} // namespace mlir::xfuse::codegen
