//===- xfuse-opt.cpp - the xfuse optimizer driver -------------------------===//
//
// Parses, verifies, transforms and prints xfuse graphs. Registers the xfuse
// dialect, the upstream dialects its lowerings produce, and xfuse's passes.
//
//===----------------------------------------------------------------------===//

#include "dialect/XFuseDialect.h"
#include "dialect/kernel/KernelDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::xfuse::XFuseDialect, mlir::xfuse::kernel::XKernelDialect,
                  mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::scf::SCFDialect,
                  mlir::tensor::TensorDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::xfuse::registerXFusePasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "xfuse optimizer driver\n", registry));
}
