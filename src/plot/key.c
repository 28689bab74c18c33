/*
 * key.c — the key of a figure: a panel of its own above the plot.
 *
 * gnuplot lays a key out inside the plot's area: a key of many entries
 * then gets more columns than the page is wide, or covers the data.  So
 * every figure is a multiplot whose first panel holds the key alone (an
 * invisible plot of `keyentry` items, each with the style of its curve),
 * centred at the top of the canvas, in as many rows as its entries need;
 * the figure is made taller by the key's height, so the plot below keeps
 * its size whatever the number of entries, and the key hides no data.
 * gnuplot gives an entry (title, sample, gaps) about title + 5 character
 * widths, a row of the key about 56 of them (3.5 in of 8 pt text); a row
 * is about 10.5 pt high.
 */
#include <stdlib.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_KEY_ROW_CHARS 56.0
#define PLOT_KEY_ROW_PT 10.5


asg_status plot_fig_key_add(struct plot_fig *fig, const char *style,
			    const char *title, bool enhanced)
{
	struct plot_key_entry *e = realloc(fig->key,
					   (fig->nkey + 1) * sizeof *e);
	if (!e)
		return ASG_ENOMEM;
	fig->key = e;
	e = &fig->key[fig->nkey];
	e->style = malloc(strlen(style) + 1);
	e->title = malloc(strlen(title) + 1);
	if (!e->style || !e->title) {
		free(e->style);
		free(e->title);
		return ASG_ENOMEM;
	}
	strcpy(e->style, style);
	strcpy(e->title, title);
	if (!enhanced && strlen(title) > PLOT_KEY_TITLE_MAX)
		strcpy(e->title + PLOT_KEY_TITLE_MAX - 3, "...");
	e->enhanced = enhanced;
	fig->nkey++;
	return ASG_OK;
}

void plot_fig_key_release(struct plot_fig *fig)
{
	for (size_t i = 0; i < fig->nkey; i++) {
		free(fig->key[i].style);
		free(fig->key[i].title);
	}
	free(fig->key);
	fig->key = NULL;
	fig->nkey = 0;
}

/* Rows of the key (its title line included) and its columns. */
static size_t plot_key_rows(const struct plot_fig *fig, size_t *cols)
{
	size_t maxlen = 4;
	for (size_t i = 0; i < fig->nkey; i++) {
		/* An enhanced title is shorter than its markup. */
		size_t n = strlen(fig->key[i].title);
		if (fig->key[i].enhanced)
			n = n * 3 / 4;
		if (n > maxlen)
			maxlen = n;
	}
	size_t c = (size_t)(PLOT_KEY_ROW_CHARS / (double)(maxlen + 5));
	if (c < 1)
		c = 1;
	if (c > fig->nkey)
		c = fig->nkey ? fig->nkey : 1;
	*cols = c;
	return (fig->nkey + c - 1) / c + (fig->key_title ? 1 : 0);
}

double plot_fig_key_space(const struct plot_fig *fig)
{
	size_t cols;
	size_t rows = plot_key_rows(fig, &cols);
	return rows ? 0.03 + ((double)rows + 1.0) * PLOT_KEY_ROW_PT / 72.0 : 0.05;
}

double plot_fig_key(struct plot_fig *fig)
{
	FILE *gp = fig->gp;
	size_t cols;
	size_t rows = plot_key_rows(fig, &cols);
	double top = 1.0 - plot_fig_key_space(fig) / fig->height_in;
	fprintf(gp, "# the key, a panel of its own above the plot\n"
		"set multiplot\nset lmargin at screen 0.01\nset rmargin at screen"
		" 0.99\nset tmargin at screen 0.995\nset bmargin at screen %.4f\n"
		"unset border\nunset xtics\nunset ytics\nset xrange [0:1]\n"
		"set yrange [0:1]\nset key inside center top vertical maxrows"
		" %zu samplen 2 spacing 1 noopaque", top,
		rows > (fig->key_title ? 1u : 0u) ? rows - (fig->key_title ? 1 : 0)
						  : 1);
	if (fig->key_title) {
		fputs(" title ", gp);
		plot_gp_string(gp, fig->key_title);
		fputs(" noenhanced", gp);
	}
	/* A curve outside the range first: gnuplot wants one real plot. */
	fputs("\nplot -1 with lines notitle", gp);
	for (size_t i = 0; i < fig->nkey; i++) {
		fprintf(gp, ", \\\n  keyentry %s title ", fig->key[i].style);
		plot_gp_string(gp, fig->key[i].title);
		if (!fig->key[i].enhanced)
			fputs(" noenhanced", gp);
	}
	fprintf(gp, "\n\n# the plot\nunset key\nset lmargin -1\nset rmargin -1\n"
		"set bmargin -1\nset tmargin at screen %.4f\nset autoscale xy\n"
		"set border 3 lw 0.6\nset xtics nomirror out scale 0.5\n"
		"set ytics nomirror out scale 0.5\n", top);
	fig->multiplot = true;
	return top;
}

void plot_fig_panel(struct plot_fig *fig, double top, int i, int n,
		    double left)
{
	const double gap = 0.05 / fig->height_in * 3.0;
	double bottom = 0.55 / fig->height_in;
	double h = (top - bottom - gap * (n - 1)) / n;
	double t = top - i * (h + gap);
	fprintf(fig->gp, "set lmargin at screen %.4f\nset rmargin at screen 0.96\n"
		"set tmargin at screen %.4f\nset bmargin at screen %.4f\n", left, t,
		t - h);
}
