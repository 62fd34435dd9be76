//===- KernelTable.cpp - predicates and scratch of the kernel table --------===//
//
// The rows are in KernelTable.def; this file holds what they refer to: when a
// kernel applies and how much arena scratch it needs. Each scratch formula is
// the compile-time twin of the kernel's own constexpr `*_scratch_size`, which
// the generated code static_asserts against the planned bytes, so a formula
// that drifts from its kernel fails the build of the generated code.
//
//===----------------------------------------------------------------------===//

#include "passes/Kernels/KernelTable.h"

#include "edgec/Quant/QuantUtils.h"
#include "edgec/Support/TensorAttr.h"

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;
using edgec::edge::KernelFamily;

namespace edgec::kernels {
namespace {

// --- family masks ------------------------------------------------------------

constexpr unsigned bit(KernelFamily f) { return 1u << static_cast<unsigned>(f); }
constexpr unsigned kAllFamilies = ~0u;
/// SMLAD kernels (kernels/arm/conv2d_s8_dsp.h): the DSP extension; Helium
/// cores keep them for what the blocked kernels do not run (a spread input).
constexpr unsigned kDspFamilies = bit(KernelFamily::ArmDsp) | bit(KernelFamily::ArmMve);
/// Blocked kernels (kernels/blocked/conv2d_s8.h): Helium on arm-mve, plain
/// loops on blocked.
constexpr unsigned kBlockedFamilies = bit(KernelFamily::Blocked) | bit(KernelFamily::ArmMve);
/// Helium only (the kernels under EDGEC_HAVE_MVE).
constexpr unsigned kMveOnly = bit(KernelFamily::ArmMve);

// --- op matching -------------------------------------------------------------

/// Stands for "any op" in a row; the row's predicate decides.
struct AnyOp {};

template <typename... Ops> bool matches(Operation *op) {
  if constexpr ((std::is_same_v<Ops, AnyOp> || ...))
    return true;
  else
    return isa<Ops...>(op);
}

// --- shared facts --------------------------------------------------------------

bool int8Pair(Value in, Value out) {
  auto qi = quantizedElement(in.getType()), qo = quantizedElement(out.getType());
  return qi && qo && qi.getStorageTypeIntegralWidth() == 8 &&
         qo.getStorageTypeIntegralWidth() == 8;
}

bool constantOrNone(Value v) { return !v || v.getDefiningOp<edge::ConstantOp>(); }

bool isDepthwise(edge::Conv2DOp conv) {
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  int64_t g = conv.getGroup();
  return g > 1 && g == in[1] && g == w[0];
}

/// Elements of the padded input plane of the depthwise DSP (int16) and
/// sparse (int8) kernels.
int64_t depthwisePlaneElements(edge::Conv2DOp conv) {
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), d = conv.getDilations();
  return ((out[2] - 1) * s[0] + (w[2] - 1) * d[0] + 1) *
         ((out[3] - 1) * s[1] + (w[3] - 1) * d[1] + 1);
}

bool isDspFamily(KernelFamily f) { return bit(f) & kDspFamilies; }

/// A 1x1 convolution with unit strides and no padding over an input that is
/// not spread: output pixel p reads input pixel p only.
bool isPointwise(edge::Conv2DOp conv) {
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), p = conv.getPads();
  return !conv.hasInputDilation() && w[2] == 1 && w[3] == 1 && s[0] == 1 && s[1] == 1 &&
         p[0] == 0 && p[1] == 0 && out[2] == in[2] && out[3] == in[3];
}

// --- predicates ----------------------------------------------------------------

bool always(Operation *, KernelFamily) { return true; }

bool tfliteLeakyRelu(Operation *op, KernelFamily) {
  return quant::tfliteLeakyRelu(op).has_value();
}

bool hasLookupTable(Operation *op, KernelFamily) {
  auto t = quant::unaryTable(op);
  return t && !t->wide();
}
bool hasLookupTable16(Operation *op, KernelFamily) {
  auto t = quant::unaryTable(op);
  return t && t->wide();
}

bool fromFloat(Operation *op, KernelFamily) {
  return getElementTypeOrSelf(op->getOperand(0).getType()).isF32();
}

bool sparseChosen(Operation *op, KernelFamily) {
  auto s = edge::sparseOf(op);
  return s && s.isSparse() && s.getKind() != edge::SparseKind::Fc;
}

bool sparseChosenFc(Operation *op, KernelFamily) {
  auto s = edge::sparseOf(op);
  return s && s.isSparse() && s.getKind() == edge::SparseKind::Fc;
}

/// int8 activations in and out (int16x8 layers take the reference kernels).
/// edgec's own softmax (softmax_s8, softmax_s16): not for an op that must
/// round as TFLite does, whose int16 input has no kernel yet.
bool nativeSoftmax(Operation *op, KernelFamily) { return !quant::tfliteNumerics(op); }

bool nativeSoftmax16(Operation *op, KernelFamily f) {
  auto q = quantizedElement(op->getOperand(0).getType());
  return nativeSoftmax(op, f) && q && q.getStorageTypeIntegralWidth() == 16;
}

/// TFLite's int8 softmax: int8 input, int8 or int16 output.
bool tfliteSoftmax(Operation *op, KernelFamily) {
  auto q = quantizedElement(op->getOperand(0).getType());
  return quant::tfliteNumerics(op) && q && q.getStorageTypeIntegralWidth() == 8;
}

bool int8Activations(Operation *op, KernelFamily) {
  return int8Pair(op->getOperand(0), op->getResult(0));
}

/// Not depthwise, not over a spread input (a ConvTranspose's: the DSP and
/// reference kernels read one in place), constant weights and bias: the
/// input zero point is folded into the bias at compile time.
bool blockedConvApplies(Operation *op, KernelFamily f) {
  auto conv = cast<edge::Conv2DOp>(op);
  return int8Activations(op, f) && !isDepthwise(conv) && !conv.hasInputDilation() &&
         conv.getWeight().getDefiningOp<edge::ConstantOp>() && constantOrNone(conv.getBias());
}

/// blocked::conv2d_s8_hwc (Helium): one group, unit dilation, not pointwise
/// (the blocked kernel runs those in place), and a kernel row of at least
/// one full vector (kernel_w * in_c >= 16 bytes): the dot products read the
/// rows it holds channels last in place.
bool hwcConvApplies(Operation *op, KernelFamily f) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto w = conv.getWeight().getType().getShape();
  auto d = conv.getDilations();
  return blockedConvApplies(op, f) && conv.getGroup() == 1 && d[0] == 1 && d[1] == 1 &&
         !isPointwise(conv) && w[1] * w[3] >= 16;
}

/// blocked::depthwise_s8: a depthwise layer over an input that is not
/// spread, constant weights and bias (the zero point is folded into the bias).
bool blockedDepthwiseApplies(Operation *op, KernelFamily f) {
  auto conv = cast<edge::Conv2DOp>(op);
  return int8Activations(op, f) && isDepthwise(conv) && !conv.hasInputDilation() &&
         conv.getWeight().getDefiningOp<edge::ConstantOp>() && constantOrNone(conv.getBias());
}

bool noTransA(Operation *op, KernelFamily) { return !cast<edge::GemmOp>(op).getTransA(); }
bool adjacentReduction(Operation *op, KernelFamily) {
  return cast<edge::ReduceOpInterface>(op).getAdjacentView().has_value();
}

/// reduce_mean_s8 over adjacent axes; not an int16 mean that must round as
/// TFLite's (a 32-bit rescale, where the kernel's int16 form is 64-bit).
bool meanApplies(Operation *op, KernelFamily f) {
  auto q = quantizedElement(op->getResult(0).getType());
  return adjacentReduction(op, f) &&
         !(quant::tfliteNumerics(op) && q && q.getStorageTypeIntegralWidth() == 16);
}

/// B stored N x K.
bool dspFcApplies(Operation *op, KernelFamily f) {
  auto gemm = cast<edge::GemmOp>(op);
  return gemm.getTransB() && !gemm.getTransA() && int8Activations(op, f);
}

bool blockedFcApplies(Operation *op, KernelFamily f) {
  auto gemm = cast<edge::GemmOp>(op);
  return dspFcApplies(op, f) && gemm.getB().getDefiningOp<edge::ConstantOp>() &&
         constantOrNone(gemm.getC());
}

/// fc_s8_w4: B is a weight-only int4 model's own integers (zero points 0),
/// kept two to a byte in flash as N x K rows (codegen transposes a MatMul's
/// K x N B at compile time).
bool int4FcApplies(Operation *op, KernelFamily f) {
  auto gemm = cast<edge::GemmOp>(op);
  auto k = gemm.getB().getDefiningOp<edge::ConstantOp>();
  auto bits = k ? k->getAttrOfType<IntegerAttr>(kWeightBitsAttr) : IntegerAttr();
  if (!bits || bits.getInt() != 4 || gemm.getTransA() || !int8Activations(op, f))
    return false;
  edgec::Tensor t = edgec::tensorFromAttr(k.getValue());
  return llvm::all_of(t.i, [](int64_t v) { return v >= -8 && v <= 7; });
}

/// fc_s8_dsp_paired reads B four k at a time from an interleaved copy.
bool pairedFcApplies(Operation *op, KernelFamily f) {
  return blockedFcApplies(op, f) && cast<edge::GemmOp>(op).getB().getType().getShape()[1] % 4 == 0;
}

bool constantIndices(Operation *op, KernelFamily) {
  return cast<edge::GatherOp>(op).getIndices().getDefiningOp<edge::ConstantOp>() != nullptr;
}

// --- in place ------------------------------------------------------------------

unsigned notInPlace(Operation *) { return 0; }

/// Element i of the result is computed from element i of each operand of the
/// result's shape (the others broadcast), so the result may take over any
/// such operand of the same element size (edgec::binary, unary_f32, lut_s8,
/// requantize_s8 read x[i] before they write y[i]).
unsigned elementwiseInPlace(Operation *op) {
  if (op->getNumResults() != 1)
    return 0;
  auto result = cast<ShapedType>(op->getResult(0).getType());
  unsigned mask = 0;
  for (auto [k, v] : llvm::enumerate(op->getOperands())) {
    auto t = dyn_cast<ShapedType>(v.getType());
    if (t && t.hasStaticShape() && t.getShape() == result.getShape() &&
        elementBytes(t.getElementType()) == elementBytes(result.getElementType()))
      mask |= 1u << k;
  }
  return mask;
}

/// A kernel that reads a whole row of its input (operand 0) before it writes
/// that row of the result may write over the input when the two have one
/// element size (layer_norm_f32, layer_norm_q): a wider result's row would
/// reach into input rows not yet read.
unsigned rowInPlace(Operation *op) {
  auto in = cast<ShapedType>(op->getOperand(0).getType());
  auto out = cast<ShapedType>(op->getResult(0).getType());
  return elementBytes(in.getElementType()) == elementBytes(out.getElementType()) ? 1u : 0u;
}

/// A depthwise kernel that copies plane m (into its scratch) before it writes
/// output plane m may write over its input when an output plane is no larger
/// than an input plane: output plane m then lies over input planes m and
/// below only (conv2d_s8_dsp, blocked::depthwise_s8, the sparse one).
unsigned depthwiseInPlace(Operation *op) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto in = conv.getInput().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  return out[2] * out[3] <= in[2] * in[3] ? 1u : 0u;
}

/// A kernel that gathers the columns of a pixel pair before it writes any
/// output of those pixels may write over the input of a pointwise layer with
/// one group and one image: output (m, p) lies over input (m, p), the planes
/// being equally long (conv2d_s8_dsp, blocked::conv2d_s8).
unsigned pointwiseInPlace(Operation *op) {
  auto conv = cast<edge::Conv2DOp>(op);
  return isPointwise(conv) && conv.getGroup() == 1 &&
                 conv.getInput().getType().getShape()[0] == 1
             ? 1u
             : 0u;
}

/// conv2d_s8_dsp (kernels/arm/conv2d_s8_dsp.h) may write over its input:
/// - depthwise, one channel at a time: plane m is copied into the scratch
///   before output plane m is written, and output plane m (no larger than an
///   input plane) lies over input planes m and below only;
/// - pointwise, two pixels at a time: both columns are gathered before any
///   output of those pixels is written, and output (m, p) lies over input
///   (m, p) (one image, one group: the planes are equally long);
/// - a convolution dspConvRingInPlace admits, through the ring in its
///   scratch (codegen passes InPlace where the plan puts the result there).
unsigned dspConvInPlace(Operation *op) {
  if (isDepthwise(cast<edge::Conv2DOp>(op)))
    return depthwiseInPlace(op);
  return pointwiseInPlace(op) || dspConvRingInPlace(op) ? 1u : 0u;
}

/// conv2d_s8_sparse (kernels/sparse/conv2d_s8_sparse.h) runs in place as a
/// depthwise layer, on the same terms as the dense depthwise kernels, and on
/// cores without DSP as a pointwise one on the dense pointwise terms (its
/// in-place variant gathers a pixel pair's columns before it writes any
/// output of them; codegen passes InPlace where the plan put the output over
/// the input); its im2col kernel never does.
unsigned sparseConvInPlace(Operation *op) {
  switch (sparseKindOf(op).value_or(edge::SparseKind::Im2col)) {
  case edge::SparseKind::Depthwise: return depthwiseInPlace(op);
  case edge::SparseKind::Pointwise:
    return isDspFamily(edge::familyOf(op)) ? 0u : pointwiseInPlace(op);
  default: return 0u;
  }
}

// --- scratch -------------------------------------------------------------------

int64_t noScratch(Operation *, KernelFamily) { return 0; }

// Mirrors conv2d_s8_sparse_scratch_size / fc_s8_sparse_scratch_size in
// runtime-stub/edgec/kernels/sparse/conv2d_s8_sparse.h.
int64_t sparseScratch(Operation *op, KernelFamily f) {
  std::optional<edge::SparseKind> kind = sparseKindOf(op);
  if (!kind)
    return 0;
  if (*kind == edge::SparseKind::Fc)
    return 2 * cast<edge::GemmOp>(op).getA().getType().getShape()[1];
  auto conv = cast<edge::Conv2DOp>(op);
  auto w = conv.getWeight().getType().getShape();
  switch (*kind) {
  case edge::SparseKind::Pointwise: return (isDspFamily(f) ? 4 : 2) * w[1];
  case edge::SparseKind::Im2col: return (isDspFamily(f) ? 2 : 1) * 4 * w[1] * w[2] * w[3];
  default: return depthwisePlaneElements(conv);
  }
}

// Mirrors conv2d_s8_dsp_scratch_size / fc_s8_dsp_scratch_size in
// runtime-stub/edgec/kernels/arm/conv2d_s8_dsp.h.
int64_t dspConvScratch(Operation *op, KernelFamily) {
  auto conv = cast<edge::Conv2DOp>(op);
  if (isDepthwise(conv)) // one padded int16 plane
    return 2 * depthwisePlaneElements(conv);
  // Two int16 columns of a padded filter row each, and the ring of a layer
  // that can run in place through one.
  int64_t ring = dspConvRingInPlace(conv)
                     ? conv.getOutput().getType().getShape()[1] * dspConvRingPixels(conv)
                     : 0;
  return 2 * 2 * dspConvRow(conv) + ring;
}

int64_t dspFcScratch(Operation *op, KernelFamily) {
  return 2 * cast<edge::GemmOp>(op).getA().getType().getShape()[1];
}

// Mirrors conv2d_s8_scratch_size in runtime-stub/edgec/kernels/blocked/conv2d_s8.h.
int64_t blockedConvScratch(Operation *op, KernelFamily) {
  auto w = cast<edge::Conv2DOp>(op).getWeight().getType().getShape();
  return 2 * w[1] * w[2] * w[3];
}

// Mirrors conv2d_s8_hwc_scratch_size in runtime-stub/edgec/kernels/blocked/conv2d_s8.h:
// kernel_h padded rows of in_c channels.
int64_t hwcConvScratch(Operation *op, KernelFamily) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides();
  return w[2] * ((out[3] - 1) * s[1] + w[3]) * w[1];
}

// Mirrors depthwise_s8_scratch_size in runtime-stub/edgec/kernels/blocked/conv2d_s8.h.
int64_t blockedDepthwiseScratch(Operation *op, KernelFamily) {
  return depthwisePlaneElements(cast<edge::Conv2DOp>(op));
}

// Mirrors det_f32_scratch_size in runtime-stub/edgec/kernels/ref/linalg_f32.h.
int64_t detScratch(Operation *op, KernelFamily) {
  int64_t m = cast<edge::DetOp>(op).getInput().getType().getShape().back();
  return 4 * m * m;
}

// Mirrors recurrent_f32_scratch_size in runtime-stub/edgec/kernels/ref/recurrent_f32.h.
int64_t recurrentScratch(Operation *op, KernelFamily) {
  auto rec = cast<edge::RecurrentOp>(op);
  return 4 * (rec.numGates() + 1) * rec.getHiddenSize();
}

// Mirrors recurrent_s8_scratch_size in runtime-stub/edgec/kernels/ref/recurrent_s8.h.
int64_t recurrentS8Scratch(Operation *op, KernelFamily) {
  auto rec = cast<edge::RecurrentOp>(op);
  int64_t h = rec.getHiddenSize();
  return 2 * (rec.numGates() + 3) * h + (rec.getCell() == edge::RecurrentCell::Gru ? 4 * h : 0);
}

// Mirrors sequence_lstm_s8_scratch_size in
// runtime-stub/edgec/kernels/ref/sequence_lstm_s8.h: four int16 gates.
int64_t sequenceLstmS8Scratch(Operation *op, KernelFamily) {
  return 2 * 4 * cast<edge::SequenceLstmOp>(op).getHiddenSize();
}

// Mirrors conv2d_is_pointwise / conv2d_is_depthwise(_s1) / conv2d_f32_scratch_size
// in runtime-stub/edgec/kernels/ref/conv2d_f32.h.
int64_t floatConvScratch(Operation *op, KernelFamily) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto in = conv.getInput().getType().getShape();
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), d = conv.getDilations();
  int64_t g = conv.getGroup();
  bool pointwise = isPointwise(conv);
  bool depthwise = !conv.hasInputDilation() && isDepthwise(conv);
  if (depthwise && s[0] == 1 && s[1] == 1) {
    // Unit-stride depthwise: a zero-padded input plane (with a tail for the
    // flat taps) and an output plane at the padded row length.
    int64_t wp = out[3] + (w[3] - 1) * d[1], hp = out[2] + (w[2] - 1) * d[0];
    return 4 * (hp * wp + (w[3] - 1) * d[1] + out[2] * wp);
  }
  if (pointwise || depthwise)
    return 0;
  return 4 * (in[1] / g) * w[2] * w[3] * convTile(op);
}

constexpr int64_t kConvTile = 32;

} // namespace

// --- the table -----------------------------------------------------------------

const std::vector<KernelRow> &kernelTable() {
  static const std::vector<KernelRow> rows = {
#define EDGE_KERNEL(NAME, DTYPE, FAMILIES, SYMBOL, HEADER, PARAMS, SCRATCH, SCRATCH_FN, APPLIES, \
                    IN_PLACE, ...)                                                               \
  KernelRow{#NAME,   DType::DTYPE, FAMILIES,   SYMBOL,  HEADER,   PARAMS,                        \
            SCRATCH, SCRATCH_FN,   APPLIES,    IN_PLACE, &matches<__VA_ARGS__>},
#include "passes/Kernels/KernelTable.def"
  };
  return rows;
}

const KernelRow *findRow(llvm::StringRef name) {
  for (const KernelRow &row : kernelTable())
    if (name == row.name)
      return &row;
  return nullptr;
}

unsigned inPlaceOperands(Operation *op) {
  edge::KernelAttr kernel = edge::kernelOf(op);
  if (!kernel)
    return 0;
  const KernelRow *row = findRow(kernel.getName());
  return row ? row->inPlace(op) : 0;
}

bool isView(Operation *op) { return op->hasTrait<OpTrait::EdgeView>(); }

bool isComputeOp(Operation *op) {
  return op->getDialect() && op->getDialect()->getNamespace() == "edge" &&
         !isa<edge::ConstantOp>(op) && !isView(op);
}

bool isSparseRow(const KernelRow &row) {
  return row.applies == sparseChosen || row.applies == sparseChosenFc;
}

namespace {
/// `row` is for `op`'s element types, `family` and op class (its predicate aside).
bool rowFor(const KernelRow &row, Operation *op, KernelFamily family, bool integer) {
  if ((row.dtype == DType::Quant && !integer) || (row.dtype == DType::Real && integer))
    return false;
  return (row.families & bit(family)) && row.matchesOp(op);
}
} // namespace

const KernelRow *selectRow(Operation *op, KernelFamily family) {
  bool integer = quant::hasIntegerSemantics(op);
  if (auto tuned = op->getAttrOfType<StringAttr>(edge::kTunedAttr))
    if (const KernelRow *row = findRow(tuned.getValue());
        row && rowFor(*row, op, family, integer) && row->applies(op, family))
      return row;
  for (const KernelRow &row : kernelTable())
    if (rowFor(row, op, family, integer) && row.applies(op, family))
      return &row;
  return nullptr;
}

std::vector<const KernelRow *> candidateRows(Operation *op, KernelFamily family) {
  bool integer = quant::hasIntegerSemantics(op);
  std::optional<edge::SparseKind> kind = sparseKindOf(op);
  std::vector<const KernelRow *> rows;
  for (const KernelRow &row : kernelTable()) {
    if (!rowFor(row, op, family, integer))
      continue;
    // A sparse row runs any layer of its kind once the decision says so.
    bool runs = isSparseRow(row) ? kind && (row.applies == sparseChosenFc) ==
                                               (*kind == edge::SparseKind::Fc)
                                 : row.applies(op, family);
    if (runs)
      rows.push_back(&row);
  }
  return rows;
}

std::vector<std::pair<Operation *, std::string>> tuningKeys(Operation *module) {
  std::vector<std::pair<Operation *, std::string>> keys;
  llvm::StringMap<unsigned> seen;
  module->walk([&](Operation *op) {
    auto name = dyn_cast<NameLoc>(op->getLoc());
    if (!isComputeOp(op) || !name || name.getName().getValue().empty())
      return;
    std::string key = name.getName().str();
    if (unsigned n = ++seen[key]; n > 1)
      key += "#" + std::to_string(n);
    keys.emplace_back(op, std::move(key));
  });
  return keys;
}

edge::KernelAttr kernelAttr(const KernelRow &row, Operation *op, KernelFamily family) {
  return edge::KernelAttr::get(op->getContext(), row.name, row.symbol, row.header,
                               row.scratch(op, family));
}

bool isDepthwiseConv(Operation *op) { return isDepthwise(cast<edge::Conv2DOp>(op)); }

int64_t dspConvRow(Operation *op) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto w = conv.getWeight().getType().getShape();
  int64_t k = w[1] * w[2] * w[3];
  return isDepthwise(conv) ? k : static_cast<int64_t>(llvm::alignTo(k, 4));
}

// Mirrors conv2d_s8_dsp_ring_in_place in runtime-stub/edgec/kernels/arm/conv2d_s8_dsp.h.
bool dspConvRingInPlace(Operation *op) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto in = conv.getInput().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides();
  return !isDepthwise(conv) && !isPointwise(conv) && in[0] == 1 && conv.getGroup() == 1 &&
         s[0] == 1 && s[1] == 1 && !conv.hasInputDilation() && out[2] == in[2] &&
         out[3] == in[3] && out[1] <= in[1];
}

int64_t dspConvRingPixels(Operation *op) {
  auto conv = cast<edge::Conv2DOp>(op);
  auto p = conv.getPads();
  int64_t w = conv.getOutput().getType().getShape()[3];
  return llvm::alignTo(p[0] * w + p[1] + 5, 4);
}

// Mirrors conv2d_s8_dsp_rows_ok in runtime-stub/edgec/kernels/arm/conv2d_s8_dsp.h.
bool dspConvRows(Operation *op) {
  auto conv = dyn_cast<edge::Conv2DOp>(op);
  edge::KernelAttr kernel = conv ? edge::kernelOf(conv) : edge::KernelAttr();
  return kernel && kernel.getName() == "conv2d_s8_dsp" &&
         (isDepthwise(conv) || conv.getGroup() == 1) &&
         conv.getInput().getType().getShape()[0] == 1 && !conv.hasInputDilation();
}

// Mirrors conv2d_s8_dsp_rows_scratch_size in runtime-stub/edgec/kernels/arm/conv2d_s8_dsp.h.
int64_t dspConvRowsScratch(Operation *op, int64_t stepRows) {
  auto conv = cast<edge::Conv2DOp>(op);
  if (!isDepthwise(conv))
    return 2 * 2 * dspConvRow(op);
  // The int16 plane rows one call reads (depthwise_band_rows).
  auto w = conv.getWeight().getType().getShape();
  auto out = conv.getOutput().getType().getShape();
  auto s = conv.getStrides(), d = conv.getDilations();
  const int64_t planeH = (out[2] - 1) * s[0] + (w[2] - 1) * d[0] + 1;
  const int64_t planeW = (out[3] - 1) * s[1] + (w[3] - 1) * d[1] + 1;
  const int64_t rows = std::min(planeH, (stepRows - 1) * s[0] + (w[2] - 1) * d[0] + 1);
  return 2 * rows * planeW;
}

int64_t convTile(Operation *op) {
  auto out = cast<edge::Conv2DOp>(op).getOutput().getType().getShape();
  return std::min<int64_t>(kConvTile, out[2] * out[3]);
}

std::optional<edge::SparseKind> sparseKindOf(Operation *op) {
  if (auto conv = dyn_cast<edge::Conv2DOp>(op)) {
    if (!int8Pair(conv.getInput(), conv.getOutput()) || conv.hasInputDilation() ||
        !conv.getWeight().getDefiningOp<edge::ConstantOp>() || !constantOrNone(conv.getBias()))
      return std::nullopt;
    auto in = conv.getInput().getType().getShape();
    if (conv.getGroup() > 1) { // one channel per group; the kernel's plane offsets are 16-bit
      if (isDepthwise(conv) && depthwisePlaneElements(conv) <= 65536)
        return edge::SparseKind::Depthwise;
      return std::nullopt;
    }
    bool pointwise = isPointwise(conv) && in[1] * in[2] * in[3] <= 65535;
    return pointwise ? edge::SparseKind::Pointwise : edge::SparseKind::Im2col;
  }
  if (auto gemm = dyn_cast<edge::GemmOp>(op)) {
    if (!int8Pair(gemm.getA(), gemm.getOutput()) || !gemm.getTransB() || gemm.getTransA() ||
        !gemm.getB().getDefiningOp<edge::ConstantOp>() || !constantOrNone(gemm.getC()))
      return std::nullopt;
    return edge::SparseKind::Fc;
  }
  return std::nullopt;
}

} // namespace edgec::kernels
