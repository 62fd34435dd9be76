// RUN: edgec-opt --split-input-file --edge-verify-memory-plan --verify-diagnostics %s

func.func @overlap(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {edge.arena_size = 128 : i64} {
  // expected-error@+1 {{memory plan: result of edge.relu and result of edge.relu: bytes [32, 64) are used by two buffers live at the same time}}
  %0 = edge.relu %arg0 {edge.offset = 0 : i64} : tensor<16xf32>
  %1 = edge.relu %0 {edge.offset = 32 : i64} : tensor<16xf32>
  %2 = edge.add %0, %1 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return %2 : tensor<16xf32>
}

// -----

func.func @out_of_bounds(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {edge.arena_size = 64 : i64} {
  // expected-error@+1 {{memory plan: result of edge.relu: buffer [32, 96) ends past the arena size 64}}
  %0 = edge.relu %arg0 {edge.offset = 32 : i64} : tensor<16xf32>
  %1 = edge.relu %0 : tensor<16xf32>
  return %1 : tensor<16xf32>
}

// -----

func.func @unplaced(%arg0: tensor<16xi8>) -> tensor<16xi8> attributes {edge.arena_size = 64 : i64} {
  // expected-error@+1 {{memory plan: result of edge.transpose has no arena offset}}
  %0 = edge.transpose %arg0 {perm = array<i64: 0>} : (tensor<16xi8>) -> tensor<16xi8>
  %1 = edge.transpose %0 {perm = array<i64: 0>} : (tensor<16xi8>) -> tensor<16xi8>
  return %1 : tensor<16xi8>
}

// -----

// expected-error@+1 {{no memory plan: run --edge-plan-memory first}}
func.func @no_plan(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.relu %arg0 : tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// In place only over an input that dies at the layer: %0 is read again by
// the add, so the second relu must not take its bytes.
func.func @in_place_live_input(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {edge.arena_size = 64 : i64} {
  // expected-error@+1 {{memory plan: result of edge.relu and result of edge.relu: bytes [0, 64) are used by two buffers live at the same time}}
  %0 = edge.relu %arg0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 0 : i64} : tensor<16xf32>
  %1 = edge.relu %0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 0 : i64} : tensor<16xf32>
  %2 = edge.add %0, %1 {edge.kernel = #edge.kernel<"binary", "edgec::binary", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  return %2 : tensor<16xf32>
}

// -----

// Only a kernel that reads before it writes may run in place: a transpose
// (strided_copy) over its own input is rejected even though the input dies.
func.func @in_place_not_declared(%arg0: tensor<4x4xi8>) -> tensor<4x4xi8> attributes {edge.arena_size = 16 : i64} {
  // expected-error@+1 {{memory plan: result of edge.transpose and result of edge.transpose: bytes [0, 16) are used by two buffers live at the same time}}
  %0 = edge.transpose %arg0 {edge.kernel = #edge.kernel<"strided_copy", "edgec::strided_copy", "edgec/kernels/ref/data_movement.h", scratch = 0>, edge.offset = 0 : i64, perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  %1 = edge.transpose %0 {edge.kernel = #edge.kernel<"strided_copy", "edgec::strided_copy", "edgec/kernels/ref/data_movement.h", scratch = 0>, edge.offset = 0 : i64, perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  %2 = edge.transpose %1 {edge.kernel = #edge.kernel<"strided_copy", "edgec::strided_copy", "edgec/kernels/ref/data_movement.h", scratch = 0>, perm = array<i64: 1, 0>} : (tensor<4x4xi8>) -> tensor<4x4xi8>
  return %2 : tensor<4x4xi8>
}

// -----

// An in-place pair must start at the same byte: half over its input is not
// what the kernel reads before it writes.
func.func @in_place_shifted(%arg0: tensor<16xf32>) -> tensor<16xf32> attributes {edge.arena_size = 96 : i64} {
  // expected-error@+1 {{memory plan: result of edge.relu and result of edge.relu: bytes [32, 64) are used by two buffers live at the same time}}
  %0 = edge.relu %arg0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 0 : i64} : tensor<16xf32>
  %1 = edge.relu %0 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>, edge.offset = 32 : i64} : tensor<16xf32>
  %2 = edge.relu %1 {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = 0>} : tensor<16xf32>
  return %2 : tensor<16xf32>
}
