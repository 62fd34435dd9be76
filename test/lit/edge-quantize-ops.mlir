// RUN: edgec-opt --split-input-file --edge-quantize --mlir-print-debuginfo %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-quantize="activation-bits=16" %s | FileCheck %s --check-prefix=I16

// Max and Min (with a constant or a tensor) rescale both inputs like Add and
// run in int8; Div by a constant becomes an int8 Mul by its reciprocal;
// ReduceMean over adjacent axes is an int8 mean.
// CHECK-LABEL: func.func @max_min_div_mean
// CHECK: %[[LO:.*]] = edge.constant dense<-128> : tensor<1xi8> as tensor<1x!quant.uniform<i8:f32, 0.0019607{{[0-9]*}}:127>>
// CHECK: %[[M:.*]] = edge.max %arg0, %[[LO]] : {{.*}} -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.0098039{{[0-9]*}}:-77>>
// CHECK: %[[N:.*]] = edge.min %[[M]], %arg0 : {{.*}} -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.0078431{{[0-9]*}}:-1>>
// 1 / 4 as int8: 127 steps of 0.25 / 255 above the zero point -128.
// CHECK: %[[R:.*]] = edge.constant dense<127> : tensor<1xi8> as tensor<1x!quant.uniform<i8:f32, 9.80392{{[0-9]*}}E-4:-128>> loc(#[[DIV:loc[0-9]*]])
// CHECK: %[[D:.*]] = edge.mul %[[N]], %[[R]] : {{.*}} -> tensor<1x4x2x2x!quant.uniform<i8:f32, 0.0019607{{[0-9]*}}:-1>> loc(#[[DIV]])
// CHECK: %[[MEAN:.*]] = edge.reduce_mean %[[D]] {axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x4x2x2x!quant.uniform<i8:f32, 0.0019607{{[0-9]*}}:-1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.0011764{{[0-9]*}}:-43>>
// CHECK-NOT: edge.dequantize
// CHECK: return %[[MEAN]]
// CHECK: #[[DIV]] = loc("div")
func.func @max_min_div_mean(%x: tensor<1x4x2x2xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<1x4xf32> {
  %lo = edge.constant dense<-0.5> : tensor<1xf32>
  %four = edge.constant dense<4.0> : tensor<1xf32>
  %m = edge.max %x, %lo {edge.range = array<f32: -0.5, 2.0>} : (tensor<1x4x2x2xf32>, tensor<1xf32>) -> tensor<1x4x2x2xf32>
  %n = edge.min %m, %x {edge.range = array<f32: -1.0, 1.0>} : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %d = edge.div %n, %four {edge.range = array<f32: -0.25, 0.25>} : (tensor<1x4x2x2xf32>, tensor<1xf32>) -> tensor<1x4x2x2xf32> loc("div")
  %r = edge.reduce_mean %d {axes = array<i64: 2, 3>, keepdims = false, edge.range = array<f32: -0.1, 0.2>} : (tensor<1x4x2x2xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// What stays float: a division by a tensor or by a constant holding 0, and
// a mean over axes that are not adjacent.
// CHECK-LABEL: func.func @stays_float
// CHECK: edge.div {{.*}} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK: edge.div {{.*}} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK: edge.reduce_mean {{.*}} : (tensor<2x3x4xf32>) -> tensor<3xf32>
func.func @stays_float(%x: tensor<2x3x4xf32> {edge.range = array<f32: -1.0, 1.0>}) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<3xf32>) {
  %z = edge.constant dense<[1.0, 2.0, 0.0, 4.0]> : tensor<4xf32>
  %a = edge.div %x, %x {edge.range = array<f32: 0.0, 1.0>} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %b = edge.div %x, %z {edge.range = array<f32: -1.0, 1.0>} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %c = edge.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false, edge.range = array<f32: -1.0, 1.0>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %a, %b, %c : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<3xf32>
}

// -----

// Resampling (a Resize axis) keeps its input's int8 parameters: the float
// weights stay as attributes, and the kernel and the evaluator apply them as
// Q14 integers.
// CHECK-LABEL: func.func @resample
// CHECK: %[[R:.*]] = edge.resample %arg0 {axis = 3 : i64, fill = 0.000000e+00 : f32, indices = array<i64: 0, -1, 0, 1, 1, -1>, taps = 2 : i64, weights = array<f32: 1.000000e+00, 0.000000e+00, 7.500000e-01, 2.500000e-01, 1.000000e+00, 0.000000e+00>} : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.0078431{{[0-9]*}}:-1>>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.0078431{{[0-9]*}}:-1>>
// CHECK: return %[[R]]
func.func @resample(%x: tensor<1x2x2x2xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<1x2x2x3xf32> {
  %r = edge.resample %x {axis = 3 : i64, fill = 0.0 : f32, indices = array<i64: 0, -1, 0, 1, 1, -1>, taps = 2 : i64, weights = array<f32: 1.0, 0.0, 0.75, 0.25, 1.0, 0.0>, edge.range = array<f32: -1.0, 1.0>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x3xf32>
  return %r : tensor<1x2x2x3xf32>
}

// -----

// A ConvTranspose (a convolution over its spread input) quantizes as any
// convolution and keeps its input dilation: no zero-inserted tensor, in int8
// or in 16x8.
// CHECK-LABEL: func.func @conv_transpose
// CHECK: edge.conv2d %arg0, {{.*}}input_dilations = array<i64: 2, 2>{{.*}} -> tensor<1x3x7x7x!quant.uniform<i8:f32, {{.*}}>>
// I16-LABEL: func.func @conv_transpose
// I16: edge.conv2d %arg0, {{.*}}input_dilations = array<i64: 2, 2>{{.*}} -> tensor<1x3x7x7x!quant.uniform<i16:f32, {{.*}}>>
func.func @conv_transpose(%x: tensor<1x2x4x4xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<1x3x7x7xf32> {
  %w = edge.constant dense<0.5> : tensor<3x2x3x3xf32>
  %b = edge.constant dense<0.25> : tensor<3xf32>
  %c = edge.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>, edge.range = array<f32: -4.0, 4.0>} : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x7x7xf32>
  return %c : tensor<1x3x7x7xf32>
}

// -----

// Softmax: int8 to scale 1/256 (zero point -128); in 16x8 to int16 at
// 1/32767 (zero point 0), with an int16 exp table (softmax_s16).
// CHECK-LABEL: func.func @softmax
// CHECK: edge.softmax %arg0 {{.*}} -> tensor<1x10x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// I16-LABEL: func.func @softmax
// I16: edge.softmax %arg0 {{.*}} : tensor<1x10x!quant.uniform<i16:f32, 2.44148{{[0-9]*}}E-4>> -> tensor<1x10x!quant.uniform<i16:f32, 3.05185{{[0-9]*}}E-5>>
func.func @softmax(%x: tensor<1x10xf32> {edge.range = array<f32: -8.0, 8.0>}) -> tensor<1x10xf32> {
  %s = edge.softmax %x {axis = 1 : i64, edge.range = array<f32: 0.0, 1.0>} : tensor<1x10xf32>
  return %s : tensor<1x10xf32>
}

// -----

// GRU with default activations: int8 data, W and R int8 per gate row (axis
// 1), the bias in Q3.12 (0.5 -> 2048), h0 quantized on its range; in 16x8 the
// layer still reads and writes int8 (its state inside is int16), converted
// from and to the int16 tensors around it.
// CHECK-LABEL: func.func @gru
// CHECK-SAME: %arg1: tensor<1x1x1x!quant.uniform<i8:f32, 0.0039215{{[0-9]*}}:-1>>
// CHECK-DAG: edge.constant dense<{{\[}}[2048, -1024, 4096, 0, 512, 8192]]> : tensor<1x6xi32> as tensor<1x6x!quant.uniform<i32:f32, 2.44140625E-4>>
// CHECK-DAG: edge.constant {{.*}} as tensor<1x3x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>
// CHECK: edge.recurrent %arg0, %{{.*}}, %{{.*}} bias %{{.*}} h0 %arg1 {{.*}} tensor<1x1x1x!quant.uniform<i8:f32, 0.0039215{{[0-9]*}}:-1>>) -> tensor<3x1x1x1x!quant.uniform<i8:f32, 0.0078431{{[0-9]*}}:-1>>
// I16-LABEL: func.func @gru
// I16-SAME: %arg0: tensor<2x1x2x!quant.uniform<i8:f32, {{.*}}>>
// I16: %[[G:.*]] = edge.recurrent %arg0, {{.*}} -> tensor<3x1x1x1x!quant.uniform<i8:f32, {{.*}}>>
// I16: %[[Y:.*]] = edge.quantize %[[G]] : (tensor<3x1x1x1x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<3x1x1x1x!quant.uniform<i16:f32, {{.*}}>>
// I16: return %[[Y]]
func.func @gru(%x: tensor<2x1x2xf32> {edge.range = array<f32: -1.0, 1.0>}, %h0: tensor<1x1x1xf32> {edge.range = array<f32: -0.5, 0.5>}) -> tensor<3x1x1x1xf32> {
  %w = edge.constant dense<[[[0.5, -0.25], [1.0, 0.75], [-0.5, 0.125]]]> : tensor<1x3x2xf32>
  %r = edge.constant dense<[[[0.5], [-1.0], [0.25]]]> : tensor<1x3x1xf32>
  %b = edge.constant dense<[[0.5, -0.25, 1.0, 0.0, 0.125, 2.0]]> : tensor<1x6xf32>
  %y = edge.recurrent %x, %w, %r bias %b h0 %h0 {activation_alpha = array<f32: 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0>, activations = ["Sigmoid", "Tanh"], cell = #edge.cell<gru>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 1 : i64, input_forget = false, linear_before_reset = true, edge.range = array<f32: -1.0, 1.0>} : (tensor<2x1x2xf32>, tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x6xf32>, tensor<1x1x1xf32>) -> tensor<3x1x1x1xf32>
  return %y : tensor<3x1x1x1xf32>
}

// -----

// What the integer cell cannot hold stays float: other activations (an
// unbounded state) and peepholes.
// CHECK-LABEL: func.func @recurrent_stays_float
// CHECK: edge.recurrent {{.*}} -> tensor<3x1x1x1xf32>
// CHECK: edge.recurrent {{.*}} -> tensor<4x1x1x1xf32>
func.func @recurrent_stays_float(%x: tensor<2x1x2xf32> {edge.range = array<f32: -1.0, 1.0>}) -> (tensor<3x1x1x1xf32>, tensor<4x1x1x1xf32>) {
  %w = edge.constant dense<0.5> : tensor<1x1x2xf32>
  %r = edge.constant dense<0.5> : tensor<1x1x1xf32>
  %y = edge.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Relu"], cell = #edge.cell<rnn>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 1 : i64, input_forget = false, linear_before_reset = false, edge.range = array<f32: 0.0, 4.0>} : (tensor<2x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x1xf32>) -> tensor<3x1x1x1xf32>
  %w4 = edge.constant dense<0.5> : tensor<1x4x2xf32>
  %r4 = edge.constant dense<0.5> : tensor<1x4x1xf32>
  %p = edge.constant dense<0.1> : tensor<1x3xf32>
  %z = edge.recurrent %x, %w4, %r4 peepholes %p {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], cell = #edge.cell<lstm>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 1 : i64, input_forget = false, linear_before_reset = false, edge.range = array<f32: -1.0, 1.0>} : (tensor<2x1x2xf32>, tensor<1x4x2xf32>, tensor<1x4x1xf32>, tensor<1x3xf32>) -> tensor<4x1x1x1xf32>
  return %y, %z : tensor<3x1x1x1xf32>, tensor<4x1x1x1xf32>
}

// -----

// A layer norm runs on integers (layer_norm_q): int8 (int16 in 16x8) in and
// out at its own calibrated parameters, scale and bias kept float constants
// (the kernel's integer steps are derived from them). A scale computed at run
// time keeps the layer float.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[Q:.*]] = edge.quantize %arg0
// CHECK: %[[N:.*]] = edge.layer_norm %[[Q]] scale %{{.*}} bias %{{.*}} {axis = 1 : i64, {{.*}}rms = false} : (tensor<2x8x!quant.uniform<i8:f32, {{.*}}>>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: edge.layer_norm %arg0 scale %arg1 {axis = 1 : i64, {{.*}}rms = true} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
// CHECK: return %[[N]]
// I16-LABEL: func.func @layer_norm
// I16: edge.layer_norm {{.*}} -> tensor<2x8x!quant.uniform<i16:f32, {{.*}}>>
func.func @layer_norm(%x: tensor<2x8xf32> {edge.range = array<f32: -4.0, 4.0>}, %s: tensor<8xf32> {edge.range = array<f32: 0.0, 1.0>}) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = edge.constant dense<[0.5, 1.0, 1.5, 2.0, 0.5, 1.0, 1.5, 2.0]> : tensor<8xf32>
  %b = edge.constant dense<0.25> : tensor<8xf32>
  %0 = edge.layer_norm %x scale %w bias %b {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = false, edge.range = array<f32: -3.0, 3.0>} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = edge.layer_norm %x scale %s {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = true, edge.range = array<f32: -3.0, 3.0>} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0, %1 : tensor<2x8xf32>, tensor<2x8xf32>
}
