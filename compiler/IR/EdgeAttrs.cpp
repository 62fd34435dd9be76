//===- EdgeAttrs.cpp - edge dialect attributes and their verification ------===//
//
// The typed attributes of EdgeAttrs.td, and the check of every discardable
// `edge.*` attribute by name: a pass, a test or a hand-edited module that
// writes an unknown name or a value of the wrong kind gets a diagnostic at the
// op, instead of a default somewhere downstream.
//
//===----------------------------------------------------------------------===//

#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h" // the generated attribute printer

using namespace mlir;
using namespace edgec::edge;

#include "edgec/IR/EdgeEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "edgec/IR/EdgeAttrs.cpp.inc"

void EdgeDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "edgec/IR/EdgeAttrs.cpp.inc"
      >();
}

LogicalResult KernelAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef name,
                                 StringRef symbol, StringRef header, int64_t scratch) {
  if (name.empty() || symbol.empty() || header.empty())
    return emitError() << "#edge.kernel needs a name, a symbol and a header";
  if (scratch < 0)
    return emitError() << "#edge.kernel '" << name << "': scratch must be >= 0, not " << scratch;
  return success();
}

LogicalResult SparseAttr::verify(function_ref<InFlightDiagnostic()> emitError, SparseKind,
                                 SparseChoice, int64_t dense, int64_t sparse, int64_t denseBytes,
                                 int64_t sparseBytes) {
  if (dense < 0 || sparse < 0 || denseBytes < 0 || sparseBytes < 0)
    return emitError() << "#edge.sparse: predictions and byte counts must be >= 0";
  return success();
}

KernelFamily edgec::edge::familyOf(Operation *op) {
  ModuleOp module = isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  if (auto a = module ? module->getAttrOfType<KernelFamilyAttr>(kFamilyAttr) : nullptr)
    return a.getValue();
  return KernelFamily::Portable;
}

KernelAttr edgec::edge::kernelOf(Operation *op) {
  return op->getAttrOfType<KernelAttr>(kKernelAttr);
}

SparseAttr edgec::edge::sparseOf(Operation *op) {
  return op->getAttrOfType<SparseAttr>(kSparseAttr);
}

//===----------------------------------------------------------------------===//
// Discardable attributes
//===----------------------------------------------------------------------===//

namespace {

/// What a discardable attribute holds.
enum class Kind {
  Family,        // #edge.family
  Kernel,        // #edge.kernel
  Sparse,        // #edge.sparse
  Unit,          // unit (a flag)
  NonNegative,   // integer >= 0
  Integer,       // any integer
  Float,         // float
  String,        // string
  StringArray,   // array of strings
  F32Pair,       // array<f32: lo, hi> with lo <= hi
  F64Array,      // array<f64>
  Dictionary,    // dictionary of integers, floats and strings
  DictionaryArray, // array of such dictionaries
};

/// Where it may appear.
enum Where : unsigned { OnOp = 1, OnFunc = 2, OnModule = 4, OnArg = 8, OnResult = 16 };

struct Discardable {
  const char *name;
  Kind kind;
  unsigned where;
};

// Every discardable edge.* attribute, its kind and where it may appear. A new
// one is one row here (and docs/design.md, "Attributes the pipeline writes").
constexpr Discardable kDiscardable[] = {
    {"edge.source", Kind::String, OnModule},
    {"edge.opset", Kind::NonNegative, OnModule},
    {"edge.format", Kind::String, OnModule},
    {"edge.producer", Kind::String, OnModule},
    {"edge.family", Kind::Family, OnModule},
    {"edge.name", Kind::String, OnArg | OnResult},
    {"edge.onnx_type", Kind::Integer, OnOp},
    {"edge.weight_bits", Kind::NonNegative, OnOp},
    {"edge.fused", Kind::StringArray, OnOp},
    {"edge.range", Kind::F32Pair, OnOp | OnArg},
    {"edge.sparsity", Kind::Dictionary, OnOp},
    {"edge.sparse", Kind::Sparse, OnOp},
    {"edge.kernel", Kind::Kernel, OnOp},
    {"edge.tuned", Kind::String, OnOp},
    {"edge.tuned_instructions", Kind::NonNegative, OnOp},
    {"edge.offset", Kind::NonNegative, OnOp},
    {"edge.scratch_offset", Kind::NonNegative, OnOp},
    {"edge.state_offset", Kind::NonNegative, OnOp},
    {"edge.concat_copies", Kind::Unit, OnOp},
    {"edge.streamed", Kind::Unit, OnOp},
    {"edge.stream_rows", Kind::NonNegative, OnOp},
    {"edge.arena_size", Kind::NonNegative, OnFunc},
    {"edge.arena_lower_bound", Kind::NonNegative, OnFunc},
    {"edge.planner", Kind::String, OnFunc},
    {"edge.arena_alignment", Kind::NonNegative, OnFunc},
    {"edge.schedule", Kind::String, OnFunc},
    {"edge.schedule_source_bound", Kind::NonNegative, OnFunc},
    {"edge.sqnr", Kind::Float, OnOp},
    {"edge.sqnr_plain", Kind::Float, OnOp},
    {"edge.plain_options", Kind::String, OnFunc | OnModule},
    {"edge.channel_mean", Kind::F64Array, OnOp},
    {"edge.sqnr_drop", Kind::Float, OnOp},
    {"edge.float_reason", Kind::String, OnOp},
    {"edge.output_sqnr", Kind::F64Array, OnFunc | OnModule},
    {"edge.eval_samples", Kind::NonNegative, OnFunc | OnModule},
    {"edge.quant_warnings", Kind::StringArray, OnFunc | OnModule},
    {"edge.accuracy_float", Kind::Float, OnFunc | OnModule},
    {"edge.accuracy_quantized", Kind::Float, OnFunc | OnModule},
    {"edge.float_arena_bytes", Kind::NonNegative, OnFunc | OnModule},
    {"edge.float_weight_bytes", Kind::NonNegative, OnFunc | OnModule},
    {"edge.auto_budget_db", Kind::Float, OnFunc | OnModule},
    {"edge.auto_int8_sqnr", Kind::Float, OnFunc | OnModule},
    {"edge.auto_int8_arena_bytes", Kind::NonNegative, OnFunc | OnModule},
    {"edge.auto_int8_instructions", Kind::NonNegative, OnFunc | OnModule},
    {"edge.auto_steps", Kind::DictionaryArray, OnFunc | OnModule},
};

const char *kindName(Kind k) {
  switch (k) {
  case Kind::Family: return "a #edge.family";
  case Kind::Kernel: return "a #edge.kernel";
  case Kind::Sparse: return "a #edge.sparse";
  case Kind::Unit: return "a unit attribute";
  case Kind::NonNegative: return "a non-negative integer";
  case Kind::Integer: return "an integer";
  case Kind::Float: return "a float";
  case Kind::String: return "a string";
  case Kind::StringArray: return "an array of strings";
  case Kind::F32Pair: return "an array<f32: min, max> with min <= max";
  case Kind::F64Array: return "an array<f64>";
  case Kind::Dictionary: return "a dictionary of integers, floats and strings";
  case Kind::DictionaryArray: return "an array of dictionaries of integers, floats and strings";
  }
  return "?";
}

bool holds(Kind k, Attribute a) {
  switch (k) {
  case Kind::Family: return isa<KernelFamilyAttr>(a);
  case Kind::Kernel: return isa<KernelAttr>(a);
  case Kind::Sparse: return isa<SparseAttr>(a);
  case Kind::Unit: return isa<UnitAttr>(a);
  case Kind::NonNegative: {
    auto i = dyn_cast<IntegerAttr>(a);
    return i && !i.getValue().isNegative();
  }
  case Kind::Integer: return isa<IntegerAttr>(a);
  case Kind::Float: return isa<FloatAttr>(a);
  case Kind::String: return isa<StringAttr>(a);
  case Kind::StringArray: {
    auto arr = dyn_cast<ArrayAttr>(a);
    return arr && llvm::all_of(arr, [](Attribute e) { return isa<StringAttr>(e); });
  }
  case Kind::F32Pair: {
    auto r = dyn_cast<DenseF32ArrayAttr>(a);
    return r && r.size() == 2 && !(r[0] > r[1]);
  }
  case Kind::F64Array: return isa<DenseF64ArrayAttr>(a);
  case Kind::Dictionary: {
    auto d = dyn_cast<DictionaryAttr>(a);
    return d && llvm::all_of(d, [](NamedAttribute e) {
             return isa<IntegerAttr, FloatAttr, StringAttr>(e.getValue());
           });
  }
  case Kind::DictionaryArray: {
    auto arr = dyn_cast<ArrayAttr>(a);
    return arr && llvm::all_of(arr, [](Attribute e) { return holds(Kind::Dictionary, e); });
  }
  }
  return false;
}

LogicalResult check(NamedAttribute attr, unsigned where, function_ref<InFlightDiagnostic()> error) {
  StringRef name = attr.getName().strref();
  for (const Discardable &d : kDiscardable) {
    if (name != d.name)
      continue;
    if (!(d.where & where))
      return error() << "'" << name << "' does not belong on "
                     << (where == OnArg      ? "a function argument"
                         : where == OnResult ? "a function result"
                         : where == OnModule ? "a module"
                         : where == OnFunc   ? "a function"
                                             : "an op");
    if (!holds(d.kind, attr.getValue()))
      return error() << "'" << name << "' must be " << kindName(d.kind) << ", not "
                     << attr.getValue();
    return success();
  }
  return error() << "unknown attribute '" << name << "' (the edge dialect's discardable "
                 << "attributes are listed in compiler/IR/EdgeAttrs.cpp)";
}

} // namespace

LogicalResult EdgeDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  // A module (or any symbol table) holds module attributes, a function (a
  // symbol that is not a table) function ones, every other op op ones.
  unsigned where = op->hasTrait<OpTrait::SymbolTable>() ? OnModule
                   : isa<SymbolOpInterface>(op)        ? OnFunc
                                                       : OnOp;
  return check(attr, where, [&] { return op->emitError(); });
}

LogicalResult EdgeDialect::verifyRegionArgAttribute(Operation *op, unsigned, unsigned,
                                                    NamedAttribute attr) {
  return check(attr, OnArg, [&] { return op->emitError(); });
}

LogicalResult EdgeDialect::verifyRegionResultAttribute(Operation *op, unsigned, unsigned,
                                                       NamedAttribute attr) {
  return check(attr, OnResult, [&] { return op->emitError(); });
}
