// RUN: edgec-opt --split-input-file --edge-fuse-layer-norm --mlir-print-debuginfo %s | FileCheck %s

// LayerNormalization as the importer writes it (ONNX's function body): one
// op at the bias Add's location, the other nodes in its edge.fused list.
// CHECK-LABEL: func.func @importer_layer_norm
// CHECK-NEXT: %[[Y:.*]] = edge.layer_norm %arg0 scale %arg1 bias %arg2 {axis = 1 : i64, edge.fused = ["mean", "sub", "sq", "var", "eps", "sqrt", "inv", "norm", "scale"], epsilon = 9.99999974E-6 : f32, rms = false} : (tensor<3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<3x8xf32> loc(#[[BIAS:loc[0-9]+]])
// CHECK-NEXT: return %[[Y]]
// CHECK: #[[BIAS]] = loc("bias")
func.func @importer_layer_norm(%x: tensor<3x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<3x8xf32> {
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %0 = edge.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32> loc("mean")
  %1 = edge.sub %x, %0 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32> loc("sub")
  %2 = edge.mul %1, %1 : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32> loc("sq")
  %3 = edge.reduce_mean %2 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32> loc("var")
  %4 = edge.add %3, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32> loc("eps")
  %5 = edge.sqrt %4 : tensor<3x1xf32> loc("sqrt")
  %6 = edge.reciprocal %5 : tensor<3x1xf32> loc("inv")
  %7 = edge.mul %1, %6 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32> loc("norm")
  %8 = edge.mul %7, %w : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32> loc("scale")
  %9 = edge.add %8, %b : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32> loc("bias")
  return %9 : tensor<3x8xf32>
}

// -----

// RMSNormalization as the importer writes it: x * reciprocal(sqrt(mean(x * x) + eps)) * scale.
// CHECK-LABEL: func.func @importer_rms
// CHECK-NEXT: edge.layer_norm %arg0 scale %arg1 {axis = 2 : i64, {{.*}}epsilon = 1.000000e-03 : f32, rms = true} : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: return
func.func @importer_rms(%x: tensor<2x3x4xf32>, %s: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = edge.mul %x, %x : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %2 = edge.constant dense<1.000000e-03> : tensor<f32>
  %3 = edge.add %1, %2 : (tensor<2x3x1xf32>, tensor<f32>) -> tensor<2x3x1xf32>
  %4 = edge.sqrt %3 : tensor<2x3x1xf32>
  %5 = edge.reciprocal %4 : tensor<2x3x1xf32>
  %6 = edge.mul %x, %5 : (tensor<2x3x4xf32>, tensor<2x3x1xf32>) -> tensor<2x3x4xf32>
  %7 = edge.mul %6, %s : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %7 : tensor<2x3x4xf32>
}

// -----

// An exporter's layer norm over the last two axes: Pow(d, 2), epsilon
// first in its Add, Div by the root, then scale and bias on the left.
// CHECK-LABEL: func.func @exported_layer_norm
// CHECK-NEXT: edge.layer_norm %arg0 scale %arg1 bias %arg2 {axis = 1 : i64, {{.*}}rms = false} : (tensor<2x3x4xf32>, tensor<1x3x4xf32>, tensor<3x4xf32>) -> tensor<2x3x4xf32>
// CHECK-NEXT: return
func.func @exported_layer_norm(%x: tensor<2x3x4xf32>, %w: tensor<1x3x4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %two = edge.constant dense<2.0> : tensor<f32>
  %eps = edge.constant dense<1.0e-6> : tensor<1xf32>
  %0 = edge.reduce_mean %x {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %1 = edge.sub %x, %0 : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
  %2 = edge.pow %1, %two : (tensor<2x3x4xf32>, tensor<f32>) -> tensor<2x3x4xf32>
  %3 = edge.reduce_mean %2 {axes = array<i64: 1, 2>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %4 = edge.add %eps, %3 : (tensor<1xf32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %5 = edge.sqrt %4 : tensor<2x1x1xf32>
  %6 = edge.div %1, %5 : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
  %7 = edge.mul %w, %6 : (tensor<1x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %8 = edge.add %b, %7 : (tensor<3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %8 : tensor<2x3x4xf32>
}

// -----

// An exported RMSNorm module without weight: x * (1 / sqrt(mean(x^2) + eps)).
// CHECK-LABEL: func.func @exported_rms_no_scale
// CHECK-NEXT: edge.layer_norm %arg0 {axis = 1 : i64, {{.*}}rms = true} : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: return
func.func @exported_rms_no_scale(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %one = edge.constant dense<1.0> : tensor<f32>
  %two = edge.constant dense<2.0> : tensor<f32>
  %eps = edge.constant dense<1.0e-6> : tensor<f32>
  %0 = edge.pow %x, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 1>, keepdims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %2 = edge.add %1, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %3 = edge.sqrt %2 : tensor<4x1xf32>
  %4 = edge.div %one, %3 : (tensor<f32>, tensor<4x1xf32>) -> tensor<4x1xf32>
  %5 = edge.mul %4, %x : (tensor<4x1xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %5 : tensor<4x16xf32>
}

// -----

// A bias Add that carries a fused Relu stays outside: the clamp is not the
// layer norm's.
// CHECK-LABEL: func.func @clamped_bias
// CHECK-NEXT: %[[N:.*]] = edge.layer_norm %arg0 scale %arg1 {axis = 1 : i64, {{.*}}rms = true}
// CHECK-NEXT: edge.add %[[N]], %arg2 {act_min
// CHECK-NEXT: return
func.func @clamped_bias(%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %eps = edge.constant dense<1.0e-6> : tensor<f32>
  %0 = edge.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 1>, keepdims = true} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %2 = edge.add %1, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = edge.sqrt %2 : tensor<2x1xf32>
  %4 = edge.div %x, %3 : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %5 = edge.mul %4, %w : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %6 = edge.add %5, %b {act_min = 0.0 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}
