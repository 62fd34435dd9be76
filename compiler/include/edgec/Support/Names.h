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

/// Every other text that reaches a generated file goes through one of these
/// two escapers (identifiers go through sanitizeIdentifier).
///
/// Text inside a C/C++ comment (banners: target name, model path, options):
/// printable ASCII is kept except '\\' (a line splice at a line's end), '?'
/// (the '??/' trigraph), '*' (ends a block comment) and '%', which are written
/// as %XX, like every other byte (newlines and control characters included).
std::string commentText(const std::string &text);

/// A CMake quoted argument ("..."), whatever the text holds: '\\', '"', '$',
/// '@' and ';' are escaped (no variable reference, no list splitting), control
/// characters written as \n, \r, \t or dropped.
std::string cmakeQuoted(const std::string &text);

/// For parsers that recurse on nesting (JSON, textual ONNX): the byte offset
/// at which brackets (any of `openers`, closed by the matching `closers`)
/// nest deeper than `limit`, or std::string::npos. Brackets inside "..."
/// strings (with '\\' escapes) do not count.
size_t nestingTooDeep(const std::string &text, size_t limit, const std::string &openers,
                      const std::string &closers);

/// Hands out unique identifiers: the same sanitized stem twice gets `_1`,
/// `_2`... so two distinct model names can never collide in generated code.
class NameTable {
public:
  std::string unique(const std::string &raw, const std::string &fallback = "v");

private:
  std::set<std::string> used_;
};

} // namespace edgec
