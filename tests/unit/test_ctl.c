// SPDX-License-Identifier: GPL-2.0
/*
 * The control vocabulary (user/ctl.h, CTL_REQUESTS): what atropos formats, vrrpd parses back,
 * and what vrrpd refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ctl.h"

/* Every request, as atropos sends it, is the same request to vrrpd. */
static void test_every_request_round_trips(void)
{
	char line[CTL_MSG_MAX];
	int i, arg;

	for (i = 0; i < CTL_REQ_COUNT; i++) {
		CHECK_EQ(ctl_req_format(line, sizeof(line), (enum ctl_req)i, 42), 0);
		CHECK_EQ(ctl_req_parse(line, &arg), i);
		if (i == CTL_REQ_PRIORITY) {
			CHECK(!strcmp(line, "priority 42"));
			CHECK_EQ(arg, 42);
		}
	}
	CHECK(!strcmp(ctl_req_word(CTL_REQ_RELOAD), "reload"));
	CHECK(!strcmp(ctl_req_word(CTL_REQ_BACKUP), "backup"));
}

/* The words of the original atropos's requests, as they were on the wire. */
static void test_words(void)
{
	static const char *const words[] = { "backup",	 "master",     "resume", "reduce",
					     "increase", "priority 7", "garp",	 "reload" };
	int arg;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		CHECK(ctl_req_parse(words[i], &arg) >= 0);
}

static void test_refused(void)
{
	static const char *const bad[] = { "",		 "back",       "backup ",    "backupx",
					   "priority",	 "priority ",  "priority x", "priority 5x",
					   "Priority 5", "reload now", "garp\n" };
	int arg;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ctl_req_parse(bad[i], &arg) != -1)
			fprintf(stderr, "  accepted '%s'\n", bad[i]);
		CHECK_EQ(ctl_req_parse(bad[i], &arg), -1);
	}
}

static void test_format_too_small(void)
{
	char line[6];

	CHECK_EQ(ctl_req_format(line, sizeof(line), CTL_REQ_PRIORITY, 100), -ENOSPC);
	CHECK_EQ(ctl_req_format(line, sizeof(line), CTL_REQ_GARP, 0), 0);
}

int main(void)
{
	RUN(test_every_request_round_trips);
	RUN(test_words);
	RUN(test_refused);
	RUN(test_format_too_small);
	CHECK_EXIT();
}
