// RUN: edgec-opt --split-input-file --edge-collapse-reshapes %s | FileCheck %s

// A chain of reshapes (Flatten after Unsqueeze after Squeeze...) becomes one.
// CHECK-LABEL: func.func @chain
// CHECK: %[[R:.*]] = edge.reshape %arg0 : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @chain(%arg0: tensor<1x8x1x1xf32>) -> tensor<1x8xf32> {
  %0 = edge.reshape %arg0 : (tensor<1x8x1x1xf32>) -> tensor<8xf32>
  %1 = edge.reshape %0 : (tensor<8xf32>) -> tensor<2x4xf32>
  %2 = edge.reshape %1 : (tensor<2x4xf32>) -> tensor<1x8xf32>
  return %2 : tensor<1x8xf32>
}

// -----

// A round trip (1-D convolution import: 3-D -> 4-D -> 3-D) disappears.
// CHECK-LABEL: func.func @round_trip_i8
// CHECK-NEXT: return %arg0 : tensor<1x4x10xi8>
func.func @round_trip_i8(%arg0: tensor<1x4x10xi8>) -> tensor<1x4x10xi8> {
  %0 = edge.reshape %arg0 : (tensor<1x4x10xi8>) -> tensor<1x4x1x10xi8>
  %1 = edge.reshape %0 : (tensor<1x4x1x10xi8>) -> tensor<1x4x10xi8>
  return %1 : tensor<1x4x10xi8>
}

// -----

// A reshape with another user keeps its value; the chain still reads the source.
// CHECK-LABEL: func.func @shared
// CHECK: %[[A:.*]] = edge.reshape %arg0 : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK: %[[B:.*]] = edge.reshape %arg0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK: return %[[A]], %[[B]]
func.func @shared(%arg0: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<3x2xf32>) {
  %0 = edge.reshape %arg0 : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = edge.reshape %0 : (tensor<6xf32>) -> tensor<3x2xf32>
  return %0, %1 : tensor<6xf32>, tensor<3x2xf32>
}

// -----

// A transpose that moves only axes of size 1 (batch-major [1, T, I] to
// sequence-major [T, 1, I]) is a view; one that reorders two real axes stays.
// CHECK-LABEL: func.func @transpose_unit_axes
// CHECK: %[[V:.*]] = edge.reshape %arg0 : (tensor<1x40x20xi8>) -> tensor<40x1x20xi8>
// CHECK: %[[T:.*]] = edge.transpose %arg1 {perm = array<i64: 1, 0, 2>} : (tensor<2x40x20xf32>) -> tensor<40x2x20xf32>
// CHECK: return %[[V]], %[[T]]
func.func @transpose_unit_axes(%arg0: tensor<1x40x20xi8>, %arg1: tensor<2x40x20xf32>) -> (tensor<40x1x20xi8>, tensor<40x2x20xf32>) {
  %0 = edge.transpose %arg0 {perm = array<i64: 1, 0, 2>} : (tensor<1x40x20xi8>) -> tensor<40x1x20xi8>
  %1 = edge.transpose %arg1 {perm = array<i64: 1, 0, 2>} : (tensor<2x40x20xf32>) -> tensor<40x2x20xf32>
  return %0, %1 : tensor<40x1x20xi8>, tensor<40x2x20xf32>
}

// -----

// The NHWC -> NCHW -> NHWC pair a .tflite model leaves between two layers
// cancels, also on quantized data; two transposes that do not cancel become
// one, and a transpose read elsewhere too keeps its value.
// CHECK-LABEL: func.func @transpose_chain
// CHECK-DAG: %[[T:.*]] = edge.transpose %arg1 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-DAG: %[[S:.*]] = edge.transpose %arg1 {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK: return %arg0, %[[T]], %[[S]]
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @transpose_chain(%arg0: tensor<1x5x6x8x!q>, %arg1: tensor<2x3x4xf32>) -> (tensor<1x5x6x8x!q>, tensor<4x2x3xf32>, tensor<3x2x4xf32>) {
  %0 = edge.transpose %arg0 {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x5x6x8x!q>) -> tensor<1x8x5x6x!q>
  %1 = edge.transpose %0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x5x6x!q>) -> tensor<1x5x6x8x!q>
  %2 = edge.transpose %arg1 {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %3 = edge.transpose %2 {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %1, %3, %2 : tensor<1x5x6x8x!q>, tensor<4x2x3xf32>, tensor<3x2x4xf32>
}

// -----

// A pad between a layer's NCHW -> NHWC transpose and the next layer's
// NHWC -> NCHW one (a .tflite PAD) moves before the first, its pads moved
// back to NCHW axes; the two transposes then meet and cancel, so the padded
// tensor is never copied between layouts. Quantized data pads alike.
// CHECK-LABEL: func.func @pad_between_layouts
// CHECK-NEXT: %[[P:.*]] = edge.pad %arg0 {mode = #edge.pad_mode<constant>, pads = array<i64: 0, 0, 1, 2, 0, 0, 3, 4>, value = 0.000000e+00 : f32} : (tensor<1x8x5x6x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<1x8x9x12x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: return %[[P]]
!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @pad_between_layouts(%x: tensor<1x8x5x6x!q>) -> tensor<1x8x9x12x!q> {
  %t = edge.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x5x6x!q>) -> tensor<1x5x6x8x!q>
  %p = edge.pad %t {pads = array<i64: 0, 1, 2, 0, 0, 3, 4, 0>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x5x6x8x!q>) -> tensor<1x9x12x8x!q>
  %b = edge.transpose %p {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x9x12x8x!q>) -> tensor<1x8x9x12x!q>
  return %b : tensor<1x8x9x12x!q>
}

// -----

// A transpose something else reads too stays where it is, and so does the pad.
// CHECK-LABEL: func.func @pad_of_shared_transpose
// CHECK: %[[T:.*]] = edge.transpose %arg0
// CHECK: edge.pad %[[T]]
func.func @pad_of_shared_transpose(%x: tensor<1x8x5x6xf32>) -> (tensor<1x5x6x8xf32>, tensor<1x6x6x8xf32>) {
  %t = edge.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x5x6xf32>) -> tensor<1x5x6x8xf32>
  %p = edge.pad %t {pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 0>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x5x6x8xf32>) -> tensor<1x6x6x8xf32>
  return %t, %p : tensor<1x5x6x8xf32>, tensor<1x6x6x8xf32>
}
