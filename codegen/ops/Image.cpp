//===- Image.cpp - resampling, grid sampling, RoI align --------------------===//
//
// Resize is lowered to edge.resample per axis: its taps (source indices and
// weights) are computed at compile time and kept in flash.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/Names.h"
#include "edgec/quant.h"

using namespace mlir;

namespace edgec::codegen {
namespace {

// The kernels' enumerators of the modes: exhaustive switches, so a new mode
// is a compiler warning here, never a silent default.
const char *sampleModeName(edge::SampleMode m) {
  switch (m) {
  case edge::SampleMode::Bilinear: return "edgec::kSampleBilinear";
  case edge::SampleMode::Nearest: return "edgec::kSampleNearest";
  case edge::SampleMode::Bicubic: return "edgec::kSampleBicubic";
  }
  llvm_unreachable("sample mode");
}

const char *samplePaddingName(edge::SamplePadding p) {
  switch (p) {
  case edge::SamplePadding::Zeros: return "edgec::kPadZeros";
  case edge::SamplePadding::Border: return "edgec::kPadBorder";
  case edge::SamplePadding::Reflection: return "edgec::kPadReflection";
  }
  llvm_unreachable("sample padding");
}

LogicalResult emitResample(edge::ResampleOp o, KernelWriter &w) {
  Shape s = shapeOf(o.getInput()), out = shapeOf(o.getOutput());
  int64_t a = o.getAxis();
  std::string base = sanitizeIdentifier(w.node(), "layer");
  std::string taps = w.ints(std::vector<int64_t>(o.getIndices().begin(), o.getIndices().end()),
                            "int32_t", base + "_taps");
  // Quantized: Q14 integer weights at the input's parameters (resample_s8).
  bool integer = w.integer();
  std::string wt;
  if (integer) {
    wt = w.ints(quant::resampleWeightsQ14(o.getWeights()), "int32_t", base + "_weights_q14");
  } else {
    Tensor weights = Tensor::zeros(DType::F32, {(int64_t)o.getWeights().size()});
    weights.f.assign(o.getWeights().begin(), o.getWeights().end());
    wt = w.weights(weights, "float", base + "_weights");
  }
  Params params(integer ? "ResampleS8Params" : "ResampleParams");
  params.set("outer", prod(s, 0, a))
      .set("len", s[a])
      .set("out_len", out[a])
      .set("inner", prod(s, a + 1))
      .set("taps", o.getTaps())
      .ref("indices", taps)
      .ref("weights", wt);
  float fill = o.getFill().convertToFloat();
  if (integer) {
    quant::QParams p = quant::paramsOf(o.getInput().getType());
    params.set("zero", p.zeroPoint)
        .set("fill", quantize_value(fill, (float)p.scale, p.zeroPoint, p.qmin, p.qmax));
  } else {
    params.real("fill", fill);
  }
  std::string id = w.declare(params);
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitGridSample(edge::GridSampleOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput()), g = shapeOf(o.getGrid());
  std::string id = w.declare(Params("GridSampleParams")
                                 .set("n", in[0])
                                 .set("c", in[1])
                                 .set("h", in[2])
                                 .set("w", in[3])
                                 .set("out_h", g[1])
                                 .set("out_w", g[2])
                                 .enumerator("mode", sampleModeName(o.getMode()))
                                 .enumerator("padding", samplePaddingName(o.getPaddingMode()))
                                 .flag("align_corners", o.getAlignCorners()));
  w.call().tmpl(id).in(o.getInput()).in(o.getGrid()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitRoiAlign(edge::RoiAlignOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput());
  std::string id = w.declare(Params("RoiAlignParams")
                                 .set("n", in[0])
                                 .set("c", in[1])
                                 .set("h", in[2])
                                 .set("w", in[3])
                                 .set("rois", shapeOf(o.getRois())[0])
                                 .set("out_h", o.getOutputHeight())
                                 .set("out_w", o.getOutputWidth())
                                 .set("sampling_ratio", o.getSamplingRatio())
                                 .real("spatial_scale", o.getSpatialScale().convertToFloat())
                                 .flag("half_pixel", o.getHalfPixel())
                                 .flag("max_mode", o.getMode() == edge::RoiAlignMode::Max));
  w.call().tmpl(id).in(o.getInput()).in(o.getRois()).in(o.getBatchIndices()).in(o.getOutput())
      .emit();
  return success();
}

} // namespace

void attachImageKernels(MLIRContext &ctx) {
  attach<edge::ResampleOp, emitResample>(ctx);
  attachFloat<edge::GridSampleOp, emitGridSample>(ctx);
  attachFloat<edge::RoiAlignOp, emitRoiAlign>(ctx);
}

} // namespace edgec::codegen
