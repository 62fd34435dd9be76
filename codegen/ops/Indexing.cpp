//===- Indexing.cpp - gather / scatter by element and by index tuple ------===//
//
// GatherElements / ScatterElements walk the indices in up to six loops
// (neighbouring dimensions merged where data and indices agree); GatherND /
// ScatterND take index tuples into the data's leading dimensions. A scatter
// onto a constant whose elements are all equal fills the output first and
// scatters in place, so that constant needs no array in flash.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Support/TensorAttr.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {
namespace {

/// The kernels' reduction template argument for a scatter's `reduction`.
const char *reductionName(edge::ScatterReduction r) {
  switch (r) {
  case edge::ScatterReduction::None: return "edgec::kReduceNone";
  case edge::ScatterReduction::Add: return "edgec::kReduceAdd";
  case edge::ScatterReduction::Mul: return "edgec::kReduceMul";
  case edge::ScatterReduction::Max: return "edgec::kReduceMax";
  case edge::ScatterReduction::Min: return "edgec::kReduceMin";
  }
  llvm_unreachable("scatter reduction");
}

/// Data and index shapes of an element-wise gather or scatter along `axis`,
/// with neighbouring dimensions other than the axis merged where data and
/// indices agree, so models of rank above 6 (NLL losses over N, C, d1..d5)
/// fit the kernels' six loops. Returns (data, indices, axis).
std::tuple<Shape, Shape, int64_t> collapseForAxis(const Shape &ds, const Shape &is,
                                                  int64_t axis) {
  Shape d, i;
  int64_t a = 0;
  bool prevMergeable = false;
  for (size_t k = 0; k < ds.size(); ++k) {
    bool mergeable = (int64_t)k != axis && ds[k] == is[k];
    if (mergeable && prevMergeable) {
      d.back() *= ds[k];
      i.back() *= is[k];
    } else {
      if ((int64_t)k == axis)
        a = d.size();
      d.push_back(ds[k]);
      i.push_back(is[k]);
    }
    prevMergeable = mergeable;
  }
  return {d, i, a};
}

/// The fields GatherElementsParams and ScatterElementsParams share (after
/// collapseForAxis, padded to six dimensions): `dims` (the indices'),
/// `strides` (the data's), axis and axis_len; none beyond six dimensions.
std::optional<Params> elementsGeometry(const Shape &data, const Shape &indices, int64_t axis,
                                       const char *stridesField) {
  auto [ds, is, a] = collapseForAxis(data, indices, axis);
  if (is.size() > 6)
    return std::nullopt;
  size_t lead = 6 - is.size();
  Shape dims(lead, 1), st(lead, 0), rs = rowMajorStrides(ds);
  dims.insert(dims.end(), is.begin(), is.end());
  st.insert(st.end(), rs.begin(), rs.end());
  Params p;
  p.list("dims", dims).list(stridesField, st).set("axis", a + (int64_t)lead).set("axis_len", ds[a]);
  return p;
}

/// For a scatter onto a constant whose elements are all equal (zeros from
/// ConstantOfShape, MaxUnpool): the statement filling the output with that
/// value, so the scatter runs in place. Empty otherwise.
std::string scatterBase(KernelWriter &w, Value data, Value out) {
  auto c = data.getDefiningOp<edge::ConstantOp>();
  if (!c || quantizedElement(data.getType()))
    return "";
  Tensor t = tensorFromAttr(c.getValue());
  int64_t n = t.numElements();
  for (int64_t k = 1; k < n; ++k)
    if (t.isFloat() ? t.f[k] != t.f[0] : t.i[k] != t.i[0])
      return "";
  if (n == 0 || (t.isFloat() && std::isnan(t.f[0])))
    return "";
  std::string value =
      t.isFloat() ? floatLiteral(t.f[0])
                  : fmt::format("static_cast<{}>({})", ctypeOf(out),
                                t.i[0] == INT64_MIN ? "INT64_MIN" : std::to_string(t.i[0]));
  return fmt::format("edgec::fill<{}>({}, {});\n  ", n, w.in(out), value);
}

LogicalResult emitGatherElements(edge::GatherElementsOp o, KernelWriter &w) {
  auto geometry = elementsGeometry(shapeOf(o.getData()), shapeOf(o.getIndices()), o.getAxis(),
                                   "in_strides");
  if (!geometry)
    return w.unsupported() << "tensors of more than 6 dimensions that do not collapse";
  std::string id = w.declare(Params("GatherElementsParams").append(*geometry));
  w.call().tmpl(id).in(o.getData()).in(o.getIndices()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitScatterElements(edge::ScatterElementsOp o, KernelWriter &w) {
  auto geometry =
      elementsGeometry(shapeOf(o.getData()), shapeOf(o.getIndices()), o.getAxis(), "strides");
  if (!geometry)
    return w.unsupported() << "tensors of more than 6 dimensions that do not collapse";
  std::string id = w.declare(
      Params("ScatterElementsParams").set("size", prod(shapeOf(o.getData()))).append(*geometry));
  std::string base = scatterBase(w, o.getData(), o.getOutput());
  w.call().tmpl(id).tmpl(reductionName(o.getReduction()))
      .in(base.empty() ? o.getData() : o.getOutput()).in(o.getIndices()).in(o.getUpdates())
      .in(o.getOutput()).emit(base);
  return success();
}

/// IndexTupleParams of GatherND (batch_dims `b`) and ScatterND (b = 0).
Params indexTupleParams(Value data, Value indices, int64_t b) {
  Shape ds = shapeOf(data), is = shapeOf(indices), rs = rowMajorStrides(ds);
  int64_t q = is.back(), batches = prod(ds, 0, b);
  Shape lens(6, 1), st(6, 0);
  for (int64_t d = 0; d < q; ++d) {
    lens[d] = ds[b + d];
    st[d] = rs[b + d];
  }
  return std::move(Params("IndexTupleParams")
                       .set("batches", batches)
                       .set("tuples_per_batch", prod(is) / q / std::max<int64_t>(batches, 1))
                       .set("q", q)
                       .set("slice", prod(ds, b + q))
                       .set("batch_stride", b ? rs[b - 1] : 0)
                       .set("size", prod(ds))
                       .list("lens", lens)
                       .list("strides", st));
}

LogicalResult emitGatherND(edge::GatherNDOp o, KernelWriter &w) {
  std::string id = w.declare(indexTupleParams(o.getData(), o.getIndices(), o.getBatchDims()));
  w.call().tmpl(id).in(o.getData()).in(o.getIndices()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitScatterND(edge::ScatterNDOp o, KernelWriter &w) {
  std::string id = w.declare(indexTupleParams(o.getData(), o.getIndices(), 0));
  std::string base = scatterBase(w, o.getData(), o.getOutput());
  w.call().tmpl(id).tmpl(reductionName(o.getReduction()))
      .in(base.empty() ? o.getData() : o.getOutput()).in(o.getIndices()).in(o.getUpdates())
      .in(o.getOutput()).emit(base);
  return success();
}

} // namespace

void attachIndexingKernels(MLIRContext &ctx) {
  attachFloat<edge::GatherElementsOp, emitGatherElements>(ctx);
  attachFloat<edge::ScatterElementsOp, emitScatterElements>(ctx);
  attachFloat<edge::GatherNDOp, emitGatherND>(ctx);
  attachFloat<edge::ScatterNDOp, emitScatterND>(ctx);
}

} // namespace edgec::codegen
