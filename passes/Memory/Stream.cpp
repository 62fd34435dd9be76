//===- Stream.cpp - a chain of layers run a band of rows at a time --------===//

#include "passes/Memory/Stream.h"

#include "edgec/IR/EdgeOps.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

namespace edgec::memory {

namespace {

/// [1, C, H, W] of `v`, or an empty shape for any other.
llvm::ArrayRef<int64_t> imageShape(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || t.getRank() != 4 || !t.hasStaticShape() || t.getDimSize(0) != 1)
    return {};
  return t.getShape();
}

/// The operand of `op` that reads `prev`'s result: the chain's link.
int64_t chainOperand(Operation *op, Operation *prev) {
  for (OpOperand &use : op->getOpOperands())
    if (use.get().getDefiningOp() == prev)
      return use.getOperandNumber();
  return -1;
}

/// The rows of `op`'s chain operand that its output rows [o0, o1) read.
std::pair<int64_t, int64_t> inputRows(Operation *op, int64_t o0, int64_t o1) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    const int64_t h = conv.getInput().getType().getShape()[2];
    const int64_t s = conv.getStrides()[0], p = conv.getPads()[0], d = conv.getDilations()[0];
    const int64_t k = conv.getWeight().getType().getShape()[2];
    return {std::max<int64_t>(0, o0 * s - p),
            std::min<int64_t>(h, (o1 - 1) * s - p + (k - 1) * d + 1)};
  }
  return {o0, o1}; // element-wise
}

/// An 8-bit quantized tensor.
bool int8Tensor(Value v) {
  auto q = dyn_cast<mlir::quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
  return q && q.getStorageTypeIntegralWidth() == 8 && q.isSigned();
}

} // namespace

bool streamableLayer(Operation *op) {
  if (!kernels::dspConvRows(op) || op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
    return false;
  Value out = op->getResult(0);
  return !imageShape(out).empty() && storageOf(out) == Storage::Arena;
}

bool streamableLast(Operation *op, Operation *prev) {
  int64_t link = chainOperand(op, prev);
  if (link < 0)
    return false;
  if (isa<edge::Conv2DOp>(op))
    return link == 0 && kernels::dspConvRows(op) && !imageShape(op->getResult(0)).empty();
  auto add = dyn_cast<edge::AddOp>(op);
  edge::KernelAttr kernel = add ? edge::kernelOf(add) : edge::KernelAttr();
  if (!kernel || kernel.getName() != "binary_s8")
    return false;
  Value other = op->getOperand(1 - link);
  llvm::ArrayRef<int64_t> shape = imageShape(op->getResult(0));
  return !shape.empty() && other != op->getOperand(link) && imageShape(other) == shape &&
         imageShape(op->getOperand(link)) == shape && int8Tensor(op->getResult(0)) &&
         int8Tensor(other) && int8Tensor(op->getOperand(link));
}

std::vector<Operation *> chainInto(Operation *last, unsigned operand) {
  std::vector<Operation *> layers{last};
  Value v = last->getOperand(operand);
  while (Operation *def = v.getDefiningOp()) {
    if (!streamableLayer(def) || def->hasAttr(kStreamedAttr) || def->hasAttr(kStreamRowsAttr))
      break;
    layers.push_back(def);
    v = def->getOperand(0);
  }
  std::reverse(layers.begin(), layers.end());
  return layers;
}

std::optional<StreamPlan> streamPlan(llvm::ArrayRef<Operation *> layers, int64_t rows) {
  const size_t n = layers.size();
  if (n < 2 || rows < 1)
    return std::nullopt;
  for (size_t k = 0; k + 1 < n; ++k)
    if (!streamableLayer(layers[k]) || *layers[k]->getResult(0).getUsers().begin() != layers[k + 1])
      return std::nullopt;
  if (!streamableLast(layers[n - 1], layers[n - 2]))
    return std::nullopt;
  StreamPlan plan;
  plan.layers.assign(layers.begin(), layers.end());
  plan.rows = rows;
  Operation *last = layers[n - 1];
  const int64_t height = imageShape(last->getResult(0))[2];
  plan.steps = llvm::divideCeil(height, rows);
  plan.bandRows.assign(n - 1, 0);
  std::vector<BandRows> prev(n - 1);
  // Rows of the chain's input that the first layer reads at each step.
  std::vector<int64_t> firstRead(plan.steps, height + (int64_t{1} << 40));
  for (int64_t s = 0; s < plan.steps; ++s) {
    std::vector<BandRows> now(n - 1);
    int64_t o0 = s * rows, o1 = std::min(height, o0 + rows); // the layer after's new rows
    for (size_t k = n - 1; k-- > 0;) {
      BandRows b = prev[k];
      if (o0 < o1) {
        auto [a, e] = inputRows(layers[k + 1], o0, o1);
        if (a < prev[k].lo) // a band only moves forward
          return std::nullopt;
        b.lo = a;
        b.from = std::max(a, prev[k].to);
        b.to = std::max(e, prev[k].to);
      } else {
        b.from = b.to; // nothing new
      }
      now[k] = b;
      plan.bandRows[k] = std::max(plan.bandRows[k], b.to - b.lo);
      o0 = b.from;
      o1 = b.to;
    }
    if (o0 < o1)
      firstRead[s] = inputRows(layers[0], o0, o1).first;
    plan.bands.push_back(now);
    prev = now;
  }
  // The scratch: what the convolutions' calls need (columns, depthwise
  // plane rows), then each band.
  plan.stepRows.assign(n, 0);
  plan.stepRows[n - 1] = rows;
  for (const std::vector<BandRows> &step : plan.bands)
    for (size_t k = 0; k + 1 < n; ++k)
      plan.stepRows[k] = std::max(plan.stepRows[k], step[k].to - step[k].from);
  for (size_t k = 0; k < n; ++k)
    if (isa<edge::Conv2DOp>(layers[k]))
      plan.workBytes = std::max(plan.workBytes,
                                kernels::dspConvRowsScratch(layers[k], plan.stepRows[k]));
  int64_t at = llvm::alignTo(plan.workBytes, 8);
  for (size_t k = 0; k + 1 < n; ++k) {
    llvm::ArrayRef<int64_t> shape = imageShape(layers[k]->getResult(0));
    plan.bandOffset.push_back(at);
    at = llvm::alignTo(at + shape[1] * plan.bandRows[k] * shape[3], 8);
  }
  plan.scratchBytes = at;
  // The last layer writes rows [s * rows, ...) of its other operand at step s;
  // where that operand is the chain's input too, no later step may read them.
  if (isa<edge::AddOp>(last)) {
    plan.otherOperand = 1 - chainOperand(last, layers[n - 2]);
    Value other = last->getOperand(plan.otherOperand);
    plan.inPlaceSafe = true;
    if (other == layers[0]->getOperand(0)) {
      int64_t later = height + (int64_t{1} << 40);
      for (int64_t s = plan.steps; s-- > 0;) {
        if (std::min(height, (s + 1) * rows) > later)
          plan.inPlaceSafe = false;
        later = std::min(later, firstRead[s]);
      }
    }
  }
  return plan;
}

std::optional<StreamPlan> streamPlanOf(Operation *last) {
  auto rows = last->getAttrOfType<IntegerAttr>(kStreamRowsAttr);
  if (!rows)
    return std::nullopt;
  std::vector<Operation *> layers{last};
  Operation *at = last;
  while (true) {
    Operation *prev = nullptr;
    for (Value v : at->getOperands())
      if (Operation *def = v.getDefiningOp(); def && def->hasAttr(kStreamedAttr)) {
        prev = def;
        break;
      }
    if (!prev)
      break;
    layers.push_back(prev);
    at = prev;
  }
  std::reverse(layers.begin(), layers.end());
  return streamPlan(layers, rows.getInt());
}

Operation *streamOf(Operation *op) {
  Operation *last = op;
  while (last && last->hasAttr(kStreamedAttr) && last->getNumResults() == 1 &&
         last->getResult(0).hasOneUse())
    last = *last->getResult(0).getUsers().begin();
  if (!last || !last->hasAttr(kStreamRowsAttr))
    return nullptr;
  std::optional<StreamPlan> plan = streamPlanOf(last);
  return plan && llvm::is_contained(plan->layers, op) ? last : nullptr;
}

void markStream(llvm::ArrayRef<Operation *> layers, int64_t rows) {
  Builder b(layers.front()->getContext());
  for (Operation *op : layers.drop_back())
    op->setAttr(kStreamedAttr, b.getUnitAttr());
  layers.back()->setAttr(kStreamRowsAttr, b.getI64IntegerAttr(rows));
}

void unmarkStream(llvm::ArrayRef<Operation *> layers) {
  for (Operation *op : layers) {
    op->removeAttr(kStreamedAttr);
    op->removeAttr(kStreamRowsAttr);
  }
}

} // namespace edgec::memory
