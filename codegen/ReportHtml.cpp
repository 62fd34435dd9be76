//===- ReportHtml.cpp - report.html: the plan a person can look at ---------===//
//
// One self-contained page (inline CSS, SVG and a few lines of script; nothing
// loaded from anywhere): the arena over the schedule, every buffer a
// rectangle (offset x layers it is live), the step that sets the arena size
// marked; and the per-layer table of report.json. Deterministic, like every
// file edgec writes.
//
//===----------------------------------------------------------------------===//

#include "edgec/Codegen/Report.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/Tensor.h"
#include "passes/Memory/BufferAnalysis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"

#include <fmt/format.h>

#include <algorithm>

using namespace mlir;

namespace edgec::codegen {
namespace {

/// Text for HTML element content and attribute values: names come from the
/// model, so every markup character is escaped.
std::string esc(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20)
        out += fmt::format("&#{};", static_cast<int>(static_cast<unsigned char>(c)));
      else
        out += c;
    }
  }
  return out;
}

/// 12,345
std::string grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

/// A stable colour per layer (its index), far apart for neighbours.
std::string hue(size_t layer) { return fmt::format("hsl({}, 62%, 62%)", (layer * 137) % 360); }

struct Bar {
  size_t layer;      ///< row of the producing layer in the table
  memory::BufferKind kind;
  int64_t offset, bytes;
  size_t from, to;   ///< table rows it is live over, inclusive
  std::string node;
  std::string takesOver; ///< node whose bytes it writes over in place, or ""
};

} // namespace

std::string reportHtml(ModuleOp module, const std::string &target, const std::string &name) {
  func::FuncOp func = module.lookupSymbol<func::FuncOp>("main");
  std::vector<LayerInfo> layers = analyzeLayers(module);
  int64_t arena = 0, lowerBound = 0, macs = 0, weights = 0;
  if (auto a = func->getAttrOfType<IntegerAttr>(memory::kArenaSizeAttr))
    arena = a.getInt();
  if (auto a = func->getAttrOfType<IntegerAttr>(memory::kLowerBoundAttr))
    lowerBound = a.getInt();
  for (const LayerInfo &l : layers) {
    macs += l.macs;
    weights += l.weightBytes;
  }

  // Schedule steps (every op of the body, as the buffer analysis counts them)
  // to table rows (every op but constants, as analyzeLayers lists them).
  Block &body = func.getBody().front();
  std::vector<size_t> rowOfStep;
  llvm::DenseMap<Operation *, size_t> rowOfOp;
  size_t row = 0;
  for (Operation &op : body) {
    bool listed = op.getDialect() && op.getDialect()->getNamespace() == "edge" &&
                  !isa<edge::ConstantOp>(op);
    rowOfStep.push_back(row);
    if (listed)
      rowOfOp[&op] = row++;
  }
  size_t rows = std::max<size_t>(row, 1);
  auto rowAt = [&](int64_t step) {
    if (step < 0 || static_cast<size_t>(step) >= rowOfStep.size())
      return rows - 1;
    return std::min(rowOfStep[step], rows - 1);
  };
  std::vector<memory::ArenaBuffer> buffers = memory::collectArenaBuffers(func);
  std::vector<Bar> bars;
  for (const memory::ArenaBuffer &b : buffers) {
    auto off = b.op->getAttrOfType<IntegerAttr>(memory::offsetAttrOf(b.kind));
    if (!off)
      continue;
    size_t r = rowOfOp.lookup(b.op);
    Bar bar{r, b.kind, off.getInt(), b.request.size, rowAt(b.request.first),
            rowAt(b.request.last), layers[r].node, ""};
    if (b.request.reuses >= 0)
      bar.takesOver = layers[rowOfOp.lookup(buffers[b.request.reuses].op)].node;
    bars.push_back(bar);
  }
  // The layer that sets the arena, and the buffers live there.
  memory::ArenaPeak at = memory::arenaPeak(func, buffers);
  size_t peak = at.op ? rowOfOp.lookup(at.op) : 0;
  std::vector<std::string> atPeak;
  for (size_t i : at.live)
    atPeak.push_back(fmt::format("{}{} ({} B)", memory::kindPrefix(buffers[i].kind),
                                 esc(layers[rowOfOp.lookup(buffers[i].op)].node),
                                 grouped(buffers[i].request.size)));

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += fmt::format("<title>edgec report: {} on {}</title>\n", esc(name), esc(target));
  h += R"(<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.summary b { font-variant-numeric: tabular-nums; }
svg { border: 1px solid #ccc; background: #fafafa; }
rect.buffer { stroke: #333; stroke-width: 0.5; }
rect.scratch { fill: #bbb; fill-opacity: 0.8; }
rect.hl { stroke: #000; stroke-width: 2.5; }
line.peak { stroke: #c00; stroke-width: 1.5; stroke-dasharray: 5 3; }
text { font: 11px system-ui, sans-serif; fill: #333; }
text.peak { fill: #c00; font-weight: bold; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.peak td { background: #fee; } tr:hover td { background: #eef; }
</style>
</head>
<body>
)";
  h += fmt::format("<h1>{} on {}</h1>\n", esc(name), esc(target));
  h += fmt::format(
      "<p class=\"summary\">arena <b id=\"arena-bytes\">{}</b> B (lower bound of this schedule "
      "<b>{}</b> B) · {} layers · {} MACs · weights {} B</p>\n",
      grouped(arena), grouped(lowerBound), layers.size(), grouped(macs), grouped(weights));
  if (std::string order = scheduleText(module); !order.empty())
    h += fmt::format("<p class=\"summary\">Layer order: {}.</p>\n", esc(order));
  if (at.op)
    h += fmt::format("<p class=\"summary\">The arena size is set at layer {} ({}): {}.</p>\n",
                     peak, esc(layers[peak].node), llvm::join(atPeak, ", "));

  // The drawing: x = table row (schedule), y = arena offset (0 at the top).
  const double W = 960, H = 420, L = 70, T = 20, R = 20, B = 40;
  const double cw = (W - L - R) / double(rows), scale = (H - T - B) / double(std::max<int64_t>(arena, 1));
  h += "<h2>Arena over the schedule</h2>\n";
  h += fmt::format("<svg id=\"arena\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" "
                   "height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"arena "
                   "buffers over layers\">\n",
                   W, H, W, H);
  h += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">layer (schedule order) "
                   "→</text>\n",
                   L + (W - L - R) / 2, H - 8);
  for (int i = 0; i <= 4; ++i) {
    int64_t v = arena * i / 4;
    double y = T + v * scale;
    h += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
                     "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{} B</text>\n",
                     L, y, W - R, y, L - 4, y + 4, grouped(v));
  }
  for (size_t r = 0; r < rows; r += std::max<size_t>(1, rows / 16))
    h += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     L + (r + 0.5) * cw, H - B + 14, r);
  for (const Bar &b : bars) {
    double x = L + b.from * cw, w = (b.to - b.from + 1) * cw;
    double y = T + b.offset * scale, hgt = std::max(1.0, b.bytes * scale);
    std::string tip = fmt::format("{}{}: {} B at offset {}, layers {}–{}", memory::kindPrefix(b.kind),
                                  esc(b.node), grouped(b.bytes), grouped(b.offset), b.from, b.to);
    if (!b.takesOver.empty())
      tip += ", in place over " + esc(b.takesOver);
    h += fmt::format("<rect class=\"buffer{}\" data-layer=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" "
                     "width=\"{:.1f}\" height=\"{:.1f}\"{}><title>{}</title></rect>\n",
                     b.kind == memory::BufferKind::Scratch ? " scratch"
                     : b.kind == memory::BufferKind::State ? " state"
                                                           : "",
                     b.layer, x, y, w, hgt,
                     // A state (live over every layer) in one green of its own.
                     b.kind == memory::BufferKind::Scratch ? ""
                     : b.kind == memory::BufferKind::State
                         ? std::string(" fill=\"#6a6\"")
                         : " fill=\"" + hue(b.layer) + "\"",
                     tip);
  }
  if (at.op) {
    double x = L + (peak + 0.5) * cw;
    h += fmt::format("<line class=\"peak\" id=\"peak\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" "
                     "y2=\"{}\"/><text class=\"peak\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"{}\">"
                     "peak {} B</text>\n",
                     x, T, x, H - B, x + (peak < rows / 2 ? 4 : -4), T + 12,
                     peak < rows / 2 ? "start" : "end", grouped(at.top));
  }
  h += "</svg>\n";

  h += "<h2>Layers</h2>\n<table id=\"layers\">\n<tr><th>#</th><th>node</th><th>op</th>"
       "<th>inputs</th><th>output</th><th>MACs</th><th>weights B</th><th>activation B</th>"
       "<th>precision</th><th>kernel</th><th>storage</th><th>offset</th>"
       "<th>predicted instructions</th><th>measured instructions</th></tr>\n";
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerInfo &l = layers[i];
    std::vector<std::string> ins;
    for (const auto &s : l.inputShapes)
      ins.push_back(shapeToString(s));
    int64_t predicted = l.sparseChoice == "sparse" ? l.predictedSparse : l.predictedDense;
    h += fmt::format(
        "<tr data-layer=\"{}\"{}><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td></tr>\n",
        i, at.op && i == peak ? " class=\"peak\"" : "", i, esc(l.node), esc(l.op),
        esc(llvm::join(ins, ", ")), shapeToString(l.outputShape), l.macs ? grouped(l.macs) : "",
        l.weightBytes ? grouped(l.weightBytes) : "", grouped(l.activationBytes),
        esc(l.precision), esc(l.kernel),
        esc(l.streamedInto.empty() ? l.storage : "stream into " + l.streamedInto),
        l.arenaOffset >= 0 ? grouped(l.arenaOffset) : "", predicted ? grouped(predicted) : "",
        l.measured ? grouped(*l.measured) : "");
  }
  h += "</table>\n";
  h += "<p>Predicted instructions are the kernel cost model's (conv / gemm); measured ones "
       "are the tuning file's (<code>scripts/tune-mcu.sh</code>, under QEMU), for the layers "
       "whose kernel it chose. <code>edgec verify --per-layer</code> measures every layer.</p>\n";
  // Hovering a row outlines its buffers; the count of drawn buffers is left
  // on the page for a headless browser to read back (test/e2e/report_html.sh).
  h += R"(<script>
(function () {
  var rects = document.querySelectorAll('rect.buffer');
  var drawn = 0;
  rects.forEach(function (r) { var b = r.getBoundingClientRect(); if (b.width > 0 && b.height > 0) drawn++; });
  document.body.setAttribute('data-drawn-buffers', String(drawn));
  var peak = document.getElementById('peak');
  var pb = peak ? peak.getBoundingClientRect() : null;
  document.body.setAttribute('data-peak-drawn', pb && pb.height > 0 ? '1' : '0');
  document.querySelectorAll('#layers tr[data-layer]').forEach(function (tr) {
    var mine = document.querySelectorAll('rect.buffer[data-layer="' + tr.dataset.layer + '"]');
    tr.addEventListener('mouseenter', function () { mine.forEach(function (r) { r.classList.add('hl'); }); });
    tr.addEventListener('mouseleave', function () { mine.forEach(function (r) { r.classList.remove('hl'); }); });
  });
})();
</script>
</body>
</html>
)";
  return h;
}

} // namespace edgec::codegen
