/*
 * test_updrows.c — the table-valued function asg_update_rows (updrows.h):
 * rows come out in the array's order with their values exact, a NaN as
 * NULL; a query without the array, or with a pointer of another type,
 * gets no rows.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "src/record/updrows.h"

static sqlite3 *open_memory(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(updrows_register(db), SQLITE_OK);
	return db;
}

static struct rowq_row update_row(int64_t k, double t, int64_t worker,
				  int64_t staleness, double step, double norm2)
{
	struct rowq_row row = { .table = ROWQ_UPDATE };
	row.update.k = k;
	row.update.t = t;
	row.update.worker = worker;
	row.update.staleness = staleness;
	row.update.step_size = step;
	row.update.grad_norm2 = norm2;
	return row;
}

/* INSERT ... SELECT from the function, as the recorder does, and read
 * every value back. */
static void test_insert_select_round_trip(void **state)
{
	(void)state;
	sqlite3 *db = open_memory();
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE u (run_id, k, t, worker,"
				      " staleness, step_size, grad_norm2)",
				      NULL, NULL, NULL), SQLITE_OK);
	const struct rowq_row rows[] = {
		update_row(7, 0.1 + 0.2, 3, 0, 0.05, 1.0 / 3.0),
		update_row(8, 1e-300, 99, 12, NAN, NAN),
		update_row(INT64_MAX, NAN, 0, 1, -0.0, 4.5e300),
	};
	struct updrows u = { rows, 3 };
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
		"INSERT INTO u SELECT ?1, k, t, worker, staleness, step_size,"
		" grad_norm2 FROM asg_update_rows(?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, 42);
	assert_int_equal(updrows_bind(st, 2, &u), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 3);
	sqlite3_finalize(st);

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, * FROM u ORDER BY rowid",
					    -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), i + 1);
		assert_int_equal(sqlite3_column_int64(st, 1), 42);
		assert_int_equal(sqlite3_column_int64(st, 2), rows[i].update.k);
		assert_int_equal(sqlite3_column_int64(st, 4), rows[i].update.worker);
		assert_int_equal(sqlite3_column_int64(st, 5), rows[i].update.staleness);
		const double v[3] = { rows[i].update.t, rows[i].update.step_size,
				      rows[i].update.grad_norm2 };
		const int col[3] = { 3, 6, 7 };
		for (int c = 0; c < 3; c++) {
			if (isnan(v[c])) {
				assert_int_equal(sqlite3_column_type(st, col[c]), SQLITE_NULL);
			} else {
				assert_int_equal(sqlite3_column_type(st, col[c]), SQLITE_FLOAT);
				assert_true(sqlite3_column_double(st, col[c]) == v[c]);
			}
		}
	}
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The number of rows a query gives, -1 if it cannot be prepared. */
static int count_rows(sqlite3 *db, const char *sql, const void *ptr,
		      const char *type)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (ptr)
		sqlite3_bind_pointer(st, 1, (void *)ptr, type, NULL);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

static void test_without_the_array_no_rows(void **state)
{
	(void)state;
	sqlite3 *db = open_memory();
	const struct rowq_row rows[] = { update_row(1, 1.0, 0, 0, 0.1, 1.0) };
	struct updrows u = { rows, 1 };
	const char *sql = "SELECT k FROM asg_update_rows(?1)";
	assert_int_equal(count_rows(db, sql, &u, "asg_update_rows"), 1);
	/* a pointer of another type reads as NULL */
	assert_int_equal(count_rows(db, sql, &u, "something else"), 0);
	/* nothing bound */
	assert_int_equal(count_rows(db, sql, NULL, NULL), 0);
	/* no argument: no plan */
	assert_int_equal(count_rows(db, "SELECT k FROM asg_update_rows", NULL, NULL), -1);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_select_round_trip),
		cmocka_unit_test(test_without_the_array_no_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
