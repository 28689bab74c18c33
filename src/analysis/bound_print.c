/*
 * bound_print.c — the output of `asgdsim bound`: the verdict line, the
 * per-run table with its notes, and the JSON object (bound.h).
 *
 * The table is aligned: its cells are formatted first (BOUND_CELL bytes
 * each), then printed as wide as the widest cell of their column.  Numbers
 * are shown with 4 significant digits (the JSON object has them all);
 * unknown values are '-' in the table and null in JSON.
 */
#include "bound.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define BOUND_CELL 32

enum bound_col {
	COL_RUN, COL_PT, COL_REP, COL_PROTOCOL, COL_N, COL_LHS, COL_TICKS,
	COL_T1, COL_T2, COL_T3, COL_T3_LAG, COL_L, COL_RHS, COL_SET, COL_HOLDS,
	COL_COUNT,
};

static const char *const bound_heads[COL_COUNT] = {
	"run", "pt", "rep", "protocol", "n", "lhs", "lhs_ticks", "t1", "t2",
	"t3", "t3_lag", "L", "rhs", "set", "holds",
};

/* The name of T3 in the reading fitted. */
static const char *bound_t3_name(const struct bound_result *res)
{
	return res->lag ? "T3_lag" : "T3";
}

/* Append to buf[size] at *len, never past its end. */
static void bound_cat(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void bound_cat(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	if (*len >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = *len + (size_t)n < size ? *len + (size_t)n : size;
}

void bound_verdict(const struct bound_result *res, char *buf, size_t size)
{
	const struct bound_fit *f = &res->fit;
	size_t len = 0;
	buf[0] = '\0';
	bound_cat(buf, size, &len, "bound%s: ", res->lag ? " (lag)" : "");
	if (!f->fitted) {
		bound_cat(buf, size, &len, "nothing fitted: no run has LHS, T1, T2 and %s",
			  bound_t3_name(res));
		if (res->nrun == 0)
			bound_cat(buf, size, &len, " (no finished run)");
		return;
	}
	bound_cat(buf, size, &len, "C1=%.4g, C2=%.4g, C3=%.4g fitted on %zu run%s",
		  f->c[0], f->c[1], f->c[2], f->fit_runs, f->fit_runs == 1 ? "" : "s");
	if (f->held_runs)
		bound_cat(buf, size, &len, "; holds on %zu of %zu held-out runs",
			  f->held_hold, f->held_runs);
	else
		bound_cat(buf, size, &len, "; no held-out run");
	if (f->slope_runs)
		bound_cat(buf, size, &len, "; LHS ~ %s^%.3g over %zu runs",
			  bound_t3_name(res), f->slope, f->slope_runs);
	else
		bound_cat(buf, size, &len, "; no slope (fewer than 3 runs with %s > 0, or all equal)",
			  bound_t3_name(res));
}

/* A number with 4 significant digits, '-' when unknown. */
static void bound_cell_num(char *cell, double v)
{
	if (isnan(v))
		snprintf(cell, BOUND_CELL, "-");
	else
		snprintf(cell, BOUND_CELL, "%.4g", v);
}

static const char *bound_role_name(enum bound_role role)
{
	return role == BOUND_FIT ? "fit" : role == BOUND_HELD_OUT ? "held" : "-";
}

static const char *bound_coupling_name(int coupling)
{
	return coupling > 0 ? "exact" : coupling == 0 ? "bound" : "-";
}

/* The cells of one run's line. */
static void bound_cells(const struct bound_run *r, char (*cell)[BOUND_CELL])
{
	snprintf(cell[COL_RUN], BOUND_CELL, "%lld", (long long)r->run_id);
	snprintf(cell[COL_PT], BOUND_CELL, "%ld", r->point_index);
	snprintf(cell[COL_REP], BOUND_CELL, "%ld", r->replication);
	snprintf(cell[COL_PROTOCOL], BOUND_CELL, "%.20s%s",
		 r->protocol ? r->protocol : "-", r->ps ? " (ps)" : "");
	snprintf(cell[COL_N], BOUND_CELL, "%llu", (unsigned long long)r->n);
	bound_cell_num(cell[COL_LHS], r->lhs);
	if (r->lhs_ticks == r->n && r->n > 0)
		snprintf(cell[COL_TICKS], BOUND_CELL, "all");
	else
		snprintf(cell[COL_TICKS], BOUND_CELL, "%llu",
			 (unsigned long long)r->lhs_ticks);
	bound_cell_num(cell[COL_T1], r->t1);
	bound_cell_num(cell[COL_T2], r->t2);
	bound_cell_num(cell[COL_T3], r->t3);
	bound_cell_num(cell[COL_T3_LAG], r->t3_lag);
	snprintf(cell[COL_L], BOUND_CELL, "%s", bound_coupling_name(r->coupling));
	bound_cell_num(cell[COL_RHS], r->rhs);
	snprintf(cell[COL_SET], BOUND_CELL, "%s", bound_role_name(r->role));
	snprintf(cell[COL_HOLDS], BOUND_CELL, "%s",
		 r->holds < 0 ? "-" : r->holds ? "yes" : "no");
}

static void bound_print_line(FILE *out, char (*cell)[BOUND_CELL],
			     const size_t *width)
{
	for (int c = 0; c < COL_COUNT; c++) {
		bool left = c == COL_PROTOCOL || c == COL_L || c == COL_SET ||
			    c == COL_HOLDS;
		bool last = c + 1 == COL_COUNT;
		if (left)
			fprintf(out, "%-*s", last ? 0 : (int)width[c], cell[c]);
		else
			fprintf(out, "%*s", (int)width[c], cell[c]);
		fputs(last ? "\n" : "  ", out);
	}
}

static void bound_print_table(const struct bound_result *res, FILE *out)
{
	char (*cell)[BOUND_CELL] = malloc((res->nrun + 1) * COL_COUNT * sizeof *cell);
	size_t width[COL_COUNT];
	if (!cell) {
		fputs("(out of memory: no table)\n", out);
		return;
	}
	for (int c = 0; c < COL_COUNT; c++) {
		snprintf(cell[c], BOUND_CELL, "%s", bound_heads[c]);
		width[c] = strlen(bound_heads[c]);
	}
	for (size_t i = 0; i < res->nrun; i++) {
		char (*row)[BOUND_CELL] = cell + (i + 1) * COL_COUNT;
		bound_cells(&res->run[i], row);
		for (int c = 0; c < COL_COUNT; c++)
			if (strlen(row[c]) > width[c])
				width[c] = strlen(row[c]);
	}
	for (size_t i = 0; i <= res->nrun; i++)
		bound_print_line(out, cell + i * COL_COUNT, width);
	free(cell);
}

/* "note: <what> <run ids>" listing the runs for which pick is true. */
static void bound_note_runs(const struct bound_result *res, FILE *out,
			    bool (*pick)(const struct bound_run *),
			    const char *what, const char *after)
{
	size_t count = 0;
	for (size_t i = 0; i < res->nrun; i++) {
		if (!pick(&res->run[i]))
			continue;
		fprintf(out, "%s%lld", count ? ", " : what,
			(long long)res->run[i].run_id);
		count++;
	}
	if (count)
		fprintf(out, "%s\n", after);
}

static bool bound_on_stride(const struct bound_run *r)
{
	return r->lhs_ticks > 0 && r->lhs_ticks < r->n;
}

static bool bound_is_ps(const struct bound_run *r)
{
	return r->ps;
}

static bool bound_l_is_bound(const struct bound_run *r)
{
	return r->coupling == 0;
}

static void bound_print_notes(const struct bound_result *res, FILE *out)
{
	size_t excluded = res->diverged + res->failed + res->running;
	if (excluded)
		fprintf(out, "note: %zu run%s not done excluded: %zu diverged, %zu failed, %zu running\n",
			excluded, excluded == 1 ? "" : "s", res->diverged,
			res->failed, res->running);
	for (size_t i = 0; i < res->nrun; i++)
		if (res->run[i].note)
			fprintf(out, "note: run %lld left out: %s\n",
				(long long)res->run[i].run_id, res->run[i].note);
	bound_note_runs(res, out, bound_on_stride, "note: LHS is a mean over a stride of ticks, not every tick, for runs ",
			" (lhs_ticks of n)");
	bound_note_runs(res, out, bound_is_ps, "note: parameter-server runs read as one block (THEORY.md, Problem 2: kappa = 1, T2 = max alpha, T3 = max alpha * L * mean staleness): ",
			"");
	bound_note_runs(res, out, bound_l_is_bound, "note: L^{ij} is an upper bound, so T3 is one too, for runs ",
			"");
	if (res->scenarios > 1)
		fprintf(out, "note: the runs come from %zu scenarios and the constants depend on the problem (select one with --scenario)\n",
			res->scenarios);
	const char *name[3] = { "T1", "T2", bound_t3_name(res) };
	for (int m = 0; m < 3; m++)
		if (res->fit.fitted && !res->fit.determined[m])
			fprintf(out, "note: C%d is not determined (%s = 0 on every fitting run with LHS > 0): set to 0\n",
				m + 1, name[m]);
}

void bound_print_text(const struct bound_result *res, FILE *out)
{
	bound_print_table(res, out);
	bound_print_notes(res, out);
	fprintf(out, "fit: C >= 0 minimising the sum over fitting runs of RHS/LHS with LHS <= RHS on each (GLPK); runs by sweep point then run_id, ");
	if (res->holdout == 0.5)
		fprintf(out, "every second one held out, in turns across points\n");
	else if (res->holdout == 0)
		fprintf(out, "none held out\n");
	else
		fprintf(out, "a fraction %g held out (position q when floor((q+1)F) > floor(qF))\n",
			res->holdout);
	if (!isnan(res->fit.slope_se))
		fprintf(out, "slope: %.4g +- %.2g (standard error), log LHS = %.4g + slope log %s\n",
			res->fit.slope, res->fit.slope_se, res->fit.intercept,
			bound_t3_name(res));
	char verdict[512];
	bound_verdict(res, verdict, sizeof verdict);
	fprintf(out, "%s\n", verdict);
}

/* A JSON number; null for NAN or infinity. */
static void bound_json_num(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, "%.17g", v);
	else
		fputs("null", out);
}

/* A JSON string; null for NULL. */
static void bound_json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void bound_json_run(FILE *out, const struct bound_run *r)
{
	static const char *const role[] = {
		[BOUND_UNUSED] = NULL, [BOUND_FIT] = "fit",
		[BOUND_HELD_OUT] = "held_out",
	};
	fprintf(out, "    {\"run_id\": %lld, \"scenario\": ", (long long)r->run_id);
	bound_json_str(out, r->scenario);
	fprintf(out, ", \"point_index\": %ld, \"replication\": %ld, \"protocol\": ",
		r->point_index, r->replication);
	bound_json_str(out, r->protocol);
	fputs(", \"model\": ", out);
	bound_json_str(out, r->model);
	fprintf(out, ", \"parameter_server\": %s, \"n\": %llu, \"lhs\": ",
		r->ps ? "true" : "false", (unsigned long long)r->n);
	bound_json_num(out, r->lhs);
	fprintf(out, ", \"lhs_ticks\": %llu, \"lhs_every_tick\": %s, \"t1\": ",
		(unsigned long long)r->lhs_ticks,
		r->lhs_ticks == r->n && r->n > 0 ? "true" : "false");
	bound_json_num(out, r->t1);
	fputs(", \"t2\": ", out);
	bound_json_num(out, r->t2);
	fputs(", \"t3\": ", out);
	bound_json_num(out, r->t3);
	fputs(", \"t3_lag\": ", out);
	bound_json_num(out, r->t3_lag);
	fputs(", \"coupling\": ", out);
	bound_json_str(out, r->coupling < 0 ? NULL : bound_coupling_name(r->coupling));
	fputs(", \"rhs\": ", out);
	bound_json_num(out, r->rhs);
	fputs(", \"set\": ", out);
	bound_json_str(out, role[r->role]);
	fprintf(out, ", \"holds\": %s, \"note\": ",
		r->holds < 0 ? "null" : r->holds ? "true" : "false");
	bound_json_str(out, r->note);
	fputs("}", out);
}

static void bound_json_fit(FILE *out, const struct bound_result *res)
{
	const struct bound_fit *f = &res->fit;
	fprintf(out, "  \"fit\": {\"fitted\": %s", f->fitted ? "true" : "false");
	for (int m = 0; m < 3; m++) {
		fprintf(out, ", \"c%d\": ", m + 1);
		bound_json_num(out, f->fitted ? f->c[m] : NAN);
	}
	fprintf(out, ", \"determined\": [%s, %s, %s]",
		f->determined[0] ? "true" : "false",
		f->determined[1] ? "true" : "false",
		f->determined[2] ? "true" : "false");
	fprintf(out, ", \"fit_runs\": %zu, \"held_out_runs\": %zu, \"held_out_hold\": %zu,"
		" \"objective\": \"minimise the sum over fitting runs of RHS/LHS\"},\n",
		f->fit_runs, f->held_runs, f->held_hold);
	fputs("  \"slope\": {\"value\": ", out);
	bound_json_num(out, f->slope);
	fputs(", \"stderr\": ", out);
	bound_json_num(out, f->slope_se);
	fputs(", \"intercept\": ", out);
	bound_json_num(out, f->intercept);
	fprintf(out, ", \"runs\": %zu},\n", f->slope_runs);
}

void bound_print_json(const struct bound_result *res, FILE *out)
{
	fprintf(out, "{\n  \"reading\": \"%s\",\n  \"holdout\": ",
		res->lag ? "lag" : "age");
	bound_json_num(out, res->holdout);
	fprintf(out, ",\n  \"excluded\": {\"diverged\": %zu, \"failed\": %zu, \"running\": %zu},\n",
		res->diverged, res->failed, res->running);
	fprintf(out, "  \"scenarios\": %zu,\n  \"runs\": [\n", res->scenarios);
	for (size_t i = 0; i < res->nrun; i++) {
		bound_json_run(out, &res->run[i]);
		fputs(i + 1 < res->nrun ? ",\n" : "\n", out);
	}
	fputs("  ],\n", out);
	bound_json_fit(out, res);
	char verdict[512];
	bound_verdict(res, verdict, sizeof verdict);
	fputs("  \"verdict\": ", out);
	bound_json_str(out, verdict);
	fputs("\n}\n", out);
}
