//===- Conv.cpp - edge.conv2d in float and int8 ----------------------------===//
//
// Float: conv2d_f32 (im2col tiles of `tile` output pixels). int8: the kernel
// row edge-select-kernels chose (KernelTable.def: sparse, blocked, arm-dsp,
// reference), each with its own arguments: the blocked and the sparse
// pointwise kernels take the bias with the input zero point folded in.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Sparsity/Sparsity.h"

using namespace mlir;

namespace edgec::codegen {

RequantArrays requantArrays(KernelWriter &w) {
  std::vector<int64_t> mult, shift;
  bool right = true;
  for (const quant::FixedPoint &fp : quant::channelMultipliers(w.op())) {
    mult.push_back(fp.multiplier);
    shift.push_back(fp.shift);
    right = right && (fp.multiplier == 0 || (fp.shift <= -1 && fp.shift >= -31));
  }
  // A zero multiplier gives 0 with any right shift; it is written as -2, so
  // that it does not ask for the rounding term of a shift by one.
  bool shiftOne = false;
  if (right)
    for (size_t i = 0; i < mult.size(); ++i) {
      if (mult[i] == 0)
        shift[i] = -2;
      shiftOne = shiftOne || shift[i] == -1;
    }
  RequantArrays r;
  r.shift = w.ints(shift, "int32_t", w.node() + "_shift");
  r.mult = w.ints(mult, "int32_t", w.node() + "_mult");
  r.right = right;
  r.shiftOne = right && shiftOne;
  return r;
}

std::string foldedBias(KernelWriter &w, Value weight, Value bias, int64_t inputZero) {
  Tensor wt = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  int64_t rows = wt.shape[0], k = wt.numElements() / rows;
  std::optional<Tensor> b;
  if (bias)
    b = tensorFromAttr(bias.getDefiningOp<edge::ConstantOp>().getValue());
  std::vector<int64_t> values(rows);
  for (int64_t m = 0; m < rows; ++m) {
    int64_t sum = 0;
    for (int64_t q = 0; q < k; ++q)
      sum += wt.i[m * k + q];
    int64_t base = b ? b->i[b->numElements() == 1 ? 0 : m] : 0;
    values[m] = base - inputZero * sum;
  }
  return w.ints(values, "int32_t", w.node() + "_bias_adj");
}

std::pair<std::string, std::string> sparseArrays(KernelWriter &w, Value weight) {
  Tensor wt = tensorFromAttr(weight.getDefiningOp<edge::ConstantOp>().getValue());
  sparsity::SparseEncoding e = sparsity::encodeSparse(wt, wt.shape[0]);
  std::string mask = w.ints(e.mask, "uint8_t", w.node() + "_mask");
  std::string values = w.ints(e.values, "int8_t", w.node() + "_nonzero");
  return {mask, values};
}

void appendPairedWords(std::vector<int64_t> &out, llvm::ArrayRef<int64_t> a,
                       llvm::ArrayRef<int64_t> b, int64_t q) {
  // B + 128 as an unsigned byte, written as the int8_t with the same bits.
  auto biased = [](int64_t v) { return v >= 0 ? v - 128 : v + 128; };
  auto at = [](llvm::ArrayRef<int64_t> row, int64_t k) { return k < int64_t(row.size()) ? row[k] : 0; };
  for (int64_t half : {0, 1})
    for (int64_t lane : {0, 2})
      out.insert(out.end(), {biased(at(b, q + lane + half)), at(a, q + lane + half)});
}

namespace {

} // namespace

/// The filters as conv2d_s8_dsp reads them (kernels/arm/conv2d_s8_dsp.h):
/// per group, output channels in pairs, each pair's rows interleaved four
/// taps at a time (appendPairedWords) over `stride` taps (K rounded up to a
/// multiple of four, the rest zero), then an odd last channel as it is,
/// padded with zeros to `stride`.
std::string pairedConvWeights(KernelWriter &w, edge::Conv2DOp conv, int64_t stride) {
  Tensor wt = tensorFromAttr(conv.getWeight().getDefiningOp<edge::ConstantOp>().getValue());
  const int64_t rows = wt.shape[0], k = wt.numElements() / rows;
  const int64_t mg = rows / conv.getGroup();
  auto row = [&](int64_t m) { return llvm::ArrayRef<int64_t>(wt.i).slice(m * k, k); };
  std::vector<int64_t> out;
  out.reserve(rows * stride);
  for (int64_t g0 = 0; g0 < rows; g0 += mg) {
    int64_t m = 0;
    for (; m + 1 < mg; m += 2)
      for (int64_t q = 0; q < stride; q += 4)
        appendPairedWords(out, row(g0 + m), row(g0 + m + 1), q);
    if (m < mg) {
      llvm::ArrayRef<int64_t> last = row(g0 + m);
      out.insert(out.end(), last.begin(), last.end());
      out.resize(out.size() + (stride - k), 0);
    }
  }
  return w.ints(out, "int8_t", w.node() + "_paired");
}

namespace {

/// The filters as blocked::conv2d_s8_hwc reads them: channels last,
/// w[m][kh][kw][c] (one group).
std::string hwcConvWeights(KernelWriter &w, edge::Conv2DOp conv) {
  Tensor wt = tensorFromAttr(conv.getWeight().getDefiningOp<edge::ConstantOp>().getValue());
  const int64_t M = wt.shape[0], C = wt.shape[1], KH = wt.shape[2], KW = wt.shape[3];
  std::vector<int64_t> out;
  out.reserve(wt.i.size());
  for (int64_t m = 0; m < M; ++m)
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw)
        for (int64_t c = 0; c < C; ++c)
          out.push_back(wt.i[((m * C + c) * KH + kh) * KW + kw]);
  return w.ints(out, "int8_t", w.node() + "_hwc");
}

} // namespace

void emitDenseS8(KernelWriter &w, const std::string &id, Value input, Value weight, Value bias,
                 int64_t inputZero, const RequantArrays &rq, Value output,
                 const std::string &weightArray, bool inPlace) {
  // Weight arrays are named in the order they are first used: bias, weight.
  std::string b = w.kernelName().ends_with("_blocked") ? foldedBias(w, weight, bias, inputZero)
                   : bias                              ? w.in(bias)
                                                       : std::string("nullptr");
  std::string wt = weightArray.empty() ? w.in(weight) : weightArray;
  KernelCall call = w.call();
  call.tmpl(id);
  if (inPlace)
    call.flag(true);
  call.in(input).arg(wt).arg(b).arg(rq.mult).arg(rq.shift).in(output);
  if (w.kernelTakesScratch())
    call.scratch();
  call.emit();
}

namespace {

/// The sparse kernel's enumerator of a sparse convolution kind.
std::string sparseConvName(edge::SparseKind kind) {
  switch (kind) {
  case edge::SparseKind::Pointwise: return "edgec::sparse::SparseConv::kPointwise";
  case edge::SparseKind::Depthwise: return "edgec::sparse::SparseConv::kDepthwise";
  case edge::SparseKind::Im2col: return "edgec::sparse::SparseConv::kIm2col";
  case edge::SparseKind::Fc: break;
  }
  llvm_unreachable("not a sparse convolution");
}

/// The arena offset of `v`'s bytes (through views), when it has one.
std::optional<int64_t> arenaOffsetOf(Value v) {
  Operation *def = v.getDefiningOp();
  while (def && kernels::isView(def)) {
    v = def->getOperand(0);
    def = v.getDefiningOp();
  }
  if (!def || memory::directOutputIndex(def) >= 0)
    return std::nullopt;
  if (auto off = def->getAttrOfType<IntegerAttr>(memory::kOffsetAttr))
    return off.getInt();
  return std::nullopt;
}

/// `a` and `b` start at the same arena byte: the plan runs the layer in
/// place (the in-place pairs KernelTable.def declares).
bool sameArenaBytes(Value a, Value b) {
  std::optional<int64_t> x = arenaOffsetOf(a), y = arenaOffsetOf(b);
  return x && y && *x == *y;
}

/// Conv2DParams' geometry (conv2d_params.h).
Params convGeometry(edge::Conv2DOp op) {
  Shape in = shapeOf(op.getInput()), w = shapeOf(op.getWeight()), out = shapeOf(op.getOutput());
  auto s = op.getStrides(), p = op.getPads(), d = op.getDilations();
  Params g;
  g.wrap(4).set("batch", in[0]).set("in_c", in[1]).set("in_h", in[2]).set("in_w", in[3]);
  g.wrap(4).set("out_c", out[1]).set("out_h", out[2]).set("out_w", out[3]);
  g.wrap(4).set("kernel_h", w[2]).set("kernel_w", w[3]).set("stride_h", s[0]).set("stride_w", s[1]);
  g.wrap(4).set("pad_top", p[0]).set("pad_left", p[1]).set("dilation_h", d[0])
      .set("dilation_w", d[1]);
  g.wrap(4).set("groups", op.getGroup());
  if (op.hasInputDilation())
    g.set("in_dilation_h", op.inputDilation(0)).set("in_dilation_w", op.inputDilation(1));
  return g;
}

} // namespace

std::string declareConvS8(KernelWriter &w, edge::Conv2DOp o, const RequantArrays &rq) {
  quant::QParams px = quant::paramsOf(o.getInput().getType());
  quant::QParams py = quant::paramsOf(o.getOutput().getType());
  auto [lo, hi] = quant::outputClamp(o);
  Params p("Conv2DS8Params");
  p.wrap(2).nest("conv", convGeometry(o));
  p.wrap(2).set("input_zero", px.zeroPoint).set("output_zero", py.zeroPoint).set("act_min", lo)
      .set("act_max", hi);
  if (rq.right)
    p.flag("right_shift", true);
  if (rq.shiftOne)
    p.flag("shift_one", true);
  return w.declare(p);
}

namespace {

LogicalResult emitConvS8(edge::Conv2DOp o, KernelWriter &w) {
  Value result = o.getOutput();
  quant::QParams px = quant::paramsOf(o.getInput().getType());
  RequantArrays rq = requantArrays(w);
  std::string id = declareConvS8(w, o, rq);
  llvm::StringRef row = w.kernelName();
  // Weight arrays are named in the order they are first used.
  if (row == "conv2d_s8_sparse") {
    auto kind = *kernels::sparseKindOf(o);
    auto [mask, values] = sparseArrays(w, o.getWeight());
    edge::KernelFamily f = edge::familyOf(o);
    bool dsp = f == edge::KernelFamily::ArmDsp || f == edge::KernelFamily::ArmMve;
    // Raw int8 taps (pointwise; im2col without DSP) take the zero point in the bias.
    bool folded = kind == edge::SparseKind::Pointwise || (kind == edge::SparseKind::Im2col && !dsp);
    std::string b = folded        ? foldedBias(w, o.getWeight(), o.getBias(), px.zeroPoint)
                    : o.getBias() ? w.in(o.getBias())
                                  : std::string("nullptr");
    // The variant is the compiler's choice, as is the bias it gets; a
    // pointwise layer planned over its input takes the in-place variant.
    std::string variant = sparseConvName(kind);
    w.assertScratch(id + ", " + (dsp ? "true" : "false") + ", " + variant);
    auto call = w.call();
    call.tmpl(id).flag(dsp).tmpl(variant);
    if (kind == edge::SparseKind::Pointwise && sameArenaBytes(o.getInput(), result))
      call.flag(true); // InPlace
    call.in(o.getInput()).arg(mask).arg(values).arg(b).arg(rq.mult).arg(rq.shift).in(result)
        .scratch().emit();
    return success();
  }
  w.assertScratch(id);
  // conv2d_s8_dsp reads the filters (but a depthwise layer's) in pairs,
  // padded to a multiple of four taps; the bias array comes first.
  std::string weights;
  bool ring = false;
  if (row == "conv2d_s8_dsp" && !kernels::isDepthwiseConv(o)) {
    if (o.getBias())
      w.in(o.getBias());
    weights = pairedConvWeights(w, o, kernels::dspConvRow(o));
    // A layer the plan runs over its input that needs the ring to do so.
    ring = kernels::dspConvRingInPlace(o) && sameArenaBytes(o.getInput(), result);
  }
  if (row == "conv2d_s8_hwc_blocked")
    weights = hwcConvWeights(w, o);
  emitDenseS8(w, id, o.getInput(), o.getWeight(), o.getBias(), px.zeroPoint, rq, result,
              weights, ring);
  return success();
}

LogicalResult emitConv(edge::Conv2DOp o, KernelWriter &w) {
  if (w.integer())
    return emitConvS8(o, w);
  Params p("Conv2DParams");
  p.append(convGeometry(o)).set("tile", kernels::convTile(o));
  std::string id = w.declare(actFields(p, o));
  w.assertScratch(id);
  w.call().tmpl(id).in(o.getInput()).in(o.getWeight()).optional(o.getBias()).in(o.getOutput())
      .floatScratch().emit();
  return success();
}

} // namespace

void attachConvKernels(MLIRContext &ctx) { attach<edge::Conv2DOp, emitConv>(ctx); }

} // namespace edgec::codegen
