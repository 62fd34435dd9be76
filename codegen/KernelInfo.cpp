//===- KernelInfo.cpp - scratch sizes of the float kernels -----------------===//

#include "edgec/Codegen/KernelInfo.h"
#include "edgec/IR/EdgeOps.h"

namespace edgec::codegen {

static constexpr int64_t kConvTile = 32;

int64_t convTile(mlir::Operation *op) {
  auto conv = mlir::cast<edge::Conv2DOp>(op);
  auto out = conv.getOutput().getType().getShape();
  return std::min<int64_t>(kConvTile, out[2] * out[3]);
}

// Mirrors conv2d_is_pointwise / conv2d_is_depthwise(_s1) / conv2d_f32_scratch_size
// in runtime-stub/edgec/kernels/ref/conv2d_f32.h.
int64_t scratchBytes(mlir::Operation *op) {
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
