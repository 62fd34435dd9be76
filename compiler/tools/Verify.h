//===- Verify.h - build generated code for a target and run it ---*- C++ -*-===//
//
// The part of `edgec verify` that leaves the compiler: building the generated
// sources and harness with the target's own toolchain, running the program
// on the host or under QEMU (semihosting for files, a hard timeout, and the
// edgec-qemu-icount plugin for the instruction count), and comparing its
// outputs with the reference evaluator's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "edgec/Codegen/Target.h"
#include "edgec/Support/Tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec::verify {

/// Empty when the target's compiler, linker and emulator are installed;
/// otherwise a message naming the missing program and its Debian package.
std::string missingTools(const codegen::Target &target);

struct Build {
  std::string error;      ///< empty on success (else includes the compiler's output)
  std::string executable; ///< host program or ELF image
  int64_t flashBytes = 0; ///< code + constant data of the model's own objects
  /// Writable data and .bss of the model's own objects: the static arena of
  /// <name>_run, the staging buffers of a float interface, any other static.
  int64_t staticRamBytes = 0;
  /// Stack of one inference, bounded from -fstack-usage: the sum of the
  /// frames of the model's code (it never recurses); nullopt when the
  /// compiler wrote no usage file.
  std::optional<int64_t> stackBytes;
  bool stackDynamic = false; ///< a frame has a run-time size (the estimate is a floor)
  /// stackBytes is the deepest call chain (-fcallgraph-info), not the sum
  /// of every frame.
  bool stackChain = false;
  bool boardTooSmall = false; ///< the link failed because the emulated board's memory is full
};

/// Builds <dir>/<name>.cpp, <name>_weights.cpp and <name>_main.cpp with the
/// target's flags plus -Wall -Wextra -Werror, into `workDir`.
Build build(const codegen::Target &target, const std::string &dir, const std::string &name,
            const std::string &workDir);

struct Run {
  std::string error;                     ///< empty on success
  std::optional<uint64_t> instructions;  ///< of one inference, under emulation
  /// Of one inference, by the target's emulator.cycle_model (an estimate).
  std::optional<uint64_t> estimatedCycles;
  /// With layer tracing under emulation: the instructions of each traced
  /// layer (from the previous trace to this one, tracing excluded).
  std::vector<uint64_t> layerInstructions;
  std::string output;                    ///< what the program printed
};

/// Runs the harness on `inputs`, writing out_<k>.npy into `outDir`.
/// `plugin` is the edgec-qemu-icount module (emulated targets only). With
/// `repeat` > 1 a model with state runs that many times, the last measured.
Run run(const codegen::Target &target, const std::string &executable,
        const std::vector<std::string> &inputs, const std::string &outDir,
        const std::string &plugin, const std::string &workDir, int repeat = 1);

/// The edgec-qemu-icount plugin next to the edgec binary (build tree) or in
/// <prefix>/lib/edgec (installed); EDGEC_QEMU_PLUGIN overrides. Empty if absent.
std::string findPlugin(const char *argv0);

struct Comparison {
  int64_t elements = 0, mismatches = 0;
  double maxAbsDiff = 0;
  bool exact = false; ///< compared bit for bit (integers)
  std::string error;  ///< shape / dtype / read problems
};

/// Integers and booleans must be equal; floats within rtol / atol.
Comparison compare(const Tensor &got, const Tensor &want, double rtol, double atol);

} // namespace edgec::verify
