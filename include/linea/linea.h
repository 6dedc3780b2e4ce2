/* linea: embed the DML compiler and runtime in a host program.
 *
 * A session owns the configuration and the lineage cache; a script is compiled once with declared inputs
 * and outputs and executed many times; repeated executions in one session reuse each other's work when the
 * session has lineage reuse on ("-lineage reuse_full"). Every function returns a status; on failure
 * linea_last_error() has the message (with file:line:col for script errors). No function aborts the host.
 */
#ifndef LINEA_LINEA_H
#define LINEA_LINEA_H

#include <stdint.h>

#if defined(__GNUC__)
#define LINEA_API __attribute__((visibility("default")))
#else
#define LINEA_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct linea_session linea_session; /* owns config and lineage cache */
typedef struct linea_script linea_script;   /* a compiled script with declared inputs/outputs */
typedef struct linea_result linea_result;   /* outputs of one execution */

typedef enum {
    LINEA_OK = 0,
    LINEA_ERR_PARSE,
    LINEA_ERR_VALIDATE,
    LINEA_ERR_RUNTIME,
    LINEA_ERR_ARGUMENT,
    LINEA_ERR_INTERNAL
} linea_status;

/* options in CLI syntax, e.g. "-lineage reuse_full -threads 2"; NULL = defaults */
LINEA_API linea_status linea_session_create(const char *options, linea_session **out);
LINEA_API void linea_session_destroy(linea_session *s);
/* message of the last failure in this session ("" if none); with NULL, the last failure of
 * linea_session_create on this thread */
LINEA_API const char *linea_last_error(const linea_session *s);
/* the -stats text accumulated over the session's executions, including the LinCache lines */
LINEA_API const char *linea_session_stats(linea_session *s);

LINEA_API linea_status linea_compile(linea_session *s, const char *dml_text, const char *const *inputs,
                                     int n_inputs, const char *const *outputs, int n_outputs,
                                     linea_script **out);
LINEA_API linea_status linea_compile_file(linea_session *s, const char *path, const char *const *inputs,
                                          int n_inputs, const char *const *outputs, int n_outputs,
                                          linea_script **out);
LINEA_API void linea_script_destroy(linea_script *p);

/* Binding copies the data; a binding stays until it is replaced. All inputs must be bound before executing.
 */
LINEA_API linea_status linea_bind_matrix(linea_script *p, const char *name, int64_t rows, int64_t cols,
                                         const double *row_major);
LINEA_API linea_status linea_bind_double(linea_script *p, const char *name, double v);
LINEA_API linea_status linea_bind_int(linea_script *p, const char *name, int64_t v);
LINEA_API linea_status linea_bind_bool(linea_script *p, const char *name, int v);
LINEA_API linea_status linea_bind_string(linea_script *p, const char *name, const char *v);

/* Runs the script; different scripts of one session may execute concurrently from different threads. */
LINEA_API linea_status linea_execute(linea_script *p, linea_result **out);
/* The data pointer is valid until linea_result_destroy. */
LINEA_API linea_status linea_result_matrix(const linea_result *r, const char *name, int64_t *rows,
                                           int64_t *cols, const double **row_major);
LINEA_API linea_status linea_result_double(const linea_result *r, const char *name, double *v);
LINEA_API void linea_result_destroy(linea_result *r);

#ifdef __cplusplus
}
#endif

#endif /* LINEA_LINEA_H */
