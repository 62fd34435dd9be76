// RUN: edgec-opt --split-input-file --edge-select-kernels %s | FileCheck %s --check-prefix=PORTABLE
// RUN: edgec-opt --split-input-file --edge-select-kernels=family=blocked %s | FileCheck %s --check-prefix=BLOCKED
// RUN: edgec-opt --split-input-file --edge-select-kernels=family=arm-dsp %s | FileCheck %s --check-prefix=DSP
// RUN: edgec-opt --split-input-file --edge-select-kernels=family=arm-mve %s | FileCheck %s --check-prefix=MVE

// The kernel table (passes/Kernels/KernelTable.def) pinned per family: which
// row runs each layer shape, and the scratch the planner will reserve.
// PORTABLE: module attributes {edge.family = #edge.family<portable>}
// BLOCKED: module attributes {edge.family = #edge.family<blocked>}
// DSP: module attributes {edge.family = #edge.family<"arm-dsp">}
// MVE: module attributes {edge.family = #edge.family<"arm-mve">}

// Dense 3x3 int8 conv: blocked (2 bytes per reduction weight) on blocked and
// arm-mve, SMLAD (two int16 columns) on arm-dsp, the reference elsewhere.
// PORTABLE-LABEL: func.func @dense
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @dense
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 72>
// DSP-LABEL: func.func @dense
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 144>
// MVE-LABEL: func.func @dense
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 72>
func.func @dense(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// With a kernel row of at least 16 bytes (3 taps x 16 channels), arm-mve runs
// the channels-last ring kernel: 3 padded rows of 10 x 16 bytes. Dilated, it
// falls back to the blocked im2col kernel.
// PORTABLE-LABEL: func.func @dense_hwc
// BLOCKED-LABEL: func.func @dense_hwc
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 288>
// DSP-LABEL: func.func @dense_hwc
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 576>
// MVE-LABEL: func.func @dense_hwc
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_hwc_blocked", "edgec::blocked::conv2d_s8_hwc", "edgec/kernels/blocked/conv2d_s8.h", scratch = 480>
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 288>
func.func @dense_hwc(%x: tensor<1x16x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x8x6x6x!quant.uniform<i8:f32, 0.2:1>>) {
  %w = edge.constant dense<1> : tensor<8x16x3x3xi8> as tensor<8x16x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x16x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x16x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  %z = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 2>, group = 1 : i64} : (tensor<1x16x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x16x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x6x6x!quant.uniform<i8:f32, 0.2:1>>
  return %y, %z : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x8x6x6x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// A spread input (a ConvTranspose: input_dilations) is read in place by the
// reference and DSP kernels (two int16 columns: 2 x 2 x 36 bytes), never by
// the blocked ones; a float one takes the im2col path even with a 1x1 kernel
// (4 bytes x 4 channels x 25 pixels).
// PORTABLE-LABEL: func.func @spread
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_f32", "edgec::conv2d_f32", "edgec/kernels/ref/conv2d_f32.h", scratch = 400>
// BLOCKED-LABEL: func.func @spread
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// DSP-LABEL: func.func @spread
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 144>
// MVE-LABEL: func.func @spread
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 144>
func.func @spread(%x: tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>, %f: tensor<1x4x3x3xf32>) -> (tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x2x5x5xf32>) {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 2, 2>, dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 2>} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  %wf = edge.constant dense<1.0> : tensor<2x4x1x1xf32>
  %z = edge.conv2d %f, %wf {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, input_dilations = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x5x5xf32>
  return %y, %z : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x2x5x5xf32>
}

// -----

// Depthwise: the blocked family's own kernel takes one padded int8 plane
// (10 x 10), on blocked and arm-mve (Helium), the DSP kernel one padded
// int16 plane on arm-dsp.
// PORTABLE-LABEL: func.func @depthwise
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @depthwise
// BLOCKED: edge.kernel = #edge.kernel<"depthwise_s8_blocked", "edgec::blocked::depthwise_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 100>
// DSP-LABEL: func.func @depthwise
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 200>
// MVE-LABEL: func.func @depthwise
// MVE: edge.kernel = #edge.kernel<"depthwise_s8_blocked", "edgec::blocked::depthwise_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 100>
func.func @depthwise(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<4x1x3x3xi8> as tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// 1x1 conv: the same kernels, scratch for one column of 4 input channels.
// PORTABLE-LABEL: func.func @pointwise
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @pointwise
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 8>
// DSP-LABEL: func.func @pointwise
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 16>
// MVE-LABEL: func.func @pointwise
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 8>
func.func @pointwise(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x1x1xi8> as tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Dilated 3x3 conv: dilation only changes the im2col gather.
// PORTABLE-LABEL: func.func @dilated
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @dilated
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 72>
// DSP-LABEL: func.func @dilated
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 144>
// MVE-LABEL: func.func @dilated
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 72>
func.func @dilated(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 2, 2, 2, 2>, dilations = array<i64: 2, 2>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Float conv on every family: the portable kernel, an im2col tile of 32
// pixels x 36 floats.
// PORTABLE-LABEL: func.func @float_conv
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_f32", "edgec::conv2d_f32", "edgec/kernels/ref/conv2d_f32.h", scratch = 4608>
// BLOCKED-LABEL: func.func @float_conv
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_f32", "edgec::conv2d_f32", "edgec/kernels/ref/conv2d_f32.h", scratch = 4608>
// DSP-LABEL: func.func @float_conv
// DSP: edge.kernel = #edge.kernel<"conv2d_f32", "edgec::conv2d_f32", "edgec/kernels/ref/conv2d_f32.h", scratch = 4608>
// MVE-LABEL: func.func @float_conv
// MVE: edge.kernel = #edge.kernel<"conv2d_f32", "edgec::conv2d_f32", "edgec/kernels/ref/conv2d_f32.h", scratch = 4608>
func.func @float_conv(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = edge.constant dense<1.0> : tensor<8x4x3x3xf32>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

// Fully connected with B stored N x K (transB) and constant: blocked (the
// input zero point folded into the bias); on arm-dsp, K being a multiple of
// 4, rows interleaved in pairs (fc_s8_dsp_paired), no scratch.
// PORTABLE-LABEL: func.func @fc_nk
// PORTABLE: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @fc_nk
// BLOCKED: edge.kernel = #edge.kernel<"fc_s8_blocked", "edgec::blocked::fc_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 0>
// DSP-LABEL: func.func @fc_nk
// DSP: edge.kernel = #edge.kernel<"fc_s8_dsp_paired", "edgec::arm::fc_s8_dsp_paired", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 0>
// MVE-LABEL: func.func @fc_nk
// MVE: edge.kernel = #edge.kernel<"fc_s8_blocked", "edgec::blocked::fc_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 0>
func.func @fc_nk(%a: tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>> {
  %b = edge.constant dense<1> : tensor<10x16xi8> as tensor<10x16x!quant.uniform<i8:f32, 0.01>>
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// K not a multiple of 4: the paired layout's words do not tile the rows, so
// arm-dsp takes four rows per pass of SMLADs on the raw bytes instead.
// DSP-LABEL: func.func @fc_nk_odd_k
// DSP: edge.kernel = #edge.kernel<"fc_s8_dsp_blocked", "edgec::arm::fc_s8_dsp_blocked", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 0>
func.func @fc_nk_odd_k(%a: tensor<1x18x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>> {
  %b = edge.constant dense<1> : tensor<10x18xi8> as tensor<10x18x!quant.uniform<i8:f32, 0.01>>
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x18x!quant.uniform<i8:f32, 0.1:-3>>, tensor<10x18x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// B computed at run time: no bias can be folded, so arm-dsp widens the input
// row into int16 scratch (fc_s8_dsp).
// DSP-LABEL: func.func @fc_nk_runtime
// DSP: edge.kernel = #edge.kernel<"fc_s8_dsp", "edgec::arm::fc_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 32>
// PORTABLE-LABEL: func.func @fc_nk_runtime
// PORTABLE: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
func.func @fc_nk_runtime(%a: tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>, %b: tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>> {
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// B stored K x N: only the reference kernel reads it.
// PORTABLE-LABEL: func.func @fc_kn
// PORTABLE: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @fc_kn
// BLOCKED: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// DSP-LABEL: func.func @fc_kn
// DSP: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// MVE-LABEL: func.func @fc_kn
// MVE: edge.kernel = #edge.kernel<"fc_s8", "edgec::fc_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
func.func @fc_kn(%a: tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>> {
  %b = edge.constant dense<1> : tensor<16x10xi8> as tensor<16x10x!quant.uniform<i8:f32, 0.01>>
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>, tensor<16x10x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// int16 activations (int16x8): the specialised kernels are int8-only; the
// reference kernel runs it on every family.
// PORTABLE-LABEL: func.func @int16x8
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @int16x8
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// DSP-LABEL: func.func @int16x8
// DSP: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// MVE-LABEL: func.func @int16x8
// MVE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
func.func @int16x8(%x: tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.001>> {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i16:f32, 0.001>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i16:f32, 0.001>>
  return %y : tensor<1x8x8x8x!quant.uniform<i16:f32, 0.001>>
}

// -----

// A sparse decision takes the sparse row on every family. Pointwise: 2 bytes
// per input channel, 4 with the DSP multiply-accumulates.
// PORTABLE-LABEL: func.func @sparse_pointwise
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 8>
// BLOCKED-LABEL: func.func @sparse_pointwise
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 8>
// DSP-LABEL: func.func @sparse_pointwise
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 16>
// MVE-LABEL: func.func @sparse_pointwise
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 16>
func.func @sparse_pointwise(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x1x1xi8> as tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.sparse = #edge.sparse<kind = pointwise, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Sparse depthwise: one padded int8 plane.
// PORTABLE-LABEL: func.func @sparse_depthwise
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 100>
// BLOCKED-LABEL: func.func @sparse_depthwise
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 100>
// DSP-LABEL: func.func @sparse_depthwise
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 100>
// MVE-LABEL: func.func @sparse_depthwise
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 100>
func.func @sparse_depthwise(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<4x1x3x3xi8> as tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64, edge.sparse = #edge.sparse<kind = depthwise, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Sparse im2col: four int16 columns with DSP, four raw int8 ones otherwise.
// PORTABLE-LABEL: func.func @sparse_im2col
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 144>
// BLOCKED-LABEL: func.func @sparse_im2col
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 144>
// DSP-LABEL: func.func @sparse_im2col
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 288>
// MVE-LABEL: func.func @sparse_im2col
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 288>
func.func @sparse_im2col(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.sparse = #edge.sparse<kind = im2col, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Sparse fully connected: one int16 copy of the input row.
// PORTABLE-LABEL: func.func @sparse_fc
// PORTABLE: edge.kernel = #edge.kernel<"fc_s8_sparse", "edgec::sparse::fc_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 32>
// BLOCKED-LABEL: func.func @sparse_fc
// BLOCKED: edge.kernel = #edge.kernel<"fc_s8_sparse", "edgec::sparse::fc_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 32>
// DSP-LABEL: func.func @sparse_fc
// DSP: edge.kernel = #edge.kernel<"fc_s8_sparse", "edgec::sparse::fc_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 32>
// MVE-LABEL: func.func @sparse_fc
// MVE: edge.kernel = #edge.kernel<"fc_s8_sparse", "edgec::sparse::fc_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 32>
func.func @sparse_fc(%a: tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>> {
  %b = edge.constant dense<1> : tensor<10x16xi8> as tensor<10x16x!quant.uniform<i8:f32, 0.01>>
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true, edge.sparse = #edge.sparse<kind = fc, choice = sparse, dense = 100, sparse = 10, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x16x!quant.uniform<i8:f32, 0.1:-3>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x10x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// A decision for the dense kernel keeps the family's dense kernel.
// PORTABLE-LABEL: func.func @sparse_declined
// PORTABLE: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", "edgec/kernels/ref/conv2d_s8.h", scratch = 0>
// BLOCKED-LABEL: func.func @sparse_declined
// BLOCKED: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 8>
// DSP-LABEL: func.func @sparse_declined
// DSP: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 16>
// MVE-LABEL: func.func @sparse_declined
// MVE: edge.kernel = #edge.kernel<"conv2d_s8_blocked", "edgec::blocked::conv2d_s8", "edgec/kernels/blocked/conv2d_s8.h", scratch = 8>
func.func @sparse_declined(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x1x1xi8> as tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>
  %y = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64, edge.sparse = #edge.sparse<kind = pointwise, choice = dense, dense = 10, sparse = 100, dense_bytes = 32, sparse_bytes = 8>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
}

// -----

// Layer / RMS norm: one portable float kernel for every family.
// PORTABLE-LABEL: func.func @layer_norm
// PORTABLE: edge.kernel = #edge.kernel<"layer_norm_f32", "edgec::layer_norm_f32", "edgec/kernels/ref/norm_f32.h", scratch = 0>
// DSP-LABEL: func.func @layer_norm
// DSP: edge.kernel = #edge.kernel<"layer_norm_f32", "edgec::layer_norm_f32", "edgec/kernels/ref/norm_f32.h", scratch = 0>
func.func @layer_norm(%x: tensor<2x8xf32>, %s: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = edge.layer_norm %x scale %s {axis = 1 : i64, epsilon = 1.0e-5 : f32, rms = false} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
