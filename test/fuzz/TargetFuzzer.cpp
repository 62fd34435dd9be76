//===- TargetFuzzer.cpp - libFuzzer target over target descriptions --------===//
//
// Arbitrary bytes as a `-t board.json`: parseTarget must give a target or a
// sentence, never crash; and what a parsed target contributes to generated
// files must stay inert: its name and every flag through commentText (one
// line, no '\', '?', '*') and cmakeQuoted (one argument: no unescaped quote,
// '$' or ';').
//
//===----------------------------------------------------------------------===//

#include "edgec/Codegen/Target.h"
#include "edgec/Support/Names.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void checkComment(const std::string &s) {
  for (char c : edgec::commentText(s))
    if (c < 32 || c == 127 || c == '\\' || c == '?' || c == '*')
      __builtin_trap();
}

void checkCMake(const std::string &s) {
  std::string q = edgec::cmakeQuoted(s);
  if (q.size() < 2 || q.front() != '"' || q.back() != '"')
    __builtin_trap();
  for (size_t k = 1; k + 1 < q.size(); ++k) {
    char c = q[k];
    if (c == '\\') {
      ++k; // an escape: the next character is literal
      continue;
    }
    if (c == '"' || c == '$' || c == ';' || (unsigned char)c < 32)
      __builtin_trap();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string json(reinterpret_cast<const char *>(data), size);
  std::string error;
  std::optional<edgec::codegen::Target> t = edgec::codegen::parseTarget(json, "fuzz.json", error);
  if (!t) {
    if (error.empty())
      __builtin_trap();
    return 0;
  }
  checkComment(t->name);
  checkComment(t->description);
  for (const std::string &f : t->cxxFlags) {
    checkComment(f);
    checkCMake(f);
  }
  checkCMake(t->compiler);
  return 0;
}
