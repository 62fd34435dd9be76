// RUN: edgec-opt --split-input-file --edge-fold-batch-norm %s | FileCheck %s

// s = scale / sqrt(var + eps) = [2, 0.5]; t = bias - mean * s = [1 - 2, 0 - 0.5].
// W' = W * s per output channel, b' = b * s + t.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = edge.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}5.000000e-01]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = edge.constant dense<[1.000000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK: edge.conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, edge.fused = ["bn"], group = 1 : i64
// CHECK-NOT: edge.batch_norm
func.func @conv(%arg0: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = edge.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = edge.constant dense<[1.0, 6.0]> : tensor<2xf32>
  %scale = edge.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = edge.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = edge.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %var = edge.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = edge.conv2d %arg0, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = edge.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("bn")
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// Gemm: channels are result columns. B is [N, K] with transB, so rows scale;
// the bias becomes C' = C * s + t with beta = 1.
// CHECK-LABEL: func.func @gemm
// CHECK-DAG: %[[B:.*]] = edge.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00], [5.000000e-01, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = edge.constant dense<[3.000000e+00, -5.000000e-01]> : tensor<2xf32>
// CHECK: edge.gemm %arg0, %[[B]], %[[C]] {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, edge.fused = ["bn"], transA = false, transB = true}
// CHECK-NOT: edge.batch_norm
func.func @gemm(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = edge.constant dense<1.0> : tensor<2x2xf32>
  %c = edge.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %scale = edge.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %bias = edge.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = edge.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %var = edge.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %0 = edge.gemm %arg0, %w, %c {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = edge.batch_norm %0, %scale, %bias, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("bn")
  return %1 : tensor<1x2xf32>
}

// -----

// The convolution's result is also returned: folding would change it, so the
// batch norm stays.
// CHECK-LABEL: func.func @shared_producer
// CHECK: edge.conv2d
// CHECK: edge.batch_norm
func.func @shared_producer(%arg0: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = edge.constant dense<2.0> : tensor<1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = edge.batch_norm %0, %s, %s, %s, %s {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %0, %1 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Statistics that are not constants (here: a graph input) cannot be folded;
// neither can a batch norm after a clamp (Relu between Conv and BN).
// CHECK-LABEL: func.func @not_foldable
// CHECK: edge.batch_norm
// CHECK: edge.batch_norm
func.func @not_foldable(%arg0: tensor<1x1x2x2xf32>, %mean: tensor<1xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %s = edge.constant dense<2.0> : tensor<1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = edge.batch_norm %0, %s, %s, %mean, %s {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %2 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, act_min = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %3 = edge.batch_norm %2, %s, %s, %s, %s {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %1, %3 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}
