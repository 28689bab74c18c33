/*
 * trace.h — measured durations read from a CSV file, for the `trace(...)`
 * distribution (dist.h).
 *
 * A trace file is a CSV of numbers: one row per measurement, one column
 * per series (e.g. one device's compute times per column).  The first line
 * is a header when one of its fields is not a number; the header names the
 * columns.  Every row has the same number of fields; every value is a
 * finite number >= 0.  Blank lines are skipped; no quoting.
 *
 * A file is read once per process: trace_load keeps every trace it read,
 * by path, and hands out the same immutable trace for the same path (all
 * the runs of a sweep share it).  The traces live until the process ends:
 * a trace's address stays valid and can be copied into dists freely.
 * trace_load is not thread-safe: call it at set-up (scenario validation).
 */
#ifndef ASG_TRACE_H
#define ASG_TRACE_H

#include <stddef.h>

#include "../common/diag.h"

struct trace {
	char *path;           /* the file as opened (owned) */
	size_t rows;          /* values per column, >= 1 */
	size_t cols;          /* columns, >= 1 */
	char **names;         /* cols header names (owned), NULL without header */
	double *values;       /* column-major: column c is values + c * rows */
	double *means;        /* cols means */
	struct trace *next;   /* the next trace read by this process */
};

/* The trace of file `path` (read now, or the one read before).  Errors,
 * "cannot open 'x.csv': No such file or directory" or "x.csv:3:5: expected a
 * number, got 'abc'", go to *d; then NULL is returned.  Open and read
 * errors are ASG_EIO and unlocated (the caller locates them at the text
 * that names the file); errors inside the file are ASG_EINPUT. */
const struct trace *trace_load(const char *path, struct diag *d);

/* The index of the column named `name` (len bytes), or -1. */
long trace_column(const struct trace *t, const char *name, size_t len);

/* Column c's values (t->rows of them). */
static inline const double *trace_values(const struct trace *t, size_t c)
{
	return t->values + c * t->rows;
}

#endif
