//===- EmitterState.h - what the parts of the CUDA emitter share -*- C++ -*-===//
//
// The CUDA emitter: a CudaEmitter writes the module to one indented stream,
// and each kernel is emitted into the FunctionScope of its entry point. In
// four parts:
//   CudaEmitter.cpp       the module: file prologue, includes, the order of
//                         declarations and definitions;
//   EntryPoints.cpp       one host entry point per func.func: its signature,
//                         argument checks, workspace and kernels in order,
//                         the workspace query, the weight-packing helpers
//                         and the position checks;
//   GemmEmitter.cpp       xkernel.gemm: main loop, epilogue functors, split-K;
//   PointwiseEmitter.cpp  xkernel.pointwise: RowChain stages, RoPE and the
//                         frequency tables;
// and Format.h spells MLIR values in C++ for all of them. This header holds their shared types: where each value lives at run time
// (Buffer), the entry point's parameters (Signature), and the state of the
// function being emitted (FunctionScope). Internal to codegen/.
//
// Run-time values are named after the plan's conventions: argN / resultN for
// the entry point's parameters, sN for the N-th dynamic dimension of the
// arguments (the symbols of the xkernel.workspace maps), kernelKResultR for
// intermediates carved from the workspace, scratchN for memory the device
// blocks need beyond the plan. Declarations in the header name parameters
// after the graph instead (xfuse.name), and so do error messages; the
// definitions keep the positional names, which no local of the generated
// body can shadow.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_CODEGEN_EMITTERSTATE_H
#define XFUSE_CODEGEN_EMITTERSTATE_H

#include "dialect/XFuseDialect.h"
#include "dialect/XFuseOps.h"
#include "dialect/kernel/KernelOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::xfuse::codegen {

//===----------------------------------------------------------------------===//
// Run-time buffers of values
//===----------------------------------------------------------------------===//

/// One dimension of a tensor at run time: a C++ expression of its size, and
/// what it is for error messages ("'arg0' dim 0"; empty when static).
struct Dim {
  std::string expr;
  std::string what;

  static Dim constant(int64_t size) { return Dim{std::to_string(size), ""}; }
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
  /// The length of the innermost rows; a scalar is one row of one element.
  int64_t lastDim() const {
    return type.getRank() == 0 ? 1 : type.getShape().back();
  }
};

/// The product of `dims` as C++, static factors folded into one literal.
std::string productText(ArrayRef<Dim> dims);

/// Rows of `buffer` seen as [rows, product of its last `trailing` dims].
std::string rowsText(const Buffer &buffer, unsigned trailing = 1);

/// A typed device pointer to `buffer`'s elements.
std::string pointerText(const Buffer &buffer, bool writable = false);

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// The positions a graph supports in a positions argument; outside them
/// the kernels still compute, with the documented `consequence`.
struct PositionRange {
  int64_t min, max;
  std::string consequence;
};

struct Parameter {
  std::string name;       // the graph's xfuse.name, else "arg0", "result0"
  std::string identifier; // in definitions: "arg0", "result0"
  RankedTensorType type;
  kernel::WeightPackingAttr packing;      // weights only
  std::optional<PositionRange> positions; // token positions only
  kernel::ShardAttr shard;                // a rank's part of a tensor only
};

/// The host entry point of a func.func.
struct Signature {
  std::string name;
  std::vector<Parameter> args;
  std::vector<Parameter> results;
  kernel::WorkspaceAttr workspace;
  /// Runs on several ranks: the entry point takes this rank's
  /// rt::Communicator (CollectiveEmitter.cpp).
  bool takesCommunicator = false;
};

/// The argument and result attribute that names a parameter in generated
/// code (XFuseDialect's).
inline constexpr StringLiteral kParameterNameAttr =
    XFuseDialect::getParameterNameAttrName();

/// The name of the helper that packs weight argument `arg` of `sig`.
std::string packHelperName(const Signature &sig, const Parameter &arg);

/// The signature of `func`, or a located error when generated code cannot
/// take its parameters (or their names) or it has no workspace plan.
FailureOr<Signature> analyzeSignature(func::FuncOp func);

/// Emission state of one entry point. Its argument checks must come before
/// any launch, but the checks a kernel needs are known only once it is
/// emitted: the launches are collected in `launches`, the checks, sizes,
/// scratch and tables beside them, and all are printed in order at the end.
class FunctionScope {
public:
  explicit FunctionScope(const Signature &sig) : sig(sig) {}
  FunctionScope(const FunctionScope &) = delete;
  FunctionScope &operator=(const FunctionScope &) = delete;

  /// Where `value` lives, or an error at `user` when it is computed inside
  /// a kernel and never reaches memory.
  FailureOr<Buffer> lookup(Value value, Operation *user) const;

  /// A check to run before any launch; each statement runs once.
  void addCheck(std::string statement);
  /// A check that reads only the dynamic sizes sN: the workspace query
  /// runs it, and so the entry point too.
  void addSizeCheck(std::string statement);
  /// Checks at run time that two sizes agree, unless they are the same
  /// expression.
  void requireSameSize(const Dim &dim, const Dim &expected);
  /// requireSameSize on the first `count` dimensions of both buffers.
  void requireLeadingDims(const Buffer &buffer, const Buffer &reference,
                          unsigned count);
  /// requireSameSize on the dynamic dimensions of a result the caller
  /// passes, which must be `dims`.
  void requireResultDims(const Parameter &result, ArrayRef<Dim> dims);

  /// Reserves `bytes` (a C++ expression of the sizes sN) of scratch after
  /// the planned workspace; returns the name of its pointer.
  std::string addScratch(std::string bytes);
  /// Reserves `count` (a C++ expression of the sizes sN) zeroed counters of
  /// the workspace for one kernel (rt::Workspace::zeroedCounters).
  void addCounters(std::string count);

  /// The kernels, in order.
  raw_indented_ostream &launches() { return launchStream; }
  StringRef launchesText() const { return launchText; }

  const Signature &sig;
  llvm::DenseMap<Value, Buffer> buffers;
  SmallVector<std::string> argumentChecks; // statements, in order
  SmallVector<std::pair<std::string, std::string>> sizes; // {sN, decl}
  SmallVector<std::string> checks; // after the sizes, deduplicated
  SmallVector<std::string> sizeChecks; // deduplicated
  SmallVector<std::string> scratchBytes;
  SmallVector<std::string> counters;
  std::string tables; // namespace-scope __device__ tables
  int tableCount = 0;
  /// Per weight argument whose GEMM folds a positional encoding: the
  /// statement of its pack helper that makes the encoding's table (in a
  /// scope holding `packed`, the PackedWeight, and `stream`).
  llvm::DenseMap<unsigned, std::string> foldedEncodings;
  bool usesPlannedWorkspace = false;
  bool usesSm90Gemm = false; // some GEMM runs on a Hopper block

private:
  std::string launchText;
  llvm::raw_string_ostream launchTextStream{launchText};
  raw_indented_ostream launchStream{launchTextStream};
};

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// The ops of a kernel body that the device blocks run: index arithmetic
/// and tensor.dim only compute the sizes of reshapes.
inline auto computeOps(Block &body) {
  return llvm::make_filter_range(body.without_terminator(), [](Operation &op) {
    return !isa<tensor::DimOp>(op) && !isa<arith::ArithDialect>(op.getDialect());
  });
}

/// The rows of one launch of a GEMM that runs in row blocks: C++ names of
/// the first row, the row count and the most blocks the launch may take
/// (0: all), in scope where the launch is emitted.
struct RowBlock {
  std::string first;
  std::string count;
  std::string maxBlocks;
};

/// Emits the launch of a GEMM kernel writing `result` (GemmEmitter.cpp), on
/// all rows of A and `result`, or on the block `rows` of them.
LogicalResult emitGemm(kernel::GemmOp op, const Buffer &result,
                       FunctionScope &scope, const RowBlock *rows = nullptr);

/// Whether the all-reduce of `op`'s result launches it, block by block
/// (CollectiveEmitter.cpp).
bool launchedByAllReduce(kernel::GemmOp op);

/// The layout of the result of the collective `op` reading `input`: its
/// dimensions, the rows over or times the ranks where it scatters or
/// gathers them (CollectiveEmitter.cpp).
Buffer collectiveResultLayout(Operation *op, const Buffer &input,
                              const FunctionScope &scope);

/// Emits the collective `op` (xkernel.all_reduce, reduce_scatter or
/// all_gather) of `input` into `result` on the entry point's communicator,
/// and the row blocks of the GEMM writing an all-reduce's input when it
/// runs in them (CollectiveEmitter.cpp).
LogicalResult emitCollective(Operation *op, const Buffer &input,
                             const Buffer &result, FunctionScope &scope);

/// The declaration and the definition of the helper cutting rank r's part
/// of the full tensor of a sharded argument (CollectiveEmitter.cpp).
void emitShardDeclaration(const Signature &sig, const Parameter &arg,
                          raw_indented_ostream &os);
void emitShardHelper(const Signature &sig, const Parameter &arg,
                     raw_indented_ostream &os);

/// Emits the launches of a pointwise kernel writing `result`
/// (PointwiseEmitter.cpp).
LogicalResult emitPointwise(kernel::PointwiseOp op, const Buffer &result,
                            FunctionScope &scope);

/// The frequency table of a sinusoidal encoding: the name of its __device__
/// table and its device::SinusoidalLayout.
struct SinusoidalTable {
  std::string name;
  std::string layout;
};

/// Declares the frequency table of the sinusoidal encoding `pe` of rows of
/// `dim` features (PointwiseEmitter.cpp).
FailureOr<SinusoidalTable> addSinusoidalTable(SinusoidalPeOp pe, int64_t dim,
                                              FunctionScope &scope);

/// What a device RoPE (a RowChain stage or a GEMM epilogue row op) takes
/// of an xfuse.rope: its sizes and style, the name of its frequency table,
/// the attention factor and the token positions, as C++.
struct RopeOperands {
  int64_t headDim, rotaryDim;
  std::string style;       // device::RopeStyle::kNeox or kGptj
  std::string frequencies; // a `const float2 *` in scope
  std::string attnFactor;  // an f32 literal
  std::string positions;   // a device::TokenPositions or MultimodalPositions
  // The RoPE's positions template argument: the position integer type, or
  // the device::MultimodalPositions type.
  std::string posType;
};

/// Declares the frequency table of `rope` rotating the [tokens..., heads,
/// head_dim] view `heads`: a __device__ table, or for the per-call scalings
/// (dynamic NTK, LongRoPE) the scratch table that a one-block launch writes
/// from this call's positions first (PointwiseEmitter.cpp).
FailureOr<RopeOperands> emitRopeOperands(RopeOp rope, const Buffer &heads,
                                         FunctionScope &scope);

//===----------------------------------------------------------------------===//
// The emitter
//===----------------------------------------------------------------------===//

class CudaEmitter {
public:
  explicit CudaEmitter(raw_ostream &os) : os(os) {}

  // The module (CudaEmitter.cpp).
  LogicalResult emitSource(ModuleOp module, StringRef headerInclude);
  LogicalResult emitHeader(ModuleOp module);

private:
  // Entry points (EntryPoints.cpp).
  void emitDeclarations(ArrayRef<Signature> sigs);
  LogicalResult emitFunction(func::FuncOp func, const Signature &sig);
  /// `foldedEncoding`: the statement that makes the table of an encoding
  /// folded into the weight (FunctionScope::foldedEncodings), or null.
  void emitPackHelper(const Signature &sig, const Parameter &arg,
                      const std::string *foldedEncoding);
  void emitPositionCheck(const Signature &sig, const Parameter &arg);
  void emitWorkspaceQuery(
      const FunctionScope &scope,
      ArrayRef<std::pair<std::string, std::string>> parts);

  raw_indented_ostream os;
  bool usesSm90Gemm = false; // some GEMM runs on a Hopper block
};

} // namespace mlir::xfuse::codegen

#endif // XFUSE_CODEGEN_EMITTERSTATE_H
