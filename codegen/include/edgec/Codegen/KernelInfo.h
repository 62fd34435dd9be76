//===- KernelInfo.h - facts about the kernels codegen will call --*- C++ -*-===//
//
// What the memory planner must know about a layer's kernel before code is
// emitted: its scratch size and its tiling. Kept next to the emitter so that
// the two can never disagree; generated code also static_asserts it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/IR/Operation.h"

namespace edgec::codegen {

/// Output pixels per im2col tile of the general float convolution.
int64_t convTile(mlir::Operation *conv);

/// Bytes of arena scratch the op's kernel needs while it runs (0 for none).
int64_t scratchBytes(mlir::Operation *op);

/// True for ops whose result is a view of their operand (no kernel, no copy).
bool isView(mlir::Operation *op);

} // namespace edgec::codegen
