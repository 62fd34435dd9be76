// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-stream-rows %s | FileCheck %s --check-prefix=MARK
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-stream-rows --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=PLAN
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-stream-rows=rows=3 --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=ROWS3
// RUN: edgec-opt --edge-select-kernels --edge-stream-rows --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=PORTABLE

// A residual block with the SMLAD kernel: the two 3x3 convolutions and the
// add run one row of the add at a time. The first convolution keeps three
// rows (the second's window), the second one row; neither output exists
// whole, and the add writes over the block's input (%0), which the first
// convolution reads for the last time one row ahead of it.
// MARK-LABEL: func.func @residual
// MARK: %[[A:.*]] = edge.conv2d %arg0
// MARK-NOT: edge.streamed
// MARK: %[[B:.*]] = edge.conv2d %[[A]], {{.*}}edge.streamed
// MARK: %[[C:.*]] = edge.conv2d %[[B]], {{.*}}edge.streamed
// MARK: edge.add %[[C]], %[[A]] {{.*}}edge.stream_rows = 1 : i64
// MARK-NOT: edge.stream

// The scratch is the columns (2 x 2 x 72 B) then the bands, 3 x 8 x 8 B and
// 1 x 8 x 8 B: 544 B, beside the block's input (512 B), which the add takes
// over. Without the stream the second convolution's input and output and
// the block's input would be live at once.
// PLAN-LABEL: func.func @residual
// PLAN-SAME: edge.arena_lower_bound = 1056 : i64, edge.arena_size = 1056 : i64
// PLAN: %[[A:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 544 : i64
// PLAN: edge.conv2d %[[A]], {{.*}}edge.streamed
// PLAN-NOT: edge.offset
// PLAN: edge.add {{.*}}edge.offset = 544 : i64, edge.scratch_offset = 0 : i64, edge.stream_rows = 1 : i64

// Three rows per step: bands of 5 and 3 rows (320 B and 192 B).
// ROWS3-LABEL: func.func @residual
// ROWS3-SAME: edge.arena_lower_bound = 1312 : i64, edge.arena_size = 1312 : i64
// ROWS3: edge.add {{.*}}edge.stream_rows = 3 : i64

// The portable kernel computes one output channel over all pixels: no stream.
// PORTABLE-LABEL: func.func @residual
// PORTABLE-NOT: edge.stream
func.func @residual(%arg0: tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %wp = edge.constant dense<1> : tensor<8x8x1x1xi8> as tensor<8x8x1x1x!quant.uniform<i8:f32, 0.01>>
  %wc = edge.constant dense<1> : tensor<8x8x3x3xi8> as tensor<8x8x3x3x!quant.uniform<i8:f32, 0.01>>
  %wo = edge.constant dense<1> : tensor<4x8x1x1xi8> as tensor<4x8x1x1x!quant.uniform<i8:f32, 0.01>>
  %0 = edge.conv2d %arg0, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x8x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = edge.conv2d %0, %wc {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x8x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %2 = edge.conv2d %1, %wc {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x8x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %3 = edge.add %2, %0 : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %4 = edge.conv2d %3, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x8x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %4 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
}
