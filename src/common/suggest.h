/*
 * suggest.h — "did you mean ...?": the closest of a few known words.
 *
 * Used for messages about unknown names (distributions, scenario keys).
 * Closeness is the optimal-string-alignment edit distance (insertions,
 * deletions, substitutions and swaps of two adjacent characters each cost
 * one), compared byte for byte.  No allocation.
 */
#ifndef ASG_SUGGEST_H
#define ASG_SUGGEST_H

#include <stddef.h>

/* Words longer than this are never matched (the distance is computed in a
 * fixed-size buffer). */
#define SUGGEST_MAX_LEN 63

/* The edit distance between a and b, or SIZE_MAX if either is longer than
 * SUGGEST_MAX_LEN. */
size_t suggest_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL if none is close.  A candidate is
 * close when its distance d to word satisfies d <= max(2, strlen(word) / 3)
 * and d < strlen(word) (a word is not "close" to one that replaces all of
 * it).  The first of equally close candidates wins.  If none is close but
 * word (3 characters or more) is the beginning of exactly one candidate,
 * that candidate is returned ("expo" -> "exponential"). */
const char *suggest_closest(const char *word, const char *const *candidates,
			    size_t n);

#endif
