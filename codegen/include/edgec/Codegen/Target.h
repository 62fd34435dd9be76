//===- Target.h - target descriptions ----------------------------*- C++ -*-===//
//
// Targets are JSON files in targets/ (embedded into edgec at build time),
// parsed with LLVM's JSON library.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec::codegen {

struct Target {
  std::string name;
  std::string description;
  std::string isa;                   ///< e.g. "x86-64", "armv7e-m"
  std::vector<std::string> features; ///< e.g. "avx2", "dsp", "fpu"
  int wordBits = 32;
  int alignment = 16;
  int64_t ramBytes = 0, flashBytes = 0; ///< of a typical part; 0 = unconstrained
  std::string compiler;                 ///< C++ compiler the harness uses
  std::vector<std::string> cxxFlags;    ///< for building generated code
  bool runsOnHost = false;
};

/// Parses one target description. On failure returns nullopt and sets
/// `error` to a message naming the file and the field.
std::optional<Target> parseTarget(const std::string &json, const std::string &fileName,
                                  std::string &error);

/// All built-in targets, sorted by name.
std::vector<Target> builtinTargets();

/// The built-in target `name`, or nullopt (then `error` lists the known ones).
std::optional<Target> findTarget(const std::string &name, std::string &error);

} // namespace edgec::codegen
