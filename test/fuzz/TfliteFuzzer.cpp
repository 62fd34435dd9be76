//===- TfliteFuzzer.cpp - libFuzzer target over the .tflite importer ------===//
//
// Feeds arbitrary bytes to the .tflite importer (flatbuffer verification,
// index and buffer checks, operator import), then runs the MLIR verifier over
// whatever module comes out. Inputs without the TFL3 identifier are given one
// so that most of the fuzzer's time goes past the identifier check.
// Diagnostics are expected; crashes, hangs and sanitizer reports are bugs.
//
//===----------------------------------------------------------------------===//

#include "edgec/Import/TfliteImporter.h"

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
  if (bytes.size() >= 8 && !edgec::isTfliteBytes(bytes))
    bytes.replace(4, 4, "TFL3");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      edgec::importTfliteBytes(ctx, bytes, "fuzz.tflite", edgec::ImportOptions{});
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
