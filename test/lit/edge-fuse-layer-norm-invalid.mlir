// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-fuse-layer-norm %s | FileCheck %s

// Near misses stay as they are: each differs from a layer / RMS norm somewhere.

// The mean is also an output (LayerNormalization's Mean): fusing would drop it.
// CHECK-LABEL: func.func @mean_read_outside
// CHECK-NOT: edge.layer_norm
func.func @mean_read_outside(%x: tensor<3x8xf32>) -> (tensor<3x8xf32>, tensor<3x1xf32>) {
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %0 = edge.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %1 = edge.sub %x, %0 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  %2 = edge.mul %1, %1 : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %3 = edge.reduce_mean %2 {axes = array<i64: 1>, keepdims = true} : (tensor<3x8xf32>) -> tensor<3x1xf32>
  %4 = edge.add %3, %eps : (tensor<3x1xf32>, tensor<f32>) -> tensor<3x1xf32>
  %5 = edge.sqrt %4 : tensor<3x1xf32>
  %6 = edge.div %1, %5 : (tensor<3x8xf32>, tensor<3x1xf32>) -> tensor<3x8xf32>
  return %6, %0 : tensor<3x8xf32>, tensor<3x1xf32>
}

// -----

// Statistics over a leading axis (a batch norm's), not the trailing ones.
// CHECK-LABEL: func.func @leading_axis
// CHECK-NOT: edge.layer_norm
func.func @leading_axis(%x: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %0 = edge.mul %x, %x : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 0>, keepdims = true} : (tensor<3x8xf32>) -> tensor<1x8xf32>
  %2 = edge.add %1, %eps : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %3 = edge.sqrt %2 : tensor<1x8xf32>
  %4 = edge.div %x, %3 : (tensor<3x8xf32>, tensor<1x8xf32>) -> tensor<3x8xf32>
  return %4 : tensor<3x8xf32>
}

// -----

// The numerator is another tensor than the one whose mean square is taken.
// CHECK-LABEL: func.func @other_numerator
// CHECK-NOT: edge.layer_norm
func.func @other_numerator(%x: tensor<2x8xf32>, %z: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %0 = edge.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 1>, keepdims = true} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %2 = edge.add %1, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = edge.sqrt %2 : tensor<2x1xf32>
  %4 = edge.div %z, %3 : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}

// -----

// Pow(x, 3), an epsilon that is not one value, and a square root missing.
// CHECK-LABEL: func.func @not_the_arithmetic
// CHECK-NOT: edge.layer_norm
func.func @not_the_arithmetic(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %three = edge.constant dense<3.0> : tensor<f32>
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %epsv = edge.constant dense<[[1.0e-5], [2.0e-5]]> : tensor<2x1xf32>
  %0 = edge.pow %x, %three : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 1>, keepdims = true} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %2 = edge.add %1, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = edge.sqrt %2 : tensor<2x1xf32>
  %4 = edge.div %x, %3 : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %5 = edge.mul %x, %x : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %6 = edge.reduce_mean %5 {axes = array<i64: 1>, keepdims = true} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %7 = edge.add %6, %epsv : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %8 = edge.sqrt %7 : tensor<2x1xf32>
  %9 = edge.div %x, %8 : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %10 = edge.mul %x, %x : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %11 = edge.reduce_mean %10 {axes = array<i64: 1>, keepdims = true} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %12 = edge.add %11, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %13 = edge.div %x, %12 : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  return %4, %9, %13 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A "scale" of one value per row is not a layer norm's scale: the norm
// fuses, the Mul stays.
// CHECK-LABEL: func.func @per_row_scale
// CHECK-NEXT: %[[N:.*]] = edge.layer_norm %arg0 {axis = 1 : i64
// CHECK-NEXT: edge.mul %[[N]], %arg1
// CHECK-NEXT: return
func.func @per_row_scale(%x: tensor<2x8xf32>, %s: tensor<2x1xf32>) -> tensor<2x8xf32> {
  %eps = edge.constant dense<1.0e-5> : tensor<f32>
  %0 = edge.mul %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = edge.reduce_mean %0 {axes = array<i64: 1>, keepdims = true} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %2 = edge.add %1, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = edge.sqrt %2 : tensor<2x1xf32>
  %4 = edge.div %x, %3 : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %5 = edge.mul %4, %s : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  return %5 : tensor<2x8xf32>
}
