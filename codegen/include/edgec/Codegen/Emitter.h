//===- Emitter.h - edge dialect to dependency-free C++ -----------*- C++ -*-===//
#pragma once

#include "edgec/Support/Files.h"

#include "edgec/Codegen/Target.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace edgec::codegen {

struct EmitOptions {
  std::string name;        ///< C identifier prefix of the generated API
  std::string modelPath;   ///< for the banner
  std::string commandLine; ///< options, for the banner
  bool harness = false;    ///< also emit <name>_main.cpp and CMakeLists.txt
  /// Layer tracing (edgec verify --per-layer): after each layer the schedule
  /// calls edgec_trace_layer(k, node, data, bytes), which the harness writes
  /// to <out>/layer_<k>.bin; the traced ops are appended to *tracedOps in k
  /// order. Never used for code that ships.
  bool traceLayers = false;
  std::vector<mlir::Operation *> *tracedOps = nullptr;
};

using edgec::GeneratedFile;

/// Emits the generated-code files for a planned module (after
/// edge-plan-memory). Fails with diagnostics on ops it cannot generate.
mlir::FailureOr<std::vector<GeneratedFile>> emitCpp(mlir::ModuleOp module, const Target &target,
                                                    const EmitOptions &options);

/// Attaches every edge op's EdgeKernelOpInterface model (codegen/ops/) to
/// the context's edge dialect; idempotent. emitCpp calls it itself.
void attachKernelEmitters(mlir::MLIRContext &ctx);

/// The runtime headers shipped next to generated code (embedded at build time
/// from runtime-stub/), as path / content pairs.
const std::vector<GeneratedFile> &runtimeFiles();

} // namespace edgec::codegen
