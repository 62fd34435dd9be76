//===- TextFuzzer.cpp - libFuzzer target over textual ONNX -----------------===//
//
// Arbitrary bytes as a `.onnxtxt` model: ONNX's text parser (behind edgec's
// nesting bound and exception guard), then the importer and the MLIR
// verifier. Diagnostics are expected; crashes, hangs and sanitizer reports
// are bugs.
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
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      edgec::importOnnxBytes(ctx, text, "fuzz.onnxtxt", "", edgec::ImportOptions{});
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
