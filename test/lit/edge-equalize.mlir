// RUN: edgec-opt --split-input-file --edge-equalize %s | FileCheck %s

// Output channel i of the first conv is divided by s_i = sqrt(r1_i / r2_i)
// and input channel i of the second multiplied by it: W1 = [4, 1], W2 =
// [1, 4] give s = [2, 0.5], so both become [2, 2] and the bias [2, 1]
// becomes [1, 2]. ReLU (act_min = 0) and a max pool in between commute.
// CHECK-LABEL: func.func @conv_pool_conv
// CHECK: %[[W1:.*]] = edge.constant dense<2.000000e+00> : tensor<2x1x1x1xf32>
// CHECK: %[[B1:.*]] = edge.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: edge.conv2d %arg0, %[[W1]], %[[B1]]
// CHECK: %[[W2:.*]] = edge.constant dense<2.000000e+00> : tensor<1x2x1x1xf32>
// CHECK: edge.conv2d %{{.*}}, %[[W2]]
func.func @conv_pool_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w1 = edge.constant dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = edge.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %w2 = edge.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %0 = edge.conv2d %x, %w1, %b1 {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, act_min = 0.0 : f32} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = edge.max_pool2d %0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %2 = edge.conv2d %1, %w2 {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %2 : tensor<1x1x2x2xf32>
}

// -----

// Gemm to gemm (B as [K, N], then [N, K] with transB).
// CHECK-LABEL: func.func @gemm_gemm
// CHECK: edge.constant dense<2.000000e+00> : tensor<1x2xf32>
// CHECK: edge.gemm
// CHECK: edge.constant dense<2.000000e+00> : tensor<1x2xf32>
// CHECK: edge.gemm
func.func @gemm_gemm(%a: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %b1 = edge.constant dense<[[4.0, 1.0]]> : tensor<1x2xf32>
  %b2 = edge.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %0 = edge.gemm %a, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %1 = edge.gemm %0, %b2 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}
