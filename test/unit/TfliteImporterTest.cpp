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

/// The model with one field of Spec changed.
template <typename T> std::string buildWith(T Spec::*field, T value) {
  Spec s;
  s.*field = value;
  return build(s);
}

std::string build(const Spec &s) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](float scale, int64_t zp) {
    return fb::CreateQuantizationParameters(b, 0, 0, b.CreateVector(std::vector<float>{scale}),
                                            b.CreateVector(std::vector<int64_t>{zp}));
  };
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
  auto model = fb::CreateModel(b, 3, b.CreateVector(codes),
                               b.CreateVector(std::vector<flatbuffers::Offset<fb::SubGraph>>{graph}),
                               b.CreateString("edgec unit test"), b.CreateVector(buffers));
  fb::FinishModelBuffer(b, model);
  return std::string(reinterpret_cast<const char *>(b.GetBufferPointer()), b.GetSize());
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
  s.extraOps = {fb::BuiltinOperator::SVDF, fb::BuiltinOperator::RIGHT_SHIFT};
  s.extraCustom = "SignalWindow";
  Result r = import(build(s));
  EXPECT_FALSE(r.imported);
  EXPECT_NE(r.diagnostics.find("operator 1 (SVDF, output 'dense/Relu')"), std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("operator 2 (RIGHT_SHIFT, output 'dense/Relu')"),
            std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("operator 3 (custom op 'SignalWindow'"), std::string::npos)
      << r.diagnostics;
  EXPECT_NE(r.diagnostics.find("3 operator(s) cannot be imported"), std::string::npos)
      << r.diagnostics;
}

TEST(TfliteImporter, TellsTheFormatByItsIdentifier) {
  EXPECT_TRUE(edgec::isTfliteBytes(build({})));
  EXPECT_FALSE(edgec::isTfliteBytes("\x08\x01\x12\x04TFL"));
  EXPECT_FALSE(edgec::isTfliteBytes(""));
}

} // namespace
