/*
 * merge.c — `asgdsim merge OUT.db IN.db... [--quiet]`: the shards of a
 * sweep (`run --shard I/N -o shard-I.db`) into one database.
 *
 *	read the runs of OUT (if it exists) and of every IN   (resume.h)
 *	refuse, writing nothing (exit 2): an IN that is missing or not an
 *	    asgdsim database, an IN that is OUT, runs of more than one
 *	    scenario name among OUT and the INs
 *	order the runs of the INs by (point, replication, IN, run_id): the
 *	    plan order, so that shards merged into a new database number
 *	    their runs as the unsharded run does
 *	for each: skip, with a message, a run still 'running' (its shard was
 *	    interrupted: resume it, then merge) and a run whose key
 *	    (scenario, point, replication, seed, config) OUT already holds,
 *	    merged earlier or by this command; copy the others (merge.h)
 *
 * A run is never doubled: merging a shard twice copies nothing the
 * second time and says so (exit 0: OUT holds every run).  Exit 1 when an
 * unfinished run was left out, or the output could not be written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../record/merge.h"
#include "../record/resume.h"
#include "cli.h"

/* A run of an input, a candidate for the output. */
struct merge_item {
	size_t input;                 /* index of its input */
	const struct resume_run *run; /* the run (in that input's list) */
};

/* The command line and what was read. */
struct merge_job {
	const char *out;              /* OUT.db */
	const char **in;              /* IN.db... (argv) */
	size_t nin;                   /* how many */
	bool quiet;                   /* --quiet */
	struct resume_list out_runs;  /* the runs OUT holds */
	struct resume_list *in_runs;  /* nin lists (owned) */
};

static int merge_parse(int argc, char **argv, struct merge_job *job)
{
	job->in = calloc((size_t)argc + 1, sizeof *job->in);
	if (!job->in) {
		fputs("asgdsim: out of memory\n", stderr);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_print_help(stdout);
			return -1;
		} else if (!strcmp(a, "--quiet")) {
			job->quiet = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage_error("unknown option '%s'", a);
		} else if (!job->out) {
			job->out = a;
		} else {
			job->in[job->nin++] = a;
		}
	}
	if (!job->out)
		return cli_usage_error("merge needs OUT.db and at least one IN.db");
	if (job->nin == 0)
		return cli_usage_error("merge needs at least one IN.db after '%s'",
				       job->out);
	return 0;
}

/* True when a and b name the same existing file. */
static bool merge_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return !strcmp(a, b);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Read every input; missing and foreign files are bad input. */
static int merge_read(struct merge_job *job)
{
	struct diag d;
	diag_init(&d);
	job->in_runs = calloc(job->nin, sizeof *job->in_runs);
	if (!job->in_runs) {
		fputs("asgdsim: out of memory\n", stderr);
		return 1;
	}
	if (resume_list_read(&job->out_runs, job->out, &d) != ASG_OK)
		return cli_fail(&d);
	for (size_t i = 0; i < job->nin; i++) {
		struct stat sb;
		if (merge_same_file(job->in[i], job->out))
			return cli_usage_error("cannot merge '%s' into itself",
					       job->in[i]);
		if (stat(job->in[i], &sb) != 0)
			return cli_usage_error("cannot open '%s': %s", job->in[i],
					       strerror(errno));
		if (resume_list_read(&job->in_runs[i], job->in[i], &d) != ASG_OK) {
			fprintf(stderr, "%s\n", d.text);
			return 2;
		}
	}
	return 0;
}

/* Every run of OUT and the inputs is of one scenario. */
static int merge_check_scenarios(const struct merge_job *job)
{
	const char *name = NULL, *where = NULL;
	if (job->out_runs.n) {
		name = job->out_runs.runs[0].key.scenario;
		where = job->out;
	}
	for (size_t i = 0; i < job->nin; i++) {
		const struct resume_list *l = &job->in_runs[i];
		for (size_t r = 0; r < l->n; r++) {
			const char *s = l->runs[r].key.scenario;
			if (!name) {
				name = s;
				where = job->in[i];
			} else if (strcmp(s, name) != 0) {
				fprintf(stderr, "asgdsim: cannot merge '%s': it holds"
					" runs of scenario '%s', '%s' of scenario"
					" '%s'\n", job->in[i], s, where, name);
				return 2;
			}
		}
	}
	for (size_t r = 0; r < job->out_runs.n; r++)
		if (strcmp(job->out_runs.runs[r].key.scenario, name) != 0) {
			fprintf(stderr, "asgdsim: cannot merge into '%s': it holds"
				" runs of scenarios '%s' and '%s'\n", job->out,
				name, job->out_runs.runs[r].key.scenario);
			return 2;
		}
	return 0;
}

static int merge_item_cmp(const void *pa, const void *pb)
{
	const struct merge_item *a = pa, *b = pb;
	const struct resume_key *x = &a->run->key, *y = &b->run->key;
	if (x->point_index != y->point_index)
		return x->point_index < y->point_index ? -1 : 1;
	if (x->replication != y->replication)
		return x->replication < y->replication ? -1 : 1;
	if (a->input != b->input)
		return a->input < b->input ? -1 : 1;
	return (a->run->run_id > b->run->run_id) - (a->run->run_id < b->run->run_id);
}

/* The runs of the inputs, in plan order. */
static struct merge_item *merge_items(const struct merge_job *job, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < job->nin; i++)
		total += job->in_runs[i].n;
	struct merge_item *items = malloc((total + 1) * sizeof *items);
	if (!items)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < job->nin; i++)
		for (size_t r = 0; r < job->in_runs[i].n; r++)
			items[(*n)++] = (struct merge_item){ i, &job->in_runs[i].runs[r] };
	qsort(items, *n, sizeof *items, merge_item_cmp);
	return items;
}

/* What merging did. */
struct merge_count {
	size_t copied;      /* runs added to OUT */
	size_t doubles;     /* skipped: OUT already holds their key */
	size_t unfinished;  /* skipped: still 'running' */
};

/* Copy item it unless it is skipped; seen holds the keys of OUT. */
static asg_status merge_one(const struct merge_job *job, struct merge **m,
			    const struct merge_item *it, struct resume_set *seen,
			    struct merge_count *c, struct diag *d)
{
	const struct resume_run *run = it->run;
	const char *in = job->in[it->input];
	int64_t id;
	if (!strcmp(run->status, "running")) {
		fprintf(stderr, "skipping run %lld of '%s' (point %ld, replication"
			" %ld): it is still 'running'; resume that shard, then"
			" merge it\n", (long long)run->run_id, in,
			run->key.point_index, run->key.replication);
		c->unfinished++;
		return ASG_OK;
	}
	if (resume_set_find(seen, &run->key, &id)) {
		fprintf(stderr, "skipping run %lld of '%s' (point %ld, replication"
			" %ld, seed %llu): '%s' already holds it as run %lld\n",
			(long long)run->run_id, in, run->key.point_index,
			run->key.replication, (unsigned long long)run->key.seed,
			job->out, (long long)id);
		c->doubles++;
		return ASG_OK;
	}
	if (!*m && !(*m = merge_open(job->out, d)))
		return d->status;
	asg_status st = merge_copy(*m, in, run->run_id, &id, d);
	if (st == ASG_OK)
		st = resume_set_add(seen, &run->key, id) == ASG_OK
			? ASG_OK : diag_set(d, ASG_ENOMEM, "out of memory");
	c->copied += st == ASG_OK;
	return st;
}

static int merge_all(const struct merge_job *job)
{
	struct resume_set seen = { 0 };
	struct merge_count c = { 0 };
	struct merge *m = NULL;
	struct diag d;
	size_t n = 0;
	asg_status st = ASG_OK;
	diag_init(&d);
	struct merge_item *items = merge_items(job, &n);
	if (!items)
		st = diag_set(&d, ASG_ENOMEM, "out of memory");
	for (size_t r = 0; r < job->out_runs.n && st == ASG_OK; r++)
		st = resume_set_add(&seen, &job->out_runs.runs[r].key,
				    job->out_runs.runs[r].run_id) == ASG_OK
			? ASG_OK : diag_set(&d, ASG_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && st == ASG_OK; i++)
		st = merge_one(job, &m, &items[i], &seen, &c, &d);
	merge_close(m);
	resume_set_release(&seen);
	free(items);
	if (st != ASG_OK)
		return cli_fail(&d);
	if (!job->quiet)
		fprintf(stderr, "%zu run%s merged into %s from %zu database%s"
			" (%zu already there, %zu unfinished skipped)\n",
			c.copied, c.copied == 1 ? "" : "s", job->out, job->nin,
			job->nin == 1 ? "" : "s", c.doubles, c.unfinished);
	return c.unfinished ? 1 : 0;
}

int cli_merge(int argc, char **argv)
{
	struct merge_job job = { 0 };
	int rc = merge_parse(argc, argv, &job);
	if (rc == 0)
		rc = merge_read(&job);
	if (rc == 0)
		rc = merge_check_scenarios(&job);
	if (rc == 0)
		rc = merge_all(&job);
	for (size_t i = 0; job.in_runs && i < job.nin; i++)
		resume_list_release(&job.in_runs[i]);
	free(job.in_runs);
	resume_list_release(&job.out_runs);
	free(job.in);
	return rc < 0 ? 0 : rc;
}
