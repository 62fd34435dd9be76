// RUN: edgec-opt --split-input-file --verify-diagnostics %s
// RUN: not edgec-opt %S/Inputs/bad-family.mlir 2>&1 | FileCheck %s --check-prefix=FAMILY
// RUN: not edgec-opt %S/Inputs/bad-sparse.mlir 2>&1 | FileCheck %s --check-prefix=SPARSE

// Every discardable edge.* attribute is checked by name, kind and place
// (compiler/IR/EdgeAttrs.cpp); the typed ones by their parsers.
// FAMILY: error: expected one of: portable, blocked, arm-dsp, arm-mve, not 'npu'
// SPARSE: error: expected ','

func.func @unknown(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{unknown attribute 'edge.kernels'}}
  %0 = edge.relu %a {edge.kernels = "arm-dsp"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----


func.func @wrong_kind(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.offset' must be a non-negative integer, not -16 : i64}}
  %0 = edge.relu %a {edge.offset = -16 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @kernel_as_string(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.kernel' must be a #edge.kernel}}
  %0 = edge.relu %a {edge.kernel = "unary_f32"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @negative_scratch(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{#edge.kernel 'unary_f32': scratch must be >= 0, not -4}}
  %0 = edge.relu %a {edge.kernel = #edge.kernel<"unary_f32", "edgec::unary_f32", "edgec/kernels/ref/elementwise_f32.h", scratch = -4>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @family_on_op(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.family' does not belong on an op}}
  %0 = edge.relu %a {edge.family = #edge.family<portable>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{'edge.name' must be a string}}
func.func @arg_name(%a: tensor<4xf32> {edge.name = 3 : i64}) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

func.func @weight_bits(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'edge.weight_bits' must be a non-negative integer, not -4 : i64}}
  %0 = edge.relu %a {edge.weight_bits = -4 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
