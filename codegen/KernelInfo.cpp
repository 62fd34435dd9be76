//===- KernelInfo.cpp - scratch sizes of the float kernels -----------------===//

#include "edgec/Codegen/KernelInfo.h"
#include "edgec/IR/EdgeOps.h"

#include "passes/Sparsity/Sparsity.h"

#include "mlir/IR/BuiltinOps.h"

namespace edgec::codegen {

static constexpr int64_t kConvTile = 32;

int64_t convTile(mlir::Operation *op) {
  auto conv = mlir::cast<edge::Conv2DOp>(op);
  auto out = conv.getOutput().getType().getShape();
  return std::min<int64_t>(kConvTile, out[2] * out[3]);
}

std::string kernelFamily(mlir::Operation *op) {
  auto module = op->getParentOfType<mlir::ModuleOp>();
  if (auto a = module ? module->getAttrOfType<mlir::StringAttr>(kKernelsAttr) : nullptr)
    return a.str();
  return "portable";
}

static bool dspFamily(mlir::Operation *op) {
  std::string f = kernelFamily(op);
  return f == "arm-dsp" || f == "arm-mve";
}

static bool blockedFamily(mlir::Operation *op) {
  std::string f = kernelFamily(op);
  return f == "arm-mve" || f == "blocked";
}

static bool int8Activations(mlir::Value in, mlir::Value out) {
  auto qi = quantizedElement(in.getType()), qo = quantizedElement(out.getType());
  return qi && qo && qi.getStorageTypeIntegralWidth() == 8 &&
         qo.getStorageTypeIntegralWidth() == 8;
}

static bool isDepthwise(edge::Conv2DOp conv) {
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  int64_t g = conv.getGroup();
  return g > 1 && g == in[1] && g == w[0];
}

static bool constantOrNone(mlir::Value v) {
  return !v || v.getDefiningOp<edge::ConstantOp>();
}

std::string sparseKernel(mlir::Operation *op) {
  auto d = sparsity::decisionOf(op);
  return d && d->sparse ? d->kernel : "";
}

/// Elements of the padded input plane of the depthwise DSP (int16) and
/// sparse (int8) kernels.
static int64_t depthwisePlaneElements(edge::Conv2DOp conv) {
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), d = conv.getDilations();
  return ((out[2] - 1) * s[0] + (w[2] - 1) * d[0] + 1) *
         ((out[3] - 1) * s[1] + (w[3] - 1) * d[1] + 1);
}

bool usesBlockedConv(mlir::Operation *op) {
  auto conv = mlir::dyn_cast<edge::Conv2DOp>(op);
  return conv && blockedFamily(op) && sparseKernel(op).empty() &&
         int8Activations(conv.getInput(), conv.getOutput()) && !isDepthwise(conv) &&
         constantOrNone(conv.getWeight()) && conv.getWeight().getDefiningOp() &&
         constantOrNone(conv.getBias());
}

bool usesBlockedFc(mlir::Operation *op) {
  auto gemm = mlir::dyn_cast<edge::GemmOp>(op);
  return gemm && blockedFamily(op) && sparseKernel(op).empty() && gemm.getTransB() && !gemm.getTransA() &&
         int8Activations(gemm.getA(), gemm.getOutput()) && gemm.getB().getDefiningOp() &&
         constantOrNone(gemm.getB()) && constantOrNone(gemm.getC());
}

bool usesDspConv(mlir::Operation *op) {
  auto conv = mlir::dyn_cast<edge::Conv2DOp>(op);
  return conv && dspFamily(op) && int8Activations(conv.getInput(), conv.getOutput()) &&
         !usesBlockedConv(op) && sparseKernel(op).empty();
}

bool usesDspFc(mlir::Operation *op) {
  auto gemm = mlir::dyn_cast<edge::GemmOp>(op);
  return gemm && dspFamily(op) && gemm.getTransB() && !gemm.getTransA() &&
         int8Activations(gemm.getA(), gemm.getOutput()) && !usesBlockedFc(op) &&
         sparseKernel(op).empty();
}

// Mirrors conv2d_is_pointwise / conv2d_is_depthwise(_s1) / conv2d_f32_scratch_size
// in runtime-stub/edgec/kernels/ref/conv2d_f32.h.
int64_t scratchBytes(mlir::Operation *op) {
  // Mirrors conv2d_s8_sparse_scratch_size / fc_s8_sparse_scratch_size in
  // runtime-stub/edgec/kernels/sparse/conv2d_s8_sparse.h.
  if (std::string kind = sparseKernel(op); !kind.empty()) {
    if (kind == "fc")
      return 2 * mlir::cast<edge::GemmOp>(op).getA().getType().getShape()[1];
    auto conv = mlir::cast<edge::Conv2DOp>(op);
    auto w = conv.getWeight().getType().getShape();
    if (kind == "pointwise")
      return (dspFamily(op) ? 4 : 2) * w[1];
    if (kind == "im2col")
      return 2 * 4 * w[1] * w[2] * w[3];
    return depthwisePlaneElements(conv);
  }
  // Mirrors conv2d_s8_dsp_scratch_size / fc_s8_dsp_scratch_size in
  // runtime-stub/edgec/kernels/arm/conv2d_s8_dsp.h.
  if (usesDspConv(op)) {
    auto conv = mlir::cast<edge::Conv2DOp>(op);
    auto in = conv.getInput().getType().getShape();
    auto w = conv.getWeight().getType().getShape();
    int64_t g = conv.getGroup();
    if (g > 1 && g == in[1] && g == w[0]) // depthwise: one padded int16 plane
      return 2 * depthwisePlaneElements(conv);
    return 2 * 2 * w[1] * w[2] * w[3];
  }
  if (usesBlockedConv(op)) {
    auto w = mlir::cast<edge::Conv2DOp>(op).getWeight().getType().getShape();
    return 2 * w[1] * w[2] * w[3];
  }
  if (usesDspFc(op))
    return 2 * mlir::cast<edge::GemmOp>(op).getA().getType().getShape()[1];
  // Mirrors det_f32_scratch_size in runtime-stub/edgec/kernels/ref/linalg_f32.h.
  if (auto det = mlir::dyn_cast<edge::DetOp>(op)) {
    int64_t m = det.getInput().getType().getShape().back();
    return 4 * m * m;
  }
  // Mirrors recurrent_f32_scratch_size in runtime-stub/edgec/kernels/ref/recurrent_f32.h.
  if (auto rec = mlir::dyn_cast<edge::RecurrentOp>(op))
    return 4 * (rec.numGates() + 1) * rec.getHiddenSize();
  auto conv = mlir::dyn_cast<edge::Conv2DOp>(op);
  if (!conv || quantizedElement(conv.getOutput().getType()))
    return 0; // the int8 kernels accumulate directly, without scratch
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), p = conv.getPads();
  int64_t g = conv.getGroup();
  bool pointwise = w[2] == 1 && w[3] == 1 && s[0] == 1 && s[1] == 1 && p[0] == 0 && p[1] == 0 &&
                   out[2] == in[2] && out[3] == in[3];
  bool depthwise = g == in[1] && g == w[0] && g > 1;
  auto d = conv.getDilations();
  if (depthwise && s[0] == 1 && s[1] == 1) {
    // Unit-stride depthwise: a zero-padded input plane (with a tail for the
    // flat taps) and an output plane at the padded row length.
    int64_t wp = out[3] + (w[3] - 1) * d[1], hp = out[2] + (w[2] - 1) * d[0];
    return 4 * (hp * wp + (w[3] - 1) * d[1] + out[2] * wp);
  }
  if (pointwise || depthwise)
    return 0;
  return 4 * (in[1] / g) * w[2] * w[3] * convTile(op);
}

bool isView(mlir::Operation *op) { return mlir::isa<edge::ReshapeOp>(op); }

} // namespace edgec::codegen
