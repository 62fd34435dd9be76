//===- Evaluator.cpp - reference evaluator ---------------------------------===//
//
// Straightforward, obviously-correct implementations: Eigen matrix products for
// convolution (through im2col), Gemm and MatMul; index arithmetic for the rest.
// Accumulation is in double where it is cheap, so the evaluator is at least as
// accurate as the generated kernels it checks.
//
//===----------------------------------------------------------------------===//

#include "edgec/Eval/Evaluator.h"
#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "QuantEvaluator.h"
#include "edgec/Quant/QuantUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

using namespace mlir;

namespace edgec {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMap = Eigen::Map<RowMatrix>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

namespace {

std::vector<int64_t> shapeOfValue(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> st(shape.size(), 1);
  for (int k = (int)shape.size() - 2; k >= 0; --k)
    st[k] = st[k + 1] * shape[k + 1];
  return st;
}

// Strides of `shape` when broadcast to `outShape` (0 on broadcast dimensions).
std::vector<int64_t> broadcastStrides(const std::vector<int64_t> &shape,
                                      const std::vector<int64_t> &outShape) {
  std::vector<int64_t> st = stridesOf(shape), out(outShape.size(), 0);
  size_t off = outShape.size() - shape.size();
  for (size_t k = 0; k < shape.size(); ++k)
    out[k + off] = shape[k] == 1 ? 0 : st[k];
  return out;
}

/// out[k] = fn(index of each operand) over the broadcast of `operands` to
/// `outShape`: the one loop behind comparisons and Where.
template <typename F>
void broadcastLoop(ArrayRef<const Tensor *> operands, const std::vector<int64_t> &outShape,
                   F fn) {
  std::vector<std::vector<int64_t>> st;
  for (const Tensor *t : operands)
    st.push_back(broadcastStrides(t->shape, outShape));
  int64_t n = 1, rank = outShape.size();
  for (int64_t d : outShape)
    n *= d;
  std::vector<int64_t> idx(rank, 0), at(operands.size());
  for (int64_t k = 0; k < n; ++k) {
    for (size_t q = 0; q < operands.size(); ++q) {
      at[q] = 0;
      for (int64_t d = 0; d < rank; ++d)
        at[q] += idx[d] * st[q][d];
    }
    fn(k, at);
    for (int64_t d = rank - 1; d >= 0 && ++idx[d] == outShape[d]; --d)
      idx[d] = 0;
  }
}

/// A comparison or logic op: booleans from `pred` on the broadcast operands.
template <typename P>
Tensor predicate(Operation *op, const Tensor &a, const Tensor &b, P pred) {
  Tensor r = Tensor::zeros(DType::Bool, shapeOfValue(op->getResult(0)));
  broadcastLoop({&a, &b}, r.shape, [&](int64_t k, const std::vector<int64_t> &at) {
    if (a.isFloat())
      r.i[k] = pred((double)a.f[at[0]], (double)b.f[at[1]]);
    else
      r.i[k] = pred(a.i[at[0]], b.i[at[1]]);
  });
  return r;
}

/// Elementwise `fn` with numpy broadcasting. `fn` is called with floats for
/// float tensors and with int64 for integer ones, so shape arithmetic stays
/// exact; a generic lambda serves both.
template <typename F>
Tensor binary(const Tensor &a, const Tensor &b, const std::vector<int64_t> &outShape, F fn) {
  Tensor r = Tensor::zeros(a.dtype, outShape);
  auto sa = broadcastStrides(a.shape, outShape), sb = broadcastStrides(b.shape, outShape);
  int64_t n = r.numElements(), rank = outShape.size();
  std::vector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t ia = 0, ib = 0;
    for (int64_t d = 0; d < rank; ++d) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    // Integers compute in 64 bits (unsigned types in uint64_t, so uint64 and
    // large products are exact) and wrap to the result's width, as C does.
    if (r.isFloat())
      r.f[k] = fn(a.f[ia], b.f[ib]);
    else if (isUnsigned(r.dtype))
      r.i[k] = wrapInteger(r.dtype, (int64_t)fn((uint64_t)a.i[ia], (uint64_t)b.i[ib]));
    else
      r.i[k] = wrapInteger(r.dtype, fn(a.i[ia], b.i[ib]));
    for (int64_t d = rank - 1; d >= 0 && ++idx[d] == outShape[d]; --d)
      idx[d] = 0;
  }
  return r;
}

template <typename F> Tensor unary(const Tensor &x, F fn) {
  Tensor r = x;
  for (float &v : r.f)
    v = (float)fn((double)v);
  return r;
}

Tensor conv2d(edge::Conv2DOp op, const Tensor &x, const Tensor &w, const Tensor *bias) {
  auto out = shapeOfValue(op.getOutput());
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t M = w.shape[0], KH = w.shape[2], KW = w.shape[3];
  int64_t OH = out[2], OW = out[3], G = op.getGroup(), Cg = C / G, Mg = M / G;
  Tensor r = Tensor::zeros(DType::F32, out);
  int64_t K = Cg * KH * KW, P = OH * OW;
  RowMatrix col(K, P);
  std::vector<int64_t> ihs = inputIndexTable(op, 0, OH, KH, H), iws = inputIndexTable(op, 1, OW, KW, W);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < G; ++g) {
      for (int64_t c = 0; c < Cg; ++c)
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            int64_t row = (c * KH + kh) * KW + kw;
            for (int64_t oh = 0; oh < OH; ++oh)
              for (int64_t ow = 0; ow < OW; ++ow) {
                int64_t ih = ihs[oh * KH + kh], iw = iws[ow * KW + kw];
                col(row, oh * OW + ow) =
                    ih < 0 || iw < 0
                        ? 0.f
                        : x.f[((n * C + g * Cg + c) * H + ih) * W + iw];
              }
          }
      ConstRowMap wm(w.f.data() + g * Mg * K, Mg, K);
      RowMap om(r.f.data() + (n * M + g * Mg) * P, Mg, P);
      om.noalias() = (wm.cast<double>() * col.cast<double>()).cast<float>();
      if (bias)
        for (int64_t m = 0; m < Mg; ++m)
          om.row(m).array() += bias->f[g * Mg + m];
    }
  return r;
}

Tensor gemm(edge::GemmOp op, const Tensor &a, const Tensor &b, const Tensor *c) {
  ConstRowMap am(a.f.data(), a.shape[0], a.shape[1]), bm(b.f.data(), b.shape[0], b.shape[1]);
  Eigen::MatrixXd A = am.cast<double>(), B = bm.cast<double>();
  if (op.getTransA()) A.transposeInPlace();
  if (op.getTransB()) B.transposeInPlace();
  Eigen::MatrixXd Y = op.getAlpha().convertToDouble() * (A * B);
  Tensor r = Tensor::zeros(DType::F32, shapeOfValue(op.getOutput()));
  if (c) {
    auto st = broadcastStrides(c->shape, r.shape);
    double beta = op.getBeta().convertToDouble();
    for (int64_t i = 0; i < r.shape[0]; ++i)
      for (int64_t j = 0; j < r.shape[1]; ++j)
        Y(i, j) += beta * c->f[i * st[0] + j * st[1]];
  }
  RowMap(r.f.data(), r.shape[0], r.shape[1]) = Y.cast<float>();
  return r;
}

Tensor matmul(edge::MatMulOp op, const Tensor &a, const Tensor &b) {
  std::vector<int64_t> sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t M = sa[sa.size() - 2], K = sa.back(), N = sb.back();
  std::vector<int64_t> ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  auto batch = broadcastShapes(ba, bb);
  std::vector<int64_t> batchShape(batch->begin(), batch->end());
  auto stA = broadcastStrides(ba, batchShape), stB = broadcastStrides(bb, batchShape);
  Tensor r = Tensor::zeros(DType::F32, shapeOfValue(op.getOutput()));
  int64_t nb = product(batchShape), rank = batchShape.size();
  std::vector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < nb; ++k) {
    int64_t oa = 0, ob = 0;
    for (int64_t dd = 0; dd < rank; ++dd) {
      oa += idx[dd] * stA[dd];
      ob += idx[dd] * stB[dd];
    }
    ConstRowMap am(a.f.data() + oa * M * K, M, K), bm(b.f.data() + ob * K * N, K, N);
    RowMap(r.f.data() + k * M * N, M, N) = (am.cast<double>() * bm.cast<double>()).cast<float>();
    for (int64_t dd = rank - 1; dd >= 0 && ++idx[dd] == batchShape[dd]; --dd)
      idx[dd] = 0;
  }
  return r;
}

template <typename PoolOp> Tensor pool(PoolOp op, const Tensor &x, bool isMax) {
  auto out = shapeOfValue(op.getOutput());
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3], OH = out[2],
          OW = out[3];
  auto k = op.getKernel(), s = op.getStrides(), p = op.getPads(), d = op.getDilations();
  bool includePad = false;
  if constexpr (std::is_same_v<PoolOp, edge::AvgPool2DOp>)
    includePad = op.getCountIncludePad();
  Tensor r = Tensor::zeros(DType::F32, out);
  for (int64_t nc = 0; nc < N * C; ++nc)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        double acc = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
        int64_t count = 0, padCount = 0;
        for (int64_t kh = 0; kh < k[0]; ++kh)
          for (int64_t kw = 0; kw < k[1]; ++kw) {
            int64_t ih = oh * s[0] - p[0] + kh * d[0], iw = ow * s[1] - p[1] + kw * d[1];
            bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            // count_include_pad counts positions inside the padded input only,
            // not those past it that ceil_mode adds.
            if (ih < H + p[2] && iw < W + p[3])
              ++padCount;
            if (!inside)
              continue;
            double v = x.f[(nc * H + ih) * W + iw];
            acc = isMax ? std::max(acc, v) : acc + v;
            ++count;
          }
        if (!isMax)
          acc /= std::max<int64_t>(includePad ? padCount : count, 1);
        r.f[(nc * OH + oh) * OW + ow] = (float)acc;
      }
  return r;
}

/// A tensor viewed as [outer, len, inner] around `axis`.
struct AxisSplit {
  int64_t outer = 1, len = 1, inner = 1;
  AxisSplit(const std::vector<int64_t> &shape, int64_t axis) {
    for (int64_t d = 0; d < (int64_t)shape.size(); ++d)
      (d < axis ? outer : d == axis ? len : inner) *= shape[d];
  }
};

/// Index of the first (or last) maximum / minimum along `axis`.
Tensor argExtreme(const Tensor &x, int64_t axis, bool last, const std::vector<int64_t> &outShape,
                  bool isMax) {
  Tensor r = Tensor::zeros(DType::I64, outShape);
  auto [outer, len, inner] = AxisSplit(x.shape, axis);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      int64_t best = 0;
      for (int64_t k = 1; k < len; ++k) {
        double v = x.at((a * len + k) * inner + b), w = x.at((a * len + best) * inner + b);
        bool better = isMax ? (last ? v >= w : v > w) : (last ? v <= w : v < w);
        if (better)
          best = k;
      }
      r.i[a * inner + b] = best;
    }
  return r;
}

enum class Normalize { Softmax, LogSoftmax, Hardmax };

/// Softmax, log-softmax or hardmax along `axis`, in double.
FailureOr<Tensor> normalize(const Tensor &x, int64_t axis, Normalize kind) {
  Tensor r = x;
  auto [outer, len, inner] = AxisSplit(x.shape, axis);
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      const float *px = x.f.data() + a * len * inner + b;
      float *pr = r.f.data() + a * len * inner + b;
      double mx = -INFINITY, sum = 0;
      int64_t arg = 0;
      for (int64_t k = 0; k < len; ++k)
        if (px[k * inner] > mx) {
          mx = px[k * inner];
          arg = k;
        }
      for (int64_t k = 0; k < len; ++k)
        sum += std::exp(px[k * inner] - mx);
      for (int64_t k = 0; k < len; ++k) {
        double d = px[k * inner] - mx;
        pr[k * inner] = kind == Normalize::Softmax      ? (float)(std::exp(d) / sum)
                        : kind == Normalize::LogSoftmax ? (float)(d - std::log(sum))
                                                        : (k == arg ? 1.f : 0.f);
      }
    }
  return r;
}

/// Any edge.reduce_*: accumulate in double, then finish (mean, sqrt, log).
Tensor reduce(Operation *op, ArrayRef<int64_t> axes, ReduceKind kind, const Tensor &x) {
  Tensor r = Tensor::zeros(x.dtype, shapeOfValue(op->getResult(0)));
  std::vector<int64_t> keptShape;
  for (size_t k = 0; k < x.shape.size(); ++k)
    keptShape.push_back(llvm::is_contained(axes, (int64_t)k) ? 1 : x.shape[k]);
  auto outStrides = stridesOf(keptShape);
  const double inf = std::numeric_limits<double>::infinity();
  double init = kind == ReduceKind::Max ? -inf
                : kind == ReduceKind::Min ? inf
                : kind == ReduceKind::Prod ? 1.0
                                           : 0.0;
  std::vector<double> acc(r.numElements(), init);
  int64_t n = x.numElements(), rank = x.shape.size(), reducedCount = 1;
  for (int64_t a : axes)
    reducedCount *= x.shape[a];
  std::vector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t o = 0;
    for (int64_t dd = 0; dd < rank; ++dd)
      o += (keptShape[dd] == 1 ? 0 : idx[dd]) * outStrides[dd];
    double v = x.at(k), &a = acc[o];
    switch (kind) {
    case ReduceKind::Max: a = std::max(a, v); break;
    case ReduceKind::Min: a = std::min(a, v); break;
    case ReduceKind::Prod: a *= v; break;
    case ReduceKind::L1: a += std::fabs(v); break;
    case ReduceKind::L2: case ReduceKind::SumSquare: a += v * v; break;
    case ReduceKind::LogSumExp: a += std::exp(v); break;
    default: a += v; break;
    }
    for (int64_t dd = rank - 1; dd >= 0 && ++idx[dd] == x.shape[dd]; --dd)
      idx[dd] = 0;
  }
  for (int64_t k = 0; k < r.numElements(); ++k) {
    double v = acc[k];
    switch (kind) {
    case ReduceKind::Mean: v /= std::max<int64_t>(reducedCount, 1); break;
    case ReduceKind::L2: v = std::sqrt(v); break;
    case ReduceKind::LogSum: case ReduceKind::LogSumExp: v = std::log(v); break;
    default: break;
    }
    if (r.isFloat()) r.f[k] = (float)v;
    else r.i[k] = (int64_t)v;
  }
  return r;
}

// Generic gather of elements: out[k] = in[src(k)].
Tensor remap(const Tensor &x, const std::vector<int64_t> &outShape,
             const std::function<int64_t(const std::vector<int64_t> &)> &src) {
  Tensor r = Tensor::zeros(x.dtype, outShape);
  int64_t n = r.numElements(), rank = outShape.size();
  std::vector<int64_t> idx(rank, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t s = src(idx);
    if (r.isFloat()) r.f[k] = s < 0 ? 0.f : x.f[s];
    else r.i[k] = s < 0 ? 0 : x.i[s];
    for (int64_t dd = rank - 1; dd >= 0 && ++idx[dd] == outShape[dd]; --dd)
      idx[dd] = 0;
  }
  return r;
}

/// b^e in wrapping 64-bit arithmetic by squaring (the result is then wrapped
/// to the tensor's width); a negative exponent gives 0, as integer division
/// would.
int64_t ipow(int64_t b, int64_t e) {
  if (e < 0)
    return 0;
  uint64_t r = 1, base = (uint64_t)b;
  for (uint64_t n = (uint64_t)e; n; n >>= 1, base *= base)
    if (n & 1)
      r *= base;
  return (int64_t)r;
}

/// Applies a clamp fused by edge-fuse-activation (act_min / act_max).
void applyFusedActivation(Operation *op, Tensor &r) {
  auto lo = op->getAttrOfType<FloatAttr>("act_min");
  auto hi = op->getAttrOfType<FloatAttr>("act_max");
  if ((!lo && !hi) || !r.isFloat())
    return;
  float l = lo ? lo.getValue().convertToFloat() : -INFINITY;
  float h = hi ? hi.getValue().convertToFloat() : INFINITY;
  for (float &v : r.f)
    v = std::min(std::max(v, l), h);
}

/// Index `v` into dimension `dim` of size `len` made non-negative, or a
/// diagnostic on `op` when it is outside [-len, len) (ONNX leaves such
/// indices undefined; the kernels clamp them, the oracle refuses them).
std::optional<int64_t> checkedIndex(Operation *op, int64_t v, int64_t len, int64_t dim) {
  if (v >= -len && v < len)
    return v < 0 ? v + len : v;
  op->emitError("index ") << v << " out of range for dimension " << dim << " of size " << len;
  return std::nullopt;
}

/// edge.grid_sample, following PyTorch's grid_sample (the op's reference) in
/// double: unnormalize, apply the padding mode to the source coordinate (to
/// each tap's for bicubic), interpolate; taps outside read 0.
Tensor evaluateGridSample(edge::GridSampleOp o, const Tensor &x, const Tensor &grid) {
  int64_t n = x.shape[0], ch = x.shape[1], h = x.shape[2], w = x.shape[3];
  int64_t oh = grid.shape[1], ow = grid.shape[2];
  bool align = o.getAlignCorners();
  edge::SampleMode mode = o.getMode();
  edge::SamplePadding pad = o.getPaddingMode();
  auto unnormalize = [&](double g, int64_t size) {
    return align ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;
  };
  auto reflect = [](double v, double twiceLow, double twiceHigh) {
    if (twiceLow == twiceHigh)
      return 0.0;
    double lo = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
    v = std::fabs(v - lo);
    double extra = std::fmod(v, span);
    int64_t flips = (int64_t)std::floor(v / span);
    return flips % 2 == 0 ? extra + lo : span - extra + lo;
  };
  auto padCoord = [&](double v, int64_t size) {
    if (pad == edge::SamplePadding::Border)
      return std::clamp(v, 0.0, (double)(size - 1));
    if (pad == edge::SamplePadding::Reflection) {
      v = align ? reflect(v, 0, 2.0 * (size - 1)) : reflect(v, -1, 2.0 * size - 1);
      return std::clamp(v, 0.0, (double)(size - 1));
    }
    return v;
  };
  Tensor r = Tensor::zeros(DType::F32, {n, ch, oh, ow});
  // A tap at integral (yy, xx), 0 outside the input (NaN and huge values too).
  auto at = [&](int64_t b, int64_t c, double yy, double xx) -> double {
    if (!(yy >= 0 && yy <= h - 1 && xx >= 0 && xx <= w - 1))
      return 0.0;
    return (double)x.f[((b * ch + c) * h + (int64_t)yy) * w + (int64_t)xx];
  };
  auto cubic = [](double t) {
    const double a = -0.75;
    double t1 = t + 1, t2 = 1 - t, t3 = 2 - t;
    return std::array<double, 4>{((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a,
                                 ((a + 2) * t - (a + 3)) * t * t + 1,
                                 ((a + 2) * t2 - (a + 3)) * t2 * t2 + 1,
                                 ((a * t3 - 5 * a) * t3 + 8 * a) * t3 - 4 * a};
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        const float *gp = &grid.f[((b * oh + i) * ow + j) * 2];
        double gx = unnormalize(gp[0], w), gy = unnormalize(gp[1], h);
        for (int64_t c = 0; c < ch; ++c) {
          double v = 0;
          if (mode == edge::SampleMode::Bicubic) {
            double x0 = std::floor(gx), y0 = std::floor(gy);
            auto cx = cubic(gx - x0), cy = cubic(gy - y0);
            for (int q = 0; q < 4; ++q)
              for (int p = 0; p < 4; ++p) {
                double tx = x0 - 1 + p, ty = y0 - 1 + q;
                if (pad != edge::SamplePadding::Zeros) {
                  tx = padCoord(tx, w);
                  ty = padCoord(ty, h);
                }
                v += cy[q] * cx[p] * at(b, c, ty, tx);
              }
          } else {
            double px = padCoord(gx, w), py = padCoord(gy, h);
            if (mode == edge::SampleMode::Nearest) {
              v = at(b, c, std::nearbyint(py), std::nearbyint(px));
            } else {
              double x0 = std::floor(px), y0 = std::floor(py), fx = px - x0, fy = py - y0;
              v = at(b, c, y0, x0) * (1 - fx) * (1 - fy) + at(b, c, y0, x0 + 1) * fx * (1 - fy) +
                  at(b, c, y0 + 1, x0) * (1 - fx) * fy + at(b, c, y0 + 1, x0 + 1) * fx * fy;
            }
          }
          r.f[((b * ch + c) * oh + i) * ow + j] = (float)v;
        }
      }
  return r;
}

} // namespace

RecurrentOperands recurrentOperands(edge::RecurrentOp o, ArrayRef<const Tensor *> in) {
  RecurrentOperands t{in[0], in[1], in[2]};
  for (auto [k, v] : llvm::enumerate(o->getOperands())) {
    if (v == o.getBias()) t.bias = in[k];
    else if (v == o.getSequenceLens()) t.lens = in[k];
    else if (v == o.getInitialH()) t.h0 = in[k];
    else if (v == o.getInitialC()) t.c0 = in[k];
    else if (v == o.getPeepholes()) t.peep = in[k];
  }
  return t;
}

namespace {

/// edge.recurrent: ONNX's RNN / GRU / LSTM equations step by step, in
/// double, into the packed [T + S, D, B, H] result.
Tensor evaluateRecurrent(edge::RecurrentOp o, ArrayRef<const Tensor *> in) {
  RecurrentOperands ops = recurrentOperands(o, in);
  const Tensor *x = ops.x, *w = ops.w, *r = ops.r, *bias = ops.bias, *lens = ops.lens,
               *h0 = ops.h0, *c0 = ops.c0, *peep = ops.peep;
  int64_t t = x->shape[0], nb = x->shape[1], ni = x->shape[2], nh = o.getHiddenSize();
  int64_t nd = o.numDirections(), ng = o.numGates();
  bool lstm = o.getCell() == edge::RecurrentCell::Lstm;
  bool gru = o.getCell() == edge::RecurrentCell::Gru;
  size_t perDir = lstm ? 3 : gru ? 2 : 1;
  double clip = o.getClip().convertToDouble();
  auto actAt = [&](int64_t dir, size_t k, double v) {
    size_t a = dir * perDir + k;
    if (clip > 0)
      v = std::clamp(v, -clip, clip);
    return applyRecurrentActivation(cast<StringAttr>(o.getActivations()[a]).getValue(),
                                    o.getActivationAlpha()[a], o.getActivationBeta()[a], v);
  };
  Tensor out = Tensor::zeros(DType::F32, {t + (lstm ? 2 : 1), nd, nb, nh});
  auto at = [&](int64_t row, int64_t dir, int64_t b) {
    return &out.f[((row * nd + dir) * nb + b) * nh];
  };
  std::vector<double> g(ng * nh), hPrev(nh), cPrev(nh);
  for (int64_t dir = 0; dir < nd; ++dir) {
    bool reverse = o.getDirection() == edge::RecurrentDirection::Reverse || dir == 1;
    const float *W = &w->f[dir * ng * nh * ni], *R = &r->f[dir * ng * nh * nh];
    const float *Wb = bias ? &bias->f[dir * 2 * ng * nh] : nullptr;
    const float *P = peep ? &peep->f[dir * 3 * nh] : nullptr;
    for (int64_t b = 0; b < nb; ++b) {
      int64_t len = lens ? lens->i[b] : t;
      for (int64_t j = 0; j < nh; ++j) {
        hPrev[j] = h0 ? h0->f[(dir * nb + b) * nh + j] : 0.0;
        cPrev[j] = c0 ? c0->f[(dir * nb + b) * nh + j] : 0.0;
      }
      for (int64_t s = 0; s < len; ++s) {
        int64_t step = reverse ? len - 1 - s : s;
        const float *xt = &x->f[(step * nb + b) * ni];
        // Gate pre-activations: x W^T + Wb + (h R^T + Rb), the recurrent
        // term of GRU's h gate left out (it depends on r).
        for (int64_t q = 0; q < ng * nh; ++q) {
          double v = Wb ? (double)Wb[q] : 0.0;
          for (int64_t i = 0; i < ni; ++i)
            v += (double)xt[i] * W[q * ni + i];
          if (!(gru && q >= 2 * nh)) {
            v += Wb ? (double)Wb[ng * nh + q] : 0.0;
            for (int64_t k = 0; k < nh; ++k)
              v += hPrev[k] * R[q * nh + k];
          }
          g[q] = v;
        }
        float *y = at(step, dir, b);
        if (o.getCell() == edge::RecurrentCell::Rnn) {
          for (int64_t j = 0; j < nh; ++j)
            hPrev[j] = actAt(dir, 0, g[j]);
        } else if (gru) {
          std::vector<double> z(nh), rg(nh), hn(nh);
          for (int64_t j = 0; j < nh; ++j) {
            z[j] = actAt(dir, 0, g[j]);
            rg[j] = actAt(dir, 0, g[nh + j]);
          }
          for (int64_t j = 0; j < nh; ++j) {
            const float *Rh = R + (2 * nh + j) * nh;
            double rb = Wb ? (double)Wb[ng * nh + 2 * nh + j] : 0.0, v = 0;
            if (o.getLinearBeforeReset()) {
              for (int64_t k = 0; k < nh; ++k)
                v += hPrev[k] * Rh[k];
              v = rg[j] * (v + rb);
            } else {
              for (int64_t k = 0; k < nh; ++k)
                v += rg[k] * hPrev[k] * Rh[k];
              v += rb;
            }
            hn[j] = actAt(dir, 1, g[2 * nh + j] + v);
          }
          for (int64_t j = 0; j < nh; ++j)
            hPrev[j] = (1 - z[j]) * hn[j] + z[j] * hPrev[j];
        } else { // LSTM, gates i, o, f, c; peepholes i, o, f
          for (int64_t j = 0; j < nh; ++j) {
            double gi = g[j] + (P ? P[j] * cPrev[j] : 0.0);
            double it = actAt(dir, 0, gi);
            double ft = o.getInputForget()
                            ? 1 - it
                            : actAt(dir, 0, g[2 * nh + j] + (P ? P[2 * nh + j] * cPrev[j] : 0.0));
            double ct = actAt(dir, 1, g[3 * nh + j]);
            cPrev[j] = ft * cPrev[j] + it * ct;
            double ot = actAt(dir, 0, g[nh + j] + (P ? P[nh + j] * cPrev[j] : 0.0));
            hPrev[j] = ot * actAt(dir, 2, cPrev[j]);
          }
        }
        for (int64_t j = 0; j < nh; ++j)
          y[j] = (float)hPrev[j];
      }
      for (int64_t j = 0; j < nh; ++j) {
        at(t, dir, b)[j] = (float)hPrev[j];
        if (lstm)
          at(t + 1, dir, b)[j] = (float)cPrev[j];
      }
    }
  }
  return out;
}

FailureOr<Tensor> evaluateCore(Operation *op, ArrayRef<const Tensor *> in) {
  if (quant::hasIntegerSemantics(op))
    return evaluateQuantizedOp(op, in);
  std::vector<int64_t> outShape =
      op->getNumResults() ? shapeOfValue(op->getResult(0)) : std::vector<int64_t>{};
  auto fail = [&]() -> FailureOr<Tensor> {
    op->emitError("the reference evaluator does not support '")
        << op->getName() << "' on these element types";
    return failure();
  };
  if (std::function<double(double)> fn = realFunction(op); fn && in[0]->isFloat())
    return unary(*in[0], fn);
  if (std::optional<ReduceKind> kind = reduceKindOf(op))
    return reduce(op, op->getAttrOfType<DenseI64ArrayAttr>("axes").asArrayRef(), *kind, *in[0]);
  return llvm::TypeSwitch<Operation *, FailureOr<Tensor>>(op)
      .Case([&](edge::ConstantOp c) -> FailureOr<Tensor> {
        return tensorFromAttr(c.getValue());
      })
      .Case([&](edge::AddOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) { return a + b; });
      })
      .Case([&](edge::SubOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) { return a - b; });
      })
      .Case([&](edge::MulOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) { return a * b; });
      })
      .Case([&](edge::DivOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (std::is_integral_v<decltype(a)>)
            return b == 0 ? 0 : a / b; // ONNX leaves it undefined; never trap
          else
            return a / b;
        });
      })
      .Case([&](edge::PowOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (std::is_integral_v<decltype(a)>)
            return ipow(a, b);
          else
            return std::pow(a, b);
        });
      })
      .Case([&](edge::ModOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (std::is_integral_v<decltype(a)>) {
            if (b == 0)
              return 0;
            auto r = a % b;
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
          } else {
            auto r = std::fmod(a, b);
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
          }
        });
      })
      .Case<edge::ShiftLeftOp, edge::ShiftRightOp>([&](auto o) -> FailureOr<Tensor> {
        // Unsigned operands (the verifier's), in uint64_t: a shift past the
        // element's width leaves no bits once wrapped; past 64, 0 directly.
        constexpr bool left = std::is_same_v<decltype(o), edge::ShiftLeftOp>;
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (std::is_floating_point_v<decltype(a)>)
            return 0;
          else {
            uint64_t x = (uint64_t)a, n = (uint64_t)b;
            return (decltype(a))(n >= 64 ? 0 : left ? x << n : x >> n);
          }
        });
      })
      .Case<edge::BitwiseAndOp, edge::BitwiseOrOp, edge::BitwiseXorOp>(
          [&](auto o) -> FailureOr<Tensor> {
            // Integers (the verifier's): on the int64 values, then wrapped to
            // the element's width, which the bits of every width survive.
            using OpT = decltype(o);
            return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
              if constexpr (std::is_floating_point_v<decltype(a)>)
                return 0;
              else if constexpr (std::is_same_v<OpT, edge::BitwiseAndOp>)
                return a & b;
              else if constexpr (std::is_same_v<OpT, edge::BitwiseOrOp>)
                return a | b;
              else
                return a ^ b;
            });
          })
      .Case([&](edge::FmodOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (std::is_integral_v<decltype(a)>)
            return b == 0 ? 0 : a % b;
          else
            return std::fmod(a, b);
        });
      })
      .Case([&](edge::MaxOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (!std::is_integral_v<decltype(a)>)
            if (std::isnan(a) || std::isnan(b))
              return NAN;
          return std::max(a, b);
        });
      })
      .Case([&](edge::MinOp) -> FailureOr<Tensor> {
        return binary(*in[0], *in[1], outShape, [](auto a, auto b) -> decltype(a) {
          if constexpr (!std::is_integral_v<decltype(a)>)
            if (std::isnan(a) || std::isnan(b))
              return NAN;
          return std::min(a, b);
        });
      })
      .Case([&](edge::TriluOp o) -> FailureOr<Tensor> {
        Tensor r = *in[0];
        int64_t rows = r.shape[r.shape.size() - 2], cols = r.shape.back(), k = (int64_t)o.getK();
        for (int64_t e = 0; e < r.numElements(); ++e) {
          int64_t i = (e / cols) % rows, j = e % cols;
          bool keep = o.getUpper() ? j - i >= k : j - i <= k;
          if (!keep) {
            if (r.isFloat()) r.f[e] = 0;
            else r.i[e] = 0;
          }
        }
        return r;
      })
      .Case([&](edge::ArgMaxOp o) {
        return argExtreme(*in[0], o.getAxis(), o.getSelectLastIndex(), shapeOfValue(o), true);
      })
      .Case([&](edge::ArgMinOp o) {
        return argExtreme(*in[0], o.getAxis(), o.getSelectLastIndex(), shapeOfValue(o), false);
      })
      .Case([&](edge::EqualOp o) { return predicate(o, *in[0], *in[1], std::equal_to<>()); })
      .Case([&](edge::LessOp o) { return predicate(o, *in[0], *in[1], std::less<>()); })
      .Case([&](edge::LessOrEqualOp o) { return predicate(o, *in[0], *in[1], std::less_equal<>()); })
      .Case([&](edge::GreaterOp o) { return predicate(o, *in[0], *in[1], std::greater<>()); })
      .Case([&](edge::GreaterOrEqualOp o) {
        return predicate(o, *in[0], *in[1], std::greater_equal<>());
      })
      .Case([&](edge::AndOp o) {
        return predicate(o, *in[0], *in[1], [](auto a, auto b) { return a && b; });
      })
      .Case([&](edge::OrOp o) {
        return predicate(o, *in[0], *in[1], [](auto a, auto b) { return a || b; });
      })
      .Case([&](edge::XorOp o) {
        return predicate(o, *in[0], *in[1], [](auto a, auto b) { return (a != 0) != (b != 0); });
      })
      .Case([&](edge::NotOp) -> FailureOr<Tensor> {
        Tensor r = *in[0];
        for (int64_t &v : r.i)
          v = !v;
        return r;
      })
      .Case([&](edge::WhereOp o) -> FailureOr<Tensor> {
        Tensor r = Tensor::zeros(in[1]->dtype, shapeOfValue(o.getOutput()));
        broadcastLoop({in[0], in[1], in[2]}, r.shape,
                      [&](int64_t k, const std::vector<int64_t> &at) {
                        const Tensor &src = in[0]->i[at[0]] ? *in[1] : *in[2];
                        int64_t i = in[0]->i[at[0]] ? at[1] : at[2];
                        if (r.isFloat())
                          r.f[k] = src.f[i];
                        else
                          r.i[k] = src.i[i];
                      });
        return r;
      })
      .Case([&](edge::SoftmaxOp o) { return normalize(*in[0], o.getAxis(), Normalize::Softmax); })
      .Case([&](edge::LogSoftmaxOp o) {
        return normalize(*in[0], o.getAxis(), Normalize::LogSoftmax);
      })
      .Case([&](edge::HardmaxOp o) { return normalize(*in[0], o.getAxis(), Normalize::Hardmax); })
      .Case([&](edge::Conv2DOp o) -> FailureOr<Tensor> {
        return conv2d(o, *in[0], *in[1], in.size() > 2 ? in[2] : nullptr);
      })
      .Case([&](edge::GemmOp o) -> FailureOr<Tensor> {
        return gemm(o, *in[0], *in[1], in.size() > 2 ? in[2] : nullptr);
      })
      .Case([&](edge::MatMulOp o) -> FailureOr<Tensor> { return matmul(o, *in[0], *in[1]); })
      .Case([&](edge::MaxPool2DOp o) -> FailureOr<Tensor> { return pool(o, *in[0], true); })
      .Case([&](edge::MaxPool2DIndicesOp o) -> FailureOr<Tensor> {
        // The first window position (row-major) holding the maximum; a
        // window of only -inf or NaN keeps its first valid position.
        const Tensor &x = *in[0];
        int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
        int64_t oh = outShape[2], ow = outShape[3];
        auto k = o.getKernel(), s = o.getStrides(), p = o.getPads(), d = o.getDilations();
        Tensor r = Tensor::zeros(DType::I64, outShape);
        for (int64_t pl = 0; pl < planes; ++pl)
          for (int64_t i = 0; i < oh; ++i)
            for (int64_t j = 0; j < ow; ++j) {
              int64_t best = -1, bh = 0, bw = 0;
              for (int64_t a = 0; a < k[0]; ++a)
                for (int64_t b = 0; b < k[1]; ++b) {
                  int64_t ih = i * s[0] - p[0] + a * d[0], iw = j * s[1] - p[1] + b * d[1];
                  if (ih < 0 || ih >= h || iw < 0 || iw >= w)
                    continue;
                  int64_t at = (pl * h + ih) * w + iw;
                  if (best < 0 || x.f[at] > x.f[best]) {
                    best = at;
                    bh = ih;
                    bw = iw;
                  }
                }
              r.i[(pl * oh + i) * ow + j] =
                  pl * h * w + (o.getColumnMajor() ? bh + bw * h : bh * w + bw);
            }
        return r;
      })
      .Case([&](edge::AvgPool2DOp o) -> FailureOr<Tensor> { return pool(o, *in[0], false); })
      .Case([&](edge::GlobalAvgPoolOp) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        Tensor r = Tensor::zeros(DType::F32, outShape);
        int64_t nc = x.shape[0] * x.shape[1], hw = x.numElements() / std::max<int64_t>(nc, 1);
        for (int64_t k = 0; k < nc; ++k) {
          double s = 0;
          for (int64_t j = 0; j < hw; ++j) s += x.f[k * hw + j];
          r.f[k] = (float)(s / hw);
        }
        return r;
      })
      .Case([&](edge::BatchNormOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        Tensor r = x;
        int64_t C = x.shape[1], inner = x.numElements() / std::max<int64_t>(x.shape[0] * C, 1);
        double eps = o.getEpsilon().convertToDouble();
        for (int64_t n = 0; n < x.shape[0]; ++n)
          for (int64_t c = 0; c < C; ++c) {
            double scale = in[1]->f[c] / std::sqrt((double)in[4]->f[c] + eps);
            for (int64_t j = 0; j < inner; ++j) {
              int64_t k = (n * C + c) * inner + j;
              r.f[k] = (float)((x.f[k] - in[3]->f[c]) * scale + in[2]->f[c]);
            }
          }
        return r;
      })
      .Case([&](edge::LayerNormOp o) -> FailureOr<Tensor> {
        // Each row on its own, in double: mean, then the mean square of
        // (x - mean) (or of x for RMS), then the scaled, shifted values.
        const Tensor &x = *in[0];
        const Tensor *scale = o.getScale() ? in[1] : nullptr;
        const Tensor *bias = o.getBias() ? in[o.getScale() ? 2 : 1] : nullptr;
        int64_t inner = 1;
        for (size_t d = o.getAxis(); d < x.shape.size(); ++d) inner *= x.shape[d];
        int64_t rows = inner ? x.numElements() / inner : 0;
        double eps = o.getEpsilon().convertToDouble();
        Tensor r = x;
        for (int64_t row = 0; row < rows; ++row) {
          const float *xr = x.f.data() + row * inner;
          double mean = 0, sq = 0;
          if (!o.getRms()) {
            for (int64_t j = 0; j < inner; ++j) mean += xr[j];
            mean /= inner;
          }
          for (int64_t j = 0; j < inner; ++j) sq += (xr[j] - mean) * (xr[j] - mean);
          double inv = 1.0 / std::sqrt(sq / inner + eps);
          for (int64_t j = 0; j < inner; ++j) {
            double y = (xr[j] - mean) * inv;
            if (scale) y *= scale->f[j];
            if (bias) y += bias->f[j];
            r.f[row * inner + j] = (float)y;
          }
        }
        return r;
      })
      .Case([&](edge::ReshapeOp) -> FailureOr<Tensor> {
        Tensor r = *in[0];
        r.shape = outShape;
        return r;
      })
      .Case([&](edge::TransposeOp o) -> FailureOr<Tensor> {
        return transposed(*in[0], std::vector<int64_t>(o.getPerm().begin(), o.getPerm().end()));
      })
      .Case([&](edge::ConcatOp o) -> FailureOr<Tensor> {
        int64_t axis = o.getAxis();
        Tensor r = Tensor::zeros(in[0]->dtype, outShape);
        int64_t outer = 1, inner = 1;
        for (int64_t k = 0; k < axis; ++k) outer *= outShape[k];
        for (size_t k = axis + 1; k < outShape.size(); ++k) inner *= outShape[k];
        int64_t off = 0;
        for (const Tensor *t : in) {
          int64_t chunk = t->shape[axis] * inner;
          for (int64_t a = 0; a < outer; ++a)
            for (int64_t j = 0; j < chunk; ++j) {
              int64_t dst = a * outShape[axis] * inner + off + j, src = a * chunk + j;
              if (r.isFloat()) r.f[dst] = t->f[src];
              else r.i[dst] = t->i[src];
            }
          off += chunk;
        }
        return r;
      })
      .Case([&](edge::SliceOp o) -> FailureOr<Tensor> {
        auto st = stridesOf(in[0]->shape);
        auto starts = o.getStarts(), steps = o.getSteps();
        return remap(*in[0], outShape, [&](const std::vector<int64_t> &idx) {
          int64_t s = 0;
          for (size_t k = 0; k < idx.size(); ++k) s += (starts[k] + idx[k] * steps[k]) * st[k];
          return s;
        });
      })
      .Case([&](edge::PadOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        auto pads = o.getPads();
        edge::PadMode mode = o.getMode();
        int64_t rank = x.shape.size();
        auto st = stridesOf(x.shape);
        Tensor r = remap(x, outShape, [&](const std::vector<int64_t> &idx) -> int64_t {
          int64_t s = 0;
          for (int64_t k = 0; k < rank; ++k) {
            int64_t i = idx[k] - pads[k], n = x.shape[k];
            if (i < 0 || i >= n) {
              if (mode == edge::PadMode::Constant) return -1;
              if (mode == edge::PadMode::Edge) i = i < 0 ? 0 : n - 1;
              else { // reflect
                int64_t period = 2 * (n - 1);
                if (period == 0) i = 0;
                else {
                  i = ((i % period) + period) % period;
                  if (i >= n) i = period - i;
                }
              }
            }
            s += i * st[k];
          }
          return s;
        });
        // Constant padding value for the positions remap left at zero.
        float v = o.getValue().convertToFloat();
        if (mode == edge::PadMode::Constant && v != 0.f) {
          std::vector<int64_t> idx(rank, 0);
          for (int64_t k = 0; k < r.numElements(); ++k) {
            bool outside = false;
            for (int64_t d = 0; d < rank; ++d)
              outside |= idx[d] - pads[d] < 0 || idx[d] - pads[d] >= x.shape[d];
            if (outside && r.isFloat()) r.f[k] = v;
            else if (outside) r.i[k] = (int64_t)v;
            for (int64_t d = rank - 1; d >= 0 && ++idx[d] == outShape[d]; --d) idx[d] = 0;
          }
        }
        return r;
      })
      .Case([&](edge::GatherOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0], &ind = *in[1];
        int64_t axis = o.getAxis(), len = x.shape[axis];
        for (int64_t v : ind.i)
          if (!checkedIndex(o, v, len, axis))
            return failure();
        auto st = stridesOf(x.shape);
        int64_t ir = ind.shape.size();
        auto ist = stridesOf(ind.shape);
        return remap(x, outShape, [&](const std::vector<int64_t> &idx) {
          int64_t s = 0;
          for (int64_t k = 0; k < axis; ++k) s += idx[k] * st[k];
          int64_t q = 0;
          for (int64_t k = 0; k < ir; ++k) q += idx[axis + k] * ist[k];
          int64_t v = ind.i[q];
          s += (v < 0 ? v + len : v) * st[axis];
          for (size_t k = axis + 1; k < x.shape.size(); ++k) s += idx[k + ir - 1] * st[k];
          return s;
        });
      })
      .Case([&](edge::GatherElementsOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0], &ind = *in[1];
        int64_t axis = o.getAxis(), len = x.shape[axis];
        for (int64_t v : ind.i)
          if (!checkedIndex(o, v, len, axis))
            return failure();
        auto st = stridesOf(x.shape), ist = stridesOf(ind.shape);
        return remap(x, outShape, [&](const std::vector<int64_t> &idx) {
          int64_t s = 0, q = 0;
          for (size_t k = 0; k < idx.size(); ++k)
            q += idx[k] * ist[k];
          int64_t v = ind.i[q];
          for (size_t k = 0; k < idx.size(); ++k)
            s += ((int64_t)k == axis ? (v < 0 ? v + len : v) : idx[k]) * st[k];
          return s;
        });
      })
      .Case<edge::ScatterElementsOp, edge::ScatterNDOp>([&](auto o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0], &ind = *in[1], &upd = *in[2];
        Tensor r = x;
        auto st = stridesOf(x.shape);
        edge::ScatterReduction red = o.getReduction();
        auto combine = [&](int64_t dst, int64_t src) {
          auto apply = [&](auto &out, auto v) {
            switch (red) {
            case edge::ScatterReduction::Add: out[dst] += v; break;
            case edge::ScatterReduction::Mul: out[dst] *= v; break;
            case edge::ScatterReduction::Max: out[dst] = std::max(out[dst], v); break;
            case edge::ScatterReduction::Min: out[dst] = std::min(out[dst], v); break;
            case edge::ScatterReduction::None: out[dst] = v; break;
            }
          };
          if (r.isFloat()) apply(r.f, upd.f[src]);
          else apply(r.i, upd.i[src]);
        };
        std::string bad;
        if constexpr (std::is_same_v<decltype(o), edge::ScatterElementsOp>) {
          int64_t axis = o.getAxis(), len = x.shape[axis], rank = x.shape.size();
          std::vector<int64_t> idx(rank, 0);
          for (int64_t k = 0; k < ind.numElements(); ++k) {
            std::optional<int64_t> v = checkedIndex(o, ind.i[k], len, axis);
            if (!v)
              return failure();
            int64_t dst = 0;
            for (int64_t d = 0; d < rank; ++d)
              dst += (d == axis ? *v : idx[d]) * st[d];
            combine(dst, k);
            for (int64_t d = rank - 1; d >= 0 && ++idx[d] == ind.shape[d]; --d)
              idx[d] = 0;
          }
        } else {
          int64_t q = ind.shape.back(), tuples = ind.numElements() / q;
          int64_t slice = product(std::vector<int64_t>(x.shape.begin() + q, x.shape.end()));
          for (int64_t t = 0; t < tuples; ++t) {
            int64_t base = 0;
            for (int64_t d = 0; d < q; ++d) {
              std::optional<int64_t> v = checkedIndex(o, ind.i[t * q + d], x.shape[d], d);
              if (!v)
                return failure();
              base += *v * st[d];
            }
            for (int64_t e = 0; e < slice; ++e)
              combine(base + e, t * slice + e);
          }
        }
        return r;
      })
      .Case([&](edge::GatherNDOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0], &ind = *in[1];
        int64_t b = o.getBatchDims(), q = ind.shape.back();
        auto st = stridesOf(x.shape);
        int64_t batches = product(std::vector<int64_t>(x.shape.begin(), x.shape.begin() + b));
        int64_t perBatch = ind.numElements() / q / std::max<int64_t>(batches, 1);
        int64_t slice = product(std::vector<int64_t>(x.shape.begin() + b + q, x.shape.end()));
        int64_t batchStride = b ? st[b - 1] : 0;
        Tensor r = Tensor::zeros(x.dtype, outShape);
        int64_t k = 0;
        for (int64_t bi = 0; bi < std::max<int64_t>(batches, 1); ++bi)
          for (int64_t t = 0; t < perBatch; ++t) {
            int64_t base = bi * batchStride;
            const int64_t *tuple = &ind.i[(bi * perBatch + t) * q];
            for (int64_t d = 0; d < q; ++d) {
              std::optional<int64_t> v = checkedIndex(o, tuple[d], x.shape[b + d], b + d);
              if (!v)
                return failure();
              base += *v * st[b + d];
            }
            for (int64_t e = 0; e < slice; ++e, ++k) {
              if (r.isFloat()) r.f[k] = x.f[base + e];
              else r.i[k] = x.i[base + e];
            }
          }
        return r;
      })
      .Case<edge::ReduceRuntimeAxesOp>([&](edge::ReduceRuntimeAxesOp o) -> FailureOr<Tensor> {
        // The run-time axes must give the declared shape: the oracle refuses
        // what the kernel would only keep inside its buffers.
        const Tensor &x = *in[0], &ax = *in[1];
        int64_t rank = x.shape.size();
        std::set<int64_t> axes;
        for (int64_t a : ax.i) {
          if (a < -rank || a >= rank) {
            o.emitError("axis ") << a << " out of range for rank " << rank;
            return failure();
          }
          axes.insert(a < 0 ? a + rank : a);
        }
        SmallVector<int64_t> got = reducedShape(
            x.shape, [&](int64_t d) { return axes.count(d) != 0; }, o.getKeepdims());
        auto declared = cast<ShapedType>(o.getType()).getShape();
        if (ArrayRef<int64_t>(got) != declared) {
          auto diag = o.emitError("axes [");
          llvm::interleaveComma(ax.i, diag);
          diag << "] give shape " << shapeToString(std::vector<int64_t>(got.begin(), got.end()))
               << ", but the model declares " << shapeToString(std::vector<int64_t>(declared.begin(), declared.end()));
          return failure();
        }
        return reduce(o, std::vector<int64_t>(axes.begin(), axes.end()), o.getKind(), x);
      })
      .Case<edge::CumSumOp, edge::CumProdOp>([&](auto o) -> FailureOr<Tensor> {
        constexpr bool prod = std::is_same_v<decltype(o), edge::CumProdOp>;
        const Tensor &x = *in[0];
        Tensor r = x;
        int64_t axis = o.getAxis();
        int64_t outer = product(std::vector<int64_t>(x.shape.begin(), x.shape.begin() + axis));
        int64_t len = x.shape[axis];
        int64_t inner = product(std::vector<int64_t>(x.shape.begin() + axis + 1, x.shape.end()));
        for (int64_t a = 0; a < outer; ++a)
          for (int64_t c = 0; c < inner; ++c) {
            // As the kernel: the running value in the element type, float
            // rounded at every step, integers wrapped to the width.
            float fs = prod ? 1.f : 0.f;
            int64_t is = prod ? 1 : 0;
            for (int64_t j = 0; j < len; ++j) {
              int64_t jj = o.getReverse() ? len - 1 - j : j;
              int64_t k = (a * len + jj) * inner + c;
              if (x.isFloat()) {
                float next = prod ? fs * x.f[k] : fs + x.f[k];
                r.f[k] = o.getExclusive() ? fs : next;
                fs = next;
              } else {
                int64_t next = wrapInteger(x.dtype, prod ? (int64_t)((uint64_t)is * (uint64_t)x.i[k])
                                                         : (int64_t)((uint64_t)is + (uint64_t)x.i[k]));
                r.i[k] = o.getExclusive() ? is : next;
                is = next;
              }
            }
          }
        return r;
      })
      .Case([&](edge::TopKIndicesOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        int64_t axis = o.getAxis(), k = o.getK();
        int64_t outer = product(std::vector<int64_t>(x.shape.begin(), x.shape.begin() + axis));
        int64_t len = x.shape[axis];
        int64_t inner = product(std::vector<int64_t>(x.shape.begin() + axis + 1, x.shape.end()));
        Tensor r = Tensor::zeros(DType::I64, outShape);
        std::vector<int64_t> order(len);
        for (int64_t a = 0; a < outer; ++a)
          for (int64_t c = 0; c < inner; ++c) {
            auto at = [&](int64_t j) { return x.at((a * len + j) * inner + c); };
            for (int64_t j = 0; j < len; ++j)
              order[j] = j;
            std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
              return o.getLargest() ? at(p) > at(q) : at(p) < at(q);
            });
            for (int64_t j = 0; j < k; ++j)
              r.i[(a * k + j) * inner + c] = order[j];
          }
        return r;
      })
      .Case([&](edge::ResampleOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        int64_t axis = o.getAxis(), taps = o.getTaps();
        int64_t outer = product(std::vector<int64_t>(x.shape.begin(), x.shape.begin() + axis));
        int64_t len = x.shape[axis], outLen = outShape[axis];
        int64_t inner = product(std::vector<int64_t>(x.shape.begin() + axis + 1, x.shape.end()));
        auto ind = o.getIndices();
        auto w = o.getWeights();
        float fill = o.getFill().convertToFloat();
        Tensor r = Tensor::zeros(DType::F32, outShape);
        for (int64_t a = 0; a < outer; ++a)
          for (int64_t j = 0; j < outLen; ++j)
            for (int64_t c = 0; c < inner; ++c) {
              float s = 0;
              if (ind[j * taps] == -2) {
                s = fill;
              } else {
                for (int64_t t = 0; t < taps; ++t) {
                  int64_t i = ind[j * taps + t];
                  if (i >= 0)
                    s += w[j * taps + t] * x.f[(a * len + i) * inner + c];
                }
              }
              r.f[(a * outLen + j) * inner + c] = s;
            }
        return r;
      })
      .Case([&](edge::RecurrentOp o) -> FailureOr<Tensor> { return evaluateRecurrent(o, in); })
      .Case([&](edge::RoiAlignOp o) -> FailureOr<Tensor> {
        // ONNX Runtime's RoiAlign, in double.
        const Tensor &x = *in[0], &rois = *in[1], &bi = *in[2];
        int64_t n = x.shape[0], ch = x.shape[1], h = x.shape[2], w = x.shape[3];
        int64_t nr = rois.shape[0], ph = o.getOutputHeight(), pw = o.getOutputWidth();
        double scale = o.getSpatialScale().convertToDouble(), off = o.getHalfPixel() ? 0.5 : 0;
        bool avg = o.getMode() == edge::RoiAlignMode::Avg;
        Tensor r = Tensor::zeros(DType::F32, outShape);
        for (int64_t q = 0; q < nr; ++q) {
          auto b = checkedIndex(o, bi.i[q], n, 0);
          if (!b)
            return failure();
          const float *roi = &rois.f[q * 4];
          double x0 = roi[0] * scale - off, y0 = roi[1] * scale - off;
          double rw = roi[2] * scale - off - x0, rh = roi[3] * scale - off - y0;
          if (!o.getHalfPixel()) {
            rw = std::max(rw, 1.0);
            rh = std::max(rh, 1.0);
          }
          double bh = rh / ph, bw = rw / pw;
          // An adaptive grid is bounded by the image side, as in the kernel
          // (a huge or NaN region would otherwise run without end).
          auto grid = [&](double side, int64_t bins, int64_t limit) -> int64_t {
            if (o.getSamplingRatio() > 0)
              return (int64_t)o.getSamplingRatio();
            double g = std::ceil(side / bins);
            return g >= 1 ? (g < limit ? (int64_t)g : limit) : 0;
          };
          int64_t gh = grid(rh, ph, h), gw = grid(rw, pw, w);
          double count = std::max<int64_t>(gh * gw, 1);
          for (int64_t c = 0; c < ch; ++c) {
            const float *plane = &x.f[((*b) * ch + c) * h * w];
            for (int64_t i = 0; i < ph; ++i)
              for (int64_t j = 0; j < pw; ++j) {
                double acc = 0;
                bool any = false;
                for (int64_t iy = 0; iy < gh; ++iy)
                  for (int64_t ix = 0; ix < gw; ++ix) {
                    double yy = y0 + i * bh + (iy + 0.5) * bh / gh;
                    double xx = x0 + j * bw + (ix + 0.5) * bw / gw;
                    double v = 0;
                    if (!(yy < -1.0 || yy > h || xx < -1.0 || xx > w)) {
                      yy = std::max(yy, 0.0);
                      xx = std::max(xx, 0.0);
                      int64_t yl = (int64_t)yy, xl = (int64_t)xx, yh, xh;
                      if (yl >= h - 1) { yh = yl = h - 1; yy = (double)yl; } else yh = yl + 1;
                      if (xl >= w - 1) { xh = xl = w - 1; xx = (double)xl; } else xh = xl + 1;
                      double ly = yy - yl, lx = xx - xl, hy = 1 - ly, hx = 1 - lx;
                      double t1 = hy * hx * plane[yl * w + xl], t2 = hy * lx * plane[yl * w + xh],
                             t3 = ly * hx * plane[yh * w + xl], t4 = ly * lx * plane[yh * w + xh];
                      v = avg ? t1 + t2 + t3 + t4 : std::max(std::max(t1, t2), std::max(t3, t4));
                    }
                    if (avg) acc += v;
                    else acc = any ? std::max(acc, v) : v;
                    any = true;
                  }
                r.f[((q * ch + c) * ph + i) * pw + j] = (float)(avg ? acc / count : acc);
              }
          }
        }
        return r;
      })
      .Case([&](edge::DetOp) -> FailureOr<Tensor> {
        // LU with partial pivoting in double, per trailing matrix.
        const Tensor &x = *in[0];
        int64_t m = x.shape.back(), count = x.numElements() / (m * m);
        Tensor r = Tensor::zeros(DType::F32, outShape);
        std::vector<double> a(m * m);
        for (int64_t q = 0; q < count; ++q) {
          for (int64_t k = 0; k < m * m; ++k)
            a[k] = x.f[q * m * m + k];
          double d = 1;
          for (int64_t col = 0; col < m && d != 0; ++col) {
            int64_t piv = col;
            for (int64_t row = col + 1; row < m; ++row)
              if (std::fabs(a[row * m + col]) > std::fabs(a[piv * m + col]))
                piv = row;
            if (a[piv * m + col] == 0) {
              d = 0;
              break;
            }
            if (piv != col) {
              for (int64_t k = 0; k < m; ++k)
                std::swap(a[piv * m + k], a[col * m + k]);
              d = -d;
            }
            d *= a[col * m + col];
            for (int64_t row = col + 1; row < m; ++row) {
              double f = a[row * m + col] / a[col * m + col];
              for (int64_t k = col; k < m; ++k)
                a[row * m + k] -= f * a[col * m + k];
            }
          }
          r.f[q] = (float)d;
        }
        return r;
      })
      .Case([&](edge::GridSampleOp o) -> FailureOr<Tensor> {
        return evaluateGridSample(o, *in[0], *in[1]);
      })
      .Case([&](edge::BitcastOp o) -> FailureOr<Tensor> {
        // The bytes as stored, read as the result's type (the kernel's memcpy).
        const Tensor &x = *in[0];
        std::vector<char> bytes = x.bytes();
        return Tensor::fromBytes(dtypeOf(getElementTypeOrSelf(o.getOutput())), x.shape,
                                 bytes.data());
      })
      .Case([&](edge::CastOp o) -> FailureOr<Tensor> {
        const Tensor &x = *in[0];
        DType to = dtypeOf(getElementTypeOrSelf(o.getOutput()));
        Tensor r = Tensor::zeros(to, x.shape);
        for (int64_t k = 0; k < x.numElements(); ++k) {
          if (to == DType::F32 || isNarrowFloat(to)) {
            r.f[k] = x.isFloat()               ? x.f[k]
                     : x.dtype == DType::U64 ? (float)(uint64_t)x.i[k]
                                             : (float)x.i[k];
            if (isNarrowFloat(to)) // through float, as the kernel's cast_value
              r.f[k] = roundToNarrow(to, r.f[k], o.getSaturate());
          } else if (to == DType::Bool) r.i[k] = x.at(k) != 0;
          else {
            double v = x.at(k);
            // As the kernel's cast_value: NaN, infinities and values beyond
            // int64 give 0 (uint64 takes [2^63, 2^64) too); the rest
            // truncates to int64 and wraps to the type.
            if (!x.isFloat())
              r.i[k] = wrapInteger(to, x.i[k]); // integer to integer: C's conversion
            else if (v > -9223372036854775808.0 && v < 9223372036854775808.0)
              r.i[k] = wrapInteger(to, (int64_t)v);
            else if (to == DType::U64 && v >= 9223372036854775808.0 && v < 18446744073709551616.0)
              r.i[k] = (int64_t)(uint64_t)v;
            else
              r.i[k] = 0;
          }
        }
        return r;
      })
      .Default([&](Operation *) { return fail(); });
}

} // namespace

FailureOr<Tensor> evaluateOp(Operation *op, ArrayRef<const Tensor *> in) {
  FailureOr<Tensor> r = evaluateCore(op, in);
  if (succeeded(r))
    applyFusedActivation(op, *r);
  return r;
}

FailureOr<std::vector<Tensor>> evaluateFunction(func::FuncOp func, const std::vector<Tensor> &inputs,
                                                const EvalObserver &observer, ModelState *state) {
  ModelState fresh;
  if (!state)
    state = &fresh;
  Block &body = func.getBody().front();
  if (inputs.size() != body.getNumArguments()) {
    func.emitError("expected ") << body.getNumArguments() << " inputs, got " << inputs.size();
    return failure();
  }
  llvm::DenseMap<Value, Tensor> env;
  for (auto [arg, t] : llvm::zip(body.getArguments(), inputs)) {
    if (shapeOfValue(arg) != t.shape || dtypeOf(getElementTypeOrSelf(arg)) != t.dtype) {
      auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "edge.name");
      func.emitError("input ") << arg.getArgNumber() << " ('" << (name ? name.str() : "")
                               << "') expects "
                               << shapeToString(shapeOfValue(arg)) << " "
                               << dtypeName(dtypeOf(getElementTypeOrSelf(arg))) << ", got "
                               << shapeToString(t.shape) << " " << dtypeName(t.dtype);
      return failure();
    }
    env[arg] = t;
  }
  std::vector<Tensor> results;
  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        results.push_back(env.lookup(v));
      break;
    }
    std::vector<const Tensor *> operands;
    for (Value v : op.getOperands())
      operands.push_back(&env[v]);
    FailureOr<Tensor> r = failure();
    if (auto stateful = dyn_cast<edge::StateOpInterface>(op)) {
      std::vector<Tensor> &s = state->perOp[&op];
      SmallVector<RankedTensorType> parts = stateful.getStateTensorTypes();
      if (s.size() != parts.size()) { // its first run: the initial state
        s.clear();
        for (unsigned p = 0; p < parts.size(); ++p) {
          s.push_back(Tensor::zeros(dtypeOf(parts[p].getElementType()), parts[p].getShape().vec()));
          std::fill(s.back().i.begin(), s.back().i.end(), stateful.getStateInitialValue(p));
        }
      }
      r = evaluateWithState(&op, operands, s);
    } else {
      r = evaluateOp(&op, operands);
    }
    if (failed(r))
      return failure();
    if (observer)
      observer(&op, *r);
    env[op.getResult(0)] = std::move(*r);
  }
  return results;
}

} // namespace edgec
