//===- ImportCommon.h - what the ONNX and .tflite importers share -*- C++ -*-===//
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace edgec {

/// Largest tensor edgec accepts, in elements (2^31 - 1): far beyond any
/// device it targets, and small enough that sizes never overflow. Both
/// importers hold every tensor of a model to it.
inline constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1;

/// Number of elements of `shape`, or -1 if a dimension is negative or the
/// count exceeds kMaxElements (computed without overflow).
int64_t checkedElementCount(llvm::ArrayRef<int64_t> shape);

/// Last step of an import: drops the edge ops nothing uses (constants read
/// only by folding, layers whose results feed no output; every edge op is
/// pure, so no result changes) from `body`, then verifies `module`. Fails,
/// with a diagnostic at `loc`, when the module does not verify.
mlir::LogicalResult finishImport(mlir::ModuleOp module, mlir::Block &body, mlir::Location loc);

} // namespace edgec
