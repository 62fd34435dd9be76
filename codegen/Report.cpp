//===- Report.cpp - per-layer figures --------------------------------------===//

#include "edgec/Codegen/Report.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Stream.h"
#include "passes/Quantize/QuantReport.h"
#include "passes/Sparsity/Sparsity.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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

/// Bytes of `v` as the code stores it: a sparse layer's weights as the
/// bitmask + non-zeros encoding.
static int64_t storedBytes(Operation *user, Value v) {
  auto d = edge::sparseOf(user);
  if (d && d.isSparse() && user->getNumOperands() > 1 && user->getOperand(1) == v)
    return d.getSparseBytes();
  // fc_s8_w4 keeps its int4 weights as N x K rows (a K x N B transposed),
  // two to a byte, rows byte-aligned.
  if (auto k = edge::kernelOf(user); k && k.getName() == "fc_s8_w4" &&
                                     user->getNumOperands() > 1 && user->getOperand(1) == v) {
    auto s = cast<ShapedType>(v.getType()).getShape();
    bool transB = cast<edge::GemmOp>(user).getTransB();
    int64_t n = transB ? s[0] : s[1], kk = transB ? s[1] : s[0];
    return n * ((kk + 1) / 2);
  }
  return bytesOf(v);
}

int64_t macsOf(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    auto w = conv.getWeight().getType().getShape();
    auto out = conv.getOutput().getType().getShape();
    if (!conv.hasInputDilation())
      return out[0] * out[1] * out[2] * out[3] * w[1] * w[2] * w[3];
    // A spread input: only the taps that land on input elements are
    // multiplied, never the zeros between them.
    auto in = conv.getInput().getType().getShape();
    int64_t taps[2] = {0, 0};
    for (unsigned i = 0; i < 2; ++i)
      for (int64_t o = 0; o < out[2 + i]; ++o)
        for (int64_t k = 0; k < w[2 + i]; ++k)
          taps[i] += conv.inputIndex(i, o, k, in[2 + i]) >= 0;
    return out[0] * out[1] * w[1] * taps[0] * taps[1];
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
  if (auto svdf = dyn_cast<edge::SvdfOp>(op)) {
    // Per batch row: the feature products (filters x inputs) and the sum
    // over time (filters x memory).
    auto x = cast<ShapedType>(svdf.getInput().getType()).getShape();
    int64_t filters = cast<ShapedType>(svdf.getWeightsFeature().getType()).getDimSize(0);
    return x[0] * filters * (x[1] + svdf.getMemory());
  }
  if (auto lstm = dyn_cast<edge::SequenceLstmOp>(op)) {
    // Every step of every batch row: x W^T and h R^T for the four gates.
    int64_t h = lstm.getHiddenSize();
    return lstm.getBatch() * lstm.getSteps() * 4 * h * (lstm.getInputSize() + h);
  }
  if (auto rec = dyn_cast<edge::RecurrentOp>(op)) {
    // Every step of every direction and batch row: x W^T and h R^T for all
    // gates (sequence_lens may end some rows early).
    auto x = cast<ShapedType>(rec.getInput().getType()).getShape();
    int64_t h = rec.getHiddenSize();
    return x[0] * x[1] * rec.numDirections() * rec.numGates() * h * (x[2] + h);
  }
  return 0;
}

static std::string nodeName(Operation *op) {
  if (auto nl = dyn_cast<NameLoc>(op->getLoc()))
    return nl.getName().str();
  return "";
}

static std::string precisionOf(Operation *op);
static std::optional<double> doubleAttr(Operation *op, const char *name);

std::vector<LayerInfo> analyzeLayers(ModuleOp module) {
  std::vector<LayerInfo> layers;
  llvm::DenseMap<Operation *, std::string> keys;
  for (auto &[op, key] : kernels::tuningKeys(module))
    keys[op] = key;
  edge::KernelFamily family = edge::familyOf(module);
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
          l.weightBytes += storedBytes(op, v);
    }
    l.outputShape = shapeOf(op->getResult(0));
    l.macs = macsOf(op);
    l.activationBytes = bytesOf(op->getResult(0));
    if (auto off = op->getAttrOfType<IntegerAttr>(memory::kOffsetAttr))
      l.arenaOffset = off.getInt();
    if (auto state = dyn_cast<edge::StateOpInterface>(op)) {
      l.stateBytes = state.getStateBytes();
      if (auto off = op->getAttrOfType<IntegerAttr>(memory::kStateOffsetAttr))
        l.stateOffset = off.getInt();
    }
    l.precision = precisionOf(op);
    if (auto k = edge::kernelOf(op)) {
      l.kernel = k.getName().str();
      for (const kernels::KernelRow *row : kernels::candidateRows(op, family))
        l.candidates.push_back(row->name);
      l.tuningKey = keys.lookup(op);
      l.tuned = op->hasAttr(edge::kTunedAttr);
      if (auto n = op->getAttrOfType<IntegerAttr>(edge::kTunedInstructionsAttr))
        l.measured = n.getInt();
    }
    if (auto d = op->getAttrOfType<DictionaryAttr>(sparsity::kSparsityAttr)) {
      l.weights = d.getAs<IntegerAttr>("total").getInt();
      l.nonzeroWeights = d.getAs<IntegerAttr>("nonzero").getInt();
      l.zeroOutputChannels = d.getAs<IntegerAttr>("zero_out").getInt();
      l.density = double(l.nonzeroWeights) / double(std::max<int64_t>(1, l.weights));
    }
    if (auto d = edge::sparseOf(op)) {
      l.sparseKernel = edge::stringifySparseKind(d.getKind()).str();
      l.sparseChoice = edge::stringifySparseChoice(d.getChoice()).str();
      l.predictedDense = d.getDense();
      l.predictedSparse = d.getSparse();
      l.denseBytes = d.getDenseBytes();
      l.sparseBytes = d.getSparseBytes();
      l.sparseInPlace = sparsity::predictsSparseInPlace(op);
    }
    l.sqnr = doubleAttr(op, quant::kSqnrAttr);
    l.sqnrDrop = doubleAttr(op, quant::kSqnrDropAttr);
    l.sqnrPlain = doubleAttr(op, quant::kSqnrPlainAttr);
    if (auto r = op->getAttrOfType<StringAttr>(quant::kFloatReasonAttr))
      l.floatReason = r.str();
    Operation *streamLast = memory::streamOf(op);
    if (streamLast == op)
      l.streamRows = op->getAttrOfType<IntegerAttr>(memory::kStreamRowsAttr).getInt();
    if (op->hasTrait<OpTrait::EdgeView>())
      l.storage = "view";
    else if (streamLast && streamLast != op) {
      l.storage = "stream";
      l.streamedInto = nodeName(streamLast);
    }
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

/// edge.schedule of the main function, or "" when the order was not searched.
static std::string scheduleSearch(ModuleOp module) {
  std::string search;
  module.walk([&](func::FuncOp f) {
    if (auto a = f->getAttrOfType<StringAttr>(memory::kScheduleAttr))
      search = a.str();
  });
  return search;
}

std::string scheduleText(ModuleOp module) {
  std::string search = scheduleSearch(module);
  if (search.empty())
    return "";
  int64_t bound = funcAttr(module, memory::kLowerBoundAttr);
  int64_t source = funcAttr(module, memory::kScheduleSourceBoundAttr);
  std::string s = search == "exact"
                      ? "no order of the layers has a smaller lower bound (exhaustive search)"
                      : "layer order from a greedy search (too many orders to try them all)";
  if (source > bound)
    s += fmt::format("; the model's own order needs {} B", source);
  else
    s += "; the model's own order";
  return s;
}

static int64_t totalWeightBytes(ModuleOp module) {
  int64_t total = 0;
  module.walk([&](edge::ConstantOp c) {
    if (!c->use_empty())
      total += storedBytes(*c->getUsers().begin(), c.getOutput());
  });
  return total;
}

static func::FuncOp mainOf(ModuleOp module) {
  func::FuncOp main;
  module.walk([&](func::FuncOp f) { main = f; });
  return main;
}

/// int8 / int16 / int32 for quantized results, float otherwise.
static std::string precisionOf(Operation *op) {
  Type e = getElementTypeOrSelf(op->getResult(0).getType());
  if (auto q = dyn_cast<mlir::quant::QuantizedType>(e))
    return "int" + std::to_string(q.getStorageTypeIntegralWidth());
  return e.isF32() ? "float" : "integer";
}

static std::optional<double> doubleAttr(Operation *op, const char *name) {
  if (auto a = op->getAttrOfType<FloatAttr>(name))
    return a.getValueAsDouble();
  return std::nullopt;
}

static llvm::json::Value dbJson(std::optional<double> db) {
  if (!db)
    return nullptr;
  if (std::isinf(*db))
    return "exact";
  return std::round(*db * 100) / 100;
}

static std::string dbText(std::optional<double> db) {
  if (!db)
    return "-";
  return std::isinf(*db) ? "exact" : fmt::format("{:.1f}", *db);
}

/// Layers by the dB they lose against their inputs, largest first (only
/// those that lose at least 1 dB), at most `n`.
static std::vector<std::pair<std::string, double>> largestLosses(ModuleOp module, size_t n) {
  std::vector<std::pair<std::string, double>> out;
  module.walk([&](Operation *op) {
    if (std::optional<double> d = doubleAttr(op, quant::kSqnrDropAttr); d && *d >= 1.0)
      out.emplace_back(nodeName(op), *d);
  });
  std::stable_sort(out.begin(), out.end(),
                   [](const auto &a, const auto &b) { return a.second > b.second; });
  if (out.size() > n)
    out.resize(n);
  return out;
}

static llvm::json::Object quantizationJson(ModuleOp module) {
  func::FuncOp f = mainOf(module);
  llvm::json::Object q;
  if (auto out = f->getAttrOfType<DenseF64ArrayAttr>(quant::kOutputSqnrAttr)) {
    llvm::json::Array outs;
    for (double d : out.asArrayRef())
      outs.push_back(dbJson(d));
    q["output_sqnr_db"] = std::move(outs);
  }
  if (auto n = f->getAttrOfType<IntegerAttr>(quant::kEvalSamplesAttr))
    q["eval_samples"] = n.getInt();
  if (auto a = doubleAttr(f, quant::kFloatAccuracyAttr))
    q["accuracy_float"] = *a;
  if (auto a = doubleAttr(f, quant::kQuantAccuracyAttr))
    q["accuracy_quantized"] = *a;
  if (auto a = f->getAttrOfType<IntegerAttr>(quant::kFloatWeightAttr))
    q["float_weight_bytes"] = a.getInt();
  if (auto a = f->getAttrOfType<IntegerAttr>(quant::kFloatArenaAttr))
    q["float_arena_bytes"] = a.getInt();
  if (auto budget = doubleAttr(f, quant::kAutoBudgetAttr)) {
    llvm::json::Object a{{"accuracy_budget_db", *budget}};
    if (auto db = doubleAttr(f, quant::kAutoInt8SqnrAttr))
      a["int8_output_sqnr_db"] = dbJson(*db);
    if (auto b = f->getAttrOfType<IntegerAttr>(quant::kAutoInt8ArenaAttr))
      a["int8_arena_bytes"] = b.getInt();
    // Predicted by the kernel cost model (int8 / 16x8 conv and gemm layers).
    if (auto n = f->getAttrOfType<IntegerAttr>(quant::kAutoInt8InstrAttr))
      a["int8_instructions_predicted"] = n.getInt();
    a["instructions_predicted"] = (int64_t)std::llround(
        sparsity::predictDenseInstructions(module, edge::familyOf(module)));
    a["float_conv_gemm_layers"] = sparsity::floatConvGemmLayers(module);
    llvm::json::Array steps;
    if (auto list = f->getAttrOfType<ArrayAttr>(quant::kAutoStepsAttr))
      for (auto d : list.getAsRange<DictionaryAttr>()) {
        llvm::json::Object step;
        for (NamedAttribute e : d) {
          if (auto str = dyn_cast<StringAttr>(e.getValue()))
            step[e.getName().str()] = str.str();
          else if (auto i = dyn_cast<IntegerAttr>(e.getValue()))
            step[e.getName().str()] = i.getInt();
          else if (auto x = dyn_cast<FloatAttr>(e.getValue()))
            step[e.getName().str()] = dbJson(x.getValueAsDouble());
        }
        steps.push_back(std::move(step));
      }
    a["steps"] = std::move(steps);
    q["auto"] = std::move(a);
  }
  llvm::json::Array floats, losses;
  module.walk([&](Operation *op) {
    if (auto r = op->getAttrOfType<StringAttr>(quant::kFloatReasonAttr))
      floats.push_back(llvm::json::Object{{"node", nodeName(op)}, {"reason", r.str()}});
  });
  for (const auto &[node, drop] : largestLosses(module, 3))
    losses.push_back(llvm::json::Object{{"node", node}, {"sqnr_drop_db", dbJson(drop)}});
  llvm::json::Array warnings;
  if (auto w = f->getAttrOfType<ArrayAttr>(quant::kWarningsAttr))
    for (auto m : w.getAsValueRange<StringAttr>())
      warnings.push_back(m.str());
  q["warnings"] = std::move(warnings);
  q["float_layers"] = std::move(floats);
  q["largest_losses"] = std::move(losses);
  return q;
}

static bool isQuantizedModel(ModuleOp module) {
  return (bool)mainOf(module)->getAttr(quant::kOutputSqnrAttr);
}

std::string reportJson(ModuleOp module, const std::string &target, const std::string &name) {
  llvm::json::Array layers;
  int64_t macs = 0, stateBytes = 0;
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
                                        {"arena_offset", l.arenaOffset},
                                        {"precision", l.precision}});
    if (!l.kernel.empty())
      layers.back().getAsObject()->insert({"kernel", l.kernel});
    if (!l.streamedInto.empty())
      layers.back().getAsObject()->insert({"streamed_into", l.streamedInto});
    if (l.streamRows > 0)
      layers.back().getAsObject()->insert({"stream_rows", l.streamRows});
    if (l.stateBytes > 0) { // kept in the arena between runs
      stateBytes += l.stateBytes;
      layers.back().getAsObject()->insert(
          {"state", llvm::json::Object{{"bytes", l.stateBytes}, {"arena_offset", l.stateOffset}}});
    }
    // What tuning may choose from (scripts/tune-mcu.sh reads these).
    if (l.candidates.size() > 1 && !l.tuningKey.empty()) {
      layers.back().getAsObject()->insert({"tuning_key", l.tuningKey});
      layers.back().getAsObject()->insert({"kernel_candidates", llvm::json::Array(l.candidates)});
    }
    if (l.tuned)
      layers.back().getAsObject()->insert(
          {"tuned", llvm::json::Object{{"measured_instructions",
                                        l.measured ? llvm::json::Value(*l.measured)
                                                   : llvm::json::Value(nullptr)}}});
    if (l.density)
      layers.back().getAsObject()->insert({"weight_density", *l.density});
    if (!l.sparseKernel.empty())
      layers.back().getAsObject()->insert(
          {"sparsity", llvm::json::Object{{"kernel", l.sparseKernel},
                                          {"choice", l.sparseChoice},
                                          {"predicted_dense_instructions", l.predictedDense},
                                          {"predicted_sparse_instructions", l.predictedSparse},
                                          {"predicted_in_place", l.sparseInPlace},
                                          {"dense_weight_bytes", l.denseBytes},
                                          {"sparse_weight_bytes", l.sparseBytes},
                                          {"weights", l.weights},
                                          {"nonzero_weights", l.nonzeroWeights},
                                          {"zero_output_channels", l.zeroOutputChannels}}});
    if (isQuantizedModel(module)) {
      layers.back().getAsObject()->insert({"sqnr_db", dbJson(l.sqnr)});
      layers.back().getAsObject()->insert({"sqnr_drop_db", dbJson(l.sqnrDrop)});
      if (l.sqnrPlain)
        layers.back().getAsObject()->insert({"sqnr_plain_db", dbJson(l.sqnrPlain)});
    }
  }
  llvm::json::Object root{{"name", name},
                          {"target", target},
                          {"macs", macs},
                          {"weight_bytes", totalWeightBytes(module)},
                          {"arena_bytes", funcAttr(module, memory::kArenaSizeAttr)},
                          {"arena_lower_bound_bytes", funcAttr(module, memory::kLowerBoundAttr)},
                          {"layers", std::move(layers)}};
  if (stateBytes > 0) // of arena_bytes, kept from run to run
    root["state_bytes"] = stateBytes;
  if (std::string search = scheduleSearch(module); !search.empty())
    root["schedule"] = llvm::json::Object{
        {"search", search},
        {"source_order_lower_bound_bytes", funcAttr(module, memory::kScheduleSourceBoundAttr)}};
  if (isQuantizedModel(module))
    root["quantization"] = quantizationJson(module);
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return out;
}

/// The layer that sets the planned arena and the buffers live there.
static std::string peakText(ModuleOp module) {
  func::FuncOp func = mainOf(module);
  std::vector<memory::ArenaBuffer> buffers = memory::collectArenaBuffers(func);
  return memory::describePeak(memory::arenaPeak(func, buffers), buffers);
}

std::string budgetProblem(ModuleOp module, int64_t budgetBytes) {
  int64_t arena = funcAttr(module, memory::kArenaSizeAttr);
  if (budgetBytes <= 0 || arena <= budgetBytes)
    return "";
  return fmt::format("the arena needs {} B but --ram-budget is {} B: {} B is the smallest plan "
                     "edgec makes (in place where a kernel allows it, chains of layers streamed "
                     "a band of rows at a time where that is smaller; so run, no plan of {} can "
                     "be below {} B), set at {}",
                     arena, budgetBytes, arena,
                     scheduleSearch(module) == "exact" ? "any order of the layers" : "this order",
                     funcAttr(module, memory::kLowerBoundAttr), peakText(module));
}

std::string fitProblem(ModuleOp module, const std::string &target, int64_t ramBytes,
                       int64_t flashBytes) {
  std::vector<LayerInfo> layers = analyzeLayers(module);
  auto largest = [&](auto key, const char *unit) {
    std::vector<const LayerInfo *> sorted;
    for (const LayerInfo &l : layers)
      if (key(l) > 0)
        sorted.push_back(&l);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](const LayerInfo *a, const LayerInfo *b) { return key(*a) > key(*b); });
    std::string out;
    for (size_t k = 0; k < sorted.size() && k < 3; ++k)
      out += fmt::format("{}'{}' ({}, {} B {})", k ? ", " : "", sorted[k]->node, sorted[k]->op,
                         key(*sorted[k]), unit);
    return out;
  };
  std::string problems;
  int64_t arena = funcAttr(module, memory::kArenaSizeAttr);
  if (ramBytes > 0 && arena > ramBytes)
    problems += fmt::format("the arena needs {} B of RAM but {} has {} B; it is set at {}", arena,
                            target, ramBytes, peakText(module));
  int64_t weights = totalWeightBytes(module);
  if (flashBytes > 0 && weights > flashBytes)
    problems += fmt::format("{}the weights need {} B of flash but {} has {} B; largest: {}",
                            problems.empty() ? "" : "; ", weights, target, flashBytes,
                            largest([](const LayerInfo &l) { return l.weightBytes; }, "weights"));
  return problems;
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
  // A quantized model's rows also give each layer's precision and SQNR
  // against the float model beside its bytes.
  bool quantized = isQuantizedModel(module);
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>10}  {:>8}",
                                "node", nodeW, "op", opW, "inputs", inW, "output", outW, "MACs",
                                "weights B", "act. B", "storage");
  out += quantized ? fmt::format("  {:<9}  {:>7}\n", "precision", "SQNR dB") : "\n";
  int64_t macs = 0, stateBytes = 0;
  for (size_t k = 0; k < layers.size(); ++k) {
    const LayerInfo &l = layers[k];
    stateBytes += l.stateBytes;
    // Node names come from the model: print only printable characters.
    std::string node;
    for (char c : l.node)
      node += (c >= 32 && c < 127) ? c : '?';
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>10}  {:>10}  {:>8}", node,
                       nodeW, l.op, opW, ins[k], inW, shapeStr(l.outputShape), outW, l.macs,
                       l.weightBytes, l.activationBytes, l.storage);
    out += quantized ? fmt::format("  {:<9}  {:>7}\n", l.precision, dbText(l.sqnr)) : "\n";
    macs += l.macs;
  }
  out += fmt::format("\ntotal: {} layers, {} MACs, {} weight bytes\n", layers.size(), macs,
                     totalWeightBytes(module));
  out += fmt::format("arena: {} bytes (lower bound {} bytes)\n",
                     funcAttr(module, memory::kArenaSizeAttr),
                     funcAttr(module, memory::kLowerBoundAttr));
  if (stateBytes > 0)
    out += fmt::format("state: {} of those bytes keep the layers' state from one run to the next "
                       "(reset with <name>_reset_with_arena)\n",
                       stateBytes);
  if (std::string order = scheduleText(module); !order.empty())
    out += "layer order: " + order + "\n";
  return out;
}

std::string formatSparsityTable(ModuleOp module) {
  std::vector<LayerInfo> layers = analyzeLayers(module);
  std::string rows;
  size_t nodeW = 4;
  for (const LayerInfo &l : layers)
    if (!l.sparseKernel.empty())
      nodeW = std::max(nodeW, l.node.size());
  int64_t dense = 0, chosen = 0, sparseCount = 0;
  for (const LayerInfo &l : layers) {
    if (l.sparseKernel.empty())
      continue;
    bool sp = l.sparseChoice == "sparse";
    sparseCount += sp;
    dense += l.predictedDense;
    chosen += sp ? l.predictedSparse : l.predictedDense;
    rows += fmt::format("  {:<{}}  {:>7.1f}%  {:<9}  {:>10}  {:>10}  {:<6}  {:>6} -> {:>6}\n",
                        l.node, nodeW, 100.0 * (1.0 - l.density.value_or(1.0)), l.sparseKernel,
                        l.predictedDense, l.predictedSparse, l.sparseChoice, l.denseBytes,
                        sp ? l.sparseBytes : l.denseBytes);
  }
  if (rows.empty())
    return "";
  return fmt::format("sparsity: {} of the layers below run sparse kernels; predicted "
                     "instructions {} -> {} ({:.2f}x)\n  {:<{}}  {:>8}  {:<9}  {:>10}  {:>10}  "
                     "{:<6}  {}\n{}",
                     sparseCount, dense, chosen, dense ? double(chosen) / double(dense) : 1.0,
                     "node", nodeW, "zeros", "kernel", "dense", "sparse", "choice",
                     "weight bytes", rows);
}

std::string formatQuantTable(ModuleOp module) {
  if (!isQuantizedModel(module))
    return "";
  func::FuncOp f = mainOf(module);
  std::vector<LayerInfo> layers = analyzeLayers(module);
  size_t nodeW = 4, opW = 2;
  for (const LayerInfo &l : layers) {
    nodeW = std::max(nodeW, l.node.size());
    opW = std::max(opW, l.op.size());
  }
  nodeW = std::min<size_t>(nodeW, 40);
  int64_t samples = 0;
  if (auto n = f->getAttrOfType<IntegerAttr>(quant::kEvalSamplesAttr))
    samples = n.getInt();
  std::string out = fmt::format(
      "quantization error against the float model ({} sample{}; SQNR of each layer's output, "
      "and the dB it loses against its inputs):\n",
      samples, samples == 1 ? "" : "s");
  out += fmt::format("{:<{}}  {:<{}}  {:<9}  {:>8}  {:>7}  {}\n", "node", nodeW, "op", opW,
                     "precision", "SQNR dB", "loss dB", "note");
  std::string plain;
  if (auto p = f->getAttrOfType<StringAttr>(quant::kPlainOptionsAttr))
    plain = p.str();
  for (const LayerInfo &l : layers) {
    if (l.op == "reshape")
      continue;
    std::string node;
    for (char c : l.node)
      node += (c >= 32 && c < 127) ? c : '?';
    std::string row = fmt::format("{:<{}}  {:<{}}  {:<9}  {:>8}  {:>7}  {}", node, nodeW, l.op,
                                  opW, l.precision, dbText(l.sqnr), dbText(l.sqnrDrop),
                                  !l.floatReason.empty() ? "float: " + l.floatReason
                                  : l.sqnrPlain ? dbText(l.sqnrPlain) + " dB without " + plain
                                                : "");
    out += row.substr(0, row.find_last_not_of(' ') + 1) + "\n";
  }
  if (auto outs = f->getAttrOfType<DenseF64ArrayAttr>(quant::kOutputSqnrAttr)) {
    std::string list;
    for (double d : outs.asArrayRef())
      list += (list.empty() ? "" : ", ") + dbText(d);
    out += fmt::format("\noutput SQNR: {} dB\n", list);
  }
  if (auto a = doubleAttr(f, quant::kFloatAccuracyAttr))
    out += fmt::format("top-1 accuracy: float {:.2f}%, quantized {:.2f}%\n", 100 * *a,
                       100 * doubleAttr(f, quant::kQuantAccuracyAttr).value_or(0));
  auto fw = f->getAttrOfType<IntegerAttr>(quant::kFloatWeightAttr);
  auto fa = f->getAttrOfType<IntegerAttr>(quant::kFloatArenaAttr);
  if (fw && fa) {
    int64_t w = totalWeightBytes(module), a = funcAttr(module, memory::kArenaSizeAttr);
    out += fmt::format("weights: {} B float -> {} B quantized ({:.2f}x); arena: {} B float -> {} "
                       "B quantized ({:.2f}x)\n",
                       fw.getInt(), w, fw.getInt() ? (double)w / fw.getInt() : 0.0, fa.getInt(),
                       a, fa.getInt() ? (double)a / fa.getInt() : 0.0);
  }
  if (auto budget = doubleAttr(f, quant::kAutoBudgetAttr)) {
    auto a8 = f->getAttrOfType<IntegerAttr>(quant::kAutoInt8ArenaAttr);
    int64_t a = funcAttr(module, memory::kArenaSizeAttr);
    out += fmt::format("precision per layer chosen by --quantize auto for {:g} dB: all int8 would "
                       "give {} dB with an arena of {} B; this choice uses {} B ({:.2f}x)\n",
                       *budget, dbText(doubleAttr(f, quant::kAutoInt8SqnrAttr).value_or(0)),
                       a8 ? a8.getInt() : 0, a,
                       a8 && a8.getInt() ? (double)a / a8.getInt() : 0.0);
    if (auto n8 = f->getAttrOfType<IntegerAttr>(quant::kAutoInt8InstrAttr)) {
      double n = sparsity::predictDenseInstructions(module, edge::familyOf(module));
      int64_t floats = sparsity::floatConvGemmLayers(module);
      out += fmt::format(
          "predicted instructions of the int8 / 16x8 conv and gemm layers ({} kernels' cost "
          "model): all int8 {}, this choice {:.0f} {}\n",
          edge::stringifyKernelFamily(edge::familyOf(module)), n8.getInt(), n,
          floats ? fmt::format("and {} more conv / gemm in float", floats)
                 : fmt::format("({:.2f}x)", n8.getInt() ? n / (double)n8.getInt() : 0.0));
    }
  }
  std::vector<std::string> floats;
  for (const LayerInfo &l : layers)
    if (!l.floatReason.empty())
      floats.push_back(l.node);
  if (!floats.empty()) {
    std::string list;
    for (const auto &n : floats)
      list += (list.empty() ? "" : ", ") + n;
    out += fmt::format("left in float: {}\n", list);
  }
  auto losses = largestLosses(module, 3);
  if (!losses.empty()) {
    std::string list;
    for (const auto &[node, drop] : losses)
      list += fmt::format("{}{} ({:.1f} dB)", list.empty() ? "" : ", ", node, drop);
    out += fmt::format("largest losses: {}; if accuracy suffers, try --keep-float {} or "
                       "--range percentile=99.99\n",
                       list, losses.front().first);
  }
  if (auto w = f->getAttrOfType<ArrayAttr>(quant::kWarningsAttr))
    for (auto m : w.getAsValueRange<StringAttr>())
      out += fmt::format("warning: {}\n", m.str());
  return out;
}

} // namespace edgec::codegen
