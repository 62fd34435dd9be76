func.func @sparse_missing_field(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = edge.relu %a {edge.sparse = #edge.sparse<kind = fc, choice = dense, dense = 1, sparse = 2, dense_bytes = 3>} : tensor<4xf32>
  return %0 : tensor<4xf32>
}
