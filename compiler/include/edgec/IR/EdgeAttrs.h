//===- EdgeAttrs.h - edge dialect attributes --------------------*- C++ -*-===//
#pragma once

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "edgec/IR/EdgeEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "edgec/IR/EdgeAttrs.h.inc"

namespace edgec::edge {
/// Module attribute: the kernel family the module is compiled for
/// (`#edge.family<...>`, written by edge-select-kernels).
inline constexpr const char *kFamilyAttr = "edge.family";
/// Op attribute: the kernel that runs the op (`#edge.kernel<...>`).
inline constexpr const char *kKernelAttr = "edge.kernel";
/// Op attribute: the sparse cost model's decision (`#edge.sparse<...>`).
inline constexpr const char *kSparseAttr = "edge.sparse";
/// Op attribute: the kernel-table row a tuning file asks for (a string),
/// written by edge-select-kernels, honoured by edge-select-sparse-kernels.
inline constexpr const char *kTunedAttr = "edge.tuned";
/// Op attribute: the instructions the tuning file measured for that kernel.
inline constexpr const char *kTunedInstructionsAttr = "edge.tuned_instructions";

/// The family `module` was compiled for; portable when no kernels were chosen.
KernelFamily familyOf(mlir::Operation *moduleOrOp);
/// The kernel edge-select-kernels chose for `op`, or null.
KernelAttr kernelOf(mlir::Operation *op);
/// The sparse decision on `op`, or null.
SparseAttr sparseOf(mlir::Operation *op);
} // namespace edgec::edge
