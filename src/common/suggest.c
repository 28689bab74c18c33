/*
 * suggest.c — closest known word by edit distance, for "did you mean".
 *
 * The distance is the optimal string alignment distance (Levenshtein plus
 * transposition of adjacent characters), computed with three rows of the
 * dynamic-programming table on the stack: O(|a| |b|) time, no allocation.
 */
#include "suggest.h"

#include <stdint.h>
#include <string.h>

static size_t suggest_min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			cur[j] = suggest_min3(prev[j] + 1, cur[j - 1] + 1,
					      prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* The one candidate that word begins, or NULL if none or several. */
static const char *suggest_unique_prefix(const char *word,
					 const char *const *candidates,
					 size_t n)
{
	size_t len = strlen(word);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		if (strncmp(candidates[i], word, len) != 0)
			continue;
		if (found)
			return NULL;
		found = candidates[i];
	}
	return found;
}

const char *suggest_closest(const char *word, const char *const *candidates,
			    size_t n)
{
	size_t len = strlen(word);
	size_t limit = len / 3 > 2 ? len / 3 : 2;
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(word, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	if (best && best_d <= limit && best_d < len)
		return best;
	if (len >= 3)
		return suggest_unique_prefix(word, candidates, n);
	return NULL;
}
