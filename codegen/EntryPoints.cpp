//===- EntryPoints.cpp - host entry points of generated CUDA --------------===//
//
// One entry point per func.func: its documented declaration, the checks of
// its arguments, the workspace it carves, the launches of its kernels in
// order; beside it the workspace query <fn>_workspace_size, one
// weight-packing helper per weight argument and one opt-in check per
// positions argument. Each function is emitted in two passes: the kernels
// first (they learn which checks, tables, scratch and counters they need),
// then the query and the body with checks before launches, so that a bad
// call returns a Status before anything runs on the GPU.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Regex.h"

#include <fmt/format.h>

#include <cctype>

namespace mlir::xfuse::codegen {

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

/// Whether `name` can name a function or parameter in generated C++: an
/// identifier, not a keyword, not reserved to the implementation, and not a
/// name the declarations themselves use (a parameter `rt` would hide the
/// namespace in the types of the parameters after it).
static bool isUsableIdentifier(StringRef name) {
  static const llvm::StringSet<> reserved = {
      // C++17 keywords and alternative tokens.
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor",
      "bool", "break", "case", "catch", "char", "char16_t", "char32_t",
      "class", "compl", "const", "constexpr", "const_cast", "continue",
      "decltype", "default", "delete", "do", "double", "dynamic_cast", "else",
      "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
      "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this",
      "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t",
      "while", "xor", "xor_eq",
      // Names the declarations use.
      "rt", "std", "xfuse", "cudaStream_t", "workspace", "stream",
      "communicator"};
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) ||
                        name[0] == '_'))
    return false;
  if (llvm::any_of(name, [](char c) {
        return !std::isalnum(static_cast<unsigned char>(c)) && c != '_';
      }))
    return false;
  // _Upper and double underscores are reserved to the implementation.
  if ((name[0] == '_' && name.size() > 1 &&
       std::isupper(static_cast<unsigned char>(name[1]))) ||
      name.contains("__"))
    return false;
  return !reserved.contains(name);
}

// Angles are f32 products of position and frequency, corrected to first
// order (cuda/device/Angles.h): for frequencies up to 1 the error is about
// (position * 2^-25)^2 / 2, below 1e-5 for positions under 2^17, which
// spans the longest contexts of current models.
static constexpr int64_t kAccuratePositionLimit = int64_t{1} << 17;

/// The positions the ops reading `value` as token positions support, through
/// the kernels it is passed to, or nullopt when none does.
static std::optional<PositionRange> positionRange(Value value) {
  std::optional<PositionRange> range;
  auto intersect = [&](int64_t min, int64_t max, std::string consequence) {
    if (!range) {
      range = PositionRange{min, max, std::move(consequence)};
      return;
    }
    range->min = std::max(range->min, min);
    range->max = std::min(range->max, max);
    if (!StringRef(range->consequence).contains(consequence))
      range->consequence += "; " + consequence;
  };
  const std::string inF32 =
      "angles err by about (position * 2^-25)^2 / 2, and past 2^24 "
      "positions round to f32; a negative position gives negative angles";
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (isa<kernel::GemmOp, kernel::PointwiseOp>(user)) {
      Block &body = user->getRegion(0).front();
      if (std::optional<PositionRange> inner =
              positionRange(body.getArgument(use.getOperandNumber())))
        intersect(inner->min, inner->max, inner->consequence);
      continue;
    }
    if (auto rope = dyn_cast<RopeOp>(user); rope && rope.getPositions() == value)
      intersect(0, kAccuratePositionLimit - 1, inF32);
    if (auto pe = dyn_cast<SinusoidalPeOp>(user); pe && pe.getPositions() == value)
      intersect(0, kAccuratePositionLimit - 1, inF32);
    if (auto pe = dyn_cast<LearnedPeOp>(user); pe && pe.getPositions() == value) {
      int64_t rows = pe.getTable().getType().getDimSize(0);
      intersect(0, rows - 1,
                fmt::format("the learned table's row is clamped into "
                            "[0, {}]",
                            rows - 1));
    }
  }
  return range;
}

FailureOr<Signature> analyzeSignature(func::FuncOp func) {
  Signature sig;
  sig.name = func.getSymName().str();
  if (!isUsableIdentifier(sig.name))
    return func.emitError("cannot emit function '")
           << sig.name << "': its name is not a C++ identifier";
  llvm::StringMap<std::string> owners; // name -> "argument 0"
  auto parameter = [&](Type type, StringAttr nameAttr, std::string identifier,
                       std::string what, Location loc) -> FailureOr<Parameter> {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || failed(cppElementType(tensor.getElementType())))
      return emitError(loc, "cannot emit ")
             << what << " of @" << sig.name << ": expected a ranked tensor "
             << "of f32, f16, bf16, i32 or i64 but got " << type;
    std::string name = nameAttr ? nameAttr.str() : identifier;
    if (!isUsableIdentifier(name))
      return emitError(loc, "cannot emit @")
             << sig.name << ": " << what << " is named '" << name
             << "' (" << kParameterNameAttr << "), which is not a C++ "
             << "identifier or is a C++ keyword or a reserved name";
    auto [owner, inserted] = owners.try_emplace(name, what);
    if (!inserted)
      return emitError(loc, "cannot emit @")
             << sig.name << ": " << what << " is named '" << name
             << "' like " << owner->second
             << "; parameter names must be unique";
    return Parameter{std::move(name), std::move(identifier), tensor, nullptr,
                     std::nullopt};
  };
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    FailureOr<Parameter> p = parameter(
        arg.getType(), func.getArgAttrOfType<StringAttr>(i, kParameterNameAttr),
        "arg" + std::to_string(i), "argument " + std::to_string(i),
        arg.getLoc());
    if (failed(p))
      return failure();
    p->packing = func.getArgAttrOfType<kernel::WeightPackingAttr>(
        i, kernel::kWeightPackingAttrName);
    p->positions = positionRange(arg);
    p->shard = func.getArgAttrOfType<kernel::ShardAttr>(i, kernel::kShardAttrName);
    sig.args.push_back(*p);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    FailureOr<Parameter> p = parameter(
        type, func.getResultAttrOfType<StringAttr>(i, kParameterNameAttr),
        "result" + std::to_string(i), "result " + std::to_string(i),
        func.getLoc());
    if (failed(p))
      return failure();
    p->shard = func.getResultAttrOfType<kernel::ShardAttr>(i, kernel::kShardAttrName);
    sig.results.push_back(*p);
  }
  sig.takesCommunicator =
      llvm::any_of(func.getBody().getOps(), [](Operation &op) {
        return kernel::collectiveRanks(&op).has_value();
      });
  sig.workspace =
      func->getAttrOfType<kernel::WorkspaceAttr>(kernel::kWorkspaceAttrName);
  if (!sig.workspace)
    return func.emitError("cannot emit @")
           << sig.name << ": no xkernel.workspace plan; run "
           << "xfuse-opt --xfuse-pipeline first";
  return sig;
}

/// Calls `fn(param, d)` for each dynamic dimension of the arguments, in the
/// order of the sizes sN.
static void forEachDynamicSize(
    const Signature &sig,
    llvm::function_ref<void(const Parameter &, unsigned)> fn) {
  for (const Parameter &arg : sig.args)
    for (auto [d, size] : llvm::enumerate(arg.type.getShape()))
      if (ShapedType::isDynamic(size))
        fn(arg, d);
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

std::string packHelperName(const Signature &sig, const Parameter &arg) {
  return sig.name + "_pack_" + arg.name;
}

static std::string positionCheckName(const Signature &sig,
                                     const Parameter &arg) {
  return sig.name + "_check_" + arg.name;
}

static std::string workspaceQueryName(const Signature &sig) {
  return sig.name + "_workspace_size";
}

/// The entry point's signature; `named` spells the graph's names (the
/// declaration), else the positional identifiers (the definition).
static std::string entrySignature(const Signature &sig, bool named) {
  auto spelling = [&](const Parameter &p) {
    return named ? p.name : p.identifier;
  };
  std::string text = "rt::Status " + sig.name + "(";
  for (const Parameter &arg : sig.args)
    text += fmt::format("\n    {} &{},",
                        arg.packing ? "const rt::PackedWeight"
                                    : "const rt::TensorView",
                        spelling(arg));
  for (const Parameter &result : sig.results)
    text += "\n    const rt::TensorView &" + spelling(result) + ",";
  if (sig.takesCommunicator)
    text += "\n    const rt::Communicator &communicator,";
  return text + "\n    rt::Workspace &workspace, cudaStream_t stream)";
}

/// The workspace query's signature: one size per dynamic dimension of the
/// arguments, `<arg>_dim<d>` in the declaration and sizeN in the definition.
static std::string querySignature(const Signature &sig, bool named) {
  SmallVector<std::string> params;
  forEachDynamicSize(sig, [&](const Parameter &arg, unsigned d) {
    params.push_back(named ? fmt::format("std::int64_t {}_dim{}", arg.name, d)
                           : fmt::format("std::int64_t size{}", params.size()));
  });
  return "rt::StatusOr<rt::WorkspaceSize> " + workspaceQueryName(sig) + "(" +
         llvm::join(params, ", ") + ")";
}

static std::string packSignature(const Signature &sig, const Parameter &arg) {
  return "rt::StatusOr<rt::PackedWeight> " + packHelperName(sig, arg) +
         "(const rt::TensorView &weight, cudaStream_t stream)";
}

static std::string positionCheckSignature(const Signature &sig,
                                          const Parameter &arg) {
  return "rt::Status " + positionCheckName(sig, arg) +
         "(const rt::TensorView &positions, cudaStream_t stream)";
}

void CudaEmitter::emitDeclarations(ArrayRef<Signature> sigs) {
  for (const Signature &sig : sigs) {
    size_t width = std::string("workspace").size();
    for (const Parameter &p : llvm::concat<const Parameter>(sig.args,
                                                            sig.results))
      width = std::max(width, p.name.size());
    os << "/// @" << sig.name << "(";
    SmallVector<StringRef> names;
    for (const Parameter &p : llvm::concat<const Parameter>(sig.args,
                                                            sig.results))
      names.push_back(p.name);
    os << llvm::join(names, ", ")
       << (sig.takesCommunicator ? ", communicator" : "")
       << ", workspace, stream):\n";
    for (const Parameter &arg : sig.args) {
      os << fmt::format("///   {:<{}}  {} {}", arg.name, width,
                        arg.packing      ? "weight   "
                        : arg.positions ? "positions"
                                         : "input    ",
                        typeText(arg.type));
      if (arg.packing)
        os << ", packed by " << packHelperName(sig, arg);
      if (arg.positions)
        os << fmt::format(", in [{}, {}]:\n///   {:<{}}            outside, "
                          "{}\n///   {:<{}}            ({} reports the "
                          "first)",
                          arg.positions->min, arg.positions->max, "", width,
                          arg.positions->consequence, "", width,
                          positionCheckName(sig, arg));
      os << "\n";
    }
    for (const Parameter &result : sig.results)
      os << fmt::format("///   {:<{}}  output    {}{}\n", result.name, width,
                        typeText(result.type),
                        result.shard ? ", this rank's rows (part `rank` of " +
                                           std::to_string(
                                               result.shard.getRanks()) +
                                           " along dimension 0)"
                                     : "");
    os << fmt::format("///   {:<{}}  workspace the intermediates (planned "
                      "bytes {}),\n///   {:<{}}            sized by {}\n",
                      "workspace", width, attrText(sig.workspace.getBytes()),
                      "", width, workspaceQueryName(sig));
    os << fmt::format("///   {:<{}}  stream    every launch is queued on it\n",
                      "stream", width);
    if (sig.takesCommunicator)
      os << "/// The sharded arguments hold this rank's part (the _shard_ "
            "helpers cut it);\n/// `communicator` is this rank's, and its "
            "collectives are queued on `stream`.\n";
    os << "/// Tensors are dense and row-major, their data 16-byte aligned "
          "and non-null\n/// unless empty; sizes written `?` are dynamic "
          "and must agree as the graph\n/// requires; no output may overlap "
          "another argument. Every argument is\n/// checked before the "
          "first launch: a bad call returns a failed Status and\n/// "
          "launches nothing, and so does a call whose outputs are all empty "
          "(0\n/// tokens), with an ok Status.\n";
    os << "/// Runs asynchronously on `stream`. Once `workspace` holds "
       << workspaceQueryName(sig)
       << "(...)\n/// of the call's sizes, a call neither allocates nor "
          "synchronizes: it can be\n/// captured in a CUDA graph.\n";
    os << entrySignature(sig, /*named=*/true) << ";\n\n";

    SmallVector<std::string> sizes;
    forEachDynamicSize(sig, [&](const Parameter &arg, unsigned d) {
      sizes.push_back(fmt::format("{}_dim{} is dim {} of {}", arg.name, d, d,
                                  arg.name));
    });
    os << "/// What a call of @" << sig.name
       << " needs of its workspace, for the dynamic\n/// sizes of its "
          "arguments"
       << (sizes.empty() ? "" : ": " + llvm::join(sizes, ", ")) << ".\n";
    os << querySignature(sig, /*named=*/true) << ";\n\n";

    for (const Parameter &arg : sig.args) {
      if (arg.packing) {
        os << "/// Packs " << arg.name << " of @" << sig.name << " (given as "
           << typeText(arg.type) << ", "
           << stringifyWeightLayout(arg.packing.getSource())
           << ") into the layout its GEMM reads";
        if (int64_t positions = arg.packing.getFoldedPositions())
          os << ",\n/// with the positional encoding of " << positions
             << " positions its GEMM folds into it";
        os << ".\n" << packSignature(sig, arg) << ";\n\n";
      }
      if (arg.positions) {
        os << "/// Checks that every position in " << arg.name << " of @"
           << sig.name << " lies in\n/// [" << arg.positions->min << ", "
           << arg.positions->max
           << "]. Opt in: it copies the positions to the host and waits for "
              "`stream`.\n";
        os << positionCheckSignature(sig, arg) << ";\n\n";
      }
      if (arg.shard)
        emitShardDeclaration(sig, arg, os);
    }
  }
}

void CudaEmitter::emitPackHelper(const Signature &sig, const Parameter &arg,
                                 const std::string *foldedEncoding) {
  SmallVector<std::string> dims;
  for (int64_t d : arg.type.getShape())
    dims.push_back(std::to_string(d));
  os << packSignature(sig, arg) << " {\n";
  os.indent();
  os << fmt::format("XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, \"{}\", "
                    "{{{}}}, rt::Role::kWeight));\n",
                    arg.name, llvm::join(dims, ", "));
  std::string pack = fmt::format(
      "rt::PackedWeight::pack(weight, rt::WeightLayout::{}, {}, stream)",
      arg.packing.getSource() == WeightLayout::in_out ? "kInOut" : "kOutIn",
      *rtDType(arg.type.getElementType()));
  if (!foldedEncoding) {
    os << "return " << pack << ";\n";
  } else {
    os << "XFUSE_ASSIGN_OR_RETURN(rt::PackedWeight packed, " << pack
       << ");\n"
       << *foldedEncoding << "return packed;\n";
  }
  os.unindent();
  os << "}\n\n";
}

void CudaEmitter::emitPositionCheck(const Signature &sig,
                                    const Parameter &arg) {
  os << positionCheckSignature(sig, arg) << " {\n";
  os.indent();
  os << fmt::format("return rt::expectPositionsWithin(positions, \"{}\", {}, "
                    "{},\n    \"{}\", stream);\n",
                    arg.name, arg.positions->min, arg.positions->max,
                    arg.positions->consequence);
  os.unindent();
  os << "}\n\n";
}

//===----------------------------------------------------------------------===//
// Arguments and results
//===----------------------------------------------------------------------===//

/// The shape pattern of `param` for rt::expectShape.
static std::string shapePattern(const Parameter &param) {
  SmallVector<std::string> pattern;
  for (int64_t size : param.type.getShape())
    pattern.push_back(ShapedType::isDynamic(size) ? "rt::Shape::kDynamic"
                                                  : std::to_string(size));
  return "{" + llvm::join(pattern, ", ") + "}";
}

/// Binds the function's arguments to the entry point's parameters and adds
/// the checks of every parameter; a dynamic size becomes the next sN.
static LogicalResult bindArguments(func::FuncOp func, FunctionScope &scope) {
  auto &checks = scope.argumentChecks;
  // What each output must not overlap: the arguments and earlier outputs.
  SmallVector<std::string> others;
  for (auto [i, param] : llvm::enumerate(scope.sig.args)) {
    Buffer buffer{param.name, param.identifier + ".data", false, param.type,
                  {}};
    if (param.packing) {
      if (param.type.getRank() != 2 || !param.type.hasStaticShape())
        return func.emitError("cannot emit @")
               << scope.sig.name << ": weight " << param.name
               << " must be a static rank-2 tensor";
      Type element = param.type.getElementType();
      if (!element.isBF16() && !element.isF16() && !element.isF32())
        return func.emitError("cannot emit @")
               << scope.sig.name << ": weight " << param.name
               << " must be bf16, f16 or f32 (the GEMMs' operand types)";
      bool inOut = param.packing.getSource() == WeightLayout::in_out;
      int64_t n = param.type.getDimSize(inOut ? 1 : 0);
      int64_t k = param.type.getDimSize(inOut ? 0 : 1);
      checks.push_back(fmt::format(
          "XFUSE_RETURN_IF_ERROR(expectPacked({}, \"{}\", {}, {}, {}));",
          param.identifier, param.name, *rtDType(element), n, k));
      others.push_back(fmt::format("{{{}.view(), \"{}\", rt::Role::kWeight}}",
                                   param.identifier, param.name));
      // Kernels see the packed [n, k] matrix.
      buffer.address = param.identifier + ".data()";
      buffer.packedWeight = true;
      buffer.type = RankedTensorType::get({n, k}, element);
      buffer.dims = {Dim::constant(n), Dim::constant(k)};
      scope.buffers[func.getArgument(i)] = buffer;
      continue;
    }
    for (auto [d, size] : llvm::enumerate(param.type.getShape())) {
      if (!ShapedType::isDynamic(size)) {
        buffer.dims.push_back(Dim::constant(size));
        continue;
      }
      std::string sym = "s" + std::to_string(scope.sizes.size());
      scope.sizes.emplace_back(
          sym, fmt::format("const std::int64_t {} = {}.shape[{}];", sym,
                           param.identifier, d));
      buffer.dims.push_back(Dim{sym, fmt::format("'{}' dim {}", param.name, d)});
    }
    checks.push_back(fmt::format(
        "XFUSE_RETURN_IF_ERROR(rt::expectTensor({}, \"{}\", {}, {}));",
        param.identifier, param.name, *rtDType(param.type.getElementType()),
        shapePattern(param)));
    others.push_back(
        fmt::format("{{{}, \"{}\"}}", param.identifier, param.name));
    scope.buffers[func.getArgument(i)] = buffer;
  }
  for (const Parameter &result : scope.sig.results)
    checks.push_back(fmt::format(
        "XFUSE_RETURN_IF_ERROR(rt::expectTensor({}, \"{}\", {}, {}, "
        "rt::Role::kOutput));",
        result.identifier, result.name,
        *rtDType(result.type.getElementType()), shapePattern(result)));
  // Overlaps after every tensor is known to be well-formed.
  for (const Parameter &result : scope.sig.results) {
    checks.push_back(fmt::format(
        "XFUSE_RETURN_IF_ERROR(rt::expectDisjoint({}, \"{}\", {{{}}}));",
        result.identifier, result.name, llvm::join(others, ", ")));
    others.push_back(fmt::format("{{{}, \"{}\", rt::Role::kOutput}}",
                                 result.identifier, result.name));
  }
  unsigned numSymbols = scope.sig.workspace.getBytes().getValue()
                            .getNumSymbols();
  if (numSymbols != scope.sizes.size())
    return func.emitError("cannot emit @")
           << scope.sig.name << ": the workspace map has " << numSymbols
           << " symbols but the arguments have " << scope.sizes.size()
           << " dynamic sizes";
  return success();
}

/// Binds the results of kernel number `index`: a returned result to the
/// caller's tensor, any other to its planned workspace slice. Dynamic sizes
/// are those of the kernel's main input `primary`.
static LogicalResult bindKernelResults(Operation *kernelOp, int index,
                                       const Buffer &primary,
                                       func::ReturnOp ret,
                                       FunctionScope &scope) {
  auto slices =
      kernelOp->getAttrOfType<ArrayAttr>(kernel::kWorkspaceSlicesAttrName);
  for (auto [r, result] : llvm::enumerate(kernelOp->getResults())) {
    auto type = cast<RankedTensorType>(result.getType());
    Buffer buffer;
    buffer.type = type;
    // Kernels keep the dynamic dimensions of their main input (the leading,
    // token ones; elementwise kernels the last one too).
    for (auto [d, size] : llvm::enumerate(type.getShape())) {
      if (!ShapedType::isDynamic(size)) {
        buffer.dims.push_back(Dim::constant(size));
        continue;
      }
      if (d >= primary.dims.size() || primary.dims[d].isStatic())
        return kernelOp->emitError("cannot emit kernel: dynamic dimension ")
               << d << " of result " << r
               << " does not match a dynamic dimension of its input";
      buffer.dims.push_back(primary.dims[d]);
    }
    // A returned result is written straight into the caller's tensor.
    for (OpOperand &use : result.getUses()) {
      if (use.getOwner() != ret)
        continue;
      const Parameter &param = scope.sig.results[use.getOperandNumber()];
      buffer.name = param.name;
      buffer.address = param.identifier + ".data";
      scope.requireResultDims(param, buffer.dims);
      break;
    }
    if (buffer.address.empty()) {
      kernel::WorkspaceSliceAttr slice;
      for (Attribute attr : slices ? slices.getValue() : ArrayRef<Attribute>())
        if (auto s = dyn_cast<kernel::WorkspaceSliceAttr>(attr);
            s && s.getResult() == r)
          slice = s;
      if (!slice)
        return kernelOp->emitError("cannot emit kernel: result ")
               << r << " is neither returned nor given a workspace slice; "
               << "run xfuse-opt --xfuse-pipeline first";
      FailureOr<std::string> offset =
          affineText(slice.getOffset().getValue().getResult(0));
      if (failed(offset))
        return kernelOp->emitError("cannot emit the workspace offset ")
               << slice.getOffset();
      buffer.name = fmt::format("kernel {} result {}", index, r);
      buffer.address = fmt::format("kernel{}Result{}", index, r);
      scope.launches() << fmt::format(
          "void *const {} = static_cast<char *>(planned) + {};\n",
          buffer.address, *offset);
      scope.usesPlannedWorkspace = true;
    }
    scope.buffers[result] = buffer;
  }
  return success();
}

/// Copies each returned value that no kernel wrote into its result (an
/// argument, e.g. after an identity activation folded away, or a value
/// returned twice), after the kernels.
static LogicalResult emitResultCopies(func::ReturnOp ret,
                                      FunctionScope &scope) {
  for (auto [i, operand] : llvm::enumerate(ret.getOperands())) {
    const Parameter &param = scope.sig.results[i];
    auto it = scope.buffers.find(operand);
    if (it == scope.buffers.end() || it->second.packedWeight)
      return ret.emitError("cannot emit a function that returns a value no "
                           "kernel computes");
    const Buffer &source = it->second;
    if (source.address == param.identifier + ".data")
      continue;
    scope.requireResultDims(param, source.dims);
    scope.launches() << fmt::format(
        "// {} is {}: a copy.\n"
        "XFUSE_CUDA_TRY(cudaMemcpyAsync(\n"
        "    {}.data, {},\n"
        "    static_cast<std::size_t>({}) * sizeof({}),\n"
        "    cudaMemcpyDeviceToDevice, stream));\n",
        param.name, source.name, param.identifier, source.address,
        productText(source.dims), *cppElementType(source.elementType()));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// Emits kernel number `index` of the function: a comment naming the op, its
/// plan and the ops it fuses, then its launches in a block of their own.
static LogicalResult emitKernel(Operation *op, int index, func::ReturnOp ret,
                                FunctionScope &scope) {
  if (kernel::collectiveRanks(op)) {
    FailureOr<Buffer> input = scope.lookup(op->getOperand(0), op);
    if (failed(input) ||
        failed(bindKernelResults(
            op, index, collectiveResultLayout(op, *input, scope), ret, scope)))
      return failure();
    scope.launches() << fmt::format("// Kernel {}: {} at {}\n", index,
                                    op->getName().getStringRef().str(),
                                    locationText(op->getLoc()));
    return emitCollective(op, *input, scope.buffers[op->getResult(0)], scope);
  }
  if (!isa<kernel::GemmOp, kernel::PointwiseOp>(op))
    return op->emitError("cannot emit '")
           << op->getName() << "' outside a kernel; expected the output "
           << "of xfuse-opt --xfuse-pipeline";
  if (op->getNumResults() != 1)
    return op->emitError("cannot emit a kernel with ")
           << op->getNumResults() << " results yet: the device blocks "
           << "write one tensor";
  Block &body = op->getRegion(0).front();
  // The block's arguments are the kernel's inputs.
  for (auto [arg, input] : llvm::zip(body.getArguments(), op->getOperands())) {
    FailureOr<Buffer> buffer = scope.lookup(input, op);
    if (failed(buffer))
      return failure();
    scope.buffers[arg] = *buffer;
  }
  // The main input: what the first op of the body reads.
  auto ops = computeOps(body);
  if (ops.empty() || ops.begin()->getNumOperands() == 0 ||
      !isa<BlockArgument>(ops.begin()->getOperand(0)))
    return op->emitError("cannot emit a kernel whose body does not start "
                         "from one of its inputs");
  const Buffer primary = scope.buffers[ops.begin()->getOperand(0)];
  if (failed(bindKernelResults(op, index, primary, ret, scope)))
    return failure();
  const Buffer result = scope.buffers[op->getResult(0)];

  raw_indented_ostream &out = scope.launches();
  out << fmt::format("// Kernel {}: {} at {}\n", index,
                     op->getName().getStringRef().str(),
                     locationText(op->getLoc()));
  if (Attribute plan = op->getAttr("plan"))
    out << "//   plan " << attrText(plan) << "\n";
  for (Operation &inner : ops)
    out << fmt::format("//   {} at {}\n", inner.getName().getStringRef().str(),
                       locationText(inner.getLoc()));
  out << "{\n";
  out.indent();
  LogicalResult emitted =
      TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](kernel::GemmOp gemm) {
            if (!launchedByAllReduce(gemm))
              return emitGemm(gemm, result, scope);
            out << "// Launched in row blocks by the all-reduce of its "
                   "result.\n";
            return success();
          })
          .Case([&](kernel::PointwiseOp pointwise) {
            return emitPointwise(pointwise, result, scope);
          });
  out.unindent();
  out << "}\n";
  return emitted;
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

/// What a call carves from its workspace, in order: {name, bytes as a C++
/// expression of the sizes sN}; the planned intermediates first, then the
/// scratch of what the device blocks need beyond the plan.
static FailureOr<SmallVector<std::pair<std::string, std::string>>>
workspaceParts(func::FuncOp func, const FunctionScope &scope) {
  SmallVector<std::pair<std::string, std::string>> parts;
  if (scope.usesPlannedWorkspace) {
    FailureOr<std::string> bytes =
        affineText(scope.sig.workspace.getBytes().getValue().getResult(0));
    if (failed(bytes))
      return func.emitError("cannot emit the workspace size ")
             << scope.sig.workspace;
    parts.emplace_back("planned", *bytes);
  }
  for (auto [i, scratch] : llvm::enumerate(scope.scratchBytes))
    parts.emplace_back("scratch" + std::to_string(i), scratch);
  return parts;
}

/// <fn>_workspace_size: the checks of the sizes alone, then the workspace
/// they need, in overflow-checked arithmetic (CheckedInt).
void CudaEmitter::emitWorkspaceQuery(
    const FunctionScope &scope,
    ArrayRef<std::pair<std::string, std::string>> parts) {
  const Signature &sig = scope.sig;
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  for (const std::string &check : scope.sizeChecks)
    bodyStream << check << "\n";
  SmallVector<std::string> bytes, counters;
  for (const auto &[name, expr] : parts) {
    bodyStream << fmt::format("const CheckedInt {}Bytes = {};\n", name, expr);
    bytes.push_back(name + "Bytes");
  }
  for (auto [i, count] : llvm::enumerate(scope.counters)) {
    counters.push_back("counters" + std::to_string(i));
    bodyStream << fmt::format("const CheckedInt {} = {};\n", counters.back(),
                              count);
  }
  bodyStream << fmt::format("return workspaceSize({{{}}}, {{{}}});\n",
                            llvm::join(bytes, ", "),
                            llvm::join(counters, ", "));

  os << querySignature(sig, /*named=*/false) << " {\n";
  os.indent();
  unsigned index = 0;
  forEachDynamicSize(sig, [&](const Parameter &arg, unsigned d) {
    // Every size is checked, also those the maps do not read.
    std::string sym = "s" + std::to_string(index);
    bool read = llvm::Regex("[[:<:]]" + sym + "[[:>:]]").match(body);
    os << fmt::format("XFUSE_ASSIGN_OR_RETURN({}const CheckedInt {}, "
                      "checkedSize(size{}, \"'{}' dim {}\"));\n",
                      read ? "" : "[[maybe_unused]] ", sym, index, arg.name,
                      d);
    ++index;
  });
  os << body;
  os.unindent();
  os << "}\n\n";
}

LogicalResult CudaEmitter::emitFunction(func::FuncOp func,
                                        const Signature &sig) {
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError("cannot emit a function with control flow");
  FunctionScope scope(sig);
  if (failed(bindArguments(func, scope)))
    return failure();
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  int index = 0;
  for (Operation &op : func.getBody().front().without_terminator())
    if (failed(emitKernel(&op, index++, ret, scope)))
      return failure();
  if (failed(emitResultCopies(ret, scope)))
    return failure();
  auto parts = workspaceParts(func, scope);
  if (failed(parts))
    return failure();

  os << scope.tables;
  emitWorkspaceQuery(scope, *parts);

  os << entrySignature(sig, /*named=*/false) << " {\n";
  os.indent();
  os << "// Arguments are checked before any launch.\n";
  for (const std::string &check : scope.argumentChecks)
    os << check << "\n";
  SmallVector<std::string> sizes;
  if (!scope.sizes.empty())
    os << "// sN: the N-th dynamic size of the arguments, as in the plan's "
          "maps.\n";
  for (const auto &[sym, decl] : scope.sizes) {
    os << decl << "\n";
    sizes.push_back(sym);
  }
  for (const std::string &check : scope.checks)
    os << check << "\n";
  os << fmt::format("XFUSE_ASSIGN_OR_RETURN(const rt::WorkspaceSize needed, "
                    "{}({}));\n",
                    workspaceQueryName(sig), llvm::join(sizes, ", "));
  // With no tokens every output is empty: a valid call with nothing to run.
  if (llvm::all_of(sig.results, [](const Parameter &result) {
        return !result.type.hasStaticShape();
      })) {
    SmallVector<std::string> empty;
    for (const Parameter &result : sig.results)
      empty.push_back(result.identifier + ".numElements() == 0");
    os << "if (" << llvm::join(empty, " && ")
       << ")\n  return rt::Status::ok(); // no tokens: nothing to launch\n";
  }
  os << "workspace.reset();\n"
     << "XFUSE_RETURN_IF_ERROR(workspace.reserve(needed, stream));\n";
  if (scope.usesPlannedWorkspace)
    os << "// Planned by --xfuse-plan-memory: "
       << attrText(sig.workspace.getBytes()) << "\n";
  for (const auto &[name, expr] : *parts)
    os << fmt::format("const auto {0}Bytes = static_cast<std::size_t>({1});\n"
                      "XFUSE_ASSIGN_OR_RETURN(void *{0}, "
                      "workspace.carve({0}Bytes));\n",
                      name, expr);
  os << scope.launchesText() << "return rt::Status::ok();\n";
  os.unindent();
  os << "}\n\n";
  usesSm90Gemm |= scope.usesSm90Gemm;
  for (auto [index, arg] : llvm::enumerate(sig.args)) {
    if (arg.packing) {
      auto folded = scope.foldedEncodings.find(index);
      const bool folds = folded != scope.foldedEncodings.end();
      if (folds != (arg.packing.getFoldedPositions() > 0))
        return func.emitError("cannot emit the pack helper of ")
               << arg.name << ": its packing " << arg.packing
               << (folds ? " makes no" : " makes a")
               << " folded encoding, but "
               << (folds ? "a GEMM folds one into it"
                         : "no GEMM folds one into it");
      emitPackHelper(sig, arg, folds ? &folded->second : nullptr);
    }
    if (arg.positions)
      emitPositionCheck(sig, arg);
    if (arg.shard)
      emitShardHelper(sig, arg, os);
  }
  return success();
}

} // namespace mlir::xfuse::codegen
