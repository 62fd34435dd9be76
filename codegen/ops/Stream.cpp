//===- Stream.cpp - a chain of layers run a band of rows at a time --------===//
//
// A stream (passes/Memory/Stream.h) is written at its last layer as one loop
// over its steps: per step and layer, the rows the layer's band keeps move to
// its top (stream_keep), then conv2d_s8_dsp_rows computes the layer's new
// rows; the last layer, a convolution or an add, writes its rows of the
// result. Which rows each layer computes at each step is the plan's table,
// written beside the parameters. Each call is commented with its node.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Support/Names.h"
#include "passes/Kernels/KernelTable.h"
#include "passes/Memory/BufferAnalysis.h"
#include "passes/Memory/Stream.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {

namespace {

std::string comment(Operation *op) {
  return fmt::format("// node '{}' ({})", sanitizeIdentifier(nodeOf(op), "layer"),
                     op->getName().getStringRef().str());
}

} // namespace

LogicalResult emitStream(KernelWriter &w) {
  Operation *last = w.op();
  std::optional<memory::StreamPlan> plan = memory::streamPlanOf(last);
  auto scratchAt = last->getAttrOfType<IntegerAttr>(memory::kScratchOffsetAttr);
  if (!plan || !scratchAt)
    return w.unsupported() << "the stream it ends has no plan (run --edge-plan-memory first)";
  const size_t n = plan->layers.size();
  const int64_t scratch = scratchAt.getInt(), rows = plan->rows;
  const Shape outShape = shapeOf(last->getResult(0));
  const int64_t height = outShape[2];
  w.include("edgec/kernels/ref/stream.h");

  // Per step, per layer but the last: lo, from, to of its band.
  const std::string table = w.localName() + "_stream";
  std::vector<int64_t> rowsTable;
  for (const std::vector<memory::BandRows> &step : plan->bands)
    for (const memory::BandRows &b : step)
      rowsTable.insert(rowsTable.end(), {b.lo, b.from, b.to});
  w.table(table, rowsTable);
  const size_t per = 3 * (n - 1);

  std::string code = fmt::format(
      "{{ // a stream of {} layers, {} row{} of this one per step; its scratch: the layers' "
      "work room, then each band\n",
      n, rows, rows == 1 ? "" : "s");
  for (size_t k = 0; k + 1 < n; ++k)
    code += fmt::format("    int8_t *const band{} = reinterpret_cast<int8_t *>(arena + {}); "
                        "// {} rows of '{}'\n    ptrdiff_t lo{} = 0;\n",
                        k, scratch + plan->bandOffset[k], plan->bandRows[k],
                        sanitizeIdentifier(nodeOf(plan->layers[k]), "layer"), k);
  code += fmt::format("    void *const work = static_cast<void *>(arena + {});\n", scratch);
  code += fmt::format("    for (ptrdiff_t s = 0; s < {}; ++s) {{\n", plan->steps);
  code += fmt::format("      const int32_t *const t = {} + s * {};\n", table, per);
  code += fmt::format("      const ptrdiff_t r0 = s * {0}, r1 = r0 + {0} < {1} ? r0 + {0} : {1};\n",
                      rows, height);

  // Layer k reads the chain's input (whole) or the band before, from row
  // row0 on.
  auto input = [&](size_t k) -> std::pair<std::string, std::string> {
    if (k == 0)
      return {w.in(plan->layers[0]->getOperand(0)), "0"};
    return {fmt::format("band{}", k - 1), fmt::format("t[{}]", 3 * (k - 1))};
  };
  for (size_t k = 0; k < n; ++k) {
    Operation *op = plan->layers[k];
    KernelWriter lw = w.forOp(op);
    const bool isLast = k + 1 == n;
    if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
      Shape in = shapeOf(conv.getInput()), out = shapeOf(conv.getOutput());
      RequantArrays rq = requantArrays(lw);
      std::string id = declareConvS8(lw, conv, rq);
      std::string bias = conv.getBias() ? lw.in(conv.getBias()) : std::string("nullptr");
      // Weight arrays are named in the order they are first used: bias,
      // weights (paired but for a depthwise layer), as conv2d_s8_dsp's.
      std::string weights = kernels::isDepthwiseConv(conv)
                                ? lw.in(conv.getWeight())
                                : pairedConvWeights(lw, conv, kernels::dspConvRow(conv));
      std::string band = lw.declare(
          Params("arm::ConvBand")
              .set("in_rows", k == 0 ? in[2] : plan->bandRows[k - 1])
              .set("out_rows", isLast ? out[2] : plan->bandRows[k])
              .set("step_rows", plan->stepRows[k]));
      lw.staticAssert(fmt::format("edgec::arm::conv2d_s8_dsp_rows_scratch_size<{}, {}>() <= {}",
                                  id, band, plan->workBytes),
                      "the stream's work room is too small for this layer");
      w.include(edge::kernelOf(conv).getHeader().str());
      auto [x, row0] = input(k);
      std::string args = fmt::format("{}, {}, {}, {}, {}, {}", x, row0, weights, bias, rq.mult,
                                     rq.shift);
      if (!isLast) {
        code += fmt::format("      edgec::stream_keep<{}, {}, {}>(band{}, lo{}, t[{}], t[{}]);\n"
                            "      lo{} = t[{}];\n",
                            out[1], plan->bandRows[k], out[3], k, k, 3 * k, 3 * k + 1, k, 3 * k);
        code += fmt::format("      if (t[{1}] < t[{2}]) // {3}\n"
                            "        edgec::arm::conv2d_s8_dsp_rows<{4}, {5}>({6}, band{7}, "
                            "t[{0}], t[{1}], t[{2}], work);\n",
                            3 * k, 3 * k + 1, 3 * k + 2, comment(op).substr(3), id, band, args,
                            k);
      } else {
        code += fmt::format("      {}\n      edgec::arm::conv2d_s8_dsp_rows<{}, {}>({}, {}, 0, "
                            "r0, r1, work);\n",
                            comment(op), id, band, args, w.in(op->getResult(0)));
      }
      continue;
    }
    // The last layer, an add: rows [r0, r1) of each channel, its chain
    // operand from the band before.
    const int64_t plane = outShape[2] * outShape[3], width = outShape[3];
    const size_t chain = 1 - static_cast<size_t>(plan->otherOperand);
    std::string ptr[2];
    int64_t stride[2];
    for (size_t j = 0; j < 2; ++j) {
      if (j == chain) {
        ptr[j] = fmt::format("band{} + (r0 - t[{}]) * {}", n - 2, 3 * (n - 2), width);
        stride[j] = plan->bandRows[n - 2] * width;
      } else {
        ptr[j] = fmt::format("{} + r0 * {}", w.in(op->getOperand(j)), width);
        stride[j] = plane;
      }
    }
    std::string functor = declareBinaryS8(w);
    code += fmt::format("      {}\n      edgec::stream_binary_rows<{}, {}, {}, {}, {}>({}, {}, "
                        "{} + r0 * {}, (r1 - r0) * {});\n",
                        comment(op), functor, outShape[1], stride[0], stride[1], plane, ptr[0],
                        ptr[1], w.in(op->getResult(0)), width, width);
  }
  code += "    }\n  }";
  w.emit(code);
  return success();
}

} // namespace edgec::codegen
