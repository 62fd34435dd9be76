//===- Names.h - identifiers derived from model names ------------*- C++ -*-===//
#pragma once

#include <map>
#include <set>
#include <string>

namespace edgec {

/// Turns any model-supplied string into a C identifier: characters outside
/// [A-Za-z0-9_] become '_', a leading digit gets a '_' prefix, and an empty
/// name becomes `fallback`. Never returns a reserved-looking `__` prefix.
std::string sanitizeIdentifier(const std::string &name, const std::string &fallback = "v");

/// Hands out unique identifiers: the same sanitized stem twice gets `_1`,
/// `_2`... so two distinct model names can never collide in generated code.
class NameTable {
public:
  std::string unique(const std::string &raw, const std::string &fallback = "v");

private:
  std::set<std::string> used_;
};

} // namespace edgec
