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
#include "mlir/IR/Verifier.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace mlir;
namespace fb = edgec::tfl;

namespace edgec {
namespace {

using Shape = std::vector<int64_t>;

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

/// Element j of an int64 vector. The flatbuffers verifier aligns a vector's
/// length field to 4 bytes only, so in a hostile file its 8-byte elements may
/// sit misaligned: copied out, never loaded through an int64_t pointer.
int64_t int64At(const flatbuffers::Vector<int64_t> *v, size_t j) {
  int64_t x;
  std::memcpy(&x, v->Data() + sizeof(int64_t) * j, sizeof x);
  return flatbuffers::EndianScalar(x);
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
  /// Input k as compile-time integers (an INT32 / INT64 constant: paddings,
  /// slice bounds).
  FailureOr<std::vector<int64_t>> constantInts(size_t k, const char *what);
  /// Optional input k, a bias of `count` values (`what` names them in the
  /// error): as real numbers of shape [count], or a null value when absent.
  FailureOr<Value> bias(size_t k, int64_t count, const char *what);
  /// Refuses a quantized input k of other than 8 bits (float passes): for
  /// ops whose TFLite int16 arithmetic edgec does not follow yet.
  LogicalResult quantizedInt8Only(size_t k);
  /// The shape of input k, a 4-D non-empty filter, as stored.
  FailureOr<Shape> filterShape(size_t k);
  /// Checks that a data movement writes the type it reads: TFLite copies
  /// the stored integers, whatever the output's parameters say.
  LogicalResult movesIntegers(Value x);
  /// Takes input k, a variable tensor, as a layer's own state (`role` names
  /// it): refused when it is not variable or another layer (`sharer` in the
  /// message) took it already.
  LogicalResult takeState(size_t k, const char *role, const char *sharer);
  /// Gives output k the value `v` (float or quantized): reshaped to the
  /// tensor's declared shape and quantized to its type when they differ.
  LogicalResult setOutput(size_t k, Value v);
  /// `v` through a fused activation function.
  FailureOr<Value> activation(Value v, fb::ActivationFunctionType f);

  // TFLite lays activations out NHWC; edgec's conv2d and pooling are NCHW.
  // A layer reads its NHWC input through a transpose to NCHW and writes its
  // NCHW result through a transpose back, both on the stored (quantized)
  // integers: between two layers the pair cancels (edge-collapse-reshapes),
  // so only a boundary of the layout keeps a run-time copy.
  /// Input k (4-D NHWC) as real numbers in NCHW.
  FailureOr<Value> realNchw(size_t k, const char *what);
  /// Gives output k (4-D NHWC) the NCHW real value `v`: quantized to the
  /// output's type in NCHW, then transposed.
  LogicalResult setOutputFromNchw(size_t k, Value v);
  /// Constant input k with its dimensions permuted at compile time (dimension
  /// j of the result is dimension perm[j] of the stored tensor; a per-axis
  /// quantized axis moves with it), as real numbers. Result axes listed in
  /// `reversed` run backwards.
  FailureOr<Value> constantPermuted(size_t k, const char *what, const Shape &perm,
                                    const Shape &reversed = {});

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

  /// `numerics = tflite`, for ops whose integer kernels round as TFLite's.
  edge::NumericsAttr tfliteNumerics() {
    return edge::NumericsAttr::get(b.getContext(), edge::Numerics::Tflite);
  }

  /// QUANTIZE or DEQUANTIZE: the only operators with int32 activations.
  bool rescalesOnly() const;

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
  /// The variable tensors an SVDF has taken as its state.
  std::set<int32_t> stateTensors;

  Location fileLoc() { return FileLineColLoc::get(&ctx, sourceName, 0, 0); }
  std::string tensorName(int32_t k) const {
    const fb::Tensor *t = graph->tensors()->Get(k);
    if (t->name() && t->name()->size())
      return t->name()->str();
    return "tensor_" + std::to_string(k);
  }
  Location tensorLoc(int32_t k) { return NameLoc::get(StringAttr::get(&ctx, tensorName(k))); }

  FailureOr<Value> tensorValue(int32_t k);
  /// The value of constant tensor `k`, checked against its type.
  FailureOr<Tensor> constantData(int32_t k);
  /// The bytes of buffer `k` (empty when it has none).
  llvm::StringRef bufferBytes(uint32_t k) const;

private:
  LogicalResult verifyBuffer();
  LogicalResult checkIndices();
  FailureOr<RankedTensorType> tensorType(int32_t k);
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
  if (checkedElementCount(shape) < 0)
    return fail() << "shape " << shapeToString(shape) << " has more than 2^31 - 1 elements",
           failure();
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
  case fb::TensorType::INT64: width = 64; break;
  case fb::TensorType::BOOL: element = b.getI1Type(); quantized = false; break;
  case fb::TensorType::UINT8: case fb::TensorType::UINT16: case fb::TensorType::UINT32:
  case fb::TensorType::UINT64: {
    // Plain unsigned integers (the audio front end's energies); TFLite's
    // asymmetric uint8 quantization is the old converter's, not TFLM's.
    if (quantized)
      return fail() << "quantized " << typeName(t->type())
                    << " is not supported (int8 and int16 quantization are)", failure();
    unsigned bits = t->type() == fb::TensorType::UINT8    ? 8
                    : t->type() == fb::TensorType::UINT16 ? 16
                    : t->type() == fb::TensorType::UINT32 ? 32
                                                          : 64;
    element = b.getIntegerType(bits, /*isSigned=*/false);
    break;
  }
  default:
    return fail() << "element type " << typeName(t->type()) << " is not supported", failure();
  }
  if (width && !quantized)
    element = b.getIntegerType(width);
  // int64 quantization is for biases (16x8 layers); int32 also quantizes
  // what a QUANTIZE rescales from or to (the keyword models' int32 output).
  if (quantized && width == 64 && bufferBytes(t->buffer()).empty())
    return fail() << "INT64 quantized activations are not supported (INT64 holds "
                     "biases)", failure();
  if (quantized) {
    const auto *scales = q->scale();
    const auto *zps = q->zero_point();
    size_t count = scales->size();
    if (zps && zps->size() != count && zps->size() != 0)
      return fail() << count << " scales but " << zps->size() << " zero points", failure();
    int64_t qmax = width == 64 ? std::numeric_limits<int64_t>::max()
                               : (int64_t(1) << (width - 1)) - 1;
    int64_t qmin = -qmax - 1;
    SmallVector<double> s;
    SmallVector<int64_t> z;
    for (size_t j = 0; j < count; ++j) {
      float sc = scales->Get(j);
      int64_t zp = zps && zps->size() ? int64At(zps, j) : 0;
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

FailureOr<Tensor> Importer::constantData(int32_t k) {
  const fb::Tensor *t = graph->tensors()->Get(k);
  llvm::StringRef data = bufferBytes(t->buffer());
  RankedTensorType type = types[k];
  DType dtype = dtypeOf(type.getElementType());
  int64_t n = product(type.getShape().vec());
  if ((int64_t)data.size() != n * (int64_t)dtypeSize(dtype)) {
    emitError(fileLoc()) << "tensor " << k << " ('" << tensorName(k) << "'): buffer "
                            << t->buffer() << " holds " << data.size() << " bytes, but "
                            << typeName(t->type()) << " of shape "
                            << shapeToString(type.getShape().vec()) << " needs "
                            << n * (int64_t)dtypeSize(dtype);
    return failure();
  }
  return Tensor::fromBytes(dtype, type.getShape().vec(), data.data());
}

FailureOr<Value> Importer::tensorValue(int32_t k) {
  if (values[k])
    return values[k];
  const fb::Tensor *t = graph->tensors()->Get(k);
  if (bufferBytes(t->buffer()).empty()) {
    emitError(fileLoc()) << "tensor " << k << " ('" << tensorName(k)
                            << "') is read before any operator writes it, and it is not a "
                               "constant or a subgraph input";
    return failure();
  }
  FailureOr<Tensor> value = constantData(k);
  if (failed(value))
    return failure();
  Type element = types[k].getElementType();
  bool quantized = isa<quant::QuantizedType>(element);
  values[k] = materializeConstant(b, tensorLoc(k), *value, tensorName(k),
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

/// An int32-quantized activation: only QUANTIZE and DEQUANTIZE rescale
/// from or to one (edgec computes on int8 and int16).
bool isInt32Activation(Importer &im, int32_t idx) {
  auto q = dyn_cast<quant::QuantizedType>(im.types[idx].getElementType());
  return q && q.getStorageTypeIntegralWidth() == 32 &&
         im.bufferBytes(im.graph->tensors()->Get(idx)->buffer()).empty();
}

bool OpContext::rescalesOnly() const {
  return opName == "QUANTIZE" || opName == "DEQUANTIZE";
}

FailureOr<Value> OpContext::stored(size_t k, const char *what) {
  int32_t idx = inputIndex(k);
  if (idx < 0)
    return error() << "input " << k << " (" << what << ") is missing", failure();
  if (!rescalesOnly() && isInt32Activation(im, idx))
    return error() << "input " << k << " (" << what << ", '" << im.tensorName(idx)
                   << "') is an INT32 quantized activation; only QUANTIZE and DEQUANTIZE "
                      "read or write those",
           failure();
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

FailureOr<std::vector<int64_t>> OpContext::constantInts(size_t k, const char *what) {
  int32_t idx = inputIndex(k);
  if (idx < 0)
    return error() << "input " << k << " (" << what << ") is missing", failure();
  Type element = im.types[idx].getElementType();
  if (im.bufferBytes(im.graph->tensors()->Get(idx)->buffer()).empty() ||
      !element.isSignlessInteger() || element.getIntOrFloatBitWidth() < 32)
    return error() << "input " << k << " (" << what << ", '" << im.tensorName(idx)
                   << "') must be a constant INT32 or INT64 tensor", failure();
  FailureOr<Tensor> t = im.constantData(idx);
  if (failed(t))
    return failure();
  return t->i;
}

FailureOr<Value> OpContext::bias(size_t k, int64_t count, const char *what) {
  if (inputIndex(k) < 0)
    return Value();
  auto v = real(k, "bias");
  if (failed(v))
    return failure();
  if (product(shapeOf(*v)) != count)
    return error() << "bias of shape " << shapeToString(shapeOf(*v)) << " does not match "
                   << count << " " << what, failure();
  return reshape(*v, {count});
}

LogicalResult OpContext::quantizedInt8Only(size_t k) {
  int32_t idx = inputIndex(k);
  auto q = idx < 0 ? nullptr : dyn_cast<quant::QuantizedType>(im.types[idx].getElementType());
  if (q && q.getStorageTypeIntegralWidth() != 8)
    return error() << "an int" << q.getStorageTypeIntegralWidth()
                   << " input is not supported (only int8)",
           failure();
  return success();
}

FailureOr<Shape> OpContext::filterShape(size_t k) {
  int32_t idx = inputIndex(k);
  if (idx < 0)
    return error() << "input " << k << " (filter) is missing", failure();
  auto s = im.types[idx].getShape();
  Shape fs(s.begin(), s.end());
  if (fs.size() != 4 || product(fs) == 0)
    return error() << "the filter must be 4-D and non-empty, not " << shapeToString(fs),
           failure();
  return fs;
}

LogicalResult OpContext::movesIntegers(Value x) {
  Type in = getElementTypeOrSelf(x.getType());
  Type out = im.types[outputIndex(0)].getElementType();
  if (in != out)
    return error() << "reads " << in << " but writes " << out
                   << "; TFLite copies the integers, so both must be quantized alike",
           failure();
  return success();
}

LogicalResult OpContext::takeState(size_t k, const char *role, const char *sharer) {
  int32_t idx = inputIndex(k);
  if (!im.graph->tensors()->Get(idx)->is_variable())
    return error() << "input " << k << " ('" << im.tensorName(idx)
                   << "') must be a variable tensor: it is the layer's " << role,
           failure();
  if (!im.stateTensors.insert(idx).second)
    return error() << "the state tensor '" << im.tensorName(idx) << "' is shared with another "
                   << sharer << "; each layer needs its own",
           failure();
  return success();
}

LogicalResult OpContext::setOutput(size_t k, Value v) {
  int32_t idx = outputIndex(k);
  RankedTensorType want = im.types[idx];
  if (!rescalesOnly() && isInt32Activation(im, idx))
    return error() << "output tensor '" << im.tensorName(idx)
                   << "' is an INT32 quantized activation; only QUANTIZE and DEQUANTIZE read "
                      "or write those",
           failure();
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

const Shape kToNchw = {0, 3, 1, 2}, kToNhwc = {0, 2, 3, 1};

/// `t` with `perm` applied to its shape and, when per-axis quantized, to
/// its axis.
RankedTensorType permutedType(RankedTensorType t, const Shape &perm) {
  Shape shape;
  for (int64_t a : perm)
    shape.push_back(t.getDimSize(a));
  Type element = t.getElementType();
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    int32_t axis = (int32_t)(std::find(perm.begin(), perm.end(), pa.getQuantizedDimension()) -
                             perm.begin());
    element = quant::UniformQuantizedPerAxisType::get(
        pa.getFlags(), pa.getStorageType(), pa.getExpressedType(), pa.getScales(),
        pa.getZeroPoints(), axis, pa.getStorageTypeMin(), pa.getStorageTypeMax());
  }
  return RankedTensorType::get(shape, element);
}

FailureOr<Value> OpContext::realNchw(size_t k, const char *what) {
  FailureOr<Value> v = stored(k, what);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (type.getRank() != 4)
    return error() << "input " << k << " (" << what << ") must be 4-D NHWC, not "
                   << shapeToString(shapeOf(*v)), failure();
  if (isa<quant::UniformQuantizedPerAxisType>(type.getElementType()))
    return error() << "input " << k << " (" << what
                   << ") is quantized per channel; edgec's activations are quantized per tensor",
           failure();
  Value t = b.create<edge::TransposeOp>(loc, permutedType(type, kToNchw), *v,
                                        b.getDenseI64ArrayAttr(kToNchw));
  if (!isa<quant::QuantizedType>(type.getElementType()))
    return t;
  return b.create<edge::DequantizeOp>(loc, floatType(shapeOf(t)), t).getResult();
}

LogicalResult OpContext::setOutputFromNchw(size_t k, Value v) {
  RankedTensorType want = im.types[outputIndex(k)];
  if (want.getRank() != 4)
    return error() << "output tensor '" << im.tensorName(outputIndex(k))
                   << "' must be 4-D NHWC, not " << shapeToString(want.getShape().vec()),
           failure();
  if (isa<quant::UniformQuantizedPerAxisType>(want.getElementType()))
    return fail("the output is quantized per channel; edgec's activations are quantized per "
                "tensor");
  RankedTensorType nchw = permutedType(want, kToNchw);
  if (shapeOf(v) != Shape(nchw.getShape().begin(), nchw.getShape().end()))
    return error() << "computes NHWC " << shapeToString(permutedType(
                                               cast<RankedTensorType>(v.getType()), kToNhwc)
                                               .getShape()
                                               .vec())
                   << " but output tensor '" << im.tensorName(outputIndex(k))
                   << "' is declared " << shapeToString(want.getShape().vec()),
           failure();
  if (getElementTypeOrSelf(v.getType()) != nchw.getElementType())
    v = b.create<edge::QuantizeOp>(loc, nchw, v);
  v = b.create<edge::TransposeOp>(loc, want, v, b.getDenseI64ArrayAttr(kToNhwc));
  return setOutput(k, v);
}

FailureOr<Value> OpContext::constantPermuted(size_t k, const char *what, const Shape &perm,
                                             const Shape &reversed) {
  int32_t idx = inputIndex(k);
  if (idx < 0)
    return error() << "input " << k << " (" << what << ") is missing", failure();
  const fb::Tensor *t = im.graph->tensors()->Get(idx);
  if (im.bufferBytes(t->buffer()).empty())
    return error() << "input " << k << " (" << what << ", '" << im.tensorName(idx)
                   << "') must be a constant", failure();
  RankedTensorType type = im.types[idx];
  if (type.getRank() != (int64_t)perm.size())
    return error() << "input " << k << " (" << what << ") must be " << perm.size()
                   << "-D, not " << shapeToString(type.getShape().vec()), failure();
  FailureOr<Tensor> data = im.constantData(idx);
  if (failed(data))
    return failure();
  RankedTensorType permuted = permutedType(type, perm);
  bool quantized = isa<quant::QuantizedType>(permuted.getElementType());
  Value c = materializeConstant(b, im.tensorLoc(idx), transposed(*data, perm, reversed),
                                im.tensorName(idx), quantized ? permuted.getElementType() : Type());
  if (!quantized)
    return c;
  return b.create<edge::DequantizeOp>(loc, floatType(permuted.getShape().vec()), c).getResult();
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

/// A FULLY_CONNECTED layer that flattens an NHWC activation per batch row
/// (micro_speech's depthwise output) reads the NCHW tensor the layout
/// transpose came from, with the constant weights' columns permuted to that
/// order at compile time, so no transposing copy runs. Fails (without a
/// diagnostic) where that does not apply.
LogicalResult flattenedNhwcInput(OpContext &c, FailureOr<Value> &x, FailureOr<Value> &w) {
  int32_t wIdx = c.inputIndex(1), xIdx = c.inputIndex(0);
  if (wIdx < 0 || xIdx < 0 || !c.im.values[xIdx] || c.im.types[wIdx].getRank() != 2 ||
      c.im.bufferBytes(c.im.graph->tensors()->Get(wIdx)->buffer()).empty())
    return failure();
  auto t = c.im.values[xIdx].getDefiningOp<edge::TransposeOp>();
  if (!t || t.getPerm() != ArrayRef<int64_t>(kToNhwc))
    return failure();
  Shape in = c.shapeOf(t.getInput()); // N, C, H, W
  RankedTensorType wType = c.im.types[wIdx];
  int64_t units = wType.getDimSize(0), depth = wType.getDimSize(1);
  if (in[1] * in[2] * in[3] != depth)
    return failure();
  auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(wType.getElementType());
  if (pa && pa.getQuantizedDimension() != 0)
    return failure();
  FailureOr<Tensor> data = c.im.constantData(wIdx);
  if (failed(data))
    return failure();
  // Column (h, w, ch) of the weights moves to (ch, h, w).
  data->shape = {units, in[2], in[3], in[1]};
  Tensor permuted = transposed(*data, {0, 3, 1, 2});
  permuted.shape = {units, depth};
  Type element = wType.getElementType();
  bool quantized = isa<quant::QuantizedType>(element);
  Value wc = materializeConstant(c.b, c.im.tensorLoc(wIdx), permuted, c.im.tensorName(wIdx),
                                 quantized ? element : Type());
  w = quantized ? c.b.create<edge::DequantizeOp>(c.loc, c.floatType({units, depth}), wc)
                      .getResult()
                : wc;
  Value src = t.getInput();
  x = isa<quant::QuantizedType>(getElementTypeOrSelf(src.getType()))
          ? c.b.create<edge::DequantizeOp>(c.loc, c.floatType(in), src).getResult()
          : src;
  return success();
}

LogicalResult fullyConnected(OpContext &c) {
  const auto *o = c.options<fb::FullyConnectedOptions>();
  if (o && o->weights_format() != fb::FullyConnectedOptionsWeightsFormat::DEFAULT)
    return c.fail("shuffled weights (weights_format SHUFFLED4x16INT8) are not supported");
  FailureOr<Value> x, w;
  bool flattened = succeeded(flattenedNhwcInput(c, x, w));
  if (!flattened) {
    x = c.stored(0, "input");
    w = c.real(1, "weights");
  }
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
  FailureOr<Value> bias = c.bias(2, units, "units");
  if (failed(bias))
    return failure();
  // The rows of an input of another rank (keep_num_dims, a [1, T, depth]
  // sequence) are the stored integers reshaped, so the quantizer sees the
  // int8 layer as dequantize -> gemm -> quantize and keeps it in integers.
  Value rowsIn = c.reshape(*x, {rows, depth});
  if (!flattened && isa<quant::QuantizedType>(getElementTypeOrSelf(rowsIn.getType())))
    rowsIn = c.b.create<edge::DequantizeOp>(c.loc, c.floatType({rows, depth}), rowsIn);
  Value gemm = c.b.create<edge::GemmOp>(
      c.loc, c.floatType({rows, units}), rowsIn, *w, *bias, c.b.getF32FloatAttr(1.f),
      c.b.getF32FloatAttr(1.f), c.b.getBoolAttr(false), c.b.getBoolAttr(true), FloatAttr(),
      FloatAttr(), c.tfliteNumerics());
  auto y = c.activation(gemm, o ? o->fused_activation_function()
                                : fb::ActivationFunctionType::NONE);
  if (failed(y))
    return failure();
  // Likewise the result: quantized in rows, then reshaped as integers.
  Type outElement = c.im.types[c.outputIndex(0)].getElementType();
  if (isa<quant::QuantizedType>(outElement))
    return c.setOutput(0, c.b.create<edge::QuantizeOp>(
                              c.loc, RankedTensorType::get({rows, units}, outElement), *y));
  return c.setOutput(0, *y);
}

/// One spatial axis of a TFLite window: the output size and the padding
/// before and after, as TFLite computes them for SAME and VALID (SAME puts
/// the odd padding element after).
struct Window {
  int64_t out, before, after;
};

Window tfliteWindow(fb::Padding padding, int64_t in, int64_t kernel, int64_t stride,
                    int64_t dilation) {
  int64_t effective = (kernel - 1) * dilation + 1;
  int64_t out = padding == fb::Padding::SAME ? (in + stride - 1) / stride
                                             : (in - effective + stride) / stride;
  int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
  return {out, total / 2, total - total / 2};
}

/// Checks a window's strides and dilations; the message names the bad one.
LogicalResult checkWindow(OpContext &c, int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  if (sh < 1 || sw < 1)
    return c.error() << "strides " << sh << "x" << sw << " must be at least 1", failure();
  if (dh < 1 || dw < 1)
    return c.error() << "dilations " << dh << "x" << dw << " must be at least 1", failure();
  return success();
}

/// CONV_2D (filter OHWI) and DEPTHWISE_CONV_2D (filter 1HWC): edge.conv2d on
/// NCHW data, the filter re-laid out to OIHW at compile time.
LogicalResult convolution(OpContext &c, bool depthwise) {
  fb::Padding padding;
  int64_t sh, sw, dh, dw, multiplier = 0;
  fb::ActivationFunctionType act;
  if (depthwise) {
    const auto *o = c.options<fb::DepthwiseConv2DOptions>();
    if (!o)
      return c.fail("DepthwiseConv2DOptions are missing");
    padding = o->padding(), sh = o->stride_h(), sw = o->stride_w();
    dh = o->dilation_h_factor(), dw = o->dilation_w_factor();
    act = o->fused_activation_function(), multiplier = o->depth_multiplier();
  } else {
    const auto *o = c.options<fb::Conv2DOptions>();
    if (!o)
      return c.fail("Conv2DOptions are missing");
    padding = o->padding(), sh = o->stride_h(), sw = o->stride_w();
    dh = o->dilation_h_factor(), dw = o->dilation_w_factor();
    act = o->fused_activation_function();
  }
  if (failed(checkWindow(c, sh, sw, dh, dw)))
    return failure();
  auto x = c.realNchw(0, "input");
  if (failed(x))
    return failure();
  Shape xs = c.shapeOf(*x); // N, C, H, W
  FailureOr<Shape> filter = c.filterShape(1);
  if (failed(filter))
    return failure();
  const Shape &fs = *filter;
  int64_t channels = xs[1], outChannels, group;
  FailureOr<Value> w;
  if (depthwise) {
    // [1, kH, kW, C * multiplier] -> [C * multiplier, 1, kH, kW], group C.
    outChannels = fs[3];
    if (fs[0] != 1 || channels == 0 || outChannels % channels)
      return c.error() << "filter " << shapeToString(fs) << " does not fit a depthwise "
                       << "convolution of " << channels << " input channels", failure();
    if (multiplier && multiplier * channels != outChannels)
      return c.error() << "depth_multiplier " << multiplier << " does not match "
                       << outChannels << " output channels for " << channels << " inputs",
             failure();
    group = channels;
    w = c.constantPermuted(1, "filter", {3, 0, 1, 2});
  } else {
    // [O, kH, kW, I] -> [O, I, kH, kW]; I < C makes a grouped convolution.
    outChannels = fs[0];
    if (channels == 0 || channels % fs[3] || outChannels % (channels / fs[3]))
      return c.error() << "filter " << shapeToString(fs) << " does not fit " << channels
                       << " input channels", failure();
    group = channels / fs[3];
    w = c.constantPermuted(1, "filter", {0, 3, 1, 2});
  }
  if (failed(w))
    return failure();
  FailureOr<Value> bias = c.bias(2, outChannels, "output channels");
  if (failed(bias))
    return failure();
  Window h = tfliteWindow(padding, xs[2], fs[1], sh, dh);
  Window ww = tfliteWindow(padding, xs[3], fs[2], sw, dw);
  if (h.out < 1 || ww.out < 1)
    return c.error() << "a " << fs[1] << "x" << fs[2] << " window does not fit the "
                     << xs[2] << "x" << xs[3] << " input", failure();
  Value y = c.b.create<edge::Conv2DOp>(
      c.loc, c.floatType({xs[0], outChannels, h.out, ww.out}), *x, *w, *bias,
      c.b.getDenseI64ArrayAttr({sh, sw}),
      c.b.getDenseI64ArrayAttr({h.before, ww.before, h.after, ww.after}),
      c.b.getDenseI64ArrayAttr({dh, dw}), c.b.getI64IntegerAttr(group), FloatAttr(),
      FloatAttr(), DenseI64ArrayAttr(), c.tfliteNumerics());
  auto out = c.activation(y, act);
  if (failed(out))
    return failure();
  return c.setOutputFromNchw(0, *out);
}

/// TRANSPOSE_CONV: each input element scatters the filter times itself into
/// the output at (input position * stride - padding), the padding as for a
/// convolution from the output's size. That is an edge.conv2d over the input
/// spread by the stride (`input_dilations`, zeros never stored) with the
/// filter flipped in space, padded by kernel - 1 - padding before: the same
/// products summed exactly, so the same integers. The output's size is the
/// declared output tensor's; input 0 (output_shape) restates it.
LogicalResult transposeConv(OpContext &c) {
  const auto *o = c.options<fb::TransposeConvOptions>();
  if (!o)
    return c.fail("TransposeConvOptions are missing");
  int64_t sh = o->stride_h(), sw = o->stride_w();
  if (failed(checkWindow(c, sh, sw, 1, 1)))
    return failure();
  auto x = c.realNchw(2, "input");
  if (failed(x))
    return failure();
  Shape xs = c.shapeOf(*x); // N, C, H, W
  FailureOr<Shape> filter = c.filterShape(1);
  if (failed(filter))
    return failure();
  const Shape &fs = *filter; // O, kH, kW, I
  if (fs[3] != xs[1])
    return c.error() << "filter " << shapeToString(fs) << " does not fit " << xs[1]
                     << " input channels", failure();
  auto ysRef = c.im.types[c.outputIndex(0)].getShape();
  Shape ys(ysRef.begin(), ysRef.end()); // N, H, W, C
  if (ys.size() != 4 || ys[0] != xs[0] || ys[3] != fs[0])
    return c.error() << "output tensor of shape " << shapeToString(ys) << " does not fit "
                     << xs[0] << " batches of " << fs[0] << " channels", failure();
  // A constant output_shape must say the same; a run-time one is not read.
  if (int32_t idx = c.inputIndex(0);
      idx >= 0 && !c.im.bufferBytes(c.im.graph->tensors()->Get(idx)->buffer()).empty()) {
    auto shape = c.constantInts(0, "output_shape");
    if (failed(shape))
      return failure();
    if (*shape != ys)
      return c.error() << "output_shape " << shapeToString(*shape)
                       << " differs from the output tensor's " << shapeToString(ys),
             failure();
  }
  // Per spatial axis: conv padding before and after over the spread input.
  int64_t strides[2] = {sh, sw}, pads[4];
  for (int i = 0; i < 2; ++i) {
    int64_t in = xs[2 + i], k = fs[1 + i], out = ys[1 + i];
    int64_t pad = tfliteWindow(o->padding(), out, k, strides[i], 1).before;
    int64_t before = k - 1 - pad, after = out + k - 2 - (in - 1) * strides[i] - before;
    if (before < 0 || after < 0)
      return c.error() << "an output of " << out << " along " << (i ? "W" : "H") << " from "
                       << in << " inputs (kernel " << k << ", stride " << strides[i]
                       << ") crops the scattered result; not supported", failure();
    pads[i] = before;
    pads[i + 2] = after;
  }
  // [O, kH, kW, I] -> [O, I, kH, kW], kH and kW backwards.
  auto w = c.constantPermuted(1, "filter", {0, 3, 1, 2}, {2, 3});
  if (failed(w))
    return failure();
  FailureOr<Value> bias = c.bias(3, fs[0], "output channels");
  if (failed(bias))
    return failure();
  DenseI64ArrayAttr spread;
  if (sh != 1 || sw != 1)
    spread = c.b.getDenseI64ArrayAttr({sh, sw});
  Value y = c.b.create<edge::Conv2DOp>(
      c.loc, c.floatType({xs[0], fs[0], ys[1], ys[2]}), *x, *w, *bias,
      c.b.getDenseI64ArrayAttr({1, 1}), c.b.getDenseI64ArrayAttr(ArrayRef<int64_t>(pads, 4)),
      c.b.getDenseI64ArrayAttr({1, 1}), c.b.getI64IntegerAttr(1), FloatAttr(), FloatAttr(),
      spread, c.tfliteNumerics());
  auto out = c.activation(y, o->fused_activation_function());
  if (failed(out))
    return failure();
  return c.setOutputFromNchw(0, *out);
}

LogicalResult conv2d(OpContext &c) { return convolution(c, false); }
LogicalResult depthwiseConv2d(OpContext &c) { return convolution(c, true); }

/// AVERAGE_POOL_2D and MAX_POOL_2D: padding never counts (TFLite divides by
/// the number of taps inside the input).
LogicalResult pool(OpContext &c, bool average) {
  const auto *o = c.options<fb::Pool2DOptions>();
  if (!o)
    return c.fail("Pool2DOptions are missing");
  int64_t kh = o->filter_height(), kw = o->filter_width();
  if (kh < 1 || kw < 1)
    return c.error() << "filter " << kh << "x" << kw << " must be at least 1x1", failure();
  if (failed(checkWindow(c, o->stride_h(), o->stride_w(), 1, 1)))
    return failure();
  auto x = c.realNchw(0, "input");
  if (failed(x))
    return failure();
  Shape xs = c.shapeOf(*x);
  Window h = tfliteWindow(o->padding(), xs[2], kh, o->stride_h(), 1);
  Window w = tfliteWindow(o->padding(), xs[3], kw, o->stride_w(), 1);
  if (h.out < 1 || w.out < 1)
    return c.error() << "a " << kh << "x" << kw << " window does not fit the " << xs[2]
                     << "x" << xs[3] << " input", failure();
  auto type = c.floatType({xs[0], xs[1], h.out, w.out});
  auto kernel = c.b.getDenseI64ArrayAttr({kh, kw});
  auto strides = c.b.getDenseI64ArrayAttr({o->stride_h(), o->stride_w()});
  auto pads = c.b.getDenseI64ArrayAttr({h.before, w.before, h.after, w.after});
  auto dilations = c.b.getDenseI64ArrayAttr({1, 1});
  Value y = average ? c.b.create<edge::AvgPool2DOp>(c.loc, type, *x, kernel, strides, pads,
                                                    dilations, false, false, c.tfliteNumerics())
                          .getResult()
                    : c.b.create<edge::MaxPool2DOp>(c.loc, type, *x, kernel, strides, pads,
                                                    dilations, false)
                          .getResult();
  auto out = c.activation(y, o->fused_activation_function());
  if (failed(out))
    return failure();
  return c.setOutputFromNchw(0, *out);
}

LogicalResult averagePool2d(OpContext &c) { return pool(c, true); }
LogicalResult maxPool2d(OpContext &c) { return pool(c, false); }

/// SOFTMAX over the last axis, in TFLite's fixed point when quantized.
LogicalResult softmaxOp(OpContext &c) {
  const auto *o = c.options<fb::SoftmaxOptions>();
  if (o && o->beta() != 1.f)
    return c.error() << "beta " << o->beta() << " is not supported (only 1)", failure();
  // TFLite's int16 softmax has its own exp and 1/(1+x) tables; not read yet.
  if (failed(c.quantizedInt8Only(0)))
    return failure();
  auto x = c.real(0, "input");
  if (failed(x))
    return failure();
  Shape xs = c.shapeOf(*x);
  if (xs.empty())
    return c.fail("the input must have at least one dimension");
  Value y = c.b.create<edge::SoftmaxOp>(c.loc, x->getType(), *x,
                                        c.b.getI64IntegerAttr((int64_t)xs.size() - 1),
                                        c.tfliteNumerics());
  return c.setOutput(0, y);
}

/// PAD: constant padding with the real value 0 (the zero point), the
/// paddings a [rank, 2] constant of (before, after) pairs.
LogicalResult padOp(OpContext &c) {
  auto x = c.stored(0, "input");
  auto paddings = c.constantInts(1, "paddings");
  if (failed(x) || failed(paddings) || failed(c.movesIntegers(*x)))
    return failure();
  Shape in = c.shapeOf(*x), out = in;
  size_t rank = in.size();
  if (paddings->size() != 2 * rank)
    return c.error() << "paddings hold " << paddings->size() << " values; a rank-" << rank
                     << " input needs " << 2 * rank, failure();
  Shape pads(2 * rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t before = (*paddings)[2 * d], after = (*paddings)[2 * d + 1];
    if (before < 0 || after < 0 || before > kMaxElements || after > kMaxElements)
      return c.error() << "padding (" << before << ", " << after << ") of dimension " << d
                       << " must be non-negative and below 2^31", failure();
    pads[d] = before, pads[rank + d] = after;
    out[d] += before + after;
  }
  if (checkedElementCount(out) < 0)
    return c.fail("the padded shape " + shapeToString(out) + " has more than 2^31 - 1 elements");
  Value y = c.b.create<edge::PadOp>(
      c.loc, RankedTensorType::get(out, getElementTypeOrSelf(x->getType())), *x,
      c.b.getDenseI64ArrayAttr(pads),
      edge::PadModeAttr::get(c.b.getContext(), edge::PadMode::Constant), c.b.getF32FloatAttr(0));
  return c.setOutput(0, y);
}

/// TRANSPOSE by a constant permutation, on the stored integers. Next to the
/// layout transposes of the layers around it, edge-collapse-reshapes composes
/// it away (mobilenet_v2's NCHW input feeding an NHWC convolution).
LogicalResult transposeOp(OpContext &c) {
  auto x = c.stored(0, "input");
  auto perm = c.constantInts(1, "perm");
  if (failed(x) || failed(perm) || failed(c.movesIntegers(*x)))
    return failure();
  Shape in = c.shapeOf(*x), sorted = *perm, out;
  std::sort(sorted.begin(), sorted.end());
  bool isPerm = sorted.size() == in.size();
  for (size_t d = 0; d < sorted.size() && isPerm; ++d)
    isPerm = sorted[d] == (int64_t)d;
  if (!isPerm)
      return c.error() << "perm " << shapeToString(*perm) << " is not a permutation of the "
                       << in.size() << " input dimensions", failure();
  for (int64_t a : *perm)
    out.push_back(in[a]);
  auto type = RankedTensorType::get(out, getElementTypeOrSelf(x->getType()));
  if (isa<quant::UniformQuantizedPerAxisType>(type.getElementType()))
    type = permutedType(cast<RankedTensorType>(x->getType()), *perm);
  Value y = c.b.create<edge::TransposeOp>(c.loc, type, *x, c.b.getDenseI64ArrayAttr(*perm));
  return c.setOutput(0, y);
}

/// MEAN over constant axes, in TFLite's arithmetic when quantized. A 4-D
/// input is reduced in the NCHW layout the layers around it use (its axes
/// mapped), so the layout transposes still cancel.
LogicalResult meanOp(OpContext &c) {
  const auto *o = c.options<fb::ReducerOptions>();
  bool keep = o && o->keep_dims();
  auto axes = c.constantInts(1, "axis");
  if (failed(axes))
    return failure();
  int32_t xIdx = c.inputIndex(0);
  if (xIdx < 0)
    return c.fail("input 0 (input) is missing");
  int64_t rank = c.im.types[xIdx].getRank();
  // TFLite's int16 MEAN rescales in 32 bits, edgec's int16 mean in 64.
  if (failed(c.quantizedInt8Only(0)))
    return failure();
  // NHWC axis a sits at NCHW position kToNhwc[a]'s inverse: N 0, H 2, W 3, C 1.
  const Shape nhwcToNchwAxis = {0, 2, 3, 1};
  Shape reduced;
  for (int64_t a : *axes) {
    if (a < -rank || a >= rank)
      return c.error() << "axis " << a << " is out of range for a rank-" << rank << " input",
             failure();
    a = a < 0 ? a + rank : a;
    reduced.push_back(rank == 4 ? nhwcToNchwAxis[a] : a);
  }
  std::sort(reduced.begin(), reduced.end());
  reduced.erase(std::unique(reduced.begin(), reduced.end()), reduced.end());
  auto x = rank == 4 ? c.realNchw(0, "input") : c.real(0, "input");
  if (failed(x))
    return failure();
  Shape xs = c.shapeOf(*x), kept = xs;
  for (int64_t a : reduced)
    kept[a] = 1;
  Value y = c.b.create<edge::ReduceMeanOp>(c.loc, c.floatType(kept), *x,
                                           c.b.getDenseI64ArrayAttr(reduced),
                                           c.b.getBoolAttr(true), c.tfliteNumerics());
  if (rank != 4)
    return c.setOutput(0, y); // reshaped to the output's (kept or dropped) axes
  if (keep)
    return c.setOutputFromNchw(0, y);
  // Dropped axes: the kept NHWC result, reshaped to the output's shape.
  RankedTensorType want = c.im.types[c.outputIndex(0)];
  if (!isa<quant::QuantizedType>(want.getElementType()))
    return c.setOutput(0, c.b.create<edge::TransposeOp>(
                              c.loc, c.floatType(permutedType(cast<RankedTensorType>(y.getType()),
                                                              kToNhwc)
                                                     .getShape()
                                                     .vec()),
                              y, c.b.getDenseI64ArrayAttr(kToNhwc)));
  auto nchw = RankedTensorType::get(kept, want.getElementType());
  Value q = c.b.create<edge::QuantizeOp>(c.loc, nchw, y);
  return c.setOutput(0, c.b.create<edge::TransposeOp>(c.loc, permutedType(nchw, kToNhwc), q,
                                                      c.b.getDenseI64ArrayAttr(kToNhwc)));
}

/// SVDF in TFLite-Micro's integer arithmetic: an edge.svdf on the stored
/// integers, whose state (input 4, a variable tensor) becomes the layer's
/// own state in the arena. TFLM's integer SVDF applies no fused activation
/// (its output is clamped to int8 only), and neither does edgec's.
LogicalResult svdfOp(OpContext &c) {
  const auto *o = c.options<fb::SVDFOptions>();
  if (!o)
    return c.fail("SVDFOptions are missing");
  if (o->asymmetric_quantize_inputs())
    return c.fail("hybrid SVDF (asymmetric_quantize_inputs) is not supported; only int8");
  int32_t stateIdx = c.inputIndex(4);
  if (stateIdx < 0)
    return c.fail("input 4 (activation state) is missing");
  if (failed(c.takeState(4, "state", "SVDF")))
    return failure();
  auto quantizedInt8 = [&](size_t k) {
    int32_t idx = c.inputIndex(k);
    auto q = idx < 0 ? nullptr
                     : dyn_cast<quant::UniformQuantizedType>(c.im.types[idx].getElementType());
    return q && q.getStorageTypeIntegralWidth() == 8;
  };
  if (!quantizedInt8(0) || !quantizedInt8(1) ||
      !isa<quant::UniformQuantizedType>(c.im.types[c.outputIndex(0)].getElementType()))
    return c.fail("only integer SVDF (int8 input, weights_feature and output, per-tensor) is "
                  "supported, not float or per-channel");
  auto x = c.stored(0, "input");
  auto wf = c.stored(1, "weights_feature");
  auto wt = c.stored(2, "weights_time");
  if (failed(x) || failed(wf) || failed(wt))
    return failure();
  Value bias;
  if (c.inputIndex(3) >= 0) {
    auto v = c.stored(3, "bias");
    if (failed(v))
      return failure();
    bias = *v;
  }
  RankedTensorType out = c.im.types[c.outputIndex(0)];
  auto y = c.b.create<edge::SvdfOp>(c.loc, out, *x, *wf, *wt, bias, c.b.getI64IntegerAttr(o->rank()),
                                    TypeAttr::get(c.im.types[stateIdx]));
  // The op's verifier states every shape and type rule; its message, on the
  // operator, is the diagnostic.
  if (failed(mlir::verify(y, /*verifyRecursively=*/false))) {
    y.erase();
    return failure();
  }
  return c.setOutput(0, y);
}

/// UNIDIRECTIONAL_SEQUENCE_LSTM in TFLite-Micro's 8x8->16 arithmetic: an
/// edge.sequence_lstm on the stored integers, whose hidden and cell state
/// (inputs 18 and 19, variable tensors) become the layer's own state in the
/// arena. Only the standard LSTM TFLM runs: all four gates, no peepholes,
/// projection or layer norm; the intermediates are not read (TFLM ignores
/// them too).
LogicalResult sequenceLstmOp(OpContext &c) {
  const auto *o = c.options<fb::UnidirectionalSequenceLSTMOptions>();
  if (!o)
    return c.fail("UnidirectionalSequenceLSTMOptions are missing");
  if (o->asymmetric_quantize_inputs())
    return c.fail("hybrid LSTM (asymmetric_quantize_inputs) is not supported; only int8");
  if (o->diagonal_recurrent_tensors())
    return c.fail("diagonal recurrent weights (diagonal_recurrent_tensors) are not supported");
  if (o->fused_activation_function() != fb::ActivationFunctionType::TANH)
    return c.fail("the cell gate's activation (fused_activation_function) must be TANH, the "
                  "only one TFLite-Micro's LSTM takes");
  static const char *names[24] = {
      "input", "input_to_input_weights", "input_to_forget_weights", "input_to_cell_weights",
      "input_to_output_weights", "recurrent_to_input_weights", "recurrent_to_forget_weights",
      "recurrent_to_cell_weights", "recurrent_to_output_weights", "cell_to_input_weights",
      "cell_to_forget_weights", "cell_to_output_weights", "input_gate_bias", "forget_gate_bias",
      "cell_gate_bias", "output_gate_bias", "projection_weights", "projection_bias",
      "output_state", "cell_state", "input_layer_norm_coefficients",
      "forget_layer_norm_coefficients", "cell_layer_norm_coefficients",
      "output_layer_norm_coefficients"};
  for (size_t k : {9, 10, 11, 16, 17, 20, 21, 22, 23})
    if (c.inputIndex(k) >= 0)
      return c.error() << "input " << k << " (" << names[k]
                       << ") is set: only the standard LSTM (no peepholes, projection or layer "
                          "norm) is supported, as in TFLite-Micro",
             failure();
  for (size_t k = 0; k < 20; ++k)
    if ((k < 9 || k >= 12) && k != 16 && k != 17 && c.inputIndex(k) < 0)
      return c.error() << "input " << k << " (" << names[k] << ") is missing"
                       << (k == 1 || k == 5 || k == 12
                               ? ": a coupled input-forget gate (CIFG) LSTM is not supported"
                               : ""),
             failure();
  int32_t hIdx = c.inputIndex(18), cIdx = c.inputIndex(19);
  for (size_t k : {18, 19})
    if (failed(c.takeState(k, names[k], "layer")))
      return failure();
  auto element = [&](int32_t idx) { return c.im.types[idx].getElementType(); };
  auto int8At = [&](int32_t idx) {
    auto q = dyn_cast<quant::UniformQuantizedType>(element(idx));
    return q && q.getStorageTypeIntegralWidth() == 8;
  };
  if (!int8At(c.inputIndex(0)) || !int8At(c.inputIndex(2)))
    return c.fail("only the int8 LSTM (int8 input and weights, int16 cell state, TFLite-Micro's "
                  "8x8->16) is supported, not float, hybrid or int16 activations");
  if (element(c.outputIndex(0)) != element(hIdx))
    return c.error() << "the output's quantization (" << element(c.outputIndex(0))
                     << ") differs from the hidden state's (" << element(hIdx)
                     << "): TFLite-Micro copies the hidden state's integers into it",
           failure();
  SmallVector<Value> operands;
  for (size_t k : {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15}) {
    auto v = c.stored(k, names[k]);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  auto y = c.b.create<edge::SequenceLstmOp>(
      c.loc, c.im.types[c.outputIndex(0)], operands[0], ValueRange(operands).slice(1, 4),
      ValueRange(operands).slice(5, 4), ValueRange(operands).slice(9, 4),
      c.b.getBoolAttr(o->time_major()), c.b.getF32FloatAttr(o->cell_clip()),
      TypeAttr::get(c.im.types[hIdx]), TypeAttr::get(c.im.types[cIdx]));
  // The verifier states every shape and type rule; its message, on the
  // operator, is the diagnostic.
  if (failed(mlir::verify(y, /*verifyRecursively=*/false))) {
    y.erase();
    return failure();
  }
  return c.setOutput(0, y);
}

/// STRIDED_SLICE with TFLite's begin / end masks and shrink_axis_mask (the
/// shrunk axes go by the output's shape); ellipsis and new-axis masks and
/// `offset` are refused.
LogicalResult stridedSlice(OpContext &c) {
  const auto *o = c.options<fb::StridedSliceOptions>();
  int32_t beginMask = o ? o->begin_mask() : 0, endMask = o ? o->end_mask() : 0;
  int32_t shrinkMask = o ? o->shrink_axis_mask() : 0;
  if (o && (o->ellipsis_mask() || o->new_axis_mask()))
    return c.fail("ellipsis_mask and new_axis_mask are not supported");
  if (o && o->offset())
    return c.fail("offset = true is not supported");
  auto x = c.stored(0, "input");
  auto begin = c.constantInts(1, "begin");
  auto end = c.constantInts(2, "end");
  auto strides = c.constantInts(3, "strides");
  if (failed(x) || failed(begin) || failed(end) || failed(strides) || failed(c.movesIntegers(*x)))
    return failure();
  Shape in = c.shapeOf(*x);
  size_t rank = in.size(), n = begin->size();
  if (end->size() != n || strides->size() != n || n > rank)
    return c.error() << "begin, end and strides hold " << n << ", " << end->size() << " and "
                     << strides->size() << " values for a rank-" << rank << " input",
           failure();
  Shape starts(rank, 0), ends(in), steps(rank, 1), out(in);
  for (size_t d = 0; d < n; ++d) {
    int64_t dim = in[d], stride = (*strides)[d];
    if (stride == 0)
      return c.error() << "stride of dimension " << d << " is 0", failure();
    // TFLite's StartForAxis / StopForAxis: masked bounds take the whole
    // axis, negative ones count from the end, then both are clamped.
    int64_t lo = stride > 0 ? 0 : -1, hi = stride > 0 ? dim : dim - 1;
    int64_t start = (*begin)[d], stop = (*end)[d];
    if (beginMask & (1 << d))
      start = stride > 0 ? 0 : dim - 1;
    else if (start < 0)
      start += dim;
    start = std::clamp(start, lo, hi);
    if (shrinkMask & (1 << d))
      stop = start + 1;
    else if (endMask & (1 << d))
      stop = stride > 0 ? dim : -1;
    else {
      if (stop < 0)
        stop += dim;
      stop = std::clamp(stop, lo, hi);
    }
    if (shrinkMask & (1 << d))
      stride = 1; // the one element at start, whichever the stride
    int64_t count = stride > 0 ? (stop - start + stride - 1) / stride
                               : (start - stop + (-stride) - 1) / (-stride);
    if (count <= 0 || start < 0 || start >= dim)
      return c.error() << "dimension " << d << " selects no element (begin " << (*begin)[d]
                       << ", end " << (*end)[d] << ", stride " << stride << ")", failure();
    starts[d] = start, steps[d] = stride, out[d] = count;
    ends[d] = start + (count - 1) * stride + (stride > 0 ? 1 : -1);
  }
  Value y = c.b.create<edge::SliceOp>(
      c.loc, RankedTensorType::get(out, getElementTypeOrSelf(x->getType())), *x,
      c.b.getDenseI64ArrayAttr(starts), c.b.getDenseI64ArrayAttr(ends),
      c.b.getDenseI64ArrayAttr(steps));
  return c.setOutput(0, y);
}

/// A plain (not quantized) integer element: TFLite's int32 arithmetic and
/// the unsigned energies of the audio front end.
bool plainInteger(Type t) {
  auto i = dyn_cast<IntegerType>(getElementTypeOrSelf(t));
  return i && i.getWidth() > 1;
}

/// Options of ops without a fused activation: none to read.
struct NoOptions {};
template <typename Options> fb::ActivationFunctionType fusedActivation(OpContext &c) {
  if constexpr (std::is_same_v<Options, NoOptions>) {
    return fb::ActivationFunctionType::NONE;
  } else {
    const auto *o = c.options<Options>();
    return o ? o->fused_activation_function() : fb::ActivationFunctionType::NONE;
  }
}

/// ADD, SUB, MUL, DIV, MINIMUM and MAXIMUM with numpy broadcasting and a
/// fused activation. On plain integers (TFLite's int32 arithmetic: DIV
/// truncates toward zero) the op computes in the tensors' own type; on
/// quantized ones MINIMUM and MAXIMUM compare TFLite's stored integers, so
/// they take only inputs quantized as the output (then comparing the real
/// values is the same), DIV is refused (TFLite's int8 DIV is its own
/// fixed-point algorithm), and int16 MUL too (only int8's MulElementwise is
/// followed).
template <typename OpT, typename Options> LogicalResult binaryOp(OpContext &c) {
  fb::ActivationFunctionType act = fusedActivation<Options>(c);
  auto broadcast = [&](Value a, Value b) -> FailureOr<Shape> {
    auto shape = broadcastShapes(c.shapeOf(a), c.shapeOf(b));
    if (failed(shape))
      return c.error() << "shapes " << shapeToString(c.shapeOf(a)) << " and "
                       << shapeToString(c.shapeOf(b)) << " do not broadcast", failure();
    return Shape(shape->begin(), shape->end());
  };
  int32_t ia = c.inputIndex(0), ib = c.inputIndex(1);
  if (ia < 0 || ib < 0)
    return c.fail("takes two inputs");
  Type ta = c.im.types[ia].getElementType(), tb = c.im.types[ib].getElementType(),
       ty = c.im.types[c.outputIndex(0)].getElementType();
  if (plainInteger(ta) || plainInteger(tb) || plainInteger(ty)) {
    if (ta != tb || ta != ty)
      return c.error() << "integer inputs " << ta << " and " << tb << " and output " << ty
                       << " must be one type", failure();
    if (act != fb::ActivationFunctionType::NONE)
      return c.fail("a fused activation on integer (not quantized) tensors is not supported");
    auto a = c.stored(0, "x"), b = c.stored(1, "y");
    if (failed(a) || failed(b))
      return failure();
    FailureOr<Shape> shape = broadcast(*a, *b);
    if (failed(shape))
      return failure();
    Value y = c.b.create<OpT>(c.loc, RankedTensorType::get(*shape, ty), *a, *b, FloatAttr(),
                              FloatAttr());
    return c.setOutput(0, y);
  }
  bool quantized = isa<quant::QuantizedType>(ty);
  if (quantized && std::is_same_v<OpT, edge::DivOp>)
    return c.fail("quantized DIV is not supported (TFLite's int8 DIV is a fixed-point algorithm "
                  "of its own); float and integer DIV are");
  if (quantized && std::is_same_v<OpT, edge::MulOp> &&
      (failed(c.quantizedInt8Only(0)) || failed(c.quantizedInt8Only(1))))
    return failure();
  if (quantized && (std::is_same_v<OpT, edge::MinOp> || std::is_same_v<OpT, edge::MaxOp>) &&
      (ta != ty || tb != ty))
    return c.error() << "inputs quantized as " << ta << " and " << tb << " and output as " << ty
                     << ": TFLite compares the stored integers, which only means the same with "
                        "one quantization",
           failure();
  auto a = c.real(0, "x"), b = c.real(1, "y");
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Shape> shape = broadcast(*a, *b);
  if (failed(shape))
    return failure();
  Value y = c.b.create<OpT>(c.loc, c.floatType(*shape), *a, *b, FloatAttr(), FloatAttr(),
                            c.tfliteNumerics());
  auto out = c.activation(y, act);
  if (failed(out))
    return failure();
  return c.setOutput(0, *out);
}

/// CAST between plain integer and float types, as TFLite's static_cast:
/// a narrower integer keeps the low bits, float to integer truncates.
LogicalResult castOp(OpContext &c) {
  int32_t ix = c.inputIndex(0);
  if (ix < 0)
    return c.fail("input 0 (input) is missing");
  Type in = c.im.types[ix].getElementType(), out = c.im.types[c.outputIndex(0)].getElementType();
  if (isa<quant::QuantizedType>(in) || isa<quant::QuantizedType>(out))
    return c.error() << "a CAST of quantized tensors (" << in << " to " << out
                     << ") is not supported; QUANTIZE and DEQUANTIZE convert those",
           failure();
  auto x = c.stored(0, "input");
  if (failed(x))
    return failure();
  Value y = c.b.create<edge::CastOp>(c.loc, RankedTensorType::get(c.shapeOf(*x), out), *x);
  return c.setOutput(0, y);
}

/// CONCATENATION along `axis` of the tensors as TFLite lays them out. TFLite
/// copies the stored values: float and plain integers as they are,
/// quantized inputs only when quantized as the output (TFLite-Micro
/// requires that).
LogicalResult concatenationOp(OpContext &c) {
  const auto *o = c.options<fb::ConcatenationOptions>();
  if (o && o->fused_activation_function() != fb::ActivationFunctionType::NONE)
    return c.fail("a fused activation on CONCATENATION is not supported");
  RankedTensorType want = c.im.types[c.outputIndex(0)];
  int64_t rank = want.getRank(), axis = o ? o->axis() : 0;
  if (axis < -rank || axis >= rank)
    return c.error() << "axis " << axis << " is out of range for a rank-" << rank << " output",
           failure();
  axis = axis < 0 ? axis + rank : axis;
  if (c.numInputs() == 0)
    return c.fail("takes at least one input");
  SmallVector<Value> parts;
  int64_t along = 0;
  for (size_t k = 0; k < c.numInputs(); ++k) {
    auto v = c.stored(k, "input");
    if (failed(v))
      return failure();
    Type element = getElementTypeOrSelf(v->getType());
    if (element != want.getElementType())
      return c.error() << "input " << k << " is " << element << " but the output "
                       << want.getElementType()
                       << ": TFLite copies the stored values, so all must be one type (and "
                          "quantized alike)",
             failure();
    Shape s = c.shapeOf(*v);
    if ((int64_t)s.size() != rank)
      return c.error() << "input " << k << " has rank " << s.size() << ", the output " << rank,
             failure();
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && s[d] != want.getDimSize(d))
        return c.error() << "input " << k << " of shape " << shapeToString(s)
                         << " does not fit the output " << shapeToString(want.getShape().vec())
                         << " along axis " << d, failure();
    along += s[axis];
    parts.push_back(*v);
  }
  if (along != want.getDimSize(axis))
    return c.error() << "the inputs add up to " << along << " along axis " << axis
                     << ", the output has " << want.getDimSize(axis), failure();
  Value y = c.b.create<edge::ConcatOp>(c.loc, want, parts, c.b.getI64IntegerAttr(axis));
  return c.setOutput(0, y);
}

/// LEAKY_RELU, in TFLite's integer arithmetic when quantized.
LogicalResult leakyRelu(OpContext &c) {
  const auto *o = c.options<fb::LeakyReluOptions>();
  auto x = c.real(0, "input");
  if (failed(x))
    return failure();
  Value y = c.b.create<edge::LeakyReluOp>(c.loc, x->getType(), *x,
                                          c.b.getF32FloatAttr(o ? o->alpha() : 0.f),
                                          c.tfliteNumerics());
  return c.setOutput(0, y);
}

/// LOGISTIC: int8 in TFLite's fixed point (a compile-time table, see
/// quant::tfliteLogisticTable), whose output is always 1/256 from -128.
LogicalResult logisticOp(OpContext &c) {
  if (failed(c.quantizedInt8Only(0)))
    return failure();
  auto out = dyn_cast<quant::UniformQuantizedType>(c.im.types[c.outputIndex(0)].getElementType());
  if (out && (out.getScale() != 1.0 / 256 || out.getZeroPoint() != -128))
    return c.error() << "an int8 output must have scale 1/256 and zero point -128, as "
                        "TFLite's LOGISTIC writes it (not "
                     << out.getScale() << " and " << out.getZeroPoint() << ")",
           failure();
  auto x = c.real(0, "input");
  if (failed(x))
    return failure();
  Value y = c.b.create<edge::SigmoidOp>(c.loc, x->getType(), *x, c.tfliteNumerics());
  return c.setOutput(0, y);
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
      {fb::BuiltinOperator::ADD, binaryOp<edge::AddOp, fb::AddOptions>},
      {fb::BuiltinOperator::AVERAGE_POOL_2D, averagePool2d},
      {fb::BuiltinOperator::CAST, castOp},
      {fb::BuiltinOperator::CONCATENATION, concatenationOp},
      {fb::BuiltinOperator::CONV_2D, conv2d},
      {fb::BuiltinOperator::DIV, binaryOp<edge::DivOp, fb::DivOptions>},
      {fb::BuiltinOperator::DEPTHWISE_CONV_2D, depthwiseConv2d},
      {fb::BuiltinOperator::FULLY_CONNECTED, fullyConnected},
      {fb::BuiltinOperator::LEAKY_RELU, leakyRelu},
      {fb::BuiltinOperator::LOGISTIC, logisticOp},
      {fb::BuiltinOperator::MAX_POOL_2D, maxPool2d},
      {fb::BuiltinOperator::MAXIMUM, binaryOp<edge::MaxOp, NoOptions>},
      {fb::BuiltinOperator::MINIMUM, binaryOp<edge::MinOp, NoOptions>},
      {fb::BuiltinOperator::MUL, binaryOp<edge::MulOp, fb::MulOptions>},
      {fb::BuiltinOperator::PAD, padOp},
      {fb::BuiltinOperator::QUANTIZE, quantizeOp},
      {fb::BuiltinOperator::DEQUANTIZE, dequantizeOp},
      {fb::BuiltinOperator::RESHAPE, reshapeOp},
      {fb::BuiltinOperator::SOFTMAX, softmaxOp},
      {fb::BuiltinOperator::TRANSPOSE_CONV, transposeConv},
      {fb::BuiltinOperator::TRANSPOSE, transposeOp},
      {fb::BuiltinOperator::MEAN, meanOp},
      {fb::BuiltinOperator::STRIDED_SLICE, stridedSlice},
      {fb::BuiltinOperator::SUB, binaryOp<edge::SubOp, fb::SubOptions>},
      {fb::BuiltinOperator::SVDF, svdfOp},
      {fb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM, sequenceLstmOp},
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
      // TFLite-Micro's signal library (an audio front end's window, FFT,
      // filter bank, noise reduction, PCAN and log) is named as such.
      bool signal = StringRef(custom).starts_with("Signal");
      emitError(fileLoc())
          << "operator " << k << " (custom op '" << custom << "', output '"
          << tensorName(op->outputs()->Get(0)) << "'): "
          << (signal ? "TFLite-Micro's signal library operators (audio feature generation) are "
                       "not supported"
                     : "custom operators are not supported");
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
