// Importer pieces: tensor decoding (raw, typed fields, external data), opset
// dispatch, shape folding, error collection, and MAC counts on real models.
#include "edgec/Codegen/Report.h"
#include "edgec/IR/EdgeOps.h"
#include "edgec/Import/OnnxImporter.h"
#include "../../compiler/import/ImporterImpl.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace edgec;
using namespace mlir;

namespace {

ImportOptions shapeOptions(const std::string &input, std::vector<int64_t> shape) {
  ImportOptions o;
  o.inputShapes[input] = std::move(shape);
  return o;
}


struct Imported {
  MLIRContext ctx;
  std::vector<std::string> errors;
  OwningOpRef<ModuleOp> module;

  explicit Imported(const std::string &text, ImportOptions options = {}) {
    ScopedDiagnosticHandler h(&ctx, [&](Diagnostic &d) {
      errors.push_back(d.str());
      return success();
    });
    module = importOnnxBytes(ctx, text, "test.onnxtxt", "", options);
  }

  template <typename OpT> int count() {
    int n = 0;
    module->walk([&](OpT) { ++n; });
    return n;
  }
};

std::string model(int opset, const std::string &sig, const std::string &body) {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) + "]>\nm " + sig +
         "\n{\n" + body + "\n}\n";
}

TEST(TensorProto, DecodesRawAndTypedData) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(2);
  t.add_float_data(1.5f);
  t.add_float_data(-2.f);
  std::string error;
  auto r = onnx_import::tensorFromProto(t, "", error);
  ASSERT_TRUE(succeeded(r)) << error;
  EXPECT_EQ(r->f, (std::vector<float>{1.5f, -2.f}));

  onnx::TensorProto raw;
  raw.set_data_type(onnx::TensorProto::INT64);
  raw.add_dims(2);
  int64_t vals[2] = {7, -3};
  raw.set_raw_data(std::string(reinterpret_cast<char *>(vals), sizeof(vals)));
  r = onnx_import::tensorFromProto(raw, "", error);
  ASSERT_TRUE(succeeded(r)) << error;
  EXPECT_EQ(r->i, (std::vector<int64_t>{7, -3}));

  raw.add_dims(3); // now 2x3 but only 2 values
  EXPECT_TRUE(failed(onnx_import::tensorFromProto(raw, "", error)));
  EXPECT_NE(error.find("needs 6"), std::string::npos) << error;
}

TEST(TensorProto, ReadsExternalData) {
  std::string dir = ::testing::TempDir();
  float data[4] = {0.f, 1.f, 2.f, 3.f};
  {
    std::ofstream f(dir + "/weights.bin", std::ios::binary);
    f.write("PAD!", 4);
    f.write(reinterpret_cast<char *>(data), sizeof(data));
  }
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(4);
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const char *k, const char *v) {
    auto *e = t.add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  add("location", "weights.bin");
  add("offset", "4");
  add("length", "16");
  std::string error;
  auto r = onnx_import::tensorFromProto(t, dir, error);
  ASSERT_TRUE(succeeded(r)) << error;
  EXPECT_EQ(r->f, (std::vector<float>{0.f, 1.f, 2.f, 3.f}));

  t.mutable_external_data(0)->set_value("../escape.bin");
  EXPECT_TRUE(failed(onnx_import::tensorFromProto(t, dir, error)));
  EXPECT_NE(error.find("relative path"), std::string::npos) << error;
}

TEST(Importer, FoldsShapeSubgraphsToStaticReshape) {
  Imported m(model(13, "(float[N, 3, 4, 4] x) => (float[N, 48] y)",
                   "s = Shape (x)\n"
                   "i = Constant <value = int64[1] {0}> ()\n"
                   "n = Gather <axis = 0> (s, i)\n"
                   "k = Constant <value = int64[1] {-1}> ()\n"
                   "t = Concat <axis = 0> (n, k)\n"
                   "y = Reshape (x, t)"),
             shapeOptions("x", {2, 3, 4, 4}));
  ASSERT_TRUE(m.module) << (m.errors.empty() ? "" : m.errors[0]);
  EXPECT_EQ(m.count<edge::ReshapeOp>(), 1);
  EXPECT_EQ(m.count<edge::GatherOp>(), 0);
  EXPECT_EQ(m.count<edge::ConcatOp>(), 0);
  auto f = m.module->lookupSymbol<func::FuncOp>("main");
  EXPECT_EQ(cast<ShapedType>(f.getResultTypes()[0]).getShape(), (ArrayRef<int64_t>{2, 48}));
}

TEST(Importer, DispatchesOnOpset) {
  // Clip-6 takes attributes, Clip-11 constant inputs; both become edge.clip.
  Imported a(model(7, "(float[4] x) => (float[4] y)", "y = Clip <min = -1.0, max = 2.0> (x)"));
  ASSERT_TRUE(a.module);
  edge::ClipOp clip;
  a.module->walk([&](edge::ClipOp c) { clip = c; });
  EXPECT_EQ(clip.getMin().convertToFloat(), -1.f);
  Imported b(model(13, "(float[4] x) => (float[4] y)",
                   "lo = Constant <value = float {0.0}> ()\nhi = Constant <value = float {6.0}> ()\n"
                   "y = Clip (x, lo, hi)"));
  ASSERT_TRUE(b.module);
  b.module->walk([&](edge::ClipOp c) { clip = c; });
  EXPECT_EQ(clip.getMax().convertToFloat(), 6.f);
  // Softmax before 13 coerces to 2-D: reshapes appear around it.
  Imported c(model(11, "(float[2, 3, 4] x) => (float[2, 3, 4] y)", "y = Softmax (x)"));
  ASSERT_TRUE(c.module);
  EXPECT_EQ(c.count<edge::ReshapeOp>(), 2);
  Imported d(model(13, "(float[2, 3, 4] x) => (float[2, 3, 4] y)", "y = Softmax (x)"));
  ASSERT_TRUE(d.module);
  EXPECT_EQ(d.count<edge::ReshapeOp>(), 0);
}

TEST(Importer, ReportsEveryUnsupportedNodeInOneRun) {
  Imported m(model(13, "(float[4] x) => (float[4] y)",
                   "a = Relu (x)\nb = FancyOp (a)\nc = Relu (b)\nd = OtherOp (x)\ny = Add (c, d)"));
  EXPECT_FALSE(m.module);
  std::string all;
  for (auto &e : m.errors)
    all += e + "\n";
  EXPECT_NE(all.find("FancyOp_0': unsupported operator ai.onnx::FancyOp"), std::string::npos) << all;
  EXPECT_NE(all.find("OtherOp_0': unsupported operator ai.onnx::OtherOp"), std::string::npos) << all;
  EXPECT_NE(all.find("2 node(s) cannot be imported"), std::string::npos) << all;
}

TEST(Importer, RejectsOpsNewerThanTheModelOpset) {
  Imported m(model(13, "(float[4] x) => (float[4] y)", "y = HardSwish (x)"));
  EXPECT_FALSE(m.module);
  ASSERT_FALSE(m.errors.empty());
  EXPECT_NE(m.errors[0].find("not defined before opset 14"), std::string::npos) << m.errors[0];
}

TEST(Importer, ResolvesAutoPadSameUpper) {
  Imported m(model(13, "(float[1, 1, 5, 5] x, float[2, 1, 3, 3] w) => (float[1, 2, 3, 3] y)",
                   "y = Conv <auto_pad = \"SAME_UPPER\", strides = [2, 2]> (x, w)"));
  ASSERT_TRUE(m.module) << (m.errors.empty() ? "" : m.errors[0]);
  m.module->walk([&](edge::Conv2DOp c) {
    EXPECT_EQ(c.getPads(), (ArrayRef<int64_t>{1, 1, 1, 1}));
    EXPECT_EQ(c.getOutput().getType().getShape(), (ArrayRef<int64_t>{1, 2, 3, 3}));
  });
}

TEST(Importer, InputShapeOverrideMustMatchFixedDims) {
  Imported m(model(13, "(float[N, 3] x) => (float[N, 3] y)", "y = Relu (x)"),
             shapeOptions("x", {4, 5}));
  EXPECT_FALSE(m.module);
  ASSERT_FALSE(m.errors.empty());
  EXPECT_NE(m.errors[0].find("conflicts with the model's fixed dimension 1 = 3"),
            std::string::npos)
      << m.errors[0];
}

int64_t totalMacs(const std::string &name) {
  MLIRContext ctx;
  auto module = importOnnxFile(ctx, std::string(EDGEC_MODELS_DIR) + "/" + name + ".onnx", {});
  EXPECT_TRUE(module);
  int64_t macs = 0;
  for (const auto &l : codegen::analyzeLayers(*module))
    macs += l.macs;
  return macs;
}

TEST(Inspect, MacCountsMatchHandComputedValues) {
  // digits_cnn: conv 1->8 3x3 on 8x8 (8*64*9) + conv 8->16 3x3 on 4x4
  // (16*16*72) + fc 64->10.
  EXPECT_EQ(totalMacs("digits_cnn"), 8 * 64 * 9 + 16 * 16 * 72 + 64 * 10);
  // ds_cnn: conv 1->64 10x4 stride 2 to 25x5, 4 x (depthwise 3x3 + pointwise
  // 64->64) on 25x5, fc 64->12.
  EXPECT_EQ(totalMacs("ds_cnn"),
            64 * 125 * 40 + 4 * (64 * 125 * 9 + 64 * 125 * 64) + 64 * 12);
  // autoencoder: 640-128-128-128-128-8-128-128-128-128-640 dense layers.
  EXPECT_EQ(totalMacs("autoencoder"),
            640 * 128 + 3 * 128 * 128 + 128 * 8 + 8 * 128 + 3 * 128 * 128 + 128 * 640);
}

} // namespace
