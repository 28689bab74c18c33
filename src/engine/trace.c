/*
 * trace.c — reading trace files once per process (see trace.h).
 *
 * The file is read line by line into a row-major array grown by doubling,
 * then transposed into columns.  Messages are located "FILE:LINE:COL" at
 * the offending field (COL counted in bytes from 1).  Numbers are read
 * with strtod in the C locale.
 */
#include "trace.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct trace *trace_loaded;   /* every trace read, newest first */

/* What the reader of one file holds. */
struct trace_reader {
	const char *path;    /* for messages */
	struct diag *d;
	size_t cols;         /* fields per row, 0 until the first line */
	bool started;        /* a non-blank line was read */
	size_t rows;         /* data rows so far */
	double *rowwise;     /* rows x cols values (owned until transposed) */
	size_t cap;          /* room in rowwise, in values */
	char **names;        /* the header's names, or NULL */
};

static void trace_free_names(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

static void trace_free(struct trace *t)
{
	if (!t)
		return;
	free(t->path);
	trace_free_names(t->names, t->cols);
	free(t->values);
	free(t->means);
	free(t);
}

/* Cut a line of n fields in place at its commas into field[0..n-1],
 * each trimmed of the spaces around it. */
static void trace_split(char *line, char **field, size_t n)
{
	char *p = line;
	for (size_t i = 0; i < n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		field[i] = p;
		char *comma = strchr(p, ',');
		char *end = comma ? comma : p + strlen(p);
		char *trim = end;
		while (trim > p && (trim[-1] == ' ' || trim[-1] == '\t'))
			trim--;
		*trim = '\0';
		p = end + (comma != NULL);
	}
}

static bool trace_is_number(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return *s && !*end && errno != ERANGE;
}

/* Count the fields of a line without cutting it. */
static size_t trace_count_fields(const char *line)
{
	size_t n = 1;
	for (; *line; line++)
		n += *line == ',';
	return n;
}

static asg_status trace_header(struct trace_reader *r, char **field)
{
	r->names = calloc(r->cols, sizeof *r->names);
	if (!r->names)
		return diag_set(r->d, ASG_ENOMEM, "out of memory");
	for (size_t c = 0; c < r->cols; c++)
		if (!(r->names[c] = strdup(field[c])))
			return diag_set(r->d, ASG_ENOMEM, "out of memory");
	return ASG_OK;
}

static asg_status trace_row(struct trace_reader *r, char *line, long lineno,
			    char **field)
{
	if (r->rows * r->cols + r->cols > r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64 * r->cols;
		double *grown = realloc(r->rowwise, cap * sizeof *grown);
		if (!grown)
			return diag_set(r->d, ASG_ENOMEM, "out of memory");
		r->rowwise = grown;
		r->cap = cap;
	}
	for (size_t c = 0; c < r->cols; c++) {
		double v;
		int col = (int)(field[c] - line) + 1;
		if (!trace_is_number(field[c], &v))
			return diag_at(r->d, ASG_EINPUT, r->path, (int)lineno, col,
				       "expected a number, got '%s'", field[c]);
		if (!isfinite(v) || v < 0)
			return diag_at(r->d, ASG_EINPUT, r->path, (int)lineno, col,
				       "a duration must be a finite number >= 0, "
				       "got '%s'", field[c]);
		r->rowwise[r->rows * r->cols + c] = v;
	}
	r->rows++;
	return ASG_OK;
}

/* One line (its newline removed): the header, or a row. */
static asg_status trace_line(struct trace_reader *r, char *line, long lineno)
{
	size_t n = trace_count_fields(line);
	bool first = !r->started;
	r->started = true;
	if (first)
		r->cols = n;
	if (n != r->cols)
		return diag_at(r->d, ASG_EINPUT, r->path, (int)lineno, 1,
			       "expected %zu fields, got %zu", r->cols, n);
	char **field = malloc(n * sizeof *field);
	if (!field)
		return diag_set(r->d, ASG_ENOMEM, "out of memory");
	trace_split(line, field, n);
	asg_status s;
	bool header = false;
	double v;
	for (size_t c = 0; first && c < n; c++)
		header |= !trace_is_number(field[c], &v);
	s = header ? trace_header(r, field) : trace_row(r, line, lineno, field);
	free(field);
	return s;
}

/* Read the file into r; the lines' newlines (\n or \r\n) are removed. */
static asg_status trace_read(struct trace_reader *r, FILE *f)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	long lineno = 0;
	asg_status s = ASG_OK;

	while (s == ASG_OK && (len = getline(&line, &size, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strspn(line, " \t") < (size_t)len)
			s = trace_line(r, line, lineno);
	}
	free(line);
	if (s == ASG_OK && ferror(f))
		s = diag_set(r->d, ASG_EIO, "cannot read '%s': %s", r->path,
			     strerror(errno));
	if (s == ASG_OK && r->rows == 0)
		s = diag_at(r->d, ASG_EINPUT, r->path, (int)(lineno ? lineno : 1), 1,
			    "trace has no values");
	return s;
}

/* The trace of what r read: columns transposed, means taken. */
static struct trace *trace_build(struct trace_reader *r)
{
	struct trace *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->rows = r->rows;
	t->cols = r->cols;
	t->path = strdup(r->path);
	t->values = malloc(r->rows * r->cols * sizeof *t->values);
	t->means = calloc(r->cols, sizeof *t->means);
	if (!t->path || !t->values || !t->means) {
		trace_free(t);
		return NULL;
	}
	for (size_t c = 0; c < r->cols; c++) {
		double sum = 0;
		for (size_t i = 0; i < r->rows; i++) {
			double v = r->rowwise[i * r->cols + c];
			t->values[c * r->rows + i] = v;
			sum += v;
		}
		t->means[c] = sum / (double)r->rows;
	}
	t->names = r->names;
	r->names = NULL;
	return t;
}

const struct trace *trace_load(const char *path, struct diag *d)
{
	struct trace_reader r = { .path = path, .d = d };
	struct trace *t = NULL;

	for (t = trace_loaded; t; t = t->next)
		if (!strcmp(t->path, path))
			return t;
	FILE *f = fopen(path, "r");
	if (!f) {
		diag_set(d, ASG_EIO, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (trace_read(&r, f) == ASG_OK) {
		t = trace_build(&r);
		if (!t)
			diag_set(d, ASG_ENOMEM, "out of memory");
	}
	fclose(f);
	trace_free_names(r.names, r.cols);
	free(r.rowwise);
	if (t) {
		t->next = trace_loaded;
		trace_loaded = t;
	}
	return t;
}

long trace_column(const struct trace *t, const char *name, size_t len)
{
	for (size_t c = 0; t->names && c < t->cols; c++)
		if (strlen(t->names[c]) == len && !memcmp(t->names[c], name, len))
			return (long)c;
	return -1;
}
