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

std::string commentText(const std::string &text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 32 && c < 127 && c != '\\' && c != '?' && c != '*' && c != '%') {
      out += (char)c;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string cmakeQuoted(const std::string &text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '"': out += "\\\""; break;
    case '$': out += "\\$"; break;
    case '@': out += "\\@"; break;
    case ';': out += "\\;"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if ((unsigned char)c >= 32 && c != 127)
        out += c;
    }
  }
  return out + "\"";
}

size_t nestingTooDeep(const std::string &text, size_t limit, const std::string &openers,
                      const std::string &closers) {
  size_t depth = 0;
  bool inString = false;
  for (size_t k = 0; k < text.size(); ++k) {
    char c = text[k];
    if (inString) {
      if (c == '\\')
        ++k;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (openers.find(c) != std::string::npos) {
      if (++depth > limit)
        return k;
    } else if (closers.find(c) != std::string::npos && depth > 0) {
      --depth;
    }
  }
  return std::string::npos;
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
