// RUN: edgec-opt --split-input-file --verify-diagnostics %s

// The clamp attributes the pass writes are checked by the op verifiers.
func.func @inverted(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{act_min 6.000000e+00 must not exceed act_max 0.000000e+00}}
  %0 = edge.add %a, %a {act_min = 6.0 : f32, act_max = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @integer(%a: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error@+1 {{a fused activation (act_min/act_max) needs a float result, got 'i8'}}
  %0 = edge.add %a, %a {act_min = 0.0 : f32} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}
