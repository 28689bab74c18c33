/*
 * updrows.h — the table-valued function asg_update_rows(P): an array of
 * update rows seen as SQL rows, so that the writer inserts a block of
 * them with one statement:
 *
 *   INSERT INTO updates (run_id, k, t, worker, staleness, step_size,
 *                        grad_norm2)
 *   SELECT ?1, k, t, worker, staleness, step_size, grad_norm2
 *   FROM asg_update_rows(?2)
 *
 * with ?2 bound by updrows_bind.  Binding each row's six values instead
 * (sqlite3_bind_*, then a VDBE register copy of each) cost the writer
 * thread about 700 of its ~2,600 instructions per row
 * (docs/performance.md, section 4).
 *
 * Rules:
 *   - The function exists on the connections it is registered on
 *     (updrows_register), an eponymous virtual table: there is nothing
 *     to create, and nothing of it is stored in the file.
 *   - Rows come out in the array's order, so that they get consecutive
 *     rowids in that order (the recorder's spans rely on it).
 *   - A NaN reads as NULL, as the recorder stores it (docs/schema.md).
 *   - The rows are read while the statement steps: they must not change
 *     until it is reset.
 */
#ifndef ASG_UPDROWS_H
#define ASG_UPDROWS_H

#include <stddef.h>

#include "rowq.h"

struct sqlite3;
struct sqlite3_stmt;

/* The rows a statement reads: rows[0 .. n-1], all ROWQ_UPDATE. */
struct updrows {
	const struct rowq_row *rows;
	size_t n;
};

/* Register asg_update_rows on db; SQLite's result code. */
int updrows_register(struct sqlite3 *db);

/* Bind u as parameter i of st, the argument of asg_update_rows; SQLite's
 * result code.  u must outlive the statement's next step. */
int updrows_bind(struct sqlite3_stmt *st, int i, const struct updrows *u);

#endif
