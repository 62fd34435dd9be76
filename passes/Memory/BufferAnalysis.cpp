//===- BufferAnalysis.cpp - arena buffers and lifetimes --------------------===//

#include "passes/Memory/BufferAnalysis.h"

#include "edgec/IR/EdgeOps.h"
#include "passes/Memory/Stream.h"
#include "passes/Kernels/KernelTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

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

int64_t arenaAlignmentOf(func::FuncOp func) {
  if (auto a = func->getAttrOfType<IntegerAttr>(kArenaAlignmentAttr))
    return a.getInt();
  return kDefaultArenaAlignment;
}

bool concatInSlices(Operation *op, int64_t alignment) {
  auto concat = dyn_cast<edge::ConcatOp>(op);
  if (!concat || concat->hasAttr(kConcatCopiesAttr) ||
      storageOf(concat.getOutput()) != Storage::Arena)
    return false;
  auto out = cast<ShapedType>(concat.getOutput().getType());
  int64_t axis = concat.getAxis();
  if (axis < 0)
    axis += out.getRank();
  for (int64_t d = 0; d < axis; ++d)
    if (out.getDimSize(d) != 1)
      return false;
  auto inputs = concat.getInputs();
  for (auto [i, v] : llvm::enumerate(inputs)) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getNumResults() != 1 || kernels::isView(def) ||
        isa<edge::ConstantOp, edge::ConcatOp>(def) || storageOf(v) != Storage::Arena ||
        getElementTypeOrSelf(v.getType()) != out.getElementType())
      return false;
    if (llvm::count(inputs, v) != 1)
      return false;
    for (Operation *user : v.getUsers())
      if (user != op && isa<edge::ConcatOp>(user))
        return false;
    if (i + 1 < inputs.size() && bytesOf(v) % alignment != 0)
      return false;
  }
  return !inputs.empty();
}

ScheduleGraph scheduleGraphOf(func::FuncOp func, int64_t alignment) {
  ScheduleGraph g;
  Block &body = func.getBody().front();
  llvm::DenseMap<Operation *, int64_t> index;
  for (Operation &op : body)
    if (!op.hasTrait<OpTrait::IsTerminator>()) {
      index[&op] = static_cast<int64_t>(g.ops.size());
      g.ops.push_back(&op);
    }
  g.nodes.resize(g.ops.size());
  // Concatenations in slices: per one, the nodes of its inputs in order.
  llvm::DenseMap<Operation *, std::vector<int64_t>> slices;
  for (Operation *op : g.ops)
    if (concatInSlices(op, alignment))
      for (Value v : op->getOperands())
        slices[op].push_back(index[v.getDefiningOp()]);
  // Streams: every layer but the last takes no buffer and runs inside the
  // last one's steps, which reads what they read and takes the scratch.
  llvm::DenseMap<Operation *, StreamPlan> streams;
  llvm::DenseSet<Operation *> streamed;
  for (Operation *op : g.ops)
    if (op->hasAttr(kStreamRowsAttr))
      if (std::optional<StreamPlan> plan = streamPlanOf(op)) {
        for (Operation *layer : llvm::ArrayRef(plan->layers).drop_back())
          streamed.insert(layer);
        streams[op] = std::move(*plan);
      }
  // The nodes whose arena buffers `v` reads (a concatenation in slices: its
  // slices), none when it is not in the arena.
  auto bufferNodes = [&](Value v) -> std::vector<int64_t> {
    Value root = viewRoot(v);
    Operation *def = root.getDefiningOp();
    if (!def || storageOf(root) != Storage::Arena || streamed.count(def))
      return {};
    if (auto it = slices.find(def); it != slices.end())
      return it->second;
    auto it = index.find(def);
    return it == index.end() ? std::vector<int64_t>{} : std::vector<int64_t>{it->second};
  };
  for (auto [i, op] : llvm::enumerate(g.ops)) {
    ScheduleNode &node = g.nodes[i];
    node.inPlace = kernels::inPlaceOperands(op);
    // The first slice of a concatenation an operand reads stands at the
    // operand's place; the others follow the operands.
    std::vector<int64_t> more;
    for (auto [k, v] : llvm::enumerate(op->getOperands())) {
      if (Operation *def = v.getDefiningOp(); def && index.count(def) &&
                                              !llvm::is_contained(node.deps, index[def]))
        node.deps.push_back(index[def]);
      std::vector<int64_t> b = bufferNodes(v);
      node.operands.push_back(b.empty() ? -1 : b[0]);
      if (b.size() > 1) {
        more.insert(more.end(), b.begin() + 1, b.end());
        if (k < 32)
          node.inPlace &= ~(1u << k); // never over a whole concatenation
      }
    }
    node.operands.insert(node.operands.end(), more.begin(), more.end());
    node.arena = op->getNumResults() == 1 && storageOf(op->getResult(0)) == Storage::Arena &&
                 !kernels::isView(op) && !slices.count(op) && !streamed.count(op);
    if (node.arena)
      node.size = bytesOf(op->getResult(0));
    if (auto kernel = edge::kernelOf(op); kernel && kernel.getScratch() > 0)
      node.scratch = kernel.getScratch();
    if (streamed.count(op)) {
      node.scratch = 0;
      node.inPlace = 0;
    }
    if (auto it = streams.find(op); it != streams.end()) {
      // The last layer of a stream reads the chain's input too (the first
      // layer reads it at every step), and writes over its other operand
      // only where the plan allows it.
      const StreamPlan &plan = it->second;
      Value input = plan.layers.front()->getOperand(0);
      if (!llvm::is_contained(op->getOperands(), input))
        for (int64_t b : bufferNodes(input))
          node.operands.push_back(b);
      node.scratch = plan.scratchBytes;
      node.inPlace = plan.inPlaceSafe && plan.otherOperand >= 0
                         ? node.inPlace & (1u << plan.otherOperand)
                         : 0;
    }
  }
  for (auto &[concat, parts] : slices)
    for (auto [k, p] : llvm::enumerate(parts)) {
      g.nodes[p].slice = true;
      g.nodes[p].follows = k ? parts[k - 1] : -1;
    }
  for (Value v : body.getTerminator()->getOperands())
    for (int64_t b : bufferNodes(v))
      g.nodes[b].liveToEnd = true;
  return g;
}

std::vector<ArenaBuffer> collectArenaBuffers(func::FuncOp func, int64_t alignment) {
  ScheduleGraph g = scheduleGraphOf(func, alignment > 0 ? alignment : arenaAlignmentOf(func));
  std::vector<int64_t> order(g.ops.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = static_cast<int64_t>(i);
  std::vector<ArenaBuffer> buffers;
  for (const ScheduledBuffer &b : requestsFor(g.nodes, order))
    buffers.push_back({g.ops[b.node], b.scratch ? BufferKind::Scratch : BufferKind::Result,
                       b.request});
  // The scheduler leaves state out: it is live at every step of every order.
  const int64_t end = static_cast<int64_t>(g.ops.size());
  for (Operation *op : g.ops)
    if (auto state = dyn_cast<edge::StateOpInterface>(op))
      buffers.push_back({op, BufferKind::State, {state.getStateBytes(), 0, end}});
  return buffers;
}

bool kernelsChosen(func::FuncOp func, llvm::StringRef doing) {
  // Planning without the scratch would under-allocate silently.
  Operation *missing = nullptr;
  func.walk([&](Operation *op) {
    if (!missing && kernels::isComputeOp(op) && !edge::kernelOf(op))
      missing = op;
  });
  if (missing)
    missing->emitError() << "'" << missing->getName()
                         << "' has no edge.kernel: run edge-select-kernels before " << doing;
  return !missing;
}

bool alignmentValid(func::FuncOp func, int64_t alignment, llvm::StringRef pass) {
  if (alignment >= 8 && alignment <= 4096 && !(alignment & (alignment - 1)))
    return true;
  func.emitError() << pass << ": alignment must be a power of two from 8 to 4096, not "
                   << alignment;
  return false;
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
    if (auto off = b.op->getAttrOfType<IntegerAttr>(offsetAttrOf(b.kind)))
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
    s += (named++ ? ", " : "") + std::string(kindPrefix(b.kind)) + "'" +
         nodeNameOf(b.op) + "' (" + std::to_string(b.request.size) + " B";
    if (b.request.reuses >= 0)
      s += ", in place over '" + nodeNameOf(buffers[b.request.reuses].op) + "'";
    s += ")";
  }
  return s + (named == 1 ? " is live" : " are live");
}

} // namespace edgec::memory
