//===- Elementwise.cpp - element-wise ops: unary, binary, where, cast -----===//
//
// Float: unary_f32 / binary with the op's functor (runtime-stub/edgec/kernels/
// ref/elementwise.h). int8: a real function is a 256-entry lookup table built
// from the op's own definition (RealFunctionOpInterface); add, sub and mul
// are the binary kernel with a fixed-point functor.
//
//===----------------------------------------------------------------------===//

#include "Models.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"

#include <fmt/format.h>

using namespace mlir;

namespace edgec::codegen {
namespace {

// --- unary ----------------------------------------------------------------------

// The functor of unary_f32 for each op, and the (alpha, beta) it takes.
#define EDGEC_UNARY_KERNELS(X)                                                                    \
  X(ReluOp, OpRelu, 0, 0)                                                                         \
  X(SigmoidOp, OpSigmoid, 0, 0)                                                                   \
  X(TanhOp, OpTanh, 0, 0)                                                                         \
  X(SqrtOp, OpSqrt, 0, 0)                                                                         \
  X(AbsOp, OpAbs, 0, 0)                                                                           \
  X(NegOp, OpNeg, 0, 0)                                                                           \
  X(ExpOp, OpExp, 0, 0)                                                                           \
  X(LogOp, OpLog, 0, 0)                                                                           \
  X(CeilOp, OpCeil, 0, 0)                                                                         \
  X(FloorOp, OpFloor, 0, 0)                                                                       \
  X(RoundOp, OpRound, 0, 0)                                                                       \
  X(ReciprocalOp, OpReciprocal, 0, 0)                                                             \
  X(SignOp, OpSign, 0, 0)                                                                         \
  X(SinOp, OpSin, 0, 0)                                                                           \
  X(CosOp, OpCos, 0, 0)                                                                           \
  X(TanOp, OpTan, 0, 0)                                                                           \
  X(AsinOp, OpAsin, 0, 0)                                                                         \
  X(AcosOp, OpAcos, 0, 0)                                                                         \
  X(AtanOp, OpAtan, 0, 0)                                                                         \
  X(SinhOp, OpSinh, 0, 0)                                                                         \
  X(CoshOp, OpCosh, 0, 0)                                                                         \
  X(AsinhOp, OpAsinh, 0, 0)                                                                       \
  X(AcoshOp, OpAcosh, 0, 0)                                                                       \
  X(AtanhOp, OpAtanh, 0, 0)                                                                       \
  X(ErfOp, OpErf, 0, 0)                                                                           \
  X(SoftplusOp, OpSoftplus, 0, 0)                                                                 \
  X(SoftsignOp, OpSoftsign, 0, 0)                                                                 \
  X(GeluOp, OpGelu, 0, 0)                                                                         \
  X(GeluTanhOp, OpGeluTanh, 0, 0)                                                                 \
  X(HardSwishOp, OpHardSwish, 0, 0)                                                               \
  X(EluOp, OpElu, o.getAlpha().convertToFloat(), 0)                                               \
  X(CeluOp, OpCelu, o.getAlpha().convertToFloat(), 0)                                             \
  X(ThresholdedReluOp, OpThresholdedRelu, o.getAlpha().convertToFloat(), 0)                       \
  X(SeluOp, OpSelu, o.getAlpha().convertToFloat(), o.getGamma().convertToFloat())                 \
  X(LeakyReluOp, OpLeakyRelu, o.getAlpha().convertToFloat(), 0)                                   \
  X(HardSigmoidOp, OpHardSigmoid, o.getAlpha().convertToFloat(), o.getBeta().convertToFloat())    \
  X(ClipOp, OpClip, o.getMin().convertToFloat(), o.getMax().convertToFloat())

/// int8: the real function as a lookup table over the 256 inputs; int16:
/// 513 knots to interpolate between.
LogicalResult emitLookupTable(KernelWriter &w) {
  Operation *op = w.op();
  if (auto lr = quant::tfliteLeakyRelu(op)) {
    std::string id = w.declare(Params("LeakyReluParams")
                                   .set("size", numElements(op->getResult(0)))
                                   .set("in_zero", lr->inZero)
                                   .set("id_mult", lr->identity.multiplier)
                                   .set("id_shift", lr->identity.shift)
                                   .set("alpha_mult", lr->alpha.multiplier)
                                   .set("alpha_shift", lr->alpha.shift)
                                   .set("out_zero", lr->outZero));
    w.call().tmpl(id).in(op->getOperand(0)).in(op->getResult(0)).emit();
    return success();
  }
  auto table = quant::unaryTable(op);
  if (!table)
    return w.noIntegerKernel();
  std::string t = w.ints(std::vector<int64_t>(table->values.begin(), table->values.end()),
                         table->wide() ? "int16_t" : "int8_t", w.node() + "_table");
  w.call().tmpl(numElements(op->getResult(0))).in(op->getOperand(0)).arg(t).in(op->getResult(0))
      .emit();
  return success();
}

LogicalResult emitUnary(KernelWriter &w, const char *functor, float alpha, float beta) {
  if (w.integer())
    return emitLookupTable(w);
  Operation *op = w.op();
  std::string id = w.declare(Params("UnaryParams")
                                 .set("size", numElements(op->getResult(0)))
                                 .real("alpha", alpha)
                                 .real("beta", beta));
  w.call().tmpl(fmt::format("edgec::{}", functor)).tmpl(id).in(op->getOperand(0))
      .in(op->getResult(0)).emit();
  return success();
}

#define EDGEC_UNARY_EMIT(OP, FUNCTOR, ALPHA, BETA)                                                \
  LogicalResult emit##OP(edge::OP o, KernelWriter &w) {                                           \
    (void)o;                                                                                      \
    return emitUnary(w, #FUNCTOR, ALPHA, BETA);                                                   \
  }
EDGEC_UNARY_KERNELS(EDGEC_UNARY_EMIT)
#undef EDGEC_UNARY_EMIT

// --- binary ---------------------------------------------------------------------

#define EDGEC_BINARY_KERNELS(X)                                                                   \
  X(AddOp, OpAdd)                                                                                 \
  X(SubOp, OpSub)                                                                                 \
  X(MulOp, OpMul)                                                                                 \
  X(DivOp, OpDiv)                                                                                 \
  X(PowOp, OpPow)                                                                                 \
  X(MaxOp, OpMax)                                                                                 \
  X(MinOp, OpMin)                                                                                 \
  X(ModOp, OpMod)                                                                                 \
  X(ShiftLeftOp, OpShiftLeft)                                                                     \
  X(ShiftRightOp, OpShiftRight)                                                                   \
  X(BitwiseAndOp, OpBitwiseAnd)                                                                   \
  X(BitwiseOrOp, OpBitwiseOr)                                                                     \
  X(BitwiseXorOp, OpBitwiseXor)                                                                   \
  X(FmodOp, OpFmod)                                                                               \
  X(EqualOp, OpEqual)                                                                             \
  X(LessOp, OpLess)                                                                               \
  X(LessOrEqualOp, OpLessOrEqual)                                                                 \
  X(GreaterOp, OpGreater)                                                                         \
  X(GreaterOrEqualOp, OpGreaterOrEqual)                                                           \
  X(AndOp, OpAnd)                                                                                 \
  X(OrOp, OpOr)                                                                                   \
  X(XorOp, OpXor)

} // namespace

std::string declareBinaryS8(KernelWriter &w) {
  Operation *op = w.op();
  Value result = op->getResult(0);
  auto [lo, hi] = quant::outputClamp(op);
  Params q("AddS8Params");
  std::string functor;
  if (isa<edge::MulOp>(op)) {
    quant::QParams pa = quant::paramsOf(op->getOperand(0).getType());
    quant::QParams pb = quant::paramsOf(op->getOperand(1).getType());
    quant::QParams py = quant::paramsOf(result.getType());
    quant::FixedPoint m = quant::mulMultiplier(op);
    q.set("a_zero", pa.zeroPoint).set("b_zero", pb.zeroPoint).set("a_mult", 0).set("a_shift", 0)
        .set("b_mult", 0).set("b_shift", 0).set("out_mult", m.multiplier)
        .set("out_shift", m.shift).set("out_zero", py.zeroPoint).set("left_shift", 0);
    functor = "OpMulS8";
  } else {
    quant::AddParams p = quant::addParams(op);
    q.set("a_zero", p.inZero[0]).set("b_zero", p.inZero[1]).set("a_mult", p.in[0].multiplier)
        .set("a_shift", p.in[0].shift).set("b_mult", p.in[1].multiplier)
        .set("b_shift", p.in[1].shift).set("out_mult", p.out.multiplier)
        .set("out_shift", p.out.shift).set("out_zero", p.outZero).set("left_shift", p.leftShift);
    functor = isa<edge::AddOp>(op)   ? "OpAddS8"
              : isa<edge::SubOp>(op) ? "OpSubS8"
              : isa<edge::MaxOp>(op) ? "OpMaxS8"
                                     : "OpMinS8";
  }
  q.set("act_min", lo).set("act_max", hi);
  return fmt::format("edgec::{}<{}>", functor, w.declare(q));
}

namespace {

/// int8 add / sub / mul / max / min: the binary kernel with a fixed-point
/// functor.
LogicalResult emitBinaryS8(KernelWriter &w) {
  Operation *op = w.op();
  if (!isa<edge::AddOp, edge::SubOp, edge::MulOp, edge::MaxOp, edge::MinOp>(op))
    return w.noIntegerKernel();
  std::string bp = binaryParams(w);
  if (bp.empty())
    return failure();
  w.call().tmpl(declareBinaryS8(w)).tmpl(bp).in(op->getOperand(0)).in(op->getOperand(1))
      .in(op->getResult(0)).emit();
  return success();
}

LogicalResult emitBinary(KernelWriter &w, const char *functor) {
  if (w.integer())
    return emitBinaryS8(w);
  std::string id = binaryParams(w);
  if (id.empty())
    return failure();
  Operation *op = w.op();
  w.call().tmpl(fmt::format("edgec::{}", functor)).tmpl(id).in(op->getOperand(0))
      .in(op->getOperand(1)).in(op->getResult(0)).emit();
  return success();
}

#define EDGEC_BINARY_EMIT(OP, FUNCTOR)                                                            \
  LogicalResult emit##OP(edge::OP, KernelWriter &w) { return emitBinary(w, #FUNCTOR); }
EDGEC_BINARY_KERNELS(EDGEC_BINARY_EMIT)
#undef EDGEC_BINARY_EMIT

// --- the others -----------------------------------------------------------------

LogicalResult emitNot(edge::NotOp o, KernelWriter &w) {
  w.call().in(o.getInput()).in(o.getOutput()).arg(std::to_string(numElements(o.getOutput())))
      .emit();
  return success();
}

LogicalResult emitWhere(edge::WhereOp o, KernelWriter &w) {
  auto c = collapseBroadcast(w, {o.getCond(), o.getX(), o.getY()});
  if (failed(c))
    return failure();
  const auto &[dims, st] = *c;
  std::string id = w.declare(Params("WhereParams")
                                 .set("size", numElements(o.getOutput()))
                                 .list("dims", dims)
                                 .list("c_strides", st[0])
                                 .list("x_strides", st[1])
                                 .list("y_strides", st[2]));
  w.call().tmpl(id).in(o.getCond()).in(o.getX()).in(o.getY()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitCast(edge::CastOp o, KernelWriter &w) {
  auto call = w.call();
  call.tmpl(numElements(o.getOutput())).tmpl(ctypeOf(o.getInput())).tmpl(ctypeOf(o.getOutput()));
  Type to = getElementTypeOrSelf(o.getOutput().getType());
  if (!o.getSaturate() && isNarrowFloatType(to) && !to.isF16() && !to.isBF16())
    call.tmpl("false"); // float8 without saturation: out of range is NaN (or inf)
  call.in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

LogicalResult emitBitcast(edge::BitcastOp o, KernelWriter &w) {
  w.call().tmpl(numElements(o.getOutput())).tmpl(ctypeOf(o.getInput()))
      .tmpl(ctypeOf(o.getOutput())).in(o.getInput()).in(o.getOutput()).emit();
  return success();
}

} // namespace

void attachElementwiseKernels(MLIRContext &ctx) {
#define EDGEC_ATTACH(OP, ...) attach<edge::OP, emit##OP>(ctx);
  EDGEC_UNARY_KERNELS(EDGEC_ATTACH)
  EDGEC_BINARY_KERNELS(EDGEC_ATTACH)
#undef EDGEC_ATTACH
  attachFloat<edge::NotOp, emitNot>(ctx);
  attachFloat<edge::WhereOp, emitWhere>(ctx);
  attachFloat<edge::CastOp, emitCast>(ctx);
  attachFloat<edge::BitcastOp, emitBitcast>(ctx);
}

} // namespace edgec::codegen
