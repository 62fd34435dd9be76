// RUN: not edgec-opt --edge-select-kernels --edge-plan-memory=strategy=first-fit %s 2>&1 | FileCheck %s --check-prefix=STRATEGY
// RUN: not edgec-opt --edge-plan-memory %s 2>&1 | FileCheck %s --check-prefix=NOKERNEL
// RUN: not edgec-opt --edge-verify-memory-plan %s 2>&1 | FileCheck %s --check-prefix=NOPLAN

// STRATEGY: error: unknown memory planning strategy 'first-fit' (expected greedy-by-size or linear)
// Scratch comes from the chosen kernels: planning without them is refused.
// NOKERNEL: error: 'edge.conv2d' has no edge.kernel: run edge-select-kernels before planning memory
// NOPLAN: error: no memory plan: run --edge-plan-memory first
func.func @conv(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = edge.constant dense<1.0> : tensor<8x4x3x3xf32>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
