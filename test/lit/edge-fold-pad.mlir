// RUN: edgec-opt --split-input-file --edge-fold-pad %s | FileCheck %s

// Zero padding of H and W moves into the convolution's own pads.
// CHECK-LABEL: func.func @conv
// CHECK: edge.conv2d %arg0, %{{.*}} {dilations = array<i64: 1, 1>, edge.fused = ["pad"], group = 1 : i64, pads = array<i64: 2, 1, 3, 1>
// CHECK-NOT: edge.pad
func.func @conv(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x9x6xf32> {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 0, 0, 0, 3, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x5xf32> loc("pad")
  %1 = edge.conv2d %0, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x8x5xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x9x6xf32>
  return %1 : tensor<1x1x9x6xf32>
}

// -----

// Before a spread input (input dilation d, a ConvTranspose), p zeros of
// padding are p * d positions of the spread input.
// CHECK-LABEL: func.func @spread_conv
// CHECK: edge.conv2d %arg0, %{{.*}} {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 3>, pads = array<i64: 2, 0, 0, 6>
// CHECK-NOT: edge.pad
func.func @spread_conv(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x9x16xf32> {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 0, 0, 0, 0, 2>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x5x6xf32>
  %1 = edge.conv2d %0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 3>} : (tensor<1x1x5x6xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x9x16xf32>
  return %1 : tensor<1x1x9x16xf32>
}

// -----

// -inf padding folds into max pooling, zero padding into average pooling
// (which then counts the padded positions).
// CHECK-LABEL: func.func @pools
// CHECK: edge.max_pool2d %arg0 {{.*}}pads = array<i64: 1, 1, 1, 1>
// CHECK: edge.avg_pool2d %arg0 {ceil_mode = false, count_include_pad = true, {{.*}}pads = array<i64: 1, 1, 1, 1>
// CHECK-NOT: edge.pad
func.func @pools(%arg0: tensor<1x1x4x4xf32>) -> (tensor<1x1x5x5xf32>, tensor<1x1x5x5xf32>) {
  %0 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0xFF800000 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %1 = edge.max_pool2d %0 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x6x6xf32>) -> tensor<1x1x5x5xf32>
  %2 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %3 = edge.avg_pool2d %2 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x1x6x6xf32>) -> tensor<1x1x5x5xf32>
  return %1, %3 : tensor<1x1x5x5xf32>, tensor<1x1x5x5xf32>
}

// -----

// Not folded: a non-zero value into a conv, zero into a max pool, reflection,
// padding of the channel axis, a crop, and an average pool that already pads
// without counting its padding.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-6: edge.pad
func.func @kept(%arg0: tensor<1x1x4x4xf32>) -> (tensor<1x1x6x6xf32>, tensor<1x1x5x5xf32>, tensor<1x1x6x6xf32>, tensor<1x1x4x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x7x7xf32>) {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 1.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %1 = edge.conv2d %0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x6x6xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x6x6xf32>
  %2 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %3 = edge.max_pool2d %2 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x6x6xf32>) -> tensor<1x1x5x5xf32>
  %4 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<reflect>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %5 = edge.conv2d %4, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x6x6xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x6x6xf32>
  %6 = edge.pad %arg0 {pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 0>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %w2 = edge.constant dense<1.0> : tensor<1x2x1x1xf32>
  %7 = edge.conv2d %6, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %8 = edge.pad %arg0 {pads = array<i64: 0, 0, -1, 0, 0, 0, 0, 0>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x4xf32>
  %9 = edge.conv2d %8, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x4xf32>
  %10 = edge.pad %arg0 {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %11 = edge.avg_pool2d %10 {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x1x6x6xf32>) -> tensor<1x1x7x7xf32>
  return %1, %3, %5, %7, %9, %11 : tensor<1x1x6x6xf32>, tensor<1x1x5x5xf32>, tensor<1x1x6x6xf32>, tensor<1x1x4x4xf32>, tensor<1x1x3x4xf32>, tensor<1x1x7x7xf32>
}

// -----

// A pad of quantized data (it fills with the zero point, real 0) read by a
// convolution through a dequantize (a .tflite PAD before a VALID conv) folds
// into the convolution's padding too.
// CHECK-LABEL: func.func @quantized_pad
// CHECK-NOT: edge.pad
// CHECK: %[[D:.*]] = edge.dequantize %arg0 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<1x1x4x4xf32>
// CHECK: edge.conv2d %[[D]], %arg1 {{{.*}}pads = array<i64: 1, 1, 1, 1>
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @quantized_pad(%x: tensor<1x1x4x4x!q>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %p = edge.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4x!q>) -> tensor<1x1x6x6x!q>
  %d = edge.dequantize %p : (tensor<1x1x6x6x!q>) -> tensor<1x1x6x6xf32>
  %y = edge.conv2d %d, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}
