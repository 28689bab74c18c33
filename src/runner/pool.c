/*
 * pool.c — the runs side by side in child processes, one writer
 * (runner.h, `asgdsim run --jobs N`).
 *
 *	check that the first run builds        (nothing written otherwise)
 *	open the database, deleting stale runs
 *	head = next = 0
 *	loop:
 *	    while fewer than N children run: fork one for run next++
 *	    while run head has finished: copy it into the database, head++
 *	    wait for a child to end; note how its run ended
 *
 * A child simulates its run into $TMPDIR/asgdsim-XXXXXX/run-<i>.db and
 * exits: 0 recorded, 1 recorded as 'failed' (its data could not be built;
 * it printed why), 3 its database failed (it printed why).  Runs are
 * copied in plan order, so the database does not depend on N nor on
 * which child finishes first; a finished run waits in its file until the
 * runs before it are copied.  The children inherit the plan from the fork
 * (copy on write) and use OpenBLAS single-threaded like the parent.
 *
 * A child killed, or whose database failed, stops the pool: no new child,
 * the others are stopped (SIGTERM), the runs copied so far stay (status
 * done; `--resume` goes on from there).  SIGINT, SIGTERM and SIGHUP to the
 * parent do the same.  On Linux a child dies with its parent
 * (PR_SET_PDEATHSIG), so a parent killed with SIGKILL leaves no child
 * running, only its temporary directory.
 */
#include "runner_impl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "../record/resume.h"

/* How a run of the pool stands. */
enum pool_state {
	POOL_WAITING,    /* not started */
	POOL_RUNNING,    /* a child simulates it */
	POOL_RECORDED,   /* its file holds it, done or diverged */
	POOL_FAILED,     /* its file holds it, 'failed' (data not built) */
};

enum { POOL_EXIT_RECORDED = 0, POOL_EXIT_FAILED = 1, POOL_EXIT_DATABASE = 3 };

static const int pool_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define POOL_NSIGNALS (sizeof pool_signals / sizeof *pool_signals)

static volatile sig_atomic_t pool_signal;  /* the signal that stops the pool */

static void pool_on_signal(int sig)
{
	pool_signal = sig;
}

struct pool {
	const struct runner *r;        /* what to run */
	char dir[SCENARIO_PATH_MAX];   /* the children's databases */
	enum pool_state *state;        /* one per run to do (owned) */
	pid_t *pid;                    /* one per run to do, 0 if none (owned) */
	size_t running;                /* children alive */
	size_t next;                   /* the next run to start */
	size_t head;                   /* the next run to copy */
	struct sigaction old[POOL_NSIGNALS]; /* the handlers before ours */
};

/* Catch the stopping signals, unless they are ignored (nohup). */
static void pool_catch_signals(struct pool *p)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = pool_on_signal;  /* no SA_RESTART: waitpid sees EINTR */
	sigemptyset(&sa.sa_mask);
	pool_signal = 0;
	for (size_t i = 0; i < POOL_NSIGNALS; i++) {
		sigaction(pool_signals[i], NULL, &p->old[i]);
		if (p->old[i].sa_handler != SIG_IGN)
			sigaction(pool_signals[i], &sa, NULL);
	}
}

static void pool_restore_signals(struct pool *p)
{
	for (size_t i = 0; i < POOL_NSIGNALS; i++)
		sigaction(pool_signals[i], &p->old[i], NULL);
}

/* The child of run j: simulate it into its file and exit. */
static void pool_child(struct pool *p, size_t j, pid_t parent)
{
	const struct run_spec *spec = &p->r->plan->runs[p->r->todo[j]];
	char path[SCENARIO_PATH_MAX + 64];
	struct diag d;
	bool failed;

	pool_restore_signals(p);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(POOL_EXIT_DATABASE);
#endif
	diag_init(&d);
	runner_tmp_path(path, sizeof path, p->dir, p->r->todo[j]);
	if (runner_one(spec, path, &failed, &d) != ASG_OK) {
		fprintf(stderr, "%s\n", d.text);
		_exit(POOL_EXIT_DATABASE);
	}
	_exit(failed ? POOL_EXIT_FAILED : POOL_EXIT_RECORDED);
}

static asg_status pool_start(struct pool *p, struct diag *d)
{
	size_t j = p->next;
	pid_t parent = getpid();
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return diag_set(d, ASG_EINTERNAL, "cannot start a process: %s",
				strerror(errno));
	if (pid == 0)
		pool_child(p, j, parent);
	p->pid[j] = pid;
	p->state[j] = POOL_RUNNING;
	p->running++;
	p->next++;
	return ASG_OK;
}

/* What ended child j's run, from its wait status. */
static asg_status pool_ended(struct pool *p, size_t j, int ws, struct diag *d)
{
	const struct run_spec *spec = &p->r->plan->runs[p->r->todo[j]];
	p->pid[j] = 0;
	p->running--;
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == POOL_EXIT_RECORDED) {
		p->state[j] = POOL_RECORDED;
		return ASG_OK;
	}
	if (WIFEXITED(ws) && WEXITSTATUS(ws) == POOL_EXIT_FAILED) {
		p->state[j] = POOL_FAILED;
		return ASG_OK;
	}
	if (WIFSIGNALED(ws))
		return diag_set(d, ASG_EINTERNAL,
				"run %zu (point %ld, replication %ld): its process"
				" was killed by signal %d", p->r->todo[j] + 1,
				spec->point, spec->replication, WTERMSIG(ws));
	return diag_set(d, ASG_EIO, "run %zu (point %ld, replication %ld) could"
			" not be recorded", p->r->todo[j] + 1, spec->point,
			spec->replication);
}

/* Wait for one child to end. */
static asg_status pool_wait(struct pool *p, struct diag *d)
{
	int ws;
	pid_t pid = waitpid(-1, &ws, 0);
	if (pid < 0 && errno == EINTR)
		return ASG_OK;
	if (pid < 0)
		return diag_set(d, ASG_EINTERNAL, "cannot wait for a process: %s",
				strerror(errno));
	for (size_t j = p->head; j < p->next; j++)
		if (p->pid[j] == pid)
			return pool_ended(p, j, ws, d);
	return ASG_OK;  /* not one of ours */
}

/* Copy the finished runs at the head, in order. */
static asg_status pool_collect(struct pool *p, struct merge *m,
			       struct runner_result *res, struct diag *d)
{
	while (p->head < p->next && (p->state[p->head] == POOL_RECORDED ||
				     p->state[p->head] == POOL_FAILED)) {
		char path[SCENARIO_PATH_MAX + 64];
		runner_tmp_path(path, sizeof path, p->dir, p->r->todo[p->head]);
		asg_status st = runner_collect(m, path, d);
		if (st != ASG_OK)
			return st;
		res->added++;
		res->failed += p->state[p->head] == POOL_FAILED;
		p->head++;
		runner_show_added(res->added, p->r->ntodo, p->r->progress);
	}
	return ASG_OK;
}

/* Stop the children still running and wait for them. */
static void pool_stop(struct pool *p)
{
	for (size_t j = p->head; j < p->next; j++)
		if (p->pid[j] > 0)
			kill(p->pid[j], SIGTERM);
	for (size_t j = p->head; j < p->next; j++)
		if (p->pid[j] > 0)
			while (waitpid(p->pid[j], NULL, 0) < 0 && errno == EINTR)
				;
	p->running = 0;
}

static asg_status pool_loop(struct pool *p, struct merge *m, int jobs,
			    struct runner_result *res, struct diag *d)
{
	asg_status st = ASG_OK;
	while (st == ASG_OK && p->head < p->r->ntodo) {
		while (st == ASG_OK && !pool_signal && p->running < (size_t)jobs &&
		       p->next < p->r->ntodo)
			st = pool_start(p, d);
		if (st == ASG_OK)
			st = pool_collect(p, m, res, d);
		if (st != ASG_OK || p->head == p->r->ntodo)
			break;
		if (pool_signal)
			st = diag_set(d, ASG_EIO, "interrupted by signal %d; the %zu"
				      " run%s added to '%s' are kept (--resume"
				      " goes on)", (int)pool_signal, res->added,
				      res->added == 1 ? "" : "s", p->r->db);
		else
			st = pool_wait(p, d);
	}
	return st;
}

asg_status runner_pool(const struct runner *r, struct runner_result *res,
		       struct diag *d)
{
	struct pool p = { .r = r };
	struct merge *m = NULL;
	asg_status st;

	*res = (struct runner_result){ 0 };
	if (r->ntodo == 0)
		return resume_forget(r->db, r->stale, r->nstale, d);
	if ((st = runner_check_first(r, d)) != ASG_OK)
		return st;
	p.state = calloc(r->ntodo, sizeof *p.state);
	p.pid = calloc(r->ntodo, sizeof *p.pid);
	if (!p.state || !p.pid) {
		st = diag_set(d, ASG_ENOMEM, "out of memory");
		goto out_free;
	}
	if ((st = runner_tmpdir_make(p.dir, sizeof p.dir, d)) != ASG_OK)
		goto out_free;
	if (!(m = runner_open_target(r, d))) {
		st = d->status;
		goto out_rmdir;
	}
	pool_catch_signals(&p);
	int jobs = r->jobs < 1 ? 1 : r->jobs;
	st = pool_loop(&p, m, jobs, res, d);
	pool_stop(&p);
	pool_restore_signals(&p);
	merge_close(m);
out_rmdir:
	runner_tmpdir_remove(p.dir);
out_free:
	free(p.pid);
	free(p.state);
	return st;
}
