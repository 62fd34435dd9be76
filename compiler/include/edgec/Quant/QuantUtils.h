//===- QuantUtils.h - quantization parameters and integer constants -*- C++ -*-===//
//
// Everything the int8 path derives at compile time from `!quant.uniform`
// types: activation parameters from calibrated ranges, per-channel weight
// scales, Q31 multipliers, lookup tables. The evaluator's int8 mode and the
// code generator both take their integer constants from here, and their
// arithmetic from runtime-stub/edgec/quant.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <functional>
#include <string>
#include <optional>
#include <vector>

namespace edgec::quant {

/// True if `op` runs with int8 arithmetic: a quantize / dequantize, or an op
/// with a quantized result other than the data movements that copy integers
/// whatever their type (ops with the EdgeMovesStorage trait). The evaluator and
/// the code generator both dispatch on this.
bool hasIntegerSemantics(mlir::Operation *op);

/// Per-tensor parameters of a uniform quantized type.
struct QParams {
  double scale = 1.0;
  int32_t zeroPoint = 0;
  int32_t qmin = -128, qmax = 127;
};

/// A real multiplier as Q31 multiplier and power-of-two shift:
/// real ~= multiplier * 2^(shift - 31).
struct FixedPoint {
  int32_t multiplier = 0;
  int32_t shift = 0;
};

FixedPoint quantizeMultiplier(double real);

// --- composite multipliers ----------------------------------------------------
// Every real multiplier an integer kernel applies, derived here once for the
// evaluator's int8 mode and for the generated code's constants.

/// Per output channel of an int8 conv2d (weights OIHW) or gemm (B's N
/// columns): s_x * s_w[c] / s_y.
std::vector<FixedPoint> channelMultipliers(mlir::Operation *convOrGemm);

/// Rescaling from the parameters of `in` to those of `out` (requantize, the
/// parts of a concat): s_in / s_out.
FixedPoint rescaleMultiplier(const QParams &in, const QParams &out);
FixedPoint rescaleMultiplier(mlir::Type in, mlir::Type out);

/// An int8 elementwise product: s_a * s_b / s_y.
FixedPoint mulMultiplier(mlir::Operation *mul);

/// An int8 mean (global average pool, ReduceMean) of `count` = input
/// elements / output elements each: s_x / (s_y * count). With `numerics =
/// tflite` (a .tflite MEAN), TFLite's: s_x / s_y quantized first, then
/// 1 / count folded into it in integers (docs/numerics.md).
FixedPoint meanMultiplier(mlir::Operation *mean);

/// Asymmetric int8 parameters covering [min, max] extended to contain 0
/// (so that 0.0 is exactly representable: zero padding, ReLU).
QParams chooseInt8Params(double min, double max);

/// Symmetric int16 parameters (zero point 0) covering [min, max]: the
/// activations of 16x8 models.
QParams chooseInt16Params(double min, double max);

/// The `!quant.uniform` type of `p`, with i8 storage or, when p's range needs
/// it, i16.
mlir::quant::UniformQuantizedType makeQuantType(mlir::MLIRContext *ctx, const QParams &p);

/// requantize for int8 results, requantize_wide (64-bit accumulators) for
/// int16 ones: the epilogue the kernels of `out` use.
int32_t requantizeFor(const QParams &out, int64_t acc, const FixedPoint &m);
/// The same for a layer reading `in` and writing `out` (conv, gemm): wide as
/// soon as either side is int16, as the kernels' AccOf (runtime-stub/edgec/quant.h).
int32_t requantizeFor(const QParams &in, const QParams &out, int64_t acc, const FixedPoint &m);

/// Parameters of a per-tensor quantized element type (or of `t`'s element).
QParams paramsOf(mlir::Type t);

/// Per-channel scales of a per-axis type, or the one scale repeated `n` times.
std::vector<double> channelScales(mlir::Type t, int64_t n);

/// Real values of integers `q` of a tensor of `shape` whose element type is
/// `element` (per tensor or per axis): (q - zero_point) * scale, in float as
/// the generated code and ONNX compute it.
std::vector<float> dequantizeValues(mlir::Type element, llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<int64_t> q);

/// The clamp of an int8 result: the storage range narrowed by a fused
/// activation (act_min / act_max) quantized to the result's parameters.
std::pair<int32_t, int32_t> outputClamp(mlir::Operation *op);

/// y = f(x) of an elementwise real function (relu, clip, sigmoid, tanh,
/// hard_swish, hard_sigmoid, leaky_relu, sqrt, ...) as a table:
///   int8 in and out: 256 outputs indexed by x + 128,
///     out[x] = quantize(f(dequantize(x)));
///   int16 in and out (16x8): kLut16Knots knots, out at -32768 + 128 i,
///     interpolated by lut_interp_s16 (runtime-stub/edgec/quant.h).
struct LookupTable {
  std::vector<int32_t> values;
  bool wide() const { return values.size() != 256; }
  /// The output for quantized input q, as the lut_s8 / lut_s16 kernels give it.
  int32_t operator()(int32_t q) const;
};
/// nullopt for other ops and other type pairs. A sigmoid with `numerics =
/// tflite` on int8 takes tfliteLogisticTable's outputs instead.
std::optional<LookupTable> unaryTable(mlir::Operation *op);

/// TFLite's int8 LOGISTIC for every input x in -128..127 (at x + 128):
/// x - zero point rescaled to Q4.27 by s_x 2^27 (a multiplier and left
/// shift from frexp), gemmlowp's fixed-point logistic into Q0.31, rounded
/// to 1/256 and offset by -128; inputs beyond the rescaled range saturate
/// (reference_integer_ops::Logistic, logistic_common.cc). Empty, with
/// `why`, when the input scale is outside what TFLite's kernel takes.
std::vector<int32_t> tfliteLogisticTable(double inputScale, int32_t inputZero,
                                         std::string *why = nullptr);

/// Integer RNN / GRU / LSTM (edge.recurrent on int8 data; docs/numerics.md):
/// gate pre-activations in Q3.12, gates and the hidden state in Q0.15 (int16),
/// the LSTM cell state in int16 at 2^-cellShift, int8 weights per gate row.
constexpr int kRecurrentStateFraction = 15; ///< Q0.15 gates and hidden state
/// Largest hidden size: sum h * r over H stays in int32 (32768 * 127 * 511 < 2^31).
constexpr int64_t kRecurrentMaxHidden = 511;

/// Why the quantized edge.recurrent `op` cannot run in integers, or "" when
/// it can: the activations must be ONNX's defaults (a bounded hidden state),
/// no peepholes, an initial hidden state within [-1, 1], hidden size at most
/// kRecurrentMaxHidden. Attributes only when its operands are still float.
std::string recurrentIntegerObstacle(mlir::Operation *op);

/// Every integer constant of a quantized edge.recurrent.
struct RecurrentConstants {
  /// Per gate row (G * H, shared by the directions): s_x * s_w / 2^-12 and
  /// 2^-15 * s_r / 2^-12, every shift at most -1 (requantize_right).
  std::vector<FixedPoint> w, r;
  /// The cell state is q * 2^-cellShift: |c| <= |c0| + T (each step adds
  /// |i * g| <= 1 to f * c), so it never saturates.
  int32_t cellShift = 12;
  /// Bounds of an activation's Q3.12 input: the clip attribute, else int16.
  int32_t clipLo = -32768, clipHi = 32767;
  int32_t inputZero = 0, outputZero = 0;
  int32_t h0Zero = 0, c0Zero = 0;
  FixedPoint h0, c0;     ///< initial states to Q0.15 and to 2^-cellShift
  FixedPoint outH, outC; ///< Q0.15 and 2^-cellShift to the output's scale
  /// kLut16Knots knots from Q3.12 to Q0.15 (lut_interp_s16).
  std::vector<int32_t> sigmoid, tanh;
};
RecurrentConstants recurrentConstants(mlir::Operation *op);

/// kLut16Knots knots of y = f(x) from int16 `in` to `out`: the output at
/// -32768 + 128 i, rounded and saturated.
std::vector<int32_t> functionKnots16(const std::function<double(double)> &f, const QParams &in,
                                     const QParams &out);

/// The taps of a quantized edge.resample: each float weight * 2^14, rounded
/// (a nearest tap, 1.0, is exactly 16384). The kernel and the evaluator
/// compute zero + ((sum w_q * (x - zero) + 2^13) >> 14).
std::vector<int64_t> resampleWeightsQ14(llvm::ArrayRef<float> weights);
constexpr int kResampleShift = 14;

/// Integer layer / RMS normalization (a quantized edge.layer_norm;
/// docs/numerics.md, "Layer normalization"). Per row of n elements, with
/// v = x - z_x, S1 = sum v (0 for RMS), S2 = sum v^2:
///   V = n S2 - S1^2;  r = isqrt(V 4^k + epsilon);  L = bits of r;
///   inv = (2^(29+L) + r / 2) / r;  Y_j = round((n v_j - S1) inv / 2^(13+L-k))
/// Y_j is the normalized value in Q16 (independent of s_x: only epsilon
/// sees it), and the output z_y + ((Y_j a_j + b_j + 2^(shift-1)) >> shift),
/// clamped.
struct LayerNormConstants {
  int64_t inner = 0;           ///< n
  int32_t inputZero = 0, outputZero = 0, qmin = -128, qmax = 127;
  int32_t rootShift = 0;       ///< k: V scaled by 4^k before its root
  int64_t epsilon = 0;         ///< round(n^2 eps / s_x^2 4^k)
  int32_t shift = 0;           ///< of the output step
  std::vector<int64_t> a, b;   ///< per element: w_j / s_y 2^(shift-16), b_j / s_y 2^shift
};
constexpr int kLayerNormFraction = 16; ///< Y_j = y_j 2^16
/// Largest row of an integer layer norm: int8 input (V < 2^48), int16 input (V < 2^58);
/// n v - S1 stays in int32 (int8: 2^25, int16: 2^30).
constexpr int64_t kLayerNormMaxInner8 = 65536, kLayerNormMaxInner16 = 8192;
/// The constants of a quantized edge.layer_norm whose scale and bias (empty
/// when absent) hold `scale` and `bias`.
LayerNormConstants layerNormConstants(mlir::Operation *op, llvm::ArrayRef<float> scale,
                                      llvm::ArrayRef<float> bias);

/// Layers that read and write int8 whatever width is asked of them (the
/// recurrent layers, whose state inside is int16 anyway): never a 16x8
/// candidate of --quantize auto, and int8 between int16 neighbours in 16x8.
bool keepsInt8Data(mlir::Operation *op);

/// Ops whose quantized result keeps its input's parameters (data movement,
/// pooling, resampling): never a precision choice of their own, and in
/// 16x8 / int8 they follow their input's width.
bool keepsInputParams(mlir::Operation *op);

/// Softmax: exp(-scale_in * d) * 2^16 rounded, for d = 0..255; `wide`
/// (int16 input): kLut16Knots knots of exp(-scale_in * 128 i) * 2^15, at most
/// 32767, for d = max - x in [0, 65535] interpolated by lut_interp_s16 at
/// d - 32768.
std::vector<int32_t> softmaxExpTable(double inputScale, bool wide = false);

/// Whether `op` asks for TFLite's integer arithmetic (`numerics = tflite`,
/// set by the .tflite importer where TFLite rounds differently).
bool tfliteNumerics(mlir::Operation *op);

/// The value an integer average pool rounds its mean around: the zero point
/// (edgec: zp + round(sum(x - zp) / n)) or 0 (TFLite: round(sum(x) / n) on
/// the stored integers). Both round half away from zero.
int32_t avgPoolRoundingZero(mlir::Operation *avgPool);

/// TFLite's int8 softmax (numerics = tflite): for d = max - x in 0..255,
/// gemmlowp's exp_on_negative_values of -d scaled by the input scale (beta
/// 1) into Q5.26, as a Q0.31 value; 0 where -d is below TFLite's diff_min (so
/// such an element adds nothing to the sum and outputs the minimum, as
/// TFLite's kernel does). Empty when the input scale is too small for TFLite's
/// multiplier (below 2^-26; `why` says so).
std::vector<int32_t> tfliteSoftmaxExpTable(double inputScale, std::string *why = nullptr);

/// TFLite's LEAKY_RELU on integers (numerics = tflite): `x - inZero`
/// requantized by `identity` (s_in / s_out) where non-negative, by `alpha`
/// (s_in alpha / s_out) below 0, plus `outZero`; both multipliers derived in
/// float as TFLite does. nullopt for any other op.
struct LeakyReluFixed {
  int32_t inZero, outZero;
  FixedPoint identity, alpha;
};
std::optional<LeakyReluFixed> tfliteLeakyRelu(mlir::Operation *op);

/// Output parameters softmax always uses: scale 1/256, zero point -128; wide:
/// int16, scale 1/32767, zero point 0.
QParams softmaxOutputParams(bool wide = false);

/// Integer parameters of an int8 elementwise add/sub (TFLite scheme):
/// both inputs scaled by 2^20 (2^15 for int16) and rescaled to twice the
/// larger input scale.
struct AddParams {
  int32_t inZero[2];
  FixedPoint in[2];
  FixedPoint out;
  int32_t outZero;
  int32_t leftShift = 20;
};
AddParams addParams(mlir::Operation *addSubMaxMin);
/// The same from the types; `floatMultipliers`: the three multipliers
/// derived in float, as TFLite's SUB does (its ADD, and edgec, in double).
/// An op takes the float form with `numerics = tflite` on a Sub.
AddParams addParams(mlir::Type a, mlir::Type b, mlir::Type out, bool floatMultipliers = false);

/// Every integer constant of an edge.svdf (TFLite-Micro's SVDF): the
/// feature products requantized into the state by s_x s_wf / s_s, the sum
/// over time into the output by s_s s_wt / s_y, both quotients formed in
/// float as svdf_common.cc does; the zero points of input, state and output
/// and the state's range.
struct SvdfFixed {
  FixedPoint feature, output;
  int32_t inZero, stateZero, outZero;
  int32_t stateMin, stateMax;
};
SvdfFixed svdfConstants(mlir::Operation *svdf);

/// Every integer constant of an edge.sequence_lstm (TFLite-Micro's 8x8->16
/// LSTM, unidirectional_sequence_lstm.cc), per gate in the order input,
/// forget, cell, output. Gate pre-activations are int16 at 2^-12 (a float32
/// constant in TFLM) and gate outputs int16 at TFLM's float32 "2^-15"
/// (0.00003051757f, a little below it, so the inter-gate multipliers are not
/// exact powers of two).
struct SequenceLstmFixed {
  /// s_x s_w / 2^-12 and s_h s_r / 2^-12: the scales multiplied in float32,
  /// divided in double (GetQuantizedConvolutionMultipler).
  FixedPoint input[4], recurrent[4];
  /// forget x cell -> cell, input x cell gate -> cell, output x tanh(cell)
  /// -> hidden: scales multiplied and divided in double.
  FixedPoint forgetCell, inputCell, hidden;
  int32_t inZero, hiddenZero;
  /// cell_clip / s_c truncated into int16 (clip to +-cellClip), when clipping.
  bool clip = false;
  int32_t cellClip = 0;
  /// tanh(cell): TFLite's Tanh input multiplier and shift for a cell state at
  /// 2^power, power = round(log2 s_c) in float (CheckedLog2, unchecked).
  int32_t cellTanhMultiplier = 3, cellTanhShift = 0;
};
/// The gates' activations read Q3.12 with TFLite's multiplier 3 and no shift.
constexpr int32_t kLstmGateMultiplier = 3;
SequenceLstmFixed sequenceLstmConstants(mlir::Operation *sequenceLstm);

} // namespace edgec::quant
