// RUN: edgec-opt --split-input-file --edge-fuse-hard-swish --mlir-print-debuginfo %s | FileCheck %s

// x * clip(x + 3, 0, 6) / 6, as TF and older exporters write hard-swish: one
// op at the Div's location, the other nodes in its edge.fused list.
// CHECK-LABEL: func.func @div_form
// CHECK-NEXT: %[[Y:.*]] = edge.hard_swish %arg0 {edge.fused = ["add", "relu6", "mul"]} : tensor<1x4xf32> loc(#[[DIV:loc[0-9]+]])
// CHECK-NEXT: return %[[Y]]
// CHECK: #[[DIV]] = loc("div")
func.func @div_form(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %three = edge.constant dense<3.0> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<1xf32>
  %0 = edge.add %x, %three : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32> loc("add")
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x4xf32> loc("relu6")
  %2 = edge.mul %x, %1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("mul")
  %3 = edge.div %2, %six : (tensor<1x4xf32>, tensor<1xf32>) -> tensor<1x4xf32> loc("div")
  return %3 : tensor<1x4xf32>
}

// -----

// The constants on the other side, the gate first in the Mul, and * 1/6
// instead of / 6.
// CHECK-LABEL: func.func @mul_form
// CHECK-NEXT: edge.hard_swish %arg0
// CHECK-NEXT: return
func.func @mul_form(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %three = edge.constant dense<3.0> : tensor<1x1xf32>
  %sixth = edge.constant dense<0.166666672> : tensor<f32>
  %0 = edge.add %three, %x : (tensor<1x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  %2 = edge.mul %1, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %3 = edge.mul %sixth, %2 : (tensor<f32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// x * (clip(x + 3, 0, 6) / 6): the scaling before the product.
// CHECK-LABEL: func.func @gate_form
// CHECK-NEXT: edge.hard_swish %arg0 {edge.fused = ["add", "relu6", "div"]}
// CHECK-NEXT: return
func.func @gate_form(%x: tensor<4xf32>) -> tensor<4xf32> {
  %three = edge.constant dense<3.0> : tensor<f32>
  %six = edge.constant dense<6.0> : tensor<f32>
  %0 = edge.add %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("add")
  %1 = edge.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32> loc("relu6")
  %2 = edge.div %1, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32> loc("div")
  %3 = edge.mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("mul")
  return %3 : tensor<4xf32>
}
