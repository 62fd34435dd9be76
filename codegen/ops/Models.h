//===- Models.h - attaching EdgeKernelOpInterface models -------*- C++ -*-===//
//
// Each op family's file (codegen/ops/<Family>.cpp) defines one emission
// function per op, `LogicalResult emitX(edge::XOp, KernelWriter &)`, with the
// float and the int8 kernel side by side, and attaches it to the op in its
// attach<Family>Kernels(). Ops with float kernels only are attached with
// attachFloat: the model then refuses integer semantics with one diagnostic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "KernelWriter.h"

#include "edgec/Codegen/Emitter.h"

#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/MLIRContext.h"

namespace edgec::codegen {

template <typename OpT, mlir::LogicalResult (*Emit)(OpT, KernelWriter &), bool HasInteger>
struct KernelModel
    : edge::EdgeKernelOpInterface::ExternalModel<KernelModel<OpT, Emit, HasInteger>, OpT> {
  mlir::LogicalResult emitKernel(mlir::Operation *op, KernelWriter &w) const {
    if (!HasInteger && w.integer())
      return w.noIntegerKernel();
    return Emit(mlir::cast<OpT>(op), w);
  }
};

/// `emit` writes the op in float and in int8.
template <typename OpT, mlir::LogicalResult (*Emit)(OpT, KernelWriter &)>
void attach(mlir::MLIRContext &ctx) {
  OpT::template attachInterface<KernelModel<OpT, Emit, true>>(ctx);
}

/// `emit` writes the op in float (and integer data that is only moved).
template <typename OpT, mlir::LogicalResult (*Emit)(OpT, KernelWriter &)>
void attachFloat(mlir::MLIRContext &ctx) {
  OpT::template attachInterface<KernelModel<OpT, Emit, false>>(ctx);
}

// int8 weights and requantization (Conv.cpp; conv2d and gemm share them).

/// Per-channel multipliers and shifts of a conv / fc layer as arrays, and
/// whether every shift is a right shift in [1, 31] (the kernels' faster path)
/// and, then, whether one of them is by 1 (Conv2DS8Params::shift_one).
struct RequantArrays {
  std::string mult, shift;
  bool right = false, shiftOne = false;
};
RequantArrays requantArrays(KernelWriter &w);
/// bias[m] - zx * sum_k w[m][k] for the kernels that multiply raw int8
/// inputs (weight rows lead: OIHW, or N x K).
std::string foldedBias(KernelWriter &w, mlir::Value weight, mlir::Value bias, int64_t inputZero);
/// The call of a dense int8 conv / fc kernel: (input, weight, bias, mult,
/// shift, output[, scratch]); the blocked kernels take the bias with the
/// input zero point folded in. `weightArray`, when given, replaces the
/// weights as stored (a layout of the kernel's own); `inPlace` adds the
/// kernel's InPlace template flag (a layer the plan runs over its input that
/// needs the kernel to know it).
void emitDenseS8(KernelWriter &w, const std::string &id, mlir::Value input, mlir::Value weight,
                 mlir::Value bias, int64_t inputZero, const RequantArrays &rq,
                 mlir::Value output, const std::string &weightArray = "",
                 bool inPlace = false);
/// Two rows a (even) and b (odd) of int8 weights as the paired DSP kernels
/// read them (kernels/arm/conv2d_s8_dsp.h), for the four k from q: the words
/// E = b[q]+128, a[q], b[q+2]+128, a[q+2] and O = the same at q+1, q+3
/// (bytes, low first); k past a row's end reads 0.
void appendPairedWords(std::vector<int64_t> &out, llvm::ArrayRef<int64_t> a,
                       llvm::ArrayRef<int64_t> b, int64_t q);
/// Declares an int8 convolution's Conv2DS8Params (its geometry, zero
/// points, clamp and the shifts' kind); returns its name.
std::string declareConvS8(KernelWriter &w, edge::Conv2DOp conv, const RequantArrays &rq);
/// The filters as conv2d_s8_dsp reads a (not depthwise) layer's: output
/// channels in pairs (appendPairedWords) over `stride` taps per row.
std::string pairedConvWeights(KernelWriter &w, edge::Conv2DOp conv, int64_t stride);
/// The bitmask and the non-zeros of a sparse layer's int8 weights.
std::pair<std::string, std::string> sparseArrays(KernelWriter &w, mlir::Value weight);

/// Declares the AddS8Params of an int8 add / sub / mul / max / min; returns
/// its functor, e.g. `edgec::OpAddS8<layer_p>` (Elementwise.cpp).
std::string declareBinaryS8(KernelWriter &w);

// One per file in codegen/ops/.
void attachConvKernels(mlir::MLIRContext &ctx);
void attachDataMovementKernels(mlir::MLIRContext &ctx);
void attachElementwiseKernels(mlir::MLIRContext &ctx);
void attachImageKernels(mlir::MLIRContext &ctx);
void attachIndexingKernels(mlir::MLIRContext &ctx);
void attachMatrixKernels(mlir::MLIRContext &ctx);
void attachNormalizeKernels(mlir::MLIRContext &ctx);
void attachPoolKernels(mlir::MLIRContext &ctx);
void attachQuantizeKernels(mlir::MLIRContext &ctx);
void attachRecurrentKernels(mlir::MLIRContext &ctx);
void attachReduceKernels(mlir::MLIRContext &ctx);

/// A stream's layers, a band of rows at a time, in a loop over its steps
/// (Stream.cpp): written for the stream's last layer (`w`'s op), after its
/// result is named.
mlir::LogicalResult emitStream(KernelWriter &w);

} // namespace edgec::codegen
