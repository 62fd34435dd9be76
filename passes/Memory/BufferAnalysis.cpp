//===- BufferAnalysis.cpp - arena buffers and lifetimes --------------------===//

#include "passes/Memory/BufferAnalysis.h"

#include "edgec/IR/EdgeOps.h"
#include "passes/Kernels/KernelTable.h"

#include "llvm/ADT/DenseMap.h"

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

} // namespace edgec::memory
