// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s
// RUN: edgec-opt --split-input-file --edge-select-kernels=family=arm-dsp --edge-plan-memory --edge-verify-memory-plan %s | FileCheck %s --check-prefix=DSP
// RUN: edgec-opt --split-input-file --edge-select-kernels --edge-plan-memory=strategy=linear --edge-verify-memory-plan %s | FileCheck %s --check-prefix=LINEAR

// In place: a layer whose kernel reads each input element before it writes
// over it (the kernel table's in_place column) takes over the buffer of an
// input that dies there. An elementwise chain lives in one buffer.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: edge.arena_lower_bound = 64 : i64, edge.arena_size = 64 : i64
// CHECK: edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// CHECK: edge.sigmoid %{{.*}} {{[{].*}}edge.offset = 0 : i64}
// LINEAR-LABEL: func.func @chain
// LINEAR-SAME: edge.arena_size = 128 : i64
func.func @chain(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.relu %arg0 : tensor<16xf32>
  %1 = edge.sigmoid %0 : tensor<16xf32>
  %2 = edge.relu %1 : tensor<16xf32>
  return %2 : tensor<16xf32>
}

// -----

// Not over an input that is read later: the second relu's input lives on
// to the add, so it gets its own bytes; the add then writes over its first
// operand (both die there; one is enough).
// CHECK-LABEL: func.func @live_input
// CHECK-SAME: edge.arena_size = 128 : i64
// CHECK: %[[A:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// CHECK: %[[B:.*]] = edge.relu %[[A]] {{[{].*}}edge.offset = 64 : i64}
// CHECK: edge.add %[[A]], %[[B]] {{[{].*}}edge.offset = 0 : i64}
func.func @live_input(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %0 = edge.relu %arg0 : tensor<16xf32>
  %1 = edge.relu %0 : tensor<16xf32>
  %2 = edge.add %0, %1 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %3 = edge.relu %2 : tensor<16xf32>
  return %3 : tensor<16xf32>
}

// -----

// A broadcast operand is read at other positions than the one written: the
// add may only take over the operand of its own shape (here the second).
// An operand read twice (x + x) is not taken over either.
// CHECK-LABEL: func.func @broadcast
// CHECK: %[[R:.*]] = edge.relu %arg1 {{[{].*}}edge.offset = [[OR:[0-9]+]] : i64}
// CHECK: %[[S:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = [[OS:[0-9]+]] : i64}
// CHECK: %[[T:.*]] = edge.add %[[R]], %[[S]] {{[{].*}}edge.offset = [[OS]] : i64}
// CHECK: edge.add %[[T]], %[[T]] {{[{].*}}edge.offset = [[OR]] : i64}
func.func @broadcast(%arg0: tensor<4x4xf32>, %arg1: tensor<4xf32>) -> tensor<4x4xf32> {
  %0 = edge.relu %arg1 : tensor<4xf32>
  %1 = edge.relu %arg0 : tensor<4x4xf32>
  %2 = edge.add %0, %1 : (tensor<4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %3 = edge.add %2, %2 : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %4 = edge.relu %3 : tensor<4x4xf32>
  return %4 : tensor<4x4xf32>
}

// -----

// A result of another element size (f32 -> i1) would overwrite elements it
// has not read yet: no sharing. Through a view (reshape) the buffer is the
// same one, and it dies at its last reader.
// CHECK-LABEL: func.func @sizes_and_views
// CHECK: %[[A:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// CHECK: %[[B:.*]] = edge.less %[[A]], %arg1 {{[{].*}}edge.offset = 64 : i64}
// CHECK: %[[V:.*]] = edge.reshape %[[A]]
// CHECK: edge.relu %[[V]] {{[{].*}}edge.offset = 0 : i64}
func.func @sizes_and_views(%arg0: tensor<16xf32>, %arg1: tensor<16xf32>) -> (tensor<16xi1>, tensor<4x4xf32>) {
  %0 = edge.relu %arg0 : tensor<16xf32>
  %1 = edge.less %0, %arg1 : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xi1>
  %2 = edge.reshape %0 : (tensor<16xf32>) -> tensor<4x4xf32>
  %3 = edge.relu %2 : tensor<4x4xf32>
  %4 = edge.not %1 : tensor<16xi1>
  %5 = edge.relu %3 : tensor<4x4xf32>
  return %4, %5 : tensor<16xi1>, tensor<4x4xf32>
}

// -----

// int8 convolutions with the SMLAD kernel: depthwise (output plane no larger
// than the input plane, here stride 2) and pointwise (one group, one image)
// write over their input; a 3x3 convolution needs its input's neighbours
// after it has written over them, so it never does. The chain's members take
// their own size only while live: the 3x3 layer's scratch and output fit
// beside its 64-byte input though the chain once held 256 bytes. The portable kernel
// (conv2d_s8) computes one output channel over all pixels: never in place.
// DSP-LABEL: func.func @convs
// DSP-SAME: edge.arena_lower_bound = 432 : i64, edge.arena_size = 432 : i64
// DSP: %[[P:.*]] = edge.conv2d %arg0, {{.*}}"conv2d_s8_dsp"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// DSP: %[[Q:.*]] = edge.conv2d %[[P]], {{.*}}"conv2d_s8_dsp"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// DSP: %[[D:.*]] = edge.conv2d %[[Q]], {{.*}}"conv2d_s8_dsp"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// DSP: %[[E:.*]] = edge.conv2d %[[D]], {{.*}}"conv2d_s8_dsp"{{.*}}edge.offset = 208 : i64, edge.scratch_offset = 64 : i64
// CHECK-LABEL: func.func @convs
// CHECK: %[[P:.*]] = edge.conv2d %arg0, {{.*}}"conv2d_s8"{{.*}}edge.offset = 0 : i64
// CHECK: %[[Q:.*]] = edge.conv2d %[[P]], {{.*}}edge.offset = 256 : i64
// CHECK: %[[D:.*]] = edge.conv2d %[[Q]], {{.*}}edge.offset = 128 : i64
// CHECK: %[[E:.*]] = edge.conv2d %[[D]], {{.*}}edge.offset = 0 : i64
func.func @convs(%arg0: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:1>> {
  %wp = edge.constant dense<1> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %wd = edge.constant dense<1> : tensor<4x1x3x3xi8> as tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %wc = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %0 = edge.conv2d %arg0, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = edge.conv2d %0, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %2 = edge.conv2d %1, %wd {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %3 = edge.conv2d %2, %wc {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:1>>
  %4 = edge.relu %3 : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:1>>
  return %4 : tensor<1x8x4x4x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// A 3x3 convolution of one image and group, unit strides, output planes as
// large as input planes and no more output than input channels runs over its
// input with the SMLAD kernel through a ring of delayed outputs (output q
// goes to its place once pixel q + pad_top * W + pad_left is gathered). Its
// scratch holds the ring too: 4 (then 2) channels x 16 pixels (1 * 8 + 1 + 5
// rounded up to a multiple of four) beside the two 36-tap columns (144 B).
// The portable kernel never runs in place.
// DSP-LABEL: func.func @ring
// DSP-SAME: edge.arena_lower_bound = 464 : i64, edge.arena_size = 464 : i64
// DSP: %[[P:.*]] = edge.conv2d %arg0, {{.*}}"conv2d_s8_dsp", {{.*}}scratch = 16>, edge.offset = 0 : i64
// DSP: %[[Q:.*]] = edge.conv2d %[[P]], {{.*}}"conv2d_s8_dsp", {{.*}}scratch = 208>, edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// DSP: %[[R:.*]] = edge.conv2d %[[Q]], {{.*}}"conv2d_s8_dsp", {{.*}}scratch = 176>, edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// DSP: %[[S:.*]] = edge.conv2d %[[R]], {{.*}}"conv2d_s8_dsp", {{.*}}scratch = 16>, edge.offset = 0 : i64
// CHECK-LABEL: func.func @ring
// CHECK: %[[P:.*]] = edge.conv2d %arg0, {{.*}}"conv2d_s8"{{.*}}edge.offset = 0 : i64
// CHECK: %[[Q:.*]] = edge.conv2d %[[P]], {{.*}}edge.offset = 256 : i64
// CHECK: %[[R:.*]] = edge.conv2d %[[Q]], {{.*}}edge.offset = 512 : i64
func.func @ring(%arg0: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %wp = edge.constant dense<1> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %wc = edge.constant dense<1> : tensor<4x4x3x3xi8> as tensor<4x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %wn = edge.constant dense<1> : tensor<2x4x3x3xi8> as tensor<2x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %wo = edge.constant dense<1> : tensor<4x2x1x1xi8> as tensor<4x2x1x1x!quant.uniform<i8:f32, 0.01>>
  %0 = edge.conv2d %arg0, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = edge.conv2d %0, %wc {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %2 = edge.conv2d %1, %wn {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<2x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %3 = edge.conv2d %2, %wo {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x2x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x2x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  %4 = edge.relu %3 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %4 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Sparse kernels: the depthwise one copies a plane before writing its output
// plane, as the SMLAD one does, and runs in place. The sparse pointwise one
// runs in place too on cores without DSP (its in-place variant gathers a
// pixel pair's columns first; the output may be larger than the input); with
// DSP it computes one output channel over every pixel, so it never does.
// CHECK-LABEL: func.func @sparse
// CHECK: %[[A:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// CHECK: %[[D:.*]] = edge.conv2d %[[A]], {{.*}}"conv2d_s8_sparse"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 256 : i64
// CHECK: edge.conv2d %[[D]], {{.*}}"conv2d_s8_sparse"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 512 : i64
// DSP-LABEL: func.func @sparse
// DSP: %[[A:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 512 : i64}
// DSP: %[[D:.*]] = edge.conv2d %[[A]], {{.*}}"conv2d_s8_sparse"{{.*}}edge.offset = 512 : i64, edge.scratch_offset = 0 : i64
// DSP: edge.conv2d %[[D]], {{.*}}"conv2d_s8_sparse"{{.*}}edge.offset = 0 : i64, edge.scratch_offset = 768 : i64
func.func @sparse(%arg0: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %wd = edge.constant dense<1> : tensor<4x1x3x3xi8> as tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %wp = edge.constant dense<1> : tensor<8x4x1x1xi8> as tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %0 = edge.relu %arg0 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = edge.conv2d %0, %wd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64, edge.sparse = #edge.sparse<kind = depthwise, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
  %2 = edge.conv2d %1, %wp {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.sparse = #edge.sparse<kind = pointwise, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  %3 = edge.relu %2 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %3 : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}
