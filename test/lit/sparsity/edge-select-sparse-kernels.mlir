// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels %s | FileCheck %s --check-prefix=AUTO
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels=mode=off %s | FileCheck %s --check-prefix=OFF
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels=mode=force %s | FileCheck %s --check-prefix=FORCE
// RUN: not edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels=mode=always %s 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not edgec-opt --edge-select-sparse-kernels %s 2>&1 | FileCheck %s --check-prefix=NOFAMILY

// On the arm-dsp cost model a 1x1 conv with 1 non-zero of 16 weights runs
// sparse; a dense one stays dense under auto (and could only grow its
// weights), and force makes it sparse anyway. The kernel follows the choice:
// the sparse kernel (with the DSP pointwise scratch, 4 bytes per input
// channel) or the DSP kernel of the family (2 x 2 bytes per reduction weight).
// AUTO: edge.kernel = #edge.kernel<"conv2d_s8_sparse", "edgec::sparse::conv2d_s8_sparse", "edgec/kernels/sparse/conv2d_s8_sparse.h", scratch = 16>
// AUTO-SAME: edge.sparse = #edge.sparse<kind = pointwise, choice = sparse, dense = {{[0-9]+}}, sparse = {{[0-9]+}}, dense_bytes = 16, sparse_bytes = 5>
// AUTO: edge.kernel = #edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp", "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 16>
// AUTO-SAME: edge.sparse = #edge.sparse<kind = pointwise, choice = dense, {{.*}}dense_bytes = 16, sparse_bytes = 20>
// OFF-NOT: choice = sparse
// FORCE: choice = sparse
// FORCE: choice = sparse
// BAD: mode must be auto, off or force, not 'always'
// NOFAMILY: error: edge-select-sparse-kernels: run edge-select-kernels first (the module has no edge.family)
module {
  func.func @main(%arg0: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>) {
    %w0 = edge.constant dense<[[[[0]], [[0]], [[0]], [[0]]], [[[0]], [[0]], [[0]], [[0]]], [[[0]], [[0]], [[5]], [[0]]], [[[0]], [[0]], [[0]], [[0]]]]> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
    %w1 = edge.constant dense<3> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
    %0 = edge.conv2d %arg0, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
    %1 = edge.conv2d %arg0, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
    return %0, %1 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  }
}
