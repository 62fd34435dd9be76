// edgec runtime: common definitions for generated code and kernels.
// Dependency-free: only <stdint.h>, <stddef.h>, <string.h>. C++20.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "edgec/narrow_types.h"

#if defined(__GNUC__) || defined(__clang__)
#define EDGEC_RESTRICT __restrict__
#define EDGEC_ALWAYS_INLINE inline __attribute__((always_inline))
#define EDGEC_NOINLINE __attribute__((noinline))
/// After a lambda's parameter list: inline it wherever it is called.
#define EDGEC_LAMBDA_INLINE __attribute__((always_inline))
#else
#define EDGEC_RESTRICT
#define EDGEC_ALWAYS_INLINE inline
#define EDGEC_NOINLINE
#define EDGEC_LAMBDA_INLINE
#endif

namespace edgec {

/// Status codes returned by generated entry points.
enum Status : int {
  kOk = 0,
  kErrorArenaAlignment = 1, ///< the arena is not aligned to <NAME>_ARENA_ALIGNMENT
  kErrorNullPointer = 2,    ///< an input, output or arena pointer is null
};

inline constexpr int kMaxRank = 6;

/// An IEEE half-precision value, as stored in f16 tensors (edgec computes in
/// float; Cast converts). A struct, not _Float16 / __fp16, so every toolchain
/// and target takes it the same way.
struct f16 {
  uint16_t bits;
};

/// Exact widening of a half to float.
inline float f16_to_float(f16 h) {
  uint32_t sign = static_cast<uint32_t>(h.bits & 0x8000u) << 16, exp = (h.bits >> 10) & 0x1fu,
           man = h.bits & 0x3ffu, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {
    uint32_t shift = 0;
    while (!(man & 0x400u)) {
      man <<= 1;
      ++shift;
    }
    bits = sign | ((113 - shift) << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/// Float to half, rounding to nearest even (overflow to infinity, NaN kept).
inline f16 float_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t exp = (x >> 23) & 0xffu;
  uint32_t man = x & 0x7fffffu;
  if (exp == 0xff)
    return {static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0u))};
  const int32_t e = static_cast<int32_t>(exp) - 127 + 15;
  if (e >= 0x1f)
    return {static_cast<uint16_t>(sign | 0x7c00u)};
  if (e <= 0) {
    if (e < -10)
      return {sign};
    man |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = man >> shift;
    const uint32_t rest = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1u)))
      ++half;
    return {static_cast<uint16_t>(sign | half)};
  }
  uint32_t half = (static_cast<uint32_t>(e) << 10) | (man >> 13);
  const uint32_t rest = man & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
    ++half;
  return {static_cast<uint16_t>(sign | half)};
}

template <typename T> EDGEC_ALWAYS_INLINE constexpr T min_of(T a, T b) { return a < b ? a : b; }
template <typename T> EDGEC_ALWAYS_INLINE constexpr T max_of(T a, T b) { return a > b ? a : b; }

/// Stores `word` into the W words at w, two per trip. Kernels fill with this
/// (through fill_n), never with memset: the size-optimized C libraries of MCU
/// toolchains (picolibc, newlib-nano) store one byte per loop trip, four
/// instructions per byte. The empty asm keeps GCC from recognizing the loop
/// as a memset and calling it after all.
template <ptrdiff_t W> EDGEC_ALWAYS_INLINE void fill_words(void *p, uint32_t word) {
  using Word = uint32_t __attribute__((may_alias, aligned(4)));
  Word *w = static_cast<Word *>(p);
  for (ptrdiff_t i = 0; i + 1 < W; i += 2, w += 2) {
    __asm__("" : "+r"(w));
    w[0] = word;
    w[1] = word;
  }
  if constexpr (W % 2 != 0)
    w[0] = word;
}

/// Stores v into the N elements (int8 or int16) at base + Offset, base being
/// word-aligned: the elements before the first word boundary and after the
/// last one are single stores placed at compile time, the rest fill_words.
template <ptrdiff_t N, ptrdiff_t Offset = 0, typename T>
EDGEC_ALWAYS_INLINE void fill_n(T *base, T v) {
  static_assert(sizeof(T) == 1 || sizeof(T) == 2, "int8 or int16 elements");
  constexpr ptrdiff_t PerWord = 4 / sizeof(T);
  constexpr ptrdiff_t Head = min_of<ptrdiff_t>((PerWord - Offset % PerWord) % PerWord, N);
  constexpr ptrdiff_t Words = (N - Head) / PerWord, Tail = N - Head - Words * PerWord;
  T *p = base + Offset;
  for (ptrdiff_t i = 0; i < Head; ++i)
    p[i] = v;
  if constexpr (Words > 0) {
    const uint32_t word = sizeof(T) == 1 ? static_cast<uint8_t>(v) * 0x01010101u
                                         : static_cast<uint16_t>(v) * 0x00010001u;
    fill_words<Words>(p + Head, word);
  }
  for (ptrdiff_t i = 0; i < Tail; ++i)
    p[Head + Words * PerWord + i] = v;
}

/// fill_n for a p whose alignment is known only at run time: the elements up
/// to the first word boundary one by one, then fill_n from there.
template <ptrdiff_t N, typename T> EDGEC_ALWAYS_INLINE void fill_n_unaligned(T *p, T v) {
  constexpr ptrdiff_t PerWord = 4 / sizeof(T);
  // Up to 32 bytes GCC expands a constant-size fill in place (no call), with
  // fewer instructions than the alignment test.
  if constexpr (N * static_cast<ptrdiff_t>(sizeof(T)) <= 32) {
    for (ptrdiff_t i = 0; i < N; ++i)
      p[i] = v;
  } else {
    const ptrdiff_t head = static_cast<ptrdiff_t>(
        (4 - (reinterpret_cast<uintptr_t>(p) & 3)) % 4 / sizeof(T));
    for (ptrdiff_t i = 0; i < head; ++i)
      p[i] = v;
    // From the boundary: N - head elements, of which the last PerWord - 1 at
    // most are not a whole word; write them all with one more word-aligned
    // pass of N - PerWord + 1 elements and single stores for the rest.
    constexpr ptrdiff_t Body = N - (PerWord - 1);
    fill_n<Body>(p + head, v);
    for (ptrdiff_t i = head + Body; i < N; ++i)
      p[i] = v;
  }
}

/// Bounds of an activation fused into a layer (act_min / act_max in the IR);
/// +-infinity means unbounded.
inline constexpr float kNoLowerBound = -__builtin_huge_valf();
inline constexpr float kNoUpperBound = __builtin_huge_valf();

constexpr bool has_clamp(float lo, float hi) { return lo > kNoLowerBound || hi < kNoUpperBound; }

/// y = min(max(y, lo), hi) elementwise; NaN stays NaN.
inline void clamp_f32(float *EDGEC_RESTRICT y, ptrdiff_t n, float lo, float hi) {
  for (ptrdiff_t i = 0; i < n; ++i)
    y[i] = y[i] < lo ? lo : (y[i] > hi ? hi : y[i]);
}

/// Ceiling of a / b for b > 0 and any a (constant-evaluated in kernels).
EDGEC_ALWAYS_INLINE constexpr ptrdiff_t ceil_div(ptrdiff_t a, ptrdiff_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

} // namespace edgec
