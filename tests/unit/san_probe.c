// SPDX-License-Identifier: GPL-2.0
/*
 * One sanitizer report on purpose, with the flags of build/san/ (tests/run.sh): the positive
 * control of sanitizers_no_reports, which would otherwise pass if the reports went nowhere.
 *   san_probe asan   reads one byte past a heap block (AddressSanitizer)
 *   san_probe ubsan  overflows a signed int (UndefinedBehaviorSanitizer)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	volatile int n = INT_MAX, one = 1;
	volatile char c;
	char *p;

	if (argc == 2 && !strcmp(argv[1], "asan")) {
		p = calloc(1, 8);
		if (!p)
			return 2;
		c = p[8 * one];
		free(p);
		return c;
	}
	if (argc == 2 && !strcmp(argv[1], "ubsan")) {
		n = n + one;
		return n;
	}
	fprintf(stderr, "usage: san_probe asan|ubsan\n");
	return 2;
}
