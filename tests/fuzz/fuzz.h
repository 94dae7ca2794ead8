/* SPDX-License-Identifier: GPL-2.0 */
/* What the libFuzzer harnesses share: a property that aborts (libFuzzer reports it), and the
 * one-line check for messages. */
#ifndef VRRPD_FUZZ_H
#define VRRPD_FUZZ_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define PROPERTY(cond)                                                                        \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "property failed at %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One line on a terminal and in a log: no byte below 0x20, no DEL. */
static inline bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

#endif /* VRRPD_FUZZ_H */
