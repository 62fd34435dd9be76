//===- Recurrent.cpp - edge.recurrent (ONNX RNN, GRU, LSTM) ---------------===//

#include "Models.h"

#include "edgec/IR/EdgeOps.h"

using namespace mlir;

namespace edgec::codegen {
namespace {

const char *cellName(edge::RecurrentCell c) {
  switch (c) {
  case edge::RecurrentCell::Rnn: return "edgec::kCellRnn";
  case edge::RecurrentCell::Gru: return "edgec::kCellGru";
  case edge::RecurrentCell::Lstm: return "edgec::kCellLstm";
  }
  llvm_unreachable("recurrent cell");
}

LogicalResult emitRecurrent(edge::RecurrentOp o, KernelWriter &w) {
  Shape x = shapeOf(o.getInput());
  int64_t d = o.numDirections();
  size_t perDirection = o.getActivations().size() / d;
  // {activation, alpha, beta} x 3 per direction, always two directions.
  Params acts;
  for (int64_t dir = 0; dir < 2; ++dir) {
    Params specs;
    for (size_t k = 0; k < 3; ++k) {
      // Unused slots (a second direction, h of a GRU) repeat the first.
      size_t a = dir < d && k < perDirection ? dir * perDirection + k : 0;
      const RecurrentActivation *act =
          recurrentActivation(cast<StringAttr>(o.getActivations()[a]).getValue());
      specs.nest("", Params()
                         .enumerator("", std::string("edgec::") + act->kernelEnum)
                         .real("", o.getActivationAlpha()[a])
                         .real("", o.getActivationBeta()[a]));
    }
    acts.nest("", specs);
  }
  std::string id = w.declare(
      Params("RecurrentParams")
          .set("seq", x[0])
          .set("batch", x[1])
          .set("input", x[2])
          .set("hidden", o.getHiddenSize())
          .set("directions", d)
          .enumerator("cell", cellName(o.getCell()))
          .flag("reverse", o.getDirection() == edge::RecurrentDirection::Reverse)
          .real("clip", o.getClip().convertToFloat())
          .flag("input_forget", o.getInputForget())
          .flag("linear_before_reset", o.getLinearBeforeReset())
          .nest("act", acts));
  w.assertScratch(id);
  std::string lensType = o.getSequenceLens() ? ctypeOf(o.getSequenceLens()) : "int32_t";
  w.call().tmpl(id).tmpl(lensType).in(o.getInput()).in(o.getW()).in(o.getR())
      .optional(o.getBias()).optional(o.getSequenceLens()).optional(o.getInitialH())
      .optional(o.getInitialC()).optional(o.getPeepholes()).in(o.getOutput()).scratch().emit();
  return success();
}

} // namespace

void attachRecurrentKernels(MLIRContext &ctx) {
  attachFloat<edge::RecurrentOp, emitRecurrent>(ctx);
}

} // namespace edgec::codegen
