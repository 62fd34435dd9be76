// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory=strategy=linear --edge-verify-memory-plan %s | FileCheck %s --check-prefix=LINEAR

// A layer's state (edge.svdf) is a buffer live at every step, the return's
// included: no other buffer ever takes its bytes, so they hold from one run
// to the next. The first SVDF's 64-byte int16 state and the second's 18-byte
// int8 one (32 with the alignment) stay apart from the 4-byte result between
// the layers (16 aligned), and from each other: 112 bytes, which is also the
// lower bound (all three are live at the second layer).
// CHECK-LABEL: func.func @two_states
// CHECK-SAME: edge.arena_lower_bound = 112 : i64, edge.arena_size = 112 : i64
// CHECK: %[[A:.*]] = edge.svdf %arg0, {{.*}}edge.offset = 96 : i64, edge.state_offset = 0 : i64
// CHECK: edge.svdf %[[A]], {{.*}}edge.state_offset = 64 : i64
// LINEAR-LABEL: func.func @two_states
// LINEAR-SAME: edge.arena_size = 112 : i64
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qt = !quant.uniform<i16:f32, 0.004>
!qt8 = !quant.uniform<i8:f32, 0.005>
!qh = !quant.uniform<i8:f32, 0.04:-10>
!qy = !quant.uniform<i8:f32, 0.03:7>
func.func @two_states(%x: tensor<1x6x!qx>) -> tensor<1x6x!qy> {
  %wf = edge.constant dense<1> : tensor<8x6xi8> as tensor<8x6x!qw>
  %wt = edge.constant dense<2> : tensor<8x4xi16> as tensor<8x4x!qt>
  %h = edge.svdf %x, %wf, %wt {rank = 2 : i64, state_type = tensor<1x32x!quant.uniform<i16:f32, 0.002>>} : (tensor<1x6x!qx>, tensor<8x6x!qw>, tensor<8x4x!qt>) -> tensor<1x4x!qh>
  %wf2 = edge.constant dense<1> : tensor<6x4xi8> as tensor<6x4x!qw>
  %wt2 = edge.constant dense<3> : tensor<6x3xi8> as tensor<6x3x!qt8>
  %y = edge.svdf %h, %wf2, %wt2 {rank = 1 : i64, state_type = tensor<1x18x!quant.uniform<i8:f32, 0.05:5>>} : (tensor<1x4x!qh>, tensor<6x4x!qw>, tensor<6x3x!qt8>) -> tensor<1x6x!qy>
  return %y : tensor<1x6x!qy>
}

// -----

// An LSTM's state has two parts, each kept from one run to the next: the
// int8 hidden state [1, 3] at the layer's state offset, then the int16 cell
// state [1, 3] at the next even byte: 3 + 1 + 6 = 10 bytes (16 aligned). It
// stays apart from the 24-byte scratch of the four int16 gates (32 aligned);
// the result is the caller's output buffer: 48 bytes.
// CHECK-LABEL: func.func @lstm_two_part_state
// CHECK-SAME: edge.arena_size = 48 : i64
// CHECK: edge.sequence_lstm {{.*}}edge.scratch_offset = 0 : i64, edge.state_offset = 32 : i64
!qx = !quant.uniform<i8:f32, 0.05:-3>
!qw = !quant.uniform<i8:f32, 0.01>
!qb = !quant.uniform<i32:f32, 0.0005>
!qh = !quant.uniform<i8:f32, 0.008:-4>
func.func @lstm_two_part_state(%x: tensor<1x2x4x!qx>) -> tensor<1x2x3x!qh> {
  %w = edge.constant dense<1> : tensor<3x4xi8> as tensor<3x4x!qw>
  %r = edge.constant dense<2> : tensor<3x3xi8> as tensor<3x3x!qw>
  %b = edge.constant dense<3> : tensor<3xi32> as tensor<3x!qb>
  %y = edge.sequence_lstm %x, [%w, %w, %w, %w], [%r, %r, %r, %r], [%b, %b, %b, %b] {cell_clip = 10.0 : f32, time_major = false, hidden_state_type = tensor<1x3x!qh>, cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4>>} : (tensor<1x2x4x!qx>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x4x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x3x!qw>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>, tensor<3x!qb>) -> tensor<1x2x3x!qh>
  return %y : tensor<1x2x3x!qh>
}
