// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-collapse-reshapes %s

// The transposes and pads the pass composes and moves are checked by the op
// verifiers, before the pass and on what it writes.
func.func @not_a_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error@+1 {{'edge.transpose' op perm [1, 1] is not a permutation}}
  %0 = edge.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @pad_of_transpose_wrong_shape(%x: tensor<1x8x5x6xf32>) -> tensor<1x7x6x8xf32> {
  %t = edge.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x5x6xf32>) -> tensor<1x5x6x8xf32>
  // expected-error@+1 {{'edge.pad' op expected result shape [1, 6, 6, 8], got [1, 7, 6, 8]}}
  %p = edge.pad %t {pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 0>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x5x6x8xf32>) -> tensor<1x7x6x8xf32>
  return %p : tensor<1x7x6x8xf32>
}
