//===- QuantReport.h - how much a quantized model loses, layer by layer -*- C++ -*-===//
//
// Runs the float model and the quantized one side by side in the reference
// evaluator over sample inputs and records, on the quantized function:
//   - per layer: the SQNR of its (dequantized) output against the float
//     layer of the same ONNX node (`edge.sqnr`), the dB it loses against its
//     worst input (`edge.sqnr_drop`), and for layers left in float why
//     (`edge.float_reason`);
//   - per model: the SQNR of every output, and, given labels, the top-1
//     accuracy of both models.
// report.json, `edgec inspect` and the compile log print these.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Quantize/Calibration.h"

#include "edgec/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <optional>
#include <string>
#include <vector>

namespace edgec::quant {

inline constexpr const char *kSqnrAttr = "edge.sqnr";
inline constexpr const char *kSqnrDropAttr = "edge.sqnr_drop";
inline constexpr const char *kFloatReasonAttr = "edge.float_reason";
/// With --equalize / --bias-correction: the layer's SQNR when the model is
/// quantized without them (kPlainOptionsAttr on the function names them).
inline constexpr const char *kSqnrPlainAttr = "edge.sqnr_plain";
inline constexpr const char *kPlainOptionsAttr = "edge.plain_options";
inline constexpr const char *kOutputSqnrAttr = "edge.output_sqnr";
inline constexpr const char *kEvalSamplesAttr = "edge.eval_samples";
inline constexpr const char *kFloatAccuracyAttr = "edge.accuracy_float";
inline constexpr const char *kQuantAccuracyAttr = "edge.accuracy_quantized";
inline constexpr const char *kFloatArenaAttr = "edge.float_arena_bytes";
inline constexpr const char *kFloatWeightAttr = "edge.float_weight_bytes";
/// With --quantize auto: the budget (dB) and what all int8 gave, output SQNR
/// and arena, beside which the report sets the chosen precisions.
inline constexpr const char *kAutoBudgetAttr = "edge.auto_budget_db";
inline constexpr const char *kAutoInt8SqnrAttr = "edge.auto_int8_sqnr";
inline constexpr const char *kAutoInt8ArenaAttr = "edge.auto_int8_arena_bytes";
/// The all-int8 configuration's instructions as the kernel cost model
/// predicts them (conv and gemm layers).
inline constexpr const char *kAutoInt8InstrAttr = "edge.auto_int8_instructions";
/// The search step by step: one dictionary per layer tried (layer,
/// precision, alone_gain_db, sqnr_db, arena_bytes, instructions, outcome).
inline constexpr const char *kAutoStepsAttr = "edge.auto_steps";

/// A float input whose measured values saturate its quantized range in more
/// than this fraction of them gets a warning.
inline constexpr double kSaturationFraction = 1e-3;

/// A float tensor quantized to `element` (per tensor), as the generated float
/// wrapper does; integer tensors are returned unchanged.
Tensor quantizeTensor(const Tensor &t, mlir::Type element);
/// Real values of integers `t` of quantized element type `element`.
Tensor dequantizeTensor(const Tensor &t, mlir::Type element);

/// Measures `quantized` against `reference` (the float function it was made
/// from) over `samples` and writes the attributes above on `quantized`, and
/// (with `warn`) warns (warnQuantization) about inputs the samples saturate.
/// `labels` (optional) holds one class index per row of the first output,
/// in sample order. Fails with a diagnostic if the label count is wrong.
mlir::LogicalResult measureQuantizationError(mlir::func::FuncOp reference,
                                             mlir::func::FuncOp quantized,
                                             const std::vector<Sample> &samples,
                                             const Tensor *labels,
                                             const std::vector<std::string> &keepFloat,
                                             bool warn = true);

} // namespace edgec::quant
