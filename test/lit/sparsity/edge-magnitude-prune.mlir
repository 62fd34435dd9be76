// RUN: edgec-opt --split-input-file --edge-magnitude-prune=sparsity=0.5 %s | FileCheck %s --check-prefix=LAYER
// RUN: edgec-opt --split-input-file "--edge-magnitude-prune=n-m=2:4" %s | FileCheck %s --check-prefix=NM
// RUN: edgec-opt --split-input-file --edge-magnitude-prune="sparsity=0.5 scope=global" %s | FileCheck %s --check-prefix=GLOBAL
// RUN: not edgec-opt --edge-magnitude-prune=sparsity=1.5 %s 2>&1 | FileCheck %s --check-prefix=BAD

// Each layer loses its smallest half; 2:4 keeps the two largest of every
// four along the reduction axis; global uses one threshold for both layers.
// LAYER-LABEL: func.func @two
// LAYER-DAG: dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<1x8xf32>
// LAYER-DAG: dense<{{\[\[}}0.000000e+00, 2.000000e+01]]> : tensor<1x2xf32>
// NM-LABEL: func.func @two
// NM-DAG: dense<{{\[\[}}0.000000e+00, 0.000000e+00, 3.000000e+00, -4.000000e+00, 0.000000e+00, 0.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<1x8xf32>
// NM-DAG: dense<{{\[\[}}1.000000e+01, 2.000000e+01]]> : tensor<1x2xf32>
// GLOBAL-LABEL: func.func @two
// GLOBAL-DAG: dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<1x8xf32>
// GLOBAL-DAG: dense<{{\[\[}}1.000000e+01, 2.000000e+01]]> : tensor<1x2xf32>
// BAD: edge-magnitude-prune: sparsity must be in [0, 1), not 1.5
func.func @two(%arg0: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %b0 = edge.constant dense<[[1.0, -2.0, 3.0, -4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<1x8xf32>
  %b1 = edge.constant dense<[[10.0, 20.0]]> : tensor<1x2xf32>
  %0 = edge.gemm %arg0, %b0 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x1xf32>
  %1 = edge.gemm %0, %b1 {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = false} : (tensor<1x1xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}
