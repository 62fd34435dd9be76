// Elementwise kernels: binary ops with numpy broadcasting and unary
// activations. The compiler collapses shapes to at most 4 dimensions and
// passes per-operand strides (0 on broadcast dimensions).
#pragma once

#include "edgec/kernels/arm/mve.h"
#include "edgec/runtime.h"

#include <math.h>

namespace edgec {

struct BinaryParams {
  int32_t size;        ///< total output elements
  int32_t dims[4];     ///< collapsed output shape (outermost first)
  int32_t a_strides[4];
  int32_t b_strides[4];
  float act_min = kNoLowerBound, act_max = kNoUpperBound; ///< fused Relu / Clip (float)
};

struct OpAdd { template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a + b; } };
struct OpSub { template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a - b; } };
struct OpMul { template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a * b; } };
struct OpDiv { template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a / b; } };
struct OpPow {
  static EDGEC_ALWAYS_INLINE float apply(float a, float b) { return powf(a, b); }
  /// Integer power by squaring in wrapping unsigned arithmetic (the
  /// evaluator's), truncated to T; a negative exponent gives 0.
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    if (b < 0)
      return 0;
    uint64_t r = 1, base = static_cast<uint64_t>(a);
    for (uint64_t n = static_cast<uint64_t>(b); n; n >>= 1, base *= base)
      if (n & 1)
        r *= base;
    return static_cast<T>(r);
  }
};
struct OpMax {
  static EDGEC_ALWAYS_INLINE float apply(float a, float b) {
    return (a != a || b != b) ? a + b : (a > b ? a : b);
  }
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a > b ? a : b; }
};
struct OpMin {
  static EDGEC_ALWAYS_INLINE float apply(float a, float b) {
    return (a != a || b != b) ? a + b : (a < b ? a : b);
  }
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return a < b ? a : b; }
};

/// Remainder with the divisor's sign (ONNX Mod, fmod = 0); x % 0 is 0.
struct OpMod {
  static EDGEC_ALWAYS_INLINE float apply(float a, float b) {
    const float r = fmodf(a, b);
    return r != 0.f && ((r < 0.f) != (b < 0.f)) ? r + b : r;
  }
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    if (b == 0)
      return 0;
    const T r = static_cast<T>(a % b);
    return r != 0 && ((r < 0) != (b < 0)) ? static_cast<T>(r + b) : r;
  }
};
/// ONNX BitShift on unsigned T: a shift by T's width or more gives 0.
struct OpShiftLeft {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    return b >= sizeof(T) * 8 ? T(0) : static_cast<T>(a << b);
  }
};
struct OpShiftRight {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    return b >= sizeof(T) * 8 ? T(0) : static_cast<T>(a >> b);
  }
};
/// ONNX BitwiseAnd / Or / Xor on integers.
struct OpBitwiseAnd {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return static_cast<T>(a & b); }
};
struct OpBitwiseOr {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return static_cast<T>(a | b); }
};
struct OpBitwiseXor {
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) { return static_cast<T>(a ^ b); }
};
/// Remainder with the dividend's sign (ONNX Mod, fmod = 1); x % 0 is 0.
struct OpFmod {
  static EDGEC_ALWAYS_INLINE float apply(float a, float b) { return fmodf(a, b); }
  template <typename T> static EDGEC_ALWAYS_INLINE T apply(T a, T b) {
    return b == 0 ? T(0) : static_cast<T>(a % b);
  }
};

// Comparisons and logic: any operand type, a bool result.
struct OpEqual { template <typename T> static EDGEC_ALWAYS_INLINE bool apply(T a, T b) { return a == b; } };
struct OpLess { template <typename T> static EDGEC_ALWAYS_INLINE bool apply(T a, T b) { return a < b; } };
struct OpLessOrEqual { template <typename T> static EDGEC_ALWAYS_INLINE bool apply(T a, T b) { return a <= b; } };
struct OpGreater { template <typename T> static EDGEC_ALWAYS_INLINE bool apply(T a, T b) { return a > b; } };
struct OpGreaterOrEqual { template <typename T> static EDGEC_ALWAYS_INLINE bool apply(T a, T b) { return a >= b; } };
struct OpAnd { static EDGEC_ALWAYS_INLINE bool apply(bool a, bool b) { return a && b; } };
struct OpOr { static EDGEC_ALWAYS_INLINE bool apply(bool a, bool b) { return a || b; } };
struct OpXor { static EDGEC_ALWAYS_INLINE bool apply(bool a, bool b) { return a != b; } };

#ifdef EDGEC_HAVE_MVE
/// Whether binary() runs Op on four Helium lanes: an int8 functor with an
/// apply_x4 (elementwise_s8.h: add, sub, mul, max, min).
template <typename Op, typename T, typename U>
constexpr bool kBinaryX4 =
    sizeof(T) == 1 && sizeof(U) == 1 && requires(int32x4_t v) { Op::apply_x4(v, v); };

/// y[i] = Op(a[i], b[i]) for i < n on four int8 lanes widened to int32, the
/// last partial group under VCTP. In place: y may be a or b.
template <typename Op>
EDGEC_ALWAYS_INLINE void binary_row_x4(const int8_t *a, const int8_t *b, int8_t *y, ptrdiff_t n) {
  ptrdiff_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const int32x4_t r = Op::apply_x4(vldrbq_s32(a + i), vldrbq_s32(b + i));
    vstrbq_s32(y + i, r);
  }
  if (i < n) {
    const mve_pred16_t p = vctp32q(static_cast<uint32_t>(n - i));
    const int32x4_t r = Op::apply_x4(vldrbq_z_s32(a + i, p), vldrbq_z_s32(b + i, p));
    vstrbq_p_s32(y + i, r, p);
  }
}
#endif

/// y = Op(a, b) with numpy broadcasting; the result type U is the operands'
/// for arithmetic and bool for comparisons. In place: y may be an operand of
/// y's shape and element size (element i is read before y[i] is written).
template <typename Op, const BinaryParams &P, typename T, typename U>
inline void binary(const T *a, const T *b, U *y) {
  constexpr bool same = P.a_strides[3] == 1 && P.b_strides[3] == 1 && P.dims[0] == 1 &&
                        P.dims[1] == 1 && P.dims[2] == 1;
  if constexpr (same) {
#ifdef EDGEC_HAVE_MVE
    if constexpr (kBinaryX4<Op, T, U>) {
      binary_row_x4<Op>(a, b, y, P.size);
      return;
    }
#endif
    for (ptrdiff_t i = 0; i < P.size; ++i)
      y[i] = Op::apply(a[i], b[i]);
  } else {
    for (ptrdiff_t i0 = 0; i0 < P.dims[0]; ++i0)
      for (ptrdiff_t i1 = 0; i1 < P.dims[1]; ++i1)
        for (ptrdiff_t i2 = 0; i2 < P.dims[2]; ++i2) {
          const T *pa = a + i0 * P.a_strides[0] + i1 * P.a_strides[1] + i2 * P.a_strides[2];
          const T *pb = b + i0 * P.b_strides[0] + i1 * P.b_strides[1] + i2 * P.b_strides[2];
          U *py = y + ((i0 * P.dims[1] + i1) * P.dims[2] + i2) * P.dims[3];
          if constexpr (P.a_strides[3] == 1 && P.b_strides[3] == 1) {
#ifdef EDGEC_HAVE_MVE
            if constexpr (kBinaryX4<Op, T, U>) {
              binary_row_x4<Op>(pa, pb, py, P.dims[3]);
              continue;
            }
#endif
            for (ptrdiff_t i3 = 0; i3 < P.dims[3]; ++i3)
              py[i3] = Op::apply(pa[i3], pb[i3]);
          } else if constexpr (P.a_strides[3] == 1 && P.b_strides[3] == 0) {
            const T bv = *pb;
            for (ptrdiff_t i3 = 0; i3 < P.dims[3]; ++i3)
              py[i3] = Op::apply(pa[i3], bv);
          } else if constexpr (P.a_strides[3] == 0 && P.b_strides[3] == 1) {
            const T av = *pa;
            for (ptrdiff_t i3 = 0; i3 < P.dims[3]; ++i3)
              py[i3] = Op::apply(av, pb[i3]);
          } else {
            for (ptrdiff_t i3 = 0; i3 < P.dims[3]; ++i3)
              py[i3] = Op::apply(pa[i3 * P.a_strides[3]], pb[i3 * P.b_strides[3]]);
          }
        }
  }
  if constexpr (has_clamp(P.act_min, P.act_max)) // float only (the IR verifier checks)
    clamp_f32(y, P.size, P.act_min, P.act_max);
}

/// Upper (Upper) or lower triangle of each rows x cols matrix, diagonal K.
struct TriluParams {
  int32_t matrices, rows, cols, k;
  bool upper;
};

template <const TriluParams &P, typename T>
inline void trilu(const T *EDGEC_RESTRICT x, T *EDGEC_RESTRICT y) {
  for (ptrdiff_t m = 0; m < P.matrices; ++m)
    for (ptrdiff_t i = 0; i < P.rows; ++i)
      for (ptrdiff_t j = 0; j < P.cols; ++j) {
        const ptrdiff_t e = (m * P.rows + i) * P.cols + j;
        const bool keep = P.upper ? j - i >= P.k : j - i <= P.k;
        y[e] = keep ? x[e] : T(0);
      }
}

inline void logical_not(const bool *EDGEC_RESTRICT x, bool *EDGEC_RESTRICT y, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; ++i)
    y[i] = !x[i];
}

/// out = cond ? x : y with the three broadcast to the result (collapsed to at
/// most 4 dimensions, strides 0 on broadcast dimensions).
struct WhereParams {
  int32_t size;
  int32_t dims[4];
  int32_t c_strides[4], x_strides[4], y_strides[4];
};

template <const WhereParams &P, typename T>
inline void where(const bool *EDGEC_RESTRICT c, const T *EDGEC_RESTRICT x,
                  const T *EDGEC_RESTRICT y, T *EDGEC_RESTRICT out) {
  for (ptrdiff_t i0 = 0; i0 < P.dims[0]; ++i0)
    for (ptrdiff_t i1 = 0; i1 < P.dims[1]; ++i1)
      for (ptrdiff_t i2 = 0; i2 < P.dims[2]; ++i2)
        for (ptrdiff_t i3 = 0; i3 < P.dims[3]; ++i3) {
          const ptrdiff_t ic = i0 * P.c_strides[0] + i1 * P.c_strides[1] + i2 * P.c_strides[2] +
                               i3 * P.c_strides[3];
          const ptrdiff_t ix = i0 * P.x_strides[0] + i1 * P.x_strides[1] + i2 * P.x_strides[2] +
                               i3 * P.x_strides[3];
          const ptrdiff_t iy = i0 * P.y_strides[0] + i1 * P.y_strides[1] + i2 * P.y_strides[2] +
                               i3 * P.y_strides[3];
          *out++ = c[ic] ? x[ix] : y[iy];
        }
}

// Unary activations. Parameters that an op needs (alpha, bounds) are in the
// params struct; the rest ignore it.
struct UnaryParams {
  int32_t size;
  float alpha, beta; ///< LeakyRelu alpha; HardSigmoid alpha, beta; Clip min (alpha), max (beta)
};

// NaN stays NaN, as in ONNX Runtime and the fused clamp (clamp_f32).
struct OpRelu { static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &) { return x < 0.f ? 0.f : x; } };
struct OpLeakyRelu { static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &p) { return x < 0.f ? p.alpha * x : x; } };
struct OpClip {
  static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &p) {
    return x < p.alpha ? p.alpha : (x > p.beta ? p.beta : x);
  }
};
struct OpSigmoid { static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &) { return 1.f / (1.f + expf(-x)); } };
struct OpHardSigmoid {
  static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &p) {
    const float v = p.alpha * x + p.beta;
    return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
  }
};
struct OpHardSwish {
  static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &) {
    const float v = x / 6.f + 0.5f;
    return x * (v < 0.f ? 0.f : (v > 1.f ? 1.f : v));
  }
};
struct OpTanh { static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &) { return tanhf(x); } };
struct OpSqrt { static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &) { return sqrtf(x); } };

#define EDGEC_UNARY_F32(NAME, EXPR)                                                              \
  struct NAME {                                                                                  \
    static EDGEC_ALWAYS_INLINE float apply(float x, const UnaryParams &p) {                      \
      (void)p;                                                                                   \
      return EXPR;                                                                               \
    }                                                                                            \
  };
EDGEC_UNARY_F32(OpAbs, fabsf(x))
EDGEC_UNARY_F32(OpNeg, -x)
EDGEC_UNARY_F32(OpExp, expf(x))
EDGEC_UNARY_F32(OpLog, logf(x))
EDGEC_UNARY_F32(OpCeil, ceilf(x))
EDGEC_UNARY_F32(OpFloor, floorf(x))
EDGEC_UNARY_F32(OpRound, nearbyintf(x)) // ties to even in the default rounding mode
EDGEC_UNARY_F32(OpReciprocal, 1.f / x)
EDGEC_UNARY_F32(OpSign, x != x ? x : static_cast<float>((x > 0.f) - (x < 0.f)))
EDGEC_UNARY_F32(OpSin, sinf(x))
EDGEC_UNARY_F32(OpCos, cosf(x))
EDGEC_UNARY_F32(OpTan, tanf(x))
EDGEC_UNARY_F32(OpAsin, asinf(x))
EDGEC_UNARY_F32(OpAcos, acosf(x))
EDGEC_UNARY_F32(OpAtan, atanf(x))
EDGEC_UNARY_F32(OpSinh, sinhf(x))
EDGEC_UNARY_F32(OpCosh, coshf(x))
EDGEC_UNARY_F32(OpAsinh, asinhf(x))
EDGEC_UNARY_F32(OpAcosh, acoshf(x))
EDGEC_UNARY_F32(OpAtanh, atanhf(x))
EDGEC_UNARY_F32(OpErf, erff(x))
EDGEC_UNARY_F32(OpSoftplus, x > 30.f ? x : log1pf(expf(x)))
EDGEC_UNARY_F32(OpSoftsign, x / (1.f + fabsf(x)))
EDGEC_UNARY_F32(OpElu, x < 0.f ? p.alpha * expm1f(x) : x)
EDGEC_UNARY_F32(OpCelu, (x > 0.f ? x : 0.f) + (x < 0.f ? p.alpha * expm1f(x / p.alpha) : 0.f))
EDGEC_UNARY_F32(OpThresholdedRelu, x > p.alpha ? x : 0.f)
EDGEC_UNARY_F32(OpSelu, p.beta * (x > 0.f ? x : p.alpha * expm1f(x))) // beta holds gamma
// GELU x * Phi(x), and its tanh approximation (ONNX Gelu, approximate = "tanh").
EDGEC_UNARY_F32(OpGelu, 0.5f * x * (1.f + erff(x * 0.70710678118654752f)))
EDGEC_UNARY_F32(OpGeluTanh,
                0.5f * x * (1.f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x))))
#undef EDGEC_UNARY_F32

/// In place: y may be x.
template <typename Op, const UnaryParams &P>
inline void unary_f32(const float *x, float *y) {
  for (ptrdiff_t i = 0; i < P.size; ++i)
    y[i] = Op::apply(x[i], P);
}

/// Per-channel affine y = x * scale[c] + shift[c] over [outer, channels, inner]
/// (inference BatchNormalization with its statistics folded by the compiler).
struct ChannelAffineParams {
  int32_t outer, channels, inner;
};

template <const ChannelAffineParams &P>
inline void channel_affine_f32(const float *EDGEC_RESTRICT x, const float *EDGEC_RESTRICT scale,
                               const float *EDGEC_RESTRICT shift, float *EDGEC_RESTRICT y) {
  for (ptrdiff_t o = 0; o < P.outer; ++o)
    for (ptrdiff_t c = 0; c < P.channels; ++c) {
      const ptrdiff_t base = (o * P.channels + c) * P.inner;
      const float s = scale[c], t = shift[c];
      for (ptrdiff_t i = 0; i < P.inner; ++i)
        y[base + i] = x[base + i] * s + t;
    }
}

} // namespace edgec
