// RUN: edgec-opt --split-input-file --verify-diagnostics %s
// RUN: not edgec-opt %S/Inputs/bad-reduction.mlir 2>&1 | FileCheck %s --check-prefix=REDUCTION
// Modes are enums: an unknown one does not parse.
// REDUCTION: error: expected ::edgec::edge::ScatterReduction to be one of: none, add, mul, max, min

func.func @conv_shape(%x: tensor<1x2x6x6xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error@+1 {{'edge.conv2d' op expected result shape [1, 3, 4, 4], got [1, 3, 6, 6]}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

// A spread input (a ConvTranspose's) of 3 elements with input dilation 2 has
// 5 positions: a 3x3 window gives 3, not the 1 an unspread one would.
func.func @conv_input_dilations_shape(%x: tensor<1x2x3x3xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32> {
  // expected-error@+1 {{'edge.conv2d' op expected result shape [1, 3, 3, 3], got [1, 3, 1, 1]}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}

// -----

func.func @conv_input_dilations_zero(%x: tensor<1x2x3x3xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32> {
  // expected-error@+1 {{'edge.conv2d' op input_dilations entries must be >= 1, got [2, 0]}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}

// -----

func.func @conv_input_dilations_huge(%x: tensor<1x2x3x3xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32> {
  // expected-error@+1 {{'edge.conv2d' op input_dilations [4611686018427387904, 1] spread the input [1, 2, 3, 3] beyond 2^40 positions}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 4611686018427387904, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}

// -----

func.func @conv_input_dilations_rank(%x: tensor<1x2x3x3xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32> {
  // expected-error@+1 {{'edge.conv2d' op input_dilations must have 2 entries, got 1}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x1x1xf32>
  return %0 : tensor<1x3x1x1xf32>
}

// -----

func.func @conv_group(%x: tensor<1x4x6x6xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error@+1 {{'edge.conv2d' op weight has 2 input channels per group, expected 1 (input [1, 4, 6, 6], group 4)}}
  %0 = edge.conv2d %x, %w {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @broadcast(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.add' op operand shapes [3] and [4] are not broadcast-compatible}}
  %0 = edge.add %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Comparisons and where infer their result type (InferTypeOpInterface): the
// shape rule is inferReturnTypes, and the verifier holds the result to it.
func.func @predicate_broadcast(%a: tensor<3xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error@+2 {{operand shapes [3] and [4] are not broadcast-compatible}}
  // expected-error@+1 {{'edge.less' op failed to infer returned types}}
  %0 = edge.less %a, %b : (tensor<3xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @predicate_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x2xi1> {
  // expected-error@+2 {{'edge.equal' op inferred type(s) 'tensor<2x3xi1>' are incompatible with return type(s) of operation 'tensor<2x2xi1>'}}
  // expected-error@+1 {{'edge.equal' op failed to infer returned types}}
  %0 = edge.equal %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x2xi1>
  return %0 : tensor<2x2xi1>
}

// -----

func.func @where_result(%c: tensor<4xi1>, %x: tensor<1xf32>, %y: tensor<2x1xf32>) -> tensor<4xf32> {
  // expected-error@+2 {{'edge.where' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error@+1 {{'edge.where' op failed to infer returned types}}
  %0 = edge.where %c, %x, %y : (tensor<4xi1>, tensor<1xf32>, tensor<2x1xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reshape(%a: tensor<12xi8>) -> tensor<5x2xi8> {
  // expected-error@+1 {{'edge.reshape' op cannot reshape [12] (12 elements) to [5, 2] (10 elements)}}
  %0 = edge.reshape %a : (tensor<12xi8>) -> tensor<5x2xi8>
  return %0 : tensor<5x2xi8>
}

// -----

func.func @gemm(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error@+1 {{'edge.gemm' op inner dimensions differ: A' is [2, 3], B' is [4, 5]}}
  %0 = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @slice(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'edge.slice' op start -1 / end 2 of dimension 0 not normalized for size 4}}
  %0 = edge.slice %a {starts = array<i64: -1>, ends = array<i64: 2>, steps = array<i64: 1>} : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @pad(%a: tensor<2x3xf32>) -> tensor<2x9xf32> {
  // expected-error@+1 {{'edge.pad' op reflect pads [0, 3, 0, 3] must be smaller than dimension 1 (3)}}
  %0 = edge.pad %a {mode = #edge.pad_mode<reflect>, pads = array<i64: 0, 3, 0, 3>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @concat(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error@+1 {{'edge.concat' op input of shape [3, 3] differs from result [2, 6] outside axis 1}}
  %0 = edge.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @clip(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'edge.clip' op min 2.000000e+00 is greater than max 1.000000e+00}}
  %0 = edge.clip %a {min = 2.0 : f32, max = 1.0 : f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_elements_rank(%d: tensor<2x3xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error@+1 {{'edge.gather_elements' op indices have rank 1, data 2}}
  %0 = edge.gather_elements %d, %i {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @top_k_too_many(%x: tensor<2x3xf32>) -> tensor<2x4xi64> {
  // expected-error@+1 {{'edge.top_k_indices' op k = 4 exceeds the axis size 3}}
  %0 = edge.top_k_indices %x {axis = 1 : i64, k = 4 : i64, largest = true} : (tensor<2x3xf32>) -> tensor<2x4xi64>
  return %0 : tensor<2x4xi64>
}

// -----

func.func @resample_tap(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{'edge.resample' op tap index 5 out of range for axis size 2}}
  %0 = edge.resample %x {axis = 1 : i64, fill = 0.0 : f32, indices = array<i64: 0, 5>, taps = 1 : i64, weights = array<f32: 1.0, 1.0>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @resample_params(%x: tensor<1x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>> {
  // expected-error@+1 {{'edge.resample' op input and output must have the same element type (a quantized resample keeps its input's parameters)}}
  %0 = edge.resample %x {axis = 1 : i64, fill = 0.0 : f32, indices = array<i64: 0, 1>, taps = 1 : i64, weights = array<f32: 1.0, 1.0>} : (tensor<1x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x2x!quant.uniform<i8:f32, 0.2>>
}

// -----

func.func @recurrent_result(%x: tensor<5x1x3xf32>, %w: tensor<1x16x3xf32>, %r: tensor<1x16x4xf32>) -> tensor<6x1x1x4xf32> {
  // expected-error@+1 {{'edge.recurrent' op the result must be [7, 1, 1, 4], got [6, 1, 1, 4]}}
  %0 = edge.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0, 0.0, 0.0>, activation_beta = array<f32: 0.0, 0.0, 0.0>, activations = ["Sigmoid", "Tanh", "Tanh"], cell = #edge.cell<lstm>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>) -> tensor<6x1x1x4xf32>
  return %0 : tensor<6x1x1x4xf32>
}

// -----

func.func @recurrent_activation(%x: tensor<5x1x3xf32>, %w: tensor<1x4x3xf32>, %r: tensor<1x4x4xf32>) -> tensor<6x1x1x4xf32> {
  // expected-error@+1 {{'edge.recurrent' op unknown activation 'Swish'}}
  %0 = edge.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Swish"], cell = #edge.cell<rnn>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 4 : i64, input_forget = false, linear_before_reset = false} : (tensor<5x1x3xf32>, tensor<1x4x3xf32>, tensor<1x4x4xf32>) -> tensor<6x1x1x4xf32>
  return %0 : tensor<6x1x1x4xf32>
}

// -----

func.func @shift_signed(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error@+1 {{'edge.shift_left' op shifts unsigned integers only, got 'i32'}}
  %0 = edge.shift_left %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @bitwise_float(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.bitwise_and' op takes integer tensors, got 'f32'}}
  %0 = edge.bitwise_and %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @bitwise_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error@+1 {{'edge.bitwise_xor' op takes integer tensors, got 'i1'}}
  %0 = edge.bitwise_xor %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @grid_sample_shape(%x: tensor<1x3x8x8xf32>, %g: tensor<1x4x5x2xf32>) -> tensor<1x3x5x4xf32> {
  // expected-error@+1 {{'edge.grid_sample' op expected result shape [1, 3, 4, 5], got [1, 3, 5, 4]}}
  %0 = edge.grid_sample %x, %g {align_corners = false, mode = #edge.sample_mode<bilinear>, padding_mode = #edge.sample_padding<zeros>} : (tensor<1x3x8x8xf32>, tensor<1x4x5x2xf32>) -> tensor<1x3x5x4xf32>
  return %0 : tensor<1x3x5x4xf32>
}

// -----

func.func @det_not_square(%x: tensor<2x3x4xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{'edge.det' op expected [..., M, M], got [2, 3, 4]}}
  %0 = edge.det %x : (tensor<2x3x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @roi_align_shapes(%x: tensor<1x3x8x8xf32>, %r: tensor<2x4xf32>, %b: tensor<3xi64>) -> tensor<2x3x2x2xf32> {
  // expected-error@+1 {{'edge.roi_align' op expected input [N, C, H, W], rois [R, 4] and batch_indices [R], got [1, 3, 8, 8], [2, 4] and [3]}}
  %0 = edge.roi_align %x, %r, %b {half_pixel = true, mode = #edge.roi_mode<avg>, output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x3x8x8xf32>, tensor<2x4xf32>, tensor<3xi64>) -> tensor<2x3x2x2xf32>
  return %0 : tensor<2x3x2x2xf32>
}

// -----

func.func @recurrent_int16_weights(%x: tensor<2x1x2x!quant.uniform<i8:f32, 0.01>>, %w: tensor<1x1x2x!quant.uniform<i16:f32, 0.01>>, %r: tensor<1x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>> {
  // expected-error@+1 {{'edge.recurrent' op a quantized layer takes and gives int8 data and weights}}
  %0 = edge.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = #edge.cell<rnn>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 1 : i64, input_forget = false, linear_before_reset = false} : (tensor<2x1x2x!quant.uniform<i8:f32, 0.01>>, tensor<1x1x2x!quant.uniform<i16:f32, 0.01>>, tensor<1x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>>
  return %0 : tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>>
}

// -----

func.func @recurrent_int8_bias_scale(%x: tensor<2x1x2x!quant.uniform<i8:f32, 0.01>>, %w: tensor<1x1x2x!quant.uniform<i8:f32, 0.01>>, %r: tensor<1x1x1x!quant.uniform<i8:f32, 0.01>>, %b: tensor<1x2x!quant.uniform<i32:f32, 0.0001>>) -> tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>> {
  // expected-error@+1 {{'edge.recurrent' op a quantized layer's bias is int32 at scale 2^-12 (Q3.12)}}
  %0 = edge.recurrent %x, %w, %r bias %b {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = #edge.cell<rnn>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 1 : i64, input_forget = false, linear_before_reset = false} : (tensor<2x1x2x!quant.uniform<i8:f32, 0.01>>, tensor<1x1x2x!quant.uniform<i8:f32, 0.01>>, tensor<1x1x1x!quant.uniform<i8:f32, 0.01>>, tensor<1x2x!quant.uniform<i32:f32, 0.0001>>) -> tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>>
  return %0 : tensor<3x1x1x1x!quant.uniform<i8:f32, 0.01>>
}

// -----

func.func @softmax_numerics_not_enum(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{attribute 'numerics' failed to satisfy constraint}}
  %0 = edge.softmax %x {axis = 1 : i64, numerics = "tflite"} : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// edge.svdf: the state's storage is weights_time's (TFLite-Micro's SVDF
// takes int8 time weights with int8 state, int16 with int16).
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qt = !quant.uniform<i16:f32, 0.004>
!qy = !quant.uniform<i8:f32, 0.04:-10>
func.func @svdf_state_storage(%x: tensor<1x6x!qx>, %wf: tensor<8x6x!qw>, %wt: tensor<8x4x!qt>) -> tensor<1x4x!qy> {
  // expected-error@+1 {{'edge.svdf' op state_type must be per-tensor quantized with weights_time's storage (i16)}}
  %0 = edge.svdf %x, %wf, %wt {rank = 2 : i64, state_type = tensor<1x32x!quant.uniform<i8:f32, 0.002>>} : (tensor<1x6x!qx>, tensor<8x6x!qw>, tensor<8x4x!qt>) -> tensor<1x4x!qy>
  return %0 : tensor<1x4x!qy>
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qt = !quant.uniform<i16:f32, 0.004>
!qy = !quant.uniform<i8:f32, 0.04:-10>
func.func @svdf_state_shape(%x: tensor<1x6x!qx>, %wf: tensor<8x6x!qw>, %wt: tensor<8x4x!qt>) -> tensor<1x4x!qy> {
  // expected-error@+1 {{'edge.svdf' op state_type must be [1, 32], got [1, 24]}}
  %0 = edge.svdf %x, %wf, %wt {rank = 2 : i64, state_type = tensor<1x24x!quant.uniform<i16:f32, 0.002>>} : (tensor<1x6x!qx>, tensor<8x6x!qw>, tensor<8x4x!qt>) -> tensor<1x4x!qy>
  return %0 : tensor<1x4x!qy>
}

// -----

!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qt = !quant.uniform<i16:f32, 0.004>
!qy = !quant.uniform<i8:f32, 0.04:-10>
func.func @svdf_rank(%x: tensor<1x6x!qx>, %wf: tensor<8x6x!qw>, %wt: tensor<8x4x!qt>) -> tensor<1x4x!qy> {
  // expected-error@+1 {{'edge.svdf' op rank 3 does not divide the 8 filters}}
  %0 = edge.svdf %x, %wf, %wt {rank = 3 : i64, state_type = tensor<1x32x!quant.uniform<i16:f32, 0.002>>} : (tensor<1x6x!qx>, tensor<8x6x!qw>, tensor<8x4x!qt>) -> tensor<1x4x!qy>
  return %0 : tensor<1x4x!qy>
}

// -----

func.func @svdf_float(%x: tensor<1x6xf32>, %wf: tensor<8x6xf32>, %wt: tensor<8x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'edge.svdf' op input, weights_feature and output must be per-tensor int8}}
  %0 = edge.svdf %x, %wf, %wt {rank = 2 : i64, state_type = tensor<1x32xf32>} : (tensor<1x6xf32>, tensor<8x6xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// edge.sequence_lstm: four gates, each with input and recurrent weights and
// a bias.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
func.func @lstm_gates(%x: tensor<1x2x4x!qx>, %w: tensor<3x4x!qw>, %r: tensor<3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x2x3x!qh> {
  // expected-error@+1 {{'edge.sequence_lstm' op takes 4 input weights, 4 recurrent weights and 4 biases (gates input, forget, cell, output), got 3, 4 and 4}}
  %0 = edge.sequence_lstm %x, [%w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 0.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4>>} : (tensor<1x2x4x!qx>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qh>
  return %0 : tensor<1x2x3x!qh>
}

// -----

// The cell state is int16 with zero point 0 (TFLite-Micro reads only its scale).
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
func.func @lstm_cell_zero(%x: tensor<1x2x4x!qx>, %w: tensor<3x4x!qw>, %r: tensor<3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x2x3x!qh> {
  // expected-error@+1 {{'edge.sequence_lstm' op cell_state_type must be per-tensor int16 with zero point 0}}
  %0 = edge.sequence_lstm %x, [%w, %w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 0.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4:5>>} : (tensor<1x2x4x!qx>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qh>
  return %0 : tensor<1x2x3x!qh>
}

// -----

// The output is the hidden state's integers after each step: its type too.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
!qy = !quant.uniform<i8:f32, 0.008:-5>
func.func @lstm_output_type(%x: tensor<1x2x4x!qx>, %w: tensor<3x4x!qw>, %r: tensor<3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x2x3x!qy> {
  // expected-error@+1 {{'edge.sequence_lstm' op output must have the hidden state's quantization}}
  %0 = edge.sequence_lstm %x, [%w, %w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 0.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4>>} : (tensor<1x2x4x!qx>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qy>
  return %0 : tensor<1x2x3x!qy>
}

// -----

// A weight of another rank is a diagnostic, not an out-of-range read.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
func.func @lstm_weight_rank(%x: tensor<1x2x4x!qx>, %w: tensor<!qw>, %r: tensor<3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x2x3x!qh> {
  // expected-error@+1 {{'edge.sequence_lstm' op the input gate's input weights must be 2-D [hidden, input], got []}}
  %0 = edge.sequence_lstm %x, [%w, %w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 0.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4>>} : (tensor<1x2x4x!qx>, tensor<!qw>, tensor<!qw>, tensor<!qw>, tensor<!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qh>
  return %0 : tensor<1x2x3x!qh>
}

// -----

// The cell state's scale sets the shift of TFLite's int16 tanh: an
// overflowing one is a diagnostic.
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
func.func @lstm_cell_scale(%x: tensor<1x2x4x!qx>, %w: tensor<3x4x!qw>, %r: tensor<3x3x!qw>, %b: tensor<3x!qb>) -> tensor<1x2x3x!qh> {
  // expected-error@+1 {{'edge.sequence_lstm' op cell_state_type's scale must be within 2^-40 and 4 (TFLite's int16 tanh of the cell state), got 1.600000e+01}}
  %0 = edge.sequence_lstm %x, [%w, %w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 0.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 16.0>>} : (tensor<1x2x4x!qx>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qh>
  return %0 : tensor<1x2x3x!qh>
}

// -----

func.func @bitcast_width(%a: tensor<4xf32>) -> tensor<4xi16> {
  // expected-error@+1 {{'edge.bitcast' op element types 'f32' and 'i16' differ in width}}
  %0 = edge.bitcast %a : (tensor<4xf32>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

func.func @reduce_runtime_axes_keepdims(%x: tensor<2x3x4xf32>, %a: tensor<1xi64>) -> tensor<2x2x4xf32> {
  // expected-error@+1 {{'edge.reduce_runtime_axes' op result shape [2, 2, 4] is no reduction of [2, 3, 4] over at most 1 axes (keepdims = 1)}}
  %0 = edge.reduce_runtime_axes %x, %a {kind = #edge.reduce_kind<sum>, keepdims = true} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

func.func @reduce_runtime_axes_too_many(%x: tensor<2x3x4xf32>, %a: tensor<1xi64>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.reduce_runtime_axes' op result shape [4] is no reduction of [2, 3, 4] over at most 1 axes (keepdims = 0)}}
  %0 = edge.reduce_runtime_axes %x, %a {kind = #edge.reduce_kind<max>, keepdims = false} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_runtime_axes_order(%x: tensor<2x3x4xf32>, %a: tensor<1xi64>) -> tensor<4x2xf32> {
  // expected-error@+1 {{'edge.reduce_runtime_axes' op result shape [4, 2] is no reduction of [2, 3, 4] over at most 1 axes (keepdims = 0)}}
  %0 = edge.reduce_runtime_axes %x, %a {kind = #edge.reduce_kind<mean>, keepdims = false} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @reduce_runtime_axes_empty(%x: tensor<2x3xf32>, %a: tensor<0xi64>) -> tensor<2x3xf32> {
  // expected-error@+1 {{'edge.reduce_runtime_axes' op axes must be a 1-D tensor of at least one element, got [0]}}
  %0 = edge.reduce_runtime_axes %x, %a {kind = #edge.reduce_kind<sum>, keepdims = true} : (tensor<2x3xf32>, tensor<0xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @layer_norm_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'edge.layer_norm' op axis 2 out of range for rank 2}}
  %0 = edge.layer_norm %x {axis = 2 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// The scale is per row ([2, 1]), not per element of a row.
func.func @layer_norm_scale_shape(%x: tensor<2x4xf32>, %s: tensor<2x1xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'edge.layer_norm' op scale / bias of shape [2, 1] must hold one value per element of a row of [2, 4] from axis 1}}
  %0 = edge.layer_norm %x scale %s {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @layer_norm_epsilon(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'edge.layer_norm' op epsilon must be non-negative, got -1}}
  %0 = edge.layer_norm %x {axis = 1 : i64, epsilon = -1.0 : f32, rms = true} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @layer_norm_result(%x: tensor<2x4xf32>) -> tensor<8xf32> {
  // expected-error@+1 {{'edge.layer_norm' op result must have the input's shape and be float when it is}}
  %0 = edge.layer_norm %x {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = true} : (tensor<2x4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}
