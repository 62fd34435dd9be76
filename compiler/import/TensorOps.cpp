//===- TensorOps.cpp - ONNX shape, data-movement and reduction ops ---------===//

#include "ImporterImpl.h"

#include <algorithm>
#include <set>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

LogicalResult identity(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  c.outputs = {*x};
  return success();
}

// Dropout in inference is the identity; its optional mask is all true.
LogicalResult dropout(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  if (Value t = c.in(2)) {
    std::optional<Tensor> training = c.constantInput(2);
    if (!training || training->numElements() != 1)
      return c.fail("training_mode is a run-time input: edgec compiles inference graphs, where "
                    "Dropout passes its input through (bind it to false with --bind)");
    // Training with ratio 0 drops nothing: the same as inference.
    std::optional<Tensor> ratio = c.in(1) ? c.constantInput(1) : std::nullopt;
    bool dropsNothing = ratio && ratio->numElements() == 1 && ratio->at(0) == 0;
    if (training->at(0) != 0 && !dropsNothing)
      return c.fail("training_mode = true is not supported (a random mask; edgec compiles "
                    "inference graphs)");
  }
  c.outputs = {*x};
  if (c.node.output_size() > 1 && !c.node.output(1).empty()) {
    if (failed(c.checkConstantShape(NodeContext::shape(*x), "the mask")))
      return failure();
    Tensor mask = Tensor::zeros(DType::Bool, NodeContext::shape(*x));
    std::fill(mask.i.begin(), mask.i.end(), 1);
    c.outputs.push_back(c.constant(mask));
  }
  return success();
}

FailureOr<Tensor> tensorFromAttribute(NodeContext &c, const onnx::AttributeProto &a) {
  Tensor t;
  if (a.name() == "value") {
    std::string error;
    auto r = tensorFromProto(a.t(), "", error);
    if (failed(r)) {
      c.error() << "value: " << error;
      return failure();
    }
    return *r;
  }
  if (a.name() == "value_float") {
    t = Tensor::zeros(DType::F32, {});
    t.f[0] = a.f();
  } else if (a.name() == "value_floats") {
    t = Tensor::zeros(DType::F32, {(int64_t)a.floats_size()});
    std::copy(a.floats().begin(), a.floats().end(), t.f.begin());
  } else if (a.name() == "value_int") {
    t = Tensor::zeros(DType::I64, {});
    t.i[0] = a.i();
  } else if (a.name() == "value_ints") {
    t = Tensor::zeros(DType::I64, {(int64_t)a.ints_size()});
    std::copy(a.ints().begin(), a.ints().end(), t.i.begin());
  } else {
    c.error() << "attribute '" << a.name() << "' is not supported (sparse and string constants "
              << "are not)";
    return failure();
  }
  return t;
}

LogicalResult constant(NodeContext &c) {
  if (c.node.attribute_size() != 1)
    return c.fail("expects exactly one value attribute, got " +
                  std::to_string(c.node.attribute_size()));
  auto t = tensorFromAttribute(c, c.node.attribute(0));
  if (failed(t))
    return failure();
  c.setOutput(c.constant(*t));
  return success();
}

LogicalResult constantOfShape(NodeContext &c) {
  auto shape = c.constantInts(0, "shape");
  if (failed(shape))
    return failure();
  if (failed(c.checkConstantShape(*shape, "the output")))
    return failure();
  Tensor fill = Tensor::zeros(DType::F32, {1});
  if (const auto *a = c.attr("value")) {
    std::string error;
    auto v = tensorFromProto(a->t(), "", error);
    if (failed(v) || v->numElements() != 1)
      return c.fail("value must be a one-element tensor" + (error.empty() ? "" : ": " + error));
    fill = *v;
  }
  Tensor t = Tensor::zeros(fill.dtype, *shape);
  if (t.isFloat()) std::fill(t.f.begin(), t.f.end(), fill.f[0]);
  else std::fill(t.i.begin(), t.i.end(), fill.i[0]);
  c.setOutput(c.constant(t));
  return success();
}

template <typename OpT> LogicalResult argExtreme(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  auto axis = c.axis(c.attrInt("axis", 0), s.size(), "axis");
  if (failed(axis))
    return failure();
  bool keep = c.attrInt("keepdims", 1) != 0, last = c.attrInt("select_last_index", 0) != 0;
  Shape out;
  for (int64_t d = 0; d < (int64_t)s.size(); ++d)
    if (d != *axis)
      out.push_back(s[d]);
    else if (keep)
      out.push_back(1);
  c.setOutput(c.b.create<OpT>(c.loc, c.tensorType(out, c.b.getI64Type()), *x, *axis, keep, last));
  return success();
}

LogicalResult trilu(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  if (NodeContext::shape(*x).size() < 2)
    return c.fail("input must have rank 2 or more");
  int64_t k = 0;
  if (c.in(1)) {
    auto kv = c.constantInts(1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return c.fail("k must be a scalar");
    k = (*kv)[0];
  }
  c.setOutput(c.b.create<edge::TriluOp>(c.loc, x->getType(), *x, c.attrInt("upper", 1) != 0, k));
  return success();
}

/// Size: the element count, a constant with static shapes.
LogicalResult size(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Tensor t = Tensor::zeros(DType::I64, {});
  t.i[0] = product(NodeContext::shape(*x));
  c.setOutput(c.constant(t));
  return success();
}

LogicalResult shape(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t rank = s.size();
  int64_t start = c.attrInt("start", 0), end = c.attrInt("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  Tensor t = Tensor::zeros(DType::I64, {end - start});
  std::copy(s.begin() + start, s.begin() + end, t.i.begin());
  c.setOutput(c.constant(t));
  return success();
}

LogicalResult reshape(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  auto target = c.constantInts(1, "shape");
  if (failed(target))
    return failure();
  Shape in = NodeContext::shape(*x), out = *target;
  bool allowZero = c.attrInt("allowzero", 0) != 0;
  int inferAt = -1;
  int64_t known = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k] == 0 && !allowZero) {
      if (k >= in.size())
        return c.fail("shape " + shapeToString(*target) + " copies dimension " +
                      std::to_string(k) + " (0), but the input " + shapeToString(in) +
                      " has only " + std::to_string(in.size()));
      out[k] = in[k];
    }
    if (out[k] == -1) {
      if (inferAt >= 0)
        return c.fail("shape " + shapeToString(*target) + " has more than one -1");
      inferAt = k;
      continue;
    }
    if (out[k] < 0)
      return c.fail("shape " + shapeToString(*target) + " has a negative dimension");
    if (out[k] > 0 && known > kMaxElements / out[k])
      return c.fail("shape " + shapeToString(*target) + " has more than 2^31 - 1 elements");
    known *= out[k];
  }
  int64_t total = product(in);
  if (inferAt >= 0) {
    if (known == 0 || total % known)
      return c.fail("cannot infer the -1 in shape " + shapeToString(*target) + " for input " +
                    shapeToString(in));
    out[inferAt] = total / known;
  } else if (known != total) {
    return c.fail("cannot reshape " + shapeToString(in) + " (" + std::to_string(total) +
                  " elements) to " + shapeToString(out));
  }
  c.setOutput(c.reshape(*x, out));
  return success();
}

LogicalResult flatten(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t rank = s.size(), a = c.attrInt("axis", 1);
  if (a < -rank || a > rank)
    return c.fail("axis " + std::to_string(a) + " is out of range for rank " +
                  std::to_string(rank));
  if (a < 0) a += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < rank; ++k)
    (k < a ? outer : inner) *= s[k];
  c.setOutput(c.reshape(*x, {outer, inner}));
  return success();
}

FailureOr<Shape> axesFrom(NodeContext &c, bool fromInput, size_t inputIndex) {
  if (!fromInput)
    return c.attrInts("axes").value_or(Shape{});
  if (!c.in(inputIndex))
    return Shape{};
  return c.constantInts(inputIndex, "axes");
}

LogicalResult squeezeImpl(NodeContext &c, bool axesInput) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  auto axes = axesFrom(c, axesInput, 1);
  if (failed(axes))
    return failure();
  std::set<int64_t> drop;
  for (int64_t a : *axes) {
    auto n = c.axis(a, s.size(), "axis");
    if (failed(n))
      return failure();
    if (s[*n] != 1)
      return c.fail("cannot squeeze dimension " + std::to_string(*n) + " of size " +
                    std::to_string(s[*n]) + " (shape " + shapeToString(s) + ")");
    drop.insert(*n);
  }
  Shape out;
  for (size_t k = 0; k < s.size(); ++k)
    if (axes->empty() ? s[k] != 1 : !drop.count(k))
      out.push_back(s[k]);
  c.setOutput(c.reshape(*x, out));
  return success();
}

LogicalResult unsqueezeImpl(NodeContext &c, bool axesInput) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  auto axes = axesFrom(c, axesInput, 1);
  if (failed(axes))
    return failure();
  if (axes->empty())
    return c.fail("axes must not be empty");
  int64_t rank = s.size() + axes->size();
  std::set<int64_t> add;
  for (int64_t a : *axes) {
    auto n = c.axis(a, rank, "axis");
    if (failed(n))
      return failure();
    if (!add.insert(*n).second)
      return c.fail("axis " + std::to_string(a) + " is repeated");
  }
  Shape out;
  size_t src = 0;
  for (int64_t k = 0; k < rank; ++k)
    out.push_back(add.count(k) ? 1 : s[src++]);
  c.setOutput(c.reshape(*x, out));
  return success();
}

LogicalResult squeeze1(NodeContext &c) { return squeezeImpl(c, false); }
LogicalResult squeeze13(NodeContext &c) { return squeezeImpl(c, true); }
LogicalResult unsqueeze1(NodeContext &c) { return unsqueezeImpl(c, false); }
LogicalResult unsqueeze13(NodeContext &c) { return unsqueezeImpl(c, true); }

LogicalResult transpose(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x), perm;
  if (auto p = c.attrInts("perm"))
    perm = *p;
  else
    for (int64_t k = s.size() - 1; k >= 0; --k)
      perm.push_back(k);
  if (perm.size() != s.size())
    return c.fail("perm " + shapeToString(perm) + " has " + std::to_string(perm.size()) +
                  " entries for an input of rank " + std::to_string(s.size()));
  Shape out;
  std::vector<bool> seen(s.size(), false);
  for (int64_t &p : perm) {
    auto n = c.axis(p, s.size(), "perm entry");
    if (failed(n))
      return failure();
    if (seen[*n])
      return c.fail("perm " + shapeToString(perm) + " is not a permutation");
    seen[*n] = true;
    p = *n;
    out.push_back(s[p]);
  }
  c.setOutput(c.b.create<edge::TransposeOp>(c.loc, c.tensorType(out, NodeContext::elementType(*x)),
                                            *x, perm));
  return success();
}

LogicalResult concat(NodeContext &c) {
  if (c.numInputs() == 0)
    return c.fail("needs at least one input");
  SmallVector<Value> ins;
  for (size_t k = 0; k < c.numInputs(); ++k)
    if (c.in(k))
      ins.push_back(c.in(k));
  if (ins.empty())
    return c.fail("needs at least one input");
  Shape out = NodeContext::shape(ins[0]);
  if (!c.attr("axis"))
    return c.fail("the axis attribute is required");
  auto axis = c.axis(c.attrInt("axis", 0), out.size(), "axis");
  if (failed(axis))
    return failure();
  int64_t sum = 0;
  for (Value v : ins) {
    Shape s = NodeContext::shape(v);
    if (s.size() != out.size() || NodeContext::elementType(v) != NodeContext::elementType(ins[0]))
      return c.fail("input of shape " + shapeToString(s) + " does not match " +
                    shapeToString(out));
    for (size_t k = 0; k < s.size(); ++k)
      if ((int64_t)k != *axis && s[k] != out[k])
        return c.fail("input shapes " + shapeToString(s) + " and " + shapeToString(out) +
                      " differ outside axis " + std::to_string(*axis));
    sum += s[*axis];
  }
  out[*axis] = sum;
  c.setOutput(c.b.create<edge::ConcatOp>(
      c.loc, c.tensorType(out, NodeContext::elementType(ins[0])), ins, *axis));
  return success();
}

LogicalResult buildSlice(NodeContext &c, Value x, const Shape &starts, const Shape &ends,
                         std::optional<Shape> axes, std::optional<Shape> steps) {
  Shape s = NodeContext::shape(x);
  int64_t rank = s.size();
  if (starts.size() != ends.size())
    return c.fail("starts " + shapeToString(starts) + " and ends " + shapeToString(ends) +
                  " differ in length");
  if (!axes) {
    axes = Shape();
    for (size_t k = 0; k < starts.size(); ++k)
      axes->push_back(k);
  }
  if (!steps)
    steps = Shape(starts.size(), 1);
  if (axes->size() != starts.size() || steps->size() != starts.size())
    return c.fail("starts, ends, axes and steps must have the same length");
  Shape st(rank, 0), en(s), sp(rank, 1);
  std::set<int64_t> seen;
  for (size_t k = 0; k < starts.size(); ++k) {
    auto a = c.axis((*axes)[k], rank, "axis");
    if (failed(a))
      return failure();
    if (!seen.insert(*a).second)
      return c.fail("axis " + std::to_string(*a) + " is repeated");
    int64_t d = s[*a], step = (*steps)[k], b = starts[k], e = ends[k];
    if (step == 0)
      return c.fail("step for axis " + std::to_string(*a) + " is 0");
    if (b < 0) b += d;
    if (e < 0) e += d;
    if (step > 0) {
      b = std::clamp<int64_t>(b, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
    } else {
      b = std::clamp<int64_t>(b, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
    }
    st[*a] = b;
    en[*a] = e;
    sp[*a] = step;
  }
  Shape out;
  for (int64_t k = 0; k < rank; ++k) {
    out.push_back(sliceLength(st[k], en[k], sp[k]));
    // At most one element: any step selects the same; step 1 keeps the
    // kernel's 32-bit step field meaningful for steps like INT64_MAX.
    if (out.back() <= 1) {
      sp[k] = 1;
      en[k] = st[k] + out.back();
    }
  }
  c.setOutput(c.b.create<edge::SliceOp>(c.loc, c.tensorType(out, NodeContext::elementType(x)), x,
                                        st, en, sp));
  return success();
}

LogicalResult slice1(NodeContext &c) {
  auto x = c.required(0, "data");
  auto starts = c.attrInts("starts"), ends = c.attrInts("ends");
  if (failed(x))
    return failure();
  if (!starts || !ends)
    return c.fail("starts and ends attributes are required");
  return buildSlice(c, *x, *starts, *ends, c.attrInts("axes"), std::nullopt);
}

LogicalResult slice10(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  auto starts = c.constantInts(1, "starts"), ends = c.constantInts(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  std::optional<Shape> axes, steps;
  if (c.in(3)) {
    auto a = c.constantInts(3, "axes");
    if (failed(a)) return failure();
    axes = *a;
  }
  if (c.in(4)) {
    auto s = c.constantInts(4, "steps");
    if (failed(s)) return failure();
    steps = *s;
  }
  return buildSlice(c, *x, *starts, *ends, axes, steps);
}

LogicalResult buildPad(NodeContext &c, Value x, Shape pads, float value,
                       std::optional<Shape> axes) {
  Shape s = NodeContext::shape(x);
  int64_t rank = s.size();
  std::string modeName = c.attrString("mode", "constant");
  bool wrap = modeName == "wrap"; // opset 19
  std::optional<edge::PadMode> mode =
      wrap ? std::optional(edge::PadMode::Constant) : edge::symbolizePadMode(modeName);
  if (!mode)
    return c.fail("mode '" + modeName + "' is not supported (constant, reflect, edge, wrap are)");
  Type elt = NodeContext::elementType(x);
  if (!elt.isF32() && !isa<IntegerType>(elt) && !quantizedElement(elt))
    return c.fail("only float, integer and quantized inputs are supported");
  if (isa<IntegerType>(elt) && (value != std::floor(value) || std::fabs(value) > (1 << 24)))
    return c.fail("the constant value " + std::to_string(value) + " of an integer Pad must be "
                  "an integer below 2^24 in magnitude");
  if (axes) {
    if (pads.size() != 2 * axes->size())
      return c.fail("pads " + shapeToString(pads) + " must have 2 entries per axis in " +
                    shapeToString(*axes));
    Shape full(2 * rank, 0);
    for (size_t k = 0; k < axes->size(); ++k) {
      auto a = c.axis((*axes)[k], rank, "axis");
      if (failed(a)) return failure();
      full[*a] = pads[k];
      full[*a + rank] = pads[k + axes->size()];
    }
    pads = full;
  }
  if ((int64_t)pads.size() != 2 * rank)
    return c.fail("pads " + shapeToString(pads) + " must have " + std::to_string(2 * rank) +
                  " entries for an input of rank " + std::to_string(rank));
  if (wrap) {
    // Wrap: output position j of an axis reads input (j - begin) mod n,
    // which also crops for negative pads and wraps more than once for pads
    // past n: one constant-index Gather per padded axis.
    Value v = x;
    for (int64_t k = 0; k < rank; ++k) {
      int64_t d = s[k] + pads[k] + pads[k + rank];
      if (pads[k] == 0 && pads[k + rank] == 0)
        continue;
      if (d < 0 || (s[k] == 0 && d > 0))
        return c.fail("pads " + shapeToString(pads) + " do not fit dimension " +
                      std::to_string(k) + " (" + std::to_string(s[k]) + ") in wrap mode");
      Tensor idx = Tensor::zeros(DType::I64, {d});
      for (int64_t j = 0; j < d; ++j)
        idx.i[j] = ((j - pads[k]) % s[k] + s[k]) % s[k];
      Shape os = NodeContext::shape(v);
      os[k] = d;
      v = c.b.create<edge::GatherOp>(c.loc, c.tensorType(os, elt), v, c.constant(idx), k);
    }
    c.setOutput(v);
    return success();
  }
  Shape out;
  for (int64_t k = 0; k < rank; ++k) {
    int64_t d = s[k] + pads[k] + pads[k + rank];
    if (d < 0)
      return c.fail("pads " + shapeToString(pads) + " remove more than dimension " +
                    std::to_string(k) + " holds");
    if (*mode == edge::PadMode::Reflect && (pads[k] > 0 || pads[k + rank] > 0) &&
        (pads[k] >= s[k] || pads[k + rank] >= s[k]))
      return c.fail("reflect pads " + shapeToString(pads) + " must be smaller than dimension " +
                    std::to_string(k) + " (" + std::to_string(s[k]) + ")");
    out.push_back(d);
  }
  c.setOutput(c.b.create<edge::PadOp>(c.loc, c.tensorType(out, elt), x,
                                      c.b.getDenseI64ArrayAttr(pads),
                                      edge::PadModeAttr::get(c.b.getContext(), *mode),
                                      c.b.getF32FloatAttr(value)));
  return success();
}

/// CenterCropPad (opset 18): each listed axis cropped or zero-padded to its
/// target length around the centre (the first (in - out) / 2 elements go, or
/// (out - in) / 2 zeros come first), as one Pad whose negative pads crop.
LogicalResult centerCropPad(NodeContext &c) {
  auto x = c.required(0, "input_data");
  if (failed(x))
    return failure();
  auto target = c.constantInts(1, "shape");
  if (failed(target))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t rank = s.size();
  Shape axes;
  if (std::optional<Shape> a = c.attrInts("axes")) {
    for (int64_t v : *a) {
      auto n = c.axis(v, rank, "axis");
      if (failed(n))
        return failure();
      axes.push_back(*n);
    }
  } else {
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
  }
  if (target->size() != axes.size())
    return c.fail("shape " + shapeToString(*target) + " has " + std::to_string(target->size()) +
                  " values for " + std::to_string(axes.size()) + " axes");
  Shape pads(2 * rank, 0), out = s;
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t a = axes[k], want = (*target)[k];
    if (want < 0)
      return c.fail("shape " + shapeToString(*target) + " has a negative length");
    int64_t before = want < s[a] ? -((s[a] - want) / 2) : (want - s[a]) / 2;
    pads[a] = before;
    pads[a + rank] = want - s[a] - before;
    out[a] = want;
  }
  if (out == s) {
    c.outputs = {*x};
    return success();
  }
  c.setOutput(c.b.create<edge::PadOp>(
      c.loc, c.tensorType(out, NodeContext::elementType(*x)), *x, c.b.getDenseI64ArrayAttr(pads),
      edge::PadModeAttr::get(c.b.getContext(), edge::PadMode::Constant), c.b.getF32FloatAttr(0)));
  return success();
}

LogicalResult pad2(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  auto pads = c.attrInts("pads");
  if (!pads)
    return c.fail("the pads attribute is required");
  return buildPad(c, *x, *pads, c.attrFloat("value", 0.f), std::nullopt);
}

LogicalResult pad11(NodeContext &c) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  auto pads = c.constantInts(1, "pads");
  if (failed(pads))
    return failure();
  float value = 0.f;
  if (c.in(2)) {
    auto v = c.constantInput(2);
    if (!v || v->numElements() != 1)
      return c.fail("constant_value must be a constant scalar");
    value = (float)v->at(0);
  }
  std::optional<Shape> axes;
  if (c.in(3)) {
    auto a = c.constantInts(3, "axes");
    if (failed(a)) return failure();
    axes = *a;
  }
  return buildPad(c, *x, *pads, value, axes);
}

LogicalResult gather(NodeContext &c) {
  auto data = c.required(0, "data"), idx = c.required(1, "indices");
  if (failed(data) || failed(idx))
    return failure();
  Shape ds = NodeContext::shape(*data), is = NodeContext::shape(*idx);
  auto axis = c.axis(c.attrInt("axis", 0), ds.size(), "axis");
  if (failed(axis))
    return failure();
  Type it = NodeContext::elementType(*idx);
  if (!it.isInteger(64) && !it.isInteger(32))
    return c.fail("indices must be int32 or int64");
  if (auto t = c.constantInput(1))
    for (int64_t v : t->i)
      if (v < -ds[*axis] || v >= ds[*axis])
        return c.fail("index " + std::to_string(v) + " is out of range for axis " +
                      std::to_string(*axis) + " of size " + std::to_string(ds[*axis]));
  Shape out(ds.begin(), ds.begin() + *axis);
  out.insert(out.end(), is.begin(), is.end());
  out.insert(out.end(), ds.begin() + *axis + 1, ds.end());
  c.setOutput(c.b.create<edge::GatherOp>(
      c.loc, c.tensorType(out, NodeContext::elementType(*data)), *data, *idx, *axis));
  return success();
}

/// Cast input 0 to element type `elt` (ONNX type number `to`, for messages).
LogicalResult castTo(NodeContext &c, Value x, std::optional<DType> dt, int64_t to) {
  // saturate (opset 19): only the float8 targets read it.
  bool saturate = c.attrInt("saturate", 1) != 0;
  if (quantizedElement(x.getType())) {
    if (!castIsQuantizedNoOp(x, to))
      return c.fail("cast of a quantized tensor to ONNX type " + std::to_string(to) +
                    " is not supported (only a Cast to its own type, a no-op)");
    c.outputs = {x};
    return success();
  }
  if (!dt)
    return c.fail(std::string("cast to ") + onnxTypeDescription((int32_t)to) +
                  " is not supported");
  Type elt = mlirTypeOf(c.b.getContext(), *dt);
  if (elt == NodeContext::elementType(x)) {
    c.outputs = {x};
    return success();
  }
  c.setOutput(c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(x), elt), x,
                                       saturate));
  return success();
}

LogicalResult cast(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  int64_t to = c.attrInt("to", 0);
  return castTo(c, *x, dtypeFromOnnx((int32_t)to), to);
}

/// BitCast (opset 26): each element's bits read as type `to`, as wide.
LogicalResult bitCast(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  int64_t to = c.attrInt("to", 0);
  std::optional<DType> dt = dtypeFromOnnx((int32_t)to);
  if (!dt || to == onnx::TensorProto::DOUBLE)
    return c.fail(std::string("bitcast to ") + onnxTypeDescription((int32_t)to) +
                  " is not supported" +
                  (to == onnx::TensorProto::DOUBLE ? " (edgec computes doubles as float)" : ""));
  Type from = NodeContext::elementType(*x), elt = mlirTypeOf(c.b.getContext(), *dt);
  if (quantizedElement(x->getType()))
    return c.fail("a quantized tensor is not bitcast");
  auto bits = [](Type t) { return t.isInteger(1) ? 8u : t.getIntOrFloatBitWidth(); };
  if (bits(from) != bits(elt))
    return c.fail("bitcast of " + std::string(dtypeName(dtypeOf(from))) + " (" +
                  std::to_string(bits(from)) + " bits) to " + dtypeName(*dt) + " (" +
                  std::to_string(bits(elt)) + " bits): the widths differ" +
                  (from.isF32() ? " (a double input is computed as float by edgec)" : ""));
  if (elt.isInteger(1) && !from.isInteger(1))
    return c.fail("bitcast to bool is not supported: a byte other than 0 or 1 is no bool");
  if (elt == from) {
    c.outputs = {*x};
    return success();
  }
  c.setOutput(c.b.create<edge::BitcastOp>(c.loc, c.tensorType(NodeContext::shape(*x), elt), *x));
  return success();
}

/// CastLike (opset 15): Cast to the element type of input 1.
LogicalResult castLike(NodeContext &c) {
  auto x = c.required(0, "input");
  auto like = c.required(1, "target_type");
  if (failed(x) || failed(like))
    return failure();
  if (quantizedElement(like->getType()))
    return c.fail("target_type is a quantized tensor: CastLike to it is not supported");
  DType dt = dtypeOf(NodeContext::elementType(*like));
  return castTo(c, *x, dt, onnxElementType(dt));
}

/// Reduce* whose axes are computed at run time: the result takes the shape
/// the model declares for it (the kernel reads the axes; the evaluator checks
/// they give that shape). Without a declared shape there is nothing static to
/// compile to.
LogicalResult reduceRuntimeAxes(NodeContext &c, Value x, Value axes, edge::ReduceKind kind,
                                bool keep) {
  std::optional<Shape> declared =
      c.declaredOutputShapes.empty() ? std::nullopt : c.declaredOutputShapes[0];
  auto refuse = [&](const std::string &why) {
    return c.fail("input 1 (axes) is computed at run time and " + why +
                  "; bind it with --bind to reduce over fixed axes");
  };
  if (!declared)
    return refuse("the model declares no static shape for output '" + c.node.output(0) +
                  "', which the axes would set");
  if (!NodeContext::elementType(x).isF32())
    return refuse("the data is " + std::string(dtypeName(dtypeOf(NodeContext::elementType(x)))) +
                  " (run-time axes are reduced for float data)");
  if (!NodeContext::elementType(axes).isInteger(64) || NodeContext::shape(axes).size() != 1)
    return refuse("is not a 1-D int64 tensor");
  if (NodeContext::shape(x).size() > 32)
    return refuse("the data has more than 32 dimensions");
  c.setOutput(c.b.create<edge::ReduceRuntimeAxesOp>(
      c.loc, c.tensorType(*declared, NodeContext::elementType(x)), x, axes,
      edge::ReduceKindAttr::get(c.b.getContext(), kind), c.b.getBoolAttr(keep)));
  return success();
}

template <typename ReduceOp> LogicalResult reduceImpl(NodeContext &c, bool axesInput) {
  auto x = c.required(0, "data");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  bool keep = c.attrInt("keepdims", 1) != 0;
  Value runtimeAxes = axesInput && c.in(1) && !c.constantInput(1) ? c.in(1) : Value();
  if (runtimeAxes && checkedElementCount(NodeContext::shape(runtimeAxes)) != 0)
    return reduceRuntimeAxes(c, *x, runtimeAxes, ReduceOp::kReduceKind, keep);
  // A run-time axes tensor of no elements is no axes, whatever its values.
  auto axes = runtimeAxes ? FailureOr<Shape>(Shape{}) : axesFrom(c, axesInput, 1);
  if (failed(axes))
    return failure();
  if (axes->empty()) {
    if (c.attrInt("noop_with_empty_axes", 0)) {
      c.outputs = {*x};
      return success();
    }
    for (size_t k = 0; k < s.size(); ++k)
      axes->push_back(k);
  }
  std::set<int64_t> norm;
  for (int64_t a : *axes) {
    auto n = c.axis(a, s.size(), "axis");
    if (failed(n))
      return failure();
    norm.insert(*n);
  }
  Shape sorted(norm.begin(), norm.end()), out;
  for (size_t k = 0; k < s.size(); ++k) {
    if (!norm.count(k)) out.push_back(s[k]);
    else if (keep) out.push_back(1);
  }
  // Reduced axes separated by kept ones of size > 1 (MVN's N, H, W) are
  // moved last by a transpose, so every reduction runs over one contiguous
  // block of axes.
  bool split = false;
  for (size_t q = 1; q < sorted.size(); ++q)
    for (int64_t a = sorted[q - 1] + 1; a < sorted[q]; ++a)
      split |= s[a] != 1;
  if (split) {
    Shape perm, kept;
    for (size_t k = 0; k < s.size(); ++k)
      if (!norm.count(k)) perm.push_back(k);
    size_t nKept = perm.size();
    perm.insert(perm.end(), sorted.begin(), sorted.end());
    Value t = buildTranspose(c, *x, perm);
    Shape tail;
    for (size_t k = nKept; k < perm.size(); ++k)
      tail.push_back(k);
    Value r = buildReduce<ReduceOp>(c, t, tail, false);
    c.setOutput(c.reshape(r, out));
    return success();
  }
  c.setOutput(c.b.create<ReduceOp>(c.loc, c.tensorType(out, NodeContext::elementType(*x)), *x,
                                   sorted, keep));
  return success();
}

template <typename ReduceOp> LogicalResult reduce1(NodeContext &c) {
  return reduceImpl<ReduceOp>(c, false);
}
template <typename ReduceOp> LogicalResult reduce18(NodeContext &c) {
  return reduceImpl<ReduceOp>(c, true);
}

} // namespace

void registerTensorOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
      {"", "Identity", 1, identity},
      {"", "Dropout", 7, dropout},
      {"", "Constant", 1, constant},
      {"", "ConstantOfShape", 9, constantOfShape},
      {"", "Shape", 1, shape},
      {"", "Size", 1, size},
      {"", "Trilu", 14, trilu},
      {"", "ArgMax", 1, argExtreme<edge::ArgMaxOp>},
      {"", "ArgMin", 1, argExtreme<edge::ArgMinOp>},
      {"", "Reshape", 5, reshape},
      {"", "Flatten", 1, flatten},
      {"", "Squeeze", 1, squeeze1},
      {"", "Squeeze", 13, squeeze13},
      {"", "Unsqueeze", 1, unsqueeze1},
      {"", "Unsqueeze", 13, unsqueeze13},
      {"", "Transpose", 1, transpose},
      {"", "Concat", 4, concat},
      {"", "Slice", 1, slice1},
      {"", "Slice", 10, slice10},
      {"", "Pad", 2, pad2},
      {"", "Pad", 11, pad11},
      {"", "CenterCropPad", 18, centerCropPad},
      {"", "Gather", 1, gather},
      {"", "Cast", 6, cast},
      {"", "CastLike", 15, castLike},
      {"", "BitCast", 26, bitCast},
      {"", "ReduceMean", 1, reduce1<edge::ReduceMeanOp>},
      {"", "ReduceMean", 18, reduce18<edge::ReduceMeanOp>},
      {"", "ReduceMax", 1, reduce1<edge::ReduceMaxOp>},
      {"", "ReduceMax", 18, reduce18<edge::ReduceMaxOp>},
      {"", "ReduceMin", 1, reduce1<edge::ReduceMinOp>},
      {"", "ReduceMin", 18, reduce18<edge::ReduceMinOp>},
      {"", "ReduceSum", 1, reduce1<edge::ReduceSumOp>},
      {"", "ReduceSum", 13, reduce18<edge::ReduceSumOp>}, // axes became an input at 13
      {"", "ReduceProd", 1, reduce1<edge::ReduceProdOp>},
      {"", "ReduceProd", 18, reduce18<edge::ReduceProdOp>},
      {"", "ReduceL1", 1, reduce1<edge::ReduceL1Op>},
      {"", "ReduceL1", 18, reduce18<edge::ReduceL1Op>},
      {"", "ReduceL2", 1, reduce1<edge::ReduceL2Op>},
      {"", "ReduceL2", 18, reduce18<edge::ReduceL2Op>},
      {"", "ReduceSumSquare", 1, reduce1<edge::ReduceSumSquareOp>},
      {"", "ReduceSumSquare", 18, reduce18<edge::ReduceSumSquareOp>},
      {"", "ReduceLogSum", 1, reduce1<edge::ReduceLogSumOp>},
      {"", "ReduceLogSum", 18, reduce18<edge::ReduceLogSumOp>},
      {"", "ReduceLogSumExp", 1, reduce1<edge::ReduceLogSumExpOp>},
      {"", "ReduceLogSumExp", 18, reduce18<edge::ReduceLogSumExpOp>},
  });
}

} // namespace edgec::onnx_import
