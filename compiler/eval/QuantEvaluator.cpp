//===- QuantEvaluator.cpp - the evaluator's int8 mode -----------------------===//
//
// Executes edge ops on quantized tensors with the integer arithmetic of
// docs/numerics.md. The loops are written independently of the generated
// kernels (direct index arithmetic, no im2col, no folded zero points); the
// fixed-point primitives come from runtime-stub/edgec/quant.h and the integer
// constants from passes/Quantize/QuantUtils, so tests can demand equality.
//
//===----------------------------------------------------------------------===//

#include "QuantEvaluator.h"

#include "edgec/IR/EdgeOps.h"
#include "edgec/quant.h"
#include "edgec/Quant/QuantUtils.h"

#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
using namespace edgec::quant;

namespace edgec {
namespace {

std::vector<int64_t> shapeOfValue(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

Tensor zerosLike(Value v) {
  return Tensor::zeros(dtypeOf(getElementTypeOrSelf(v.getType())), shapeOfValue(v));
}

/// Int8 / int16 / int32 to integers of other parameters (the multiplier
/// derived once), as requantize_s8: both zero-point sums wrap to 32 bits.
struct Rescale {
  QParams in, out;
  FixedPoint m = rescaleMultiplier(in, out);
  bool same = in.scale == out.scale && in.zeroPoint == out.zeroPoint;
  int32_t operator()(int64_t v) const {
    if (same)
      return (int32_t)v;
    int32_t r = requantize((int32_t)(v - in.zeroPoint), m.multiplier, m.shift);
    return clamp_i32((int32_t)((int64_t)r + out.zeroPoint), out.qmin, out.qmax);
  }
};

Tensor conv2d(edge::Conv2DOp op, const Tensor &x, const Tensor &w, const Tensor *bias) {
  Tensor y = zerosLike(op.getOutput());
  QParams px = paramsOf(op.getInput().getType()), py = paramsOf(op.getOutput().getType());
  int64_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t M = w.shape[0], Cg = w.shape[1], KH = w.shape[2], KW = w.shape[3];
  int64_t OH = y.shape[2], OW = y.shape[3], G = op.getGroup(), Mg = M / G;
  auto [lo, hi] = outputClamp(op);
  std::vector<FixedPoint> mults = channelMultipliers(op);
  std::vector<int64_t> ihs = inputIndexTable(op, 0, OH, KH, H), iws = inputIndexTable(op, 1, OW, KW, W);
  for (int64_t m = 0; m < M; ++m) {
    FixedPoint fp = mults[m];
    int64_t g = m / Mg;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t acc = bias ? bias->i[m] : 0;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = ihs[oh * KH + kh], iw = iws[ow * KW + kw];
                if (ih < 0 || iw < 0)
                  continue;
                int64_t xv = x.i[((n * C + g * Cg + c) * H + ih) * W + iw];
                acc += (xv - px.zeroPoint) * w.i[((m * Cg + c) * KH + kh) * KW + kw];
              }
          int32_t v = requantizeFor(px, py, acc, fp) + py.zeroPoint;
          y.i[((n * M + m) * OH + oh) * OW + ow] = clamp_i32(v, lo, hi);
        }
  }
  return y;
}

Tensor gemm(edge::GemmOp op, const Tensor &a, const Tensor &b, const Tensor *c) {
  Tensor y = zerosLike(op.getOutput());
  QParams pa = paramsOf(op.getA().getType()), py = paramsOf(op.getOutput().getType());
  int64_t M = y.shape[0], N = y.shape[1];
  int64_t K = op.getTransA() ? a.shape[0] : a.shape[1];
  auto [lo, hi] = outputClamp(op);
  std::vector<FixedPoint> mults = channelMultipliers(op);
  for (int64_t n = 0; n < N; ++n) {
    FixedPoint fp = mults[n];
    for (int64_t m = 0; m < M; ++m) {
      int64_t acc = c ? c->i[c->numElements() == 1 ? 0 : n] : 0;
      for (int64_t k = 0; k < K; ++k) {
        int64_t av = op.getTransA() ? a.i[k * M + m] : a.i[m * K + k];
        int64_t bv = op.getTransB() ? b.i[n * K + k] : b.i[k * N + n];
        acc += (av - pa.zeroPoint) * bv;
      }
      int32_t v = requantizeFor(pa, py, acc, fp) + py.zeroPoint;
      y.i[m * N + n] = clamp_i32(v, lo, hi);
    }
  }
  return y;
}

/// Index of the element of a broadcast operand for output index k.
int64_t broadcastIndex(const std::vector<int64_t> &in, const std::vector<int64_t> &out, int64_t k) {
  int64_t idx = 0, stride = 1;
  for (int64_t d = (int64_t)out.size() - 1; d >= 0; --d) {
    int64_t coord = k % out[d];
    k /= out[d];
    int64_t id = d - ((int64_t)out.size() - (int64_t)in.size());
    if (id >= 0) {
      if (in[id] != 1)
        idx += coord * stride;
      stride *= in[id];
    }
  }
  return idx;
}

/// Add, Sub, Max and Min: both inputs rescaled to twice the larger input
/// scale (TFLite's int8 add), combined, rescaled to the output.
enum class Combine { Add, Sub, Max, Min };

Tensor addLike(Operation *op, const Tensor &a, const Tensor &b, Combine how) {
  Value out = op->getResult(0);
  Tensor y = zerosLike(out);
  AddParams p = addParams(op);
  auto [lo, hi] = outputClamp(op);
  for (int64_t k = 0; k < y.numElements(); ++k) {
    int32_t xa = (int32_t)(a.i[broadcastIndex(a.shape, y.shape, k)] - p.inZero[0]) * (1 << p.leftShift);
    int32_t xb = (int32_t)(b.i[broadcastIndex(b.shape, y.shape, k)] - p.inZero[1]) * (1 << p.leftShift);
    int32_t sa = requantize(xa, p.in[0].multiplier, p.in[0].shift);
    int32_t sb = requantize(xb, p.in[1].multiplier, p.in[1].shift);
    int32_t r = how == Combine::Add   ? sa + sb
                : how == Combine::Sub ? sa - sb
                : how == Combine::Max ? std::max(sa, sb)
                                      : std::min(sa, sb);
    int32_t v = requantize(r, p.out.multiplier, p.out.shift) + p.outZero;
    y.i[k] = clamp_i32(v, lo, hi);
  }
  return y;
}

Tensor mul(Operation *op, const Tensor &a, const Tensor &b) {
  Value out = op->getResult(0);
  Tensor y = zerosLike(out);
  QParams pa = paramsOf(op->getOperand(0).getType()), pb = paramsOf(op->getOperand(1).getType());
  QParams py = paramsOf(out.getType());
  FixedPoint fp = mulMultiplier(op);
  auto [lo, hi] = outputClamp(op);
  for (int64_t k = 0; k < y.numElements(); ++k) {
    int64_t prod = (a.i[broadcastIndex(a.shape, y.shape, k)] - pa.zeroPoint) *
                   (b.i[broadcastIndex(b.shape, y.shape, k)] - pb.zeroPoint);
    int32_t v = requantize((int32_t)prod, fp.multiplier, fp.shift) + py.zeroPoint;
    y.i[k] = clamp_i32(v, lo, hi);
  }
  return y;
}

template <typename PoolOp> Tensor pool(PoolOp op, const Tensor &x, bool isMax) {
  Tensor y = zerosLike(op.getOutput());
  QParams p = paramsOf(op.getInput().getType());
  int64_t planes = x.shape[0] * x.shape[1], H = x.shape[2], W = x.shape[3];
  int64_t OH = y.shape[2], OW = y.shape[3];
  auto k = op.getKernel(), s = op.getStrides(), pads = op.getPads(), d = op.getDilations();
  bool includePad = false;
  int64_t zero = p.zeroPoint; // what an average rounds around
  if constexpr (std::is_same_v<PoolOp, edge::AvgPool2DOp>) {
    includePad = op.getCountIncludePad();
    zero = avgPoolRoundingZero(op);
  }
  for (int64_t pl = 0; pl < planes; ++pl)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        int64_t best = INT64_MIN, sum = 0, count = 0;
        for (int64_t kh = 0; kh < k[0]; ++kh)
          for (int64_t kw = 0; kw < k[1]; ++kw) {
            int64_t ih = oh * s[0] - pads[0] + kh * d[0], iw = ow * s[1] - pads[1] + kw * d[1];
            bool inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            bool inPadded = ih >= -pads[0] && ih < H + pads[2] && iw >= -pads[1] && iw < W + pads[3];
            if (inside) {
              int64_t v = x.i[(pl * H + ih) * W + iw];
              best = std::max(best, v);
              sum += v - zero; // padding adds 0
            }
            count += includePad ? inPadded : inside;
          }
        int64_t v = isMax ? best
                          : rounded_average((int32_t)sum, (int32_t)std::max<int64_t>(count, 1)) +
                                zero;
        y.i[(pl * OH + oh) * OW + ow] = clamp_i32((int32_t)v, p.qmin, p.qmax);
      }
  return y;
}

Tensor globalAvgPool(edge::GlobalAvgPoolOp op, const Tensor &x) {
  Tensor y = zerosLike(op.getOutput());
  QParams px = paramsOf(op.getInput().getType()), py = paramsOf(op.getOutput().getType());
  int64_t planes = x.shape[0] * x.shape[1], size = x.numElements() / std::max<int64_t>(planes, 1);
  FixedPoint fp = meanMultiplier(op);
  for (int64_t pl = 0; pl < planes; ++pl) {
    int64_t sum = 0;
    for (int64_t q = 0; q < size; ++q)
      sum += x.i[pl * size + q] - px.zeroPoint;
    int32_t v = requantizeFor(py, sum, fp) + py.zeroPoint;
    y.i[pl] = clamp_i32(v, py.qmin, py.qmax);
  }
  return y;
}

/// Mean over adjacent axes ([outer, len, inner]): the sum of (x - zero)
/// requantized by s_x / (len s_y).
Tensor reduceMean(edge::ReduceMeanOp op, const Tensor &x) {
  Tensor y = zerosLike(op.getOutput());
  QParams px = paramsOf(op.getInput().getType()), py = paramsOf(op.getOutput().getType());
  auto [outer, len, inner] = *op.getAdjacentView();
  FixedPoint fp = meanMultiplier(op);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t sum = 0;
      for (int64_t j = 0; j < len; ++j)
        sum += x.i[(o * len + j) * inner + i] - px.zeroPoint;
      int32_t v = requantizeFor(py, sum, fp) + py.zeroPoint;
      y.i[o * inner + i] = clamp_i32(v, py.qmin, py.qmax);
    }
  return y;
}

/// floor(v / 2^s), s >= 0, written without a shift of a negative number.
__int128 floorDivPow2(__int128 v, int s) {
  __int128 d = (__int128)1 << s;
  return v >= 0 ? v / d : -((-v + d - 1) / d);
}

/// Integer layer / RMS norm as docs/numerics.md defines it ("Layer
/// normalization"), in 128-bit arithmetic: the root from the long double one
/// corrected to the exact floor, the divisions as floors.
Tensor layerNorm(edge::LayerNormOp op, ArrayRef<const Tensor *> in) {
  std::vector<float> w, c;
  size_t next = 1;
  if (op.getScale())
    w = in[next++]->f;
  if (op.getBias())
    c = in[next++]->f;
  LayerNormConstants k = layerNormConstants(op, w, c);
  const Tensor &x = *in[0];
  Tensor y = zerosLike(op.getOutput());
  int64_t n = k.inner, rows = n ? x.numElements() / n : 0;
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t *xr = x.i.data() + row * n;
    __int128 s1 = 0, s2 = 0;
    for (int64_t j = 0; j < n; ++j) {
      s1 += xr[j] - k.inputZero;
      s2 += (__int128)(xr[j] - k.inputZero) * (xr[j] - k.inputZero);
    }
    if (op.getRms())
      s1 = 0;
    unsigned __int128 t =
        (unsigned __int128)(n * s2 - s1 * s1) * ((unsigned __int128)1 << (2 * k.rootShift)) +
        (unsigned __int128)k.epsilon;
    uint64_t r = (uint64_t)std::sqrt((long double)t);
    while ((unsigned __int128)r * r > t)
      --r;
    while ((unsigned __int128)(r + 1) * (r + 1) <= t)
      ++r;
    int bits = 0;
    for (uint64_t v = r; v; v >>= 1)
      ++bits;
    __int128 inv = r ? (((__int128)1 << (29 + bits)) + r / 2) / r : 0;
    int s = 13 + bits - k.rootShift;
    for (int64_t j = 0; j < n; ++j) {
      __int128 p = ((__int128)n * (xr[j] - k.inputZero) - s1) * inv;
      __int128 q = s > 0 ? floorDivPow2(p + ((__int128)1 << (s - 1)), s) : p;
      __int128 acc = q * k.a[j] + k.b[j];
      __int128 o = floorDivPow2(acc + ((__int128)1 << (k.shift - 1)), k.shift) + k.outputZero;
      y.i[row * n + j] = (int64_t)std::clamp<__int128>(o, k.qmin, k.qmax);
    }
  }
  return y;
}

/// Calls `row(at, len, max)` for every row of `x` along `axis` (the shape
/// viewed as [outer, len, inner]): `at(j)` is the flat index of the row's
/// element j and `max` its largest value.
template <typename Row> void forEachRow(const Tensor &x, int64_t axis, Row row) {
  const auto &s = x.shape;
  int64_t outer = 1, len = s[axis], inner = 1;
  for (int64_t q = 0; q < axis; ++q) outer *= s[q];
  for (size_t q = axis + 1; q < s.size(); ++q) inner *= s[q];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t j) { return (o * len + j) * inner + in; };
      int64_t mx = INT64_MIN;
      for (int64_t j = 0; j < len; ++j) mx = std::max(mx, x.i[at(j)]);
      row(at, len, mx);
    }
}

/// TFLite's int8 softmax (numerics = tflite): the Q12.19 sum of gemmlowp's
/// exponentials, its reciprocal, and each exponential times it rounded to
/// the output's 8 or 16 bits (as softmax_s8_tflite).
FailureOr<Tensor> softmaxTflite(edge::SoftmaxOp op, const Tensor &x) {
  QParams px = paramsOf(op.getInput().getType());
  if (px.qmax > 127)
    return op.emitError("no integer softmax: TFLite's int16-input softmax is not implemented"),
           failure();
  Tensor y = zerosLike(op.getOutput());
  std::string why;
  std::vector<int32_t> table = tfliteSoftmaxExpTable(px.scale, &why);
  if (table.empty())
    return op.emitError("no integer softmax: ") << why, failure();
  QParams py = paramsOf(op.getOutput().getType());
  int outBits = py.qmax > 127 ? 16 : 8;
  forEachRow(x, op.getAxis(), [&](auto at, int64_t len, int64_t mx) {
    int32_t sum = 0;
    for (int64_t j = 0; j < len; ++j) sum += rounding_divide_by_pot(table[mx - x.i[at(j)]], 12);
    int bits = 0;
    int32_t scale = reciprocal_q31(sum, 12, bits);
    for (int64_t j = 0; j < len; ++j) {
      int32_t prod = saturating_rounding_doubling_high_mul(scale, table[mx - x.i[at(j)]]);
      int32_t v = rounding_divide_by_pot_wide(prod, bits + 31 - outBits) + py.qmin;
      y.i[at(j)] = clamp_i32(v, py.qmin, py.qmax);
    }
  });
  return y;
}

Tensor softmax(edge::SoftmaxOp op, const Tensor &x) {
  Tensor y = zerosLike(op.getOutput());
  QParams px = paramsOf(op.getInput().getType());
  bool wide = px.qmax > 127;
  std::vector<int32_t> table = softmaxExpTable(px.scale, wide);
  // As softmax_s8 / softmax_s16 (runtime-stub/edgec/kernels/ref/pool_s8.h).
  auto expOf = [&](int64_t d) -> uint32_t {
    return (uint32_t)(wide ? lut_interp_s16(table.data(), (int32_t)d - 32768) : table[d]);
  };
  uint32_t one = wide ? 32767u : 256u;
  int32_t zero = wide ? 0 : -128, lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
  forEachRow(x, op.getAxis(), [&](auto at, int64_t len, int64_t mx) {
    uint32_t sum = 0;
    for (int64_t j = 0; j < len; ++j) sum += expOf(mx - x.i[at(j)]);
    for (int64_t j = 0; j < len; ++j) {
      uint32_t e = expOf(mx - x.i[at(j)]);
      int32_t v = (int32_t)((e * one + sum / 2) / sum) + zero;
      y.i[at(j)] = clamp_i32(v, lo, hi);
    }
  });
  return y;
}

/// An integer RNN / GRU / LSTM (docs/numerics.md, "Recurrent layers"):
/// each step's gates from the whole int16 state, in int64 with the
/// saturations written where the arithmetic sets them.
FailureOr<Tensor> recurrent(edge::RecurrentOp o, ArrayRef<const Tensor *> in) {
  if (std::string why = recurrentIntegerObstacle(o); !why.empty())
    return o.emitError("no integer recurrent layer: ") << why, failure();
  RecurrentOperands ops = recurrentOperands(o, in); // no peepholes in an integer layer
  const Tensor *x = ops.x, *w = ops.w, *r = ops.r, *bias = ops.bias, *lens = ops.lens,
               *h0 = ops.h0, *c0 = ops.c0;
  RecurrentConstants k = recurrentConstants(o);
  int64_t T = x->shape[0], B = x->shape[1], I = x->shape[2], H = o.getHiddenSize();
  int64_t D = o.numDirections(), G = o.numGates();
  bool lstm = o.getCell() == edge::RecurrentCell::Lstm;
  bool gru = o.getCell() == edge::RecurrentCell::Gru;
  Tensor y = zerosLike(o.getOutput());
  auto sat16 = [](int64_t v) { return std::clamp<int64_t>(v, -32768, 32767); };
  auto round = [](int64_t v, int n) { return (v + (int64_t(1) << (n - 1))) >> n; };
  auto gate = [&](const std::vector<int32_t> &table, int64_t pre) {
    return (int64_t)lut_interp_s16(table.data(),
                                   (int32_t)std::clamp<int64_t>(pre, k.clipLo, k.clipHi));
  };
  auto toOut = [&](int64_t v, FixedPoint m) {
    return std::clamp<int64_t>(requantize((int32_t)v, m.multiplier, m.shift) + k.outputZero,
                               -128, 127);
  };
  auto at = [&](int64_t row, int64_t d, int64_t b) { return ((row * D + d) * B + b) * H; };
  std::vector<int64_t> pre(G * H), h(H), c(H), hn(H);
  for (int64_t d = 0; d < D; ++d) {
    bool reverse = d == 1 || o.getDirection() == edge::RecurrentDirection::Reverse;
    for (int64_t b = 0; b < B; ++b) {
      for (int64_t j = 0; j < H; ++j) {
        int64_t s = (d * B + b) * H + j;
        h[j] = h0 ? sat16(requantize((int32_t)(h0->i[s] - k.h0Zero), k.h0.multiplier,
                                     k.h0.shift))
                  : 0;
        c[j] = c0 ? sat16(requantize((int32_t)(c0->i[s] - k.c0Zero), k.c0.multiplier,
                                     k.c0.shift))
                  : 0;
      }
      int64_t len = lens ? std::clamp<int64_t>(lens->i[b], 0, T) : T;
      for (int64_t t = len; t < T; ++t)
        for (int64_t j = 0; j < H; ++j)
          y.i[at(t, d, b) + j] = k.outputZero;
      for (int64_t s = 0; s < len; ++s) {
        int64_t t = reverse ? len - 1 - s : s;
        auto wx = [&](int64_t q) { // requantized x W^T + W's bias, Q3.12
          int64_t acc = 0;
          for (int64_t i = 0; i < I; ++i)
            acc += (x->i[(t * B + b) * I + i] - k.inputZero) * w->i[(d * G * H + q) * I + i];
          return (int64_t)requantize((int32_t)acc, k.w[q].multiplier, k.w[q].shift) +
                 (bias ? bias->i[d * 2 * G * H + q] : 0);
        };
        auto rh = [&](int64_t q, const std::vector<int64_t> &state) { // h R^T + R's bias
          int64_t acc = 0;
          for (int64_t j = 0; j < H; ++j)
            acc += state[j] * r->i[(d * G * H + q) * H + j];
          return (int64_t)requantize((int32_t)acc, k.r[q].multiplier, k.r[q].shift) +
                 (bias ? bias->i[d * 2 * G * H + G * H + q] : 0);
        };
        if (!gru) {
          for (int64_t q = 0; q < G * H; ++q)
            pre[q] = std::clamp<int64_t>(wx(q) + rh(q, h), INT32_MIN, INT32_MAX);
        }
        if (o.getCell() == edge::RecurrentCell::Rnn) {
          for (int64_t j = 0; j < H; ++j)
            h[j] = gate(k.tanh, pre[j]);
        } else if (gru) {
          std::vector<int64_t> z(H), rg(H), gated(H);
          for (int64_t j = 0; j < H; ++j) {
            z[j] = gate(k.sigmoid, std::clamp<int64_t>(wx(j) + rh(j, h), INT32_MIN, INT32_MAX));
            rg[j] = gate(k.sigmoid,
                         std::clamp<int64_t>(wx(H + j) + rh(H + j, h), INT32_MIN, INT32_MAX));
          }
          for (int64_t j = 0; j < H; ++j)
            gated[j] = round(rg[j] * h[j], 15);
          for (int64_t j = 0; j < H; ++j) {
            int64_t q = 2 * H + j, v;
            if (o.getLinearBeforeReset())
              v = (rg[j] * rh(q, h) + (int64_t(1) << 14)) >> 15;
            else
              v = rh(q, gated);
            int64_t partial = std::clamp<int64_t>(wx(q), INT32_MIN, INT32_MAX);
            hn[j] = gate(k.tanh, partial + v);
          }
          for (int64_t j = 0; j < H; ++j)
            h[j] = sat16(round((32768 - z[j]) * hn[j] + z[j] * h[j], 15));
        } else { // LSTM, gates i, o, f, c
          int K = k.cellShift;
          for (int64_t j = 0; j < H; ++j) {
            int64_t it = gate(k.sigmoid, pre[j]), ot = gate(k.sigmoid, pre[H + j]);
            int64_t ft = o.getInputForget() ? 32768 - it : gate(k.sigmoid, pre[2 * H + j]);
            int64_t ct = gate(k.tanh, pre[3 * H + j]);
            c[j] = sat16(round(ft * c[j], 15) + round(it * ct, 30 - K));
            h[j] = sat16(round(ot * gate(k.tanh, c[j] * (int64_t(1) << (12 - K))), 15));
          }
        }
        for (int64_t j = 0; j < H; ++j)
          y.i[at(t, d, b) + j] = toOut(h[j], k.outH);
      }
      for (int64_t j = 0; j < H; ++j) {
        y.i[at(T, d, b) + j] = toOut(h[j], k.outH);
        if (lstm)
          y.i[at(T + 1, d, b) + j] = toOut(c[j], k.outC);
      }
    }
  }
  return y;
}

} // namespace

FailureOr<Tensor> evaluateQuantizedOp(Operation *op, ArrayRef<const Tensor *> in) {
  auto fail = [&]() -> FailureOr<Tensor> {
    op->emitError("the reference evaluator has no int8 mode for '") << op->getName() << "'";
    return failure();
  };
  if (auto lr = tfliteLeakyRelu(op)) {
    Tensor y = zerosLike(op->getResult(0));
    QParams po = paramsOf(op->getResult(0).getType());
    for (int64_t k = 0; k < y.numElements(); ++k) {
      int32_t v = (int32_t)in[0]->i[k] - lr->inZero;
      FixedPoint m = v >= 0 ? lr->identity : lr->alpha;
      y.i[k] = clamp_i32(requantize(v, m.multiplier, m.shift) + lr->outZero, po.qmin, po.qmax);
    }
    return y;
  }
  if (auto table = unaryTable(op)) {
    Tensor y = zerosLike(op->getResult(0));
    for (int64_t k = 0; k < y.numElements(); ++k)
      y.i[k] = (*table)((int32_t)in[0]->i[k]);
    return y;
  }
  return llvm::TypeSwitch<Operation *, FailureOr<Tensor>>(op)
      .Case([&](edge::QuantizeOp o) -> FailureOr<Tensor> {
        Tensor y = zerosLike(o.getOutput());
        QParams po = paramsOf(o.getOutput().getType());
        if (in[0]->isFloat()) {
          for (int64_t k = 0; k < y.numElements(); ++k)
            y.i[k] = quantize_value(in[0]->f[k], (float)po.scale, po.zeroPoint, po.qmin, po.qmax);
        } else {
          Rescale rescale{paramsOf(o.getInput().getType()), po};
          for (int64_t k = 0; k < y.numElements(); ++k)
            y.i[k] = rescale(in[0]->i[k]);
        }
        return y;
      })
      .Case([&](edge::ResampleOp o) -> FailureOr<Tensor> {
        // As resample_s8 (runtime-stub/edgec/kernels/ref/indexing.h).
        const Tensor &x = *in[0];
        Tensor y = zerosLike(o.getOutput());
        QParams p = paramsOf(o.getInput().getType());
        int64_t axis = o.getAxis(), taps = o.getTaps();
        int64_t outer = 1, inner = 1, len = x.shape[axis], outLen = y.shape[axis];
        for (int64_t d = 0; d < axis; ++d)
          outer *= x.shape[d];
        for (size_t d = axis + 1; d < x.shape.size(); ++d)
          inner *= x.shape[d];
        auto ind = o.getIndices();
        std::vector<int64_t> w = resampleWeightsQ14(o.getWeights());
        int32_t fill = quantize_value(o.getFill().convertToFloat(), (float)p.scale, p.zeroPoint,
                                      p.qmin, p.qmax);
        for (int64_t a = 0; a < outer; ++a)
          for (int64_t j = 0; j < outLen; ++j)
            for (int64_t c = 0; c < inner; ++c) {
              int64_t v = fill;
              if (ind[j * taps] != -2) {
                int64_t s = 0;
                for (int64_t t = 0; t < taps; ++t)
                  if (int64_t i = ind[j * taps + t]; i >= 0)
                    s += w[j * taps + t] * (x.i[(a * len + i) * inner + c] - p.zeroPoint);
                v = std::clamp<int64_t>(((s + (1 << (kResampleShift - 1))) >> kResampleShift) +
                                            p.zeroPoint,
                                        p.qmin, p.qmax);
              }
              y.i[(a * outLen + j) * inner + c] = v;
            }
        return y;
      })
      .Case([&](edge::DequantizeOp o) -> FailureOr<Tensor> {
        Tensor y = zerosLike(o.getOutput());
        y.f = dequantizeValues(getElementTypeOrSelf(o.getInput().getType()), in[0]->shape,
                               in[0]->i);
        return y;
      })
      .Case([&](edge::RecurrentOp o) -> FailureOr<Tensor> { return recurrent(o, in); })
      .Case([&](edge::Conv2DOp o) -> FailureOr<Tensor> {
        return conv2d(o, *in[0], *in[1], in.size() > 2 ? in[2] : nullptr);
      })
      .Case([&](edge::GemmOp o) -> FailureOr<Tensor> {
        return gemm(o, *in[0], *in[1], in.size() > 2 ? in[2] : nullptr);
      })
      .Case([&](edge::AddOp o) -> FailureOr<Tensor> {
        return addLike(o, *in[0], *in[1], Combine::Add);
      })
      .Case([&](edge::SubOp o) -> FailureOr<Tensor> {
        return addLike(o, *in[0], *in[1], Combine::Sub);
      })
      .Case([&](edge::MaxOp o) -> FailureOr<Tensor> {
        return addLike(o, *in[0], *in[1], Combine::Max);
      })
      .Case([&](edge::MinOp o) -> FailureOr<Tensor> {
        return addLike(o, *in[0], *in[1], Combine::Min);
      })
      .Case([&](edge::MulOp o) -> FailureOr<Tensor> { return mul(o, *in[0], *in[1]); })
      .Case([&](edge::MaxPool2DOp o) -> FailureOr<Tensor> { return pool(o, *in[0], true); })
      .Case([&](edge::AvgPool2DOp o) -> FailureOr<Tensor> { return pool(o, *in[0], false); })
      .Case([&](edge::GlobalAvgPoolOp o) -> FailureOr<Tensor> { return globalAvgPool(o, *in[0]); })
      .Case([&](edge::ReduceMeanOp o) -> FailureOr<Tensor> {
        // TFLite sums an int16 mean in int32 and rescales it with the 32-bit
        // multiply; edgec's int16 mean is 64-bit (requantize_wide).
        if (tfliteNumerics(o) && paramsOf(o.getOutput().getType()).qmax > 127)
          return o.emitError("no integer mean: TFLite's int16 MEAN is not implemented"), failure();
        return reduceMean(o, *in[0]);
      })
      .Case([&](edge::LayerNormOp o) -> FailureOr<Tensor> { return layerNorm(o, in); })
      .Case([&](edge::SoftmaxOp o) -> FailureOr<Tensor> {
        if (tfliteNumerics(o))
          return softmaxTflite(o, *in[0]);
        return softmax(o, *in[0]);
      })
      .Case([&](edge::ConcatOp o) -> FailureOr<Tensor> {
        Tensor y = zerosLike(o.getOutput());
        QParams po = paramsOf(o.getOutput().getType());
        int64_t axis = o.getAxis(), outer = 1, inner = 1;
        for (int64_t k = 0; k < axis; ++k) outer *= y.shape[k];
        for (size_t k = axis + 1; k < y.shape.size(); ++k) inner *= y.shape[k];
        int64_t off = 0;
        for (auto [t, v] : llvm::zip(in, o.getInputs())) {
          Rescale rescale{paramsOf(v.getType()), po};
          int64_t chunk = t->shape[axis] * inner;
          for (int64_t a = 0; a < outer; ++a)
            for (int64_t j = 0; j < chunk; ++j)
              y.i[a * y.shape[axis] * inner + off + j] = rescale(t->i[a * chunk + j]);
          off += chunk;
        }
        return y;
      })
      .Case([&](edge::PadOp o) -> FailureOr<Tensor> {
        if (o.getMode() != edge::PadMode::Constant)
          return fail();
        const Tensor &x = *in[0];
        Tensor y = zerosLike(o.getOutput());
        QParams p = paramsOf(o.getOutput().getType());
        int32_t fill = quantize_value(o.getValue().convertToFloat(), (float)p.scale, p.zeroPoint,
                                      p.qmin, p.qmax);
        auto pads = o.getPads();
        int64_t rank = x.shape.size();
        std::vector<int64_t> idx(rank, 0);
        for (int64_t k = 0; k < y.numElements(); ++k) {
          int64_t src = 0;
          bool inside = true;
          for (int64_t d = 0; d < rank; ++d) {
            int64_t i = idx[d] - pads[d];
            inside &= i >= 0 && i < x.shape[d];
            src = src * x.shape[d] + i;
          }
          y.i[k] = inside ? x.i[src] : fill;
          for (int64_t d = rank - 1; d >= 0 && ++idx[d] == y.shape[d]; --d)
            idx[d] = 0;
        }
        return y;
      })
      .Default([&](Operation *) { return fail(); });
}

namespace {
FailureOr<Tensor> evaluateSvdf(edge::SvdfOp op, ArrayRef<const Tensor *> in, Tensor &state) {
  // As svdf_s8 (runtime-stub/edgec/kernels/ref/svdf_s8.h), loop for loop.
  SvdfFixed k = svdfConstants(op);
  const Tensor &x = *in[0], &wf = *in[1], &wt = *in[2];
  const Tensor *bias = op.getBias() ? in[3] : nullptr;
  const int64_t batch = x.shape[0], inputs = x.shape[1], filters = wf.shape[0],
                memory = op.getMemory(), rank = op.getRank(), units = filters / rank;
  Tensor y = zerosLike(op.getOutput());
  for (int64_t b = 0; b < batch; ++b) {
    int64_t *s = state.i.data() + b * filters * memory;
    // The oldest step leaves; each filter's newest slot takes this run's
    // feature product.
    std::copy(s + 1, s + filters * memory, s);
    for (int64_t f = 0; f < filters; ++f) {
      // int32 sums that wrap, as TFLM's on any two's complement core.
      uint32_t dot = 0;
      for (int64_t c = 0; c < inputs; ++c)
        dot += (uint32_t)((int32_t)wf.i[f * inputs + c] * ((int32_t)x.i[b * inputs + c] - k.inZero));
      int32_t v = requantize((int32_t)dot, k.feature.multiplier, k.feature.shift) + k.stateZero;
      s[f * memory + memory - 1] = clamp_i32(v, k.stateMin, k.stateMax);
    }
    for (int64_t u = 0; u < units; ++u) {
      uint32_t acc = bias ? (uint32_t)(int32_t)bias->i[u] : 0;
      for (int64_t r = 0; r < rank; ++r) {
        int64_t f = u * rank + r;
        for (int64_t m = 0; m < memory; ++m)
          acc += (uint32_t)((int32_t)wt.i[f * memory + m] * ((int32_t)s[f * memory + m] - k.stateZero));
      }
      y.i[b * units + u] = clamp_i32(
          requantize((int32_t)acc, k.output.multiplier, k.output.shift) + k.outZero, -128, 127);
    }
  }
  return y;
}

FailureOr<Tensor> evaluateSequenceLstm(edge::SequenceLstmOp op, ArrayRef<const Tensor *> in,
                                       MutableArrayRef<Tensor> state) {
  // As sequence_lstm_s8 (runtime-stub/edgec/kernels/ref/sequence_lstm_s8.h).
  SequenceLstmFixed k = sequenceLstmConstants(op);
  const int64_t batch = op.getBatch(), steps = op.getSteps(), inputs = op.getInputSize(),
                hidden = op.getHiddenSize();
  const Tensor &x = *in[0];
  auto sat16 = [](int64_t v) { return clamp_i32((int32_t)v, -32768, 32767); };
  Tensor y = zerosLike(op.getOutput());
  std::vector<int32_t> gates(4 * hidden);
  for (int64_t b = 0; b < batch; ++b) {
    int64_t *h = state[0].i.data() + b * hidden, *c = state[1].i.data() + b * hidden;
    for (int64_t t = 0; t < steps; ++t) {
      int64_t row = op.getTimeMajor() ? t * batch + b : b * steps + t;
      for (int g = 0; g < 4; ++g) {
        const Tensor &w = *in[1 + g], &r = *in[5 + g], &bias = *in[9 + g];
        for (int64_t j = 0; j < hidden; ++j) {
          int32_t acc = (int32_t)bias.i[j];
          for (int64_t q = 0; q < inputs; ++q)
            acc += (int32_t)w.i[j * inputs + q] * ((int32_t)x.i[row * inputs + q] - k.inZero);
          int32_t racc = 0;
          for (int64_t q = 0; q < hidden; ++q)
            racc += (int32_t)r.i[j * hidden + q] * ((int32_t)h[q] - k.hiddenZero);
          int32_t pre =
              sat16(sat16(requantize(acc, k.input[g].multiplier, k.input[g].shift)) +
                    sat16(requantize(racc, k.recurrent[g].multiplier, k.recurrent[g].shift)));
          gates[g * hidden + j] = g == 2 ? tflite_tanh_s16(pre, kLstmGateMultiplier, 0)
                                         : tflite_logistic_s16(pre, kLstmGateMultiplier, 0);
        }
      }
      for (int64_t j = 0; j < hidden; ++j) {
        int32_t gi = gates[j], gf = gates[hidden + j], gc = gates[2 * hidden + j],
                go = gates[3 * hidden + j];
        int32_t v =
            sat16(sat16(requantize(gf * (int32_t)c[j], k.forgetCell.multiplier,
                                   k.forgetCell.shift)) +
                  sat16(requantize(gi * gc, k.inputCell.multiplier, k.inputCell.shift)));
        if (k.clip)
          v = clamp_i32(v, -k.cellClip, k.cellClip);
        c[j] = v;
        int32_t th = tflite_tanh_s16(v, k.cellTanhMultiplier, k.cellTanhShift);
        h[j] = clamp_i32(requantize(th * go, k.hidden.multiplier, k.hidden.shift) + k.hiddenZero,
                         -128, 127);
        y.i[row * hidden + j] = h[j];
      }
    }
  }
  return y;
}
} // namespace

FailureOr<Tensor> evaluateWithState(Operation *op, ArrayRef<const Tensor *> in,
                                    MutableArrayRef<Tensor> state) {
  if (auto svdf = dyn_cast<edge::SvdfOp>(op))
    return evaluateSvdf(svdf, in, state[0]);
  if (auto lstm = dyn_cast<edge::SequenceLstmOp>(op))
    return evaluateSequenceLstm(lstm, in, state);
  op->emitError("the reference evaluator cannot run '") << op->getName() << "' with its state";
  return failure();
}

} // namespace edgec
