// RUN: edgec-opt --edge-quantize="int16=conv2" %s | FileCheck %s
// RUN: edgec-opt --edge-quantize="int16=conv1,pool,sig" %s | FileCheck %s --check-prefix=FIRST

// Mixed precision: the layers named in int16 write int16 (16x8), the others
// int8. A conv reads its input at the width it was made (its kernels take
// int8 or int16 on either side); other ops read through a requantization
// (edge.quantize of a quantized tensor) on the producer's calibrated range.
func.func @main(%x: tensor<1x2x4x4xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<1x2x2x2xf32> {
  %w = edge.constant dense<[[[[0.5]], [[-0.25]]], [[[1.0]], [[0.5]]]]> : tensor<2x2x1x1xf32>
  %b = edge.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %c1 = edge.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, edge.range = array<f32: -2.0, 6.0>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %p = edge.max_pool2d %c1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false, edge.range = array<f32: -2.0, 6.0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> loc("pool")
  %c2 = edge.conv2d %p, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, edge.range = array<f32: -4.0, 8.0>} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("conv2")
  %s = edge.sigmoid %c2 {edge.range = array<f32: 0.0, 1.0>} : tensor<1x2x2x2xf32> loc("sig")
  return %s : tensor<1x2x2x2xf32>
}

// conv1 and the pool int8; conv2 reads the int8 pool directly and writes
// int16; the sigmoid, an int8 table, reads conv2 through int16 -> int8 on
// conv2's range [-4, 8].
// CHECK-LABEL: func.func @main
// CHECK: %[[C1:.*]] = edge.conv2d %arg0, {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.0313725{{[0-9]*}}:-64>>
// CHECK: %[[P:.*]] = edge.max_pool2d %[[C1]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.0313725{{[0-9]*}}:-64>>
// CHECK-NOT: edge.quantize
// CHECK: %[[C2:.*]] = edge.conv2d %[[P]], {{.*}} -> tensor<1x2x2x2x!quant.uniform<i16:f32, 2.44148{{[0-9]*}}E-4>>
// CHECK: %[[C8:.*]] = edge.quantize %[[C2]] : (tensor<1x2x2x2x!quant.uniform<i16:f32, 2.44148{{[0-9]*}}E-4>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.0470588{{[0-9]*}}:-43>>
// CHECK: %[[S:.*]] = edge.sigmoid %[[C8]] {{.*}}!quant.uniform<i8:f32, 0.0039215{{[0-9]*}}:-128>>
// CHECK: return %[[S]]
// CHECK-NOT: edge.range

// conv1 in 16x8 from the graph input on: the input is int16; the pool,
// named too, stays int16 (as it would unnamed: data movement keeps its
// input's width); conv2 reads the int16 pool and writes int8; the sigmoid,
// named, reads that through int8 -> int16 and is a 513-knot int16 table.
// FIRST-LABEL: func.func @main
// FIRST-SAME: %arg0: tensor<1x2x4x4x!quant.uniform<i16:f32, 3.05185{{[0-9]*}}E-5>>
// FIRST: %[[C1:.*]] = edge.conv2d %arg0, {{.*}} -> tensor<1x2x4x4x!quant.uniform<i16:f32,
// FIRST: %[[P:.*]] = edge.max_pool2d %[[C1]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i16:f32,
// FIRST-NOT: edge.quantize
// FIRST: %[[C2:.*]] = edge.conv2d %[[P]], {{.*}} : (tensor<1x2x2x2x!quant.uniform<i16:f32, {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32,
// FIRST: %[[C16:.*]] = edge.quantize %[[C2]] : {{.*}} -> tensor<1x2x2x2x!quant.uniform<i16:f32, 2.44148{{[0-9]*}}E-4>>
// FIRST: edge.sigmoid %[[C16]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i16:f32, 3.05185{{[0-9]*}}E-5>>
