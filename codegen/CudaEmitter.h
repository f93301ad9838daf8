//===- CudaEmitter.h - kernel IR to CUDA C++ ------------------------------===//
//
// Translates the output of `xfuse-opt --xfuse-pipeline` (functions of
// xkernel.gemm / xkernel.pointwise ops with their plans) into CUDA C++ that
// instantiates the building blocks of cuda/device:
//   - the source (.cu): one launch of a device block per kernel op, inside one
//     host entry point per func.func that checks its arguments, carves the
//     planned workspace and launches the kernels in order on a stream;
//   - the header (.h): the declarations of those entry points and of one
//     weight-packing helper per weight argument.
// Ops the device blocks cannot run yet are reported as located errors.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_CODEGEN_CUDAEMITTER_H
#define XFUSE_CODEGEN_CUDAEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::xfuse {

/// Emits the .cu of `module`. With a non-empty `headerInclude` it includes
/// that header (the output of emitCudaHeader) for the declarations, else it
/// declares the entry points itself and stands alone.
LogicalResult emitCudaSource(ModuleOp module, llvm::raw_ostream &os,
                             llvm::StringRef headerInclude = "");

/// Emits the header declaring the entry points of `module`.
LogicalResult emitCudaHeader(ModuleOp module, llvm::raw_ostream &os);

} // namespace mlir::xfuse

#endif // XFUSE_CODEGEN_CUDAEMITTER_H
