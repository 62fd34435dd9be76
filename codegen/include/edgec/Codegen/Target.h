//===- Target.h - target descriptions ----------------------------*- C++ -*-===//
//
// Targets are JSON files in targets/ (embedded into edgec at build time),
// parsed with LLVM's JSON library.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/IR/EdgeAttrs.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec::codegen {

struct Target {
  std::string name;
  std::string description;
  std::string isa;                   ///< e.g. "x86-64", "armv7e-m"
  int alignment = 16;
  int64_t ramBytes = 0, flashBytes = 0; ///< of a typical part; 0 = unconstrained
  std::string compiler;                 ///< C++ compiler the harness uses
  std::vector<std::string> cxxFlags;    ///< for building generated code
  bool runsOnHost = false;
  /// Kernel family edge-select-kernels chooses from (the file's `kernels`):
  /// portable, blocked (register-blocked int8 loops for scalar cores),
  /// arm-dsp (Armv7E-M SMLAD), arm-mve (Helium); layers without a specialised
  /// kernel run the portable ones.
  edge::KernelFamily kernels = edge::KernelFamily::Portable;
  std::string linker;                 ///< driver that links the harness (default: compiler)
  std::vector<std::string> linkFlags; ///< C library, startup code, semihosting
  std::string toolchainPackage;       ///< Debian package of `compiler`, for error messages

  /// How a bare-metal target runs under emulation (empty command: it does not).
  struct Emulator {
    std::vector<std::string> command; ///< e.g. qemu-system-arm -M mps2-an386
    std::string package;              ///< Debian package of command[0]
    int64_t flashOrigin = 0, flashBytes = 0; ///< of the emulated board
    int64_t ramOrigin = 0, ramBytes = 0;
    int64_t stackBytes = 16384;
    /// Where the emulated core reads its reset stack pointer and PC when that
    /// is not flash_origin (an mps3-an547 boots from its 512 KB ITCM at 0;
    /// flash lives in DDR so that large weights fit): the harness links a
    /// two-word table there. -1: the vector table at flash_origin.
    int64_t bootVectors = -1;
    int timeoutSeconds = 120;
    /// "m4" or "m55": the in-order model by which the instruction-count
    /// plugin estimates cycles (compiler/tools/qemu-icount.c); empty: none.
    std::string cycleModel;
  } emulator;
};

/// "256K", "1M", "65536" -> bytes; nullopt when malformed or not positive.
std::optional<int64_t> parseByteSize(const std::string &text);

/// Parses one target description. On failure returns nullopt and sets
/// `error` to a message naming the file and the field.
std::optional<Target> parseTarget(const std::string &json, const std::string &fileName,
                                  std::string &error);

/// All built-in targets, sorted by name.
std::vector<Target> builtinTargets();

/// Built-in target files that fail to parse (file: message); empty when all parse.
std::vector<std::string> brokenBuiltinTargets();

/// The built-in target `name`, or a target file when `name` ends in ".json";
/// nullopt otherwise (then `error` lists the known targets, or says what is
/// wrong with the file).
std::optional<Target> findTarget(const std::string &name, std::string &error);

} // namespace edgec::codegen
