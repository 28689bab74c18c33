/*
 * style.c — the paper style of every figure, and writing gnuplot text.
 *
 * One column of a two-column paper is about 3.5 in wide; text is a serif
 * ("Times", which fontconfig maps to Nimbus Roman or Liberation Serif) at
 * 8 pt, lines 1 pt.  The same figure is drawn at the same physical size in
 * each format:
 *   pdf  pdfcairo, 3.5 in wide (fontscale 1: pdfcairo halves fonts by
 *        default; linewidth 2: its unit line is 0.5 pt);
 *   svg  svg, 3.5 in at 72 px per inch;
 *   png  pngcairo at 300 dpi: 1050 px wide, fonts given in pixels
 *        (8 pt = 33 px), lines and points scaled by 300 / 72.
 * Colours are Okabe & Ito's palette for colour-blind readers (blue,
 * vermillion, bluish green, reddish purple, orange, sky blue, black,
 * yellow: the yellow last, as it is faint on white), each with its own
 * point type, so a figure also reads in grey; linetypes 9 to 16 repeat
 * them dash-dotted.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "plot_impl.h"

#define PLOT_DPI 300.0
#define PLOT_FONT "Times"
#define PLOT_FONT_PT 8

static const char *const plot_palette[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7",
	"#E69F00", "#56B4E9", "#000000", "#F0E442",
};
static const int plot_points[] = { 7, 5, 9, 13, 11, 6, 4, 8 };

const char *plot_format_ext(enum plot_format format)
{
	switch (format) {
	case PLOT_PNG: return "png";
	case PLOT_PDF: return "pdf";
	case PLOT_SVG: return "svg";
	}
	assert(!"unknown format");
	return "png";
}

static void plot_style_terminal(FILE *gp, enum plot_format format,
				double height_in)
{
	double scale = PLOT_DPI / 72.0;
	switch (format) {
	case PLOT_PNG:
		fprintf(gp, "set terminal pngcairo size %d,%d enhanced font '%s,%d'"
			" linewidth %.4f pointscale %.4f\n",
			(int)lround(PLOT_WIDTH_IN * PLOT_DPI),
			(int)lround(height_in * PLOT_DPI), PLOT_FONT,
			(int)lround(PLOT_FONT_PT * scale), scale, scale);
		break;
	case PLOT_PDF:
		fprintf(gp, "set terminal pdfcairo size %.2fin,%.2fin enhanced"
			" font '%s,%d' fontscale 1 linewidth 2\n",
			PLOT_WIDTH_IN, height_in, PLOT_FONT, PLOT_FONT_PT);
		break;
	case PLOT_SVG:
		fprintf(gp, "set terminal svg size %d,%d enhanced font '%s,%d'"
			" linewidth 1 background '#ffffff'\n",
			(int)lround(PLOT_WIDTH_IN * 72), (int)lround(height_in * 72),
			PLOT_FONT, PLOT_FONT_PT);
		break;
	}
}

void plot_style_write(FILE *gp, enum plot_format format, double height_in,
		      const char *output)
{
	fputs("set encoding utf8\n", gp);
	plot_style_terminal(gp, format, height_in);
	fputs("set output ", gp);
	plot_gp_string(gp, output);
	fputs("\n\n# paper style: Okabe-Ito colours, a point type each,"
	      " 1 pt lines, open axes\n", gp);
	/* Past the eight colours, the same ones dash-dotted. */
	size_t n = sizeof plot_palette / sizeof *plot_palette;
	for (size_t i = 0; i < 2 * n; i++)
		fprintf(gp, "set linetype %zu lc rgb '%s' lw 1.2 pt %d ps 0.55"
			" dt %d\n", i + 1, plot_palette[i % n], plot_points[i % n],
			i < n ? 1 : 4);
	fprintf(gp, "set linetype cycle %zu\n", 2 * n);
	fputs("set border 3 lw 0.6\n"
	      "set tics nomirror out scale 0.5\n"
	      "set key noautotitle\n"
	      "set style fill transparent solid 0.22 noborder\n"
	      "set bars small\n\n", gp);
}

void plot_gp_string(FILE *gp, const char *s)
{
	fputc('\'', gp);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\'')
			fputs("''", gp);
		else if (ch < 0x20 || ch == 0x7f)
			fputc(' ', gp);
		else
			fputc(ch, gp);
	}
	fputc('\'', gp);
}

void plot_gp_next(FILE *gp, bool *first)
{
	fputs(*first ? "plot \\\n  " : ", \\\n  ", gp);
	*first = false;
}

void plot_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.15g", v);
	else
		fputs("NaN", f);
}

/* A round step (1, 2 or 5 times a power of ten) near span / 5. */
static double plot_nice_step(double span)
{
	double raw = span / 5.0;
	double mag = pow(10.0, floor(log10(raw)));
	double f = raw / mag;
	double m = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
	return m * mag;
}

static size_t plot_tic_chars_step(const struct plot_range *r, double step);

/* The next round step after step: 1 -> 2 -> 5 -> 10. */
static double plot_next_step(double step)
{
	double mag = pow(10.0, floor(log10(step) + 1e-9));
	double f = step / mag;
	return (f < 1.5 ? 2 : f < 3.5 ? 5 : 10) * mag;
}

/* Tics at 1, 2 and 5 times the powers of ten within [lo, hi] (or every
 * integer times them when that gives fewer than three). */
static void plot_log_tics(FILE *gp, const char *axis, double lo, double hi)
{
	static const double sets[2][9] = { { 1, 2, 5 }, { 1, 2, 3, 4, 5, 6, 7, 8, 9 } };
	static const int counts[2] = { 3, 9 };
	for (int s = 0; s < 2; s++) {
		int n = 0;
		for (double p = pow(10, floor(log10(lo))); p <= hi; p *= 10)
			for (int i = 0; i < counts[s]; i++)
				n += sets[s][i] * p >= lo && sets[s][i] * p <= hi;
		if (n < 3 && s == 0)
			continue;
		fprintf(gp, "set %stics (", axis);
		bool first = true;
		for (double p = pow(10, floor(log10(lo))); p <= hi; p *= 10)
			for (int i = 0; i < counts[s]; i++) {
				double v = sets[s][i] * p;
				if (v < lo || v > hi)
					continue;
				fprintf(gp, "%s%.6g", first ? "" : ", ", v);
				first = false;
			}
		fputs(")\n", gp);
		return;
	}
}

void plot_axis_tics(FILE *gp, const char *axis, const struct plot_range *r,
		    bool log)
{
	if (log) {
		fprintf(gp, "set logscale %s 10\n", axis);
		/* Powers of ten over several decades; within two, 1-2-5 tics
		 * with plain numbers. */
		double lo = r->lo > 0 ? r->lo : r->minpos;
		bool narrow = !plot_range_empty(r) && lo < HUGE_VAL && lo > 0 &&
			      r->hi / lo < 100;
		fprintf(gp, "set format %s '%s'\n", axis, narrow ? "%g" : "10^{%T}");
		if (narrow)
			plot_log_tics(gp, axis, lo, r->hi);
		return;
	}
	if (plot_range_empty(r) || !(r->hi > r->lo))
		return;
	double step = plot_nice_step(r->hi - r->lo);
	/* Along x, labels must not touch: about 44 characters fit. */
	while (axis[0] == 'x' && (floor(r->hi / step) - ceil(r->lo / step) + 1) *
	       (double)(plot_tic_chars_step(r, step) + 2) > 44)
		step = plot_next_step(step);
	fprintf(gp, "set %stics ", axis);
	plot_num(gp, step);
	fputc('\n', gp);
}

void plot_range_round(struct plot_range *r, double min, double max)
{
	if (plot_range_empty(r))
		return;
	double lo = r->lo, hi = r->hi;
	if (hi > lo) {
		double step = plot_nice_step(hi - lo);
		lo = floor(lo / step + 1e-9) * step;
		hi = ceil(hi / step - 1e-9) * step;
	}
	if (isfinite(min) && lo < min)
		lo = min;
	if (isfinite(max) && hi > max)
		hi = max;
	if (!(hi > lo))
		hi = lo + 1;
	r->lo = lo;
	r->hi = hi;
}

void plot_axis_range(FILE *gp, const char *axis, const struct plot_range *r)
{
	if (plot_range_empty(r))
		return;
	fprintf(gp, "set %srange [", axis);
	plot_num(gp, r->lo);
	fputc(':', gp);
	plot_num(gp, r->hi);
	fputs("]\n", gp);
}

/* Characters of the widest of the labels at multiples of step in r. */
static size_t plot_tic_chars_step(const struct plot_range *r, double step)
{
	size_t widest = 1;
	char buf[64];
	for (double v = ceil(r->lo / step) * step; v <= r->hi + step / 2; v += step) {
		/* As gnuplot prints it: %g of a multiple of the step. */
		double x = fabs(v) < step / 1e6 ? 0 : v;
		size_t n = (size_t)snprintf(buf, sizeof buf, "%g", x);
		if (n > widest)
			widest = n;
	}
	return widest;
}

size_t plot_tic_chars(const struct plot_range *r, bool log)
{
	if (plot_range_empty(r) || !(r->hi > r->lo))
		return 4;
	if (log)
		return r->minpos < HUGE_VAL && r->hi / r->minpos < 100 ? 5 : 4;
	return plot_tic_chars_step(r, plot_nice_step(r->hi - r->lo));
}

double plot_left_margin(size_t chars)
{
	return (30.0 + 4.2 * (double)chars) / (72.0 * PLOT_WIDTH_IN);
}

bool plot_range_wants_log(const struct plot_range *r, double ratio)
{
	return !plot_range_empty(r) && r->lo > 0 && r->hi / r->lo > ratio;
}
