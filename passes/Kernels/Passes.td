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

    With `tuning=FILE` (a tuning file `scripts/tune-mcu.sh` writes, read
    with the JSON parser of LLVM): each layer the file names by its tuning
    key (the node name, "name#k" for the k-th op of that name) takes the
    kernel the file asks for, recorded as `edge.tuned` (and the instructions
    measured for it as `edge.tuned_instructions`); edge-select-sparse-kernels
    then sets the layer's sparse decision to match. A file for another
    family, a layer the module does not have, or a kernel that cannot run
    its layer is an error naming the file and the layer.

    Ends with the legality check: every compute op without a kernel gets an
    error with a note naming the op, its element types and the family, and the
    pass fails, before any memory is planned.
  }];
  let options = [
    Option<"family", "family", "::edgec::edge::KernelFamily",
           "::edgec::edge::KernelFamily::Portable",
           "Kernel family of the target (the target file's `kernels`)",
           "::edgec::kernels::familyOptionValues()">,
    Option<"tuning", "tuning", "std::string", "\"\"",
           "Tuning file: the kernel of each layer it names (scripts/tune-mcu.sh)">,
  ];
  let dependentDialects = ["::edgec::edge::EdgeDialect"];
}

#endif // EDGEC_PASSES_KERNELS_PASSES_TD
