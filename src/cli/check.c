/*
 * check.c — `asgdsim check SCENARIO.yaml [--set KEY=VALUE]... [--seed N]
 * [--yaml]`: validate a scenario and print the runs it expands to, one
 * line each (with --yaml, each run's resolved scenario as a YAML document).
 * Nothing is written.
 */
#include <stdio.h>

#include "../scenario/scenario.h"
#include "cli.h"
#include "options.h"

static void check_print_run(const struct run_spec *r, size_t index)
{
	const struct scenario *sc = &r->sc;
	printf("run %zu: point %ld %s, replication %ld, seed %llu: %s, %ld workers, "
	       "model %s",
	       index + 1, r->point, r->point_json, r->replication,
	       (unsigned long long)sc->seed, scenario_protocol_name(sc->protocol.kind),
	       sc->nworkers, scenario_model_name(sc->model.kind));
	if (sc->stop.updates)
		printf(", stop at %llu ticks", (unsigned long long)sc->stop.updates);
	if (sc->stop.time > 0)
		printf(", stop at %.17g s", sc->stop.time);
	putchar('\n');
}

int cli_check(int argc, char **argv)
{
	struct cli_options opt;
	int rc = cli_parse_options(argc, argv, OPT_YAML, &opt);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct scenario_plan plan;
	struct diag d;
	diag_init(&d);
	if (scenario_plan_load(opt.scenario, &opt.overrides, &plan, &d) != ASG_OK)
		return cli_fail(&d);
	printf("%s: scenario '%s', %zu run%s\n", opt.scenario, plan.name,
	       plan.nruns, plan.nruns == 1 ? "" : "s");
	for (size_t i = 0; i < plan.nruns; i++) {
		if (opt.yaml)
			printf("--- # run %zu\n%s", i + 1, plan.runs[i].config_yaml);
		else
			check_print_run(&plan.runs[i], i);
	}
	scenario_plan_release(&plan);
	return 0;
}
