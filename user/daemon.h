/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vrrpd process: its instances and what they share. main.c starts and detaches it,
 * daemon.c starts, stops and reloads its instances, loop.c runs the event loop.
 */
#ifndef VRRPD_DAEMON_H
#define VRRPD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl.h"
#include "event.h"
#include "hook.h"
#include "inst.h"
#include "opts.h"
#include "track.h"
#include "xdp.h"

struct vrrpd;

/* One VRRP instance of this process: its options, election, scripts and control socket. */
struct vinst {
	struct vrrpd *d;
	struct opts o;
	struct inst inst;
	struct hook hook;
	struct ctl ctl; /* atropos's requests */
	bool started;
	int attached_ifindex;
	int track_idx[OPTS_MAX_SCRIPTS]; /* its --track-scripts in d->tracks */
	int ntracks; /* of them, added */
	int file_idx[OPTS_MAX_FILES]; /* its --track-files in d->tracks */
	int nfiles; /* of them, added */
	int proc_idx[OPTS_MAX_PROCS]; /* its --track-processes in d->tracks */
	int nprocs; /* of them, added */
	char pidfile[OPTS_PATH_MAX + 64];
};

/*
 * The process: one instance from the command line, or those of a configuration file (-c),
 * sharing the XDP program's maps, one ring buffer, the netlink sockets and the event loop.
 */
struct vrrpd {
	struct opts o; /* the command line */
	struct vinst **vi; /* each on its own: inst and hook point into it */
	int nvi;
	struct vinst **retiring; /* removed by a reload, their stop scripts still running */
	int nretiring;
	struct xdp_ctx x;
	struct nl_sock *nl;
	struct nl_sock *link_watch; /* link changes, for link supervision */
	int epfd;
	int timerfd;
	uint64_t armed_ns; /* the deadline timerfd is armed for, 0: none */
	int sigfd;
	int ring_budget; /* events this turn of the event loop may still take (RING_BATCH) */
	struct vipq *q; /* -c: the VIPs' netlink requests on a thread of their own (vipq.h) */
	struct track_set tracks; /* the health checks of every instance (--track-script) */
	struct event_bus ev; /* the ordered events: watchers, --notify-fifo */
	/* With -c FILE: RUN_DIR/FILE's name.pid, the process's own (for init scripts). */
	char pidfile[2 * OPTS_PATH_MAX + 8];
};

/* daemon.c */
/* The instances: the command line's, or those of its -c file; 0, or an error in err. */
int daemon_instances(struct vrrpd *d, char *err, size_t errlen);
int daemon_setup(struct vrrpd *d, char *err, size_t errlen);
/* Every instance stopped: Masters resign first, all of them, then the slow part. */
void daemon_teardown(struct vrrpd *d);
/* -c: the file read again (SIGHUP, atropos --reload); msg says what changed. */
int daemon_reload(struct vrrpd *d, char *msg, size_t len);
/* An instance whose interface came back (deleted and created again) started anew. */
int daemon_reopen(struct vrrpd *d, struct vinst *v);
/* The instances a reload removed whose stop scripts have ended: freed. */
void daemon_reap_retired(struct vrrpd *d);

/* loop.c: until SIGTERM or SIGINT; the exit status. */
int loop_run(struct vrrpd *d);
/* The ring buffer's callback (ctx: the struct vrrpd): one event to its instance. */
int loop_ring_event(void *ctx, void *data, size_t len);

/* main.c */
/* sd_notify(3)'s protocol: state to $NOTIFY_SOCKET, if there is one. */
void daemon_notify(const char *state);
/* SCHED_FIFO at prio (0: none), memory locked. */
void daemon_realtime(int prio);
/* SIGXCPU: the real-time loop took a CPU too long; back to normal priority. */
void daemon_realtime_runaway(void);

#endif /* VRRPD_DAEMON_H */
