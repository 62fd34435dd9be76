// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-fuse-hard-swish %s | FileCheck %s

// Near misses stay as they are: each differs from hard-swish somewhere.

// A shift of 2.5, not 3.
// CHECK-LABEL: func.func @wrong_shift
// CHECK-NOT: edge.hard_swish
// CHECK: edge.div
func.func @wrong_shift(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = edge.constant dense<2.5> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  %2 = edge.mul %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = edge.div %2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// The gate multiplies another tensor than the one it was computed from.
// CHECK-LABEL: func.func @other_tensor
// CHECK-NOT: edge.hard_swish
func.func @other_tensor(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %three = edge.constant dense<3.0> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  %2 = edge.mul %y, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = edge.div %2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// An intermediate is also an output: fusing would drop it.
// CHECK-LABEL: func.func @shared_intermediate
// CHECK-NOT: edge.hard_swish
func.func @shared_intermediate(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %three = edge.constant dense<3.0> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  %2 = edge.mul %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = edge.div %2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %3, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// A per-element "3" that is not one value, and a clip to 5.
// CHECK-LABEL: func.func @not_splat
// CHECK-NOT: edge.hard_swish
func.func @not_splat(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %c = edge.constant dense<[3.0, 2.0]> : tensor<2xf32>
  %three = edge.constant dense<3.0> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2xf32>
  %2 = edge.mul %x, %1 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %3 = edge.div %2, %six : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %4 = edge.add %x, %three : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %5 = edge.clip %4 {min = 0.0 : f32, max = 5.0 : f32} : tensor<2xf32>
  %6 = edge.mul %x, %5 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %7 = edge.div %6, %six : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %3, %7 : tensor<2xf32>, tensor<2xf32>
}

// -----

// The "3" broadcasts x to a larger shape: the result is not hard_swish(x).
// CHECK-LABEL: func.func @broadcasting
// CHECK-NOT: edge.hard_swish
func.func @broadcasting(%x: tensor<1x2xf32>) -> tensor<3x2xf32> {
  %three = edge.constant dense<3.0> : tensor<3x1xf32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %three : (tensor<1x2xf32>, tensor<3x1xf32>) -> tensor<3x2xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<3x2xf32>
  %2 = edge.mul %x, %1 : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %3 = edge.div %2, %six : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  return %3 : tensor<3x2xf32>
}
