/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The up and down scripts (-U, -D): spawned, never waited on in the event loop, one at a time
 * per instance in transition order, killed after a timeout, their output logged.
 */
#ifndef VRRPD_HOOK_H
#define VRRPD_HOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "child.h"
#include "opts.h"

#define HOOK_QUEUE 16

struct hook_job {
	const char *path; /* o->up_script or o->down_script */
	const char *state; /* MASTER, BACKUP, FAULT, STOP */
	const char *prev; /* the state left */
	const char *reason;
	uint8_t priority;
};

struct hook {
	const struct opts *o;
	struct hook_job q[HOOK_QUEUE];
	int head, len; /* the queue; q[head] runs while c.pid > 0 */
	struct child c; /* the running script */
	uint64_t deadline_ns; /* kill it then */
};

void hook_init(struct hook *h, const struct opts *o, int epfd);
/*
 * Checks at start-up that the configured scripts exist and are executable, and makes their paths
 * absolute; 0 or -errno with a message in err.
 */
int hook_check(struct opts *o, char *err, size_t errlen);
/*
 * Runs the up (entered Master) or down (left Master) script, after those queued before. With
 * HOOK_QUEUE waiting, the two oldest waiting (an up and a down) are dropped to make room: the
 * last transition's script always runs.
 */
void hook_queue(struct hook *h, bool up, const char *state, const char *prev, const char *reason,
		uint8_t priority, uint64_t now_ns);
/* An event loop fd that is not the daemon's own: 1 if it was one of ours. */
int hook_on_fd(struct hook *h, int fd, uint64_t now_ns);
/* The timeout of the running script (0: none), and what to do when it passes. */
uint64_t hook_deadline(const struct hook *h);
void hook_tick(struct hook *h, uint64_t now_ns);
/* Nothing running nor waiting. */
bool hook_idle(const struct hook *h);
/* At exit: runs what is queued to the end, each within the timeout. */
void hook_drain(struct hook *h);

#endif /* VRRPD_HOOK_H */
