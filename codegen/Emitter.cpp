//===- Emitter.cpp - edge dialect to dependency-free C++ -------------------===//
//
// Walks the planned function once. Each op becomes a per-layer constexpr
// parameter struct (designated initializers, commented with the ONNX node)
// and one call of a kernel specialized on it; constants become alignas(16)
// const arrays in <name>_weights.cpp; activations are pointers into the arena
// at the offsets the planner chose.
//
//===----------------------------------------------------------------------===//

#include "CppEmitter.h"

#include "edgec/Codegen/Emitter.h"
#include "edgec/Codegen/Report.h"
#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Names.h"
#include "edgec/Support/Version.h"
#include "passes/Memory/BufferAnalysis.h"
#include "edgec/Quant/QuantUtils.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Sparsity/Sparsity.h"
#include "edgec/quant.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstring>
#include <functional>
#include <numeric>
#include <set>

using namespace mlir;

namespace edgec::codegen {
namespace detail {

Shape shapeOf(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

int64_t numElements(Value v) { return cast<ShapedType>(v.getType()).getNumElements(); }

std::string ctype(Type t) {
  if (auto q = dyn_cast<mlir::quant::QuantizedType>(t))
    t = q.getStorageType();
  if (t.isF32()) return "float";
  if (t.isF16()) return "edgec::f16";
  if (t.isInteger(64)) return t.isUnsignedInteger() ? "uint64_t" : "int64_t";
  if (t.isInteger(32)) return t.isUnsignedInteger() ? "uint32_t" : "int32_t";
  if (t.isInteger(16)) return t.isUnsignedInteger() ? "uint16_t" : "int16_t";
  if (t.isInteger(8)) return t.isUnsignedInteger() ? "uint8_t" : "int8_t";
  if (t.isInteger(1)) return "bool";
  return "";
}

std::string ctypeOf(Value v) { return ctype(getElementTypeOrSelf(v.getType())); }

/// The element type of `v` in the C entry point: float16 tensors are passed
/// as their IEEE binary16 bits (uint16_t); the schedule sees them as edgec::f16.
std::string apiCtypeOf(Value v) {
  return getElementTypeOrSelf(v.getType()).isF16() ? "uint16_t" : ctypeOf(v);
}


/// The .npy descr of a C element type, for the harness.
std::string harnessDtype(const std::string &ctype) {
  if (ctype == "float") return "<f4";
  if (ctype == "edgec::f16") return "<f2";
  if (ctype == "int64_t") return "<i8";
  if (ctype == "int32_t") return "<i4";
  if (ctype == "int16_t") return "<i2";
  if (ctype == "int8_t") return "|i1";
  if (ctype == "uint8_t") return "|u1";
  if (ctype == "uint16_t") return "<u2";
  if (ctype == "uint32_t") return "<u4";
  if (ctype == "uint64_t") return "<u8";
  return "|b1";
}
/// The .npy descr the harness reads or writes for `v` (as stored: float16 as '<f2').
std::string npyDescrOf(Value v) {
  return getElementTypeOrSelf(v.getType()).isF16() ? "<f2" : harnessDtype(ctypeOf(v));
}

int64_t bytesOf(Value v) {
  return numElements(v) * elementBytes(getElementTypeOrSelf(v.getType()));
}

std::string list(const Shape &v) {
  std::string s;
  for (size_t k = 0; k < v.size(); ++k)
    s += (k ? ", " : "") + std::to_string(v[k]);
  return s;
}

std::string shapeComment(const Shape &s) { return "[" + list(s) + "]"; }

/// Exact decimal spelling of a float for C++ source.
std::string floatLiteral(float f) {
  if (std::isnan(f)) return "__builtin_nanf(\"\")";
  if (std::isinf(f)) return f > 0 ? "__builtin_huge_valf()" : "-__builtin_huge_valf()";
  std::string s = fmt::format("{:.9g}", f);
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s + "f";
}

/// Designated initializers of Conv2DParams' geometry (conv2d_params.h).
std::string convGeometry(edge::Conv2DOp op) {
  Shape in = shapeOf(op.getInput()), w = shapeOf(op.getWeight()), out = shapeOf(op.getOutput());
  auto s = op.getStrides(), p = op.getPads(), d = op.getDilations();
  return fmt::format("\n    .batch = {}, .in_c = {}, .in_h = {}, .in_w = {},\n"
                     "    .out_c = {}, .out_h = {}, .out_w = {},\n"
                     "    .kernel_h = {}, .kernel_w = {}, .stride_h = {}, .stride_w = {},\n"
                     "    .pad_top = {}, .pad_left = {}, .dilation_h = {}, .dilation_w = {},\n"
                     "    .groups = {}",
                     in[0], in[1], in[2], in[3], out[1], out[2], out[3], w[2], w[3], s[0], s[1],
                     p[0], p[1], d[0], d[1], op.getGroup());
}

/// Designated initializers of Pool2DParams (pool_f32.h) for either pooling op.
std::string poolFields(Operation *op, bool includePad) {
  Shape in = shapeOf(op->getOperand(0)), out = shapeOf(op->getResult(0));
  auto attr = [&](const char *n) { return op->getAttrOfType<DenseI64ArrayAttr>(n).asArrayRef(); };
  auto k = attr("kernel"), s = attr("strides"), p = attr("pads"), d = attr("dilations");
  return fmt::format("\n    .planes = {}, .in_h = {}, .in_w = {}, .out_h = {}, .out_w = {},\n"
                     "    .kernel_h = {}, .kernel_w = {}, .stride_h = {}, .stride_w = {},\n"
                     "    .pad_top = {}, .pad_left = {}, .pad_bottom = {}, .pad_right = {},\n"
                     "    .dilation_h = {}, .dilation_w = {}, .count_include_pad = {}",
                     in[0] * in[1], in[2], in[3], out[2], out[3], k[0], k[1], s[0], s[1], p[0],
                     p[1], p[2], p[3], d[0], d[1], includePad ? "true" : "false");
}

/// Designated initializers of a fused activation (act_min / act_max), if any.
std::string actFields(Operation *op) {
  std::string out;
  if (auto lo = op->getAttrOfType<FloatAttr>("act_min"))
    out += ", .act_min = " + floatLiteral(lo.getValue().convertToFloat());
  if (auto hi = op->getAttrOfType<FloatAttr>("act_max"))
    out += ", .act_max = " + floatLiteral(hi.getValue().convertToFloat());
  return out;
}

std::string nodeOf(Location loc) {
  if (auto nl = dyn_cast<NameLoc>(loc))
    return nl.getName().str();
  // Constants merged by folding carry the locations of all their sources.
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (std::string n = nodeOf(l); !n.empty())
        return n;
  return "";
}

std::string nodeOf(Operation *op) { return nodeOf(op->getLoc()); }

int64_t prod(const Shape &s, size_t from = 0, size_t to = SIZE_MAX) {
  to = std::min(to, s.size());
  from = std::min(from, to);
  return std::accumulate(s.begin() + from, s.begin() + to, int64_t{1}, std::multiplies<>());
}

/// `.outer / .len / .inner` of a shape viewed around `axis`.
std::string axisFields(const Shape &s, int64_t axis) {
  return fmt::format(".outer = {}, .len = {}, .inner = {}", prod(s, 0, axis), s[axis],
                     prod(s, axis + 1));
}

/// Data and index shapes of an element-wise gather or scatter along `axis`,
/// with neighbouring dimensions other than the axis merged where data and
/// indices agree, so models of rank above 6 (NLL losses over N, C, d1..d5)
/// fit the kernels' six loops. Returns (data, indices, axis).
std::tuple<Shape, Shape, int64_t> collapseForAxis(const Shape &ds, const Shape &is,
                                                  int64_t axis) {
  Shape d, i;
  int64_t a = 0;
  bool prevMergeable = false;
  for (size_t k = 0; k < ds.size(); ++k) {
    bool mergeable = (int64_t)k != axis && ds[k] == is[k];
    if (mergeable && prevMergeable) {
      d.back() *= ds[k];
      i.back() *= is[k];
    } else {
      if ((int64_t)k == axis)
        a = d.size();
      d.push_back(ds[k]);
      i.push_back(is[k]);
    }
    prevMergeable = mergeable;
  }
  return {d, i, a};
}

// The kernels' enumerators of the ops' modes: exhaustive switches, so a new
// mode is a compiler warning here, never a silent default.

/// The kernels' reduction template argument for a scatter's `reduction`.
const char *reductionName(edge::ScatterReduction r) {
  switch (r) {
  case edge::ScatterReduction::None: return "edgec::kReduceNone";
  case edge::ScatterReduction::Add: return "edgec::kReduceAdd";
  case edge::ScatterReduction::Mul: return "edgec::kReduceMul";
  case edge::ScatterReduction::Max: return "edgec::kReduceMax";
  case edge::ScatterReduction::Min: return "edgec::kReduceMin";
  }
  llvm_unreachable("scatter reduction");
}

const char *padModeName(edge::PadMode m) {
  switch (m) {
  case edge::PadMode::Constant: return "edgec::kPadConstant";
  case edge::PadMode::Reflect: return "edgec::kPadReflect";
  case edge::PadMode::Edge: return "edgec::kPadEdge";
  }
  llvm_unreachable("pad mode");
}

const char *sampleModeName(edge::SampleMode m) {
  switch (m) {
  case edge::SampleMode::Bilinear: return "kSampleBilinear";
  case edge::SampleMode::Nearest: return "kSampleNearest";
  case edge::SampleMode::Bicubic: return "kSampleBicubic";
  }
  llvm_unreachable("sample mode");
}

const char *samplePaddingName(edge::SamplePadding p) {
  switch (p) {
  case edge::SamplePadding::Zeros: return "kPadZeros";
  case edge::SamplePadding::Border: return "kPadBorder";
  case edge::SamplePadding::Reflection: return "kPadReflection";
  }
  llvm_unreachable("sample padding");
}

const char *cellName(edge::RecurrentCell c) {
  switch (c) {
  case edge::RecurrentCell::Rnn: return "kCellRnn";
  case edge::RecurrentCell::Gru: return "kCellGru";
  case edge::RecurrentCell::Lstm: return "kCellLstm";
  }
  llvm_unreachable("recurrent cell");
}

Shape rowMajorStrides(const Shape &s) {
  Shape st(s.size(), 1);
  for (int k = (int)s.size() - 2; k >= 0; --k)
    st[k] = st[k + 1] * s[k + 1];
  return st;
}

/// Designated initializers shared by GatherElementsParams and
/// ScatterElementsParams (after collapseForAxis, padded to six dimensions):
/// `dims` (the indices'), `strides` (the data's), axis and axis_len; or
/// nothing if the collapsed rank exceeds six.
std::optional<std::string> elementsGeometry(const Shape &data, const Shape &indices, int64_t axis,
                                            const char *stridesField) {
  auto [ds, is, a] = collapseForAxis(data, indices, axis);
  if (is.size() > 6)
    return std::nullopt;
  size_t lead = 6 - is.size();
  Shape dims(lead, 1), st(lead, 0), rs = rowMajorStrides(ds);
  dims.insert(dims.end(), is.begin(), is.end());
  st.insert(st.end(), rs.begin(), rs.end());
  return fmt::format(".dims = {{{}}}, .{} = {{{}}}, .axis = {}, .axis_len = {}", list(dims),
                     stridesField, list(st), a + (int64_t)lead, ds[a]);
}


InFlightDiagnostic CppEmitter::unsupported(Operation *op) {
  return op->emitError("code generation: ");
}

std::string CppEmitter::banner(const std::string &what) const {
  // Target descriptions and option values are the user's text: one escaper.
  return fmt::format("// {}\n// Generated by edgec {} for target '{}' from '{}'.\n// Options: {}\n"
                     "// Do not edit: regenerate with edgec instead.\n",
                     what, EDGEC_VERSION_STRING, commentText(target.name),
                     commentText(opts.modelPath), commentText(opts.commandLine));
}

std::string CppEmitter::weightArray(edge::ConstantOp c) {
  auto it = names.find(c.getOutput());
  if (it != names.end())
    return it->second;
  // Constants that pattern rewriting merged or hoisted lose their location;
  // they are named after the node that reads them and the operand's position.
  std::string name = nodeOf(c);
  if (name.empty() && !c->use_empty()) {
    OpOperand &use = *c->getUses().begin();
    name = nodeOf(use.getOwner()) + "_in" + std::to_string(use.getOperandNumber());
  }
  return names[c.getOutput()] =
             weightArray(tensorFromAttr(c.getValue()), ctypeOf(c.getOutput()), name);
}

std::string CppEmitter::weightArray(const Tensor &t, const std::string &type,
                                    const std::string &nodeName) {
  std::string id = ids.unique("w_" + sanitizeIdentifier(nodeName, "const"));
  int64_t n = t.numElements();
  std::string ref;
  if (n == 0) {
    ref = "static_cast<const " + type + " *>(nullptr)";
  } else {
    // The schedule sees arrays of unknown bound: the compiler then cannot
    // reason about their extent across kernel loops (no false
    // -Waggressive-loop-optimizations at -O3), and sizes live in one place.
    std::string decl = fmt::format("extern const {} {}[];\n", type, id);
    weightDecls += decl;
    std::string values;
    for (int64_t k = 0; k < n; ++k) {
      if (k % 8 == 0)
        values += "\n   ";
      if (t.dtype == DType::F16)
        values += fmt::format(" {{0x{:04x}}},", floatToHalf(t.f[k]));
      else if (t.isFloat())
        values += " " + floatLiteral(t.f[k]) + ",";
      else if (t.dtype == DType::Bool)
        values += t.i[k] ? " true," : " false,";
      else if (t.dtype == DType::I64)
        values += t.i[k] == INT64_MIN ? " INT64_MIN," : fmt::format(" INT64_C({}),", t.i[k]);
      else if (t.dtype == DType::U64)
        values += fmt::format(" UINT64_C({}),", (uint64_t)t.i[k]);
      else
        values += fmt::format(" {},", t.i[k]);
    }
    std::string node = sanitizeIdentifier(nodeName, "constant");
    weightDefs += fmt::format("// '{}': {} {}\n{}alignas(16) const {} {}[{}] = {{{}\n}};\n\n", node,
                              type, shapeComment(t.shape), decl, type, id, n, values);
    ref = "weights::" + id;
  }
  return ref;
}

std::string CppEmitter::expr(Value v) {
  auto it = names.find(v);
  if (it != names.end())
    return it->second;
  if (Operation *def = v.getDefiningOp()) {
    if (auto c = dyn_cast<edge::ConstantOp>(def))
      return weightArray(c);
    if (kernels::isView(def))
      return names[v] = expr(def->getOperand(0));
  }
  return "/*unplanned*/nullptr";
}

/// The first integer literal in a params initializer that does not fit the
/// kernel field receiving it, as "field = value". Every kernel parameter
/// struct (runtime-stub/edgec/kernels) has int32_t integer fields; the
/// emitted initializers are ".field = value" with values, or {lists} of
/// values, that are integer or float literals, identifiers or expressions.
std::optional<std::string> outOfRangeField(const std::string &fields) {
  std::string field;
  auto ident = [](char c) { return std::isalnum((unsigned char)c) || c == '_'; };
  for (size_t k = 0; k < fields.size();) {
    char c = fields[k];
    if (c == '.' && k + 1 < fields.size() && std::isalpha((unsigned char)fields[k + 1])) {
      size_t e = k + 1;
      while (e < fields.size() && ident(fields[e]))
        ++e;
      field = fields.substr(k + 1, e - k - 1);
      k = e;
      continue;
    }
    if (std::isalpha((unsigned char)c) || c == '_') { // identifiers (and their digits)
      while (k < fields.size() && ident(fields[k]))
        ++k;
      continue;
    }
    if (!std::isdigit((unsigned char)c)) {
      ++k;
      continue;
    }
    size_t e = k;
    while (e < fields.size() && std::isdigit((unsigned char)fields[e]))
      ++e;
    bool isFloat = e < fields.size() && std::strchr(".eEfx", fields[e]);
    if (!isFloat) {
      bool negative = k > 0 && fields[k - 1] == '-';
      std::string digits = fields.substr(k, e - k);
      // Beyond 10 digits, or above the bound: out of int32_t.
      if (digits.size() > 10 || std::stoll(digits) > (negative ? 2147483648LL : 2147483647LL))
        return field + " = " + (negative ? "-" : "") + digits;
    } else {
      while (e < fields.size() &&
             (ident(fields[e]) || fields[e] == '.' ||
              ((fields[e] == '-' || fields[e] == '+') && (fields[e - 1] == 'e' || fields[e - 1] == 'E'))))
        ++e;
    }
    k = e;
  }
  return std::nullopt;
}

std::string CppEmitter::newParams(Operation *op, const std::string &type,
                                  const std::string &fields) {
  // Range check before emission: a parameter that does not fit its field
  // would be a narrowing error in the generated code (exit 0, then no build).
  if (auto bad = outOfRangeField(fields)) {
    op->emitError() << "(" << op->getName().getStringRef() << ") kernel parameter " << *bad
                    << " does not fit its 32-bit field";
    paramsFailed = true;
  }
  std::string id = ids.unique(sanitizeIdentifier(nodeOf(op), "layer") + "_p");
  params += fmt::format("// node '{}'\nconstexpr edgec::{} {} = {{{}}};\n\n",
                        sanitizeIdentifier(nodeOf(op), "layer"), type, id, fields);
  return id;
}

void CppEmitter::call(Operation *op, const std::string &text) {
  std::string in;
  for (Value v : op->getOperands())
    in += (in.empty() ? "" : ", ") + shapeComment(shapeOf(v));
  std::string fused;
  if (auto names = op->getAttrOfType<ArrayAttr>("edge.fused"))
    for (Attribute a : names)
      if (auto s = dyn_cast<StringAttr>(a))
        fused += (fused.empty() ? " + fused '" : ", '") + sanitizeIdentifier(s.str(), "node") + "'";
  body += fmt::format("  // node '{}'{} ({}): {} -> {}\n  {}\n",
                      sanitizeIdentifier(nodeOf(op), "layer"), fused,
                      op->getName().getStringRef().str(), in,
                      shapeComment(shapeOf(op->getResult(0))), text);
}

std::string CppEmitter::scratch(Operation *op) {
  auto off = op->getAttrOfType<IntegerAttr>(memory::kScratchOffsetAttr);
  if (!off)
    return "nullptr";
  return fmt::format("reinterpret_cast<float *>(arena + {})", off.getInt());
}

void CppEmitter::assertScratch(Operation *op, const std::string &templateArgs) {
  edge::KernelAttr kernel = edge::kernelOf(op);
  const kernels::KernelRow *row = kernels::findRow(kernel.getName());
  if (!row || !*row->scratchFunction)
    return;
  params += fmt::format("static_assert({}<{}>() <= {},\n"
                        "              \"scratch planned for this layer is too small\");\n\n",
                        row->scratchFunction, templateArgs, kernel.getScratch());
}

std::string CppEmitter::rawScratch(Operation *op) {
  auto off = op->getAttrOfType<IntegerAttr>(memory::kScratchOffsetAttr);
  if (!off)
    return "nullptr";
  return fmt::format("static_cast<void *>(arena + {})", off.getInt());
}

// --- per-op emission -------------------------------------------------------

LogicalResult CppEmitter::emitConv(edge::Conv2DOp op) {
  std::string id = newParams(op, "Conv2DParams",
                             fmt::format("{}, .tile = {}{}", convGeometry(op), kernels::convTile(op),
                                         actFields(op)));
  assertScratch(op, id);
  call(op, fmt::format("edgec::conv2d_f32<{}>({}, {}, {}, {}, {});", id, expr(op.getInput()),
                       expr(op.getWeight()), op.getBias() ? expr(op.getBias()) : "nullptr",
                       expr(op.getOutput()), scratch(op)));
  return success();
}

LogicalResult CppEmitter::emitGemm(edge::GemmOp op) {
  Shape a = shapeOf(op.getA()), out = shapeOf(op.getOutput());
  int64_t k = op.getTransA() ? a[0] : a[1];
  int64_t csm = 0, csn = 0;
  if (op.getC()) {
    Shape c = shapeOf(op.getC());
    Shape full(2 - std::min<size_t>(c.size(), 2), 1);
    full.insert(full.end(), c.begin(), c.end());
    csm = full[0] == 1 ? 0 : full[1];
    csn = full[1] == 1 ? 0 : 1;
  }
  std::string id = newParams(
      op, "GemmParams",
      fmt::format(".m = {}, .n = {}, .k = {}, .trans_a = {}, .trans_b = {}, .alpha = {}, "
                  ".beta = {}, .c_stride_m = {}, .c_stride_n = {}{}",
                  out[0], out[1], k, op.getTransA() ? "true" : "false",
                  op.getTransB() ? "true" : "false", floatLiteral(op.getAlpha().convertToFloat()),
                  floatLiteral(op.getBeta().convertToFloat()), csm, csn, actFields(op)));
  call(op, fmt::format("edgec::fc_f32<{}>({}, {}, {}, {});", id, expr(op.getA()), expr(op.getB()),
                       op.getC() ? expr(op.getC()) : "nullptr", expr(op.getOutput())));
  return success();
}

LogicalResult CppEmitter::emitMatMul(edge::MatMulOp op) {
  Shape a = shapeOf(op.getA()), b = shapeOf(op.getB());
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  int64_t m = a[a.size() - 2], k = a.back(), n = b.back();
  Shape ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  auto batch = broadcastShapes(ba, bb);
  Shape bs(batch->begin(), batch->end());
  // Element offsets of each broadcast batch into A and B.
  auto batchStrides = [&](const Shape &s, int64_t matrix) {
    Shape st(bs.size(), 0), rs = rowMajorStrides(s);
    size_t off = bs.size() - s.size();
    for (size_t q = 0; q < s.size(); ++q)
      st[q + off] = s[q] == 1 ? 0 : rs[q] * matrix;
    return st;
  };
  Shape sa = batchStrides(ba, m * k), sb = batchStrides(bb, k * n);
  std::string aoff, boff;
  int64_t count = prod(bs);
  Shape idx(bs.size(), 0);
  for (int64_t q = 0; q < count; ++q) {
    int64_t oa = 0, ob = 0;
    for (size_t dd = 0; dd < bs.size(); ++dd) {
      oa += idx[dd] * sa[dd];
      ob += idx[dd] * sb[dd];
    }
    aoff += std::to_string(oa) + ", ";
    boff += std::to_string(ob) + ", ";
    for (int dd = (int)bs.size() - 1; dd >= 0 && ++idx[dd] == bs[dd]; --dd)
      idx[dd] = 0;
  }
  std::string base = ids.unique(sanitizeIdentifier(nodeOf(op), "layer"));
  params += fmt::format("constexpr int32_t {0}_a_offsets[] = {{{1}}};\nconstexpr int32_t "
                        "{0}_b_offsets[] = {{{2}}};\n",
                        base, aoff, boff);
  std::string id = newParams(op, "MatMulParams",
                             fmt::format(".batch = {}, .m = {}, .n = {}, .k = {}, .a_offsets = "
                                         "{}_a_offsets, .b_offsets = {}_b_offsets{}",
                                         count, m, n, k, base, base, actFields(op)));
  call(op, fmt::format("edgec::matmul_f32<{}>({}, {}, {});", id, expr(op.getA()), expr(op.getB()),
                       expr(op.getOutput())));
  return success();
}

/// The result shape and each operand's strides broadcast to it, collapsed:
/// size-1 dimensions dropped, neighbours contiguous for every operand merged,
/// padded to 4 dimensions. Fails (with a diagnostic) beyond 4.
FailureOr<std::pair<Shape, std::vector<Shape>>>
CppEmitter::collapseBroadcast(Operation *op, ArrayRef<Value> operands) {
  Shape out = shapeOf(op->getResult(0));
  size_t rank = out.size();
  std::vector<Shape> full;
  for (Value v : operands) {
    Shape s = shapeOf(v), st(rank, 0), rs = rowMajorStrides(s);
    size_t off = rank - s.size();
    for (size_t q = 0; q < s.size(); ++q)
      st[q + off] = s[q] == 1 ? 0 : rs[q];
    full.push_back(st);
  }
  Shape dims;
  std::vector<Shape> strides(operands.size());
  for (size_t q = 0; q < rank; ++q) {
    if (out[q] == 1)
      continue;
    bool merge = !dims.empty();
    for (size_t k = 0; merge && k < operands.size(); ++k)
      merge = strides[k].back() == full[k][q] * out[q];
    if (merge) {
      dims.back() *= out[q];
      for (size_t k = 0; k < operands.size(); ++k)
        strides[k].back() = full[k][q];
      continue;
    }
    dims.push_back(out[q]);
    for (size_t k = 0; k < operands.size(); ++k)
      strides[k].push_back(full[k][q]);
  }
  if (dims.size() > 4) {
    unsupported(op) << "broadcast of the operands needs more than 4 dimensions after "
                       "collapsing";
    return failure();
  }
  while (dims.size() < 4) {
    dims.insert(dims.begin(), 1);
    for (Shape &st : strides)
      st.insert(st.begin(), 0);
  }
  return std::make_pair(dims, strides);
}

std::string CppEmitter::binaryParams(Operation *op) {
  auto c = collapseBroadcast(op, {op->getOperand(0), op->getOperand(1)});
  if (failed(c))
    return "";
  const auto &[dims, st] = *c;
  bool isFloat = getElementTypeOrSelf(op->getResult(0).getType()).isF32();
  return newParams(op, "BinaryParams",
                   fmt::format(".size = {}, .dims = {{{}}}, .a_strides = {{{}}}, "
                               ".b_strides = {{{}}}{}",
                               numElements(op->getResult(0)), list(dims), list(st[0]),
                               list(st[1]), isFloat ? actFields(op) : ""));
}

LogicalResult CppEmitter::emitBinary(Operation *op, const char *functor) {
  std::string id = binaryParams(op);
  if (id.empty())
    return failure();
  call(op, fmt::format("edgec::binary<edgec::{}, {}>({}, {}, {});", functor, id,
                       expr(op->getOperand(0)), expr(op->getOperand(1)),
                       expr(op->getResult(0))));
  return success();
}

LogicalResult CppEmitter::emitUnary(Operation *op, const char *functor, float alpha, float beta) {
  std::string id = newParams(op, "UnaryParams",
                             fmt::format(".size = {}, .alpha = {}, .beta = {}",
                                         numElements(op->getResult(0)), floatLiteral(alpha),
                                         floatLiteral(beta)));
  call(op, fmt::format("edgec::unary_f32<edgec::{}, {}>({}, {});", functor, id,
                       expr(op->getOperand(0)), expr(op->getResult(0))));
  return success();
}

template <typename PoolOp>
LogicalResult CppEmitter::emitPool(PoolOp op, const char *kernel, bool includePad) {
  std::string id = newParams(op, "Pool2DParams", poolFields(op, includePad));
  call(op, fmt::format("edgec::{}<{}>({}, {});", kernel, id, expr(op.getInput()),
                       expr(op.getOutput())));
  return success();
}

LogicalResult CppEmitter::emitBatchNorm(edge::BatchNormOp op) {
  std::optional<Tensor> t[4];
  Value ops[4] = {op.getScale(), op.getBias(), op.getMean(), op.getVar()};
  for (int q = 0; q < 4; ++q) {
    auto c = ops[q].getDefiningOp<edge::ConstantOp>();
    if (!c)
      return unsupported(op) << "BatchNormalization needs constant scale, bias, mean and "
                                "variance";
    t[q] = tensorFromAttr(c.getValue());
  }
  Shape in = shapeOf(op.getInput());
  int64_t C = in[1];
  Tensor scale = Tensor::zeros(DType::F32, {C}), shift = Tensor::zeros(DType::F32, {C});
  double eps = op.getEpsilon().convertToDouble();
  for (int64_t c = 0; c < C; ++c) {
    double s = t[0]->f[c] / std::sqrt((double)t[3]->f[c] + eps);
    scale.f[c] = (float)s;
    shift.f[c] = (float)(t[1]->f[c] - t[2]->f[c] * s);
  }
  // The folded statistics get arrays of their own.
  std::string sExpr = weightArray(scale, "float", nodeOf(op) + "_scale");
  std::string tExpr = weightArray(shift, "float", nodeOf(op) + "_shift");
  std::string id = newParams(op, "ChannelAffineParams",
                             fmt::format(".outer = {}, .channels = {}, .inner = {}", in[0], C,
                                         prod(in, 2)));
  call(op, fmt::format("edgec::channel_affine_f32<{}>({}, {}, {}, {});", id, expr(op.getInput()),
                       sExpr, tExpr, expr(op.getOutput())));
  return success();
}

template <typename ReduceOp>
LogicalResult CppEmitter::emitReduce(ReduceOp op) {
  static const char *const kFunctor[] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                                         "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                                         "ReduceLogSum", "ReduceLogSumExp"};
  const char *functor = kFunctor[static_cast<int>(*reduceKindOf(op))];
  Shape in = shapeOf(op.getInput());
  auto axes = op.getAxes();
  if (!getElementTypeOrSelf(op.getInput().getType()).isF32())
    return unsupported(op) << "reductions are generated for float tensors only";
  for (size_t q = 1; q < axes.size(); ++q)
    if (axes[q] != axes[q - 1] + 1) {
      // Reducing over size-1 axes in between is still contiguous.
      bool gapOnes = true;
      for (int64_t a = axes[q - 1] + 1; a < axes[q]; ++a)
        gapOnes &= in[a] == 1;
      if (!gapOnes)
        return unsupported(op) << "reduction over non-adjacent axes is not generated yet";
    }
  int64_t lo = axes.empty() ? 0 : axes.front(), hi = axes.empty() ? 0 : axes.back() + 1;
  std::string id = newParams(op, "ReduceParams",
                             fmt::format(".outer = {}, .len = {}, .inner = {}", prod(in, 0, lo),
                                         prod(in, lo, hi), prod(in, hi)));
  call(op, fmt::format("edgec::reduce_f32<edgec::{}, {}>({}, {});", functor, id,
                       expr(op.getInput()), expr(op.getOutput())));
  return success();
}

/// Softmax, log-softmax and hardmax over one axis, as [outer, len, inner].
template <typename OpT>
LogicalResult CppEmitter::emitNormalize(OpT op, const char *kernel, const char *extraArgs) {
  Shape s = shapeOf(op.getInput());
  int64_t a = op.getAxis();
  std::string id = newParams(op, "SoftmaxParams",
                             axisFields(s, a));
  call(op, fmt::format("edgec::{}<{}{}>({}, {});", kernel, id, extraArgs, expr(op.getInput()),
                       expr(op.getOutput())));
  return success();
}

LogicalResult CppEmitter::emitStridedCopy(Operation *op, const Shape &fullShape,
                                          const Shape &fullStrides, int64_t offset) {
  // Drop unit dimensions and merge neighbours the input walks contiguously
  // (stride[k] == stride[k+1] * size[k+1]): fewer loops, and any rank fits.
  Shape outShape, inStrides;
  for (size_t k = 0; k < fullShape.size(); ++k) {
    if (fullShape[k] == 1)
      continue;
    if (!outShape.empty() && inStrides.back() == fullStrides[k] * fullShape[k]) {
      outShape.back() *= fullShape[k];
      inStrides.back() = fullStrides[k];
      continue;
    }
    outShape.push_back(fullShape[k]);
    inStrides.push_back(fullStrides[k]);
  }
  if (outShape.size() > 6)
    return unsupported(op) << "tensors of rank " << outShape.size() << " (more than 6)";
  Shape dims(6 - outShape.size(), 1), st(6 - outShape.size(), 0);
  dims.insert(dims.end(), outShape.begin(), outShape.end());
  st.insert(st.end(), inStrides.begin(), inStrides.end());
  std::string id = newParams(op, "StridedCopyParams",
                             fmt::format(".out_dims = {{{}}}, .in_strides = {{{}}}, "
                                         ".in_offset = {}",
                                         list(dims), list(st), offset));
  call(op, fmt::format("edgec::strided_copy<{}>({}, {});", id, expr(op->getOperand(0)),
                       expr(op->getResult(0))));
  return success();
}

LogicalResult CppEmitter::emitConcat(edge::ConcatOp op) {
  Shape out = shapeOf(op.getOutput());
  int64_t axis = op.getAxis(), outer = prod(out, 0, axis), inner = prod(out, axis + 1);
  int64_t offset = 0;
  for (Value v : op.getInputs()) {
    int64_t chunk = shapeOf(v)[axis] * inner;
    if (chunk > 0) {
      std::string id = newParams(op, "ConcatPartParams",
                                 fmt::format(".outer = {}, .chunk = {}, .row = {}, .offset = {}",
                                             outer, chunk, out[axis] * inner, offset));
      std::string kernel = fmt::format("edgec::concat_part<{}>", id);
      Type in = getElementTypeOrSelf(v.getType()), res = getElementTypeOrSelf(op.getType());
      if (quantizedElement(in) && in != res) { // rescaled to the result's parameters
        quant::QParams pi = quant::paramsOf(in), po = quant::paramsOf(res);
        quant::FixedPoint m = quant::rescaleMultiplier(pi, po);
        std::string r = newParams(op, "RequantizeParams",
                                  fmt::format(".size = {}, .in_zero = {}, .mult = {}, .shift = "
                                              "{}, .out_zero = {}",
                                              outer * chunk, pi.zeroPoint, m.multiplier, m.shift,
                                              po.zeroPoint));
        includes.insert("edgec/kernels/ref/elementwise_s8.h");
        kernel = fmt::format("edgec::concat_part_s8<{}, {}>", id, r);
      }
      body += fmt::format("  // node '{}' (edge.concat): part at offset {}\n  {}({}, {});\n",
                          sanitizeIdentifier(nodeOf(op), "layer"), offset, kernel, expr(v),
                          expr(op.getOutput()));
    }
    offset += chunk;
  }
  return success();
}

LogicalResult CppEmitter::emitPad(edge::PadOp op) {
  Shape in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  if (in.size() > 6)
    return unsupported(op) << "tensors of rank " << in.size() << " (more than 6)";
  auto pads = op.getPads();
  size_t lead = 6 - in.size();
  Shape id6(lead, 1), od6(lead, 1), pb(lead, 0);
  id6.insert(id6.end(), in.begin(), in.end());
  od6.insert(od6.end(), out.begin(), out.end());
  for (size_t q = 0; q < in.size(); ++q)
    pb.push_back(pads[q]);
  float fill = op.getValue().convertToFloat();
  if (auto q = quantizedElement(op.getOutput().getType())) {
    quant::QParams p = quant::paramsOf(q);
    fill = (float)quantize_value(fill, (float)p.scale, p.zeroPoint, p.qmin, p.qmax);
  }
  const char *m = padModeName(op.getMode());
  std::string id = newParams(op, "PadParams",
                             fmt::format(".in_dims = {{{}}}, .out_dims = {{{}}}, .pad_begin = "
                                         "{{{}}}, .mode = {}, .value = {}",
                                         list(id6), list(od6), list(pb), m,
                                         floatLiteral(fill)));
  call(op, fmt::format("edgec::pad<{}>({}, {});", id, expr(op.getInput()), expr(op.getOutput())));
  return success();
}

LogicalResult CppEmitter::emitRecurrent(edge::RecurrentOp op) {
  Shape x = shapeOf(op.getInput());
  int64_t d = op.numDirections();
  size_t perDirection = op.getActivations().size() / d;
  std::string acts;
  for (int64_t dir = 0; dir < 2; ++dir) {
    std::string specs;
    for (size_t k = 0; k < 3; ++k) {
      // Unused slots (a second direction, h of a GRU) repeat the first.
      size_t a = dir < d && k < perDirection ? dir * perDirection + k : 0;
      const RecurrentActivation *act =
          recurrentActivation(cast<StringAttr>(op.getActivations()[a]).getValue());
      specs += fmt::format("{}{{edgec::{}, {}, {}}}", k ? ", " : "", act->kernelEnum,
                           floatLiteral(op.getActivationAlpha()[a]),
                           floatLiteral(op.getActivationBeta()[a]));
    }
    acts += fmt::format("{}{{{}}}", dir ? ", " : "", specs);
  }
  std::string id = newParams(
      op, "RecurrentParams",
      fmt::format(".seq = {}, .batch = {}, .input = {}, .hidden = {}, .directions = {}, "
                  ".cell = edgec::{}, .reverse = {}, .clip = {}, .input_forget = {}, "
                  ".linear_before_reset = {}, .act = {{{}}}",
                  x[0], x[1], x[2], op.getHiddenSize(), d,
                  cellName(op.getCell()),
                  op.getDirection() == edge::RecurrentDirection::Reverse ? "true" : "false",
                  floatLiteral(op.getClip().convertToFloat()),
                  op.getInputForget() ? "true" : "false",
                  op.getLinearBeforeReset() ? "true" : "false", acts));
  assertScratch(op, id);
  auto opt = [&](Value v) { return v ? expr(v) : std::string("nullptr"); };
  std::string lensType = op.getSequenceLens() ? ctypeOf(op.getSequenceLens()) : "int32_t";
  call(op, fmt::format("edgec::recurrent_f32<{}, {}>({}, {}, {}, {}, {}, {}, {}, {}, {}, {});",
                       id, lensType, expr(op.getInput()), expr(op.getW()), expr(op.getR()),
                       opt(op.getBias()), opt(op.getSequenceLens()), opt(op.getInitialH()),
                       opt(op.getInitialC()), opt(op.getPeepholes()), expr(op.getOutput()),
                       rawScratch(op)));
  return success();
}

std::string CppEmitter::scatterBase(Value data, Value out) {
  auto c = data.getDefiningOp<edge::ConstantOp>();
  if (!c || quantizedElement(data.getType()))
    return "";
  Tensor t = tensorFromAttr(c.getValue());
  int64_t n = t.numElements();
  for (int64_t k = 1; k < n; ++k)
    if (t.isFloat() ? t.f[k] != t.f[0] : t.i[k] != t.i[0])
      return "";
  if (n == 0 || (t.isFloat() && std::isnan(t.f[0])))
    return "";
  std::string value =
      t.isFloat() ? floatLiteral(t.f[0])
                  : fmt::format("static_cast<{}>({})", ctypeOf(out),
                                t.i[0] == INT64_MIN ? "INT64_MIN" : std::to_string(t.i[0]));
  return fmt::format("edgec::fill<{}>({}, {});\n  ", n, expr(out), value);
}

LogicalResult CppEmitter::emitGather(edge::GatherOp op) {
  auto c = op.getIndices().getDefiningOp<edge::ConstantOp>();
  if (!c) {
    Shape ds = shapeOf(op.getData());
    int64_t axis = op.getAxis();
    std::string id = newParams(op, "GatherDynamicParams",
                               fmt::format(".outer = {}, .axis_len = {}, .inner = {}, "
                                           ".num_indices = {}",
                                           prod(ds, 0, axis), ds[axis], prod(ds, axis + 1),
                                           numElements(op.getIndices())));
    call(op, fmt::format("edgec::gather_dynamic<{}>({}, {}, {});", id, expr(op.getData()),
                         expr(op.getIndices()), expr(op.getOutput())));
    return success();
  }
  Tensor idx = tensorFromAttr(c.getValue());
  Shape ds = shapeOf(op.getData());
  int64_t axis = op.getAxis(), len = ds[axis];
  std::string values;
  for (int64_t v : idx.i)
    values += std::to_string(v < 0 ? v + len : v) + ", ";
  std::string base = ids.unique(sanitizeIdentifier(nodeOf(op), "layer"));
  params += fmt::format("constexpr int32_t {}_indices[] = {{{}}};\n", base,
                        values.empty() ? "0" : values);
  std::string id = newParams(op, "GatherParams",
                             fmt::format(".outer = {}, .axis_len = {}, .inner = {}, "
                                         ".num_indices = {}, .indices = {}_indices",
                                         prod(ds, 0, axis), len, prod(ds, axis + 1),
                                         idx.numElements(), base));
  call(op, fmt::format("edgec::gather<{}>({}, {});", id, expr(op.getData()),
                       expr(op.getOutput())));
  return success();
}

LogicalResult CppEmitter::emitOp(Operation *op) {
  if (isa<edge::ConstantOp>(op) || kernels::isView(op))
    return success();
  for (Value v : op->getOperands())
    if (ctypeOf(v).empty())
      return unsupported(op) << "element type " << getElementTypeOrSelf(v.getType())
                             << " is not supported";
  // Name the result: an arena pointer, or the caller's output buffer.
  Value result = op->getResult(0);
  std::string ty = ctypeOf(result);
  int outIndex = memory::directOutputIndex(op);
  if (outIndex >= 0) {
    names[result] = getElementTypeOrSelf(result.getType()).isF16()
                        ? "reinterpret_cast<edgec::f16 *>(" + outputParams[outIndex] + ")"
                        : outputParams[outIndex];
  } else if (auto off = op->getAttrOfType<IntegerAttr>(memory::kOffsetAttr)) {
    std::string var = ids.unique(sanitizeIdentifier(nodeOf(op), "t") + "_out");
    body += fmt::format("  {} *const {} = reinterpret_cast<{} *>(arena + {});\n", ty, var, ty,
                        off.getInt());
    names[result] = var;
  } else {
    return unsupported(op) << "result has no arena offset (run --edge-plan-memory first)";
  }
  // The kernel edge-select-kernels chose; its header declares it.
  edge::KernelAttr kernel = edge::kernelOf(op);
  if (!kernel)
    return unsupported(op) << "no kernel chosen (run edge-select-kernels first)";
  includes.insert(kernel.getHeader().str());
  if (quant::hasIntegerSemantics(op))
    return emitQuantized(op);
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](edge::Conv2DOp o) { return emitConv(o); })
      .Case([&](edge::GemmOp o) { return emitGemm(o); })
      .Case([&](edge::MatMulOp o) { return emitMatMul(o); })
      .Case([&](edge::AddOp) { return emitBinary(op, "OpAdd"); })
      .Case([&](edge::SubOp) { return emitBinary(op, "OpSub"); })
      .Case([&](edge::MulOp) { return emitBinary(op, "OpMul"); })
      .Case([&](edge::DivOp) { return emitBinary(op, "OpDiv"); })
      .Case([&](edge::PowOp) { return emitBinary(op, "OpPow"); })
      .Case([&](edge::MaxOp) { return emitBinary(op, "OpMax"); })
      .Case([&](edge::MinOp) { return emitBinary(op, "OpMin"); })
      .Case([&](edge::ModOp) { return emitBinary(op, "OpMod"); })
      .Case([&](edge::ShiftLeftOp) { return emitBinary(op, "OpShiftLeft"); })
      .Case([&](edge::ShiftRightOp) { return emitBinary(op, "OpShiftRight"); })
      .Case([&](edge::FmodOp) { return emitBinary(op, "OpFmod"); })
      .Case([&](edge::ReluOp) { return emitUnary(op, "OpRelu", 0, 0); })
      .Case([&](edge::SigmoidOp) { return emitUnary(op, "OpSigmoid", 0, 0); })
      .Case([&](edge::TanhOp) { return emitUnary(op, "OpTanh", 0, 0); })
      .Case([&](edge::SqrtOp) { return emitUnary(op, "OpSqrt", 0, 0); })
      .Case([&](edge::AbsOp) { return emitUnary(op, "OpAbs", 0, 0); })
      .Case([&](edge::NegOp) { return emitUnary(op, "OpNeg", 0, 0); })
      .Case([&](edge::ExpOp) { return emitUnary(op, "OpExp", 0, 0); })
      .Case([&](edge::LogOp) { return emitUnary(op, "OpLog", 0, 0); })
      .Case([&](edge::CeilOp) { return emitUnary(op, "OpCeil", 0, 0); })
      .Case([&](edge::FloorOp) { return emitUnary(op, "OpFloor", 0, 0); })
      .Case([&](edge::RoundOp) { return emitUnary(op, "OpRound", 0, 0); })
      .Case([&](edge::ReciprocalOp) { return emitUnary(op, "OpReciprocal", 0, 0); })
      .Case([&](edge::SignOp) { return emitUnary(op, "OpSign", 0, 0); })
      .Case([&](edge::SinOp) { return emitUnary(op, "OpSin", 0, 0); })
      .Case([&](edge::CosOp) { return emitUnary(op, "OpCos", 0, 0); })
      .Case([&](edge::TanOp) { return emitUnary(op, "OpTan", 0, 0); })
      .Case([&](edge::AsinOp) { return emitUnary(op, "OpAsin", 0, 0); })
      .Case([&](edge::AcosOp) { return emitUnary(op, "OpAcos", 0, 0); })
      .Case([&](edge::AtanOp) { return emitUnary(op, "OpAtan", 0, 0); })
      .Case([&](edge::SinhOp) { return emitUnary(op, "OpSinh", 0, 0); })
      .Case([&](edge::CoshOp) { return emitUnary(op, "OpCosh", 0, 0); })
      .Case([&](edge::AsinhOp) { return emitUnary(op, "OpAsinh", 0, 0); })
      .Case([&](edge::AcoshOp) { return emitUnary(op, "OpAcosh", 0, 0); })
      .Case([&](edge::AtanhOp) { return emitUnary(op, "OpAtanh", 0, 0); })
      .Case([&](edge::ErfOp) { return emitUnary(op, "OpErf", 0, 0); })
      .Case([&](edge::SoftplusOp) { return emitUnary(op, "OpSoftplus", 0, 0); })
      .Case([&](edge::SoftsignOp) { return emitUnary(op, "OpSoftsign", 0, 0); })
      .Case([&](edge::EluOp o) {
        return emitUnary(op, "OpElu", o.getAlpha().convertToFloat(), 0);
      })
      .Case([&](edge::CeluOp o) {
        return emitUnary(op, "OpCelu", o.getAlpha().convertToFloat(), 0);
      })
      .Case([&](edge::ThresholdedReluOp o) {
        return emitUnary(op, "OpThresholdedRelu", o.getAlpha().convertToFloat(), 0);
      })
      .Case([&](edge::SeluOp o) {
        return emitUnary(op, "OpSelu", o.getAlpha().convertToFloat(), o.getGamma().convertToFloat());
      })
      .Case([&](edge::HardSwishOp) { return emitUnary(op, "OpHardSwish", 0, 0); })
      .Case([&](edge::LeakyReluOp o) {
        return emitUnary(op, "OpLeakyRelu", o.getAlpha().convertToFloat(), 0);
      })
      .Case([&](edge::HardSigmoidOp o) {
        return emitUnary(op, "OpHardSigmoid", o.getAlpha().convertToFloat(),
                         o.getBeta().convertToFloat());
      })
      .Case([&](edge::ClipOp o) {
        return emitUnary(op, "OpClip", o.getMin().convertToFloat(), o.getMax().convertToFloat());
      })
      .Case([&](edge::TriluOp o) {
        Shape s = shapeOf(o.getInput());
        int64_t rows = s[s.size() - 2], cols = s.back();
        // Diagonals beyond the matrix behave like the matrix's last one.
        int64_t k = std::clamp<int64_t>((int64_t)o.getK(), -rows - 1, cols + 1);
        std::string id = newParams(op, "TriluParams",
                                   fmt::format(".matrices = {}, .rows = {}, .cols = {}, .k = {}, "
                                               ".upper = {}",
                                               prod(s) / std::max<int64_t>(rows * cols, 1), rows,
                                               cols, k, o.getUpper() ? "true" : "false"));
        call(op, fmt::format("edgec::trilu<{}>({}, {});", id, expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case<edge::ArgMaxOp, edge::ArgMinOp>([&](auto o) {
        Shape s = shapeOf(o.getInput());
        int64_t a = o.getAxis();
        std::string id = newParams(op, "SoftmaxParams",
                                   axisFields(s, a));
        call(op, fmt::format("edgec::arg_extreme<{}, {}, {}>({}, {});", id,
                             isa<edge::ArgMaxOp>(op) ? "true" : "false",
                             o.getSelectLastIndex() ? "true" : "false", expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::EqualOp) { return emitBinary(op, "OpEqual"); })
      .Case([&](edge::LessOp) { return emitBinary(op, "OpLess"); })
      .Case([&](edge::LessOrEqualOp) { return emitBinary(op, "OpLessOrEqual"); })
      .Case([&](edge::GreaterOp) { return emitBinary(op, "OpGreater"); })
      .Case([&](edge::GreaterOrEqualOp) { return emitBinary(op, "OpGreaterOrEqual"); })
      .Case([&](edge::AndOp) { return emitBinary(op, "OpAnd"); })
      .Case([&](edge::OrOp) { return emitBinary(op, "OpOr"); })
      .Case([&](edge::XorOp) { return emitBinary(op, "OpXor"); })
      .Case([&](edge::NotOp o) {
        call(op, fmt::format("edgec::logical_not({}, {}, {});", expr(o.getInput()),
                             expr(o.getOutput()), numElements(o.getOutput())));
        return success();
      })
      .Case([&](edge::WhereOp o) -> LogicalResult {
        auto c = collapseBroadcast(op, {o.getCond(), o.getX(), o.getY()});
        if (failed(c))
          return failure();
        const auto &[dims, st] = *c;
        std::string id = newParams(
            op, "WhereParams",
            fmt::format(".size = {}, .dims = {{{}}}, .c_strides = {{{}}}, .x_strides = {{{}}}, "
                        ".y_strides = {{{}}}",
                        numElements(o.getOutput()), list(dims), list(st[0]), list(st[1]),
                        list(st[2])));
        call(op, fmt::format("edgec::where<{}>({}, {}, {}, {});", id, expr(o.getCond()),
                             expr(o.getX()), expr(o.getY()), expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::SoftmaxOp o) { return emitNormalize(o, "softmax_f32"); })
      .Case([&](edge::LogSoftmaxOp o) { return emitNormalize(o, "softmax_f32", ", true"); })
      .Case([&](edge::HardmaxOp o) { return emitNormalize(o, "hardmax_f32"); })
      .Case([&](edge::MaxPool2DOp o) { return emitPool(o, "max_pool2d_f32", false); })
      .Case([&](edge::MaxPool2DIndicesOp o) {
        std::string id = newParams(op, "Pool2DParams", poolFields(op, false));
        call(op, fmt::format("edgec::max_pool2d_indices<{}, {}>({}, {});", id,
                             o.getColumnMajor() ? "true" : "false", expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::AvgPool2DOp o) {
        return emitPool(o, "avg_pool2d_f32", o.getCountIncludePad());
      })
      .Case([&](edge::GlobalAvgPoolOp o) {
        Shape s = shapeOf(o.getInput());
        std::string id = newParams(op, "GlobalPoolParams",
                                   fmt::format(".planes = {}, .size = {}", s[0] * s[1],
                                               prod(s, 2)));
        call(op, fmt::format("edgec::global_avg_pool_f32<{}>({}, {});", id, expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::BatchNormOp o) { return emitBatchNorm(o); })
      .Case<edge::ReduceMeanOp, edge::ReduceMaxOp, edge::ReduceMinOp, edge::ReduceSumOp,
            edge::ReduceProdOp, edge::ReduceL1Op, edge::ReduceL2Op, edge::ReduceSumSquareOp,
            edge::ReduceLogSumOp, edge::ReduceLogSumExpOp>([&](auto o) { return emitReduce(o); })
      .Case([&](edge::TransposeOp o) {
        Shape in = shapeOf(o.getInput()), rs = rowMajorStrides(in), st;
        for (int64_t p : o.getPerm())
          st.push_back(rs[p]);
        return emitStridedCopy(op, shapeOf(o.getOutput()), st, 0);
      })
      .Case([&](edge::SliceOp o) {
        Shape in = shapeOf(o.getInput()), rs = rowMajorStrides(in), st;
        int64_t offset = 0;
        auto starts = o.getStarts(), steps = o.getSteps();
        for (size_t q = 0; q < in.size(); ++q) {
          st.push_back(rs[q] * steps[q]);
          offset += starts[q] * rs[q];
        }
        return emitStridedCopy(op, shapeOf(o.getOutput()), st, offset);
      })
      .Case([&](edge::ConcatOp o) { return emitConcat(o); })
      .Case([&](edge::PadOp o) { return emitPad(o); })
      .Case([&](edge::GatherOp o) { return emitGather(o); })
      .Case([&](edge::GatherElementsOp o) -> LogicalResult {
        auto geometry = elementsGeometry(shapeOf(o.getData()), shapeOf(o.getIndices()),
                                         o.getAxis(), "in_strides");
        if (!geometry)
          return unsupported(op) << "tensors of more than 6 dimensions that do not collapse";
        std::string id = newParams(op, "GatherElementsParams", *geometry);
        call(op, fmt::format("edgec::gather_elements<{}>({}, {}, {});", id, expr(o.getData()),
                             expr(o.getIndices()), expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::ScatterElementsOp o) -> LogicalResult {
        auto geometry = elementsGeometry(shapeOf(o.getData()), shapeOf(o.getIndices()),
                                         o.getAxis(), "strides");
        if (!geometry)
          return unsupported(op) << "tensors of more than 6 dimensions that do not collapse";
        std::string id = newParams(op, "ScatterElementsParams",
                                   fmt::format(".size = {}, {}", prod(shapeOf(o.getData())),
                                               *geometry));
        std::string base = scatterBase(o.getData(), o.getOutput());
        call(op, fmt::format("{}edgec::scatter_elements<{}, {}>({}, {}, {}, {});", base, id,
                             reductionName(o.getReduction()),
                             base.empty() ? expr(o.getData()) : expr(o.getOutput()),
                             expr(o.getIndices()), expr(o.getUpdates()), expr(o.getOutput())));
        return success();
      })
      .Case<edge::GatherNDOp, edge::ScatterNDOp>([&](auto o) {
        constexpr bool gather = std::is_same_v<decltype(o), edge::GatherNDOp>;
        Shape ds = shapeOf(o.getData()), is = shapeOf(o.getIndices()), rs = rowMajorStrides(ds);
        int64_t b = 0;
        if constexpr (gather)
          b = o.getBatchDims();
        int64_t q = is.back(), batches = prod(ds, 0, b);
        Shape lens(6, 1), st(6, 0);
        for (int64_t d = 0; d < q; ++d) {
          lens[d] = ds[b + d];
          st[d] = rs[b + d];
        }
        std::string id = newParams(
            op, "IndexTupleParams",
            fmt::format(".batches = {}, .tuples_per_batch = {}, .q = {}, .slice = {}, "
                        ".batch_stride = {}, .size = {}, .lens = {{{}}}, .strides = {{{}}}",
                        batches, prod(is) / q / std::max<int64_t>(batches, 1), q,
                        prod(ds, b + q), b ? rs[b - 1] : 0, prod(ds), list(lens), list(st)));
        if constexpr (gather)
          call(op, fmt::format("edgec::gather_nd<{}>({}, {}, {});", id, expr(o.getData()),
                               expr(o.getIndices()), expr(o.getOutput())));
        else {
          std::string base = scatterBase(o.getData(), o.getOutput());
          call(op, fmt::format("{}edgec::scatter_nd<{}, {}>({}, {}, {}, {});", base, id,
                               reductionName(o.getReduction()),
                               base.empty() ? expr(o.getData()) : expr(o.getOutput()),
                               expr(o.getIndices()), expr(o.getUpdates()),
                               expr(o.getOutput())));
        }
        return success();
      })
      .Case([&](edge::CumSumOp o) {
        std::string id =
            newParams(op, "AxisParams", axisFields(shapeOf(o.getInput()), o.getAxis()));
        call(op, fmt::format("edgec::cumsum<{}, {}, {}>({}, {});", id,
                             o.getExclusive() ? "true" : "false",
                             o.getReverse() ? "true" : "false", expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::TopKIndicesOp o) {
        std::string id =
            newParams(op, "AxisParams", axisFields(shapeOf(o.getInput()), o.getAxis()));
        call(op, fmt::format("edgec::top_k_indices<{}, {}, {}>({}, {});", id, o.getK(),
                             o.getLargest() ? "true" : "false", expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::ResampleOp o) {
        Shape s = shapeOf(o.getInput()), out = shapeOf(o.getOutput());
        int64_t a = o.getAxis();
        std::string base = sanitizeIdentifier(nodeOf(op), "layer");
        Tensor w = Tensor::zeros(DType::F32, {(int64_t)o.getWeights().size()});
        w.f.assign(o.getWeights().begin(), o.getWeights().end());
        std::string ind = intArray(std::vector<int64_t>(o.getIndices().begin(),
                                                        o.getIndices().end()),
                                   "int32_t", base + "_taps");
        std::string wt = weightArray(w, "float", base + "_weights");
        std::string id = newParams(
            op, "ResampleParams",
            fmt::format(".outer = {}, .len = {}, .out_len = {}, .inner = {}, .taps = {}, "
                        ".indices = {}, .weights = {}, .fill = {}",
                        prod(s, 0, a), s[a], out[a], prod(s, a + 1), o.getTaps(), ind, wt,
                        floatLiteral(o.getFill().convertToFloat())));
        call(op, fmt::format("edgec::resample_f32<{}>({}, {});", id, expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::RecurrentOp o) { return emitRecurrent(o); })
      .Case([&](edge::RoiAlignOp o) {
        Shape in = shapeOf(o.getInput());
        std::string id = newParams(
            op, "RoiAlignParams",
            fmt::format(".n = {}, .c = {}, .h = {}, .w = {}, .rois = {}, .out_h = {}, "
                        ".out_w = {}, .sampling_ratio = {}, .spatial_scale = {}, "
                        ".half_pixel = {}, .max_mode = {}",
                        in[0], in[1], in[2], in[3], shapeOf(o.getRois())[0],
                        o.getOutputHeight(), o.getOutputWidth(), o.getSamplingRatio(),
                        floatLiteral(o.getSpatialScale().convertToFloat()),
                        o.getHalfPixel() ? "true" : "false",
                        o.getMode() == edge::RoiAlignMode::Max ? "true" : "false"));
        call(op, fmt::format("edgec::roi_align_f32<{}>({}, {}, {}, {});", id, expr(o.getInput()),
                             expr(o.getRois()), expr(o.getBatchIndices()),
                             expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::DetOp o) {
        Shape in = shapeOf(o.getInput());
        int64_t m = in.back();
        std::string id = newParams(op, "DetParams",
                                   fmt::format(".count = {}, .m = {}", prod(in) / (m * m), m));
        assertScratch(op, id);
        call(op, fmt::format("edgec::det_f32<{}>({}, {}, {});", id, expr(o.getInput()),
                             expr(o.getOutput()), rawScratch(op)));
        return success();
      })
      .Case([&](edge::GridSampleOp o) {
        Shape in = shapeOf(o.getInput()), g = shapeOf(o.getGrid());
        std::string id = newParams(
            op, "GridSampleParams",
            fmt::format(".n = {}, .c = {}, .h = {}, .w = {}, .out_h = {}, .out_w = {}, "
                        ".mode = edgec::{}, .padding = edgec::{}, .align_corners = {}",
                        in[0], in[1], in[2], in[3], g[1], g[2],
                        sampleModeName(o.getMode()), samplePaddingName(o.getPaddingMode()),
                        o.getAlignCorners() ? "true" : "false"));
        call(op, fmt::format("edgec::grid_sample_f32<{}>({}, {}, {});", id, expr(o.getInput()),
                             expr(o.getGrid()), expr(o.getOutput())));
        return success();
      })
      .Case([&](edge::CastOp o) {
        call(op, fmt::format("edgec::cast<{}, {}, {}>({}, {});", numElements(o.getOutput()),
                             ctypeOf(o.getInput()), ctypeOf(o.getOutput()), expr(o.getInput()),
                             expr(o.getOutput())));
        return success();
      })
      .Default([&](Operation *) {
        return unsupported(op) << "no kernel for '" << op->getName() << "'";
      });
}

// --- int8 -------------------------------------------------------------------

/// bias[m] - zx * sum_k w[m][k] for the blocked kernels, which multiply raw
/// int8 inputs (weight rows are the leading dimension: OIHW, or N x K).
std::string CppEmitter::foldedBias(Value weight, Value bias, int64_t inputZero,
                                   const std::string &node) {
  Tensor w = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  int64_t rows = w.shape[0], k = w.numElements() / rows;
  std::optional<Tensor> b;
  if (bias)
    b = tensorFromAttr(bias.getDefiningOp<edge::ConstantOp>().getValue());
  std::vector<int64_t> values(rows);
  for (int64_t m = 0; m < rows; ++m) {
    int64_t sum = 0;
    for (int64_t q = 0; q < k; ++q)
      sum += w.i[m * k + q];
    int64_t base = b ? b->i[b->numElements() == 1 ? 0 : m] : 0;
    values[m] = base - inputZero * sum;
  }
  return intArray(values, "int32_t", node + "_bias_adj");
}

std::pair<std::string, std::string> CppEmitter::sparseArrays(Value weight,
                                                             const std::string &node) {
  Tensor w = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  sparsity::SparseEncoding e = sparsity::encodeSparse(w, w.shape[0]);
  return {intArray(e.mask, "uint8_t", node + "_mask"),
          intArray(e.values, "int8_t", node + "_nonzero")};
}

bool CppEmitter::sparseDsp(Operation *op) {
  edge::KernelFamily f = edge::familyOf(op);
  return f == edge::KernelFamily::ArmDsp || f == edge::KernelFamily::ArmMve;
}

std::string CppEmitter::intArray(const std::vector<int64_t> &values, const std::string &type,
                                 const std::string &name) {
  Tensor t = Tensor::zeros(type == "int8_t"    ? DType::I8
                           : type == "uint8_t" ? DType::U8
                                               : DType::I32,
                           {(int64_t)values.size()});
  t.i = values;
  return weightArray(t, type, name);
}

LogicalResult CppEmitter::emitQuantized(Operation *op) {
  std::string node = nodeOf(op);
  Value result = op->getResult(0);
  auto [lo, hi] = quant::outputClamp(op);
  // Per-channel multipliers and shifts of a conv / fc layer, and the
  // parameters' right_shift initializer when every shift is in [-31, -1]
  // (a zero multiplier gives 0 with any shift; it is written as -1).
  auto requantArrays = [&](const std::vector<quant::FixedPoint> &fps) {
    std::vector<int64_t> mult, shift;
    bool right = true;
    for (const quant::FixedPoint &fp : fps) {
      mult.push_back(fp.multiplier);
      shift.push_back(fp.shift);
      right = right && (fp.multiplier == 0 || (fp.shift <= -1 && fp.shift >= -31));
    }
    if (right)
      for (size_t i = 0; i < mult.size(); ++i)
        if (mult[i] == 0)
          shift[i] = -1;
    return std::make_tuple(intArray(mult, "int32_t", node + "_mult"),
                           intArray(shift, "int32_t", node + "_shift"),
                           std::string(right ? ", .right_shift = true" : ""));
  };
  if (auto table = quant::unaryTable(op)) {
    std::vector<int64_t> values(table->begin(), table->end());
    std::string t = intArray(values, "int8_t", node + "_table");
    call(op, fmt::format("edgec::lut_s8<{}>({}, {}, {});", numElements(result),
                         expr(op->getOperand(0)), t, expr(result)));
    return success();
  }
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](edge::QuantizeOp o) {
        quant::QParams po = quant::paramsOf(o.getOutput().getType());
        if (getElementTypeOrSelf(o.getInput().getType()).isF32()) {
          call(op, fmt::format("edgec::quantize_f32_s8({}, {}, {}, {}, {});", expr(o.getInput()),
                               expr(result), numElements(result), floatLiteral((float)po.scale),
                               po.zeroPoint));
          return success();
        }
        quant::QParams pi = quant::paramsOf(o.getInput().getType());
        quant::FixedPoint m = quant::rescaleMultiplier(pi, po);
        std::string id = newParams(op, "RequantizeParams",
                                   fmt::format(".size = {}, .in_zero = {}, .mult = {}, .shift = "
                                               "{}, .out_zero = {}",
                                               numElements(result), pi.zeroPoint, m.multiplier,
                                               m.shift, po.zeroPoint));
        call(op, fmt::format("edgec::requantize_s8<{}>({}, {});", id, expr(o.getInput()),
                             expr(result)));
        return success();
      })
      .Case([&](edge::DequantizeOp o) {
        quant::QParams pi = quant::paramsOf(o.getInput().getType());
        call(op, fmt::format("edgec::dequantize_s8_f32({}, {}, {}, {}, {});", expr(o.getInput()),
                             expr(result), numElements(result), floatLiteral((float)pi.scale),
                             pi.zeroPoint));
        return success();
      })
      .Case([&](edge::Conv2DOp o) {
        quant::QParams px = quant::paramsOf(o.getInput().getType());
        quant::QParams py = quant::paramsOf(result.getType());
        auto [mult, shift, right] = requantArrays(quant::channelMultipliers(op));
        std::string id = newParams(
            op, "Conv2DS8Params",
            fmt::format("\n  .conv = {{{}}},\n  .input_zero = {}, .output_zero = {}, .act_min = "
                        "{}, .act_max = {}{}",
                        convGeometry(o), px.zeroPoint, py.zeroPoint, lo, hi, right));
        edge::KernelAttr k = edge::kernelOf(op);
        std::string fn = fmt::format("{}<{}>", k.getSymbol().str(), id);
        // Weight arrays are named in the order they are first used.
        auto bias = [&] { return o.getBias() ? expr(o.getBias()) : std::string("nullptr"); };
        if (k.getName() == "conv2d_s8_sparse") {
          auto kind = *kernels::sparseKindOf(op);
          auto [mask, values] = sparseArrays(o.getWeight(), node);
          std::string b = kind == edge::SparseKind::Pointwise
                              ? foldedBias(o.getWeight(), o.getBias(), px.zeroPoint, node)
                              : bias();
          std::string dsp = sparseDsp(op) ? "true" : "false";
          assertScratch(op, id + ", " + dsp);
          call(op, fmt::format("{}<{}, {}>({}, {}, {}, {}, {}, {}, {}, {});", k.getSymbol().str(),
                               id, dsp, expr(o.getInput()), mask, values, b, mult, shift,
                               expr(result), rawScratch(op)));
          return success();
        }
        assertScratch(op, id);
        if (k.getName() == "conv2d_s8_blocked") {
          std::string adj = foldedBias(o.getWeight(), o.getBias(), px.zeroPoint, node);
          call(op, fmt::format("{}({}, {}, {}, {}, {}, {}, {});", fn, expr(o.getInput()),
                               expr(o.getWeight()), adj, mult, shift, expr(result),
                               rawScratch(op)));
          return success();
        }
        std::string b = bias();
        std::string w = expr(o.getWeight());
        if (k.getName() == "conv2d_s8_dsp") {
          call(op, fmt::format("{}({}, {}, {}, {}, {}, {}, {});", fn, expr(o.getInput()), w, b,
                               mult, shift, expr(result), rawScratch(op)));
          return success();
        }
        call(op, fmt::format("{}({}, {}, {}, {}, {}, {});", fn, expr(o.getInput()), w, b, mult,
                             shift, expr(result)));
        return success();
      })
      .Case([&](edge::GemmOp o) {
        Shape a = shapeOf(o.getA()), out = shapeOf(result);
        if (o.getTransA())
          return LogicalResult(unsupported(op) << "int8 Gemm with transA");
        quant::QParams pa = quant::paramsOf(o.getA().getType());
        quant::QParams py = quant::paramsOf(result.getType());
        auto [mult, shift, right] = requantArrays(quant::channelMultipliers(op));
        std::string id = newParams(
            op, "FcS8Params",
            fmt::format(".m = {}, .n = {}, .k = {}, .trans_b = {}, .input_zero = {}, "
                        ".output_zero = {}, .act_min = {}, .act_max = {}{}",
                        out[0], out[1], a[1], o.getTransB() ? "true" : "false", pa.zeroPoint,
                        py.zeroPoint, lo, hi, right));
        edge::KernelAttr k = edge::kernelOf(op);
        std::string fn = fmt::format("{}<{}>", k.getSymbol().str(), id);
        // Weight arrays are named in the order they are first used.
        auto bias = [&] { return o.getC() ? expr(o.getC()) : std::string("nullptr"); };
        assertScratch(op, id);
        if (k.getName() == "fc_s8_sparse") {
          auto [mask, values] = sparseArrays(o.getB(), node);
          call(op, fmt::format("{}({}, {}, {}, {}, {}, {}, {}, {});", fn, expr(o.getA()), mask,
                               values, bias(), mult, shift, expr(result), rawScratch(op)));
          return success();
        }
        if (k.getName() == "fc_s8_blocked") {
          std::string adj = foldedBias(o.getB(), o.getC(), pa.zeroPoint, node);
          call(op, fmt::format("{}({}, {}, {}, {}, {}, {});", fn, expr(o.getA()), expr(o.getB()),
                               adj, mult, shift, expr(result)));
          return success();
        }
        std::string b = bias();
        std::string w = expr(o.getB());
        if (k.getName() == "fc_s8_dsp") {
          call(op, fmt::format("{}({}, {}, {}, {}, {}, {}, {});", fn, expr(o.getA()), w, b, mult,
                               shift, expr(result), rawScratch(op)));
          return success();
        }
        call(op, fmt::format("{}({}, {}, {}, {}, {}, {});", fn, expr(o.getA()), w, b, mult, shift,
                             expr(result)));
        return success();
      })
      .Case<edge::AddOp, edge::SubOp, edge::MulOp>([&](Operation *) {
        std::string bp = binaryParams(op);
        if (bp.empty())
          return failure();
        std::string q, functor;
        if (isa<edge::MulOp>(op)) {
          quant::QParams pa = quant::paramsOf(op->getOperand(0).getType());
          quant::QParams pb = quant::paramsOf(op->getOperand(1).getType());
          quant::QParams py = quant::paramsOf(result.getType());
          quant::FixedPoint m = quant::mulMultiplier(op);
          q = fmt::format(".a_zero = {}, .b_zero = {}, .a_mult = 0, .a_shift = 0, .b_mult = 0, "
                          ".b_shift = 0, .out_mult = {}, .out_shift = {}, .out_zero = {}, "
                          ".left_shift = 0, .act_min = {}, .act_max = {}",
                          pa.zeroPoint, pb.zeroPoint, m.multiplier, m.shift, py.zeroPoint, lo, hi);
          functor = "OpMulS8";
        } else {
          quant::AddParams p = quant::addParams(op->getOperand(0).getType(),
                                                op->getOperand(1).getType(), result.getType());
          q = fmt::format(".a_zero = {}, .b_zero = {}, .a_mult = {}, .a_shift = {}, .b_mult = {}, "
                          ".b_shift = {}, .out_mult = {}, .out_shift = {}, .out_zero = {}, "
                          ".left_shift = {}, .act_min = {}, .act_max = {}",
                          p.inZero[0], p.inZero[1], p.in[0].multiplier, p.in[0].shift,
                          p.in[1].multiplier, p.in[1].shift, p.out.multiplier, p.out.shift,
                          p.outZero, p.leftShift, lo, hi);
          functor = isa<edge::AddOp>(op) ? "OpAddS8" : "OpSubS8";
        }
        std::string qid = newParams(op, "AddS8Params", q);
        call(op, fmt::format("edgec::binary<edgec::{}<{}>, {}>({}, {}, {});", functor, qid, bp,
                             expr(op->getOperand(0)), expr(op->getOperand(1)), expr(result)));
        return success();
      })
      .Case<edge::MaxPool2DOp, edge::AvgPool2DOp>([&](Operation *) {
        auto avg = dyn_cast<edge::AvgPool2DOp>(op);
        std::string id =
            newParams(op, "Pool2DParams", poolFields(op, avg && avg.getCountIncludePad()));
        std::string kernel = avg ? fmt::format("avg_pool2d_s8<{}, {}>", id,
                                               quant::paramsOf(result.getType()).zeroPoint)
                                 : fmt::format("max_pool2d_s8<{}>", id);
        call(op, fmt::format("edgec::{}({}, {});", kernel, expr(op->getOperand(0)), expr(result)));
        return success();
      })
      .Case([&](edge::GlobalAvgPoolOp o) {
        Shape in = shapeOf(o.getInput());
        int64_t size = prod(in, 2);
        quant::QParams px = quant::paramsOf(o.getInput().getType());
        quant::QParams py = quant::paramsOf(result.getType());
        quant::FixedPoint m = quant::globalPoolMultiplier(op);
        std::string id = newParams(
            op, "GlobalPoolS8Params",
            fmt::format(".planes = {}, .size = {}, .in_zero = {}, .mult = {}, .shift = {}, "
                        ".out_zero = {}",
                        in[0] * in[1], size, px.zeroPoint, m.multiplier, m.shift, py.zeroPoint));
        call(op, fmt::format("edgec::global_avg_pool_s8<{}>({}, {});", id, expr(o.getInput()),
                             expr(result)));
        return success();
      })
      .Case([&](edge::SoftmaxOp o) {
        Shape sh = shapeOf(o.getInput());
        int64_t a = o.getAxis();
        std::vector<int32_t> t = quant::softmaxExpTable(quant::paramsOf(o.getInput().getType()).scale);
        std::string table = intArray(std::vector<int64_t>(t.begin(), t.end()), "int32_t",
                                     node + "_exp");
        std::string id = newParams(op, "SoftmaxParams",
                                   axisFields(sh, a));
        call(op, fmt::format("edgec::softmax_s8<{}>({}, {}, {});", id, expr(o.getInput()), table,
                             expr(result)));
        return success();
      })
      .Case([&](edge::ConcatOp o) { return emitConcat(o); })
      .Case([&](edge::PadOp o) { return emitPad(o); })
      .Default([&](Operation *) {
        return LogicalResult(unsupported(op) << "no int8 kernel for '" << op->getName() << "'");
      });
}

// --- files -------------------------------------------------------------------

std::string upper(std::string s) {
  for (char &c : s)
    c = (char)std::toupper((unsigned char)c);
  return s;
}

bool CppEmitter::hasQuantizedIO() const {
  Block &fb = func.getBody().front();
  for (BlockArgument a : fb.getArguments())
    if (quantizedElement(a.getType()))
      return true;
  for (Value v : fb.getTerminator()->getOperands())
    if (quantizedElement(v.getType()))
      return true;
  return false;
}

/// The entry point's parameters with every tensor as float.
std::string CppEmitter::floatArgs() const {
  // Quantized tensors are float here; the rest (an integer side output such
  // as MaxPool's Indices, an index input) keep their own C type.
  Block &fb = func.getBody().front();
  auto ret = cast<func::ReturnOp>(fb.getTerminator());
  auto typeOf = [](Value v) {
    return quantizedElement(v.getType()) ? std::string("float") : apiCtypeOf(v);
  };
  std::string args;
  for (size_t k = 0; k < inputParams.size(); ++k)
    args += (args.empty() ? "const " : ", const ") + typeOf(fb.getArgument(k)) + " *" +
            inputParams[k];
  for (size_t k = 0; k < outputParams.size(); ++k)
    args += (args.empty() ? "" : ", ") + typeOf(ret.getOperand(k)) + " *" + outputParams[k];
  return args;
}

std::string CppEmitter::floatWrapper() const {
  std::string n = opts.name, N = upper(n);
  Block &fb = func.getBody().front();
  Operation *ret = fb.getTerminator();
  std::string out = fmt::format("#ifndef EDGEC_NO_STATIC_ARENA\nextern \"C\" int {}_run_float({}) {{\n",
                                n, floatArgs());
  std::string callArgs, after;
  for (size_t k = 0; k < inputParams.size(); ++k) {
    if (!quantizedElement(fb.getArgument(k).getType())) {
      callArgs += ", " + inputParams[k];
      continue;
    }
    out += fmt::format("  static {3} q_{0}[{1}_INPUT_{2}_SIZE > 0 ? {1}_INPUT_{2}_SIZE : 1];\n"
                       "  if (!{0}) return edgec::kErrorNullPointer;\n"
                       "  edgec::quantize_f32_s8({0}, q_{0}, {1}_INPUT_{2}_SIZE, {1}_INPUT_{2}_SCALE, "
                       "{1}_INPUT_{2}_ZERO_POINT);\n",
                       inputParams[k], N, k, ctypeOf(fb.getArgument(k)));
    callArgs += ", q_" + inputParams[k];
  }
  for (size_t k = 0; k < outputParams.size(); ++k) {
    if (!quantizedElement(ret->getOperand(k).getType())) {
      callArgs += ", " + outputParams[k];
      continue;
    }
    out += fmt::format("  static {3} q_{0}[{1}_OUTPUT_{2}_SIZE > 0 ? {1}_OUTPUT_{2}_SIZE : 1];\n"
                       "  if (!{0}) return edgec::kErrorNullPointer;\n",
                       outputParams[k], N, k, ctypeOf(ret->getOperand(k)));
    callArgs += ", q_" + outputParams[k];
    after += fmt::format("  edgec::dequantize_s8_f32(q_{0}, {0}, {1}_OUTPUT_{2}_SIZE, "
                         "{1}_OUTPUT_{2}_SCALE, {1}_OUTPUT_{2}_ZERO_POINT);\n",
                         outputParams[k], N, k);
  }
  out += fmt::format("  const int status = {}_run({});\n  if (status != edgec::kOk) return status;\n",
                     n, callArgs.substr(2));
  out += after + "  return edgec::kOk;\n}\n#endif\n";
  return out;
}

std::string CppEmitter::header() const {
  std::string N = upper(opts.name), n = opts.name;
  std::string out = banner(n + ".h: C-callable interface of the generated model.");
  out += fmt::format("#ifndef EDGEC_GENERATED_{0}_H_\n#define EDGEC_GENERATED_{0}_H_\n\n"
                     "#include <stddef.h>\n#include <stdint.h>\n\n",
                     N);
  out += fmt::format("/// Bytes of activation memory the model needs (planned at compile time).\n"
                     "#define {0}_ARENA_SIZE {1}\n"
                     "/// No plan of this schedule can need less than this.\n"
                     "#define {0}_ARENA_LOWER_BOUND {2}\n"
                     "/// The arena passed to {3}_run_with_arena must be aligned to this.\n"
                     "#define {0}_ARENA_ALIGNMENT {6}\n\n"
                     "#define {0}_NUM_INPUTS {4}\n#define {0}_NUM_OUTPUTS {5}\n\n",
                     N, arenaSize, lowerBound, n, inputParams.size(), outputParams.size(),
                     arenaAlignment);
  auto describe = [&](const char *kind, size_t k, Value v, const std::string &name) {
    Shape s = shapeOf(v);
    std::string out =
        fmt::format("/// {} {} '{}': {} {}\n#define {}_{}_{}_SIZE {}\n#define {}_{}_{}_RANK "
                    "{}\n#define {}_{}_{}_SHAPE {{{}}}\n",
                    kind, k, name, ctypeOf(v), shapeComment(s), N, upper(kind), k,
                    numElements(v), N, upper(kind), k, s.size(), N, upper(kind), k,
                    s.empty() ? "1" : list(s));
    if (quantizedElement(v.getType())) {
      quant::QParams p = quant::paramsOf(v.getType());
      out += fmt::format("/// real = {0}_{1}_{2}_SCALE * (q - {0}_{1}_{2}_ZERO_POINT)\n"
                         "#define {0}_{1}_{2}_SCALE {3}\n#define {0}_{1}_{2}_ZERO_POINT {4}\n",
                         N, upper(kind), k, floatLiteral((float)p.scale), p.zeroPoint);
    }
    return out;
  };
  Block &body = func.getBody().front();
  for (size_t k = 0; k < inputParams.size(); ++k)
    out += describe("input", k, body.getArgument(k), inputParams[k].substr(3));
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (size_t k = 0; k < outputParams.size(); ++k)
    out += describe("output", k, ret.getOperand(k), outputParams[k].substr(4));
  std::string args;
  for (size_t k = 0; k < inputParams.size(); ++k)
    args += fmt::format(", const {} *{}", apiCtypeOf(body.getArgument(k)), inputParams[k]);
  for (size_t k = 0; k < outputParams.size(); ++k)
    args += fmt::format(", {} *{}", apiCtypeOf(ret.getOperand(k)), outputParams[k]);
  std::string argsNoLead = args.substr(2);
  out += fmt::format(
      "\n#ifdef __cplusplus\nextern \"C\" {{\n#endif\n\n"
      "/// Runs the model with a caller-provided arena of {0}_ARENA_SIZE bytes,\n"
      "/// aligned to {0}_ARENA_ALIGNMENT. Inputs are read, outputs written; no other\n"
      "/// memory is touched. Returns 0, or 1 for a misaligned arena, 2 for a null pointer.\n"
      "int {1}_run_with_arena(uint8_t *arena{2});\n\n"
      "/// Same, with a static arena inside the model's translation unit (define\n"
      "/// EDGEC_NO_STATIC_ARENA to leave it out). Not reentrant.\n"
      "int {1}_run({3});\n\n{4}"
      "#ifdef __cplusplus\n}} // extern \"C\"\n#endif\n\n#endif // EDGEC_GENERATED_{0}_H_\n",
      N, n, args, argsNoLead,
      hasQuantizedIO()
          ? fmt::format("/// Float convenience wrapper of {0}_run: quantizes the inputs with the\n"
                        "/// scales and zero points above, runs the int8 model, dequantizes the\n"
                        "/// outputs. Uses static buffers (not reentrant; absent with\n"
                        "/// EDGEC_NO_STATIC_ARENA).\nint {0}_run_float({1});\n\n",
                        n, floatArgs())
          : std::string());
  return out;
}

std::string CppEmitter::source() const {
  std::string n = opts.name, N = upper(n);
  std::string out = banner(n + ".cpp: the schedule, one kernel call per layer.");
  out += fmt::format("#include \"{}.h\"\n\n#include \"edgec/runtime.h\"\n", n);
  for (const std::string &inc : includes)
    out += "#include \"" + inc + "\"\n";
  out += fmt::format("\nnamespace {}_weights {{\n{}}} // namespace {}_weights\n\nnamespace {{\n"
                     "namespace weights = {}_weights;\n\n{}}} // namespace\n\n",
                     n, weightDecls, n, n, params);
  Block &fb = func.getBody().front();
  auto ret = cast<func::ReturnOp>(fb.getTerminator());
  std::string args, callArgs, nullCheck;
  for (size_t k = 0; k < inputParams.size(); ++k) {
    args += fmt::format(", const {} *{}", apiCtypeOf(fb.getArgument(k)), inputParams[k]);
    callArgs += ", " + inputParams[k];
    nullCheck += " || !" + inputParams[k];
  }
  for (size_t k = 0; k < outputParams.size(); ++k) {
    args += fmt::format(", {} *{}", apiCtypeOf(ret.getOperand(k)), outputParams[k]);
    callArgs += ", " + outputParams[k];
    nullCheck += " || !" + outputParams[k];
  }
  if (opts.traceLayers)
    out += "// Layer tracing (edgec verify --per-layer): defined by the harness.\n"
           "extern \"C\" void edgec_trace_layer(int index, const char *node, const void *data, "
           "size_t bytes);\n\n";
  out += fmt::format("extern \"C\" int {}_run_with_arena(uint8_t *arena{}) {{\n", n, args);
  out += fmt::format("  if (!arena{}) return edgec::kErrorNullPointer;\n"
                     "  if (reinterpret_cast<uintptr_t>(arena) % {}_ARENA_ALIGNMENT != 0) return "
                     "edgec::kErrorArenaAlignment;\n",
                     nullCheck, N);
  if (arenaSize == 0)
    out += "  (void)arena;\n";
  out += body;
  out += "  return edgec::kOk;\n}\n\n";
  out += fmt::format("#ifndef EDGEC_NO_STATIC_ARENA\nextern \"C\" int {0}_run({1}) {{\n"
                     "  alignas({2}_ARENA_ALIGNMENT) static uint8_t arena[{2}_ARENA_SIZE > 0 ? {2}_ARENA_SIZE : "
                     "1];\n  return {0}_run_with_arena(arena{3});\n}}\n#endif\n",
                     n, args.empty() ? "" : args.substr(2), N, callArgs);
  if (hasQuantizedIO())
    out += "\n" + floatWrapper();
  return out;
}

std::string CppEmitter::weightsSource() const {
  std::string out = banner(opts.name + "_weights.cpp: constant tensors, kept in flash.");
  out += fmt::format("#include <stdint.h>\n\nnamespace {}_weights {{\n\n{}}} // namespace {}_weights\n",
                     opts.name, weightDefs, opts.name);
  return out;
}



FailureOr<std::vector<GeneratedFile>> CppEmitter::run() {
  if (auto a = func->getAttrOfType<IntegerAttr>(memory::kArenaSizeAttr))
    arenaSize = a.getInt();
  else
    return func.emitError("code generation needs a memory plan (--edge-plan-memory)"), failure();
  if (auto a = func->getAttrOfType<IntegerAttr>(memory::kLowerBoundAttr))
    lowerBound = a.getInt();
  if (auto a = func->getAttrOfType<IntegerAttr>(memory::kArenaAlignmentAttr))
    arenaAlignment = a.getInt();

  Block &fb = func.getBody().front();
  auto ret = cast<func::ReturnOp>(fb.getTerminator());
  for (BlockArgument arg : fb.getArguments()) {
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "edge.name");
    std::string p = apiNames.unique("in_" + sanitizeIdentifier(name ? name.str() : "", "input"));
    inputParams.push_back(p);
    names[arg] = getElementTypeOrSelf(arg.getType()).isF16()
                     ? "reinterpret_cast<const edgec::f16 *>(" + p + ")"
                     : p;
    if (ctypeOf(arg).empty())
      return func.emitError("code generation: input '")
                 << p << "' has unsupported element type " << getElementTypeOrSelf(arg.getType()),
             failure();
  }
  for (size_t k = 0; k < ret.getNumOperands(); ++k) {
    auto name = func.getResultAttrOfType<StringAttr>(k, "edge.name");
    outputParams.push_back(
        apiNames.unique("out_" + sanitizeIdentifier(name ? name.str() : "", "output")));
  }
  // The entry point's parameter names are reserved in the function body.
  for (const std::string &p : inputParams) ids.unique(p);
  for (const std::string &p : outputParams) ids.unique(p);
  ids.unique("arena");
  ids.unique("weights");

  bool ok = true;
  for (Operation &op : llvm::make_early_inc_range(fb.without_terminator())) {
    ok &= succeeded(emitOp(&op));
    if (opts.traceLayers && ok && !isa<edge::ConstantOp>(op) && !kernels::isView(&op) &&
        op.getNumResults() > 0 && bytesOf(op.getResult(0)) > 0) {
      size_t k = opts.tracedOps ? opts.tracedOps->size() : 0;
      body += fmt::format("  edgec_trace_layer({}, \"{}\", {}, {});\n", k,
                          sanitizeIdentifier(nodeOf(&op), "layer"), expr(op.getResult(0)),
                          bytesOf(op.getResult(0)));
      if (opts.tracedOps)
        opts.tracedOps->push_back(&op);
    }
  }
  if (hasQuantizedIO()) // the float wrapper's conversions
    includes.insert("edgec/kernels/ref/elementwise_s8.h");
  if (!ok || paramsFailed)
    return failure();
  // Results not written in place are copied out at the end.
  for (auto [k, v] : llvm::enumerate(ret.getOperands())) {
    Operation *def = v.getDefiningOp();
    if ((def && memory::directOutputIndex(def) == (int)k) || bytesOf(v) == 0)
      continue;
    body += fmt::format("  // output {}: copied from a buffer shared with another output, a "
                        "view, an input or a constant\n  memcpy({}, {}, {});\n",
                        k, outputParams[k], expr(v), bytesOf(v));
  }

  std::vector<GeneratedFile> files;
  files.push_back({opts.name + ".h", header()});
  files.push_back({opts.name + ".cpp", source()});
  files.push_back({opts.name + "_weights.cpp", weightsSource()});
  if (opts.harness) {
    files.push_back({opts.name + "_main.cpp", harnessSource()});
    files.push_back({"CMakeLists.txt", harnessCMake()});
  }
  for (const GeneratedFile &f : runtimeFiles())
    if (opts.harness || f.path.find("harness/") == std::string::npos)
      files.push_back(f);
  files.push_back({"report.json", reportJson(module, target.name, opts.name)});
  return files;
}

} // namespace detail

FailureOr<std::vector<GeneratedFile>> emitCpp(ModuleOp module, const Target &target,
                                              const EmitOptions &options) {
  func::FuncOp func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    return module.emitError("code generation: no function @main"), failure();
  detail::CppEmitter emitter(module, func, target, options);
  return emitter.run();
}

} // namespace edgec::codegen
