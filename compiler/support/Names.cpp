#include "edgec/Support/Names.h"

#include <cctype>

namespace edgec {

std::string sanitizeIdentifier(const std::string &name, const std::string &fallback) {
  std::string out;
  for (unsigned char c : name)
    out += (std::isalnum(c) && c < 128) || c == '_' ? (char)c : '_';
  // Collapse runs of '_' so that "a::b" and "a..b" stay readable and no
  // identifier starts with the reserved "__".
  std::string collapsed;
  for (char c : out)
    if (!(c == '_' && !collapsed.empty() && collapsed.back() == '_'))
      collapsed += c;
  while (!collapsed.empty() && collapsed.front() == '_')
    collapsed.erase(collapsed.begin());
  if (collapsed.empty())
    collapsed = fallback;
  if (std::isdigit((unsigned char)collapsed[0]))
    collapsed = fallback + "_" + collapsed;
  return collapsed;
}

std::string NameTable::unique(const std::string &raw, const std::string &fallback) {
  std::string base = sanitizeIdentifier(raw, fallback);
  std::string name = base;
  for (int k = 1; used_.count(name); ++k)
    name = base + "_" + std::to_string(k);
  used_.insert(name);
  return name;
}

} // namespace edgec
