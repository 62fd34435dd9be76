//===- TensorAttr.h - constants between MLIR attributes and Tensors -*- C++ -*-===//
#pragma once

#include "edgec/Support/Tensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace edgec {

/// The Tensor element type of an MLIR element type (a quantized type's
/// storage type), and back.
DType dtypeOf(mlir::Type elementType);
mlir::Type mlirTypeOf(mlir::MLIRContext *ctx, DType t);
/// f16, bf16 or a float8 type: storage floats, computed in f32.
bool isNarrowFloatType(mlir::Type t);
/// A 4- or 2-bit integer: stored one per byte, computed in 8 bits.
bool isSubByteIntegerType(mlir::Type t);

/// Tensor holding the value of a constant attribute (dense or dense_resource).
Tensor tensorFromAttr(mlir::ElementsAttr attr);

/// Creates an edge.constant holding `t`: values up to 256 bytes (and all
/// booleans) as inline dense attributes, so shape arithmetic reads naturally
/// in the IR; larger ones as a dense_resource blob named `blobName`. With a
/// quantized `resultElement` the integers in `t` are its storage values and
/// the constant's result has that element type.
mlir::Value materializeConstant(mlir::OpBuilder &b, mlir::Location loc, const Tensor &t,
                                llvm::StringRef blobName, mlir::Type resultElement = {});

} // namespace edgec
