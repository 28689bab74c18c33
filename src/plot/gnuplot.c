/*
 * gnuplot.c — running `gnuplot SCRIPT` in a figure's directory.
 *
 * fork, then in the child: chdir to the directory, standard input from
 * /dev/null, standard output to /dev/null, standard error into a pipe,
 * execvp(program, {program, script}).  No shell is involved: the script's
 * name is one argument whatever its characters.  A failed exec reports its
 * errno through a second, close-on-exec pipe, so "gnuplot is not
 * installed" is told apart from "gnuplot failed".  The parent reads the
 * child's standard error to its end, then waits for it.
 */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Never keep more of gnuplot's messages than this. */
#define GNUPLOT_ERR_MAX 65536

static int gnuplot_cloexec_pipe(int fd[2])
{
	if (pipe(fd) != 0)
		return -1;
	if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fd[1], F_SETFD, FD_CLOEXEC) != 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	return 0;
}

/* The child: never returns. */
static void gnuplot_child(const char *program, const char *dir,
			  const char *script, int err_fd, int status_fd)
{
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(err_fd, 2) < 0 || chdir(dir) != 0)
		goto out_report;
	char *argv[] = { (char *)program, (char *)script, NULL };
	execvp(program, argv);
out_report:;
	int e = errno;
	ssize_t w = write(status_fd, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* Read fd to its end into *text (NUL-terminated, at most GNUPLOT_ERR_MAX
 * bytes kept). */
static void gnuplot_slurp(int fd, char **text)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!buf || len + (size_t)n >= GNUPLOT_ERR_MAX)
			continue;
		if (len + (size_t)n + 1 > cap) {
			char *b = realloc(buf, 2 * cap + (size_t)n);
			if (!b)
				continue;
			buf = b;
			cap = 2 * cap + (size_t)n;
		}
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	if (buf)
		buf[len] = '\0';
	*text = buf;
}

/* The exit status of pid, -1 if it did not exit normally. */
static int gnuplot_wait(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int plot_gnuplot_run(const char *program, const char *dir, const char *script,
		char **err_text, int *exec_errno)
{
	int errp[2], statp[2];
	int rc = -1;
	*err_text = NULL;
	*exec_errno = 0;
	if (gnuplot_cloexec_pipe(errp) != 0) {
		*exec_errno = errno;
		return -1;
	}
	if (gnuplot_cloexec_pipe(statp) != 0) {
		*exec_errno = errno;
		goto out_close_err;
	}
	pid_t pid = fork();
	if (pid < 0) {
		*exec_errno = errno;
		goto out_close_status;
	}
	if (pid == 0)
		gnuplot_child(program, dir, script, errp[1], statp[1]);
	close(errp[1]);
	close(statp[1]);
	errp[1] = statp[1] = -1;
	gnuplot_slurp(errp[0], err_text);
	int e;
	ssize_t got;
	while ((got = read(statp[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	rc = gnuplot_wait(pid);
	if (got == (ssize_t)sizeof e) {
		*exec_errno = e;
		rc = -1;
	}
out_close_status:
	close(statp[0]);
	if (statp[1] >= 0)
		close(statp[1]);
out_close_err:
	close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	return rc;
}
