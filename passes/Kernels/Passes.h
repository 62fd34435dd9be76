//===- Passes.h - kernel selection -------------------------------*- C++ -*-===//
#pragma once

#include "edgec/IR/EdgeOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/CommandLine.h"

#include <memory>

namespace edgec::kernels {

/// The values of a KernelFamily pass option: the enum's own names.
inline llvm::cl::ValuesClass familyOptionValues() {
  using edge::KernelFamily;
  auto v = [](KernelFamily f) {
    return llvm::cl::OptionEnumValue{edge::stringifyKernelFamily(f), static_cast<int>(f), ""};
  };
  static_assert(edge::getMaxEnumValForKernelFamily() == 3, "list every family here");
  return llvm::cl::ValuesClass({v(KernelFamily::Portable), v(KernelFamily::Blocked),
                                v(KernelFamily::ArmDsp), v(KernelFamily::ArmMve)});
}

#define GEN_PASS_DECL
#include "passes/Kernels/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Kernels/Passes.h.inc"

} // namespace edgec::kernels
