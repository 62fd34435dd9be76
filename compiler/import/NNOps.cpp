//===- NNOps.cpp - ONNX convolution, pooling, normalization, GEMM ----------===//

#include "ImporterImpl.h"

#include <limits>
#include <numeric>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

struct Window {
  Shape kernel, strides, dilations, pads; // pads: [top, left, bottom, right]
};

/// The kernels take window attributes (kernel, strides, dilations, pads) in
/// int32_t fields, and products of them must not overflow while shapes are
/// inferred: names the attribute that does not fit. A null list is absent.
LogicalResult fitKernelFields(NodeContext &c,
                              std::initializer_list<std::pair<const char *, const Shape *>> attrs) {
  for (auto [name, values] : attrs)
    for (int64_t v : values ? *values : Shape())
      if (v > std::numeric_limits<int32_t>::max()) {
        c.error() << name << " " << shapeToString(*values)
                  << " does not fit the kernels' 32-bit fields (at most 2147483647)";
        return failure();
      }
  return success();
}

/// Reads kernel_shape/strides/dilations/pads/auto_pad for a 1-D or 2-D window
/// and returns them as 2-D (a 1-D window gets H = 1). `spatial` holds the
/// input's spatial dimensions (already 2-D).
FailureOr<Window> readWindow(NodeContext &c, const Shape &spatial, int spatialRank,
                             std::optional<Shape> kernel) {
  Window w;
  auto lift = [&](std::optional<Shape> v, int64_t dflt, const char *what) -> FailureOr<Shape> {
    if (!v)
      return Shape{dflt, dflt};
    if ((int)v->size() != spatialRank) {
      c.error() << what << " has " << v->size() << " entries, expected " << spatialRank;
      return failure();
    }
    if (spatialRank == 1)
      return Shape{dflt == 0 ? 0 : 1, (*v)[0]};
    return *v;
  };
  if (!kernel) {
    c.error() << "kernel_shape is required";
    return failure();
  }
  auto k = lift(kernel, 1, "kernel_shape");
  auto s = lift(c.attrInts("strides"), 1, "strides");
  auto d = lift(c.attrInts("dilations"), 1, "dilations");
  if (failed(k) || failed(s) || failed(d))
    return failure();
  for (int i = 0; i < 2; ++i)
    if ((*k)[i] < 1 || (*s)[i] < 1 || (*d)[i] < 1) {
      c.error() << "kernel_shape, strides and dilations must be positive, got kernel "
                << shapeToString(*k) << ", strides " << shapeToString(*s) << ", dilations "
                << shapeToString(*d);
      return failure();
    }
  std::optional<Shape> pads = c.attrInts("pads");
  if (failed(fitKernelFields(c, {{"kernel_shape", &*k},
                                 {"strides", &*s},
                                 {"dilations", &*d},
                                 {"pads", pads ? &*pads : nullptr}})))
    return failure();
  w.kernel = *k;
  w.strides = *s;
  w.dilations = *d;
  w.pads = {0, 0, 0, 0};
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    if (pads) {
      const Shape &p = *pads;
      if ((int)p.size() != 2 * spatialRank) {
        c.error() << "pads has " << p.size() << " entries, expected " << 2 * spatialRank;
        return failure();
      }
      for (int64_t v : p)
        if (v < 0) {
          c.error() << "negative pads " << shapeToString(p) << " are not supported";
          return failure();
        }
      if (spatialRank == 1)
        w.pads = {0, p[0], 0, p[1]};
      else
        w.pads = p;
    }
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t out = (spatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t eff = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total = std::max<int64_t>((out - 1) * w.strides[i] + eff - spatial[i], 0);
      int64_t small = total / 2, big = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : big;
      w.pads[i + 2] = autoPad == "SAME_UPPER" ? big : small;
    }
  } else if (autoPad != "VALID") {
    c.error() << "unknown auto_pad '" << autoPad << "'";
    return failure();
  }
  return w;
}

/// Input as NCHW: rank 3 (N, C, W) becomes (N, C, 1, W). Other ranks fail.
FailureOr<Value> as4D(NodeContext &c, Value x, int &spatialRank) {
  Shape s = NodeContext::shape(x);
  if (s.size() == 4) {
    spatialRank = 2;
    return x;
  }
  if (s.size() == 3) {
    spatialRank = 1;
    return c.reshape(x, {s[0], s[1], 1, s[2]});
  }
  c.error() << "input of shape " << shapeToString(s)
            << " is not supported: edgec handles 1-D and 2-D windows (rank 3 or 4)";
  return failure();
}

Value restoreRank(NodeContext &c, Value y, int spatialRank) {
  if (spatialRank == 2)
    return y;
  Shape s = NodeContext::shape(y);
  return c.reshape(y, {s[0], s[1], s[3]});
}

LogicalResult conv(NodeContext &c) {
  auto x = c.required(0, "X"), w = c.required(1, "W");
  if (failed(x) || failed(w))
    return failure();
  int spatialRank;
  auto x4 = as4D(c, *x, spatialRank);
  if (failed(x4))
    return failure();
  Shape ws = NodeContext::shape(*w);
  if ((int)ws.size() != spatialRank + 2)
    return c.fail("weight of shape " + shapeToString(ws) + " does not match an input of rank " +
                  std::to_string(spatialRank + 2));
  Value w4 = spatialRank == 1 ? c.reshape(*w, {ws[0], ws[1], 1, ws[2]}) : *w;
  Shape w4s = NodeContext::shape(w4), xs = NodeContext::shape(*x4);
  std::optional<Shape> kernel = c.attrInts("kernel_shape");
  Shape wk(ws.begin() + 2, ws.end());
  if (kernel && *kernel != wk)
    return c.fail("kernel_shape " + shapeToString(*kernel) + " differs from the weight's " +
                  shapeToString(wk));
  auto win = readWindow(c, {xs[2], xs[3]}, spatialRank, wk);
  if (failed(win))
    return failure();
  int64_t group = c.attrInt("group", 1);
  if (group < 1 || xs[1] % group || ws[0] % group || ws[1] * group != xs[1])
    return c.fail("group " + std::to_string(group) + " does not fit input channels " +
                  std::to_string(xs[1]) + " and weight " + shapeToString(ws));
  Value bias = c.in(2);
  if (bias && NodeContext::shape(bias) != Shape{ws[0]})
    return c.fail("bias of shape " + shapeToString(NodeContext::shape(bias)) + " must be [" +
                  std::to_string(ws[0]) + "]");
  Shape out{xs[0], ws[0]};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOutputSize(xs[2 + i], w4s[2 + i], win->strides[i], win->pads[i],
                                 win->pads[i + 2], win->dilations[i], false);
    if (o <= 0)
      return c.fail("the kernel (with dilation) is larger than the padded input " +
                    shapeToString(xs));
    out.push_back(o);
  }
  auto y = c.b.create<edge::Conv2DOp>(c.loc, c.tensorType(out, c.b.getF32Type()), *x4, w4, bias,
                                      win->strides, win->pads, win->dilations, group,
                                      FloatAttr(), FloatAttr(), DenseI64ArrayAttr(),
                                      edge::NumericsAttr());
  c.setOutput(restoreRank(c, y, spatialRank));
  return success();
}

/// ConvTranspose as a convolution over the input spread by the stride
/// (`input_dilations`: stride - 1 zeros per gap, never stored), with the
/// flipped and channel-transposed kernel and padding d * (k - 1) - pad per
/// side (a negative one crops the result instead).
LogicalResult convTranspose(NodeContext &c) {
  auto x = c.required(0, "X"), w = c.required(1, "W");
  if (failed(x) || failed(w))
    return failure();
  if (!NodeContext::elementType(*x).isF32() || !NodeContext::elementType(*w).isF32())
    return c.fail("X and W must be float");
  int spatialRank;
  auto x4 = as4D(c, *x, spatialRank);
  if (failed(x4))
    return failure();
  Shape ws = NodeContext::shape(*w), xs = NodeContext::shape(*x4);
  if ((int)ws.size() != spatialRank + 2)
    return c.fail("weight of shape " + shapeToString(ws) + " does not match an input of rank " +
                  std::to_string(spatialRank + 2));
  Value w4 = spatialRank == 1 ? c.reshape(*w, {ws[0], ws[1], 1, ws[2]}) : *w;
  Shape w4s = NodeContext::shape(w4);
  if (std::optional<Shape> kernel = c.attrInts("kernel_shape");
      kernel && *kernel != Shape(ws.begin() + 2, ws.end()))
    return c.fail("kernel_shape " + shapeToString(*kernel) + " differs from the weight's " +
                  shapeToString(Shape(ws.begin() + 2, ws.end())));
  int64_t group = c.attrInt("group", 1);
  if (group < 1 || xs[1] != w4s[0] || xs[1] % group)
    return c.fail("group " + std::to_string(group) + " does not fit input channels " +
                  std::to_string(xs[1]) + " and weight " + shapeToString(ws));
  // Per spatial axis (H, W of the 4-D form): a 1-D model has H = 1.
  auto perAxis = [&](const char *name, int64_t dflt) -> FailureOr<Shape> {
    Shape v(2, dflt);
    if (auto a = c.attrInts(name)) {
      if ((int)a->size() != spatialRank)
        return FailureOr<Shape>(c.fail(std::string(name) + " " + shapeToString(*a) + " needs " +
                                       std::to_string(spatialRank) + " entries"));
      for (int i = 0; i < spatialRank; ++i)
        v[2 - spatialRank + i] = (*a)[i];
    }
    return v;
  };
  auto strides = perAxis("strides", 1), dil = perAxis("dilations", 1),
       outPad = perAxis("output_padding", 0);
  if (failed(strides) || failed(dil) || failed(outPad))
    return failure();
  Shape k{w4s[2], w4s[3]}, pb(2, 0), pe(2, 0);
  std::optional<Shape> pads = c.attrInts("pads");
  if (pads) {
    if ((int)pads->size() != 2 * spatialRank)
      return c.fail("pads " + shapeToString(*pads) + " needs " +
                    std::to_string(2 * spatialRank) + " entries");
    for (int i = 0; i < spatialRank; ++i) {
      pb[2 - spatialRank + i] = (*pads)[i];
      pe[2 - spatialRank + i] = (*pads)[spatialRank + i];
    }
  }
  if (failed(fitKernelFields(c, {{"strides", &*strides},
                                 {"dilations", &*dil},
                                 {"output_padding", &*outPad},
                                 {"pads", pads ? &*pads : nullptr}})))
    return failure();
  for (int i = 0; i < 2; ++i)
    if ((*strides)[i] < 1 || (*dil)[i] < 1 || (*outPad)[i] < 0 || pb[i] < 0 || pe[i] < 0 ||
        (*outPad)[i] >= std::max((*strides)[i], (*dil)[i]))
      return c.fail("strides and dilations must be positive, pads non-negative and "
                    "output_padding below the stride or dilation");
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  std::optional<Shape> outputShape = c.attrInts("output_shape");
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    Shape target(2, 1);
    for (int i = 0; i < 2; ++i)
      target[i] = xs[2 + i] * (*strides)[i];
    if (outputShape) {
      Shape o = *outputShape;
      if (o.size() == (size_t)spatialRank + 2)
        o.erase(o.begin(), o.begin() + 2);
      if ((int)o.size() != spatialRank)
        return c.fail("output_shape " + shapeToString(*outputShape) + " does not fit rank " +
                      std::to_string(spatialRank));
      for (int i = 0; i < spatialRank; ++i)
        target[2 - spatialRank + i] = o[i];
    }
    for (int i = 0; i < 2; ++i) {
      if (spatialRank == 1 && i == 0)
        continue;
      int64_t total = (*strides)[i] * (xs[2 + i] - 1) + (*outPad)[i] +
                      ((k[i] - 1) * (*dil)[i] + 1) - target[i];
      if (total < 0) { // a larger output than the kernel reaches: pad at the end
        (*outPad)[i] -= total;
        total = 0;
      }
      bool upper = autoPad != "SAME_LOWER";
      pb[i] = upper ? total / 2 : total - total / 2;
      pe[i] = total - pb[i];
    }
  } else if (autoPad != "NOTSET" && autoPad != "VALID") {
    return c.fail("auto_pad '" + autoPad + "' is not supported");
  }
  Shape out{xs[0], w4s[1] * group};
  for (int i = 0; i < 2; ++i) {
    int64_t o = (*strides)[i] * (xs[2 + i] - 1) + (*outPad)[i] + ((k[i] - 1) * (*dil)[i] + 1) -
                pb[i] - pe[i];
    if (o < 1)
      return c.fail("the output would be empty (pads larger than the result)");
    out.push_back(o);
  }
  // Weight (Cin, Cout/g, kh, kw) -> (Cout, Cin/g, kh, kw), flipped in space.
  int64_t cin = w4s[0], coutG = w4s[1], cinG = cin / group;
  Value wt = c.reshape(w4, {group, cinG, coutG, k[0], k[1]});
  wt = buildTranspose(c, wt, {0, 2, 1, 3, 4});
  wt = c.reshape(wt, {group * coutG, cinG, k[0], k[1]});
  wt = buildSlice(c, wt, 2, k[0] - 1, k[0], -1);
  wt = buildSlice(c, wt, 3, k[1] - 1, k[1], -1);
  // Conv padding, and the crop a negative one becomes.
  Shape cpads(4, 0), cropB(2, 0), convOut(out);
  for (int i = 0; i < 2; ++i) {
    int64_t full = (*dil)[i] * (k[i] - 1);
    int64_t b = full - pb[i], e = full - pe[i] + (*outPad)[i];
    if (b < 0) { cropB[i] = -b; b = 0; }
    if (e < 0) e = 0;
    cpads[i] = b;
    cpads[i + 2] = e;
    int64_t spread = (xs[2 + i] - 1) * (*strides)[i] + 1;
    convOut[2 + i] = spread + b + e - full;
  }
  Value bias = c.in(2);
  if (bias && NodeContext::shape(bias) != Shape{out[1]})
    return c.fail("bias of shape " + shapeToString(NodeContext::shape(bias)) + " must be [" +
                  std::to_string(out[1]) + "]");
  DenseI64ArrayAttr spreadAttr;
  if ((*strides)[0] != 1 || (*strides)[1] != 1)
    spreadAttr = c.b.getDenseI64ArrayAttr(*strides);
  Value y = c.b.create<edge::Conv2DOp>(c.loc, c.tensorType(convOut, c.b.getF32Type()), *x4, wt,
                                       bias, Shape{1, 1}, cpads, *dil, group, FloatAttr(),
                                       FloatAttr(), spreadAttr, edge::NumericsAttr());
  for (int i = 0; i < 2; ++i)
    if (convOut[2 + i] != out[2 + i])
      y = buildSlice(c, y, 2 + i, cropB[i], out[2 + i]);
  c.setOutput(restoreRank(c, y, spatialRank));
  return success();
}

/// Col2Im (opset 18), 2-D images: the columns [N, C * kh * kw, L] summed back
/// into [N, C, H, W], each block at its place. That is the transposed
/// convolution of the columns (as [N, C * K, oh, ow]) with one-hot kernels,
/// group C: here directly the convolution over the columns spread by the
/// strides with those kernels flipped, as ConvTranspose imports, then the
/// padding cropped away. image_shape and block_shape must be constants.
LogicalResult col2Im(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  auto image = c.constantInts(1, "image_shape");
  auto block = c.constantInts(2, "block_shape");
  if (failed(image) || failed(block))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  if (image->size() != 2 || block->size() != 2)
    return c.fail("image_shape " + shapeToString(*image) + " and block_shape " +
                  shapeToString(*block) + ": edgec handles 2-D images");
  Shape xs = NodeContext::shape(*x);
  int64_t K = (*block)[0] * (*block)[1];
  if (xs.size() != 3 || K < 1 || xs[1] % K)
    return c.fail("input of shape " + shapeToString(xs) + " is not [N, C * " +
                  std::to_string(K) + ", L] for block_shape " + shapeToString(*block));
  auto get = [&](const char *name, size_t n, int64_t dflt) -> FailureOr<Shape> {
    std::optional<Shape> v = c.attrInts(name);
    if (!v)
      return Shape(n, dflt);
    if (v->size() != n)
      return FailureOr<Shape>(c.fail(std::string(name) + " " + shapeToString(*v) + " needs " +
                                     std::to_string(n) + " entries"));
    return *v;
  };
  auto dil = get("dilations", 2, 1), str = get("strides", 2, 1), pads = get("pads", 4, 0);
  if (failed(dil) || failed(str) || failed(pads))
    return failure();
  int64_t N = xs[0], C = xs[1] / K;
  Shape blocks(2), full(2);
  for (int i = 0; i < 2; ++i) {
    if ((*dil)[i] < 1 || (*str)[i] < 1 || (*pads)[i] < 0 || (*pads)[i + 2] < 0 ||
        (*image)[i] < 1 || (*block)[i] < 1)
      return c.fail("image_shape and block_shape must be positive, dilations and strides "
                    "positive and pads non-negative");
    full[i] = (*dil)[i] * ((*block)[i] - 1);
    int64_t span = (*image)[i] + (*pads)[i] + (*pads)[i + 2] - full[i] - 1;
    if (span < 0)
      return c.fail("block_shape " + shapeToString(*block) + " (with dilations) is larger than "
                    "the padded image " + shapeToString(*image));
    blocks[i] = span / (*str)[i] + 1;
  }
  if (blocks[0] * blocks[1] != xs[2])
    return c.fail("input holds " + std::to_string(xs[2]) + " blocks, the image " +
                  std::to_string(blocks[0]) + " x " + std::to_string(blocks[1]));
  Value cols = c.reshape(*x, {N, C * K, blocks[0], blocks[1]});
  // Flipped one-hot kernels: column k of a block lands at (k / kw, k % kw).
  int64_t kh = (*block)[0], kw = (*block)[1];
  Tensor w = Tensor::zeros(DType::F32, {C, K, kh, kw});
  for (int64_t ch = 0; ch < C; ++ch)
    for (int64_t k = 0; k < K; ++k)
      w.f[((ch * K + k) * kh + (kh - 1 - k / kw)) * kw + (kw - 1 - k % kw)] = 1.f;
  // Padding of the spread columns so that the result covers the padded
  // image; the image's own pads are cropped after.
  Shape cpads(4, 0), out{N, C, 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t spread = (blocks[i] - 1) * (*str)[i] + 1;
    int64_t paddedImage = (*image)[i] + (*pads)[i] + (*pads)[i + 2];
    cpads[i] = full[i];
    cpads[i + 2] = paddedImage - spread; // >= full: the rows no block reaches stay zero
    out[2 + i] = paddedImage;
  }
  DenseI64ArrayAttr spreadAttr;
  if ((*str)[0] != 1 || (*str)[1] != 1)
    spreadAttr = c.b.getDenseI64ArrayAttr(*str);
  Value y = c.b.create<edge::Conv2DOp>(c.loc, c.tensorType(out, c.b.getF32Type()), cols,
                                       c.constant(w), Value(), Shape{1, 1}, cpads, *dil, C,
                                       FloatAttr(), FloatAttr(), spreadAttr, edge::NumericsAttr());
  y = buildSlice(c, y, 2, (*pads)[0], (*image)[0]);
  y = buildSlice(c, y, 3, (*pads)[1], (*image)[1]);
  c.setOutput(y);
  return success();
}

/// A 3-D pooling window (N, C, D, H, W) as two 2-D ones: (H, W) over
/// [N, C*D, H, W], then D over [N, C, D, H'*W']. Max pooling is separable, and
/// so is average pooling: its divisor (padding counted or not) is the product
/// of the per-axis counts, and ceil_mode and padding act per axis.
template <typename PoolOp> LogicalResult pool3d(NodeContext &c, Value x) {
  Shape xs = NodeContext::shape(x);
  auto attr3 = [&](const char *n, int64_t dflt, size_t len) -> FailureOr<Shape> {
    auto v = c.attrInts(n);
    if (!v)
      return Shape(len, dflt);
    if (v->size() != len)
      return FailureOr<Shape>(c.fail(std::string(n) + " has " + std::to_string(v->size()) +
                                     " entries, expected " + std::to_string(len)));
    return *v;
  };
  auto k = attr3("kernel_shape", 0, 3), st = attr3("strides", 1, 3), dl = attr3("dilations", 1, 3),
       pd = attr3("pads", 0, 6);
  if (failed(k) || failed(st) || failed(dl) || failed(pd))
    return failure();
  if (!c.attrInts("kernel_shape"))
    return c.fail("kernel_shape is required");
  for (int i = 0; i < 3; ++i)
    if ((*k)[i] < 1 || (*st)[i] < 1 || (*dl)[i] < 1 || (*pd)[i] < 0 || (*pd)[i + 3] < 0)
      return c.fail("kernel_shape, strides and dilations must be positive and pads "
                    "non-negative");
  bool ceil = c.attrInt("ceil_mode", 0) != 0;
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 3; ++i) {
      int64_t out = ((xs[2 + i] + (*st)[i] - 1) / (*st)[i]);
      int64_t eff = ((*k)[i] - 1) * (*dl)[i] + 1;
      int64_t total = std::max<int64_t>((out - 1) * (*st)[i] + eff - xs[2 + i], 0);
      (*pd)[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      (*pd)[i + 3] = total - (*pd)[i];
    }
    ceil = false;
  } else if (autoPad == "VALID") {
    *pd = Shape(6, 0);
    ceil = false;
  } else if (autoPad != "NOTSET") {
    return c.fail("unknown auto_pad '" + autoPad + "'");
  }
  Shape out{xs[0], xs[1]};
  for (int i = 0; i < 3; ++i) {
    int64_t o = windowOutputSize(xs[2 + i], (*k)[i], (*st)[i], (*pd)[i], (*pd)[i + 3], (*dl)[i],
                                 ceil);
    if (o <= 0)
      return c.fail("the pooling window is larger than the padded input " + shapeToString(xs));
    out.push_back(o);
  }
  Type f32 = c.b.getF32Type();
  bool includePad = c.attrInt("count_include_pad", 0) != 0;
  auto pool2d = [&](Value in, Shape outShape, Shape kk, Shape ss, Shape pp, Shape dd) -> Value {
    if constexpr (std::is_same_v<PoolOp, edge::AvgPool2DOp>)
      return c.b.create<edge::AvgPool2DOp>(c.loc, c.tensorType(outShape, f32), in, kk, ss, pp, dd,
                                           ceil, includePad);
    else
      return c.b.create<edge::MaxPool2DOp>(c.loc, c.tensorType(outShape, f32), in, kk, ss, pp, dd,
                                           ceil);
  };
  Value hw = pool2d(c.reshape(x, {xs[0], xs[1] * xs[2], xs[3], xs[4]}),
                    {xs[0], xs[1] * xs[2], out[3], out[4]}, {(*k)[1], (*k)[2]},
                    {(*st)[1], (*st)[2]}, {(*pd)[1], (*pd)[2], (*pd)[4], (*pd)[5]},
                    {(*dl)[1], (*dl)[2]});
  Value d = pool2d(c.reshape(hw, {xs[0], xs[1], xs[2], out[3] * out[4]}),
                   {xs[0], xs[1], out[2], out[3] * out[4]}, {(*k)[0], 1}, {(*st)[0], 1},
                   {(*pd)[0], 0, (*pd)[3], 0}, {(*dl)[0], 1});
  c.setOutput(c.reshape(d, out));
  return success();
}

template <typename PoolOp> LogicalResult pool(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  bool indices = c.node.output_size() > 1 && !c.node.output(1).empty();
  // Max pooling of 8- and 16-bit integers runs on float values, which hold
  // them exactly, and casts back.
  if (auto it = dyn_cast<IntegerType>(NodeContext::elementType(*x));
      it && !quantizedElement(x->getType())) {
    if (!std::is_same_v<PoolOp, edge::MaxPool2DOp> || it.getWidth() > 16 || it.getWidth() == 1)
      return c.fail("pooling of " + std::to_string(it.getWidth()) + "-bit integers is not "
                    "supported (MaxPool takes 8- and 16-bit integers)");
    Type intType = it;
    Value xf = c.b.create<edge::CastOp>(
        c.loc, c.tensorType(NodeContext::shape(*x), c.b.getF32Type()), *x);
    NodeContext inner(c.node, c.name, c.opset, c.b, c.loc, {xf});
    inner.onnxOpset = c.onnxOpset;
    if (failed(pool<PoolOp>(inner)))
      return failure();
    c.readAttributes.insert(inner.readAttributes.begin(), inner.readAttributes.end());
    c.outputs = inner.outputs;
    c.outputs[0] = c.b.create<edge::CastOp>(
        c.loc, c.tensorType(NodeContext::shape(c.outputs[0]), intType), c.outputs[0]);
    return success();
  }
  if (NodeContext::shape(*x).size() == 5 && NodeContext::elementType(*x).isF32()) {
    if (indices)
      return c.fail("the Indices output of a 3-D MaxPool is not supported");
    return pool3d<PoolOp>(c, *x);
  }
  int spatialRank;
  auto x4 = as4D(c, *x, spatialRank);
  if (failed(x4))
    return failure();
  Shape xs = NodeContext::shape(*x4);
  bool ceil = c.attrInt("ceil_mode", 0) != 0;
  auto win = readWindow(c, {xs[2], xs[3]}, spatialRank, c.attrInts("kernel_shape"));
  if (failed(win))
    return failure();
  if (c.attrString("auto_pad", "NOTSET") != "NOTSET")
    ceil = false; // SAME/VALID define the output size themselves
  Shape out{xs[0], xs[1]};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOutputSize(xs[2 + i], win->kernel[i], win->strides[i], win->pads[i],
                                 win->pads[i + 2], win->dilations[i], ceil);
    if (o <= 0)
      return c.fail("the pooling window is larger than the padded input " + shapeToString(xs));
    out.push_back(o);
  }
  Type f32 = c.b.getF32Type();
  Value y;
  if constexpr (std::is_same_v<PoolOp, edge::AvgPool2DOp>)
    y = c.b.create<edge::AvgPool2DOp>(c.loc, c.tensorType(out, f32), *x4, win->kernel,
                                      win->strides, win->pads, win->dilations, ceil,
                                      c.attrInt("count_include_pad", 0) != 0);
  else
    y = c.b.create<edge::MaxPool2DOp>(c.loc, c.tensorType(out, f32), *x4, win->kernel,
                                      win->strides, win->pads, win->dilations, ceil);
  c.setOutput(restoreRank(c, y, spatialRank));
  if (indices) {
    if (!NodeContext::elementType(*x4).isF32())
      return c.fail("the Indices output needs a float input");
    int64_t order = c.attrInt("storage_order", 0);
    if (order != 0 && order != 1)
      return c.fail("storage_order " + std::to_string(order) + " is not 0 or 1");
    Value idx = c.b.create<edge::MaxPool2DIndicesOp>(
        c.loc, c.tensorType(out, c.b.getI64Type()), *x4, win->kernel, win->strides, win->pads,
        win->dilations, ceil, order == 1);
    c.outputs.push_back(restoreRank(c, idx, spatialRank));
  }
  return success();
}

/// LpPool (opset 18): (sum over the window of |x|^p)^(1/p), as the average
/// pool of |x|^p counting the padding (zeros), times the window size.
LogicalResult lpPool(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  int64_t p = c.attrInt("p", 2);
  if (p < 1)
    return c.fail("p = " + std::to_string(p) + " must be positive");
  std::optional<Shape> kernel = c.attrInts("kernel_shape");
  if (!kernel || kernel->empty())
    return c.fail("kernel_shape is required");
  Type t = x->getType();
  Value a = c.b.create<edge::AbsOp>(c.loc, t, *x);
  Value pw = p == 1   ? a
             : p == 2 ? buildBinary<edge::MulOp>(c, a, a)
                      : buildBinary<edge::PowOp>(c, a, scalarLike(c, *x, (double)p));
  onnx::NodeProto avg = c.node;
  auto *cip = avg.add_attribute();
  cip->set_name("count_include_pad");
  cip->set_type(onnx::AttributeProto::INT);
  cip->set_i(1);
  NodeContext inner(avg, c.name, c.opset, c.b, c.loc, {pw});
  inner.onnxOpset = c.onnxOpset;
  if (failed(pool<edge::AvgPool2DOp>(inner)))
    return failure();
  c.readAttributes.insert(inner.readAttributes.begin(), inner.readAttributes.end());
  Value sum = buildBinary<edge::MulOp>(c, inner.outputs[0],
                                       scalarLike(c, *x, (double)product(*kernel)));
  Value y = p == 1   ? sum
            : p == 2 ? Value(c.b.create<edge::SqrtOp>(c.loc, sum.getType(), sum))
                     : buildBinary<edge::PowOp>(c, sum, scalarLike(c, *x, 1.0 / (double)p));
  c.setOutput(y);
  return success();
}

LogicalResult globalAvgPool(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (s.size() < 3)
    return c.fail("input of shape " + shapeToString(s) + " needs rank >= 3");
  Shape out(s.size(), 1);
  out[0] = s[0];
  out[1] = s[1];
  c.setOutput(c.b.create<edge::GlobalAvgPoolOp>(c.loc, c.tensorType(out, c.b.getF32Type()), *x));
  return success();
}

LogicalResult globalMaxPool(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  if (s.size() < 3)
    return c.fail("input of shape " + shapeToString(s) + " needs rank >= 3");
  Shape axes, out(s.size(), 1);
  for (size_t k = 2; k < s.size(); ++k)
    axes.push_back(k);
  out[0] = s[0];
  out[1] = s[1];
  c.setOutput(c.b.create<edge::ReduceMaxOp>(c.loc, c.tensorType(out, c.b.getF32Type()), *x, axes,
                                            true));
  return success();
}

LogicalResult batchNorm(NodeContext &c) {
  if (c.attrInt("training_mode", 0))
    return c.fail("training_mode = 1 is not supported (edgec compiles inference graphs)");
  for (int k = 1; k < c.node.output_size(); ++k)
    if (!c.node.output(k).empty())
      return c.fail("the running mean/variance outputs (training mode) are not supported");
  Value ops[5];
  const char *names[5] = {"X", "scale", "B", "mean", "var"};
  for (int k = 0; k < 5; ++k) {
    auto v = c.required(k, names[k]);
    if (failed(v))
      return failure();
    ops[k] = *v;
  }
  Shape xs = NodeContext::shape(ops[0]);
  if (xs.size() < 2)
    return c.fail("input of shape " + shapeToString(xs) + " needs rank >= 2");
  for (int k = 1; k < 5; ++k)
    if (NodeContext::shape(ops[k]) != Shape{xs[1]})
      return c.fail(std::string(names[k]) + " of shape " +
                    shapeToString(NodeContext::shape(ops[k])) + " must be [" +
                    std::to_string(xs[1]) + "]");
  c.setOutput(c.b.create<edge::BatchNormOp>(c.loc, ops[0].getType(), ops[0], ops[1], ops[2],
                                            ops[3], ops[4],
                                            c.b.getF32FloatAttr(c.attrFloat("epsilon", 1e-5f))));
  return success();
}

LogicalResult gemm(NodeContext &c) {
  auto a = c.required(0, "A"), b = c.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  Shape as = NodeContext::shape(*a), bs = NodeContext::shape(*b);
  if (as.size() != 2 || bs.size() != 2)
    return c.fail("A and B must be matrices, got " + shapeToString(as) + " and " +
                  shapeToString(bs));
  bool ta = c.attrInt("transA", 0), tb = c.attrInt("transB", 0);
  int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
  int64_t kb = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
  if (k != kb)
    return c.fail("inner dimensions differ: A' is " + std::to_string(m) + "x" +
                  std::to_string(k) + ", B' is " + std::to_string(kb) + "x" + std::to_string(n));
  Value cin = c.in(2);
  if (cin) {
    auto bc = broadcastShapes(NodeContext::shape(cin), {m, n});
    if (failed(bc) || Shape(bc->begin(), bc->end()) != Shape{m, n})
      return c.fail("C of shape " + shapeToString(NodeContext::shape(cin)) +
                    " does not broadcast to " + shapeToString({m, n}));
  }
  c.setOutput(c.b.create<edge::GemmOp>(c.loc, c.tensorType({m, n}, c.b.getF32Type()), *a, *b, cin,
                                       c.b.getF32FloatAttr(c.attrFloat("alpha", 1.f)),
                                       c.b.getF32FloatAttr(c.attrFloat("beta", 1.f)),
                                       c.b.getBoolAttr(ta), c.b.getBoolAttr(tb), FloatAttr(),
                                       FloatAttr()));
  return success();
}

LogicalResult matmul(NodeContext &c) {
  auto a = c.required(0, "A"), b = c.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  Shape as = NodeContext::shape(*a), bs = NodeContext::shape(*b);
  if (as.empty() || bs.empty())
    return c.fail("operands must have rank >= 1");
  Shape sa = as, sb = bs;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  if (sa.back() != sb[sb.size() - 2])
    return c.fail("inner dimensions differ: " + shapeToString(as) + " x " + shapeToString(bs));
  auto batch = broadcastShapes(ArrayRef<int64_t>(sa).drop_back(2), ArrayRef<int64_t>(sb).drop_back(2));
  if (failed(batch))
    return c.fail("batch dimensions of " + shapeToString(as) + " and " + shapeToString(bs) +
                  " do not broadcast");
  Shape out(batch->begin(), batch->end());
  if (as.size() > 1) out.push_back(sa[sa.size() - 2]);
  if (bs.size() > 1) out.push_back(sb.back());
  c.setOutput(c.b.create<edge::MatMulOp>(c.loc, c.tensorType(out, c.b.getF32Type()), *a, *b,
                                         FloatAttr(), FloatAttr()));
  return success();
}

// Softmax / LogSoftmax / Hardmax 1-11: flatten to 2-D at `axis` (default 1),
// normalize over the second dimension.
template <typename OpT> LogicalResult softmax1(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  Shape s = NodeContext::shape(*x);
  auto axis = c.axis(c.attrInt("axis", 1), std::max<int64_t>(s.size(), 1), "axis");
  if (failed(axis))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < (int64_t)s.size(); ++k)
    (k < *axis ? outer : inner) *= s[k];
  Value flat = c.reshape(*x, {outer, inner});
  Value y = c.b.create<OpT>(c.loc, flat.getType(), flat, (int64_t)1);
  c.setOutput(c.reshape(y, s));
  return success();
}

template <typename OpT> LogicalResult softmax13(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  auto axis = c.axis(c.attrInt("axis", -1), NodeContext::shape(*x).size(), "axis");
  if (failed(axis))
    return failure();
  c.setOutput(c.b.create<OpT>(c.loc, x->getType(), *x, *axis));
  return success();
}

/// The axes a LayerNormalization / RMSNormalization reduces: `axis` (default
/// -1) to the last, and X's shape with those dimensions kept as 1.
struct TrailingAxes {
  Shape full, kept;
  SmallVector<int64_t> axes;
};
FailureOr<TrailingAxes> trailingAxes(NodeContext &c, Value x) {
  TrailingAxes t;
  t.full = t.kept = NodeContext::shape(x);
  auto axis = c.axis(c.attrInt("axis", -1), t.full.size(), "axis");
  if (failed(axis))
    return failure();
  for (int64_t d = *axis; d < (int64_t)t.full.size(); ++d) {
    t.axes.push_back(d);
    t.kept[d] = 1;
  }
  return t;
}

/// 1 / sqrt(v + epsilon), epsilon the node's attribute (default 1e-5).
Value inverseRoot(NodeContext &c, Value v) {
  Tensor eps = Tensor::zeros(DType::F32, {});
  eps.f[0] = c.attrFloat("epsilon", 1e-5f);
  Type t = v.getType();
  Value sd = c.b.create<edge::SqrtOp>(
      c.loc, t, c.b.create<edge::AddOp>(c.loc, t, v, c.constant(eps), FloatAttr(), FloatAttr()));
  return c.b.create<edge::ReciprocalOp>(c.loc, t, sd);
}

/// LayerNormalization (opset 17) as the function ONNX defines it, in edge
/// ops: mean and variance over axes [axis, rank), y = (x - mean) / sqrt(var +
/// epsilon) * scale + bias. The Mean and InvStdDev outputs are the
/// intermediate values.
LogicalResult layerNorm(NodeContext &c) {
  auto x = c.required(0, "X"), w = c.required(1, "Scale");
  if (failed(x) || failed(w))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  auto ta = trailingAxes(c, *x);
  if (failed(ta))
    return failure();
  const Shape &s = ta->full;
  for (Value p : {*w, c.in(2)})
    if (p && failed(broadcastShapes(s, NodeContext::shape(p))))
      return c.fail("Scale / B of shape " + shapeToString(NodeContext::shape(p)) +
                    " does not broadcast to X " + shapeToString(s));
  Type f32 = c.b.getF32Type();
  auto full = c.tensorType(s, f32), reduced = c.tensorType(ta->kept, f32);
  auto bin = [&](auto tag, Type t, Value a, Value b) -> Value {
    using OpT = decltype(tag);
    return c.b.create<OpT>(c.loc, t, a, b, FloatAttr(), FloatAttr());
  };
  Value mean = c.b.create<edge::ReduceMeanOp>(c.loc, reduced, *x, ta->axes, true);
  Value d = bin(edge::SubOp(), full, *x, mean);
  Value var = c.b.create<edge::ReduceMeanOp>(c.loc, reduced, bin(edge::MulOp(), full, d, d),
                                             ta->axes, true);
  Value inv = inverseRoot(c, var);
  Value y = bin(edge::MulOp(), full, bin(edge::MulOp(), full, d, inv), *w);
  if (Value bias = c.in(2))
    y = bin(edge::AddOp(), full, y, bias);
  c.outputs = {y, mean, inv};
  return success();
}

/// RMSNormalization (opset 23) as ONNX defines it, in edge ops:
/// X / sqrt(mean(X^2 over the axes from `axis` on) + epsilon) * Scale.
LogicalResult rmsNorm(NodeContext &c) {
  auto x = c.required(0, "X"), w = c.required(1, "scale");
  if (failed(x) || failed(w))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  auto ta = trailingAxes(c, *x);
  if (failed(ta))
    return failure();
  if (failed(broadcastShapes(ta->full, NodeContext::shape(*w))))
    return c.fail("scale of shape " + shapeToString(NodeContext::shape(*w)) +
                  " does not broadcast to X " + shapeToString(ta->full));
  Value sq = buildBinary<edge::MulOp>(c, *x, *x);
  Value ms = c.b.create<edge::ReduceMeanOp>(c.loc, c.tensorType(ta->kept, c.b.getF32Type()), sq,
                                            ta->axes, true);
  Value y = buildBinary<edge::MulOp>(c, *x, inverseRoot(c, ms));
  c.setOutput(buildBinary<edge::MulOp>(c, y, *w));
  return success();
}

/// LpNormalization (opset 1): x / ||x||_p along `axis`, p = 1 or 2; 0 where
/// the norm is 0.
LogicalResult lpNorm(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  Shape s = NodeContext::shape(*x);
  auto axis = c.axis(c.attrInt("axis", -1), s.size(), "axis");
  if (failed(axis))
    return failure();
  int64_t p = c.attrInt("p", 2);
  if (p != 1 && p != 2)
    return c.fail("p = " + std::to_string(p) + " is not 1 or 2");
  Type t = x->getType();
  Value m = p == 1 ? Value(c.b.create<edge::AbsOp>(c.loc, t, *x))
                   : Value(c.b.create<edge::MulOp>(c.loc, t, *x, *x, FloatAttr(), FloatAttr()));
  Value norm = buildReduce<edge::ReduceSumOp>(c, m, {*axis}, true);
  if (p == 2)
    norm = c.b.create<edge::SqrtOp>(c.loc, norm.getType(), norm);
  // A zero norm gives zeros (as ONNX's reference), not 0 / 0.
  Value zero = scalarLike(c, *x, 0.0);
  Value isZero = buildPredicate<edge::EqualOp>(c, norm, zero);
  Value y = buildBinary<edge::DivOp>(c, *x, norm);
  if (!isZero || !y)
    return failure();
  c.setOutput(buildWhere(c, isZero, zero, y));
  return success();
}

/// GroupNormalization (opset 21): x [N, C, ...] normalized over each group
/// of C / num_groups channels (and every spatial position), then scaled and
/// shifted per channel.
LogicalResult groupNorm(NodeContext &c) {
  auto x = c.required(0, "X"), w = c.required(1, "scale"), bias = c.required(2, "bias");
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  Shape s = NodeContext::shape(*x);
  int64_t groups = c.attrInt("num_groups", 0);
  if (s.size() < 2 || groups <= 0 || s[1] % groups != 0)
    return c.fail("num_groups " + std::to_string(groups) + " does not divide the channels of " +
                  shapeToString(s));
  for (Value p : {*w, *bias})
    if (NodeContext::shape(p) != Shape{s[1]})
      return c.fail("scale and bias must have one value per channel (" + std::to_string(s[1]) +
                    "), got " + shapeToString(NodeContext::shape(p)));
  // Per group: C / num_groups channels times every spatial position (a
  // product, not a quotient of the whole: a batch of 0 must not divide).
  int64_t rest = s[1] / groups * product(Shape(s.begin() + 2, s.end()));
  Value g = c.reshape(*x, {s[0], groups, rest});
  Value mean = buildReduce<edge::ReduceMeanOp>(c, g, {2}, true);
  Value d = buildBinary<edge::SubOp>(c, g, mean);
  Value var = buildReduce<edge::ReduceMeanOp>(c, buildBinary<edge::MulOp>(c, d, d), {2}, true);
  Tensor eps = Tensor::zeros(DType::F32, {});
  eps.f[0] = c.attrFloat("epsilon", 1e-5f);
  Value sd = buildBinary<edge::AddOp>(c, var, c.constant(eps));
  sd = c.b.create<edge::SqrtOp>(c.loc, sd.getType(), sd);
  Value y = c.reshape(buildBinary<edge::DivOp>(c, d, sd), s);
  Shape ps(s.size(), 1);
  ps[1] = s[1];
  y = buildBinary<edge::MulOp>(c, y, c.reshape(*w, ps));
  c.setOutput(buildBinary<edge::AddOp>(c, y, c.reshape(*bias, ps)));
  return success();
}

/// Swish (opset 24): x * sigmoid(alpha * x).
/// x * sigmoid(alpha * x), float.
Value buildSwish(NodeContext &c, Value x, float alpha) {
  Type t = x.getType();
  Value ax = x;
  if (alpha != 1.0f) {
    Tensor a = Tensor::zeros(DType::F32, {});
    a.f[0] = alpha;
    ax = c.b.create<edge::MulOp>(c.loc, t, x, c.constant(a), FloatAttr(), FloatAttr());
  }
  Value sig = c.b.create<edge::SigmoidOp>(c.loc, t, ax);
  return c.b.create<edge::MulOp>(c.loc, t, x, sig, FloatAttr(), FloatAttr());
}

LogicalResult swish(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  c.setOutput(buildSwish(c, *x, c.attrFloat("alpha", 1.0f)));
  return success();
}

/// SwiGLU (opset 28): Swish(a; alpha) * b, b broadcast as Mul does.
LogicalResult swiGLU(NodeContext &c) {
  auto a = c.required(0, "A"), g = c.required(1, "B");
  if (failed(a) || failed(g))
    return failure();
  if (!NodeContext::elementType(*a).isF32() || !NodeContext::elementType(*g).isF32())
    return c.fail("only float inputs are supported");
  Value y = buildBinary<edge::MulOp>(c, buildSwish(c, *a, c.attrFloat("alpha", 1.0f)), *g);
  if (!y)
    return failure();
  c.setOutput(y);
  return success();
}

/// Mish (opset 18): x * tanh(softplus(x)).
LogicalResult mish(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isF32())
    return c.fail("only float inputs are supported");
  Type t = x->getType();
  Value sp = c.b.create<edge::SoftplusOp>(c.loc, t, *x);
  Value th = c.b.create<edge::TanhOp>(c.loc, t, sp);
  c.setOutput(c.b.create<edge::MulOp>(c.loc, t, *x, th, FloatAttr(), FloatAttr()));
  return success();
}

/// CausalConvWithState (opset 27): per channel, the sequence past_state (or
/// k - 1 zeros) followed by the input, convolved depthwise without padding
/// (one output per input position), plus the bias, then SiLU when asked;
/// present_state is that sequence's last k - 1 positions. Built as the
/// Concat + depthwise Conv + Slice it fuses; the convolution is edgec's.
LogicalResult causalConvWithState(NodeContext &c) {
  auto x = c.required(0, "input"), w = c.required(1, "weight");
  if (failed(x) || failed(w))
    return failure();
  Shape xs = NodeContext::shape(*x), ws = NodeContext::shape(*w);
  if (!NodeContext::elementType(*x).isF32() || !NodeContext::elementType(*w).isF32())
    return c.fail("only float inputs are supported");
  if (xs.size() != 3 || ws.size() != 3 || ws[0] != xs[1] || ws[1] != 1 || ws[2] < 1)
    return c.fail("input of shape " + shapeToString(xs) + " and weight of shape " +
                  shapeToString(ws) + " are not (batch, channels, length) and (channels, 1, k)");
  int64_t B = xs[0], C = xs[1], L = xs[2], K = ws[2];
  std::string act = c.attrString("activation", "none");
  if (act != "none" && act != "silu" && act != "swish")
    return c.fail("activation '" + act + "' is not one of none, silu, swish");
  Value bias = c.in(2), past = c.in(3);
  if (bias && NodeContext::shape(bias) != Shape{C})
    return c.fail("bias of shape " + shapeToString(NodeContext::shape(bias)) + " must be [" +
                  std::to_string(C) + "]");
  if (past && NodeContext::shape(past) != Shape{B, C, K - 1})
    return c.fail("past_state of shape " + shapeToString(NodeContext::shape(past)) +
                  " must be " + shapeToString({B, C, K - 1}));
  Value seq = *x;
  if (K > 1) {
    if (!past)
      past = c.constant(Tensor::zeros(DType::F32, {B, C, K - 1}));
    seq = buildConcat(c, {past, *x}, 2);
  }
  Value x4 = c.reshape(seq, {B, C, 1, L + K - 1}), w4 = c.reshape(*w, {C, 1, 1, K});
  SmallVector<int64_t> ones{1, 1}, noPads{0, 0, 0, 0};
  Value y = c.b.create<edge::Conv2DOp>(c.loc, c.tensorType({B, C, 1, L}, c.b.getF32Type()), x4,
                                       w4, bias, ones, noPads, ones, C, FloatAttr(), FloatAttr(),
                                       DenseI64ArrayAttr(), edge::NumericsAttr());
  y = c.reshape(y, {B, C, L});
  if (act != "none")
    y = buildSwish(c, y, 1.0f);
  c.outputs = {y, buildSlice(c, seq, 2, L, K - 1)};
  return success();
}

} // namespace

void registerNNOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
      {"", "Conv", 1, conv},
      {"", "MaxPool", 1, pool<edge::MaxPool2DOp>},
      {"", "AveragePool", 1, pool<edge::AvgPool2DOp>},
      {"", "GlobalAveragePool", 1, globalAvgPool},
      {"", "GlobalMaxPool", 1, globalMaxPool},
      {"", "BatchNormalization", 7, batchNorm},
      {"", "LayerNormalization", 17, layerNorm},
      {"", "RMSNormalization", 23, rmsNorm},
      {"", "Swish", 24, swish},
      {"", "SwiGLU", 28, swiGLU},
      {"", "Mish", 18, mish},
      {"", "CausalConvWithState", 27, causalConvWithState},
      {"", "Col2Im", 18, col2Im},
      {"", "LpNormalization", 1, lpNorm},
      {"", "LpPool", 2, lpPool}, // 11 and 18 add attributes (dilations, ceil_mode) read the same way
      {"", "GroupNormalization", 21, groupNorm},
      {"", "Gemm", 7, gemm},
      {"", "MatMul", 1, matmul},
      {"", "ConvTranspose", 1, convTranspose},
      {"", "Softmax", 1, softmax1<edge::SoftmaxOp>},
      {"", "Softmax", 13, softmax13<edge::SoftmaxOp>},
      {"", "LogSoftmax", 1, softmax1<edge::LogSoftmaxOp>},
      {"", "LogSoftmax", 13, softmax13<edge::LogSoftmaxOp>},
      {"", "Hardmax", 1, softmax1<edge::HardmaxOp>},
      {"", "Hardmax", 13, softmax13<edge::HardmaxOp>},
  });
}

} // namespace edgec::onnx_import
