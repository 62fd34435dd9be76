//===- Passes.td - quantization passes --------------------------*- tablegen -*-===//

#ifndef EDGEC_PASSES_QUANTIZE_PASSES_TD
#define EDGEC_PASSES_QUANTIZE_PASSES_TD

include "mlir/Pass/PassBase.td"

def QuantizePass : Pass<"edge-quantize", "::mlir::func::FuncOp"> {
  let summary = "Rewrite float ops with int8 kernels to !quant.uniform tensors";
  let description = [{
    Uses the calibrated ranges (`edge.range = array<f32: min, max>` on each
    op and graph input, written by calibration) to give every activation
    asymmetric per-tensor int8 parameters (range extended to contain 0).
    Weights of conv2d / gemm become int8 symmetric per output channel
    (scale = max|w| / 127, values in [-127, 127]) and biases int32 at scale
    s_in * s_w. Pooling and data movement keep their input's parameters;
    softmax always produces scale 1/256, zero point -128; elementwise
    activations become 256-entry lookup tables.

    Ops without an int8 kernel, ops named in `keep-float`, and ops without a
    calibrated range stay float, with edge.dequantize / edge.quantize where
    float and int8 meet. Graph inputs and outputs adjacent to int8 ops become
    int8 (the generated code adds a float wrapper).

    With `activation-bits=16` (16x8) activations are int16, symmetric (zero
    point 0), weights stay int8 and accumulators are 64-bit; elementwise
    activations become 513-knot int16 tables with linear interpolation, and
    softmax produces scale 1/32767 from an interpolated int16 exp table.

    Mixed precision: the layers named in `int16` write int16 activations
    (16x8), the others int8. A conv or gemm reads its input at whatever
    width it was made (its kernels take int8 or int16 on either side); any
    other op's operands are requantized to its width where they were made
    at the other one, on the producer's calibrated range. Data movement and
    pooling keep the width of their input unless named.

    A model that already carries edge.quantize / edge.dequantize (imported
    QDQ or QLinear ops) is quantized with those parameters: an op's result
    takes the type of the edge.quantize ops that read it, and its weights are
    the model's own int8 constants.

    With `bias-correction`, a conv2d or gemm that carries `edge.channel_mean`
    (the mean of its input per channel over the calibration samples, written
    by edge-calibrate{channel-means}) gets its bias corrected for the error
    its int8 weights make on average: b'[o] = b[o] - sum (W_q - W)[o, ..] *
    E[x][..] (Nagel et al., data-free quantization, section on bias
    correction, here with the empirical means).
  }];
  let options = [
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names to leave in float">,
    Option<"activationBits", "activation-bits", "int", "8",
           "Bits of the activations: 8 (int8) or 16 (16x8)">,
    ListOption<"int16Layers", "int16", "std::string",
               "ONNX node names computed in 16x8 (int16 activations) while the rest are "
               "int8 (mixed precision)">,
    Option<"requireRanges", "require-ranges", "bool", "true",
           "Fail on a model with neither calibrated ranges nor QDQ ops (false: "
           "leave such a float model unchanged, as a float compile does)">,
    Option<"biasCorrection", "bias-correction", "bool", "false",
           "Subtract from each conv / gemm bias the mean error of its int8 weights, "
           "(W_q - W) E[x], with E[x] per input channel from edge.channel_mean">,
  ];
  let dependentDialects = ["::mlir::quant::QuantizationDialect"];
}

def CalibratePass : Pass<"edge-calibrate", "::mlir::func::FuncOp"> {
  let summary = "Record activation ranges (edge.range) from sample inputs";
  let description = [{
    Runs the float model in the reference evaluator over calibration samples
    and writes `edge.range = array<f32: min, max>` on every op with a float
    result and on every float graph input, for edge-quantize.

    `samples` is a .npy file (first axis = samples, or one sample of the
    input's exact shape), a folder of .npy files, a .npz keyed by input name,
    a folder with `<input>.npy` or `<input>/` per input, or `random` (16 samples,
    float inputs uniform in [-1, 1) from a fixed seed, integer and boolean
    inputs zero: deterministic, and meaningless for accuracy). `range` is
    `minmax`, `percentile=99.99` or `mse`. edgec compile runs this pass on the
    samples it has already loaded for the quantization report.
  }];
  let options = [
    Option<"samples", "samples", "std::string", "\"random\"",
           "Calibration inputs: a .npy file, a folder of .npy files, a .npz, a folder per input, or random">,
    Option<"range", "range", "std::string", "\"minmax\"",
           "Range per activation: minmax, percentile=P, mse or entropy">,
    Option<"progress", "progress", "bool", "false",
           "Progress bar on stderr for runs over a second">,
    Option<"channelMeans", "channel-means", "bool", "false",
           "Also record on each conv2d / gemm the mean of its input per channel "
           "(edge.channel_mean), for edge-quantize{bias-correction}">,
  ];
}

def EqualizePass : Pass<"edge-equalize", "::mlir::func::FuncOp"> {
  let summary = "Cross-layer equalization of float weights before int8 quantization";
  let description = [{
    For each conv2d or gemm whose input is the only use of another conv2d or
    gemm's output (directly or through max / average / global pooling, which
    commute with a positive scale per channel; no clamp, or a ReLU clamp:
    act_min = 0, no act_max), with constant weights and bias: output channel i of the first
    layer (weights and bias) is divided by s_i = sqrt(r1_i / r2_i) and input
    channel i of the second multiplied by it, r1_i and r2_i being the largest
    |weight| of the two (Nagel et al., "Data-Free Quantization Through Weight
    Equalization and Bias Correction", 2019). The result is the same function
    in exact arithmetic; per-channel int8 weights then lose less on channels
    that were small next to their reader. The second layer may be a depthwise
    conv (multiplier 1); other grouped readers are left alone. One sweep in
    program order.
  }];
}

#endif // EDGEC_PASSES_QUANTIZE_PASSES_TD
