// RUN: edgec-opt --split-input-file --edge-fuse-activation %s | FileCheck %s

// Relu after a convolution becomes its lower clamp; the node name is kept.
// CHECK-LABEL: func.func @conv_relu
// CHECK: edge.conv2d {{.*}}act_min = 0.000000e+00 : f32{{.*}}edge.fused = ["relu"]
// CHECK-NOT: edge.relu
func.func @conv_relu(%arg0: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %1 = edge.relu %0 : tensor<1x1x2x2xf32> loc("relu")
  return %1 : tensor<1x1x2x2xf32>
}

// -----

// Clip (Relu6) after Gemm, then a second Clip: the bounds intersect.
// CHECK-LABEL: func.func @gemm_clip_clip
// CHECK: edge.gemm {{.*}}act_max = 4.000000e+00 : f32, act_min = 1.000000e+00 : f32{{.*}}edge.fused = ["relu6", "clip"]
// CHECK-NOT: edge.clip
func.func @gemm_clip_clip(%a: tensor<1x4xf32>, %b: tensor<4x2xf32>) -> tensor<1x2xf32> {
  %0 = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2xf32> loc("relu6")
  %2 = edge.clip %1 {min = 1.0 : f32, max = 4.0 : f32} : tensor<1x2xf32> loc("clip")
  return %2 : tensor<1x2xf32>
}

// -----

// A residual Add followed by Relu fuses; a MatMul too.
// CHECK-LABEL: func.func @add_matmul
// CHECK: edge.add {{.*}}act_min = 0.000000e+00 : f32
// CHECK: edge.matmul {{.*}}act_min = 0.000000e+00 : f32
// CHECK-NOT: edge.relu
func.func @add_matmul(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = edge.add %a, %b : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = edge.relu %0 : tensor<2x2xf32>
  %2 = edge.matmul %1, %b : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %3 = edge.relu %2 : tensor<2x2xf32>
  return %3 : tensor<2x2xf32>
}

// -----

// Not fused: the producer's result has a second user; the producer is a pool
// (no clamp in its kernel); the activation is LeakyRelu.
// CHECK-LABEL: func.func @not_fused
// CHECK: edge.relu
// CHECK: edge.relu
// CHECK: edge.leaky_relu
func.func @not_fused(%a: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>) {
  %0 = edge.add %a, %a : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %1 = edge.relu %0 : tensor<1x1x2x2xf32>
  %2 = edge.max_pool2d %a {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %3 = edge.relu %2 : tensor<1x1x1x1xf32>
  %4 = edge.mul %a, %a : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %5 = edge.leaky_relu %4 {alpha = 0.1 : f32} : tensor<1x1x2x2xf32>
  return %0, %1, %3, %5 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>
}

// -----

// An integer Add has no clamp: nothing to fuse (Relu is float-only anyway).
// CHECK-LABEL: func.func @int8_add
// CHECK: edge.add %arg0, %arg0 : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
func.func @int8_add(%arg0: tensor<4xi8>) -> tensor<4xi8> {
  %0 = edge.add %arg0, %arg0 : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
