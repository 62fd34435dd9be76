//===- Recurrent.cpp - edge.recurrent (ONNX RNN, GRU, LSTM) ---------------===//

#include "Models.h"

#include "edgec/IR/EdgeOps.h"
#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"

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

/// The fields RecurrentParams and RecurrentS8Params begin with: the
/// sequence's geometry, the cell and its direction.
Params sequenceFields(edge::RecurrentOp o, const char *type) {
  Shape x = shapeOf(o.getInput());
  return Params(type)
      .set("seq", x[0])
      .set("batch", x[1])
      .set("input", x[2])
      .set("hidden", o.getHiddenSize())
      .set("directions", o.numDirections())
      .enumerator("cell", cellName(o.getCell()))
      .flag("reverse", o.getDirection() == edge::RecurrentDirection::Reverse);
}

/// The integer layer: recurrent_s8 with quant::recurrentConstants' numbers.
LogicalResult emitRecurrentS8(edge::RecurrentOp o, KernelWriter &w) {
  if (std::string why = quant::recurrentIntegerObstacle(o); !why.empty())
    return o.emitError("no integer recurrent layer: ") << why;
  quant::RecurrentConstants k = quant::recurrentConstants(o);
  std::string id = w.declare(
      sequenceFields(o, "RecurrentS8Params")
          .flag("input_forget", o.getInputForget())
          .flag("linear_before_reset", o.getLinearBeforeReset())
          .set("input_zero", k.inputZero)
          .set("output_zero", k.outputZero)
          .set("cell_shift", k.cellShift)
          .set("clip_lo", k.clipLo)
          .set("clip_hi", k.clipHi)
          .set("h0_zero", k.h0Zero)
          .set("h0_mult", k.h0.multiplier)
          .set("h0_shift", k.h0.shift)
          .set("c0_zero", k.c0Zero)
          .set("c0_mult", k.c0.multiplier)
          .set("c0_shift", k.c0.shift)
          .set("out_h_mult", k.outH.multiplier)
          .set("out_h_shift", k.outH.shift)
          .set("out_c_mult", k.outC.multiplier)
          .set("out_c_shift", k.outC.shift));
  w.assertScratch(id);
  auto ints = [&](const std::vector<quant::FixedPoint> &m, bool mult, const char *name) {
    std::vector<int64_t> v;
    for (const quant::FixedPoint &fp : m)
      v.push_back(mult ? fp.multiplier : fp.shift);
    return w.ints(v, "int32_t", w.node() + name);
  };
  auto table = [&](const std::vector<int32_t> &t, const char *name) {
    return w.ints(std::vector<int64_t>(t.begin(), t.end()), "int16_t", w.node() + name);
  };
  std::string lensType = o.getSequenceLens() ? ctypeOf(o.getSequenceLens()) : "int32_t";
  auto wc = o.getW().getDefiningOp<edge::ConstantOp>();
  if (!wc)
    return o.emitError("an integer recurrent layer needs constant weights W");
  // -zx * sum W[d, q, :]: the input zero point folded out of the dot products.
  Tensor wt = tensorFromAttr(wc.getValue());
  int64_t rows = wt.shape[0] * wt.shape[1], cols = wt.shape[2];
  std::vector<int64_t> offset(rows);
  for (int64_t q = 0; q < rows; ++q) {
    int64_t sum = 0;
    for (int64_t i = 0; i < cols; ++i)
      sum += wt.i[q * cols + i];
    offset[q] = -k.inputZero * sum;
  }
  // Arrays are named in the order they are first used.
  std::string xo = w.ints(offset, "int32_t", w.node() + "_x_offset");
  std::string wm = ints(k.w, true, "_w_mult"), wsh = ints(k.w, false, "_w_shift"),
              rm = ints(k.r, true, "_r_mult"), rsh = ints(k.r, false, "_r_shift"),
              sig = table(k.sigmoid, "_sigmoid"), th = table(k.tanh, "_tanh");
  w.call().tmpl(id).tmpl(lensType).in(o.getInput()).in(o.getW()).in(o.getR())
      .optional(o.getBias()).arg(xo).optional(o.getSequenceLens()).optional(o.getInitialH())
      .optional(o.getInitialC()).arg(wm).arg(wsh).arg(rm).arg(rsh).arg(sig).arg(th)
      .in(o.getOutput()).scratch().emit();
  return success();
}

LogicalResult emitRecurrent(edge::RecurrentOp o, KernelWriter &w) {
  if (w.integer())
    return emitRecurrentS8(o, w);
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
      sequenceFields(o, "RecurrentParams")
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

/// An integer SVDF step: svdf_s8 over the layer's state in the arena.
LogicalResult emitSvdf(edge::SvdfOp o, KernelWriter &w) {
  if (!w.integer())
    return w.unsupported() << "a float SVDF has no kernel";
  quant::SvdfFixed k = quant::svdfConstants(o);
  Shape x = shapeOf(o.getInput());
  std::string id = w.declare(Params("SvdfS8Params")
                                 .set("batch", x[0])
                                 .set("inputs", x[1])
                                 .set("filters", shapeOf(o.getWeightsFeature())[0])
                                 .set("memory", o.getMemory())
                                 .set("rank", o.getRank())
                                 .set("in_zero", k.inZero)
                                 .set("state_zero", k.stateZero)
                                 .set("out_zero", k.outZero)
                                 .set("feature_mult", k.feature.multiplier)
                                 .set("feature_shift", k.feature.shift)
                                 .set("out_mult", k.output.multiplier)
                                 .set("out_shift", k.output.shift));
  std::string stateType = ctypeOf(o.getWeightsTime());
  w.call().tmpl(id).tmpl(stateType).in(o.getInput()).in(o.getWeightsFeature())
      .in(o.getWeightsTime()).optional(o.getBias()).arg(w.state(stateType)).in(o.getOutput())
      .emit();
  return success();
}

/// An integer LSTM over a sequence (a .tflite UNIDIRECTIONAL_SEQUENCE_LSTM):
/// sequence_lstm_s8 over the layer's hidden and cell state in the arena.
LogicalResult emitSequenceLstm(edge::SequenceLstmOp o, KernelWriter &w) {
  if (!w.integer())
    return w.unsupported() << "a float sequence LSTM has no kernel";
  quant::SequenceLstmFixed k = quant::sequenceLstmConstants(o);
  std::vector<int64_t> inMult, inShift, recMult, recShift;
  for (int g = 0; g < 4; ++g) {
    inMult.push_back(k.input[g].multiplier);
    inShift.push_back(k.input[g].shift);
    recMult.push_back(k.recurrent[g].multiplier);
    recShift.push_back(k.recurrent[g].shift);
  }
  std::string id = w.declare(Params("SequenceLstmS8Params")
                                 .set("batch", o.getBatch())
                                 .set("steps", o.getSteps())
                                 .set("input", o.getInputSize())
                                 .set("hidden", o.getHiddenSize())
                                 .flag("time_major", o.getTimeMajor())
                                 .flag("clip", k.clip)
                                 .set("cell_clip", k.cellClip)
                                 .set("hidden_zero", k.hiddenZero)
                                 .list("in_mult", inMult)
                                 .list("in_shift", inShift)
                                 .list("rec_mult", recMult)
                                 .list("rec_shift", recShift)
                                 .set("forget_mult", k.forgetCell.multiplier)
                                 .set("forget_shift", k.forgetCell.shift)
                                 .set("input_mult", k.inputCell.multiplier)
                                 .set("input_shift", k.inputCell.shift)
                                 .set("hidden_mult", k.hidden.multiplier)
                                 .set("hidden_shift", k.hidden.shift)
                                 .set("tanh_mult", k.cellTanhMultiplier)
                                 .set("tanh_shift", k.cellTanhShift));
  w.assertScratch(id);
  // -zx sum W_g[j, :], then -zh sum R_g[j, :]: the zero points folded out of
  // the dot products (the same int32 sums).
  std::vector<int64_t> offsets;
  for (auto [weights, zero] : {std::pair(o.getInputWeights(), k.inZero),
                               std::pair(o.getRecurrentWeights(), k.hiddenZero)})
    for (Value v : weights) {
      auto c = v.getDefiningOp<edge::ConstantOp>();
      if (!c)
        return o.emitError("an integer LSTM needs constant weights");
      Tensor t = tensorFromAttr(c.getValue());
      int64_t rows = t.shape[0], cols = t.shape[1];
      for (int64_t j = 0; j < rows; ++j) {
        int64_t sum = 0;
        for (int64_t q = 0; q < cols; ++q)
          sum += t.i[j * cols + q];
        offsets.push_back(-zero * sum);
      }
    }
  std::string offs = w.ints(offsets, "int32_t", w.node() + "_offsets");
  KernelCall call = w.call();
  call.tmpl(id).in(o.getInput());
  for (Value v : o.getInputWeights())
    call.in(v);
  for (Value v : o.getRecurrentWeights())
    call.in(v);
  for (Value v : o.getBiases())
    call.in(v);
  call.arg(offs).arg(w.state("int8_t", 0)).arg(w.state("int16_t", 1)).in(o.getOutput())
      .scratch().emit();
  return success();
}

} // namespace

void attachRecurrentKernels(MLIRContext &ctx) {
  attach<edge::RecurrentOp, emitRecurrent>(ctx);
  attach<edge::SvdfOp, emitSvdf>(ctx);
  attach<edge::SequenceLstmOp, emitSequenceLstm>(ctx);
}

} // namespace edgec::codegen
