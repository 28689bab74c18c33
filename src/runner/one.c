/*
 * one.c — one run into a database, and what every way of running shares
 * (runner_impl.h): the progress line, the failed run, the first run's
 * check, the temporary databases and the one writer's copy.
 *
 * A run into a database of its own (runner_one) is what a child of the
 * pool and a rank of an MPI job do: open the file, build, simulate,
 * record, close.  The file then holds one run, run_id 1, whose rows the
 * writer copies (merge.h) and whose file it removes.
 */
#include "runner_impl.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../record/resume.h"

static double runner_wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Where a progress line is: which run of how many, to which limit. */
struct runner_progress {
	size_t index;     /* 0-based run being simulated */
	size_t total;     /* runs to simulate */
	uint64_t limit;   /* stop.updates, 0 if none */
};

static void runner_show_progress(const struct sim *s, void *ctx)
{
	const struct runner_progress *p = ctx;
	fprintf(stderr, "\rrun %zu/%zu: tick %llu", p->index + 1, p->total,
		(unsigned long long)s->k);
	if (p->limit)
		fprintf(stderr, " (%.0f%%)", 100.0 * (double)s->k / (double)p->limit);
	fprintf(stderr, ", virtual time %.6g s   ", s->now);
	fflush(stderr);
}

asg_status runner_simulate(struct sim *s, const struct run_spec *spec,
			   struct recorder *rec, size_t index, size_t total,
			   bool show, struct diag *d)
{
	struct runner_progress progress = { index, total, spec->sc.stop.updates };
	struct run_row row = sim_run_row(spec);
	int64_t run_id;
	asg_status st = recorder_run_begin(rec, &row, &run_id);
	if (st != ASG_OK)
		return diag_set(d, st, "%s", recorder_error(rec));
	s->rec = rec;
	if (show) {
		s->progress = runner_show_progress;
		s->progress_ctx = &progress;
	}
	double start = runner_wall_now();
	st = sim_run(s, d);
	if (show)
		fputs("\r\033[K", stderr);
	s->progress = NULL;
	asg_status end = sim_record_summary(s, runner_wall_now() - start);
	if (st == ASG_OK && end != ASG_OK)
		st = diag_set(d, end, "%s", recorder_error(rec));
	return st;
}

void runner_record_failed(struct recorder *rec, const struct run_spec *spec)
{
	struct run_row row = sim_run_row(spec);
	int64_t run_id;
	if (recorder_run_begin(rec, &row, &run_id) != ASG_OK)
		return;
	struct run_result res = { .status = "failed", .mean_staleness = NAN,
				  .final_loss = NAN, .final_grad_norm2 = NAN,
				  .test_accuracy = NAN, .diverged_at = -1 };
	recorder_run_end(rec, &res);
}

asg_status runner_check_first(const struct runner *r, struct diag *d)
{
	if (r->ntodo == 0)
		return ASG_OK;
	struct sim s;
	asg_status st = sim_init(&s, &r->plan->runs[r->todo[0]].sc, NULL, d);
	if (st == ASG_OK)
		sim_release(&s);
	return st;
}

asg_status runner_one(const struct run_spec *spec, const char *path,
		      bool *failed, struct diag *d)
{
	struct recorder *rec = recorder_open(path, d);
	struct diag why;
	struct sim s;
	asg_status st;

	*failed = false;
	if (!rec)
		return d->status;
	diag_init(&why);
	if (sim_init(&s, &spec->sc, NULL, &why) != ASG_OK) {
		fprintf(stderr, "%s\n", why.text);
		runner_record_failed(rec, spec);
		*failed = true;
		st = *recorder_error(rec)
			? diag_set(d, ASG_EIO, "%s", recorder_error(rec)) : ASG_OK;
		goto out_close;
	}
	st = runner_simulate(&s, spec, rec, 0, 1, false, d);
	sim_release(&s);
out_close:
	recorder_close(rec);
	return st;
}

asg_status runner_tmpdir_make(char *dir, size_t size, struct diag *d)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	if ((size_t)snprintf(dir, size, "%s/asgdsim-XXXXXX", base) >= size)
		return diag_set(d, ASG_EIO, "temporary directory name too long: '%s'",
				base);
	if (!mkdtemp(dir))
		return diag_set(d, ASG_EIO, "cannot create a directory in '%s': %s",
				base, strerror(errno));
	return ASG_OK;
}

void runner_tmp_path(char *buf, size_t size, const char *dir, size_t index)
{
	snprintf(buf, size, "%s/run-%zu.db", dir, index);
}

void runner_tmp_remove(const char *db)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal" };
	char path[SCENARIO_PATH_MAX + 64];
	for (size_t i = 0; i < sizeof side / sizeof *side; i++) {
		snprintf(path, sizeof path, "%s%s", db, side[i]);
		unlink(path);
	}
}

void runner_tmpdir_remove(const char *dir)
{
	DIR *dp = opendir(dir);
	char path[SCENARIO_PATH_MAX + 64];
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

struct merge *runner_open_target(const struct runner *r, struct diag *d)
{
	if (resume_forget(r->db, r->stale, r->nstale, d) != ASG_OK)
		return NULL;
	return merge_open(r->db, d);
}

asg_status runner_collect(struct merge *m, const char *path, struct diag *d)
{
	int64_t id;
	asg_status st = merge_copy(m, path, 1, &id, d);
	merge_detach(m);
	if (st == ASG_OK)
		runner_tmp_remove(path);
	return st;
}

void runner_show_added(size_t added, size_t total, bool show)
{
	if (!show)
		return;
	fprintf(stderr, "\r%zu/%zu run%s added", added, total,
		total == 1 ? "" : "s");
	if (added == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}
