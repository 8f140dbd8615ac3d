// Reference LAPACK (Debian: liblapack-dev) ships no C header; these are the
// Fortran entry points the stiff solver uses, with gfortran's hidden length
// argument for CHARACTER parameters.
#include <stddef.h>

void dgbtrf_(const int *m, const int *n, const int *kl, const int *ku, double *ab, const int *ldab, int *ipiv,
             int *info);
void dgbtrs_(const char *trans, const int *n, const int *kl, const int *ku, const int *nrhs, const double *ab,
             const int *ldab, const int *ipiv, double *b, const int *ldb, int *info, size_t trans_len);

/// LU factorisation of a band matrix (LAPACK dgbtrf); returns INFO.
static inline int gilbert_dgbtrf(int n, int kl, int ku, double *ab, int ldab, int *ipiv) {
  int info = 0;
  dgbtrf_(&n, &n, &kl, &ku, ab, &ldab, ipiv, &info);
  return info;
}

/// Solves A x = b with the factors of gilbert_dgbtrf, one right-hand side (LAPACK dgbtrs); returns INFO.
static inline int gilbert_dgbtrs(int n, int kl, int ku, const double *ab, int ldab, const int *ipiv, double *b) {
  int info = 0, nrhs = 1, ldb = n;
  dgbtrs_("N", &n, &kl, &ku, &nrhs, ab, &ldab, ipiv, b, &ldb, &info, 1);
  return info;
}
