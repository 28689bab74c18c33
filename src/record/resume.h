/*
 * resume.h — the runs a results database holds, known by their identity:
 * what `run --resume` skips or starts again, what `merge` refuses to
 * double.
 *
 * A run's identity is its key (scenario, point_index, replication, seed,
 * config).  The same scenario file, sweep point, replication and seed give
 * the same config (the run's resolved YAML, seed included), so two rows
 * with one key are one run simulated twice.  A run is *finished* when its
 * status is done or diverged (a result); a run still 'running' (its
 * process was killed) or 'failed' is not.
 *
 *	list = resume_list_read("x.db")     every run: id, key, status
 *	set  = keys -> values               resume_set_add / resume_set_find
 *	resume_forget("x.db", ids)          delete runs with all their rows
 *
 * The strings of a list's keys belong to the list; a set borrows the keys
 * it is given (they must outlive it).
 */
#ifndef ASG_RESUME_H
#define ASG_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/diag.h"

struct resume_key {
	const char *scenario;   /* scenario name */
	long point_index;       /* index of the sweep point */
	long replication;       /* index of the replication */
	uint64_t seed;          /* the run's seed */
	const char *config;     /* the run's resolved YAML */
};

struct resume_run {
	int64_t run_id;         /* its run_id in the database */
	struct resume_key key;  /* its identity (strings owned by the list) */
	char status[16];        /* running, done, diverged or failed */
	bool finished;          /* done or diverged */
};

struct resume_list {
	struct resume_run *runs; /* in run_id order (owned) */
	size_t n;                /* how many */
};

/* Every run of the database at path, read only.  A file that does not
 * exist holds no run (ASG_OK, empty list).  On failure ASG_EIO or
 * ASG_ENOMEM with a message in *d ("'x.db' is not an asgdsim database")
 * and *l is empty. */
asg_status resume_list_read(struct resume_list *l, const char *path,
			    struct diag *d);

void resume_list_release(struct resume_list *l);

/* A hash set of keys, each with a value (a position, a run_id). */
struct resume_set {
	struct resume_slot *slots; /* open addressing, linear probing (owned) */
	size_t cap;                /* slots, a power of two (0 when empty) */
	size_t n;                  /* keys held */
};

/* Add key k with value v; a key already held keeps its first value.
 * ASG_ENOMEM when out of memory. */
asg_status resume_set_add(struct resume_set *s, const struct resume_key *k,
			  int64_t v);

/* True if the set holds k; its value in *v (v may be NULL). */
bool resume_set_find(const struct resume_set *s, const struct resume_key *k,
		     int64_t *v);

void resume_set_release(struct resume_set *s);

bool resume_key_equal(const struct resume_key *a, const struct resume_key *b);

/* Delete the n runs ids of the database at path, with their rows in every
 * table that has a run_id column, in one transaction.  n == 0 does
 * nothing (the file is not opened). */
asg_status resume_forget(const char *path, const int64_t *ids, size_t n,
			 struct diag *d);

#endif
