/* Embedding linea: compile a ridge-regression script once, execute it for a grid of lambdas, print each
 * solution and the session statistics. Lineage reuse computes t(X)%*%X and t(X)%*%y only in the first
 * execution; the others reuse them from the session's cache.
 *
 *   cc ridge_embed.c $(pkg-config --cflags --libs linea) -o ridge_embed && ./ridge_embed
 */
#include <linea/linea.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *kScript = "A = t(X) %*% X + diag(matrix(lambda, ncol(X), 1))\n"
                             "B = solve(A, t(X) %*% y)\n"
                             "mse = sum((y - X %*% B) ^ 2) / nrow(X)\n";

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 2000, m = argc > 2 ? atoi(argv[2]) : 50;
    linea_session *s = NULL;
    if (linea_session_create("-lineage reuse_full", &s) != LINEA_OK) {
        fprintf(stderr, "session: %s\n", linea_last_error(NULL));
        return 1;
    }
    const char *inputs[] = {"X", "y", "lambda"};
    const char *outputs[] = {"B", "mse"};
    linea_script *p = NULL;
    if (linea_compile(s, kScript, inputs, 3, outputs, 2, &p) != LINEA_OK) {
        fprintf(stderr, "compile: %s\n", linea_last_error(s));
        return 1;
    }
    /* the same deterministic data as scripts/examples/lm_lambda_grid.dml */
    double *X = malloc(sizeof(double) * (size_t)n * (size_t)m), *y = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; ++i) {
        y[i] = 0.1 * sin((i + 1) * 2.9);
        for (int j = 0; j < m; ++j) {
            double v = sin(0.7 * (i + 1) + 1.3 * (j + 1)) + cos((i + 1.0) * (j + 1.0) * 0.011);
            X[(size_t)i * m + j] = v;
            y[i] += v * cos(j + 1.0);
        }
    }
    linea_bind_matrix(p, "X", n, m, X);
    linea_bind_matrix(p, "y", n, 1, y);
    printf(" k      lambda         mse       beta[1]   seconds\n");
    double first = 0, rest = 0;
    for (int k = 1; k <= 20; ++k) {
        double lambda = pow(10.0, -3 + (k - 1) * 5.0 / 19);
        linea_bind_double(p, "lambda", lambda);
        linea_result *r = NULL;
        double t0 = now();
        if (linea_execute(p, &r) != LINEA_OK) {
            fprintf(stderr, "execute: %s\n", linea_last_error(s));
            return 1;
        }
        double dt = now() - t0;
        if (k == 1)
            first = dt;
        else
            rest += dt;
        int64_t rows, cols;
        const double *B;
        double mse;
        linea_result_matrix(r, "B", &rows, &cols, &B);
        linea_result_double(r, "mse", &mse);
        printf("%2d  %10.4e  %12.8f  %10.6f  %8.5f\n", k, lambda, mse, B[0], dt);
        linea_result_destroy(r);
    }
    printf("first execution %.5f s, executions 2..20 on average %.5f s\n", first, rest / 19);
    printf("%s", linea_session_stats(s));
    free(X);
    free(y);
    linea_script_destroy(p);
    linea_session_destroy(s);
    return 0;
}
