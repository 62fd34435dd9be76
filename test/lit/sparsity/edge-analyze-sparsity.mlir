// RUN: edgec-opt --edge-analyze-sparsity %s | FileCheck %s

// 2 output channels x 2 input channels x 2 taps (K = 4): channel 1's filter
// is all zero, input channel 0 is read by no filter, every group of four
// has at most 1 non-zero, and 1 of the 2 blocks is all zero.
// CHECK-LABEL: func.func @conv
// CHECK: edge.sparsity = {n_m = "1:4", nonzero = 1 : i64, total = 8 : i64, zero_blocks = 5.000000e-01 : f64, zero_in = 1 : i64, zero_out = 1 : i64}
// A dense gemm: no N:4 pattern.
// CHECK: edge.sparsity = {n_m = "", nonzero = 8 : i64, total = 8 : i64, zero_blocks = 0.000000e+00 : f64, zero_in = 0 : i64, zero_out = 0 : i64}
func.func @conv(%arg0: tensor<1x2x1x2xf32>, %arg1: tensor<1x4xf32>) -> (tensor<1x2x1x1xf32>, tensor<1x2xf32>) {
  %w = edge.constant dense<[[[[0.0, 0.0]], [[0.0, 5.0]]], [[[0.0, 0.0]], [[0.0, 0.0]]]]> : tensor<2x2x1x2xf32>
  %b = edge.constant dense<1.0> : tensor<2x4xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x1x2xf32>, tensor<2x2x1x2xf32>) -> tensor<1x2x1x1xf32>
  %1 = edge.gemm %arg1, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2x1x1xf32>, tensor<1x2xf32>
}
