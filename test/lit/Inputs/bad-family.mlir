module attributes {edge.family = #edge.family<npu>} {
}
