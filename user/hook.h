/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scripts run on a change of state (-U, -D, --notify-*): spawned, never waited on in the
 * event loop, one at a time per instance in transition order, killed after a timeout, their
 * output logged.
 */
#ifndef VRRPD_HOOK_H
#define VRRPD_HOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "child.h"
#include "opts.h"

#define HOOK_QUEUE 16

/* The scripts of one change of state, in the order they run. */
enum hook_step {
	HOOK_S_UP, /* -U, on entering MASTER */
	HOOK_S_DOWN, /* -D, on leaving it */
	HOOK_S_STATE, /* --notify-master, -backup, -fault or -stop: the state entered */
	HOOK_S_ANY, /* --notify */
	HOOK_S_END,
};

/* One change of state, and the step of its scripts running (or the next to look at). */
struct hook_job {
	const char *state; /* MASTER, BACKUP, FAULT, STOP */
	const char *prev; /* the state left */
	const char *reason;
	uint8_t priority;
	enum hook_step step;
};

struct hook {
	const struct opts *o;
	struct hook_job q[HOOK_QUEUE];
	int head, len; /* the queue; q[head] runs while c.pid > 0 */
	struct child c; /* the running script */
	char name[64]; /* its file's name, for the log */
	uint64_t deadline_ns; /* kill it then */
};

void hook_init(struct hook *h, const struct opts *o, int epfd);
/*
 * Checks at start-up that the configured scripts exist and are executable, and makes their paths
 * absolute (a --notify command's first word too); 0 or -errno with a message in err.
 */
int hook_check(struct opts *o, char *err, size_t errlen);
/*
 * A change of state: its scripts run, after those queued before, each if configured: -U on
 * entering MASTER, -D on leaving it, the --notify-STATE of the state entered, then --notify.
 * state is MASTER, BACKUP, FAULT or STOP. With HOOK_QUEUE changes waiting, the two oldest
 * waiting are dropped to make room: the last change's scripts always run.
 */
void hook_queue(struct hook *h, const char *state, const char *prev, const char *reason,
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
