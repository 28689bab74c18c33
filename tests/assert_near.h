/*
 * assert_near.h — a cmocka assertion on doubles for the tests: cmocka
 * 1.1's assert_float_equal converts its arguments to float.
 */
#ifndef ASG_TEST_ASSERT_NEAR_H
#define ASG_TEST_ASSERT_NEAR_H

#include <math.h>

/* |a - b| <= tol, else the test fails showing both values in full. */
#define assert_near(a, b, tol)                                              \
	do {                                                                \
		double a_ = (a), b_ = (b), t_ = (tol);                      \
		if (!(fabs(a_ - b_) <= t_))                                 \
			fail_msg("%s = %.17g, want %.17g within %g", #a, a_, \
				 b_, t_);                                   \
	} while (0)

#endif
