//===- ElementwiseOps.cpp - ONNX elementwise math and activations ---------===//

#include "ImporterImpl.h"

#include <limits>

using namespace mlir;

namespace edgec::onnx_import {
namespace {

template <typename OpT> LogicalResult binary(NodeContext &c) {
  auto a = c.required(0, "A"), b = c.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  Value rhs = *b;
  Type ta = NodeContext::elementType(*a), tb = NodeContext::elementType(rhs);
  if (ta != tb) {
    // Pow (opset 12+) allows an exponent of another type: cast it to the base's.
    if (!std::is_same_v<OpT, edge::PowOp>) {
      c.error() << "input element types differ: " << ta << " and " << tb;
      return failure();
    }
    rhs = c.b.create<edge::CastOp>(c.loc, c.tensorType(NodeContext::shape(rhs), ta), rhs);
  }
  Value r = buildBinary<OpT>(c, *a, rhs);
  if (!r)
    return failure();
  c.setOutput(r);
  return success();
}

// Max / Min take one or more inputs: a left fold of binary ops.
template <typename OpT> LogicalResult variadic(NodeContext &c) {
  if (c.numInputs() == 0 || !c.in(0))
    return c.fail("needs at least one input");
  Value acc = c.in(0);
  for (size_t i = 1; i < c.numInputs(); ++i) {
    if (!c.in(i))
      continue;
    if (NodeContext::elementType(c.in(i)) != NodeContext::elementType(acc))
      return c.fail("input element types differ");
    acc = buildBinary<OpT>(c, acc, c.in(i));
    if (!acc)
      return failure();
  }
  c.setOutput(acc);
  return success();
}

LogicalResult requireFloat(NodeContext &c, Value v) {
  if (!NodeContext::elementType(v).isF32()) {
    c.error() << "expects a float input, got " << NodeContext::elementType(v);
    return failure();
  }
  return success();
}

template <typename OpT> LogicalResult unary(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  // Neg / Abs / Sign of integers: shape arithmetic in function-expanded
  // graphs, folded here because the edge ops are real-valued.
  if constexpr (std::is_same_v<OpT, edge::NegOp> || std::is_same_v<OpT, edge::AbsOp> ||
                std::is_same_v<OpT, edge::SignOp>) {
    std::optional<Tensor> t = c.constantInput(0);
    if (t && !t->isFloat() && t->dtype != DType::Bool) {
      for (int64_t &v : t->i)
        v = std::is_same_v<OpT, edge::NegOp>   ? -v
            : std::is_same_v<OpT, edge::AbsOp> ? (v < 0 ? -v : v)
                                               : (v > 0) - (v < 0);
      c.setOutput(c.constant(*t));
      return success();
    }
  }
  if (failed(requireFloat(c, *x)))
    return failure();
  c.setOutput(c.b.create<OpT>(c.loc, x->getType(), *x));
  return success();
}

/// Comparisons and logic: broadcast shapes, i1 result.
template <typename OpT> LogicalResult predicate(NodeContext &c) {
  auto a = c.required(0, "A"), b = c.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  Type ta = NodeContext::elementType(*a), tb = NodeContext::elementType(*b);
  if (ta != tb)
    return c.error() << "input element types differ: " << ta << " and " << tb, failure();
  Value out = buildPredicate<OpT>(c, *a, *b);
  if (!out)
    return failure();
  c.setOutput(out);
  return success();
}

/// Mod: fmod = 1 is C's remainder (dividend's sign), 0 Python's (divisor's).
LogicalResult mod(NodeContext &c) {
  if (c.attrInt("fmod", 0) != 0)
    return binary<edge::FmodOp>(c);
  return binary<edge::ModOp>(c);
}

/// BitShift: direction "LEFT" or "RIGHT", unsigned integer operands.
LogicalResult bitShift(NodeContext &c) {
  std::string dir = c.attrString("direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return c.fail("direction '" + dir + "' must be LEFT or RIGHT");
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isUnsignedInteger())
    return c.fail("BitShift is defined on unsigned integers, got a tensor of " +
                  std::string(dtypeName(dtypeOf(NodeContext::elementType(*x)))));
  return dir == "LEFT" ? binary<edge::ShiftLeftOp>(c) : binary<edge::ShiftRightOp>(c);
}

/// BitwiseAnd / Or / Xor (opset 18) on integer tensors.
template <typename OpT> LogicalResult bitwise(NodeContext &c) {
  auto x = c.required(0, "A");
  if (failed(x))
    return failure();
  Type t = NodeContext::elementType(*x);
  if (!isa<IntegerType>(t) || t.isInteger(1))
    return c.fail(c.node.op_type() + " is defined on integers, got a tensor of " +
                  std::string(dtypeName(dtypeOf(t))));
  return binary<OpT>(c);
}

/// BitwiseNot (opset 18): x ^ all ones.
LogicalResult bitwiseNot(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  Type t = NodeContext::elementType(*x);
  if (!isa<IntegerType>(t) || t.isInteger(1))
    return c.fail("BitwiseNot is defined on integers, got a tensor of " +
                  std::string(dtypeName(dtypeOf(t))));
  Tensor ones = Tensor::zeros(dtypeOf(t), {});
  ones.i[0] = wrapInteger(ones.dtype, -1); // every bit set, in the type's own width
  c.setOutput(buildBinary<edge::BitwiseXorOp>(c, *x, c.constant(ones)));
  return success();
}

LogicalResult logicalNot(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x))
    return failure();
  if (!NodeContext::elementType(*x).isInteger(1))
    return c.fail("expects a bool input");
  c.setOutput(c.b.create<edge::NotOp>(c.loc, x->getType(), *x));
  return success();
}

LogicalResult where(NodeContext &c) {
  auto cond = c.required(0, "condition"), x = c.required(1, "X"), y = c.required(2, "Y");
  if (failed(cond) || failed(x) || failed(y))
    return failure();
  if (!NodeContext::elementType(*cond).isInteger(1))
    return c.fail("condition must be a bool tensor");
  if (NodeContext::elementType(*x) != NodeContext::elementType(*y))
    return c.error() << "X and Y element types differ: " << NodeContext::elementType(*x)
                     << " and " << NodeContext::elementType(*y), failure();
  Value out = buildWhere(c, *cond, *x, *y);
  if (!out)
    return failure();
  c.setOutput(out);
  return success();
}

/// Gelu (opset 20): approximate "none" is x * Phi(x), "tanh" its tanh form.
LogicalResult gelu(NodeContext &c) {
  std::string approximate = c.attrString("approximate", "none");
  if (approximate == "none")
    return unary<edge::GeluOp>(c);
  if (approximate == "tanh")
    return unary<edge::GeluTanhOp>(c);
  return c.fail("approximate '" + approximate + "' must be none or tanh");
}

LogicalResult leakyRelu(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloat(c, *x)))
    return failure();
  c.setOutput(c.b.create<edge::LeakyReluOp>(c.loc, x->getType(), *x,
                                            c.b.getF32FloatAttr(c.attrFloat("alpha", 0.01f))));
  return success();
}

/// Activations with one float attribute `alpha`.
template <typename OpT> LogicalResult alphaUnary(NodeContext &c, float dflt) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloat(c, *x)))
    return failure();
  c.setOutput(c.b.create<OpT>(c.loc, x->getType(), *x,
                              c.b.getF32FloatAttr(c.attrFloat("alpha", dflt))));
  return success();
}
LogicalResult elu(NodeContext &c) { return alphaUnary<edge::EluOp>(c, 1.0f); }
LogicalResult celu(NodeContext &c) { return alphaUnary<edge::CeluOp>(c, 1.0f); }
LogicalResult thresholdedRelu(NodeContext &c) {
  return alphaUnary<edge::ThresholdedReluOp>(c, 1.0f);
}

LogicalResult selu(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloat(c, *x)))
    return failure();
  c.setOutput(c.b.create<edge::SeluOp>(
      c.loc, x->getType(), *x, c.b.getF32FloatAttr(c.attrFloat("alpha", 1.67326319217681884765625f)),
      c.b.getF32FloatAttr(c.attrFloat("gamma", 1.05070102214813232421875f))));
  return success();
}

LogicalResult hardSigmoid(NodeContext &c) {
  auto x = c.required(0, "X");
  if (failed(x) || failed(requireFloat(c, *x)))
    return failure();
  c.setOutput(c.b.create<edge::HardSigmoidOp>(c.loc, x->getType(), *x,
                                              c.b.getF32FloatAttr(c.attrFloat("alpha", 0.2f)),
                                              c.b.getF32FloatAttr(c.attrFloat("beta", 0.5f))));
  return success();
}

LogicalResult buildClip(NodeContext &c, Value x, double lo, double hi) {
  if (lo > hi) {
    c.error() << "min " << lo << " is greater than max " << hi;
    return failure();
  }
  // Integer tensors: max(x, lo) then min(., hi), with bounds of x's type
  // (an absent bound is the type's limit, so it is left out).
  if (auto it = dyn_cast<IntegerType>(NodeContext::elementType(x)); it && it.getWidth() > 1) {
    Value y = x;
    if (std::isfinite(lo))
      y = buildBinary<edge::MaxOp>(c, y, scalarLike(c, x, lo));
    if (y && std::isfinite(hi))
      y = buildBinary<edge::MinOp>(c, y, scalarLike(c, x, hi));
    if (!y)
      return failure();
    c.setOutput(y);
    return success();
  }
  if (failed(requireFloat(c, x)))
    return failure();
  c.setOutput(c.b.create<edge::ClipOp>(c.loc, x.getType(), x, c.b.getF32FloatAttr(lo),
                                       c.b.getF32FloatAttr(hi)));
  return success();
}

// Clip-6: bounds are attributes.
LogicalResult clip6(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  return buildClip(c, *x, c.attrFloat("min", -std::numeric_limits<float>::infinity()),
                   c.attrFloat("max", std::numeric_limits<float>::infinity()));
}

// Clip-11+: bounds are optional scalar inputs. Constant bounds make an
// edge.clip; a bound computed at run time makes max(x, min) then min(., max),
// which is ONNX's definition (min > max gives max) and runs in int8 too.
LogicalResult clip11(NodeContext &c) {
  auto x = c.required(0, "input");
  if (failed(x))
    return failure();
  double bounds[2] = {-std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::infinity()};
  Value runtime[2];
  for (int k = 0; k < 2; ++k) {
    Value v = c.in(k + 1);
    if (!v)
      continue;
    auto type = cast<ShapedType>(v.getType());
    if (!type.hasStaticShape() || type.getNumElements() != 1) {
      c.error() << (k ? "max" : "min") << " must be a scalar, got shape "
                << shapeToString(NodeContext::shape(v));
      return failure();
    }
    if (std::optional<Tensor> t = c.constantInput(k + 1))
      bounds[k] = t->at(0);
    else if (NodeContext::elementType(v) != NodeContext::elementType(*x)) {
      c.error() << (k ? "max" : "min") << " has element type " << NodeContext::elementType(v)
                << ", the input " << NodeContext::elementType(*x);
      return failure();
    } else
      runtime[k] = v;
  }
  if (!runtime[0] && !runtime[1])
    return buildClip(c, *x, bounds[0], bounds[1]);
  Value y = *x;
  if (runtime[0] || std::isfinite(bounds[0]))
    y = buildBinary<edge::MaxOp>(c, y, runtime[0] ? runtime[0] : scalarLike(c, y, bounds[0]));
  if (y && (runtime[1] || std::isfinite(bounds[1])))
    y = buildBinary<edge::MinOp>(c, y, runtime[1] ? runtime[1] : scalarLike(c, y, bounds[1]));
  if (!y)
    return failure();
  if (y.getType() != x->getType()) {
    c.error() << "a bound of shape [1] would broadcast the rank-0 input";
    return failure();
  }
  c.setOutput(y);
  return success();
}

} // namespace

void registerElementwiseOps(std::vector<OpEntry> &t) {
  t.insert(t.end(), {
      {"", "Add", 7, binary<edge::AddOp>},
      {"", "Sub", 7, binary<edge::SubOp>},
      {"", "Mul", 7, binary<edge::MulOp>},
      {"", "Div", 7, binary<edge::DivOp>},
      {"", "Pow", 7, binary<edge::PowOp>},
      {"", "Max", 6, variadic<edge::MaxOp>},
      {"", "Min", 6, variadic<edge::MinOp>},
      {"", "Relu", 6, unary<edge::ReluOp>},
      {"", "Sigmoid", 6, unary<edge::SigmoidOp>},
      {"", "Tanh", 6, unary<edge::TanhOp>},
      {"", "Sqrt", 6, unary<edge::SqrtOp>},
      {"", "HardSwish", 14, unary<edge::HardSwishOp>},
      {"", "Equal", 7, predicate<edge::EqualOp>},
      {"", "Less", 7, predicate<edge::LessOp>},
      {"", "LessOrEqual", 12, predicate<edge::LessOrEqualOp>},
      {"", "Greater", 7, predicate<edge::GreaterOp>},
      {"", "GreaterOrEqual", 12, predicate<edge::GreaterOrEqualOp>},
      {"", "And", 7, predicate<edge::AndOp>},
      {"", "Or", 7, predicate<edge::OrOp>},
      {"", "Xor", 7, predicate<edge::XorOp>},
      {"", "Not", 1, logicalNot},
      {"", "Mod", 10, mod},
      {"", "BitShift", 11, bitShift},
      {"", "BitwiseAnd", 18, bitwise<edge::BitwiseAndOp>},
      {"", "BitwiseOr", 18, bitwise<edge::BitwiseOrOp>},
      {"", "BitwiseXor", 18, bitwise<edge::BitwiseXorOp>},
      {"", "BitwiseNot", 18, bitwiseNot},
      {"", "Where", 9, where},
      {"", "Abs", 6, unary<edge::AbsOp>},
      {"", "Neg", 6, unary<edge::NegOp>},
      {"", "Exp", 6, unary<edge::ExpOp>},
      {"", "Log", 6, unary<edge::LogOp>},
      {"", "Ceil", 6, unary<edge::CeilOp>},
      {"", "Floor", 6, unary<edge::FloorOp>},
      {"", "Round", 11, unary<edge::RoundOp>},
      {"", "Reciprocal", 6, unary<edge::ReciprocalOp>},
      {"", "Sign", 9, unary<edge::SignOp>},
      {"", "Sin", 7, unary<edge::SinOp>},
      {"", "Cos", 7, unary<edge::CosOp>},
      {"", "Tan", 7, unary<edge::TanOp>},
      {"", "Asin", 7, unary<edge::AsinOp>},
      {"", "Acos", 7, unary<edge::AcosOp>},
      {"", "Atan", 7, unary<edge::AtanOp>},
      {"", "Sinh", 9, unary<edge::SinhOp>},
      {"", "Cosh", 9, unary<edge::CoshOp>},
      {"", "Asinh", 9, unary<edge::AsinhOp>},
      {"", "Acosh", 9, unary<edge::AcoshOp>},
      {"", "Atanh", 9, unary<edge::AtanhOp>},
      {"", "Erf", 9, unary<edge::ErfOp>},
      {"", "Softplus", 1, unary<edge::SoftplusOp>},
      {"", "Softsign", 1, unary<edge::SoftsignOp>},
      {"", "Gelu", 20, gelu},
      {"", "Elu", 6, elu},
      {"", "Celu", 12, celu},
      {"", "Selu", 6, selu},
      {"", "ThresholdedRelu", 10, thresholdedRelu},
      {"", "LeakyRelu", 6, leakyRelu},
      {"", "HardSigmoid", 6, hardSigmoid},
      {"", "Clip", 6, clip6},
      {"", "Clip", 11, clip11},
  });
}

} // namespace edgec::onnx_import
