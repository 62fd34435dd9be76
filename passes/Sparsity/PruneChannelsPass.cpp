//===- PruneChannelsPass.cpp - remove zero and unread channels --------------===//

#include "edgec/Support/TensorAttr.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Sparsity/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace edgec::sparsity {
#define GEN_PASS_DEF_PRUNECHANNELSPASS
#include "passes/Sparsity/Passes.h.inc"

namespace {

std::optional<Tensor> floatConstant(Value v) {
  auto c = v ? v.getDefiningOp<edge::ConstantOp>() : nullptr;
  if (!c || !getElementTypeOrSelf(v.getType()).isF32())
    return std::nullopt;
  return tensorFromAttr(c.getValue());
}

/// The fused clamp of `op` maps 0 to 0.
bool keepsZero(Operation *op) {
  auto lo = op->getAttrOfType<FloatAttr>("act_min");
  auto hi = op->getAttrOfType<FloatAttr>("act_max");
  return (!lo || lo.getValueAsDouble() <= 0.0) && (!hi || hi.getValueAsDouble() >= 0.0);
}

bool isDepthwise(edge::Conv2DOp conv) {
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  int64_t g = conv.getGroup();
  return g > 1 && g == in[1] && g == w[0] && w[1] == 1;
}

bool isProducer(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op))
    return conv.getGroup() == 1 && floatConstant(conv.getWeight()) &&
           (!conv.getBias() || floatConstant(conv.getBias()));
  if (auto gemm = dyn_cast<edge::GemmOp>(op)) {
    auto c = gemm.getC() ? floatConstant(gemm.getC()) : std::nullopt;
    return gemm.getTransB() && !gemm.getTransA() && floatConstant(gemm.getB()) &&
           (!gemm.getC() || (c && c->numElements() == gemm.getOutput().getType().getShape()[1]));
  }
  return false;
}

/// True when all rows r of `w` (rows x k, each row `groups` of `inner`) have
/// zero weights at group `c`.
bool columnZero(const Tensor &w, int64_t rows, int64_t groups, int64_t inner, int64_t c) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t q = 0; q < inner; ++q)
      if (w.f[(r * groups + c) * inner + q] != 0.f)
        return false;
  return true;
}

/// H x W (the product of the dimensions after the channels) when `r`
/// flattens [N, C, ...] into [N, C x ...] and only fully-connected layers
/// (transB, constant B) read the result, i.e. channel c is the B columns
/// [c x HW, (c + 1) x HW); 0 otherwise.
int64_t flattenedInner(edge::ReshapeOp r) {
  auto in = r.getInput().getType().getShape();
  auto out = r.getOutput().getType().getShape();
  if (in.size() < 3 || out.size() != 2 || in[0] != out[0] || r.getOutput().use_empty())
    return 0;
  int64_t hw = 1;
  for (size_t d = 2; d < in.size(); ++d)
    hw *= in[d];
  for (OpOperand &use : r.getOutput().getUses()) {
    auto gemm = dyn_cast<edge::GemmOp>(use.getOwner());
    if (!gemm || use.getOperandNumber() != 0 || !gemm.getTransB() || gemm.getTransA() ||
        !floatConstant(gemm.getB()))
      return 0;
  }
  return hw;
}

/// Channel c of `v` can go: along every use it is zero or never read.
bool removable(Value v, int64_t c, bool zero) {
  if (v.use_empty())
    return false;
  for (OpOperand &use : v.getUses()) {
    Operation *u = use.getOwner();
    if (use.getOperandNumber() != 0)
      return false;
    if (auto conv = dyn_cast<edge::Conv2DOp>(u)) {
      auto w = floatConstant(conv.getWeight());
      if (!w)
        return false;
      auto ws = conv.getWeight().getType().getShape();
      if (conv.getGroup() == 1) {
        if (!zero && !columnZero(*w, ws[0], ws[1], ws[2] * ws[3], c))
          return false;
        continue;
      }
      if (!isDepthwise(conv))
        return false;
      auto b = conv.getBias() ? floatConstant(conv.getBias()) : std::nullopt;
      if (conv.getBias() && !b)
        return false;
      bool filterZero = columnZero(*w, 1, ws[0], ws[2] * ws[3], c);
      bool out = (zero || filterZero) && (!b || b->f[c] == 0.f) && keepsZero(u);
      if (!removable(conv.getOutput(), c, out))
        return false;
      continue;
    }
    if (auto gemm = dyn_cast<edge::GemmOp>(u)) {
      auto b = floatConstant(gemm.getB());
      if (!b || !gemm.getTransB() || gemm.getTransA())
        return false;
      auto bs = gemm.getB().getType().getShape();
      if (!zero && !columnZero(*b, bs[0], bs[1], 1, c))
        return false;
      continue;
    }
    if (auto r = dyn_cast<edge::ReshapeOp>(u)) {
      int64_t hw = flattenedInner(r);
      if (!hw)
        return false;
      int64_t channels = r.getInput().getType().getShape()[1];
      for (Operation *reader : r.getOutput().getUsers()) {
        auto gemm = cast<edge::GemmOp>(reader);
        if (!zero && !columnZero(*floatConstant(gemm.getB()),
                                 gemm.getB().getType().getShape()[0], channels, hw, c))
          return false;
      }
      continue;
    }
    if (isa<edge::ReluOp, edge::MaxPool2DOp, edge::AvgPool2DOp, edge::GlobalAvgPoolOp>(u)) {
      if (!removable(u->getResult(0), c, zero))
        return false;
      continue;
    }
    if (auto clip = dyn_cast<edge::ClipOp>(u)) {
      if (!removable(clip.getOutput(), c, zero && keepsZero(u)))
        return false;
      continue;
    }
    return false;
  }
  return true;
}

/// `t` restricted to the `keep` indices of dimension `dim`.
Tensor select(const Tensor &t, int64_t dim, const std::vector<int64_t> &keep) {
  std::vector<int64_t> shape = t.shape;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d)
    outer *= shape[d];
  for (size_t d = dim + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t n = shape[dim];
  shape[dim] = (int64_t)keep.size();
  Tensor r = Tensor::zeros(t.dtype, shape);
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c : keep)
      for (int64_t q = 0; q < inner; ++q)
        r.f[k++] = t.f[(o * n + c) * inner + q];
  return r;
}

void setChannels(Value v, int64_t count) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(t.getShape());
  shape[1] = count;
  v.setType(RankedTensorType::get(shape, t.getElementType()));
}

Value newConstant(Operation *user, Value old, const Tensor &t, const char *suffix) {
  OpBuilder b(user);
  std::string name = "pruned";
  if (auto nl = dyn_cast<NameLoc>(user->getLoc()))
    name = nl.getName().str();
  return materializeConstant(b, old.getLoc(), t, name + suffix);
}

/// Drops the channels not in `keep` from everything that reads `v`.
void dropFromReaders(Value v, const std::vector<int64_t> &keep) {
  for (OpOperand &use : llvm::make_early_inc_range(v.getUses())) {
    Operation *u = use.getOwner();
    if (auto conv = dyn_cast<edge::Conv2DOp>(u)) {
      Tensor w = *floatConstant(conv.getWeight());
      if (conv.getGroup() == 1) {
        conv->setOperand(1, newConstant(u, conv.getWeight(), select(w, 1, keep), "_in_pruned"));
        continue;
      }
      conv->setOperand(1, newConstant(u, conv.getWeight(), select(w, 0, keep), "_ch_pruned"));
      if (conv.getBias())
        conv->setOperand(2, newConstant(u, conv.getBias(),
                                        select(*floatConstant(conv.getBias()), 0, keep),
                                        "_bias_ch_pruned"));
      conv.setGroup((int64_t)keep.size());
      setChannels(conv.getOutput(), (int64_t)keep.size());
      dropFromReaders(conv.getOutput(), keep);
      continue;
    }
    if (auto gemm = dyn_cast<edge::GemmOp>(u)) {
      gemm->setOperand(1, newConstant(u, gemm.getB(), select(*floatConstant(gemm.getB()), 1, keep),
                                      "_in_pruned"));
      continue;
    }
    if (auto r = dyn_cast<edge::ReshapeOp>(u)) {
      // The input already has its new channel count; H x W and the old
      // count come from the unchanged dimensions and the result.
      auto in = r.getInput().getType().getShape();
      int64_t hw = 1;
      for (size_t d = 2; d < in.size(); ++d)
        hw *= in[d];
      auto outType = r.getOutput().getType();
      int64_t channels = outType.getShape()[1] / hw;
      r.getOutput().setType(RankedTensorType::get(
          {outType.getShape()[0], (int64_t)keep.size() * hw}, outType.getElementType()));
      for (Operation *reader : llvm::make_early_inc_range(r.getOutput().getUsers())) {
        auto gemm = cast<edge::GemmOp>(reader);
        Tensor b = *floatConstant(gemm.getB());
        int64_t rows = b.shape[0];
        b.shape = {rows, channels, hw};
        Tensor kept = select(b, 1, keep);
        kept.shape = {rows, (int64_t)keep.size() * hw};
        gemm->setOperand(1, newConstant(reader, gemm.getB(), kept, "_in_pruned"));
      }
      continue;
    }
    setChannels(u->getResult(0), (int64_t)keep.size());
    dropFromReaders(u->getResult(0), keep);
  }
}

bool pruneProducer(Operation *op) {
  Value w = op->getOperand(1);
  Value bias = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  Tensor wt = *floatConstant(w);
  std::optional<Tensor> bt = bias ? floatConstant(bias) : std::nullopt;
  int64_t rows = cast<ShapedType>(w.getType()).getShape()[0], k = wt.numElements() / rows;
  std::vector<int64_t> keep;
  for (int64_t c = 0; c < rows; ++c) {
    bool zero = keepsZero(op) && (!bt || bt->f[c] == 0.f);
    for (int64_t q = 0; zero && q < k; ++q)
      zero = wt.f[c * k + q] == 0.f;
    if (!removable(op->getResult(0), c, zero))
      keep.push_back(c);
  }
  if (keep.size() == (size_t)rows)
    return false;
  if (keep.empty())
    keep.push_back(0); // a layer keeps at least one channel
  op->setOperand(1, newConstant(op, w, select(wt, 0, keep), "_out_pruned"));
  if (bt)
    op->setOperand(2, newConstant(op, bias, select(*bt, 0, keep), "_bias_out_pruned"));
  setChannels(op->getResult(0), (int64_t)keep.size());
  dropFromReaders(op->getResult(0), keep);
  return true;
}

struct PruneChannelsPass : impl::PruneChannelsPassBase<PruneChannelsPass> {
  void runOnOperation() override {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<Operation *> producers;
      getOperation().walk([&](Operation *op) {
        if (isProducer(op))
          producers.push_back(op);
      });
      for (Operation *op : producers)
        changed |= pruneProducer(op);
    }
    // Constants the rewrite replaced.
    getOperation().walk([&](edge::ConstantOp c) {
      if (c->use_empty())
        c->erase();
    });
  }
};

} // namespace
} // namespace edgec::sparsity
