//===- ImportCommon.h - what the ONNX and .tflite importers share -*- C++ -*-===//
#pragma once

#include "mlir/IR/BuiltinOps.h"

namespace edgec {

/// Last step of an import: drops the edge ops nothing uses (constants read
/// only by folding, layers whose results feed no output; every edge op is
/// pure, so no result changes) from `body`, then verifies `module`. Fails,
/// with a diagnostic at `loc`, when the module does not verify.
mlir::LogicalResult finishImport(mlir::ModuleOp module, mlir::Block &body, mlir::Location loc);

} // namespace edgec
