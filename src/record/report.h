/*
 * report.h — the key figures of every run of a results database, as the
 * `asgdsim report DB` verb prints them.
 *
 * First one aligned line per run (a header line first, NULL shown as '-'):
 *   run  pt  rep  seed  protocol  workers  status  ticks  grads  vtime
 *   ticks/vs  stale  loss  gnorm2  wall_s
 * where ticks are the global clock's updates, grads the gradients applied,
 * vtime the virtual seconds at the end, ticks/vs ticks per virtual second,
 * stale the mean staleness, loss and gnorm2 the final train loss and
 * full-gradient norm^2, wall_s the wall-clock seconds.
 * Then, if two finished runs (done or diverged) share a sweep point, one
 * line per point: n runs and, for vtime, stale and loss, the mean +- the
 * half-width of its 95% confidence interval (Student t, n - 1 degrees of
 * freedom).  A point is (scenario, point index, sweep values, protocol,
 * model, workers).
 */
#ifndef ASG_REPORT_H
#define ASG_REPORT_H

#include <stdio.h>

#include "../common/diag.h"

/* Print the report of the database at db_path (opened read only) to out.
 * On failure, ASG_EIO (or ASG_ENOMEM) with a message in *d, e.g.
 * "cannot open 'x.db': no such file or directory". */
asg_status report_print(const char *db_path, FILE *out, struct diag *d);

#endif
