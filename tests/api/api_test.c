/* Tests of the C API from C: the normal path, reuse across executions, error paths, two scripts
 * executing concurrently in one session. Exits non-zero on the first failure. */
#include "linea/linea.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                         \
            failures++;                                                                                      \
        }                                                                                                    \
    } while (0)

static const char *kRidge = "A = t(X) %*% X + diag(matrix(lambda, ncol(X), 1))\n"
                            "B = solve(A, t(X) %*% y)\n"
                            "loss = sum((y - X %*% B)^2)\n";

static void test_ridge_and_reuse(void) {
    linea_session *s = NULL;
    CHECK(linea_session_create("-lineage reuse_full", &s) == LINEA_OK);
    const char *in[] = {"X", "y", "lambda"};
    const char *out[] = {"B", "loss"};
    linea_script *p = NULL;
    CHECK(linea_compile(s, kRidge, in, 3, out, 2, &p) == LINEA_OK);
    double X[6] = {1, 2, 3, 4, 5, 7}, y[3] = {1, 2, 4};
    CHECK(linea_bind_matrix(p, "X", 3, 2, X) == LINEA_OK);
    CHECK(linea_bind_matrix(p, "y", 3, 1, y) == LINEA_OK);
    double first_loss = 0;
    for (int k = 0; k < 5; ++k) {
        CHECK(linea_bind_double(p, "lambda", 0.1 * k) == LINEA_OK);
        linea_result *r = NULL;
        CHECK(linea_execute(p, &r) == LINEA_OK);
        int64_t rows = 0, cols = 0;
        const double *B = NULL;
        CHECK(linea_result_matrix(r, "B", &rows, &cols, &B) == LINEA_OK);
        CHECK(rows == 2 && cols == 1);
        double loss = -1;
        CHECK(linea_result_double(r, "loss", &loss) == LINEA_OK);
        CHECK(loss >= 0);
        if (k == 0) {
            first_loss = loss;
            /* lambda 0: the least-squares solution of the 3x2 system (checked by normal equations) */
            double a11 = 1 + 9 + 25, a12 = 2 + 12 + 35, a22 = 4 + 16 + 49, b1 = 1 + 6 + 20, b2 = 2 + 8 + 28;
            double det = a11 * a22 - a12 * a12;
            CHECK(fabs(B[0] - (a22 * b1 - a12 * b2) / det) < 1e-9);
            CHECK(fabs(B[1] - (a11 * b2 - a12 * b1) / det) < 1e-9);
        } else {
            CHECK(loss >= first_loss - 1e-12); /* regularisation never fits better */
        }
        linea_result_destroy(r);
    }
    const char *stats = linea_session_stats(s);
    CHECK(strstr(stats, "LinCache hits") != NULL);
    CHECK(strstr(stats, "LinCache hits (Mem/FS/Del): \t0/") == NULL); /* t(X)%*%X was reused */
    linea_script_destroy(p);
    linea_session_destroy(s);
}

static void test_errors(void) {
    CHECK(linea_session_create(NULL, NULL) == LINEA_ERR_ARGUMENT);
    linea_session *bad = NULL;
    CHECK(linea_session_create("-lineage bogus", &bad) == LINEA_ERR_ARGUMENT);
    CHECK(bad == NULL);
    CHECK(strstr(linea_last_error(NULL), "unknown option 'bogus'") != NULL);
    linea_session *s = NULL;
    CHECK(linea_session_create(NULL, &s) == LINEA_OK);
    linea_script *p = NULL;
    const char *in[] = {"X"};
    const char *out[] = {"Y"};
    CHECK(linea_compile(s, "Y = X %*% (", in, 1, out, 1, &p) == LINEA_ERR_PARSE);
    CHECK(p == NULL);
    CHECK(strstr(linea_last_error(s), "<api>:1:") != NULL);
    CHECK(linea_compile(s, "Y = Z + 1", in, 1, out, 1, &p) == LINEA_ERR_VALIDATE);
    CHECK(strstr(linea_last_error(s), "undefined variable 'Z'") != NULL);
    CHECK(linea_compile(s, NULL, in, 1, out, 1, &p) == LINEA_ERR_ARGUMENT);
    CHECK(linea_compile_file(s, "/nonexistent/script.dml", in, 1, out, 1, &p) != LINEA_OK);
    CHECK(linea_compile(s, "Y = X %*% X", in, 1, out, 1, &p) == LINEA_OK);
    linea_result *r = NULL;
    CHECK(linea_execute(p, &r) == LINEA_ERR_ARGUMENT); /* X not bound */
    CHECK(strstr(linea_last_error(s), "not bound") != NULL);
    double x[6] = {1, 2, 3, 4, 5, 6};
    CHECK(linea_bind_matrix(p, "nope", 2, 3, x) == LINEA_ERR_ARGUMENT);
    CHECK(linea_bind_matrix(p, "X", 2, 3, NULL) == LINEA_ERR_ARGUMENT);
    CHECK(linea_bind_matrix(p, "X", 2, 3, x) == LINEA_OK);
    CHECK(linea_execute(p, &r) == LINEA_ERR_RUNTIME); /* 2x3 %*% 2x3 */
    CHECK(strstr(linea_last_error(s), "dimension mismatch") != NULL);
    CHECK(linea_bind_matrix(p, "X", 3, 3, (double[]){1, 0, 0, 0, 1, 0, 0, 0, 1}) == LINEA_OK);
    CHECK(linea_execute(p, &r) == LINEA_OK);
    double v = 0;
    CHECK(linea_result_double(r, "missing", &v) == LINEA_ERR_ARGUMENT);
    CHECK(linea_result_double(NULL, "Y", &v) == LINEA_ERR_ARGUMENT);
    linea_result_destroy(r);
    CHECK(linea_bind_double(NULL, "X", 1.0) == LINEA_ERR_ARGUMENT);
    CHECK(linea_execute(NULL, &r) == LINEA_ERR_ARGUMENT);
    linea_script_destroy(p);
    linea_script *q = NULL;
    CHECK(linea_compile(s, "x = 1", NULL, 0, out, 1, &q) == LINEA_OK);
    CHECK(linea_execute(q, &r) == LINEA_ERR_RUNTIME); /* output Y never assigned */
    linea_script_destroy(q);
    linea_session_destroy(s);
    linea_session_destroy(NULL);
}

struct job {
    linea_script *script;
    double expect;
    int ok;
};

static void *run_job(void *arg) {
    struct job *j = (struct job *)arg;
    j->ok = 1;
    for (int i = 0; i < 20; ++i) {
        linea_result *r = NULL;
        if (linea_execute(j->script, &r) != LINEA_OK) {
            j->ok = 0;
            return NULL;
        }
        double v = 0;
        if (linea_result_double(r, "s", &v) != LINEA_OK || fabs(v - j->expect) > 1e-9 * fabs(j->expect))
            j->ok = 0;
        linea_result_destroy(r);
    }
    return NULL;
}

static void test_concurrent(void) {
    linea_session *s = NULL;
    CHECK(linea_session_create("-lineage reuse_full", &s) == LINEA_OK);
    const char *in[] = {"X"};
    const char *out[] = {"s"};
    linea_script *a = NULL, *b = NULL;
    CHECK(linea_compile(s, "s = sum(t(X) %*% X)", in, 1, out, 1, &a) == LINEA_OK);
    CHECK(linea_compile(s, "s = sum(X %*% t(X)) + 1", in, 1, out, 1, &b) == LINEA_OK);
    double *x = malloc(sizeof(double) * 200 * 30);
    for (int i = 0; i < 200 * 30; ++i) x[i] = (i % 17) * 0.25 - 1;
    CHECK(linea_bind_matrix(a, "X", 200, 30, x) == LINEA_OK);
    CHECK(linea_bind_matrix(b, "X", 200, 30, x) == LINEA_OK);
    double col[30] = {0}, total = 0;
    for (int i = 0; i < 200; ++i)
        for (int j = 0; j < 30; ++j) col[j] += x[i * 30 + j];
    /* sum(t(X)X) = sum_j sum_k (X^T X)_jk = ||X 1||^2 ; sum(X t(X)) = ||t(X) 1||^2 */
    double rowsum2 = 0;
    for (int i = 0; i < 200; ++i) {
        double r = 0;
        for (int j = 0; j < 30; ++j) r += x[i * 30 + j];
        rowsum2 += r * r;
    }
    for (int j = 0; j < 30; ++j) total += col[j] * col[j];
    struct job ja = {a, rowsum2, 0}, jb = {b, total + 1, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, run_job, &ja);
    pthread_create(&tb, NULL, run_job, &jb);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(ja.ok && jb.ok);
    free(x);
    linea_script_destroy(a);
    linea_script_destroy(b);
    linea_session_destroy(s);
}

int main(void) {
    test_ridge_and_reuse();
    test_errors();
    test_concurrent();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("C API tests passed\n");
    return 0;
}
