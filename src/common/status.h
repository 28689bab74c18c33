/*
 * status.h — the one status type of asgdsim.
 *
 * Every function named as an action returns an asg_status: ASG_OK (0) on
 * success, otherwise the kind of failure.  The kind decides the exit status
 * of the command: ASG_EINPUT (bad scenario, data or command line) exits 2,
 * every other failure exits 1.  A diverged run is not a failure: it is a
 * result recorded with status "diverged".
 */
#ifndef ASG_STATUS_H
#define ASG_STATUS_H

typedef enum asg_status {
	ASG_OK = 0,       /* success */
	ASG_EINPUT,       /* bad input: scenario, data file, command line */
	ASG_EIO,          /* a file or the database could not be read or written */
	ASG_ENOMEM,       /* an allocation failed */
	ASG_EINTERNAL,    /* a library call failed for another reason */
} asg_status;

/* Exit status of the command for a status: 0, 2 for bad input, else 1. */
static inline int asg_status_exit_code(asg_status s)
{
	return s == ASG_OK ? 0 : s == ASG_EINPUT ? 2 : 1;
}

#endif
