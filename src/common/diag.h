/*
 * diag.h — one diagnostic message, located in a file where it can be.
 *
 * A diag collects the first error of an operation; later errors are ignored,
 * so the message a user sees is the one that caused the others.  Scenario
 * errors are located the way compilers do it, "FILE:LINE:COL: message"
 * (LINE and COL counted from 1); other errors are "message" alone.
 * Messages follow git's style: lower case, no full stop, what failed first.
 */
#ifndef ASG_DIAG_H
#define ASG_DIAG_H

#include <stdbool.h>
#include <stdarg.h>
#include "status.h"

#define DIAG_TEXT_MAX 1024

struct diag {
	asg_status status;          /* ASG_OK until the first error */
	char text[DIAG_TEXT_MAX];   /* the formatted message, "" if none */
};

/* Empty the diagnostic. */
void diag_init(struct diag *d);

/* Record a located error "FILE:LINE:COL: message" unless one is already set;
 * returns the status so that callers can write `return diag_at(...)`. */
asg_status diag_at(struct diag *d, asg_status s, const char *file, int line,
		   int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Record an unlocated error "message" unless one is already set. */
asg_status diag_set(struct diag *d, asg_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* True when an error has been recorded. */
bool diag_failed(const struct diag *d);

#endif
