// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-schedule-memory --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-schedule-memory=state-limit=1 --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=GREEDY
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory %s | FileCheck %s --check-prefix=SOURCE

// Two branches written interleaved (as some exporters do): both wide
// buffers live at once, 4352 B. Finishing one branch before starting the
// other needs 2560 B, and no order needs less (exhaustive search). The
// weights move to the top; the plan meets the new bound.
// CHECK-LABEL: func.func @interleaved
// CHECK-SAME: edge.arena_lower_bound = 2560 : i64, edge.arena_size = 2560 : i64
// CHECK-SAME: edge.schedule = "exact", edge.schedule_source_bound = 4352 : i64
// CHECK-COUNT-4: edge.constant
// CHECK-NEXT: %[[A1:.*]] = edge.conv2d %arg0, %[[WA:[0-9]+]]
// CHECK-NEXT: %[[RA:.*]] = edge.relu %[[A1]]
// CHECK-NEXT: %[[A2:.*]] = edge.conv2d %[[RA]]
// CHECK-NEXT: %[[B1:.*]] = edge.conv2d %arg0
// CHECK-NEXT: %[[RB:.*]] = edge.relu %[[B1]]
// CHECK-NEXT: %[[B2:.*]] = edge.conv2d %[[RB]]
// CHECK-NEXT: edge.concat %[[A2]], %[[B2]]
// Past the state limit the part takes the greedy order, here the same.
// GREEDY-LABEL: func.func @interleaved
// GREEDY-SAME: edge.arena_lower_bound = 2560 : i64
// GREEDY-SAME: edge.schedule = "greedy", edge.schedule_source_bound = 4352 : i64
// SOURCE-LABEL: func.func @interleaved
// SOURCE-SAME: edge.arena_lower_bound = 4352 : i64
func.func @interleaved(%x: tensor<1x1x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %wa = edge.constant dense<0.5> : tensor<8x1x1x1xf32>
  %a1 = edge.conv2d %x, %wa {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x8x8xf32>
  %wb = edge.constant dense<-0.5> : tensor<8x1x1x1xf32>
  %b1 = edge.conv2d %x, %wb {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x8x8xf32>
  %ra = edge.relu %a1 : tensor<1x8x8x8xf32>
  %rb = edge.relu %b1 : tensor<1x8x8x8xf32>
  %va = edge.constant dense<0.25> : tensor<1x8x1x1xf32>
  %a2 = edge.conv2d %ra, %va {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x8x8xf32>
  %vb = edge.constant dense<0.75> : tensor<1x8x1x1xf32>
  %b2 = edge.conv2d %rb, %vb {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x8x8xf32>
  %y = edge.concat %a2, %b2 {axis = 1 : i64} : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x2x8x8xf32>
  return %y : tensor<1x2x8x8xf32>
}

// -----

// A residual block whose order is already best: nothing moves (the weight
// stays where it was), and the bound is the source order's.
// CHECK-LABEL: func.func @residual
// CHECK-SAME: edge.arena_lower_bound = [[B:[0-9]+]] : i64
// CHECK-SAME: edge.schedule = "exact", edge.schedule_source_bound = [[B]] : i64
// CHECK-NEXT: %[[R:.*]] = edge.relu %arg0
// CHECK-NEXT: edge.constant
// CHECK-NEXT: %[[C:.*]] = edge.conv2d %[[R]]
// CHECK-NEXT: %[[S:.*]] = edge.sigmoid %[[C]]
// CHECK-NEXT: edge.add %[[R]], %[[S]]
func.func @residual(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %r = edge.relu %x : tensor<1x4x8x8xf32>
  %w = edge.constant dense<0.5> : tensor<4x4x3x3xf32>
  %c = edge.conv2d %r, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %s = edge.sigmoid %c : tensor<1x4x8x8xf32>
  %y = edge.add %r, %s : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
