//===- Report.cpp - per-layer figures --------------------------------------===//

#include "edgec/Codegen/Report.h"
#include "edgec/IR/EdgeOps.h"
#include "passes/Memory/BufferAnalysis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <set>

using namespace mlir;

namespace edgec::codegen {

static std::vector<int64_t> shapeOf(Value v) {
  auto s = cast<ShapedType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

static int64_t bytesOf(Value v) {
  auto t = cast<ShapedType>(v.getType());
  return t.getNumElements() * elementBytes(t.getElementType());
}

int64_t macsOf(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    auto w = conv.getWeight().getType().getShape();
    auto out = conv.getOutput().getType().getShape();
    return out[0] * out[1] * out[2] * out[3] * w[1] * w[2] * w[3];
  }
  if (auto gemm = dyn_cast<edge::GemmOp>(op)) {
    auto a = gemm.getA().getType().getShape();
    auto out = gemm.getOutput().getType().getShape();
    return out[0] * out[1] * (gemm.getTransA() ? a[0] : a[1]);
  }
  if (auto mm = dyn_cast<edge::MatMulOp>(op)) {
    auto a = mm.getA().getType().getShape();
    return mm.getOutput().getType().getNumElements() * a.back();
  }
  return 0;
}

static std::string nodeName(Operation *op) {
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    return nl.getName().str();
  return "";
}

std::vector<LayerInfo> analyzeLayers(ModuleOp module) {
  std::vector<LayerInfo> layers;
  module.walk([&](Operation *op) {
    if (op->getDialect() == nullptr || op->getDialect()->getNamespace() != "edge" ||
        isa<edge::ConstantOp>(op))
      return;
    LayerInfo l;
    l.node = nodeName(op);
    l.op = op->getName().stripDialect().str();
    std::set<Operation *> seen;
    for (Value v : op->getOperands()) {
      l.inputShapes.push_back(shapeOf(v));
      if (auto c = v.getDefiningOp<edge::ConstantOp>())
        if (seen.insert(c).second)
          l.weightBytes += bytesOf(v);
    }
    l.outputShape = shapeOf(op->getResult(0));
    l.macs = macsOf(op);
    l.activationBytes = bytesOf(op->getResult(0));
    if (auto off = op->getAttrOfType<IntegerAttr>(memory::kOffsetAttr))
      l.arenaOffset = off.getInt();
    if (isa<edge::ReshapeOp>(op))
      l.storage = "view";
    else if (memory::directOutputIndex(op) >= 0)
      l.storage = "output";
    else
      l.storage = "arena";
    layers.push_back(std::move(l));
  });
  return layers;
}

static std::string shapeStr(const std::vector<int64_t> &s) {
  std::string r;
  for (size_t k = 0; k < s.size(); ++k)
    r += (k ? "x" : "") + std::to_string(s[k]);
  return s.empty() ? "scalar" : r;
}

static int64_t funcAttr(ModuleOp module, const char *name) {
  int64_t v = -1;
  module.walk([&](func::FuncOp f) {
    if (auto a = f->getAttrOfType<IntegerAttr>(name))
      v = a.getInt();
  });
  return v;
}

static int64_t totalWeightBytes(ModuleOp module) {
  int64_t total = 0;
  module.walk([&](edge::ConstantOp c) {
    if (!c->use_empty())
      total += bytesOf(c.getOutput());
  });
  return total;
}

std::string reportJson(ModuleOp module, const std::string &target, const std::string &name) {
  llvm::json::Array layers;
  int64_t macs = 0;
  for (const LayerInfo &l : analyzeLayers(module)) {
    llvm::json::Array inputs;
    for (const auto &s : l.inputShapes)
      inputs.push_back(llvm::json::Array(s));
    macs += l.macs;
    layers.push_back(llvm::json::Object{{"node", l.node},
                                        {"op", l.op},
                                        {"inputs", std::move(inputs)},
                                        {"output", llvm::json::Array(l.outputShape)},
                                        {"macs", l.macs},
                                        {"weight_bytes", l.weightBytes},
                                        {"activation_bytes", l.activationBytes},
                                        {"storage", l.storage},
                                        {"arena_offset", l.arenaOffset}});
  }
  llvm::json::Object root{{"name", name},
                          {"target", target},
                          {"macs", macs},
                          {"weight_bytes", totalWeightBytes(module)},
                          {"arena_bytes", funcAttr(module, memory::kArenaSizeAttr)},
                          {"arena_lower_bound_bytes", funcAttr(module, memory::kLowerBoundAttr)},
                          {"layers", std::move(layers)}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return out;
}

std::string formatLayerTable(ModuleOp module) {
  std::vector<LayerInfo> layers = analyzeLayers(module);
  size_t nodeW = 4, opW = 2, inW = 6, outW = 6;
  std::vector<std::string> ins;
  for (const LayerInfo &l : layers) {
    std::string in;
    for (size_t k = 0; k < l.inputShapes.size(); ++k)
      in += (k ? ", " : "") + shapeStr(l.inputShapes[k]);
    ins.push_back(in);
    nodeW = std::max(nodeW, l.node.size());
    opW = std::max(opW, l.op.size());
    inW = std::max(inW, in.size());
    outW = std::max(outW, shapeStr(l.outputShape).size());
  }
  nodeW = std::min<size_t>(nodeW, 40);
  inW = std::min<size_t>(inW, 40);
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>10}  {:>8}\n",
                                "node", nodeW, "op", opW, "inputs", inW, "output", outW, "MACs",
                                "weights B", "act. B", "storage");
  int64_t macs = 0;
  for (size_t k = 0; k < layers.size(); ++k) {
    const LayerInfo &l = layers[k];
    // Node names come from the model: print only printable characters.
    std::string node;
    for (char c : l.node)
      node += (c >= 32 && c < 127) ? c : '?';
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>10}  {:>8}\n", node,
                       nodeW, l.op, opW, ins[k], inW, shapeStr(l.outputShape), outW, l.macs,
                       l.weightBytes, l.activationBytes, l.storage);
    macs += l.macs;
  }
  out += fmt::format("\ntotal: {} layers, {} MACs, {} weight bytes\n", layers.size(), macs,
                     totalWeightBytes(module));
  out += fmt::format("arena: {} bytes (lower bound {} bytes)\n",
                     funcAttr(module, memory::kArenaSizeAttr),
                     funcAttr(module, memory::kLowerBoundAttr));
  return out;
}

} // namespace edgec::codegen
