//===- KernelWriter.cpp - the typed writer of kernel calls ------------------===//

#include "KernelWriter.h"

#include "../CppEmitter.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/Names.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Planner.h"

#include <fmt/format.h>

#include <cmath>
#include <numeric>

using namespace mlir;

namespace edgec::codegen {

// --- Params -------------------------------------------------------------------

namespace {
std::string joined(llvm::ArrayRef<int64_t> v) {
  std::string s;
  for (size_t k = 0; k < v.size(); ++k)
    s += (k ? ", " : "") + std::to_string(v[k]);
  return s;
}
} // namespace

void Params::check(llvm::StringRef field, int64_t value) {
  if (!outOfRange_ && (value < INT32_MIN || value > INT32_MAX))
    outOfRange_ = field.str() + " = " + std::to_string(value);
}

Params &Params::add(llvm::StringRef field, std::string value) {
  fields_.push_back({field.empty() ? value : "." + field.str() + " = " + value, pendingWrap_});
  pendingWrap_ = -1;
  return *this;
}

Params &Params::setInt(llvm::StringRef field, int64_t value) {
  check(field, value);
  return add(field, std::to_string(value));
}

Params &Params::setWide(llvm::StringRef field, int64_t value) {
  return add(field, "INT64_C(" + std::to_string(value) + ")");
}

Params &Params::flag(llvm::StringRef field, bool value) {
  return add(field, value ? "true" : "false");
}

Params &Params::real(llvm::StringRef field, float value) {
  return add(field, floatLiteral(value));
}

Params &Params::list(llvm::StringRef field, llvm::ArrayRef<int64_t> values) {
  for (int64_t v : values)
    check(field, v);
  return add(field, "{" + joined(values) + "}");
}

Params &Params::enumerator(llvm::StringRef field, llvm::StringRef qualified) {
  return add(field, qualified.str());
}

Params &Params::ref(llvm::StringRef field, const std::string &name) { return add(field, name); }

Params &Params::nest(llvm::StringRef field, const Params &inner) {
  if (inner.outOfRange_ && !outOfRange_)
    outOfRange_ = inner.outOfRange_;
  return add(field, "{" + inner.initializer() + "}");
}

Params &Params::append(const Params &other) {
  if (other.outOfRange_ && !outOfRange_)
    outOfRange_ = other.outOfRange_;
  for (const Field &f : other.fields_)
    fields_.push_back(f);
  return *this;
}

Params &Params::wrap(int indent) {
  pendingWrap_ = indent;
  return *this;
}

std::string Params::initializer() const {
  std::string out;
  for (size_t k = 0; k < fields_.size(); ++k) {
    const Field &f = fields_[k];
    if (f.wrap >= 0)
      out += (k ? ",\n" : "\n") + std::string(f.wrap, ' ');
    else if (k)
      out += ", ";
    out += f.text;
  }
  return out;
}

// --- KernelCall ---------------------------------------------------------------

KernelCall &KernelCall::tmpl(const std::string &arg) {
  templateArgs_.push_back(arg);
  return *this;
}

KernelCall &KernelCall::flag(bool value) { return tmpl(std::string(value ? "true" : "false")); }

KernelCall &KernelCall::in(Value v) {
  args_.push_back([this, v] { return writer_.in(v); });
  return *this;
}

KernelCall &KernelCall::optional(Value v) {
  if (!v)
    return arg("nullptr");
  return in(v);
}

KernelCall &KernelCall::arg(const std::string &expr) {
  args_.push_back([expr] { return expr; });
  return *this;
}

KernelCall &KernelCall::scratch() { return arg(writer_.scratch()); }

KernelCall &KernelCall::floatScratch() { return arg(writer_.floatScratch()); }

std::string KernelCall::str() {
  // Tensors are named last argument first: a constant's weight array is
  // defined when first named, and this is the order in which the emitter
  // named them before the writer existed (GCC evaluated the format call's
  // arguments from the right).
  std::vector<std::string> args(args_.size());
  for (size_t k = args_.size(); k-- > 0;)
    args[k] = args_[k]();
  std::string out = symbol_;
  if (!templateArgs_.empty()) {
    out += "<";
    for (size_t k = 0; k < templateArgs_.size(); ++k)
      out += (k ? ", " : "") + templateArgs_[k];
    out += ">";
  }
  out += "(";
  for (size_t k = 0; k < args.size(); ++k)
    out += (k ? ", " : "") + args[k];
  return out + ");";
}

void KernelCall::emit(const std::string &prefix) { writer_.emit(str(), prefix); }

// --- KernelWriter -------------------------------------------------------------

bool KernelWriter::integer() const { return quant::hasIntegerSemantics(op_); }

edge::KernelAttr KernelWriter::kernel() const { return edge::kernelOf(op_); }

bool KernelWriter::kernelTakesScratch() const {
  const kernels::KernelRow *row = kernels::findRow(kernelName());
  return row && *row->scratchFunction;
}

std::string KernelWriter::node() const { return nodeOf(op_); }

std::string KernelWriter::in(Value v) { return e_.expr(v); }

std::string KernelWriter::declare(const Params &params) {
  // Range check before emission: a parameter that does not fit its field
  // would be a narrowing error in the generated code (exit 0, then no build).
  if (const auto &bad = params.outOfRange()) {
    op_->emitError() << "(" << op_->getName().getStringRef() << ") kernel parameter " << *bad
                     << " does not fit its 32-bit field";
    e_.paramsFailed = true;
  }
  std::string layer = sanitizeIdentifier(node(), "layer");
  std::string id = e_.ids.unique(layer + "_p");
  e_.params += fmt::format("// node '{}'\nconstexpr edgec::{} {} = {{{}}};\n\n", layer,
                           params.type(), id, params.initializer());
  return id;
}

void KernelWriter::assertScratch(const std::string &templateArgs) {
  edge::KernelAttr k = kernel();
  const kernels::KernelRow *row = kernels::findRow(k.getName());
  if (!row || !*row->scratchFunction)
    return;
  e_.params += fmt::format("static_assert({}<{}>() <= {},\n"
                           "              \"scratch planned for this layer is too small\");\n\n",
                           row->scratchFunction, templateArgs, k.getScratch());
}

void KernelWriter::staticAssert(const std::string &condition, const std::string &message) {
  e_.params += fmt::format("static_assert({},\n              \"{}\");\n\n", condition, message);
}

std::string KernelWriter::weights(const Tensor &t, const std::string &ctype,
                                  const std::string &name) {
  return e_.weightArray(t, ctype, name);
}

std::string KernelWriter::ints(const std::vector<int64_t> &values, const std::string &ctype,
                               const std::string &name) {
  // A value outside the array's type would be a narrowing error in the
  // generated code (or, where it builds, a silent wrap): a diagnostic here.
  bool wide = ctype == "int64_t";
  int64_t lo = ctype == "int8_t" ? INT8_MIN : ctype == "uint8_t" ? 0 : wide ? INT64_MIN : INT32_MIN;
  int64_t hi = ctype == "int8_t" ? INT8_MAX : ctype == "uint8_t" ? UINT8_MAX : wide ? INT64_MAX : INT32_MAX;
  for (size_t k = 0; k < values.size(); ++k)
    if (values[k] < lo || values[k] > hi) {
      op_->emitError() << "(" << op_->getName().getStringRef() << ") " << ctype << " constant '"
                       << sanitizeIdentifier(name, "const") << "' element " << k << " is "
                       << values[k] << ", outside " << ctype;
      e_.paramsFailed = true;
      break;
    }
  Tensor t = Tensor::zeros(ctype == "int8_t"    ? DType::I8
                           : ctype == "uint8_t" ? DType::U8
                           : wide               ? DType::I64
                                                : DType::I32,
                           {(int64_t)values.size()});
  t.i = values;
  return e_.weightArray(t, ctype, name);
}

std::string KernelWriter::localName() {
  return e_.ids.unique(sanitizeIdentifier(node(), "layer"));
}

void KernelWriter::table(const std::string &name, llvm::ArrayRef<int64_t> values) {
  std::string list;
  for (int64_t v : values)
    list += std::to_string(v) + ", ";
  e_.params += fmt::format("constexpr int32_t {}[] = {{{}}};\n", name, list.empty() ? "0" : list);
}

void KernelWriter::include(const std::string &header) { e_.includes.insert(header); }

void KernelWriter::emit(const std::string &code, const std::string &prefix) {
  std::string in;
  for (Value v : op_->getOperands())
    in += (in.empty() ? "[" : ", [") + joined(shapeOf(v)) + "]";
  std::string fused;
  if (auto names = op_->getAttrOfType<ArrayAttr>("edge.fused"))
    for (Attribute a : names)
      if (auto s = dyn_cast<StringAttr>(a))
        fused += (fused.empty() ? " + fused '" : ", '") + sanitizeIdentifier(s.str(), "node") + "'";
  e_.body += fmt::format("  // node '{}'{} ({}): {} -> [{}]\n  {}{}\n",
                         sanitizeIdentifier(node(), "layer"), fused,
                         op_->getName().getStringRef().str(), in,
                         joined(shapeOf(op_->getResult(0))), prefix, code);
}

void KernelWriter::emitPart(const std::string &note, const std::string &code) {
  e_.body += fmt::format("  // node '{}' ({}): {}\n  {}\n", sanitizeIdentifier(node(), "layer"),
                         op_->getName().getStringRef().str(), note, code);
}

void KernelWriter::emitNote(const std::string &note) {
  e_.body += fmt::format("  // node '{}' ({}): {}\n", sanitizeIdentifier(node(), "layer"),
                         op_->getName().getStringRef().str(), note);
}

std::string KernelWriter::scratch() const {
  auto off = op_->getAttrOfType<IntegerAttr>(memory::kScratchOffsetAttr);
  return off ? fmt::format("static_cast<void *>(arena + {})", off.getInt()) : "nullptr";
}

std::string KernelWriter::floatScratch() const {
  auto off = op_->getAttrOfType<IntegerAttr>(memory::kScratchOffsetAttr);
  return off ? fmt::format("reinterpret_cast<float *>(arena + {})", off.getInt()) : "nullptr";
}

std::string KernelWriter::state(const std::string &ctype, unsigned part) const {
  auto off = op_->getAttrOfType<IntegerAttr>(memory::kStateOffsetAttr);
  if (!off)
    return "nullptr";
  int64_t at = off.getInt() + cast<edge::StateOpInterface>(op_).getStatePartOffset(part);
  return fmt::format("reinterpret_cast<{} *>(arena + {})", ctype, at);
}

InFlightDiagnostic KernelWriter::unsupported() { return op_->emitError("code generation: "); }

LogicalResult KernelWriter::noIntegerKernel() {
  return unsupported() << "no int8 kernel for '" << op_->getName() << "'";
}

// --- shared -------------------------------------------------------------------

Shape shapeOf(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return Shape(s.begin(), s.end());
}

int64_t numElements(Value v) { return cast<ShapedType>(v.getType()).getNumElements(); }

int64_t prod(const Shape &s, size_t from, size_t to) {
  to = std::min(to, s.size());
  from = std::min(from, to);
  return std::accumulate(s.begin() + from, s.begin() + to, int64_t{1}, std::multiplies<>());
}

Shape rowMajorStrides(const Shape &s) {
  Shape st(s.size(), 1);
  for (int k = (int)s.size() - 2; k >= 0; --k)
    st[k] = st[k + 1] * s[k + 1];
  return st;
}

std::string floatLiteral(float f) {
  if (std::isnan(f))
    return "__builtin_nanf(\"\")";
  if (std::isinf(f))
    return f > 0 ? "__builtin_huge_valf()" : "-__builtin_huge_valf()";
  std::string s = fmt::format("{:.9g}", f);
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s + "f";
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

Params axisFields(const Shape &s, int64_t axis, const std::string &type) {
  return std::move(Params(type)
                       .set("outer", prod(s, 0, axis))
                       .set("len", s[axis])
                       .set("inner", prod(s, axis + 1)));
}

Params &actFields(Params &p, Operation *op) {
  if (auto lo = op->getAttrOfType<FloatAttr>("act_min"))
    p.real("act_min", lo.getValue().convertToFloat());
  if (auto hi = op->getAttrOfType<FloatAttr>("act_max"))
    p.real("act_max", hi.getValue().convertToFloat());
  return p;
}

FailureOr<std::pair<Shape, std::vector<Shape>>> collapseBroadcast(KernelWriter &w,
                                                                  ArrayRef<Value> operands) {
  Shape out = shapeOf(w.op()->getResult(0));
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
    w.unsupported() << "broadcast of the operands needs more than 4 dimensions after "
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

std::string binaryParams(KernelWriter &w) {
  Operation *op = w.op();
  auto c = collapseBroadcast(w, {op->getOperand(0), op->getOperand(1)});
  if (failed(c))
    return "";
  const auto &[dims, st] = *c;
  Params p("BinaryParams");
  p.set("size", numElements(op->getResult(0)))
      .list("dims", dims)
      .list("a_strides", st[0])
      .list("b_strides", st[1]);
  if (getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    actFields(p, op);
  return w.declare(p);
}

LogicalResult emitStridedCopy(KernelWriter &w, const Shape &fullShape, const Shape &fullStrides,
                              int64_t offset) {
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
    return w.unsupported() << "tensors of rank " << outShape.size() << " (more than 6)";
  Shape dims(6 - outShape.size(), 1), st(6 - outShape.size(), 0);
  dims.insert(dims.end(), outShape.begin(), outShape.end());
  st.insert(st.end(), inStrides.begin(), inStrides.end());
  std::string id = w.declare(Params("StridedCopyParams")
                                 .list("out_dims", dims)
                                 .list("in_strides", st)
                                 .set("in_offset", offset));
  w.call().tmpl(id).in(w.op()->getOperand(0)).in(w.op()->getResult(0)).emit();
  return success();
}

} // namespace edgec::codegen
