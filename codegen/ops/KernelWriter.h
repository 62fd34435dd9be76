//===- KernelWriter.h - what an op's emission model writes with -*- C++ -*-===//
//
// The typed writer behind edge::EdgeKernelOpInterface. An op's external model
// (codegen/ops/<Family>.cpp) builds the kernel's parameter struct field by
// field (Params) and the call argument by argument (KernelCall); the writer
// turns them into the generated .cpp: one constexpr struct per layer, one
// call commented with the source node, weights in <name>_weights.cpp.
//
// Integers in a parameter struct are range-checked as they are set: every
// kernel parameter field is int32_t, and a value that does not fit is a
// diagnostic naming the node and the field, never generated code that fails
// to build.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Tensor.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

namespace edgec::codegen {
namespace detail {
class CppEmitter;
} // namespace detail

using Shape = std::vector<int64_t>;

/// The designated (or positional) initializers of one kernel parameter
/// struct, e.g. `.size = 4, .alpha = 0.5f, .dims = {1, 2}`.
class Params {
public:
  /// `type` is the struct's name in namespace edgec ("" for a nested or
  /// positional aggregate).
  explicit Params(std::string type = "") : type_(std::move(type)) {}

  /// An integer field (every kernel's are int32_t: checked here).
  template <typename Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  Params &set(llvm::StringRef field, Int value) {
    static_assert(!std::is_same_v<Int, bool>, "use flag() for bool fields");
    return setInt(field, static_cast<int64_t>(value));
  }
  /// An int64_t field (not range-checked against int32_t).
  Params &setWide(llvm::StringRef field, int64_t value);
  Params &flag(llvm::StringRef field, bool value);
  Params &real(llvm::StringRef field, float value);
  Params &list(llvm::StringRef field, llvm::ArrayRef<int64_t> values);
  /// An enumerator or constant of the runtime, spelled as it is qualified.
  Params &enumerator(llvm::StringRef field, llvm::StringRef qualified);
  /// A name the writer made: a weight array, a constexpr table.
  Params &ref(llvm::StringRef field, const std::string &name);
  /// A nested aggregate, `.field = {...}` (or `{...}` with an empty field).
  Params &nest(llvm::StringRef field, const Params &inner);
  /// Every field of `other`, in order.
  Params &append(const Params &other);
  /// The next field starts a new line indented by `indent` spaces.
  Params &wrap(int indent);

  const std::string &type() const { return type_; }
  /// The initializer list's contents (without the braces).
  std::string initializer() const;
  /// The first integer that does not fit an int32_t field, as "field = value".
  const std::optional<std::string> &outOfRange() const { return outOfRange_; }

private:
  Params &setInt(llvm::StringRef field, int64_t value);
  Params &add(llvm::StringRef field, std::string value);
  void check(llvm::StringRef field, int64_t value);

  struct Field {
    std::string text;
    int wrap; ///< -1: after ", "; else a new line indented this much
  };
  std::string type_;
  std::vector<Field> fields_;
  std::optional<std::string> outOfRange_;
  int pendingWrap_ = -1;
};

class KernelWriter;

/// One call of a kernel: `symbol<template args>(args);`.
class KernelCall {
public:
  KernelCall(KernelWriter &writer, std::string symbol)
      : writer_(writer), symbol_(std::move(symbol)) {}

  KernelCall &tmpl(const std::string &arg);
  template <typename Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  KernelCall &tmpl(Int value) {
    static_assert(!std::is_same_v<Int, bool>, "use flag() for bool arguments");
    return tmpl(std::to_string(value));
  }
  KernelCall &flag(bool value);
  /// The tensor `v`: an arena pointer, an entry-point parameter or a weight
  /// array (named when first used).
  KernelCall &in(mlir::Value v);
  /// `v`, or nullptr for an absent optional operand.
  KernelCall &optional(mlir::Value v);
  /// An expression the writer already made (a weight array, a table).
  KernelCall &arg(const std::string &expr);
  /// The layer's scratch in the arena (void *), or nullptr.
  KernelCall &scratch();
  /// The same as float *, for the float kernels that take it typed.
  KernelCall &floatScratch();

  /// The call statement. Tensors' names are resolved here.
  std::string str();
  /// Writes the call into the schedule, after `prefix` (statements that
  /// prepare the output).
  void emit(const std::string &prefix = "");

private:
  KernelWriter &writer_;
  std::string symbol_;
  std::vector<std::string> templateArgs_;
  /// Arguments that are resolved when the statement is made; see str().
  std::vector<std::function<std::string()>> args_;
};

/// What an EdgeKernelOpInterface model writes with, for one op.
class KernelWriter {
public:
  KernelWriter(detail::CppEmitter &emitter, mlir::Operation *op) : e_(emitter), op_(op) {}

  mlir::Operation *op() const { return op_; }
  /// A writer for another op of the same function (a stream's layers).
  KernelWriter forOp(mlir::Operation *other) const { return KernelWriter(e_, other); }
  /// The op computes on integers (int8 / int16x8): its int8 kernel is due.
  bool integer() const;
  /// The kernel edge-select-kernels chose.
  edge::KernelAttr kernel() const;
  /// The kernel row's name, e.g. "conv2d_s8_dsp".
  llvm::StringRef kernelName() const { return kernel().getName(); }
  /// The chosen kernel takes a scratch pointer: its row has a scratch-size
  /// function (KernelTable.def).
  bool kernelTakesScratch() const;
  /// The source node's name (possibly empty).
  std::string node() const;

  /// The tensor `v` as an expression (see KernelCall::in).
  std::string in(mlir::Value v);
  /// A call of the chosen kernel, or of `symbol`.
  KernelCall call() { return KernelCall(*this, kernel().getSymbol().str()); }
  KernelCall call(const std::string &symbol) { return KernelCall(*this, symbol); }

  /// Declares `params` as `constexpr edgec::<type> <layer>_p`; returns its name.
  std::string declare(const Params &params);
  /// static_asserts that the kernel's scratch-size function, instantiated
  /// with `templateArgs`, fits the scratch planned for the layer (the kernel
  /// table's; no-op for kernels without one).
  void assertScratch(const std::string &templateArgs);
  /// `static_assert(condition, "message");` beside the parameters.
  void staticAssert(const std::string &condition, const std::string &message);
  /// A weight array in flash holding `t` as `ctype`, named after `name`.
  std::string weights(const Tensor &t, const std::string &ctype, const std::string &name);
  /// An integer array in flash (`ctype` int8_t, uint8_t, int32_t or int64_t), named
  /// after `name`.
  std::string ints(const std::vector<int64_t> &values, const std::string &ctype,
                   const std::string &name);
  /// An identifier for this layer, unique in the generated .cpp.
  std::string localName();
  /// `constexpr int32_t <name>[] = {...};` beside the parameters.
  void table(const std::string &name, llvm::ArrayRef<int64_t> values);
  /// Another header the call needs.
  void include(const std::string &header);
  /// The call statement `code` under the layer's comment, after `prefix`.
  void emit(const std::string &code, const std::string &prefix = "");
  /// A statement of a layer written in parts (concat), noted as `note`.
  void emitPart(const std::string &note, const std::string &code);
  /// The layer's comment alone, with `note`: a layer that runs no code.
  void emitNote(const std::string &note);
  /// Expressions of the arena scratch: void * and float *, or nullptr.
  std::string scratch() const;
  std::string floatScratch() const;
  /// Part `part` of the layer's state in the arena (edge::StateOpInterface)
  /// as `ctype *`.
  std::string state(const std::string &ctype, unsigned part = 0) const;

  /// An error on the op, prefixed as every code generation error is.
  mlir::InFlightDiagnostic unsupported();
  /// The op has integer semantics but no int8 kernel.
  mlir::LogicalResult noIntegerKernel();

private:
  detail::CppEmitter &e_;
  mlir::Operation *op_;
};

// --- what several op families share ------------------------------------------

Shape shapeOf(mlir::Value v);
int64_t numElements(mlir::Value v);
/// The C++ element type of `v` in the schedule ("" when unsupported).
std::string ctypeOf(mlir::Value v);
int64_t prod(const Shape &s, size_t from = 0, size_t to = SIZE_MAX);
Shape rowMajorStrides(const Shape &s);
/// Exact decimal spelling of a float for C++ source.
std::string floatLiteral(float f);
/// The source node of a location, "" when it names none.
std::string nodeOf(mlir::Location loc);
inline std::string nodeOf(mlir::Operation *op) { return nodeOf(op->getLoc()); }

/// `.outer / .len / .inner` of a shape viewed around `axis`.
Params axisFields(const Shape &s, int64_t axis, const std::string &type = "");
/// The fused activation's `.act_min / .act_max` (float layers), if any.
Params &actFields(Params &p, mlir::Operation *op);
/// The result shape and each operand's strides broadcast to it, collapsed to
/// 4 dimensions; failure (with a diagnostic) beyond 4.
mlir::FailureOr<std::pair<Shape, std::vector<Shape>>>
collapseBroadcast(KernelWriter &w, llvm::ArrayRef<mlir::Value> operands);
/// Declares the BinaryParams of an element-wise binary op; "" on failure.
std::string binaryParams(KernelWriter &w);
/// A strided copy of the op's operand 0 into its result: the result's shape,
/// the input's element strides per result dimension and the first element.
mlir::LogicalResult emitStridedCopy(KernelWriter &w, const Shape &shape, const Shape &strides,
                                    int64_t offset);

} // namespace edgec::codegen
