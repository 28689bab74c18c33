/*
 * data_impl.h — what the files of src/data share and nobody else uses.
 *
 * A source (synthetic.c, csv.c, idx.c, libsvm.c) fills a dataset with
 * *all* its rows in `n`, `x`, `y` (and `truth` for synthetic, the image
 * shape for idx); dataset.c then cuts the held-out part off.  A source
 * given data.test_path reads the held-out part itself into `n_test`,
 * `x_test`, `y_test`, and nothing is cut.  Labels leave a source ready
 * for the task: 0/1 for binary, 0 .. K-1 for multiclass.  On error a
 * source records the message in *d, returns its status and leaves
 * whatever it allocated in *all for the caller to release with
 * dataset_release().
 */
#ifndef ASG_DATA_IMPL_H
#define ASG_DATA_IMPL_H

#include <stdbool.h>
#include <gsl/gsl_rng.h>
#include <zlib.h>

#include "dataset.h"

/* The most doubles a data file may make (training and held-out rows
 * together, stored dense): 2^27, 1 GiB.  Fashion-MNIST makes 5.5e7, a9a,
 * w8a and covtype less than 3.2e7; rcv1 dense (9.6e8) is refused.  A few
 * bytes of LIBSVM naming index 364000000 would otherwise ask for GiBs
 * (found by tests/fuzz/fuzz_libsvm). */
#define DATASET_MAX_VALUES ((size_t)1 << 27)

/* The largest class number a CSV label may be (multiclass). */
#define DATASET_MAX_CLASS 65535

/* Generate cfg->samples rows of cfg->features features (see synthetic.c),
 * drawing from rng. */
asg_status synthetic_generate(const struct data_config *cfg,
			      enum data_task task, gsl_rng *rng,
			      struct dataset *all, struct diag *d);

/* Read the numeric CSV file cfg->path (see csv.c). */
asg_status csv_read(const struct data_config *cfg, enum data_task task,
		    struct dataset *all, struct diag *d);

/* Read the IDX images cfg->path and labels cfg->labels, and the held-out
 * pair cfg->test_path, cfg->test_labels when given (see idx.c). */
asg_status idx_read(const struct data_config *cfg, enum data_task task,
		    struct dataset *all, struct diag *d);

/* Read the LIBSVM file cfg->path, and cfg->test_path when given (see
 * libsvm.c). */
asg_status libsvm_read(const struct data_config *cfg, enum data_task task,
		       struct dataset *all, struct diag *d);

/* Normalise the features of ds, held-out rows with the statistics of the
 * training rows (see normalize.c). */
asg_status normalize_apply(enum data_normalize how, enum data_kind kind,
			   struct dataset *ds, struct diag *d);

/* The 0/1 label of a binary task for the value v read from a file: 1 for
 * 1, 0 for 0 or -1; false for any other value. */
bool dataset_binary_label(double v, double *label);

/* Open a data file for reading, gzip-compressed or plain (datafile.c). */
asg_status datafile_open(const char *path, gzFile *f, struct diag *d);

/* *text <- the whole file, decompressed, NUL-terminated (free it), *len
 * its bytes. */
asg_status datafile_slurp(const char *path, char **text, size_t *len,
			  struct diag *d);

/* Up to n bytes of f (the file `path`, `offset` bytes of it read before)
 * into buf; *got <- how many, fewer only at the end of the file.  A read
 * error is ASG_EIO, a corrupt or cut gzip stream bad input located
 * "path:1:COL" at the decompressed byte where it stopped. */
asg_status datafile_read(gzFile f, const char *path, size_t offset,
			 void *buf, size_t n, size_t *got, struct diag *d);

/* The column that locates byte `offset` of a binary file: offset + 1,
 * INT_MAX past it. */
int datafile_column(size_t offset);

#endif
