//===- TfliteImporterTest.cpp - the .tflite reader on built and broken files ===//
//
// Models are written here with the flatbuffer classes generated from
// edgec's schema (the same ones the reader uses), one int8 fully connected
// layer, then broken one way at a time: each break must give its own
// diagnostic and a null module, never a crash.
//
//===----------------------------------------------------------------------===//

#include "edgec/Import/TfliteImporter.h"

#include "tflite_generated.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace fb = edgec::tfl;

namespace {

/// One int8 FULLY_CONNECTED (4 -> 3, fused RELU), with knobs that break it.
struct Spec {
  int32_t opInput = 0;          // tensor index of the layer's input
  uint32_t weightBuffer = 1;    // buffer index of the weights tensor
  uint32_t opcodeIndex = 0;
  size_t weightBytes = 12;      // bytes stored for the 3x4 int8 weights
  uint64_t biasOffset = 0;      // > 1: the bias lives at this file offset
  std::vector<fb::BuiltinOperator> extraOps; // appended operators (input 3 -> output 3)
  std::string extraCustom;      // appended custom operator of this name
};

std::string build(const Spec &s);

/// Per-tensor quantization parameters.
flatbuffers::Offset<fb::QuantizationParameters> quantOf(flatbuffers::FlatBufferBuilder &b,
                                                        float scale, int64_t zp) {
  return fb::CreateQuantizationParameters(b, 0, 0, b.CreateVector(std::vector<float>{scale}),
                                          b.CreateVector(std::vector<int64_t>{zp}));
}

/// The model of one subgraph, finished and as bytes.
std::string finishModel(flatbuffers::FlatBufferBuilder &b,
                        const std::vector<flatbuffers::Offset<fb::OperatorCode>> &codes,
                        flatbuffers::Offset<fb::SubGraph> graph,
                        const std::vector<flatbuffers::Offset<fb::Buffer>> &buffers) {
  auto model = fb::CreateModel(b, 3, b.CreateVector(codes),
                               b.CreateVector(std::vector<flatbuffers::Offset<fb::SubGraph>>{graph}),
                               b.CreateString("edgec unit test"), b.CreateVector(buffers));
  fb::FinishModelBuffer(b, model);
  return std::string(reinterpret_cast<const char *>(b.GetBufferPointer()), b.GetSize());
}

/// The model with one field of Spec changed.
template <typename T> std::string buildWith(T Spec::*field, T value) {
  Spec s;
  s.*field = value;
  return build(s);
}

std::string build(const Spec &s) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, b.CreateVector(std::vector<int32_t>{1, 4}), fb::TensorType::INT8, 0,
                       b.CreateString("input"), quant(0.5f, -1)),
      fb::CreateTensor(b, b.CreateVector(std::vector<int32_t>{3, 4}), fb::TensorType::INT8,
                       s.weightBuffer, b.CreateString("dense/weights"), quant(0.25f, 0)),
      fb::CreateTensor(b, b.CreateVector(std::vector<int32_t>{3}), fb::TensorType::INT32, 2,
                       b.CreateString("dense/bias"), quant(0.125f, 0)),
      fb::CreateTensor(b, b.CreateVector(std::vector<int32_t>{1, 3}), fb::TensorType::INT8, 0,
                       b.CreateString("dense/Relu"), quant(1.0f, 2)),
  };
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 9, 0, 1, fb::BuiltinOperator::FULLY_CONNECTED)};
  auto fcOptions = fb::CreateFullyConnectedOptions(b, fb::ActivationFunctionType::RELU);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {fb::CreateOperator(
      b, s.opcodeIndex, b.CreateVector(std::vector<int32_t>{s.opInput, 1, 2}),
      b.CreateVector(std::vector<int32_t>{3}), fb::BuiltinOptions::FullyConnectedOptions,
      fcOptions.Union())};
  for (fb::BuiltinOperator code : s.extraOps) {
    codes.push_back(fb::CreateOperatorCode(b, (int8_t)std::min<int32_t>((int32_t)code, 127), 0,
                                           1, code));
    ops.push_back(fb::CreateOperator(b, (uint32_t)codes.size() - 1,
                                     b.CreateVector(std::vector<int32_t>{3}),
                                     b.CreateVector(std::vector<int32_t>{3})));
  }
  if (!s.extraCustom.empty()) {
    codes.push_back(
        fb::CreateOperatorCode(b, 32, b.CreateString(s.extraCustom), 1, fb::BuiltinOperator::CUSTOM));
    ops.push_back(fb::CreateOperator(b, (uint32_t)codes.size() - 1,
                                     b.CreateVector(std::vector<int32_t>{3}),
                                     b.CreateVector(std::vector<int32_t>{3})));
  }
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors),
                                  b.CreateVector(std::vector<int32_t>{0}),
                                  b.CreateVector(std::vector<int32_t>{3}), b.CreateVector(ops),
                                  b.CreateString("main"));
  std::vector<uint8_t> weights(s.weightBytes);
  for (size_t k = 0; k < weights.size(); ++k)
    weights[k] = (uint8_t)(int8_t)((int)k - 6);
  std::vector<int32_t> bias = {40, -8, 3};
  std::vector<uint8_t> biasBytes(12);
  std::memcpy(biasBytes.data(), bias.data(), 12);
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {
      fb::CreateBuffer(b), fb::CreateBuffer(b, b.CreateVector(weights)),
      s.biasOffset > 1 ? fb::CreateBuffer(b, 0, s.biasOffset, 12)
                       : fb::CreateBuffer(b, b.CreateVector(biasBytes))};
  return finishModel(b, codes, graph, buffers);
}

struct Result {
  bool imported = false;
  std::string diagnostics;
  std::string ir;
};

Result import(const std::string &bytes) {
  mlir::MLIRContext ctx;
  Result r;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    r.diagnostics += d.str() + "\n";
    return mlir::success();
  });
  auto module = edgec::importTfliteBytes(ctx, bytes, "test.tflite", edgec::ImportOptions{});
  r.imported = bool(module);
  if (module) {
    llvm::raw_string_ostream os(r.ir);
    module->print(os, mlir::OpPrintingFlags().enableDebugInfo());
  }
  return r;
}

/// `bytes` are refused, and the diagnostics say `message`.
void expectRefused(const std::string &bytes, const std::string &message) {
  Result r = import(bytes);
  EXPECT_FALSE(r.imported) << message;
  EXPECT_NE(r.diagnostics.find(message), std::string::npos)
      << "expected: " << message << "\ngot: " << r.diagnostics;
}

TEST(TfliteImporter, ImportsAnInt8FullyConnectedLayer) {
  Result r = import(build({}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics;
  EXPECT_NE(r.ir.find("edge.gemm"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("edge.relu"), std::string::npos) << r.ir;
  // The model's own parameters, exactly: input, weights, output.
  EXPECT_NE(r.ir.find("!quant.uniform<i8:f32, 5.000000e-01:-1>"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("!quant.uniform<i8:f32, 2.500000e-01>"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("!quant.uniform<i8:f32, 1.000000e+00:2>"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("edge.name = \"input\""), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("edge.name = \"dense/Relu\""), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("loc(\"dense/Relu\")"), std::string::npos) << r.ir;
}

TEST(TfliteImporter, ReadsBuffersStoredPastTheFlatbuffer) {
  // The >2 GB form: the bias bytes follow the flatbuffer at an absolute
  // offset. Build once to learn the size, then append the bytes there.
  std::string probe = buildWith(&Spec::biasOffset, uint64_t(1) << 20);
  Spec s;
  s.biasOffset = probe.size();
  std::string bytes = build(s);
  ASSERT_EQ(bytes.size(), probe.size());
  const int32_t bias[3] = {40, -8, 3};
  bytes.append(reinterpret_cast<const char *>(bias), 12);
  Result r = import(bytes);
  EXPECT_TRUE(r.imported) << r.diagnostics;
  // Without the appended bytes, the same offset lies outside the file.
  expectRefused(build(s), "buffer 2 lies outside the file");
}

TEST(TfliteImporter, EveryTruncationIsADiagnostic) {
  std::string bytes = build({});
  for (size_t n = 0; n < bytes.size(); n += 3) {
    Result r = import(bytes.substr(0, n));
    EXPECT_FALSE(r.imported) << n;
    EXPECT_FALSE(r.diagnostics.empty()) << n;
  }
  EXPECT_NE(import(bytes.substr(0, 6)).diagnostics.find("too short"), std::string::npos);
  EXPECT_NE(import(bytes.substr(0, bytes.size() / 2)).diagnostics.find("does not verify"),
            std::string::npos);
}

TEST(TfliteImporter, WrongIdentifier) {
  std::string bytes = build({});
  std::memcpy(&bytes[4], "TFL2", 4);
  expectRefused(bytes, "the file identifier is 'TFL2', not 'TFL3'");
}

TEST(TfliteImporter, BadRootOffset) {
  std::string bytes = build({});
  const uint32_t far = 0x7ffffff0u;
  std::memcpy(&bytes[0], &far, 4);
  expectRefused(bytes, "does not verify");
}

TEST(TfliteImporter, BadTensorIndex) {
  expectRefused(buildWith(&Spec::opInput, 17),
                "operator 0: input 0 refers to tensor 17, out of range");
}

TEST(TfliteImporter, BufferIndexOutOfRange) {
  expectRefused(buildWith(&Spec::weightBuffer, 9u),
                "tensor 1 ('dense/weights'): buffer index 9 is out of range");
}

TEST(TfliteImporter, BufferShorterThanItsTensor) {
  expectRefused(buildWith(&Spec::weightBytes, size_t(5)),
                "buffer 1 holds 5 bytes, but INT8 of shape 3x4 needs 12");
}

TEST(TfliteImporter, OpcodeIndexOutOfRange) {
  expectRefused(buildWith(&Spec::opcodeIndex, 4u),
                "operator 0: opcode index 4 is out of range");
}

TEST(TfliteImporter, ListsEveryUnsupportedOperatorInOneRun) {
  Spec s;
  s.extraOps = {fb::BuiltinOperator::BIDIRECTIONAL_SEQUENCE_LSTM, fb::BuiltinOperator::RIGHT_SHIFT};
  s.extraCustom = "SignalWindow";
  Result r = import(build(s));
  EXPECT_FALSE(r.imported);
  EXPECT_NE(r.diagnostics.find("operator 1 (BIDIRECTIONAL_SEQUENCE_LSTM, output 'dense/Relu')"), std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("operator 2 (RIGHT_SHIFT, output 'dense/Relu')"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("operator 3 (custom op 'SignalWindow', output 'dense/Relu'): "
                               "TFLite-Micro's signal library operators (audio feature "
                               "generation) are not supported"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("3 operator(s) cannot be imported"), std::string::npos)
      << r.diagnostics;
}

/// An int8 NHWC CONV_2D (1x5x6x2 -> 4 channels, 3x3, stride 2, SAME,
/// RELU6) then a DEPTHWISE_CONV_2D (3x3 VALID, multiplier 1) with filter
/// channels `dwChannels`, per-channel weights. With `fcHead` the graph's
/// output is instead a FULLY_CONNECTED (36 -> 2) over the flattened NHWC
/// conv output.
std::string buildConvNet(int32_t dwChannels = 4, bool fcHead = false) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](std::vector<float> scales, int32_t axis = 0, int64_t zp = 0) {
    return fb::CreateQuantizationParameters(
        b, 0, 0, b.CreateVector(scales), b.CreateVector(std::vector<int64_t>(scales.size(), zp)),
        fb::QuantizationDetails::NONE, 0, axis);
  };
  auto shape = [&](std::vector<int32_t> s) { return b.CreateVector(s); };
  std::vector<float> four(4, 0.02f), bias4(4, 0.5f * 0.02f);
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, shape({1, 5, 6, 2}), fb::TensorType::INT8, 0, b.CreateString("image"),
                       quant({0.5f}, 0, -3)),
      fb::CreateTensor(b, shape({4, 3, 3, 2}), fb::TensorType::INT8, 1,
                       b.CreateString("conv/filter"), quant(four, 0)),
      fb::CreateTensor(b, shape({4}), fb::TensorType::INT32, 2, b.CreateString("conv/bias"),
                       quant({0.01f, 0.01f, 0.01f, 0.01f}, 0)),
      fb::CreateTensor(b, shape({1, 3, 3, 4}), fb::TensorType::INT8, 0,
                       b.CreateString("conv/Relu6"), quant({0.05f}, 0, -128)),
      fb::CreateTensor(b, shape({1, 3, 3, dwChannels}), fb::TensorType::INT8, 3,
                       b.CreateString("dw/filter"),
                       quant(std::vector<float>(dwChannels, 0.02f), 3)),
      fb::CreateTensor(b, shape({1, 1, 1, 4}), fb::TensorType::INT8, 0, b.CreateString("dw/out"),
                       quant({0.1f}, 0, 5)),
      fb::CreateTensor(b, shape({2, 36}), fb::TensorType::INT8, 4, b.CreateString("fc/weights"),
                       quant({0.01f})),
      fb::CreateTensor(b, shape({1, 2}), fb::TensorType::INT8, 0, b.CreateString("fc/out"),
                       quant({0.2f}, 0, 1)),
  };
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 3, 0, 1, fb::BuiltinOperator::CONV_2D),
      fb::CreateOperatorCode(b, 4, 0, 1, fb::BuiltinOperator::DEPTHWISE_CONV_2D),
      fb::CreateOperatorCode(b, 9, 0, 1, fb::BuiltinOperator::FULLY_CONNECTED)};
  auto convOptions = fb::CreateConv2DOptions(b, fb::Padding::SAME, 2, 2,
                                             fb::ActivationFunctionType::RELU6);
  auto dwOptions = fb::CreateDepthwiseConv2DOptions(b, fb::Padding::VALID, 1, 1, 1);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, shape({0, 1, 2}), shape({3}), fb::BuiltinOptions::Conv2DOptions,
                         convOptions.Union()),
      fb::CreateOperator(b, 1, shape({3, 4, -1}), shape({5}),
                         fb::BuiltinOptions::DepthwiseConv2DOptions, dwOptions.Union()),
      fb::CreateOperator(b, 2, shape({3, 6, -1}), shape({7}))};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), shape({0}), shape({fcHead ? 7 : 5}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<uint8_t> filter(72), dw(9 * dwChannels, 1), biasBytes(16, 0), fc(72);
  for (size_t k = 0; k < filter.size(); ++k)
    filter[k] = (uint8_t)(int8_t)((int)k - 36);
  for (size_t k = 0; k < fc.size(); ++k)
    fc[k] = (uint8_t)(int8_t)((int)(k % 36) - 18);
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {
      fb::CreateBuffer(b), fb::CreateBuffer(b, b.CreateVector(filter)),
      fb::CreateBuffer(b, b.CreateVector(biasBytes)), fb::CreateBuffer(b, b.CreateVector(dw)),
      fb::CreateBuffer(b, b.CreateVector(fc))};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, ConvolutionsAreNchwWithFiltersReLaidOutAtCompileTime) {
  Result r = import(buildConvNet());
  ASSERT_TRUE(r.imported) << r.diagnostics;
  // SAME on 5x6 with a 3x3 window, stride 2: 3x3 out, padding [top, left,
  // bottom, right] = [1, 0, 1, 1] (the odd element after).
  EXPECT_NE(r.ir.find("pads = array<i64: 1, 0, 1, 1>, strides = array<i64: 2, 2>"),
            std::string::npos) << r.ir;
  // OHWI [4, 3, 3, 2] -> OIHW: channel 0 of filter 0 is every other value.
  EXPECT_NE(r.ir.find("[[-36, -34, -32], [-30, -28, -26], [-24, -22, -20]]"), std::string::npos)
      << r.ir;
  // The depthwise filter 1HWC [1, 3, 3, 4] -> [4, 1, 3, 3], its scales'
  // axis 3 -> 0, one group per channel.
  EXPECT_NE(r.ir.find("tensor<4x1x3x3x!quant.uniform<i8:f32:0,"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("group = 4"), std::string::npos) << r.ir;
  // RELU6 as a clip; NHWC <-> NCHW transposes on the stored integers.
  EXPECT_NE(r.ir.find("edge.clip"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("perm = array<i64: 0, 3, 1, 2>} : (tensor<1x5x6x2x!quant.uniform"),
            std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x3x3x!quant.uniform"),
            std::string::npos) << r.ir;
}

TEST(TfliteImporter, FlattenedNhwcInputPermutesTheWeightsNotTheData) {
  Result r = import(buildConvNet(4, true));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  // No NCHW -> NHWC copy before the fully connected layer: it reads the
  // NCHW conv output, and its weight columns (h, w, ch) moved to (ch, h, w):
  // channel 0 of row 0 is every fourth value.
  EXPECT_EQ(r.ir.find("perm = array<i64: 0, 2, 3, 1>"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("[-18, -14, -10, -6, -2, 2, 6, 10, 14, -17,"), std::string::npos) << r.ir;
}

TEST(TfliteImporter, DepthwiseFilterThatDoesNotFitIsADiagnostic) {
  expectRefused(buildConvNet(6), "operator 1 (DEPTHWISE_CONV_2D, 'dw/out'): filter 1x3x3x6 does "
                                 "not fit a depthwise convolution of 4 input channels");
  expectRefused(buildConvNet(8), "operator 1 (DEPTHWISE_CONV_2D, 'dw/out'): depth_multiplier 1 "
                                 "does not match 8 output channels for 4 inputs");
}

/// One int8 STRIDED_SLICE of a 1x4x6x2 input with the given bounds and
/// masks; the output shape is `out`.
std::string buildStridedSlice(std::vector<int32_t> begin, std::vector<int32_t> end,
                              std::vector<int32_t> strides, int32_t beginMask, int32_t endMask,
                              int32_t shrinkMask, std::vector<int32_t> out) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = fb::CreateQuantizationParameters(b, 0, 0, b.CreateVector(std::vector<float>{0.5f}),
                                                b.CreateVector(std::vector<int64_t>{-1}));
  auto quant2 = fb::CreateQuantizationParameters(
      b, 0, 0, b.CreateVector(std::vector<float>{0.5f}), b.CreateVector(std::vector<int64_t>{-1}));
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  int32_t rank = (int32_t)begin.size();
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 4, 6, 2}), fb::TensorType::INT8, 0, b.CreateString("x"), quant),
      fb::CreateTensor(b, vec({rank}), fb::TensorType::INT32, 1, b.CreateString("begin")),
      fb::CreateTensor(b, vec({rank}), fb::TensorType::INT32, 2, b.CreateString("end")),
      fb::CreateTensor(b, vec({rank}), fb::TensorType::INT32, 3, b.CreateString("strides")),
      fb::CreateTensor(b, vec(out), fb::TensorType::INT8, 0, b.CreateString("y"), quant2)};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 45, 0, 1, fb::BuiltinOperator::STRIDED_SLICE)};
  auto options = fb::CreateStridedSliceOptions(b, beginMask, endMask, 0, 0, shrinkMask);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, vec({0, 1, 2, 3}), vec({4}),
                         fb::BuiltinOptions::StridedSliceOptions, options.Union())};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({4}),
                                  b.CreateVector(ops), b.CreateString("main"));
  auto bytesOf = [&](const std::vector<int32_t> &v) {
    std::vector<uint8_t> r(v.size() * 4);
    std::memcpy(r.data(), v.data(), r.size());
    return fb::CreateBuffer(b, b.CreateVector(r));
  };
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b), bytesOf(begin),
                                                          bytesOf(end), bytesOf(strides)};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, StridedSliceFollowsTfliteMasksAndBounds) {
  // Axis 0 begin- and end-masked; axis 1 from -3 to the (masked) end; axis 2
  // every other element of [0, 5); axis 3 whole.
  Result r = import(buildStridedSlice({0, -3, 0, 0}, {0, 0, 5, 0}, {1, 1, 2, 1}, 0b0001, 0b1011,
                                      0, {1, 3, 3, 2}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("ends = array<i64: 1, 4, 5, 2>, starts = array<i64: 0, 1, 0, 0>, "
                      "steps = array<i64: 1, 1, 2, 1>"),
            std::string::npos) << r.ir;
  // Backwards from the last element (a negative begin), end masked: 5, 3, 1;
  // axis 1 shrunk to its element 2.
  r = import(buildStridedSlice({0, 2, -1, 0}, {1, 3, 0, 2}, {1, 1, -2, 1}, 0, 0b0100, 0b0010,
                               {1, 3, 2}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("ends = array<i64: 1, 3, 0, 2>, starts = array<i64: 0, 2, 5, 0>, "
                      "steps = array<i64: 1, 1, -2, 1>"),
            std::string::npos) << r.ir;
  // An empty selection is a diagnostic naming the axis.
  expectRefused(buildStridedSlice({0, 3, 0, 0}, {1, 1, 6, 2}, {1, 1, 1, 1}, 0, 0, 0, {1, 1, 6, 2}),
                "dimension 1 selects no element (begin 3, end 1, stride 1)");
}

/// One binary operator `op` (code `code`) of two 1x4 inputs into a 1x4
/// output, each of type `t` with zero point `zps[k]` (scale 0.5) when `t` is
/// INT8, none for the plain integer types.
std::string buildBinary(fb::BuiltinOperator op, int32_t code, fb::TensorType t,
                        std::array<int64_t, 3> zps = {0, 0, 0}) {
  flatbuffers::FlatBufferBuilder b;
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  bool quantized = t == fb::TensorType::INT8;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (int k = 0; k < 3; ++k)
    tensors.push_back(fb::CreateTensor(b, vec({1, 4}), t, 0,
                                       b.CreateString(k == 2 ? "y" : k ? "b" : "a"),
                                       quantized ? quantOf(b, 0.5f, zps[k]) : 0));
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, static_cast<int8_t>(code), 0, 1, op)};
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, vec({0, 1}), vec({2}))};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0, 1}), vec({2}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b)};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, IntegerAndQuantizedBinaryOperators) {
  // Plain int32 and uint32 arithmetic computes in the tensors' own type.
  Result r = import(buildBinary(fb::BuiltinOperator::DIV, 42, fb::TensorType::INT32));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("edge.div %arg0, %arg1 : (tensor<1x4xi32>, tensor<1x4xi32>) -> "
                      "tensor<1x4xi32>"),
            std::string::npos)
      << r.ir;
  r = import(buildBinary(fb::BuiltinOperator::MAXIMUM, 55, fb::TensorType::UINT32));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("tensor<1x4xui32>"), std::string::npos) << r.ir;
  // int8 MINIMUM of one quantization; TFLite compares the stored integers,
  // so other quantizations are refused, as is a quantized DIV.
  r = import(buildBinary(fb::BuiltinOperator::MINIMUM, 57, fb::TensorType::INT8));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  expectRefused(buildBinary(fb::BuiltinOperator::MINIMUM, 57, fb::TensorType::INT8, {0, 3, 0}),
                "operator 0 (MINIMUM, 'y'): inputs quantized as");
  expectRefused(buildBinary(fb::BuiltinOperator::DIV, 42, fb::TensorType::INT8),
                "operator 0 (DIV, 'y'): quantized DIV is not supported");
}

/// One SOFTMAX of a 1x10 input of type `in` into an int16 output.
std::string buildSoftmax(fb::TensorType in) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 10}), in, 0, b.CreateString("logits"),
                       quant(0.25f, in == fb::TensorType::INT8 ? -3 : 0)),
      fb::CreateTensor(b, vec({1, 10}), fb::TensorType::INT16, 0, b.CreateString("probs"),
                       quant(1.f / 65536, -32768))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 25, 0, 1, fb::BuiltinOperator::SOFTMAX)};
  auto options = fb::CreateSoftmaxOptions(b, 1.f);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {fb::CreateOperator(
      b, 0, vec({0}), vec({1}), fb::BuiltinOptions::SoftmaxOptions, options.Union())};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({1}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b)};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, SoftmaxTakesInt8InputOnly) {
  // int8 -> int16 (the keyword models' last layer): TFLite's fixed point.
  Result r = import(buildSoftmax(fb::TensorType::INT8));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("numerics = #edge.numerics<tflite>"), std::string::npos) << r.ir;
  // TFLite's int16 softmax uses other tables; refused by name, not computed
  // with the int8 ones.
  expectRefused(buildSoftmax(fb::TensorType::INT16),
                "operator 0 (SOFTMAX, 'probs'): an int16 input is not supported (only int8)");
}

/// Two int8 SVDF layers (rank 2, int16 state) reading one 1x4 input. How
/// the model goes wrong: `variable` false (a state that is not a variable
/// tensor), `shared` (both layers name the same state), `floatLayer` (a
/// float SVDF).
std::string buildSvdf(bool variable = true, bool shared = false, bool floatLayer = false) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  auto i8 = floatLayer ? fb::TensorType::FLOAT32 : fb::TensorType::INT8;
  auto i16 = floatLayer ? fb::TensorType::FLOAT32 : fb::TensorType::INT16;
  auto bytes = [&](size_t n) {
    std::vector<uint8_t> d(n);
    for (size_t k = 0; k < n; ++k)
      d[k] = static_cast<uint8_t>(k * 7 + 1);
    return fb::CreateBuffer(b, b.CreateVector(d));
  };
  size_t w = floatLayer ? 4 : 1, t = floatLayer ? 4 : 2;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b), bytes(4 * 4 * w),
                                                          bytes(4 * 3 * t)};
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 4}), i8, 0, b.CreateString("x"), quant(0.5f, -1)),
      fb::CreateTensor(b, vec({4, 4}), i8, 1, b.CreateString("wf"), quant(0.25f, 0)),
      fb::CreateTensor(b, vec({4, 3}), i16, 2, b.CreateString("wt"), quant(0.125f, 0)),
      fb::CreateTensor(b, vec({1, 12}), i16, 0, b.CreateString("state0"), quant(0.5f, 0),
                       variable),
      fb::CreateTensor(b, vec({1, 12}), i16, 0, b.CreateString("state1"), quant(0.5f, 0), true),
      fb::CreateTensor(b, vec({1, 2}), i8, 0, b.CreateString("y0"), quant(1.f, 3)),
      fb::CreateTensor(b, vec({1, 2}), i8, 0, b.CreateString("y1"), quant(1.f, 3))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 27, 0, 1, fb::BuiltinOperator::SVDF)};
  auto options = fb::CreateSVDFOptions(b, 2, fb::ActivationFunctionType::RELU);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, vec({0, 1, 2, -1, 3}), vec({5}), fb::BuiltinOptions::SVDFOptions,
                         options.Union()),
      fb::CreateOperator(b, 0, vec({0, 1, 2, -1, shared ? 3 : 4}), vec({6}),
                         fb::BuiltinOptions::SVDFOptions, options.Union())};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({5, 6}),
                                  b.CreateVector(ops), b.CreateString("main"));
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, SvdfKeepsItsStateInTheLayer) {
  Result r = import(buildSvdf());
  ASSERT_TRUE(r.imported) << r.diagnostics;
  // The variable tensor is the layer's state (its type), not a graph value.
  EXPECT_NE(r.ir.find("edge.svdf"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("state_type = tensor<1x12x!quant.uniform<i16:f32, 5.000000e-01>>"),
            std::string::npos)
      << r.ir;
  EXPECT_EQ(r.ir.find("state0\")"), std::string::npos) << r.ir;
  expectRefused(buildSvdf(false),
                "operator 0 (SVDF, 'y0'): input 4 ('state0') must be a variable tensor");
  expectRefused(buildSvdf(true, true), "operator 1 (SVDF, 'y1'): the state tensor 'state0' is "
                                       "shared with another SVDF; each layer needs its own");
  expectRefused(buildSvdf(true, false, true),
                "operator 0 (SVDF, 'y0'): only integer SVDF (int8 input, weights_feature and "
                "output, per-tensor) is supported");
}

/// One int8 UNIDIRECTIONAL_SEQUENCE_LSTM: a [1, 2, 4] input, hidden size 3,
/// the hidden and cell state variable tensors. How the model goes wrong:
/// `variable` false (a cell state that is not a variable tensor), `cifg` (no
/// input gate weights), `peephole` (a cell-to-forget weight).
std::string buildLstm(bool variable = true, bool cifg = false, bool peephole = false) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  auto bytes = [&](size_t n) {
    std::vector<uint8_t> d(n);
    for (size_t k = 0; k < n; ++k)
      d[k] = static_cast<uint8_t>(k * 5 + 3);
    return fb::CreateBuffer(b, b.CreateVector(d));
  };
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b), bytes(3 * 4),
                                                          bytes(3 * 3), bytes(3 * 4)};
  auto i8 = fb::TensorType::INT8;
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 2, 4}), i8, 0, b.CreateString("x"), quant(0.05f, -3)),
      fb::CreateTensor(b, vec({3, 4}), i8, 1, b.CreateString("w"), quant(0.01f, 0)),
      fb::CreateTensor(b, vec({3, 3}), i8, 2, b.CreateString("r"), quant(0.01f, 0)),
      fb::CreateTensor(b, vec({3}), fb::TensorType::INT32, 3, b.CreateString("bias"),
                       quant(0.0005f, 0)),
      fb::CreateTensor(b, vec({1, 3}), i8, 0, b.CreateString("hidden"), quant(0.008f, -4), true),
      fb::CreateTensor(b, vec({1, 3}), fb::TensorType::INT16, 0, b.CreateString("cell"),
                       quant(1.f / 4096, 0), variable),
      fb::CreateTensor(b, vec({1, 2, 3}), i8, 0, b.CreateString("y"), quant(0.008f, -4))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {fb::CreateOperatorCode(
      b, 44, 0, 1, fb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM)};
  auto options = fb::CreateUnidirectionalSequenceLSTMOptions(b, fb::ActivationFunctionType::TANH,
                                                             10.f, 0.f, false);
  int32_t in = cifg ? -1 : 1, rec = cifg ? -1 : 2, peep = peephole ? 1 : -1;
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {fb::CreateOperator(
      b, 0,
      vec({0, in, 1, 1, 1, rec, 2, 2, 2, -1, peep, -1, cifg ? -1 : 3, 3, 3, 3, -1, -1, 4, 5, -1,
           -1, -1, -1}),
      vec({6}), fb::BuiltinOptions::UnidirectionalSequenceLSTMOptions, options.Union())};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({6}),
                                  b.CreateVector(ops), b.CreateString("main"));
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, LstmKeepsHiddenAndCellStateInTheLayer) {
  Result r = import(buildLstm());
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("edge.sequence_lstm"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("hidden_state_type = tensor<1x3x!quant.uniform<i8:f32, "
                      "0.0080000003799796104:-4>>"),
            std::string::npos)
      << r.ir;
  EXPECT_NE(r.ir.find("cell_state_type = tensor<1x3x!quant.uniform<i16:f32, 2.44140625E-4>>"),
            std::string::npos)
      << r.ir;
  expectRefused(buildLstm(false), "operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM, 'y'): input 19 "
                                  "('cell') must be a variable tensor: it is the layer's "
                                  "cell_state");
  expectRefused(buildLstm(true, true),
                "operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM, 'y'): input 1 "
                "(input_to_input_weights) is missing: a coupled input-forget gate (CIFG) LSTM "
                "is not supported");
  expectRefused(buildLstm(true, false, true),
                "operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM, 'y'): input 10 "
                "(cell_to_forget_weights) is set: only the standard LSTM (no peepholes, "
                "projection or layer norm) is supported, as in TFLite-Micro");
}

/// One LOGISTIC of a 1x8 input of type `in` into `outScale` / `outZero`.
std::string buildLogistic(fb::TensorType in, float outScale, int64_t outZero) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 8}), in, 0, b.CreateString("x"), quant(0.0625f, -3)),
      fb::CreateTensor(b, vec({1, 8}), in, 0, b.CreateString("mask"), quant(outScale, outZero))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 14, 0, 1, fb::BuiltinOperator::LOGISTIC)};
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, vec({0}), vec({1}))};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({1}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b)};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, LogisticIsTflitesFixedPointSigmoid) {
  Result r = import(buildLogistic(fb::TensorType::INT8, 1.f / 256, -128));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("edge.sigmoid"), std::string::npos) << r.ir;
  EXPECT_NE(r.ir.find("numerics = #edge.numerics<tflite>"), std::string::npos) << r.ir;
  expectRefused(buildLogistic(fb::TensorType::INT8, 1.f / 128, -128),
                "operator 0 (LOGISTIC, 'mask'): an int8 output must have scale 1/256 and zero "
                "point -128");
  expectRefused(buildLogistic(fb::TensorType::INT16, 1.f / 32768, 0),
                "operator 0 (LOGISTIC, 'mask'): an int16 input is not supported (only int8)");
}

/// One int8 TRANSPOSE_CONV of a 1x3x4x2 NHWC input by a 5x2x3x2 (OHWI)
/// filter, stride 1x2, into the NHWC output `out`; output_shape a constant
/// holding `shape` (empty: a subgraph input, as the seanet models have it).
std::string buildTransposeConv(fb::Padding padding, std::vector<int32_t> out,
                               std::vector<int32_t> shape) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) { return quantOf(b, scale, zp); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({4}), fb::TensorType::INT32, shape.empty() ? 0 : 2,
                       b.CreateString("output_shape")),
      fb::CreateTensor(b, vec({5, 2, 3, 2}), fb::TensorType::INT8, 1, b.CreateString("w"),
                       quant(0.05f, 0)),
      fb::CreateTensor(b, vec({1, 3, 4, 2}), fb::TensorType::INT8, 0, b.CreateString("x"),
                       quant(0.5f, -1)),
      fb::CreateTensor(b, vec(out), fb::TensorType::INT8, 0, b.CreateString("y"),
                       quant(0.25f, 3))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 67, 0, 1, fb::BuiltinOperator::TRANSPOSE_CONV)};
  auto options = fb::CreateTransposeConvOptions(b, padding, 2, 1);
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {
      fb::CreateOperator(b, 0, vec({0, 1, 2}), vec({3}),
                         fb::BuiltinOptions::TransposeConvOptions, options.Union())};
  std::vector<int32_t> inputs = {2};
  if (shape.empty())
    inputs.insert(inputs.begin(), 0);
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec(inputs), vec({3}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<uint8_t> w(60);
  for (size_t k = 0; k < w.size(); ++k)
    w[k] = (uint8_t)(int8_t)((int)(k * 7 % 23) - 11);
  std::vector<uint8_t> shapeBytes(shape.size() * 4);
  std::memcpy(shapeBytes.data(), shape.data(), shapeBytes.size());
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {
      fb::CreateBuffer(b), fb::CreateBuffer(b, b.CreateVector(w)),
      fb::CreateBuffer(b, b.CreateVector(shapeBytes))};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, TransposeConvIsAConvolutionOverTheSpreadInput) {
  // VALID: H 3 -> 3 + 2 - 1 = 4 (kernel 2, stride 1), W 4 -> 3 * 2 + 3 = 9
  // (kernel 3, stride 2); the conv pads kernel - 1 on both sides.
  Result r = import(buildTransposeConv(fb::Padding::VALID, {1, 4, 9, 5}, {1, 4, 9, 5}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("input_dilations = array<i64: 1, 2>, numerics = #edge.numerics<tflite>, "
                      "pads = array<i64: 1, 2, 1, 2>, "
                      "strides = array<i64: 1, 1>"),
            std::string::npos) << r.ir;
  // The filter is [O, I, kH, kW], flipped in space, at compile time: no
  // transpose or slice of the weights is left for run time.
  EXPECT_NE(r.ir.find("tensor<5x2x2x3xi8>"), std::string::npos) << r.ir;
  // SAME from the output's size (4 x 8): padding (3 - 2) / 2 = 0 before
  // along W, so the conv pads 2 before and 8 + 3 - 2 - 6 - 2 = 1 after.
  r = import(buildTransposeConv(fb::Padding::SAME, {1, 3, 8, 5}, {}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("pads = array<i64: 1, 2, 0, 1>"), std::string::npos) << r.ir;
  // A constant output_shape that disagrees with the output tensor, and an
  // output too small for the scattered result, are refused.
  expectRefused(buildTransposeConv(fb::Padding::VALID, {1, 4, 9, 5}, {1, 4, 8, 5}),
                "operator 0 (TRANSPOSE_CONV, 'y'): output_shape 1x4x8x5 differs from the "
                "output tensor's 1x4x9x5");
  expectRefused(buildTransposeConv(fb::Padding::VALID, {1, 4, 6, 5}, {}),
                "an output of 6 along W from 4 inputs (kernel 3, stride 2) crops the scattered "
                "result; not supported");
}

/// int16 [1, 6] -> QUANTIZE -> int32 (seanet_quantize1's rescale), then
/// optionally a RESHAPE of the int32 tensor to [2, 3].
std::string buildInt32Quantize(bool reshapeAfter) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale) { return quantOf(b, scale, 0); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 6}), fb::TensorType::INT16, 0, b.CreateString("x"),
                       quant(0.0005f)),
      fb::CreateTensor(b, vec({1, 6}), fb::TensorType::INT32, 0, b.CreateString("wide"),
                       quant(1.5e-7f)),
      fb::CreateTensor(b, vec({2, 3}), fb::TensorType::INT32, 0, b.CreateString("reshaped"),
                       quant(1.5e-7f))};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, 114, 0, 1, fb::BuiltinOperator::QUANTIZE),
      fb::CreateOperatorCode(b, 22, 0, 1, fb::BuiltinOperator::RESHAPE)};
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {fb::CreateOperator(b, 0, vec({0}), vec({1}))};
  if (reshapeAfter)
    ops.push_back(fb::CreateOperator(b, 1, vec({1}), vec({2})));
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}),
                                  vec({reshapeAfter ? 2 : 1}), b.CreateVector(ops),
                                  b.CreateString("main"));
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b)};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, Int32ActivationsOnlyThroughQuantize) {
  Result r = import(buildInt32Quantize(false));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("-> tensor<1x6x!quant.uniform<i32:f32, 1.5000000530562829E-7>>"), std::string::npos)
      << r.ir;
  expectRefused(buildInt32Quantize(true),
                "operator 1 (RESHAPE, 'reshaped'): input 0 (input, 'wide') is an INT32 "
                "quantized activation; only QUANTIZE and DEQUANTIZE read or write those");
}

/// One TRANSPOSE (perm) or MEAN (axes, keep_dims) of a [1, 2, 3, 4] input of
/// type `in`, the constant second input holding `ints`, into `out`.
std::string buildWithConstant(fb::BuiltinOperator code, fb::TensorType in,
                              std::vector<int32_t> ints, std::vector<int32_t> out) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&]() { return quantOf(b, 0.5f, 0); };
  auto vec = [&](std::vector<int32_t> v) { return b.CreateVector(v); };
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors = {
      fb::CreateTensor(b, vec({1, 2, 3, 4}), in, 0, b.CreateString("x"), quant()),
      fb::CreateTensor(b, vec({(int32_t)ints.size()}), fb::TensorType::INT32, 1,
                       b.CreateString("c")),
      fb::CreateTensor(b, vec(out), in, 0, b.CreateString("y"), quant())};
  std::vector<flatbuffers::Offset<fb::OperatorCode>> codes = {
      fb::CreateOperatorCode(b, (int8_t)code, 0, 1, code)};
  bool mean = code == fb::BuiltinOperator::MEAN;
  auto options = mean ? fb::CreateReducerOptions(b, true).Union()
                      : fb::CreateTransposeOptions(b).Union();
  std::vector<flatbuffers::Offset<fb::Operator>> ops = {fb::CreateOperator(
      b, 0, vec({0, 1}), vec({2}),
      mean ? fb::BuiltinOptions::ReducerOptions : fb::BuiltinOptions::TransposeOptions, options)};
  auto graph = fb::CreateSubGraph(b, b.CreateVector(tensors), vec({0}), vec({2}),
                                  b.CreateVector(ops), b.CreateString("main"));
  std::vector<uint8_t> bytes(ints.size() * 4);
  std::memcpy(bytes.data(), ints.data(), bytes.size());
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {fb::CreateBuffer(b),
                                                          fb::CreateBuffer(b, b.CreateVector(bytes))};
  return finishModel(b, codes, graph, buffers);
}

TEST(TfliteImporter, TransposeAndMean) {
  Result r = import(buildWithConstant(fb::BuiltinOperator::TRANSPOSE, fb::TensorType::INT8,
                                      {0, 3, 1, 2}, {1, 4, 2, 3}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("perm = array<i64: 0, 3, 1, 2>"), std::string::npos) << r.ir;
  expectRefused(buildWithConstant(fb::BuiltinOperator::TRANSPOSE, fb::TensorType::INT8,
                                  {0, 3, 3, 2}, {1, 4, 4, 3}),
                "operator 0 (TRANSPOSE, 'y'): perm 0x3x3x2 is not a permutation of the 4 input "
                "dimensions");
  // NHWC axes 1 and 2 (H, W) are NCHW axes 2 and 3: the mean runs on the
  // layout convolutions use, in TFLite's arithmetic.
  r = import(buildWithConstant(fb::BuiltinOperator::MEAN, fb::TensorType::INT8, {1, 2},
                               {1, 1, 1, 4}));
  ASSERT_TRUE(r.imported) << r.diagnostics;
  EXPECT_NE(r.ir.find("axes = array<i64: 2, 3>, keepdims = true, numerics = "
                      "#edge.numerics<tflite>"),
            std::string::npos) << r.ir;
  expectRefused(buildWithConstant(fb::BuiltinOperator::MEAN, fb::TensorType::INT16, {1, 2},
                                  {1, 1, 1, 4}),
                "operator 0 (MEAN, 'y'): an int16 input is not supported (only int8)");
  expectRefused(buildWithConstant(fb::BuiltinOperator::MEAN, fb::TensorType::INT8, {4},
                                  {1, 2, 3, 1}),
                "axis 4 is out of range for a rank-4 input");
}

TEST(TfliteImporter, TellsTheFormatByItsIdentifier) {
  EXPECT_TRUE(edgec::isTfliteBytes(build({})));
  EXPECT_FALSE(edgec::isTfliteBytes("\x08\x01\x12\x04TFL"));
  EXPECT_FALSE(edgec::isTfliteBytes(""));
}

} // namespace
