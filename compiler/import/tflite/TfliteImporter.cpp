//===- TfliteImporter.cpp - .tflite flatbuffer to edge dialect ------------===//
//
// Reads a TensorFlow Lite model (schema version 3, file identifier "TFL3")
// into the same `edge` dialect the ONNX importer produces, so that every pass,
// kernel and check after import is shared.
//
// Order of work, so that no byte of a corrupt file is ever trusted:
//  1. the identifier and the size are checked, then the whole flatbuffer is
//     verified with the flatbuffers verifier (offsets, vector lengths, string
//     terminators, nested tables, union members);
//  2. every index the format leaves unchecked is checked: tensor indices of
//     operators and of the subgraph's inputs and outputs, buffer indices,
//     opcode indices, the size of each constant buffer against its tensor's
//     shape and type, and buffers stored past the flatbuffer (models over
//     2 GB) against the file's length;
//  3. every operator is looked up before any is built, so that all the
//     unsupported ones are named in one run;
//  4. operators are built in order. Tensors keep the model's own
//     quantization (`!quant.uniform`, per tensor or per axis, exactly as
//     stored); an operator on quantized tensors is written as its float op
//     between edge.dequantize and edge.quantize with those parameters, the
//     form edge-quantize turns into one integer kernel with exactly them (as
//     it does for ONNX QDQ models). Each operator's location is the name of
//     its first output tensor, as TFLite names layers.
//
//===----------------------------------------------------------------------===//

#include "edgec/Import/TfliteImporter.h"

#include "edgec/IR/EdgeDialect.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Support/TensorAttr.h"

#include "tflite_generated.h"
#include "../ImportCommon.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

using namespace mlir;
namespace fb = edgec::tfl;

namespace edgec {
namespace {

using Shape = std::vector<int64_t>;

/// Largest tensor accepted, in elements (as for ONNX models).
constexpr int64_t kMaxElements = (int64_t(1) << 31) - 1;

/// The operator's code as TFLite defines it: the larger of the byte-wide
/// deprecated field and the 32-bit one (old files fill only the first, new
/// files write 127, PLACEHOLDER_FOR_GREATER_OP_CODES, into it).
int32_t builtinCode(const fb::OperatorCode *code) {
  return std::max<int32_t>(code->deprecated_builtin_code(), (int32_t)code->builtin_code());
}

std::string builtinName(int32_t code) {
  if (code >= (int32_t)fb::BuiltinOperator::MIN && code <= (int32_t)fb::BuiltinOperator::MAX)
    if (const char *n = fb::EnumNameBuiltinOperator((fb::BuiltinOperator)code); n && *n)
      return n;
  return "BUILTIN_" + std::to_string(code);
}

std::string typeName(fb::TensorType t) {
  const char *n = fb::EnumNameTensorType(t);
  return n && *n ? n : "type " + std::to_string((int)t);
}

class Importer;

/// What a handler sees of one operator: its inputs as values, its options,
/// and where to put its results. Errors name the operator.
struct OpContext {
  Importer &im;
  const fb::Operator *op;
  int index;            // position in the subgraph's operator list
  std::string opName;   // TFLite's name of the builtin, e.g. FULLY_CONNECTED
  std::string name;     // the first output tensor's name
  Location loc;
  OpBuilder &b;

  size_t numInputs() const { return op->inputs() ? op->inputs()->size() : 0; }
  size_t numOutputs() const { return op->outputs() ? op->outputs()->size() : 0; }
  /// Tensor index of input k, -1 when absent (optional inputs).
  int32_t inputIndex(size_t k) const { return k < numInputs() ? op->inputs()->Get(k) : -1; }
  int32_t outputIndex(size_t k) const { return op->outputs()->Get(k); }

  /// Input k as stored: integers of its quantized type, or plain values.
  FailureOr<Value> stored(size_t k, const char *what);
  /// Input k as real numbers: dequantized when quantized.
  FailureOr<Value> real(size_t k, const char *what);
  /// Gives output k the value `v` (float or quantized): reshaped to the
  /// tensor's declared shape and quantized to its type when they differ.
  LogicalResult setOutput(size_t k, Value v);
  /// `v` through a fused activation function.
  FailureOr<Value> activation(Value v, fb::ActivationFunctionType f);

  Shape shapeOf(Value v) const {
    auto s = cast<RankedTensorType>(v.getType()).getShape();
    return Shape(s.begin(), s.end());
  }
  RankedTensorType floatType(const Shape &s) { return RankedTensorType::get(s, b.getF32Type()); }
  Value reshape(Value v, const Shape &s) {
    if (shapeOf(v) == s)
      return v;
    return b.create<edge::ReshapeOp>(
        loc, RankedTensorType::get(s, getElementTypeOrSelf(v.getType())), v);
  }

  InFlightDiagnostic error();
  LogicalResult fail(const std::string &message) { return error() << message, failure(); }
  template <typename T> const T *options() const;
};

using Handler = LogicalResult (*)(OpContext &);

class Importer {
public:
  Importer(MLIRContext &ctx, const std::string &bytes, const std::string &sourceName,
           const ImportOptions &options)
      : ctx(ctx), b(&ctx), bytes(bytes), sourceName(sourceName), options(options) {}

  OwningOpRef<ModuleOp> run();

  MLIRContext &ctx;
  OpBuilder b;
  const std::string &bytes;
  std::string sourceName;
  const ImportOptions &options;
  const fb::Model *model = nullptr;
  const fb::SubGraph *graph = nullptr;
  /// Per tensor: its value once built (constants are built on first use).
  std::vector<Value> values;
  /// Per tensor: its type in the edge dialect (quantized, float or integer).
  std::vector<RankedTensorType> types;

  Location fileLoc() { return FileLineColLoc::get(&ctx, sourceName, 0, 0); }
  std::string tensorName(int32_t k) const {
    const fb::Tensor *t = graph->tensors()->Get(k);
    if (t->name() && t->name()->size())
      return t->name()->str();
    return "tensor_" + std::to_string(k);
  }
  Location tensorLoc(int32_t k) { return NameLoc::get(StringAttr::get(&ctx, tensorName(k))); }

  FailureOr<Value> tensorValue(int32_t k);

private:
  LogicalResult verifyBuffer();
  LogicalResult checkIndices();
  FailureOr<RankedTensorType> tensorType(int32_t k);
  /// The bytes of buffer `k` (empty when it has none).
  llvm::StringRef bufferBytes(uint32_t k) const;
};

//===----------------------------------------------------------------------===//
// Reading and checking the file
//===----------------------------------------------------------------------===//

LogicalResult Importer::verifyBuffer() {
  if (bytes.size() < 8) {
    emitError(fileLoc()) << "the file is too short to be a .tflite model (" << bytes.size()
                         << " bytes)";
    return failure();
  }
  if (!isTfliteBytes(bytes)) {
    std::string id = bytes.substr(4, 4);
    for (char &ch : id)
      if (ch < 32 || ch > 126)
        ch = '?';
    emitError(fileLoc()) << "not a TFLite model: the file identifier is '" << id
                         << "', not 'TFL3'";
    return failure();
  }
  // A model over 2 GB keeps its large buffers after the flatbuffer, which is
  // itself below the format's 2 GB limit: verify that prefix, and check
  // buffer offsets against the whole file later.
  size_t size = std::min<size_t>(bytes.size(), FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  // Alignment is checked: the accessors read offsets and scalars in place,
  // so a misaligned one would be undefined behaviour (the fuzzer found it).
  // The bytes are a heap copy (16-byte aligned), as a well-formed file's
  // offsets assume; constant buffers are copied out with memcpy.
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t *>(bytes.data()), size,
                                 /*max_depth=*/64, /*max_tables=*/10'000'000,
                                 /*check_alignment=*/true);
  if (!fb::VerifyModelBuffer(verifier)) {
    emitError(fileLoc()) << "the .tflite file is corrupt: its flatbuffer does not verify "
                            "(truncated, or an offset or a length points outside the file)";
    return failure();
  }
  model = fb::GetModel(bytes.data());
  if (model->version() != 3) {
    emitError(fileLoc()) << "TFLite schema version " << model->version()
                         << " is not supported (edgec reads version 3)";
    return failure();
  }
  if (!model->subgraphs() || model->subgraphs()->size() == 0) {
    emitError(fileLoc()) << "the model has no subgraph";
    return failure();
  }
  graph = model->subgraphs()->Get(0);
  if (!graph->tensors() || graph->tensors()->size() == 0) {
    emitError(fileLoc()) << "subgraph 0 has no tensors";
    return failure();
  }
  return success();
}

llvm::StringRef Importer::bufferBytes(uint32_t k) const {
  const fb::Buffer *buf = model->buffers()->Get(k);
  if (buf->offset() > 1)
    return llvm::StringRef(bytes).substr(buf->offset(), buf->size());
  if (buf->data())
    return llvm::StringRef(reinterpret_cast<const char *>(buf->data()->data()),
                           buf->data()->size());
  return {};
}

LogicalResult Importer::checkIndices() {
  const size_t numTensors = graph->tensors()->size();
  const size_t numBuffers = model->buffers() ? model->buffers()->size() : 0;
  const size_t numCodes = model->operator_codes() ? model->operator_codes()->size() : 0;
  bool ok = true;
  auto bad = [&](Location loc) {
    ok = false;
    return emitError(loc);
  };
  for (size_t k = 0; k < numBuffers; ++k) {
    const fb::Buffer *buf = model->buffers()->Get(k);
    if (buf->offset() > 1 && (buf->offset() > bytes.size() ||
                              buf->size() > bytes.size() - buf->offset()))
      bad(fileLoc()) << "buffer " << k << " lies outside the file: " << buf->size()
                     << " bytes at offset " << buf->offset() << " of a " << bytes.size()
                     << "-byte file";
  }
  for (size_t k = 0; k < numTensors; ++k) {
    const fb::Tensor *t = graph->tensors()->Get(k);
    Location loc = fileLoc();
    if (t->buffer() >= numBuffers) {
      bad(loc) << "tensor " << k << " ('" << tensorName(k) << "'): buffer index "
               << t->buffer() << " is out of range (the model has " << numBuffers
               << " buffers)";
      continue;
    }
    if (t->shape())
      for (int32_t d : *t->shape())
        if (d < 0)
          bad(loc) << "tensor " << k << " ('" << tensorName(k) << "'): dimension " << d
                   << " is negative";
  }
  auto checkTensorList = [&](const flatbuffers::Vector<int32_t> *list, Location loc,
                             const std::string &what, bool optional) {
    if (!list)
      return;
    for (size_t j = 0; j < list->size(); ++j) {
      int32_t idx = list->Get(j);
      if ((optional && idx == -1) || (idx >= 0 && (size_t)idx < numTensors))
        continue;
      bad(loc) << what << " " << j << " refers to tensor " << idx << ", out of range (subgraph 0 has "
               << numTensors << " tensors)";
    }
  };
  checkTensorList(graph->inputs(), fileLoc(), "subgraph input", false);
  checkTensorList(graph->outputs(), fileLoc(), "subgraph output", false);
  if (graph->operators())
    for (size_t k = 0; k < graph->operators()->size(); ++k) {
      const fb::Operator *op = graph->operators()->Get(k);
      std::string where = "operator " + std::to_string(k);
      if (op->opcode_index() >= numCodes)
        bad(fileLoc()) << where << ": opcode index " << op->opcode_index()
                       << " is out of range (the model has " << numCodes << " operator codes)";
      if (!op->outputs() || op->outputs()->size() == 0)
        bad(fileLoc()) << where << " has no outputs";
      checkTensorList(op->inputs(), fileLoc(), where + ": input", true);
      checkTensorList(op->outputs(), fileLoc(), where + ": output", false);
    }
  if (!graph->inputs() || !graph->outputs() || graph->outputs()->size() == 0)
    bad(fileLoc()) << "subgraph 0 declares no outputs";
  return success(ok);
}

FailureOr<RankedTensorType> Importer::tensorType(int32_t k) {
  const fb::Tensor *t = graph->tensors()->Get(k);
  auto fail = [&]() -> InFlightDiagnostic {
    return emitError(fileLoc()) << "tensor " << k << " ('" << tensorName(k) << "'): ";
  };
  if (t->sparsity())
    return fail() << "sparse tensors (TFLite's SparsityParameters) are not supported", failure();
  Shape shape;
  if (t->shape())
    shape.assign(t->shape()->begin(), t->shape()->end());
  int64_t n = 1;
  for (int64_t d : shape) {
    n *= std::max<int64_t>(d, 1);
    if (n > kMaxElements)
      return fail() << "shape " << shapeToString(shape) << " has more than 2^31 - 1 elements",
             failure();
  }
  const fb::QuantizationParameters *q = t->quantization();
  bool quantized = q && q->scale() && q->scale()->size() > 0;
  if (q && q->details_type() != fb::QuantizationDetails::NONE)
    return fail() << "custom quantization (QuantizationDetails) is not supported", failure();
  Type element;
  unsigned width = 0;
  switch (t->type()) {
  case fb::TensorType::FLOAT32: element = b.getF32Type(); quantized = false; break;
  case fb::TensorType::INT8: width = 8; break;
  case fb::TensorType::INT16: width = 16; break;
  case fb::TensorType::INT32: width = 32; break;
  case fb::TensorType::INT64: element = b.getI64Type(); quantized = false; break;
  case fb::TensorType::BOOL: element = b.getI1Type(); quantized = false; break;
  default:
    return fail() << "element type " << typeName(t->type()) << " is not supported", failure();
  }
  if (width && !quantized)
    element = b.getIntegerType(width);
  // int32 quantization is for biases; edgec's integer activations are int8
  // and int16.
  if (quantized && width == 32 && bufferBytes(t->buffer()).empty())
    return fail() << "INT32 quantized activations are not supported (edgec's integer "
                     "activations are INT8 and INT16; INT32 holds biases)", failure();
  if (quantized) {
    const auto *scales = q->scale();
    const auto *zps = q->zero_point();
    size_t count = scales->size();
    if (zps && zps->size() != count && zps->size() != 0)
      return fail() << count << " scales but " << zps->size() << " zero points", failure();
    int64_t qmin = -(int64_t(1) << (width - 1)), qmax = (int64_t(1) << (width - 1)) - 1;
    SmallVector<double> s;
    SmallVector<int64_t> z;
    for (size_t j = 0; j < count; ++j) {
      float sc = scales->Get(j);
      int64_t zp = zps && zps->size() ? zps->Get(j) : 0;
      if (!(sc > 0) || !std::isfinite(sc))
        return fail() << "quantization scale " << (std::ostringstream() << sc).str()
                      << " must be positive and finite", failure();
      if (zp < qmin || zp > qmax)
        return fail() << "zero point " << zp << " is outside the range of "
                      << typeName(t->type()), failure();
      s.push_back(sc);
      z.push_back(zp);
    }
    unsigned flags = quant::QuantizationFlags::Signed;
    Type storage = b.getIntegerType(width);
    if (count == 1) {
      element = quant::UniformQuantizedType::get(flags, storage, b.getF32Type(), s[0], z[0],
                                                 qmin, qmax);
    } else {
      int32_t axis = q->quantized_dimension();
      // The converter gives a depthwise convolution's 1-D bias the filter's
      // quantized_dimension (3); TFLite reads a 1-D tensor's scales along
      // its only axis.
      if (shape.size() == 1 && shape[0] == (int64_t)count)
        axis = 0;
      if (axis < 0 || (size_t)axis >= shape.size() || shape[axis] != (int64_t)count)
        return fail() << count << " scales do not match dimension " << axis << " of shape "
                      << shapeToString(shape), failure();
      element = quant::UniformQuantizedPerAxisType::get(flags, storage, b.getF32Type(), s, z,
                                                        axis, qmin, qmax);
    }
  }
  return RankedTensorType::get(shape, element);
}

FailureOr<Value> Importer::tensorValue(int32_t k) {
  if (values[k])
    return values[k];
  const fb::Tensor *t = graph->tensors()->Get(k);
  llvm::StringRef data = bufferBytes(t->buffer());
  if (data.empty()) {
    emitError(fileLoc()) << "tensor " << k << " ('" << tensorName(k)
                            << "') is read before any operator writes it, and it is not a "
                               "constant or a subgraph input";
    return failure();
  }
  RankedTensorType type = types[k];
  Type element = type.getElementType();
  DType dtype = dtypeOf(element);
  int64_t n = product(type.getShape().vec());
  if ((int64_t)data.size() != n * (int64_t)dtypeSize(dtype)) {
    emitError(fileLoc()) << "tensor " << k << " ('" << tensorName(k) << "'): buffer "
                            << t->buffer() << " holds " << data.size() << " bytes, but "
                            << typeName(t->type()) << " of shape "
                            << shapeToString(type.getShape().vec()) << " needs "
                            << n * (int64_t)dtypeSize(dtype);
    return failure();
  }
  Tensor value = Tensor::fromBytes(dtype, type.getShape().vec(), data.data());
  bool quantized = isa<quant::QuantizedType>(element);
  values[k] = materializeConstant(b, tensorLoc(k), value, tensorName(k),
                                  quantized ? element : Type());
  return values[k];
}

//===----------------------------------------------------------------------===//
// OpContext
//===----------------------------------------------------------------------===//

InFlightDiagnostic OpContext::error() {
  return emitError(im.fileLoc()) << "operator " << index << " (" << opName << ", '" << name << "'): ";
}

template <typename T> const T *OpContext::options() const {
  return op->builtin_options_as<T>();
}

FailureOr<Value> OpContext::stored(size_t k, const char *what) {
  int32_t idx = inputIndex(k);
  if (idx < 0)
    return error() << "input " << k << " (" << what << ") is missing", failure();
  return im.tensorValue(idx);
}

FailureOr<Value> OpContext::real(size_t k, const char *what) {
  FailureOr<Value> v = stored(k, what);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (!isa<quant::QuantizedType>(type.getElementType()))
    return v;
  return b.create<edge::DequantizeOp>(loc, floatType(shapeOf(*v)), *v).getResult();
}

LogicalResult OpContext::setOutput(size_t k, Value v) {
  int32_t idx = outputIndex(k);
  RankedTensorType want = im.types[idx];
  Type have = getElementTypeOrSelf(v.getType());
  Type wantElement = want.getElementType();
  Shape wantShape(want.getShape().begin(), want.getShape().end());
  if (product(shapeOf(v)) != product(wantShape))
    return error() << "computes " << shapeToString(shapeOf(v)) << " but output tensor '"
                   << im.tensorName(idx) << "' is declared " << shapeToString(wantShape),
           failure();
  v = reshape(v, wantShape);
  if (have != wantElement) {
    bool haveQ = isa<quant::QuantizedType>(have), wantQ = isa<quant::QuantizedType>(wantElement);
    if (wantQ && (have.isF32() || haveQ))
      v = b.create<edge::QuantizeOp>(loc, want, v);
    else if (haveQ && wantElement.isF32())
      v = b.create<edge::DequantizeOp>(loc, want, v);
    else
      return error() << "produces " << have << " where output tensor '" << im.tensorName(idx)
                     << "' holds " << wantElement, failure();
  }
  if (im.values[idx])
    return error() << "writes tensor '" << im.tensorName(idx)
                   << "', which already has a value (a constant, a subgraph input or an "
                      "earlier operator's output)", failure();
  im.values[idx] = v;
  return success();
}

FailureOr<Value> OpContext::activation(Value v, fb::ActivationFunctionType f) {
  auto clip = [&](float lo, float hi) {
    return b.create<edge::ClipOp>(loc, v.getType(), v, b.getF32FloatAttr(lo),
                                  b.getF32FloatAttr(hi)).getResult();
  };
  switch (f) {
  case fb::ActivationFunctionType::NONE: return v;
  case fb::ActivationFunctionType::RELU:
    return b.create<edge::ReluOp>(loc, v.getType(), v).getResult();
  case fb::ActivationFunctionType::RELU_N1_TO_1: return clip(-1.f, 1.f);
  case fb::ActivationFunctionType::RELU6: return clip(0.f, 6.f);
  case fb::ActivationFunctionType::TANH:
    return b.create<edge::TanhOp>(loc, v.getType(), v).getResult();
  default:
    return error() << "fused activation " << fb::EnumNameActivationFunctionType(f)
                   << " is not supported", failure();
  }
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

LogicalResult fullyConnected(OpContext &c) {
  const auto *o = c.options<fb::FullyConnectedOptions>();
  if (o && o->weights_format() != fb::FullyConnectedOptionsWeightsFormat::DEFAULT)
    return c.fail("shuffled weights (weights_format SHUFFLED4x16INT8) are not supported");
  auto x = c.real(0, "input");
  auto w = c.real(1, "weights");
  if (failed(x) || failed(w))
    return failure();
  Shape ws = c.shapeOf(*w), xs = c.shapeOf(*x);
  if (ws.size() != 2)
    return c.fail("weights must be 2-D [units, depth], not " + shapeToString(ws));
  int64_t units = ws[0], depth = ws[1], total = product(xs);
  if (depth == 0 || total % depth)
    return c.fail("input of shape " + shapeToString(xs) + " does not split into rows of " +
                  std::to_string(depth) + " (the weights' depth)");
  int64_t rows = total / depth;
  Value bias;
  if (c.inputIndex(2) >= 0) {
    auto bv = c.real(2, "bias");
    if (failed(bv))
      return failure();
    if (product(c.shapeOf(*bv)) != units)
      return c.fail("bias of shape " + shapeToString(c.shapeOf(*bv)) + " does not match " +
                    std::to_string(units) + " units");
    bias = c.reshape(*bv, {units});
  }
  Value gemm = c.b.create<edge::GemmOp>(
      c.loc, c.floatType({rows, units}), c.reshape(*x, {rows, depth}), *w, bias,
      c.b.getF32FloatAttr(1.f), c.b.getF32FloatAttr(1.f), c.b.getBoolAttr(false),
      c.b.getBoolAttr(true), FloatAttr(), FloatAttr());
  auto y = c.activation(gemm, o ? o->fused_activation_function()
                                : fb::ActivationFunctionType::NONE);
  if (failed(y))
    return failure();
  return c.setOutput(0, *y);
}

LogicalResult quantizeOp(OpContext &c) {
  auto x = c.stored(0, "input");
  if (failed(x))
    return failure();
  Type have = getElementTypeOrSelf(x->getType());
  if (!have.isF32() && !isa<quant::QuantizedType>(have))
    return c.error() << "input of type " << have << " is neither float nor quantized",
           failure();
  if (!isa<quant::QuantizedType>(c.im.types[c.outputIndex(0)].getElementType()))
    return c.fail("output tensor has no quantization parameters");
  return c.setOutput(0, *x);
}

LogicalResult dequantizeOp(OpContext &c) {
  auto x = c.stored(0, "input");
  if (failed(x))
    return failure();
  if (!isa<quant::QuantizedType>(getElementTypeOrSelf(x->getType())))
    return c.fail("input has no quantization parameters (float16 weights are not supported)");
  if (!c.im.types[c.outputIndex(0)].getElementType().isF32())
    return c.fail("output must be FLOAT32");
  return c.setOutput(0, *x);
}

LogicalResult reshapeOp(OpContext &c) {
  // The output tensor's shape is the result (static shapes only); the
  // optional shape input and new_shape option restate it.
  auto x = c.stored(0, "input");
  if (failed(x))
    return failure();
  return c.setOutput(0, *x);
}

struct OpEntry {
  fb::BuiltinOperator code;
  Handler handler;
};

const std::vector<OpEntry> &opTable() {
  static const std::vector<OpEntry> table = {
      {fb::BuiltinOperator::FULLY_CONNECTED, fullyConnected},
      {fb::BuiltinOperator::QUANTIZE, quantizeOp},
      {fb::BuiltinOperator::DEQUANTIZE, dequantizeOp},
      {fb::BuiltinOperator::RESHAPE, reshapeOp},
  };
  return table;
}

Handler findHandler(int32_t code) {
  for (const OpEntry &e : opTable())
    if ((int32_t)e.code == code)
      return e.handler;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Importer::run() {
  if (failed(verifyBuffer()) || failed(checkIndices()))
    return nullptr;
  if (!options.bindings.empty() || !options.inputShapes.empty()) {
    emitError(fileLoc()) << "--bind and --input-shape apply to ONNX models; a .tflite model's "
                            "shapes are static";
    return nullptr;
  }
  // Every unsupported operator, in one run (before the tensors' types: an
  // unsupported operator's tensors are often what edgec cannot type).
  size_t numOps = graph->operators() ? graph->operators()->size() : 0;
  size_t unsupported = 0;
  for (size_t k = 0; k < numOps; ++k) {
    const fb::Operator *op = graph->operators()->Get(k);
    const fb::OperatorCode *code = model->operator_codes()->Get(op->opcode_index());
    int32_t builtin = builtinCode(code);
    if (builtin == (int32_t)fb::BuiltinOperator::CUSTOM) {
      std::string custom = code->custom_code() ? code->custom_code()->str() : "";
      emitError(fileLoc())
          << "operator " << k << " (custom op '" << custom << "', output '"
          << tensorName(op->outputs()->Get(0)) << "'): custom operators are not supported";
      ++unsupported;
    } else if (!findHandler(builtin)) {
      emitError(fileLoc())
          << "operator " << k << " (" << builtinName(builtin) << ", output '"
          << tensorName(op->outputs()->Get(0)) << "'): not supported by edgec's .tflite importer";
      ++unsupported;
    }
  }
  if (unsupported) {
    emitError(fileLoc()) << unsupported << " operator(s) cannot be imported (listed above)";
    return nullptr;
  }

  const size_t numTensors = graph->tensors()->size();
  types.resize(numTensors);
  values.resize(numTensors);
  bool ok = true;
  for (size_t k = 0; k < numTensors; ++k) {
    FailureOr<RankedTensorType> t = tensorType(k);
    if (failed(t))
      ok = false;
    else
      types[k] = *t;
  }
  if (!ok)
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  (*module)->setAttr("edge.source", b.getStringAttr(llvm::sys::path::filename(sourceName)));
  (*module)->setAttr("edge.format", b.getStringAttr("tflite"));
  if (model->description() && model->description()->size())
    (*module)->setAttr("edge.producer", b.getStringAttr(model->description()->str()));

  // Signature: a quantized input is a float argument quantized with the
  // model's parameters, which edge-quantize folds into an integer argument
  // with exactly those parameters (as for a QDQ model's first QuantizeLinear).
  SmallVector<Type> argTypes;
  for (int32_t idx : *graph->inputs()) {
    RankedTensorType t = types[idx];
    argTypes.push_back(isa<quant::QuantizedType>(t.getElementType())
                           ? RankedTensorType::get(t.getShape(), b.getF32Type())
                           : t);
  }
  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(fileLoc(), "main", b.getFunctionType(argTypes, {}));
  Block *block = func.addEntryBlock();
  b.setInsertionPointToEnd(block);
  for (auto [k, idx] : llvm::enumerate(*graph->inputs())) {
    if (values[idx]) {
      emitError(fileLoc()) << "tensor " << idx << " ('" << tensorName(idx)
                           << "') is listed twice among the subgraph's inputs";
      return nullptr;
    }
    func.setArgAttr(k, "edge.name", b.getStringAttr(tensorName(idx)));
    Value arg = block->getArgument(k);
    if (arg.getType() != types[idx])
      arg = b.create<edge::QuantizeOp>(tensorLoc(idx), types[idx], arg);
    values[idx] = arg;
  }

  for (size_t k = 0; k < numOps; ++k) {
    const fb::Operator *op = graph->operators()->Get(k);
    int32_t builtin = builtinCode(model->operator_codes()->Get(op->opcode_index()));
    int32_t first = op->outputs()->Get(0);
    OpContext c{*this, op, (int)k, builtinName(builtin), tensorName(first), tensorLoc(first), b};
    b.setInsertionPointToEnd(block);
    if (failed(findHandler(builtin)(c)))
      return nullptr;
    for (size_t j = 0; j < c.numOutputs(); ++j)
      if (!values[c.outputIndex(j)]) {
        c.error() << "output " << j << " ('" << tensorName(c.outputIndex(j))
                  << "') is not supported";
        return nullptr;
      }
  }

  b.setInsertionPointToEnd(block);
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (int32_t idx : *graph->outputs()) {
    FailureOr<Value> v = tensorValue(idx);
    if (failed(v))
      return nullptr;
    Value r = *v;
    // A quantized output is returned as real numbers from its integers;
    // edge-quantize makes the result itself integer with these parameters.
    if (isa<quant::QuantizedType>(types[idx].getElementType()))
      r = b.create<edge::DequantizeOp>(
          tensorLoc(idx), RankedTensorType::get(types[idx].getShape(), b.getF32Type()), r);
    results.push_back(r);
    resultTypes.push_back(r.getType());
  }
  b.create<func::ReturnOp>(fileLoc(), results);
  func.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [k, idx] : llvm::enumerate(*graph->outputs()))
    func.setResultAttr(k, "edge.name", b.getStringAttr(tensorName(idx)));

  if (failed(finishImport(*module, *block, fileLoc())))
    return nullptr;
  return module;
}

} // namespace

bool isTfliteBytes(llvm::StringRef bytes) {
  return bytes.size() >= 8 && bytes.substr(4, 4) == "TFL3";
}

OwningOpRef<ModuleOp> importTfliteBytes(MLIRContext &ctx, const std::string &bytes,
                                        const std::string &sourceName,
                                        const ImportOptions &options) {
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect, quant::QuantizationDialect>();
  Importer importer(ctx, bytes, sourceName, options);
  return importer.run();
}

std::vector<std::string> supportedTfliteOps() {
  std::vector<std::string> out;
  for (const OpEntry &e : opTable())
    out.push_back(builtinName((int32_t)e.code));
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace edgec
