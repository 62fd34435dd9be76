//===- EdgeOps.h - edge dialect operations ----------------------*- C++ -*-===//
#pragma once

#include "edgec/IR/EdgeDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#define GET_OP_CLASSES
#include "edgec/IR/EdgeOps.h.inc"

namespace edgec {
/// The numpy broadcast of two shapes, or failure if they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                            llvm::ArrayRef<int64_t> b);
/// Output length of a convolution / pooling window along one axis.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t padBegin,
                         int64_t padEnd, int64_t dilation, bool ceilMode);
/// Row-major bytes of a constant attribute (dense or dense_resource); splats
/// are expanded and i1 is one byte per element. Empty if the blob is missing.
std::vector<char> constantBytes(mlir::ElementsAttr attr);
/// Number of elements a normalized slice (start, end, step) selects.
int64_t sliceLength(int64_t start, int64_t end, int64_t step);
} // namespace edgec
