/* STREAM triad a[i] = b[i] + s * c[i] over N doubles with OpenMP threads: best of REPS, in GB/s
   (STREAM's convention: 24 bytes moved per element). Usage: triad <n> <reps> */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const long n = argc > 1 ? atol(argv[1]) : 10000000L;
    const int reps = argc > 2 ? atoi(argv[2]) : 10;
    double *a = aligned_alloc(64, n * sizeof(double)), *b = aligned_alloc(64, n * sizeof(double)),
           *c = aligned_alloc(64, n * sizeof(double));
#pragma omp parallel for
    for (long i = 0; i < n; ++i) {
        a[i] = 0.0;
        b[i] = 1.0 + (double)(i % 7);
        c[i] = 2.0 - (double)(i % 5);
    }
    double best = 1e30;
    for (int r = 0; r < reps; ++r) {
        const double t0 = omp_get_wtime();
#pragma omp parallel for
        for (long i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
        const double t = omp_get_wtime() - t0;
        if (t < best) best = t;
    }
    printf("%.3f\n", 24.0 * (double)n / best / 1e9);
    free(a);
    free(b);
    free(c);
    return 0;
}
