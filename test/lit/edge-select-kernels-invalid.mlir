// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-select-kernels %s
// RUN: not edgec-opt --edge-select-kernels=family=npu %s 2>&1 | FileCheck %s --check-prefix=FAMILY

// FAMILY: Cannot find option named 'npu'

// The legality check: an int8 divide has no kernel (division stays float
// under edge-quantize); the pass fails before anything is planned.
func.func @no_int8_div(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  // expected-error@+2 {{no kernel for 'edge.div' on these types in family 'portable'}}
  // expected-remark@+1 {{operand and result types: tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>, tensor<4x!quant.uniform<i8:f32, 1.000000e-01>> -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>}}
  %0 = edge.div %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// int8 fully connected with A transposed: no int8 kernel reads A column-wise.
func.func @int8_gemm_trans_a(%a: tensor<16x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2>> {
  %b = edge.constant dense<1> : tensor<10x16xi8> as tensor<10x16x!quant.uniform<i8:f32, 0.01>>
  // expected-error@+2 {{no kernel for 'edge.gemm'}}
  // expected-remark@+1 {{operand and result types}}
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = true, transB = true} : (tensor<16x1x!quant.uniform<i8:f32, 0.1>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2>>
}

// -----

// Every op without a kernel is reported, not just the first.
func.func @two(%a: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error@+2 {{no kernel for 'edge.div'}}
  // expected-remark@+1 {{operand and result types}}
  %0 = edge.div %a, %a : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  // expected-error@+2 {{no kernel for 'edge.pow'}}
  // expected-remark@+1 {{operand and result types}}
  %1 = edge.pow %a, %a : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %0, %1 : tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// A softmax that must round as TFLite's (numerics = tflite) runs only
// softmax_s8_tflite: its int16 input has no kernel, not edgec's softmax_s16,
// which rounds otherwise.
func.func @tflite_softmax_int16_input(%a: tensor<1x8x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x8x!quant.uniform<i16:f32, 1.52587890625E-5:-32768>> {
  // expected-error@+2 {{no kernel for 'edge.softmax'}}
  // expected-remark@+1 {{operand and result types}}
  %0 = edge.softmax %a {axis = 1 : i64, numerics = #edge.numerics<tflite>} : tensor<1x8x!quant.uniform<i16:f32, 0.001>> -> tensor<1x8x!quant.uniform<i16:f32, 1.52587890625E-5:-32768>>
  return %0 : tensor<1x8x!quant.uniform<i16:f32, 1.52587890625E-5:-32768>>
}

// -----

// TFLite's int16 MEAN rescales a 32-bit sum; reduce_mean_s8's int16 form is
// 64-bit, so such an op has no kernel.
func.func @tflite_mean_int16(%a: tensor<1x4x3x3x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x4x1x1x!quant.uniform<i16:f32, 0.001>> {
  // expected-error@+2 {{no kernel for 'edge.reduce_mean'}}
  // expected-remark@+1 {{operand and result types}}
  %0 = edge.reduce_mean %a {axes = array<i64: 2, 3>, keepdims = true, numerics = #edge.numerics<tflite>} : (tensor<1x4x3x3x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x4x1x1x!quant.uniform<i16:f32, 0.001>>
  return %0 : tensor<1x4x1x1x!quant.uniform<i16:f32, 0.001>>
}
