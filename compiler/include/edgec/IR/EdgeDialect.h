//===- EdgeDialect.h - edge dialect -----------------------------*- C++ -*-===//
#pragma once

#include "mlir/IR/Dialect.h"

#include "edgec/IR/EdgeDialect.h.inc"
