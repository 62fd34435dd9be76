// RUN: not edgec-opt --edge-stream-rows %s 2>&1 | FileCheck %s --check-prefix=NOKERNEL
// RUN: not edgec-opt --edge-select-kernels=family=arm-dsp --edge-stream-rows=rows=0 %s 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not edgec-opt --edge-select-kernels --edge-plan-memory --edge-verify-memory-plan %s 2>&1 | FileCheck %s --check-prefix=BROKEN

// Streams are chosen on the kernels: without them the pass refuses.
// NOKERNEL: error: 'edge.conv2d' has no edge.kernel: run edge-select-kernels before streaming
// ROWS: error: edge-stream-rows: rows must be at least 1, not 0
// A layer marked as streamed whose chain cannot stream (the portable kernel
// computes whole channels) is an error of the plan, not a silent fallback.
// BROKEN: error: memory plan: the layer is marked as streamed, but its chain cannot run a band of rows at a time
func.func @conv(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>> {
  %w = edge.constant dense<1> : tensor<4x4x3x3xi8> as tensor<4x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.streamed} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %z = edge.conv2d %y, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.stream_rows = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  return %z : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
}
