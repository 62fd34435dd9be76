// Emitter: API shape of the header, exact float spelling of weights,
// determinism, and diagnostics for ops it cannot generate.
#include "edgec/Codegen/Emitter.h"
#include "edgec/Import/OnnxImporter.h"
#include "edgec/Pipelines/Pipelines.h"

#include "edgec/IR/EdgeOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace edgec;
using namespace mlir;

namespace {

struct Compiled {
  MLIRContext ctx;
  std::vector<std::string> errors;
  std::map<std::string, std::string> files;

  explicit Compiled(const std::string &text, const std::string &name = "net") {
    ScopedDiagnosticHandler h(&ctx, [&](Diagnostic &d) {
      errors.push_back(d.str());
      return success();
    });
    auto module = importOnnxBytes(ctx, text, "t.onnxtxt", "", {});
    if (!module)
      return;
    PassManager pm(&ctx);
    buildCompilePipeline(pm, {});
    if (failed(pm.run(*module)))
      return;
    std::string error;
    auto target = codegen::findTarget("generic", error);
    codegen::EmitOptions opts;
    opts.name = name;
    opts.harness = true;
    auto out = codegen::emitCpp(*module, *target, opts);
    if (failed(out))
      return;
    for (auto &f : *out)
      files[f.path] = f.content;
  }
};

const char *kNet = R"(<ir_version: 8, opset_import: ["" : 13]>
m (float[1, 4] in) => (float[1, 2] out, float[1, 2] out2)
  <float[2, 4] w = {0.1, 0.2, 0.30000001, -1e-30, 3.4028235e38, 1.17549435e-38, 7, 8}>
{
  g = Gemm <transB = 1> (in, w)
  out = Relu (g)
  out2 = Identity (g)
}
)";

TEST(Emitter, HeaderDeclaresTheContract) {
  Compiled c(kNet);
  ASSERT_TRUE(c.errors.empty()) << c.errors[0];
  const std::string &h = c.files["net.h"];
  EXPECT_NE(h.find("#define NET_ARENA_SIZE "), std::string::npos);
  EXPECT_NE(h.find("#define NET_INPUT_0_SHAPE {1, 4}"), std::string::npos);
  EXPECT_NE(h.find("int net_run_with_arena(uint8_t *arena, const float *in_in, float *out_out, "
                   "float *out_out2);"),
            std::string::npos)
      << h;
  EXPECT_TRUE(c.files.count("net.cpp") && c.files.count("net_weights.cpp") &&
              c.files.count("net_main.cpp") && c.files.count("CMakeLists.txt") &&
              c.files.count("edgec/runtime.h") && c.files.count("report.json"));
}

TEST(Emitter, WeightsRoundTripExactly) {
  Compiled c(kNet);
  const std::string &w = c.files["net_weights.cpp"];
  size_t open = w.find("= {");
  ASSERT_NE(open, std::string::npos);
  const float expect[] = {0.1f, 0.2f, 0.30000001f, -1e-30f, 3.4028235e38f, 1.17549435e-38f, 7.f, 8.f};
  const char *p = w.c_str() + open + 3;
  for (float e : expect) {
    char *end;
    float v = std::strtof(p, &end);
    EXPECT_EQ(v, e);
    p = end + 2; // "f,"
  }
}

TEST(Emitter, SharedResultIsWrittenOnceAndCopied) {
  Compiled c(kNet);
  const std::string &src = c.files["net.cpp"];
  // Gemm's result feeds Relu and is itself the second output: it lives in the
  // caller's out_out2 buffer (first use as output) and Relu writes out_out.
  EXPECT_NE(src.find("fc_f32<Gemm_0_p>(in_in, weights::w_w, nullptr, out_out2);"),
            std::string::npos)
      << src;
  EXPECT_NE(src.find("(out_out2, out_out);"), std::string::npos) << src;
}

TEST(Emitter, IsDeterministic) {
  Compiled a(kNet), b(kNet);
  EXPECT_EQ(a.files, b.files);
}

TEST(Emitter, NamesFromTheModelNeverReachTheCodeRaw) {
  Compiled c(R"(<ir_version: 8, opset_import: ["" : 13]>
m (float[2] x) => (float[2] y)
{
  y = Relu (x)
}
)");
  ASSERT_TRUE(c.errors.empty());
  // Node names are sanitized; here the unnamed node gets a generated name.
  EXPECT_NE(c.files["net.cpp"].find("// node 'Relu_0' (edge.relu)"), std::string::npos);
}

} // namespace

// Range check before emission: a parameter that reaches a kernel's int32_t
// field out of range is a diagnostic naming the node and the field, never
// generated code that fails to build. (The importer refuses such Conv
// attributes earlier; this is the emitter's own net, fed IR directly.)
TEST(Emitter, ParameterOutOfKernelFieldRange) {
  MLIRContext ctx;
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect>();
  std::vector<std::string> errors;
  ScopedDiagnosticHandler h(&ctx, [&](Diagnostic &d) {
    errors.push_back(d.str());
    return success();
  });
  const char *ir = R"(
func.func @main(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x1x1xf32> {
  %w = edge.constant dense<1.0> : tensor<1x1x3x3xf32> loc("w")
  %y = edge.conv2d %x, %w {strides = array<i64: 1099511627776, 1099511627776>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x8x8xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32> loc("conv")
  return %y : tensor<1x1x1x1xf32>
})";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &ctx);
  ASSERT_TRUE(module) << (errors.empty() ? "" : errors.front());
  PassManager pm(&ctx);
  buildCompilePipeline(pm, {});
  ASSERT_TRUE(succeeded(pm.run(*module))) << (errors.empty() ? "" : errors.front());
  std::string error;
  auto target = codegen::findTarget("generic", error);
  codegen::EmitOptions opts;
  opts.name = "net";
  EXPECT_TRUE(failed(codegen::emitCpp(*module, *target, opts)));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.back().find("kernel parameter stride_h = 1099511627776 does not fit its "
                               "32-bit field"),
            std::string::npos)
      << errors.back();
}

// Every op that needs a kernel (kernels::isComputeOp: not a constant, not a
// view) has an EdgeKernelOpInterface model: an op added to the dialect without
// one would reach code generation as "no kernel".
TEST(Emitter, EveryComputeOpHasAnEmissionModel) {
  MLIRContext ctx;
  ctx.loadDialect<edge::EdgeDialect>();
  codegen::attachKernelEmitters(ctx);
  codegen::attachKernelEmitters(ctx); // idempotent
  std::vector<std::string> missing;
  int checked = 0;
  for (RegisteredOperationName name : ctx.getRegisteredOperations()) {
    if (name.getDialectNamespace() != "edge" || name.getStringRef() == "edge.constant" ||
        name.hasTrait<OpTrait::EdgeView>())
      continue;
    ++checked;
    if (!name.hasInterface<edge::EdgeKernelOpInterface>())
      missing.push_back(name.getStringRef().str());
  }
  EXPECT_GT(checked, 90);
  EXPECT_TRUE(missing.empty()) << "no emission model: " << missing.front();
}

// The emitter's own net under the quantizer's bias bound: an int32 array the
// generated code would hold (here a blocked kernel's folded bias, bias - zx *
// sum(w), from a hand-written bias at INT32_MAX) that leaves int32 is a
// diagnostic naming the node, the array and the element, not a literal that
// fails to build (x86-64, rv32) or wraps (Cortex-M4).
TEST(Emitter, Int32ConstantOutOfRange) {
  MLIRContext ctx;
  ctx.loadDialect<edge::EdgeDialect, func::FuncDialect, mlir::quant::QuantizationDialect>();
  std::vector<std::string> errors;
  ScopedDiagnosticHandler h(&ctx, [&](Diagnostic &d) {
    errors.push_back(d.str());
    return success();
  });
  const char *ir = R"(
func.func @main(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> {
  %w = edge.constant dense<1> : tensor<8x4x3x3xi8> as tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>> loc("w")
  %b = edge.constant dense<2147483647> : tensor<8xi32> as tensor<8x!quant.uniform<i32:f32, 0.001>> loc("b")
  %y = edge.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x4x3x3x!quant.uniform<i8:f32, 0.01>>, tensor<8x!quant.uniform<i32:f32, 0.001>>) -> tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>> loc("conv")
  return %y : tensor<1x8x8x8x!quant.uniform<i8:f32, 0.2:1>>
})";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &ctx);
  ASSERT_TRUE(module) << (errors.empty() ? "" : errors.front());
  std::string error;
  auto target = codegen::findTarget("x86-64", error);
  ASSERT_TRUE(target) << error;
  PassManager pm(&ctx);
  CompilePipelineOptions options;
  options.family = target->kernels;
  buildCompilePipeline(pm, options);
  ASSERT_TRUE(succeeded(pm.run(*module))) << (errors.empty() ? "" : errors.front());
  codegen::EmitOptions opts;
  opts.name = "net";
  EXPECT_TRUE(failed(codegen::emitCpp(*module, *target, opts)));
  ASSERT_FALSE(errors.empty());
  // 2147483647 - (-3) * 36 = 2147483755
  EXPECT_NE(errors.back().find("int32_t constant 'conv_bias_adj' element 0 is 2147483755, "
                               "outside int32_t"),
            std::string::npos)
      << errors.back();
}
