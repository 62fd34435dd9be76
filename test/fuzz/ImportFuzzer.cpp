//===- ImportFuzzer.cpp - libFuzzer target over the ONNX importer ----------===//
//
// Feeds arbitrary bytes to the importer as a binary ONNX model, or as textual
// ONNX when they start with '<' (the text format's header), then runs the
// MLIR verifier over whatever module comes out. Diagnostics are expected
// (bad input must get one); crashes, hangs and sanitizer reports are bugs.
// Built by scripts/fuzz.sh (clang-19, -fsanitize=fuzzer,address,undefined).
//
//===----------------------------------------------------------------------===//

#include "edgec/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(&ctx, [](mlir::Diagnostic &) { return mlir::success(); });
  std::string bytes(reinterpret_cast<const char *>(data), size);
  bool textual = size > 0 && data[0] == '<';
  // No base directory: external-data references must not read the file system.
  mlir::OwningOpRef<mlir::ModuleOp> module = edgec::importOnnxBytes(
      ctx, bytes, textual ? "fuzz.onnxtxt" : "fuzz.onnx", "", edgec::ImportOptions{});
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
