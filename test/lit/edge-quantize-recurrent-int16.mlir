// RUN: edgec-opt --edge-quantize="int16=rnn,head" %s 2>&1 | FileCheck %s

// A recurrent layer named in --int16 keeps int8 data (its state inside is
// int16 already) and says so; its int16 neighbour reads it requantized.
// CHECK: warning: {{.*}}--int16 names 'rnn', a recurrent layer: it reads and writes int8 (its state is int16 inside) and stays so
// CHECK-LABEL: func.func @rnn_then_head
// CHECK: %[[R:.*]] = edge.recurrent %arg0, {{.*}} -> tensor<3x1x1x2x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[Q:.*]] = edge.quantize %[[R]] : (tensor<3x1x1x2x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<3x1x1x2x!quant.uniform<i16:f32, {{.*}}>>
// CHECK: edge.sigmoid %[[Q]] : tensor<3x1x1x2x!quant.uniform<i16:f32, {{.*}}>>
func.func @rnn_then_head(%x: tensor<2x1x2xf32> {edge.range = array<f32: -1.0, 1.0>}) -> tensor<3x1x1x2xf32> {
  %w = edge.constant dense<[[[0.5, -0.25], [0.125, 1.0]]]> : tensor<1x2x2xf32>
  %r = edge.constant dense<[[[0.5, 0.25], [-0.5, 0.75]]]> : tensor<1x2x2xf32>
  %y = edge.recurrent %x, %w, %r {activation_alpha = array<f32: 0.0>, activation_beta = array<f32: 0.0>, activations = ["Tanh"], cell = #edge.cell<rnn>, clip = 0.0 : f32, direction = #edge.direction<forward>, hidden_size = 2 : i64, input_forget = false, linear_before_reset = false, edge.range = array<f32: -1.0, 1.0>} : (tensor<2x1x2xf32>, tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<3x1x1x2xf32> loc("rnn")
  %s = edge.sigmoid %y {edge.range = array<f32: 0.0, 1.0>} : tensor<3x1x1x2xf32> loc("head")
  return %s : tensor<3x1x1x2xf32>
}
