/*
 * merge.h — copying runs from one results database into another: the one
 * writer behind `asgdsim merge`, `run --jobs` and `run --mpi`.
 *
 * A run is copied whole in one transaction, so a killed merge leaves the
 * output with whole runs only:
 *   - its runs row, every column but run_id copied as is (status, seeds,
 *     wall-clock columns); it takes the output's next run_id, so runs
 *     copied in plan order into a new database are numbered as a direct
 *     `asgdsim run` numbers them;
 *   - its rows in every table of the input that has a run_id column
 *     (aoi, bound, ... found in sqlite_master, not listed), in the order
 *     they were written (rowid order), run_id rewritten.
 * A table of the input that the output lacks is created from the input's
 * CREATE statement, with its indexes; a column of the input that the
 * output's table lacks is refused (ASG_EIO, nothing copied).  Both files
 * must be asgdsim databases of this build's schema version.
 *
 *	m = merge_open("out.db")                  created if new
 *	merge_copy(m, "in.db", 3, &id)            in.db stays attached while
 *	merge_copy(m, "in.db", 4, &id)            it is the input
 *	merge_detach(m)                           before removing in.db
 *	merge_close(m)
 *
 * Which runs to copy (duplicates, unfinished runs) is the caller's choice:
 * see resume.h.
 */
#ifndef ASG_MERGE_H
#define ASG_MERGE_H

#include <stdint.h>

#include "../common/diag.h"

struct merge;

/* Open (creating if needed) the output database at path.  NULL with a
 * message in *d on failure. */
struct merge *merge_open(const char *path, struct diag *d);

/* Copy run run_id of the database at in_path into the output; its new
 * run_id in *new_id.  On failure a message in *d ("cannot merge 'in.db'
 * into 'out.db': ...") and nothing of the run is in the output. */
asg_status merge_copy(struct merge *m, const char *in_path, int64_t run_id,
		      int64_t *new_id, struct diag *d);

/* Stop reading the current input (detach it); nothing if there is none. */
void merge_detach(struct merge *m);

/* Close; NULL does nothing. */
void merge_close(struct merge *m);

#endif
