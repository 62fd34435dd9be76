//===- CompileFuzzer.cpp - libFuzzer target over the whole compile ---------===//
//
// Input: 2 bytes N (little-endian), N bytes of external data, then a model
// (textual ONNX when it starts with '<', else binary). The external data is
// written to `w.bin` in a base folder that also holds the traps external
// data must not reach: a symbolic link to a file outside (`link.bin`), a
// folder (`dir`), a FIFO (`fifo`). Then: import (with that base folder) ->
// fusion -> [int8 quantization, calibrated on two random samples, when the
// first model byte is odd] -> sparsity analysis -> memory plan -> C++
// emission, all in memory. Models are capped (elements of every value) so an
// iteration stays fast. Diagnostics are expected; crashes, hangs, sanitizer
// reports, and a verifier failure after a pass succeeded are bugs.
//
//===----------------------------------------------------------------------===//

#include "edgec/Codegen/Emitter.h"
#include "edgec/Codegen/Target.h"
#include "edgec/Import/OnnxImporter.h"
#include "edgec/Pipelines/Pipelines.h"
#include "passes/Quantize/Calibration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string baseDir;

/// Largest value (elements) a fuzzed model may compute: keeps calibration
/// and emission of one input in milliseconds.
constexpr int64_t kMaxValueElements = 1 << 16;

bool small(mlir::ModuleOp m) {
  bool ok = true;
  m.walk([&](mlir::Operation *op) {
    for (mlir::Type t : op->getResultTypes())
      if (auto s = mlir::dyn_cast<mlir::ShapedType>(t))
        if (!s.hasStaticShape() || s.getNumElements() > kMaxValueElements)
          ok = false;
  });
  return ok;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  char tmpl[] = "/tmp/edgec-fuzz-compile-XXXXXX";
  if (!mkdtemp(tmpl))
    abort();
  baseDir = tmpl;
  std::string outside = baseDir + ".outside";
  if (FILE *f = fopen(outside.c_str(), "wb")) {
    fputs("secret", f);
    fclose(f);
  }
  (void)!symlink(outside.c_str(), (baseDir + "/link.bin").c_str());
  mkdir((baseDir + "/dir").c_str(), 0700);
  mkfifo((baseDir + "/fifo").c_str(), 0600);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  size_t n = data[0] | (size_t(data[1]) << 8);
  if (2 + n > size)
    return 0;
  if (FILE *f = fopen((baseDir + "/w.bin").c_str(), "wb")) {
    fwrite(data + 2, 1, n, f);
    fclose(f);
  }
  std::string model(reinterpret_cast<const char *>(data + 2 + n), size - 2 - n);
  bool textual = !model.empty() && model[0] == '<';
  bool quantize = !model.empty() && (model[0] & 1);

  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(&ctx, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module = edgec::importOnnxBytes(
      ctx, model, textual ? "fuzz.onnxtxt" : "fuzz.onnx", baseDir, edgec::ImportOptions{});
  if (!module || failed(mlir::verify(*module)) || !small(*module))
    return 0;

  // The compile pipeline's stages, calibrating on 2 random samples.
  edgec::CompilePipelineOptions o;
  o.quantize = quantize ? "int8" : "none";
  std::vector<edgec::quant::Sample> samples;
  auto run = [&](void (*build)(mlir::OpPassManager &, const edgec::CompilePipelineOptions &)) {
    mlir::PassManager pm(&ctx);
    build(pm, o);
    return pm.run(*module);
  };
  if (failed(run(edgec::buildSimplifyPipeline)))
    return 0;
  if (quantize) {
    samples = edgec::quant::randomSamples(module->lookupSymbol<mlir::func::FuncOp>("main"), 2);
    o.samples = &samples;
    if (failed(run(edgec::buildCalibratePipeline)))
      return 0;
  }
  if (failed(run(edgec::buildQuantizePipeline)) || failed(run(edgec::buildLowerPipeline)))
    return 0;
  std::string error;
  auto target = edgec::codegen::findTarget("generic", error);
  if (!target)
    abort();
  edgec::codegen::EmitOptions opts;
  opts.name = "fuzz";
  opts.harness = true;
  (void)edgec::codegen::emitCpp(*module, *target, opts);
  return 0;
}
