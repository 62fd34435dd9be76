// RUN: edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/ok.json" --edge-select-sparse-kernels --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s
// RUN: edgec-opt --edge-select-kernels="family=arm-dsp tuning=%S/Inputs/tuning/ok.json" --edge-select-sparse-kernels=mode=off --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s --check-prefix=OFF
// RUN: edgec-opt --edge-select-kernels=family=arm-dsp --edge-select-sparse-kernels --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s --check-prefix=UNTUNED

// A tuning file (scripts/tune-mcu.sh) names layers by node name, the k-th op
// of a repeated name as "name#k", and gives each the kernel it measured
// cheapest: any row that can run the layer, the sparse one included whatever
// the cost model says, in every sparsity mode. The measured instructions of
// the chosen kernel are kept for the report.
// CHECK-LABEL: func.func @main
// CHECK: edge.kernel = #edge.kernel<"conv2d_s8", "edgec::conv2d_s8", {{.*}}edge.tuned = "conv2d_s8", edge.tuned_instructions = 700 : i64{{.*}}loc("pw")
// CHECK: edge.kernel = #edge.kernel<"conv2d_s8_sparse", {{.*}}edge.sparse = #edge.sparse<kind = pointwise, choice = sparse, {{.*}}edge.tuned = "conv2d_s8_sparse", edge.tuned_instructions = 50 : i64{{.*}}loc("dense")
// CHECK: edge.kernel = #edge.kernel<"fc_s8_dsp", {{.*}}edge.tuned = "fc_s8_dsp"{{.*}}loc("fc")
// CHECK: edge.kernel = #edge.kernel<"conv2d_s8_dsp", {{[^}]*}}>, edge.sparse = {{[^}]*}}>, group{{.*}}loc("twice")
// CHECK: edge.kernel = #edge.kernel<"conv2d_s8", {{.*}}edge.tuned = "conv2d_s8"{{.*}}loc("twice")
// OFF: edge.sparse = #edge.sparse<kind = pointwise, choice = sparse, {{.*}}loc("dense")
// UNTUNED-NOT: edge.tuned
// UNTUNED: #edge.kernel<"conv2d_s8_dsp", {{.*}}loc("pw")
// UNTUNED: #edge.kernel<"conv2d_s8_dsp", {{.*}}choice = dense, {{.*}}loc("dense")
// UNTUNED: #edge.kernel<"fc_s8_dsp_paired", {{.*}}loc("fc")
module {
  func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, %a: tensor<1x16x!quant.uniform<i8:f32, 0.1>>) -> (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x10x!quant.uniform<i8:f32, 0.2>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>) {
    %w = edge.constant dense<3> : tensor<4x4x1x1xi8> as tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>
    %b = edge.constant dense<1> : tensor<10x16xi8> as tensor<10x16x!quant.uniform<i8:f32, 0.01>>
    %0 = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("pw")
    %1 = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("dense")
    %2 = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x16x!quant.uniform<i8:f32, 0.1>>, tensor<10x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2>> loc("fc")
    %3 = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("twice")
    %4 = edge.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("twice")
    return %0, %1, %2, %3, %4 : tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x10x!quant.uniform<i8:f32, 0.2>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>, tensor<1x4x8x8x!quant.uniform<i8:f32, 0.2:1>>
  }
}
