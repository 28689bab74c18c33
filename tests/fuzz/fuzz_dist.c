/*
 * fuzz_dist.c — libFuzzer harness for the distribution parser: any text
 * goes through dist_parse and must parse or be refused with a located
 * message.  A distribution that parses must also keep the parser's
 * promises: its canonical text (dist_format) parses back to the same
 * text, and its draws are finite and >= 0 (for a distribution of the
 * worker index i, those of i = 0 .. 3, each made concrete by dist_at).
 * The mixtures an input parsed are freed after it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/engine/dist.h"
#include "../../src/engine/mixture.h"
#include "../../src/engine/rng.h"

#define FUZZ_TEXT_MAX 4096
#define FUZZ_DRAWS 16
#define FUZZ_WORKERS 4      /* values of i tried for an indexed distribution */

static void fuzz_check_parsed(const struct dist *dist)
{
	static gsl_rng *rng;
	struct dist back;
	struct diag d;
	struct dist_origin at = { "fuzz", 1, 1 };
	diag_init(&d);
	if (!rng && !(rng = rng_stream_alloc(1, rng_entity(RNG_WORKER, 0))))
		abort();
	int len = dist_format(dist, NULL, 0);
	char *text = len < 0 ? NULL : malloc(2 * ((size_t)len + 1));
	if (!text)
		abort();
	char *again = text + len + 1;
	dist_format(dist, text, (size_t)len + 1);
	if (dist_parse(text, &at, &back, &d) != ASG_OK) {
		fprintf(stderr, "canonical text does not parse: %s: %s\n", text, d.text);
		abort();
	}
	if (dist_format(&back, again, (size_t)len + 1) != len ||
	    strcmp(text, again) != 0) {
		fprintf(stderr, "round trip changed '%s' into '%s'\n", text, again);
		abort();
	}
	/* a distribution of the worker index i is made concrete per worker
	 * first, which may refuse an i with a located message */
	for (long w = 0; w < FUZZ_WORKERS; w++) {
		struct dist at_w = *dist;
		if (dist_at(dist, w, &at, &at_w, &d) != ASG_OK) {
			if (strncmp(d.text, "fuzz:1:", 7) != 0) {
				fprintf(stderr, "unlocated at i = %ld: %s\n", w, d.text);
				abort();
			}
			break;
		}
		for (int i = 0; i < FUZZ_DRAWS; i++) {
			double x = dist_next(&at_w, rng);
			if (!(x >= 0) || !isfinite(x)) {
				fprintf(stderr, "'%s' drew %g at i = %ld\n", text, x, w);
				abort();
			}
		}
		if (!dist_indexed(dist))
			break;
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_TEXT_MAX + 1];
	if (size > FUZZ_TEXT_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct dist dist;
	struct diag d;
	struct dist_origin at = { "fuzz", 3, 7 };
	diag_init(&d);
	if (dist_parse(text, &at, &dist, &d) == ASG_OK)
		fuzz_check_parsed(&dist);
	else if (strncmp(d.text, "fuzz:3:", 7) != 0) {
		fprintf(stderr, "message without a location: %s\n", d.text);
		abort();
	}
	mixture_release_all();   /* the parsed mixtures of this input */
	return 0;
}
