// RUN: edgec-opt --edge-quantize %s -split-input-file -verify-diagnostics
// RUN: not edgec-opt --edge-quantize="activation-bits=4" %s -split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// BITS: error: activation-bits must be 8 or 16, got 4

// Without calibrated ranges (or QDQ parameters) there is nothing to quantize with.
// expected-error @+1 {{quantization needs calibrated ranges (edge.range) or a model with QuantizeLinear / DequantizeLinear; run calibration first}}
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = edge.relu %x : tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// A quantized value that feeds a float op without a dequantize.
func.func @mixed(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32> {
  // expected-error @+1 {{'edge.relu' op mixes float and quantized tensors; insert edge.quantize or edge.dequantize}}
  %r = edge.relu %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Activations are quantized per tensor.
func.func @per_axis(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>> {
  // expected-error @+1 {{'edge.quantize' op the result must be per-tensor uniform quantized}}
  %q = edge.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return %q : tensor<2x4x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
}

// -----

// Per-axis scales must match the quantized dimension.
func.func @bad_axis(%c: tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'edge.dequantize' op the input's 3 scales along axis 1 do not match its shape}}
  %d = edge.dequantize %c : (tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}
