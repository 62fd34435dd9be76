// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-schedule-memory --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory=strategy=linear --edge-verify-memory-plan %s | FileCheck %s --check-prefix=LINEAR

// A concatenation along channels of one image whose inputs are layers' own
// results: each layer writes its result straight into its slice of the
// concatenation, which takes no buffer and copies nothing. The slices are
// adjacent (the second right after the first's 1024 bytes) and live from
// their own layer to the concatenation's last reader; the concatenation is
// read at its first slice's offset.
// CHECK-LABEL: func.func @fire
// CHECK-SAME: edge.arena_lower_bound = 2048 : i64, edge.arena_size = 2048 : i64
// CHECK: %[[A:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 0 : i64
// CHECK: %[[B:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 1024 : i64
// CHECK: %[[C:.*]] = edge.concat %[[A]], %[[B]] {axis = 1 : i64, {{.*}}edge.offset = 0 : i64
// LINEAR-LABEL: func.func @fire
// LINEAR: edge.conv2d %arg0, {{.*}}edge.offset = 0 : i64
// LINEAR: edge.conv2d %arg0, {{.*}}edge.offset = 1024 : i64
// LINEAR: edge.concat {{.*}}edge.offset = 0 : i64
func.func @fire(%arg0: tensor<1x4x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %w = edge.constant dense<1.0> : tensor<4x4x1x1xf32>
  %wo = edge.constant dense<1.0> : tensor<2x8x1x1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %2 = edge.concat %0, %1 {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %3 = edge.conv2d %2, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<2x8x1x1xf32>) -> tensor<1x2x8x8xf32>
  return %3 : tensor<1x2x8x8xf32>
}

// -----

// A slice's bytes hold the concatenation until its last reader, and a slice
// is never written over in place: the relu, the last to read the second
// slice, writes elsewhere (over the first slice, which the concatenation's
// reader has read by then).
// CHECK-LABEL: func.func @read_twice
// CHECK: %[[A:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 0 : i64
// CHECK: %[[B:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 1024 : i64
// CHECK: %[[C:.*]] = edge.concat %[[A]], %[[B]] {axis = 1 : i64, {{.*}}edge.offset = 0 : i64
// CHECK: edge.relu %[[B]] {{.*}}edge.offset = 0 : i64
func.func @read_twice(%arg0: tensor<1x4x8x8xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) {
  %w = edge.constant dense<1.0> : tensor<4x4x1x1xf32>
  %wo = edge.constant dense<1.0> : tensor<2x8x1x1xf32>
  %wr = edge.constant dense<1.0> : tensor<2x4x1x1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %2 = edge.concat %0, %1 {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %3 = edge.relu %1 : tensor<1x4x8x8xf32>
  %4 = edge.conv2d %2, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<2x8x1x1xf32>) -> tensor<1x2x8x8xf32>
  %5 = edge.conv2d %3, %wr {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x8x8xf32>
  return %4, %5 : tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>
}

// -----

// Copied instead: a graph input is no layer's result (its bytes are the
// caller's), and a first input of 36 bytes would leave the second slice
// unaligned.
// CHECK-LABEL: func.func @copies
// CHECK: %[[P:.*]] = edge.conv2d %arg0, {{.*}}edge.offset = 2048 : i64
// CHECK: edge.concat %arg0, %[[P]] {axis = 1 : i64, edge.kernel = #edge.kernel<"concat"{{.*}}edge.offset = 0 : i64
// CHECK: %[[Q:.*]] = edge.conv2d %arg1, {{.*}}edge.offset = 80 : i64
// CHECK: %[[R:.*]] = edge.conv2d %arg1, {{.*}}edge.offset = 128 : i64
// CHECK: edge.concat %[[Q]], %[[R]] {axis = 1 : i64, edge.kernel = #edge.kernel<"concat"{{.*}}edge.offset = 0 : i64
func.func @copies(%arg0: tensor<1x4x8x8xf32>, %arg1: tensor<1x1x3x3xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x3x3xf32>) {
  %w = edge.constant dense<1.0> : tensor<4x4x1x1xf32>
  %w1 = edge.constant dense<1.0> : tensor<1x1x1x1xf32>
  %wo = edge.constant dense<1.0> : tensor<2x8x1x1xf32>
  %wq = edge.constant dense<1.0> : tensor<2x2x1x1xf32>
  %0 = edge.conv2d %arg0, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = edge.concat %arg0, %0 {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %2 = edge.conv2d %1, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<2x8x1x1xf32>) -> tensor<1x2x8x8xf32>
  %3 = edge.conv2d %arg1, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %4 = edge.conv2d %arg1, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %5 = edge.concat %3, %4 {axis = 1 : i64} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  %6 = edge.conv2d %5, %wq {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %2, %6 : tensor<1x2x8x8xf32>, tensor<1x2x3x3xf32>
}

// -----

// Where the slices, each live from its own layer on and side by side, make
// the arena larger than the copy does, the plan copies the concatenation
// (edge.concat_copies): here the first 3x3 layer's and the last one's
// scratch cannot sit in the second slice's place while it waits.
// CHECK-LABEL: func.func @three_way
// CHECK-SAME: edge.arena_lower_bound = [[BOUND:[0-9]+]] : i64, edge.arena_size = [[BOUND]] : i64
// CHECK: edge.concat {{.*}}edge.concat_copies
func.func @three_way(%arg0: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w3 = edge.constant dense<1.0> : tensor<4x4x3x3xf32>
  %w1 = edge.constant dense<1.0> : tensor<4x4x1x1xf32>
  %wo = edge.constant dense<1.0> : tensor<4x12x1x1xf32>
  %0 = edge.conv2d %arg0, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = edge.conv2d %arg0, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %2 = edge.conv2d %arg0, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %3 = edge.concat %0, %1, %2 {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x12x8x8xf32>
  %4 = edge.conv2d %3, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x12x8x8xf32>, tensor<4x12x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %4 : tensor<1x4x8x8xf32>
}
