//===- OnnxImporter.h - ONNX model to edge dialect ---------------*- C++ -*-===//
#pragma once

#include "edgec/Support/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace edgec {

struct ImportOptions {
  /// Overrides for graph input shapes (`--input-shape name=1x3x96x96`).
  /// Symbolic dimensions not covered here become 1.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Graph inputs bound to constant values (`--bind name=file.npy|.pb`): they
  /// leave the function's signature and fold like initializers. For inputs
  /// that determine shapes (Reshape's shape, Slice's starts, Resize's
  /// scales, ...), which a static compiler needs at compile time.
  std::map<std::string, Tensor> bindings;
  /// When set, receives the path of every external-data file the model's
  /// tensors were read from (for `--depfile` and the output-folder checks).
  std::vector<std::string> *externalFiles = nullptr;
  /// `--max-trip-count N`: a Loop whose trip count (or condition, without a
  /// trip count) is computed at run time is unrolled N times, each iteration
  /// predicated on the loop still running. 0: such loops are refused.
  int64_t maxTripCount = 0;
};

/// Reads a serialized ONNX TensorProto file (the backend tests' .pb files).
bool readTensorProtoFile(const std::string &path, Tensor &out, std::string &error);

/// Reads `path` (binary .onnx, or textual ONNX when it ends in .onnxtxt) and
/// returns a module with one `func.func @main` of edge ops. All problems are
/// reported as diagnostics (every unsupported node in one run); returns null
/// on failure.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &ctx, const std::string &path,
                                                 const ImportOptions &options);

/// Same, from bytes already in memory (used by the fuzzer). `baseDir` is where
/// external data files are looked up; empty disables external data.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBytes(mlir::MLIRContext &ctx, const std::string &bytes,
                                                  const std::string &sourceName,
                                                  const std::string &baseDir,
                                                  const ImportOptions &options);

/// The ONNX op types the importer handles (domain "" / ai.onnx), with the
/// first opset each handler applies to; for documentation and `edgec ops`.
struct SupportedOp {
  std::string domain, op;
  int sinceVersion;
};
std::vector<SupportedOp> supportedOps();

} // namespace edgec
