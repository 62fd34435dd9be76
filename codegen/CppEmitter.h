//===- CppEmitter.h - the C++ emitter's state (private to codegen) -*- C++ -*-===//
//
// Shared by Emitter.cpp (file assembly: the schedule, the weights and the
// model's API), Harness.cpp (the test program and its CMake project) and
// ops/KernelWriter.cpp (what each op's emission model writes through).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ops/KernelWriter.h"

#include "edgec/Codegen/Emitter.h"
#include "edgec/Codegen/Target.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Tensor.h"
#include "passes/Memory/Planner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <set>
#include <string>
#include <vector>

namespace edgec::codegen::detail {

/// The element type of `v` in the C entry point: float16 tensors are passed
/// as their IEEE binary16 bits (uint16_t); the schedule sees them as edgec::f16.
std::string apiCtypeOf(mlir::Value v);
/// The .npy descr of a C element type, for the harness.
std::string harnessDtype(const std::string &ctype);
/// The .npy descr the harness reads or writes for `v` (as stored: float16 as '<f2').
std::string npyDescrOf(mlir::Value v);
/// bfloat16 and float8 values: the harness reads and writes them as float32.
bool floatCarried(mlir::Value v);
int64_t bytesOf(mlir::Value v);
std::string upper(std::string s);
std::string list(const Shape &v);
std::string shapeComment(const Shape &s);

using namespace mlir;

class CppEmitter {
public:
  CppEmitter(ModuleOp module, func::FuncOp func, const Target &target, const EmitOptions &opts)
      : module(module), func(func), target(target), opts(opts) {}

  FailureOr<std::vector<GeneratedFile>> run();

private:
  friend class ::edgec::codegen::KernelWriter;

  LogicalResult emitOp(Operation *op);
  std::string expr(Value v);
  std::string weightArray(edge::ConstantOp c);
  std::string weightArray(const Tensor &t, const std::string &type, const std::string &nodeName);
  InFlightDiagnostic unsupported(Operation *op);

  std::string banner(const std::string &what) const;
  std::string header() const;
  std::string source() const;
  std::string weightsSource() const;
  std::string harnessSource() const;
  bool hasQuantizedIO() const;
  /// The layers that keep state between runs, in schedule order.
  std::vector<edge::StateOpInterface> stateLayers() const;
  /// Bytes of state they keep (in the arena).
  int64_t stateBytes() const;
  /// <name>_reset_with_arena and, with the static arena, <name>_reset.
  std::string stateReset() const;
  std::string floatArgs() const;
  std::string floatWrapper() const;
  std::string harnessCMake() const;

  ModuleOp module;
  mutable func::FuncOp func;
  const Target &target;
  const EmitOptions &opts;

  NameTable ids;                // identifiers in the generated .cpp
  NameTable apiNames;           // parameter names of the entry point
  llvm::DenseMap<Value, std::string> names;
  std::vector<std::string> inputParams, outputParams;
  std::string weightDecls, weightDefs, params, body;
  std::set<std::string> includes;
  int64_t arenaSize = 0, lowerBound = 0;
  int64_t arenaAlignment = memory::kDefaultArenaAlignment; ///< the plan's (the target's)
  bool paramsFailed = false; ///< a parameter did not fit its kernel field
};

} // namespace edgec::codegen::detail
