// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels %s | FileCheck %s --check-prefix=AUTO
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels=ram-budget=4096 %s | FileCheck %s --check-prefix=BUDGET
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels=ram-budget=64 %s | FileCheck %s --check-prefix=AUTO
// RUN: edgec-opt --edge-select-kernels=family=blocked --edge-select-sparse-kernels --edge-plan-memory %s | FileCheck %s --check-prefix=BLOCKED

// RAM under sparsity=auto: the 1x1 conv with 1 non-zero of 16 weights is
// cheaper sparse, but the dense SMLAD kernel runs it in place over the dying
// relu output and the sparse pointwise kernel cannot on DSP cores, so sparse would add a
// 256-byte buffer to the plan. Without a budget (or with one below the
// all-dense plan) it stays dense; a budget that holds both lets it run sparse.
// AUTO: edge.kernel = #edge.kernel<"conv2d_s8_dsp"{{.*}}edge.sparse = #edge.sparse<kind = pointwise, choice = dense
// BUDGET: edge.kernel = #edge.kernel<"conv2d_s8_sparse"{{.*}}edge.sparse = #edge.sparse<kind = pointwise, choice = sparse
// Without DSP the sparse pointwise kernel runs in place too (its pixel-pair
// variant), so auto takes it with no budget, over the relu's bytes.
// BLOCKED: %[[R:.*]] = edge.relu %arg0 {{[{].*}}edge.offset = 0 : i64}
// BLOCKED: edge.conv2d %[[R]], {{.*}}edge.kernel = #edge.kernel<"conv2d_s8_sparse"{{.*}}edge.offset = 0 : i64{{.*}}edge.sparse = #edge.sparse<kind = pointwise, choice = sparse
module {
  func.func @main(%arg0: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> {
    %w0 = edge.constant dense<[[[[0]], [[0]], [[0]], [[0]]], [[[0]], [[0]], [[0]], [[0]]], [[[0]], [[0]], [[5]], [[0]]], [[[0]], [[0]], [[0]], [[0]]]]> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
    %0 = edge.relu %arg0 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>
    %1 = edge.conv2d %0, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
    %2 = edge.relu %1 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
    return %2 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  }
}
