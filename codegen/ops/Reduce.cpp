//===- Reduce.cpp - reductions, arg max / min, cumulative sum, top-k ------===//
//
// Reductions over adjacent axes, viewed as [outer, len, inner]; the reduce
// kernel's functor is the op's ReduceKind (ReduceOpInterface).
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {
namespace {

template <typename ReduceOp> LogicalResult emitReduce(ReduceOp o, KernelWriter &w) {
  static const char *const kFunctor[] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                                         "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                                         "ReduceLogSum", "ReduceLogSumExp"};
  const char *functor = kFunctor[static_cast<int>(o.getReduceKind())];
  Shape in = shapeOf(o.getInput());
  auto axes = o.getAxes();
  if (!getElementTypeOrSelf(o.getInput().getType()).isF32())
    return w.unsupported() << "reductions are generated for float tensors only";
  for (size_t q = 1; q < axes.size(); ++q)
    if (axes[q] != axes[q - 1] + 1) {
      // Reducing over size-1 axes in between is still contiguous.
      bool gapOnes = true;
      for (int64_t a = axes[q - 1] + 1; a < axes[q]; ++a)
        gapOnes &= in[a] == 1;
      if (!gapOnes)
        return w.unsupported() << "reduction over non-adjacent axes is not generated yet";
    }
  int64_t lo = axes.empty() ? 0 : axes.front(), hi = axes.empty() ? 0 : axes.back() + 1;
  std::string id = w.declare(Params("ReduceParams")
                                 .set("outer", prod(in, 0, lo))
                                 .set("len", prod(in, lo, hi))
                                 .set("inner", prod(in, hi)));
  w.call().tmpl(fmt::format("edgec::{}", functor)).tmpl(id).in(o.getInput()).in(o.getOutput())
      .emit();
  return success();
}

template <typename ArgOp> LogicalResult emitArgExtreme(ArgOp o, KernelWriter &w) {
  std::string id = w.declare(axisFields(shapeOf(o.getInput()), o.getAxis(), "SoftmaxParams"));
  w.call().tmpl(id).flag(std::is_same_v<ArgOp, edge::ArgMaxOp>).flag(o.getSelectLastIndex())
      .in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitCumSum(edge::CumSumOp o, KernelWriter &w) {
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
  attachFloat<edge::ReduceMeanOp, emitReduce<edge::ReduceMeanOp>>(ctx);
  attachFloat<edge::ReduceMaxOp, emitReduce<edge::ReduceMaxOp>>(ctx);
  attachFloat<edge::ReduceMinOp, emitReduce<edge::ReduceMinOp>>(ctx);
  attachFloat<edge::ReduceSumOp, emitReduce<edge::ReduceSumOp>>(ctx);
  attachFloat<edge::ReduceProdOp, emitReduce<edge::ReduceProdOp>>(ctx);
  attachFloat<edge::ReduceL1Op, emitReduce<edge::ReduceL1Op>>(ctx);
  attachFloat<edge::ReduceL2Op, emitReduce<edge::ReduceL2Op>>(ctx);
  attachFloat<edge::ReduceSumSquareOp, emitReduce<edge::ReduceSumSquareOp>>(ctx);
  attachFloat<edge::ReduceLogSumOp, emitReduce<edge::ReduceLogSumOp>>(ctx);
  attachFloat<edge::ReduceLogSumExpOp, emitReduce<edge::ReduceLogSumExpOp>>(ctx);
  attachFloat<edge::ArgMaxOp, emitArgExtreme<edge::ArgMaxOp>>(ctx);
  attachFloat<edge::ArgMinOp, emitArgExtreme<edge::ArgMinOp>>(ctx);
  attachFloat<edge::CumSumOp, emitCumSum>(ctx);
  attachFloat<edge::TopKIndicesOp, emitTopKIndices>(ctx);
}

} // namespace edgec::codegen
