//===- Matrix.cpp - edge.gemm, edge.matmul and edge.det -------------------===//
//
// Gemm in float (fc_f32) and int8 (the fc row edge-select-kernels chose:
// sparse, blocked, arm-dsp, reference); batched MatMul with broadcast batch
// offsets in constexpr tables; the determinant by LU in scratch.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"

using namespace mlir;

namespace edgec::codegen {
namespace {

/// B (N x K, int8, K a multiple of 4) in fc_s8_dsp_paired's layout
/// (kernels/arm/conv2d_s8_dsp.h): rows in blocks of two pairs, then a pair,
/// then a last odd row as it is; in each pair, for every four k, the words
/// E = B[k]+128, A[k], B[k+2]+128, A[k+2] and O = the same at k+1 and k+3.
std::string pairedFcWeights(KernelWriter &w, Value weight) {
  Tensor wt = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  const int64_t n = wt.shape[0], k = wt.shape[1];
  auto row = [&](int64_t r) { return llvm::ArrayRef<int64_t>(wt.i).slice(r * k, k); };
  std::vector<int64_t> out;
  out.reserve(wt.i.size());
  auto pairs = [&](int64_t first, int64_t count) {
    for (int64_t q = 0; q < k; q += 4)
      for (int64_t p = 0; p < count; ++p)
        appendPairedWords(out, row(first + 2 * p), row(first + 2 * p + 1), q);
  };
  int64_t j = 0;
  for (; j + 3 < n; j += 4)
    pairs(j, 2);
  if (j + 1 < n)
    pairs(j, 1), j += 2;
  for (; j < n; ++j)
    out.insert(out.end(), row(j).begin(), row(j).end());
  return w.ints(out, "int8_t", w.node() + "_paired");
}

/// fc_s8_w4's B: rows of N x K int4 values, two to a byte (the first in the
/// low bits), each row starting on a byte; a K x N B (`transB` false, a
/// MatMul's) is transposed on the way.
std::string packedInt4Weights(KernelWriter &w, Value weight, bool transB) {
  Tensor wt = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  const int64_t n = transB ? wt.shape[0] : wt.shape[1], k = transB ? wt.shape[1] : wt.shape[0];
  const int64_t rowBytes = (k + 1) / 2;
  std::vector<int64_t> out(n * rowBytes, 0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t q = 0; q < k; ++q)
      out[r * rowBytes + q / 2] |= (wt.i[transB ? r * k + q : q * n + r] & 0xF) << (4 * (q & 1));
  return w.ints(out, "uint8_t", w.node() + "_int4");
}

LogicalResult emitGemmS8(edge::GemmOp o, KernelWriter &w) {
  Value result = o.getOutput();
  Shape a = shapeOf(o.getA()), out = shapeOf(result);
  if (o.getTransA())
    return w.unsupported() << "int8 Gemm with transA";
  quant::QParams pa = quant::paramsOf(o.getA().getType());
  quant::QParams py = quant::paramsOf(result.getType());
  auto [lo, hi] = quant::outputClamp(o);
  RequantArrays rq = requantArrays(w);
  llvm::StringRef row = w.kernelName();
  // fc_s8_w4 always reads its packed B as N x K rows.
  Params p("FcS8Params");
  p.set("m", out[0]).set("n", out[1]).set("k", a[1])
      .flag("trans_b", o.getTransB() || row == "fc_s8_w4")
      .set("input_zero", pa.zeroPoint).set("output_zero", py.zeroPoint).set("act_min", lo)
      .set("act_max", hi);
  if (rq.right)
    p.flag("right_shift", true);
  if (rq.shiftOne)
    p.flag("shift_one", true);
  std::string id = w.declare(p);
  w.assertScratch(id);
  // Weight arrays are named in the order they are first used.
  if (row == "fc_s8_sparse") {
    auto [mask, values] = sparseArrays(w, o.getB());
    w.call().tmpl(id).in(o.getA()).arg(mask).arg(values).optional(o.getC()).arg(rq.mult)
        .arg(rq.shift).in(result).scratch().emit();
    return success();
  }
  if (row == "fc_s8_dsp_paired") {
    std::string bias = foldedBias(w, o.getB(), o.getC(), pa.zeroPoint);
    std::string weights = pairedFcWeights(w, o.getB());
    w.call().tmpl(id).in(o.getA()).arg(weights).arg(bias).arg(rq.mult).arg(rq.shift).in(result)
        .emit();
    return success();
  }
  if (row == "fc_s8_w4") {
    std::string bias = o.getC() ? w.in(o.getC()) : std::string("nullptr");
    std::string weights = packedInt4Weights(w, o.getB(), o.getTransB());
    w.call().tmpl(id).in(o.getA()).arg(weights).arg(bias).arg(rq.mult).arg(rq.shift).in(result)
        .emit();
    return success();
  }
  emitDenseS8(w, id, o.getA(), o.getB(), o.getC(), pa.zeroPoint, rq, result);
  return success();
}

LogicalResult emitGemm(edge::GemmOp o, KernelWriter &w) {
  if (w.integer())
    return emitGemmS8(o, w);
  Shape a = shapeOf(o.getA()), out = shapeOf(o.getOutput());
  int64_t k = o.getTransA() ? a[0] : a[1];
  int64_t csm = 0, csn = 0;
  if (o.getC()) {
    Shape c = shapeOf(o.getC());
    Shape full(2 - std::min<size_t>(c.size(), 2), 1);
    full.insert(full.end(), c.begin(), c.end());
    csm = full[0] == 1 ? 0 : full[1];
    csn = full[1] == 1 ? 0 : 1;
  }
  Params p("GemmParams");
  p.set("m", out[0]).set("n", out[1]).set("k", k).flag("trans_a", o.getTransA())
      .flag("trans_b", o.getTransB()).real("alpha", o.getAlpha().convertToFloat())
      .real("beta", o.getBeta().convertToFloat()).set("c_stride_m", csm).set("c_stride_n", csn);
  std::string id = w.declare(actFields(p, o));
  w.call().tmpl(id).in(o.getA()).in(o.getB()).optional(o.getC()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitMatMul(edge::MatMulOp o, KernelWriter &w) {
  Shape a = shapeOf(o.getA()), b = shapeOf(o.getB());
  if (a.size() == 1)
    a.insert(a.begin(), 1);
  if (b.size() == 1)
    b.push_back(1);
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
  std::vector<int64_t> aoff, boff;
  int64_t count = prod(bs);
  Shape idx(bs.size(), 0);
  for (int64_t q = 0; q < count; ++q) {
    int64_t oa = 0, ob = 0;
    for (size_t dd = 0; dd < bs.size(); ++dd) {
      oa += idx[dd] * sa[dd];
      ob += idx[dd] * sb[dd];
    }
    aoff.push_back(oa);
    boff.push_back(ob);
    for (int dd = (int)bs.size() - 1; dd >= 0 && ++idx[dd] == bs[dd]; --dd)
      idx[dd] = 0;
  }
  std::string base = w.localName();
  w.table(base + "_a_offsets", aoff);
  w.table(base + "_b_offsets", boff);
  Params p("MatMulParams");
  p.set("batch", count).set("m", m).set("n", n).set("k", k).ref("a_offsets", base + "_a_offsets")
      .ref("b_offsets", base + "_b_offsets");
  std::string id = w.declare(actFields(p, o));
  w.call().tmpl(id).in(o.getA()).in(o.getB()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitDet(edge::DetOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput());
  int64_t m = in.back();
  std::string id = w.declare(Params("DetParams").set("count", prod(in) / (m * m)).set("m", m));
  w.assertScratch(id);
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).scratch().emit();
  return success();
}

} // namespace

void attachMatrixKernels(MLIRContext &ctx) {
  attach<edge::GemmOp, emitGemm>(ctx);
  attachFloat<edge::MatMulOp, emitMatMul>(ctx);
  attachFloat<edge::DetOp, emitDet>(ctx);
}

} // namespace edgec::codegen
