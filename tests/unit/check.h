/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness. Each test case prints "ok NAME", "not ok NAME" or "skip NAME: why";
 * tests/run.sh adds them up. CHECK() records a failure with its location and goes on.
 */
#ifndef VRRPD_CHECK_H
#define VRRPD_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed_case; /* failures in the current case */
static int check_failures; /* cases that failed */

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			check_failed_case++;                                                       \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                          \
	do {                                                                                    \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                 \
		if (check_a_ != check_b_) {                                                     \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, check_a_, #b, check_b_);                          \
			check_failed_case++;                                                    \
		}                                                                               \
	} while (0)

#define CHECK_MEM(a, b, n)                                                                       \
	do {                                                                                     \
		if (memcmp((a), (b), (n)) != 0) {                                                \
			fprintf(stderr, "  %s:%d: %s differs from %s\n", __FILE__, __LINE__, #a, \
				#b);                                                             \
			check_hexdiff((const unsigned char *)(a), (const unsigned char *)(b),    \
				      (n));                                                      \
			check_failed_case++;                                                     \
		}                                                                                \
	} while (0)

static inline void check_hexdiff(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			fprintf(stderr, "    byte %zu: got %02x want %02x\n", i, a[i], b[i]);
}

/* Runs one case: RUN(test_fn) where test_fn is void test_fn(void). */
#define RUN(fn)                                     \
	do {                                        \
		check_failed_case = 0;              \
		fn();                               \
		if (check_failed_case) {            \
			printf("not ok %s\n", #fn); \
			check_failures++;           \
		} else {                            \
			printf("ok %s\n", #fn);     \
		}                                   \
		fflush(stdout);                     \
	} while (0)

#define SKIP(name, why) printf("skip %s: %s\n", name, why)

#define CHECK_EXIT() return check_failures ? 1 : 0

#endif /* VRRPD_CHECK_H */
