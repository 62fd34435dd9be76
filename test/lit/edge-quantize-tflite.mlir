// RUN: edgec-opt --split-input-file --edge-quantize %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-quantize --edge-select-kernels %s | FileCheck %s --check-prefix=KERNEL

// An imported .tflite model asks for TFLite's integer arithmetic where it
// differs from edgec's (numerics = tflite): the softmax writes the model's
// own output type (here int16 at 1/65536, as TFLite's int8 -> int16 softmax)
// instead of edgec's fixed 1/256, and runs softmax_s8_tflite.
// CHECK-LABEL: func.func @softmax_tflite
// CHECK: edge.softmax %arg0 {axis = 1 : i64, numerics = #edge.numerics<tflite>} : tensor<1x4x!quant.uniform<i8:f32, 2.500000e-01:3>> -> tensor<1x4x!quant.uniform<i16:f32, 1.52587890625E-5:-32768>>
// CHECK-NOT: edge.quantize
// KERNEL-LABEL: func.func @softmax_tflite
// KERNEL: edge.softmax {{.*}}#edge.kernel<"softmax_s8_tflite"
!qi = !quant.uniform<i8:f32, 0.25:3>
!qo = !quant.uniform<i16:f32, 1.52587890625E-5:-32768>
func.func @softmax_tflite(%x: tensor<1x4x!qi>) -> tensor<1x4x!qo> {
  %d = edge.dequantize %x : (tensor<1x4x!qi>) -> tensor<1x4xf32>
  %s = edge.softmax %d {axis = 1 : i64, numerics = #edge.numerics<tflite>} : tensor<1x4xf32>
  %q = edge.quantize %s : (tensor<1x4xf32>) -> tensor<1x4x!qo>
  return %q : tensor<1x4x!qo>
}

// -----

// Without the attribute the same softmax is edgec's: scale 1/256, then a
// requantization to the model's type.
// CHECK-LABEL: func.func @softmax_edgec
// CHECK: edge.softmax %arg0 {axis = 1 : i64} : tensor<1x4x!quant.uniform<i8:f32, 2.500000e-01:3>> -> tensor<1x4x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// CHECK: edge.quantize
// KERNEL-LABEL: func.func @softmax_edgec
// KERNEL: edge.softmax {{.*}}#edge.kernel<"softmax_s8"
!qi = !quant.uniform<i8:f32, 0.25:3>
!qo = !quant.uniform<i16:f32, 1.52587890625E-5:-32768>
func.func @softmax_edgec(%x: tensor<1x4x!qi>) -> tensor<1x4x!qo> {
  %d = edge.dequantize %x : (tensor<1x4x!qi>) -> tensor<1x4xf32>
  %s = edge.softmax %d {axis = 1 : i64} : tensor<1x4xf32>
  %q = edge.quantize %s : (tensor<1x4xf32>) -> tensor<1x4x!qo>
  return %q : tensor<1x4x!qo>
}

// -----

// The average pool and the fully connected layer keep the attribute on their
// integer form (rounding around 0; the multiplier's float scale product).
// CHECK-LABEL: func.func @pool_and_gemm
// CHECK: edge.avg_pool2d {{.*}}numerics = #edge.numerics<tflite>{{.*}} -> tensor<1x2x1x1x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: edge.gemm {{.*}}numerics = #edge.numerics<tflite>{{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 1.000000e+00:2>>
!qa = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.125>
!qy = !quant.uniform<i8:f32, 1.0:2>
func.func @pool_and_gemm(%x: tensor<1x2x3x3x!qa>) -> tensor<1x3x!qy> {
  %d = edge.dequantize %x : (tensor<1x2x3x3x!qa>) -> tensor<1x2x3x3xf32>
  %p = edge.avg_pool2d %d {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, numerics = #edge.numerics<tflite>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %pq = edge.quantize %p : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!qa>
  %pd = edge.dequantize %pq : (tensor<1x2x1x1x!qa>) -> tensor<1x2x1x1xf32>
  %r = edge.reshape %pd : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %wq = edge.constant dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8> as tensor<3x2x!qw>
  %w = edge.dequantize %wq : (tensor<3x2x!qw>) -> tensor<3x2xf32>
  %bq = edge.constant dense<[8, -8, 16]> : tensor<3xi32> as tensor<3x!qb>
  %b = edge.dequantize %bq : (tensor<3x!qb>) -> tensor<3xf32>
  %g = edge.gemm %r, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true, numerics = #edge.numerics<tflite>} : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %y = edge.quantize %g : (tensor<1x3xf32>) -> tensor<1x3x!qy>
  return %y : tensor<1x3x!qy>
}

// -----

// Sub keeps the attribute on its integer form: its multipliers are then
// derived in float (TFLite's SUB; its ADD uses double, as edgec does).
// CHECK-LABEL: func.func @sub_tflite
// CHECK: edge.sub %arg0, %arg1 {numerics = #edge.numerics<tflite>} : (tensor<1x8x!quant.uniform<i16:f32, 9.693720e-04>>, tensor<8x!quant.uniform<i16:f32, 8.709840e-06>>) -> tensor<1x8x!quant.uniform<i16:f32, 5.941490e-04>>
!qa = !quant.uniform<i16:f32, 0.000969372>
!qb = !quant.uniform<i16:f32, 8.70984e-06>
!qy = !quant.uniform<i16:f32, 0.000594149>
func.func @sub_tflite(%a: tensor<1x8x!qa>, %b: tensor<8x!qb>) -> tensor<1x8x!qy> {
  %da = edge.dequantize %a : (tensor<1x8x!qa>) -> tensor<1x8xf32>
  %db = edge.dequantize %b : (tensor<8x!qb>) -> tensor<8xf32>
  %s = edge.sub %da, %db {numerics = #edge.numerics<tflite>} : (tensor<1x8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %y = edge.quantize %s : (tensor<1x8xf32>) -> tensor<1x8x!qy>
  return %y : tensor<1x8x!qy>
}

// -----

// LeakyRelu with the attribute is TFLite's two-multiplier requantization
// (leaky_relu_tflite), not a table: exact on int16 too, where edgec's
// 513-knot interpolation is not.
// CHECK-LABEL: func.func @leaky_relu_tflite
// CHECK: edge.leaky_relu %arg0 {alpha = 2.000000e-01 : f32, numerics = #edge.numerics<tflite>} : tensor<1x8x!quant.uniform<i16:f32, 1.000000e-03>> -> tensor<1x8x!quant.uniform<i16:f32, 5.000000e-04>>
// KERNEL-LABEL: func.func @leaky_relu_tflite
// KERNEL: edge.leaky_relu {{.*}}#edge.kernel<"leaky_relu_tflite"
!qa = !quant.uniform<i16:f32, 0.001>
!qy = !quant.uniform<i16:f32, 0.0005>
func.func @leaky_relu_tflite(%a: tensor<1x8x!qa>) -> tensor<1x8x!qy> {
  %d = edge.dequantize %a : (tensor<1x8x!qa>) -> tensor<1x8xf32>
  %r = edge.leaky_relu %d {alpha = 0.2 : f32, numerics = #edge.numerics<tflite>} : tensor<1x8xf32>
  %y = edge.quantize %r : (tensor<1x8xf32>) -> tensor<1x8x!qy>
  return %y : tensor<1x8x!qy>
}

// -----

// A .tflite MEAN keeps `numerics = tflite` through quantization (its
// multiplier is TFLite's: s_in / s_out with 1 / count folded in in integers,
// quant::meanMultiplier) and runs reduce_mean_s8.
// CHECK-LABEL: func.func @mean_tflite
// CHECK: edge.reduce_mean %arg0 {axes = array<i64: 2, 3>, keepdims = true, numerics = #edge.numerics<tflite>} : (tensor<1x8x7x7x!quant.uniform<i8:f32, 7.000000e-02:-9>>) -> tensor<1x8x1x1x!quant.uniform<i8:f32, 7.000000e-02:-9>>
// KERNEL-LABEL: func.func @mean_tflite
// KERNEL: edge.reduce_mean {{.*}}#edge.kernel<"reduce_mean_s8"
!q = !quant.uniform<i8:f32, 0.07:-9>
func.func @mean_tflite(%x: tensor<1x8x7x7x!q>) -> tensor<1x8x1x1x!q> {
  %d = edge.dequantize %x : (tensor<1x8x7x7x!q>) -> tensor<1x8x7x7xf32>
  %m = edge.reduce_mean %d {axes = array<i64: 2, 3>, keepdims = true, numerics = #edge.numerics<tflite>} : (tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32>
  %q = edge.quantize %m : (tensor<1x8x1x1xf32>) -> tensor<1x8x1x1x!q>
  return %q : tensor<1x8x1x1x!q>
}

// -----

// TFLite adds a FULLY_CONNECTED's int32 bias as stored, whatever its scale
// says. Here the file's bias scale (0.001) is not s_in * s_w (0.5 * 0.25):
// the integers stay 1500000000 and -7, where requantizing the real values
// (1.5e6 and -0.007) at 0.125 would give 12000000 and 0.
// CHECK-LABEL: func.func @bias_as_stored
// CHECK: edge.constant dense<[1500000000, -7]> : tensor<2xi32>
// CHECK: edge.gemm
!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.001>
!qy = !quant.uniform<i8:f32, 1.0:2>
func.func @bias_as_stored(%x: tensor<1x3x!qx>) -> tensor<1x2x!qy> {
  %d = edge.dequantize %x : (tensor<1x3x!qx>) -> tensor<1x3xf32>
  %wq = edge.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8> as tensor<2x3x!qw>
  %w = edge.dequantize %wq : (tensor<2x3x!qw>) -> tensor<2x3xf32>
  %bq = edge.constant dense<[1500000000, -7]> : tensor<2xi32> as tensor<2x!qb>
  %b = edge.dequantize %bq : (tensor<2x!qb>) -> tensor<2xf32>
  %g = edge.gemm %d, %w, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true, numerics = #edge.numerics<tflite>} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %q = edge.quantize %g : (tensor<1x2xf32>) -> tensor<1x2x!qy>
  return %q : tensor<1x2x!qy>
}

// -----

// The same for a CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV (edge.conv2d
// with numerics = tflite): its bias integers stay 1500000000 and -7.
// CHECK-LABEL: func.func @conv_bias_as_stored
// CHECK: edge.constant dense<[1500000000, -7]> : tensor<2xi32>
// CHECK: edge.conv2d {{.*}}numerics = #edge.numerics<tflite>
!qx = !quant.uniform<i8:f32, 0.5:-1>
!qw = !quant.uniform<i8:f32, 0.25>
!qb = !quant.uniform<i32:f32, 0.001>
!qy = !quant.uniform<i8:f32, 1.0:2>
func.func @conv_bias_as_stored(%x: tensor<1x1x2x2x!qx>) -> tensor<1x2x1x1x!qy> {
  %d = edge.dequantize %x : (tensor<1x1x2x2x!qx>) -> tensor<1x1x2x2xf32>
  %wq = edge.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]]]> : tensor<2x1x2x2xi8> as tensor<2x1x2x2x!qw>
  %w = edge.dequantize %wq : (tensor<2x1x2x2x!qw>) -> tensor<2x1x2x2xf32>
  %bq = edge.constant dense<[1500000000, -7]> : tensor<2xi32> as tensor<2x!qb>
  %b = edge.dequantize %bq : (tensor<2x!qb>) -> tensor<2xf32>
  %c = edge.conv2d %d, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, numerics = #edge.numerics<tflite>} : (tensor<1x1x2x2xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  %q = edge.quantize %c : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!qy>
  return %q : tensor<1x2x1x1x!qy>
}

// -----

// A .tflite LOGISTIC keeps numerics = tflite through quantization: its int8
// table is TFLite's fixed-point logistic (quant::tfliteLogisticTable), run
// by the same lut_s8 kernel as every other int8 function.
// CHECK-LABEL: func.func @logistic_tflite
// CHECK: edge.sigmoid %arg0 {numerics = #edge.numerics<tflite>} : tensor<1x8x!quant.uniform<i8:f32, 6.250000e-02:-3>> -> tensor<1x8x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// KERNEL-LABEL: func.func @logistic_tflite
// KERNEL: edge.sigmoid {{.*}}#edge.kernel<"lut_s8"
!qx = !quant.uniform<i8:f32, 0.0625:-3>
!qy = !quant.uniform<i8:f32, 0.00390625:-128>
func.func @logistic_tflite(%x: tensor<1x8x!qx>) -> tensor<1x8x!qy> {
  %d = edge.dequantize %x : (tensor<1x8x!qx>) -> tensor<1x8xf32>
  %s = edge.sigmoid %d {numerics = #edge.numerics<tflite>} : tensor<1x8xf32>
  %q = edge.quantize %s : (tensor<1x8xf32>) -> tensor<1x8x!qy>
  return %q : tensor<1x8x!qy>
}
