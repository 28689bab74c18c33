/*
 * serial.c — the runs one after another in this process, each simulated
 * straight into the database (runner.h): the default of `asgdsim run`.
 *
 *	for each run j to do:
 *	    build it                       (a failure before the database
 *	                                    exists writes nothing: exit 2)
 *	    open the database if not yet   (deleting the stale runs first)
 *	    simulate it into the database  (status 'running', checkpoints,
 *	                                    then its summary)
 */
#include "runner_impl.h"

#include <stdio.h>

#include "../record/resume.h"

/* The database, opened when the first run is ready. */
static struct recorder *runner_serial_open(const struct runner *r,
					   struct diag *d)
{
	if (resume_forget(r->db, r->stale, r->nstale, d) != ASG_OK)
		return NULL;
	return recorder_open(r->db, d);
}

asg_status runner_serial(const struct runner *r, struct runner_result *res,
			 struct diag *d)
{
	struct recorder *rec = NULL;
	asg_status st = ASG_OK;

	*res = (struct runner_result){ 0 };
	if (r->ntodo == 0)
		return resume_forget(r->db, r->stale, r->nstale, d);
	for (size_t j = 0; j < r->ntodo && st == ASG_OK; j++) {
		const struct run_spec *spec = &r->plan->runs[r->todo[j]];
		struct diag why;
		struct sim s;
		diag_init(&why);
		if (sim_init(&s, &spec->sc, NULL, &why) != ASG_OK) {
			if (!rec)
				return diag_set(d, why.status, "%s", why.text);
			fprintf(stderr, "%s\n", why.text);
			runner_record_failed(rec, spec);
			res->added++;
			res->failed++;
			continue;
		}
		if (!rec && !(rec = runner_serial_open(r, d))) {
			sim_release(&s);
			return d->status;
		}
		st = runner_simulate(&s, spec, rec, j, r->ntodo, r->progress, d);
		sim_release(&s);
		if (st == ASG_OK)
			res->added++;
	}
	recorder_close(rec);
	return st;
}
