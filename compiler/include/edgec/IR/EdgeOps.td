//===- EdgeOps.td - edge dialect operations ---------------------*- tablegen -*-===//
//
// Operations of the edge dialect. Layout is NCHW (ONNX) at import. All
// attributes are normalized by the importer: negative axes are made
// non-negative, pads are explicit (auto_pad resolved), and shape-defining
// inputs of ONNX (Reshape's shape, Slice's starts, Pad's pads...) are folded
// into attributes or the static result type.
//
//===----------------------------------------------------------------------===//

#ifndef EDGEC_IR_EDGEOPS_TD
#define EDGEC_IR_EDGEOPS_TD

include "edgec/IR/EdgeBase.td"
include "edgec/IR/EdgeInterfaces.td"
include "edgec/IR/EdgeAttrs.td"

// (Defined here, not in EdgeBase.td: it takes Edge_NumericsAttr.)
// Elementwise op with two operands and numpy-style broadcasting.
class Edge_BinaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Edge_Op<mnemonic, !listconcat([Pure], traits)> {
  let summary = desc # " with numpy broadcasting";
  let description = [{
    Computes the elementwise result of the two operands after broadcasting them
    to the result shape with the numpy rules ONNX uses (multidirectional
    broadcasting). The verifier checks that the result shape is the broadcast
    of the operand shapes. `act_min` / `act_max` clamp the result (float
    only; set by edge-fuse-activation). In integers with `numerics = tflite`,
    Sub derives its multipliers in float, as TFLite's SUB does.
  }];
  let arguments = !con((ins Edge_AnyTensor:$lhs, Edge_AnyTensor:$rhs),
                       Edge_FusedActivation,
                       (ins OptionalAttr<Edge_NumericsAttr>:$numerics));
  let results = (outs Edge_AnyTensor:$output);
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$lhs,
      "::mlir::Value":$rhs, "::mlir::FloatAttr":$act_min, "::mlir::FloatAttr":$act_max), [{
    build($_builder, $_state, output, lhs, rhs, act_min, act_max, ::edgec::edge::NumericsAttr());
  }]>];
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// edge.constant
//===----------------------------------------------------------------------===//

def Edge_ConstantOp : Edge_ConversionOp<"constant", [Pure, ConstantLike]> {
  let summary = "A constant tensor (an ONNX initializer or folded value)";
  let description = [{
    Holds a constant tensor. Initializers imported from ONNX are kept as
    `dense_resource` blobs so large weights are never uniqued into the
    context; small folded values may be plain dense attributes. A quantized
    result holds its integers in a value of the storage type.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "attr-dict custom<ConstantValue>($value, type($output))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// edge.quantize / edge.dequantize
//===----------------------------------------------------------------------===//

def Edge_QuantizeOp : Edge_ConversionOp<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Float to quantized, or quantized to other quantization parameters";
  let description = [{
    From float: q = clamp(round_half_away(x / scale) + zero_point) to the
    storage range. From a quantized tensor (a requantization):
    q = clamp(zp_out + requantize(x - zp_in, M, shift)) with the fixed-point
    multiplier of scale_in / scale_out. Per-tensor parameters only.
  }];
  let arguments = (ins Edge_RealTensor:$input);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_DequantizeOp : Edge_ConversionOp<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantized to float: (q - zero_point) * scale";
  let arguments = (ins Edge_RealTensor:$input);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

def Edge_AddOp : Edge_BinaryOp<"add", "Elementwise addition", [Edge_TakesClamp]>;
def Edge_SubOp : Edge_BinaryOp<"sub", "Elementwise subtraction", [Edge_TakesClamp]>;
def Edge_MulOp : Edge_BinaryOp<"mul", "Elementwise multiplication", [Edge_TakesClamp]>;
def Edge_DivOp : Edge_BinaryOp<"div", "Elementwise division">;
def Edge_PowOp : Edge_BinaryOp<"pow", "Elementwise power">;
def Edge_MaxOp : Edge_BinaryOp<"max", "Elementwise maximum">;
def Edge_MinOp : Edge_BinaryOp<"min", "Elementwise minimum">;
def Edge_ModOp : Edge_BinaryOp<"mod", "Remainder with the divisor's sign (Python's %)">;
def Edge_FmodOp : Edge_BinaryOp<"fmod", "Remainder with the dividend's sign (C's fmod)">;
// ONNX BitShift, on unsigned integers; a shift by the width or more gives 0.
def Edge_ShiftLeftOp : Edge_BinaryOp<"shift_left", "Unsigned left shift">;
def Edge_ShiftRightOp : Edge_BinaryOp<"shift_right", "Unsigned (logical) right shift">;
// ONNX BitwiseAnd / Or / Xor (opset 18) on integers (BitwiseNot is Xor with
// all ones).
def Edge_BitwiseAndOp : Edge_BinaryOp<"bitwise_and", "Bitwise and of integers">;
def Edge_BitwiseOrOp : Edge_BinaryOp<"bitwise_or", "Bitwise or of integers">;
def Edge_BitwiseXorOp : Edge_BinaryOp<"bitwise_xor", "Bitwise exclusive or of integers">;

// Comparisons and logic: numpy broadcasting, boolean (i1) result. The result
// type follows from the operands (InferTypeOpInterface): builders and the
// importer take it from inferReturnTypes, and the verifier checks it.
class Edge_PredicateOp<string mnemonic, string desc>
    : Edge_Op<mnemonic, [Pure, DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = desc # " with numpy broadcasting, boolean result";
  let arguments = (ins Edge_AnyTensor:$lhs, Edge_AnyTensor:$rhs);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Edge_EqualOp : Edge_PredicateOp<"equal", "a == b">;
def Edge_LessOp : Edge_PredicateOp<"less", "a < b">;
def Edge_LessOrEqualOp : Edge_PredicateOp<"less_or_equal", "a <= b">;
def Edge_GreaterOp : Edge_PredicateOp<"greater", "a > b">;
def Edge_GreaterOrEqualOp : Edge_PredicateOp<"greater_or_equal", "a >= b">;
def Edge_AndOp : Edge_PredicateOp<"and", "Logical and of booleans">;
def Edge_OrOp : Edge_PredicateOp<"or", "Logical or of booleans">;
def Edge_XorOp : Edge_PredicateOp<"xor", "Logical exclusive or of booleans">;

def Edge_NotOp : Edge_Op<"not", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Logical negation of booleans";
  let arguments = (ins RankedTensorOf<[I1]>:$input);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Edge_WhereOp : Edge_Op<"where", [Pure, DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "cond ? x : y, elementwise, with numpy broadcasting of all three";
  let arguments = (ins RankedTensorOf<[I1]>:$cond, Edge_AnyTensor:$x, Edge_AnyTensor:$y);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$cond `,` $x `,` $y attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

// An element-wise real function y = f(x). `fn` is its definition, the body of
// applyReal(double x) (RealFunctionOpInterface): the evaluator computes with
// it and the int8 lookup tables are built from it. `image`, when f is
// bounded, is the body of getRealImage(): the interval f maps into, which
// calibration takes as the output's range.
class Edge_RealFunctionOp<string mnemonic, string desc, code fn, dag args,
                          code image = [{ return std::nullopt; }]>
    : Edge_Op<mnemonic, [Pure, SameOperandsAndResultShape,
                         DeclareOpInterfaceMethods<Edge_RealFunctionOpInterface>]> {
  let summary = desc;
  let arguments = args;
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` custom<UnaryTypes>(type($input), type($output))";
  let extraClassDefinition = "double $cppClass::applyReal(double x) {\n" # fn # "\n}\n" #
      "std::optional<std::pair<double, double>> $cppClass::getRealImage() {\n" # image #
      "\n}\n";
}
class Edge_UnaryOp<string mnemonic, string desc, code fn,
                   code image = [{ return std::nullopt; }]>
    : Edge_RealFunctionOp<mnemonic, desc, fn, (ins Edge_RealTensor:$input), image>;

def Edge_ReluOp : Edge_UnaryOp<"relu", "Rectified linear unit: max(x, 0)",
    [{ return x < 0 ? 0.0 : x; // NaN stays NaN }]>;
// `numerics = tflite` (a .tflite LOGISTIC): the int8 table is TFLite's
// fixed-point logistic (gemmlowp's on Q4.27), not the rounded real function.
def Edge_SigmoidOp : Edge_RealFunctionOp<"sigmoid", "Logistic function 1 / (1 + exp(-x))",
    [{ return 1 / (1 + std::exp(-x)); }],
    (ins Edge_RealTensor:$input, OptionalAttr<Edge_NumericsAttr>:$numerics),
    [{ return std::make_pair(0.0, 1.0); }]> {
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$input), [{
    build($_builder, $_state, output, input, ::edgec::edge::NumericsAttr());
  }]>];
}
def Edge_TanhOp : Edge_UnaryOp<"tanh", "Hyperbolic tangent",
    [{ return std::tanh(x); }], [{ return std::make_pair(-1.0, 1.0); }]>;
def Edge_SqrtOp : Edge_UnaryOp<"sqrt", "Square root",
    [{ return std::sqrt(x); }]>;
def Edge_HardSwishOp : Edge_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 0.5))",
    [{ return x * std::clamp(x / 6 + 0.5, 0.0, 1.0); }]>;
def Edge_AbsOp : Edge_UnaryOp<"abs", "Absolute value",
    [{ return std::fabs(x); }]>;
def Edge_NegOp : Edge_UnaryOp<"neg", "Negation",
    [{ return -x; }]>;
def Edge_ExpOp : Edge_UnaryOp<"exp", "Exponential",
    [{ return std::exp(x); }]>;
def Edge_LogOp : Edge_UnaryOp<"log", "Natural logarithm",
    [{ return std::log(x); }]>;
def Edge_CeilOp : Edge_UnaryOp<"ceil", "Smallest integer not below x",
    [{ return std::ceil(x); }]>;
def Edge_FloorOp : Edge_UnaryOp<"floor", "Largest integer not above x",
    [{ return std::floor(x); }]>;
def Edge_RoundOp : Edge_UnaryOp<"round", "Nearest integer, ties to even",
    [{ return std::nearbyint(x); }]>;
def Edge_ReciprocalOp : Edge_UnaryOp<"reciprocal", "1 / x",
    [{ return 1 / x; }]>;
def Edge_SignOp : Edge_UnaryOp<"sign", "-1, 0 or 1",
    [{ return std::isnan(x) ? x : (double)((x > 0) - (x < 0)); }]>;
def Edge_SinOp : Edge_UnaryOp<"sin", "Sine",
    [{ return std::sin(x); }], [{ return std::make_pair(-1.0, 1.0); }]>;
def Edge_CosOp : Edge_UnaryOp<"cos", "Cosine",
    [{ return std::cos(x); }], [{ return std::make_pair(-1.0, 1.0); }]>;
def Edge_TanOp : Edge_UnaryOp<"tan", "Tangent",
    [{ return std::tan(x); }]>;
def Edge_AsinOp : Edge_UnaryOp<"asin", "Arcsine",
    [{ return std::asin(x); }]>;
def Edge_AcosOp : Edge_UnaryOp<"acos", "Arccosine",
    [{ return std::acos(x); }]>;
def Edge_AtanOp : Edge_UnaryOp<"atan", "Arctangent",
    [{ return std::atan(x); }]>;
def Edge_SinhOp : Edge_UnaryOp<"sinh", "Hyperbolic sine",
    [{ return std::sinh(x); }]>;
def Edge_CoshOp : Edge_UnaryOp<"cosh", "Hyperbolic cosine",
    [{ return std::cosh(x); }]>;
def Edge_AsinhOp : Edge_UnaryOp<"asinh", "Inverse hyperbolic sine",
    [{ return std::asinh(x); }]>;
def Edge_AcoshOp : Edge_UnaryOp<"acosh", "Inverse hyperbolic cosine",
    [{ return std::acosh(x); }]>;
def Edge_AtanhOp : Edge_UnaryOp<"atanh", "Inverse hyperbolic tangent",
    [{ return std::atanh(x); }]>;
def Edge_ErfOp : Edge_UnaryOp<"erf", "Error function",
    [{ return std::erf(x); }], [{ return std::make_pair(-1.0, 1.0); }]>;
def Edge_SoftplusOp : Edge_UnaryOp<"softplus", "log(1 + exp(x))",
    [{ return x > 30 ? x : std::log1p(std::exp(x)); }]>;
def Edge_SoftsignOp : Edge_UnaryOp<"softsign", "x / (1 + |x|)",
    [{ return x / (1 + std::fabs(x)); }], [{ return std::make_pair(-1.0, 1.0); }]>;
def Edge_GeluOp : Edge_UnaryOp<"gelu", "Gaussian error linear unit: x * Phi(x)",
    [{ return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }]>;
def Edge_GeluTanhOp : Edge_UnaryOp<"gelu_tanh",
    "GELU, tanh approximation: x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))",
    [{ return 0.5 * x * (1 + std::tanh(std::sqrt(2 / 3.14159265358979323846) *
                                       (x + 0.044715 * x * x * x))); }]>;

// Activations with parameters.
class Edge_UnaryAlphaOp<string mnemonic, string desc, code fn>
    : Edge_RealFunctionOp<mnemonic, desc, fn, (ins Edge_RealTensor:$input, F32Attr:$alpha)>;
def Edge_EluOp : Edge_UnaryAlphaOp<"elu", "x < 0 ? alpha * (exp(x) - 1) : x", [{
  double a = getAlpha().convertToDouble();
  return x < 0 ? a * std::expm1(x) : x;
}]>;
def Edge_CeluOp : Edge_UnaryAlphaOp<"celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))", [{
  double a = getAlpha().convertToDouble();
  return std::max(0.0, x) + std::min(0.0, a * std::expm1(x / a));
}]>;
def Edge_ThresholdedReluOp : Edge_UnaryAlphaOp<"thresholded_relu", "x > alpha ? x : 0", [{
  return x > getAlpha().convertToDouble() ? x : 0.0;
}]>;
// In integers, `numerics = tflite` computes TFLite's LEAKY_RELU: the input
// requantized by one of two multipliers (1 or alpha, times s_in / s_out,
// derived in float) by its sign, instead of edgec's table.
def Edge_LeakyReluOp : Edge_RealFunctionOp<"leaky_relu",
    "Leaky rectified linear unit: x < 0 ? alpha * x : x", [{
  return x < 0 ? getAlpha().convertToDouble() * x : x;
}], (ins Edge_RealTensor:$input, F32Attr:$alpha, OptionalAttr<Edge_NumericsAttr>:$numerics)> {
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$input,
                                 "::mlir::FloatAttr":$alpha), [{
    build($_builder, $_state, output, input, alpha, ::edgec::edge::NumericsAttr());
  }]>];
}
def Edge_SeluOp : Edge_RealFunctionOp<"selu", "gamma * (x > 0 ? x : alpha * (exp(x) - 1))", [{
  double a = getAlpha().convertToDouble(), g = getGamma().convertToDouble();
  return g * (x > 0 ? x : a * std::expm1(x));
}], (ins Edge_RealTensor:$input, F32Attr:$alpha, F32Attr:$gamma)>;
def Edge_HardSigmoidOp : Edge_RealFunctionOp<"hard_sigmoid", "max(0, min(1, alpha * x + beta))", [{
  double a = getAlpha().convertToDouble(), b = getBeta().convertToDouble();
  return std::clamp(a * x + b, 0.0, 1.0);
}], (ins Edge_RealTensor:$input, F32Attr:$alpha, F32Attr:$beta),
    [{ return std::make_pair(0.0, 1.0); }]>;

def Edge_ClipOp : Edge_RealFunctionOp<"clip", "Clamp to [min, max]", [{
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  return std::isnan(x) ? x : std::min(std::max(x, lo), hi);
}], (ins Edge_RealTensor:$input, F32Attr:$min, F32Attr:$max), [{
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return std::nullopt;
  return std::make_pair(lo, hi);
}]> {
  let description = [{
    Clamps every element to the closed interval [min, max]. Absent ONNX bounds
    are imported as -inf / +inf.
  }];
  let hasVerifier = 1;
}

def Edge_SoftmaxOp : Edge_Op<"softmax", [Pure, SameOperandsAndResultShape]> {
  let summary = "Softmax along one axis";
  let description = [{
    exp(x - max) / sum(exp(x - max)) along `axis` (opset 13 semantics). Older
    opsets' 2-D coercion is expressed by the importer with reshapes around it.
    In integers, `numerics = tflite` computes TFLite's fixed-point softmax
    (gemmlowp's exp and reciprocal) instead of edgec's table and division.
  }];
  let arguments = (ins Edge_RealTensor:$input, I64Attr:$axis,
                       OptionalAttr<Edge_NumericsAttr>:$numerics);
  let results = (outs Edge_RealTensor:$output);
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$input, "int64_t":$axis), [{
    build($_builder, $_state, output, input, axis, ::edgec::edge::NumericsAttr());
  }]>];
  let assemblyFormat = "$input attr-dict `:` custom<UnaryTypes>(type($input), type($output))";
  let hasVerifier = 1;
}

def Edge_LogSoftmaxOp : Edge_Op<"log_softmax", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Log of softmax along one axis: x - max - log(sum(exp(x - max)))";
  let arguments = (ins F32Tensor:$input, I64Attr:$axis);
  let results = (outs F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Edge_HardmaxOp : Edge_Op<"hardmax", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "1 at the first maximum along one axis, 0 elsewhere";
  let arguments = (ins F32Tensor:$input, I64Attr:$axis);
  let results = (outs F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Edge_Conv2DOp : Edge_Op<"conv2d", [Pure, Edge_TakesClamp]> {
  let summary = "2-D grouped, dilated convolution (NCHW input, OIHW weight)";
  let description = [{
    `pads` is [top, left, bottom, right]; `strides` and `dilations` are
    [h, w]. The weight has shape [M, C/group, kH, kW] and the optional bias
    [M]. 1-D ONNX convolutions are imported as 2-D with H = 1. `act_min` /
    `act_max` clamp the result (a fused Relu or Clip).

    `input_dilations` [h, w] (absent: 1, 1) spreads the input before the
    window slides: input element i sits at position i * d and the d - 1
    positions between two elements hold zeros (real zeros: they, like the
    padding, contribute nothing). A ConvTranspose is this convolution with
    `input_dilations` = its strides and the flipped, channel-transposed
    kernel, so no zero-inserted tensor is ever stored.

    `numerics = tflite` (a .tflite CONV_2D, DEPTHWISE_CONV_2D or
    TRANSPOSE_CONV): quantized, the int32 bias is taken as the file stores
    it, as TFLite adds it, whatever scale the file gives it.
  }];
  let arguments = !con((ins Edge_RealTensor:$input, Edge_RealTensor:$weight,
                            Optional<Edge_RealTensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations, I64Attr:$group),
                       Edge_FusedActivation,
                       (ins OptionalAttr<DenseI64ArrayAttr>:$input_dilations,
                            OptionalAttr<Edge_NumericsAttr>:$numerics));
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The input dilation along spatial axis `i` (0: H, 1: W); 1 when absent.
    int64_t inputDilation(unsigned i) {
      auto d = getInputDilations();
      return d && d->size() == 2 ? (*d)[i] : 1;
    }
    /// Whether zeros are spread between input elements (a ConvTranspose).
    bool hasInputDilation() { return inputDilation(0) != 1 || inputDilation(1) != 1; }
    /// The input element that tap `k` of output `o` reads along spatial axis
    /// `i` (0: H, 1: W) of an input of `length` elements, or -1 when it reads
    /// padding or a zero spread between elements.
    int64_t inputIndex(unsigned i, int64_t o, int64_t k, int64_t length) {
      int64_t pos = o * getStrides()[i] - getPads()[i] + k * getDilations()[i];
      int64_t d = inputDilation(i);
      if (pos < 0 || pos % d)
        return -1;
      return pos / d < length ? pos / d : -1;
    }
  }];
  let hasVerifier = 1;
}

def Edge_GemmOp : Edge_Op<"gemm", [Pure, Edge_TakesClamp]> {
  let summary = "General matrix multiply: alpha * A' * B' + beta * C";
  let description = [{
    A' and B' are A and B, transposed when transA / transB are set. C is
    optional and broadcast to [M, N]. `act_min` / `act_max` clamp the result.
    In integers with `numerics = tflite` and B quantized per tensor, the
    requantization multiplier takes the input and weight scales' product in
    float, as TFLite's fully connected layer does (edgec: in double).
  }];
  let arguments = !con((ins Edge_RealTensor:$a, Edge_RealTensor:$b,
                            Optional<Edge_RealTensor>:$c, F32Attr:$alpha,
                            F32Attr:$beta, BoolAttr:$transA, BoolAttr:$transB),
                       Edge_FusedActivation,
                       (ins OptionalAttr<Edge_NumericsAttr>:$numerics));
  let results = (outs Edge_RealTensor:$output);
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$a, "::mlir::Value":$b,
      "::mlir::Value":$c, "::mlir::FloatAttr":$alpha, "::mlir::FloatAttr":$beta,
      "::mlir::BoolAttr":$transA, "::mlir::BoolAttr":$transB, "::mlir::FloatAttr":$act_min,
      "::mlir::FloatAttr":$act_max), [{
    build($_builder, $_state, output, a, b, c, alpha, beta, transA, transB, act_min, act_max,
          ::edgec::edge::NumericsAttr());
  }]>];
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Edge_MatMulOp : Edge_Op<"matmul", [Pure, Edge_TakesClamp]> {
  let summary = "Batched matrix product with numpy semantics";
  let description = [{
    `act_min` / `act_max` clamp the result (a fused Relu or Clip).
  }];
  let arguments = !con((ins Edge_RealTensor:$a, Edge_RealTensor:$b),
                       Edge_FusedActivation);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$a `,` $b attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

class Edge_Pool2DOp<string mnemonic, string desc, dag extraArgs>
    : Edge_Op<mnemonic, [Pure]> {
  let summary = desc;
  let description = [{
    2-D pooling over NCHW input. `kernel`, `strides`, `dilations` are [h, w];
    `pads` is [top, left, bottom, right]. With `ceil_mode` the output size is
    rounded up, and windows that would start in the right/bottom padding only
    are dropped, as in ONNX.
  }];
  let arguments = !con((ins Edge_RealTensor:$input, DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode),
                       extraArgs);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_MaxPool2DOp : Edge_Pool2DOp<"max_pool2d", "2-D max pooling", (ins)>;
// In integers the mean of the counted values is rounded half away from zero
// around the zero point (edgec) or around 0 on the stored integers
// (`numerics = tflite`, TFLite's reference kernel).
def Edge_AvgPool2DOp : Edge_Pool2DOp<"avg_pool2d", "2-D average pooling",
                                     (ins BoolAttr:$count_include_pad,
                                          OptionalAttr<Edge_NumericsAttr>:$numerics)> {
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$input,
      "::llvm::ArrayRef<int64_t>":$kernel, "::llvm::ArrayRef<int64_t>":$strides,
      "::llvm::ArrayRef<int64_t>":$pads, "::llvm::ArrayRef<int64_t>":$dilations,
      "bool":$ceil_mode, "bool":$count_include_pad), [{
    build($_builder, $_state, output, input, kernel, strides, pads, dilations, ceil_mode,
          count_include_pad, ::edgec::edge::NumericsAttr());
  }]>];
}

def Edge_MaxPool2DIndicesOp : Edge_Op<"max_pool2d_indices", [Pure]> {
  let summary = "Where a 2-D max pooling takes its values (ONNX MaxPool's Indices)";
  let description = [{
    The window of max_pool2d with the same attributes; each result is the
    flat index, over the whole NCHW input, of the first position in the
    window (row-major) holding the maximum. Within a plane the index is
    h * W + w, or h + w * H with `column_major` (ONNX's storage_order = 1);
    padding is never selected.
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode,
                       BoolAttr:$column_major);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_GlobalAvgPoolOp : Edge_Op<"global_avg_pool", [Pure]> {
  let summary = "Mean over all spatial dimensions, keeping them as size 1";
  let arguments = (ins Edge_RealTensor:$input);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_BatchNormOp : Edge_Op<"batch_norm", [Pure]> {
  let summary = "Inference batch normalization over axis 1";
  let description = [{
    (x - mean) / sqrt(var + epsilon) * scale + bias, with the per-channel
    operands broadcast along axis 1.
  }];
  let arguments = (ins Edge_RealTensor:$input, Edge_RealTensor:$scale,
                       Edge_RealTensor:$bias, Edge_RealTensor:$mean,
                       Edge_RealTensor:$var, F32Attr:$epsilon);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

// Not Edge_SameRealKind: quantized, its scale and bias stay float constants
// (the verifier keeps input and output of one kind).
def Edge_LayerNormOp : Op<Edge_Dialect, "layer_norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "Layer or RMS normalization over the trailing axes, in one pass per row";
  let description = [{
    Each row of the input viewed as [outer, inner], inner the product of the
    dimensions from `axis` on, is normalized on its own:
      layer: y = (x - mean) / sqrt(mean((x - mean)^2) + epsilon)
      rms:   y = x / sqrt(mean(x^2) + epsilon)
    then multiplied by `scale` and added `bias` when present (ONNX
    LayerNormalization-17 and RMSNormalization-23, whose other outputs are
    not kept). `scale` and `bias` hold one value per element of a row: their
    shape, aligned to the input's last dimensions, is 1 before `axis` and the
    input's from it on. edge-fuse-layer-norm forms it from the importer's
    function bodies and from exporters' expanded graphs. Quantized, the
    input and output are integers and scale and bias stay float constants:
    the kernel's integer constants come from them (layerNormConstants).
  }];
  let arguments = (ins Edge_RealTensor:$input, Optional<F32Tensor>:$scale,
                       Optional<F32Tensor>:$bias, I64Attr:$axis, F32Attr:$epsilon,
                       BoolAttr:$rms);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Edge_ReduceOp<string mnemonic, string desc, string kind, dag extra = (ins),
                    string note = "">
    : Edge_Op<mnemonic, [Pure, DeclareOpInterfaceMethods<Edge_ReduceOpInterface>]> {
  let summary = desc;
  let description = [{
    Reduces over the sorted, non-negative `axes`. With `keepdims` the reduced
    dimensions stay as size 1, otherwise they are removed.
  }] # note;
  let arguments = !con((ins Edge_AnyTensor:$input, DenseI64ArrayAttr:$axes,
                            BoolAttr:$keepdims), extra);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// getReduceKind(), known without an op (the importer's tables).
    static constexpr ::edgec::edge::ReduceKind kReduceKind =
        ::edgec::edge::ReduceKind::}] # kind # [{;
  }];
  let extraClassDefinition = [{
    ::edgec::edge::ReduceKind $cppClass::getReduceKind() { return kReduceKind; }
  }];
}

def Edge_TriluOp : Edge_Op<"trilu", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Upper or lower triangle of the last two dimensions";
  let description = [{
    Keeps element (i, j) of every matrix in the last two dimensions when
    j - i >= k (`upper`) or j - i <= k (lower), and sets the others to zero.
  }];
  let arguments = (ins Edge_AnyTensor:$input, BoolAttr:$upper, I64Attr:$k);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

// ArgMax / ArgMin: int64 index of the extreme along one axis.
class Edge_ArgExtremeOp<string mnemonic, string desc> : Edge_Op<mnemonic, [Pure]> {
  let summary = desc;
  let description = [{
    The index along `axis` of the first (or, with `select_last_index`, the
    last) extreme value; `keepdims` keeps the axis as size 1.
  }];
  let arguments = (ins Edge_AnyTensor:$input, I64Attr:$axis, BoolAttr:$keepdims,
                       BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}
def Edge_ArgMaxOp : Edge_ArgExtremeOp<"arg_max", "Index of the maximum along an axis">;
def Edge_ArgMinOp : Edge_ArgExtremeOp<"arg_min", "Index of the minimum along an axis">;

def Edge_ReduceMeanOp : Edge_ReduceOp<"reduce_mean", "Mean over axes", "Mean",
    (ins OptionalAttr<Edge_NumericsAttr>:$numerics), [{

    In integers, `numerics = tflite` computes TFLite's int8 MEAN: the
    multiplier of s_in / s_out with 1 / count folded into it in integers
    (quant::meanMultiplier); an int16 one has no kernel yet.
  }]> {
  let builders = [OpBuilder<(ins "::mlir::Type":$output, "::mlir::Value":$input,
                                 "::llvm::ArrayRef<int64_t>":$axes, "bool":$keepdims), [{
    build($_builder, $_state, output, input, $_builder.getDenseI64ArrayAttr(axes),
          $_builder.getBoolAttr(keepdims), ::edgec::edge::NumericsAttr());
  }]>];
}
def Edge_ReduceMaxOp : Edge_ReduceOp<"reduce_max", "Maximum over axes", "Max">;
def Edge_ReduceMinOp : Edge_ReduceOp<"reduce_min", "Minimum over axes", "Min">;
def Edge_ReduceSumOp : Edge_ReduceOp<"reduce_sum", "Sum over axes", "Sum">;
def Edge_ReduceProdOp : Edge_ReduceOp<"reduce_prod", "Product over axes", "Prod">;
def Edge_ReduceL1Op : Edge_ReduceOp<"reduce_l1", "Sum of absolute values over axes", "L1">;
def Edge_ReduceL2Op : Edge_ReduceOp<"reduce_l2", "Euclidean norm over axes", "L2">;
def Edge_ReduceSumSquareOp : Edge_ReduceOp<"reduce_sum_square", "Sum of squares over axes", "SumSquare">;
def Edge_ReduceLogSumOp : Edge_ReduceOp<"reduce_log_sum", "log(sum) over axes", "LogSum">;
def Edge_ReduceLogSumExpOp : Edge_ReduceOp<"reduce_log_sum_exp", "log(sum(exp)) over axes", "LogSumExp">;

def Edge_ReduceRuntimeAxesOp : Edge_Op<"reduce_runtime_axes", [Pure]> {
  let summary = "A float reduction over axes read at run time";
  let description = [{
    ONNX Reduce* (opset 13 / 18) whose `axes` input is computed at run time
    while the model declares the result's shape: the kernel reads `axes`
    (1-D, negative counts from the end, repeats count once) and reduces over
    them with the same functors as the edge.reduce_* ops. The result's
    elements are those of the input's non-reduced axes in order, so `keepdims`
    only sets the static result shape. Axes that do not give the declared
    shape are rejected by the evaluator; the kernel never addresses memory
    outside either tensor (an out-of-range axis is ignored, an output index
    past the end is clamped).
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, RankedTensorOf<[I64]>:$axes,
                       Edge_ReduceKindAttr:$kind, BoolAttr:$keepdims);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input `,` $axes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Edge_ReshapeOp : Edge_Op<"reshape", [Pure, Edge_View, Edge_MovesStorage]> {
  let summary = "Reinterpret the data with a new static shape";
  let description = [{
    Row-major data is unchanged; only the shape differs. ONNX Reshape, Flatten,
    Squeeze and Unsqueeze all import to this op. Code generation makes it a
    view: the result aliases the operand's buffer.
  }];
  let arguments = (ins Edge_AnyTensor:$input);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Edge_TransposeOp : Edge_Op<"transpose", [Pure, Edge_MovesStorage]> {
  let summary = "Permute dimensions: output dim i is input dim perm[i]";
  let arguments = (ins Edge_AnyTensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_ConcatOp : Edge_Op<"concat", [Pure]> {
  let summary = "Concatenate tensors along one axis";
  let arguments = (ins Variadic<Edge_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_SliceOp : Edge_Op<"slice", [Pure, Edge_MovesStorage]> {
  let summary = "Strided slice with one start, end and step per dimension";
  let description = [{
    Normalized at import: one entry per dimension, `starts` clamped into range,
    `ends` clamped to [-1, dim] so that iterating from start by step while
    (step > 0 ? i < end : i > end) visits exactly the selected elements.
  }];
  let arguments = (ins Edge_AnyTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_PadOp : Edge_Op<"pad", [Pure]> {
  let summary = "Pad with a constant, by reflection or by edge replication";
  let description = [{
    `pads` has 2 * rank entries: all begins, then all ends, as in ONNX.
    `mode` is one of "constant", "reflect", "edge". Negative pads crop.
    Any element type: `value` is the fill (for integer tensors an integer
    below 2^24 in magnitude, exact in f32; for quantized ones the real value).
  }];
  let arguments = (ins Edge_AnyTensor:$input, DenseI64ArrayAttr:$pads,
                       Edge_PadModeAttr:$mode, F32Attr:$value);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_GatherOp : Edge_Op<"gather", [Pure, Edge_MovesStorage]> {
  let summary = "Gather slices along an axis by an index tensor";
  let description = [{
    output[i_0..i_{a-1}, j..., i_{a+1}...] = data[i_0.., indices[j...], ...].
    Negative indices count from the end of the axis.
  }];
  let arguments = (ins Edge_AnyTensor:$data, Edge_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_CastOp : Edge_ConversionOp<"cast", [Pure]> {
  let summary = "Convert the element type; the shape is unchanged";
  let description = [{
    ONNX Cast. To a float8 type, a value beyond its range (or infinite) gives
    the largest finite value of its sign when `saturate` is set (ONNX's
    default), else NaN (or infinity for f8E5M2); other targets ignore it.
  }];
  let arguments = (ins Edge_AnyTensor:$input, DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_BitcastOp : Edge_ConversionOp<"bitcast", [Pure]> {
  let summary = "Reinterpret each element's bits as another type of the same size";
  let description = [{
    ONNX BitCast (opset 26): the shape is unchanged, every element's bytes
    are kept and read as the result's element type, which must be exactly
    as wide. Quantized tensors are not bitcast.
  }];
  let arguments = (ins Edge_AnyTensor:$input);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing with run-time indices, scans, resampling
//===----------------------------------------------------------------------===//

def Edge_GatherElementsOp : Edge_Op<"gather_elements", [Pure]> {
  let summary = "Gather single elements along an axis (ONNX GatherElements)";
  let description = [{
    output[i...] = data[i_0.., indices[i...], ...] with the index replacing
    coordinate `axis`; the result has the indices' shape. Negative indices
    count from the end. The generated kernel clamps indices outside the axis
    (ONNX leaves them undefined) so a bad index never reads out of bounds.
  }];
  let arguments = (ins Edge_AnyTensor:$data, Edge_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_ScatterElementsOp : Edge_Op<"scatter_elements", [Pure]> {
  let summary = "Copy of data with single elements along an axis replaced (ONNX ScatterElements)";
  let description = [{
    output = data; then for every position i of `indices`,
    output[i_0.., indices[i], ...] (reduction)= updates[i], in row-major
    order of i. `reduction` is none, add, mul, max or min.
  }];
  let arguments = (ins Edge_AnyTensor:$data, Edge_IndexTensor:$indices, Edge_AnyTensor:$updates,
                       I64Attr:$axis, Edge_ScatterReductionAttr:$reduction);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_GatherNDOp : Edge_Op<"gather_nd", [Pure]> {
  let summary = "Gather slices addressed by index tuples (ONNX GatherND)";
  let description = [{
    The last dimension of `indices` (size q) holds index tuples into the
    dimensions of `data` after the `batch_dims` leading ones shared by both;
    every tuple selects the slice data[b..., t_0, ..., t_{q-1}, :...].
  }];
  let arguments = (ins Edge_AnyTensor:$data, Edge_IndexTensor:$indices, I64Attr:$batch_dims);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_ScatterNDOp : Edge_Op<"scatter_nd", [Pure]> {
  let summary = "Copy of data with slices addressed by index tuples replaced (ONNX ScatterND)";
  let description = [{
    output = data; then every index tuple (the last dimension of `indices`)
    writes its slice of `updates` into output, combined by `reduction`
    (none, add, mul, max, min), in row-major order of the tuples.
  }];
  let arguments = (ins Edge_AnyTensor:$data, Edge_IndexTensor:$indices, Edge_AnyTensor:$updates,
                       Edge_ScatterReductionAttr:$reduction);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_CumSumOp : Edge_Op<"cumsum", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Running sum along an axis";
  let description = [{
    output[.., j, ..] = sum of input[.., i, ..] for i <= j (i < j when
    `exclusive`); with `reverse` the sum runs from the end of the axis.
  }];
  let arguments = (ins Edge_AnyTensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Edge_CumProdOp : Edge_Op<"cumprod", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Running product along an axis";
  let description = [{
    output[.., j, ..] = product of input[.., i, ..] for i <= j (i < j when
    `exclusive`: 1 first); with `reverse` it runs from the end of the axis.
  }];
  let arguments = (ins Edge_AnyTensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                       BoolAttr:$reverse);
  let results = (outs Edge_AnyTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Edge_TopKIndicesOp : Edge_Op<"top_k_indices", [Pure]> {
  let summary = "Indices of the k largest (or smallest) elements along an axis";
  let description = [{
    The indices, along `axis`, of the k largest (`largest`) or smallest
    elements, ordered from the most extreme; equal values keep the lower
    index first (ONNX TopK's order). The values are a gather_elements of
    the input by these indices.
  }];
  let arguments = (ins Edge_AnyTensor:$input, I64Attr:$axis, I64Attr:$k, BoolAttr:$largest);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_ResampleOp : Edge_Op<"resample", [Pure]> {
  let summary = "Weighted taps along one axis (one axis of Resize, zero insertion)";
  let description = [{
    For every output position o along `axis`, the sum over t < `taps` of
    weights[o * taps + t] * input[.., indices[o * taps + t], ..]; a tap whose
    index is -1 contributes nothing, and an output whose first index is -2
    is `fill` (extrapolation). Resize applies one per resized axis; the
    tables are computed at import from the coordinate transformation and
    interpolation mode, so the kernel only adds taps. Quantized (int8 or
    int16), input and output share their parameters and the weights are
    Q14 integers (quant::resampleWeightsQ14).
  }];
  let arguments = (ins Edge_RealTensor:$input, I64Attr:$axis, I64Attr:$taps,
                       DenseI64ArrayAttr:$indices, DenseF32ArrayAttr:$weights, F32Attr:$fill);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_GridSampleOp : Edge_Op<"grid_sample", [Pure]> {
  let summary = "Sample an NCHW input at the normalized locations of a grid (ONNX GridSample)";
  let description = [{
    output[n, c, i, j] interpolates input[n, c] at (x, y) = grid[n, i, j],
    normalized to [-1, 1] (corner pixels' centres with `align_corners`, else
    their outer edges). `mode` is "bilinear", "nearest" (ties to even) or
    "bicubic" (A = -0.75); `padding_mode` "zeros", "border" or "reflection"
    says what lies outside the input, as in PyTorch's grid_sample.
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, RankedTensorOf<[F32]>:$grid,
                       Edge_SampleModeAttr:$mode, Edge_SamplePaddingAttr:$padding_mode,
                       BoolAttr:$align_corners);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input `,` $grid attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_RoiAlignOp : Edge_Op<"roi_align", [Pure]> {
  let summary = "Pool regions of interest by bilinear sampling (ONNX RoiAlign)";
  let description = [{
    For every region rois[r] = (x1, y1, x2, y2) of image batch_indices[r],
    an output_height x output_width grid of bins, each the average (or the
    maximum) of sampling_ratio^2 bilinear samples (an adaptive count when 0),
    as ONNX Runtime computes them. `half_pixel` shifts coordinates by -0.5
    (ONNX's half_pixel); without it regions are at least one pixel wide
    (output_half_pixel). A batch index outside the input is clamped.
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, RankedTensorOf<[F32]>:$rois,
                       Edge_IndexTensor:$batch_indices, Edge_RoiAlignModeAttr:$mode,
                       I64Attr:$output_height,
                       I64Attr:$output_width, I64Attr:$sampling_ratio, F32Attr:$spatial_scale,
                       BoolAttr:$half_pixel);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input `,` $rois `,` $batch_indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Edge_DetOp : Edge_Op<"det", [Pure]> {
  let summary = "Determinant of square matrices (ONNX Det)";
  let description = [{
    For input [..., M, M], the determinant of every trailing M x M matrix, by
    LU decomposition with partial pivoting; the result has the leading shape.
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

def Edge_RecurrentOp : Edge_Op<"recurrent", [Pure, AttrSizedOperandSegments]> {
  let summary = "RNN, GRU or LSTM layer over a whole sequence (ONNX RNN / GRU / LSTM)";
  let description = [{
    `cell` is "rnn", "gru" or "lstm", with ONNX's gate order (GRU z, r, h;
    LSTM i, o, f, c) and equations. The input is sequence-major [T, B, I];
    W is [D, G*H, I], R [D, G*H, H], the optional bias [D, 2*G*H] (W's then
    R's), initial_h and initial_c [D, B, H], the LSTM peepholes [D, 3*H]
    (i, o, f) and sequence_lens [B] (steps past a batch's length give zeros
    and leave its state alone). D is 2 for "bidirectional", else 1.

    The one result packs every output of the layer as [T + S, D, B, H]:
    rows 0 .. T-1 are Y, row T the final hidden state Y_h and, for an LSTM,
    row T + 1 the final cell state Y_c (S = 1, or 2 for an LSTM). The
    importer slices Y, Y_h and Y_c out of it.

    `activations` names the per-direction functions (f for RNN; f, g for
    GRU; f, g, h for LSTM, each list repeated for the reverse direction) by
    their ONNX names, with `activation_alpha` / `activation_beta` resolved
    per function (defaults filled in). `clip` > 0 clamps pre-activations.

    Quantized (int8 in and out, docs/numerics.md): W and R are int8 with
    scales per gate row (axis 1), the bias is int32 at scale 2^-12 (Q3.12),
    initial_h / initial_c are int8, and there are no peepholes; the state
    inside is int16 (quant::recurrentConstants has every integer constant).
  }];
  let arguments = (ins Edge_RealTensor:$input, Edge_RealTensor:$w,
                       Edge_RealTensor:$r, Optional<Edge_RealTensor>:$bias,
                       Optional<Edge_IndexTensor>:$sequence_lens,
                       Optional<Edge_RealTensor>:$initial_h,
                       Optional<Edge_RealTensor>:$initial_c,
                       Optional<RankedTensorOf<[F32]>>:$peepholes,
                       Edge_RecurrentCellAttr:$cell, Edge_RecurrentDirectionAttr:$direction,
                       I64Attr:$hidden_size,
                       StrArrayAttr:$activations, DenseF32ArrayAttr:$activation_alpha,
                       DenseF32ArrayAttr:$activation_beta, F32Attr:$clip,
                       BoolAttr:$input_forget, BoolAttr:$linear_before_reset);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = [{
    $input `,` $w `,` $r (`bias` $bias^)? (`lens` $sequence_lens^)? (`h0` $initial_h^)?
    (`c0` $initial_c^)? (`peepholes` $peepholes^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Gates per cell: 1 (RNN), 3 (GRU) or 4 (LSTM).
    int64_t numGates();
    /// 2 for a bidirectional layer, else 1.
    int64_t numDirections();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// edge.svdf
//===----------------------------------------------------------------------===//

def Edge_ModelState : Resource<"::edgec::edge::ModelStateResource">;

def Edge_SvdfOp : Edge_Op<"svdf", [MemoryEffects<[MemRead<Edge_ModelState>,
                                                   MemWrite<Edge_ModelState>]>,
                                   DeclareOpInterfaceMethods<Edge_StateOpInterface>]> {
  let summary = "Integer SVDF layer with its state kept between runs (TFLite's SVDF)";
  let description = [{
    One step of a rank-`rank` singular value decomposition filter, in
    TFLite-Micro's integer arithmetic (docs/numerics.md). The input is
    [B, I] int8, `weights_feature` [F, I] int8, `weights_time` [F, M] int8 or
    int16, the optional bias [F / rank] int32, the result [B, F / rank] int8.

    The layer keeps a state of [B, F * M] elements of `state_type`'s element
    (int8 or int16, the storage of `weights_time`) from one run of the model
    to the next: the model's memory of its last M inputs. Each run shifts it
    one place left, writes the requantized feature products s_x s_wf / s_s
    into each filter's newest slot, and sums `weights_time` times
    (state - zero point) over the M slots, the bias and each unit's `rank`
    filters, requantized by s_s s_wt / s_y. The state starts (and restarts,
    `<name>_reset`) at its zero point; it lives in the arena, where no other
    buffer ever takes its bytes (docs/generated-code.md).
  }];
  let arguments = (ins Edge_RealTensor:$input, Edge_RealTensor:$weights_feature,
                       Edge_RealTensor:$weights_time, Optional<Edge_RealTensor>:$bias,
                       I64Attr:$rank, TypeAttrOf<AnyRankedTensor>:$state_type);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = [{
    $input `,` $weights_feature `,` $weights_time (`bias` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// M, the number of past steps each filter remembers.
    int64_t getMemory() {
      return ::mlir::cast<::mlir::ShapedType>(getWeightsTime().getType()).getDimSize(1);
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// edge.sequence_lstm
//===----------------------------------------------------------------------===//

def Edge_SequenceLstmOp : Edge_Op<"sequence_lstm",
    [AttrSizedOperandSegments,
     MemoryEffects<[MemRead<Edge_ModelState>, MemWrite<Edge_ModelState>]>,
     DeclareOpInterfaceMethods<Edge_StateOpInterface>]> {
  let summary = "Integer LSTM layer with its hidden and cell state kept between runs "
                "(TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM)";
  let description = [{
    A standard LSTM (no peepholes, projection or layer norm) over a sequence,
    in TFLite-Micro's 8x8->16 integer arithmetic (docs/numerics.md). The
    input is [B, T, I] (`time_major`: [T, B, I]) int8; `input_weights` and
    `recurrent_weights` are the four gates' [H, I] and [H, H] int8 matrices
    and `biases` their [H] int32 vectors, each list in TFLite's gate order
    input, forget, cell, output; the result has the input's layout with H
    int8 values a step, the hidden state after each step.

    Each gate is an activation of two int16 terms, each clamped to int16 and
    then added with saturation: the input's product with its weights plus the
    bias, and the hidden state's product with the recurrent weights, both
    requantized to 2^-12. The gates are sigmoids (the cell gate a tanh: a
    .tflite LSTM's fused activation, the only one its schema offers besides
    the ReLUs TFLM refuses) of TFLite's int16 lookup table, at 2^-15.
    The cell state (int16, `cell_state_type`'s scale, a power of two) becomes
    forget x cell + input x cell gate, saturated and, with `cell_clip` > 0,
    clipped to cell_clip / s_c; the hidden state (int8,
    `hidden_state_type`) becomes output gate x tanh(cell).

    Both states are the layer's own ([B, H] each), kept in the arena from one
    run of the model to the next (a .tflite's variable tensors): the state's
    parts are the hidden state, then the cell state. They start (and restart,
    `<name>_reset`) at the hidden state's zero point and at 0.
  }];
  let arguments = (ins Edge_RealTensor:$input, Variadic<Edge_RealTensor>:$input_weights,
                       Variadic<Edge_RealTensor>:$recurrent_weights,
                       Variadic<Edge_RealTensor>:$biases, BoolAttr:$time_major,
                       F32Attr:$cell_clip,
                       TypeAttrOf<AnyRankedTensor>:$hidden_state_type,
                       TypeAttrOf<AnyRankedTensor>:$cell_state_type);
  let results = (outs Edge_RealTensor:$output);
  let assemblyFormat = [{
    $input `,` `[` $input_weights `]` `,` `[` $recurrent_weights `]` `,` `[` $biases `]`
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Batch, time steps, input size and hidden size.
    int64_t getBatch();
    int64_t getSteps();
    int64_t getInputSize();
    int64_t getHiddenSize();
  }];
  let hasVerifier = 1;
}

#endif // EDGEC_IR_EDGEOPS_TD
