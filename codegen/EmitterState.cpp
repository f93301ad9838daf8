//===- EmitterState.cpp - buffers and function scopes of the emitter ------===//

#include "codegen/EmitterState.h"

#include "codegen/Format.h"

#include <fmt/format.h>

namespace mlir::xfuse::codegen {

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

std::string rowsText(const Buffer &buffer, unsigned trailing) {
  return productText(ArrayRef<Dim>(buffer.dims).drop_back(trailing));
}

std::string pointerText(const Buffer &buffer, bool writable) {
  return fmt::format("static_cast<{}{} *>({})", writable ? "" : "const ",
                     *cppElementType(buffer.elementType()), buffer.address);
}

FailureOr<Buffer> FunctionScope::lookup(Value value, Operation *user) const {
  auto it = buffers.find(value);
  if (it == buffers.end())
    return user->emitError("cannot emit '")
           << user->getName() << "': an operand is computed inside the "
           << "kernel where the device blocks need it in memory";
  return it->second;
}

void FunctionScope::addCheck(std::string statement) {
  if (!llvm::is_contained(checks, statement))
    checks.push_back(std::move(statement));
}

void FunctionScope::addSizeCheck(std::string statement) {
  if (!llvm::is_contained(sizeChecks, statement))
    sizeChecks.push_back(std::move(statement));
}

void FunctionScope::requireSameSize(const Dim &dim, const Dim &expected) {
  if (dim.expr == expected.expr)
    return;
  auto what = [](const Dim &d) { return d.isStatic() ? "the graph" : d.what; };
  addCheck(fmt::format(
      "XFUSE_RETURN_IF_ERROR(expectSameSize({}, \"{}\", {}, \"{}\"));",
      dim.expr, what(dim), expected.expr, what(expected)));
}

void FunctionScope::requireLeadingDims(const Buffer &buffer,
                                       const Buffer &reference,
                                       unsigned count) {
  for (unsigned d = 0; d < count; ++d)
    requireSameSize(buffer.dims[d], reference.dims[d]);
}

void FunctionScope::requireResultDims(const Parameter &result,
                                      ArrayRef<Dim> dims) {
  for (auto [d, dim] : llvm::enumerate(dims))
    if (!dim.isStatic())
      requireSameSize(Dim{fmt::format("{}.shape[{}]", result.identifier, d),
                          fmt::format("'{}' dim {}", result.name, d)},
                      dim);
}

std::string FunctionScope::addScratch(std::string bytes) {
  std::string name = "scratch" + std::to_string(scratchBytes.size());
  scratchBytes.push_back(std::move(bytes));
  return name;
}

void FunctionScope::addCounters(std::string count) {
  counters.push_back(std::move(count));
}

} // namespace mlir::xfuse::codegen
