/*
 * mpi.c — the runs spread over the ranks of an MPI job, rank 0 the one
 * writer (runner.h, `mpirun -n P asgdsim run X.yaml --mpi`).
 *
 *	every rank has loaded the same plan
 *	rank 0: check the first run builds, open the database (deleting
 *	        stale runs), broadcast {status, the list of runs to do}
 *	run j of the list belongs to rank j % P:
 *	    rank r != 0, for its runs in order:
 *	        simulate into $TMPDIR/asgdsim-XXXXXX/run-<i>.db (node-local)
 *	        send {outcome, bytes} then the file, in chunks, to rank 0
 *	    rank 0, for j = 0, 1, ...:
 *	        its own run: simulate into its directory
 *	        another's: receive the file into its directory
 *	        copy the run into the database (merge.h), remove the file
 *
 * Static round-robin keeps it simple and deterministic; rank 0 copies in
 * plan order, so the database equals a serial run's whatever P.  A rank
 * blocks in its send until rank 0 reaches that run, so at most one
 * finished run per rank waits.  Ranks need not share a file system for
 * the results, only for the scenario (and data) files they all read.
 *
 * A failure once the work is spread (a database that cannot be written,
 * a message that cannot be sent) is printed and aborts the job
 * (MPI_Abort): the runs already in the database stay, and `--resume`
 * goes on.  Without MPI at build time, only runner_mpi_init exists, to
 * say so.
 */
#include "runner_impl.h"

#ifdef ASG_HAVE_MPI

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>

#include "../record/resume.h"

#define MPI_CHUNK (16 << 20)   /* bytes of a file per message */

enum { TAG_HEAD = 1, TAG_DATA = 2 };

/* How a run sent to rank 0 ended (the head message). */
enum mpi_outcome { MPI_RECORDED = 0, MPI_FAILED = 1 };

bool runner_mpi_available(void)
{
	return true;
}

asg_status runner_mpi_init(int *rank, int *size, struct diag *d)
{
	int started = 0;
	MPI_Initialized(&started);
	if (!started && MPI_Init(NULL, NULL) != MPI_SUCCESS)
		return diag_set(d, ASG_EINTERNAL, "cannot start MPI");
	MPI_Comm_rank(MPI_COMM_WORLD, rank);
	MPI_Comm_size(MPI_COMM_WORLD, size);
	return ASG_OK;
}

void runner_mpi_finalize(void)
{
	int started = 0, finished = 0;
	MPI_Initialized(&started);
	MPI_Finalized(&finished);
	if (started && !finished)
		MPI_Finalize();
}

/* Print a failure of the spread work and end the job. */
static void mpi_abort(const struct diag *d)
{
	fprintf(stderr, "%s\n", d->text);
	MPI_Abort(MPI_COMM_WORLD, asg_status_exit_code(d->status));
}

/* Send the file at path, run j's, to rank 0. */
static void mpi_send_file(const char *path, bool failed, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0) {
		diag_set(d, ASG_EIO, "cannot read '%s': %s", path, strerror(errno));
		mpi_abort(d);
	}
	long size = ftell(f);
	rewind(f);
	int64_t head[2] = { failed ? MPI_FAILED : MPI_RECORDED, size };
	MPI_Send(head, 2, MPI_INT64_T, 0, TAG_HEAD, MPI_COMM_WORLD);
	char *buf = malloc(MPI_CHUNK);
	if (!buf) {
		diag_set(d, ASG_ENOMEM, "out of memory");
		mpi_abort(d);
	}
	for (long sent = 0; sent < size;) {
		size_t n = fread(buf, 1, MPI_CHUNK, f);
		if (n == 0) {
			diag_set(d, ASG_EIO, "cannot read '%s'", path);
			mpi_abort(d);
		}
		MPI_Send(buf, (int)n, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
		sent += (long)n;
	}
	free(buf);
	fclose(f);
}

/* Receive from rank `from` the file of its next run into path. */
static bool mpi_recv_file(const char *path, int from, struct diag *d)
{
	int64_t head[2];
	MPI_Recv(head, 2, MPI_INT64_T, from, TAG_HEAD, MPI_COMM_WORLD,
		 MPI_STATUS_IGNORE);
	FILE *f = fopen(path, "wb");
	char *buf = malloc(MPI_CHUNK);
	if (!f || !buf) {
		diag_set(d, ASG_EIO, "cannot write '%s': %s", path, strerror(errno));
		mpi_abort(d);
	}
	for (int64_t got = 0; got < head[1];) {
		MPI_Status status;
		int n = 0;
		MPI_Recv(buf, MPI_CHUNK, MPI_BYTE, from, TAG_DATA, MPI_COMM_WORLD,
			 &status);
		MPI_Get_count(&status, MPI_BYTE, &n);
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n) {
			diag_set(d, ASG_EIO, "cannot write '%s': %s", path,
				 strerror(errno));
			mpi_abort(d);
		}
		got += n;
	}
	free(buf);
	if (fclose(f) != 0) {
		diag_set(d, ASG_EIO, "cannot write '%s': %s", path, strerror(errno));
		mpi_abort(d);
	}
	return head[0] == MPI_FAILED;
}

/* Simulate run i of the plan into path; *failed as runner_one. */
static void mpi_simulate(const struct runner *r, size_t i, const char *path,
			 bool *failed, struct diag *d)
{
	if (runner_one(&r->plan->runs[i], path, failed, d) != ASG_OK)
		mpi_abort(d);
}

/* Rank 0: every run of the list, in order, into the database. */
static void mpi_writer(const struct runner *r, const uint64_t *todo,
		       size_t ntodo, int size, const char *dir,
		       struct merge *m, struct runner_result *res,
		       struct diag *d)
{
	for (size_t j = 0; j < ntodo; j++) {
		char path[SCENARIO_PATH_MAX + 64];
		int from = (int)(j % (size_t)size);
		bool failed;
		runner_tmp_path(path, sizeof path, dir, (size_t)todo[j]);
		if (from == 0)
			mpi_simulate(r, (size_t)todo[j], path, &failed, d);
		else
			failed = mpi_recv_file(path, from, d);
		if (runner_collect(m, path, d) != ASG_OK)
			mpi_abort(d);
		res->added++;
		res->failed += failed;
		runner_show_added(res->added, ntodo, r->progress);
	}
}

/* Rank r != 0: its runs, each sent to rank 0. */
static void mpi_worker(const struct runner *r, const uint64_t *todo,
		       size_t ntodo, int rank, int size, const char *dir,
		       struct diag *d)
{
	for (size_t j = (size_t)rank; j < ntodo; j += (size_t)size) {
		char path[SCENARIO_PATH_MAX + 64];
		bool failed;
		runner_tmp_path(path, sizeof path, dir, (size_t)todo[j]);
		mpi_simulate(r, (size_t)todo[j], path, &failed, d);
		mpi_send_file(path, failed, d);
		runner_tmp_remove(path);
	}
}

/* Rank 0: check the first run, open the database; the status to share. */
static asg_status mpi_prepare(const struct runner *r, struct merge **m,
			      struct diag *d)
{
	if (r->ntodo == 0)
		return resume_forget(r->db, r->stale, r->nstale, d);
	asg_status st = runner_check_first(r, d);
	if (st == ASG_OK && !(*m = runner_open_target(r, d)))
		st = d->status;
	return st;
}

/* Rank 0's list of runs, on every rank (malloc'd). */
static uint64_t *mpi_share_list(const struct runner *r, int rank,
				int64_t *head, struct diag *d)
{
	MPI_Bcast(head, 2, MPI_INT64_T, 0, MPI_COMM_WORLD);
	if (head[0] != ASG_OK)
		return NULL;
	uint64_t *todo = malloc(((size_t)head[1] + 1) * sizeof *todo);
	if (!todo) {
		diag_set(d, ASG_ENOMEM, "out of memory");
		mpi_abort(d);
	}
	for (size_t j = 0; rank == 0 && j < (size_t)head[1]; j++)
		todo[j] = r->todo[j];
	MPI_Bcast(todo, (int)head[1], MPI_UINT64_T, 0, MPI_COMM_WORLD);
	return todo;
}

asg_status runner_mpi(const struct runner *r, struct runner_result *res,
		      struct diag *d)
{
	struct merge *m = NULL;
	char dir[SCENARIO_PATH_MAX];
	int rank, size;
	int64_t head[2] = { ASG_OK, 0 };

	*res = (struct runner_result){ 0 };
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	if (rank == 0) {
		head[0] = mpi_prepare(r, &m, d);
		head[1] = (int64_t)r->ntodo;
	}
	uint64_t *todo = mpi_share_list(r, rank, head, d);
	if (!todo) {
		merge_close(m);
		return rank == 0 ? (asg_status)head[0]
				 : diag_set(d, (asg_status)head[0], "%s", "");
	}
	size_t ntodo = (size_t)head[1];
	if (ntodo > 0 && runner_tmpdir_make(dir, sizeof dir, d) != ASG_OK)
		mpi_abort(d);
	if (rank == 0)
		mpi_writer(r, todo, ntodo, size, dir, m, res, d);
	else
		mpi_worker(r, todo, ntodo, rank, size, dir, d);
	if (ntodo > 0)
		runner_tmpdir_remove(dir);
	merge_close(m);
	free(todo);
	return ASG_OK;
}

#else  /* no MPI at build time */

bool runner_mpi_available(void)
{
	return false;
}

asg_status runner_mpi_init(int *rank, int *size, struct diag *d)
{
	*rank = 0;
	*size = 1;
	return diag_set(d, ASG_EINPUT, "asgdsim: --mpi: this asgdsim was built"
			" without MPI (install libopenmpi-dev and rebuild)");
}

asg_status runner_mpi(const struct runner *r, struct runner_result *res,
		      struct diag *d)
{
	*res = (struct runner_result){ 0 };
	return diag_set(d, ASG_EINPUT, "asgdsim: --mpi: this asgdsim was built"
			" without MPI");
}

void runner_mpi_finalize(void)
{
}

#endif
