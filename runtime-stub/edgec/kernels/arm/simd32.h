// The Armv7E-M / Armv8-M DSP-extension operations the int8 kernels use,
// through ACLE intrinsics (arm_acle.h) when the compiler targets a core with
// the extension, and as plain C++ with the same results elsewhere, so the
// kernels can also be built and tested on the host.
#pragma once

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define EDGEC_HAVE_ARM_DSP 1
#endif

namespace edgec::arm {

/// Four bytes from an address of any alignment (one LDR where the core
/// allows unaligned word loads).
inline uint32_t load32(const void *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/// Where load_pair reads: 8 bytes that may hold any type.
struct alignas(4) PairBytes {
  uint32_t w[2];
} __attribute__((may_alias));

#ifdef EDGEC_HAVE_ARM_DSP
/// The two words at p + Offset bytes (p 4-byte aligned, 0 <= Offset <= 1020,
/// a multiple of 4) in one LDRD; GCC keeps two LDRs for memcpy or a 64-bit
/// load, which costs a SMLAD loop one instruction in eight.
template <ptrdiff_t Offset>
EDGEC_ALWAYS_INLINE void load_pair(const void *p, uint32_t &a, uint32_t &b) {
  static_assert(Offset >= 0 && Offset <= 1020 && Offset % 4 == 0, "LDRD immediate out of range");
  const auto *q = reinterpret_cast<const PairBytes *>(static_cast<const char *>(p) + Offset);
  __asm__("ldrd %0, %1, [%2, %3]" : "=r"(a), "=r"(b) : "r"(p), "i"(Offset), "m"(*q));
}
/// The two words at p (4-byte aligned) in one LDRD, and p advanced past them.
template <typename T> EDGEC_ALWAYS_INLINE void load_pair_advance(const T *&p, uint32_t &a, uint32_t &b) {
  const auto *q = reinterpret_cast<const PairBytes *>(p);
  __asm__("ldrd %0, %1, [%2], #8" : "=r"(a), "=r"(b), "+r"(p) : "m"(*q));
}
/// The word at p (any alignment) in one LDR, and p advanced past it; a
/// volatile asm, so that GCC keeps an unrolled loop's loads where they are
/// used instead of hoisting them all into spilled registers.
template <typename T> EDGEC_ALWAYS_INLINE uint32_t load32_advance(const T *&p) {
  uint32_t v;
  __asm__ volatile("ldr %0, [%1], #4"
                   : "=r"(v), "+r"(p)
                   : "m"(*reinterpret_cast<const PairBytes *>(p)));
  return v;
}
/// Sign-extends bytes 0 and 2 into two int16 halves.
inline uint32_t sxtb16(uint32_t x) { return __sxtb16(x); }
/// Bytes 1 and 3, sign-extended (SXTB16 with a rotation by 8).
inline uint32_t sxtb16_ror8(uint32_t x) {
  // One instruction; ACLE has no rotating form and GCC does not fold __ror in.
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/// The bottom half of a with the bottom half of b on top (PKHBT, LSL #16).
inline uint32_t pack_bottoms(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
/// The top half of a at the bottom, the top half of b on top (PKHTB, ASR #16).
inline uint32_t pack_tops(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
/// acc + lo(a) * lo(b) + hi(a) * hi(b), int16 halves.
inline int32_t smlad(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(__smlad(a, b, acc));
}
/// acc + the sum of |a_i - b_i| over the four unsigned bytes (USADA8).
inline uint32_t usada8(uint32_t a, uint32_t b, uint32_t acc) { return __usada8(a, b, acc); }
/// acc + b16(a) * b16(b), with b16 the bottom (B) or top (T) int16 half.
inline int32_t smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(__smlabb(static_cast<int32_t>(a), static_cast<int32_t>(b), acc));
}
inline int32_t smlabt(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(__smlabt(static_cast<int32_t>(a), static_cast<int32_t>(b), acc));
}
inline int32_t smlatb(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(__smlatb(static_cast<int32_t>(a), static_cast<int32_t>(b), acc));
}
inline int32_t smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return static_cast<int32_t>(__smlatt(static_cast<int32_t>(a), static_cast<int32_t>(b), acc));
}
#else
template <ptrdiff_t Offset>
EDGEC_ALWAYS_INLINE void load_pair(const void *p, uint32_t &a, uint32_t &b) {
  const char *q = static_cast<const char *>(p) + Offset;
  a = load32(q);
  b = load32(q + 4);
}
template <typename T> EDGEC_ALWAYS_INLINE void load_pair_advance(const T *&p, uint32_t &a, uint32_t &b) {
  a = load32(p);
  b = load32(reinterpret_cast<const char *>(p) + 4);
  p = reinterpret_cast<const T *>(reinterpret_cast<const char *>(p) + 8);
}
template <typename T> EDGEC_ALWAYS_INLINE uint32_t load32_advance(const T *&p) {
  const uint32_t v = load32(p);
  p = reinterpret_cast<const T *>(reinterpret_cast<const char *>(p) + 4);
  return v;
}
inline int32_t half_lo(uint32_t a) { return static_cast<int16_t>(a & 0xffff); }
inline int32_t half_hi(uint32_t a) { return static_cast<int16_t>(a >> 16); }
inline int32_t smlabb(uint32_t a, uint32_t b, int32_t acc) { return acc + half_lo(a) * half_lo(b); }
inline int32_t smlabt(uint32_t a, uint32_t b, int32_t acc) { return acc + half_lo(a) * half_hi(b); }
inline int32_t smlatb(uint32_t a, uint32_t b, int32_t acc) { return acc + half_hi(a) * half_lo(b); }
inline int32_t smlatt(uint32_t a, uint32_t b, int32_t acc) { return acc + half_hi(a) * half_hi(b); }
inline uint32_t sxtb16(uint32_t x) {
  uint32_t lo = static_cast<uint16_t>(static_cast<int16_t>(static_cast<int8_t>(x & 0xff)));
  uint32_t hi = static_cast<uint16_t>(static_cast<int16_t>(static_cast<int8_t>((x >> 16) & 0xff)));
  return lo | (hi << 16);
}
inline uint32_t sxtb16_ror8(uint32_t x) { return sxtb16((x >> 8) | (x << 24)); }
inline uint32_t pack_bottoms(uint32_t a, uint32_t b) { return (a & 0xffffu) | (b << 16); }
inline uint32_t pack_tops(uint32_t a, uint32_t b) { return (a >> 16) | (b & 0xffff0000u); }
inline int32_t smlad(uint32_t a, uint32_t b, int32_t acc) {
  int32_t p = static_cast<int16_t>(a & 0xffff) * static_cast<int16_t>(b & 0xffff) +
              static_cast<int16_t>(a >> 16) * static_cast<int16_t>(b >> 16);
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(p));
}
inline uint32_t usada8(uint32_t a, uint32_t b, uint32_t acc) {
  for (int i = 0; i < 32; i += 8) {
    const int32_t d = static_cast<int32_t>((a >> i) & 0xff) - static_cast<int32_t>((b >> i) & 0xff);
    acc += static_cast<uint32_t>(d < 0 ? -d : d);
  }
  return acc;
}
#endif

} // namespace edgec::arm
