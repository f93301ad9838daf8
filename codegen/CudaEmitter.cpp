//===- CudaEmitter.cpp - kernel IR to CUDA C++ ----------------------------===//
//
// In the style of MLIR's EmitC C++ emitter (TranslateToCpp.cpp): one emitter
// object writing to an indented stream, LogicalResult everywhere, and a
// TypeSwitch per op. Each function is emitted in two passes over its kernels:
// the first builds the launches (and learns which checks, frequency tables
// and scratch buffers they need), the second prints checks before launches,
// so that a bad call returns a Status before anything runs on the GPU.
//
// Run-time values are named after the plan's conventions: argN / resultN for
// the entry point's parameters, sN for the N-th dynamic dimension of the
// arguments (the symbols of the xkernel.workspace maps), kernelKResultR for
// intermediates carved from the workspace.
//
//===----------------------------------------------------------------------===//

#include "codegen/CudaEmitter.h"

#include "dialect/RopeFrequencies.h"
#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Regex.h"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::xfuse;
using llvm::raw_ostream;

namespace {

//===----------------------------------------------------------------------===//
// Small formatting helpers
//===----------------------------------------------------------------------===//

/// "file:line:col" of `loc`, or "unknown location".
std::string locationText(Location loc) {
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc); fileLoc &&
                                                      fileLoc.getLine() == 0)
    return fileLoc.getFilename().str();
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    return fmt::format("{}:{}:{}", fileLoc.getFilename().str(),
                       fileLoc.getLine(), fileLoc.getColumn());
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    return locationText(nameLoc.getChildLoc());
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return locationText(fused.getLocations().front());
  return "unknown location";
}

std::string attrText(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  attr.print(os);
  return text;
}

/// A C++ float literal that reads back as `value` rounded to f32.
std::string floatLiteral(double value) {
  std::string text = fmt::format("{}", static_cast<float>(value));
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text + "f";
}

/// A C++ double literal that reads back as `value`.
std::string doubleLiteral(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

/// A hex f32 literal: exact, so tables do not depend on decimal rounding.
std::string hexFloatLiteral(float value) {
  return fmt::format("{:a}f", value);
}

/// How generated code names an element type: its C++ type and its runtime
/// DType.
struct ElementTypeNames {
  const char *cpp;
  const char *dtype;
};

FailureOr<ElementTypeNames> elementTypeNames(Type type) {
  if (type.isBF16())
    return ElementTypeNames{"__nv_bfloat16", "rt::DType::kBF16"};
  if (type.isF16())
    return ElementTypeNames{"__half", "rt::DType::kF16"};
  if (type.isF32())
    return ElementTypeNames{"float", "rt::DType::kF32"};
  if (type.isInteger(32))
    return ElementTypeNames{"std::int32_t", "rt::DType::kI32"};
  if (type.isInteger(64))
    return ElementTypeNames{"std::int64_t", "rt::DType::kI64"};
  return failure();
}

/// The C++ element type of a tensor, or failure for other types.
FailureOr<std::string> cppElementType(Type type) {
  FailureOr<ElementTypeNames> names = elementTypeNames(type);
  if (failed(names))
    return failure();
  return std::string(names->cpp);
}

FailureOr<std::string> rtDType(Type type) {
  FailureOr<ElementTypeNames> names = elementTypeNames(type);
  if (failed(names))
    return failure();
  return std::string(names->dtype);
}

std::string shapeText(RankedTensorType type) {
  std::string text = "[";
  llvm::interleave(
      type.getShape(),
      [&](int64_t d) {
        text += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
      },
      [&] { text += ", "; });
  return text + "]";
}

/// "bf16 [?, 64, 256]".
std::string typeText(RankedTensorType type) {
  std::string element;
  llvm::raw_string_ostream os(element);
  type.getElementType().print(os);
  return element + " " + shapeText(type);
}

std::string deviceActivation(ActivationKind kind) {
  switch (kind) {
  case ActivationKind::relu:
    return "device::Activation::kRelu";
  case ActivationKind::gelu:
    return "device::Activation::kGelu";
  case ActivationKind::gelu_tanh:
    return "device::Activation::kGeluTanh";
  case ActivationKind::silu:
    return "device::Activation::kSilu";
  case ActivationKind::identity:
    return "device::Activation::kIdentity";
  }
  llvm_unreachable("unknown activation");
}

/// C++ for an affine expression over the sN symbols (no dimensions).
FailureOr<std::string> affineText(AffineExpr expr) {
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return std::to_string(constant.getValue());
  if (auto symbol = dyn_cast<AffineSymbolExpr>(expr))
    return "s" + std::to_string(symbol.getPosition());
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return failure();
  FailureOr<std::string> lhs = affineText(binary.getLHS());
  FailureOr<std::string> rhs = affineText(binary.getRHS());
  if (failed(lhs) || failed(rhs))
    return failure();
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return "(" + *lhs + " + " + *rhs + ")";
  case AffineExprKind::Mul:
    return *lhs + " * " + *rhs;
  case AffineExprKind::FloorDiv:
    return "floorDiv(" + *lhs + ", " + *rhs + ")";
  case AffineExprKind::CeilDiv:
    return "ceilDiv(" + *lhs + ", " + *rhs + ")";
  case AffineExprKind::Mod:
    return "mod(" + *lhs + ", " + *rhs + ")";
  default:
    return failure();
  }
}

//===----------------------------------------------------------------------===//
// Run-time buffers of values
//===----------------------------------------------------------------------===//

/// One dimension of a tensor at run time: a C++ expression of its size, and
/// what it is for error messages ("'arg0' dim 0").
struct Dim {
  std::string expr;
  std::string what;
  bool isStatic() const { return what.empty(); }
};

/// Where a tensor value lives when the entry point runs.
struct Buffer {
  std::string name;    // "arg0", "kernel 1 result 0"
  std::string address; // a void-pointer expression
  bool packedWeight = false;
  RankedTensorType type;
  SmallVector<Dim> dims;

  Type elementType() const { return type.getElementType(); }
  int64_t lastDim() const { return type.getShape().back(); }
};

/// The product of `dims` as C++, static factors folded into one literal.
std::string productText(ArrayRef<Dim> dims) {
  int64_t constant = 1;
  std::string text;
  for (const Dim &dim : dims) {
    if (dim.isStatic()) {
      constant *= std::stoll(dim.expr);
      continue;
    }
    text += (text.empty() ? "" : " * ") + dim.expr;
  }
  if (text.empty())
    return std::to_string(constant);
  return constant == 1 ? text : text + " * " + std::to_string(constant);
}

/// Rows of `buffer` seen as [rows, product of its last `trailing` dims].
std::string rowsText(const Buffer &buffer, unsigned trailing = 1) {
  return productText(ArrayRef<Dim>(buffer.dims).drop_back(trailing));
}

/// A typed device pointer to `buffer`'s elements.
std::string pointerText(const Buffer &buffer, bool writable = false) {
  return fmt::format("static_cast<{}{} *>({})", writable ? "" : "const ",
                     *cppElementType(buffer.elementType()), buffer.address);
}

//===----------------------------------------------------------------------===//
// Signatures
//===----------------------------------------------------------------------===//

struct Parameter {
  std::string name; // "arg0", "result0"
  RankedTensorType type;
  kernel::WeightPackingAttr packing; // weights only
};

struct Signature {
  std::string name;
  SmallVector<Parameter> args;
  SmallVector<Parameter> results;
  kernel::WorkspaceAttr workspace;
};

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

std::string packHelperName(const Signature &sig, const Parameter &arg) {
  return sig.name + "_pack_" + arg.name;
}

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

/// A GEMM kernel body, split into the roles the device GEMM gives its parts.
struct GemmBody {
  Operation *prologue = nullptr; // a positional encoding of A
  SmallVector<LinearOp, 2> linears; // one, or {gate, up}
  GateOp gate;
  // Activations and adds in order, with an add's other operand (a kernel
  // input: residual or broadcast vector).
  SmallVector<std::pair<Operation *, Value>> epilogue;
  RopeOp rope;                       // on the output tile
};

/// The Sm90GemmTile of an sm_90a plan that the Hopper GEMM runs: the
/// template arguments past the stages only where they differ from the
/// defaults (cooperative, staged stores, no cluster).
std::string sm90TileType(kernel::GemmPlanAttr plan) {
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
std::string sm90GemmUnsupportedReason(kernel::GemmPlanAttr plan,
                                      const GemmBody &body, Type element) {
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

/// One op of a pointwise chain, and which of its operands carries the
/// chain's value (the previous op's result; operand 0 for the first op).
struct ChainLink {
  Operation *op;
  unsigned chainOperand;
};

/// Emission state of one function.
struct FunctionScope {
  Signature sig;
  llvm::DenseMap<Value, Buffer> buffers;
  SmallVector<std::string> argumentChecks; // statements, in order
  SmallVector<std::pair<std::string, std::string>> sizes; // {sN, decl}
  SmallVector<std::string> checks; // after the sizes, deduplicated
  std::string tables;              // namespace-scope __device__ tables
  std::string launches;            // the kernels, in order
  SmallVector<std::string> scratchBytes;
  bool usesPlannedWorkspace = false;
  int tableCount = 0;

  void addCheck(std::string statement) {
    if (!llvm::is_contained(checks, statement))
      checks.push_back(std::move(statement));
  }
};

/// Appends `text` to `to` with each line indented by two spaces (the body
/// of an entry point).
void appendIndented(std::string &to, StringRef text) {
  for (StringRef line : llvm::split(text.rtrim('\n'), '\n'))
    to += line.empty() ? "\n" : "  " + line.str() + "\n";
}

class CudaEmitter {
public:
  explicit CudaEmitter(raw_ostream &os) : os(os) {}

  LogicalResult emitSource(ModuleOp module, StringRef headerInclude);
  LogicalResult emitHeader(ModuleOp module);

private:
  // Declarations, shared by the header and a standalone source.
  void emitDeclarations(ArrayRef<Signature> sigs);
  std::string entrySignature(const Signature &sig);
  std::string packSignature(const Signature &sig, const Parameter &arg);

  // Definitions.
  LogicalResult emitFunction(func::FuncOp func, const Signature &sig);
  void emitPackHelper(const Signature &sig, const Parameter &arg);
  LogicalResult bindArguments(func::FuncOp func, FunctionScope &scope);
  LogicalResult bindKernelResults(Operation *kernelOp, int index,
                                  const Buffer &primary, func::ReturnOp ret,
                                  FunctionScope &scope);
  LogicalResult emitKernel(Operation *op, int index, func::ReturnOp ret,
                           FunctionScope &scope, raw_indented_ostream &out);
  LogicalResult emitGemm(kernel::GemmOp op, const Buffer &result,
                         FunctionScope &scope, raw_indented_ostream &out);
  LogicalResult emitPointwise(kernel::PointwiseOp op, const Buffer &result,
                              FunctionScope &scope, raw_indented_ostream &out);
  FailureOr<SmallVector<ChainLink>> analyzePointwise(kernel::PointwiseOp op,
                                                     const Buffer &result);
  // One op the GEMM runs as its own launch (an A prologue or a RoPE).
  LogicalResult emitElementwise(Operation *op, const Buffer &in,
                                const Buffer &out, int64_t threads,
                                FunctionScope &scope,
                                raw_indented_ostream &os);
  LogicalResult emitChain(ArrayRef<ChainLink> links, const Buffer &in,
                          const Buffer &out, int64_t threads,
                          FunctionScope &scope, raw_indented_ostream &os);
  FailureOr<std::string> chainStage(ChainLink link, const Buffer &chain,
                                    int index, FunctionScope &scope,
                                    raw_indented_ostream &os);
  LogicalResult emitRope(RopeOp rope, const Buffer &in, const Buffer &out,
                         FunctionScope &scope, raw_indented_ostream &os);

  // Helpers of the kernels.
  FailureOr<GemmBody> analyzeGemm(kernel::GemmOp op);
  FailureOr<Buffer> lookup(Value value, Operation *user, FunctionScope &scope);
  void requireSameSize(const Dim &dim, const Dim &expected,
                       FunctionScope &scope);
  void requireLeadingDims(const Buffer &buffer, const Buffer &reference,
                          unsigned count, FunctionScope &scope);
  std::string positionsText(Operation *op, Value positions,
                            const Buffer &input, unsigned trailing,
                            FunctionScope &scope, std::string &posType);
  std::string emitFrequencyTable(Operation *op, ArrayRef<double> freqs,
                                 StringRef what, FunctionScope &scope);

  raw_indented_ostream os;
  bool usesSm90Gemm = false; // some GEMM was emitted on Sm90Gemm.h
};

//===- Declarations -------------------------------------------------------===//

std::string CudaEmitter::entrySignature(const Signature &sig) {
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

std::string CudaEmitter::packSignature(const Signature &sig,
                                       const Parameter &arg) {
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

LogicalResult CudaEmitter::emitHeader(ModuleOp module) {
  SmallVector<Signature> sigs;
  for (auto func : module.getOps<func::FuncOp>()) {
    FailureOr<Signature> sig = analyzeSignature(func);
    if (failed(sig))
      return failure();
    sigs.push_back(std::move(*sig));
  }
  os << "// Generated by xfuse-translate --emit-cuda-header from "
     << locationText(module.getLoc()) << ". Do not edit.\n"
     << "#pragma once\n\n"
     << "#include \"runtime/Status.h\"\n"
     << "#include \"runtime/TensorView.h\"\n"
     << "#include \"runtime/WeightPacking.h\"\n"
     << "#include \"runtime/Workspace.h\"\n\n"
     << "#include <cuda_runtime_api.h>\n\n"
     << "namespace xfuse::generated {\n\n";
  emitDeclarations(sigs);
  os << "} // namespace xfuse::generated\n";
  return success();
}

//===- Source -------------------------------------------------------------===//

LogicalResult CudaEmitter::emitSource(ModuleOp module,
                                      StringRef headerInclude) {
  SmallVector<std::pair<func::FuncOp, Signature>> funcs;
  for (Operation &op : module.getBody()->getOperations()) {
    auto func = dyn_cast<func::FuncOp>(op);
    if (!func)
      return op.emitError("cannot emit '")
             << op.getName() << "': expected only func.func in the module";
    FailureOr<Signature> sig = analyzeSignature(func);
    if (failed(sig))
      return failure();
    funcs.emplace_back(func, std::move(*sig));
  }

  // Functions are emitted into a buffer first: an error leaves `os` empty
  // rather than holding half a file.
  std::string body;
  bool sm90Gemm = false;
  {
    llvm::raw_string_ostream bodyStream(body);
    CudaEmitter bodyEmitter(bodyStream);
    for (auto &[func, sig] : funcs)
      if (failed(bodyEmitter.emitFunction(func, sig)))
        return failure();
    sm90Gemm = bodyEmitter.usesSm90Gemm;
  }

  os << "// Generated by xfuse-translate --emit-cuda from "
     << locationText(module.getLoc()) << ". Do not edit.\n"
     << "//\n"
     << "// Each xkernel op is one launch of a building block of "
        "cuda/device.\n"
     << "// Each GEMM kernel says which main loop runs it: GemmSm90Mainloop "
        "(TMA +\n"
     << "// wgmma) for the sm_90a plans the Hopper GEMM supports, else "
        "GemmSm80Mainloop\n"
     << "// (mma.sync, the plan's warpgroups as 4 warps each; no clusters). "
        "Neither\n"
     << "// uses the interleaved gate/up weight packing (planned for TMA) "
        "yet.\n";
  if (!headerInclude.empty())
    os << "#include \"" << headerInclude << "\"\n\n";
  os << "#include \"cuda/device/Gemm.h\"\n";
  // Only where used: its inline assembly (wgmma, setmaxnreg) is sm_90a's.
  if (sm90Gemm)
    os << "#include \"cuda/device/Sm90Gemm.h\"\n";
  os << "#include \"cuda/device/DynamicNtk.h\"\n"
     << "#include \"cuda/device/RoPE.h\"\n"
     << "#include \"cuda/device/RowChain.h\"\n"
     << "#include \"cuda/host/EntryPoint.h\"\n"
     << "#include \"runtime/Workspace.h\"\n\n"
     << "#include <cuda_runtime.h>\n\n"
     << "#include <cstdint>\n\n"
     << "namespace xfuse::generated {\n\n";
  if (headerInclude.empty()) {
    SmallVector<Signature> sigs;
    for (auto &entry : funcs)
      sigs.push_back(entry.second);
    emitDeclarations(sigs);
  }
  os << body << "} // namespace xfuse::generated\n";
  return success();
}

void CudaEmitter::emitPackHelper(const Signature &sig, const Parameter &arg) {
  kernel::InterleaveAttr interleave = arg.packing.getInterleave();
  if (interleave)
    os << "// The plan interleaves " << arg.name << " with arg"
       << interleave.getPartner() << " in blocks of "
       << interleave.getBlockN()
       << " rows for one TMA load; both main loops read gate and up\n"
       << "// from separate buffers (two tensor maps on sm_90a), so each is "
          "packed alone.\n";
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

LogicalResult CudaEmitter::bindArguments(func::FuncOp func,
                                         FunctionScope &scope) {
  auto &checks = scope.argumentChecks;
  for (auto [i, param] : llvm::enumerate(scope.sig.args)) {
    Buffer buffer{param.name, param.name + ".data", false, param.type, {}};
    if (param.packing) {
      if (param.type.getRank() != 2 || !param.type.hasStaticShape())
        return func.emitError("cannot emit @")
               << scope.sig.name << ": weight " << param.name
               << " must be a static rank-2 tensor";
      Type element = param.type.getElementType();
      if (!element.isBF16() && !element.isF16())
        return func.emitError("cannot emit @")
               << scope.sig.name << ": weight " << param.name
               << " must be bf16 or f16 (the GEMM's operand types)";
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
      buffer.dims = {Dim{std::to_string(n), ""}, Dim{std::to_string(k), ""}};
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
        buffer.dims.push_back(Dim{std::to_string(size), ""});
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

//===- Checks -------------------------------------------------------------===//

void CudaEmitter::requireSameSize(const Dim &dim, const Dim &expected,
                                  FunctionScope &scope) {
  if (dim.expr == expected.expr)
    return;
  auto what = [](const Dim &d) { return d.isStatic() ? "the graph" : d.what; };
  scope.addCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectSameSize({}, \"{}\", {}, \"{}\"));",
      dim.expr, what(dim), expected.expr, what(expected)));
}

void CudaEmitter::requireLeadingDims(const Buffer &buffer,
                                     const Buffer &reference, unsigned count,
                                     FunctionScope &scope) {
  for (unsigned d = 0; d < count; ++d)
    requireSameSize(buffer.dims[d], reference.dims[d], scope);
}

FailureOr<Buffer> CudaEmitter::lookup(Value value, Operation *user,
                                      FunctionScope &scope) {
  auto it = scope.buffers.find(value);
  if (it == scope.buffers.end())
    return user->emitError("cannot emit '")
           << user->getName() << "': an operand is computed inside the "
           << "kernel where the device blocks need it in memory";
  return it->second;
}

//===- Kernels ------------------------------------------------------------===//

LogicalResult CudaEmitter::bindKernelResults(Operation *kernelOp, int index,
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
        buffer.dims.push_back(Dim{std::to_string(size), ""});
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
      for (auto [d, dim] : llvm::enumerate(buffer.dims))
        if (!dim.isStatic())
          requireSameSize(Dim{fmt::format("{}.shape[{}]", param.name, d),
                              fmt::format("'{}' dim {}", param.name, d)},
                          dim, scope);
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
      appendIndented(scope.launches,
                     fmt::format("void *const {} = static_cast<char *>("
                                 "planned) + {};",
                                 buffer.address, *offset));
      scope.usesPlannedWorkspace = true;
    }
    scope.buffers[result] = buffer;
  }
  return success();
}

LogicalResult CudaEmitter::emitKernel(Operation *op, int index,
                                      func::ReturnOp ret,
                                      FunctionScope &scope,
                                      raw_indented_ostream &out) {
  if (op->getNumResults() != 1)
    return op->emitError("cannot emit a kernel with ")
           << op->getNumResults() << " results yet: the device blocks "
           << "write one tensor";
  Block &body = op->getRegion(0).front();
  // The block's arguments are the kernel's inputs.
  for (auto [arg, input] : llvm::zip(body.getArguments(), op->getOperands())) {
    FailureOr<Buffer> buffer = lookup(input, op, scope);
    if (failed(buffer))
      return failure();
    scope.buffers[arg] = *buffer;
  }
  // The main input: what the first op of the body reads.
  Operation *first = nullptr;
  for (Operation &inner : body.without_terminator())
    if (!isa<arith::ConstantOp, tensor::DimOp>(inner)) {
      first = &inner;
      break;
    }
  if (!first || first->getNumOperands() == 0 ||
      !isa<BlockArgument>(first->getOperand(0)))
    return op->emitError("cannot emit a kernel whose body does not start "
                         "from one of its inputs");
  const Buffer primary = scope.buffers[first->getOperand(0)];
  if (failed(bindKernelResults(op, index, primary, ret, scope)))
    return failure();
  const Buffer result = scope.buffers[op->getResult(0)];

  out << fmt::format("// Kernel {}: {} at {}\n", index, op->getName().getStringRef().str(),
                     locationText(op->getLoc()));
  if (Attribute plan = op->getAttr("plan"))
    out << "//   plan " << attrText(plan) << "\n";
  for (Operation &inner : body.without_terminator())
    if (!isa<arith::ConstantOp, tensor::DimOp>(inner))
      out << fmt::format("//   {} at {}\n",
                         inner.getName().getStringRef().str(),
                         locationText(inner.getLoc()));
  out << "{\n";
  out.indent();
  LogicalResult emitted =
      TypeSwitch<Operation *, LogicalResult>(op)
          .Case<kernel::GemmOp>(
              [&](auto gemm) { return emitGemm(gemm, result, scope, out); })
          .Case<kernel::PointwiseOp>([&](auto pointwise) {
            return emitPointwise(pointwise, result, scope, out);
          })
          .Default([&](Operation *other) {
            return other->emitError("cannot emit '")
                   << other->getName() << "': not a kernel op";
          });
  out.unindent();
  out << "}\n";
  return emitted;
}

FailureOr<GemmBody> CudaEmitter::analyzeGemm(kernel::GemmOp op) {
  GemmBody body;
  Value chain; // the value the epilogue has reached
  auto unsupported = [&](Operation &inner, StringRef why) {
    return inner.emitError("cannot emit '")
           << inner.getName() << "' in an xkernel.gemm yet: " << why;
  };
  for (Operation &inner : op.getBodyBlock().without_terminator()) {
    if (isa<arith::ConstantOp, tensor::DimOp>(inner))
      continue;
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

LogicalResult CudaEmitter::emitGemm(kernel::GemmOp op, const Buffer &result,
                                    FunctionScope &scope,
                                    raw_indented_ostream &out) {
  FailureOr<GemmBody> body = analyzeGemm(op);
  if (failed(body))
    return failure();
  if (!op.getPlan())
    return op.emitError("cannot emit an xkernel.gemm without a plan; run "
                        "xfuse-opt --xfuse-pipeline first");
  kernel::GemmPlanAttr plan = *op.getPlan();
  // The Hopper main loop runs the sm_90a plans it supports; every other plan
  // runs on the sm_80 one.
  const std::string sm90Unsupported = sm90GemmUnsupportedReason(
      plan, *body, getElementTypeOrSelf(body->linears.front().getInput()));
  const bool sm90 = sm90Unsupported.empty();
  // A plan is a performance hint: the sm_80 GEMM has no split-K yet, so a
  // split plan runs unsplit there, with the same result.
  if (plan.getSplitK() != 1 && !sm90)
    out << "// The plan splits K in " << plan.getSplitK()
        << "; the sm_80 GEMM has no split-K yet and runs it unsplit.\n";
  int64_t tileK = plan.getTileK(), warpsM = 0, warpsN = 0;
  if (!sm90) {
    if (tileK != 16 && tileK != 32 && tileK != 64)
      return op.emitError("cannot emit tile_k = ")
             << tileK << ": the sm_80 main loop needs 16, 32 or 64";
    // Warps of the sm_80 main loop: 4 per warpgroup, split so that each
    // warp's tile is as square as allowed (whole m16 rows, pairs of n8
    // columns).
    int64_t warps = 4 * plan.getWarpgroups();
    for (int64_t wm = 1; wm <= warps; ++wm) {
      int64_t wn = warps / wm;
      if (warps % wm || plan.getTileM() % (16 * wm) ||
          plan.getTileN() % (16 * wn))
        continue;
      int64_t skew = std::abs(plan.getTileM() / wm - plan.getTileN() / wn);
      if (!warpsM || skew < std::abs(plan.getTileM() / warpsM -
                                     plan.getTileN() / warpsN)) {
        warpsM = wm;
        warpsN = wn;
      }
    }
    if (!warpsM)
      return op.emitError("cannot split ")
             << warps << " warps over a " << plan.getTileM() << "x"
             << plan.getTileN() << " tile in whole mma.sync fragments";
  }

  LinearOp linear = body->linears.front();
  FailureOr<Buffer> a = lookup(
      body->prologue ? body->prologue->getOperand(0) : linear.getInput(), op,
      scope);
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
    encoded.address = "scratch" + std::to_string(scope.scratchBytes.size());
    scope.scratchBytes.push_back(fmt::format(
        "static_cast<std::size_t>({}) * sizeof({})", productText(a->dims), T));
    out << "// Not fused yet: the A prologue runs as its own kernel into "
           "scratch.\n";
    if (failed(emitElementwise(body->prologue, *a, encoded, 0, scope, out)))
      return failure();
    aPointer = fmt::format("static_cast<const {} *>({})", T, encoded.address);
  }

  SmallVector<std::string> weights;
  for (LinearOp l : body->linears) {
    FailureOr<Buffer> w = lookup(l.getWeight(), l, scope);
    if (failed(w))
      return failure();
    if (!w->packedWeight || w->elementType() != element)
      return l.emitError("cannot emit the weight of this linear: it must be a "
                         "function argument of the input's type, packed as "
                         "planned by xkernel.weight_packing");
    weights.push_back(pointerText(*w));
  }

  // Epilogue functors, in body order: a list of {type, value} pairs.
  using Chain = SmallVector<std::pair<std::string, std::string>>;
  auto chainType = [](const Chain &chain) {
    std::string types;
    llvm::interleave(
        chain, [&](const auto &op) { types += op.first; },
        [&] { types += ", "; });
    return "device::EpilogueChain<" + types + ">";
  };
  auto chainValue = [&](const Chain &chain) {
    std::string values;
    for (const auto &op : chain)
      values += (values.empty() ? "\n    " : ",\n    ") + op.second;
    return chainType(chain) + "(" + values + ")";
  };
  auto biasOf = [&](LinearOp l, Chain &chain) -> LogicalResult {
    if (!l.getBias())
      return success();
    FailureOr<Buffer> bias = lookup(l.getBias(), l, scope);
    if (failed(bias))
      return failure();
    std::string type = fmt::format("device::BiasAdd<{}>",
                                   *cppElementType(bias->elementType()));
    chain.emplace_back(type, type + "{" + pointerText(*bias) + "}");
    return success();
  };
  Chain gateChain, upChain, outChain;
  if (failed(biasOf(body->linears.front(), body->gate ? gateChain : outChain)))
    return failure();
  if (body->gate && failed(biasOf(body->linears[1], upChain)))
    return failure();
  auto linearType = cast<RankedTensorType>(linear.getType());
  for (auto [inner, addendValue] : body->epilogue) {
    if (auto act = dyn_cast<ActivationOp>(inner)) {
      std::string type = fmt::format("device::Activate<{}>",
                                     deviceActivation(act.getKind()));
      outChain.emplace_back(type, type + "{}");
      continue;
    }
    FailureOr<Buffer> addend = lookup(addendValue, inner, scope);
    if (failed(addend))
      return failure();
    std::string addendType = *cppElementType(addend->elementType());
    if (addend->type.getShape() == ArrayRef<int64_t>{n}) {
      std::string type = fmt::format("device::BiasAdd<{}>", addendType);
      outChain.emplace_back(type, type + "{" + pointerText(*addend) + "}");
      continue;
    }
    if (addend->type.getShape() != linearType.getShape())
      return inner->emitError("cannot emit this xfuse.add in a GEMM "
                              "epilogue: the other operand must have the "
                              "output's shape or be a [n] vector");
    requireLeadingDims(*addend, *a, addend->type.getRank() - 1, scope);
    std::string type = fmt::format("device::ResidualAdd<{}>", addendType);
    outChain.emplace_back(
        type, fmt::format("{}{{{}, {}}}", type, pointerText(*addend), n));
  }

  if (sm90) {
    out << "// Main loop: GemmSm90Mainloop (TMA + wgmma), one persistent "
           "block per SM.\n";
    out << "using Tile = " << sm90TileType(plan) << ";\n";
  } else {
    out << "// Main loop: GemmSm80Mainloop (mma.sync)"
        << (plan.getTarget() == kernel::Target::sm_90a
                ? ", not the Hopper one: " + sm90Unsupported
                : std::string())
        << ".\n";
    out << fmt::format(
        "using Tile = device::GemmTile<{}, {}, {}, {}, {}, {}>;\n",
        plan.getTileM(), plan.getTileN(), tileK, plan.getStages(), warpsM,
        warpsN);
  }
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
  if (body->gate)
    out << fmt::format("const device::GatedProduct<{}, {}, {}, {}> epilogue{{"
                       "\n    {},\n    {},\n    {}}};\n",
                       deviceActivation(body->gate.getActivation()),
                       chainType(gateChain), chainType(upChain),
                       chainType(outChain), chainValue(gateChain),
                       chainValue(upChain), chainValue(outChain));
  else
    out << "const auto epilogue = " << chainValue(outChain) << ";\n";
  if (sm90) {
    // The TMA maps hold A's address and m, both known only per call, so
    // they are encoded on every call: host work alone (two
    // cuTensorMapEncodeTiled, no device round trip).
    out << fmt::format("device::GemmSm90Params<{}, {}> sm90Params;\n",
                       *outType, weights.size());
    out << "XFUSE_CUDA_TRY((device::prepareGemmSm90<Tile>(params, "
           "&sm90Params)));\n";
    // Split-K: at most one slice per 64-wide k-tile (setGemmSm90SplitK).
    const int64_t splits = std::min<int64_t>(plan.getSplitK(), (k + 63) / 64);
    if (splits > 1) {
      // The slices add f32 partials in scratch and count their arrivals in
      // the workspace's counters, which every launch leaves at zero: no
      // clearing per call.
      const std::string tile = sm90TileType(plan);
      std::string scratch =
          "scratch" + std::to_string(scope.scratchBytes.size());
      scope.scratchBytes.push_back(fmt::format(
          "device::Sm90SplitKWorkspace<{}, {}>::partialBytes("
          "static_cast<int>({}), {}, {})",
          tile, weights.size(), m, n, splits));
      int64_t staticRows;
      // With no rows the scratch may be empty (null); the launch does
      // nothing then, so it stays unsplit.
      const bool mayBeEmpty = StringRef(m).getAsInteger(10, staticRows) ||
                              staticRows <= 0;
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
          weights.size());
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
    usesSm90Gemm = true;
  } else {
    out << "XFUSE_CUDA_TRY((device::launchGemm<Tile>(params, epilogue, "
           "stream)));\n";
  }

  if (body->rope) {
    // RoPE pairs features rotary_dim / 2 apart (neox), which no epilogue
    // thread holds together; it runs in place on the output instead.
    out << "// Not fused yet: RoPE runs in place on the GEMM's output.\n";
    if (failed(emitElementwise(body->rope, result, result, 0, scope, out)))
      return failure();
  }
  return success();
}

LogicalResult CudaEmitter::emitPointwise(kernel::PointwiseOp op,
                                         const Buffer &result,
                                         FunctionScope &scope,
                                         raw_indented_ostream &out) {
  if (!op.getPlan())
    return op.emitError("cannot emit an xkernel.pointwise without a plan; "
                        "run xfuse-opt --xfuse-pipeline first");
  FailureOr<SmallVector<ChainLink>> links = analyzePointwise(op, result);
  if (failed(links))
    return failure();
  FailureOr<Buffer> in = lookup(links->front().op->getOperand(0), op, scope);
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
  const bool split = parts.size() > 1;
  if (split)
    out << "// Not fused yet: RoPE runs as its own launch, so this kernel "
           "is " << parts.size() << " launches,\n// each after the first in "
           "place on the result.\n";
  const Buffer *source = &*in;
  for (ArrayRef<ChainLink> part : parts) {
    if (split) {
      out << "{\n";
      out.indent();
    }
    if (failed(isa<RopeOp>(part.front().op)
                   ? emitRope(cast<RopeOp>(part.front().op), *source, result,
                              scope, out)
                   : emitChain(part, *source, result,
                               op.getPlan()->getThreads(), scope, out)))
      return failure();
    if (split) {
      out.unindent();
      out << "}\n";
    }
    source = &result;
  }
  return success();
}

FailureOr<SmallVector<ChainLink>>
CudaEmitter::analyzePointwise(kernel::PointwiseOp op, const Buffer &result) {
  // --xfuse-form-kernels grows a pointwise kernel along single-use values,
  // so its body is one chain: each op reads the previous op's result, and
  // everything else comes from the kernel's inputs.
  SmallVector<ChainLink> links;
  Value chain;
  for (Operation &inner : op.getBodyBlock().without_terminator()) {
    if (isa<arith::ConstantOp, tensor::DimOp>(inner))
      continue;
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

std::string CudaEmitter::positionsText(Operation *op, Value positions,
                                       const Buffer &input, unsigned trailing,
                                       FunctionScope &scope,
                                       std::string &posType) {
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
  Buffer buffer = *lookup(positions, op, scope);
  posType = *cppElementType(buffer.elementType());
  requireLeadingDims(buffer, input, buffer.dims.size(), scope);
  return fmt::format("device::TokenPositions<{}>{{{}, 1}}", posType,
                     pointerText(buffer));
}

std::string CudaEmitter::emitFrequencyTable(Operation *op,
                                            ArrayRef<double> freqs,
                                            StringRef what,
                                            FunctionScope &scope) {
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

LogicalResult CudaEmitter::emitElementwise(Operation *op, const Buffer &in,
                                           const Buffer &out, int64_t threads,
                                           FunctionScope &scope,
                                           raw_indented_ostream &os) {
  // In its own scope: a GEMM may run one before and one after itself.
  os << "{\n";
  os.indent();
  LogicalResult emitted =
      isa<RopeOp>(op)
          ? emitRope(cast<RopeOp>(op), in, out, scope, os)
          : emitChain(ChainLink{op, 0}, in, out, threads, scope, os);
  os.unindent();
  os << "}\n";
  return emitted;
}

FailureOr<std::string> CudaEmitter::chainStage(ChainLink link,
                                               const Buffer &chain,
                                               int index,
                                               FunctionScope &scope,
                                               raw_indented_ostream &os) {
  Operation *op = link.op;
  const std::string T = *cppElementType(chain.elementType());
  const int64_t dim = chain.lastDim();
  // The operand of a binary op that is not the chain's value.
  auto other = [&]() { return lookup(op->getOperand(1 - link.chainOperand),
                                     op, scope); };
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
          requireSameSize(addend->dims[d], chain.dims[offset + d], scope);
        return fmt::format("device::AddStage<{}>{{{}, {}, {}}}", T,
                           pointerText(*addend),
                           rank == 0 ? "0" : rowsText(*addend), dim);
      })
      .Case<GateOp>([&](GateOp gate) -> FailureOr<std::string> {
        FailureOr<Buffer> operand = other();
        if (failed(operand))
          return failure();
        requireLeadingDims(*operand, chain, chain.dims.size() - 1, scope);
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
        std::string table = emitFrequencyTable(
            op, freqs, fmt::format("base^(-2i/{}) for base {}", dim, base),
            scope);
        std::string posType;
        std::string positions =
            positionsText(op, pe.getPositions(), chain, 1, scope, posType);
        os << fmt::format("XFUSE_ASSIGN_OR_RETURN(const float2 *frequencies{}"
                          ", deviceAddress({}));\n",
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
        FailureOr<Buffer> table = lookup(pe.getTable(), op, scope);
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
        FailureOr<Buffer> weight = lookup(norm.getWeight(), op, scope);
        if (failed(weight))
          return failure();
        std::string bias = "nullptr";
        if constexpr (std::is_same_v<decltype(norm), LayerNormOp>) {
          if (norm.getBias()) {
            FailureOr<Buffer> b = lookup(norm.getBias(), op, scope);
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

LogicalResult CudaEmitter::emitChain(ArrayRef<ChainLink> links,
                                     const Buffer &in, const Buffer &out,
                                     int64_t threads, FunctionScope &scope,
                                     raw_indented_ostream &os) {
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
        chainStage(link, in, static_cast<int>(i), scope, os);
    if (failed(stage))
      return failure();
    stages.push_back(*stage);
  }
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

LogicalResult CudaEmitter::emitRope(RopeOp rope, const Buffer &in,
                                    const Buffer &out, FunctionScope &scope,
                                    raw_indented_ostream &os) {
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
  if (auto ntk = dyn_cast_if_present<DynamicNtkScalingAttr>(scaling)) {
    // The base depends on the largest position of the call, which is on
    // the device: a one-block kernel writes the table into scratch.
    std::string scratch = "scratch" + std::to_string(scope.scratchBytes.size());
    scope.scratchBytes.push_back(
        fmt::format("{} * sizeof(float2)", rotaryDim / 2));
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
    std::string table = emitFrequencyTable(
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

//===- Functions ----------------------------------------------------------===//

LogicalResult CudaEmitter::emitFunction(func::FuncOp func,
                                        const Signature &sig) {
  FunctionScope scope;
  scope.sig = sig;
  if (func.getBody().getBlocks().size() != 1)
    return func.emitError("cannot emit a function with control flow");
  if (failed(bindArguments(func, scope)))
    return failure();

  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());

  std::string kernels;
  int index = 0;
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (!isa<kernel::GemmOp, kernel::PointwiseOp>(op))
      return op.emitError("cannot emit '")
             << op.getName() << "' outside a kernel; expected the output "
             << "of xfuse-opt --xfuse-pipeline";
    // Result buffers are declared in scope.launches; the kernel itself goes
    // to `kernels` and is appended right after them.
    std::string text;
    llvm::raw_string_ostream raw(text);
    raw_indented_ostream out(raw);
    out.indent();
    if (failed(emitKernel(&op, index++, ret, scope, out)))
      return failure();
    scope.launches += text;
  }
  // A returned value that no kernel wrote into its result (an argument,
  // e.g. after an identity activation folded away, or a value returned
  // twice) is copied there after the kernels.
  for (auto [i, operand] : llvm::enumerate(ret.getOperands())) {
    const Parameter &param = sig.results[i];
    auto it = scope.buffers.find(operand);
    if (it == scope.buffers.end() || it->second.packedWeight)
      return ret.emitError("cannot emit a function that returns a value no "
                           "kernel computes");
    const Buffer &source = it->second;
    if (source.address == param.name + ".data")
      continue;
    for (auto [d, dim] : llvm::enumerate(source.dims))
      if (!dim.isStatic())
        requireSameSize(Dim{fmt::format("{}.shape[{}]", param.name, d),
                            fmt::format("'{}' dim {}", param.name, d)},
                        dim, scope);
    appendIndented(
        scope.launches,
        fmt::format("// {} is {}: a copy.\n"
                    "XFUSE_CUDA_TRY(cudaMemcpyAsync(\n"
                    "    {}.data, {},\n"
                    "    static_cast<std::size_t>({}) * sizeof({}),\n"
                    "    cudaMemcpyDeviceToDevice, stream));",
                    param.name, source.name, param.name, source.address,
                    productText(source.dims),
                    *cppElementType(source.elementType())));
  }

  // The planned workspace, then scratch for prologues that are not fused.
  std::string workspace;
  {
    llvm::raw_string_ostream raw(workspace);
    raw << "workspace.reset();\n";
    if (scope.usesPlannedWorkspace || !scope.scratchBytes.empty()) {
      SmallVector<std::string> parts;
      if (scope.usesPlannedWorkspace) {
        FailureOr<std::string> bytes =
            affineText(sig.workspace.getBytes().getValue().getResult(0));
        if (failed(bytes))
          return func.emitError("cannot emit the workspace size ")
                 << sig.workspace;
        raw << "// Planned by --xfuse-plan-memory: "
            << attrText(sig.workspace.getBytes()) << "\n"
            << "const auto plannedBytes = static_cast<std::size_t>(" << *bytes
            << ");\n";
        parts.push_back("rt::Workspace::alignUp(plannedBytes)");
      }
      for (auto [i, scratch] : llvm::enumerate(scope.scratchBytes)) {
        raw << fmt::format("const std::size_t scratch{}Bytes = {};\n", i,
                           scratch);
        parts.push_back(
            fmt::format("rt::Workspace::alignUp(scratch{}Bytes)", i));
      }
      raw << "XFUSE_RETURN_IF_ERROR(workspace.reserve(\n    "
          << llvm::join(parts, " + ") << "));\n";
      if (scope.usesPlannedWorkspace)
        raw << "XFUSE_ASSIGN_OR_RETURN(void *planned, "
               "workspace.carve(plannedBytes));\n";
      for (size_t i = 0; i < scope.scratchBytes.size(); ++i)
        raw << fmt::format("XFUSE_ASSIGN_OR_RETURN(void *scratch{0}, "
                           "workspace.carve(scratch{0}Bytes));\n",
                           i);
    }
  }

  std::string body;
  appendIndented(body, "// Arguments are checked before any launch.");
  for (const std::string &check : scope.argumentChecks)
    appendIndented(body, check);
  // A size no check or kernel reads would be an unused variable.
  std::string readers = llvm::join(scope.checks, "\n") + workspace +
                        scope.launches;
  SmallVector<std::string> sizes;
  for (const auto &[sym, decl] : scope.sizes)
    if (llvm::Regex("[[:<:]]" + sym + "[[:>:]]").match(readers))
      sizes.push_back(decl);
  if (!sizes.empty()) {
    appendIndented(body, "// sN: the N-th dynamic size of the arguments, as "
                         "in the plan's maps.");
    for (const std::string &decl : sizes)
      appendIndented(body, decl);
  }
  for (const std::string &check : scope.checks)
    appendIndented(body, check);
  appendIndented(body, workspace);
  body += scope.launches;

  os << scope.tables << entrySignature(sig) << " {\n"
     << body << "  return rt::Status::ok();\n}\n\n";
  for (const Parameter &arg : sig.args)
    if (arg.packing)
      emitPackHelper(sig, arg);
  return success();
}

} // namespace

LogicalResult mlir::xfuse::emitCudaSource(ModuleOp module, raw_ostream &os,
                                          StringRef headerInclude) {
  return CudaEmitter(os).emitSource(module, headerInclude);
}

LogicalResult mlir::xfuse::emitCudaHeader(ModuleOp module, raw_ostream &os) {
  return CudaEmitter(os).emitHeader(module);
}
