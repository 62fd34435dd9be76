//===- Pipelines.h - named pass pipelines ------------------------*- C++ -*-===//
//
// The compile pipeline: everything between import and code generation, in
// five stages. `edgec compile` runs exactly these builders (cloning the module
// between stages for the quantization report); `edgec-opt` runs them as the
// registered `edge-compile-pipeline{...}` or `edge-compile-<target>{...}`, so
// any compile can be reproduced from the imported module:
//
//   edgec import model.onnx |
//     edgec-opt --edge-compile-cortex-m4='quantize=int8 calibration=random'
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/IR/EdgeAttrs.h"
#include "edgec/Support/Tensor.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>
#include <vector>

namespace edgec {

/// The options of `edgec compile` that shape the module (the CLI flag of the
/// same name sets each).
struct CompilePipelineOptions : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<edge::KernelFamily> family{*this, "family",
                                    llvm::cl::desc("Kernel family (a target's `kernels`)"),
                                    llvm::cl::init(edge::KernelFamily::Portable),
                                    familyValues()};
  Option<bool> fuse{*this, "fuse", llvm::cl::desc("Run the fusion passes (--no-fuse: false)"),
                    llvm::cl::init(true)};
  Option<bool> keepChannels{*this, "keep-channels",
                            llvm::cl::desc("Keep zero and unread output channels"),
                            llvm::cl::init(false)};
  Option<std::string> prune{*this, "prune",
                            llvm::cl::desc("Magnitude pruning: a fraction (0.5) or N:M (2:4)"),
                            llvm::cl::init("")};
  Option<std::string> pruneScope{*this, "prune-scope", llvm::cl::desc("layer or global"),
                                 llvm::cl::init("layer")};
  Option<std::string> quantize{*this, "quantize", llvm::cl::desc("none, int8 or int16x8"),
                               llvm::cl::init("none")};
  Option<std::string> calibration{
      *this, "calibration",
      llvm::cl::desc("Calibration inputs: .npy file, folder of .npy files, or random"),
      llvm::cl::init("random")};
  Option<std::string> range{*this, "range",
                            llvm::cl::desc("minmax, percentile=P, mse or entropy"),
                            llvm::cl::init("minmax")};
  Option<bool> equalize{*this, "equalize",
                         llvm::cl::desc("Cross-layer equalization before calibration"),
                         llvm::cl::init(false)};
  Option<bool> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Correct each conv / gemm bias for the mean error its int8 weights make on "
                     "the calibration inputs"),
      llvm::cl::init(false)};
  ListOption<std::string> keepFloat{*this, "keep-float",
                                    llvm::cl::desc("ONNX node names to leave in float")};
  ListOption<std::string> int16{
      *this, "int16",
      llvm::cl::desc("With quantize=int8: ONNX node names computed in 16x8 (mixed precision)")};
  Option<std::string> sparsity{*this, "sparsity", llvm::cl::desc("auto, off or force"),
                               llvm::cl::init("auto")};
  Option<int64_t> ramBudget{
      *this, "ram-budget",
      llvm::cl::desc("Bytes the arena may take (0: none): sparse kernels under sparsity=auto "
                     "may grow the arena up to it"),
      llvm::cl::init(0)};
  Option<bool> schedule{*this, "schedule",
                        llvm::cl::desc("Order the layers for the smallest arena "
                                       "(edge-schedule-memory); false: the model's own order"),
                        llvm::cl::init(true)};
  Option<int64_t> streamRows{
      *this, "stream-rows",
      llvm::cl::desc("Rows per step of a chain of layers run a band of rows at a time where "
                     "that makes the arena smaller (edge-stream-rows); 0: never"),
      llvm::cl::init(1)};
  Option<std::string> tuning{*this, "tuning",
                             llvm::cl::desc("Tuning file: the kernel of each layer it names "
                                            "(scripts/tune-mcu.sh writes it)"),
                             llvm::cl::init("")};
  Option<std::string> planner{*this, "planner",
                              llvm::cl::desc("greedy-by-size or linear"),
                              llvm::cl::init("greedy-by-size")};
  Option<int64_t> alignment{*this, "alignment",
                            llvm::cl::desc("Arena alignment (a target's `alignment`)"),
                            llvm::cl::init(16)};

  /// Calibration samples the caller already loaded (edgec compile, which
  /// also needs them for the report); `calibration` is then not read.
  const std::vector<std::vector<Tensor>> *samples = nullptr;
  /// Progress bar while calibrating.
  bool progress = false;

  bool quantized() const { return quantize != "none"; }

private:
  static llvm::cl::ValuesClass familyValues();
};

/// Stage 1, simplification of the float graph: reshape chains collapsed,
/// constant Pad folded into Conv / pooling, BatchNormalization into Conv /
/// Gemm, Relu / Clip into their producer (unless `fuse` is false), then zero
/// and unread output channels removed (unless `keep-channels`).
void buildSimplifyPipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Stage 2, the `prune` experiment: magnitude pruning, then the channels it
/// zeroed removed. Empty without `prune`.
void buildPrunePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Stage 3, calibration (edge-calibrate) when quantizing. Empty otherwise.
void buildCalibratePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Stage 4, quantization on the calibrated ranges, or with a QDQ model's own
/// parameters (also when `quantize` is none).
void buildQuantizePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Stage 5, lowering: kernel selection (the legality check), the sparse cost
/// model, the layer order (unless `schedule` is false), static memory
/// planning and the always-on overlap check.
void buildLowerPipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// The five stages in order: what `edgec compile` runs.
void buildCompilePipeline(mlir::OpPassManager &pm, const CompilePipelineOptions &options);

/// Graph simplification alone (`edge-fusion-pipeline`).
void buildFusionPipeline(mlir::OpPassManager &pm);

/// Registers the passes and the pipelines `edge-compile-pipeline`,
/// `edge-compile-<target>` for each built-in target (its kernel family) and
/// `edge-fusion-pipeline`, for edgec-opt.
void registerEdgePassesAndPipelines();

/// Registers the dialects edgec uses.
void registerEdgeDialects(mlir::DialectRegistry &registry);

} // namespace edgec
