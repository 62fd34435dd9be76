// RUN: edgec-opt --split-input-file --verify-diagnostics --edge-fold-pad %s

// The pads the pass folds are checked by the op verifiers first.
func.func @pads_of_wrong_length(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error@+1 {{'edge.pad' op pads must have 8 entries, got 4}}
  %0 = edge.pad %x {pads = array<i64: 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}

// -----

!q = !quant.uniform<i8:f32, 0.5:-3>
func.func @quantized_pad_wrong_shape(%x: tensor<1x1x4x4x!q>) -> tensor<1x1x7x6x!q> {
  // expected-error@+1 {{'edge.pad' op expected result shape [1, 1, 6, 6], got [1, 1, 7, 6]}}
  %p = edge.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #edge.pad_mode<constant>, value = 0.0 : f32} : (tensor<1x1x4x4x!q>) -> tensor<1x1x7x6x!q>
  return %p : tensor<1x1x7x6x!q>
}
