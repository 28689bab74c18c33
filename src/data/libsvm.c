/*
 * libsvm.c — a file of the LIBSVM format (a9a, w8a, rcv1, covtype...) read
 * into a dense dataset, with an optional held-out file (data.test_path).
 *
 * One sample a line: a label, then features INDEX:VALUE separated by
 * spaces or tabs, indices counted from 1 and ascending, absent features 0:
 *     +1 3:1 11:0.5 14:1
 * Blank lines are skipped, `#` starts a comment that runs to the end of
 * its line, and "\r\n" ends a line like "\n".  Values are finite numbers
 * (strtod syntax).  The dimension d is data.features when given (a larger
 * index is an error), else the largest index of the training and held-out
 * files.  Labels, for a binary task: 0 or 1, or -1 or +1 (read as 0 and
 * 1); for a multiclass task: any numbers, the distinct labels of both
 * files numbered 0 .. K-1 in ascending order (covtype's 1 .. 7 become
 * 0 .. 6); for regression: as read.
 *
 * Rows are stored dense: (training + held-out samples) x d doubles, at
 * most DATASET_MAX_VALUES, checked line by line so that the error names
 * the line that goes past it.  Each file is read whole (datafile.c: gzip
 * or plain) and parsed once into (index, value) pairs; the dense rows are
 * filled at the end.  Cost O(bytes + n d).
 *
 * Errors are located "FILE:LINE:COL: message", LINE and COL counted from
 * 1, COL in bytes, at the first byte of the bad token.
 */
#include "data_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest token quoted back in a message. */
#define LIBSVM_QUOTE_MAX 40

/* A feature of a sample. */
struct libsvm_entry {
	size_t index;      /* from 1 */
	double value;
};

/* A growing array of elements of `size` bytes. */
struct libsvm_vec {
	void *v;           /* the elements (owned) */
	size_t n;          /* elements stored */
	size_t cap;        /* elements allocated */
};

/* The samples of one file. */
struct libsvm_part {
	struct libsvm_vec labels;   /* doubles, one a sample */
	struct libsvm_vec ends;     /* size_t: end of each sample's entries */
	struct libsvm_vec entries;  /* struct libsvm_entry, sample by sample */
};

/* The state of one read (both files). */
struct libsvm_reader {
	const char *path;      /* the file being read, for messages */
	enum data_task task;   /* decides which labels are valid */
	size_t features;       /* data.features, 0 = the largest index */
	size_t largest;        /* the largest index read so far */
	size_t before;         /* samples of the files read before this one */
	struct diag *d;        /* where errors go */
};

static bool libsvm_push(struct libsvm_vec *a, const void *elem, size_t size)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 1024;
		void *p = realloc(a->v, cap * size);
		if (!p)
			return false;
		a->v = p;
		a->cap = cap;
	}
	memcpy((char *)a->v + a->n * size, elem, size);
	a->n++;
	return true;
}

static void libsvm_part_release(struct libsvm_part *p)
{
	free(p->labels.v);
	free(p->ends.v);
	free(p->entries.v);
	memset(p, 0, sizeof *p);
}

static bool libsvm_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The error "<before>'<token [s, e)>'<after>" at the token. */
static asg_status libsvm_bad(const struct libsvm_reader *r, int line,
			     const char *ls, const char *s, const char *e,
			     const char *before, const char *after)
{
	int len = e - s > LIBSVM_QUOTE_MAX ? LIBSVM_QUOTE_MAX : (int)(e - s);
	return diag_at(r->d, ASG_EINPUT, r->path, line, (int)(s - ls) + 1,
		       "%s'%.*s'%s", before, len, s, after);
}

/* *v <- the number [s, e), which the text continues with a blank, '\r',
 * '\n', '#' or NUL; false if it is not one. */
static bool libsvm_number(const char *s, const char *e, double *v)
{
	char *end;
	if (s == e || libsvm_blank(*s))
		return false;
	*v = strtod(s, &end);
	return end == e && isfinite(*v);
}

/* *index <- the decimal digits [s, e), DATASET_MAX_VALUES + 1 if larger;
 * false if there are none or another character. */
static bool libsvm_index(const char *s, const char *e, size_t *index)
{
	*index = 0;
	if (s == e)
		return false;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (*index <= DATASET_MAX_VALUES)
			*index = 10 * *index + (size_t)(*s - '0');
	}
	if (*index > DATASET_MAX_VALUES)
		*index = DATASET_MAX_VALUES + 1;
	return true;
}

/* Read the feature token [s, e) of line `line` (starting at ls), after
 * index *prev of the same sample. */
static asg_status libsvm_feature(struct libsvm_reader *r, struct libsvm_part *p,
				 int line, const char *ls, const char *s,
				 const char *e, size_t *prev)
{
	const char *colon = memchr(s, ':', (size_t)(e - s));
	struct libsvm_entry en;
	if (!colon || !libsvm_index(s, colon, &en.index) ||
	    !libsvm_number(colon + 1, e, &en.value))
		return libsvm_bad(r, line, ls, s, e, "bad feature ",
				  ", expected INDEX:VALUE");
	int col = (int)(s - ls) + 1;
	if (en.index == 0)
		return diag_at(r->d, ASG_EINPUT, r->path, line, col,
			       "feature index 0: indices start at 1");
	if (en.index > DATASET_MAX_VALUES)
		return libsvm_bad(r, line, ls, s, colon, "feature index ",
				  " is too large");
	if (en.index <= *prev)
		return diag_at(r->d, ASG_EINPUT, r->path, line, col,
			       "feature index %zu after %zu: indices must ascend",
			       en.index, *prev);
	if (r->features && en.index > r->features)
		return diag_at(r->d, ASG_EINPUT, r->path, line, col,
			       "feature index %zu exceeds data.features %zu",
			       en.index, r->features);
	if (!libsvm_push(&p->entries, &en, sizeof en))
		return diag_set(r->d, ASG_ENOMEM, "out of memory");
	*prev = en.index;
	if (en.index > r->largest)
		r->largest = en.index;
	return ASG_OK;
}

/* Read the sample on line `line`, [s, e) without its comment and end. */
static asg_status libsvm_line(struct libsvm_reader *r, struct libsvm_part *p,
			      int line, const char *s, const char *e)
{
	const char *ls = s, *q;
	double label;
	while (s < e && libsvm_blank(*s))
		s++;
	for (q = s; q < e && !libsvm_blank(*q); q++)
		;
	if (!libsvm_number(s, q, &label))
		return libsvm_bad(r, line, ls, s, q, "bad label ", "");
	if (r->task == TASK_BINARY && !dataset_binary_label(label, &label))
		return libsvm_bad(r, line, ls, s, q, "label ",
				  " is not 0 or 1 (nor -1 or +1)");
	size_t prev = 0;
	asg_status st;
	for (s = q; ; s = q) {
		while (s < e && libsvm_blank(*s))
			s++;
		if (s == e)
			break;
		for (q = s; q < e && !libsvm_blank(*q); q++)
			;
		if ((st = libsvm_feature(r, p, line, ls, s, q, &prev)) != ASG_OK)
			return st;
	}
	if (!libsvm_push(&p->labels, &label, sizeof label) ||
	    !libsvm_push(&p->ends, &p->entries.n, sizeof p->entries.n))
		return diag_set(r->d, ASG_ENOMEM, "out of memory");
	size_t n = r->before + p->labels.n;
	size_t dim = r->features ? r->features : r->largest;
	if (dim > DATASET_MAX_VALUES / n)
		return diag_at(r->d, ASG_EINPUT, r->path, line, 1,
			       "%zu samples of %zu features exceed the limit of %zu values (stored dense)",
			       n, dim, DATASET_MAX_VALUES);
	return ASG_OK;
}

/* Read the file `path` into p. */
static asg_status libsvm_file(struct libsvm_reader *r, const char *path,
			      struct libsvm_part *p)
{
	char *text;
	size_t len;
	asg_status st = datafile_slurp(path, &text, &len, r->d);
	if (st != ASG_OK)
		return st;
	r->path = path;
	const char *s = text, *end = text + len;
	int line = 0;
	while (s < end && st == ASG_OK) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		const char *hash = memchr(s, '#', (size_t)(e - s));
		const char *next = nl ? nl + 1 : end;
		if (hash)
			e = hash;
		else if (e > s && e[-1] == '\r')
			e--;
		line++;
		const char *c = s;
		while (c < e && (libsvm_blank(*c) || *c == '\r'))
			c++;
		if (c < e)
			st = libsvm_line(r, p, line, s, e);
		s = next;
	}
	free(text);
	if (st == ASG_OK && p->labels.n == 0)
		st = diag_at(r->d, ASG_EINPUT, path, 1, 1, "empty data file");
	return st;
}

static int libsvm_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Number the distinct labels of both parts 0 .. K-1 in ascending order. */
static asg_status libsvm_classes(struct libsvm_part *train,
				 struct libsvm_part *test, struct diag *d)
{
	size_t n = train->labels.n, m = test->labels.n, k = 0;
	double *sorted = malloc((n + m) * sizeof *sorted);
	if (!sorted)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	memcpy(sorted, train->labels.v, n * sizeof *sorted);
	if (m)
		memcpy(sorted + n, test->labels.v, m * sizeof *sorted);
	qsort(sorted, n + m, sizeof *sorted, libsvm_cmp_double);
	for (size_t i = 0; i < n + m; i++)
		if (k == 0 || sorted[i] != sorted[k - 1])
			sorted[k++] = sorted[i];
	struct libsvm_part *parts[] = { train, test };
	for (size_t j = 0; j < 2; j++) {
		double *y = parts[j]->labels.v;
		for (size_t i = 0; i < parts[j]->labels.n; i++) {
			double *at = bsearch(&y[i], sorted, k, sizeof *sorted,
					     libsvm_cmp_double);
			y[i] = (double)(at - sorted);
		}
	}
	free(sorted);
	return ASG_OK;
}

/* *x <- the dense rows of p, dim features each; *y <- its labels (both
 * taken from p). */
static asg_status libsvm_dense(struct libsvm_part *p, size_t dim, double **x,
			       double **y, struct diag *d)
{
	size_t n = p->labels.n;
	const size_t *ends = p->ends.v;
	const struct libsvm_entry *en = p->entries.v;
	*y = p->labels.v;
	p->labels.v = NULL;
	*x = calloc(n * dim, sizeof **x);
	if (!*x)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0, k = 0; i < n; i++)
		for (; k < ends[i]; k++)
			(*x)[i * dim + en[k].index - 1] = en[k].value;
	return ASG_OK;
}

asg_status libsvm_read(const struct data_config *cfg, enum data_task task,
		       struct dataset *all, struct diag *d)
{
	struct libsvm_part train = { 0 }, test = { 0 };
	if (cfg->features < 0)
		return diag_set(d, ASG_EINPUT, "data.features must be >= 0, not %ld",
				cfg->features);
	struct libsvm_reader r = {
		.task = task,
		.features = (size_t)cfg->features,
		.d = d,
	};
	asg_status st = libsvm_file(&r, cfg->path, &train);
	if (st != ASG_OK)
		goto out_release;
	r.before = train.labels.n;
	if (cfg->test_path &&
	    (st = libsvm_file(&r, cfg->test_path, &test)) != ASG_OK)
		goto out_release;
	size_t dim = r.features ? r.features : r.largest;
	if (dim == 0) {
		st = diag_at(d, ASG_EINPUT, cfg->path, 1, 1,
			     "no sample has a feature (data.features not set)");
		goto out_release;
	}
	if (task == TASK_MULTICLASS &&
	    (st = libsvm_classes(&train, &test, d)) != ASG_OK)
		goto out_release;
	all->n = train.labels.n;
	all->d = dim;
	st = libsvm_dense(&train, dim, &all->x, &all->y, d);
	if (st == ASG_OK && test.labels.n) {
		all->n_test = test.labels.n;
		st = libsvm_dense(&test, dim, &all->x_test, &all->y_test, d);
	}
out_release:
	libsvm_part_release(&train);
	libsvm_part_release(&test);
	return st;
}
