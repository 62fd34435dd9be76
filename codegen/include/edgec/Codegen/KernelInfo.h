//===- KernelInfo.h - facts about the kernels codegen will call --*- C++ -*-===//
//
// What the memory planner must know about a layer's kernel before code is
// emitted: its scratch size and its tiling. Kept next to the emitter so that
// the two can never disagree; generated code also static_asserts it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Operation.h"

#include <string>

namespace edgec::codegen {

/// Module attribute naming the kernel family codegen uses ("portable",
/// "arm-dsp", "arm-mve", "blocked"; absent means portable). Set by the driver from the
/// target before memory planning, because scratch sizes depend on it.
inline constexpr const char *kKernelsAttr = "edge.kernels";

/// The kernel family of the module that holds `op`.
std::string kernelFamily(mlir::Operation *op);

/// True when the int8 conv / fully-connected layer `op` runs on the
/// DSP-extension kernels (kernels/arm/conv2d_s8_dsp.h): family arm-dsp or
/// arm-mve, int8 activations, and for Gemm a B stored N x K.
bool usesDspConv(mlir::Operation *op);
bool usesDspFc(mlir::Operation *op);

/// True when the layer runs on the blocked kernels (kernels/blocked/conv2d_s8.h,
/// Helium on arm-mve, plain loops on "blocked"): int8, not depthwise, constant
/// weights (the zero point is folded into the bias at compile time). These
/// layers are not DSP layers.
bool usesBlockedConv(mlir::Operation *op);
bool usesBlockedFc(mlir::Operation *op);

/// The sparse kernel edge-select-sparse-kernels chose for `op` ("pointwise",
/// "depthwise", "im2col", "fc"; kernels/sparse/conv2d_s8_sparse.h), or "".
/// Such a layer runs on no dense kernel.
std::string sparseKernel(mlir::Operation *op);

/// Output pixels per im2col tile of the general float convolution.
int64_t convTile(mlir::Operation *conv);

/// Bytes of arena scratch the op's kernel needs while it runs (0 for none).
int64_t scratchBytes(mlir::Operation *op);

/// True for ops whose result is a view of their operand (no kernel, no copy).
bool isView(mlir::Operation *op);

} // namespace edgec::codegen
