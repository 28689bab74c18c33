/*
 * idx.c — IDX files, the format of MNIST and Fashion-MNIST, read into a
 * dataset: an images file and a labels file for the training part, and
 * optionally another pair for the held-out part (data.test_path,
 * data.test_labels).
 *
 * An IDX file is a big-endian header, then the values in row-major order:
 *     bytes 0, 1      zero
 *     byte 2          element type: 0x08 unsigned byte is the only one
 *                     read (0x09 signed byte, 0x0B short, 0x0C int,
 *                     0x0D float, 0x0E double are refused)
 *     byte 3          D, the number of dimensions
 *     bytes 4 .. 4+4D the D dimensions, 32-bit unsigned, samples first
 * so that labels are 0x00000801 (one byte a sample) and images 0x00000803
 * (samples x rows x cols: channels 1, height rows, width cols).  Images
 * 0x00000802 (samples x features, no image shape) and 0x00000804 (samples
 * x channels x rows x cols) are read too.  A labels file holds as many
 * labels as its images file holds images; held-out images have the shape
 * of the training images.  Pixels become doubles 0 .. 255 (data.normalize
 * scale, the default for idx, then divides them by 255: normalize.c).
 * Labels are kept as read (0 .. 255) for multiclass and regression, and
 * must be 0 or 1 for a binary task.
 *
 * Files are read through zlib (gzopen/gzread), gzip-compressed or plain
 * alike, in one pass, never seeking.  With data.limit = N only the first N
 * training samples and labels are read, the rest of those files unchecked.
 * Each file may make at most DATASET_MAX_VALUES doubles.  The bytes are
 * gathered in a buffer that doubles as they arrive, so a header promising
 * more than its file holds costs no more memory than the file; the doubles
 * are allocated once the file has been read whole.
 *
 * Errors are located "FILE:1:COL: message": a binary file has no lines,
 * LINE is always 1, and COL is 1 + the byte offset, in the decompressed
 * stream, where the problem is: the field at fault (the magic number 1,
 * the element type 3, the number of dimensions 4, dimension i 5 + 4 i, a
 * label its own byte), the end of a file that ends too soon (its length
 * + 1), the first byte after the last sample of a file that goes on.
 */
#include "data_impl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDX_DIMS_MAX 4             /* dimensions of the largest file read */
#define IDX_UBYTE 0x08             /* the element type read */
#define IDX_FIRST_BUFFER ((size_t)1 << 20) /* doubles as the bytes arrive */
#define IDX_SHAPE_TEXT 64          /* "4294967295 x 4294967295 x ..." */

/* The first arguments of diag_at() for an error at byte `offset` of the
 * IDX file f. */
#define IDX_AT(f, offset) (f)->d, ASG_EINPUT, (f)->path, 1, datafile_column(offset)

/* What a file holds, for the header checks and messages. */
enum idx_role { IDX_IMAGES, IDX_LABELS };

/* One IDX file being read. */
struct idx_file {
	const char *path;             /* the file's name, for messages */
	gzFile f;                     /* the open file, NULL once closed */
	size_t offset;                /* bytes of the decompressed stream read */
	unsigned ndims;               /* dimensions in the header */
	uint32_t dims[IDX_DIMS_MAX];  /* the dimensions, samples first */
	size_t count;                 /* samples in the file: dims[0] */
	size_t item;                  /* values of a sample: dims[1] x ... */
	struct diag *d;               /* where errors go */
};

/* The names of IDX element types other than unsigned byte, "" if none. */
static const char *idx_type_name(unsigned type)
{
	switch (type) {
	case 0x09: return "signed byte";
	case 0x0B: return "short";
	case 0x0C: return "int";
	case 0x0D: return "float";
	case 0x0E: return "double";
	default: return "";
	}
}

static uint32_t idx_be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
	       (uint32_t)b[3];
}

/* Up to n bytes into buf; *got <- how many (fewer only at the end). */
static asg_status idx_bytes(struct idx_file *f, unsigned char *buf, size_t n,
			    size_t *got)
{
	asg_status st = datafile_read(f->f, f->path, f->offset, buf, n, got, f->d);
	f->offset += *got;
	return st;
}

/* Exactly n bytes of the header into buf. */
static asg_status idx_header_bytes(struct idx_file *f, unsigned char *buf,
				   size_t n)
{
	size_t got;
	asg_status st = idx_bytes(f, buf, n, &got);
	if (st == ASG_OK && got < n)
		st = diag_at(IDX_AT(f, f->offset),
			     "truncated: the file ends inside the header");
	return st;
}

/* "d1 x d2 x ..." of dimensions [from, ndims) into text. */
static const char *idx_shape(const struct idx_file *f, unsigned from,
			     char *text)
{
	size_t used = 0;
	text[0] = '\0';
	for (unsigned i = from; i < f->ndims; i++)
		used += (size_t)snprintf(text + used, IDX_SHAPE_TEXT - used, "%s%lu",
					 i > from ? " x " : "",
					 (unsigned long)f->dims[i]);
	return text;
}

/* The offset of the first header field where the shape of a sample of a
 * differs from b's (the number of dimensions, then each dimension after
 * the samples), 0 if none. */
static size_t idx_shape_differs(const struct idx_file *a,
				const struct idx_file *b)
{
	if (a->ndims != b->ndims)
		return 3;
	for (unsigned i = 1; i < a->ndims; i++)
		if (a->dims[i] != b->dims[i])
			return 4 + 4 * i;
	return 0;
}

/* Open path and read its header: the magic number, the dimensions, and
 * the size of the `use` first samples (all if 0) within the limit. */
static asg_status idx_open(struct idx_file *f, const char *path,
			   enum idx_role role, size_t use, struct diag *d)
{
	unsigned char h[4 * IDX_DIMS_MAX];
	char shape[IDX_SHAPE_TEXT];
	memset(f, 0, sizeof *f);
	f->path = path;
	f->d = d;
	asg_status st = datafile_open(path, &f->f, d);
	if (st != ASG_OK || (st = idx_header_bytes(f, h, 4)) != ASG_OK)
		return st;
	unsigned want = role == IDX_LABELS ? 1 : 3;
	if (h[0] || h[1] || (h[2] != IDX_UBYTE && !idx_type_name(h[2])[0]))
		return diag_at(IDX_AT(f, 0),
			       "bad magic number 0x%08lx, expected 0x%08x for IDX %s",
			       (unsigned long)idx_be32(h), 0x800u | want,
			       role == IDX_LABELS ? "labels" : "images");
	if (h[2] != IDX_UBYTE)
		return diag_at(IDX_AT(f, 2),
			       "element type 0x%02x (%s) is not supported: only unsigned bytes (0x08)",
			       h[2], idx_type_name(h[2]));
	f->ndims = h[3];
	if (role == IDX_LABELS && f->ndims != 1)
		return diag_at(IDX_AT(f, 3),
			       "IDX labels have 1 dimension, this file has %u",
			       f->ndims);
	if (role == IDX_IMAGES && (f->ndims < 2 || f->ndims > IDX_DIMS_MAX))
		return diag_at(IDX_AT(f, 3),
			       "IDX images have 2 to %d dimensions (samples first), this file has %u",
			       IDX_DIMS_MAX, f->ndims);
	if ((st = idx_header_bytes(f, h, 4 * f->ndims)) != ASG_OK)
		return st;
	f->item = 1;
	bool too_large = false;
	for (unsigned i = 0; i < f->ndims; i++) {
		f->dims[i] = idx_be32(h + 4 * i);
		if (f->dims[i] == 0)
			return diag_at(IDX_AT(f, 4 + 4 * i),
				       i ? "dimension %u is 0"
					 : "the file holds no samples (dimension %u is 0)",
				       i + 1);
		if (i > 0) {
			too_large |= f->item > DATASET_MAX_VALUES / f->dims[i];
			if (!too_large)
				f->item *= f->dims[i];
		}
	}
	f->count = f->dims[0];
	size_t rows = use && use < f->count ? use : f->count;
	if (too_large || f->item > DATASET_MAX_VALUES / rows)
		return diag_at(IDX_AT(f, 4),
			       "dimensions %s exceed the limit of %zu values",
			       idx_shape(f, 0, shape), DATASET_MAX_VALUES);
	return ASG_OK;
}

static void idx_close(struct idx_file *f)
{
	if (f->f)
		gzclose(f->f);
	f->f = NULL;
}

/* *raw <- the values of the first `rows` samples (free it); with `whole`,
 * the file must end right after them. */
static asg_status idx_values(struct idx_file *f, size_t rows, bool whole,
			     unsigned char **raw)
{
	size_t want = rows * f->item, have = 0;
	size_t cap = want < IDX_FIRST_BUFFER ? want : IDX_FIRST_BUFFER;
	asg_status st = ASG_OK;
	unsigned char *buf = malloc(cap), extra;
	if (!buf)
		return diag_set(f->d, ASG_ENOMEM, "out of memory");
	while (have < want) {
		if (have == cap) {
			size_t bigger = 2 * cap < want ? 2 * cap : want;
			unsigned char *p = realloc(buf, bigger);
			if (!p) {
				st = diag_set(f->d, ASG_ENOMEM, "out of memory");
				goto out_free_buf;
			}
			buf = p;
			cap = bigger;
		}
		size_t got;
		if ((st = idx_bytes(f, buf + have, cap - have, &got)) != ASG_OK)
			goto out_free_buf;
		have += got;
		if (have < cap) {
			st = diag_at(IDX_AT(f, f->offset),
				     "truncated: the file ends after %zu of %zu samples",
				     have / f->item, f->count);
			goto out_free_buf;
		}
	}
	size_t got = 0;
	if (whole && (st = idx_bytes(f, &extra, 1, &got)) == ASG_OK && got)
		st = diag_at(IDX_AT(f, f->offset - 1),
			     "unexpected data after the last of %zu samples",
			     f->count);
	if (st == ASG_OK) {
		*raw = buf;
		return ASG_OK;
	}
out_free_buf:
	free(buf);
	return st;
}

/* The rows of a pair of files, or where the reading of one failed. */
struct idx_part {
	size_t n;         /* samples */
	double *x;        /* n x item pixels (owned until handed over) */
	double *y;        /* n labels (owned until handed over) */
};

/* x <- the pixels of the first n samples of the images file. */
static asg_status idx_images(struct idx_file *img, size_t n, bool whole,
			     struct idx_part *part)
{
	unsigned char *raw;
	asg_status st = idx_values(img, n, whole, &raw);
	if (st != ASG_OK)
		return st;
	part->x = malloc(n * img->item * sizeof *part->x);
	if (!part->x)
		st = diag_set(img->d, ASG_ENOMEM, "out of memory");
	else
		for (size_t i = 0; i < n * img->item; i++)
			part->x[i] = raw[i];
	free(raw);
	return st;
}

/* y <- the first n labels of the labels file, checked for the task. */
static asg_status idx_labels(struct idx_file *lab, size_t n, bool whole,
			     enum data_task task, struct idx_part *part)
{
	unsigned char *raw;
	size_t start = lab->offset;
	asg_status st = idx_values(lab, n, whole, &raw);
	if (st != ASG_OK)
		return st;
	part->y = malloc(n * sizeof *part->y);
	if (!part->y) {
		st = diag_set(lab->d, ASG_ENOMEM, "out of memory");
		goto out_free_raw;
	}
	for (size_t i = 0; i < n; i++) {
		part->y[i] = raw[i];
		if (task == TASK_BINARY && raw[i] > 1) {
			st = diag_at(IDX_AT(lab, start + i),
				     "label %u is not 0 or 1 (binary model)", raw[i]);
			goto out_free_raw;
		}
	}
out_free_raw:
	free(raw);
	return st;
}

/* Read the images and labels files of one part: all their samples, or the
 * first `limit` (> 0).  With `train` (not NULL), the images must have its
 * shape; *img is left with the images file's header. */
static asg_status idx_pair(const char *images, const char *labels,
			   size_t limit, enum data_task task,
			   const struct idx_file *train, struct idx_file *img,
			   struct idx_part *part, struct diag *d)
{
	struct idx_file lab;
	char shape[IDX_SHAPE_TEXT], want[IDX_SHAPE_TEXT];
	asg_status st = idx_open(img, images, IDX_IMAGES, limit, d);
	if (st != ASG_OK)
		goto out_close_img;
	st = idx_open(&lab, labels, IDX_LABELS, limit, d);
	if (st != ASG_OK)
		goto out_close_lab;
	if (lab.count != img->count) {
		st = diag_at(IDX_AT(&lab, 4), "%zu labels for the %zu images of '%s'",
			     lab.count, img->count, images);
		goto out_close_lab;
	}
	size_t at = train ? idx_shape_differs(img, train) : 0;
	if (at) {
		st = diag_at(IDX_AT(img, at),
			     "held-out images are %s, training images %s",
			     idx_shape(img, 1, shape), idx_shape(train, 1, want));
		goto out_close_lab;
	}
	part->n = limit && limit < img->count ? limit : img->count;
	if ((st = idx_images(img, part->n, part->n == img->count, part)) == ASG_OK)
		st = idx_labels(&lab, part->n, part->n == lab.count, task, part);
out_close_lab:
	idx_close(&lab);
out_close_img:
	idx_close(img);
	return st;
}

asg_status idx_read(const struct data_config *cfg, enum data_task task,
		    struct dataset *all, struct diag *d)
{
	struct idx_file train, test;
	struct idx_part part = { 0 }, held = { 0 };
	if (cfg->limit < 0)
		return diag_set(d, ASG_EINPUT, "data.limit must be >= 0, not %ld",
				cfg->limit);
	asg_status st = idx_pair(cfg->path, cfg->labels, (size_t)cfg->limit,
				 task, NULL, &train, &part, d);
	all->x = part.x;    /* handed over even on error: the caller releases */
	all->y = part.y;
	if (st != ASG_OK)
		return st;
	all->n = part.n;
	all->d = train.item;
	if (train.ndims >= 3) {
		all->channels = train.ndims == 4 ? train.dims[1] : 1;
		all->height = train.dims[train.ndims - 2];
		all->width = train.dims[train.ndims - 1];
	}
	if (!cfg->test_path)
		return ASG_OK;
	st = idx_pair(cfg->test_path, cfg->test_labels, 0, task, &train, &test,
		      &held, d);
	all->x_test = held.x;
	all->y_test = held.y;
	if (st == ASG_OK)
		all->n_test = held.n;
	return st;
}
