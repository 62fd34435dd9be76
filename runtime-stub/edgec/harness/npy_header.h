// The .npy header dictionary, parsed strictly: the one parser of the
// generated test harness (npy.h) and of edgec's own .npy reader, so both accept
// exactly the same files. C library only (the harness builds for bare metal).
#pragma once

#include <stdint.h>
#include <string.h>

namespace edgec::harness {

/// The three fields of a .npy header dictionary, parsed strictly.
struct NpyHeader {
  enum { kMaxRank = 32 };
  char descr[16] = {};
  int fortran = -1; ///< 0 or 1; -1 when missing
  int64_t shape[kMaxRank] = {};
  int rank = -1; ///< -1 when missing or malformed
};

/// Parses "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }"
/// (keys in any order, spaces optional). False on anything else.
inline bool parseNpyHeader(const char *h, NpyHeader &out) {
  const char *p = h;
  auto skip = [&]() {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      ++p;
  };
  skip();
  if (*p++ != '{')
    return false;
  for (;;) {
    skip();
    if (*p == '}')
      break;
    char key[32];
    if (*p != '\'')
      return false;
    const char *end = strchr(p + 1, '\'');
    if (!end || end - p - 1 >= (long)sizeof key)
      return false;
    memcpy(key, p + 1, (size_t)(end - p - 1));
    key[end - p - 1] = 0;
    p = end + 1;
    skip();
    if (*p++ != ':')
      return false;
    skip();
    if (!strcmp(key, "descr")) {
      if (*p != '\'')
        return false;
      end = strchr(p + 1, '\'');
      if (!end || end - p - 1 >= (long)sizeof out.descr)
        return false;
      memcpy(out.descr, p + 1, (size_t)(end - p - 1));
      out.descr[end - p - 1] = 0;
      p = end + 1;
    } else if (!strcmp(key, "fortran_order")) {
      if (!strncmp(p, "True", 4))
        out.fortran = 1, p += 4;
      else if (!strncmp(p, "False", 5))
        out.fortran = 0, p += 5;
      else
        return false;
    } else if (!strcmp(key, "shape")) {
      if (*p++ != '(')
        return false;
      out.rank = 0;
      for (;;) {
        skip();
        if (*p == ')') {
          ++p;
          break;
        }
        if (*p < '0' || *p > '9' || out.rank >= NpyHeader::kMaxRank)
          return false;
        int64_t v = 0;
        while (*p >= '0' && *p <= '9') {
          if (v > (INT64_MAX - (*p - '0')) / 10)
            return false;
          v = v * 10 + (*p++ - '0');
        }
        out.shape[out.rank++] = v;
        skip();
        if (*p == ',')
          ++p;
        else if (*p != ')')
          return false;
      }
    } else {
      return false;
    }
    skip();
    if (*p == ',')
      ++p;
    else if (*p != '}')
      return false;
  }
  return out.descr[0] && out.fortran >= 0 && out.rank >= 0;
}

/// Whether the data of a Fortran-order array of this shape has the same
/// layout as C order (at most one dimension above 1).
inline bool orderIrrelevant(const NpyHeader &h) {
  int spread = 0;
  for (int k = 0; k < h.rank; ++k)
    spread += h.shape[k] > 1;
  return spread <= 1;
}

} // namespace edgec::harness
