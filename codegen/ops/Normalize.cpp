//===- Normalize.cpp - softmax, hardmax, batch and layer normalization ----===//
//
// Softmax-like ops run over one axis viewed as [outer, len, inner]; int8
// softmax takes a table of exp over the input's 256 steps. Batch
// normalization is folded at compile time into one scale and shift per
// channel (channel_affine_f32).
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"

#include <cmath>

using namespace mlir;

namespace edgec::codegen {
namespace {

LogicalResult emitSoftmax(edge::SoftmaxOp o, KernelWriter &w) {
  Shape s = shapeOf(o.getInput());
  if (w.integer() && quant::tfliteNumerics(o)) {
    std::string why;
    std::vector<int32_t> t =
        quant::tfliteSoftmaxExpTable(quant::paramsOf(o.getInput().getType()).scale, &why);
    if (t.empty())
      return w.unsupported() << why;
    std::string table = w.ints(std::vector<int64_t>(t.begin(), t.end()), "int32_t",
                               w.node() + "_exp");
    std::string id = w.declare(axisFields(s, o.getAxis(), "SoftmaxParams"));
    w.call().tmpl(id).in(o.getInput()).arg(table).in(o.getOutput()).emit();
    return success();
  }
  if (w.integer()) {
    quant::QParams p = quant::paramsOf(o.getInput().getType());
    bool wide = p.qmax > 127;
    std::vector<int32_t> t = quant::softmaxExpTable(p.scale, wide);
    std::string table = w.ints(std::vector<int64_t>(t.begin(), t.end()),
                               wide ? "int16_t" : "int32_t", w.node() + "_exp");
    std::string id = w.declare(axisFields(s, o.getAxis(), "SoftmaxParams"));
    w.call().tmpl(id).in(o.getInput()).arg(table).in(o.getOutput()).emit();
    return success();
  }
  std::string id = w.declare(axisFields(s, o.getAxis(), "SoftmaxParams"));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitLogSoftmax(edge::LogSoftmaxOp o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "SoftmaxParams"));
  w.call().tmpl(id).flag(true).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitHardmax(edge::HardmaxOp o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "SoftmaxParams"));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitBatchNorm(edge::BatchNormOp o, KernelWriter &w) {
  std::optional<Tensor> t[4];
  Value ops[4] = {o.getScale(), o.getBias(), o.getMean(), o.getVar()};
  for (int q = 0; q < 4; ++q) {
    auto c = ops[q].getDefiningOp<edge::ConstantOp>();
    if (!c)
      return w.unsupported() << "BatchNormalization needs constant scale, bias, mean and "
                                "variance";
    t[q] = tensorFromAttr(c.getValue());
  }
  Shape in = shapeOf(o.getInput());
  int64_t C = in[1];
  Tensor scale = Tensor::zeros(DType::F32, {C}), shift = Tensor::zeros(DType::F32, {C});
  double eps = o.getEpsilon().convertToDouble();
  for (int64_t c = 0; c < C; ++c) {
    double s = t[0]->f[c] / std::sqrt((double)t[3]->f[c] + eps);
    scale.f[c] = (float)s;
    shift.f[c] = (float)(t[1]->f[c] - t[2]->f[c] * s);
  }
  // The folded statistics get arrays of their own.
  std::string sExpr = w.weights(scale, "float", w.node() + "_scale");
  std::string tExpr = w.weights(shift, "float", w.node() + "_shift");
  std::string id = w.declare(
      Params("ChannelAffineParams").set("outer", in[0]).set("channels", C).set("inner", prod(in, 2)));
  w.call().tmpl(id).in(o.getInput()).arg(sExpr).arg(tExpr).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitLayerNorm(edge::LayerNormOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput());
  int64_t inner = prod(in, o.getAxis());
  if (w.integer()) {
    auto values = [&](Value v) {
      return v ? tensorFromAttr(v.getDefiningOp<edge::ConstantOp>().getValue()).f
               : std::vector<float>();
    };
    if ((o.getScale() && !o.getScale().getDefiningOp<edge::ConstantOp>()) ||
        (o.getBias() && !o.getBias().getDefiningOp<edge::ConstantOp>()))
      return w.unsupported() << "an integer layer norm needs constant scale and bias";
    quant::LayerNormConstants k =
        quant::layerNormConstants(o, values(o.getScale()), values(o.getBias()));
    std::string a = w.ints(k.a, "int32_t", w.node() + "_ln_a");
    std::string b = w.ints(k.b, "int64_t", w.node() + "_ln_b");
    std::string id = w.declare(Params("LayerNormS8Params")
                                   .set("rows", inner ? prod(in, 0) / inner : 0)
                                   .set("inner", inner)
                                   .set("input_zero", k.inputZero)
                                   .set("output_zero", k.outputZero)
                                   .set("qmin", k.qmin)
                                   .set("qmax", k.qmax)
                                   .set("root_shift", k.rootShift)
                                   .setWide("epsilon", k.epsilon)
                                   .set("shift", k.shift)
                                   .flag("rms", o.getRms()));
    w.call()
        .tmpl(id)
        .tmpl(ctypeOf(o.getInput()))
        .tmpl(ctypeOf(o.getOutput()))
        .in(o.getInput())
        .arg(a)
        .arg(b)
        .in(o.getOutput())
        .emit();
    return success();
  }
  std::string id = w.declare(Params("LayerNormParams")
                                 .set("rows", inner ? prod(in, 0) / inner : 0)
                                 .set("inner", inner)
                                 .real("epsilon", o.getEpsilon().convertToDouble())
                                 .flag("rms", o.getRms())
                                 .flag("has_scale", (bool)o.getScale())
                                 .flag("has_bias", (bool)o.getBias()));
  w.call()
      .tmpl(id)
      .in(o.getInput())
      .optional(o.getScale())
      .optional(o.getBias())
      .in(o.getOutput())
      .emit();
  return success();
}

} // namespace

void attachNormalizeKernels(MLIRContext &ctx) {
  attach<edge::SoftmaxOp, emitSoftmax>(ctx);
  attachFloat<edge::LogSoftmaxOp, emitLogSoftmax>(ctx);
  attachFloat<edge::HardmaxOp, emitHardmax>(ctx);
  attachFloat<edge::BatchNormOp, emitBatchNorm>(ctx);
  attach<edge::LayerNormOp, emitLayerNorm>(ctx);
}

} // namespace edgec::codegen
