//===- CompositeOps.cpp - ONNX ops with run-time indices or decompositions ===//
//
// Indexing ops map to their edge ops (gather_elements, scatter_*, gather_nd,
// cumsum, top_k_indices). The rest decompose at import into ops edgec
// already compiles: data movement (Split, Tile, Expand, DepthToSpace, ...)
// into slices, concats, reshapes and transposes; normalizations and small
// activations into elementwise and reduction ops; ops of constant inputs
// (Range, EyeLike) into constants.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

using namespace mlir;

namespace edgec::onnx_import {

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

Value buildWhere(NodeContext &c, Value cond, Value x, Value y) {
  if (Value v = buildInferred<edge::WhereOp>(c, {cond, x, y}))
    return v;
  c.error() << "condition, X and Y shapes cannot be broadcast together";
  return {};
}

Value buildTranspose(NodeContext &c, Value x, const Shape &perm) {
  Shape s = NodeContext::shape(x), out;
  bool identity = true;
  for (size_t k = 0; k < perm.size(); ++k) {
    out.push_back(s[perm[k]]);
    identity = identity && perm[k] == (int64_t)k;
  }
  if (identity)
    return x;
  return c.b.create<edge::TransposeOp>(c.loc, c.tensorType(out, NodeContext::elementType(x)), x,
                                       perm);
}

Value buildSlice(NodeContext &c, Value x, int64_t axis, int64_t start, int64_t len,
                 int64_t step) {
  Shape s = NodeContext::shape(x);
  if (start == 0 && len == s[axis] && step == 1)
    return x;
  Shape starts(s.size(), 0), ends(s.begin(), s.end()), steps(s.size(), 1), out = s;
  starts[axis] = start;
  ends[axis] = start + (len - 1) * step + (step > 0 ? 1 : -1);
  steps[axis] = step;
  out[axis] = len;
  return c.b.create<edge::SliceOp>(c.loc, c.tensorType(out, NodeContext::elementType(x)), x,
                                   starts, ends, steps);
}

Value buildConcat(NodeContext &c, const std::vector<Value> &parts, int64_t axis) {
  if (parts.size() == 1)
    return parts[0];
  Shape out = NodeContext::shape(parts[0]);
  out[axis] = 0;
  for (Value p : parts)
    out[axis] += NodeContext::shape(p)[axis];
  return c.b.create<edge::ConcatOp>(c.loc, c.tensorType(out, NodeContext::elementType(parts[0])),
                                    ValueRange(parts), axis);
}

Value buildRepeat(NodeContext &c, Value x, int64_t axis, int64_t times) {
  if (times == 1)
    return x;
  return buildConcat(c, std::vector<Value>(times, x), axis);
}

Value buildExpand(NodeContext &c, Value x, const Shape &shape) {
  Shape s = NodeContext::shape(x);
  auto out = broadcastShapes(s, shape);
  if (failed(out)) {
    c.error() << "shape " << shapeToString(s) << " cannot be expanded to "
              << shapeToString(shape);
    return {};
  }
  Shape padded(out->size() - s.size(), 1);
  padded.insert(padded.end(), s.begin(), s.end());
  if (padded != s)
    x = c.reshape(x, padded);
  for (size_t k = 0; k < out->size(); ++k)
    if (padded[k] == 1 && (*out)[k] != 1)
      x = buildRepeat(c, x, k, (*out)[k]);
  return x;
}

Value scalarLike(NodeContext &c, Value x, double v) {
  DType t = dtypeOf(NodeContext::elementType(x));
  Tensor s = Tensor::zeros(t, {});
  if (s.isFloat())
    s.f[0] = (float)v;
  else
    s.i[0] = (int64_t)v;
  return c.constant(s);
}

namespace {

bool isFloat(Value v) { return NodeContext::elementType(v).isF32(); }

LogicalResult requireFloatInput(NodeContext &c, Value v, const char *what) {
  if (!isFloat(v))
    return c.error() << what << " must be float, got " << NodeContext::elementType(v), failure();
  return success();
}

/// Checks constant indices against an axis of size `len` (run-time ones are
/// clamped by the kernels).
LogicalResult checkConstantIndices(NodeContext &c, size_t input, int64_t len, const char *what) {
  if (auto t = c.constantInput(input))
    for (int64_t v : t->i)
      if (v < -len || v >= len)
        return c.fail(std::string(what) + " " + std::to_string(v) +
                      " is out of range for an axis of size " + std::to_string(len));
  return success();
}

LogicalResult requireIndices(NodeContext &c, Value v) {
  Type t = NodeContext::elementType(v);
  if (!t.isInteger(64) && !t.isInteger(32))
    return c.fail("indices must be int32 or int64");
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing
//===----------------------------------------------------------------------===//

LogicalResult gatherElements(NodeContext &c) {
  auto data = c.required(0, "data"), idx = c.required(1, "indices");
  if (failed(data) || failed(idx) || failed(requireIndices(c, *idx)))
    return failure();
  Shape ds = NodeContext::shape(*data), is = NodeContext::shape(*idx);
  auto axis = c.axis(c.attrInt("axis", 0), ds.size(), "axis");
  if (failed(axis))
    return failure();
  if (ds.size() != is.size())
    return c.fail("data " + shapeToString(ds) + " and indices " + shapeToString(is) +
                  " must have the same rank");
  if (failed(checkConstantIndices(c, 1, ds[*axis], "index")))
    return failure();
  c.setOutput(c.b.create<edge::GatherElementsOp>(
      c.loc, c.tensorType(is, NodeContext::elementType(*data)), *data, *idx, *axis));
  return success();
}

LogicalResult scatterElements(NodeContext &c) {
  auto data = c.required(0, "data"), idx = c.required(1, "indices"),
       upd = c.required(2, "updates");
  if (failed(data) || failed(idx) || failed(upd) || failed(requireIndices(c, *idx)))
    return failure();
  Shape ds = NodeContext::shape(*data), is = NodeContext::shape(*idx);
  auto axis = c.axis(c.attrInt("axis", 0), ds.size(), "axis");
  if (failed(axis))
    return failure();
  if (is != NodeContext::shape(*upd) || is.size() != ds.size())
    return c.fail("indices " + shapeToString(is) + " and updates " +
                  shapeToString(NodeContext::shape(*upd)) +
                  " must have one shape, of the data's rank");
  for (size_t k = 0; k < ds.size(); ++k)
    if ((int64_t)k != *axis && is[k] > ds[k])
      return c.fail("indices " + shapeToString(is) + " exceed data " + shapeToString(ds) +
                    " in dimension " + std::to_string(k));
  if (failed(checkConstantIndices(c, 1, ds[*axis], "index")))
    return failure();
  std::string redName = c.attrString("reduction", "none");
  std::optional<edge::ScatterReduction> red = edge::symbolizeScatterReduction(redName);
  if (!red)
    return c.fail("reduction '" + redName + "' is not one of none, add, mul, max, min");
  if (NodeContext::elementType(*upd) != NodeContext::elementType(*data))
    return c.fail("data and updates element types differ");
  c.setOutput(c.b.create<edge::ScatterElementsOp>(
      c.loc, data->getType(), *data, *idx, *upd, c.b.getI64IntegerAttr(*axis),
      edge::ScatterReductionAttr::get(c.b.getContext(), *red)));
  return success();
}

LogicalResult gatherND(NodeContext &c) {
  auto data = c.required(0, "data"), idx = c.required(1, "indices");
  if (failed(data) || failed(idx))
    return failure();
  if (!NodeContext::elementType(*idx).isInteger(64))
    return c.fail("indices must be int64");
  Shape ds = NodeContext::shape(*data), is = NodeContext::shape(*idx);
  int64_t b = c.attrInt("batch_dims", 0), r = ds.size(), q = is.size();
  if (q < 1 || b < 0 || b >= std::min(r, q))
    return c.fail("batch_dims " + std::to_string(b) + " must be below the ranks of data (" +
                  std::to_string(r) + ") and indices (" + std::to_string(q) + ")");
  for (int64_t k = 0; k < b; ++k)
    if (ds[k] != is[k])
      return c.fail("batch dimension " + std::to_string(k) + " differs between data " +
                    shapeToString(ds) + " and indices " + shapeToString(is));
  int64_t last = is.back();
  if (last < 1 || last > r - b)
    return c.fail("index tuples of length " + std::to_string(last) + " do not fit data " +
                  shapeToString(ds) + " after " + std::to_string(b) + " batch dimension(s)");
  if (auto t = c.constantInput(1))
    for (int64_t k = 0; k < t->numElements(); ++k) {
      int64_t len = ds[b + k % last], v = t->i[k];
      if (v < -len || v >= len)
        return c.fail("index " + std::to_string(v) + " is out of range for dimension " +
                      std::to_string(b + k % last) + " of size " + std::to_string(len));
    }
  Shape out(is.begin(), is.end() - 1);
  out.insert(out.end(), ds.begin() + b + last, ds.end());
  c.setOutput(c.b.create<edge::GatherNDOp>(
      c.loc, c.tensorType(out, NodeContext::elementType(*data)), *data, *idx, b));
  return success();
}

LogicalResult scatterND(NodeContext &c) {
  auto data = c.required(0, "data"), idx = c.required(1, "indices"),
       upd = c.required(2, "updates");
  if (failed(data) || failed(idx) || failed(upd))
    return failure();
  if (!NodeContext::elementType(*idx).isInteger(64))
    return c.fail("indices must be int64");
  Shape ds = NodeContext::shape(*data), is = NodeContext::shape(*idx);
  if (is.empty() || is.back() < 1 || is.back() > (int64_t)ds.size())
    return c.fail("index tuples of shape " + shapeToString(is) + " do not fit data " +
                  shapeToString(ds));
  Shape expected(is.begin(), is.end() - 1);
  expected.insert(expected.end(), ds.begin() + is.back(), ds.end());
  if (NodeContext::shape(*upd) != expected)
    return c.fail("updates must have shape " + shapeToString(expected) + ", got " +
                  shapeToString(NodeContext::shape(*upd)));
  std::string redName = c.attrString("reduction", "none");
  std::optional<edge::ScatterReduction> red = edge::symbolizeScatterReduction(redName);
  if (!red)
    return c.fail("reduction '" + redName + "' is not one of none, add, mul, max, min");
  if (NodeContext::elementType(*upd) != NodeContext::elementType(*data))
    return c.fail("data and updates element types differ");
  c.setOutput(
      c.b.create<edge::ScatterNDOp>(c.loc, data->getType(), *data, *idx, *upd,
                                    edge::ScatterReductionAttr::get(c.b.getContext(), *red)));
  return success();
}

template <typename OpT> LogicalResult cumulative(NodeContext &c) {
  auto x = c.required(0, "x");
  if (failed(x))
    return failure();
  auto a = c.constantInts(1, "axis");
  if (failed(a))
    return failure();
  if (a->size() != 1)
    return c.fail("axis must be a scalar");
  auto axis = c.axis((*a)[0], NodeContext::shape(*x).size(), "axis");
  if (failed(axis))
    return failure();
  if (quantizedElement(x->getType()) || NodeContext::elementType(*x).isInteger(1))
    return c.fail("expects a float or integer input");
  c.setOutput(c.b.create<OpT>(c.loc, x->getType(), *x, *axis,
                                         c.attrInt("exclusive", 0) != 0,
                                         c.attrInt("reverse", 0) != 0));
  return success();
}

LogicalResult topK(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t k;
  if (c.opset < 10) {
    k = c.attrInt("k", -1);
  } else {
    auto kk = c.constantInts(1, "K");
    if (failed(kk))
      return failure();
    if (kk->size() != 1)
      return c.fail("K must hold one value");
    k = (*kk)[0];
  }
  auto axis = c.axis(c.attrInt("axis", -1), s.size(), "axis");
  if (failed(axis))
    return failure();
  if (k < 0 || k > s[*axis])
    return c.fail("K = " + std::to_string(k) + " is outside [0, " + std::to_string(s[*axis]) +
                  "] for axis " + std::to_string(*axis));
  if (quantizedElement(x->getType()) || NodeContext::elementType(*x).isInteger(1))
    return c.fail("expects a float or integer input");
  bool largest = c.opset < 11 || c.attrInt("largest", 1) != 0;
  Shape out = s;
  out[*axis] = k;
  Value idx = c.b.create<edge::TopKIndicesOp>(c.loc, c.tensorType(out, c.b.getI64Type()), *x,
                                              *axis, k, largest);
  Value values = c.b.create<edge::GatherElementsOp>(
      c.loc, c.tensorType(out, NodeContext::elementType(*x)), *x, idx, *axis);
  c.outputs = {values, idx};
  return success();
}

/// Compress: the positions where a compile-time condition holds, as a
/// Gather with constant indices along `axis` (the flattened input without
/// one); the data itself may be a run-time tensor.
LogicalResult compress(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x) || failed(c.required(1, "condition")))
    return failure();
  std::optional<Tensor> cond = c.constantInput(1);
  if (!cond)
    return c.fail("condition must be a compile-time constant: the output's shape depends on "
                  "its values (bind it with --bind)");
  if (cond->shape.size() != 1)
    return c.fail("condition of shape " + shapeToString(cond->shape) + " is not 1-D");
  Value data = *x;
  int64_t axis = 0;
  if (c.attr("axis")) {
    auto a = c.axis(c.attrInt("axis", 0), NodeContext::shape(*x).size(), "axis");
    if (failed(a))
      return failure();
    axis = *a;
  } else {
    data = c.reshape(*x, {product(NodeContext::shape(*x))});
  }
  Shape ds = NodeContext::shape(data);
  if (cond->numElements() > ds[axis])
    return c.fail("condition has " + std::to_string(cond->numElements()) +
                  " entries for an axis of size " + std::to_string(ds[axis]));
  Tensor idx = Tensor::zeros(DType::I64, {0});
  for (int64_t k = 0; k < cond->numElements(); ++k)
    if (cond->at(k) != 0)
      idx.i.push_back(k);
  idx.shape = {(int64_t)idx.i.size()};
  Shape out = ds;
  out[axis] = idx.shape[0];
  c.setOutput(c.b.create<edge::GatherOp>(c.loc, c.tensorType(out, NodeContext::elementType(data)),
                                         data, c.constant(idx), axis));
  return success();
}

/// RoiAlign-10 / -16 (opset 10 is ONNX Runtime's output_half_pixel).
LogicalResult roiAlign(NodeContext &c) {
  auto x = c.required(0, "X"), rois = c.required(1, "rois"), bi = c.required(2, "batch_indices");
  if (failed(x) || failed(rois) || failed(bi) || failed(requireIndices(c, *bi)))
    return failure();
  if (!isFloat(*x) || !isFloat(*rois))
    return c.fail("X and rois must be float tensors");
  Shape xs = NodeContext::shape(*x), rs = NodeContext::shape(*rois);
  if (xs.size() != 4 || rs.size() != 2 || rs[1] != 4 || NodeContext::shape(*bi) != Shape{rs[0]})
    return c.fail("X " + shapeToString(xs) + ", rois " + shapeToString(rs) +
                  " and batch_indices must be [N, C, H, W], [R, 4] and [R]");
  std::string modeName = c.attrString("mode", "avg");
  std::optional<edge::RoiAlignMode> mode = edge::symbolizeRoiAlignMode(modeName);
  if (!mode)
    return c.fail("mode '" + modeName + "' is not avg or max");
  std::string coord = c.opset >= 16 ? c.attrString("coordinate_transformation_mode", "half_pixel")
                                    : "output_half_pixel";
  if (coord != "half_pixel" && coord != "output_half_pixel")
    return c.fail("coordinate_transformation_mode '" + coord + "' is not half_pixel or "
                  "output_half_pixel");
  int64_t oh = c.attrInt("output_height", 1), ow = c.attrInt("output_width", 1),
          ratio = c.attrInt("sampling_ratio", 0);
  if (oh < 1 || ow < 1 || ratio < 0)
    return c.fail("output_height and output_width must be positive, sampling_ratio non-negative");
  if (ratio > std::max(xs[2], xs[3]))
    return c.fail("sampling_ratio " + std::to_string(ratio) + " exceeds the image side " +
                  std::to_string(std::max(xs[2], xs[3])));
  if (failed(c.checkConstantShape({oh, ow}, "the bin grid")))
    return failure();
  if (failed(checkConstantIndices(c, 2, xs[0], "batch index")))
    return failure();
  c.setOutput(c.b.create<edge::RoiAlignOp>(
      c.loc, c.tensorType({rs[0], xs[1], oh, ow}, c.b.getF32Type()), *x, *rois, *bi,
      edge::RoiAlignModeAttr::get(c.b.getContext(), *mode), c.b.getI64IntegerAttr(oh),
      c.b.getI64IntegerAttr(ow),
      c.b.getI64IntegerAttr(ratio), c.b.getF32FloatAttr(c.attrFloat("spatial_scale", 1.f)),
      c.b.getBoolAttr(coord == "half_pixel")));
  return success();
}

LogicalResult det(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!isFloat(*x))
    return c.fail("X must be a float tensor");
  Shape s = NodeContext::shape(*x);
  if (s.size() < 2 || s[s.size() - 1] != s[s.size() - 2] || s.back() < 1)
    return c.fail("X of shape " + shapeToString(s) + " is not [..., M, M]");
  c.setOutput(c.b.create<edge::DetOp>(
      c.loc, c.tensorType(Shape(s.begin(), s.end() - 2), c.b.getF32Type()), *x));
  return success();
}

/// GridSample-16: 4-D input and grid, PyTorch's grid_sample semantics.
/// AffineGrid (opset 20): grid[n, (d,) h, w] = theta[n] @ (x_w, y_h, (z_d,) 1),
/// the normalized coordinates start + i * step per axis as ONNX's function
/// body computes them in float (align_corners: -1 and 2 / (n - 1); else
/// -1 + 1 / n and 2 / n), so one MatMul of theta by the constant base grid.
/// `size` must be a compile-time constant: it sets the output shape.
LogicalResult affineGrid(NodeContext &c) {
  auto theta = c.required(0, "theta");
  if (failed(theta))
    return failure();
  auto size = c.constantInts(1, "size");
  if (failed(size))
    return failure();
  if (!NodeContext::elementType(*theta).isF32())
    return c.fail("theta must be a float tensor");
  Shape ts = NodeContext::shape(*theta), sz = *size;
  if (sz.size() != 4 && sz.size() != 5)
    return c.fail("size " + shapeToString(sz) + " must be (N, C, H, W) or (N, C, D, H, W)");
  int64_t spatial = sz.size() - 2, N = sz[0];
  if (ts != Shape{N, spatial, spatial + 1})
    return c.fail("theta of shape " + shapeToString(ts) + " must be " +
                  shapeToString({N, spatial, spatial + 1}) + " for size " + shapeToString(sz));
  Shape dims(sz.begin() + 2, sz.end()); // (D,) H, W
  for (int64_t d : dims)
    if (d < 1)
      return c.fail("size " + shapeToString(sz) + " has an empty spatial dimension");
  int64_t points = 1;
  for (int64_t d : dims)
    points *= d;
  if (failed(c.checkConstantShape({spatial + 1, points}, "the base grid")))
    return failure();
  bool align = c.attrInt("align_corners", 0) != 0;
  // Coordinates per spatial axis, innermost (x, along W) first in the grid.
  std::vector<std::vector<float>> axisCoords;
  for (int64_t n : dims) {
    float nf = (float)n, step = align ? (n > 1 ? 2.f / (nf - 1.f) : 0.f) : 2.f / nf;
    float start = align ? -1.f : -1.f + step / 2.f;
    std::vector<float> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = start + (float)i * step;
    axisCoords.push_back(v);
  }
  // base[k, p]: row k the coordinate of axis (x, y, z) k (1 for the last
  // row) at point p, points in row-major (D,) H, W order.
  Tensor base = Tensor::zeros(DType::F32, {spatial + 1, points});
  for (int64_t p = 0; p < points; ++p) {
    int64_t rest = p;
    for (int64_t a = spatial - 1; a >= 0; --a) { // a over dims from W back
      int64_t i = rest % dims[a];
      rest /= dims[a];
      base.f[(spatial - 1 - a) * points + p] = axisCoords[a][i];
    }
    base.f[spatial * points + p] = 1.f;
  }
  Value g = c.b.create<edge::MatMulOp>(c.loc, c.tensorType({N, spatial, points}, c.b.getF32Type()),
                                       *theta, c.constant(base), FloatAttr(), FloatAttr());
  Shape out{N};
  out.insert(out.end(), dims.begin(), dims.end());
  out.push_back(spatial);
  c.setOutput(c.reshape(buildTranspose(c, g, {0, 2, 1}), out));
  return success();
}

LogicalResult gridSample(NodeContext &c) {
  auto x = c.required(0, "X"), g = c.required(1, "grid");
  if (failed(x) || failed(g))
    return failure();
  if (!isFloat(*x) || !isFloat(*g))
    return c.fail("X and grid must be float tensors");
  Shape xs = NodeContext::shape(*x), gs = NodeContext::shape(*g);
  if (xs.size() != 4 || gs.size() != 4 || gs[3] != 2 || gs[0] != xs[0])
    return c.fail("X " + shapeToString(xs) + " and grid " + shapeToString(gs) +
                  " must be [N, C, H, W] and [N, H_out, W_out, 2] (edgec samples 2-D inputs)");
  std::string mode = c.attrString("mode", "bilinear"), pad = c.attrString("padding_mode", "zeros");
  if (mode == "linear") mode = "bilinear"; // GridSample-20's names
  if (mode == "cubic") mode = "bicubic";
  std::optional<edge::SampleMode> sample = edge::symbolizeSampleMode(mode);
  if (!sample)
    return c.fail("mode '" + mode + "' is not bilinear, nearest or bicubic");
  std::optional<edge::SamplePadding> padding = edge::symbolizeSamplePadding(pad);
  if (!padding)
    return c.fail("padding_mode '" + pad + "' is not zeros, border or reflection");
  c.setOutput(c.b.create<edge::GridSampleOp>(
      c.loc, c.tensorType({xs[0], xs[1], gs[1], gs[2]}, c.b.getF32Type()), *x, *g,
      edge::SampleModeAttr::get(c.b.getContext(), *sample),
      edge::SamplePaddingAttr::get(c.b.getContext(), *padding),
      c.b.getBoolAttr(c.attrInt("align_corners", 0) != 0)));
  return success();
}

/// MaxUnpool: X scattered by its flat indices (MaxPool's Indices output)
/// into zeros of the default unpooled shape: a scatter_elements over the
/// flattened tensors, whose zero base the generated code fills instead of
/// storing. A larger output_shape zero-pads the end of each spatial
/// dimension (the indices still address the default shape, as in ONNX).
LogicalResult maxUnpool(NodeContext &c) {
  auto x = c.required(0, "X"), idx = c.required(1, "I");
  if (failed(x) || failed(idx) || failed(requireIndices(c, *idx)))
    return failure();
  Shape xs = NodeContext::shape(*x);
  if (NodeContext::shape(*idx) != xs)
    return c.fail("I of shape " + shapeToString(NodeContext::shape(*idx)) +
                  " must have X's shape " + shapeToString(xs));
  size_t spatial = xs.size() < 3 ? 0 : xs.size() - 2;
  auto kernel = c.attrInts("kernel_shape");
  if (!spatial || !kernel || kernel->size() != spatial)
    return c.fail("kernel_shape must give one size per spatial dimension of X " +
                  shapeToString(xs));
  Shape strides = c.attrInts("strides").value_or(Shape(spatial, 1));
  Shape pads = c.attrInts("pads").value_or(Shape(2 * spatial, 0));
  if (strides.size() != spatial || pads.size() != 2 * spatial)
    return c.fail("strides and pads must have " + std::to_string(spatial) + " and " +
                  std::to_string(2 * spatial) + " entries");
  Shape out = xs;
  for (size_t d = 0; d < spatial; ++d)
    out[2 + d] = (xs[2 + d] - 1) * strides[d] - (pads[d] + pads[spatial + d]) + (*kernel)[d];
  for (int64_t d : out)
    if (d < 1)
      return c.fail("output shape " + shapeToString(out) + " is empty");
  Shape padded = out;
  if (c.in(2)) {
    auto os = c.constantInts(2, "output_shape");
    if (failed(os))
      return failure();
    bool fits = os->size() == xs.size() && (*os)[0] == xs[0] && (*os)[1] == xs[1];
    for (size_t d = 2; fits && d < xs.size(); ++d)
      fits = (*os)[d] >= out[d];
    if (!fits)
      return c.fail("output_shape " + shapeToString(*os) + " must keep X's batch and channels "
                    "and be at least the unpooled shape " + shapeToString(out));
    padded = *os;
  }
  if (failed(c.checkConstantShape(out, "the unpooled output")))
    return failure();
  int64_t n = product(out), m = product(xs);
  if (failed(checkConstantIndices(c, 1, n, "index")))
    return failure();
  Value zeros = c.constant(Tensor::zeros(DType::F32, {n}));
  Value y = c.b.create<edge::ScatterElementsOp>(
      c.loc, c.tensorType({n}, c.b.getF32Type()), zeros, c.reshape(*idx, {m}),
      c.reshape(*x, {m}), c.b.getI64IntegerAttr(0),
      edge::ScatterReductionAttr::get(c.b.getContext(), edge::ScatterReduction::None));
  y = c.reshape(y, out);
  if (padded != out) {
    Shape pads(2 * out.size(), 0);
    for (size_t d = 0; d < out.size(); ++d)
      pads[out.size() + d] = padded[d] - out[d];
    y = c.b.create<edge::PadOp>(c.loc, c.tensorType(padded, c.b.getF32Type()), y,
                                c.b.getDenseI64ArrayAttr(pads),
                                edge::PadModeAttr::get(c.b.getContext(), edge::PadMode::Constant),
                                c.b.getF32FloatAttr(0));
  }
  c.setOutput(y);
  return success();
}

/// ReverseSequence: with compile-time lengths, a gather_elements along the
/// time axis whose index reverses the first len[b] steps of batch b.
LogicalResult reverseSequence(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x) || failed(c.required(1, "sequence_lens")))
    return failure();
  std::optional<Tensor> lens = c.constantInput(1);
  if (!lens)
    return c.fail("sequence_lens must be a compile-time constant (bind it with --bind)");
  Shape s = NodeContext::shape(*x);
  if (s.size() < 2)
    return c.fail("input of shape " + shapeToString(s) + " needs at least 2 dimensions");
  int64_t timeAxis = c.attrInt("time_axis", 0), batchAxis = c.attrInt("batch_axis", 1);
  if (!((timeAxis == 0 && batchAxis == 1) || (timeAxis == 1 && batchAxis == 0)))
    return c.fail("time_axis " + std::to_string(timeAxis) + " and batch_axis " +
                  std::to_string(batchAxis) + " must be 0 and 1 in some order");
  int64_t steps = s[timeAxis], batch = s[batchAxis];
  if (lens->shape != Shape{batch})
    return c.fail("sequence_lens of shape " + shapeToString(lens->shape) + " must be [" +
                  std::to_string(batch) + "]");
  for (int64_t v : lens->i)
    if (v < 0 || v > steps)
      return c.fail("sequence length " + std::to_string(v) + " is outside [0, " +
                    std::to_string(steps) + "]");
  if (failed(c.checkConstantShape(s, "the reversal index")))
    return failure();
  Tensor idx = Tensor::zeros(DType::I32, s);
  int64_t inner = product(Shape(s.begin() + 2, s.end()));
  for (int64_t a = 0; a < s[0]; ++a)
    for (int64_t b = 0; b < s[1]; ++b) {
      int64_t t = timeAxis == 0 ? a : b, n = lens->i[timeAxis == 0 ? b : a];
      for (int64_t e = 0; e < inner; ++e)
        idx.i[(a * s[1] + b) * inner + e] = t < n ? n - 1 - t : t;
    }
  c.setOutput(c.b.create<edge::GatherElementsOp>(c.loc, x->getType(), *x, c.constant(idx),
                                                 timeAxis));
  return success();
}

/// NonZero of a compile-time tensor: the [rank, count] coordinates of its
/// non-zero elements in row-major order, a constant.
LogicalResult nonZero(NodeContext &c) {
  if (failed(c.required(0, "X")))
    return failure();
  std::optional<Tensor> x = c.constantInput(0);
  if (!x)
    return c.fail("X must be a compile-time constant: the output's shape depends on its values "
                  "(bind it with --bind)");
  int64_t rank = x->shape.size(), n = x->numElements();
  std::vector<int64_t> hits;
  for (int64_t k = 0; k < n; ++k)
    if (x->at(k) != 0)
      hits.push_back(k);
  int64_t count = hits.size(), rows = std::max<int64_t>(rank, 1);
  Tensor r = Tensor::zeros(DType::I64, {rank == 0 ? 1 : rank, count});
  for (int64_t h = 0; h < count; ++h) {
    int64_t k = hits[h];
    for (int64_t d = rows - 1; d >= 0; --d) {
      int64_t len = rank ? x->shape[d] : 1;
      r.i[d * count + h] = k % len;
      k /= len;
    }
  }
  c.setOutput(c.constant(r));
  return success();
}

/// Unique of a compile-time tensor (flattened, or slices along `axis`):
/// the four outputs Y, indices, inverse_indices and counts as constants, Y
/// sorted ascending (lexicographically for slices) or in first-seen order.
LogicalResult unique(NodeContext &c) {
  if (failed(c.required(0, "X")))
    return failure();
  std::optional<Tensor> x = c.constantInput(0);
  if (!x)
    return c.fail("X must be a compile-time constant: the output's shape depends on its values "
                  "(bind it with --bind)");
  Shape s = x->shape;
  int64_t axis = -1;
  if (c.attr("axis")) {
    auto a = c.axis(c.attrInt("axis", 0), s.size(), "axis");
    if (failed(a))
      return failure();
    axis = *a;
  }
  // [outer, len, inner]: slice j of the axis is x[o, j, i] over o and i.
  int64_t outer = 1, len = x->numElements(), inner = 1;
  if (axis >= 0) {
    outer = product(Shape(s.begin(), s.begin() + axis));
    len = s[axis];
    inner = product(Shape(s.begin() + axis + 1, s.end()));
  }
  auto value = [&](int64_t j, int64_t o, int64_t i) { return x->at((o * len + j) * inner + i); };
  // A strict weak order even with NaN, which sorts last and equals NaN.
  auto lt = [](double a, double b) {
    bool na = std::isnan(a), nb = std::isnan(b);
    return na || nb ? !na && nb : a < b;
  };
  auto less = [&](int64_t p, int64_t q) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        double a = value(p, o, i), b = value(q, o, i);
        if (lt(a, b) || lt(b, a))
          return lt(a, b);
      }
    return false;
  };
  // Stable sort of the slices: equal ones form runs, each run's first entry
  // is the slice's first occurrence. O(len log len) comparisons.
  std::vector<int64_t> sortedIdx(len);
  for (int64_t j = 0; j < len; ++j)
    sortedIdx[j] = j;
  std::stable_sort(sortedIdx.begin(), sortedIdx.end(), less);
  std::vector<int64_t> firsts;     // first occurrence of every distinct slice, ascending order
  std::vector<int64_t> inverse(len); // slice j -> its distinct slice in `firsts`
  for (int64_t q = 0; q < len; ++q) {
    int64_t j = sortedIdx[q];
    if (q == 0 || less(sortedIdx[q - 1], j))
      firsts.push_back(j);
    inverse[j] = firsts.size() - 1;
  }
  // Output order: ascending, or (sorted = 0) by first occurrence.
  std::vector<int64_t> order(firsts.size());
  for (size_t u = 0; u < order.size(); ++u)
    order[u] = u;
  if (!c.attrInt("sorted", 1))
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return firsts[a] < firsts[b]; });
  std::vector<int64_t> rank(order.size());
  for (size_t r = 0; r < order.size(); ++r)
    rank[order[r]] = r;
  int64_t m = order.size();
  Shape ys = axis >= 0 ? s : Shape{m};
  if (axis >= 0)
    ys[axis] = m;
  Tensor y = Tensor::zeros(x->dtype, ys), first = Tensor::zeros(DType::I64, {m}),
         inv = Tensor::zeros(DType::I64, {len}), counts = Tensor::zeros(DType::I64, {m});
  for (int64_t r = 0; r < m; ++r) {
    int64_t j = firsts[order[r]];
    first.i[r] = j;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t src = (o * len + j) * inner + i, dst = (o * m + r) * inner + i;
        if (y.isFloat()) y.f[dst] = x->f[src];
        else y.i[dst] = x->i[src];
      }
  }
  for (int64_t j = 0; j < len; ++j) {
    inv.i[j] = rank[inverse[j]];
    ++counts.i[rank[inverse[j]]];
  }
  c.outputs = {c.constant(y), c.constant(first), c.constant(inv), c.constant(counts)};
  return success();
}

//===----------------------------------------------------------------------===//
// Constants from constant inputs
//===----------------------------------------------------------------------===//

LogicalResult range(NodeContext &c) {
  std::optional<Tensor> t[3];
  const char *names[3] = {"start", "limit", "delta"};
  for (int k = 0; k < 3; ++k) {
    t[k] = c.constantInput(k);
    if (!t[k] || t[k]->numElements() != 1)
      return c.fail(std::string(names[k]) +
                    " must be a compile-time scalar (the output's length depends on it; bind "
                    "it with --bind)");
  }
  double start = t[0]->at(0), limit = t[1]->at(0), delta = t[2]->at(0);
  if (delta == 0)
    return c.fail("delta is 0");
  double n = std::max(std::ceil((limit - start) / delta), 0.0);
  if (!std::isfinite(n) || n > (double)kMaxConstantElements)
    return c.fail("the range would have " + (std::isfinite(n) ? std::to_string((int64_t)n) : "infinitely many") +
                  " elements; edgec creates constants of up to 2^24 elements");
  Tensor r = Tensor::zeros(t[0]->dtype, {(int64_t)n});
  for (int64_t k = 0; k < (int64_t)n; ++k) {
    if (r.isFloat())
      r.f[k] = (float)(t[0]->f[0] + k * t[2]->f[0]);
    else
      r.i[k] = t[0]->i[0] + k * t[2]->i[0];
  }
  c.setOutput(c.constant(r));
  return success();
}

LogicalResult eyeLike(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (s.size() != 2)
    return c.fail("input must be 2-D, got " + shapeToString(s));
  DType t = dtypeOf(NodeContext::elementType(*x));
  if (const auto *a = c.attr("dtype")) {
    std::optional<DType> d = dtypeFromOnnx((int32_t)a->i());
    if (!d)
      return c.fail("dtype " + std::to_string(a->i()) + " is not supported");
    t = *d;
  }
  int64_t k = c.attrInt("k", 0);
  if (failed(c.checkConstantShape(s, "the output")))
    return failure();
  Tensor r = Tensor::zeros(t, s);
  for (int64_t i = 0; i < s[0]; ++i) {
    int64_t j = i + k;
    if (j < 0 || j >= s[1])
      continue;
    if (r.isFloat()) r.f[i * s[1] + j] = 1;
    else r.i[i * s[1] + j] = 1;
  }
  c.setOutput(c.constant(r));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult split(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  auto axis = c.axis(c.attrInt("axis", 0), s.size(), "axis");
  if (failed(axis))
    return failure();
  int64_t n = c.node.output_size(), len = s[*axis];
  Shape sizes;
  if (c.opset >= 13 && c.in(1)) {
    auto v = c.constantInts(1, "split");
    if (failed(v))
      return failure();
    sizes = *v;
  } else if (auto v = c.attrInts("split")) {
    sizes = *v;
  } else {
    if (c.opset >= 18) {
      if (const auto *a = c.attr("num_outputs"))
        n = a->i();
      if (n < 1)
        return c.fail("num_outputs must be positive");
    }
    // Equal parts; from opset 18 the last one may be smaller.
    int64_t part = (len + n - 1) / n;
    if (c.opset < 18 && len % n)
      return c.fail("axis of size " + std::to_string(len) + " does not split into " +
                    std::to_string(n) + " equal parts");
    for (int64_t k = 0; k < n; ++k)
      sizes.push_back(std::max<int64_t>(std::min(part, len - k * part), 0));
  }
  int64_t total = 0;
  for (int64_t v : sizes) {
    if (v < 0)
      return c.fail("split sizes must not be negative, got " + shapeToString(sizes));
    total += v;
  }
  if (total != len)
    return c.fail("split sizes " + shapeToString(sizes) + " do not add up to the axis size " +
                  std::to_string(len));
  if ((int64_t)sizes.size() != c.node.output_size())
    return c.fail(std::to_string(sizes.size()) + " split sizes for " +
                  std::to_string(c.node.output_size()) + " outputs");
  int64_t start = 0;
  c.outputs.clear();
  for (int64_t v : sizes) {
    c.outputs.push_back(v == len ? *x : buildSlice(c, *x, *axis, start, v));
    start += v;
  }
  return success();
}

LogicalResult tile(NodeContext &c) {
  auto x = c.required(0, "input");
  auto reps = c.constantInts(1, "repeats");
  if (failed(x) || failed(reps))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (reps->size() != s.size())
    return c.fail("repeats " + shapeToString(*reps) + " must have one entry per dimension of " +
                  shapeToString(s));
  Shape out = s;
  for (size_t k = 0; k < s.size(); ++k) {
    if ((*reps)[k] < 0)
      return c.fail("repeats must not be negative, got " + shapeToString(*reps));
    out[k] *= (*reps)[k];
  }
  if (checkedElementCount(out) < 0)
    return c.fail("the result " + shapeToString(out) + " is too large");
  Value v = *x;
  for (size_t k = 0; k < s.size(); ++k) {
    if ((*reps)[k] == 0)
      return c.fail("a repeat of 0 gives an empty tensor, which edgec does not compile");
    v = buildRepeat(c, v, k, (*reps)[k]);
  }
  c.setOutput(v);
  return success();
}

LogicalResult expand(NodeContext &c) {
  auto x = c.required(0, "input");
  auto shape = c.constantInts(1, "shape");
  if (failed(x) || failed(shape))
    return failure();
  auto out = broadcastShapes(NodeContext::shape(*x), *shape);
  if (succeeded(out) && checkedElementCount(Shape(out->begin(), out->end())) < 0)
    return c.fail("the result is too large");
  Value v = buildExpand(c, *x, *shape);
  if (!v)
    return failure();
  c.setOutput(v);
  return success();
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth: reshape, transpose, reshape.
LogicalResult depthToSpace(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t b = c.attrInt("blocksize", 0);
  if (s.size() != 4)
    return c.fail("input must be 4-D (NCHW), got " + shapeToString(s));
  if (b < 1 || s[1] % (b * b))
    return c.fail("channels (" + std::to_string(s[1]) + ") must be a multiple of blocksize^2 (" +
                  std::to_string(b) + "^2)");
  int64_t n = s[0], ch = s[1] / (b * b), h = s[2], w = s[3];
  std::string mode = c.attrString("mode", "DCR");
  Value v;
  if (mode == "DCR") {
    v = c.reshape(*x, {n, b, b, ch, h, w});
    v = buildTranspose(c, v, {0, 3, 4, 1, 5, 2});
  } else if (mode == "CRD") {
    v = c.reshape(*x, {n, ch, b, b, h, w});
    v = buildTranspose(c, v, {0, 1, 4, 2, 5, 3});
  } else {
    return c.fail("mode '" + mode + "' is not DCR or CRD");
  }
  c.setOutput(c.reshape(v, {n, ch, h * b, w * b}));
  return success();
}

LogicalResult spaceToDepth(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t b = c.attrInt("blocksize", 0);
  if (s.size() != 4)
    return c.fail("input must be 4-D (NCHW), got " + shapeToString(s));
  if (b < 1 || s[2] % b || s[3] % b)
    return c.fail("height and width of " + shapeToString(s) + " must be multiples of blocksize " +
                  std::to_string(b));
  int64_t n = s[0], ch = s[1], h = s[2] / b, w = s[3] / b;
  Value v = c.reshape(*x, {n, ch, h, b, w, b});
  v = buildTranspose(c, v, {0, 3, 5, 1, 2, 4});
  c.setOutput(c.reshape(v, {n, ch * b * b, h, w}));
  return success();
}

/// OneHot: equal(indices, iota) (or with iota - depth, for negative
/// indices) selects on_value, else off_value.
LogicalResult oneHot(NodeContext &c) {
  auto idx = c.required(0, "indices");
  if (failed(idx))
    return failure();
  std::optional<Tensor> depthT = c.constantInput(1), valuesT = c.constantInput(2);
  if (!depthT || depthT->numElements() != 1)
    return c.fail("depth must be a compile-time scalar");
  if (!valuesT || valuesT->numElements() != 2)
    return c.fail("values must be a compile-time [off_value, on_value] pair");
  int64_t depth = (int64_t)depthT->at(0);
  if (depth < 1)
    return c.fail("depth must be positive, got " + std::to_string(depth));
  Shape s = NodeContext::shape(*idx);
  auto axis = c.axis(c.attrInt("axis", -1), s.size() + 1, "axis");
  if (failed(axis))
    return failure();
  if (NodeContext::elementType(*idx).isInteger(1) || quantizedElement(idx->getType()))
    return c.fail("indices must be numbers");
  Shape unsq = s, iotaShape(s.size() + 1, 1);
  unsq.insert(unsq.begin() + *axis, 1);
  iotaShape[*axis] = depth;
  DType it = dtypeOf(NodeContext::elementType(*idx));
  if (failed(c.checkConstantShape(iotaShape, "the one-hot table")))
    return failure();
  Tensor iota = Tensor::zeros(it, iotaShape), iotaNeg = Tensor::zeros(it, iotaShape);
  for (int64_t k = 0; k < depth; ++k) {
    if (iota.isFloat()) {
      iota.f[k] = (float)k;
      iotaNeg.f[k] = (float)(k - depth);
    } else {
      iota.i[k] = k;
      iotaNeg.i[k] = k - depth;
    }
  }
  Value u = c.reshape(*idx, unsq);
  Value hit = buildPredicate<edge::EqualOp>(c, u, c.constant(iota));
  Value hitNeg = buildPredicate<edge::EqualOp>(c, u, c.constant(iotaNeg));
  if (!hit || !hitNeg)
    return failure();
  Value any = buildPredicate<edge::OrOp>(c, hit, hitNeg);
  Tensor off = Tensor::zeros(valuesT->dtype, {}), on = Tensor::zeros(valuesT->dtype, {});
  if (off.isFloat()) {
    off.f[0] = valuesT->f[0];
    on.f[0] = valuesT->f[1];
  } else {
    off.i[0] = valuesT->i[0];
    on.i[0] = valuesT->i[1];
  }
  Value r = buildWhere(c, any, c.constant(on), c.constant(off));
  if (!r)
    return failure();
  c.setOutput(r);
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise compositions
//===----------------------------------------------------------------------===//

/// Sum and Mean: a left fold of broadcasting adds (Mean then scales by 1/n).
template <bool Mean> LogicalResult sumOrMean(NodeContext &c) {
  std::vector<Value> ins;
  for (size_t i = 0; i < c.numInputs(); ++i)
    if (c.in(i))
      ins.push_back(c.in(i));
  if (ins.empty())
    return c.fail("needs at least one input");
  Value acc = ins[0];
  for (size_t i = 1; i < ins.size(); ++i) {
    if (NodeContext::elementType(ins[i]) != NodeContext::elementType(acc))
      return c.fail("input element types differ");
    acc = buildBinary<edge::AddOp>(c, acc, ins[i]);
    if (!acc)
      return failure();
  }
  if (Mean && ins.size() > 1) {
    if (failed(requireFloatInput(c, acc, "inputs")))
      return failure();
    acc = buildBinary<edge::MulOp>(c, acc, scalarLike(c, acc, 1.0 / ins.size()));
  }
  c.setOutput(acc);
  return success();
}

LogicalResult isNaN(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  Value eq = buildPredicate<edge::EqualOp>(c, *x, *x);
  c.setOutput(c.b.create<edge::NotOp>(c.loc, eq.getType(), eq));
  return success();
}

LogicalResult isInf(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  bool pos = c.attrInt("detect_positive", 1) != 0, neg = c.attrInt("detect_negative", 1) != 0;
  double inf = std::numeric_limits<double>::infinity();
  Value p = buildPredicate<edge::EqualOp>(c, *x, scalarLike(c, *x, inf));
  Value n = buildPredicate<edge::EqualOp>(c, *x, scalarLike(c, *x, -inf));
  Value r;
  if (pos && neg)
    r = buildPredicate<edge::OrOp>(c, p, n);
  else if (pos)
    r = p;
  else if (neg)
    r = n;
  else // neither: all false
    r = buildPredicate<edge::AndOp>(c, p, n);
  c.setOutput(r);
  return success();
}

LogicalResult pRelu(NodeContext &c) {
  auto x = c.required(0, "X"), slope = c.required(1, "slope");
  if (failed(x) || failed(slope) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  Value neg = buildPredicate<edge::LessOp>(c, *x, scalarLike(c, *x, 0));
  Value scaled = buildBinary<edge::MulOp>(c, *x, *slope);
  if (!neg || !scaled)
    return failure();
  Value r = buildWhere(c, neg, scaled, *x);
  if (!r)
    return failure();
  if (NodeContext::shape(r) != NodeContext::shape(*x))
    return c.fail("slope " + shapeToString(NodeContext::shape(*slope)) +
                  " does not broadcast to X " + shapeToString(NodeContext::shape(*x)));
  c.setOutput(r);
  return success();
}

LogicalResult shrink(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x) || failed(requireFloatInput(c, *x, "input")))
    return failure();
  double lambd = c.attrFloat("lambd", 0.5f), bias = c.attrFloat("bias", 0.0f);
  Value below = buildPredicate<edge::LessOp>(c, *x, scalarLike(c, *x, -lambd));
  Value above = buildPredicate<edge::GreaterOp>(c, *x, scalarLike(c, *x, lambd));
  Value plus = buildBinary<edge::AddOp>(c, *x, scalarLike(c, *x, bias));
  Value minus = buildBinary<edge::SubOp>(c, *x, scalarLike(c, *x, bias));
  Value inner = buildWhere(c, above, minus, scalarLike(c, *x, 0));
  c.setOutput(buildWhere(c, below, plus, inner));
  return success();
}

/// (x - mean) / sqrt(var + eps) over `axes` (kept), the building block of
/// InstanceNormalization.
Value normalizeOver(NodeContext &c, Value x, const Shape &axes, double eps) {
  Value mean = buildReduce<edge::ReduceMeanOp>(c, x, axes, true);
  Value d = buildBinary<edge::SubOp>(c, x, mean);
  Value var = buildReduce<edge::ReduceMeanOp>(c, buildBinary<edge::MulOp>(c, d, d), axes, true);
  Value den = c.b.create<edge::SqrtOp>(
      c.loc, var.getType(), buildBinary<edge::AddOp>(c, var, scalarLike(c, var, eps)));
  return buildBinary<edge::DivOp>(c, d, den);
}

LogicalResult instanceNorm(NodeContext &c) {
  auto x = c.required(0, "input"), scale = c.required(1, "scale"), bias = c.required(2, "B");
  if (failed(x) || failed(scale) || failed(bias) || failed(requireFloatInput(c, *x, "input")))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (s.size() < 3)
    return c.fail("input must have rank 3 or more (N, C, spatial...), got " + shapeToString(s));
  Shape cs(s.size() - 1, 1);
  cs[0] = s[1];
  if (NodeContext::shape(*scale) != Shape{s[1]} || NodeContext::shape(*bias) != Shape{s[1]})
    return c.fail("scale and B must have shape [" + std::to_string(s[1]) + "]");
  Shape axes;
  for (size_t k = 2; k < s.size(); ++k)
    axes.push_back(k);
  Value y = normalizeOver(c, *x, axes, c.attrFloat("epsilon", 1e-5f));
  y = buildBinary<edge::MulOp>(c, y, c.reshape(*scale, cs));
  c.setOutput(buildBinary<edge::AddOp>(c, y, c.reshape(*bias, cs)));
  return success();
}

/// LRN: x / (bias + alpha / size * (sum of squares over a channel window))^beta.
LogicalResult lrn(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  Shape s = NodeContext::shape(*x);
  int64_t size = c.attrInt("size", 0);
  if (s.size() < 3)
    return c.fail("input must have rank 3 or more, got " + shapeToString(s));
  if (size < 1)
    return c.fail("size must be positive, got " + std::to_string(size));
  double alpha = c.attrFloat("alpha", 1e-4f), beta = c.attrFloat("beta", 0.75f),
         bias = c.attrFloat("bias", 1.0f);
  int64_t before = (size - 1) / 2, after = size - 1 - before, ch = s[1];
  Value sq = buildBinary<edge::MulOp>(c, *x, *x);
  std::vector<Value> parts;
  Shape edge = s;
  edge[1] = std::max(before, after);
  if (failed(c.checkConstantShape(edge, "the zero channels")))
    return failure();
  auto zeros = [&](int64_t n) {
    Shape z = s;
    z[1] = n;
    return c.constant(Tensor::zeros(DType::F32, z));
  };
  if (before) parts.push_back(zeros(before));
  parts.push_back(sq);
  if (after) parts.push_back(zeros(after));
  Value padded = buildConcat(c, parts, 1);
  Value sum;
  for (int64_t k = 0; k < size; ++k) {
    Value part = buildSlice(c, padded, 1, k, ch);
    sum = sum ? buildBinary<edge::AddOp>(c, sum, part) : part;
  }
  Value den = buildBinary<edge::MulOp>(c, sum, scalarLike(c, sum, alpha / size));
  den = buildBinary<edge::AddOp>(c, den, scalarLike(c, den, bias));
  den = buildBinary<edge::PowOp>(c, den, scalarLike(c, den, beta));
  c.setOutput(buildBinary<edge::DivOp>(c, *x, den));
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// Einsum of one or two operands without ellipses or repeated letters in
/// one operand: letters only one operand has and the output lacks are summed
/// first; then batch letters (both operands and the output), contracted
/// letters (both, not the output) and free letters form one batched MatMul.
/// The diagonal of `v` over the axes of a letter `term` repeats: the two
/// positions move last, merge, and a constant-index Gather keeps their
/// equal-index entries; repeated until every letter appears once.
Value takeDiagonals(NodeContext &c, Value v, std::string &term) {
  for (bool again = true; again && v;) {
    again = false;
    for (size_t p = 0; p < term.size() && !again; ++p) {
      size_t q = term.find(term[p], p + 1);
      if (q == std::string::npos)
        continue;
      Shape s = NodeContext::shape(v), perm, rest;
      std::string letters;
      for (size_t k = 0; k < term.size(); ++k)
        if (k != p && k != q) {
          perm.push_back(k);
          rest.push_back(s[k]);
          letters += term[k];
        }
      perm.push_back(p);
      perm.push_back(q);
      int64_t n = s[p];
      Shape merged = rest;
      merged.push_back(n * n);
      Value flat = c.reshape(buildTranspose(c, v, perm), merged);
      Tensor idx = Tensor::zeros(DType::I64, {n});
      for (int64_t k = 0; k < n; ++k)
        idx.i[k] = k * (n + 1);
      Shape out = rest;
      out.push_back(n);
      v = c.b.create<edge::GatherOp>(c.loc, c.tensorType(out, NodeContext::elementType(v)), flat,
                                     c.constant(idx), (int64_t)rest.size());
      term = letters + term[p];
      again = true;
    }
  }
  return v;
}

LogicalResult einsum(NodeContext &c) {
  std::string eq = c.attrString("equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t p = 0;;) {
    size_t q = lhs.find(',', p);
    terms.push_back(lhs.substr(p, q == std::string::npos ? q : q - p));
    if (q == std::string::npos)
      break;
    p = q + 1;
  }
  if (terms.size() != c.numInputs() || terms.size() > 2)
    return c.fail("equation '" + eq + "' has " + std::to_string(terms.size()) +
                  " operand(s); edgec supports one or two, matching the inputs");
  for (char ch : eq)
    if (!std::isalpha((unsigned char)ch) && ch != ',' && ch != '.' && ch != '-' && ch != '>')
      return c.fail("equation '" + eq + "' has the character '" + std::string(1, ch) + "'");
  std::vector<Value> ops;
  for (size_t i = 0; i < terms.size(); ++i) {
    auto v = c.required(i, "operand");
    if (failed(v) || failed(requireFloatInput(c, *v, "operands")))
      return failure();
    ops.push_back(*v);
  }
  // Ellipses become fresh letters, right-aligned over each operand's leading
  // dimensions (they broadcast like numpy's).
  std::string fresh;
  for (char ch = 'A'; ch <= 'Z'; ++ch)
    if (eq.find(ch) == std::string::npos) fresh += ch;
  std::vector<int64_t> ellipsisRank(terms.size(), 0);
  int64_t maxEllipsis = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    size_t e = terms[i].find("...");
    int64_t letters = (int64_t)terms[i].size() - (e == std::string::npos ? 0 : 3);
    int64_t rank = NodeContext::shape(ops[i]).size();
    if (e == std::string::npos ? letters != rank : letters > rank)
      return c.fail("term '" + terms[i] + "' does not match operand " + std::to_string(i) +
                    " of shape " + shapeToString(NodeContext::shape(ops[i])));
    if (e != std::string::npos)
      ellipsisRank[i] = rank - letters;
    maxEllipsis = std::max(maxEllipsis, ellipsisRank[i]);
  }
  if (maxEllipsis > (int64_t)fresh.size())
    return c.fail("equation '" + eq + "': the ellipsis covers more dimensions than letters remain");
  std::string ellipsis = fresh.substr(0, maxEllipsis);
  for (size_t i = 0; i < terms.size(); ++i)
    if (size_t e = terms[i].find("..."); e != std::string::npos)
      terms[i].replace(e, 3, ellipsis.substr(maxEllipsis - ellipsisRank[i]));
  std::map<char, int> count;
  for (const auto &t : terms)
    for (char ch : t)
      count[ch]++;
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
    if (size_t e = out.find("..."); e != std::string::npos)
      out.replace(e, 3, ellipsis);
  } else { // implicit: the ellipsis, then the letters seen once, in order
    out = ellipsis;
    for (auto [ch, n] : count)
      if (n == 1 && ellipsis.find(ch) == std::string::npos)
        out += ch;
  }
  bool stray = out.find('.') != std::string::npos;
  for (const std::string &t : terms)
    stray |= t.find('.') != std::string::npos;
  if (stray)
    return c.fail("equation '" + eq + "' has a malformed ellipsis");
  // Repeated letters within a term take that operand's diagonal.
  for (size_t i = 0; i < ops.size(); ++i) {
    for (size_t k = 0; k < terms[i].size(); ++k)
      for (size_t j = k + 1; j < terms[i].size(); ++j)
        if (terms[i][j] == terms[i][k] &&
            NodeContext::shape(ops[i])[j] != NodeContext::shape(ops[i])[k])
          return c.fail("term '" + terms[i] + "' repeats '" + std::string(1, terms[i][k]) +
                        "' over dimensions of different sizes");
    ops[i] = takeDiagonals(c, ops[i], terms[i]);
    if (!ops[i])
      return failure();
  }
  // Letter sizes agree across operands; ellipsis letters broadcast a 1.
  std::map<char, int64_t> dim;
  for (size_t i = 0; i < ops.size(); ++i) {
    Shape s = NodeContext::shape(ops[i]);
    for (size_t k = 0; k < terms[i].size(); ++k) {
      char ch = terms[i][k];
      bool broadcasts = ellipsis.find(ch) != std::string::npos;
      if (dim.count(ch) && dim[ch] != s[k] && !(broadcasts && (dim[ch] == 1 || s[k] == 1)))
        return c.fail("subscript '" + std::string(1, ch) + "' has sizes " +
                      std::to_string(dim[ch]) + " and " + std::to_string(s[k]));
      dim[ch] = std::max(dim.count(ch) ? dim[ch] : 0, s[k]);
    }
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    Shape s = NodeContext::shape(ops[i]), want;
    for (char ch : terms[i])
      want.push_back(dim[ch]);
    if (s != want)
      ops[i] = buildExpand(c, ops[i], want);
  }
  for (char ch : out)
    if (!dim.count(ch) || std::count(out.begin(), out.end(), ch) > 1)
      return c.fail("output subscript '" + std::string(1, ch) + "' is unknown or repeated");
  auto has = [](const std::string &s, char ch) { return s.find(ch) != std::string::npos; };
  // Sum letters that appear in one operand only and not in the output.
  for (size_t i = 0; i < ops.size(); ++i) {
    Shape axes;
    std::string kept;
    for (size_t k = 0; k < terms[i].size(); ++k) {
      char ch = terms[i][k];
      bool elsewhere = has(out, ch) || (ops.size() == 2 && has(terms[1 - i], ch));
      if (!elsewhere) axes.push_back(k);
      else kept += ch;
    }
    if (!axes.empty()) {
      ops[i] = buildReduce<edge::ReduceSumOp>(c, ops[i], axes, false);
      terms[i] = kept;
    }
  }
  auto permuteTo = [&](Value v, const std::string &from, const std::string &to) {
    Shape perm;
    for (char ch : to)
      perm.push_back(from.find(ch));
    return buildTranspose(c, v, perm);
  };
  if (ops.size() == 1) {
    c.setOutput(permuteTo(ops[0], terms[0], out));
    return success();
  }
  std::string batch, contr, freeA, freeB;
  for (char ch : terms[0]) {
    if (has(terms[1], ch)) (has(out, ch) ? batch : contr) += ch;
    else freeA += ch;
  }
  for (char ch : terms[1])
    if (!has(terms[0], ch))
      freeB += ch;
  auto size = [&](const std::string &letters) {
    int64_t n = 1;
    for (char ch : letters) n *= dim[ch];
    return n;
  };
  int64_t nb = size(batch), nfa = size(freeA), nfb = size(freeB), nk = size(contr);
  Value a = c.reshape(permuteTo(ops[0], terms[0], batch + freeA + contr), {nb, nfa, nk});
  Value b = c.reshape(permuteTo(ops[1], terms[1], batch + contr + freeB), {nb, nk, nfb});
  Value m = c.b.create<edge::MatMulOp>(c.loc, c.tensorType({nb, nfa, nfb}, c.b.getF32Type()), a,
                                       b, FloatAttr(), FloatAttr());
  std::string order = batch + freeA + freeB;
  Shape full;
  for (char ch : order)
    full.push_back(dim[ch]);
  c.setOutput(permuteTo(c.reshape(m, full), order, out));
  return success();
}


//===----------------------------------------------------------------------===//
// Resize / Upsample: one edge.resample per resized axis
//===----------------------------------------------------------------------===//

struct ResizeMode {
  std::string mode = "nearest";       ///< nearest, linear, cubic
  std::string coord = "half_pixel";   ///< coordinate_transformation_mode
  std::string nearest = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  float extrapolation = 0;
};

/// The taps of one axis, as the ONNX reference computes them: the source
/// coordinate of every output position, the 1, 2 or 4 neighbours (edge
/// padded) and their coefficients. Returns false if the coordinate mode is
/// unknown.
bool resizeTaps(const ResizeMode &m, int64_t len, int64_t outLen, double scale, double roiStart,
                double roiEnd, int64_t &taps, std::vector<int64_t> &indices,
                std::vector<float> &weights) {
  taps = m.mode == "cubic" ? 4 : m.mode == "linear" ? 2 : 1;
  double outW = scale * len;
  for (int64_t o = 0; o < outLen; ++o) {
    double x;
    if (m.coord == "align_corners") {
      x = outW == 1 ? 0 : o * (len - 1) / (outW - 1);
    } else if (m.coord == "asymmetric") {
      x = o / scale;
    } else if (m.coord == "tf_crop_and_resize") {
      x = outW == 1 ? (roiEnd - roiStart) * (len - 1) / 2
                    : o * (roiEnd - roiStart) * (len - 1) / (outW - 1);
      x += roiStart * (len - 1);
      if (x < 0 || x > len - 1) {
        for (int64_t t = 0; t < taps; ++t) {
          indices.push_back(t ? -1 : -2);
          weights.push_back(0);
        }
        continue;
      }
    } else if (m.coord == "pytorch_half_pixel") {
      x = outW == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
    } else if (m.coord == "half_pixel") {
      x = (o + 0.5) / scale - 0.5;
    } else if (m.coord == "tf_half_pixel_for_nn") {
      x = (o + 0.5) / scale;
    } else if (m.coord == "half_pixel_symmetric") {
      double adjustment = outLen / outW, center = len / 2.0;
      x = center * (1 - adjustment) + (o + 0.5) / scale - 0.5;
    } else {
      return false;
    }
    double fl = std::floor(x);
    bool integral = x == fl;
    double ratio = integral ? 1 : x - fl;
    int64_t base = integral ? (int64_t)fl - 1 : (int64_t)fl; // the lower of two neighbours
    std::vector<double> coeffs;
    std::vector<int64_t> idx;
    if (m.mode == "nearest") {
      bool upper;
      if (integral) upper = true;
      else if (m.nearest == "round_prefer_ceil") upper = ratio >= 0.5;
      else if (m.nearest == "floor") upper = false;
      else if (m.nearest == "ceil") upper = true;
      else upper = ratio > 0.5;
      idx = {base + (upper ? 1 : 0)};
      coeffs = {1};
    } else if (m.mode == "linear") {
      idx = {base, base + 1};
      coeffs = {1 - ratio, ratio};
    } else {
      double A = m.cubicA, r = ratio, s = 1 - ratio;
      idx = {base - 1, base, base + 1, base + 2};
      coeffs = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
                ((A + 2) * r - (A + 3)) * r * r + 1, ((A + 2) * s - (A + 3)) * s * s + 1,
                ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A};
    }
    if (m.excludeOutside && m.mode != "nearest") {
      double sum = 0;
      for (size_t t = 0; t < idx.size(); ++t) {
        if (idx[t] < 0 || idx[t] >= len) coeffs[t] = 0;
        sum += coeffs[t];
      }
      for (double &cf : coeffs)
        cf = sum != 0 ? cf / sum : 0;
    }
    for (size_t t = 0; t < idx.size(); ++t) {
      indices.push_back(std::clamp<int64_t>(idx[t], 0, len - 1));
      weights.push_back((float)coeffs[t]);
    }
  }
  return true;
}

/// Resizes `x` to `outShape` axis by axis (last axis first, as the ONNX
/// reference nests its interpolation).
LogicalResult buildResize(NodeContext &c, Value x, const Shape &outShape,
                          const std::vector<double> &scales, const std::vector<double> &roi,
                          const ResizeMode &m) {
  Shape s = NodeContext::shape(x);
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return c.fail("mode '" + m.mode + "' is not nearest, linear or cubic");
  if (checkedElementCount(outShape) < 0)
    return c.fail("the result " + shapeToString(outShape) + " is too large");
  Value v = x;
  for (int64_t a = (int64_t)s.size() - 1; a >= 0; --a) {
    if (outShape[a] < 1)
      return c.fail("output dimension " + std::to_string(a) + " is " +
                    std::to_string(outShape[a]) + "; edgec needs a non-empty result");
    if (failed(c.checkConstantShape({outShape[a], 4}, "the interpolation table")))
      return failure();
    int64_t taps;
    std::vector<int64_t> indices;
    std::vector<float> weights;
    double r0 = roi.empty() ? 0 : roi[a], r1 = roi.empty() ? 1 : roi[s.size() + a];
    if (!resizeTaps(m, s[a], outShape[a], scales[a], r0, r1, taps, indices, weights))
      return c.fail("coordinate_transformation_mode '" + m.coord + "' is not supported");
    // An axis every output of which copies its own input is left alone.
    bool identity = outShape[a] == s[a];
    for (int64_t o = 0; identity && o < outShape[a]; ++o)
      for (int64_t t = 0; t < taps; ++t) {
        float w = weights[o * taps + t];
        int64_t i = indices[o * taps + t];
        identity = identity && i != -2 && (w == 0 || (w == 1 && i == o));
      }
    if (identity)
      continue;
    Shape os = NodeContext::shape(v);
    os[a] = outShape[a];
    v = c.b.create<edge::ResampleOp>(
        c.loc, c.tensorType(os, c.b.getF32Type()), v, c.b.getI64IntegerAttr(a),
        c.b.getI64IntegerAttr(taps), c.b.getDenseI64ArrayAttr(indices),
        c.b.getDenseF32ArrayAttr(weights), c.b.getF32FloatAttr(m.extrapolation));
  }
  c.setOutput(v);
  return success();
}

LogicalResult resize(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  Shape s = NodeContext::shape(*x);
  size_t rank = s.size();
  ResizeMode m;
  m.mode = c.attrString("mode", "nearest");
  if (c.opset >= 11) {
    m.coord = c.attrString("coordinate_transformation_mode", "half_pixel");
    m.nearest = c.attrString("nearest_mode", "round_prefer_floor");
    m.cubicA = c.attrFloat("cubic_coeff_a", -0.75f);
    m.excludeOutside = c.attrInt("exclude_outside", 0) != 0;
    m.extrapolation = c.attrFloat("extrapolation_value", 0.0f);
  } else {
    m.coord = "asymmetric"; // Resize-10 and Upsample: asymmetric, nearest rounds down
    m.nearest = "floor";
  }
  if (c.attrInt("antialias", 0))
    return c.fail("antialias = 1 is not supported");
  std::string policy = c.attrString("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return c.fail("keep_aspect_ratio_policy '" + policy +
                  "' is not stretch, not_larger or not_smaller");
  Shape axes;
  if (auto a = c.attrInts("axes")) {
    for (int64_t v : *a) {
      auto n = c.axis(v, rank, "axes");
      if (failed(n))
        return failure();
      axes.push_back(*n);
    }
  } else {
    for (size_t k = 0; k < rank; ++k)
      axes.push_back(k);
  }
  size_t scalesInput = c.opset >= 11 ? 2 : 1, sizesInput = 3;
  std::vector<double> scales(rank, 1.0), roi;
  Shape out = s;
  bool haveSizes = c.opset >= 11 && c.in(sizesInput) &&
                   NodeContext::shape(c.in(sizesInput)) != Shape{0};
  bool haveScales = c.in(scalesInput) && NodeContext::shape(c.in(scalesInput)) != Shape{0};
  if (haveSizes == haveScales)
    return c.fail("exactly one of scales and sizes must be given");
  if (haveScales) {
    std::optional<Tensor> t = c.constantInput(scalesInput);
    if (!t || !t->isFloat())
      return c.fail("scales must be a compile-time float tensor (bind it with --bind)");
    if ((size_t)t->numElements() != axes.size())
      return c.fail("scales has " + std::to_string(t->numElements()) + " entries for " +
                    std::to_string(axes.size()) + " axes");
    for (size_t k = 0; k < axes.size(); ++k) {
      double sc = t->f[k];
      if (!(sc > 0) || !std::isfinite(sc))
        return c.fail("scale " + std::to_string(sc) + " must be positive");
      scales[axes[k]] = sc;
      out[axes[k]] = (int64_t)std::floor(s[axes[k]] * sc);
    }
  } else {
    std::optional<Tensor> t = c.constantInput(sizesInput);
    if (!t || t->isFloat())
      return c.fail("sizes must be a compile-time int64 tensor (bind it with --bind)");
    if ((size_t)t->numElements() != axes.size())
      return c.fail("sizes has " + std::to_string(t->numElements()) + " entries for " +
                    std::to_string(axes.size()) + " axes");
    for (size_t k = 0; k < axes.size(); ++k) {
      if (t->i[k] < 1)
        return c.fail("size " + std::to_string(t->i[k]) + " must be positive");
      out[axes[k]] = t->i[k];
      scales[axes[k]] = (double)t->i[k] / s[axes[k]];
    }
    if (policy != "stretch") {
      // Opset 18: one scale for every listed axis, the smallest (not_larger)
      // or largest (not_smaller) of sizes / input, and each size that scale
      // times the input, rounded half up.
      double one = scales[axes[0]];
      for (int64_t a : axes)
        one = policy == "not_larger" ? std::min(one, scales[a]) : std::max(one, scales[a]);
      for (int64_t a : axes) {
        scales[a] = one;
        out[a] = (int64_t)std::floor(one * s[a] + 0.5);
      }
    }
  }
  if (m.coord == "tf_crop_and_resize") {
    std::optional<Tensor> t = c.in(1) ? c.constantInput(1) : std::nullopt;
    if (!t || (size_t)t->numElements() != 2 * axes.size())
      return c.fail("tf_crop_and_resize needs a compile-time roi with 2 entries per axis");
    roi.assign(2 * rank, 0);
    for (size_t k = rank; k < 2 * rank; ++k)
      roi[k] = 1;
    for (size_t k = 0; k < axes.size(); ++k) {
      roi[axes[k]] = t->at(k);
      roi[rank + axes[k]] = t->at(axes.size() + k);
    }
  }
  return buildResize(c, *x, out, scales, roi, m);
}

LogicalResult upsample(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloatInput(c, *x, "X")))
    return failure();
  Shape s = NodeContext::shape(*x), out = s;
  std::vector<float> sc;
  if (c.opset < 9) {
    auto a = c.attrFloats("scales");
    if (!a)
      return c.fail("needs the scales attribute");
    sc = *a;
  } else {
    std::optional<Tensor> t = c.constantInput(1);
    if (!t || !t->isFloat())
      return c.fail("scales must be a compile-time float tensor (bind it with --bind)");
    sc = t->f;
  }
  if (sc.size() != s.size())
    return c.fail("scales has " + std::to_string(sc.size()) + " entries for rank " +
                  std::to_string(s.size()));
  std::vector<double> scales(sc.begin(), sc.end());
  for (size_t k = 0; k < s.size(); ++k) {
    if (!(sc[k] > 0))
      return c.fail("scale " + std::to_string(sc[k]) + " must be positive");
    out[k] = (int64_t)std::floor(s[k] * scales[k]);
  }
  ResizeMode m;
  m.mode = c.attrString("mode", "nearest");
  m.coord = "asymmetric";
  m.nearest = "floor";
  return buildResize(c, *x, out, scales, {}, m);
}

} // namespace

void registerCompositeOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
      {"", "GatherElements", 11, gatherElements},
      {"", "Scatter", 9, scatterElements},
      {"", "ScatterElements", 11, scatterElements},
      {"", "GatherND", 11, gatherND},
      {"", "ScatterND", 11, scatterND},
      {"", "Compress", 9, compress},
      {"", "MaxUnpool", 9, maxUnpool},
      {"", "GridSample", 16, gridSample},
      {"", "AffineGrid", 20, affineGrid},
      {"", "Det", 11, det},
      {"", "RoiAlign", 10, roiAlign},
      {"", "ReverseSequence", 10, reverseSequence},
      {"", "NonZero", 9, nonZero},
      {"", "Unique", 11, unique},
      {"", "CumSum", 11, cumulative<edge::CumSumOp>},
      {"", "CumProd", 26, cumulative<edge::CumProdOp>},
      {"", "TopK", 1, topK},
      {"", "Range", 11, range},
      {"", "EyeLike", 9, eyeLike},
      {"", "Split", 2, split},
      {"", "Tile", 6, tile},
      {"", "Expand", 8, expand},
      {"", "DepthToSpace", 1, depthToSpace},
      {"", "SpaceToDepth", 1, spaceToDepth},
      {"", "OneHot", 9, oneHot},
      {"", "Sum", 6, sumOrMean<false>},
      {"", "Mean", 6, sumOrMean<true>},
      {"", "IsNaN", 9, isNaN},
      {"", "IsInf", 10, isInf},
      {"", "PRelu", 6, pRelu},
      {"", "Shrink", 9, shrink},
      {"", "InstanceNormalization", 6, instanceNorm},
      {"", "LRN", 1, lrn},
      {"", "Einsum", 12, einsum},
      {"", "Resize", 10, resize},
      {"", "Upsample", 7, upsample},
  });
}

} // namespace edgec::onnx_import
