//===- RecurrentOps.cpp - ONNX RNN, GRU and LSTM ---------------------------===//
//
// One edge.recurrent per layer: the whole sequence runs in one kernel call
// (weights stay in flash, no per-step ops), and its packed result is sliced
// into the node's Y, Y_h and Y_c. Batch-major models (layout = 1) are
// transposed to sequence-major around it.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;

namespace edgec::onnx_import {
namespace {

/// The activation list with alpha / beta resolved per function: ONNX
/// consumes activation_alpha (beta) in order, one entry per listed function
/// that takes one; a function past the end of the list gets its default.
struct Activations {
  SmallVector<StringRef> names;
  SmallVector<float> alpha, beta;
};

LogicalResult resolveActivations(NodeContext &c, ArrayRef<const char *> defaults,
                                 int64_t directions, Activations &out,
                                 std::vector<std::string> &storage) {
  size_t perDirection = defaults.size();
  if (const onnx::AttributeProto *a = c.attr("activations")) {
    for (const std::string &s : a->strings())
      storage.push_back(s);
    if (storage.size() != perDirection * directions)
      return c.fail("activations lists " + std::to_string(storage.size()) + " functions; " +
                    std::to_string(perDirection * directions) + " expected (" +
                    std::to_string(perDirection) + " per direction)");
  } else {
    for (int64_t d = 0; d < directions; ++d)
      storage.insert(storage.end(), defaults.begin(), defaults.end());
  }
  std::vector<float> alphas = c.attrFloats("activation_alpha").value_or(std::vector<float>{});
  std::vector<float> betas = c.attrFloats("activation_beta").value_or(std::vector<float>{});
  size_t nextAlpha = 0, nextBeta = 0;
  for (const std::string &s : storage) {
    const RecurrentActivation *act = recurrentActivation(s);
    if (!act)
      return c.fail("activation '" + s + "' is not an ONNX recurrent activation function");
    out.names.push_back(act->name);
    float a = act->defaultAlpha, b = act->defaultBeta;
    if (act->hasAlpha && nextAlpha < alphas.size())
      a = alphas[nextAlpha++];
    if (act->hasBeta && nextBeta < betas.size())
      b = betas[nextBeta++];
    out.alpha.push_back(a);
    out.beta.push_back(b);
  }
  return success();
}

/// RNN, GRU or LSTM: `cell` names the edge.recurrent cell, `defaults` its
/// per-direction activation functions.
LogicalResult recurrent(NodeContext &c, edge::RecurrentCell cell,
                        ArrayRef<const char *> defaults) {
  auto x = c.required(0, "X"), w = c.required(1, "W"), r = c.required(2, "R");
  if (failed(x) || failed(w) || failed(r))
    return failure();
  for (Value v : {*x, *w, *r})
    if (!NodeContext::elementType(v).isF32())
      return c.fail("X, W and R must be float tensors");
  bool lstm = cell == edge::RecurrentCell::Lstm;
  int64_t gates = lstm ? 4 : cell == edge::RecurrentCell::Gru ? 3 : 1;
  std::string dirName = c.attrString("direction", "forward");
  std::optional<edge::RecurrentDirection> dir = edge::symbolizeRecurrentDirection(dirName);
  if (!dir)
    return c.fail("direction '" + dirName + "' is not forward, reverse or bidirectional");
  int64_t d = *dir == edge::RecurrentDirection::Bidirectional ? 2 : 1;
  int64_t layout = c.opset >= 14 ? c.attrInt("layout", 0) : 0;
  if (layout != 0 && layout != 1)
    return c.fail("layout " + std::to_string(layout) + " is not 0 or 1");

  Shape xs = NodeContext::shape(*x), ws = NodeContext::shape(*w), rs = NodeContext::shape(*r);
  if (xs.size() != 3)
    return c.fail("X of shape " + shapeToString(xs) + " is not 3-D");
  Value seq = *x;
  if (layout == 1) { // [B, T, I] -> [T, B, I]
    seq = buildTranspose(c, *x, {1, 0, 2});
    xs = NodeContext::shape(seq);
  }
  int64_t t = xs[0], batch = xs[1], in = xs[2];
  if (ws.size() != 3 || ws[0] != d || ws[1] % gates || ws[2] != in)
    return c.fail("W of shape " + shapeToString(ws) + " does not fit X " +
                  shapeToString(NodeContext::shape(*x)) + " with " + std::to_string(d) +
                  " direction(s) and " + std::to_string(gates) + " gate(s)");
  int64_t h = c.attrInt("hidden_size", ws[1] / gates);
  if (h < 1 || ws[1] != gates * h)
    return c.fail("hidden_size " + std::to_string(h) + " does not fit W of shape " +
                  shapeToString(ws));
  if (rs != Shape{d, gates * h, h})
    return c.fail("R of shape " + shapeToString(rs) + " must be " +
                  shapeToString({d, gates * h, h}));
  if (t < 1 || batch < 1)
    return c.fail("X of shape " + shapeToString(NodeContext::shape(*x)) + " has no steps");

  // Optional inputs, checked here so a wrong one is the user's error.
  auto optional = [&](size_t k, const char *what, const Shape &want) -> FailureOr<Value> {
    Value v = c.in(k);
    if (!v)
      return Value();
    if (!NodeContext::elementType(v).isF32())
      return FailureOr<Value>(c.fail(std::string(what) + " must be a float tensor"));
    Shape s = NodeContext::shape(v);
    if (layout == 1 && s.size() == 3 && (k == 5 || k == 6)) { // [B, D, H] -> [D, B, H]
      v = buildTranspose(c, v, {1, 0, 2});
      s = NodeContext::shape(v);
    }
    if (s != want)
      return FailureOr<Value>(c.fail(std::string(what) + " of shape " + shapeToString(s) +
                                     " must be " + shapeToString(want)));
    return v;
  };
  auto bias = optional(3, "B", {d, 2 * gates * h});
  auto h0 = optional(5, "initial_h", {d, batch, h});
  FailureOr<Value> c0 = Value(), peep = Value();
  if (lstm) {
    c0 = optional(6, "initial_c", {d, batch, h});
    peep = optional(7, "P", {d, 3 * h});
  }
  if (failed(bias) || failed(h0) || failed(c0) || failed(peep))
    return failure();
  Value lens = c.in(4);
  if (lens) {
    if (!isa<IntegerType>(NodeContext::elementType(lens)) ||
        NodeContext::shape(lens) != Shape{batch})
      return c.fail("sequence_lens must be an integer tensor of shape [" +
                    std::to_string(batch) + "]");
    if (std::optional<Tensor> l = c.constantInput(4))
      for (int64_t v : l->i)
        if (v < 0 || v > t)
          return c.fail("sequence_lens value " + std::to_string(v) + " is outside [0, " +
                        std::to_string(t) + "]");
  }

  Activations acts;
  std::vector<std::string> names;
  if (failed(resolveActivations(c, defaults, d, acts, names)))
    return failure();
  float clip = c.attrFloat("clip", 0);
  if (clip < 0)
    return c.fail("clip " + std::to_string(clip) + " must be positive");
  bool inputForget = lstm && c.attrInt("input_forget", 0) != 0;
  bool linearBeforeReset =
      cell == edge::RecurrentCell::Gru && c.attrInt("linear_before_reset", 0) != 0;

  int64_t rows = t + (lstm ? 2 : 1);
  SmallVector<Attribute> actAttrs;
  for (StringRef n : acts.names)
    actAttrs.push_back(c.b.getStringAttr(n));
  auto op = c.b.create<edge::RecurrentOp>(
      c.loc, c.tensorType({rows, d, batch, h}, c.b.getF32Type()), seq, *w, *r, *bias, lens, *h0,
      *c0, *peep, edge::RecurrentCellAttr::get(c.b.getContext(), cell),
      edge::RecurrentDirectionAttr::get(c.b.getContext(), *dir), c.b.getI64IntegerAttr(h),
      c.b.getArrayAttr(actAttrs), c.b.getDenseF32ArrayAttr(acts.alpha),
      c.b.getDenseF32ArrayAttr(acts.beta), c.b.getF32FloatAttr(clip),
      c.b.getBoolAttr(inputForget), c.b.getBoolAttr(linearBeforeReset));
  Value packed = op.getOutput();

  // Y [T, D, B, H] (batch-major: [B, T, D, H]); Y_h, Y_c [D, B, H] ([B, D, H]).
  Value y = buildSlice(c, packed, 0, 0, t);
  if (layout == 1)
    y = buildTranspose(c, y, {2, 0, 1, 3});
  auto state = [&](int64_t row) {
    Value s = c.reshape(buildSlice(c, packed, 0, row, 1), {d, batch, h});
    return layout == 1 ? buildTranspose(c, s, {1, 0, 2}) : s;
  };
  c.outputs = {y, state(t)};
  if (lstm)
    c.outputs.push_back(state(t + 1));
  return success();
}

LogicalResult rnn(NodeContext &c) {
  return recurrent(c, edge::RecurrentCell::Rnn, {"Tanh"});
}
LogicalResult gru(NodeContext &c) {
  return recurrent(c, edge::RecurrentCell::Gru, {"Sigmoid", "Tanh"});
}
LogicalResult lstm(NodeContext &c) {
  return recurrent(c, edge::RecurrentCell::Lstm, {"Sigmoid", "Tanh", "Tanh"});
}

} // namespace

void registerRecurrentOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
                        {"", "RNN", 7, rnn},
                        {"", "GRU", 7, gru},
                        {"", "LSTM", 7, lstm},
                    });
}

} // namespace edgec::onnx_import
