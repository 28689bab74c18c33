/*
 * recorder.c — writing runs into a results database (recorder.h).
 *
 * A recorder is one connection and one prepared statement per kind of row.
 * Between recorder_run_begin and recorder_run_end a write transaction is
 * open; every RECORDER_BATCH update or eval rows it is committed and a new
 * one begun (a checkpoint), so a killed process loses at most the rows
 * since the last checkpoint.
 *
 * The rows recorded during a run (updates, evals, aoi, consensus,
 * timeline) are not written by the simulating thread: recorder_update and
 * its kin copy the row into a queue (rowq.h) and return, and a writer
 * thread, started by recorder_run_begin and ended by recorder_run_end,
 * inserts them in the order they were recorded, and checkpoints.  So
 * SQLite's cost of a row, ~2,400 instructions, runs beside the simulation
 * on another processor; the simulation waits only when the writer is
 * RECORDER_BLOCKS blocks behind.  While the writer runs it alone uses the
 * connection; the other calls (workers, aoi_summary and coupling rows, the
 * end of the run) first drain the queue, after which the calling thread
 * has the connection to itself.  Nothing allocates after recorder_open.
 *
 * Update rows, the millions, are gathered RECORDER_ROWS at a time by the
 * writer and inserted by one statement that reads them from the array
 * (asg_update_rows, updrows.h): one step per RECORDER_ROWS rows, and no
 * value bound, instead of a step and six binds per row (docs/schema.md,
 * "What writing costs").  The gathered rows are written before every
 * checkpoint and commit, so a checkpoint holds every row recorded before
 * it.
 *
 * `updates` has no index: keeping one on (run_id, k) cost a third of the
 * writer's time.  Instead the rows of a run inserted in one transaction
 * take consecutive rowids (nobody else writes meanwhile, and a new rowid
 * is the largest plus one), and before each commit the range they took is
 * written as one update_spans row: a run is read through its spans, a
 * rowid range each (docs/schema.md).
 *
 * The first SQLite failure is kept as "cannot write 'x.db': <reason>"; from
 * then on every call returns its status and writes nothing (a failure in
 * the writer is seen by the next call that hands over a block, or drains).
 * recorder_close commits the rows written so far (a run without
 * recorder_run_end keeps status 'running') and closes.
 */
#include "recorder.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt.h"
#include "rowq.h"
#include "schema.h"
#include "updrows.h"

/* Update rows written by one INSERT statement (STMT_UPDATES): run_id is
 * its parameter ?1, bound once per run, the rows its parameter ?2. */
#define RECORDER_ROWS 1024
/* The queue to the writer thread: blocks of rows (a multiple of
 * RECORDER_ROWS), and how many may wait. */
#define RECORDER_BLOCK_ROWS (4 * RECORDER_ROWS)
#define RECORDER_BLOCKS 4

/* The statements of a recorder, prepared once at open. */
enum recorder_stmt {
	STMT_BEGIN,      /* BEGIN IMMEDIATE */
	STMT_COMMIT,     /* COMMIT */
	STMT_RUN,        /* insert a runs row, status 'running' */
	STMT_RUN_END,    /* the summary of a run */
	STMT_UPDATES,    /* up to RECORDER_ROWS updates rows, from row[] */
	STMT_SPAN,       /* an update_spans row */
	STMT_EVAL,       /* an evals row */
	STMT_WORKER,     /* a workers row */
	STMT_AOI,        /* an aoi row */
	STMT_AOI_SUMMARY,/* an aoi_summary row */
	STMT_COUPLING,   /* a coupling row */
	STMT_TIMELINE,   /* a timeline row */
	STMT_CONSENSUS,  /* a consensus row */
	STMT_COUNT
};

static const char *const recorder_sql[STMT_COUNT] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_RUN] =
		"INSERT INTO runs (scenario, config, point, point_index,"
		" replication, seed, protocol, model, workers, status, version,"
		" started) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" 'running', ?10, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
	[STMT_RUN_END] =
		"UPDATE runs SET status = ?2, updates = ?3, gradients = ?4,"
		" events = ?5, virtual_time = ?6, wall_seconds = ?7,"
		" mean_staleness = ?8, final_loss = ?9, final_grad_norm2 = ?10,"
		" test_accuracy = ?11, diverged_at = ?12,"
		" finished = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
		" WHERE run_id = ?1",
	[STMT_UPDATES] =
		"INSERT INTO updates (run_id, k, t, worker, staleness, step_size,"
		" grad_norm2) SELECT ?1, k, t, worker, staleness, step_size,"
		" grad_norm2 FROM asg_update_rows(?2)",
	[STMT_SPAN] =
		"INSERT INTO update_spans (run_id, first_rowid, last_rowid)"
		" VALUES (?1, ?2, ?3)",
	[STMT_EVAL] =
		"INSERT INTO evals (run_id, k, t, full_grad_norm2, train_loss,"
		" test_loss, test_accuracy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_WORKER] =
		"INSERT INTO workers (run_id, worker, grp, updates, kappa,"
		" busy_time, bytes_sent, mean_staleness, step, messages_sent,"
		" messages_lost, messages_outdated, dropped, shard_size, slowed,"
		" downtime, lost)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
		" ?14, ?15, ?16, ?17)",
	[STMT_AOI] =
		"INSERT INTO aoi (run_id, k, i, j, age) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_AOI_SUMMARY] =
		"INSERT INTO aoi_summary (run_id, i, j, sum_age, mean_age, max_age,"
		" mean_view_age, max_view_age, mean_lag)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_COUPLING] =
		"INSERT INTO coupling (run_id, i, j, l, exact) VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_TIMELINE] =
		"INSERT INTO timeline (run_id, worker, kind, start, end)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[STMT_CONSENSUS] =
		"INSERT INTO consensus (run_id, k, t, distance) VALUES (?1, ?2, ?3, ?4)",
};

/* Fields marked (owner) belong to the thread that has the connection:
 * the writer while it runs, else the caller's. */
struct recorder {
	sqlite3 *db;                        /* the connection */
	sqlite3_stmt *stmt[STMT_COUNT];     /* prepared once, see recorder_sql */
	char *path;                         /* the file, as given (for messages) */
	int64_t run_id;                     /* the open run, 0 if none */
	long pending;                       /* rows since the last checkpoint
	                                       (owner) */
	int nrows;                          /* update rows gathered in row[]
	                                       (owner) */
	struct rowq_row row[RECORDER_ROWS]; /* not yet written (owner) */
	int64_t span_first;                 /* the open span of update rows in
	                                       this transaction: rowids
	                                       span_first .. span_last, 0 if
	                                       none (owner) */
	int64_t span_last;
	asg_status status;                  /* ASG_OK until the first failure
	                                       (owner) */
	char error[DIAG_TEXT_MAX];          /* its message, "" if none (owner) */
	struct rowq q;                      /* rows on their way to the writer */
	struct ckpt ckpt;                   /* copies the WAL into the file */
	bool queue_failed;                  /* the writer failed: status and
	                                       error are the caller's again */
};

/* Keep the first failure of a SQLite call that returned rc. */
static asg_status recorder_fail(struct recorder *r, int rc)
{
	if (r->status != ASG_OK)
		return r->status;
	char buf[256];
	r->status = schema_status(rc);
	snprintf(r->error, sizeof r->error, "cannot write '%s': %s", r->path,
		 schema_reason(r->db, buf, sizeof buf));
	return r->status;
}

/* Keep a failure that is not SQLite's. */
static asg_status recorder_fail_with(struct recorder *r, asg_status status,
				     const char *reason)
{
	if (r->status != ASG_OK)
		return r->status;
	r->status = status;
	snprintf(r->error, sizeof r->error, "cannot write '%s': %s", r->path,
		 reason);
	return r->status;
}

/* Step a statement that returns no row, then reset it. */
static asg_status recorder_step(struct recorder *r, enum recorder_stmt which)
{
	sqlite3_stmt *st = r->stmt[which];
	int rc = sqlite3_step(st);
	asg_status s = rc == SQLITE_DONE ? ASG_OK : recorder_fail(r, rc);
	sqlite3_reset(st);
	return s;
}

static void recorder_bind_real(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

/* Bind text, NULL for a NULL pointer.  SQLite copies it: the caller's
 * strings need not outlive the call. */
static void recorder_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Write the open span of update rows, if any. */
static asg_status recorder_span_write(struct recorder *r)
{
	if (r->span_first == 0)
		return ASG_OK;
	sqlite3_stmt *st = r->stmt[STMT_SPAN];
	sqlite3_bind_int64(st, 1, r->run_id);
	sqlite3_bind_int64(st, 2, r->span_first);
	sqlite3_bind_int64(st, 3, r->span_last);
	r->span_first = 0;
	return recorder_step(r, STMT_SPAN);
}

/* The n update rows just inserted, the last at the connection's last
 * rowid, extend the open span; rows that do not follow it (never inside
 * one transaction, where rowids grow by one) start a span of their own. */
static asg_status recorder_span_extend(struct recorder *r, int n)
{
	int64_t last = sqlite3_last_insert_rowid(r->db);
	asg_status s = ASG_OK;
	if (r->span_first != 0 && last != r->span_last + n)
		s = recorder_span_write(r);
	if (r->span_first == 0)
		r->span_first = last - n + 1;
	r->span_last = last;
	return s;
}

/* Write the gathered update rows, by one statement. */
static asg_status recorder_flush(struct recorder *r)
{
	int n = r->nrows;
	r->nrows = 0;
	if (n == 0)
		return ASG_OK;
	struct updrows rows = { r->row, (size_t)n };
	int rc = updrows_bind(r->stmt[STMT_UPDATES], 2, &rows);
	if (rc != SQLITE_OK)
		return recorder_fail(r, rc);
	asg_status s = recorder_step(r, STMT_UPDATES);
	sqlite3_bind_null(r->stmt[STMT_UPDATES], 2);   /* rows goes out of scope */
	return s != ASG_OK ? s : recorder_span_extend(r, n);
}

/* Write the gathered rows and their span, commit, and have the
 * checkpointer copy the commit into the file. */
static asg_status recorder_commit(struct recorder *r)
{
	asg_status s = recorder_flush(r);
	if (s == ASG_OK)
		s = recorder_span_write(r);
	if (s == ASG_OK)
		s = recorder_step(r, STMT_COMMIT);
	if (s == ASG_OK)
		ckpt_after_commit(&r->ckpt);
	return s;
}

/* Commit, and begin again. */
static asg_status recorder_checkpoint(struct recorder *r)
{
	r->pending = 0;
	asg_status s = recorder_commit(r);
	return s != ASG_OK ? s : recorder_step(r, STMT_BEGIN);
}

/* One more row in the open transaction. */
static asg_status recorder_count_row(struct recorder *r)
{
	if (++r->pending < RECORDER_BATCH)
		return ASG_OK;
	return recorder_checkpoint(r);
}

/* Step a row statement inside the run and count it toward the checkpoint. */
static asg_status recorder_step_row(struct recorder *r, enum recorder_stmt which)
{
	asg_status s = recorder_step(r, which);
	return s != ASG_OK ? s : recorder_count_row(r);
}

/* ---- the writer thread ------------------------------------------------ */

/* An update row: gathered, written RECORDER_ROWS at a time. */
static void recorder_write_update(struct recorder *r, const struct rowq_row *row)
{
	r->row[r->nrows++] = *row;
	if (r->nrows == RECORDER_ROWS && recorder_flush(r) != ASG_OK)
		return;
	recorder_count_row(r);
}

/* Any other row: bound to its table's statement and stepped. */
static void recorder_write_other(struct recorder *r, const struct rowq_row *row)
{
	static const enum recorder_stmt stmt_of[] = {
		[ROWQ_EVAL] = STMT_EVAL,
		[ROWQ_AOI] = STMT_AOI,
		[ROWQ_CONSENSUS] = STMT_CONSENSUS,
		[ROWQ_TIMELINE] = STMT_TIMELINE,
	};
	enum recorder_stmt which = stmt_of[row->table];
	sqlite3_stmt *st = r->stmt[which];
	sqlite3_bind_int64(st, 1, r->run_id);
	switch (row->table) {
	case ROWQ_EVAL:
		sqlite3_bind_int64(st, 2, row->eval.k);
		recorder_bind_real(st, 3, row->eval.t);
		recorder_bind_real(st, 4, row->eval.full_grad_norm2);
		recorder_bind_real(st, 5, row->eval.train_loss);
		recorder_bind_real(st, 6, row->eval.test_loss);
		recorder_bind_real(st, 7, row->eval.test_accuracy);
		break;
	case ROWQ_AOI:
		sqlite3_bind_int64(st, 2, row->aoi.k);
		sqlite3_bind_int64(st, 3, row->aoi.i);
		sqlite3_bind_int64(st, 4, row->aoi.j);
		sqlite3_bind_int64(st, 5, row->aoi.age);
		break;
	case ROWQ_CONSENSUS:
		sqlite3_bind_int64(st, 2, row->consensus.k);
		recorder_bind_real(st, 3, row->consensus.t);
		recorder_bind_real(st, 4, row->consensus.distance);
		break;
	case ROWQ_TIMELINE:
		sqlite3_bind_int64(st, 2, row->timeline.worker);
		recorder_bind_text(st, 3, row->timeline.kind);
		recorder_bind_real(st, 4, row->timeline.start);
		recorder_bind_real(st, 5, row->timeline.end);
		break;
	case ROWQ_UPDATE:
		assert(!"updates are gathered");
		break;
	}
	recorder_step_row(r, which);
}

/* The writer's work (rowq_write_fn): the rows in order, until a failure. */
static bool recorder_write_rows(void *ctx, const struct rowq_row *rows, size_t n)
{
	struct recorder *r = ctx;
	for (size_t i = 0; i < n && r->status == ASG_OK; i++) {
		if (rows[i].table == ROWQ_UPDATE)
			recorder_write_update(r, &rows[i]);
		else
			recorder_write_other(r, &rows[i]);
	}
	return r->status == ASG_OK;
}

static asg_status recorder_prepare(struct recorder *r, struct diag *d)
{
	int rc = updrows_register(r->db);
	if (rc != SQLITE_OK)
		return diag_set(d, schema_status(rc), "cannot open '%s': %s",
				r->path, sqlite3_errmsg(r->db));
	for (int i = 0; i < STMT_COUNT; i++) {
		rc = sqlite3_prepare_v3(r->db, recorder_sql[i], -1,
					    SQLITE_PREPARE_PERSISTENT,
					    &r->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return diag_set(d, schema_status(rc), "cannot open '%s': %s",
					r->path, sqlite3_errmsg(r->db));
	}
	return ASG_OK;
}

struct recorder *recorder_open(const char *path, struct diag *d)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r) {
		diag_set(d, ASG_ENOMEM, "cannot open '%s': out of memory", path);
		return NULL;
	}
	r->path = strdup(path);
	if (!r->path) {
		diag_set(d, ASG_ENOMEM, "cannot open '%s': out of memory", path);
		goto out_free;
	}
	r->db = schema_open(path, true, d);
	if (!r->db)
		goto out_free;
	if (recorder_prepare(r, d) != ASG_OK)
		goto out_free;
	if (rowq_init(&r->q, RECORDER_BLOCK_ROWS, RECORDER_BLOCKS) != ASG_OK) {
		diag_set(d, ASG_ENOMEM, "cannot open '%s': out of memory", path);
		goto out_free;
	}
	/* without a checkpointer, SQLite's automatic checkpoint stays */
	ckpt_start(&r->ckpt, path, r->db);
	return r;
out_free:
	recorder_close(r);
	return NULL;
}

void recorder_close(struct recorder *r)
{
	if (!r)
		return;
	rowq_stop(&r->q);
	rowq_release(&r->q);
	if (r->status == ASG_OK && recorder_flush(r) == ASG_OK)
		recorder_span_write(r);
	if (r->db && !sqlite3_get_autocommit(r->db) &&
	    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	ckpt_stop(&r->ckpt);   /* before the last close, which checkpoints */
	for (int i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(r->stmt[i]);
	sqlite3_close(r->db);
	free(r->path);
	free(r);
}

asg_status recorder_run_begin(struct recorder *r, const struct run_row *row,
			      int64_t *run_id)
{
	if (r->status != ASG_OK)
		return r->status;
	assert(r->run_id == 0 && "recorder_run_begin inside a run");
	sqlite3_stmt *st = r->stmt[STMT_RUN];
	recorder_bind_text(st, 1, row->scenario);
	recorder_bind_text(st, 2, row->config);
	recorder_bind_text(st, 3, row->point);
	sqlite3_bind_int64(st, 4, row->point_index);
	sqlite3_bind_int64(st, 5, row->replication);
	sqlite3_bind_int64(st, 6, (int64_t)row->seed);
	recorder_bind_text(st, 7, row->protocol);
	recorder_bind_text(st, 8, row->model);
	sqlite3_bind_int64(st, 9, row->workers);
	recorder_bind_text(st, 10, row->version);
	asg_status s = recorder_step(r, STMT_RUN);
	sqlite3_clear_bindings(st);
	if (s != ASG_OK)
		return s;
	r->run_id = sqlite3_last_insert_rowid(r->db);
	r->pending = 0;
	r->span_first = 0;
	*run_id = r->run_id;
	sqlite3_bind_int64(r->stmt[STMT_UPDATES], 1, r->run_id);
	if ((s = recorder_step(r, STMT_BEGIN)) != ASG_OK)
		return s;
	r->queue_failed = false;
	if (rowq_start(&r->q, recorder_write_rows, r) != ASG_OK)
		return recorder_fail_with(r, ASG_EINTERNAL, "cannot start a thread");
	return ASG_OK;
}

/* Wait until the writer has written every row queued: the connection
 * is then the caller's.  Returns the first failure, if any. */
static asg_status recorder_drain(struct recorder *r)
{
	if (!rowq_drain(&r->q))
		r->queue_failed = true;
	return r->status;
}

/* The slot of the next row of the open run, for `table`; NULL (and
 * nothing to do) after a failure. */
static struct rowq_row *recorder_queue_slot(struct recorder *r,
					    enum rowq_table table)
{
	if (r->queue_failed)
		return NULL;
	if (!r->q.running) {   /* no writer: a run that failed, its status
	                          the caller's */
		assert(r->status != ASG_OK && "a row outside a run");
		return NULL;
	}
	struct rowq_row *row = rowq_slot(&r->q);
	row->table = table;
	return row;
}

/* The row in the slot is complete. */
static asg_status recorder_queue_push(struct recorder *r)
{
	return rowq_push(&r->q) ? ASG_OK : recorder_drain(r);
}

asg_status recorder_update(struct recorder *r, uint64_t k, double t,
			   long worker, uint64_t staleness, double step_size,
			   double grad_norm2)
{
	struct rowq_row *row = recorder_queue_slot(r, ROWQ_UPDATE);
	if (!row)
		return r->status;
	row->update.k = (int64_t)k;
	row->update.t = t;
	row->update.worker = worker;
	row->update.staleness = (int64_t)staleness;
	row->update.step_size = step_size;
	row->update.grad_norm2 = grad_norm2;
	return recorder_queue_push(r);
}

/* The statement of a row of the open run, its run_id bound; NULL (and
 * nothing done) after a failure. */
static sqlite3_stmt *recorder_row_stmt(struct recorder *r,
				       enum recorder_stmt which)
{
	if (r->queue_failed || recorder_drain(r) != ASG_OK)
		return NULL;
	assert(r->run_id != 0 && "a row outside a run");
	sqlite3_stmt *st = r->stmt[which];
	sqlite3_bind_int64(st, 1, r->run_id);
	return st;
}

asg_status recorder_eval(struct recorder *r, uint64_t k, double t,
			 double full_grad_norm2, double train_loss,
			 double test_loss, double test_accuracy)
{
	struct rowq_row *row = recorder_queue_slot(r, ROWQ_EVAL);
	if (!row)
		return r->status;
	row->eval.k = (int64_t)k;
	row->eval.t = t;
	row->eval.full_grad_norm2 = full_grad_norm2;
	row->eval.train_loss = train_loss;
	row->eval.test_loss = test_loss;
	row->eval.test_accuracy = test_accuracy;
	return recorder_queue_push(r);
}

asg_status recorder_worker(struct recorder *r, const struct worker_row *w)
{
	sqlite3_stmt *st = recorder_row_stmt(r, STMT_WORKER);
	if (!st)
		return r->status;
	sqlite3_bind_int64(st, 2, w->worker);
	recorder_bind_text(st, 3, w->group);
	sqlite3_bind_int64(st, 4, (int64_t)w->updates);
	recorder_bind_real(st, 5, w->kappa);
	recorder_bind_real(st, 6, w->busy_time);
	recorder_bind_real(st, 7, w->bytes_sent);
	recorder_bind_real(st, 8, w->mean_staleness);
	recorder_bind_real(st, 9, w->step);
	sqlite3_bind_int64(st, 10, (int64_t)w->messages_sent);
	sqlite3_bind_int64(st, 11, (int64_t)w->messages_lost);
	sqlite3_bind_int64(st, 12, (int64_t)w->messages_outdated);
	sqlite3_bind_int64(st, 13, (int64_t)w->dropped);
	if (w->shard_size >= 0)
		sqlite3_bind_int64(st, 14, w->shard_size);
	else
		sqlite3_bind_null(st, 14);
	recorder_bind_real(st, 15, w->slowed);
	recorder_bind_real(st, 16, w->downtime);
	sqlite3_bind_int64(st, 17, (int64_t)w->lost);
	return recorder_step(r, STMT_WORKER);
}

asg_status recorder_aoi(struct recorder *r, uint64_t k, long i, long j,
			uint64_t age)
{
	struct rowq_row *row = recorder_queue_slot(r, ROWQ_AOI);
	if (!row)
		return r->status;
	row->aoi.k = (int64_t)k;
	row->aoi.i = i;
	row->aoi.j = j;
	row->aoi.age = (int64_t)age;
	return recorder_queue_push(r);
}

asg_status recorder_aoi_summary(struct recorder *r,
				const struct aoi_summary_row *row)
{
	sqlite3_stmt *st = recorder_row_stmt(r, STMT_AOI_SUMMARY);
	if (!st)
		return r->status;
	sqlite3_bind_int64(st, 2, row->i);
	sqlite3_bind_int64(st, 3, row->j);
	sqlite3_bind_int64(st, 4, (int64_t)row->sum_age);
	recorder_bind_real(st, 5, row->mean_age);
	sqlite3_bind_int64(st, 6, (int64_t)row->max_age);
	recorder_bind_real(st, 7, row->mean_view_age);
	sqlite3_bind_int64(st, 8, (int64_t)row->max_view_age);
	recorder_bind_real(st, 9, row->mean_lag);
	return recorder_step_row(r, STMT_AOI_SUMMARY);
}

asg_status recorder_coupling(struct recorder *r, long i, long j, double l,
			     bool exact)
{
	sqlite3_stmt *st = recorder_row_stmt(r, STMT_COUPLING);
	if (!st)
		return r->status;
	sqlite3_bind_int64(st, 2, i);
	sqlite3_bind_int64(st, 3, j);
	recorder_bind_real(st, 4, l);
	sqlite3_bind_int(st, 5, exact);
	return recorder_step_row(r, STMT_COUPLING);
}

asg_status recorder_consensus(struct recorder *r, uint64_t k, double t,
			      double distance)
{
	struct rowq_row *row = recorder_queue_slot(r, ROWQ_CONSENSUS);
	if (!row)
		return r->status;
	row->consensus.k = (int64_t)k;
	row->consensus.t = t;
	row->consensus.distance = distance;
	return recorder_queue_push(r);
}

asg_status recorder_timeline(struct recorder *r, long worker, const char *kind,
			     double start, double end)
{
	struct rowq_row *row = recorder_queue_slot(r, ROWQ_TIMELINE);
	if (!row)
		return r->status;
	row->timeline.worker = worker;
	row->timeline.kind = kind;
	row->timeline.start = start;
	row->timeline.end = end;
	return recorder_queue_push(r);
}

asg_status recorder_run_end(struct recorder *r, const struct run_result *res)
{
	if (!rowq_stop(&r->q))   /* the writer's rows first */
		r->queue_failed = true;
	if (r->status != ASG_OK)
		return r->status;
	assert(r->run_id != 0 && "recorder_run_end outside a run");
	/* the rows first: they are kept even if the summary is refused */
	if (recorder_flush(r) != ASG_OK || recorder_span_write(r) != ASG_OK)
		return r->status;
	sqlite3_stmt *st = r->stmt[STMT_RUN_END];
	sqlite3_bind_int64(st, 1, r->run_id);
	recorder_bind_text(st, 2, res->status);
	sqlite3_bind_int64(st, 3, (int64_t)res->updates);
	sqlite3_bind_int64(st, 4, (int64_t)res->gradients);
	sqlite3_bind_int64(st, 5, (int64_t)res->events);
	recorder_bind_real(st, 6, res->virtual_time);
	recorder_bind_real(st, 7, res->wall_seconds);
	recorder_bind_real(st, 8, res->mean_staleness);
	recorder_bind_real(st, 9, res->final_loss);
	recorder_bind_real(st, 10, res->final_grad_norm2);
	recorder_bind_real(st, 11, res->test_accuracy);
	if (res->diverged_at >= 0)
		sqlite3_bind_int64(st, 12, res->diverged_at);
	else
		sqlite3_bind_null(st, 12);
	asg_status s = recorder_step(r, STMT_RUN_END);
	sqlite3_clear_bindings(st);
	if (s != ASG_OK)
		return s;
	s = recorder_commit(r);
	if (s == ASG_OK)
		r->run_id = 0;
	return s;
}

const char *recorder_error(const struct recorder *r)
{
	return r->error;
}
