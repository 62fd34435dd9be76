// RUN: edgec-opt --edge-quantize="bias-correction=true" %s | FileCheck %s
// RUN: edgec-opt --edge-quantize %s | FileCheck %s --check-prefix=PLAIN

// With the input's mean per channel (edge.channel_mean, from
// edge-calibrate{channel-means}), the bias absorbs the mean error of the int8
// weights: B[0] = 0.3 is 38 steps of 1/127 (0.29921), an error of -7.87e-4
// per unit of input; at E[x0] = 2 the output is 1.575e-3 low on average, so
// the bias 0.5 becomes 0.501575: 8122 steps of s_in * s_w = (2/255)(1/127)
// instead of 8096. B[1] = 1 is exact and its mean (5) adds nothing.
// CHECK-LABEL: func.func @gemm
// CHECK: edge.constant dense<8122> : tensor<1xi32>
// CHECK-NOT: edge.channel_mean
// PLAIN: edge.constant dense<8096> : tensor<1xi32>
func.func @gemm(%x: tensor<1x2xf32> {edge.range = array<f32: 0.0, 2.0>}) -> tensor<1x1xf32> {
  %b = edge.constant dense<[[0.3], [1.0]]> : tensor<2x1xf32>
  %c = edge.constant dense<[0.5]> : tensor<1xf32>
  %y = edge.gemm %x, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false, edge.channel_mean = array<f64: 2.0, 5.0>, edge.range = array<f32: 0.0, 8.0>} : (tensor<1x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
