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
