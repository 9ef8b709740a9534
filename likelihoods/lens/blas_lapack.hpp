#pragma once
// The few BLAS and LAPACK routines the inversions call, by their reference
// (Fortran) names, so any implementation links: Debian's alternatives pick
// it, and scripts/bootstrap installs OpenBLAS's pthread build. nslab's own
// thread pool runs the batch, so each call holds a CallGuard
// (blas_runtime.hpp): OpenBLAS is held to one thread per call, and a
// single-threaded OpenBLAS, unsafe under concurrent calls, is serialised.
// Measured on this project's 2-core machine (AMD EPYC, AVX2), one thread:
// a 1,500 x 1,500 Cholesky factorisation took 32-34 ms in OpenBLAS against
// 54-57 ms in Eigen's LLT, and the MGE-sized rank-k update 2.5-2.7 ms
// against 3.1-3.5 (docs/cpu-likelihoods.md, "Dense factorisations").
//
// All matrices are column-major with an explicit leading dimension; only
// the lower triangle of a symmetric matrix is read or written.
#include <cstddef>

#include "likelihoods/lens/blas_runtime.hpp"

extern "C" {
// The trailing std::size_t arguments are the lengths of the character
// arguments that gfortran passes hidden; implementations written in C
// ignore them.
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* beta, double* c, const int* ldc,
            std::size_t, std::size_t);
void ssyrk_(const char* uplo, const char* trans, const int* n, const int* k, const float* alpha,
            const float* a, const int* lda, const float* beta, float* c, const int* ldc,
            std::size_t, std::size_t);
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m,
            const int* n, const double* alpha, const double* a, const int* lda, double* b,
            const int* ldb, std::size_t, std::size_t, std::size_t, std::size_t);
void dtrsv_(const char* uplo, const char* trans, const char* diag, const int* n, const double* a,
            const int* lda, double* x, const int* incx, std::size_t, std::size_t, std::size_t);
}

namespace nslab::blas {

inline int as_int(std::size_t n) { return static_cast<int>(n); }

// a = L L^T in place (lower triangle); false when a is not positive definite.
inline bool cholesky_lower(double* a, std::size_t n, std::size_t lda) {
  if (n == 0) return true;
  const CallGuard guard;
  const int n_ = as_int(n), lda_ = as_int(lda);
  int info = 0;
  dpotrf_("L", &n_, a, &lda_, &info, 1);
  return info == 0;
}

// c = beta c + alpha a a^T on c's lower triangle; a is n x k.
inline void rank_k_update_lower(std::size_t n, std::size_t k, double alpha, const double* a,
                                std::size_t lda, double beta, double* c, std::size_t ldc) {
  if (n == 0) return;
  const CallGuard guard;
  const int n_ = as_int(n), k_ = as_int(k), lda_ = as_int(lda), ldc_ = as_int(ldc);
  dsyrk_("L", "N", &n_, &k_, &alpha, a, &lda_, &beta, c, &ldc_, 1, 1);
}

// c = a^T a on c's lower triangle (c n x n): a is rows x n when
// `transposed`, else a is n x rows and c = a a^T.
template <class Real>
inline void gram_lower(bool transposed, std::size_t n, std::size_t rows, const Real* a,
                       std::size_t lda, Real* c, std::size_t ldc) {
  if (n == 0) return;
  const CallGuard guard;
  const int n_ = as_int(n), k_ = as_int(rows), lda_ = as_int(lda), ldc_ = as_int(ldc);
  const Real one = 1, zero = 0;
  const char* trans = transposed ? "T" : "N";
  if constexpr (sizeof(Real) == sizeof(double))
    dsyrk_("L", trans, &n_, &k_, &one, a, &lda_, &zero, c, &ldc_, 1, 1);
  else
    ssyrk_("L", trans, &n_, &k_, &one, a, &lda_, &zero, c, &ldc_, 1, 1);
}

// b = b L^-T for lower-triangular L (n x n); b is m x n.
inline void solve_right_lower_transposed(std::size_t m, std::size_t n, const double* l,
                                         std::size_t ldl, double* b, std::size_t ldb) {
  if (m == 0 || n == 0) return;
  const CallGuard guard;
  const int m_ = as_int(m), n_ = as_int(n), ldl_ = as_int(ldl), ldb_ = as_int(ldb);
  const double one = 1.0;
  dtrsm_("R", "L", "T", "N", &m_, &n_, &one, l, &ldl_, b, &ldb_, 1, 1, 1, 1);
}

// x = L^-1 x (transposed = false) or L^-T x (true), L lower triangular n x n.
inline void solve_lower(bool transposed, std::size_t n, const double* l, std::size_t ldl, double* x) {
  if (n == 0) return;
  const CallGuard guard;
  const int n_ = as_int(n), ldl_ = as_int(ldl), one = 1;
  dtrsv_("L", transposed ? "T" : "N", "N", &n_, l, &ldl_, x, &one, 1, 1, 1);
}

}  // namespace nslab::blas
