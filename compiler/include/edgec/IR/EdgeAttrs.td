//===- EdgeAttrs.td - edge dialect attributes -------------------*- tablegen -*-===//
//
// Attributes the compile pipeline writes on the module and its ops: which
// kernel family a compile targets, which kernel runs each layer (with its
// scratch), and the sparse cost model's decision. They are typed so that a
// misspelt family or a missing field is a verifier error, not a silent default.
//
//===----------------------------------------------------------------------===//

#ifndef EDGEC_IR_EDGEATTRS_TD
#define EDGEC_IR_EDGEATTRS_TD

include "edgec/IR/EdgeBase.td"
include "mlir/IR/EnumAttr.td"

// Enum cases whose names are not MLIR keywords ("arm-dsp") print as strings.
class Edge_StringEnum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::edgec::edge";
  let genSpecializedAttr = 0;
  let parameterParser = [{[&]() -> ::mlir::FailureOr<}] # cppType # [{> {
    auto loc = $_parser.getCurrentLocation();
    std::string keyword;
    if (::mlir::failed($_parser.parseKeywordOrString(&keyword)))
      return ::mlir::failure();
    if (auto value = }] # cppNamespace # "::" # stringToSymbolFnName # [{(keyword))
      return *value;
    return {(::llvm::LogicalResult)($_parser.emitError(loc) << "expected one of: " << }] #
    !interleave(!foreach(enum, enumerants, "\"" # enum.str # "\""), [{ << ", " << }]) #
    [{ << ", not '" << keyword << "'")};
  }()}];
  let parameterPrinter = [{$_printer.printKeywordOrString(}] # cppNamespace # "::" #
                         symbolToStringFnName # [{($_self));}];
}

//===----------------------------------------------------------------------===//
// Kernel family
//===----------------------------------------------------------------------===//

// The kernels a target runs. A family decides which rows of the kernel table
// (passes/Kernels/KernelTable.def) may run a layer; every family can run the
// portable reference kernels. Extend it with one case here and the rows that
// use it.
def Edge_KernelFamily : Edge_StringEnum<"KernelFamily", "kernel family", [
    I32EnumAttrCase<"Portable", 0, "portable">,
    I32EnumAttrCase<"Blocked", 1, "blocked">,
    I32EnumAttrCase<"ArmDsp", 2, "arm-dsp">,
    I32EnumAttrCase<"ArmMve", 3, "arm-mve">]>;

def Edge_KernelFamilyAttr : EnumAttr<Edge_Dialect, Edge_KernelFamily, "family"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

// What an edge.reduce_* op computes over its axes (ReduceOpInterface). The
// values index the reduce kernel's functors: keep their order.
def Edge_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"Sum", 0, "sum">, I32EnumAttrCase<"Mean", 1, "mean">,
    I32EnumAttrCase<"Max", 2, "max">, I32EnumAttrCase<"Min", 3, "min">,
    I32EnumAttrCase<"Prod", 4, "prod">, I32EnumAttrCase<"L1", 5, "l1">,
    I32EnumAttrCase<"L2", 6, "l2">, I32EnumAttrCase<"SumSquare", 7, "sum_square">,
    I32EnumAttrCase<"LogSum", 8, "log_sum">, I32EnumAttrCase<"LogSumExp", 9, "log_sum_exp">]> {
  let cppNamespace = "::edgec::edge";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Op modes: every string-valued ONNX mode is an enum, so an unknown one is a
// parse error and no consumer falls back to a default.
//===----------------------------------------------------------------------===//

class Edge_ModeEnum<string name, string summary, list<I32EnumAttrCase> cases>
    : I32EnumAttr<name, summary, cases> {
  let cppNamespace = "::edgec::edge";
  let genSpecializedAttr = 0;
}
class Edge_ModeAttr<Edge_ModeEnum e, string mnemonic>
    : EnumAttr<Edge_Dialect, e, mnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

// edge.reduce_runtime_axes says which reduction it computes with this.
def Edge_ReduceKindAttr : EnumAttr<Edge_Dialect, Edge_ReduceKind, "reduce_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

def Edge_PadMode : Edge_ModeEnum<"PadMode", "pad mode", [
    I32EnumAttrCase<"Constant", 0, "constant">, I32EnumAttrCase<"Reflect", 1, "reflect">,
    I32EnumAttrCase<"Edge", 2, "edge">]>;
def Edge_PadModeAttr : Edge_ModeAttr<Edge_PadMode, "pad_mode">;

def Edge_ScatterReduction : Edge_ModeEnum<"ScatterReduction", "scatter reduction", [
    I32EnumAttrCase<"None", 0, "none">, I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Mul", 2, "mul">, I32EnumAttrCase<"Max", 3, "max">,
    I32EnumAttrCase<"Min", 4, "min">]>;
def Edge_ScatterReductionAttr : Edge_ModeAttr<Edge_ScatterReduction, "reduction">;

def Edge_SampleMode : Edge_ModeEnum<"SampleMode", "grid-sample interpolation", [
    I32EnumAttrCase<"Bilinear", 0, "bilinear">, I32EnumAttrCase<"Nearest", 1, "nearest">,
    I32EnumAttrCase<"Bicubic", 2, "bicubic">]>;
def Edge_SampleModeAttr : Edge_ModeAttr<Edge_SampleMode, "sample_mode">;

def Edge_SamplePadding : Edge_ModeEnum<"SamplePadding", "grid-sample padding", [
    I32EnumAttrCase<"Zeros", 0, "zeros">, I32EnumAttrCase<"Border", 1, "border">,
    I32EnumAttrCase<"Reflection", 2, "reflection">]>;
def Edge_SamplePaddingAttr : Edge_ModeAttr<Edge_SamplePadding, "sample_padding">;

def Edge_RoiAlignMode : Edge_ModeEnum<"RoiAlignMode", "roi-align pooling", [
    I32EnumAttrCase<"Avg", 0, "avg">, I32EnumAttrCase<"Max", 1, "max">]>;
def Edge_RoiAlignModeAttr : Edge_ModeAttr<Edge_RoiAlignMode, "roi_mode">;

def Edge_RecurrentCell : Edge_ModeEnum<"RecurrentCell", "recurrent cell", [
    I32EnumAttrCase<"Rnn", 0, "rnn">, I32EnumAttrCase<"Gru", 1, "gru">,
    I32EnumAttrCase<"Lstm", 2, "lstm">]>;
def Edge_RecurrentCellAttr : Edge_ModeAttr<Edge_RecurrentCell, "cell">;

def Edge_RecurrentDirection : Edge_ModeEnum<"RecurrentDirection", "recurrent direction", [
    I32EnumAttrCase<"Forward", 0, "forward">, I32EnumAttrCase<"Reverse", 1, "reverse">,
    I32EnumAttrCase<"Bidirectional", 2, "bidirectional">]>;
def Edge_RecurrentDirectionAttr : Edge_ModeAttr<Edge_RecurrentDirection, "direction">;

// Whose integer arithmetic an op follows where two schemes round
// differently (docs/numerics.md): edgec's own (absent), or TFLite's reference
// kernels, which the .tflite importer asks for so that an imported model gives
// TFLite-Micro's integers. Float semantics are the same either way.
def Edge_Numerics : Edge_ModeEnum<"Numerics", "integer numerics", [
    I32EnumAttrCase<"Edgec", 0, "edgec">, I32EnumAttrCase<"Tflite", 1, "tflite">]>;
def Edge_NumericsAttr : Edge_ModeAttr<Edge_Numerics, "numerics">;

//===----------------------------------------------------------------------===//
// Kernel choice
//===----------------------------------------------------------------------===//

class Edge_Attr<string name, string attrMnemonic> : AttrDef<Edge_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Edge_KernelAttr : Edge_Attr<"Kernel", "kernel"> {
  let summary = "The kernel that runs a layer, chosen by edge-select-kernels";
  let description = [{
    Written on every compute op by `edge-select-kernels` (and rewritten by
    `edge-select-sparse-kernels` when the sparse cost model picks a sparse
    kernel). `name` is the kernel table's row, `symbol` the C++ function the
    generated code calls, `header` the runtime header that declares it and
    `scratch` the bytes of arena scratch the kernel needs while it runs (0 for
    none); the memory planner reserves exactly that and the generated code
    static_asserts it.

    Example: `#edge.kernel<"conv2d_s8_dsp", "edgec::arm::conv2d_s8_dsp",
    "edgec/kernels/arm/conv2d_s8_dsp.h", scratch = 576>`
  }];
  let parameters = (ins StringRefParameter<"kernel table row">:$name,
                        StringRefParameter<"C++ function">:$symbol,
                        StringRefParameter<"runtime header">:$header,
                        "int64_t":$scratch);
  let assemblyFormat = "`<` $name `,` $symbol `,` $header `,` `scratch` `=` $scratch `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Sparse kernels
//===----------------------------------------------------------------------===//

def Edge_SparseKind : Edge_StringEnum<"SparseKind", "sparse kernel", [
    I32EnumAttrCase<"Pointwise", 0, "pointwise">,
    I32EnumAttrCase<"Depthwise", 1, "depthwise">,
    I32EnumAttrCase<"Im2col", 2, "im2col">,
    I32EnumAttrCase<"Fc", 3, "fc">]>;

def Edge_SparseChoice : Edge_StringEnum<"SparseChoice", "dense or sparse", [
    I32EnumAttrCase<"Dense", 0, "dense">,
    I32EnumAttrCase<"Sparse", 1, "sparse">]>;

def Edge_SparseAttr : Edge_Attr<"Sparse", "sparse"> {
  let summary = "The sparse cost model's decision on a conv2d / gemm layer";
  let description = [{
    Written by `edge-select-sparse-kernels` on each layer a sparse kernel can
    run: which sparse kernel (`kind`), the choice, the predicted instructions of
    the dense and the sparse kernel, and the weight bytes of each encoding.
  }];
  let parameters = (ins EnumParameter<Edge_SparseKind>:$kind,
                        EnumParameter<Edge_SparseChoice>:$choice,
                        "int64_t":$dense, "int64_t":$sparse,
                        "int64_t":$dense_bytes, "int64_t":$sparse_bytes);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isSparse() const { return getChoice() == SparseChoice::Sparse; }
  }];
}

#endif // EDGEC_IR_EDGEATTRS_TD
