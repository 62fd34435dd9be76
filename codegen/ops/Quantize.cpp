//===- Quantize.cpp - edge.quantize and edge.dequantize -------------------===//
//
// float -> int8 with the output's scale and zero point; int8 -> int8 with
// other parameters is a fixed-point rescale; int8 -> float.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"

using namespace mlir;

namespace edgec::codegen {
namespace {

LogicalResult emitQuantize(edge::QuantizeOp o, KernelWriter &w) {
  Value result = o.getOutput();
  quant::QParams po = quant::paramsOf(result.getType());
  if (w.kernelName() == "quantize_f32_s8") {
    w.call().in(o.getInput()).in(result).arg(std::to_string(numElements(result)))
        .arg(floatLiteral((float)po.scale)).arg(std::to_string(po.zeroPoint)).emit();
    return success();
  }
  quant::QParams pi = quant::paramsOf(o.getInput().getType());
  quant::FixedPoint m = quant::rescaleMultiplier(pi, po);
  std::string id = w.declare(Params("RequantizeParams")
                                 .set("size", numElements(result))
                                 .set("in_zero", pi.zeroPoint)
                                 .set("mult", m.multiplier)
                                 .set("shift", m.shift)
                                 .set("out_zero", po.zeroPoint));
  w.call().tmpl(id).in(o.getInput()).in(result).emit();
  return success();
}

LogicalResult emitDequantize(edge::DequantizeOp o, KernelWriter &w) {
  quant::QParams pi = quant::paramsOf(o.getInput().getType());
  w.call().in(o.getInput()).in(o.getOutput()).arg(std::to_string(numElements(o.getOutput())))
      .arg(floatLiteral((float)pi.scale)).arg(std::to_string(pi.zeroPoint)).emit();
  return success();
}

} // namespace

void attachQuantizeKernels(MLIRContext &ctx) {
  attach<edge::QuantizeOp, emitQuantize>(ctx);
  attach<edge::DequantizeOp, emitDequantize>(ctx);
}

} // namespace edgec::codegen
