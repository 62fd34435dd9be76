// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory=strategy=linear %s | FileCheck %s --check-prefix=LINEAR

// A chain of three layers: the first buffer is dead once the second is
// written, so only two are ever live; the last result goes straight into the
// caller's output buffer and takes no arena space. (Transposes: a copy that
// never runs in place; edge-plan-memory-in-place.mlir has the layers that do.)
// CHECK-LABEL: func.func @chain
// CHECK-SAME: edge.arena_lower_bound = 128 : i64, edge.arena_size = 128 : i64, edge.planner = "greedy-by-size"
// CHECK: edge.transpose %arg0 {{[{].*}}edge.offset = 0 : i64
// CHECK: edge.transpose %{{.*}} {{[{].*}}edge.offset = 64 : i64
// CHECK: edge.transpose %{{.*}} {{[{]}}edge.kernel = {{[^,]*, [^,]*, [^,]*, scratch = 0>}}, perm
// LINEAR-LABEL: func.func @chain
// LINEAR-SAME: edge.arena_size = 128 : i64
func.func @chain(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.transpose %arg0 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  %1 = edge.transpose %0 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  %2 = edge.transpose %1 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  return %2 : tensor<16xf32>
}

// -----

// Buffers are reused once dead: a and c share offset 0 (greedy), the linear
// strategy gives every buffer its own bytes.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: edge.arena_size = 128 : i64
// CHECK: %[[A:.*]] = edge.transpose %arg0 {{[{].*}}edge.offset = 0 : i64
// CHECK: %[[B:.*]] = edge.transpose %[[A]] {{[{].*}}edge.offset = 64 : i64
// CHECK: %[[C:.*]] = edge.transpose %[[B]] {{[{].*}}edge.offset = 0 : i64
// LINEAR-LABEL: func.func @reuse
// LINEAR-SAME: edge.arena_size = 192 : i64
func.func @reuse(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.transpose %arg0 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  %1 = edge.transpose %0 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  %2 = edge.transpose %1 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  %3 = edge.transpose %2 {perm = array<i64: 0>} : (tensor<16xf32>) -> tensor<16xf32>
  return %3 : tensor<16xf32>
}

// -----

// A reshape is a view: it gets no buffer, and it keeps its operand alive
// until the view's last reader.
// CHECK-LABEL: func.func @view
// CHECK-SAME: edge.arena_lower_bound = 128 : i64, edge.arena_size = 128 : i64
// CHECK: %[[A:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// CHECK: edge.reshape %[[A]] : (tensor<16xf32>) -> tensor<4x4xf32>
// CHECK: edge.relu %[[A]] {{[{].*}}edge.offset = 64 : i64}
func.func @view(%arg0: tensor<16xf32>) -> tensor<4x4xf32> {
  %0 = edge.relu %arg0 : tensor<16xf32>
  %1 = edge.reshape %0 : (tensor<16xf32>) -> tensor<4x4xf32>
  %2 = edge.relu %0 : tensor<16xf32>
  %3 = edge.reshape %2 : (tensor<16xf32>) -> tensor<4x4xf32>
  %4 = edge.add %1, %3 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %4 : tensor<4x4xf32>
}

// -----

// A general convolution needs im2col scratch while it runs: Cg * kh * kw *
// tile floats = 2 * 3 * 3 * 32 * 4 bytes.
// CHECK-LABEL: func.func @scratch
// CHECK: edge.conv2d {{.*}}edge.offset = 2304 : i64, edge.scratch_offset = 0 : i64
func.func @scratch(%arg0: tensor<1x2x6x6xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  %0 = edge.conv2d %arg0, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  %1 = edge.relu %0 : tensor<1x3x6x6xf32>
  return %1 : tensor<1x3x6x6xf32>
}

// -----

// int8 tensors take one byte per element (sizes rounded to 16).
// CHECK-LABEL: func.func @int8
// CHECK-SAME: edge.arena_size = 32 : i64
// CHECK: edge.transpose %arg0 {{[{].*}}edge.offset = 0 : i64
// CHECK: edge.transpose %{{.*}} {{[{].*}}edge.offset = 16 : i64
func.func @int8(%arg0: tensor<4x4xi8>) -> tensor<4x4xi8> {
  %0 = edge.transpose %arg0 {perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  %1 = edge.transpose %0 {perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  %2 = edge.transpose %1 {perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  return %2 : tensor<4x4xi8>
}
