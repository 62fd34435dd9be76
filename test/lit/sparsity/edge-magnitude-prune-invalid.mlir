// RUN: not edgec-opt --edge-magnitude-prune=n-m=4:2 %s 2>&1 | FileCheck %s --check-prefix=NM
// RUN: not edgec-opt --edge-magnitude-prune=sparsity=1.0 %s 2>&1 | FileCheck %s --check-prefix=FRACTION
// RUN: not edgec-opt --edge-magnitude-prune=scope=model %s 2>&1 | FileCheck %s --check-prefix=SCOPE

// NM: error: edge-magnitude-prune: n-m must be N:M with 1 <= N < M, not '4:2'
// FRACTION: error: edge-magnitude-prune: sparsity must be in [0, 1), not 1
// SCOPE: error: edge-magnitude-prune: scope must be layer or global, not 'model'
func.func @fc(%a: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %b = edge.constant dense<1.0> : tensor<2x4xf32>
  %y = edge.gemm %a, %b {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true} : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
