//===- TfliteImporter.h - TensorFlow Lite model to edge dialect --*- C++ -*-===//
#pragma once

#include "edgec/Import/OnnxImporter.h"

#include "llvm/ADT/StringRef.h"

namespace edgec {

/// True when `bytes` carry the TFLite flatbuffer identifier "TFL3" (bytes 4
/// to 7), whatever the file is called.
bool isTfliteBytes(llvm::StringRef bytes);

/// Reads a .tflite flatbuffer and returns a module with one
/// `func.func @main` of edge ops: subgraph 0, tensors with the model's own
/// quantization parameters, operators named after their first output tensor.
/// The buffer is verified before anything is read; every problem (a corrupt
/// file, an out-of-range index, every unsupported operator) is a diagnostic,
/// and the result is null.
mlir::OwningOpRef<mlir::ModuleOp> importTfliteBytes(mlir::MLIRContext &ctx,
                                                    const std::string &bytes,
                                                    const std::string &sourceName,
                                                    const ImportOptions &options);

/// The TFLite builtin operators the importer handles, by name, sorted.
std::vector<std::string> supportedTfliteOps();

} // namespace edgec
