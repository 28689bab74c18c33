/*
 * test_eventq.c — the event queue fires by (time, scheduling order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "src/engine/eventq.h"

struct push_case {
	const char *name;
	size_t n;
	double t[8];          /* times pushed, in this order (who = index) */
	uint32_t order[8];    /* expected `who` in popping order */
};

static const struct push_case push_cases[] = {
	{ "distinct times", 4, { 3, 1, 2, 0 }, { 3, 1, 2, 0 } },
	{ "all tied fire in scheduling order", 5, { 1, 1, 1, 1, 1 }, { 0, 1, 2, 3, 4 } },
	{ "ties among others", 6, { 2, 1, 2, 1, 0, 2 }, { 4, 1, 3, 0, 2, 5 } },
	{ "zero and negative zero tie", 2, { 0.0, -0.0 }, { 0, 1 } },
	{ "more than the capacity", 8, { 5, 4, 3, 2, 1, 1, 2, 3 }, { 4, 5, 3, 6, 2, 7, 1, 0 } },
};

static void test_push_pop_table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof push_cases / sizeof push_cases[0]; c++) {
		const struct push_case *pc = &push_cases[c];
		struct eventq q;
		assert_int_equal(eventq_init(&q, 2), ASG_OK);
		for (size_t i = 0; i < pc->n; i++)
			assert_int_equal(eventq_push(&q, pc->t[i], 0, (uint32_t)i), ASG_OK);
		for (size_t i = 0; i < pc->n; i++) {
			struct event ev;
			assert_true(eventq_pop(&q, &ev));
			if (ev.who != pc->order[i])
				fail_msg("%s: pop %zu gave %u, expected %u", pc->name, i,
					 ev.who, pc->order[i]);
		}
		assert_true(eventq_empty(&q));
		eventq_release(&q);
	}
}

/* A handler that schedules at the current time must not overtake an
 * older event due at that same time. */
static void test_scheduled_from_handler_does_not_overtake(void **state)
{
	(void)state;
	struct eventq q;
	assert_int_equal(eventq_init(&q, 4), ASG_OK);
	eventq_push(&q, 1.0, 0, 0);  /* A */
	eventq_push(&q, 1.0, 0, 1);  /* B, older than anything the handler adds */
	eventq_push(&q, 0.5, 0, 2);  /* fires first */
	uint32_t seen[8];
	size_t n = 0;
	struct event ev;
	while (eventq_pop(&q, &ev)) {
		seen[n++] = ev.who;
		if (ev.who == 2)        /* at t=0.5 schedule C at 1.0 */
			eventq_push(&q, 1.0, 0, 3);
		if (ev.who == 0)        /* at t=1.0 (A) schedule D at 1.0 now */
			eventq_push(&q, ev.t, 0, 4);
	}
	const uint32_t expected[] = { 2, 0, 1, 3, 4 };
	assert_int_equal(n, 5);
	assert_memory_equal(seen, expected, sizeof expected);
	eventq_release(&q);
}

/* Random times against a sort by (t, seq): the heap is a correct
 * priority queue at every size. */
static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void test_random_against_sort(void **state)
{
	(void)state;
	enum { N = 10000 };
	struct event *ref = malloc(N * sizeof *ref);
	struct eventq q;
	assert_int_equal(eventq_init(&q, 16), ASG_OK);
	uint64_t x = 88172645463325252ull;
	for (uint32_t i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		double t = (double)(x % 100);  /* many ties */
		ref[i] = (struct event){ .t = t, .seq = i, .who = i };
		eventq_push(&q, t, 0, i);
	}
	qsort(ref, N, sizeof *ref, cmp_event);
	for (size_t i = 0; i < N; i++) {
		struct event ev;
		assert_true(eventq_pop(&q, &ev));
		assert_int_equal(ev.who, ref[i].who);
		assert_int_equal(ev.seq, ref[i].seq);
	}
	assert_false(eventq_pop(&q, &(struct event){ 0 }));
	eventq_release(&q);
	free(ref);
}

/* The earliest of n reference events by (t, seq); n > 0. */
static size_t ref_min(const struct event *ref, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (cmp_event(&ref[i], &ref[best]) < 0)
			best = i;
	return best;
}

/* Pushes, pops and peeks in a random order, as handlers make them (a pop
 * then pushes, or pops in a row), against a linear scan of the pending
 * events: every pop and peek is the earliest pending event. */
static void test_interleaved_against_scan(void **state)
{
	(void)state;
	enum { OPS = 200000, MAX = 300 };
	struct event ref[MAX];
	size_t n = 0;
	uint64_t seq = 0, x = 2463534242ull;
	struct eventq q;
	assert_int_equal(eventq_init(&q, 4), ASG_OK);
	for (uint32_t op = 0; op < OPS; op++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		unsigned what = (unsigned)(x % 8);
		if ((what < 4 && n < MAX) || n == 0) {
			double t = (double)((x >> 8) % 50);   /* many ties */
			assert_int_equal(eventq_push(&q, t, what, op), ASG_OK);
			ref[n++] = (struct event){ .t = t, .seq = seq++, .kind = what, .who = op };
		} else if (what < 7) {
			size_t m = ref_min(ref, n);
			struct event ev;
			assert_true(eventq_pop(&q, &ev));
			assert_int_equal(ev.seq, ref[m].seq);
			assert_int_equal(ev.who, ref[m].who);
			ref[m] = ref[--n];
		} else {
			size_t m = ref_min(ref, n);
			assert_int_equal(eventq_peek(&q)->seq, ref[m].seq);
		}
		assert_int_equal(eventq_empty(&q), n == 0);
	}
	eventq_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_pop_table),
		cmocka_unit_test(test_scheduled_from_handler_does_not_overtake),
		cmocka_unit_test(test_random_against_sort),
		cmocka_unit_test(test_interleaved_against_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
