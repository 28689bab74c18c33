/*
 * fig.c — the three files of a figure: FIG.dat, FIG.gp, FIG.<ext>.
 *
 * A kind first writes DIR/FIG.dat (its numbers) and fills the figure's
 * key; then DIR/FIG.gp is opened with its header (what it draws, from
 * which database, how to remake it) and the paper style, at a height that
 * depends on the key; the kind writes the plot commands; the figure ends
 * by closing the script and running gnuplot on it in DIR, so that every
 * name in the script is relative and the directory can be moved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "plot_impl.h"

/* DIR/NAME.EXT, or NULL when out of memory. */
static char *plot_fig_path(const struct plot_fig *fig, const char *ext)
{
	const char *dir = fig->c->dir;
	size_t n = strlen(dir) + strlen(fig->name) + strlen(ext) + 3;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s.%s", dir, fig->name, ext);
	return p;
}

/* Open DIR/NAME.EXT for writing. */
static FILE *plot_fig_open(struct plot_fig *fig, const char *ext,
			   struct diag *d)
{
	char *path = plot_fig_path(fig, ext);
	if (!path) {
		diag_set(d, ASG_ENOMEM, "out of memory");
		return NULL;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		diag_set(d, ASG_EIO, "cannot write '%s': %s", path, strerror(errno));
	free(path);
	return f;
}

void plot_fig_init(struct plot_fig *fig, struct plot_ctx *c,
		   const char *name, const char *what)
{
	fig->c = c;
	fig->name = name;
	fig->what = what;
	fig->height_in = 0;
	fig->gp = NULL;
	fig->key_title = NULL;
	fig->key = NULL;
	fig->nkey = 0;
	fig->multiplot = false;
}

asg_status plot_fig_script(struct plot_fig *fig, double body_in,
			   struct diag *d)
{
	struct plot_ctx *c = fig->c;
	double height_in = body_in + plot_fig_key_space(fig);
	fig->height_in = height_in;
	fig->gp = plot_fig_open(fig, "gp", d);
	if (!fig->gp)
		return d->status;
	char out[256];
	snprintf(out, sizeof out, "%s.%s", fig->name,
		 plot_format_ext(c->opt->format));
	fprintf(fig->gp, "# %s.gp — %s\n# from the database '%s' (asgdsim plot,"
		" asgdsim " ASGDSIM_VERSION ").\n"
		"# Remake %s with: gnuplot %s.gp (in this directory).  The"
		" numbers are in\n# %s.dat, each block headed by the query it"
		" comes from.\n\n", fig->name, fig->what, c->opt->db_path, out,
		fig->name, fig->name);
	plot_style_write(fig->gp, c->opt->format, height_in, out);
	return ASG_OK;
}

FILE *plot_fig_dat(struct plot_fig *fig, const char *what, struct diag *d)
{
	FILE *f = plot_fig_open(fig, "dat", d);
	if (f)
		fprintf(f, "# %s — %s (database '%s')\n", fig->name, what,
			fig->c->opt->db_path);
	return f;
}

void plot_dat_sql(FILE *f, const char *sql)
{
	fputs("# from the query\n#   ", f);
	for (; *sql; sql++) {
		fputc(*sql == '\n' ? ' ' : *sql, f);
		if (*sql == '\n' && sql[1])
			fputs("\n#   ", f);
	}
	fputc('\n', f);
}

asg_status plot_dat_close(struct plot_fig *fig, FILE *f, struct diag *d)
{
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return diag_set(d, ASG_EIO, "cannot write the data of '%s' in '%s'",
				fig->name, fig->c->dir);
	return ASG_OK;
}

void plot_fig_abort(struct plot_fig *fig)
{
	if (fig->gp)
		fclose(fig->gp);
	fig->gp = NULL;
	plot_fig_key_release(fig);
}

/* Copy gnuplot's messages to err, each line prefixed. */
static void plot_fig_relay(FILE *err, const char *script, const char *text)
{
	if (!text || !*text)
		return;
	fprintf(err, "gnuplot (%s):\n%s", script, text);
	if (text[strlen(text) - 1] != '\n')
		fputc('\n', err);
}

asg_status plot_fig_end(struct plot_fig *fig, struct diag *d)
{
	struct plot_ctx *c = fig->c;
	if (fig->multiplot)
		fputs("unset multiplot\n", fig->gp);
	bool bad = ferror(fig->gp) != 0;
	int rc = fclose(fig->gp);
	fig->gp = NULL;
	plot_fig_key_release(fig);
	if (rc != 0 || bad)
		return diag_set(d, ASG_EIO, "cannot write '%s/%s.gp'", c->dir,
				fig->name);
	char script[256];
	snprintf(script, sizeof script, "%s.gp", fig->name);
	const char *program = c->opt->gnuplot ? c->opt->gnuplot : "gnuplot";
	char *text = NULL;
	int e = 0;
	fflush(c->out);
	fflush(c->err);
	rc = plot_gnuplot_run(program, c->dir, script, &text, &e);
	plot_fig_relay(c->err, script, text);
	free(text);
	if (rc < 0 && e)
		return diag_set(d, ASG_EINTERNAL, "cannot run '%s': %s", program,
				strerror(e));
	if (rc != 0)
		return diag_set(d, ASG_EINTERNAL, "gnuplot failed on '%s/%s'"
				" (exit status %d)", c->dir, script, rc);
	char *path = plot_fig_path(fig, plot_format_ext(c->opt->format));
	if (!path)
		return diag_set(d, ASG_ENOMEM, "out of memory");
	fprintf(c->out, "%s\n", path);
	free(path);
	return ASG_OK;
}
