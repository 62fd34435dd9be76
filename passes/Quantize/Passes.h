//===- Passes.h - quantization passes ----------------------------*- C++ -*-===//
#pragma once

#include "edgec/Support/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Pass/Pass.h"

namespace edgec::quant {

#define GEN_PASS_DECL
#include "passes/Quantize/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Quantize/Passes.h.inc"

/// edge-calibrate on samples the caller already loaded (`samples` must
/// outlive the pass); the `samples` option is then ignored.
std::unique_ptr<mlir::Pass> createCalibratePass(const CalibratePassOptions &options,
                                                const std::vector<std::vector<Tensor>> *samples);

/// Attribute holding a calibrated [min, max] (DenseF32ArrayAttr) on an op
/// (its result 0) or a function argument.
inline constexpr const char *kRangeAttr = "edge.range";

} // namespace edgec::quant
