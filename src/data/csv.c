/*
 * csv.c — a numeric CSV file read into a dataset.
 *
 * One sample a line, cells separated by commas, every cell a number
 * (strtod syntax, finite, spaces and tabs around it allowed).  Column
 * data.label_column (0-based) is the label, every other column a feature,
 * in file order.  With data.header the first line is skipped unread.
 * Lines that are empty or blank are skipped; "\r\n" ends a line like "\n".
 * Every row has as many fields as the first one.  For a binary task a label
 * is 0 or 1, or -1 or +1 (read as 0 and 1); for a multiclass task a class
 * number, an integer from 0 to 65535 (DATASET_MAX_CLASS), kept as it is.
 * No quoting: a quoted cell is a bad number.
 *
 * Errors are located "FILE:LINE:COL: message", LINE and COL counted from 1,
 * COL in bytes: the start of a bad cell, the first extra field of a long
 * row, the end of a short one.  The file is read whole into memory once
 * (datafile.c: gzip-compressed or plain).
 */
#include "data_impl.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Longest cell text quoted back in a message. */
#define CSV_QUOTE_MAX 40

/* A growing array of doubles. */
struct csv_buf {
	double *v;     /* the values (owned until handed to the dataset) */
	size_t n;      /* values stored */
	size_t cap;    /* values allocated */
};

/* The state of one read. */
struct csv_reader {
	const char *path;      /* the file's name, for messages */
	enum data_task task;   /* decides which labels are valid */
	size_t label;          /* the label's column */
	size_t ncols;          /* fields of the first data row, 0 before it */
	size_t rows;           /* data rows read */
	struct csv_buf x;      /* features, row-major */
	struct csv_buf y;      /* labels */
	struct diag *d;        /* where errors go */
};

static bool csv_buf_push(struct csv_buf *b, double v)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 1024;
		double *p = realloc(b->v, cap * sizeof *p);
		if (!p)
			return false;
		b->v = p;
		b->cap = cap;
	}
	b->v[b->n++] = v;
	return true;
}

static bool csv_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* True when the line [s, e) holds nothing but blanks. */
static bool csv_blank_line(const char *s, const char *e)
{
	while (s < e && csv_blank(*s))
		s++;
	return s == e;
}

/* *v <- the number in the cell [s, e); false if it is not one.  The text
 * continues past e with a ',', '\r', '\n' or NUL, which end strtod. */
static bool csv_number(const char *s, const char *e, double *v)
{
	while (s < e && csv_blank(*s))
		s++;
	while (e > s && csv_blank(e[-1]))
		e--;
	if (s == e)
		return false;
	char *end;
	*v = strtod(s, &end);
	return end == e && isfinite(*v);
}

/* The error "<before>'<cell [s, e) trimmed>'<after>" at the cell. */
static asg_status csv_bad_cell(struct csv_reader *r, int line, const char *ls,
			       const char *s, const char *e,
			       const char *before, const char *after)
{
	while (s < e && csv_blank(*s))
		s++;
	while (e > s && csv_blank(e[-1]))
		e--;
	int len = e - s > CSV_QUOTE_MAX ? CSV_QUOTE_MAX : (int)(e - s);
	return diag_at(r->d, ASG_EINPUT, r->path, line, (int)(s - ls) + 1,
		       "%s'%.*s'%s", before, len, s, after);
}

_Static_assert(DATASET_MAX_CLASS == 65535, "csv_row's message names 65535");

/* The label's value for the task; false if a binary label is not 0/1/-1,
 * or a class not an integer in 0 .. DATASET_MAX_CLASS. */
static bool csv_label(const struct csv_reader *r, double v, double *label)
{
	switch (r->task) {
	case TASK_BINARY:
		return dataset_binary_label(v, label);
	case TASK_MULTICLASS:
		*label = v;
		return v >= 0 && v <= DATASET_MAX_CLASS && v == floor(v);
	default:
		*label = v;
		return true;
	}
}

static size_t csv_fields(const char *s, const char *e)
{
	size_t n = 1;
	for (; s < e; s++)
		n += *s == ',';
	return n;
}

/* Check the row [s, e) has the fields of the first row, or make it the
 * first row. */
static asg_status csv_shape(struct csv_reader *r, int line, const char *s,
			    const char *e)
{
	size_t nf = csv_fields(s, e);
	if (r->ncols == 0) {
		if (nf < 2)
			return diag_at(r->d, ASG_EINPUT, r->path, line, 1,
				       "a row needs a label and at least one feature, this one has %zu field",
				       nf);
		if (r->label >= nf)
			return diag_at(r->d, ASG_EINPUT, r->path, line, 1,
				       "label column %zu out of range: the row has %zu fields",
				       r->label, nf);
		r->ncols = nf;
		return ASG_OK;
	}
	if (nf == r->ncols)
		return ASG_OK;
	int col = (int)(e - s) + 1;
	if (nf > r->ncols) {
		const char *p = s;
		for (size_t f = 0; f < r->ncols; f++)
			p = (const char *)memchr(p, ',', (size_t)(e - p)) + 1;
		col = (int)(p - s) + 1;
	}
	return diag_at(r->d, ASG_EINPUT, r->path, line, col,
		       "row has %zu fields, expected %zu", nf, r->ncols);
}

/* Read the data row [s, e), line `line`. */
static asg_status csv_row(struct csv_reader *r, int line, const char *s,
			  const char *e)
{
	asg_status st = csv_shape(r, line, s, e);
	if (st != ASG_OK)
		return st;
	const char *cell = s;
	for (size_t f = 0; f < r->ncols; f++) {
		const char *end = memchr(cell, ',', (size_t)(e - cell));
		if (!end)
			end = e;
		double v;
		if (!csv_number(cell, end, &v))
			return csv_bad_cell(r, line, s, cell, end,
						    "bad number ", "");
		bool ok;
		if (f == r->label) {
			if (!csv_label(r, v, &v))
				return csv_bad_cell(r, line, s, cell, end, "label ",
						    r->task == TASK_BINARY
						    ? " is not 0 or 1 (nor -1 or +1)"
						    : " is not a class number (an integer from 0 to 65535)");
			ok = csv_buf_push(&r->y, v);
		} else {
			ok = csv_buf_push(&r->x, v);
		}
		if (!ok)
			return diag_set(r->d, ASG_ENOMEM, "out of memory");
		cell = end + 1;
	}
	r->rows++;
	return ASG_OK;
}

/* Read every line of text[0 .. len). */
static asg_status csv_lines(struct csv_reader *r, const char *text,
			    size_t len, bool header)
{
	const char *p = text, *end = text + len;
	int line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		if (e > p && e[-1] == '\r')
			e--;
		line++;
		if (!(header && line == 1) && !csv_blank_line(p, e)) {
			asg_status st = csv_row(r, line, p, e);
			if (st != ASG_OK)
				return st;
		}
		p = next;
	}
	if (r->rows > 0)
		return ASG_OK;
	if (header && line >= 1)
		return diag_at(r->d, ASG_EINPUT, r->path, line + 1, 1,
			       "no samples after the header");
	return diag_at(r->d, ASG_EINPUT, r->path, 1, 1, "empty data file");
}

asg_status csv_read(const struct data_config *cfg, enum data_task task,
		    struct dataset *all, struct diag *d)
{
	if (cfg->label_column < 0)
		return diag_set(d, ASG_EINPUT,
				"data.label_column must be >= 0, not %ld",
				cfg->label_column);
	char *text = NULL;
	size_t len = 0;
	asg_status st = datafile_slurp(cfg->path, &text, &len, d);
	if (st != ASG_OK)
		return st;
	struct csv_reader r = {
		.path = cfg->path,
		.task = task,
		.label = (size_t)cfg->label_column,
		.d = d,
	};
	st = csv_lines(&r, text, len, cfg->header);
	free(text);
	all->x = r.x.v;     /* handed over even on error: the caller releases */
	all->y = r.y.v;
	if (st != ASG_OK)
		return st;
	all->n = r.rows;
	all->d = r.ncols - 1;
	return ASG_OK;
}
