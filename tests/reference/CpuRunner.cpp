//===- CpuRunner.cpp - run lowered xfuse functions on the CPU ------------===//

#include "tests/reference/CpuRunner.h"

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace xfuse::check {
using reference::Tensor;

namespace {

/// Names the wrapper module adds; a checked function must not use them.
constexpr llvm::StringLiteral kEntryName = "xfuse_check_main";
constexpr llvm::StringLiteral kPrintName = "printMemrefI32";

/// mlir-opt's CPU pipeline from tensors to the LLVM dialect.
const char *const kCpuPipeline[] = {
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-loops",
    "--expand-strided-metadata",
    "--lower-affine",
    "--convert-scf-to-cf",
    "--arith-expand=include-bf16=true",
    // math-to-llvm goes first because it expands rsqrt, for which
    // math-to-libm would emit a call to the nonexistent `rsqrtf`; math-to-libm
    // then takes what has no LLVM intrinsic (erf, ...).
    "--convert-math-to-llvm",
    "--convert-math-to-libm",
    "--finalize-memref-to-llvm",
    "--convert-arith-to-llvm",
    "--convert-cf-to-llvm",
    "--convert-func-to-llvm",
    "--reconcile-unrealized-casts",
};

/// Generous bound on one mlir-opt or mlir-runner invocation, so that a
/// miscompiled loop fails the check instead of hanging it.
constexpr unsigned kToolTimeoutSeconds = 300;

/// Collects the diagnostics emitted while it lives, to be reported as part of
/// an llvm::Error rather than printed where they arise.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(MLIRContext *context)
      : handler(context, [this](Diagnostic &diagnostic) {
          llvm::raw_string_ostream stream(text);
          stream << "\n  " << diagnostic.getLocation() << ": " << diagnostic;
          for (Diagnostic &note : diagnostic.getNotes())
            stream << "\n    note: " << note;
          return success();
        }) {}

  llvm::Error error(const llvm::Twine &summary) const {
    return llvm::createStringError(summary + text);
  }

private:
  std::string text;
  ScopedDiagnosticHandler handler;
};

/// A temporary file, deleted when this goes out of scope.
class TemporaryFile {
public:
  static llvm::Expected<TemporaryFile> create(llvm::StringRef suffix) {
    TemporaryFile file;
    if (std::error_code error = llvm::sys::fs::createTemporaryFile(
            "xfuse-reference-check", suffix, file.path))
      return llvm::createStringError(error, "cannot create a temporary file: " +
                                                error.message());
    return file;
  }
  TemporaryFile(TemporaryFile &&other) : path(std::move(other.path)) {
    other.path.clear();
  }
  TemporaryFile &operator=(TemporaryFile &&) = delete;
  ~TemporaryFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
  llvm::StringRef getPath() const { return path; }

private:
  TemporaryFile() = default;
  llvm::SmallString<128> path;
};

DenseElementsAttr toAttribute(const Tensor &tensor, RankedTensorType type) {
  Type elementType = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    for (double value : tensor.data) {
      APFloat element(value);
      bool losesInfo;
      element.convert(floatType.getFloatSemantics(),
                      APFloat::rmNearestTiesToEven, &losesInfo);
      values.push_back(element);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (double value : tensor.data)
    values.emplace_back(width, static_cast<int64_t>(value), /*isSigned=*/true);
  return DenseElementsAttr::get(type, values);
}

/// Emits the printing of `result` through printMemrefI32 as the bit patterns
/// of its elements widened to f32: exact, where printMemrefF32 would print
/// six significant digits.
void emitPrint(OpBuilder &builder, Location loc, Value result,
               func::FuncOp print) {
  auto type = cast<RankedTensorType>(result.getType());
  Type i32 = builder.getI32Type();
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    if (type.isDynamicDim(dim))
      dynamicSizes.push_back(tensor::DimOp::create(builder, loc, result, dim));
  Value bitsInit =
      tensor::EmptyOp::create(builder, loc, type.getShape(), i32, dynamicSizes);
  AffineMap identity = builder.getMultiDimIdentityMap(type.getRank());
  auto toBits = linalg::GenericOp::create(
      builder, loc, TypeRange{type.clone(i32)}, ValueRange{result},
      ValueRange{bitsInit}, ArrayRef<AffineMap>{identity, identity},
      SmallVector<utils::IteratorType>(type.getRank(),
                                       utils::IteratorType::parallel),
      [](OpBuilder &body, Location loc, ValueRange arguments) {
        Value value = arguments[0];
        if (!value.getType().isF32())
          value = arith::ExtFOp::create(body, loc, body.getF32Type(), value);
        Value bits =
            arith::BitcastOp::create(body, loc, body.getI32Type(), value);
        linalg::YieldOp::create(body, loc, bits);
      });
  Value buffer = bufferization::ToBufferOp::create(
      builder, loc, MemRefType::get(type.getShape(), i32), toBits.getResult(0));
  Value unranked = memref::CastOp::create(
      builder, loc, UnrankedMemRefType::get(i32, /*memorySpace=*/0), buffer);
  func::CallOp::create(builder, loc, print, ValueRange{unranked});
}

/// Adds to `module` the declaration of printMemrefI32 and an entry function
/// that calls `callee` on `inputs` as constants and prints its results.
LogicalResult addEntry(ModuleOp module, func::FuncOp callee,
                       const std::vector<Tensor> &inputs) {
  MLIRContext *context = module.getContext();
  Location loc = UnknownLoc::get(context);
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  Type unrankedI32 =
      UnrankedMemRefType::get(builder.getI32Type(), /*memorySpace=*/0);
  auto print = func::FuncOp::create(builder, loc, kPrintName,
                                    builder.getFunctionType({unrankedI32}, {}));
  print.setPrivate();
  print->setAttr("llvm.emit_c_interface", builder.getUnitAttr());

  auto entry = func::FuncOp::create(builder, loc, kEntryName,
                                    builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(entry.addEntryBlock());
  SmallVector<Value> arguments;
  for (auto [input, argumentType] :
       llvm::zip_equal(inputs, callee.getArgumentTypes())) {
    auto declaredType = cast<RankedTensorType>(argumentType);
    auto concreteType =
        RankedTensorType::get(input.shape, declaredType.getElementType());
    Value constant = arith::ConstantOp::create(
        builder, loc, toAttribute(input, concreteType));
    arguments.push_back(
        concreteType == declaredType
            ? constant
            : tensor::CastOp::create(builder, loc, declaredType, constant));
  }
  auto call = func::CallOp::create(builder, loc, callee, arguments);
  for (Value result : call.getResults())
    emitPrint(builder, loc, result, print);
  func::ReturnOp::create(builder, loc);
  return verify(module);
}

/// Runs `program` with `arguments`, its output going to `stdoutPath`; on
/// failure the error quotes what it wrote to stderr.
llvm::Error runProgram(llvm::StringRef program,
                       llvm::ArrayRef<llvm::StringRef> arguments,
                       llvm::StringRef stdoutPath) {
  llvm::Expected<TemporaryFile> stderrFile = TemporaryFile::create("txt");
  if (!stderrFile)
    return stderrFile.takeError();
  SmallVector<llvm::StringRef> argv = {program};
  argv.append(arguments.begin(), arguments.end());
  // An empty path redirects stdin from /dev/null.
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(), stdoutPath, llvm::StringRef(stderrFile->getPath())};
  std::string executionError;
  int exitCode = llvm::sys::ExecuteAndWait(program, argv, std::nullopt,
                                           redirects, kToolTimeoutSeconds,
                                           /*MemoryLimit=*/0, &executionError);
  if (exitCode == 0)
    return llvm::Error::success();
  std::string stderrText;
  if (auto buffer = llvm::MemoryBuffer::getFile(stderrFile->getPath()))
    stderrText = (*buffer)->getBuffer().rtrim().str();
  return llvm::createStringError(
      program + " failed" +
      (exitCode < 0 ? ": " + executionError
                    : " with exit code " + std::to_string(exitCode)) +
      (stderrText.empty() ? "" : ":\n" + stderrText));
}

/// Parses `count` tensors as printMemrefI32 prints them:
///   Unranked Memref base@ = 0x... rank = 2 offset = 0 sizes = [2, 3]
///   strides = [3, 1] data =
///   [[1065353216, ...], ...]
/// reading the f32 bit patterns. The element count comes from `sizes`: an
/// empty memref still prints a row of placeholder values.
llvm::Expected<std::vector<Tensor>> parsePrintedResults(llvm::StringRef output,
                                                        size_t count) {
  std::vector<Tensor> results;
  llvm::StringRef rest = output;
  auto malformed = [&](const llvm::Twine &what) {
    return llvm::createStringError(
        "cannot read result #" + llvm::Twine(results.size()) +
        " from mlir-runner's output: " + what + "\n" + output.take_front(2000));
  };
  constexpr llvm::StringLiteral kSizes = "sizes = [";
  constexpr llvm::StringLiteral kData = "data =";
  while (results.size() < count) {
    size_t sizesAt = rest.find(kSizes);
    if (sizesAt == llvm::StringRef::npos)
      return malformed("missing 'sizes = ['");
    rest = rest.drop_front(sizesAt + kSizes.size());
    Tensor result;
    llvm::StringRef sizes = rest.take_until([](char c) { return c == ']'; });
    // A rank-0 memref prints `sizes = []`.
    if (!sizes.trim().empty()) {
      for (llvm::StringRef size : llvm::split(sizes, ',')) {
        int64_t extent;
        if (size.trim().getAsInteger(10, extent))
          return malformed("bad size '" + size + "'");
        result.shape.push_back(extent);
      }
    }
    size_t dataAt = rest.find(kData);
    if (dataAt == llvm::StringRef::npos)
      return malformed("missing 'data ='");
    rest = rest.drop_front(dataAt + kData.size());
    int64_t elements = Tensor::elementCount(result.shape);
    result.data.reserve(elements);
    for (int64_t i = 0; i < elements; ++i) {
      rest = rest.ltrim(" \t\r\n[],");
      int64_t bits;
      if (rest.consumeInteger(10, bits))
        return malformed("expected " + llvm::Twine(elements) + " values, got " +
                         llvm::Twine(i));
      result.data.push_back(llvm::bit_cast<float>(static_cast<uint32_t>(bits)));
    }
    results.push_back(std::move(result));
  }
  return results;
}

} // namespace

/// Removes the kernel plans' function and argument attributes (weight
/// packing, workspace layout): they say how the GPU runs the function, not
/// what it computes, and mlir-opt does not know their dialect.
static void dropPlanAttributes(ModuleOp module) {
  auto isPlan = [](NamedAttribute attribute) {
    return attribute.getName().strref().starts_with("xkernel.");
  };
  for (auto func : module.getOps<func::FuncOp>()) {
    // A copy, which removing does not change; named, because a range-for
    // keeps only the outermost temporary of its range alive.
    SmallVector<NamedAttribute> funcAttributes =
        llvm::to_vector(func->getDiscardableAttrs());
    for (NamedAttribute attribute :
         llvm::make_filter_range(funcAttributes, isPlan))
      func->removeDiscardableAttr(attribute.getName());
    for (unsigned index = 0; index < func.getNumArguments(); ++index)
      if (DictionaryAttr attributes = func.getArgAttrDict(index))
        for (NamedAttribute attribute :
             llvm::make_filter_range(attributes.getValue(), isPlan))
          func.removeArgAttr(index, attribute.getName());
  }
}

llvm::Expected<OwningOpRef<ModuleOp>> lowerToLinalg(func::FuncOp func,
                                                    StringRef prePipeline) {
  MLIRContext *context = func.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(func.getLoc());
  module->push_back(func.clone());
  DiagnosticCollector diagnostics(context);
  PassManager passManager(context);
  std::string pipelineError;
  llvm::raw_string_ostream pipelineErrorStream(pipelineError);
  if (failed(parsePassPipeline(prePipeline, passManager, pipelineErrorStream)))
    return llvm::createStringError("bad pass pipeline '" + prePipeline +
                                   "': " + pipelineError);
  passManager.addPass(mlir::xfuse::createXFuseToLinalg());
  // A crashing lowering fails this function's check rather than the whole
  // run; the partly rewritten module is discarded.
  llvm::CrashRecoveryContext::Enable();
  llvm::CrashRecoveryContext crashRecovery;
  LogicalResult lowered = failure();
  if (!crashRecovery.RunSafely([&] { lowered = passManager.run(*module); }))
    return llvm::createStringError(
        "lowering crashed (xfuse-opt with the same passes on this function "
        "shows the backtrace)");
  if (failed(lowered))
    return diagnostics.error("lowering failed");
  dropPlanAttributes(*module);
  return module;
}

llvm::Expected<std::vector<Tensor>> runOnCpu(ModuleOp lowered,
                                             llvm::StringRef functionName,
                                             const std::vector<Tensor> &inputs,
                                             const RunnerTools &tools) {
  OwningOpRef<ModuleOp> wrapper = lowered.clone();
  for (llvm::StringRef reserved : {kEntryName, kPrintName})
    if (wrapper->lookupSymbol(reserved))
      return llvm::createStringError("the module already defines @" + reserved +
                                     ", which the checker's wrapper needs");
  auto callee = wrapper->lookupSymbol<func::FuncOp>(functionName);
  if (!callee)
    return llvm::createStringError("no function @" + functionName +
                                   " in the lowered module");
  if (callee.getNumArguments() != inputs.size())
    return llvm::createStringError(
        "@" + functionName + " takes " + llvm::Twine(callee.getNumArguments()) +
        " arguments, got " + llvm::Twine(inputs.size()) + " inputs");
  {
    DiagnosticCollector diagnostics(wrapper->getContext());
    if (failed(addEntry(*wrapper, callee, inputs)))
      return diagnostics.error("the wrapper module does not verify");
  }

  llvm::Expected<TemporaryFile> source = TemporaryFile::create("mlir");
  if (!source)
    return source.takeError();
  {
    std::error_code error;
    llvm::raw_fd_ostream stream(source->getPath(), error);
    if (error)
      return llvm::createStringError(error,
                                     "cannot write " + source->getPath());
    // With locations, mlir-opt's errors point into the checked file.
    wrapper->print(stream, OpPrintingFlags().enableDebugInfo());
  }

  llvm::Expected<TemporaryFile> llvmDialect = TemporaryFile::create("mlir");
  if (!llvmDialect)
    return llvmDialect.takeError();
  SmallVector<llvm::StringRef> optArguments(std::begin(kCpuPipeline),
                                            std::end(kCpuPipeline));
  optArguments.append({source->getPath(), "-o", llvmDialect->getPath()});
  if (llvm::Error error = runProgram(tools.mlirOpt, optArguments, ""))
    return std::move(error);

  llvm::Expected<TemporaryFile> output = TemporaryFile::create("txt");
  if (!output)
    return output.takeError();
  std::string sharedLibraries =
      "-shared-libs=" + tools.runtimeLibraryDirectory +
      "/libmlir_runner_utils.so," + tools.runtimeLibraryDirectory +
      "/libmlir_c_runner_utils.so";
  std::string entryOption = ("-e=" + kEntryName).str();
  if (llvm::Error error =
          runProgram(tools.mlirRunner,
                     {llvmDialect->getPath(), entryOption,
                      "-entry-point-result=void", sharedLibraries},
                     output->getPath()))
    return std::move(error);

  auto printed = llvm::MemoryBuffer::getFile(output->getPath());
  if (!printed)
    return llvm::createStringError(printed.getError(),
                                   "cannot read mlir-runner's output");
  return parsePrintedResults((*printed)->getBuffer(), callee.getNumResults());
}

} // namespace xfuse::check
