// RUN: not edgec-opt --pass-pipeline='builtin.module(func.func(edge-calibrate{samples=%t.missing.npy}))' %s 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not edgec-opt --pass-pipeline='builtin.module(func.func(edge-calibrate{range=median}))' %s 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: edgec-opt --pass-pipeline='builtin.module(func.func(edge-calibrate{samples=random range=percentile=99.9}))' %s | FileCheck %s

// MISSING: error: edge-calibrate: {{.*}}missing.npy
// RANGE: error: edge-calibrate: {{.*}}median
// Random samples: deterministic ranges on the input and every float result.
// CHECK: func.func @relu(%arg0: tensor<4xf32> {edge.range = array<f32: {{.*}}>})
// CHECK: edge.relu %arg0 {edge.range = array<f32: 0.000000e+00, {{.*}}>}
func.func @relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = edge.relu %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
