// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s

// A plan the planner made always passes the checker.
// CHECK-LABEL: func.func @planned
// CHECK-SAME: edge.arena_size = 128 : i64
func.func @planned(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.relu %arg0 : tensor<16xf32>
  %1 = edge.relu %0 : tensor<16xf32>
  %2 = edge.add %0, %1 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return %2 : tensor<16xf32>
}

// -----

// Buffers whose lifetimes do not overlap may share bytes, also in int8.
// CHECK-LABEL: func.func @shared_i8
func.func @shared_i8(%arg0: tensor<16xi8>) -> tensor<16xi8> {
  %0 = edge.transpose %arg0 {perm = array<i64: 0>} : (tensor<16xi8>) -> tensor<16xi8>
  %1 = edge.transpose %0 {perm = array<i64: 0>} : (tensor<16xi8>) -> tensor<16xi8>
  %2 = edge.transpose %1 {perm = array<i64: 0>} : (tensor<16xi8>) -> tensor<16xi8>
  return %2 : tensor<16xi8>
}

// -----

// A result written over its dying input, which its kernel reads element by
// element first (unary_f32 runs in place), is accepted: the checker derives
// the allowance from the kernel table, not from the planner.
// CHECK-LABEL: func.func @in_place
func.func @in_place(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {edge.arena_size = 64 : i64} {
  %0 = edge.relu %arg0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 0 : i64} : tensor<16xf32>
  %1 = edge.relu %0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 0 : i64} : tensor<16xf32>
  %2 = edge.relu %1 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>} : tensor<16xf32>
  return %2 : tensor<16xf32>
}
