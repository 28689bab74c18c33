/*
 * dist_ok.h — a distribution a test needs: parsed, or the test fails with
 * the parser's message.
 */
#ifndef ASG_TEST_DIST_OK_H
#define ASG_TEST_DIST_OK_H

#include "src/engine/dist.h"

static inline struct dist dist_ok(const char *text)
{
	struct dist d;
	struct diag diag;

	diag_init(&diag);
	if (dist_parse(text, NULL, &d, &diag) != ASG_OK)
		fail_msg("'%s': %s", text, diag.text);
	return d;
}

#endif
