/*
 * data_impl.h — what the files of src/data share and nobody else uses.
 *
 * A source (synthetic.c, csv.c) fills a dataset with *all* its rows in
 * `n`, `x`, `y` (and `truth` for synthetic); dataset.c then cuts the
 * held-out part off.  On error a source records the message in *d, returns
 * its status and leaves whatever it allocated in *all for the caller to
 * release with dataset_release().
 */
#ifndef ASG_DATA_IMPL_H
#define ASG_DATA_IMPL_H

#include <gsl/gsl_rng.h>

#include "dataset.h"

/* Generate cfg->samples rows of cfg->features features (see synthetic.c),
 * drawing from rng. */
asg_status synthetic_generate(const struct data_config *cfg,
			      enum data_task task, gsl_rng *rng,
			      struct dataset *all, struct diag *d);

/* Read the numeric CSV file cfg->path (see csv.c). */
asg_status csv_read(const struct data_config *cfg, enum data_task task,
		    struct dataset *all, struct diag *d);

#endif
