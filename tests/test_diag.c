/*
 * test_diag.c — the first error of an operation, its located format, and
 * the exit status of each kind of failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "src/common/diag.h"

static void init_is_empty(void **state)
{
	struct diag d;

	memset(&d, 'x', sizeof d);
	diag_init(&d);
	assert_int_equal(d.status, ASG_OK);
	assert_string_equal(d.text, "");
	assert_false(diag_failed(&d));
}

static void located_error_is_file_line_col(void **state)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(diag_at(&d, ASG_EINPUT, "s.yaml", 3, 14,
				 "unknown key '%s'", "sed"),
			 ASG_EINPUT);
	assert_string_equal(d.text, "s.yaml:3:14: unknown key 'sed'");
	assert_int_equal(d.status, ASG_EINPUT);
	assert_true(diag_failed(&d));
}

static void unlocated_error_is_message_alone(void **state)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(diag_set(&d, ASG_EIO, "cannot open '%s': %s",
				  "out.db", "permission denied"),
			 ASG_EIO);
	assert_string_equal(d.text, "cannot open 'out.db': permission denied");
	assert_int_equal(d.status, ASG_EIO);
}

/* Later errors return their own status but leave the first in place. */
static void first_error_is_kept(void **state)
{
	struct diag d;

	diag_init(&d);
	diag_at(&d, ASG_EINPUT, "a.yaml", 1, 2, "first");
	assert_int_equal(diag_set(&d, ASG_ENOMEM, "second"), ASG_ENOMEM);
	assert_int_equal(diag_at(&d, ASG_EIO, "b.yaml", 5, 6, "third"),
			 ASG_EIO);
	assert_string_equal(d.text, "a.yaml:1:2: first");
	assert_int_equal(d.status, ASG_EINPUT);
}

static void init_clears_an_error(void **state)
{
	struct diag d;

	diag_init(&d);
	diag_set(&d, ASG_EINTERNAL, "broken");
	diag_init(&d);
	assert_false(diag_failed(&d));
	diag_set(&d, ASG_EIO, "again");
	assert_string_equal(d.text, "again");
}

/* A message longer than the buffer is cut, never overflows. */
static void long_message_is_truncated(void **state)
{
	char word[3 * DIAG_TEXT_MAX];
	struct diag d;

	memset(word, 'w', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	diag_init(&d);
	diag_at(&d, ASG_EINPUT, "f.yaml", 1, 1, "%s", word);
	assert_int_equal(strlen(d.text), DIAG_TEXT_MAX - 1);
	assert_memory_equal(d.text, "f.yaml:1:1: www", 15);
}

static void exit_codes_by_status(void **state)
{
	static const struct {
		asg_status status;
		int code;
	} cases[] = {
		{ ASG_OK, 0 },     { ASG_EINPUT, 2 },    { ASG_EIO, 1 },
		{ ASG_ENOMEM, 1 }, { ASG_EINTERNAL, 1 },
	};

	assert_int_equal(ASG_OK, 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(asg_status_exit_code(cases[i].status),
				 cases[i].code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_is_empty),
		cmocka_unit_test(located_error_is_file_line_col),
		cmocka_unit_test(unlocated_error_is_message_alone),
		cmocka_unit_test(first_error_is_kept),
		cmocka_unit_test(init_clears_an_error),
		cmocka_unit_test(long_message_is_truncated),
		cmocka_unit_test(exit_codes_by_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
