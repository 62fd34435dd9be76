//===- OnnxImporter.cpp - ONNX model to edge dialect -----------------------===//
//
// One path from file to module: read the ModelProto, create @main with static
// argument types, convert initializers to dense_resource constants, then visit
// nodes in order, dispatching on (domain, op type, opset) to a handler. Every
// op whose operands are all constants is folded right away with the reference
// evaluator, which is how Shape -> Gather -> Concat -> Reshape chains become
// static shapes. Unsupported nodes are collected and reported together.
//
//===----------------------------------------------------------------------===//

#include "edgec/Import/OnnxImporter.h"
#include "ImporterImpl.h"
#include "ImportCommon.h"
#include "edgec/Support/Files.h"
#include "edgec/Support/Names.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Path.h"

#include <onnx/defs/function.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace mlir;

namespace edgec {
namespace onnx_import {

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

InFlightDiagnostic NodeContext::error() {
  return emitError(loc) << "node '" << name << "' (" << node.op_type() << "): ";
}

LogicalResult NodeContext::fail(const std::string &message) {
  error() << message;
  return failure();
}

LogicalResult NodeContext::checkConstantShape(const Shape &shape, const std::string &what) {
  int64_t n = checkedElementCount(shape);
  if (n >= 0 && n <= kMaxConstantElements)
    return success();
  return fail(what + " of shape " + shapeToString(shape) + " would be a constant of " +
              (n < 0 ? std::string("more than 2^31 - 1 (or a negative number of)")
                     : std::to_string(n)) +
              " elements; edgec creates constants of up to 2^24 elements");
}

FailureOr<Value> NodeContext::required(size_t i, const char *what) {
  if (Value v = in(i))
    return v;
  error() << "missing required input " << i << " (" << what << ")";
  return failure();
}

std::optional<Tensor> NodeContext::constantInput(size_t i) const {
  Value v = in(i);
  if (!v)
    return std::nullopt;
  if (auto c = v.getDefiningOp<edge::ConstantOp>())
    return tensorFromAttr(c.getValue());
  return std::nullopt;
}

FailureOr<Shape> NodeContext::constantInts(size_t i, const char *what) {
  std::optional<Tensor> t = constantInput(i);
  if (!t) {
    error() << "input " << i << " (" << what
            << ") must be a compile-time constant; it is computed at run time";
    return failure();
  }
  if (t->isFloat()) {
    error() << "input " << i << " (" << what << ") must be an integer tensor, got float";
    return failure();
  }
  return t->i;
}

const onnx::AttributeProto *NodeContext::attr(const char *n) const {
  readAttributes.insert(n);
  for (const auto &a : node.attribute())
    if (a.name() == n)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(const char *n, int64_t dflt) const {
  const auto *a = attr(n);
  return a ? a->i() : dflt;
}

float NodeContext::attrFloat(const char *n, float dflt) const {
  const auto *a = attr(n);
  return a ? a->f() : dflt;
}

std::string NodeContext::attrString(const char *n, const std::string &dflt) const {
  const auto *a = attr(n);
  return a ? a->s() : dflt;
}

std::optional<Shape> NodeContext::attrInts(const char *n) const {
  const auto *a = attr(n);
  if (!a)
    return std::nullopt;
  return Shape(a->ints().begin(), a->ints().end());
}

std::optional<std::vector<float>> NodeContext::attrFloats(const char *n) const {
  const auto *a = attr(n);
  if (!a)
    return std::nullopt;
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

Shape NodeContext::shape(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return Shape(s.begin(), s.end());
}

Value NodeContext::reshape(Value v, const Shape &s) {
  if (shape(v) == s)
    return v;
  return b.create<edge::ReshapeOp>(loc, tensorType(s, elementType(v)), v);
}

Value NodeContext::constant(const Tensor &t) { return materializeConstant(b, loc, t, name); }

FailureOr<int64_t> NodeContext::axis(int64_t a, int64_t rank, const char *what) {
  if (a < -rank || a >= rank) {
    error() << what << " " << a << " is out of range for rank " << rank << " (valid: "
            << -rank << " to " << rank - 1 << ")";
    return failure();
  }
  return a < 0 ? a + rank : a;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

std::optional<DType> dtypeFromOnnx(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT: return DType::F32;
  case onnx::TensorProto::DOUBLE: return DType::F32; // narrowed: edgec computes in float
  case onnx::TensorProto::FLOAT16: return DType::F16;
  case onnx::TensorProto::INT64: return DType::I64;
  case onnx::TensorProto::INT32: return DType::I32;
  case onnx::TensorProto::INT8: return DType::I8;
  case onnx::TensorProto::UINT8: return DType::U8;
  case onnx::TensorProto::INT16: return DType::I16;
  case onnx::TensorProto::UINT16: return DType::U16;
  case onnx::TensorProto::UINT32: return DType::U32;
  case onnx::TensorProto::UINT64: return DType::U64;
  case onnx::TensorProto::BOOL: return DType::Bool;
  case onnx::TensorProto::BFLOAT16: return DType::BF16;
  // Numbered from ONNX 1.14 on (Debian's onnx 1.12 has no names for them).
  case kOnnxFloat8E4M3FN: return DType::F8E4M3FN;
  case kOnnxFloat8E4M3FNUZ: return DType::F8E4M3FNUZ;
  case kOnnxFloat8E5M2: return DType::F8E5M2;
  case kOnnxFloat8E5M2FNUZ: return DType::F8E5M2FNUZ;
  case kOnnxUint4: return DType::U4;
  case kOnnxInt4: return DType::I4;
  case kOnnxUint2: return DType::U2;
  case kOnnxInt2: return DType::I2;
  default: return std::nullopt;
  }
}

int32_t onnxElementType(DType t) {
  switch (t) {
  case DType::F32: return onnx::TensorProto::FLOAT;
  case DType::F16: return onnx::TensorProto::FLOAT16;
  case DType::I64: return onnx::TensorProto::INT64;
  case DType::I32: return onnx::TensorProto::INT32;
  case DType::I16: return onnx::TensorProto::INT16;
  case DType::I8: return onnx::TensorProto::INT8;
  case DType::U8: return onnx::TensorProto::UINT8;
  case DType::U16: return onnx::TensorProto::UINT16;
  case DType::U32: return onnx::TensorProto::UINT32;
  case DType::U64: return onnx::TensorProto::UINT64;
  case DType::Bool: return onnx::TensorProto::BOOL;
  case DType::BF16: return onnx::TensorProto::BFLOAT16;
  case DType::F8E4M3FN: return kOnnxFloat8E4M3FN;
  case DType::F8E4M3FNUZ: return kOnnxFloat8E4M3FNUZ;
  case DType::F8E5M2: return kOnnxFloat8E5M2;
  case DType::F8E5M2FNUZ: return kOnnxFloat8E5M2FNUZ;
  case DType::I4: return kOnnxInt4;
  case DType::U4: return kOnnxUint4;
  case DType::I2: return kOnnxInt2;
  case DType::U2: return kOnnxUint2;
  }
  return onnx::TensorProto::UNDEFINED;
}

static const char *onnxTypeName(int32_t t) {
  switch (t) {
  case 1: return "FLOAT"; case 2: return "UINT8"; case 3: return "INT8"; case 4: return "UINT16";
  case 5: return "INT16"; case 6: return "INT32"; case 7: return "INT64"; case 8: return "STRING";
  case 9: return "BOOL"; case 10: return "FLOAT16"; case 11: return "DOUBLE"; case 12: return "UINT32";
  case 13: return "UINT64"; case 14: return "COMPLEX64"; case 15: return "COMPLEX128"; case 16: return "BFLOAT16";
  case 17: return "FLOAT8E4M3FN"; case 18: return "FLOAT8E4M3FNUZ"; case 19: return "FLOAT8E5M2";
  case 20: return "FLOAT8E5M2FNUZ"; case 21: return "UINT4"; case 22: return "INT4";
  case 23: return "FLOAT4E2M1"; case 24: return "FLOAT8E8M0"; case 25: return "UINT2"; case 26: return "INT2";
  case 0: return "UNDEFINED";
  default: return "an unknown type";
  }
}

std::string onnxTypeDescription(int32_t t) {
  return std::string("ONNX type ") + onnxTypeName(t) + " (" + std::to_string(t) + ")";
}

/// The bytes of an external-data tensor (`expectedBytes` of them), read
/// through files::readConfined: inside the model's folder, no links, regular
/// files only, strict offset/length.
static bool readExternal(const onnx::TensorProto &t, const std::string &baseDir,
                         int64_t expectedBytes, std::string &data, std::string &error,
                         std::vector<std::string> *externalFiles) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset" || kv.key() == "length") {
      std::optional<int64_t> v = files::parseNonNegative(kv.value());
      if (!v) {
        error = "external_data '" + kv.key() + "' = '" + kv.value() +
                "' is not a non-negative decimal integer";
        return false;
      }
      (kv.key() == "offset" ? offset : length) = *v;
    }
  }
  if (location.empty()) {
    error = "external data has no location";
    return false;
  }
  if (baseDir.empty()) {
    error = "external data '" + location + "' cannot be resolved here (no model folder)";
    return false;
  }
  if (!files::readConfined(baseDir, location, offset, length, expectedBytes, data, error))
    return false;
  if (externalFiles)
    externalFiles->push_back(baseDir + "/" + location);
  return true;
}

FailureOr<Tensor> tensorFromProto(const onnx::TensorProto &t, const std::string &baseDir,
                                  std::string &error, std::vector<std::string> *externalFiles) {
  std::optional<DType> dt = dtypeFromOnnx(t.data_type());
  if (!dt) {
    error = std::string("element type ") + onnxTypeName(t.data_type()) + " is not supported";
    return failure();
  }
  Shape shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0) {
      error = "negative dimension in " + shapeToString(shape);
      return failure();
    }
  int64_t n = checkedElementCount(shape);
  if (n < 0) {
    error = "tensor of shape " + shapeToString(shape) + " has more than 2^31 - 1 elements";
    return failure();
  }
  Tensor r = Tensor::zeros(*dt, shape);
  bool isDouble = t.data_type() == onnx::TensorProto::DOUBLE;
  size_t elemSize = isDouble ? 8 : dtypeSize(*dt);
  // 4- and 2-bit integers are packed, the first element in the low bits.
  const int perByte = *dt == DType::I4 || *dt == DType::U4   ? 2
                      : *dt == DType::I2 || *dt == DType::U2 ? 4
                                                             : 1;
  auto unpack = [&](auto byteAt) {
    const int bits = 8 / perByte;
    for (int64_t k = 0; k < n; ++k)
      r.i[k] = wrapInteger(*dt, (byteAt(k / perByte) >> (bits * (k % perByte))) & ((1 << bits) - 1));
  };
  std::string raw;
  bool haveRaw = false;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!readExternal(t, baseDir, perByte > 1 ? (n + perByte - 1) / perByte : n * (int64_t)elemSize,
                      raw, error, externalFiles))
      return failure();
    haveRaw = true;
  } else if (t.has_raw_data()) {
    raw = t.raw_data();
    haveRaw = true;
  }
  auto countMismatch = [&](int64_t got) {
    error = "holds " + std::to_string(got) + " values, shape " + shapeToString(shape) +
            " needs " + std::to_string(n);
    return failure();
  };
  if (haveRaw && perByte > 1) {
    if ((int64_t)raw.size() != (n + perByte - 1) / perByte)
      return countMismatch(raw.size() * perByte);
    unpack([&](int64_t b) { return (int)(uint8_t)raw[b]; });
    return r;
  }
  if (haveRaw) {
    if ((int64_t)raw.size() != n * (int64_t)elemSize)
      return countMismatch(raw.size() / elemSize);
    if (isDouble) {
      for (int64_t k = 0; k < n; ++k) {
        double d;
        std::memcpy(&d, raw.data() + 8 * k, 8);
        r.f[k] = (float)d;
      }
      return r;
    }
    return Tensor::fromBytes(*dt, shape, raw.data());
  }
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (t.float_data_size() != n) return countMismatch(t.float_data_size());
    std::copy(t.float_data().begin(), t.float_data().end(), r.f.begin());
    break;
  case onnx::TensorProto::FLOAT16: // bit patterns in int32_data
  case onnx::TensorProto::BFLOAT16:
  case kOnnxFloat8E4M3FN:
  case kOnnxFloat8E4M3FNUZ:
  case kOnnxFloat8E5M2:
  case kOnnxFloat8E5M2FNUZ:
    if (t.int32_data_size() != n) return countMismatch(t.int32_data_size());
    for (int64_t k = 0; k < n; ++k)
      r.f[k] = narrowFloatValue(*dt, (uint32_t)t.int32_data(k));
    break;
  case kOnnxUint4:
  case kOnnxInt4:
  case kOnnxUint2:
  case kOnnxInt2: // packed bytes, one per int32_data entry
    if (t.int32_data_size() != (n + perByte - 1) / perByte)
      return countMismatch((int64_t)t.int32_data_size() * perByte);
    unpack([&](int64_t b) { return (int)(uint8_t)t.int32_data(b); });
    break;
  case onnx::TensorProto::DOUBLE:
    if (t.double_data_size() != n) return countMismatch(t.double_data_size());
    for (int64_t k = 0; k < n; ++k) r.f[k] = (float)t.double_data(k);
    break;
  case onnx::TensorProto::INT64:
    if (t.int64_data_size() != n) return countMismatch(t.int64_data_size());
    std::copy(t.int64_data().begin(), t.int64_data().end(), r.i.begin());
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64: // stored in uint64_data
    if (t.uint64_data_size() != n) return countMismatch(t.uint64_data_size());
    for (int64_t k = 0; k < n; ++k)
      r.i[k] = wrapInteger(*dt, (int64_t)t.uint64_data(k));
    break;
  default: // INT32, INT16, UINT16, INT8, UINT8, BOOL are stored in int32_data
    if (t.int32_data_size() != n) return countMismatch(t.int32_data_size());
    for (int64_t k = 0; k < n; ++k)
      r.i[k] = wrapInteger(*dt, t.int32_data(k));
  }
  return r;
}

} // namespace onnx_import

//===----------------------------------------------------------------------===//
// Graph import
//===----------------------------------------------------------------------===//

using namespace onnx_import;

namespace {

const std::vector<OpEntry> &opTable() {
  static const std::vector<OpEntry> table = [] {
    std::vector<OpEntry> t;
    registerElementwiseOps(t);
    registerNNOps(t);
    registerTensorOps(t);
    registerQuantOps(t);
    registerCompositeOps(t);
    registerRecurrentOps(t);
    registerSignalOps(t);
    registerTransformerOps(t);
    return t;
  }();
  return table;
}

/// The handler for (domain, op) at `opset`: the row with the largest
/// sinceVersion not above it. `firstVersion` is set to the op's first row.
const OpEntry *lookup(const std::string &domain, const std::string &op, int opset,
                      int &firstVersion) {
  const OpEntry *best = nullptr;
  firstVersion = 0;
  std::string d = domain == "ai.onnx" ? "" : domain;
  for (const OpEntry &e : opTable()) {
    if (d != e.domain || op != e.op)
      continue;
    if (!firstVersion || e.sinceVersion < firstVersion)
      firstVersion = e.sinceVersion;
    if (e.sinceVersion <= opset && (!best || e.sinceVersion > best->sinceVersion))
      best = &e;
  }
  return best;
}

/// The default-domain schema of `node` at `opset` when it defines a function
/// body (plain or context-dependent), or null.
const onnx::OpSchema *functionSchema(const onnx::NodeProto &node, int opset) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nullptr;
  const onnx::OpSchema *s = onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "");
  if (!s || (!s->HasFunction() && !s->HasContextDependentFunction()))
    return nullptr;
  return s;
}

/// The first attribute of a default-domain `node` whose type is not the one
/// ONNX's schema gives it (at `opset`), as a sentence; "" when all agree or
/// there is no schema. A wrongly typed attribute used to be read as its
/// default (an INTS `alpha` as 0.0) without a word.
std::string attributeTypeProblem(const onnx::NodeProto &node, int opset) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return "";
  const onnx::OpSchema *s = onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "");
  if (!s)
    return "";
  for (const auto &a : node.attribute()) {
    if (!a.ref_attr_name().empty() || a.type() == onnx::AttributeProto::UNDEFINED)
      continue;
    auto it = s->attributes().find(a.name());
    if (it == s->attributes().end())
      continue;
    if (a.type() != it->second.type)
      return "attribute '" + a.name() + "' is " +
             onnx::AttributeProto_AttributeType_Name(a.type()) + ", but ONNX defines it as " +
             onnx::AttributeProto_AttributeType_Name(it->second.type);
  }
  return "";
}

/// Whether attribute `a` holds the default the schema gives it.
bool holdsDefault(const onnx::AttributeProto &a, const onnx::OpSchema::Attribute &def) {
  if (!def.default_value.has_name() || def.default_value.type() != a.type())
    return false;
  const onnx::AttributeProto &d = def.default_value;
  switch (a.type()) {
  case onnx::AttributeProto::INT: return a.i() == d.i();
  case onnx::AttributeProto::FLOAT: return a.f() == d.f();
  case onnx::AttributeProto::STRING: return a.s() == d.s();
  case onnx::AttributeProto::INTS:
    return std::equal(a.ints().begin(), a.ints().end(), d.ints().begin(), d.ints().end());
  case onnx::AttributeProto::FLOATS:
    return std::equal(a.floats().begin(), a.floats().end(), d.floats().begin(), d.floats().end());
  default: return false;
  }
}

/// An attribute the node sets that its handler never read would be ignored:
/// a newer opset's attribute (QuantizeLinear-23's `precision`) or a mode
/// edgec does not implement. Such an attribute is refused, by name and
/// value, unless it holds the default ONNX gives it at that opset, or has no
/// effect on inference (the short list below, each with its reason).
std::string unreadAttributeProblem(const onnx::NodeProto &node, int opset,
                                   const std::set<std::string> &read) {
  // op -> attributes with no effect on an inference's result.
  static const std::map<std::string, std::set<std::string>> kNoEffect = {
      {"", {"consumed_inputs"}},       // opset 1-5 memory hint
      {"Dropout", {"seed", "ratio"}},  // inference: the identity (training_mode is read)
      {"BatchNormalization", {"momentum"}}, // running-statistics update, training only
      {"Constant", {"value", "value_float", "value_floats", "value_int", "value_ints",
                    "value_string", "value_strings", "sparse_value"}}, // read as a whole
  };
  const onnx::OpSchema *schema =
      node.domain().empty() || node.domain() == "ai.onnx"
          ? onnx::OpSchemaRegistry::Schema(node.op_type(), opset, "")
          : nullptr;
  for (const auto &a : node.attribute()) {
    if (read.count(a.name()) || !a.ref_attr_name().empty())
      continue;
    bool noEffect = false;
    for (const char *op : {"", node.op_type().c_str()})
      if (auto it = kNoEffect.find(op); it != kNoEffect.end() && it->second.count(a.name()))
        noEffect = true;
    if (noEffect)
      continue;
    if (schema) {
      auto it = schema->attributes().find(a.name());
      if (it != schema->attributes().end() && holdsDefault(a, it->second))
        continue;
    }
    std::string value;
    switch (a.type()) {
    case onnx::AttributeProto::INT: value = " = " + std::to_string(a.i()); break;
    case onnx::AttributeProto::FLOAT: value = " = " + std::to_string(a.f()); break;
    case onnx::AttributeProto::STRING: value = " = '" + a.s() + "'"; break;
    default: break;
    }
    return "attribute '" + a.name() + "'" + value + " is not supported: edgec does not " +
           "implement it" +
           (schema && !schema->attributes().count(a.name())
                ? " (it is newer than " + node.op_type() + "-" +
                      std::to_string(schema->SinceVersion()) + ")"
                : "") +
           ", and ignoring it could change the result";
  }
  return "";
}

} // namespace

Handler onnx_import::findHandler(const std::string &op, int opset) {
  int first = 0;
  const OpEntry *e = lookup("", op, opset, first);
  return e ? e->handler : nullptr;
}

namespace {

class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, const onnx::ModelProto &model, std::string sourceName,
                std::string baseDir, const ImportOptions &options)
      : ctx(ctx), model(model), sourceName(std::move(sourceName)), baseDir(std::move(baseDir)),
        options(options), b(&ctx) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult readOpsets();
  LogicalResult checkGraphNames(const onnx::GraphProto &graph);
  LogicalResult checkDeclaredOutput(const onnx::ValueInfoProto &vi, Value v);
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &vi);
  LogicalResult checkBinding(const onnx::ValueInfoProto &vi, const Tensor &t);
  void foldNewOps(Block &block, Block::iterator from, llvm::DenseMap<Value, Value> &replaced);
  /// Fills declaredShapes from the graph's outputs and value_info.
  void collectDeclaredShapes(const onnx::GraphProto &graph);

  enum class NodeStatus { Ok, Unsupported, Error };
  /// Imports one node whose inputs are `inputs`, binding its outputs in
  /// `scope`. A node without a handler whose ONNX schema defines a function
  /// body is expanded into that body's nodes. Unsupported sets `reason`.
  NodeStatus importNode(const onnx::NodeProto &node, const std::string &name, int opset,
                        const std::vector<Value> &inputs, llvm::StringMap<Value> &scope,
                        Block &block, std::string &reason, int depth = 0);
  NodeStatus expandFunction(const onnx::NodeProto &node, const std::string &name, int opset,
                            const std::vector<Value> &inputs, llvm::StringMap<Value> &scope,
                            Block &block, std::string &reason, int depth);
  /// Why `node` cannot be imported at `opset`, or "" if a handler or a
  /// function body exists for it.
  std::string unsupportedReason(const onnx::NodeProto &node, int opset);
  /// If, Loop and Scan with static control: an If with a compile-time
  /// condition imports its branch, a Loop with a compile-time trip count and
  /// condition and a Scan over its static sequence axis are unrolled. Each
  /// iteration's nodes are named <node>/<iteration>/<inner>.
  NodeStatus importControlFlow(const onnx::NodeProto &node, const std::string &name,
                               const std::vector<Value> &inputs, llvm::StringMap<Value> &scope,
                               Block &block, std::string &reason, int depth);
  /// Imports the nodes of subgraph `g` with `bound` naming its inputs (outer
  /// values stay visible) and returns its outputs in order.
  NodeStatus importSubgraph(const onnx::GraphProto &g, const std::string &prefix,
                            const llvm::StringMap<Value> &outer,
                            const std::vector<std::pair<std::string, Value>> &bound, Block &block,
                            std::vector<Value> &outputs, std::string &reason, int depth);
  Location fileLoc() { return FileLineColLoc::get(&ctx, sourceName, 0, 0); }

  MLIRContext &ctx;
  const onnx::ModelProto &model;
  std::string sourceName, baseDir;
  const ImportOptions &options;
  OpBuilder b;
  std::map<std::string, int> opsets;
  llvm::StringMap<Value> values;
  /// Graph inputs with symbolic dimensions compiled as 1, each as
  /// "'x' (1x3x1x1; --input-shape x=...)": a node that fails on run-time
  /// data names them, since its error may follow from such a 1.
  std::vector<std::string> symbolicOnes;
  /// Static shapes the model declares for values of the main graph (outputs
  /// and value_info, carried back through ops whose result has their first
  /// input's shape): what a handler whose result shape depends on run-time
  /// values (Reduce* with computed axes) compiles to.
  llvm::StringMap<Shape> declaredShapes;
};

LogicalResult GraphImporter::readOpsets() {
  for (const auto &o : model.opset_import()) {
    std::string domain = o.domain() == "ai.onnx" ? "" : o.domain();
    if (auto it = opsets.find(domain); it != opsets.end()) {
      emitError(fileLoc()) << "the model imports domain '" << (domain.empty() ? "ai.onnx" : domain)
                           << "' twice (opsets " << it->second << " and " << o.version()
                           << "); a model names each domain once";
      return failure();
    }
    opsets[domain] = (int)o.version();
  }
  if (model.ir_version() > onnx::Version::IR_VERSION)
    emitWarning(fileLoc()) << "the model's ir_version " << model.ir_version()
                           << " is newer than the ONNX IR this edgec reads ("
                           << (int)onnx::Version::IR_VERSION
                           << "); fields it does not know are ignored";
  if (!opsets.count("")) {
    // IR version < 3 models have no opset_import; ONNX defines them as opset 1.
    emitError(fileLoc()) << "the model declares no opset for the default ONNX domain; edgec "
                            "supports opsets 1 to 21";
    return failure();
  }
  int v = opsets[""];
  // Older opsets are accepted: every handler states the opset its semantics
  // start at, so an op whose older form edgec does not implement is reported
  // ("not defined before opset N") rather than misread.
  if (v < 1) {
    emitError(fileLoc()) << "the model uses opset " << v << "; edgec supports opsets 1 to 21";
    return failure();
  }
  if (v > 21)
    emitWarning(fileLoc()) << "the model uses opset " << v
                           << ", newer than 21, the last opset whose every op edgec was checked "
                              "against: ops newer than it are imported by their own definitions, "
                              "older ops with their opset-21 semantics, and an attribute edgec "
                              "does not implement is refused";
  return success();
}

/// Every tensor name has one producer (a graph input, an initializer or one
/// node output), and the nodes are in topological order. Before, the last of
/// two writers won, a duplicate input or initializer was silently merged,
/// and a cycle was reported as an input nothing produces.
LogicalResult GraphImporter::checkGraphNames(const onnx::GraphProto &graph) {
  std::map<std::string, std::string> producer; // tensor -> who produces it
  auto claim = [&](const std::string &tensor, const std::string &who) {
    if (tensor.empty())
      return true;
    auto [it, fresh] = producer.emplace(tensor, who);
    if (fresh)
      return true;
    emitError(fileLoc()) << "tensor '" << tensor << "' is produced twice: by " << it->second
                         << " and by " << who;
    return false;
  };
  std::set<std::string> inputNames, initNames;
  for (const auto &vi : graph.input())
    if (!inputNames.insert(vi.name()).second) {
      emitError(fileLoc()) << "graph input '" << vi.name() << "' is declared twice";
      return failure();
    }
  for (const auto &init : graph.initializer())
    if (!initNames.insert(init.name()).second) {
      emitError(fileLoc()) << "initializer '" << init.name() << "' is given twice";
      return failure();
    }
  // An initializer may also be listed as a graph input (its default value).
  for (const auto &vi : graph.input())
    if (!claim(vi.name(), "graph input '" + vi.name() + "'"))
      return failure();
  for (const auto &init : graph.initializer())
    if (!inputNames.count(init.name()) && !claim(init.name(), "initializer '" + init.name() + "'"))
      return failure();
  std::vector<std::string> nodeNames;
  std::map<std::string, int> unnamed;
  for (const auto &n : graph.node()) {
    std::string name = n.name().empty()
                           ? n.op_type() + "_" + std::to_string(unnamed[n.op_type()]++)
                           : n.name();
    nodeNames.push_back(name);
    for (const auto &o : n.output())
      if (!claim(o, "node '" + name + "' (" + n.op_type() + ")"))
        return failure();
  }
  // Topological order: every input is produced before the node that reads it.
  std::map<std::string, int> producedBy; // tensor -> node index
  for (int k = 0; k < graph.node_size(); ++k)
    for (const auto &o : graph.node(k).output())
      if (!o.empty())
        producedBy[o] = k;
  for (int k = 0; k < graph.node_size(); ++k)
    for (const auto &in : graph.node(k).input()) {
      auto it = producedBy.find(in);
      if (it == producedBy.end() || it->second < k)
        continue;
      // Read before it is written: a cycle if the producer depends on this node.
      std::vector<int> stack = {it->second};
      std::set<int> seen;
      bool cycle = false;
      while (!stack.empty() && !cycle) {
        int n = stack.back();
        stack.pop_back();
        if (!seen.insert(n).second)
          continue;
        for (const auto &i : graph.node(n).input()) {
          auto p = producedBy.find(i);
          if (p == producedBy.end())
            continue;
          if (p->second == k)
            cycle = true;
          stack.push_back(p->second);
        }
      }
      const onnx::NodeProto &node = graph.node(k);
      if (cycle)
        emitError(fileLoc()) << "the graph has a cycle: node '" << nodeNames[k] << "' ("
                             << node.op_type() << ") reads '" << in << "', which depends on its "
                             << "own output through node '" << nodeNames[it->second] << "'";
      else
        emitError(fileLoc()) << "the nodes are not in topological order: node '" << nodeNames[k]
                             << "' (" << node.op_type() << ") reads '" << in
                             << "' before node '" << nodeNames[it->second]
                             << "' produces it (ONNX requires producers first)";
      return failure();
    }
  return success();
}

/// A graph output's declared element type and fixed dimensions must be the
/// ones edgec infers: a contradiction is a broken model or a misread one.
/// Shapes that --input-shape / --bind changed only warn.
LogicalResult GraphImporter::checkDeclaredOutput(const onnx::ValueInfoProto &vi, Value v) {
  if (!vi.type().has_tensor_type())
    return success();
  const auto &tt = vi.type().tensor_type();
  Type got = getElementTypeOrSelf(v.getType());
  if (tt.elem_type() != onnx::TensorProto::UNDEFINED) {
    std::optional<DType> want = dtypeFromOnnx(tt.elem_type());
    bool same = want && mlirTypeOf(&ctx, *want) == got;
    // A QDQ model's quantized values are the declared integer type.
    if (auto q = dyn_cast<quant::QuantizedType>(got))
      same = want && (*want == DType::I8 || *want == DType::U8 || *want == DType::I16) &&
             q.getStorageTypeIntegralWidth() == (unsigned)dtypeSize(*want) * 8;
    if (!same) {
      std::string g;
      llvm::raw_string_ostream os(g);
      os << got;
      emitError(fileLoc()) << "graph output '" << vi.name() << "' is declared "
                           << onnxTypeName(tt.elem_type()) << ", but the graph computes " << g;
      return failure();
    }
  }
  if (!tt.has_shape())
    return success();
  Shape inferred = NodeContext::shape(v), declared;
  bool contradicts = (int64_t)inferred.size() != tt.shape().dim_size();
  for (int k = 0; k < tt.shape().dim_size(); ++k) {
    const auto &d = tt.shape().dim(k);
    declared.push_back(d.has_dim_value() ? d.dim_value() : -1);
    if (d.has_dim_value() && d.dim_value() < 0) {
      emitError(fileLoc()) << "graph output '" << vi.name() << "' has a negative dimension "
                           << d.dim_value();
      return failure();
    }
    if (!contradicts && d.has_dim_value() && d.dim_value() != inferred[k])
      contradicts = true;
  }
  if (!contradicts)
    return success();
  std::string decl;
  for (int64_t d : declared)
    decl += (decl.empty() ? "" : "x") + (d < 0 ? std::string("?") : std::to_string(d));
  bool userShapes = !options.inputShapes.empty() || !options.bindings.empty();
  auto diag = userShapes ? emitWarning(fileLoc()) : emitError(fileLoc());
  diag << "graph output '" << vi.name() << "' is declared " << (decl.empty() ? "scalar" : decl)
       << ", but the graph computes " << shapeToString(inferred)
       << (userShapes ? " (with the shapes given by --input-shape / --bind)" : "");
  return userShapes ? success() : failure();
}

/// A bound value must have the input's element type and fit its declared shape.
LogicalResult GraphImporter::checkBinding(const onnx::ValueInfoProto &vi, const Tensor &t) {
  Location loc = fileLoc();
  if (!vi.type().has_tensor_type())
    return emitError(loc) << "--bind " << vi.name() << ": the input is not a tensor", failure();
  const auto &tt = vi.type().tensor_type();
  std::optional<DType> dt = dtypeFromOnnx(tt.elem_type());
  std::string why;
  if (!dt || !fromCarrier(t, *dt, why))
    return emitError(loc) << "--bind " << vi.name() << ": the value is " << dtypeName(t.dtype)
                          << " but the input is " << onnxTypeName(tt.elem_type())
                          << (why.empty() || !dt || npyCarrier(*dt) != t.dtype ? "" : ": " + why),
           failure();
  if (tt.has_shape()) {
    bool fits = tt.shape().dim_size() == (int)t.shape.size();
    for (int k = 0; fits && k < tt.shape().dim_size(); ++k)
      fits = !tt.shape().dim(k).has_dim_value() || tt.shape().dim(k).dim_value() == t.shape[k];
    if (!fits)
      return emitError(loc) << "--bind " << vi.name() << ": the value's shape "
                            << shapeToString(t.shape) << " does not fit the input's", failure();
  }
  return success();
}

FailureOr<RankedTensorType> GraphImporter::inputType(const onnx::ValueInfoProto &vi) {
  Location loc = fileLoc();
  if (!vi.type().has_tensor_type()) {
    emitError(loc) << "graph input '" << vi.name()
                   << "' is not a tensor (sequences, maps and optionals are not supported)";
    return failure();
  }
  const auto &tt = vi.type().tensor_type();
  std::optional<DType> dt = dtypeFromOnnx(tt.elem_type());
  if (!dt) {
    emitError(loc) << "graph input '" << vi.name() << "' has element type "
                   << onnxTypeName(tt.elem_type()) << ", which edgec does not support";
    return failure();
  }
  auto it = options.inputShapes.find(vi.name());
  Shape shape;
  if (tt.has_shape()) {
    for (const auto &d : tt.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() < 0) {
        emitError(loc) << "graph input '" << vi.name() << "' has a negative dimension "
                       << d.dim_value();
        return failure();
      }
      shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    }
  } else if (it == options.inputShapes.end()) {
    emitError(loc) << "graph input '" << vi.name()
                   << "' has no shape; give one with --input-shape " << vi.name() << "=...";
    return failure();
  }
  if (it != options.inputShapes.end()) {
    const Shape &want = it->second;
    if (tt.has_shape() && want.size() != shape.size()) {
      emitError(loc) << "--input-shape " << vi.name() << "=" << shapeToString(want) << " has rank "
                     << want.size() << ", but the model's input has rank " << shape.size();
      return failure();
    }
    for (size_t k = 0; k < want.size(); ++k) {
      if (want[k] <= 0) {
        emitError(loc) << "--input-shape " << vi.name() << "=" << shapeToString(want)
                       << ": dimension " << k << " must be positive";
        return failure();
      }
      if (tt.has_shape() && shape[k] >= 0 && shape[k] != want[k]) {
        emitError(loc) << "--input-shape " << vi.name() << "=" << shapeToString(want)
                       << " conflicts with the model's fixed dimension " << k << " = "
                       << shape[k];
        return failure();
      }
    }
    shape = want;
  }
  // A symbolic dimension the user did not size is compiled as 1: say so,
  // with the option that sizes it, so that a 1 nobody chose (a detector
  // compiled for a 1x1 image) is never silent. The leading dimension, the
  // batch of every exported model, is 1 by intent and goes unmentioned.
  std::string symbolic;
  for (size_t k = 1; k < shape.size(); ++k)
    if (shape[k] < 0) {
      const auto &d = tt.shape().dim(k);
      symbolic += (symbolic.empty() ? "" : ", ") + std::to_string(k) +
                  (d.has_dim_param() && !d.dim_param().empty() ? " ('" + d.dim_param() + "')"
                                                               : std::string());
    }
  bool anySymbolic = llvm::any_of(shape, [](int64_t d) { return d < 0; });
  for (int64_t &d : shape)
    if (d < 0)
      d = 1;
  if (anySymbolic)
    symbolicOnes.push_back("'" + vi.name() + "' as " + shapeToString(shape));
  if (!symbolic.empty())
    emitWarning(loc) << "graph input '" << vi.name() << "' has symbolic dimension(s) " << symbolic
                     << ", each compiled as 1 (shape " << shapeToString(shape)
                     << "); give the shape to compile for with --input-shape " << vi.name() << "="
                     << shapeToString(shape);
  if (checkedElementCount(shape) < 0) {
    emitError(loc) << "graph input '" << vi.name() << "' of shape " << shapeToString(shape)
                   << " has more than 2^31 - 1 elements";
    return failure();
  }
  return RankedTensorType::get(shape, mlirTypeOf(&ctx, *dt));
}

void GraphImporter::foldNewOps(Block &block, Block::iterator from,
                               llvm::DenseMap<Value, Value> &replaced) {
  for (Operation &op : llvm::make_early_inc_range(llvm::make_range(from, block.end()))) {
    // Quantize / dequantize of constants stay: edge-quantize reads a model's
    // int8 weights through them instead of re-deriving them from floats.
    if (isa<edge::ConstantOp, edge::QuantizeOp, edge::DequantizeOp>(op) || op.getNumResults() != 1)
      continue;
    // A result too large to hold as a constant (an Expand or Tile of a small
    // constant to a huge shape) is computed at run time instead.
    int64_t elements = checkedElementCount(cast<ShapedType>(op.getResult(0).getType()).getShape());
    if (elements < 0 || elements > onnx_import::kMaxConstantElements)
      continue;
    std::vector<Tensor> operands;
    bool allConstant = true;
    for (Value v : op.getOperands()) {
      auto c = v.getDefiningOp<edge::ConstantOp>();
      if (!c) {
        allConstant = false;
        break;
      }
      operands.push_back(tensorFromAttr(c.getValue()));
    }
    if (!allConstant)
      continue;
    std::vector<const Tensor *> ptrs;
    for (const Tensor &t : operands)
      ptrs.push_back(&t);
    // Folding must not report errors of its own: a failure leaves the op as is.
    ScopedDiagnosticHandler silence(&ctx, [](Diagnostic &) { return success(); });
    FailureOr<Tensor> r = evaluateOp(&op, ptrs);
    if (failed(r))
      continue;
    b.setInsertionPoint(&op);
    std::string blobName = "folded";
    if (auto nl = dyn_cast<NameLoc>(op.getLoc()))
      blobName = nl.getName().str();
    Value c = materializeConstant(b, op.getLoc(), *r, blobName);
    op.getResult(0).replaceAllUsesWith(c);
    replaced[op.getResult(0)] = c;
    op.erase();
  }
  b.setInsertionPointToEnd(&block);
}

GraphImporter::NodeStatus
GraphImporter::importSubgraph(const onnx::GraphProto &g, const std::string &prefix,
                              const llvm::StringMap<Value> &outer,
                              const std::vector<std::pair<std::string, Value>> &bound,
                              Block &block, std::vector<Value> &outputs, std::string &reason,
                              int depth) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, prefix));
  llvm::StringMap<Value> scope = outer;
  for (const auto &[n, v] : bound)
    scope[n] = v;
  for (const auto &init : g.initializer()) {
    std::string error;
    FailureOr<Tensor> t = tensorFromProto(init, baseDir, error, options.externalFiles);
    if (failed(t)) {
      emitError(loc) << "node '" << prefix << "': subgraph initializer '" << init.name()
                     << "': " << error;
      return NodeStatus::Error;
    }
    scope[init.name()] = materializeConstant(b, loc, *t, init.name());
  }
  std::map<std::string, int> unnamed;
  for (const onnx::NodeProto &n : g.node()) {
    std::string innerName =
        prefix + "/" +
        (n.name().empty() ? n.op_type() + "_" + std::to_string(unnamed[n.op_type()]++) : n.name());
    std::vector<Value> ins;
    for (const std::string &in : n.input()) {
      if (in.empty()) {
        ins.push_back(Value());
        continue;
      }
      auto it = scope.find(in);
      if (it == scope.end()) {
        emitError(loc) << "node '" << innerName << "' (" << n.op_type() << "): input '" << in
                       << "' is not produced in its subgraph or an enclosing graph";
        return NodeStatus::Error;
      }
      ins.push_back(it->second);
    }
    auto o = opsets.find(n.domain() == "ai.onnx" ? "" : n.domain());
    int nodeOpset = o == opsets.end() ? -1 : o->second;
    std::string innerReason;
    NodeStatus st = importNode(n, innerName, nodeOpset, ins, scope, block, innerReason, depth + 1);
    if (st == NodeStatus::Unsupported) {
      reason = "its subgraph needs node '" + innerName + "': " + innerReason;
      return st;
    }
    if (st == NodeStatus::Error)
      return st;
  }
  outputs.clear();
  for (const auto &out : g.output()) {
    auto it = scope.find(out.name());
    if (it == scope.end()) {
      emitError(loc) << "node '" << prefix << "': subgraph output '" << out.name()
                     << "' is not produced";
      return NodeStatus::Error;
    }
    outputs.push_back(it->second);
  }
  return NodeStatus::Ok;
}

GraphImporter::NodeStatus
GraphImporter::importControlFlow(const onnx::NodeProto &node, const std::string &name,
                                 const std::vector<Value> &inputs, llvm::StringMap<Value> &scope,
                                 Block &block, std::string &reason, int depth) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, name));
  auto fail = [&](const std::string &what) {
    emitError(loc) << "node '" << name << "' (" << node.op_type() << "): " << what;
    return NodeStatus::Error;
  };
  // Loops unroll: their trip count is capped so a model cannot make the
  // compile (or the code) explode.
  constexpr int64_t kMaxUnroll = 1024;
  if (depth > 8)
    return fail("control flow nests more than 8 deep");
  auto graphAttr = [&](const char *n) -> const onnx::GraphProto * {
    for (const auto &a : node.attribute())
      if (a.name() == n && a.has_g())
        return &a.g();
    return nullptr;
  };
  auto intAttr = [&](const char *n, int64_t dflt) {
    for (const auto &a : node.attribute())
      if (a.name() == n)
        return (int64_t)a.i();
    return dflt;
  };
  auto intsAttr = [&](const char *n) {
    std::vector<int64_t> v;
    for (const auto &a : node.attribute())
      if (a.name() == n)
        v.assign(a.ints().begin(), a.ints().end());
    return v;
  };
  auto constant = [&](Value v) -> std::optional<Tensor> {
    auto c = v ? v.getDefiningOp<edge::ConstantOp>() : nullptr;
    if (!c)
      return std::nullopt;
    return tensorFromAttr(c.getValue());
  };
  auto scalarConst = [&](int64_t value, DType t) {
    Tensor s = Tensor::zeros(t, {});
    if (s.isFloat()) s.f[0] = (float)value;
    else s.i[0] = value;
    return materializeConstant(b, loc, s, name);
  };
  auto bindOutputs = [&](const std::vector<Value> &vals) {
    for (int k = 0; k < node.output_size() && k < (int)vals.size(); ++k)
      if (!node.output(k).empty())
        scope[node.output(k)] = vals[k];
    return NodeStatus::Ok;
  };
  // Stacks per-iteration values along a new axis `axis` (reversed first when asked).
  auto stack = [&](std::vector<Value> parts, int64_t axis, bool reverse) -> Value {
    if (reverse)
      std::reverse(parts.begin(), parts.end());
    std::vector<Value> expanded;
    Shape s = onnx_import::NodeContext::shape(parts[0]);
    if (axis < 0)
      axis += s.size() + 1;
    Shape one = s;
    one.insert(one.begin() + axis, 1);
    Shape all = s;
    all.insert(all.begin() + axis, (int64_t)parts.size());
    for (Value p : parts)
      expanded.push_back(b.create<edge::ReshapeOp>(
          loc, RankedTensorType::get(one, getElementTypeOrSelf(p.getType())), p));
    return b.create<edge::ConcatOp>(
        loc, RankedTensorType::get(all, getElementTypeOrSelf(parts[0].getType())), expanded,
        axis);
  };

  if (node.op_type() == "If") {
    Value condValue = inputs.empty() ? Value() : inputs[0];
    if (!condValue || product(onnx_import::NodeContext::shape(condValue)) != 1)
      return fail("the condition must be a single boolean, got shape " +
                  shapeToString(condValue ? onnx_import::NodeContext::shape(condValue) : Shape{}));
    std::optional<Tensor> cond = constant(condValue);
    if (!cond) {
      // A condition computed at run time: both branches are computed and
      // each output selected by the condition (a Where). Exact, since a
      // branch has no side effect; both always run.
      std::vector<Value> thenOuts, elseOuts;
      const onnx::GraphProto *thenG = graphAttr("then_branch"), *elseG = graphAttr("else_branch");
      if (!thenG || !elseG)
        return fail("a branch is missing");
      NodeStatus st = importSubgraph(*thenG, name + "/then", scope, {}, block, thenOuts, reason,
                                     depth);
      if (st != NodeStatus::Ok)
        return st;
      st = importSubgraph(*elseG, name + "/else", scope, {}, block, elseOuts, reason, depth);
      if (st != NodeStatus::Ok)
        return st;
      if (thenOuts.size() != elseOuts.size())
        return fail("then_branch gives " + std::to_string(thenOuts.size()) +
                    " outputs, else_branch " + std::to_string(elseOuts.size()));
      if (!getElementTypeOrSelf(condValue.getType()).isInteger(1))
        return fail("the condition must be a bool tensor");
      Value c0 = b.create<edge::ReshapeOp>(
          loc, RankedTensorType::get({}, getElementTypeOrSelf(condValue.getType())), condValue);
      std::vector<Value> selected;
      for (size_t k = 0; k < thenOuts.size(); ++k) {
        Type tt = thenOuts[k].getType(), et = elseOuts[k].getType();
        if (tt != et)
          return fail("with a condition computed at run time both branches must give the same "
                      "types and shapes; output " + std::to_string(k) + " is " +
                      shapeToString(onnx_import::NodeContext::shape(thenOuts[k])) +
                      " in then_branch and " +
                      shapeToString(onnx_import::NodeContext::shape(elseOuts[k])) +
                      " in else_branch");
        selected.push_back(b.create<edge::WhereOp>(loc, tt, c0, thenOuts[k], elseOuts[k]));
      }
      emitWarning(loc) << "node '" << name << "' (If): the condition is computed at run time; "
                       << "both branches are computed on every run and each output is selected "
                          "by the condition";
      return bindOutputs(selected);
    }
    bool taken = cond->at(0) != 0;
    const onnx::GraphProto *branch = graphAttr(taken ? "then_branch" : "else_branch");
    if (!branch)
      return fail(std::string("the ") + (taken ? "then_branch" : "else_branch") + " is missing");
    std::vector<Value> outs;
    NodeStatus st = importSubgraph(*branch, name + (taken ? "/then" : "/else"), scope, {}, block,
                                   outs, reason, depth);
    return st == NodeStatus::Ok ? bindOutputs(outs) : st;
  }

  if (node.op_type() == "Loop") {
    const onnx::GraphProto *body = graphAttr("body");
    if (!body)
      return fail("the body is missing");
    Value mIn = inputs.size() > 0 ? inputs[0] : Value();
    Value cIn = inputs.size() > 1 ? inputs[1] : Value();
    std::optional<Tensor> m = mIn ? constant(mIn) : std::nullopt;
    std::optional<Tensor> c0 = cIn ? constant(cIn) : std::nullopt;
    for (Value v : {mIn, cIn})
      if (v && product(onnx_import::NodeContext::shape(v)) != 1)
        return fail("the trip count and condition must be single values, got shape " +
                    shapeToString(onnx_import::NodeContext::shape(v)));
    // The unrolled length: the trip count when known, else --max-trip-count
    // (the user's bound on a trip count or condition computed at run time).
    int64_t limit = options.maxTripCount;
    if (m) {
      int64_t trips = m->isFloat() ? (int64_t)m->f[0] : m->i[0];
      limit = limit > 0 ? std::min(limit, trips) : trips;
    } else if (limit <= 0) {
      return fail(std::string(mIn ? "the trip count is computed at run time"
                                  : "the loop has no trip count") +
                  ": give its largest value with --max-trip-count N (iterations past N are not "
                  "run), or bind it with --bind");
    }
    if (limit > kMaxUnroll)
      return fail("trip count " + std::to_string(limit) + " is more than edgec unrolls (" +
                  std::to_string(kMaxUnroll) + ")");
    std::vector<Value> carried(inputs.begin() + std::min<size_t>(2, inputs.size()), inputs.end());
    size_t nCarried = carried.size();
    if (body->input_size() != (int)nCarried + 2 || body->output_size() < (int)nCarried + 1)
      return fail("the body's inputs and outputs do not match the loop's");
    // Whether the loop still runs: a compile-time bool, or a run-time i1
    // scalar that predicates each unrolled iteration's carried values.
    RankedTensorType boolScalar = RankedTensorType::get({}, b.getI1Type());
    auto scalarOf = [&](Value v) {
      return b.create<edge::ReshapeOp>(
          loc, RankedTensorType::get({}, getElementTypeOrSelf(v.getType())), v);
    };
    std::optional<bool> activeK = true;
    Value activeV;
    auto andActive = [&](std::optional<bool> k, Value v) {
      if (k) {
        if (!*k)
          activeK = false, activeV = Value();
        return;
      }
      if (activeK && !*activeK)
        return;
      activeV = activeK ? v : Value(b.create<edge::AndOp>(loc, boolScalar, activeV, v));
      activeK = std::nullopt;
    };
    auto tripsLeft = [&](int64_t i) { // i < M, M at run time
      Value mi = scalarOf(mIn);
      Type mt = getElementTypeOrSelf(mi.getType());
      if (!mt.isInteger(64))
        mi = b.create<edge::CastOp>(loc, RankedTensorType::get({}, b.getI64Type()), mi);
      return b.create<edge::LessOp>(loc, boolScalar, scalarConst(i, DType::I64), mi);
    };
    if (cIn) {
      if (c0) {
        andActive(c0->at(0) != 0, Value());
      } else {
        if (!getElementTypeOrSelf(cIn.getType()).isInteger(1))
          return fail("the condition must be a bool tensor");
        andActive(std::nullopt, scalarOf(cIn));
      }
    }
    if (mIn && !m)
      andActive(std::nullopt, tripsLeft(0));
    bool predicated = false;
    std::vector<std::vector<Value>> scans(body->output_size() - 1 - nCarried);
    for (int64_t i = 0; i < limit && activeK.value_or(true); ++i) {
      std::vector<std::pair<std::string, Value>> bound{
          {body->input(0).name(), scalarConst(i, DType::I64)},
          {body->input(1).name(), scalarConst(1, DType::Bool)}};
      for (size_t k = 0; k < nCarried; ++k)
        bound.emplace_back(body->input(2 + k).name(), carried[k]);
      std::vector<Value> outs;
      NodeStatus st = importSubgraph(*body, name + "/" + std::to_string(i), scope, bound, block,
                                     outs, reason, depth);
      if (st != NodeStatus::Ok)
        return st;
      if (activeV) {
        // This iteration runs only while the loop does: each carried value
        // keeps its previous one otherwise (both computed; a Where picks).
        predicated = true;
        if (!scans.empty())
          return fail("a loop whose trip count or condition is computed at run time has scan "
                      "outputs of run-time length; edgec needs their shapes at compile time");
        for (size_t k = 0; k < nCarried; ++k) {
          if (outs[1 + k].getType() != carried[k].getType())
            return fail("carried value " + std::to_string(k) + " changes from " +
                        shapeToString(onnx_import::NodeContext::shape(carried[k])) + " to " +
                        shapeToString(onnx_import::NodeContext::shape(outs[1 + k])) +
                        "; with a run-time trip count or condition its shape must stay the same");
          carried[k] = b.create<edge::WhereOp>(loc, carried[k].getType(), activeV, outs[1 + k],
                                               carried[k]);
        }
      } else {
        for (size_t k = 0; k < nCarried; ++k)
          carried[k] = outs[1 + k];
        for (size_t k = 0; k < scans.size(); ++k)
          scans[k].push_back(outs[1 + nCarried + k]);
      }
      if (std::optional<Tensor> next = constant(outs[0])) {
        andActive(next->at(0) != 0, Value());
      } else {
        if (!getElementTypeOrSelf(outs[0].getType()).isInteger(1))
          return fail("the body's condition must be a bool tensor");
        if (!m && options.maxTripCount <= 0)
          return fail("the body's condition is computed at run time and the loop has no "
                      "compile-time trip count: give its largest value with --max-trip-count N");
        andActive(std::nullopt, scalarOf(outs[0]));
      }
      if (mIn && !m && i + 1 < limit)
        andActive(std::nullopt, tripsLeft(i + 1));
    }
    if (predicated || (activeV && !m))
      emitWarning(loc) << "node '" << name << "' (Loop): the trip count or condition is "
                       << "computed at run time; " << limit << " iterations are unrolled and "
                       << "each runs on every inference, its results kept while the loop runs"
                       << (m ? "" : "; iterations past --max-trip-count are not run");
    std::vector<Value> results = carried;
    for (auto &parts : scans) {
      if (parts.empty())
        return fail("a loop that runs no iteration has empty scan outputs of unknown shape");
      results.push_back(stack(parts, 0, false));
    }
    return bindOutputs(results);
  }

  // Scan (opset 9+; opset 8's batched form with an empty sequence_lens).
  const onnx::GraphProto *body = graphAttr("body");
  if (!body)
    return fail("the body is missing");
  int64_t nScan = intAttr("num_scan_inputs", -1);
  bool batched = opsets[""] < 9;
  std::vector<Value> ins(inputs.begin() + (batched ? 1 : 0), inputs.end());
  if (batched && !inputs.empty() && inputs[0])
    return fail("sequence_lens is not supported (every batch runs the full sequence)");
  if (nScan < 1 || nScan > (int64_t)ins.size())
    return fail("num_scan_inputs " + std::to_string(nScan) + " does not fit its " +
                std::to_string(ins.size()) + " inputs");
  size_t nState = ins.size() - nScan;
  std::vector<int64_t> inAxes = intsAttr("scan_input_axes"), outAxes = intsAttr("scan_output_axes");
  std::vector<int64_t> inDirs = intsAttr(batched ? "directions" : "scan_input_directions");
  std::vector<int64_t> outDirs = intsAttr("scan_output_directions");
  size_t nOut = body->output_size() - nState;
  if (body->input_size() != (int)ins.size() || body->output_size() < (int)nState)
    return fail("the body's inputs and outputs do not match the scan's");
  // Opset 8: axis 0 is the batch, the sequence is axis 1; run each batch.
  int64_t batches = 1;
  if (batched) {
    for (Value v : ins)
      if (!v || onnx_import::NodeContext::shape(v).empty())
        return fail("opset-8 Scan inputs need a batch dimension");
    batches = onnx_import::NodeContext::shape(ins[0])[0];
  }
  std::vector<std::vector<Value>> perBatch(nState + nOut);
  for (int64_t bi = 0; bi < batches; ++bi) {
    // The batch's slices (opset 8) or the inputs themselves.
    std::vector<Value> v = ins;
    if (batched)
      for (Value &x : v) {
        Shape s = onnx_import::NodeContext::shape(x);
        Shape starts(s.size(), 0), ends = s, steps(s.size(), 1), rest(s.begin() + 1, s.end());
        starts[0] = bi;
        ends[0] = bi + 1;
        Shape one = s;
        one[0] = 1;
        Value sl = b.create<edge::SliceOp>(loc, RankedTensorType::get(one, getElementTypeOrSelf(x.getType())),
                                           x, starts, ends, steps);
        x = b.create<edge::ReshapeOp>(loc, RankedTensorType::get(rest, getElementTypeOrSelf(x.getType())), sl);
      }
    std::vector<Value> states(v.begin(), v.begin() + nState);
    int64_t len = -1;
    std::vector<int64_t> axes(nScan);
    for (int64_t j = 0; j < nScan; ++j) {
      Shape s = onnx_import::NodeContext::shape(v[nState + j]);
      int64_t a = j < (int64_t)inAxes.size() ? inAxes[j] : 0;
      if (a < 0)
        a += s.size();
      if (a < 0 || a >= (int64_t)s.size())
        return fail("scan input axis " + std::to_string(a) + " is out of range");
      axes[j] = a;
      if (len >= 0 && s[a] != len)
        return fail("the scan inputs have different sequence lengths");
      len = s[a];
    }
    if (len < 1 || len > kMaxUnroll)
      return fail("sequence length " + std::to_string(len) + " is not in [1, " +
                  std::to_string(kMaxUnroll) + "]");
    std::vector<std::vector<Value>> scans(nOut);
    for (int64_t t = 0; t < len; ++t) {
      std::vector<std::pair<std::string, Value>> bound;
      for (size_t k = 0; k < nState; ++k)
        bound.emplace_back(body->input(k).name(), states[k]);
      for (int64_t j = 0; j < nScan; ++j) {
        Value x = v[nState + j];
        Shape s = onnx_import::NodeContext::shape(x);
        bool reverse = j < (int64_t)inDirs.size() && inDirs[j] == 1;
        int64_t at = reverse ? len - 1 - t : t, a = axes[j];
        Shape starts(s.size(), 0), ends = s, steps(s.size(), 1), one = s, rest;
        starts[a] = at;
        ends[a] = at + 1;
        one[a] = 1;
        for (size_t d = 0; d < s.size(); ++d)
          if ((int64_t)d != a) rest.push_back(s[d]);
        Type e = getElementTypeOrSelf(x.getType());
        Value sl = b.create<edge::SliceOp>(loc, RankedTensorType::get(one, e), x, starts, ends, steps);
        bound.emplace_back(body->input(nState + j).name(),
                           b.create<edge::ReshapeOp>(loc, RankedTensorType::get(rest, e), sl));
      }
      std::vector<Value> outs;
      NodeStatus st = importSubgraph(*body, name + "/" + std::to_string(bi * len + t), scope,
                                     bound, block, outs, reason, depth);
      if (st != NodeStatus::Ok)
        return st;
      for (size_t k = 0; k < nState; ++k)
        states[k] = outs[k];
      for (size_t k = 0; k < nOut; ++k)
        scans[k].push_back(outs[nState + k]);
    }
    for (size_t k = 0; k < nState; ++k)
      perBatch[k].push_back(states[k]);
    for (size_t k = 0; k < nOut; ++k) {
      int64_t a = k < outAxes.size() ? outAxes[k] : 0;
      int64_t r = onnx_import::NodeContext::shape(scans[k][0]).size();
      if (a < -(r + 1) || a > r)
        return fail("scan output axis " + std::to_string(a) + " is out of range for rank " +
                    std::to_string(r + 1));
      bool reverse = k < outDirs.size() && outDirs[k] == 1;
      perBatch[nState + k].push_back(stack(scans[k], a, reverse));
    }
  }
  std::vector<Value> results;
  for (auto &parts : perBatch)
    results.push_back(batched ? stack(parts, 0, false) : parts[0]);
  return bindOutputs(results);
}

std::string GraphImporter::unsupportedReason(const onnx::NodeProto &node, int opset) {
  if ((node.domain().empty() || node.domain() == "ai.onnx") &&
      (node.op_type() == "If" || node.op_type() == "Loop" || node.op_type() == "Scan"))
    return "";
  int firstVersion = 0;
  if (lookup(node.domain(), node.op_type(), opset, firstVersion))
    return "";
  if (functionSchema(node, opset))
    return "";
  std::string domain = node.domain().empty() ? "ai.onnx" : node.domain();
  return firstVersion ? "not defined before opset " + std::to_string(firstVersion) +
                            " (the model uses opset " + std::to_string(opset) + ")"
                      : "unsupported operator " + domain + "::" + node.op_type();
}

GraphImporter::NodeStatus GraphImporter::importNode(const onnx::NodeProto &node,
                                                    const std::string &name, int opset,
                                                    const std::vector<Value> &inputs,
                                                    llvm::StringMap<Value> &scope, Block &block,
                                                    std::string &reason, int depth) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, name));
  if ((node.domain().empty() || node.domain() == "ai.onnx") &&
      (node.op_type() == "If" || node.op_type() == "Loop" || node.op_type() == "Scan")) {
    Block::iterator before = block.empty() ? block.begin() : std::prev(block.end());
    bool wasEmpty = block.empty();
    NodeStatus st = importControlFlow(node, name, inputs, scope, block, reason, depth);
    if (st == NodeStatus::Ok)
      for (Operation &op :
           llvm::make_range(wasEmpty ? block.begin() : std::next(before), block.end()))
        if (failed(mlir::verify(&op)))
          return NodeStatus::Error;
    if (st == NodeStatus::Ok) {
      // The slices, reshapes and concats around the iterations fold like any node's.
      llvm::DenseMap<Value, Value> replaced;
      foldNewOps(block, wasEmpty ? block.begin() : std::next(before), replaced);
      for (const auto &o : node.output())
        if (!o.empty())
          if (Value c = replaced.lookup(scope[o]))
            scope[o] = c;
    }
    return st;
  }
  if (std::string problem = attributeTypeProblem(node, opset); !problem.empty()) {
    emitError(loc) << "node '" << name << "' (" << node.op_type() << "): " << problem;
    return NodeStatus::Error;
  }
  int firstVersion = 0;
  const OpEntry *entry = lookup(node.domain(), node.op_type(), opset, firstVersion);
  if (!entry) {
    if (functionSchema(node, opset))
      return expandFunction(node, name, opset, inputs, scope, block, reason, depth);
    reason = unsupportedReason(node, opset);
    return NodeStatus::Unsupported;
  }

  Block::iterator before = block.empty() ? block.begin() : std::prev(block.end());
  bool wasEmpty = block.empty();
  int defaultOpset = opsets[""];
  // The narrow types are storage types: an op other than a conversion
  // computes on such inputs in f32 (narrow floats) or 8 bits (4- and 2-bit
  // integers) and gives results of the narrow type (correctly rounded for a
  // single arithmetic op: f32 carries more than twice f16's precision).
  std::vector<Value> operands = inputs;
  Type storage;
  static const std::set<std::string> kTakesNarrow = {"Cast", "CastLike", "Identity", "BitCast",
                                                     "QuantizeLinear", "DequantizeLinear"};
  if (!kTakesNarrow.count(node.op_type()))
    for (Value &v : operands) {
      if (!v)
        continue;
      Type et = NodeContext::elementType(v);
      Type wide = isNarrowFloatType(et)       ? Type(b.getF32Type())
                  : !isSubByteIntegerType(et) ? Type()
                  : et.isUnsignedInteger()    ? Type(b.getIntegerType(8, false))
                                              : Type(b.getIntegerType(8));
      if (!wide)
        continue;
      if (auto k = v.getDefiningOp<edge::ConstantOp>()) {
        // A constant converts now: handlers that need a compile-time value
        // (Range's start, a Reshape's shape) see one.
        Tensor t = tensorFromAttr(k.getValue()), w = Tensor::zeros(dtypeOf(wide), t.shape);
        w.f = t.f;
        w.i = t.i;
        v = materializeConstant(b, loc, w, name);
      } else {
        v = b.create<edge::CastOp>(loc, RankedTensorType::get(NodeContext::shape(v), wide), v);
      }
      if (!storage)
        storage = et;
    }
  // Every ONNX op has at least one output; the handlers name output 0.
  if (node.output_size() == 0) {
    emitError(loc) << "node '" << name << "' (" << node.op_type()
                   << "): the node names no output (every ONNX op has at least one)";
    return NodeStatus::Error;
  }
  NodeContext nc(node, name, opset < 0 ? defaultOpset : opset, b, loc, operands);
  nc.onnxOpset = defaultOpset;
  for (const std::string &out : node.output()) {
    auto it = declaredShapes.find(out);
    nc.declaredOutputShapes.push_back(it == declaredShapes.end() ? std::nullopt
                                                                 : std::optional(it->second));
  }
  if (failed(entry->handler(nc)))
    return NodeStatus::Error;
  if (std::string problem = unreadAttributeProblem(node, nc.opset, nc.readAttributes);
      !problem.empty()) {
    emitError(loc) << "node '" << name << "' (" << node.op_type() << "): " << problem;
    return NodeStatus::Error;
  }
  if (storage)
    for (Value &v : nc.outputs) {
      Type et = v ? NodeContext::elementType(v) : Type();
      if (et && (isNarrowFloatType(storage) ? et.isF32() : et.isInteger(8)))
        v = b.create<edge::CastOp>(loc, RankedTensorType::get(NodeContext::shape(v), storage), v);
    }
  // A handler builds ops from the model's types; if the model is wrong for
  // the op (say, an integer tensor into Conv), the op's verifier says so here,
  // at the node, as a user error rather than an internal one at the end.
  for (Operation &op :
       llvm::make_range(wasEmpty ? block.begin() : std::next(before), block.end())) {
    if (failed(mlir::verify(&op)))
      return NodeStatus::Error;
    for (Type t : op.getResultTypes())
      if (checkedElementCount(cast<ShapedType>(t).getShape()) < 0) {
        emitError(loc) << "node '" << name << "' (" << node.op_type() << "): result of shape "
                       << shapeToString(NodeContext::shape(op.getResult(0)))
                       << " has more than 2^31 - 1 elements";
        return NodeStatus::Error;
      }
  }
  llvm::DenseMap<Value, Value> replaced;
  foldNewOps(block, wasEmpty ? block.begin() : std::next(before), replaced);
  // Handlers may produce fewer outputs than the node names (optional ones).
  for (int k = 0; k < node.output_size(); ++k) {
    const std::string &outName = node.output(k);
    if (outName.empty())
      continue;
    if (k >= (int)nc.outputs.size() || !nc.outputs[k]) {
      emitError(loc) << "node '" << name << "' (" << node.op_type() << "): output " << k
                     << " ('" << outName << "') is not supported by edgec";
      return NodeStatus::Error;
    }
    Value v = nc.outputs[k];
    // A folded result was replaced by a new constant.
    if (Value c = replaced.lookup(v))
      v = c;
    scope[outName] = v;
  }
  return NodeStatus::Ok;
}

void GraphImporter::collectDeclaredShapes(const onnx::GraphProto &graph) {
  auto add = [&](const onnx::ValueInfoProto &vi) {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape())
      return;
    Shape s;
    for (const auto &d : vi.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0)
        return;
      s.push_back(d.dim_value());
    }
    declaredShapes[vi.name()] = s;
  };
  for (const auto &vi : graph.output())
    add(vi);
  for (const auto &vi : graph.value_info())
    add(vi);
  // Element-wise unary ops and conversions: ONNX gives their output their
  // first input's shape, so a shape declared after them holds before them.
  static const std::set<std::string> kSameShape = {
      "Identity", "Cast", "CastLike", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal",
      "Floor", "Ceil", "Round", "Sign", "Relu", "Sigmoid", "Tanh", "Softplus", "Erf", "Not"};
  for (int k = graph.node_size() - 1; k >= 0; --k) {
    const onnx::NodeProto &n = graph.node(k);
    if (!n.domain().empty() || !kSameShape.count(n.op_type()) || n.input_size() < 1 ||
        n.output_size() != 1)
      continue;
    auto it = declaredShapes.find(n.output(0));
    if (it == declaredShapes.end() || declaredShapes.count(n.input(0)))
      continue;
    Shape s = it->second;
    declaredShapes[n.input(0)] = std::move(s);
  }
}

/// The ONNX TypeProto of an imported value, for context-dependent function
/// builders (which look at input element types, e.g. CastLike).
static onnx::TypeProto typeProtoOf(Value v) {
  onnx::TypeProto t;
  auto *tt = t.mutable_tensor_type();
  int32_t et = onnxElementType(dtypeOf(getElementTypeOrSelf(v.getType())));
  tt->set_elem_type(et);
  for (int64_t d : cast<ShapedType>(v.getType()).getShape())
    tt->mutable_shape()->add_dim()->set_dim_value(d);
  return t;
}

GraphImporter::NodeStatus GraphImporter::expandFunction(const onnx::NodeProto &node,
                                                        const std::string &name, int opset,
                                                        const std::vector<Value> &inputs,
                                                        llvm::StringMap<Value> &scope,
                                                        Block &block, std::string &reason,
                                                        int depth) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, name));
  const onnx::OpSchema *schema = functionSchema(node, opset);
  if (depth > 8) {
    emitError(loc) << "node '" << name << "' (" << node.op_type()
                   << "): ONNX function bodies nest more than 8 deep";
    return NodeStatus::Error;
  }
  onnx::FunctionProto body;
  if (schema->HasFunction()) {
    body = *schema->GetFunction();
  } else {
    std::vector<onnx::TypeProto> types;
    for (Value v : inputs)
      types.push_back(v ? typeProtoOf(v) : onnx::TypeProto());
    onnx::FunctionBodyBuildContextImpl fctx(node, types);
    bool built = false;
    try {
      built = schema->BuildContextDependentFunction(fctx, body);
    } catch (const std::exception &e) {
      built = false;
    }
    if (!built) {
      reason = "unsupported operator ai.onnx::" + node.op_type() +
               " (its ONNX function body cannot be built for these inputs and attributes)";
      return NodeStatus::Unsupported;
    }
  }
  // Inner nodes use the body's opsets (its default domain's, else the schema's).
  int innerOpset = (int)schema->since_version();
  for (const auto &o : body.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      innerOpset = (int)o.version();

  llvm::StringMap<Value> local;
  for (int k = 0; k < body.input_size(); ++k)
    if (k < (int)inputs.size() && inputs[k])
      local[body.input(k)] = inputs[k];
  std::map<std::string, const onnx::AttributeProto *> callerAttrs;
  for (const auto &a : node.attribute())
    callerAttrs[a.name()] = &a;

  int index = 0;
  for (const onnx::NodeProto &inner : body.node()) {
    onnx::NodeProto n = inner;
    n.clear_attribute();
    for (const auto &a : inner.attribute()) {
      if (a.ref_attr_name().empty()) {
        *n.add_attribute() = a;
        continue;
      }
      onnx::AttributeProto value;
      if (auto it = callerAttrs.find(a.ref_attr_name()); it != callerAttrs.end()) {
        value = *it->second;
      } else {
        auto def = schema->attributes().find(a.ref_attr_name());
        if (def == schema->attributes().end() || !def->second.default_value.has_name())
          continue; // an optional attribute the caller left out
        value = def->second.default_value;
      }
      value.set_name(a.name());
      *n.add_attribute() = value;
    }
    std::string innerName = name + "/" + (inner.name().empty() ? inner.op_type() + "_" +
                                                                    std::to_string(index)
                                                              : inner.name());
    ++index;
    std::vector<Value> innerInputs;
    for (const auto &in : n.input()) {
      if (in.empty()) {
        innerInputs.push_back(Value());
        continue;
      }
      auto it = local.find(in);
      // An optional function input the caller omitted reads as absent.
      innerInputs.push_back(it == local.end() ? Value() : it->second);
    }
    std::string innerReason;
    int nodeOpset = innerOpset;
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      auto o = opsets.find(n.domain());
      nodeOpset = o == opsets.end() ? -1 : o->second;
    }
    NodeStatus st =
        importNode(n, innerName, nodeOpset, innerInputs, local, block, innerReason, depth + 1);
    if (st == NodeStatus::Error)
      return st;
    if (st == NodeStatus::Unsupported) {
      reason = "its ONNX function body needs node '" + innerName + "': " + innerReason;
      return NodeStatus::Unsupported;
    }
  }
  for (int k = 0; k < node.output_size() && k < body.output_size(); ++k) {
    if (node.output(k).empty())
      continue;
    auto it = local.find(body.output(k));
    if (it == local.end()) {
      emitError(loc) << "node '" << name << "' (" << node.op_type() << "): output " << k
                     << " is not produced by its ONNX function body";
      return NodeStatus::Error;
    }
    scope[node.output(k)] = it->second;
  }
  return NodeStatus::Ok;
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (!model.has_graph()) {
    emitError(fileLoc()) << "the file is not an ONNX model: it has no graph";
    return nullptr;
  }
  if (failed(readOpsets()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  (*module)->setAttr("edge.source", b.getStringAttr(llvm::sys::path::filename(sourceName)));
  (*module)->setAttr("edge.opset", b.getI64IntegerAttr(opsets[""]));
  if (!model.producer_name().empty())
    (*module)->setAttr("edge.producer",
                       b.getStringAttr(model.producer_name() + " " + model.producer_version()));

  if (failed(checkGraphNames(graph)))
    return nullptr;
  collectDeclaredShapes(graph);
  std::set<std::string> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());

  // Signature: graph inputs that are not initializers, in order.
  std::vector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> argTypes;
  bool ok = true;
  for (const auto &vi : graph.input()) {
    if (initializerNames.count(vi.name()))
      continue;
    if (auto bound = options.bindings.find(vi.name()); bound != options.bindings.end()) {
      if (failed(checkBinding(vi, bound->second)))
        ok = false;
      continue;
    }
    FailureOr<RankedTensorType> t = inputType(vi);
    if (failed(t)) {
      ok = false;
      continue;
    }
    inputs.push_back(&vi);
    argTypes.push_back(*t);
  }
  for (const auto &kv : options.bindings)
    if (std::none_of(graph.input().begin(), graph.input().end(),
                     [&](const onnx::ValueInfoProto &vi) {
                       return vi.name() == kv.first && !initializerNames.count(vi.name());
                     })) {
      emitError(fileLoc()) << "--bind names '" << kv.first << "', which is not a graph input";
      ok = false;
    }
  for (const auto &kv : options.inputShapes)
    if (std::none_of(graph.input().begin(), graph.input().end(),
                     [&](const onnx::ValueInfoProto &vi) {
                       return vi.name() == kv.first && !initializerNames.count(vi.name());
                     })) {
      std::string names;
      for (const auto &vi : graph.input())
        if (!initializerNames.count(vi.name()))
          names += (names.empty() ? "" : ", ") + vi.name();
      emitError(fileLoc()) << "--input-shape names '" << kv.first
                           << "', which is not a graph input (inputs: " << names << ")";
      ok = false;
    }
  if (!ok)
    return nullptr;

  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(fileLoc(), "main", b.getFunctionType(argTypes, {}));
  Block *block = func.addEntryBlock();
  for (auto [k, vi] : llvm::enumerate(inputs)) {
    func.setArgAttr(k, "edge.name", b.getStringAttr(vi->name()));
    values[vi->name()] = block->getArgument(k);
  }
  b.setInsertionPointToEnd(block);

  for (const auto &[name, t] : options.bindings)
    if (!values.count(name) && !initializerNames.count(name)) {
      // A bfloat16 / float8 / 4-bit input bound from its .npy carrier type.
      Tensor stored = t;
      for (const auto &vi : graph.input())
        if (vi.name() == name)
          if (std::optional<DType> dt = dtypeFromOnnx(vi.type().tensor_type().elem_type())) {
            std::string why;
            if (std::optional<Tensor> s = fromCarrier(t, *dt, why))
              stored = *s;
          }
      values[name] = materializeConstant(b, NameLoc::get(StringAttr::get(&ctx, name)), stored, name);
    }

  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(StringAttr::get(&ctx, init.name()));
    std::string error;
    FailureOr<Tensor> t = tensorFromProto(init, baseDir, error, options.externalFiles);
    if (failed(t)) {
      emitError(loc) << "initializer '" << init.name() << "': " << error;
      return nullptr;
    }
    if (NonFinite bad = countNonFinite(*t); bad.any())
      emitWarning(loc) << "initializer '" << init.name() << "' holds " << bad.nan << " NaN and "
                       << bad.inf << " infinite value(s) of " << t->numElements()
                       << " (they propagate in float; int8 quantization cannot represent them)";
    values[init.name()] = materializeConstant(b, loc, *t, init.name());
  }

  // Nodes, in the graph's (topological) order.
  std::vector<std::pair<std::string, std::string>> unsupported; // name, reason
  std::set<std::string> poisoned; // outputs of nodes that could not be imported
  std::map<std::string, int> unnamedCount;
  for (const auto &node : graph.node()) {
    std::string name = node.name();
    if (name.empty())
      name = node.op_type() + "_" + std::to_string(unnamedCount[node.op_type()]++);
    Location loc = NameLoc::get(StringAttr::get(&ctx, name));

    bool inputPoisoned = false;
    std::vector<Value> nodeInputs;
    for (const auto &inName : node.input()) {
      if (inName.empty()) {
        nodeInputs.push_back(Value());
        continue;
      }
      if (poisoned.count(inName)) {
        inputPoisoned = true;
        continue;
      }
      auto it = values.find(inName);
      if (it == values.end()) {
        emitError(loc) << "node '" << name << "' (" << node.op_type() << "): input '" << inName
                       << "' is not produced by any node, graph input or initializer (missing "
                          "initializer?)";
        return nullptr;
      }
      nodeInputs.push_back(it->second);
    }
    auto opsetIt = opsets.find(node.domain() == "ai.onnx" ? "" : node.domain());
    int opset = opsetIt == opsets.end() ? -1 : opsetIt->second;
    if (inputPoisoned) {
      // Still report the node if it is unsupported itself.
      if (std::string reason = unsupportedReason(node, opset); !reason.empty())
        unsupported.emplace_back(name, reason);
      for (const auto &o : node.output())
        poisoned.insert(o);
      continue;
    }

    std::string reason;
    NodeStatus st = importNode(node, name, opset, nodeInputs, values, *block, reason);
    if (st == NodeStatus::Error) {
      // A failure on run-time data in a graph whose symbolic dimensions were
      // compiled as 1 may well follow from such a 1: say which, and how to
      // give the real sizes.
      bool runtime = llvm::any_of(nodeInputs, [](Value v) {
        return v && !v.getDefiningOp<edge::ConstantOp>();
      });
      if (runtime && !symbolicOnes.empty()) {
        std::string list;
        for (const std::string &s : symbolicOnes)
          list += (list.empty() ? "" : ", ") + s;
        emitRemark(NameLoc::get(StringAttr::get(&ctx, name)))
            << "node '" << name << "' computes on graph inputs whose symbolic dimensions were "
            << "compiled as 1 (" << list << "): if the error above comes from such a 1, give "
            << "the real sizes with --input-shape NAME=DxDx...";
      }
      return nullptr;
    }
    if (st == NodeStatus::Unsupported) {
      unsupported.emplace_back(name, reason);
      for (const auto &o : node.output())
        poisoned.insert(o);
    }
  }
  if (!unsupported.empty()) {
    for (const auto &[name, reason] : unsupported)
      emitError(NameLoc::get(StringAttr::get(&ctx, name))) << "node '" << name << "': " << reason;
    emitError(fileLoc()) << unsupported.size() << " node(s) cannot be imported (listed above)";
    return nullptr;
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &vi : graph.output()) {
    auto it = values.find(vi.name());
    if (it == values.end()) {
      emitError(fileLoc()) << "graph output '" << vi.name() << "' is not produced by any node";
      return nullptr;
    }
    if (failed(checkDeclaredOutput(vi, it->second)))
      return nullptr;
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  if (results.empty()) {
    emitError(fileLoc()) << "the graph has no outputs";
    return nullptr;
  }
  b.create<func::ReturnOp>(fileLoc(), results);
  func.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [k, vi] : llvm::enumerate(graph.output()))
    func.setResultAttr(k, "edge.name", b.getStringAttr(vi.name()));

  if (failed(finishImport(*module, *block, fileLoc())))
    return nullptr;
  return module;
}

} // namespace

std::vector<SupportedOp> supportedOps() {
  std::vector<SupportedOp> out;
  for (const OpEntry &e : opTable())
    out.push_back({e.domain, e.op, e.sinceVersion});
  std::sort(out.begin(), out.end(), [](const SupportedOp &a, const SupportedOp &b) {
    return std::tie(a.domain, a.op, a.sinceVersion) < std::tie(b.domain, b.op, b.sinceVersion);
  });
  return out;
}

bool readTensorProtoFile(const std::string &path, Tensor &out, std::string &error) {
  std::string bytes;
  if (!files::readWholeFile(path, bytes, error))
    return false;
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    error = "'" + path + "' is not a serialized ONNX TensorProto";
    return false;
  }
  std::string why;
  FailureOr<Tensor> t = onnx_import::tensorFromProto(proto, "", why);
  if (failed(t)) {
    error = "'" + path + "': " + why;
    return false;
  }
  out = std::move(*t);
  return true;
}

/// Deepest bracket nesting accepted in textual ONNX (a model nests a few).
constexpr size_t kMaxTextNesting = 200;

OwningOpRef<ModuleOp> importOnnxBytes(MLIRContext &ctx, const std::string &bytes,
                                      const std::string &sourceName, const std::string &baseDir,
                                      const ImportOptions &options) {
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect, quant::QuantizationDialect>();
  Location loc = FileLineColLoc::get(&ctx, sourceName, 0, 0);
  onnx::ModelProto model;
  bool textual = llvm::StringRef(sourceName).ends_with(".onnxtxt");
  if (textual) {
    // ONNX's parser reports most errors in its status, but a malformed
    // number escapes as the exception std::stof / std::stol throw.
    std::string error;
    // ONNX's text parser recurses once per nested graph, attribute list and
    // type: bound the nesting before it can exhaust the stack.
    if (size_t at = nestingTooDeep(bytes, kMaxTextNesting, "{([", "})]");
        at != std::string::npos) {
      emitError(loc) << "cannot parse textual ONNX: brackets nest deeper than "
                     << kMaxTextNesting << " levels (at byte " << at << ")";
      return nullptr;
    }
    try {
      onnx::OnnxParser parser(bytes.c_str());
      auto status = parser.Parse(model);
      if (!status.IsOK())
        error = status.ErrorMessage();
    } catch (const std::exception &e) {
      error = std::string("malformed literal (") + e.what() + ")";
    }
    if (!error.empty()) {
      emitError(loc) << "cannot parse textual ONNX: " << error;
      return nullptr;
    }
  } else if (bytes.empty()) {
    emitError(loc) << "the file is empty";
    return nullptr;
  } else if (!model.ParseFromString(bytes)) {
    emitError(loc) << "the file is not a valid ONNX model (protobuf parsing failed: truncated, "
                      "not ONNX, or subgraphs nested more than 100 levels deep)";
    return nullptr;
  }
  if (!textual && model.ir_version() <= 0) {
    emitError(loc) << "the file is not an ONNX model (no ir_version)";
    return nullptr;
  }
  GraphImporter importer(ctx, model, sourceName, baseDir, options);
  return importer.run();
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &ctx, const std::string &path,
                                     const ImportOptions &options) {
  std::string bytes, error;
  if (!files::readWholeFile(path, bytes, error)) {
    emitError(FileLineColLoc::get(&ctx, path, 0, 0)) << "model file: " << error;
    return nullptr;
  }
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return importOnnxBytes(ctx, bytes, path, std::string(dir), options);
}

} // namespace edgec
