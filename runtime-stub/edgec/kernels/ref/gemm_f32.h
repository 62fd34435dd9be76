// gemm_f32: the blocked float GEMM core shared by convolution, Gemm and MatMul.
//
// C[m][n] = sum_k A(m, k) * B(k, n) (+ bias), all row-major with leading
// dimensions. The micro-kernel keeps an MR x NR block of C in registers and
// streams contiguous rows of B, which the compiler vectorizes.
#pragma once

#include "edgec/runtime.h"

namespace edgec {
namespace detail {

// The register block is MR rows x 16 columns, held as 16 / kLanes vectors
// per row (GCC/Clang vector extensions: zmm with AVX-512, ymm with AVX, two q
// registers on NEON/Helium, plain floats for other compilers). The unaligned,
// may_alias type loads and stores any float row.
#if defined(__AVX512F__)
typedef float vecf __attribute__((vector_size(64)));
typedef float vecf_u __attribute__((vector_size(64), aligned(4), may_alias));
inline constexpr int kLanes = 16;
inline constexpr int kGemmMR = 8; // 8 accumulators
#elif defined(__GNUC__) || defined(__clang__)
typedef float vecf __attribute__((vector_size(32)));
typedef float vecf_u __attribute__((vector_size(32), aligned(4), may_alias));
inline constexpr int kLanes = 8;
inline constexpr int kGemmMR = 4; // 8 accumulators (6 rows measured no better on AVX2)
#else
typedef float vecf;
typedef float vecf_u;
inline constexpr int kLanes = 1;
inline constexpr int kGemmMR = 4;
#endif
inline constexpr int kGemmNR = 16;
inline constexpr int kVecsPerRow = kGemmNR / kLanes;

/// Full MR x 16 block of C += A[MR x K] * B[K x 16] (or C = ... + row_bias
/// when !accumulate). MR * kVecsPerRow independent accumulators keep the
/// multiply-adds throughput- rather than latency-bound.
template <int MR, int NR>
EDGEC_ALWAYS_INLINE void gemm_block(ptrdiff_t K, const float *EDGEC_RESTRICT A, ptrdiff_t lda,
                                    const float *EDGEC_RESTRICT B, ptrdiff_t ldb,
                                    float *EDGEC_RESTRICT C, ptrdiff_t ldc,
                                    const float *EDGEC_RESTRICT row_bias, bool accumulate) {
  static_assert(NR == kGemmNR, "the micro-kernel is kGemmNR columns wide");
  vecf acc[MR][kVecsPerRow];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < kVecsPerRow; ++v)
      acc[i][v] = accumulate ? *reinterpret_cast<const vecf_u *>(C + i * ldc + v * kLanes)
                             : vecf{} + (row_bias ? row_bias[i] : 0.f);
  for (ptrdiff_t k = 0; k < K; ++k) {
    vecf b[kVecsPerRow];
    for (int v = 0; v < kVecsPerRow; ++v)
      b[v] = *reinterpret_cast<const vecf_u *>(B + k * ldb + v * kLanes);
    for (int i = 0; i < MR; ++i) {
      const float a = A[i * lda + k];
      for (int v = 0; v < kVecsPerRow; ++v)
        acc[i][v] += a * b[v];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < kVecsPerRow; ++v)
      *reinterpret_cast<vecf_u *>(C + i * ldc + v * kLanes) = acc[i][v];
}

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
