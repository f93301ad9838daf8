//===- GemmEmitter.cpp - xkernel.gemm to a device GEMM launch -------------===//
//
// An xkernel.gemm is one launch of the device GEMM (cuda/device/Gemm.h,
// Sm90Gemm.h). Its body is split into the roles the device GEMM gives its
// parts (an A prologue, one linear or a gate/up pair, an epilogue chain, a
// RoPE of the output), the epilogue becomes chains of functors, and the
// plan selects the main loop, its tile and split-K.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "dialect/XFuseOps.h"

#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

namespace mlir::xfuse::codegen {
namespace {

/// A GEMM kernel body, split into the roles the device GEMM gives its parts.
struct GemmBody {
  Operation *prologue = nullptr; // a positional encoding of A
  SmallVector<LinearOp, 2> linears; // one, or {gate, up}
  GateOp gate;
  // Activations and adds in order, with an add's other operand (a kernel
  // input: residual or broadcast vector).
  SmallVector<std::pair<Operation *, Value>> epilogue;
  RopeOp rope; // on the output tile
};

/// An epilogue functor of cuda/device/Epilogue.h: its type and the
/// expression that constructs it.
struct Functor {
  std::string type;
  std::string value;
};

/// The functor chains of a GEMM epilogue, in body order: on the gate and up
/// products of a gated GEMM before the gate combines them, then on the
/// output.
struct EpilogueChains {
  SmallVector<Functor> gate, up, out;
};

/// The warps of the sm_80 main loop along M and N.
struct WarpGrid {
  int64_t m = 0, n = 0;
};

/// The main loop that runs a GEMM: the Hopper one (GemmSm90Mainloop) for the
/// sm_90a plans it supports, else the sm_80 one (GemmSm80Mainloop).
struct Mainloop {
  std::string sm90Unsupported; // why not the Hopper one; empty when it is
  WarpGrid sm80Warps;

  bool isSm90() const { return sm90Unsupported.empty(); }
};

} // namespace

static FailureOr<GemmBody> analyzeGemm(kernel::GemmOp op) {
  GemmBody body;
  Value chain; // the value the epilogue has reached
  auto unsupported = [&](Operation &inner, StringRef why) {
    return inner.emitError("cannot emit '")
           << inner.getName() << "' in an xkernel.gemm yet: " << why;
  };
  for (Operation &inner : computeOps(op.getBodyBlock())) {
    LogicalResult ok =
        TypeSwitch<Operation *, LogicalResult>(&inner)
            .Case<SinusoidalPeOp, LearnedPeOp>([&](auto) -> LogicalResult {
              if (body.prologue || !body.linears.empty() ||
                  !isa<BlockArgument>(inner.getOperand(0)))
                return unsupported(inner, "a positional encoding is only "
                                          "supported on the A operand");
              body.prologue = &inner;
              return success();
            })
            .Case<LinearOp>([&](LinearOp linear) -> LogicalResult {
              Value a = body.prologue ? body.prologue->getResult(0)
                                      : Value();
              bool second = body.linears.size() == 1 &&
                            chain == body.linears[0].getOutput();
              if (body.linears.size() == 2 || (chain && !second) ||
                  (a ? linear.getInput() != a
                     : !isa<BlockArgument>(linear.getInput())) ||
                  (!body.linears.empty() &&
                   linear.getInput() != body.linears[0].getInput()))
                return unsupported(inner, "the device GEMM runs one linear, "
                                          "or two sharing their input "
                                          "(gate and up)");
              body.linears.push_back(linear);
              if (body.linears.size() == 1)
                chain = linear.getOutput();
              return success();
            })
            .Case<GateOp>([&](GateOp gate) -> LogicalResult {
              if (body.linears.size() != 2 || body.gate ||
                  gate.getGate() != body.linears[0].getOutput() ||
                  gate.getUp() != body.linears[1].getOutput())
                return unsupported(inner, "a gate must combine the results "
                                          "of the kernel's two linears");
              body.gate = gate;
              chain = gate.getOutput();
              return success();
            })
            .Case<ActivationOp, AddOp>([&](auto) -> LogicalResult {
              if (!chain || body.rope ||
                  (body.linears.size() == 2 && !body.gate) ||
                  !llvm::is_contained(inner.getOperands(), chain))
                return unsupported(inner, "the epilogue applies ops in a "
                                          "chain on the GEMM's result");
              Value addend;
              if (auto add = dyn_cast<AddOp>(inner)) {
                addend = add.getLhs() == chain ? add.getRhs() : add.getLhs();
                if (!isa<BlockArgument>(addend))
                  return unsupported(inner, "the other operand of an add "
                                            "must be a kernel input");
              }
              body.epilogue.emplace_back(&inner, addend);
              chain = inner.getResult(0);
              return success();
            })
            .Case<tensor::ExpandShapeOp>([&](auto expand) -> LogicalResult {
              // Splits the features into heads for RoPE: memory is unchanged.
              if (!chain || expand.getSrc() != chain)
                return unsupported(inner, "only the GEMM's result may be "
                                          "split into heads");
              chain = expand.getResult();
              return success();
            })
            .Case<RopeOp>([&](RopeOp rope) -> LogicalResult {
              if (!chain || rope.getInput() != chain || body.rope)
                return unsupported(inner, "RoPE must apply to the GEMM's "
                                          "result");
              body.rope = rope;
              chain = rope.getOutput();
              return success();
            })
            .Default([&](Operation *) {
              return unsupported(inner, "no device building block fuses it "
                                        "into a GEMM");
            });
    if (failed(ok))
      return failure();
  }
  if (body.linears.empty())
    return op.emitError("cannot emit an xkernel.gemm without xfuse.linear");
  if (body.linears.size() == 2 && !body.gate)
    return op.emitError("cannot emit an xkernel.gemm with two linears but "
                        "no xfuse.gate");
  auto yield = cast<kernel::YieldOp>(op.getBodyBlock().getTerminator());
  if (yield.getValues().size() != 1 || yield.getValues()[0] != chain)
    return yield.emitError("cannot emit an xkernel.gemm that does not yield "
                           "the end of its epilogue chain");
  return body;
}

//===----------------------------------------------------------------------===//
// Main loops
//===----------------------------------------------------------------------===//

/// The Sm90GemmTile of an sm_90a plan that the Hopper GEMM runs: the
/// template arguments past the stages only where they differ from the
/// defaults (cooperative, staged stores, no cluster).
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

/// Why the Hopper GEMM (cuda/device/Sm90Gemm.h: TMA + wgmma) cannot run
/// `body` under `plan`, or "" when it can. Its tile is Sm90GemmTile:
/// k-tiles of 64, one consumer warpgroup per 64 rows (64 or 128), n-tiles
/// of 64, 128 or 256, and a ring of stages that fits in shared memory.
static std::string sm90GemmUnsupportedReason(kernel::GemmPlanAttr plan,
                                             const GemmBody &body,
                                             Type element) {
  if (plan.getTarget() != kernel::Target::sm_90a)
    return "the plan is for sm_80";
  if (!element.isBF16())
    return "the Hopper GEMM's TMA maps describe bf16 operands only";
  int64_t tileM = plan.getTileM(), tileN = plan.getTileN();
  if (plan.getTileK() != 64 || (tileM != 64 && tileM != 128) ||
      plan.getWarpgroups() != tileM / 64 ||
      (tileN != 64 && tileN != 128 && tileN != 256))
    return "the Hopper GEMM's tiles are 64|128 x 64|128|256 x 64 with one "
           "warpgroup per 64 rows";
  // A gated GEMM keeps a gate and an up accumulator per output: a consumer
  // thread holds 2 * tile_n / 2 of them, at most 128 (GemmSm90Mainloop).
  int64_t operandsB = body.gate ? 2 : 1;
  if (operandsB * tileN / 2 > 128)
    return "a gated Hopper GEMM holds two accumulators per output, so its "
           "tile_n is at most 128";
  // GemmSm90Mainloop::kSmemBytes: the stages (an A tile and a B tile per
  // weight), two 8-byte mbarriers per stage and two more, and 1024 bytes of
  // alignment slack, within a block's 227 KiB.
  int64_t smemBytes = plan.getStages() * (tileM + operandsB * tileN) * 64 * 2 +
                      (2 * plan.getStages() + 2) * 8 + 1024;
  if (plan.getStages() < 2 || smemBytes > 227 * 1024)
    return "the plan's stages do not fit the Hopper GEMM's shared memory";
  return "";
}

/// The warps of the sm_80 main loop for `plan`: 4 per warpgroup, split so
/// that each warp's tile is as square as allowed (whole m16 rows, pairs of
/// n8 columns).
static FailureOr<WarpGrid> sm80WarpGrid(kernel::GemmOp op,
                                        kernel::GemmPlanAttr plan) {
  const int64_t tileK = plan.getTileK();
  if (tileK != 16 && tileK != 32 && tileK != 64)
    return op.emitError("cannot emit tile_k = ")
           << tileK << ": the sm_80 main loop needs 16, 32 or 64";
  const int64_t tileM = plan.getTileM(), tileN = plan.getTileN();
  const int64_t warps = 4 * plan.getWarpgroups();
  WarpGrid grid;
  for (int64_t wm = 1; wm <= warps; ++wm) {
    int64_t wn = warps / wm;
    if (warps % wm || tileM % (16 * wm) || tileN % (16 * wn))
      continue;
    int64_t skew = std::abs(tileM / wm - tileN / wn);
    if (!grid.m || skew < std::abs(tileM / grid.m - tileN / grid.n))
      grid = {wm, wn};
  }
  if (!grid.m)
    return op.emitError("cannot split ")
           << warps << " warps over a " << tileM << "x" << tileN
           << " tile in whole mma.sync fragments";
  return grid;
}

static FailureOr<Mainloop> selectMainloop(kernel::GemmOp op,
                                          kernel::GemmPlanAttr plan,
                                          const GemmBody &body) {
  LinearOp linear = body.linears.front();
  Mainloop mainloop{sm90GemmUnsupportedReason(
                        plan, body, getElementTypeOrSelf(linear.getInput())),
                    {}};
  if (mainloop.isSm90())
    return mainloop;
  FailureOr<WarpGrid> warps = sm80WarpGrid(op, plan);
  if (failed(warps))
    return failure();
  mainloop.sm80Warps = *warps;
  return mainloop;
}

/// Declares `Tile`, the main loop's tile for `plan`.
static void emitTile(const Mainloop &mainloop, kernel::GemmPlanAttr plan,
                     raw_indented_ostream &out) {
  if (mainloop.isSm90()) {
    out << "// Main loop: GemmSm90Mainloop (TMA + wgmma), one persistent "
           "block per SM.\n";
    out << "using Tile = " << sm90TileType(plan) << ";\n";
    return;
  }
  out << "// Main loop: GemmSm80Mainloop (mma.sync)"
      << (plan.getTarget() == kernel::Target::sm_90a
              ? ", not the Hopper one: " + mainloop.sm90Unsupported
              : std::string())
      << ".\n";
  out << fmt::format("using Tile = device::GemmTile<{}, {}, {}, {}, {}, {}>;\n",
                     plan.getTileM(), plan.getTileN(), plan.getTileK(),
                     plan.getStages(), mainloop.sm80Warps.m,
                     mainloop.sm80Warps.n);
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

/// The epilogue functors of `body`, whose product has `n` columns and
/// reads rows of `a`.
static FailureOr<EpilogueChains> epilogueChains(const GemmBody &body,
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
  if (failed(appendBias(body.linears.front(),
                        body.gate ? chains.gate : chains.out)))
    return failure();
  if (body.gate && failed(appendBias(body.linears[1], chains.up)))
    return failure();
  LinearOp product = body.linears.front();
  auto outputType = cast<RankedTensorType>(product.getType());
  for (auto [inner, addendValue] : body.epilogue) {
    if (auto act = dyn_cast<ActivationOp>(inner)) {
      std::string type = fmt::format("device::Activate<{}>",
                                     deviceActivation(act.getKind()));
      chains.out.push_back({type, type + "{}"});
      continue;
    }
    FailureOr<Buffer> addend = scope.lookup(addendValue, inner);
    if (failed(addend))
      return failure();
    if (addend->type.getShape() == ArrayRef<int64_t>{n}) {
      chains.out.push_back(biasAdd(*addend));
      continue;
    }
    if (addend->type.getShape() != outputType.getShape())
      return inner->emitError("cannot emit this xfuse.add in a GEMM "
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

/// Declares `epilogue`: the output chain, or a GatedProduct of all three.
static void emitEpilogue(const EpilogueChains &chains, GateOp gate,
                         raw_indented_ostream &out) {
  if (!gate) {
    out << "const auto epilogue = " << chainValue(chains.out) << ";\n";
    return;
  }
  out << fmt::format("const device::GatedProduct<{}, {}, {}, {}> epilogue{{"
                     "\n    {},\n    {},\n    {}}};\n",
                     deviceActivation(gate.getActivation()),
                     chainType(chains.gate), chainType(chains.up),
                     chainType(chains.out), chainValue(chains.gate),
                     chainValue(chains.up), chainValue(chains.out));
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

/// Launches the Hopper GEMM of `params` with `epilogue`, split in K as the
/// plan says: `numB` products of `m` (a C++ expression) x `n` x `k`, written
/// as `outType`.
static void emitSm90Launch(kernel::GemmPlanAttr plan, StringRef outType,
                           StringRef m, int64_t n, int64_t k, size_t numB,
                           FunctionScope &scope) {
  raw_indented_ostream &out = scope.launches();
  // The TMA maps hold A's address and m, both known only per call, so
  // they are encoded on every call: host work alone (two
  // cuTensorMapEncodeTiled, no device round trip).
  out << fmt::format("device::GemmSm90Params<{}, {}> sm90Params;\n",
                     outType.str(), numB);
  out << "XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, "
         "&sm90Params)));\n";
  // Split-K: at most one slice per 64-wide k-tile (setGemmSm90SplitK).
  const int64_t splits = std::min<int64_t>(plan.getSplitK(), (k + 63) / 64);
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
  out << "XFUSE_CUDA_TRY((device::launchGemmSm90<Tile>(sm90Params, "
         "epilogue, stream)));\n";
  scope.usesSm90Gemm = true;
}

LogicalResult emitGemm(kernel::GemmOp op, const Buffer &result,
                       FunctionScope &scope) {
  FailureOr<GemmBody> body = analyzeGemm(op);
  if (failed(body))
    return failure();
  if (!op.getPlan())
    return op.emitError("cannot emit an xkernel.gemm without a plan; run "
                        "xfuse-opt --xfuse-pipeline first");
  kernel::GemmPlanAttr plan = *op.getPlan();
  FailureOr<Mainloop> mainloop = selectMainloop(op, plan, *body);
  if (failed(mainloop))
    return failure();
  raw_indented_ostream &out = scope.launches();
  // A plan is a performance hint: the sm_80 GEMM has no split-K yet, so a
  // split plan runs unsplit there, with the same result.
  if (plan.getSplitK() != 1 && !mainloop->isSm90())
    out << "// The plan splits K in " << plan.getSplitK()
        << "; the sm_80 GEMM has no split-K yet and runs it unsplit.\n";

  LinearOp linear = body->linears.front();
  FailureOr<Buffer> a = scope.lookup(
      body->prologue ? body->prologue->getOperand(0) : linear.getInput(), op);
  if (failed(a))
    return failure();
  Type element = a->elementType();
  if (!element.isBF16() && !element.isF16())
    return linear.emitError("cannot emit a GEMM on ")
           << element << " operands: the mma.sync main loop takes bf16 or "
           << "f16";
  int64_t k = a->lastDim();
  int64_t n = cast<RankedTensorType>(linear.getType()).getShape().back();
  if (n % 8 || k % 8)
    return linear.emitError("cannot emit a GEMM with n = ")
           << n << ", k = " << k << ": both must be multiples of 8";
  std::string T = *cppElementType(element);
  FailureOr<std::string> outType = cppElementType(result.elementType());
  if (failed(outType) || result.elementType().isInteger())
    return op.emitError("cannot emit a GEMM result of type ")
           << result.elementType();

  // The A operand: an input, or an input through a positional encoding.
  // The device GEMM has no A prologue yet (cp.async copies A straight to
  // shared memory), so the encoding runs first as its own kernel.
  std::string aPointer = pointerText(*a);
  if (body->prologue) {
    Buffer encoded = *a;
    encoded.name = "the encoded A operand";
    encoded.address = scope.addScratch(fmt::format(
        "static_cast<std::size_t>({}) * sizeof({})", productText(a->dims), T));
    out << "// Not fused yet: the A prologue runs as its own kernel into "
           "scratch.\n";
    if (failed(emitUnfusedOp(body->prologue, *a, encoded, scope)))
      return failure();
    aPointer = fmt::format("static_cast<const {} *>({})", T, encoded.address);
  }

  SmallVector<std::string> weights;
  for (LinearOp l : body->linears) {
    FailureOr<Buffer> w = scope.lookup(l.getWeight(), l);
    if (failed(w))
      return failure();
    if (!w->packedWeight || w->elementType() != element)
      return l.emitError("cannot emit the weight of this linear: it must be a "
                         "function argument of the input's type, packed as "
                         "planned by xkernel.weight_packing");
    weights.push_back(pointerText(*w));
  }
  FailureOr<EpilogueChains> chains = epilogueChains(*body, *a, n, scope);
  if (failed(chains))
    return failure();

  emitTile(*mainloop, plan, out);
  std::string m = rowsText(*a);
  // The sm_80 grid's limit (65535 row tiles); it also keeps m an int.
  scope.addCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectGemmRows({}, {}, \"{}\"));", m,
      plan.getTileM(), locationText(op.getLoc())));
  // Alignment: inputs and outputs were checked, packed weights and workspace
  // slices are 256-byte aligned, and n, k are multiples of 8, so the
  // GEMM's own checks (gemmUnsupportedReason) hold.
  out << fmt::format("const device::GemmParams<{}, {}, {}> params{{\n", T,
                     *outType, weights.size());
  out.indent();
  out << fmt::format("{}, {{{}}},\n{},\nstatic_cast<int>({}), {}, {}}};\n",
                     aPointer, llvm::join(weights, ", "),
                     pointerText(result, /*writable=*/true), m, n, k);
  out.unindent();
  emitEpilogue(*chains, body->gate, out);
  if (mainloop->isSm90())
    emitSm90Launch(plan, *outType, m, n, k, weights.size(), scope);
  else
    out << "XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, "
           "stream)));\n";

  if (body->rope) {
    // RoPE pairs features rotary_dim / 2 apart (neox), which no epilogue
    // thread holds together; it runs in place on the output instead.
    out << "// Not fused yet: RoPE runs in place on the GEMM's output.\n";
    if (failed(emitUnfusedOp(body->rope, result, result, scope)))
      return failure();
  }
  return success();
}

} // namespace mlir::xfuse::codegen
