//===- Format.cpp - how generated CUDA spells MLIR values -----------------===//

#include "codegen/Format.h"

#include "mlir/IR/AffineExpr.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace mlir::xfuse::codegen {

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

/// `digits` with a ".0" where it would otherwise read as an integer.
static std::string withDecimalPoint(std::string digits) {
  if (digits.find_first_of(".e") == std::string::npos)
    digits += ".0";
  return digits;
}

std::string floatLiteral(double value) {
  return withDecimalPoint(fmt::format("{}", static_cast<float>(value))) + "f";
}

std::string doubleLiteral(double value) {
  return withDecimalPoint(fmt::format("{}", value));
}

std::string hexFloatLiteral(float value) {
  return fmt::format("{:a}f", value);
}

namespace {
/// How generated code names an element type: its C++ type and its runtime
/// DType.
struct ElementTypeNames {
  const char *cpp;
  const char *dtype;
};
} // namespace

static FailureOr<ElementTypeNames> elementTypeNames(Type type) {
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

std::string typeText(RankedTensorType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.getElementType().print(os);
  os << " [";
  llvm::interleave(
      type.getShape(),
      [&](int64_t d) {
        os << (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
      },
      [&] { os << ", "; });
  os << "]";
  return text;
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
  case ActivationKind::quick_gelu:
    return "device::Activation::kQuickGelu";
  case ActivationKind::relu2:
    return "device::Activation::kRelu2";
  }
  llvm_unreachable("unknown activation");
}

Functor deviceGating(Attribute activation) {
  if (auto clamped = dyn_cast<ClampedSwigluAttr>(activation))
    return {"device::ClampedSwiGlu",
            "device::ClampedSwiGlu{" +
                floatLiteral(clamped.getAlpha().convertToDouble()) + ", " +
                floatLiteral(clamped.getLimit().convertToDouble()) + "}"};
  std::string type =
      "device::ActivatedGate<" +
      deviceActivation(cast<ActivationKindAttr>(activation).getValue()) + ">";
  return {type, type + "{}"};
}

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

} // namespace mlir::xfuse::codegen
