//===- BufferAnalysis.cpp - arena buffers and lifetimes --------------------===//

#include "passes/Memory/BufferAnalysis.h"

#include "edgec/IR/EdgeOps.h"
#include "passes/Kernels/KernelTable.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>

using namespace mlir;

namespace edgec::memory {

Value viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!kernels::isView(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

int directOutputIndex(Operation *op) {
  if (op->getNumResults() != 1 || isa<edge::ConstantOp>(op) || kernels::isView(op))
    return -1;
  auto ret = dyn_cast<func::ReturnOp>(op->getBlock()->getTerminator());
  if (!ret)
    return -1;
  for (auto [k, v] : llvm::enumerate(ret.getOperands()))
    if (v == op->getResult(0))
      return k;
  return -1;
}

Storage storageOf(Value v) {
  v = viewRoot(v);
  if (isa<BlockArgument>(v))
    return Storage::Input;
  Operation *def = v.getDefiningOp();
  if (isa<edge::ConstantOp>(def))
    return Storage::Constant;
  if (directOutputIndex(def) >= 0)
    return Storage::Output;
  return Storage::Arena;
}

static int64_t bytesOf(Value v) {
  auto t = cast<ShapedType>(v.getType());
  return t.getNumElements() * elementBytes(t.getElementType());
}

/// The arena buffer `op` (at step `s`) may write its result over: an operand
/// its kernel can run in place on (kernels::inPlaceOperands) whose buffer
/// dies at `op` and that no other operand of `op` reads. -1 for none.
static int64_t inPlaceInput(Operation &op, int64_t s,
                            const llvm::DenseMap<Value, int64_t> &lastUse,
                            const llvm::DenseMap<Value, int64_t> &bufferOf) {
  unsigned mask = kernels::inPlaceOperands(&op);
  for (unsigned k = 0; k < op.getNumOperands() && k < 32; ++k) {
    if (!(mask & (1u << k)))
      continue;
    Value root = viewRoot(op.getOperand(k));
    auto it = bufferOf.find(root);
    if (it == bufferOf.end() || lastUse.lookup(root) != s)
      continue;
    bool readTwice = false;
    for (unsigned j = 0; j < op.getNumOperands(); ++j)
      readTwice |= j != k && viewRoot(op.getOperand(j)) == root;
    if (!readTwice)
      return it->second;
  }
  return -1;
}

std::vector<ArenaBuffer> collectArenaBuffers(func::FuncOp func) {
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, int64_t> step;
  int64_t n = 0;
  for (Operation &op : body)
    step[&op] = n++;
  // Last use of each root value, following views transitively.
  llvm::DenseMap<Value, int64_t> lastUse;
  for (Operation &op : body) {
    for (Value v : op.getOperands()) {
      Value root = viewRoot(v);
      int64_t at = isa<func::ReturnOp>(op) ? n : step[&op];
      lastUse[root] = std::max(lastUse.lookup(root), at);
    }
  }
  std::vector<ArenaBuffer> buffers;
  llvm::DenseMap<Value, int64_t> bufferOf; // result -> index in `buffers`
  for (Operation &op : body) {
    if (isa<func::ReturnOp>(op))
      continue;
    int64_t s = step[&op];
    if (op.getNumResults() == 1 && storageOf(op.getResult(0)) == Storage::Arena &&
        !kernels::isView(&op)) {
      Value r = op.getResult(0);
      int64_t last = std::max(lastUse.lookup(r), s);
      BufferRequest request{bytesOf(r), s, last};
      request.reuses = inPlaceInput(op, s, lastUse, bufferOf);
      bufferOf[r] = buffers.size();
      buffers.push_back({&op, false, request});
    }
    // The scratch edge-select-kernels wrote with the kernel.
    if (auto kernel = edge::kernelOf(&op); kernel && kernel.getScratch() > 0)
      buffers.push_back({&op, true, {kernel.getScratch(), s, s}});
  }
  return buffers;
}

std::string nodeNameOf(Operation *op) {
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    return nl.getName().str();
  return op->getName().getStringRef().str();
}

ArenaPeak arenaPeak(func::FuncOp func, const std::vector<ArenaBuffer> &buffers) {
  ArenaPeak peak;
  int64_t alignment = kDefaultArenaAlignment;
  if (auto a = func->getAttrOfType<IntegerAttr>(kArenaAlignmentAttr))
    alignment = a.getInt();
  std::vector<int64_t> end(buffers.size(), -1);
  for (auto [i, b] : llvm::enumerate(buffers))
    if (auto off = b.op->getAttrOfType<IntegerAttr>(b.scratch ? kScratchOffsetAttr : kOffsetAttr))
      end[i] = off.getInt() + alignTo(b.request.size, alignment);
  // The highest top; among steps that reach it, the one with the most bytes
  // live (a result and the input it writes over counted once), then the
  // earliest.
  int64_t peakLive = -1;
  for (const ArenaBuffer &b : buffers) {
    int64_t t = b.request.first, top = 0, live = 0;
    for (auto [i, o] : llvm::enumerate(buffers))
      if (o.request.first <= t && t <= o.request.last && end[i] >= 0) {
        top = std::max(top, end[i]);
        live += alignTo(o.request.size, alignment);
        if (o.request.reuses >= 0 && o.request.first == t &&
            buffers[o.request.reuses].request.last == t)
          live -= std::min(alignTo(o.request.size, alignment),
                           alignTo(buffers[o.request.reuses].request.size, alignment));
      }
    if (top > peak.top || (top == peak.top && (live > peakLive || (live == peakLive && t < peak.step)))) {
      peak.top = top;
      peak.step = t;
      peak.op = b.op;
      peakLive = live;
    }
  }
  for (auto [i, o] : llvm::enumerate(buffers))
    if (peak.step >= 0 && o.request.first <= peak.step && peak.step <= o.request.last &&
        end[i] >= 0)
      peak.live.push_back(i);
  return peak;
}

std::string describePeak(const ArenaPeak &peak, const std::vector<ArenaBuffer> &buffers) {
  if (!peak.op)
    return "";
  std::string s = "'" + nodeNameOf(peak.op) + "' (" +
                  peak.op->getName().stripDialect().str() + "), where ";
  // A result written in place over an input live at the same step is one
  // buffer: named once, with the input it takes over.
  std::vector<bool> takenOver(buffers.size(), false);
  for (size_t i : peak.live)
    if (buffers[i].request.reuses >= 0)
      takenOver[buffers[i].request.reuses] = true;
  size_t named = 0;
  for (size_t i : peak.live) {
    if (takenOver[i])
      continue;
    const ArenaBuffer &b = buffers[i];
    s += (named++ ? ", " : "") + std::string(b.scratch ? "scratch of " : "") + "'" +
         nodeNameOf(b.op) + "' (" + std::to_string(b.request.size) + " B";
    if (b.request.reuses >= 0)
      s += ", in place over '" + nodeNameOf(buffers[b.request.reuses].op) + "'";
    s += ")";
  }
  return s + (named == 1 ? " is live" : " are live");
}

} // namespace edgec::memory
