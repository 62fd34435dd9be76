//===- DataMovement.cpp - transpose, slice, concat, pad, gather, trilu ----===//
//
// Ops that move elements without computing on them: any element type, and
// int8 data keeps its quantization (concat parts with other parameters are
// requantized on the way).
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "passes/Memory/BufferAnalysis.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"
#include "edgec/quant.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {
namespace {

// The kernels' enumerators of the modes: exhaustive switches, so a new mode
// is a compiler warning here, never a silent default.
const char *padModeName(edge::PadMode m) {
  switch (m) {
  case edge::PadMode::Constant: return "edgec::kPadConstant";
  case edge::PadMode::Reflect: return "edgec::kPadReflect";
  case edge::PadMode::Edge: return "edgec::kPadEdge";
  }
  llvm_unreachable("pad mode");
}

LogicalResult emitTranspose(edge::TransposeOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput()), rs = rowMajorStrides(in), st;
  for (int64_t p : o.getPerm())
    st.push_back(rs[p]);
  return emitStridedCopy(w, shapeOf(o.getOutput()), st, 0);
}

LogicalResult emitSlice(edge::SliceOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput()), rs = rowMajorStrides(in), st;
  int64_t offset = 0;
  auto starts = o.getStarts(), steps = o.getSteps();
  for (size_t q = 0; q < in.size(); ++q) {
    st.push_back(rs[q] * steps[q]);
    offset += starts[q] * rs[q];
  }
  return emitStridedCopy(w, shapeOf(o.getOutput()), st, offset);
}

/// One copy per input into its place along the axis; none where the inputs'
/// producers wrote them there (memory::concatInSlices).
LogicalResult emitConcat(edge::ConcatOp o, KernelWriter &w) {
  if (memory::concatInSlices(o, memory::arenaAlignmentOf(o->getParentOfType<func::FuncOp>()))) {
    w.emitNote("no copy: the producers of its inputs wrote them into their slices");
    return success();
  }
  Shape out = shapeOf(o.getOutput());
  int64_t axis = o.getAxis(), outer = prod(out, 0, axis), inner = prod(out, axis + 1);
  int64_t offset = 0;
  for (Value v : o.getInputs()) {
    int64_t chunk = shapeOf(v)[axis] * inner;
    if (chunk > 0) {
      std::string id = w.declare(Params("ConcatPartParams")
                                     .set("outer", outer)
                                     .set("chunk", chunk)
                                     .set("row", out[axis] * inner)
                                     .set("offset", offset));
      std::string symbol = w.kernel().getSymbol().str(), requant;
      Type in = getElementTypeOrSelf(v.getType()), res = getElementTypeOrSelf(o.getType());
      if (quantizedElement(in) && in != res) { // rescaled to the result's parameters
        quant::QParams pi = quant::paramsOf(in), po = quant::paramsOf(res);
        quant::FixedPoint m = quant::rescaleMultiplier(pi, po);
        requant = w.declare(Params("RequantizeParams")
                                .set("size", outer * chunk)
                                .set("in_zero", pi.zeroPoint)
                                .set("mult", m.multiplier)
                                .set("shift", m.shift)
                                .set("out_zero", po.zeroPoint));
        w.include("edgec/kernels/ref/elementwise_s8.h");
        symbol = "edgec::concat_part_s8";
      }
      KernelCall call = w.call(symbol);
      call.tmpl(id);
      if (!requant.empty())
        call.tmpl(requant);
      call.in(v).in(o.getOutput());
      w.emitPart(fmt::format("part at offset {}", offset), call.str());
    }
    offset += chunk;
  }
  return success();
}

LogicalResult emitPad(edge::PadOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput()), out = shapeOf(o.getOutput());
  if (in.size() > 6)
    return w.unsupported() << "tensors of rank " << in.size() << " (more than 6)";
  auto pads = o.getPads();
  size_t lead = 6 - in.size();
  Shape id6(lead, 1), od6(lead, 1), pb(lead, 0);
  id6.insert(id6.end(), in.begin(), in.end());
  od6.insert(od6.end(), out.begin(), out.end());
  for (size_t q = 0; q < in.size(); ++q)
    pb.push_back(pads[q]);
  float fill = o.getValue().convertToFloat();
  if (auto q = quantizedElement(o.getOutput().getType())) {
    quant::QParams p = quant::paramsOf(q);
    fill = (float)quantize_value(fill, (float)p.scale, p.zeroPoint, p.qmin, p.qmax);
  }
  std::string id = w.declare(Params("PadParams")
                                 .list("in_dims", id6)
                                 .list("out_dims", od6)
                                 .list("pad_begin", pb)
                                 .enumerator("mode", padModeName(o.getMode()))
                                 .real("value", fill));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitGather(edge::GatherOp o, KernelWriter &w) {
  Shape ds = shapeOf(o.getData());
  int64_t axis = o.getAxis(), len = ds[axis];
  if (w.kernelName() == "gather_dynamic") { // indices computed at run time
    std::string id = w.declare(Params("GatherDynamicParams")
                                   .set("outer", prod(ds, 0, axis))
                                   .set("axis_len", len)
                                   .set("inner", prod(ds, axis + 1))
                                   .set("num_indices", numElements(o.getIndices())));
    w.call().tmpl(id).in(o.getData()).in(o.getIndices()).in(o.getOutput()).emit();
    return success();
  }
  // Constant indices, normalized, in a constexpr table.
  Tensor idx = tensorFromAttr(o.getIndices().getDefiningOp<edge::ConstantOp>().getValue());
  std::vector<int64_t> values;
  for (int64_t v : idx.i)
    values.push_back(v < 0 ? v + len : v);
  std::string base = w.localName();
  w.table(base + "_indices", values);
  std::string id = w.declare(Params("GatherParams")
                                 .set("outer", prod(ds, 0, axis))
                                 .set("axis_len", len)
                                 .set("inner", prod(ds, axis + 1))
                                 .set("num_indices", idx.numElements())
                                 .ref("indices", base + "_indices"));
  w.call().tmpl(id).in(o.getData()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitTrilu(edge::TriluOp o, KernelWriter &w) {
  Shape s = shapeOf(o.getInput());
  int64_t rows = s[s.size() - 2], cols = s.back();
  // Diagonals beyond the matrix behave like the matrix's last one.
  int64_t k = std::clamp<int64_t>((int64_t)o.getK(), -rows - 1, cols + 1);
  std::string id = w.declare(Params("TriluParams")
                                 .set("matrices", prod(s) / std::max<int64_t>(rows * cols, 1))
                                 .set("rows", rows)
                                 .set("cols", cols)
                                 .set("k", k)
                                 .flag("upper", o.getUpper()));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

} // namespace

void attachDataMovementKernels(MLIRContext &ctx) {
  attachFloat<edge::TransposeOp, emitTranspose>(ctx);
  attachFloat<edge::SliceOp, emitSlice>(ctx);
  attach<edge::ConcatOp, emitConcat>(ctx);
  attach<edge::PadOp, emitPad>(ctx);
  attachFloat<edge::GatherOp, emitGather>(ctx);
  attachFloat<edge::TriluOp, emitTrilu>(ctx);
}

} // namespace edgec::codegen
