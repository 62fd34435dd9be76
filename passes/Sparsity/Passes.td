//===- Passes.td - sparsity passes ------------------------------*- tablegen -*-===//

#ifndef EDGEC_PASSES_SPARSITY_PASSES_TD
#define EDGEC_PASSES_SPARSITY_PASSES_TD

include "mlir/Pass/PassBase.td"

def PruneChannelsPass : Pass<"edge-prune-channels", "::mlir::func::FuncOp"> {
  let summary = "Remove output channels that are constant zero or never read";
  let description = [{
    Structured rewrite of a float graph, exact by construction. An output
    channel c of a conv2d (one group) or gemm (B as N x K) is removed when,
    along every path to the convolutions and gemms that read it, either

    - the channel is constant zero: its filter row and bias are 0 and the
      fused activation keeps 0 at 0, or
    - no reader uses it: every reading conv2d / gemm has zero weights for
      input channel c.

    Paths may pass through channel-wise ops that keep 0 at 0 (relu, clip,
    max / average / global-average pooling) and depthwise convolutions (whose
    channel c is then removed too; a depthwise channel fed by a zero channel
    stays zero when its bias is 0). The producer loses the filter rows, the
    depthwise layers the channels, and the readers the matching input
    channels: fewer MACs, fewer weights and smaller activations.
  }];
}

def MagnitudePrunePass : Pass<"edge-magnitude-prune", "::mlir::func::FuncOp"> {
  let summary = "Zero the smallest-magnitude weights (an experiment, not training)";
  let description = [{
    Sets the smallest |w| of every conv2d and gemm weight to 0: a fraction
    `sparsity` of each layer (`scope=layer`) or of all layers together
    (`scope=global`), or with `n-m=2:4` the smallest M - N of every M
    consecutive weights along the reduction axis. Biases are kept. Pruning
    without fine-tuning costs accuracy; the quantization report measures it.
  }];
  let options = [
    Option<"sparsity", "sparsity", "double", "0.5", "Fraction of weights to zero">,
    Option<"scope", "scope", "std::string", "\"layer\"", "layer or global">,
    Option<"nm", "n-m", "std::string", "\"\"", "N:M pattern instead of a fraction, e.g. 2:4">,
  ];
}

def AnalyzeSparsityPass : Pass<"edge-analyze-sparsity", "::mlir::func::FuncOp"> {
  let summary = "Annotate conv2d / gemm layers with the sparsity of their weights";
  let description = [{
    For every conv2d and gemm with constant weights (float, or int8 after
    quantization, where small weights may have rounded to 0) writes
    `edge.sparsity = {total, nonzero, zero_out, zero_in, n_m, zero_blocks}`:
    the weight count, the non-zeros, the output channels whose filters are
    all zero, the input channels no filter reads, the tightest N:4 pattern
    every group of four consecutive weights obeys ("1:4", "2:4", "3:4" or
    "" for none), and the fraction of all-zero 1x4 blocks.
  }];
}

def SelectSparseKernelsPass : Pass<"edge-select-sparse-kernels", "::mlir::ModuleOp"> {
  let summary = "Choose dense or sparse kernels per int8 layer from the cost model";
  let description = [{
    For each int8 conv2d (one group, or depthwise) and fully-connected gemm
    with constant weights, predicts the instructions of the dense and the
    sparse kernel of the module's kernel family (`edge.family`, written by
    edge-select-kernels, which must run first) and writes
    `edge.sparse = #edge.sparse<kind = ..., choice = ..., dense = ..., sparse = ...,
    dense_bytes = ..., sparse_bytes = ...>`, and the kernel of the choice
    from the kernel table as `edge.kernel`.
    `mode=auto` picks the sparse kernel when it is predicted cheaper and its
    encoding is smaller than the dense weights, `force` sparse wherever a
    sparse kernel exists, `off` never. In `auto` RAM is a contract: the
    arena never grows beyond the all-dense plan's, or with `ram-budget` the
    larger of that and the budget. While the greedy-by-size plan with the
    chosen kernels is larger, the sparse layer whose return to dense shrinks
    the plan the most (more scratch, or an in-place run the dense kernel has
    and the sparse one lacks) goes back to dense; then each reverted layer
    that fits after all is sparse again. A layer a tuning file names
    (`edge.tuned`, see edge-select-kernels) takes the decision of the kernel
    it asks for, in every mode, and is never reverted: the measurement
    stands, and the arena it gives is the one reported. Runs after
    edge-analyze-sparsity, on the final schedule.
  }];
  let options = [
    Option<"mode", "mode", "std::string", "\"auto\"", "auto, off or force">,
    Option<"alignment", "alignment", "int64_t", "16",
           "Arena alignment the plans of `auto` use (edge-plan-memory's)">,
    Option<"ramBudget", "ram-budget", "int64_t", "0",
           "Bytes the arena may take under `auto` when more than the all-dense plan "
           "(0: the all-dense plan's)">,
  ];
}

#endif // EDGEC_PASSES_SPARSITY_PASSES_TD
