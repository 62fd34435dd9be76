//===- edgec.cpp - the edgec command line ----------------------------------===//
//
// edgec compile | inspect | run | targets | ops | import
//
// Exit codes: 0 success, 1 a problem with the user's input (model, options,
// data, output location) reported as a diagnostic, 2 an internal error.
// Every folder edgec writes goes through edgec/Support/Files.h: written to a
// temporary sibling and exchanged into place, never replacing a folder edgec
// did not write, nor one holding the command's inputs.
//
//===----------------------------------------------------------------------===//

#include "edgec/Codegen/Emitter.h"
#include "edgec/Codegen/Report.h"
#include "edgec/Eval/Evaluator.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Import/OnnxImporter.h"
#include "edgec/Import/TfliteImporter.h"
#include "edgec/Pipelines/Pipelines.h"
#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/Files.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Npy.h"
#include "edgec/Support/TensorAttr.h"
#include "edgec/Support/Version.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Planner.h"
#include "passes/Quantize/Calibration.h"
#include "passes/Quantize/MixedPrecision.h"
#include "passes/Quantize/Passes.h"
#include "passes/Quantize/QuantReport.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Kernels/Passes.h"
#include "passes/Sparsity/Passes.h"
#include "passes/Sparsity/Sparsity.h"
#include "edgec/quant.h"

#include "Verify.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

using namespace mlir;

namespace {

enum ExitCode { kSuccess = 0, kUserError = 1, kInternalError = 2 };

/// Prints diagnostics as "edgec: error: <where>: <message>" and remembers
/// whether any was an internal error.
class DiagnosticPrinter {
public:
  explicit DiagnosticPrinter(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &d) {
          print(d);
          return success();
        }) {}

  bool internal = false;

private:
  static std::string where(Location loc) {
    if (auto nl = dyn_cast<NameLoc>(loc)) {
      std::string n;
      for (char c : nl.getName().str())
        n += (c >= 32 && c < 127) ? c : '?';
      return "node '" + n + "'";
    }
    if (auto fl = dyn_cast<FileLineColLoc>(loc))
      return fl.getLine() ? fmt::format("{}:{}:{}", fl.getFilename().str(), fl.getLine(),
                                        fl.getColumn())
                          : fl.getFilename().str();
    return "";
  }

  void print(Diagnostic &d) {
    const char *sev = d.getSeverity() == DiagnosticSeverity::Error     ? "error"
                      : d.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                       : "note";
    std::string msg = d.str();
    if (msg.find("internal error") != std::string::npos || msg.find("memory plan:") == 0)
      internal = true;
    std::string w = where(d.getLocation());
    // Importer messages already start with the node; do not say it twice.
    if (!w.empty() && msg.rfind("node '", 0) != 0)
      msg = w + ": " + msg;
    fmt::print(stderr, "edgec: {}: {}\n", sev, msg);
    for (Diagnostic &note : d.getNotes())
      fmt::print(stderr, "edgec: note: {}\n", note.str());
  }

  ScopedDiagnosticHandler handler;
};

void userError(const std::string &msg) { fmt::print(stderr, "edgec: error: {}\n", msg); }

/// "name=1x3x96x96" -> (name, shape).
bool parseInputShapes(const std::vector<std::string> &specs, edgec::ImportOptions &options) {
  for (const std::string &spec : specs) {
    size_t eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      userError("--input-shape '" + spec + "' must look like NAME=1x3x96x96");
      return false;
    }
    std::vector<int64_t> shape;
    std::string dims = spec.substr(eq + 1);
    size_t pos = 0;
    while (pos <= dims.size()) {
      size_t x = dims.find('x', pos);
      std::string d = dims.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
      char *end = nullptr;
      long long v = d.empty() ? -1 : std::strtoll(d.c_str(), &end, 10);
      if (d.empty() || *end != '\0' || v <= 0 || v > (1LL << 31)) {
        userError("--input-shape '" + spec + "': '" + d + "' is not a positive dimension");
        return false;
      }
      shape.push_back(v);
      if (x == std::string::npos)
        break;
      pos = x + 1;
    }
    options.inputShapes[spec.substr(0, eq)] = shape;
  }
  return true;
}

struct ModelArgs {
  std::string model;
  std::vector<std::string> inputShapes;
  std::vector<std::string> bindings;
  int64_t maxTripCount = 0;
  /// Filled by importModel: the external-data files the model was read from.
  std::vector<std::string> externalFiles;

  /// The bound .npy/.pb files.
  std::vector<std::string> boundFiles() const {
    std::vector<std::string> out;
    for (const auto &b : bindings)
      if (size_t eq = b.find('='); eq != std::string::npos)
        out.push_back(b.substr(eq + 1));
    return out;
  }
};

void addModelArgs(CLI::App *cmd, ModelArgs &args) {
  cmd->add_option("model", args.model, "Model: ONNX (.onnx, textual .onnxtxt) or TFLite (.tflite)")->required();
  cmd->add_option("--input-shape", args.inputShapes,
                  "Shape of a graph input, NAME=1x3x96x96 (symbolic dimensions default to 1, with a warning for each but the leading one)");
  cmd->add_option("--bind", args.bindings,
                  "Bind a graph input to a constant, NAME=value.npy|value.pb: for inputs that "
                  "determine shapes (a Reshape's shape, Slice's starts, ...)");
  cmd->add_option("--max-trip-count", args.maxTripCount,
                  "Largest trip count of a Loop whose trip count or condition is computed at "
                  "run time: unrolled this many times, each iteration kept only while the loop "
                  "runs (iterations past it are not run)")
      ->check(CLI::Range(int64_t(1), int64_t(1024)));
}

OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, ModelArgs &args) {
  edgec::ImportOptions options;
  args.externalFiles.clear();
  options.externalFiles = &args.externalFiles;
  options.maxTripCount = args.maxTripCount;
  if (!parseInputShapes(args.inputShapes, options))
    return nullptr;
  for (const std::string &spec : args.bindings) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      userError("--bind '" + spec + "' is not NAME=FILE.npy|FILE.pb");
      return nullptr;
    }
    std::string path = spec.substr(eq + 1), error;
    edgec::Tensor t;
    bool pb = llvm::StringRef(path).ends_with(".pb");
    if (!(pb ? edgec::readTensorProtoFile(path, t, error) : edgec::readNpy(path, t, error))) {
      userError("--bind " + spec.substr(0, eq) + ": " + error);
      return nullptr;
    }
    options.bindings[spec.substr(0, eq)] = std::move(t);
  }
  if (!llvm::sys::fs::exists(args.model)) {
    userError("model file '" + args.model + "' does not exist");
    return nullptr;
  }
  // The format is told by the bytes: TFLite's flatbuffer identifier, else ONNX.
  std::string bytes, error;
  if (!edgec::files::readWholeFile(args.model, bytes, error)) {
    emitError(FileLineColLoc::get(&ctx, args.model, 0, 0)) << "model file: " << error;
    return nullptr;
  }
  if (edgec::isTfliteBytes(bytes))
    return edgec::importTfliteBytes(ctx, bytes, args.model, options);
  llvm::SmallString<256> dir(args.model);
  llvm::sys::path::remove_filename(dir);
  return edgec::importOnnxBytes(ctx, bytes, args.model, dir.empty() ? "." : std::string(dir),
                                options);
}

/// Options that shape the compiled model (compile, inspect and run share them).
struct CompileFlags {
  std::string planner = "greedy-by-size";
  std::string schedule = "memory";
  int64_t streamRows = 1; ///< --stream-rows N (0: no streams)
  bool noFuse = false;
  bool keepChannels = false;
  std::string quantize = "none";
  std::string calibration;
  std::string range = "minmax";
  std::vector<std::string> keepFloat;
  std::vector<std::string> int16;
  double accuracyBudget = 0; ///< dB, with --quantize auto
  std::string chosenBy;      ///< "--quantize auto ..." once auto resolved to the lists
  bool biasCorrection = false;
  bool equalize = false;
  std::string evalInputs;
  std::string evalLabels;
  std::string sparsity = "auto";
  int64_t ramBudget = 0; ///< --ram-budget (a target flag), for the pipeline
  std::string prune;
  std::string pruneScope = "layer";
  std::string tuning; ///< --tuning FILE

  bool quantized() const { return quantize != "none"; }
  /// The options as they appear in generated banners (deterministic order).
  std::string describe() const {
    std::string d = " --planner " + planner + (schedule != "memory" ? " --schedule " + schedule : "") +
                    (streamRows != 1 ? " --stream-rows " + std::to_string(streamRows) : "") +
                    (noFuse ? " --no-fuse" : "") + (keepChannels ? " --keep-channels" : "");
    if (quantized()) {
      d += " --quantize " + quantize + " --calibration " +
           llvm::sys::path::filename(calibration).str() + " --range " + range;
      if (equalize)
        d += " --equalize";
      if (biasCorrection)
        d += " --bias-correction";
      for (const auto &k : keepFloat)
        d += " --keep-float " + edgec::sanitizeIdentifier(k, "node");
      for (const auto &k : int16)
        d += " --int16 " + edgec::sanitizeIdentifier(k, "node");
      if (quantize == "auto")
        d += fmt::format(" --accuracy-budget {:g}", accuracyBudget);
      if (!chosenBy.empty())
        d += " (chosen by " + chosenBy + ")";
    }
    if (sparsity != "auto")
      d += " --sparsity " + sparsity;
    if (ramBudget > 0)
      d += " --ram-budget " + std::to_string(ramBudget);
    if (!prune.empty())
      d += " --prune " + prune + (pruneScope != "layer" ? " --prune-scope " + pruneScope : "");
    if (!tuning.empty())
      d += " --tuning " + llvm::sys::path::filename(tuning).str();
    return d;
  }
};

void addCompileFlags(CLI::App *cmd, CompileFlags &f, bool planning) {
  if (planning) {
    cmd->add_option("--planner", f.planner, "Memory planner: greedy-by-size or linear")
        ->capture_default_str();
    cmd->add_option("--schedule", f.schedule,
                    "Layer order: memory (the order with the smallest arena lower bound, the "
                    "model's own where that is as small) or source (the model's own)")
        ->capture_default_str();
    cmd->add_option("--stream-rows", f.streamRows,
                    "Rows per step of a chain of int8 convolutions run a band of rows at a "
                    "time, where that makes the arena smaller (no row is computed twice); 0: "
                    "never")
        ->capture_default_str();
    cmd->add_option("--tuning", f.tuning,
                    "Tuning file (scripts/tune-mcu.sh): the kernel each layer it names runs, "
                    "chosen by instructions measured under QEMU for this model and target");
  }
  cmd->add_flag("--no-fuse", f.noFuse,
                "Keep BatchNorm, Pad, Relu/Clip, reshape chains and the arithmetic of hard-swish and layer / RMS norms as separate layers");
  cmd->add_flag("--keep-channels", f.keepChannels,
                "Keep the output channels that are constant zero or that no reader uses "
                "(removed by default: exact, and smaller in MACs, weights and arena)");
  cmd->add_option("--quantize", f.quantize,
                  "none, int8, int16x8 (post-training quantization; int16x8: int16 "
                  "activations, int8 weights) or auto (int8, 16x8 or float per layer, chosen "
                  "by measured sensitivity to hold --accuracy-budget)")
      ->capture_default_str();
  cmd->add_option("--calibration", f.calibration,
                  "Calibration inputs: a .npy file (first axis = samples), a folder of .npy "
                  "files, a .npz keyed by input name, a folder with <input>.npy or <input>/ per "
                  "input (several inputs), or 'random' (float inputs uniform in [-1, 1), integer "
                  "and boolean ones zero)");
  cmd->add_option("--range", f.range, "Range per activation: minmax, percentile=99.99, mse or entropy (least KL divergence)")
      ->capture_default_str();
  cmd->add_flag("--equalize", f.equalize,
                "Cross-layer equalization: rescale the channels of each conv / gemm pair so "
                "their int8 weights lose less; the report gives each layer's SQNR without it");
  cmd->add_flag("--bias-correction", f.biasCorrection,
                "Correct each conv / gemm bias for the mean error of its int8 weights on the "
                "calibration inputs; the report gives each layer's SQNR without and with it");
  cmd->add_option("--keep-float", f.keepFloat, "ONNX node names to leave in float")
      ->delimiter(',');
  cmd->add_option("--int16", f.int16,
                  "With --quantize int8: ONNX node names to compute in 16x8 (int16 "
                  "activations) instead (mixed precision)")
      ->delimiter(',');
  cmd->add_option("--accuracy-budget", f.accuracyBudget,
                  "With --quantize auto: the output SQNR against float, in dB, that the "
                  "chosen precisions must reach on the evaluation inputs");
  cmd->add_option("--eval-inputs", f.evalInputs,
                  "Inputs (.npy, .npz or folder, like --calibration) on which the quantization error "
                  "report compares the int8 model with the float one (default: the calibration "
                  "data)");
  cmd->add_option("--eval-labels", f.evalLabels,
                  "Integer class labels (.npy), one per row of the first output on the "
                  "evaluation inputs: the report adds float and int8 top-1 accuracy");
  cmd->add_option("--sparsity", f.sparsity,
                  "Sparse int8 kernels for pruned layers: auto (where the target's cost model "
                  "predicts fewer instructions), off, or force (wherever one exists)")
      ->capture_default_str();
  cmd->add_option("--prune", f.prune,
                  "Experiment: zero the smallest weights of every conv / gemm before "
                  "quantization, a fraction (0.5) or an N:M pattern (2:4); accuracy needs "
                  "fine-tuning");
  cmd->add_option("--prune-scope", f.pruneScope,
                  "layer (each layer pruned to the fraction) or global (one threshold)")
      ->capture_default_str();
}

/// Every file a command reads: an output folder must not hold any of them.
std::vector<std::string> inputsOf(const ModelArgs &m, const CompileFlags &f,
                                  const std::string &target = "") {
  std::vector<std::string> in = {m.model};
  for (const auto &v : {m.boundFiles(), m.externalFiles})
    in.insert(in.end(), v.begin(), v.end());
  for (const std::string *p : {&f.calibration, &f.evalInputs, &f.evalLabels, &f.tuning, &target})
    if (!p->empty() && *p != "random")
      in.push_back(*p);
  return in;
}

/// Checks the flags before any work is done.
bool checkCompileFlags(const CompileFlags &f) {
  if (!edgec::memory::createPlanner(f.planner)) {
    userError("unknown --planner '" + f.planner + "' (expected greedy-by-size or linear)");
    return false;
  }
  if (f.schedule != "memory" && f.schedule != "source") {
    userError("unknown --schedule '" + f.schedule + "' (expected memory or source)");
    return false;
  }
  if (f.streamRows < 0) {
    userError("--stream-rows must be 0 (no streams) or more, not " +
              std::to_string(f.streamRows));
    return false;
  }
  if (f.quantize != "none" && f.quantize != "int8" && f.quantize != "int16x8" &&
      f.quantize != "auto") {
    userError("unknown --quantize '" + f.quantize + "' (expected none, int8, int16x8 or auto)");
    return false;
  }
  if (f.quantize == "auto" && !(f.accuracyBudget > 0 && f.accuracyBudget < 200)) {
    userError(f.accuracyBudget == 0
                  ? "--quantize auto needs --accuracy-budget DB: the output SQNR against float "
                    "the model must keep (e.g. 35)"
                  : fmt::format("--accuracy-budget {:g} is not an SQNR in dB in (0, 200)",
                                f.accuracyBudget));
    return false;
  }
  if (f.quantize != "auto" && f.accuracyBudget != 0) {
    userError("--accuracy-budget only applies with --quantize auto");
    return false;
  }
  if (f.quantize != "int8" && !f.int16.empty()) {
    userError("--int16 only applies with --quantize int8 (int16x8 is 16x8 everywhere; auto "
              "chooses the layers itself)");
    return false;
  }
  edgec::quant::CalibrationOptions c;
  std::string error;
  if (!edgec::quant::parseRangeMethod(f.range, c, error)) {
    userError(error);
    return false;
  }
  if (f.quantized() && f.calibration.empty()) {
    userError("--quantize " + f.quantize +
              " needs calibration data: --calibration FILE.npy|FOLDER (or --calibration random, "
              "for a model whose accuracy does not matter)");
    return false;
  }
  if (!f.quantized() && (!f.calibration.empty() || !f.keepFloat.empty() ||
                         !f.evalInputs.empty() || !f.evalLabels.empty() || f.biasCorrection ||
                         f.equalize)) {
    userError("--calibration, --keep-float, --equalize, --bias-correction, --eval-inputs and "
              "--eval-labels only apply with --quantize int8, int16x8 or auto");
    return false;
  }
  if (f.sparsity != "auto" && f.sparsity != "off" && f.sparsity != "force") {
    userError("unknown --sparsity '" + f.sparsity + "' (expected auto, off or force)");
    return false;
  }
  if (f.pruneScope != "layer" && f.pruneScope != "global") {
    userError("unknown --prune-scope '" + f.pruneScope + "' (expected layer or global)");
    return false;
  }
  if (!f.prune.empty()) {
    char *end = nullptr;
    double v = std::strtod(f.prune.c_str(), &end);
    int n = 0, m = 0;
    bool fraction = end && *end == '\0' && v >= 0.0 && v < 1.0;
    bool nm = std::sscanf(f.prune.c_str(), "%d:%d", &n, &m) == 2 && n >= 1 && m > n && m <= 64 &&
              f.prune == std::to_string(n) + ":" + std::to_string(m);
    if (!fraction && !nm) {
      userError("--prune '" + f.prune +
                "' is neither a fraction in [0, 1) (e.g. 0.5) nor an N:M pattern (e.g. 2:4)");
      return false;
    }
  }
  if (!f.evalLabels.empty() && f.evalInputs.empty() && f.calibration == "random") {
    userError("--eval-labels needs --eval-inputs: random calibration inputs have no labels");
    return false;
  }
  return true;
}

/// Target selection and the memory contract (compile and verify share them).
struct TargetFlags {
  std::string target = "x86-64";
  std::string ram, flash;
  bool noFitCheck = false;
  std::string kernels = "auto";
  std::string ramBudget;       ///< --ram-budget as given
  int64_t ramBudgetBytes = 0;  ///< parsed by resolveTarget; 0 = none
};

void addTargetFlags(CLI::App *cmd, TargetFlags &f, const char *defaultTarget) {
  f.target = defaultTarget;
  cmd->add_option("-t,--target", f.target,
                  "Target (see `edgec targets`), or a target description file (.json)")
      ->capture_default_str();
  cmd->add_option("--ram", f.ram, "RAM of the part, overriding the target's (e.g. 256K, 1M)");
  cmd->add_option("--flash", f.flash, "Flash of the part, overriding the target's (e.g. 1M)");
  cmd->add_flag("--no-fit-check", f.noFitCheck,
                "Write the code even when the arena or the weights exceed the part's RAM / flash");
  cmd->add_option("--ram-budget", f.ramBudget,
                  "The arena must fit in this many bytes (e.g. 64K): otherwise nothing is "
                  "written and the error gives the smallest arena reached and the layer that "
                  "sets it; --quantize auto keeps within it too");
  cmd->add_option("--kernels", f.kernels,
                  "auto (the target's specialised kernels where a layer has one) or portable")
      ->capture_default_str();
}

/// The target with --ram / --flash / --kernels applied, or nullopt after an error.
std::optional<edgec::codegen::Target> resolveTarget(TargetFlags &f) {
  std::string error;
  std::optional<edgec::codegen::Target> t = edgec::codegen::findTarget(f.target, error);
  if (!t) {
    userError(error);
    return std::nullopt;
  }
  for (auto [text, field, flag] : {std::tuple{&f.ram, &t->ramBytes, "--ram"},
                                   std::tuple{&f.flash, &t->flashBytes, "--flash"},
                                   std::tuple{&f.ramBudget, &f.ramBudgetBytes, "--ram-budget"}}) {
    if (text->empty())
      continue;
    auto bytes = edgec::codegen::parseByteSize(*text);
    if (!bytes) {
      userError(std::string(flag) + " '" + *text + "' is not a size such as 65536, 256K or 2M");
      return std::nullopt;
    }
    *field = *bytes;
  }
  if (f.kernels == edgec::edge::stringifyKernelFamily(edgec::edge::KernelFamily::Portable))
    t->kernels = edgec::edge::KernelFamily::Portable;
  else if (f.kernels != "auto") {
    userError("unknown --kernels '" + f.kernels + "' (expected auto or portable)");
    return std::nullopt;
  }
  return t;
}

/// Reads one .npy per path; false (after a diagnostic) on the first failure.
bool readInputs(const std::vector<std::string> &paths, std::vector<edgec::Tensor> &tensors) {
  for (const std::string &path : paths) {
    edgec::Tensor t;
    std::string error;
    if (!edgec::readNpy(path, t, error)) {
      userError(error);
      return false;
    }
    tensors.push_back(std::move(t));
  }
  return true;
}

/// The pipeline options of the compile flags (the same names, see
/// edgec::CompilePipelineOptions).
void pipelineOptions(const CompileFlags &f, edgec::edge::KernelFamily family, int64_t alignment,
                     edgec::CompilePipelineOptions &o) {
  o.family = family;
  o.alignment = alignment;
  o.fuse = !f.noFuse;
  o.keepChannels = f.keepChannels;
  o.prune = f.prune;
  o.pruneScope = f.pruneScope;
  o.quantize = f.quantize;
  o.calibration = f.calibration;
  o.range = f.range;
  o.keepFloat = f.keepFloat;
  o.int16 = f.int16;
  o.biasCorrection = f.biasCorrection;
  o.equalize = f.equalize;
  o.sparsity = f.sparsity;
  o.ramBudget = f.ramBudget;
  o.planner = f.planner;
  o.schedule = f.schedule == "memory";
  o.streamRows = f.streamRows;
  o.tuning = f.tuning;
}

/// Measures the quantized `module` against `floatModule` (see QuantReport.h)
/// on the evaluation inputs, and records the float model's weight and arena
/// bytes beside the quantized ones.
LogicalResult reportQuantization(MLIRContext &ctx, ModuleOp floatModule, ModuleOp baseline,
                                 ModuleOp module, const CompileFlags &f,
                                 const std::vector<edgec::quant::Sample> &calibration,
                                 edgec::edge::KernelFamily family, int64_t alignment) {
  auto ref = floatModule.lookupSymbol<func::FuncOp>("main");
  auto func = module.lookupSymbol<func::FuncOp>("main");
  std::vector<edgec::quant::Sample> evalSamples;
  std::string error;
  if (!f.evalInputs.empty() &&
      !edgec::quant::loadCalibrationSamples(ref, f.evalInputs, evalSamples, error)) {
    userError("--eval-inputs: " + error);
    return failure();
  }
  std::optional<edgec::Tensor> labels;
  if (!f.evalLabels.empty()) {
    labels.emplace();
    if (!edgec::readNpy(f.evalLabels, *labels, error)) {
      userError("--eval-labels: " + error);
      return failure();
    }
  }
  const std::vector<edgec::quant::Sample> &samples =
      f.evalInputs.empty() ? calibration : evalSamples;
  if (failed(edgec::quant::measureQuantizationError(ref, func, samples,
                                                    labels ? &*labels : nullptr, f.keepFloat)))
    return failure();
  // Random calibration already got its warning.
  if (f.evalInputs.empty() && f.calibration != "random")
    edgec::quant::warnQuantization(
        func, func.getLoc(),
        "the quantization error is measured on the calibration samples themselves "
        "(in-sample), which overstates the accuracy on new data; pass held-out samples with "
        "--eval-inputs");
  // --equalize / --bias-correction before and after: the model as it was
  // before calibration, calibrated and quantized without them on the same
  // samples and measured against its own float layers, beside each layer.
  if (baseline) {
    CompileFlags plain = f;
    plain.biasCorrection = plain.equalize = false;
    edgec::CompilePipelineOptions o;
    pipelineOptions(plain, family, alignment, o);
    o.samples = &calibration;
    PassManager cal(&ctx);
    edgec::buildCalibratePipeline(cal, o);
    if (failed(cal.run(baseline)))
      return failure();
    OwningOpRef<ModuleOp> twin = baseline.clone();
    PassManager pm(&ctx);
    edgec::buildQuantizePipeline(pm, o);
    if (failed(pm.run(*twin)))
      return failure();
    auto twinFunc = twin->lookupSymbol<func::FuncOp>("main");
    if (failed(edgec::quant::measureQuantizationError(
            baseline.lookupSymbol<func::FuncOp>("main"), twinFunc, samples, nullptr,
            f.keepFloat, /*warn=*/false)))
      return failure();
    llvm::StringMap<double> before;
    twinFunc.walk([&](Operation *op) {
      auto nl = dyn_cast<NameLoc>(op->getLoc());
      if (auto db = op->getAttrOfType<FloatAttr>(edgec::quant::kSqnrAttr); db && nl &&
          isa<edgec::edge::Conv2DOp, edgec::edge::GemmOp>(op))
        before[nl.getName().strref()] = db.getValueAsDouble();
    });
    Builder b(&ctx);
    func.walk([&](Operation *op) {
      auto nl = dyn_cast<NameLoc>(op->getLoc());
      if (!nl || !isa<edgec::edge::Conv2DOp, edgec::edge::GemmOp>(op))
        return;
      if (auto it = before.find(nl.getName().strref()); it != before.end())
        op->setAttr(edgec::quant::kSqnrPlainAttr, b.getF64FloatAttr(it->second));
    });
    std::string what = f.equalize && f.biasCorrection ? "--equalize --bias-correction"
                       : f.equalize                  ? "--equalize"
                                                     : "--bias-correction";
    func->setAttr(edgec::quant::kPlainOptionsAttr, b.getStringAttr(what));
  }
  // Strip calibration ranges so the float twin plans like a float compile.
  ref.walk([](Operation *op) { op->removeAttr(edgec::quant::kRangeAttr); });
  // The float twin is lowered as a float compile of the same model would be.
  CompileFlags floatFlags = f;
  floatFlags.quantize = "none";
  floatFlags.sparsity = "off"; // no int8 layers: no sparse kernels either
  floatFlags.tuning.clear();    // measured on the compiled model's kernels, not these
  edgec::CompilePipelineOptions o;
  pipelineOptions(floatFlags, family, alignment, o);
  PassManager mem(&ctx);
  edgec::buildLowerPipeline(mem, o);
  if (failed(mem.run(floatModule)))
    return failure();
  int64_t weights = 0;
  ref.walk([&](edgec::edge::ConstantOp c) {
    if (!c->use_empty())
      weights += cast<ShapedType>(c.getType()).getNumElements() *
                 edgec::elementBytes(getElementTypeOrSelf(c.getType()));
  });
  Builder b(&ctx);
  func->setAttr(edgec::quant::kFloatWeightAttr, b.getI64IntegerAttr(weights));
  func->setAttr(edgec::quant::kFloatArenaAttr,
                ref->getAttr(edgec::memory::kArenaSizeAttr));
  return success();
}

/// --quantize auto: chooses, on the calibrated `module`, the layers to
/// compute in 16x8 and in float (edgec::quant::chooseMixedPrecision) and
/// rewrites `f` into the equivalent --quantize int8 --int16 ... --keep-float
/// ... flags. Each trial quantizes a clone, measures its outputs against
/// `floatModule` on the evaluation inputs (--eval-inputs, else the
/// calibration samples) and plans its memory.
LogicalResult resolveAutoPrecision(MLIRContext &ctx, ModuleOp module, ModuleOp floatModule,
                                   CompileFlags &f,
                                   const std::vector<edgec::quant::Sample> &calibration,
                                   edgec::edge::KernelFamily family, int64_t alignment,
                                   int64_t ramBytes) {
  std::vector<edgec::quant::Sample> evalSamples;
  std::string error;
  auto ref = floatModule.lookupSymbol<func::FuncOp>("main");
  if (!f.evalInputs.empty() &&
      !edgec::quant::loadCalibrationSamples(ref, f.evalInputs, evalSamples, error)) {
    userError("--eval-inputs: " + error);
    return failure();
  }
  const auto &samples = f.evalInputs.empty() ? calibration : evalSamples;
  // Candidates in graph order: every calibrated layer.
  std::vector<std::string> int16Candidates, floatCandidates;
  llvm::StringSet<> seen, kept;
  for (const std::string &k : f.keepFloat)
    kept.insert(k);
  module.lookupSymbol<func::FuncOp>("main").walk([&](Operation *op) {
    auto nl = dyn_cast<NameLoc>(op->getLoc());
    if (!nl || !op->hasAttr(edgec::quant::kRangeAttr) || edgec::quant::keepsInputParams(op) ||
        kept.contains(nl.getName().strref()) || !seen.insert(nl.getName().strref()).second)
      return;
    floatCandidates.push_back(nl.getName().str());
    if (!edgec::quant::keepsInt8Data(op))
      int16Candidates.push_back(nl.getName().str());
  });
  auto trial = [&](const edgec::quant::PrecisionSet &s)
      -> std::optional<edgec::quant::PrecisionTrial> {
    CompileFlags g = f;
    g.quantize = "int8";
    g.int16 = s.int16;
    g.keepFloat.insert(g.keepFloat.end(), s.floating.begin(), s.floating.end());
    g.tuning.clear(); // a trial's layers differ; the tuning is for the final compile
    edgec::CompilePipelineOptions o;
    pipelineOptions(g, family, alignment, o);
    OwningOpRef<ModuleOp> m = module.clone();
    PassManager quantize(&ctx), lower(&ctx);
    edgec::buildQuantizePipeline(quantize, o);
    if (failed(quantize.run(*m)))
      return std::nullopt;
    auto func = m->lookupSymbol<func::FuncOp>("main");
    if (failed(edgec::quant::measureQuantizationError(ref, func, samples, nullptr, g.keepFloat,
                                                      /*warn=*/false)))
      return std::nullopt;
    edgec::quant::PrecisionTrial t;
    t.sqnrDb = std::numeric_limits<double>::infinity();
    if (auto db = func->getAttrOfType<DenseF64ArrayAttr>(edgec::quant::kOutputSqnrAttr))
      for (double d : db.asArrayRef())
        t.sqnrDb = std::min(t.sqnrDb, d);
    edgec::buildLowerPipeline(lower, o);
    if (failed(lower.run(*m)))
      return std::nullopt;
    t.arenaBytes = func->getAttrOfType<IntegerAttr>(edgec::memory::kArenaSizeAttr).getInt();
    t.instructions = edgec::sparsity::predictDenseInstructions(func, family);
    t.floatLayers = static_cast<int>(edgec::sparsity::floatConvGemmLayers(func));
    return t;
  };
  std::optional<edgec::quant::PrecisionChoice> choice = edgec::quant::chooseMixedPrecision(
      int16Candidates, floatCandidates, f.accuracyBudget, ramBytes, trial);
  if (!choice)
    return failure();
  // The search, step by step: what each layer bought and what it cost.
  auto ratio = [&](int64_t bytes) {
    return choice->int8.arenaBytes ? (double)bytes / choice->int8.arenaBytes : 1.0;
  };
  // Predicted instructions, against all int8 while the same conv / gemm
  // layers are counted (the float ones are not).
  auto instrText = [&](const edgec::quant::PrecisionTrial &t) {
    const edgec::quant::PrecisionTrial &base = choice->int8;
    if (t.floatLayers == base.floatLayers)
      return fmt::format("~{:.0f} instructions ({:.2f}x int8)", t.instructions,
                         base.instructions > 0 ? t.instructions / base.instructions : 1.0);
    return fmt::format("~{:.0f} instructions in the integer layers, {} more conv / gemm in float",
                       t.instructions, t.floatLayers - base.floatLayers);
  };
  auto outcome = [](const edgec::quant::PrecisionStep &st) -> const char * {
    return st.rejectedForRam ? "over the part's RAM, not taken"
           : st.droppedAfter ? "not needed once the budget held, dropped"
           : st.movedToFloat ? "later returned to float"
           : !st.kept        ? "worse with the others, not taken"
                             : "kept";
  };
  fmt::print(stderr,
             "edgec: --quantize auto --accuracy-budget {:g}: all int8 gives {:.1f} dB, arena "
             "{} bytes, ~{:.0f} instructions ({} layers could be 16x8, {} float; {} trials on {} "
             "samples{})\n",
             f.accuracyBudget, choice->int8.sqnrDb, choice->int8.arenaBytes,
             choice->int8.instructions, int16Candidates.size(), floatCandidates.size(), choice->trials, samples.size(),
             f.evalInputs.empty() ? ", the calibration samples" : "");
  Builder b(&ctx);
  std::vector<Attribute> steps;
  for (const edgec::quant::PrecisionStep &st : choice->steps) {
    std::string what = outcome(st);
    fmt::print(stderr, "  {:<32} {:<6} alone {:+.1f} dB -> model {:.1f} dB, arena {} bytes "
                       "({:.2f}x int8), {}{}\n",
               st.layer, st.toFloat ? "float" : "16x8", st.aloneGainDb, st.after.sqnrDb,
               st.after.arenaBytes, ratio(st.after.arenaBytes), instrText(st.after),
               what == "kept" ? "" : ": " + what);
    steps.push_back(b.getDictionaryAttr({
        b.getNamedAttr("layer", b.getStringAttr(st.layer)),
        b.getNamedAttr("precision", b.getStringAttr(st.toFloat ? "float" : "int16")),
        b.getNamedAttr("alone_gain_db", b.getF64FloatAttr(st.aloneGainDb)),
        b.getNamedAttr("sqnr_db", b.getF64FloatAttr(st.after.sqnrDb)),
        b.getNamedAttr("arena_bytes", b.getI64IntegerAttr(st.after.arenaBytes)),
        b.getNamedAttr("instructions",
                       b.getI64IntegerAttr(std::llround(st.after.instructions))),
        b.getNamedAttr("outcome", b.getStringAttr(what)),
    }));
  }
  if (!choice->steps.empty())
    fmt::print(stderr, "  (instructions: the int8 and 16x8 conv and gemm layers as the {} "
                       "kernels' cost model predicts them; `edgec verify --per-layer` measures "
                       "every layer)\n",
               edgec::edge::stringifyKernelFamily(family));
  if (!choice->reached)
    fmt::print(stderr,
               "edgec: warning: --quantize auto: no choice reaches {:g} dB{}; the best, {:.1f} "
               "dB, is used\n",
               f.accuracyBudget, ramBytes ? " within the part's RAM" : "", choice->chosen.sqnrDb);
  auto join = [](const std::vector<std::string> &v) {
    std::string r;
    for (const std::string &s : v)
      r += (r.empty() ? "" : ",") + s;
    return r.empty() ? std::string("none") : r;
  };
  fmt::print(stderr, "edgec: --quantize auto chose 16x8 for {}, float for {}: {:.1f} dB, arena {} "
                     "bytes ({:.2f}x int8), {}\n",
             join(choice->set.int16), join(choice->set.floating), choice->chosen.sqnrDb,
             choice->chosen.arenaBytes, ratio(choice->chosen.arenaBytes),
             instrText(choice->chosen));
  f.chosenBy = fmt::format("--quantize auto --accuracy-budget {:g}", f.accuracyBudget);
  f.quantize = "int8";
  f.int16 = choice->set.int16;
  f.keepFloat.insert(f.keepFloat.end(), choice->set.floating.begin(), choice->set.floating.end());
  auto func = module.lookupSymbol<func::FuncOp>("main");
  func->setAttr(edgec::quant::kAutoInt8ArenaAttr, b.getI64IntegerAttr(choice->int8.arenaBytes));
  func->setAttr(edgec::quant::kAutoInt8InstrAttr,
                b.getI64IntegerAttr(std::llround(choice->int8.instructions)));
  func->setAttr(edgec::quant::kAutoStepsAttr, b.getArrayAttr(steps));
  func->setAttr(edgec::quant::kAutoInt8SqnrAttr, b.getF64FloatAttr(choice->int8.sqnrDb));
  func->setAttr(edgec::quant::kAutoBudgetAttr, b.getF64FloatAttr(f.accuracyBudget));
  return success();
}

/// Runs the compile pipeline (edgec::buildCompilePipeline, stage by stage)
/// on `module`: simplification, pruning, calibration, quantization and, with
/// `plan`, kernel selection, the sparse cost model and memory planning. The
/// stages are the registered `edge-compile-pipeline`'s, so edgec-opt
/// reproduces the planned module (`--print-ir`). The quantization report,
/// which compares with a float clone taken after calibration, then annotates
/// the planned module.
LogicalResult prepareModule(MLIRContext &ctx, ModuleOp module, CompileFlags &f,
                            bool plan = true,
                            edgec::edge::KernelFamily family = edgec::edge::KernelFamily::Portable,
                            int64_t alignment = edgec::memory::kDefaultArenaAlignment,
                            bool printIR = false, int64_t ramBytes = 0) {
  edgec::CompilePipelineOptions o;
  pipelineOptions(f, family, alignment, o);
  auto runStage = [&](void (*build)(OpPassManager &, const edgec::CompilePipelineOptions &)) {
    PassManager pm(&ctx);
    build(pm, o);
    return pm.run(module);
  };
  if (failed(runStage(edgec::buildSimplifyPipeline)))
    return failure();
  OwningOpRef<ModuleOp> unpruned;
  if (!f.prune.empty()) {
    unpruned = module.clone();
    if (failed(runStage(edgec::buildPrunePipeline)))
      return failure();
    fmt::print(stderr, "edgec: warning: --prune {} zeroes weights by magnitude without "
                       "fine-tuning; the accuracy it costs needs retraining to recover (the "
                       "quantization report compares with the unpruned float model)\n",
               f.prune);
  }
  // Calibration samples are loaded here, once, for calibration and the report.
  std::vector<edgec::quant::Sample> samples;
  OwningOpRef<ModuleOp> floatModule, baseline;
  if (f.quantized()) {
    auto func = module.lookupSymbol<func::FuncOp>("main");
    std::string error;
    if (f.calibration == "random") {
      samples = edgec::quant::randomSamples(func, edgec::quant::kRandomSamples);
      fmt::print(stderr, "edgec: warning: calibrating on random inputs: the int8 model's "
                         "accuracy is meaningless\n");
    } else if (!edgec::quant::loadCalibrationSamples(func, f.calibration, samples, error)) {
      userError(error);
      return failure();
    }
    o.samples = &samples;
    o.progress = true;
    if (f.equalize || f.biasCorrection)
      baseline = module.clone();
    if (failed(runStage(edgec::buildCalibratePipeline)))
      return failure();
    floatModule = unpruned ? std::move(unpruned) : module.clone();
    if (f.quantize == "auto") {
      if (failed(resolveAutoPrecision(ctx, module, *floatModule, f, samples, family, alignment,
                                      ramBytes)))
        return failure();
      pipelineOptions(f, family, alignment, o);
      o.samples = &samples;
    }
  }
  if (failed(runStage(edgec::buildQuantizePipeline)))
    return failure();
  if (plan) {
    if (failed(runStage(edgec::buildLowerPipeline)))
      return failure();
    if (printIR) {
      module->print(llvm::outs());
      llvm::outs() << "\n";
      llvm::outs().flush();
    }
  }
  if (floatModule && failed(reportQuantization(ctx, *floatModule, baseline ? *baseline : ModuleOp(),
                                               module, f, samples, family, alignment)))
    return failure();
  return success();
}

void dumpPlan(ModuleOp module) {
  module.walk([&](func::FuncOp f) {
    fmt::print("memory plan ({}):\n", f->getAttrOfType<StringAttr>(edgec::memory::kPlannerAttr).str());
    fmt::print("  {:>8}  {:>8}  {:>9}  {}\n", "offset", "bytes", "lifetime", "buffer");
    for (const auto &b : edgec::memory::collectArenaBuffers(f)) {
      auto off = b.op->getAttrOfType<IntegerAttr>(edgec::memory::offsetAttrOf(b.kind));
      std::string node;
      if (auto nl = dyn_cast<NameLoc>(b.op->getLoc()))
        node = edgec::sanitizeIdentifier(nl.getName().str(), "op");
      fmt::print("  {:>8}  {:>8}  {:>4}-{:<4}  {}{}\n", off ? off.getInt() : -1, b.request.size,
                 b.request.first, b.request.last, edgec::memory::kindPrefix(b.kind), node);
    }
  });
}

std::string defaultName(const std::string &model) {
  return edgec::sanitizeIdentifier(llvm::sys::path::stem(model).str(), "model");
}

int finish(const DiagnosticPrinter &diags) { return diags.internal ? kInternalError : kUserError; }

/// Longest --name accepted: it prefixes every generated file name.
constexpr size_t kMaxNameLength = 100;

/// One compile: what `edgec compile` does, and the first step of `verify`.
struct CompileJob {
  ModelArgs model;
  CompileFlags flags;
  TargetFlags target;
  std::string outDir, outOption = "-o", name, depfile;
  bool harness = false, planDump = false, force = false, printIR = false;
  bool quiet = false; ///< nothing on stdout (verify --json)
  std::vector<Operation *> *tracedOps = nullptr; ///< verify --per-layer
};

/// A path in Makefile depfile syntax (what Ninja and Make read).
std::string depfileEscape(const std::string &path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#' || c == '\\')
      out += '\\';
    if (c == '$')
      out += '$';
    out += c;
  }
  return out;
}

/// --depfile FILE: "<out>/<name>.cpp: <every file the compile read>", so that a
/// build system reruns edgec when the model's external data changes.
bool writeDepfile(const CompileJob &job, const std::vector<std::string> &inputs) {
  llvm::SmallString<256> target(job.outDir);
  llvm::sys::fs::make_absolute(target);
  llvm::sys::path::remove_dots(target, true);
  llvm::sys::path::append(target, job.name + ".cpp");
  std::string text = depfileEscape(std::string(target)) + ":";
  for (const std::string &in : inputs) {
    llvm::SmallString<256> abs(in);
    llvm::sys::fs::make_absolute(abs);
    llvm::sys::path::remove_dots(abs, true);
    text += " \\\n  " + depfileEscape(std::string(abs));
  }
  text += "\n";
  std::string error;
  if (!edgec::files::replaceFile(job.depfile, text, error)) {
    userError("--depfile: " + error);
    return false;
  }
  return true;
}

int runCompile(MLIRContext &ctx, DiagnosticPrinter &diags, CompileJob &job,
               std::optional<edgec::codegen::Target> &tgt, OwningOpRef<ModuleOp> &module) {
  tgt = resolveTarget(job.target);
  if (!tgt)
    return kUserError;
  if (job.name.empty())
    job.name = defaultName(job.model.model);
  else if (edgec::sanitizeIdentifier(job.name, "model") != job.name) {
    userError("--name '" + job.name + "' is not a C identifier (letters, digits, '_'; try '" +
              edgec::sanitizeIdentifier(job.name, "model") + "')");
    return kUserError;
  }
  // File names are <name>_weights.cpp and the like: keep them far below the
  // 255-byte limit of common file systems.
  if (job.name.size() > kMaxNameLength) {
    userError(fmt::format("--name is {} characters long; at most {} are allowed (it names the "
                          "generated files and symbols)",
                          job.name.size(), kMaxNameLength));
    return kUserError;
  }
  if (!checkCompileFlags(job.flags))
    return kUserError;
  std::string target = llvm::StringRef(job.target.target).ends_with(".json") ? job.target.target : "";
  edgec::files::OutputRequest out{job.outDir, job.outOption, "compile",
                                  inputsOf(job.model, job.flags, target), job.force};
  if (std::string why = edgec::files::checkDestination(out); !why.empty()) {
    userError(why);
    return kUserError;
  }
  module = importModel(ctx, job.model);
  // What --quantize auto may spend: the part's RAM (unless unchecked) and the
  // budget, which sparse kernels may also use.
  job.flags.ramBudget = job.target.ramBudgetBytes;
  int64_t ramLimit = job.target.noFitCheck ? 0 : tgt->ramBytes;
  if (int64_t budget = job.target.ramBudgetBytes; budget > 0)
    ramLimit = ramLimit > 0 ? std::min(ramLimit, budget) : budget;
  if (!module ||
      failed(prepareModule(ctx, *module, job.flags, true, tgt->kernels, tgt->alignment,
                           job.printIR, ramLimit)))
    return finish(diags);
  if (std::string problem = edgec::codegen::budgetProblem(*module, job.target.ramBudgetBytes);
      !problem.empty()) {
    if (job.planDump)
      dumpPlan(*module);
    userError(problem);
    return kUserError;
  }
  if (!job.target.noFitCheck) {
    std::string problem =
        edgec::codegen::fitProblem(*module, tgt->name, tgt->ramBytes, tgt->flashBytes);
    if (!problem.empty()) {
      // The quantization report often explains why (layers left in float).
      if (std::string q = edgec::codegen::formatQuantTable(*module); !q.empty() && !job.quiet)
        fmt::print("{}\n", q);
      std::fflush(stdout);
      userError(problem + " (give the part's sizes with --ram / --flash, or --no-fit-check)");
      return kUserError;
    }
  }
  if (job.planDump)
    dumpPlan(*module);
  edgec::codegen::EmitOptions emit;
  emit.name = job.name;
  emit.modelPath = llvm::sys::path::filename(job.model.model).str();
  emit.harness = job.harness;
  emit.traceLayers = job.tracedOps != nullptr;
  emit.tracedOps = job.tracedOps;
  emit.commandLine = "--target " + tgt->name + " --name " + job.name +
                     (job.harness ? " --harness" : "") +
                     (job.target.kernels != "auto" ? " --kernels " + job.target.kernels : "") +
                     job.flags.describe();
  for (const auto &s : job.model.inputShapes)
    emit.commandLine += " --input-shape " + s;
  if (job.model.maxTripCount > 0)
    emit.commandLine += " --max-trip-count " + std::to_string(job.model.maxTripCount);
  for (const auto &s : job.model.bindings)
    emit.commandLine += " --bind " + s.substr(0, s.find('=')) + "=" +
                        llvm::sys::path::filename(s.substr(s.find('=') + 1)).str();
  auto files = edgec::codegen::emitCpp(*module, *tgt, emit);
  if (failed(files))
    return finish(diags);
  out.inputs = inputsOf(job.model, job.flags, target);
  std::string error;
  if (!edgec::files::writeDirectory(out, *files, error)) {
    bool internal = error.rfind("internal error", 0) == 0;
    fmt::print(stderr, "edgec: {}{}\n", internal ? "" : "error: ", error);
    return internal ? kInternalError : kUserError;
  }
  if (!job.depfile.empty() && !writeDepfile(job, out.inputs))
    return kUserError;
  if (job.quiet)
    return kSuccess;
  if (std::string q = edgec::codegen::formatQuantTable(*module); !q.empty())
    fmt::print("{}\n", q);
  if (std::string t = edgec::codegen::formatSparsityTable(*module); !t.empty())
    fmt::print("{}\n", t);
  auto func = module->lookupSymbol<func::FuncOp>("main");
  fmt::print("edgec: wrote {} ({} files): arena {} bytes (lower bound {}), target {}\n",
             job.outDir, files->size(),
             func->getAttrOfType<IntegerAttr>(edgec::memory::kArenaSizeAttr).getInt(),
             func->getAttrOfType<IntegerAttr>(edgec::memory::kLowerBoundAttr).getInt(), tgt->name);
  return kSuccess;
}

struct VerifyOptions {
  std::vector<std::string> inputs;
  std::string workDir;
  bool json = false, perLayer = false;
  double rtol = 1e-4, atol = 1e-5;
  int repeat = 1; ///< runs on the same inputs (a model with state), last compared
};

/// Exit code of `edgec verify` when the generated code's outputs differ.
constexpr int kOutputsDiffer = 3;

int runVerify(MLIRContext &ctx, DiagnosticPrinter &diags, CompileJob &job,
              const VerifyOptions &opts, const char *argv0) {
  std::optional<edgec::codegen::Target> tgt = resolveTarget(job.target);
  if (!tgt)
    return kUserError;
  if (std::string missing = edgec::verify::missingTools(*tgt); !missing.empty()) {
    userError(missing);
    return kUserError;
  }
  // Work directory: given (kept, and only ever one edgec made) or temporary
  // (removed on every exit, signals included).
  std::string work = opts.workDir, error;
  std::optional<edgec::files::TempDir> temporary =
      work.empty() ? edgec::files::TempDir::create("", "edgec-verify", error) : std::nullopt;
  if (work.empty()) {
    if (!temporary) {
      userError("cannot create a temporary directory: " + error);
      return kUserError;
    }
    work = temporary->path();
  } else {
    std::vector<std::string> reads = inputsOf(job.model, job.flags, job.target.target);
    reads.insert(reads.end(), opts.inputs.begin(), opts.inputs.end());
    edgec::files::OutputRequest req{work, "--work-dir", "verify", reads, false};
    if (!edgec::files::prepareWorkDirectory(req, error)) {
      userError(error);
      return kUserError;
    }
  }

  // Inputs: given, <model>.input.npy beside the model, or random.
  std::vector<std::string> inputs = opts.inputs;
  if (inputs.empty()) {
    llvm::SmallString<256> beside(job.model.model);
    llvm::sys::path::replace_extension(beside, ".input.npy");
    OwningOpRef<ModuleOp> plain = importModel(ctx, job.model);
    if (!plain)
      return finish(diags);
    auto func = plain->lookupSymbol<func::FuncOp>("main");
    if (func.getNumArguments() == 1 && llvm::sys::fs::exists(beside)) {
      inputs.push_back(std::string(beside));
    } else {
      auto samples = edgec::quant::randomSamples(func, 1);
      for (size_t k = 0; k < samples[0].size(); ++k) {
        std::string path = work + "/random_input_" + std::to_string(k) + ".npy", error;
        if (!edgec::writeNpy(path, samples[0][k], error)) {
          userError(error);
          return kUserError;
        }
        inputs.push_back(path);
      }
    }
  }

  job.outDir = work + "/gen";
  job.outOption = "--work-dir";
  job.harness = true;
  job.quiet = true;
  std::vector<Operation *> traced;
  if (opts.perLayer)
    job.tracedOps = &traced;
  std::optional<edgec::codegen::Target> compiled;
  OwningOpRef<ModuleOp> module;
  if (int rc = runCompile(ctx, diags, job, compiled, module); rc != kSuccess)
    return rc;

  // The reference: the evaluator on the same compiled module.
  auto func = module->lookupSymbol<func::FuncOp>("main");
  std::vector<edgec::Tensor> tensors;
  if (!readInputs(inputs, tensors))
    return kUserError;
  if (tensors.size() != func.getNumArguments()) {
    userError(fmt::format("the model has {} input(s) but {} were given with --inputs",
                          func.getNumArguments(), tensors.size()));
    return kUserError;
  }
  for (size_t k = 0; k < tensors.size(); ++k) {
    Type argType = func.getArgumentTypes()[k];
    // The harness reads real numbers for a quantized input and quantizes
    // them itself; integers given here (a .tflite model's test data) go to it
    // as their real values, which it quantizes back to exactly the same
    // integers (|q - zero point| < 2^16, far inside float's precision).
    if (!tensors[k].isFloat() && isa<mlir::quant::QuantizedType>(getElementTypeOrSelf(argType))) {
      std::string path = work + "/input_" + std::to_string(k) + ".real.npy", error;
      if (!edgec::writeNpy(path, edgec::quant::dequantizeTensor(tensors[k], argType), error)) {
        userError(error);
        return kUserError;
      }
      inputs[k] = path;
    }
    tensors[k] = edgec::quant::quantizeTensor(tensors[k], argType);
  }
  llvm::DenseMap<Operation *, edgec::Tensor> layerValues;
  edgec::EvalObserver observer;
  if (opts.perLayer)
    observer = [&](Operation *op, const edgec::Tensor &t) { layerValues[op] = t; };
  // Runs before the compared one carry a model's state forward, as the
  // harness's --repeat does on the target.
  edgec::ModelState state;
  for (int r = 1; r < opts.repeat; ++r)
    if (failed(edgec::evaluateFunction(func, tensors, {}, &state)))
      return finish(diags);
  auto expected = edgec::evaluateFunction(func, tensors, observer, &state);
  if (failed(expected))
    return finish(diags);

  std::string buildDir = work + "/build", outDir = work + "/out";
  llvm::sys::fs::create_directories(buildDir);
  llvm::sys::fs::create_directories(outDir);
  edgec::verify::Build built = edgec::verify::build(*tgt, job.outDir, job.name, buildDir);
  if (built.boardTooSmall) {
    userError(built.error);
    return kUserError;
  }
  if (!built.error.empty()) {
    fmt::print(stderr, "edgec: internal error: the generated code does not build: {}\n",
               built.error);
    return kInternalError;
  }
  edgec::verify::Run ran = edgec::verify::run(*tgt, built.executable, inputs, outDir,
                                              edgec::verify::findPlugin(argv0), buildDir,
                                              opts.repeat);
  // Writing the layer dumps is not part of an inference's cost.
  if (opts.perLayer) {
    ran.instructions.reset();
    ran.estimatedCycles.reset();
  }
  if (!ran.error.empty()) {
    fmt::print(stderr, "edgec: error: {}\n", ran.error);
    return kInternalError;
  }

  // Compare each output: the raw integers of quantized outputs, else the values.
  llvm::json::Array outputsJson;
  bool allOk = true, allExact = true;
  double worst = 0;
  std::string firstProblem;
  for (size_t k = 0; k < expected->size(); ++k) {
    bool q = isa<mlir::quant::QuantizedType>(getElementTypeOrSelf(func.getResultTypes()[k]));
    std::string path = outDir + "/out_" + std::to_string(k) + (q ? ".q.npy" : ".npy"), error;
    edgec::Tensor got;
    edgec::verify::Comparison c;
    if (!edgec::readNpy(path, got, error))
      c.error = error;
    else
      c = edgec::verify::compare(got, (*expected)[k], opts.rtol, opts.atol);
    bool ok = c.error.empty() && c.mismatches == 0;
    allOk &= ok;
    allExact &= c.exact;
    worst = std::max(worst, c.maxAbsDiff);
    if (!ok && firstProblem.empty())
      firstProblem = !c.error.empty() ? fmt::format("output {}: {}", k, c.error)
                                      : fmt::format("output {}: {} of {} elements differ (max "
                                                    "difference {:g})",
                                                    k, c.mismatches, c.elements, c.maxAbsDiff);
    outputsJson.push_back(llvm::json::Object{{"index", (int64_t)k},
                                             {"elements", c.elements},
                                             {"mismatches", c.mismatches},
                                             {"max_abs_diff", c.maxAbsDiff},
                                             {"exact", c.exact},
                                             {"error", c.error}});
  }
  // --per-layer: every traced layer against the evaluator, in schedule order.
  llvm::json::Array layersJson;
  std::string firstLayer, layerLines;
  int64_t layersMatching = 0;
  llvm::DenseMap<Operation *, std::string> tuningKeys;
  for (auto &[op, key] : edgec::kernels::tuningKeys(*module))
    tuningKeys[op] = key;
  for (size_t k = 0; k < traced.size(); ++k) {
    Operation *op = traced[k];
    std::string node = edgec::sanitizeIdentifier(
        isa<NameLoc>(op->getLoc()) ? cast<NameLoc>(op->getLoc()).getName().str() : "", "layer");
    auto it = layerValues.find(op);
    edgec::verify::Comparison c;
    auto bytes = llvm::MemoryBuffer::getFile(outDir + "/layer_" + std::to_string(k) + ".bin");
    if (it == layerValues.end())
      c.error = "the evaluator produced no value";
    else if (!bytes)
      c.error = "the program wrote no trace";
    else if ((*bytes)->getBufferSize() !=
             (size_t)it->second.numElements() * edgec::dtypeSize(it->second.dtype))
      c.error = fmt::format("{} bytes traced, {} expected", (*bytes)->getBufferSize(),
                            it->second.numElements() * edgec::dtypeSize(it->second.dtype));
    else
      c = edgec::verify::compare(
          edgec::Tensor::fromBytes(it->second.dtype, it->second.shape,
                                   (*bytes)->getBufferStart()),
          it->second, opts.rtol, opts.atol);
    bool ok = c.error.empty() && c.mismatches == 0;
    layersMatching += ok;
    if (!ok && firstLayer.empty())
      firstLayer = fmt::format(
          "first mismatching layer: #{} node '{}' ({}): {}", k, node,
          op->getName().stripDialect().str(),
          !c.error.empty() ? c.error
                           : fmt::format("{} of {} elements differ (max difference {:g})",
                                         c.mismatches, c.elements, c.maxAbsDiff));
    llvm::json::Object layer{{"index", (int64_t)k},
                             {"node", node},
                             {"op", op->getName().stripDialect().str()},
                             {"elements", c.elements},
                             {"mismatches", c.mismatches},
                             {"max_abs_diff", c.maxAbsDiff},
                             {"error", c.error}};
    if (auto kernel = edgec::edge::kernelOf(op))
      layer["kernel"] = kernel.getName().str();
    if (auto key = tuningKeys.find(op); key != tuningKeys.end())
      layer["tuning_key"] = key->second;
    std::optional<uint64_t> measured;
    if (k < ran.layerInstructions.size())
      measured = ran.layerInstructions[k];
    if (measured)
      layer["instructions"] = (int64_t)*measured;
    std::string decision;
    if (auto d = edgec::edge::sparseOf(op)) {
      std::string choice = edgec::edge::stringifySparseChoice(d.getChoice()).str();
      layer["sparsity"] =
          llvm::json::Object{{"kernel", edgec::edge::stringifySparseKind(d.getKind())},
                             {"choice", choice},
                             {"predicted_dense_instructions", d.getDense()},
                             {"predicted_sparse_instructions", d.getSparse()}};
      decision = fmt::format("{:<6} {:>10} {:>10}", choice, d.getDense(), d.getSparse());
    }
    if (measured)
      layerLines += fmt::format("  {:>3}  {:<40}  {:<10} {:>10}  {}\n", k, node,
                                op->getName().stripDialect().str(), *measured, decision);
    layersJson.push_back(std::move(layer));
  }
  if (!firstLayer.empty()) {
    allOk = false;
    firstProblem = firstProblem.empty() ? firstLayer : firstProblem + "; " + firstLayer;
  }

  int64_t macs = 0;
  for (const auto &l : edgec::codegen::analyzeLayers(*module))
    macs += l.macs;
  int64_t arena = func->getAttrOfType<IntegerAttr>(edgec::memory::kArenaSizeAttr).getInt();
  std::string verdict =
      !allOk ? firstProblem
      : allExact ? "outputs bit-exact"
                 : fmt::format("outputs within rtol {:g} / atol {:g} (max difference {:g})",
                               opts.rtol, opts.atol, worst);
  if (allOk && opts.perLayer)
    verdict += fmt::format(", all {} layers match", layersMatching);
  if (opts.json) {
    llvm::json::Object root{
        {"model", job.model.model},
        {"target", tgt->name},
        {"kernels", edgec::edge::stringifyKernelFamily(tgt->kernels)},
        {"quantize", job.flags.quantize},
        {"instructions", ran.instructions ? llvm::json::Value((int64_t)*ran.instructions)
                                          : llvm::json::Value(nullptr)},
        {"estimated_cycles", ran.estimatedCycles
                                 ? llvm::json::Value((int64_t)*ran.estimatedCycles)
                                 : llvm::json::Value(nullptr)},
        {"macs", macs},
        {"macs_per_instruction",
         ran.instructions && *ran.instructions
             ? llvm::json::Value((double)macs / (double)*ran.instructions)
             : llvm::json::Value(nullptr)},
        {"arena_bytes", arena},
        {"flash_bytes", built.flashBytes},
        {"static_ram_bytes", built.staticRamBytes},
        {"stack_bytes", built.stackBytes ? llvm::json::Value(*built.stackBytes)
                                         : llvm::json::Value(nullptr)},
        {"stack_dynamic", built.stackDynamic},
        {"outputs", std::move(outputsJson)},
        {"layers", opts.perLayer ? llvm::json::Value(std::move(layersJson))
                                 : llvm::json::Value(nullptr)},
        {"ok", allOk},
        {"summary", verdict}};
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  } else {
    fmt::print("{}: {}arena {} B, flash {} B, {}\n", tgt->name,
               ran.instructions ? fmt::format("{} instructions, ", *ran.instructions) : "",
               arena, built.flashBytes, verdict);
    // What the model's own code needs in RAM besides the arena passed to
    // <name>_run_with_arena: its statics (the arena of <name>_run among
    // them) and the stack of an inference.
    fmt::print("{}: static RAM {} B (.data + .bss of the model's objects), stack {}\n",
               tgt->name, built.staticRamBytes,
               !built.stackBytes ? std::string("not reported by the compiler")
                                 : fmt::format("at most {} B{} ({})", *built.stackBytes,
                                               built.stackDynamic ? " plus run-time-sized frames"
                                                                  : "",
                                               built.stackChain
                                                   ? "-fcallgraph-info: the deepest call chain "
                                                     "of the model's code, which never recurses"
                                                   : "-fstack-usage: every frame of the "
                                                     "model's code, which never recurses"));
    if (ran.estimatedCycles)
      fmt::print("{}: about {} cycles (estimated: the {} in-order model, no caches or wait "
                 "states; docs/targets.md)\n",
                 tgt->name, *ran.estimatedCycles, tgt->emulator.cycleModel);
    if (!layerLines.empty())
      fmt::print("measured per layer (instructions from the previous layer's end; the "
                 "sparsity columns are the cost model's choice and predicted dense / sparse "
                 "instructions):\n  {:>3}  {:<40}  {:<10} {:>10}  {:<6} {:>10} {:>10}\n{}",
                 "#", "node", "op", "measured", "choice", "dense", "sparse", layerLines);
  }
  return allOk ? kSuccess : kOutputsDiffer;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"edgec: ONNX to dependency-free C++ for microcontrollers and small CPUs"};
  app.set_version_flag("--version", std::string("edgec ") + EDGEC_VERSION_STRING);
  app.require_subcommand(1);
  // An option given twice is a mistake, not "the last one wins" (list options
  // such as --input-shape, --bind and --keep-float take several values).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::Throw);

  // compile
  CompileJob compileJob;
  auto *compile = app.add_subcommand("compile", "Compile a model to C++ for a target");
  addModelArgs(compile, compileJob.model);
  addTargetFlags(compile, compileJob.target, "x86-64");
  compile->add_option("-o,--output", compileJob.outDir,
                      "Output folder: new, empty, or an earlier edgec output (it holds the "
                      ".edgec-output marker), replaced atomically as a whole. Never the current "
                      "folder, an ancestor of it, or a folder holding the model or another input")
      ->required();
  compile->add_flag("--force", compileJob.force,
                    "Also replace an earlier edgec output whose files were changed since (a "
                    "folder edgec did not write is never replaced)");
  compile->add_option("--depfile", compileJob.depfile,
                      "Write a Makefile-syntax depfile naming every file the compile read (the "
                      "model, its external data, calibration and bound inputs), for build "
                      "systems");
  compile->add_option("--name", compileJob.name,
                      "C name of the model (default: the model file's stem)");
  compile->add_flag("--harness", compileJob.harness,
                    "Also write <name>_main.cpp and a CMakeLists.txt");
  addCompileFlags(compile, compileJob.flags, true);
  compile->add_flag("--dump-plan", compileJob.planDump, "Print the memory plan");
  compile->add_flag("--print-ir", compileJob.printIR,
                    "Print the planned module (what `edgec import | edgec-opt "
                    "--edge-compile-<target>='...'` gives) on stdout before the code is written");

  // verify
  CompileJob verifyJob;
  VerifyOptions verifyOpts;
  auto *verify = app.add_subcommand(
      "verify", "Compile, build with the target's toolchain, run (host or QEMU) and compare every "
                "output with the reference evaluator");
  addModelArgs(verify, verifyJob.model);
  addTargetFlags(verify, verifyJob.target, "x86-64");
  verify->add_option("--inputs", verifyOpts.inputs,
                     ".npy input, once per graph input in order (default: <model>.input.npy "
                     "beside the model, else random inputs)");
  verify->add_option("--name", verifyJob.name, "C name of the model");
  verify->add_option("--work-dir", verifyOpts.workDir,
                     "Keep the generated code, build and outputs here (default: a temporary "
                     "directory, removed afterwards)");
  verify->add_flag("--json", verifyOpts.json, "Print the result as one JSON object");
  verify->add_flag("--per-layer", verifyOpts.perLayer,
                   "Also dump every layer's output on the target and compare it with the "
                   "evaluator's; names the first layer that differs (a stream's earlier layers, "
                   "whose whole output never exists, count in its last layer)");
  verify->add_option("--repeat", verifyOpts.repeat,
                     "Run a model with state (SVDF) this many times on the inputs, its state "
                     "carried from run to run, and compare the last run's outputs")
      ->check(CLI::Range(1, 1000000));
  verify->add_option("--rtol", verifyOpts.rtol, "Relative tolerance for float outputs")
      ->capture_default_str();
  verify->add_option("--atol", verifyOpts.atol, "Absolute tolerance for float outputs")
      ->capture_default_str();
  addCompileFlags(verify, verifyJob.flags, true);

  // inspect
  ModelArgs inspectArgs;
  auto *inspect = app.add_subcommand("inspect", "Per-layer table: shapes, MACs, bytes, arena");
  addModelArgs(inspect, inspectArgs);
  CompileFlags inspectFlags;
  addCompileFlags(inspect, inspectFlags, true);

  // run
  ModelArgs runArgs;
  std::vector<std::string> inputs;
  std::string runOut;
  bool runForce = false;
  auto *run = app.add_subcommand("run", "Run the reference evaluator on .npy inputs");
  addModelArgs(run, runArgs);
  CompileFlags runFlags;
  addCompileFlags(run, runFlags, false);
  run->add_option("--input", inputs,
                  ".npy input, once per run-time graph input in order (none when every input "
                  "is bound or the model has none)");
  run->add_option("-o,--output-dir", runOut,
                  "Folder for out_<i>.npy (out_<i>.q.npy: the integers of a quantized output); "
                  "new, empty, or an earlier `edgec run` output, replaced as a whole")
      ->required();
  int runRepeat = 1;
  run->add_option("--repeat", runRepeat,
                  "Run this many times on the inputs, a model's state (SVDF) carried from run "
                  "to run; the outputs are the last run's")
      ->check(CLI::Range(1, 1000000));
  run->add_flag("--force", runForce,
                "Also replace an earlier edgec output whose files were changed since");

  // targets / ops / import
  auto *targets = app.add_subcommand("targets", "List the supported targets");
  bool opsMarkdown = false, opsTflite = false;
  auto *ops = app.add_subcommand("ops", "List the supported ONNX (or TFLite) operators");
  ops->add_flag("--markdown", opsMarkdown, "As a Markdown table (for the README)");
  ops->add_flag("--tflite", opsTflite, "The TFLite builtin operators the .tflite importer reads");
  ModelArgs importArgs;
  auto *importCmd = app.add_subcommand("import", "Print the edge-dialect IR of a model");
  addModelArgs(importCmd, importArgs);
  bool importFull = false;
  importCmd->add_flag("--full", importFull,
                      "Print the weights in full (large constants are elided otherwise) and the "
                      "node names as locations, so that edgec-opt compiles the output exactly "
                      "as edgec compile would");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    // --help and --version exit 0; any usage error is a user error (1).
    return app.exit(e) == 0 ? kSuccess : kUserError;
  }

  MLIRContext ctx;
  // Diagnostics name the node; an IR dump of the op would only confuse users.
  ctx.printOpOnDiagnostic(false);
  DiagnosticPrinter diags(ctx);

  if (*targets) {
    for (const std::string &broken : edgec::codegen::brokenBuiltinTargets()) {
      fmt::print(stderr, "edgec: internal error: built-in target {}\n", broken);
      return kInternalError;
    }
    auto size = [](int64_t b) {
      return b == 0 ? std::string("-")
             : b % (1024 * 1024) == 0 ? fmt::format("{}M", b / (1024 * 1024))
                                      : fmt::format("{}K", b / 1024);
    };
    fmt::print("{:<14} {:<15} {:<9} {:>5} {:>5}  {:<22} {}\n", "target", "isa", "kernels", "RAM",
               "flash", "runs on", "description");
    for (const auto &t : edgec::codegen::builtinTargets()) {
      std::string runs = t.runsOnHost ? "host" : "";
      if (!t.emulator.command.empty()) {
        runs = t.emulator.command[0];
        for (size_t k = 1; k + 1 < t.emulator.command.size(); ++k)
          if (t.emulator.command[k] == "-M")
            runs += " " + t.emulator.command[k + 1];
      }
      fmt::print("{:<14} {:<15} {:<9} {:>5} {:>5}  {:<22} {}\n", t.name, t.isa,
                 edgec::edge::stringifyKernelFamily(t.kernels).str(),
                 size(t.ramBytes), size(t.flashBytes), runs, t.description);
    }
    return kSuccess;
  }

  if (*ops && opsTflite) {
    if (opsMarkdown)
      fmt::print("| TFLite builtin operator |\n|---|\n");
    for (const std::string &op : edgec::supportedTfliteOps())
      fmt::print(opsMarkdown ? "| {} |\n" : "{}\n", op);
    return kSuccess;
  }
  if (*ops) {
    std::map<std::string, std::vector<int>> byOp;
    for (const auto &o : edgec::supportedOps())
      byOp[(o.domain.empty() ? "" : o.domain + "::") + o.op].push_back(o.sinceVersion);
    if (opsMarkdown)
      fmt::print("| operator | handlers from opset |\n|---|---|\n");
    for (const auto &[op, versions] : byOp) {
      std::string v;
      for (int x : versions)
        v += (v.empty() ? "" : ", ") + std::to_string(x);
      if (opsMarkdown)
        fmt::print("| {} | {} |\n", op, v);
      else
        fmt::print("{:<20} {}\n", op, v);
    }
    return kSuccess;
  }

  if (*importCmd) {
    OwningOpRef<ModuleOp> module = importModel(ctx, importArgs);
    if (!module)
      return finish(diags);
    OpPrintingFlags flags;
    if (importFull) {
      flags.enableDebugInfo(true);
    } else {
      flags.elideLargeElementsAttrs(16);
      flags.elideLargeResourceString(64);
    }
    module->print(llvm::outs(), flags);
    llvm::outs() << "\n";
    return kSuccess;
  }

  if (*inspect) {
    if (!checkCompileFlags(inspectFlags))
      return kUserError;
    OwningOpRef<ModuleOp> module = importModel(ctx, inspectArgs);
    if (!module || failed(prepareModule(ctx, *module, inspectFlags)))
      return finish(diags);
    fmt::print("{}", edgec::codegen::formatLayerTable(*module));
    if (std::string q = edgec::codegen::formatQuantTable(*module); !q.empty())
      fmt::print("\n{}", q);
    if (std::string t = edgec::codegen::formatSparsityTable(*module); !t.empty())
      fmt::print("\n{}", t);
    return kSuccess;
  }

  if (*run) {
    if (!checkCompileFlags(runFlags))
      return kUserError;
    edgec::files::OutputRequest out{runOut, "--output-dir", "run", inputsOf(runArgs, runFlags),
                                    runForce};
    out.inputs.insert(out.inputs.end(), inputs.begin(), inputs.end());
    if (std::string why = edgec::files::checkDestination(out); !why.empty()) {
      userError(why);
      return kUserError;
    }
    OwningOpRef<ModuleOp> module = importModel(ctx, runArgs);
    if (!module || failed(prepareModule(ctx, *module, runFlags, false)))
      return finish(diags);
    std::vector<edgec::Tensor> tensors;
    if (!readInputs(inputs, tensors))
      return kUserError;
    auto func = module->lookupSymbol<func::FuncOp>("main");
    if (tensors.size() != func.getNumArguments()) {
      userError(fmt::format("the model has {} run-time input(s) (after --bind) but {} --input "
                            "were given",
                            func.getNumArguments(), tensors.size()));
      return kUserError;
    }
    // An int8 model takes float inputs here, quantized as its float wrapper
    // does; a bfloat16 / float8 / 4-bit input takes its .npy carrier type.
    for (size_t k = 0; k < tensors.size() && k < func.getNumArguments(); ++k) {
      edgec::DType want = edgec::dtypeOf(getElementTypeOrSelf(func.getArgumentTypes()[k]));
      std::string why;
      if (edgec::npyCarrier(want) == tensors[k].dtype && want != tensors[k].dtype) {
        std::optional<edgec::Tensor> t = edgec::fromCarrier(tensors[k], want, why);
        if (!t) {
          userError(fmt::format("--input {}: {}", inputs[k], why));
          return kUserError;
        }
        tensors[k] = *t;
      }
      tensors[k] = edgec::quant::quantizeTensor(tensors[k], func.getArgumentTypes()[k]);
    }
    edgec::ModelState state;
    for (int r = 1; r < runRepeat; ++r)
      if (failed(edgec::evaluateFunction(func, tensors, {}, &state)))
        return finish(diags);
    auto outputs = edgec::evaluateFunction(func, tensors, {}, &state);
    if (failed(outputs))
      return finish(diags);
    std::vector<edgec::GeneratedFile> files;
    std::string lines;
    for (size_t k = 0; k < outputs->size(); ++k) {
      std::string name = "out_" + std::to_string(k);
      Type resultType = func.getResultTypes()[k];
      if (isa<mlir::quant::QuantizedType>(getElementTypeOrSelf(resultType))) {
        // Quantized outputs: the raw integers beside the dequantized floats.
        files.push_back({name + ".q.npy", edgec::npyBytes((*outputs)[k])});
        (*outputs)[k] = edgec::quant::dequantizeTensor((*outputs)[k], resultType);
      }
      files.push_back({name + ".npy", edgec::npyBytes((*outputs)[k])});
      lines += fmt::format("{}/{}.npy: {} {}\n", runOut, name, edgec::dtypeName((*outputs)[k].dtype),
                           edgec::shapeToString((*outputs)[k].shape));
    }
    out.inputs = inputsOf(runArgs, runFlags);
    out.inputs.insert(out.inputs.end(), inputs.begin(), inputs.end());
    std::string error;
    if (!edgec::files::writeDirectory(out, files, error)) {
      userError(error);
      return kUserError;
    }
    fmt::print("{}", lines);
    return kSuccess;
  }

  if (*verify)
    return runVerify(ctx, diags, verifyJob, verifyOpts, argv[0]);
  std::optional<edgec::codegen::Target> tgt;
  OwningOpRef<ModuleOp> module;
  return runCompile(ctx, diags, compileJob, tgt, module);
}
