// gemm_f32: the blocked float GEMM core shared by convolution, Gemm and MatMul.
//
// C[m][n] = sum_k A(m, k) * B(k, n) (+ bias), all row-major with leading
// dimensions. The micro-kernel keeps an MR x NR block of C in registers and
// streams contiguous rows of B, which the compiler vectorizes.
#pragma once

#include "edgec/runtime.h"

namespace edgec {
namespace detail {

#if defined(__AVX512F__)
inline constexpr int kGemmMR = 8; // 8 zmm accumulators
#else
inline constexpr int kGemmMR = 4; // 8 ymm / 16 q accumulators
#endif
inline constexpr int kGemmNR = 16;

#if defined(__GNUC__) || defined(__clang__)
// Eight floats as one value (GCC/Clang vector extension): a ymm register on
// AVX, two q registers on NEON/Helium, plain scalars elsewhere. The unaligned,
// may_alias variant loads and stores any float row.
typedef float v8f __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4), may_alias));

#if defined(__AVX512F__)
// Sixteen floats: one zmm register.
typedef float v16f __attribute__((vector_size(64)));
typedef float v16f_u __attribute__((vector_size(64), aligned(4), may_alias));

/// Full MR x 16 block, one 16-wide accumulator per row.
template <int MR, int NR>
EDGEC_ALWAYS_INLINE void gemm_block(ptrdiff_t K, const float *EDGEC_RESTRICT A, ptrdiff_t lda,
                                    const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                                    float *EDGEC_RESTRICT C, ptrdiff_t ldc,
                                    const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  static_assert(NR == 16, "the vector micro-kernel is 16 columns wide");
  v16f acc[MR];
  for (int i = 0; i < MR; ++i)
    acc[i] = accumulate ? *reinterpret_cast<const v16f_u *>(C + i * ldc)
                        : v16f{} + (row_bias ? row_bias[i] : 0.f);
  for (ptrdiff_t k = 0; k < K; ++k) {
    const v16f b = *reinterpret_cast<const v16f_u *>(B + k * ldb);
    for (int i = 0; i < MR; ++i)
      acc[i] += A[i * lda + k] * b;
  }
  for (int i = 0; i < MR; ++i)
    *reinterpret_cast<v16f_u *>(C + i * ldc) = acc[i];
}
#else
/// Full MR x 16 block: 2*MR independent accumulators, so the multiply-adds
/// are throughput- rather than latency-bound.
template <int MR, int NR>
EDGEC_ALWAYS_INLINE void gemm_block(ptrdiff_t K, const float *EDGEC_RESTRICT A, ptrdiff_t lda,
                                    const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                                    float *EDGEC_RESTRICT C, ptrdiff_t ldc,
                                    const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  static_assert(NR == 16, "the vector micro-kernel is 16 columns wide");
  v8f acc[MR][2];
  for (int i = 0; i < MR; ++i) {
    if (accumulate) {
      acc[i][0] = *reinterpret_cast<const v8f_u *>(C + i * ldc);
      acc[i][1] = *reinterpret_cast<const v8f_u *>(C + i * ldc + 8);
    } else {
      const float b = row_bias ? row_bias[i] : 0.f;
      acc[i][0] = v8f{} + b;
      acc[i][1] = v8f{} + b;
    }
  }
  for (ptrdiff_t k = 0; k < K; ++k) {
    const v8f b0 = *reinterpret_cast<const v8f_u *>(B + k * ldb);
    const v8f b1 = *reinterpret_cast<const v8f_u *>(B + k * ldb + 8);
    for (int i = 0; i < MR; ++i) {
      const float a = A[i * lda + k];
      acc[i][0] += a * b0;
      acc[i][1] += a * b1;
    }
  }
  for (int i = 0; i < MR; ++i) {
    *reinterpret_cast<v8f_u *>(C + i * ldc) = acc[i][0];
    *reinterpret_cast<v8f_u *>(C + i * ldc + 8) = acc[i][1];
  }
}
#endif
#else
/// Full MR x NR block. `row_bias` (may be null) is added per row of C.
template <int MR, int NR>
EDGEC_ALWAYS_INLINE void gemm_block(ptrdiff_t K, const float *EDGEC_RESTRICT A, ptrdiff_t lda,
                                    const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                                    float *EDGEC_RESTRICT C, ptrdiff_t ldc,
                                    const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  float acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      acc[i][j] = accumulate ? C[i * ldc + j] : (row_bias ? row_bias[i] : 0.f);
  for (ptrdiff_t k = 0; k < K; ++k)
    for (int i = 0; i < MR; ++i) {
      const float a = A[i * lda + k];
      for (int j = 0; j < NR; ++j)
        acc[i][j] += a * B[k * ldb + j];
    }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j)
      C[i * ldc + j] = acc[i][j];
}
#endif

/// The last nr < 16 columns of C for all M rows. B's columns are packed, a
/// chunk of kGemmKC rows at a time, into a zero-padded 16-wide panel on the
/// stack (4 KiB) so the vector block computes them too; the padding columns
/// are computed into a local tile and discarded.
inline constexpr ptrdiff_t kGemmKC = 64;

template <int MR>
inline void gemm_edge_rows(ptrdiff_t nr, ptrdiff_t K, const float *EDGEC_RESTRICT A, ptrdiff_t lda,
                           const float *EDGEC_RESTRICT B, ptrdiff_t ldb, float *EDGEC_RESTRICT C,
                           ptrdiff_t ldc, const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  float tile[MR * kGemmNR];
  for (int i = 0; i < MR; ++i)
    for (ptrdiff_t j = 0; j < kGemmNR; ++j)
      tile[i * kGemmNR + j] = accumulate && j < nr ? C[i * ldc + j] : (row_bias ? row_bias[i] : 0.f);
  float panel[kGemmKC * kGemmNR];
  for (ptrdiff_t k0 = 0; k0 < K; k0 += kGemmKC) {
    const ptrdiff_t kc = min_of(kGemmKC, K - k0);
    for (ptrdiff_t k = 0; k < kc; ++k)
      for (ptrdiff_t j = 0; j < kGemmNR; ++j)
        panel[k * kGemmNR + j] = j < nr ? B[(k0 + k) * ldb + j] : 0.f;
    gemm_block<MR, kGemmNR>(kc, A + k0, lda, panel, kGemmNR, tile, kGemmNR, nullptr, true);
  }
  for (int i = 0; i < MR; ++i)
    for (ptrdiff_t j = 0; j < nr; ++j)
      C[i * ldc + j] = tile[i * kGemmNR + j];
}

inline void gemm_edge(ptrdiff_t M, ptrdiff_t nr, ptrdiff_t K, const float *EDGEC_RESTRICT A,
                      ptrdiff_t lda, const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                      float *EDGEC_RESTRICT C, ptrdiff_t ldc, const float *EDGEC_RESTRICT row_bias,
                      bool accumulate) {
  const ptrdiff_t Mb = M - M % kGemmMR;
  for (ptrdiff_t m = 0; m < Mb; m += kGemmMR)
    gemm_edge_rows<kGemmMR>(nr, K, A + m * lda, lda, B, ldb, C + m * ldc, ldc,
                            row_bias ? row_bias + m : nullptr, accumulate);
  for (ptrdiff_t m = Mb; m < M; ++m)
    gemm_edge_rows<1>(nr, K, A + m * lda, lda, B, ldb, C + m * ldc, ldc,
                      row_bias ? row_bias + m : nullptr, accumulate);
}

} // namespace detail

/// C[M x N] = A[M x K] * B[K x N] (+ row_bias[M]). Row-major, B rows contiguous.
inline void gemm_nn_f32(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const float *EDGEC_RESTRICT A,
                        ptrdiff_t lda, const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                        float *EDGEC_RESTRICT C, ptrdiff_t ldc, const float *EDGEC_RESTRICT row_bias,
                        bool accumulate = false) {
  using namespace detail;
  // Column panels outermost: one K x 16 panel of B stays in L1 while every
  // row block of A (the small weight matrix) passes over it. Block counts are
  // computed up front so every loop has an evident trip count.
  const ptrdiff_t Mb = M - M % kGemmMR, Nb = N - N % kGemmNR;
  for (ptrdiff_t n = 0; n < Nb; n += kGemmNR) {
    for (ptrdiff_t m = 0; m < Mb; m += kGemmMR)
      gemm_block<kGemmMR, kGemmNR>(K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc,
                                   row_bias ? row_bias + m : nullptr, accumulate);
    for (ptrdiff_t m = Mb; m < M; ++m)
      gemm_block<1, kGemmNR>(K, A + m * lda, lda, B + n, ldb, C + m * ldc + n, ldc,
                             row_bias ? row_bias + m : nullptr, accumulate);
  }
  if (Nb < N)
    gemm_edge(M, N - Nb, K, A, lda, B + Nb, ldb, C + Nb, ldc, row_bias, accumulate);
}

/// C[M x N] = A[M x K] * B^T where B is stored [N x K] (fully-connected layers):
/// each output is a dot product of two contiguous rows; four at a time.
inline void gemm_nt_f32(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const float *EDGEC_RESTRICT A,
                        ptrdiff_t lda, const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                        float *EDGEC_RESTRICT C, ptrdiff_t ldc) {
  const ptrdiff_t N4 = N - N % 4, K8 = K - K % 8;
  for (ptrdiff_t m = 0; m < M; ++m) {
    const float *a = A + m * lda;
    float *c = C + m * ldc;
    for (ptrdiff_t n = 0; n < N4; n += 4) {
      const float *b0 = B + n * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
      float s0[8] = {}, s1[8] = {}, s2[8] = {}, s3[8] = {};
      for (ptrdiff_t k = 0; k < K8; k += 8)
        for (int u = 0; u < 8; ++u) {
          s0[u] += a[k + u] * b0[k + u];
          s1[u] += a[k + u] * b1[k + u];
          s2[u] += a[k + u] * b2[k + u];
          s3[u] += a[k + u] * b3[k + u];
        }
      float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (int u = 0; u < 8; ++u) {
        t0 += s0[u];
        t1 += s1[u];
        t2 += s2[u];
        t3 += s3[u];
      }
      for (ptrdiff_t k = K8; k < K; ++k) {
        t0 += a[k] * b0[k];
        t1 += a[k] * b1[k];
        t2 += a[k] * b2[k];
        t3 += a[k] * b3[k];
      }
      c[n] = t0;
      c[n + 1] = t1;
      c[n + 2] = t2;
      c[n + 3] = t3;
    }
    for (ptrdiff_t n = N4; n < N; ++n) {
      const float *b = B + n * ldb;
      float t = 0;
      for (ptrdiff_t k = 0; k < K; ++k)
        t += a[k] * b[k];
      c[n] = t;
    }
  }
}

} // namespace edgec
