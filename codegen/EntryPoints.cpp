//===- EntryPoints.cpp - host entry points of generated CUDA --------------===//
//
// One entry point per func.func: its declaration, the checks of its
// arguments, the workspace it carves, the launches of its kernels in order,
// and one weight-packing helper per weight argument. Each function is
// emitted in two passes: the kernels first (they learn which checks, tables
// and scratch they need), then the body with checks before launches, so
// that a bad call returns a Status before anything runs on the GPU.
//
//===----------------------------------------------------------------------===//

#include "codegen/EmitterState.h"
#include "codegen/Format.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Regex.h"

#include <fmt/format.h>

#include <cctype>

namespace mlir::xfuse::codegen {

//===----------------------------------------------------------------------===//
// Signatures and declarations
//===----------------------------------------------------------------------===//

FailureOr<Signature> analyzeSignature(func::FuncOp func) {
  Signature sig;
  sig.name = func.getSymName().str();
  if (sig.name.empty() || std::isdigit(static_cast<unsigned char>(sig.name[0])) ||
      llvm::any_of(sig.name, [](char c) {
        return !std::isalnum(static_cast<unsigned char>(c)) && c != '_';
      }))
    return func.emitError("cannot emit function '")
           << sig.name << "': its name is not a C++ identifier";
  auto parameter = [&](Type type, std::string name,
                       Location loc) -> FailureOr<Parameter> {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || failed(cppElementType(tensor.getElementType())))
      return emitError(loc, "cannot emit ")
             << name << " of @" << sig.name << ": expected a ranked tensor "
             << "of f32, f16, bf16, i32 or i64 but got " << type;
    return Parameter{std::move(name), tensor, nullptr};
  };
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    FailureOr<Parameter> p =
        parameter(arg.getType(), "arg" + std::to_string(i), arg.getLoc());
    if (failed(p))
      return failure();
    p->packing = func.getArgAttrOfType<kernel::WeightPackingAttr>(
        i, "xkernel.weight_packing");
    sig.args.push_back(*p);
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    FailureOr<Parameter> p =
        parameter(type, "result" + std::to_string(i), func.getLoc());
    if (failed(p))
      return failure();
    sig.results.push_back(*p);
  }
  sig.workspace =
      func->getAttrOfType<kernel::WorkspaceAttr>("xkernel.workspace");
  if (!sig.workspace)
    return func.emitError("cannot emit @")
           << sig.name << ": no xkernel.workspace plan; run "
           << "xfuse-opt --xfuse-pipeline first";
  return sig;
}

static std::string packHelperName(const Signature &sig, const Parameter &arg) {
  return sig.name + "_pack_" + arg.name;
}

static std::string entrySignature(const Signature &sig) {
  std::string text = "rt::Status " + sig.name + "(";
  for (const Parameter &arg : sig.args)
    text += fmt::format("\n    {} &{},",
                        arg.packing ? "const rt::PackedWeight"
                                    : "const rt::TensorView",
                        arg.name);
  for (const Parameter &result : sig.results)
    text += "\n    const rt::TensorView &" + result.name + ",";
  return text + "\n    rt::Workspace &workspace, cudaStream_t stream)";
}

static std::string packSignature(const Signature &sig, const Parameter &arg) {
  return "rt::StatusOr<rt::PackedWeight> " + packHelperName(sig, arg) +
         "(const rt::TensorView &weight, cudaStream_t stream)";
}

void CudaEmitter::emitDeclarations(ArrayRef<Signature> sigs) {
  for (const Signature &sig : sigs) {
    os << "/// @" << sig.name << ". Tensors are dense, row-major and 16-byte "
       << "aligned;\n/// sizes written `?` are dynamic and must agree as the "
       << "graph requires.\n";
    for (const Parameter &arg : sig.args) {
      os << fmt::format("///   {:<9} {} {}", arg.name,
                        arg.packing ? "weight" : "input ",
                        typeText(arg.type));
      if (arg.packing)
        os << ", packed by " << packHelperName(sig, arg);
      os << "\n";
    }
    for (const Parameter &result : sig.results)
      os << fmt::format("///   {:<9} output {}\n", result.name,
                        typeText(result.type));
    os << "/// Runs asynchronously on `stream`, with its intermediates in "
       << "`workspace`\n/// (planned bytes "
       << attrText(sig.workspace.getBytes()) << ").\n";
    os << entrySignature(sig) << ";\n\n";
    for (const Parameter &arg : sig.args) {
      if (!arg.packing)
        continue;
      os << "/// Packs " << arg.name << " of @" << sig.name << " (given as "
         << typeText(arg.type) << ", "
         << stringifyWeightLayout(arg.packing.getSource())
         << ") into the layout its GEMM reads.\n";
      os << packSignature(sig, arg) << ";\n\n";
    }
  }
}

void CudaEmitter::emitPackHelper(const Signature &sig, const Parameter &arg) {
  SmallVector<std::string> dims;
  for (int64_t d : arg.type.getShape())
    dims.push_back(std::to_string(d));
  os << packSignature(sig, arg) << " {\n";
  os.indent();
  os << fmt::format("XFUSE_RETURN_IF_ERROR(rt::expectShape(weight, \"{}\", "
                    "{{{}}}, rt::Role::kWeight));\n",
                    arg.name, llvm::join(dims, ", "));
  os << fmt::format(
      "return rt::PackedWeight::pack(weight, rt::WeightLayout::{}, {}, "
      "stream);\n",
      arg.packing.getSource() == WeightLayout::in_out ? "kInOut" : "kOutIn",
      *rtDType(arg.type.getElementType()));
  os.unindent();
  os << "}\n\n";
}

//===----------------------------------------------------------------------===//
// Arguments and results
//===----------------------------------------------------------------------===//

/// Binds the function's arguments to the entry point's parameters and adds
/// the checks of every parameter; a dynamic size becomes the next sN.
static LogicalResult bindArguments(func::FuncOp func, FunctionScope &scope) {
  auto &checks = scope.argumentChecks;
  for (auto [i, param] : llvm::enumerate(scope.sig.args)) {
    Buffer buffer{param.name, param.name + ".data", false, param.type, {}};
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
          param.name, param.name, *rtDType(element), n, k));
      // Kernels see the packed [n, k] matrix.
      buffer.address = param.name + ".data()";
      buffer.packedWeight = true;
      buffer.type = RankedTensorType::get({n, k}, element);
      buffer.dims = {Dim::constant(n), Dim::constant(k)};
      scope.buffers[func.getArgument(i)] = buffer;
      continue;
    }
    SmallVector<std::string> pattern;
    for (auto [d, size] : llvm::enumerate(param.type.getShape())) {
      if (ShapedType::isDynamic(size)) {
        std::string sym = "s" + std::to_string(scope.sizes.size());
        std::string what = fmt::format("'{}' dim {}", param.name, d);
        scope.sizes.emplace_back(
            sym, fmt::format("const std::int64_t {} = {}.shape[{}];", sym,
                             param.name, d));
        buffer.dims.push_back(Dim{sym, what});
        pattern.push_back("rt::Shape::kDynamic");
      } else {
        buffer.dims.push_back(Dim::constant(size));
        pattern.push_back(std::to_string(size));
      }
    }
    Type element = param.type.getElementType();
    checks.push_back(fmt::format(
        "XFUSE_RETURN_IF_ERROR(rt::expectDType({0}, \"{0}\", {1}));\n"
        "XFUSE_RETURN_IF_ERROR(rt::expectShape({0}, \"{0}\", {{{2}}}));\n"
        "XFUSE_RETURN_IF_ERROR(rt::expectAligned({0}, \"{0}\"));",
        param.name, *rtDType(element), llvm::join(pattern, ", ")));
    scope.buffers[func.getArgument(i)] = buffer;
  }
  for (const Parameter &result : scope.sig.results) {
    SmallVector<std::string> pattern;
    for (int64_t size : result.type.getShape())
      pattern.push_back(ShapedType::isDynamic(size) ? "rt::Shape::kDynamic"
                                                    : std::to_string(size));
    checks.push_back(fmt::format(
        "XFUSE_RETURN_IF_ERROR(rt::expectDType({0}, \"{0}\", {1}, "
        "rt::Role::kOutput));\n"
        "XFUSE_RETURN_IF_ERROR(rt::expectShape({0}, \"{0}\", {{{2}}}, "
        "rt::Role::kOutput));\n"
        "XFUSE_RETURN_IF_ERROR(rt::expectAligned({0}, \"{0}\", 16, "
        "rt::Role::kOutput));",
        result.name, *rtDType(result.type.getElementType()),
        llvm::join(pattern, ", ")));
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
      kernelOp->getAttrOfType<ArrayAttr>("xkernel.workspace_slices");
  for (auto [r, result] : llvm::enumerate(kernelOp->getResults())) {
    auto type = cast<RankedTensorType>(result.getType());
    Buffer buffer;
    buffer.type = type;
    // Kernels keep the leading (token) dimensions of their main input.
    for (auto [d, size] : llvm::enumerate(type.getShape())) {
      if (!ShapedType::isDynamic(size)) {
        buffer.dims.push_back(Dim::constant(size));
        continue;
      }
      if (d >= primary.dims.size() - 1 || primary.dims[d].isStatic())
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
      buffer.address = param.name + ".data";
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
    if (source.address == param.name + ".data")
      continue;
    scope.requireResultDims(param, source.dims);
    scope.launches() << fmt::format(
        "// {} is {}: a copy.\n"
        "XFUSE_CUDA_TRY(cudaMemcpyAsync(\n"
        "    {}.data, {},\n"
        "    static_cast<std::size_t>({}) * sizeof({}),\n"
        "    cudaMemcpyDeviceToDevice, stream));\n",
        param.name, source.name, param.name, source.address,
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
            return emitGemm(gemm, result, scope);
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

/// The statements that reserve and carve the workspace: the planned bytes
/// of the kernels' intermediates, then the scratch of what the device
/// blocks need beyond the plan.
static FailureOr<std::string> workspaceText(func::FuncOp func,
                                            const FunctionScope &scope) {
  std::string text = "workspace.reset();\n";
  if (!scope.usesPlannedWorkspace && scope.scratchBytes.empty())
    return text;
  llvm::raw_string_ostream os(text);
  SmallVector<std::string> parts;
  if (scope.usesPlannedWorkspace) {
    FailureOr<std::string> bytes =
        affineText(scope.sig.workspace.getBytes().getValue().getResult(0));
    if (failed(bytes))
      return func.emitError("cannot emit the workspace size ")
             << scope.sig.workspace;
    os << "// Planned by --xfuse-plan-memory: "
       << attrText(scope.sig.workspace.getBytes()) << "\n"
       << "const auto plannedBytes = static_cast<std::size_t>(" << *bytes
       << ");\n";
    parts.push_back("rt::Workspace::alignUp(plannedBytes)");
  }
  for (auto [i, scratch] : llvm::enumerate(scope.scratchBytes)) {
    os << fmt::format("const std::size_t scratch{}Bytes = {};\n", i, scratch);
    parts.push_back(fmt::format("rt::Workspace::alignUp(scratch{}Bytes)", i));
  }
  os << "XFUSE_RETURN_IF_ERROR(workspace.reserve(\n    "
     << llvm::join(parts, " + ") << "));\n";
  if (scope.usesPlannedWorkspace)
    os << "XFUSE_ASSIGN_OR_RETURN(void *planned, "
          "workspace.carve(plannedBytes));\n";
  for (size_t i = 0; i < scope.scratchBytes.size(); ++i)
    os << fmt::format("XFUSE_ASSIGN_OR_RETURN(void *scratch{0}, "
                      "workspace.carve(scratch{0}Bytes));\n",
                      i);
  return text;
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
  FailureOr<std::string> workspace = workspaceText(func, scope);
  if (failed(workspace))
    return failure();

  os << scope.tables << entrySignature(sig) << " {\n";
  os.indent();
  os << "// Arguments are checked before any launch.\n";
  for (const std::string &check : scope.argumentChecks)
    os << check << "\n";
  // A size no check or kernel reads would be an unused variable.
  std::string readers = llvm::join(scope.checks, "\n") + *workspace +
                        scope.launchesText().str();
  SmallVector<StringRef> sizes;
  for (const auto &[sym, decl] : scope.sizes)
    if (llvm::Regex("[[:<:]]" + sym + "[[:>:]]").match(readers))
      sizes.push_back(decl);
  if (!sizes.empty()) {
    os << "// sN: the N-th dynamic size of the arguments, as in the plan's "
          "maps.\n";
    for (StringRef decl : sizes)
      os << decl << "\n";
  }
  for (const std::string &check : scope.checks)
    os << check << "\n";
  os << *workspace << scope.launchesText() << "return rt::Status::ok();\n";
  os.unindent();
  os << "}\n\n";
  usesSm90Gemm |= scope.usesSm90Gemm;
  for (const Parameter &arg : sig.args)
    if (arg.packing)
      emitPackHelper(sig, arg);
  return success();
}

} // namespace mlir::xfuse::codegen
