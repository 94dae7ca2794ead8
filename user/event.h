/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process's ordered event stream: every transition, effective priority change, tracked
 * object's change, link change and group hold of its instances, numbered (seq, from 1, one
 * sequence for the process) and timed, as one line each:
 *
 *   seq=12 time=1733534400.123456 type=state name=eth0-51 iface=eth0 vrid=51 family=inet
 *     from=BACKUP to=MASTER reason="higher priority than the master" priority=200
 *
 * (one line; values with blanks or quotes are quoted, '"' and '\' escaped by '\'). It goes to
 * the subscribers of the control socket (request "watch [SEQ]", atropos --watch), each its own
 * SOCK_SEQPACKET message, and to the --notify-fifo in keepalived's format (event_fifo_line).
 * The last EVENT_RING lines are kept: a subscriber whose socket is full gets the rest when it
 * can take them, and "watch SEQ" replays those after SEQ. Nothing here waits: a subscriber too
 * slow to keep EVENT_RING lines behind misses the oldest (the gap in seq says how many), a
 * full FIFO drops the line (counted, logged once a minute at most).
 */
#ifndef VRRPD_EVENT_H
#define VRRPD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"

#define EVENT_LINE 480
#define EVENT_RING 512
#define EVENT_SUBS 8 /* subscribers at once: a new one beyond that is refused */

struct event_bus {
	int epfd;
	uint64_t seq; /* of the last event, 0: none yet */
	char ring[EVENT_RING][EVENT_LINE]; /* event seq is at ring[seq % EVENT_RING] */
	int sub[EVENT_SUBS]; /* subscribers' sockets, -1: a free slot */
	uint64_t sub_next[EVENT_SUBS]; /* the seq each is sent next */
	bool sub_out[EVENT_SUBS]; /* waiting for room (EPOLLOUT) */
	int fifo; /* --notify-fifo, -1: none */
	char fifo_path[OPTS_PATH_MAX];
	uint64_t fifo_dropped; /* lines the full FIFO refused */
	uint64_t fifo_warned_ns;
};

/* The process's bus (epfd: the event loop's): events go to it from now on. */
void event_init(struct event_bus *b, int epfd);
/*
 * --notify-fifo: PATH made a FIFO (0600) if it does not exist, and opened without waiting for a
 * reader. 0, or -errno with a message in err (PATH exists and is no FIFO...).
 */
int event_fifo_open(struct event_bus *b, const char *path, char *err, size_t errlen);
/*
 * An event of the instance o (NULL: the process's own): type, then the rest of the line's
 * fields, "key=value ..." as fmt makes them (quote values with event_quote).
 */
void event_emit(const struct opts *o, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * keepalived's FIFO line for the instance named name in state (MASTER, BACKUP, FAULT, STOP,
 * MASTER_PRIORITY, BACKUP_PRIORITY...): INSTANCE "NAME" STATE PRIORITY.
 */
void event_fifo_instance(const struct opts *o, const char *state, int priority);
/* s as a value of a line: quoted and escaped when it must be (into buf, which it returns). */
const char *event_quote(char *buf, size_t len, const char *s);
/*
 * A client of the control socket asked "watch [SEQ]": fd (non-blocking) is a subscriber from
 * now, sent the events after SEQ still kept (none given: from the next one), after a first
 * line "ok watching SEQ" (the last event's, or the oldest kept - 1 when SEQ is older). false
 * (fd untouched) with a message in reply when it cannot be one.
 */
bool event_subscribe(struct event_bus *b, int fd, const char *arg, char *reply, size_t len);
/* An event loop fd: true if a subscriber's (room to send more, or gone). */
bool event_on_fd(struct event_bus *b, int fd, uint32_t events);
void event_close(struct event_bus *b);

#endif /* VRRPD_EVENT_H */
