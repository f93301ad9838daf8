//===- Format.h - how generated CUDA spells MLIR values ---------*- C++ -*-===//
//
// The text the CUDA emitter prints for MLIR things: locations in comments,
// literals that read back as the value they print, element types, device
// activations and the affine maps of the workspace plan. Internal to
// codegen/.
//
//===----------------------------------------------------------------------===//

#ifndef XFUSE_CODEGEN_FORMAT_H
#define XFUSE_CODEGEN_FORMAT_H

#include "dialect/XFuseAttrs.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <string>

namespace mlir::xfuse::codegen {

/// "file:line:col" of `loc`, or "unknown location".
std::string locationText(Location loc);

/// `attr` as MLIR prints it.
std::string attrText(Attribute attr);

/// A C++ float literal that reads back as `value` rounded to f32.
std::string floatLiteral(double value);

/// A C++ double literal that reads back as `value`.
std::string doubleLiteral(double value);

/// A hex f32 literal: exact, so tables do not depend on decimal rounding.
std::string hexFloatLiteral(float value);

/// The C++ type of elements of `type`, or failure when generated code has
/// none (f32, f16, bf16, i32 and i64 have one).
FailureOr<std::string> cppElementType(Type type);

/// The runtime's rt::DType of elements of `type`, as for cppElementType.
FailureOr<std::string> rtDType(Type type);

/// "bf16 [?, 64, 256]".
std::string typeText(RankedTensorType type);

/// The device::Activation enumerator of `kind`.
std::string deviceActivation(ActivationKind kind);

/// A device functor: its C++ type and the expression that constructs it.
struct Functor {
  std::string type;
  std::string value;
};

/// The device gating functor (cuda/device/Epilogue.h) of the `activation`
/// of an xfuse.gate: an ActivatedGate for an #xfuse.activation, a
/// ClampedSwiGlu for an #xfuse.clamped_swiglu.
Functor deviceGating(Attribute activation);

/// C++ for an affine expression over the sN symbols (no dimensions), or
/// failure for a kind of expression generated code has no helper for.
FailureOr<std::string> affineText(AffineExpr expr);

} // namespace mlir::xfuse::codegen

#endif // XFUSE_CODEGEN_FORMAT_H
