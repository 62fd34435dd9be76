// RUN: /usr/bin/python3 -c "import numpy as np; x = np.zeros((2, 1, 2, 2, 2), np.float32); x[:, 0, 0] = 1; x[0, 0, 1] = 3; x[1, 0, 1] = 5; np.save('%t.npy', x)"
// RUN: edgec-opt --pass-pipeline='builtin.module(func.func(edge-calibrate{samples=%t.npy channel-means=true}))' %s | FileCheck %s
// RUN: edgec-opt --pass-pipeline='builtin.module(func.func(edge-calibrate{samples=%t.npy}))' %s | FileCheck %s --check-prefix=PLAIN

// channel-means: each conv2d and gemm gets the mean of its input per channel
// over the samples (NCHW axis 1; a gemm's K columns): channel 0 is 1, channel
// 1 is 3 in one sample and 5 in the other; the gemm reads the flattened
// [1, 8] view, column by column.
// CHECK-LABEL: func.func @conv_gemm
// CHECK: edge.conv2d {{.*}}edge.channel_mean = array<f64: 1.000000e+00, 4.000000e+00>
// CHECK: edge.gemm {{.*}}edge.channel_mean = array<f64: 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00>
// PLAIN-NOT: edge.channel_mean
func.func @conv_gemm(%x: tensor<1x2x2x2xf32>) -> tensor<1x1xf32> {
  %w = edge.constant dense<1.0> : tensor<1x2x1x1xf32>
  %c = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  %f = edge.reshape %x : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %b = edge.constant dense<1.0> : tensor<8x1xf32>
  %g = edge.gemm %f, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x8xf32>, tensor<8x1xf32>) -> tensor<1x1xf32>
  return %g : tensor<1x1xf32>
}
