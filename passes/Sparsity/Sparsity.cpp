//===- Sparsity.cpp - weight sparsity: analysis, encoding, cost model -------===//

#include "passes/Sparsity/Sparsity.h"
#include "passes/Kernels/KernelTable.h"
#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"

#include "mlir/IR/BuiltinOps.h"

#include <algorithm>

using namespace mlir;

namespace edgec::sparsity {

WeightStats analyzeWeights(const Tensor &w, int64_t rows, int64_t taps) {
  WeightStats s;
  s.rows = rows;
  s.total = w.numElements();
  s.k = rows ? s.total / rows : 0;
  s.taps = std::max<int64_t>(taps, 1);
  int64_t inputs = s.k / s.taps;
  std::vector<bool> inputRead(inputs, false);
  int64_t maxPerGroup = 0, blocks = 0, zeroBlocks = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t rowNonzero = 0;
    for (int64_t q = 0; q < s.k; ++q)
      if (w.at(r * s.k + q) != 0) {
        ++rowNonzero;
        inputRead[q / s.taps] = true;
      }
    s.nonzero += rowNonzero;
    s.zeroRows += rowNonzero == 0;
    for (int64_t g = 0; g < s.k; g += 4) {
      int64_t n = 0, len = std::min<int64_t>(4, s.k - g);
      for (int64_t q = g; q < g + len; ++q)
        n += w.at(r * s.k + q) != 0;
      if (len == 4) {
        maxPerGroup = std::max(maxPerGroup, n);
        ++blocks;
        zeroBlocks += n == 0;
      }
    }
  }
  s.zeroInputs = std::count(inputRead.begin(), inputRead.end(), false);
  if (blocks > 0 && maxPerGroup < 4)
    s.nm = std::to_string(std::max<int64_t>(maxPerGroup, 1)) + ":4";
  s.zeroBlocks = blocks ? double(zeroBlocks) / double(blocks) : 0.0;
  return s;
}

SparseEncoding encodeSparse(const Tensor &w, int64_t rows) {
  SparseEncoding e;
  int64_t k = w.numElements() / rows, kb = (k + 7) / 8;
  e.mask.assign(rows * kb, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t q = 0; q < k; ++q) {
      int64_t v = w.i[r * k + q];
      if (v == 0)
        continue;
      e.mask[r * kb + q / 8] |= int64_t{1} << (q % 8);
      e.values.push_back(v);
    }
  return e;
}

std::optional<std::pair<Tensor, int64_t>> constantWeights(Operation *op, int64_t *taps) {
  Value w;
  if (auto conv = dyn_cast<edge::Conv2DOp>(op))
    w = conv.getWeight();
  else if (auto gemm = dyn_cast<edge::GemmOp>(op); gemm && gemm.getTransB() && !gemm.getTransA())
    w = gemm.getB();
  if (!w)
    return std::nullopt;
  auto c = w.getDefiningOp<edge::ConstantOp>();
  if (!c)
    return std::nullopt;
  Tensor t = tensorFromAttr(c.getValue());
  auto shape = cast<ShapedType>(w.getType()).getShape();
  if (taps)
    *taps = shape.size() == 4 ? shape[2] * shape[3] : 1;
  return std::make_pair(std::move(t), shape[0]);
}

namespace {

/// Instructions per unit of work of the dense and the sparse kernels of one
/// kernel family, fitted by scripts/fit-sparse-cost.py to the per-layer
/// counts `edgec verify --per-layer` measures under QEMU on the pruned models
/// (docs/sparsity.md):
///   dense 1x1    convMac * MACs + dcol * K * pixels + out * outputs
///   dense conv   convMacK * MACs + dcol * K * pixels + out * outputs  (kernel > 1x1)
///   dense dw     dwMac * MACs + dplane * input elements + out * outputs
///   dense fc     fcMac * MACs + out * outputs
///   sparse 1x1   pwNz * nonzeros * pixels + out * outputs
///                (pwIp instead of pwNz where it runs in place: the mask
///                walked once per pixel pair, predictsSparseInPlace)
///   sparse conv  colNz * nonzeros * pixels + col * K * pixels + out * outputs
///   sparse dw    dwNz * nonzeros * pixels + dwPix * outputs
///                + plane * input elements of the live channels + out * outputs
///   sparse fc    fcNz * nonzeros * rows + out * outputs
struct Coefficients {
  double out, convMac, convMacK, dwMac, fcMac, dcol, dplane;
  double pwNz, colNz, col, dwNz, dwPix, plane, fcNz, pwIp;
};

Coefficients coefficientsOf(edge::KernelFamily family) {
  switch (family) {
  case edge::KernelFamily::ArmDsp: // cortex-m4 / m7: SMLAD dense kernels
    return {15.5, 0.857, 1.02, 2.14, 1.38, 18.5, 0.238, 2.75, 3.1, 20.4, 5.31, 0, 0, 10.7, 0};
  case edge::KernelFamily::ArmMve: // cortex-m55: Helium dense conv, depthwise and fc
    return {15.2, 0.0248, 0.103, 0.373, 0.446, 3.04, 0.0415, 2.56, 3.16, 21, 3.55, 0, 0, 10.3, 0};
  case edge::KernelFamily::Blocked: // rv32imac, x86-64: blocked dense kernels
    // pwNz from the fit before pointwise layers ran in place: every pruned
    // model's sparse pointwise layer now does on this family.
    return {21.4, 2.92, 2.91, 4.86, 6.23, 19.7, 0.54, 5.1, 6.52, 17.8, 7.75, 0, 0, 20.9, 11.4};
  case edge::KernelFamily::Portable:
    break;
  }
  // portable: the reference dense kernels (cortex-m0plus, --kernels portable),
  // measured on cortex-m4; pwNz from the fit before pointwise layers ran in
  // place, as on blocked.
  return {15, 6.48, 20.9, 18.2, 6.46, 0, 2.02, 3.76, 3.61, 21.1, 6.01, 0, 0, 10.8, 6.94};
}

} // namespace

std::optional<double> predictDenseCost(Operation *op, edge::KernelFamily family) {
  auto conv = dyn_cast<edge::Conv2DOp>(op);
  auto gemm = dyn_cast<edge::GemmOp>(op);
  if (gemm && (!gemm.getTransB() || gemm.getTransA()))
    gemm = nullptr;
  if ((!conv && !gemm) || !quant::hasIntegerSemantics(op))
    return std::nullopt;
  // 16x8 layers (int16 on either side) run the reference kernels everywhere.
  auto width = [](Value v) {
    auto q = dyn_cast<mlir::quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
    return q ? q.getStorageTypeIntegralWidth() : 0u;
  };
  bool int8 = width(op->getOperand(0)) == 8 && width(op->getResult(0)) == 8;
  Coefficients c = coefficientsOf(int8 ? family : edge::KernelFamily::Portable);
  auto outShape = cast<ShapedType>(op->getResult(0).getType()).getShape();
  double outputs = double(cast<ShapedType>(op->getResult(0).getType()).getNumElements());
  double epilogue = c.out * outputs;
  if (gemm) {
    auto b = gemm.getB().getType().getShape();
    return c.fcMac * double(outShape[0]) * double(b[0] * b[1]) + epilogue;
  }
  auto w = conv.getWeight().getType().getShape();
  auto in = conv.getInput().getType().getShape();
  double pixels = double(outShape[0] * outShape[2] * outShape[3]);
  double k = double(w[1] * w[2] * w[3]), macs = outputs * k;
  int64_t g = conv.getGroup();
  if (g > 1 && g == in[1] && g == w[0])
    return c.dwMac * macs + c.dplane * double(outShape[0] * w[0]) * double(in[2] * in[3]) +
           epilogue;
  return (w[2] == 1 && w[3] == 1 ? c.convMac : c.convMacK) * macs + c.dcol * k * pixels +
         epilogue;
}

double predictDenseInstructions(Operation *root, edge::KernelFamily family) {
  double total = 0;
  root->walk([&](Operation *op) {
    if (std::optional<double> c = predictDenseCost(op, family))
      total += *c;
  });
  return total;
}

int64_t floatConvGemmLayers(Operation *root) {
  int64_t n = 0;
  root->walk([&](Operation *op) {
    n += isa<edge::Conv2DOp, edge::GemmOp>(op) && !quant::hasIntegerSemantics(op);
  });
  return n;
}

std::optional<CostEstimate> predictCost(Operation *op, edge::KernelFamily family,
                                        const WeightStats &st) {
  std::optional<edge::SparseKind> kind = kernels::sparseKindOf(op);
  std::optional<double> dense = predictDenseCost(op, family);
  if (!kind || !dense)
    return std::nullopt;
  Coefficients c = coefficientsOf(family);
  CostEstimate e;
  e.dense = *dense;
  auto outShape = cast<ShapedType>(op->getResult(0).getType()).getShape();
  double outputs = double(cast<ShapedType>(op->getResult(0).getType()).getNumElements());
  double epilogue = c.out * outputs;
  if (*kind == edge::SparseKind::Fc) {
    e.sparse = c.fcNz * double(outShape[0]) * double(st.nonzero) + epilogue;
    return e;
  }
  auto conv = cast<edge::Conv2DOp>(op);
  double pixels = double(outShape[0] * outShape[2] * outShape[3]);
  if (*kind == edge::SparseKind::Depthwise) {
    auto in = conv.getInput().getType().getShape();
    double plane = double(in[2] * in[3]);
    double live = double(outShape[0] * (st.rows - st.zeroRows));
    e.sparse = c.dwNz * pixels * double(st.nonzero) + c.dwPix * outputs +
               c.plane * live * plane + epilogue;
    return e;
  }
  e.sparse = *kind == edge::SparseKind::Pointwise
                 ? (predictsSparseInPlace(op) ? c.pwIp : c.pwNz) * pixels * double(st.nonzero) +
                       epilogue
                 : c.colNz * pixels * double(st.nonzero) + c.col * pixels * double(st.k) + epilogue;
  return e;
}

bool predictsSparseInPlace(Operation *op) {
  const kernels::KernelRow *row = kernels::findRow("conv2d_s8_sparse");
  if (!isa<edge::Conv2DOp>(op) || kernels::sparseKindOf(op) != edge::SparseKind::Pointwise ||
      !row || !(row->inPlace(op) & 1u))
    return false;
  Value in = op->getOperand(0);
  Operation *def = in.getDefiningOp();
  return in.hasOneUse() && def && !kernels::isView(def) && !isa<edge::ConstantOp>(def);
}

} // namespace edgec::sparsity
