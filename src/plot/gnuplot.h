/*
 * gnuplot.h — run gnuplot on a script as a subprocess (internal to
 * src/plot).
 */
#ifndef ASG_PLOT_GNUPLOT_H
#define ASG_PLOT_GNUPLOT_H

/*
 * Run `program script` (program looked up in PATH) with dir as its working
 * directory, and wait for it.  Returns its exit status, or -1 when it could
 * not be started (*exec_errno then says why: ENOENT when program is not
 * installed) or did not exit normally (*exec_errno 0).  *err_text receives
 * what it wrote on its standard error (malloc'ed, possibly NULL; the
 * caller frees it).
 */
int plot_gnuplot_run(const char *program, const char *dir, const char *script,
		char **err_text, int *exec_errno);

#endif
