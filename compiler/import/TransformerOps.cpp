//===- TransformerOps.cpp - ONNX Attention, RotaryEmbedding -------------------===//
//
// Attention as the function body ONNX 1.23 gives it, in edge ops, so that a
// model exported with the fused op computes what its `_expanded` form does:
//
//   Q, K, V   3-D [B, S, H*D] are split into heads ([B, H, S, D]); 4-D as is
//   K, V      past_key / past_value prepended along the sequence
//             (present_key / present_value), then each of the kv_num_heads
//             heads repeated q_num_heads / kv_num_heads times (GQA, MQA)
//   QK        (Q * sqrt(scale)) x (K^T * sqrt(scale)), scale = 1/sqrt(D) unless
//             given                                      -> qk mode 0
//             softcap * tanh(QK / softcap) when softcap > 0  -> mode 1
//             + bias: attn_mask (bool: 0 / -inf; float: added; shorter than
//             the keys: padded with -inf), the causal mask (key j after query
//             i + offset: -inf; offset = the past length, or with
//             nonpad_kv_seqlen its value minus the query length), the padding
//             mask of nonpad_kv_seqlen (opset 24)             -> mode 2
//   P         softmax over the keys, 0 in rows the bias masks entirely
//                                                             -> mode 3
//   Y         P x V, heads merged back for 3-D inputs
//
// It is computed in float (softmax_precision is float or wider in every
// exported model; float is what edgec computes in).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

Value mul(NodeContext &c, Value a, Value b) { return buildBinary<edge::MulOp>(c, a, b); }
Value add(NodeContext &c, Value a, Value b) { return buildBinary<edge::AddOp>(c, a, b); }

Value floatScalar(NodeContext &c, float v) {
  Tensor t = Tensor::zeros(DType::F32, {});
  t.f[0] = v;
  return c.constant(t);
}

LogicalResult attention(NodeContext &c) {
  auto q = c.required(0, "Q"), k = c.required(1, "K"), v = c.required(2, "V");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  for (Value x : {*q, *k, *v})
    if (!NodeContext::elementType(x).isF32())
      return c.fail("Q, K and V must be float tensors");
  const int64_t rank = NodeContext::shape(*q).size();
  if ((rank != 3 && rank != 4) || NodeContext::shape(*k).size() != (size_t)rank ||
      NodeContext::shape(*v).size() != (size_t)rank)
    return c.fail("Q, K and V must all be 3-D or all 4-D, got " +
                  shapeToString(NodeContext::shape(*q)) + ", " +
                  shapeToString(NodeContext::shape(*k)) + ", " +
                  shapeToString(NodeContext::shape(*v)));
  // 3-D: [B, S, H*D] to [B, H, S, D].
  Value Q = *q, K = *k, V = *v;
  if (rank == 3) {
    int64_t qh = c.attrInt("q_num_heads", 0), kvh = c.attrInt("kv_num_heads", 0);
    if (qh <= 0 || kvh <= 0)
      return c.fail("3-D inputs need q_num_heads and kv_num_heads (positive), got " +
                    std::to_string(qh) + " and " + std::to_string(kvh));
    auto split = [&](Value x, int64_t heads, const char *what) -> Value {
      Shape s = NodeContext::shape(x);
      if (s[2] % heads != 0) {
        (void)c.fail(std::string(what) + " of shape " + shapeToString(s) + " does not split into " +
               std::to_string(heads) + " heads");
        return {};
      }
      return buildTranspose(c, c.reshape(x, {s[0], s[1], heads, s[2] / heads}), {0, 2, 1, 3});
    };
    Q = split(Q, qh, "Q");
    K = split(K, kvh, "K");
    V = split(V, kvh, "V");
    if (!Q || !K || !V)
      return failure();
  }
  // Past keys and values first along the sequence.
  int64_t past = 0;
  Value pk = c.in(4), pv = c.in(5);
  if ((pk != nullptr) != (pv != nullptr))
    return c.fail("past_key and past_value must be given together");
  if (pk) {
    Shape ps = NodeContext::shape(pk), ks = NodeContext::shape(K);
    if (ps.size() != 4 || ps[0] != ks[0] || ps[1] != ks[1] || ps[3] != ks[3])
      return c.fail("past_key of shape " + shapeToString(ps) + " does not match K's heads " +
                    shapeToString(ks));
    past = ps[2];
    K = buildConcat(c, {pk, K}, 2);
    V = buildConcat(c, {pv, V}, 2);
  }
  Shape qs = NodeContext::shape(Q), ks = NodeContext::shape(K), vs = NodeContext::shape(V);
  const int64_t B = qs[0], Hq = qs[1], Sq = qs[2], D = qs[3], Hkv = ks[1], T = ks[2];
  if (ks[0] != B || vs[0] != B || vs[1] != Hkv || vs[2] != T || ks[3] != D)
    return c.fail("Q " + shapeToString(qs) + ", K " + shapeToString(ks) + " and V " +
                  shapeToString(vs) + " do not agree on batch, heads, key length or head size");
  if (Hq % Hkv != 0)
    return c.fail("q_num_heads " + std::to_string(Hq) + " is not a multiple of kv_num_heads " +
                  std::to_string(Hkv));
  Value presentK = K, presentV = V;
  // GQA / MQA: each kv head serves Hq / Hkv query heads, in order.
  if (int64_t r = Hq / Hkv; r > 1) {
    auto repeat = [&](Value x) {
      Shape s = NodeContext::shape(x);
      Value e = buildExpand(c, c.reshape(x, {s[0], s[1], 1, s[2], s[3]}),
                            {s[0], s[1], r, s[2], s[3]});
      return e ? c.reshape(e, {s[0], s[1] * r, s[2], s[3]}) : Value();
    };
    K = repeat(K);
    V = repeat(V);
    if (!K || !V)
      return failure();
  }
  // The scale, as the function body computes it in float: sqrt(1/sqrt(D)).
  float scale = c.attr("scale") ? c.attrFloat("scale", 0.f) : 1.0f / std::sqrt((float)D);
  Value root = floatScalar(c, std::sqrt(scale));
  Value qk = c.b.create<edge::MatMulOp>(
      c.loc, c.tensorType({B, Hq, Sq, T}, c.b.getF32Type()), mul(c, Q, root),
      mul(c, buildTranspose(c, K, {0, 1, 3, 2}), root), FloatAttr(), FloatAttr());
  Value qkOut[4] = {qk, {}, {}, {}};
  if (float cap = c.attrFloat("softcap", 0.f); cap > 0.f) {
    Value capV = floatScalar(c, cap);
    Value t = c.b.create<edge::TanhOp>(c.loc, qk.getType(),
                                       buildBinary<edge::DivOp>(c, qk, capV));
    qk = mul(c, t, capV);
  }
  qkOut[1] = qk;

  // The additive bias.
  Value bias;
  Value negInf = floatScalar(c, -INFINITY), zero = floatScalar(c, 0.f);
  if (Value m = c.in(3)) {
    Shape ms = NodeContext::shape(m);
    if (ms.empty() || ms.back() > T)
      return c.fail("attn_mask of shape " + shapeToString(ms) + " is longer than the " +
                    std::to_string(T) + " keys");
    if (NodeContext::elementType(m).isInteger(1))
      m = buildWhere(c, m, zero, negInf);
    else if (!NodeContext::elementType(m).isF32())
      return c.fail("attn_mask must be bool or float");
    if (!m)
      return failure();
    if (ms.back() < T) { // the keys past the mask are masked
      Shape padShape = ms;
      padShape.back() = T - ms.back();
      Tensor pad = Tensor::zeros(DType::F32, padShape);
      std::fill(pad.f.begin(), pad.f.end(), -INFINITY);
      m = buildConcat(c, {m, c.constant(pad)}, ms.size() - 1);
    }
    bias = m;
  }
  Value nonpad = c.in(6);
  if (nonpad) {
    Shape ns = NodeContext::shape(nonpad);
    if (ns != Shape{B} || !NodeContext::elementType(nonpad).isInteger(64))
      return c.fail("nonpad_kv_seqlen must be an int64 tensor of shape [" + std::to_string(B) +
                    "]");
  }
  auto rangeConst = [&](int64_t n, const Shape &shape) {
    Tensor t = Tensor::zeros(DType::I64, shape);
    for (int64_t k = 0; k < n; ++k)
      t.i[k] = k;
    return c.constant(t);
  };
  if (c.attrInt("is_causal", 0)) {
    Value tri;
    if (nonpad) { // per batch: query i sees keys up to i + nonpad[b] - Sq
      Tensor sq = Tensor::zeros(DType::I64, {});
      sq.i[0] = Sq;
      Value off = buildBinary<edge::SubOp>(c, c.reshape(nonpad, {B, 1, 1, 1}), c.constant(sq));
      Value rows = add(c, rangeConst(Sq, {1, 1, Sq, 1}), off);
      Value after = buildPredicate<edge::LessOp>(c, rows, rangeConst(T, {1, 1, 1, T}));
      tri = after ? buildWhere(c, after, negInf, zero) : Value();
    } else {
      Tensor t = Tensor::zeros(DType::F32, {Sq, T});
      for (int64_t i = 0; i < Sq; ++i)
        for (int64_t j = 0; j < T; ++j)
          t.f[i * T + j] = i + past < j ? -INFINITY : 0.f;
      tri = c.constant(t);
    }
    if (!tri)
      return failure();
    bias = bias ? add(c, bias, tri) : tri;
  }
  if (nonpad) { // keys at or past nonpad[b] are padding
    Value valid = buildPredicate<edge::LessOp>(c, rangeConst(T, {1, T}),
                                               c.reshape(nonpad, {B, 1}));
    Value pm = valid ? buildWhere(c, valid, zero, negInf) : Value();
    if (!pm)
      return failure();
    pm = c.reshape(pm, {B, 1, 1, T});
    bias = bias ? add(c, bias, pm) : pm;
  }
  if (bias) {
    qk = add(c, qk, bias);
    if (!qk)
      return failure();
  }
  qkOut[2] = qk;
  Value p = c.b.create<edge::SoftmaxOp>(c.loc, qk.getType(), qk, (int64_t)3);
  if (bias) { // a row the bias masks entirely gives zeros, not NaN
    Shape bs = NodeContext::shape(bias);
    Value rowMax = buildReduce<edge::ReduceMaxOp>(c, bias, {(int64_t)bs.size() - 1}, true);
    Value all = buildPredicate<edge::EqualOp>(c, rowMax, negInf);
    p = all ? buildWhere(c, all, zero, p) : Value();
    if (!p)
      return failure();
  }
  qkOut[3] = p;
  int64_t Dv = vs[3];
  Value y = c.b.create<edge::MatMulOp>(c.loc, c.tensorType({B, Hq, Sq, Dv}, c.b.getF32Type()),
                                       p, V, FloatAttr(), FloatAttr());
  if (rank == 3)
    y = c.reshape(buildTranspose(c, y, {0, 2, 1, 3}), {B, Sq, Hq * Dv});
  // float (1), or double (11), which edgec computes as float everywhere;
  // float16 / bfloat16 would round the softmax more than edgec does.
  if (int64_t sp = c.attrInt("softmax_precision", 1); sp != 1 && sp != 11)
    return c.fail("softmax_precision " + std::string(onnxTypeDescription((int32_t)sp)) +
                  " is not supported: edgec computes the softmax in float");
  int64_t mode = c.attrInt("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return c.fail("qk_matmul_output_mode " + std::to_string(mode) + " is not 0, 1, 2 or 3");
  c.outputs = {y, presentK, presentV, qkOut[mode]};
  return success();
}

/// RotaryEmbedding (opset 23), as ONNX's function body: input [B, H, S, D]
/// (or [B, S, H*D] with num_heads), the first rotary_embedding_dim (default
/// D) of each head rotated pairwise by the cached cos / sin of its position
/// (cos_cache / sin_cache [max_position, dim/2] gathered by position_ids
/// [B, S], or already [B, S, dim/2] without them). The pairs are (x[2i],
/// x[2i+1]) when interleaved, else (x[i], x[i + dim/2]).
LogicalResult rotaryEmbedding(NodeContext &c) {
  auto x = c.required(0, "input"), cosC = c.required(1, "cos_cache"),
       sinC = c.required(2, "sin_cache");
  if (failed(x) || failed(cosC) || failed(sinC))
    return failure();
  for (Value v : {*x, *cosC, *sinC})
    if (!NodeContext::elementType(v).isF32())
      return c.fail("input, cos_cache and sin_cache must be float tensors");
  Shape xs = NodeContext::shape(*x);
  Value X; // [B, S, H, D]
  if (xs.size() == 4) {
    X = buildTranspose(c, *x, {0, 2, 1, 3});
  } else if (xs.size() == 3) {
    int64_t heads = c.attrInt("num_heads", 0);
    if (heads <= 0 || xs[2] % heads != 0)
      return c.fail("a 3-D input of shape " + shapeToString(xs) +
                    " needs num_heads dividing its last dimension, got " + std::to_string(heads));
    X = c.reshape(*x, {xs[0], xs[1], heads, xs[2] / heads});
  } else {
    return c.fail("input of shape " + shapeToString(xs) + " must be 3-D or 4-D");
  }
  Shape s = NodeContext::shape(X);
  const int64_t B = s[0], S = s[1], D = s[3];
  int64_t dim = c.attrInt("rotary_embedding_dim", 0);
  if (dim == 0)
    dim = D;
  if (dim < 2 || dim > D || dim % 2 != 0)
    return c.fail("rotary_embedding_dim " + std::to_string(dim) + " must be even and within the " +
                  "head size " + std::to_string(D));
  const int64_t half = dim / 2;
  // cos / sin as [B, S, 1, half].
  auto cache = [&](Value cc, const char *what) -> Value {
    Shape cs = NodeContext::shape(cc);
    Value g = cc;
    if (Value pos = c.in(3)) {
      Shape ps = NodeContext::shape(pos);
      if (cs.size() != 2 || ps != Shape{B, S} || !isa<IntegerType>(NodeContext::elementType(pos))) {
        (void)c.fail(std::string(what) + " of shape " + shapeToString(cs) + " and position_ids of shape " +
               shapeToString(ps) + " do not fit an input of " + std::to_string(B) + " x " +
               std::to_string(S) + " positions");
        return {};
      }
      g = c.b.create<edge::GatherOp>(c.loc, c.tensorType({B, S, cs[1]}, c.b.getF32Type()), cc, pos,
                                     (int64_t)0);
    } else if (cs != Shape{B, S, cs.size() == 3 ? cs[2] : -1}) {
      (void)c.fail(std::string(what) + " of shape " + shapeToString(cs) + " must be [" +
             std::to_string(B) + ", " + std::to_string(S) + ", dim/2] without position_ids");
      return {};
    }
    Shape gs = NodeContext::shape(g);
    if (gs[2] < half) {
      (void)c.fail(std::string(what) + " holds " + std::to_string(gs[2]) + " values per position, " +
             std::to_string(half) + " needed");
      return {};
    }
    return c.reshape(buildSlice(c, g, 2, 0, half), {B, S, 1, half});
  };
  Value cosV = cache(*cosC, "cos_cache"), sinV = cache(*sinC, "sin_cache");
  if (!cosV || !sinV)
    return failure();
  bool interleaved = c.attrInt("interleaved", 0) != 0;
  Value x1 = interleaved ? buildSlice(c, X, 3, 0, half, 2) : buildSlice(c, X, 3, 0, half);
  Value x2 = interleaved ? buildSlice(c, X, 3, 1, half, 2) : buildSlice(c, X, 3, half, half);
  Value re = buildBinary<edge::SubOp>(c, mul(c, cosV, x1), mul(c, sinV, x2));
  Value im = add(c, mul(c, sinV, x1), mul(c, cosV, x2));
  if (!re || !im)
    return failure();
  Value rotated;
  if (interleaved) {
    Shape r5 = {B, S, s[2], half, 1};
    rotated = c.reshape(buildConcat(c, {c.reshape(re, r5), c.reshape(im, r5)}, 4),
                        {B, S, s[2], dim});
  } else {
    rotated = buildConcat(c, {re, im}, 3);
  }
  if (dim < D)
    rotated = buildConcat(c, {rotated, buildSlice(c, X, 3, dim, D - dim)}, 3);
  c.setOutput(xs.size() == 4 ? buildTranspose(c, rotated, {0, 2, 1, 3}) : c.reshape(rotated, xs));
  return success();
}

} // namespace

/// LinearAttention (opset 27): per batch and KV head a d_k x d_v state S,
/// for each step t (ONNX's function body, unrolled over the sequence):
///   linear       S = S + k v^T
///   gated        S = exp(g) S + k v^T
///   delta        S = S + k (beta (v - S^T k))^T
///   gated_delta  S' = exp(g) S, S = S' + k (beta (v - S'^T k))^T
/// and o_t = scale q^T S, query head h reading KV head h / (Hq / Hkv). The
/// decay g is per key dimension [B, T, Hkv*dk] or per head [B, T, Hkv];
/// beta per head [B, T, Hkv] or shared [B, T, 1]; scale defaults to
/// 1 / sqrt(dk); past_state (zeros when absent) and present_state are
/// [B, Hkv, dk, dv]. Every step is batched matmuls over [B, Hkv].
LogicalResult linearAttention(NodeContext &c) {
  auto q = c.required(0, "query"), k = c.required(1, "key"), v = c.required(2, "value");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  for (Value x : {*q, *k, *v})
    if (!NodeContext::elementType(x).isF32())
      return c.fail("query, key and value must be float tensors");
  int64_t hq = c.attrInt("q_num_heads", 0), hkv = c.attrInt("kv_num_heads", 0);
  if (hq < 1 || hkv < 1 || hq % hkv)
    return c.fail("q_num_heads " + std::to_string(hq) + " must be a positive multiple of "
                  "kv_num_heads " + std::to_string(hkv));
  std::string rule = c.attrString("update_rule", "gated_delta");
  bool gated = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  if (!gated && !delta && rule != "linear")
    return c.fail("update_rule '" + rule + "' is not linear, gated, delta or gated_delta");
  Shape qs = NodeContext::shape(*q), ks = NodeContext::shape(*k), vs = NodeContext::shape(*v);
  if (qs.size() != 3 || ks.size() != 3 || vs.size() != 3 || qs[2] % hq || vs[2] % hkv ||
      ks[0] != qs[0] || vs[0] != qs[0] || ks[1] != qs[1] || vs[1] != qs[1] ||
      ks[2] != qs[2] / hq * hkv)
    return c.fail("query " + shapeToString(qs) + ", key " + shapeToString(ks) + " and value " +
                  shapeToString(vs) + " are not [B, T, Hq*dk], [B, T, Hkv*dk] and "
                  "[B, T, Hkv*dv] for " + std::to_string(hq) + " and " + std::to_string(hkv) +
                  " heads");
  int64_t B = qs[0], T = qs[1], dk = qs[2] / hq, dv = vs[2] / hkv, G = hq / hkv;
  Value past = c.in(3), decay = c.in(4), beta = c.in(5);
  if (gated && !decay)
    return c.fail("update_rule '" + rule + "' needs decay (input 4)");
  if (delta && !beta)
    return c.fail("update_rule '" + rule + "' needs beta (input 5)");
  if (past && NodeContext::shape(past) != Shape{B, hkv, dk, dv})
    return c.fail("past_state of shape " + shapeToString(NodeContext::shape(past)) +
                  " must be " + shapeToString({B, hkv, dk, dv}));
  int64_t gk = 0, bh = 0; // per-step widths of decay and beta
  if (gated) {
    Shape ds = NodeContext::shape(decay);
    gk = ds.size() == 3 && ds[0] == B && ds[1] == T ? (ds[2] == hkv * dk ? dk : ds[2] == hkv ? 1 : 0) : 0;
    if (!gk)
      return c.fail("decay of shape " + shapeToString(ds) + " must be " +
                    shapeToString({B, T, hkv * dk}) + " or " + shapeToString({B, T, hkv}));
  }
  if (delta) {
    Shape bs = NodeContext::shape(beta);
    bh = bs.size() == 3 && bs[0] == B && bs[1] == T && (bs[2] == hkv || bs[2] == 1) ? bs[2] : 0;
    if (!bh)
      return c.fail("beta of shape " + shapeToString(bs) + " must be " +
                    shapeToString({B, T, hkv}) + " or " + shapeToString({B, T, 1}));
  }
  for (Value x : {past, decay, beta})
    if (x && !NodeContext::elementType(x).isF32())
      return c.fail("past_state, decay and beta must be float tensors");
  float scale = c.attr("scale") ? c.attrFloat("scale", 0.f) : 1.0f / std::sqrt((float)dk);
  // [B, T, H*d] -> [B, H, T, d]: step t is the slice [B, H, 1, d], a row.
  auto heads = [&](Value x, int64_t h) {
    int64_t d = NodeContext::shape(x)[2] / h;
    return buildTranspose(c, c.reshape(x, {B, T, h, d}), {0, 2, 1, 3});
  };
  Value Q = heads(*q, hq), K = heads(*k, hkv), V = heads(*v, hkv);
  Value D = gated ? heads(decay, hkv) : Value(), Bt = delta ? heads(beta, bh) : Value();
  Value S = past ? past : c.constant(Tensor::zeros(DType::F32, {B, hkv, dk, dv}));
  Type f32 = c.b.getF32Type();
  auto matmul = [&](Value a, Value b, Shape out) -> Value {
    return c.b.create<edge::MatMulOp>(c.loc, c.tensorType(out, f32), a, b, FloatAttr(),
                                      FloatAttr());
  };
  Value scaleV = floatScalar(c, scale);
  std::vector<Value> outs;
  for (int64_t t = 0; t < T; ++t) {
    Value kRow = buildSlice(c, K, 2, t, 1), vRow = buildSlice(c, V, 2, t, 1);
    Value kCol = c.reshape(kRow, {B, hkv, dk, 1});
    if (gated) {
      Value g = buildSlice(c, D, 2, t, 1);
      g = c.b.create<edge::ExpOp>(c.loc, g.getType(), g);
      S = mul(c, S, c.reshape(g, {B, hkv, gk, 1}));
    }
    Value write = vRow;
    if (delta) {
      Value retrieved = matmul(kRow, S, {B, hkv, 1, dv}); // (S^T k)^T
      Value diff = buildBinary<edge::SubOp>(c, vRow, retrieved);
      write = mul(c, buildSlice(c, Bt, 2, t, 1), diff);
    }
    S = add(c, S, matmul(kCol, write, {B, hkv, dk, dv}));
    Value read = S;
    if (G > 1)
      read = c.reshape(buildRepeat(c, c.reshape(S, {B, hkv, 1, dk, dv}), 2, G), {B, hq, dk, dv});
    outs.push_back(mul(c, scaleV, matmul(buildSlice(c, Q, 2, t, 1), read, {B, hq, 1, dv})));
  }
  Value o = buildTranspose(c, buildConcat(c, outs, 2), {0, 2, 1, 3});
  c.outputs = {c.reshape(o, {B, T, hq * dv}), S};
  return success();
}

/// TensorScatter (opset 24), the KV-cache update: past_cache with update
/// written along `axis` from write_indices[b] on (0 when absent), modulo the
/// cache length in circular mode. A ScatterElements whose indices are
/// write_indices[b] + s: constants when the write indices are, else computed
/// in the graph (the scatter kernel clamps, the evaluator refuses, an index
/// past the cache in linear mode).
LogicalResult tensorScatter(NodeContext &c) {
  auto past = c.required(0, "past_cache"), upd = c.required(1, "update");
  if (failed(past) || failed(upd))
    return failure();
  Shape ps = NodeContext::shape(*past), us = NodeContext::shape(*upd);
  int64_t rank = ps.size();
  if (rank < 2)
    return c.fail("past_cache of shape " + shapeToString(ps) + " has no batch and sequence axes");
  auto axis = c.axis(c.attrInt("axis", -2), rank, "axis");
  if (failed(axis))
    return failure();
  if (*axis == 0)
    return c.fail("axis 0 is the batch axis, not a sequence axis");
  bool ok = us.size() == ps.size() && us[*axis] <= ps[*axis];
  for (int64_t d = 0; ok && d < rank; ++d)
    ok = d == *axis || us[d] == ps[d];
  if (!ok)
    return c.fail("update of shape " + shapeToString(us) + " does not fit past_cache of shape " +
                  shapeToString(ps) + " along axis " + std::to_string(*axis));
  if (NodeContext::elementType(*past) != NodeContext::elementType(*upd))
    return c.fail("past_cache and update element types differ");
  std::string mode = c.attrString("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return c.fail("mode '" + mode + "' is not linear or circular");
  bool circular = mode == "circular";
  int64_t B = ps[0], S = us[*axis], maxS = ps[*axis];
  Value w = c.in(2);
  if (w && NodeContext::shape(w) != Shape{B})
    return c.fail("write_indices of shape " + shapeToString(NodeContext::shape(w)) + " must be [" +
                  std::to_string(B) + "]");
  Type i64 = c.b.getIntegerType(64);
  Value idx;
  std::optional<Tensor> wc = w ? c.constantInput(2) : std::optional(Tensor::zeros(DType::I64, {B}));
  if (wc) {
    Tensor t = Tensor::zeros(DType::I64, us);
    std::vector<int64_t> st(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      st[d] = st[d + 1] * us[d + 1];
    for (int64_t k = 0; k < t.numElements(); ++k) {
      int64_t b = k / st[0], sIdx = (k / st[*axis]) % S, v = wc->i[b] + sIdx;
      t.i[k] = circular ? ((v % maxS) + maxS) % maxS : v;
    }
    idx = c.constant(t);
  } else {
    if (!isa<IntegerType>(NodeContext::elementType(w)))
      return c.fail("write_indices must be an integer tensor");
    Shape bs(rank, 1), ss(rank, 1);
    bs[0] = B;
    ss[*axis] = S;
    Value wb = c.reshape(NodeContext::elementType(w) == i64
                             ? w
                             : Value(c.b.create<edge::CastOp>(c.loc, c.tensorType({B}, i64), w)),
                         bs);
    Tensor iota = Tensor::zeros(DType::I64, ss);
    for (int64_t k = 0; k < S; ++k)
      iota.i[k] = k;
    idx = buildBinary<edge::AddOp>(c, wb, c.constant(iota));
    if (idx && circular) {
      Tensor m = Tensor::zeros(DType::I64, {});
      m.i[0] = maxS;
      idx = buildBinary<edge::ModOp>(c, idx, c.constant(m));
    }
    if (!idx)
      return failure();
    idx = buildExpand(c, idx, us);
  }
  c.setOutput(c.b.create<edge::ScatterElementsOp>(
      c.loc, past->getType(), *past, idx, *upd, c.b.getI64IntegerAttr(*axis),
      edge::ScatterReductionAttr::get(c.b.getContext(), edge::ScatterReduction::None)));
  return success();
}

void registerTransformerOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
                        {"", "Attention", 23, attention},
                        {"", "RotaryEmbedding", 23, rotaryEmbedding},
                        {"", "TensorScatter", 24, tensorScatter},
                        {"", "LinearAttention", 27, linearAttention},
                    });
}

} // namespace edgec::onnx_import
