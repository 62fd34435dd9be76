// RUN: not edgec-opt --edge-schedule-memory %s 2>&1 | FileCheck %s --check-prefix=NOKERNEL
// RUN: not edgec-opt --edge-select-kernels --edge-schedule-memory=alignment=12 %s 2>&1 | FileCheck %s --check-prefix=ALIGN
// RUN: not edgec-opt --edge-select-kernels --edge-schedule-memory=state-limit=0 %s 2>&1 | FileCheck %s --check-prefix=LIMIT

// The order is chosen on the kernels' scratch and in-place operands:
// scheduling without them is refused.
// NOKERNEL: error: 'edge.conv2d' has no edge.kernel: run edge-select-kernels before scheduling
// ALIGN: error: edge-schedule-memory: alignment must be a power of two from 8 to 4096, not 12
// LIMIT: error: edge-schedule-memory: state-limit must be at least 1, not 0
func.func @conv(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = edge.constant dense<1.0> : tensor<8x4x3x3xf32>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}
