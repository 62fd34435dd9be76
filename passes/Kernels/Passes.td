//===- Passes.td - kernel selection -----------------------------*- tablegen -*-===//

#ifndef EDGEC_PASSES_KERNELS_PASSES_TD
#define EDGEC_PASSES_KERNELS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectKernelsPass : Pass<"edge-select-kernels", "::mlir::ModuleOp"> {
  let summary = "Choose the kernel of every layer from the kernel table";
  let description = [{
    Writes `edge.family = #edge.family<...>` on the module and, on every
    compute op (not constants, not views), `edge.kernel = #edge.kernel<name,
    symbol, header, scratch = bytes>`: the first row of the kernel table
    (passes/Kernels/KernelTable.def) whose op, dtype, family and predicate
    match. A conv2d / gemm whose `edge.sparse` decision is "sparse" takes its
    sparse row. The memory planner reserves the kernel's scratch, and code
    generation calls the kernel the attribute names.

    Ends with the legality check: every compute op without a kernel gets an
    error with a note naming the op, its element types and the family, and the
    pass fails, before any memory is planned.
  }];
  let options = [
    Option<"family", "family", "::edgec::edge::KernelFamily",
           "::edgec::edge::KernelFamily::Portable",
           "Kernel family of the target (the target file's `kernels`)",
           "::edgec::kernels::familyOptionValues()">,
  ];
  let dependentDialects = ["::edgec::edge::EdgeDialect"];
}

#endif // EDGEC_PASSES_KERNELS_PASSES_TD
