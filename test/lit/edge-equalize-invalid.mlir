// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-equalize %s | FileCheck %s

// What must not be rescaled stays as it is.

// Relu6 between the layers (act_max): min(v / s, 6) is not min(v, 6) / s.
// CHECK-LABEL: func.func @relu6
// CHECK: dense<{{\[\[}}4.000000e+00, 1.000000e+00]]>
func.func @relu6(%a: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %b1 = edge.constant dense<[[4.0, 1.0]]> : tensor<1x2xf32>
  %b2 = edge.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %0 = edge.gemm %a, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false, act_min = 0.0 : f32, act_max = 6.0 : f32} : (tensor<1x1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %1 = edge.gemm %0, %b2 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}

// -----

// The first layer's output has another reader (here: a graph output).
// CHECK-LABEL: func.func @two_users
// CHECK: dense<{{\[\[}}4.000000e+00, 1.000000e+00]]>
func.func @two_users(%a: tensor<1x1xf32>) -> (tensor<1x1xf32>, tensor<1x2xf32>) {
  %b1 = edge.constant dense<[[4.0, 1.0]]> : tensor<1x2xf32>
  %b2 = edge.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %0 = edge.gemm %a, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %1 = edge.gemm %0, %b2 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %1, %0 : tensor<1x1xf32>, tensor<1x2xf32>
}

// -----

// A leaky clamp (act_min = -1) is not positively homogeneous either.
// CHECK-LABEL: func.func @negative_clamp
// CHECK: dense<{{\[\[}}4.000000e+00, 1.000000e+00]]>
func.func @negative_clamp(%a: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %b1 = edge.constant dense<[[4.0, 1.0]]> : tensor<1x2xf32>
  %b2 = edge.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %0 = edge.gemm %a, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false, act_min = -1.0 : f32} : (tensor<1x1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %1 = edge.gemm %0, %b2 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}
