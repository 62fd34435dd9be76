//===- Pool.cpp - max / average / global average pooling ------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"

using namespace mlir;

namespace edgec::codegen {
namespace {

/// Pool2DParams (pool_f32.h) of either pooling op.
Params poolFields(Operation *op, bool includePad) {
  Shape in = shapeOf(op->getOperand(0)), out = shapeOf(op->getResult(0));
  auto attr = [&](const char *n) { return op->getAttrOfType<DenseI64ArrayAttr>(n).asArrayRef(); };
  auto k = attr("kernel"), s = attr("strides"), p = attr("pads"), d = attr("dilations");
  Params f("Pool2DParams");
  f.wrap(4).set("planes", in[0] * in[1]).set("in_h", in[2]).set("in_w", in[3])
      .set("out_h", out[2]).set("out_w", out[3]);
  f.wrap(4).set("kernel_h", k[0]).set("kernel_w", k[1]).set("stride_h", s[0])
      .set("stride_w", s[1]);
  f.wrap(4).set("pad_top", p[0]).set("pad_left", p[1]).set("pad_bottom", p[2])
      .set("pad_right", p[3]);
  f.wrap(4).set("dilation_h", d[0]).set("dilation_w", d[1]).flag("count_include_pad", includePad);
  return f;
}

LogicalResult emitMaxPool(edge::MaxPool2DOp o, KernelWriter &w) {
  std::string id = w.declare(poolFields(o, false));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitAvgPool(edge::AvgPool2DOp o, KernelWriter &w) {
  std::string id = w.declare(poolFields(o, o.getCountIncludePad()));
  KernelCall call = w.call();
  call.tmpl(id);
  if (w.integer()) // rounds around the zero point, or 0 (TFLite)
    call.tmpl(quant::avgPoolRoundingZero(o));
  call.in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitMaxPoolIndices(edge::MaxPool2DIndicesOp o, KernelWriter &w) {
  std::string id = w.declare(poolFields(o, false));
  w.call().tmpl(id).flag(o.getColumnMajor()).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitGlobalAvgPool(edge::GlobalAvgPoolOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput());
  std::string id;
  if (w.integer()) {
    quant::QParams px = quant::paramsOf(o.getInput().getType());
    quant::QParams py = quant::paramsOf(o.getOutput().getType());
    quant::FixedPoint m = quant::meanMultiplier(o);
    id = w.declare(Params("GlobalPoolS8Params")
                       .set("planes", in[0] * in[1])
                       .set("size", prod(in, 2))
                       .set("in_zero", px.zeroPoint)
                       .set("mult", m.multiplier)
                       .set("shift", m.shift)
                       .set("out_zero", py.zeroPoint));
  } else {
    id = w.declare(Params("GlobalPoolParams").set("planes", in[0] * in[1]).set("size", prod(in, 2)));
  }
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

} // namespace

void attachPoolKernels(MLIRContext &ctx) {
  attach<edge::MaxPool2DOp, emitMaxPool>(ctx);
  attach<edge::AvgPool2DOp, emitAvgPool>(ctx);
  attachFloat<edge::MaxPool2DIndicesOp, emitMaxPoolIndices>(ctx);
  attach<edge::GlobalAvgPoolOp, emitGlobalAvgPool>(ctx);
}

} // namespace edgec::codegen
