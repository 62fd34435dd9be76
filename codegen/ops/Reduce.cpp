//===- Reduce.cpp - reductions, arg max / min, cumulative sum, top-k ------===//
//
// Reductions over adjacent axes, viewed as [outer, len, inner]; the reduce
// kernel's functor is the op's ReduceKind (ReduceOpInterface).
//
//===----------------------------------------------------------------------===//

#include "Models.h"
#include "edgec/Quant/QuantUtils.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {
namespace {

/// The reduce kernels' functor (kernels/ref/pool_f32.h) for a ReduceKind.
std::string reduceFunctor(edge::ReduceKind kind) {
  static const char *const kFunctor[] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                                         "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                                         "ReduceLogSum", "ReduceLogSumExp"};
  return fmt::format("edgec::{}", kFunctor[static_cast<int>(kind)]);
}

template <typename ReduceOp> LogicalResult emitReduce(ReduceOp o, KernelWriter &w) {
  std::string functor = reduceFunctor(o.getReduceKind());
  if (!getElementTypeOrSelf(o.getInput().getType()).isF32())
    return w.unsupported() << "reductions are generated for float tensors only";
  std::optional<std::array<int64_t, 3>> view = o.getAdjacentView();
  if (!view)
    return w.unsupported() << "reduction over non-adjacent axes is not generated yet";
  std::string id = w.declare(Params("ReduceParams")
                                 .set("outer", (*view)[0])
                                 .set("len", (*view)[1])
                                 .set("inner", (*view)[2]));
  w.call().tmpl(functor).tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

/// Reduce* with run-time axes: the input's dimensions as they are (the axes
/// index them), at most six.
LogicalResult emitReduceRuntimeAxes(edge::ReduceRuntimeAxesOp o, KernelWriter &w) {
  Shape in = shapeOf(o.getInput());
  if (in.size() > 6)
    return w.unsupported() << "a run-time-axes reduction of more than 6 dimensions";
  std::string id = w.declare(Params("ReduceAxesParams")
                                 .set("rank", (int64_t)in.size())
                                 .set("naxes", shapeOf(o.getAxes())[0])
                                 .set("out_size", prod(shapeOf(o.getOutput())))
                                 .list("dims", in));
  w.call().tmpl(reduceFunctor(o.getKind())).tmpl(id).in(o.getInput()).in(o.getAxes())
      .in(o.getOutput()).emit();
  return success();
}

/// int8 (int16) mean over adjacent axes: the sum of (x - zero) over `len`,
/// requantized by s_x / (len s_y) (quant::meanMultiplier).
LogicalResult emitReduceMeanS8(edge::ReduceMeanOp o, KernelWriter &w) {
  std::optional<std::array<int64_t, 3>> view = o.getAdjacentView();
  if (!view)
    return w.unsupported() << "int8 mean over non-adjacent axes";
  edgec::quant::QParams px = edgec::quant::paramsOf(o.getInput().getType());
  edgec::quant::QParams py = edgec::quant::paramsOf(o.getOutput().getType());
  edgec::quant::FixedPoint m = edgec::quant::meanMultiplier(o);
  std::string id = w.declare(Params("MeanS8Params")
                                 .set("outer", (*view)[0])
                                 .set("len", (*view)[1])
                                 .set("inner", (*view)[2])
                                 .set("in_zero", px.zeroPoint)
                                 .set("mult", m.multiplier)
                                 .set("shift", m.shift)
                                 .set("out_zero", py.zeroPoint));
  w.call().tmpl(id).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitReduceMean(edge::ReduceMeanOp o, KernelWriter &w) {
  return w.integer() ? emitReduceMeanS8(o, w) : emitReduce(o, w);
}

template <typename ArgOp> LogicalResult emitArgExtreme(ArgOp o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "SoftmaxParams"));
  w.call().tmpl(id).flag(std::is_same_v<ArgOp, edge::ArgMaxOp>).flag(o.getSelectLastIndex())
      .in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

template <typename OpT> LogicalResult emitCumulative(OpT o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "AxisParams"));
  w.call().tmpl(id).flag(o.getExclusive()).flag(o.getReverse()).in(o.getInput())
      .in(o.getOutput()).emit();
  return success();
}

LogicalResult emitTopKIndices(edge::TopKIndicesOp o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "AxisParams"));
  w.call().tmpl(id).tmpl((int64_t)o.getK()).flag(o.getLargest()).in(o.getInput())
      .in(o.getOutput()).emit();
  return success();
}

} // namespace

void attachReduceKernels(MLIRContext &ctx) {
  attach<edge::ReduceMeanOp, emitReduceMean>(ctx);
  attachFloat<edge::ReduceMaxOp, emitReduce<edge::ReduceMaxOp>>(ctx);
  attachFloat<edge::ReduceMinOp, emitReduce<edge::ReduceMinOp>>(ctx);
  attachFloat<edge::ReduceSumOp, emitReduce<edge::ReduceSumOp>>(ctx);
  attachFloat<edge::ReduceProdOp, emitReduce<edge::ReduceProdOp>>(ctx);
  attachFloat<edge::ReduceL1Op, emitReduce<edge::ReduceL1Op>>(ctx);
  attachFloat<edge::ReduceL2Op, emitReduce<edge::ReduceL2Op>>(ctx);
  attachFloat<edge::ReduceSumSquareOp, emitReduce<edge::ReduceSumSquareOp>>(ctx);
  attachFloat<edge::ReduceLogSumOp, emitReduce<edge::ReduceLogSumOp>>(ctx);
  attachFloat<edge::ReduceLogSumExpOp, emitReduce<edge::ReduceLogSumExpOp>>(ctx);
  attachFloat<edge::ReduceRuntimeAxesOp, emitReduceRuntimeAxes>(ctx);
  attachFloat<edge::ArgMaxOp, emitArgExtreme<edge::ArgMaxOp>>(ctx);
  attachFloat<edge::ArgMinOp, emitArgExtreme<edge::ArgMinOp>>(ctx);
  attachFloat<edge::CumSumOp, emitCumulative<edge::CumSumOp>>(ctx);
  attachFloat<edge::CumProdOp, emitCumulative<edge::CumProdOp>>(ctx);
  attachFloat<edge::TopKIndicesOp, emitTopKIndices>(ctx);
}

} // namespace edgec::codegen
