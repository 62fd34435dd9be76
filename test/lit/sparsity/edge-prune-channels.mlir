// RUN: edgec-opt --split-input-file --edge-prune-channels %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-prune-channels %s | FileCheck %s --check-prefix=W

// Output channel 1 of the first conv has a zero filter and bias and a Relu
// clamp: it is removed from the producer and from the reader's input channels.
// CHECK-LABEL: func.func @zero_filter
// W-LABEL: func.func @zero_filter
// W: edge.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// W: edge.constant dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>
// W: edge.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: edge.conv2d %arg0, %{{.*}}, %{{.*}} {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: edge.conv2d %{{.*}}, %{{.*}} {{.*}} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
func.func @zero_filter(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w0 = edge.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %b0 = edge.constant dense<[0.5, 0.0, -1.0]> : tensor<3xf32>
  %w1 = edge.constant dense<[[[[1.0]], [[3.0]], [[2.0]]]]> : tensor<1x3x1x1xf32>
  %0 = edge.conv2d %arg0, %w0, %b0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, act_min = 0.0 : f32} : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %1 = edge.conv2d %0, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %1 : tensor<1x1x4x4xf32>
}

// -----

// A non-zero channel no reader uses (the reader's weights for input 0 are
// all zero) goes too, through a max pool and a depthwise conv; the depthwise
// layer loses the channel as well.
// CHECK-LABEL: func.func @unread_through_depthwise
// W-LABEL: func.func @unread_through_depthwise
// W: edge.constant dense<2.000000e+00> : tensor<1x1x1x1xf32>
// W: edge.constant dense<7.000000e+00> : tensor<1x1x1x1xf32>
// W: edge.constant dense<3.000000e+00> : tensor<1x1x1x1xf32>
// CHECK: edge.conv2d %arg0, {{.*}} -> tensor<1x1x4x4xf32>
// CHECK: edge.max_pool2d {{.*}} -> tensor<1x1x2x2xf32>
// CHECK: edge.conv2d {{.*}}group = 1 : i64{{.*}} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
// CHECK: edge.conv2d {{.*}} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
func.func @unread_through_depthwise(%arg0: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w0 = edge.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %wd = edge.constant dense<[[[[5.0]]], [[[7.0]]]]> : tensor<2x1x1x1xf32>
  %w1 = edge.constant dense<[[[[0.0]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %0 = edge.conv2d %arg0, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = edge.max_pool2d %0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %2 = edge.conv2d %1, %wd {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %3 = edge.conv2d %2, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %3 : tensor<1x1x2x2xf32>
}

// -----

// Gemm chains: column 0 of the first gemm is zero (row 0 of B and C[0] = 0).
// CHECK-LABEL: func.func @gemm_chain
// W-LABEL: func.func @gemm_chain
// W: edge.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00]]> : tensor<1x2xf32>
// W: edge.constant dense<{{\[\[}}5.000000e+00], [7.000000e+00]]> : tensor<2x1xf32>
// CHECK: edge.gemm %arg0, {{.*}} -> tensor<1x1xf32>
// CHECK: edge.gemm {{.*}} : (tensor<1x1xf32>, tensor<2x1xf32>) -> tensor<1x2xf32>
func.func @gemm_chain(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %b0 = edge.constant dense<[[0.0, 0.0], [1.0, 2.0]]> : tensor<2x2xf32>
  %c0 = edge.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %b1 = edge.constant dense<[[4.0, 5.0], [6.0, 7.0]]> : tensor<2x2xf32>
  %0 = edge.gemm %arg0, %b0, %c0 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = edge.relu %0 : tensor<1x2xf32>
  %2 = edge.gemm %1, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %2 : tensor<1x2xf32>
}

// -----

// Not removed: a zero channel whose clamp does not keep 0 (Clip to [1, 6]),
// and a zero channel a graph output reads.
// CHECK-LABEL: func.func @kept
// CHECK: -> tensor<1x2x1x1xf32>
// CHECK: -> tensor<1x2x1x1xf32>
// CHECK: -> tensor<1x1x1x1xf32>
func.func @kept(%arg0: tensor<1x1x1x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x2x1x1xf32>) {
  %w0 = edge.constant dense<[[[[1.0]]], [[[0.0]]]]> : tensor<2x1x1x1xf32>
  %w1 = edge.constant dense<[[[[1.0]], [[1.0]]]]> : tensor<1x2x1x1xf32>
  %0 = edge.conv2d %arg0, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, act_min = 1.0 : f32, act_max = 6.0 : f32} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  %1 = edge.conv2d %arg0, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x1x1xf32>
  %2 = edge.conv2d %0, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %2, %1 : tensor<1x1x1x1xf32>, tensor<1x2x1x1xf32>
}

// -----

// A CNN head: channel 1 of the conv (zero filter, zero bias, Relu) goes
// through a max pool and a flatten into a fully-connected layer, which loses
// that channel's H x W = 2 columns of B (1x3x1x2 flattened to 1x6 -> 1x4).
// CHECK-LABEL: func.func @flatten_head
// W-LABEL: func.func @flatten_head
// W: edge.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00, 1.100000e+01, 1.200000e+01]]> : tensor<2x4xf32>
// CHECK: edge.conv2d {{.*}} -> tensor<1x2x2x4xf32>
// CHECK: edge.max_pool2d {{.*}} -> tensor<1x2x1x2xf32>
// CHECK: edge.reshape {{.*}} : (tensor<1x2x1x2xf32>) -> tensor<1x4xf32>
// CHECK: edge.gemm {{.*}} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
func.func @flatten_head(%arg0: tensor<1x1x2x4xf32>) -> tensor<1x2xf32> {
  %w0 = edge.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %b0 = edge.constant dense<[0.5, 0.0, -1.0]> : tensor<3xf32>
  %b1 = edge.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]> : tensor<2x6xf32>
  %0 = edge.conv2d %arg0, %w0, %b0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, act_min = 0.0 : f32} : (tensor<1x1x2x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x2x4xf32>
  %1 = edge.max_pool2d %0 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x3x2x4xf32>) -> tensor<1x3x1x2xf32>
  %2 = edge.reshape %1 : (tensor<1x3x1x2xf32>) -> tensor<1x6xf32>
  %3 = edge.gemm %2, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x6xf32>, tensor<2x6xf32>) -> tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}
