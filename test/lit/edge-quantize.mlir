// RUN: edgec-opt --edge-quantize %s | FileCheck %s
// RUN: edgec-opt --edge-quantize="keep-float=conv" %s | FileCheck %s --check-prefix=KEEP
// RUN: edgec-opt --edge-quantize="activation-bits=16" %s | FileCheck %s --check-prefix=I16

// Calibrated ranges (edge.range) become int8 types: the graph input and the
// result are int8; conv weights are symmetric per output channel (max / 127),
// the bias int32 at s_in * s_w[c]; sigmoid gets the fixed output scale 1/256
// region [0, 1]; div has no int8 kernel and stays float between a dequantize
// and a quantize; add rescales both inputs.
func.func @main(%x: tensor<1x2x4x4xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<1x3x4x4xf32> {
  %w = edge.constant dense<[[[[0.5]], [[-0.25]]], [[[1.0]], [[0.5]]], [[[-2.0]], [[0.0]]]]> : tensor<3x2x1x1xf32>
  %b = edge.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %c = edge.conv2d %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, edge.range = array<f32: -2.0, 6.0>} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32> loc("conv")
  %s = edge.sigmoid %c {edge.range = array<f32: 0.0, 1.0>} : tensor<1x3x4x4xf32>
  %e = edge.div %s, %c {edge.range = array<f32: -5.0, 5.0>} : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %a = edge.add %e, %c {edge.range = array<f32: -1.0, 9.0>} : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %a : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @main
// CHECK-SAME: %arg0: tensor<1x2x4x4x!quant.uniform<i8:f32, 0.00784313{{[0-9]*}}:-1>>
// CHECK-SAME: -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.0392156{{[0-9]*}}:-103>>
// CHECK: %[[W:.*]] = edge.constant dense<{{\[\[\[\[}}127]], {{\[\[}}-64]]], {{\[\[\[}}127]], {{\[\[}}64]]], {{\[\[\[}}-127]], {{\[\[}}0]]]]> : tensor<3x2x1x1xi8> as tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.0039370078{{[0-9]*}},0.0078740157{{[0-9]*}},0.0157480314{{[0-9]*}}}>>
// CHECK: %[[B:.*]] = edge.constant dense<[3239, 3239, 2429]> : tensor<3xi32> as tensor<3x!quant.uniform<i32:f32:0,
// CHECK: %[[C:.*]] = edge.conv2d %arg0, %[[W]], %[[B]] {{.*}} -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.0313725{{[0-9]*}}:-64>>
// CHECK: %[[CF:.*]] = edge.dequantize %[[C]]
// CHECK: %[[S:.*]] = edge.sigmoid %[[C]] : tensor<1x3x4x4x!quant.uniform<i8:f32, 0.0313725{{[0-9]*}}:-64>> -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.0039215{{[0-9]*}}:-128>>
// CHECK: %[[SF:.*]] = edge.dequantize %[[S]]
// CHECK: %[[D:.*]] = edge.div %[[SF]], %[[CF]] : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
// CHECK: %[[DQ:.*]] = edge.quantize %[[D]] : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4x!quant.uniform<i8:f32, 0.0392156{{[0-9]*}}:-1>>
// CHECK: %[[A:.*]] = edge.add %[[DQ]], %[[C]]
// CHECK: return %[[A]]
// CHECK-NOT: edge.range

// KEEP: edge.conv2d %{{.*}} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
// KEEP: edge.quantize
// KEEP: edge.sigmoid {{.*}}!quant.uniform

// 16x8: symmetric int16 activations (zero point 0, max|range| / 32767), int8
// weights; sigmoid becomes an int16 table (its range [0, 1]: 1 / 32767).
// I16-LABEL: func.func @main
// I16-SAME: %arg0: tensor<1x2x4x4x!quant.uniform<i16:f32, 3.05185{{[0-9]*}}E-5>>
// I16: edge.conv2d %arg0, {{.*}} tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {{.*}} -> tensor<1x3x4x4x!quant.uniform<i16:f32, 1.83111{{[0-9]*}}E-4>>
// I16: edge.sigmoid %{{.*}} : tensor<1x3x4x4x!quant.uniform<i16:f32, 1.83111{{[0-9]*}}E-4>> -> tensor<1x3x4x4x!quant.uniform<i16:f32, 3.05185{{[0-9]*}}E-5>>
// I16: edge.add {{.*}} -> tensor<1x3x4x4x!quant.uniform<i16:f32, 2.74666{{[0-9]*}}E-4>>
