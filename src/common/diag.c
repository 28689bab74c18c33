/*
 * diag.c — the first error of an operation, formatted once.
 */
#include "diag.h"

#include <stdio.h>

void diag_init(struct diag *d)
{
	d->status = ASG_OK;
	d->text[0] = '\0';
}

static asg_status diag_vformat(struct diag *d, asg_status s, const char *prefix,
			       const char *fmt, va_list ap)
{
	if (d->status != ASG_OK)
		return s;
	int n = snprintf(d->text, sizeof d->text, "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof d->text)
		n = 0;
	vsnprintf(d->text + n, sizeof d->text - (size_t)n, fmt, ap);
	d->status = s;
	return s;
}

asg_status diag_at(struct diag *d, asg_status s, const char *file, int line,
		   int col, const char *fmt, ...)
{
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%s:%d:%d: ", file, line, col);
	va_list ap;
	va_start(ap, fmt);
	diag_vformat(d, s, prefix, fmt, ap);
	va_end(ap);
	return s;
}

asg_status diag_set(struct diag *d, asg_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vformat(d, s, "", fmt, ap);
	va_end(ap);
	return s;
}

bool diag_failed(const struct diag *d)
{
	return d->status != ASG_OK;
}
