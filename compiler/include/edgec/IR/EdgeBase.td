//===- EdgeBase.td - edge dialect definition --------------------*- tablegen -*-===//
//
// The `edge` dialect carries ONNX-level semantics with static shapes. Ops are
// created by the ONNX importer (one op, or a short fixed sequence, per ONNX
// node) and keep the node name as a NameLoc.
//
//===----------------------------------------------------------------------===//

#ifndef EDGEC_IR_EDGEBASE_TD
#define EDGEC_IR_EDGEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Edge_Dialect : Dialect {
  let name = "edge";
  let cppNamespace = "::edgec::edge";
  let summary = "Static-shape tensor operations for ahead-of-time edge compilation";
  let description = [{
    The edge dialect models a neural network imported from ONNX. Every value is
    a ranked tensor with a static shape; every op verifies its operand and
    result shapes against the ONNX shape rules, so later passes and the code
    generator can rely on them without re-checking.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Every discardable `edge.*` attribute (on ops, function arguments and
  // results) is checked by name: see compiler/IR/EdgeAttrs.cpp.
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// A `!quant.uniform` element type (per tensor or per axis): integers standing
// for real numbers, real = scale * (q - zero_point).
def Edge_Quantized : Type<CPred<"::llvm::isa<::mlir::quant::QuantizedType>($_self)">,
                          "quantized type">;

// Real numbers: float, or quantized integers. An op on quantized tensors
// means "dequantize the operands, apply the float op, quantize to the result
// type", with the integer arithmetic fixed in docs/numerics.md.
def Edge_RealTensor : RankedTensorOf<[F32, Edge_Quantized]>;
def Edge_IndexTensor : RankedTensorOf<[I32, I64]>;
// f16, bf16, the float8 types and the 4- and 2-bit integers are storage
// types (runtime-stub/edgec/narrow_types.h): Cast converts to and from them,
// data movement copies them; the importer computes everything else on such
// inputs in f32 (or 8-bit integers).
def Edge_AnyTensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ,
                                      I1, I<2>, UI<2>, I<4>, UI<4>, I8, UI8, I16, UI16, I32,
                                      UI32, I64, UI64, Edge_Quantized]>;

// Float and quantized tensors are not mixed: among the operands and results
// of an op, real tensors are either all f32 or all quantized.
def Edge_SameRealKind : NativeOpTrait<"EdgeSameRealKind">;

// The result is a view of operand 0: no kernel, no copy, no arena buffer of
// its own (the memory planner follows views to their root).
def Edge_View : NativeOpTrait<"EdgeView">;

// Copies stored values whatever their type: on quantized tensors the op moves
// the integers unchanged, so it has no integer semantics of its own and runs
// the same kernel as on float data.
def Edge_MovesStorage : NativeOpTrait<"EdgeMovesStorage">;

// Can absorb a following Relu / Clip as act_min / act_max (edge-fuse-activation)
// on a float result; its kernels apply the clamp.
def Edge_TakesClamp : NativeOpTrait<"EdgeTakesClamp">;

//===----------------------------------------------------------------------===//
// Base op classes
//===----------------------------------------------------------------------===//

class Edge_Op<string mnemonic, list<Trait> traits = []>
    : Op<Edge_Dialect, mnemonic, !listconcat([Edge_SameRealKind], traits)>;

// Ops that convert between float and quantized tensors opt out of the trait.
class Edge_ConversionOp<string mnemonic, list<Trait> traits = []>
    : Op<Edge_Dialect, mnemonic, traits>;

// A clamp fused into the producing op by edge-fuse-activation: the result is
// min(max(y, act_min), act_max); an absent bound does not clamp.
defvar Edge_FusedActivation = (ins OptionalAttr<F32Attr>:$act_min,
                                   OptionalAttr<F32Attr>:$act_max);

// Elementwise float op with one operand; result type equals operand type.
// Elementwise op with one operand and a result of the same shape (and, for
// float, the same type; quantized operand and result may differ in scale).
#endif // EDGEC_IR_EDGEBASE_TD
