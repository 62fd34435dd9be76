//===- Passes.h - sparsity passes --------------------------------*- C++ -*-===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace edgec::sparsity {

#define GEN_PASS_DECL
#include "passes/Sparsity/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Sparsity/Passes.h.inc"

} // namespace edgec::sparsity
