//===- xfuse-reference-check.cpp - lowering vs float64 reference ---------===//
//
// For every func.func of an xfuse file, draws random inputs, runs the function
// through --xfuse-to-linalg on the CPU (mlir-opt + mlir-runner) and through
// the independent float64 reference, and compares the results with a
// tolerance per element type: the relative L2 error must be within it, and no
// single element may be off by more than 10 times it in units of the
// reference's RMS (an error confined to a few elements, which the L2 norm
// averages away):
//
//   PASS @name (bf16, 2 results, max rel err 3.1e-03, max elem err 1.6e-02,
//               seed 1234)
//
// With --fused-pipeline (e.g. "xfuse-pipeline,xfuse-inline-kernels") each
// function also runs after that pipeline, and its results must match the
// reference as above and the unfused lowering bit for bit: once inlined, the
// fused plan runs the graph's own building blocks, each rounding its result
// to the element type, so any difference is a bug ("fused vs unfused
// bit-identical" in the line). A pipeline that rounds where the graph does
// not (tensor parallelism rounds each rank's partial output before the sum)
// states how many roundings it adds with --fused-max-ulps, and the line shows
// "fused vs unfused max diff 1.2e-01 (bound 2.5e-01)".
//
// Inputs are drawn function after function from one generator, so rerunning
// the file with the printed --seed replays them. Without --seed every
// function is checked twice: with a fixed seed, so that a run repeats and a
// failure in CI reproduces, and with one from the clock, so that runs keep
// exploring. Exits 1 if any function fails. Functions carrying the unit
// attribute `xfuse.skip_check` are skipped.
//
//===----------------------------------------------------------------------===//

#include "tests/reference/CpuRunner.h"
#include "tests/reference/Reference.h"
#include "tests/reference/ReferenceEvaluator.h"

#include "dialect/XFuseOps.h"
#include "passes/Passes.h"
#include "tools/common/ToolInput.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

using namespace mlir;
// `using namespace mlir` makes a bare `xfuse` ambiguous with mlir::xfuse.
namespace check = ::xfuse::check;
namespace reference = ::xfuse::reference;
using reference::Tensor;

namespace {

llvm::cl::OptionCategory checkCategory("xfuse-reference-check options");

llvm::cl::opt<std::string> inputFilename(llvm::cl::Positional,
                                         llvm::cl::desc("<input .mlir file>"),
                                         llvm::cl::Required,
                                         llvm::cl::cat(checkCategory));

llvm::cl::opt<uint64_t>
    seedOption("seed",
               llvm::cl::desc("Seed of the random inputs (default: a fixed "
                              "seed, then one from the clock; every result "
                              "line prints its seed)"),
               llvm::cl::cat(checkCategory));

llvm::cl::opt<int64_t>
    dynamicSize("dynamic-size",
                llvm::cl::desc("Extent given to every dynamic dimension"),
                llvm::cl::init(5), llvm::cl::cat(checkCategory));

llvm::cl::opt<int64_t> maxPosition(
    "max-position",
    llvm::cl::desc("Positions are drawn from [0, max-position), or from the "
                   "rows of the learned_pe table they index"),
    llvm::cl::init(4096), llvm::cl::cat(checkCategory));

llvm::cl::opt<double> toleranceF32("tolerance-f32",
                                   llvm::cl::desc("Relative L2 error bound "
                                                  "for f32 results"),
                                   llvm::cl::init(1e-5),
                                   llvm::cl::cat(checkCategory));
llvm::cl::opt<double> toleranceF16("tolerance-f16",
                                   llvm::cl::desc("Relative L2 error bound "
                                                  "for f16 results"),
                                   llvm::cl::init(2e-3),
                                   llvm::cl::cat(checkCategory));
llvm::cl::opt<double> toleranceBf16("tolerance-bf16",
                                    llvm::cl::desc("Relative L2 error bound "
                                                   "for bf16 results"),
                                    llvm::cl::init(1e-2),
                                    llvm::cl::cat(checkCategory));

llvm::cl::opt<std::string>
    mlirOptPath("mlir-opt", llvm::cl::desc("The mlir-opt to compile with"),
                llvm::cl::init(XFUSE_LLVM_TOOLS_DIR "/mlir-opt"),
                llvm::cl::cat(checkCategory));
llvm::cl::opt<std::string>
    mlirRunnerPath("mlir-runner", llvm::cl::desc("The mlir-runner to run with"),
                   llvm::cl::init(XFUSE_LLVM_TOOLS_DIR "/mlir-runner"),
                   llvm::cl::cat(checkCategory));
llvm::cl::opt<std::string>
    runnerLibDir("runner-lib-dir",
                 llvm::cl::desc("Directory of libmlir_runner_utils.so and "
                                "libmlir_c_runner_utils.so"),
                 llvm::cl::init(XFUSE_LLVM_LIBRARY_DIR),
                 llvm::cl::cat(checkCategory));

llvm::cl::opt<std::string> fusedPipeline(
    "fused-pipeline",
    llvm::cl::desc("Also run each function after this pass pipeline (e.g. "
                   "xfuse-pipeline,xfuse-inline-kernels) and compare it with "
                   "the reference and with the unfused lowering"),
    llvm::cl::cat(checkCategory));

llvm::cl::opt<unsigned> fusedMaxUlps(
    "fused-max-ulps",
    llvm::cl::desc("With --fused-pipeline: how far each fused result may be "
                   "from the unfused one, in ulps of its element type at its "
                   "largest reference magnitude; 0 (the default) requires "
                   "bit-identity. One ulp for each rounding the pipeline adds "
                   "to the graph's own (each at most half an ulp)"),
    llvm::cl::init(0), llvm::cl::cat(checkCategory));

// Lets a test prove that the checker does fail on a wrong result.
llvm::cl::opt<bool> perturbReference(
    "perturb-reference",
    llvm::cl::desc("Add 1e-2 to every reference value (tests the checker)"),
    llvm::cl::Hidden, llvm::cl::cat(checkCategory));
llvm::cl::opt<bool> perturbReferenceElement(
    "perturb-reference-element",
    llvm::cl::desc("Move the first reference value of each result by twice "
                   "the per-element bound (tests the checker)"),
    llvm::cl::Hidden, llvm::cl::cat(checkCategory));

constexpr llvm::StringLiteral kSkipAttribute = "xfuse.skip_check";

/// How many times the relative L2 tolerance a single element may be off, in
/// units of the reference's RMS: the GPU tests' bound, so that the CPU
/// lowering is held to what the kernels are.
constexpr double kElementToleranceFactor = 10.0;

/// The tolerance of `elementType`, which must be f32, f16 or bf16.
double toleranceFor(Type elementType) {
  if (elementType.isBF16())
    return toleranceBf16;
  if (elementType.isF16())
    return toleranceF16;
  return toleranceF32;
}

/// `value` rounded to the float `elementType` (f32, f16 or bf16).
double roundTo(Type elementType, double value) {
  if (elementType.isBF16())
    return reference::roundToBf16(value);
  if (elementType.isF16())
    return reference::roundToF16(value);
  return reference::roundToF32(value);
}

/// The spacing of `elementType`'s values at `magnitude`: one ulp there.
double ulpAt(Type elementType, double magnitude) {
  const llvm::fltSemantics &semantics =
      cast<FloatType>(elementType).getFloatSemantics();
  bool losesInfo;
  APFloat value(magnitude);
  value.convert(semantics, APFloat::rmTowardZero, &losesInfo);
  APFloat next = value;
  next.next(/*nextDown=*/false);
  for (APFloat *widened : {&value, &next})
    widened->convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                     &losesInfo);
  return next.convertToDouble() - value.convertToDouble();
}

bool isCheckedFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

/// Positions are drawn below this bound: the rows of every learned_pe table
/// that `argument` indexes (so that no position is clamped), else
/// --max-position.
int64_t positionBound(BlockArgument argument) {
  int64_t bound = maxPosition;
  for (Operation *user : argument.getUsers()) {
    auto learnedPe = dyn_cast<mlir::xfuse::LearnedPeOp>(user);
    if (!learnedPe || learnedPe.getPositions() != argument)
      continue;
    int64_t rows = learnedPe.getTable().getType().getDimSize(0);
    bound = std::min(bound, ShapedType::isDynamic(rows) ? dynamicSize : rows);
  }
  return bound;
}

/// Random inputs for `func`: floats uniform in [-1, 1] rounded to their
/// element type, integers (positions) uniform in [0, positionBound).
llvm::Expected<std::vector<Tensor>> drawInputs(func::FuncOp func,
                                               std::mt19937_64 &generator) {
  std::vector<Tensor> inputs;
  for (BlockArgument argument : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(argument.getType());
    Type elementType = type ? type.getElementType() : Type();
    bool isPosition =
        elementType && (elementType.isInteger(32) || elementType.isInteger(64));
    if (!type || !(isCheckedFloat(elementType) || isPosition))
      return llvm::createStringError(
          "argument #" + llvm::Twine(argument.getArgNumber()) + " has type " +
          typeString(argument.getType()) +
          "; only ranked tensors of f32, f16, bf16, i32 or i64 are supported");

    std::vector<int64_t> shape(type.getShape());
    for (int64_t &extent : shape)
      if (ShapedType::isDynamic(extent))
        extent = dynamicSize;
    Tensor input = Tensor::zeros(shape);
    if (isPosition) {
      std::uniform_int_distribution<int64_t> position(
          0, positionBound(argument) - 1);
      for (double &value : input.data)
        value = static_cast<double>(position(generator));
    } else {
      std::uniform_real_distribution<double> uniform(-1.0, 1.0);
      for (double &value : input.data)
        value = roundTo(elementType, uniform(generator));
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

/// How the fused results compare with the unfused ones.
struct FusedAgreement {
  bool bitIdentical = true;
  /// Of the result whose difference comes closest to its bound.
  double maxDifference = 0.0;
  double bound = 0.0;
};

/// The outcome of checking one function.
struct CheckResult {
  /// Why the function failed; empty when it passed.
  std::string failure;
  /// The largest relative L2 error over the results, once they were compared.
  std::optional<double> maxError;
  /// The largest maxElementError over the results.
  std::optional<double> maxElementError;
  /// With --fused-pipeline, once the fused results matched the reference.
  std::optional<FusedAgreement> fusedVsUnfused;

  bool passed() const { return failure.empty(); }
};

std::string shapeString(const std::vector<int64_t> &shape) {
  return "[" +
         llvm::join(
             llvm::map_range(
                 shape, [](int64_t extent) { return std::to_string(extent); }),
             ", ") +
         "]";
}

/// Compares `actual` with the reference `expected` result by result.
CheckResult compareResults(func::FuncOp func, const std::vector<Tensor> &actual,
                           const std::vector<Tensor> &expected) {
  CheckResult outcome;
  llvm::raw_string_ostream failure(outcome.failure);
  if (actual.size() != expected.size()) {
    failure << "the lowering returned " << actual.size()
            << " results, the reference " << expected.size();
    return outcome;
  }
  for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
    if (actual[index].shape != expected[index].shape) {
      failure << "result #" << index << " has shape "
              << shapeString(actual[index].shape) << ", the reference "
              << shapeString(expected[index].shape);
      return outcome;
    }
  }
  outcome.maxError = 0.0;
  outcome.maxElementError = 0.0;
  for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
    double error = reference::relativeL2Error(actual[index], expected[index]);
    double elementError =
        reference::maxElementError(actual[index], expected[index]);
    double tolerance = toleranceFor(cast<ShapedType>(type).getElementType());
    outcome.maxError = std::max(*outcome.maxError, error);
    outcome.maxElementError = std::max(*outcome.maxElementError, elementError);
    // Written so that NaN errors fail.
    bool errorFails = !(error <= tolerance);
    bool elementFails = !(elementError <= kElementToleranceFactor * tolerance);
    if (!errorFails && !elementFails)
      continue;
    failure << (outcome.failure.empty() ? "" : "; ") << "result #" << index;
    if (errorFails)
      failure << " rel err " << llvm::format("%.1e", error) << " > tolerance "
              << llvm::format("%.1e", tolerance);
    if (elementFails)
      failure << (errorFails ? "," : "") << " max elem err "
              << llvm::format("%.1e", elementError) << " > "
              << llvm::format("%.1e", kElementToleranceFactor * tolerance)
              << " (" << llvm::format("%g", kElementToleranceFactor)
              << " x tolerance)";
  }
  return outcome;
}

/// Compares the fused results with the unfused ones (both already matched
/// the reference `expected`): bit for bit, or within --fused-max-ulps ulps of
/// each result's element type at its largest reference magnitude.
CheckResult compareFusedWithUnfused(func::FuncOp func,
                                    const std::vector<Tensor> &fused,
                                    const std::vector<Tensor> &unfused,
                                    const std::vector<Tensor> &expected) {
  CheckResult outcome;
  llvm::raw_string_ostream failure(outcome.failure);
  FusedAgreement agreement;
  double closestToBound = -1.0;
  for (auto [index, type] : llvm::enumerate(func.getResultTypes())) {
    Type elementType = cast<ShapedType>(type).getElementType();
    const std::vector<double> &fusedValues = fused[index].data;
    const std::vector<double> &unfusedValues = unfused[index].data;
    double largest = 0.0;
    for (double value : expected[index].data)
      largest = std::max(largest, std::fabs(value));
    double bound = fusedMaxUlps * ulpAt(elementType, largest);

    size_t differing = 0, worst = 0;
    double maxDifference = 0.0;
    for (size_t i = 0; i < fusedValues.size(); ++i) {
      // Bit patterns: both are f32 values widened exactly, and -0 or a NaN
      // from one path only is a difference too.
      if (llvm::bit_cast<uint64_t>(fusedValues[i]) ==
          llvm::bit_cast<uint64_t>(unfusedValues[i]))
        continue;
      double difference = std::fabs(fusedValues[i] - unfusedValues[i]);
      if (std::isnan(difference))
        difference = std::numeric_limits<double>::infinity();
      if (differing++ == 0 || difference > maxDifference) {
        maxDifference = difference;
        worst = i;
      }
    }
    agreement.bitIdentical &= differing == 0;
    double nearness =
        maxDifference / std::max(bound, std::numeric_limits<double>::min());
    if (nearness > closestToBound) {
      closestToBound = nearness;
      agreement.maxDifference = maxDifference;
      agreement.bound = bound;
    }
    if (differing == 0 || maxDifference <= bound)
      continue;
    failure << (outcome.failure.empty() ? "" : "; ") << "result #" << index
            << " differs in " << differing << " of " << fusedValues.size()
            << " elements, the most at flat index " << worst << ": fused "
            << llvm::format("%.7g", fusedValues[worst]) << ", unfused "
            << llvm::format("%.7g", unfusedValues[worst]) << ", reference "
            << llvm::format("%.7g", expected[index].data[worst]);
    if (fusedMaxUlps == 0)
      failure << " (bit-identity required)";
    else
      failure << " (max diff " << llvm::format("%.1e", maxDifference)
              << " > bound " << llvm::format("%.1e", bound) << " = "
              << fusedMaxUlps << " ulp of " << elementType << " at "
              << llvm::format("%.1e", largest) << ")";
  }
  outcome.fusedVsUnfused = agreement;
  return outcome;
}

/// Draws inputs for `func`, evaluates it both ways and compares.
CheckResult checkFunction(func::FuncOp func, std::mt19937_64 &generator,
                          const check::RunnerTools &tools) {
  auto fail = [](llvm::Error error) {
    CheckResult outcome;
    outcome.failure = llvm::toString(std::move(error));
    return outcome;
  };
  for (Type type : func.getResultTypes()) {
    auto tensorType = dyn_cast<RankedTensorType>(type);
    if (!tensorType || !isCheckedFloat(tensorType.getElementType()))
      return fail(llvm::createStringError(
          "result type " + typeString(type) +
          " is not a ranked tensor of f32, f16 or bf16"));
  }
  if (func.getNumResults() == 0)
    return fail(llvm::createStringError("the function returns nothing"));

  llvm::Expected<std::vector<Tensor>> inputs = drawInputs(func, generator);
  if (!inputs)
    return fail(inputs.takeError());
  // The reference goes first: it rejects inconsistent dynamic sizes, which
  // the compiled code would not check.
  llvm::Expected<std::vector<Tensor>> expected =
      check::evaluateWithReference(func, *inputs);
  if (!expected)
    return fail(expected.takeError());
  if (perturbReference)
    for (Tensor &result : *expected)
      for (double &value : result.data)
        value += 1e-2;
  if (perturbReferenceElement) {
    for (auto [result, type] : llvm::zip(*expected, func.getResultTypes())) {
      if (result.data.empty())
        continue;
      double sumOfSquares = 0.0;
      for (double value : result.data)
        sumOfSquares += value * value;
      double rms = std::sqrt(sumOfSquares / result.data.size());
      result.data.front() +=
          2 * kElementToleranceFactor *
          toleranceFor(cast<ShapedType>(type).getElementType()) * rms;
    }
  }

  auto lowerAndRun =
      [&](StringRef prePipeline) -> llvm::Expected<std::vector<Tensor>> {
    llvm::Expected<OwningOpRef<ModuleOp>> lowered =
        check::lowerToLinalg(func, prePipeline);
    if (!lowered)
      return lowered.takeError();
    return check::runOnCpu(**lowered, func.getSymName(), *inputs, tools);
  };
  llvm::Expected<std::vector<Tensor>> unfused = lowerAndRun("");
  if (!unfused)
    return fail(unfused.takeError());
  CheckResult outcome = compareResults(func, *unfused, *expected);
  if (fusedPipeline.empty() || !outcome.passed())
    return outcome;

  llvm::Expected<std::vector<Tensor>> fused = lowerAndRun(fusedPipeline);
  if (!fused)
    return fail(llvm::joinErrors(
        llvm::createStringError("with --fused-pipeline"), fused.takeError()));
  CheckResult fusedVsReference = compareResults(func, *fused, *expected);
  if (!fusedVsReference.passed()) {
    outcome.failure = "fused vs reference: " + fusedVsReference.failure;
    return outcome;
  }
  CheckResult fusedVsUnfused =
      compareFusedWithUnfused(func, *fused, *unfused, *expected);
  outcome.fusedVsUnfused = fusedVsUnfused.fusedVsUnfused;
  if (!fusedVsUnfused.passed())
    outcome.failure = "fused vs unfused: " + fusedVsUnfused.failure;
  return outcome;
}

/// "bf16", or "f32/bf16" for mixed result element types, in result order.
std::string resultTypesSummary(func::FuncOp func) {
  llvm::SetVector<Type> elementTypes;
  for (Type type : func.getResultTypes())
    elementTypes.insert(cast<ShapedType>(type).getElementType());
  return llvm::join(llvm::map_range(elementTypes, typeString), "/");
}

/// Resolves a program given by bare name through PATH.
std::string resolveProgram(const std::string &program) {
  if (llvm::StringRef(program).contains('/'))
    return program;
  llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program);
  return found ? *found : program;
}

/// One result line: "PASS @name (bf16, 1 result, max rel err 3.1e-03,
/// max elem err 1.6e-02, seed 1)", with the failure after a colon.
void printOutcome(func::FuncOp func, const CheckResult &outcome,
                  uint64_t seed) {
  llvm::outs() << (outcome.passed() ? "PASS" : "FAIL") << " @"
               << func.getSymName() << " (";
  if (outcome.maxError) {
    size_t results = func.getNumResults();
    llvm::outs() << resultTypesSummary(func) << ", " << results
                 << (results == 1 ? " result" : " results") << ", max rel err "
                 << llvm::format("%.1e", *outcome.maxError) << ", max elem err "
                 << llvm::format("%.1e", *outcome.maxElementError) << ", ";
    if (const std::optional<FusedAgreement> &agreement =
            outcome.fusedVsUnfused) {
      llvm::outs() << "fused vs unfused ";
      if (agreement->bitIdentical)
        llvm::outs() << "bit-identical";
      else
        llvm::outs() << "max diff "
                     << llvm::format("%.1e", agreement->maxDifference)
                     << " (bound " << llvm::format("%.1e", agreement->bound)
                     << ")";
      llvm::outs() << ", ";
    }
  }
  llvm::outs() << "seed " << seed << ")";
  if (!outcome.passed())
    llvm::outs() << ": " << outcome.failure;
  llvm::outs() << "\n";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::HideUnrelatedOptions(checkCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "Checks the CPU lowering of xfuse functions against a float64 "
      "reference\n");
  if (dynamicSize < 1 || maxPosition < 1) {
    llvm::errs() << "error: --dynamic-size and --max-position must be "
                    "positive\n";
    return 1;
  }

  mlir::xfuse::registerXFusePasses();
  registerCanonicalizerPass();
  DialectRegistry registry;
  mlir::xfuse::registerToolDialects(registry);
  // The reference lowering's buffers.
  registry.insert<memref::MemRefDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(inputFilename, &errorMessage);
  if (!file) {
    llvm::errs() << "error: " << errorMessage << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnosticHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      mlir::xfuse::parseToolInput(sourceMgr, &context);
  if (!module)
    return 1;

  constexpr uint64_t kFixedSeed = 1;
  SmallVector<uint64_t, 2> seeds;
  if (seedOption.getNumOccurrences()) {
    seeds.push_back(seedOption.getValue());
  } else {
    seeds.push_back(kFixedSeed);
    seeds.push_back(static_cast<uint64_t>(
        std::chrono::system_clock::now().time_since_epoch().count()));
  }
  check::RunnerTools tools{resolveProgram(mlirOptPath),
                           resolveProgram(mlirRunnerPath), runnerLibDir};

  int checked = 0;
  bool allPassed = true;
  for (uint64_t seed : seeds) {
    std::mt19937_64 generator(seed);
    checked = 0;
    for (auto func : module->getOps<func::FuncOp>()) {
      if (func.isDeclaration() || func->hasAttr(kSkipAttribute))
        continue;
      ++checked;
      CheckResult outcome = checkFunction(func, generator, tools);
      allPassed &= outcome.passed();
      printOutcome(func, outcome, seed);
    }
  }
  if (checked == 0) {
    llvm::errs() << "error: no function to check in " << inputFilename << "\n";
    return 1;
  }
  return allPassed ? 0 : 1;
}
