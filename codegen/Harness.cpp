//===- Harness.cpp - the generated test program and its CMake project ------===//
//
// With --harness, edgec writes <name>_main.cpp (reads .npy inputs, runs the
// model, writes .npy outputs; --bench and --trace) and a CMakeLists.txt that
// builds it with the target's flags. Neither is part of the model's API.
//
//===----------------------------------------------------------------------===//

#include "CppEmitter.h"
#include "edgec/Support/Version.h"

#include <fmt/format.h>

namespace edgec::codegen::detail {

std::string CppEmitter::harnessSource() const {
  std::string n = opts.name, N = upper(n);
  Block &fb = func.getBody().front();
  auto ret = cast<func::ReturnOp>(fb.getTerminator());
  std::string out = banner(n + "_main.cpp: test harness (reads .npy inputs, writes out_<i>.npy"
                               "; int8 outputs also as out_<i>.q.npy).");
  out += fmt::format("#include \"{}.h\"\n\n#include \"edgec/harness/npy.h\"\n", n);
  if (hasQuantizedIO())
    out += "#include \"edgec/kernels/ref/elementwise_s8.h\"\n";
  if (llvm::any_of(fb.getArguments(), [](Value v) { return floatCarried(v); }) ||
      llvm::any_of(ret.getOperands(), [](Value v) { return floatCarried(v); }))
    out += "#include \"edgec/narrow_types.h\"\n";
  if (opts.traceLayers)
    out += "\n// Layer tracing: each layer's output into <out>/layer_<k>.bin.\n"
           "static const char *trace_dir = \".\";\n"
           "extern \"C\" void edgec_trace_layer(int index, const char *, const void *data, "
           "size_t bytes) {\n"
           "  char path[1100];\n"
           "  snprintf(path, sizeof path, \"%s/layer_%d.bin\", trace_dir, index);\n"
           "  FILE *f = fopen(path, \"wb\");\n"
           "  if (f) { fwrite(data, 1, bytes, f); fclose(f); }\n"
           "  edgec_trace_resume();\n"
           "}\n";
  out += "\nint main(int argc, char **argv) {\n";
  out += fmt::format("  edgec::harness::Args args(argc, argv, {}_NUM_INPUTS);\n"
                     "  if (!args.ok) return 1;\n",
                     N);
  if (opts.traceLayers)
    out += "  trace_dir = args.outDir;\n";
  std::string callArgs, save;
  for (size_t k = 0; k < inputParams.size(); ++k) {
    Value a = fb.getArgument(k);
    bool q = quantizedElement(a.getType()) != nullptr;
    if (floatCarried(a)) { // read as float32, stored as the type's bits (as Cast, saturating)
      out += fmt::format("  static const int64_t in{0}_shape[] = {1};\n"
                         "  edgec::harness::Buffer<float> in{0}_f({2});\n"
                         "  if (!in{0}_f.load(args.inputs[{0}], \"<f4\", in{0}_shape, {3})) return 1;\n"
                         "  edgec::harness::Buffer<{4}> in{0}({2});\n"
                         "  for (int64_t i = 0; i < {2}; ++i)\n"
                         "    in{0}.data[i] = edgec::to_narrow_float<{5}>(in{0}_f.data[i], true).bits;\n",
                         k, fmt::format("{}_INPUT_{}_SHAPE", N, k), numElements(a),
                         shapeOf(a).size(), apiCtypeOf(a), ctypeOf(a));
      callArgs += fmt::format(", in{}.data", k);
      continue;
    }
    std::string loaded = q ? "float" : apiCtypeOf(a);
    out += fmt::format("  static const int64_t in{0}_shape[] = {1};\n"
                       "  edgec::harness::Buffer<{2}> in{0}({3});\n"
                       "  if (!in{0}.load(args.inputs[{0}], \"{4}\", in{0}_shape, {5})) return 1;\n",
                       k, fmt::format("{}_INPUT_{}_SHAPE", N, k), loaded, numElements(a),
                       q ? "<f4" : npyDescrOf(a), shapeOf(a).size());
    if (q) {
      out += fmt::format("  edgec::harness::Buffer<{3}> in{0}_q({1});\n"
                         "  edgec::quantize_f32_s8(in{0}.data, in{0}_q.data, {1}, {2}_INPUT_{0}_SCALE, "
                         "{2}_INPUT_{0}_ZERO_POINT);\n",
                         k, numElements(a), N, ctypeOf(a));
      callArgs += fmt::format(", in{}_q.data", k);
    } else {
      callArgs += fmt::format(", in{}.data", k);
    }
  }
  // --float-api: the float convenience entry point of a quantized model, which
  // quantizes and dequantizes by itself (every input and output real).
  auto isReal = [](Value v) {
    return quantizedElement(v.getType()) || getElementTypeOrSelf(v.getType()).isF32();
  };
  if (hasQuantizedIO() && llvm::all_of(fb.getArguments(), isReal) &&
      llvm::all_of(ret.getOperands(), isReal)) {
    std::string floatCall, floatSave;
    for (size_t k = 0; k < inputParams.size(); ++k)
      floatCall += fmt::format("{}in{}.data", floatCall.empty() ? "" : ", ", k);
    out += "  if (args.floatApi) {\n";
    for (size_t k = 0; k < outputParams.size(); ++k) {
      Value v = ret.getOperand(k);
      out += fmt::format("    static const int64_t out{0}_shape[] = {1}_OUTPUT_{0}_SHAPE;\n"
                         "    edgec::harness::Buffer<float> out{0}({2});\n",
                         k, N, numElements(v));
      floatCall += fmt::format("{}out{}.data", floatCall.empty() ? "" : ", ", k);
      floatSave += fmt::format(
          "    if (!out{0}.save(args.outputPath({0}), \"<f4\", out{0}_shape, {1})) return 1;\n", k,
          shapeOf(v).size());
    }
    if (stateBytes() > 0) // --repeat N: N runs through the static arena, state carried
      out += fmt::format("    for (int r = 0; r < args.repeat; ++r) {{\n"
                         "      int status = {}_run_float({});\n"
                         "      if (status != 0) {{ edgec::harness::fail(\"model returned status\", "
                         "status); return 1; }}\n    }}\n",
                         n, floatCall);
    else
      out += fmt::format("    int status = {}_run_float({});\n"
                         "    if (status != 0) {{ edgec::harness::fail(\"model returned status\", "
                         "status); return 1; }}\n",
                         n, floatCall);
    out += floatSave + "    return 0;\n  }\n";
  }
  for (size_t k = 0; k < outputParams.size(); ++k) {
    Value v = ret.getOperand(k);
    bool q = quantizedElement(v.getType()) != nullptr;
    out += fmt::format("  static const int64_t out{0}_shape[] = {1};\n"
                       "  edgec::harness::Buffer<{2}> out{0}({3});\n",
                       k, fmt::format("{}_OUTPUT_{}_SHAPE", N, k), apiCtypeOf(v), numElements(v));
    callArgs += fmt::format(", out{}.data", k);
    if (floatCarried(v))
      save += fmt::format("  edgec::harness::Buffer<float> out{0}_f({1});\n"
                          "  for (int64_t i = 0; i < {1}; ++i)\n"
                          "    out{0}_f.data[i] = edgec::narrow_float_value({3}{{out{0}.data[i]}});\n"
                          "  if (!out{0}_f.save(args.outputPath({0}), \"<f4\", out{0}_shape, {2})) "
                          "return 1;\n",
                          k, numElements(v), shapeOf(v).size(), ctypeOf(v));
    else if (q)
      save += fmt::format(
          "  if (!out{0}.save(args.rawOutputPath({0}), \"{4}\", out{0}_shape, {1})) return 1;\n"
          "  edgec::harness::Buffer<float> out{0}_f({2});\n"
          "  edgec::dequantize_s8_f32(out{0}.data, out{0}_f.data, {2}, {3}_OUTPUT_{0}_SCALE, "
          "{3}_OUTPUT_{0}_ZERO_POINT);\n"
          "  if (!out{0}_f.save(args.outputPath({0}), \"<f4\", out{0}_shape, {1})) return 1;\n",
          k, shapeOf(v).size(), numElements(v), N, harnessDtype(ctypeOf(v)));
    else
      save += fmt::format(
          "  if (!out{0}.save(args.outputPath({0}), \"{1}\", out{0}_shape, {2})) return 1;\n", k,
          npyDescrOf(v), shapeOf(v).size());
  }
  out += fmt::format("  alignas({0}_ARENA_ALIGNMENT) static uint8_t arena[{0}_ARENA_SIZE > 0 ? "
                     "{0}_ARENA_SIZE : 1];\n"
                     "{3}"
                     "  auto run = [&]() {{ return {1}_run_with_arena(arena{2}); }};\n"
                     "{4}"
                     "  edgec_region_begin();\n"
                     "  int status = run();\n"
                     "  edgec_region_end();\n"
                     "  if (status != 0) {{ edgec::harness::fail(\"model returned status\", status); return 1; }}\n"
                     "  if (args.bench > 0) edgec::harness::benchmark(run, args.bench);\n",
                     N, n, callArgs,
                     stateBytes() > 0
                         ? fmt::format("  // A fresh model: every layer's state at its start.\n"
                                       "  if ({}_reset_with_arena(arena) != 0) return 1;\n",
                                       n)
                         : std::string(),
                     // Its state carried over N - 1 runs before the one measured.
                     stateBytes() > 0
                         ? "  for (int r = 1; r < args.repeat; ++r)\n"
                           "    if (int status = run(); status != 0) {\n"
                           "      edgec::harness::fail(\"model returned status\", status);\n"
                           "      return 1;\n    }\n"
                         : "");
  out += save + "  return 0;\n}\n";
  return out;
}

std::string CppEmitter::harnessCMake() const {
  // Flags come from a target description: each one CMake-quoted, so no text
  // in them can end the argument list or reference a variable.
  std::string n = opts.name, flags;
  for (const std::string &f : target.cxxFlags)
    if (f.rfind("-std=", 0) != 0)
      flags += " " + cmakeQuoted(f);
  return fmt::format(
      "# Generated by edgec {1}. Builds the model as a library and the host test harness.\n"
      "cmake_minimum_required(VERSION 3.16)\nproject({0}_generated CXX)\n\n"
      "set(CMAKE_CXX_STANDARD 20)\nset(CMAKE_CXX_STANDARD_REQUIRED ON)\n\n"
      "add_library({0} STATIC {0}.cpp {0}_weights.cpp)\n"
      "target_include_directories({0} PUBLIC ${{CMAKE_CURRENT_SOURCE_DIR}})\n"
      "target_compile_options({0} PRIVATE -Wall -Wextra -Werror{2})\n\n"
      "add_executable({0}_main {0}_main.cpp)\n"
      "target_link_libraries({0}_main PRIVATE {0})\n"
      "target_compile_options({0}_main PRIVATE -Wall -Wextra -Werror{2})\n",
      n, EDGEC_VERSION_STRING, flags);
}

} // namespace edgec::codegen::detail
