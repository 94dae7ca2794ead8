// SPDX-License-Identifier: GPL-2.0
/*
 * vrrpd's event loop: the ring buffer's events, one timer for every instance's deadlines,
 * atropos's requests, link changes, the scripts and the signals (daemon.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "daemon.h"
#include "event.h"
#include "log.h"
#include "net.h"
#include "vipq.h"

/*
 * Events one turn of the event loop takes from the ring buffer at most: then signals, timers,
 * atropos and link changes get theirs, and the rest waits for the next turn (the ring's
 * descriptor stays readable). Whatever arrives, a turn stays short and SIGTERM is acted on.
 */
#define RING_BATCH 64

int loop_ring_event(void *ctx, void *data, size_t len)
{
	struct vrrpd *d = ctx;
	const struct vrrpd_event *ev = data;

	if (len >= sizeof(*ev)) {
		for (int i = 0; i < d->nvi; i++)
			if (d->vi[i]->started &&
			    !memcmp(&ev->key, &d->vi[i]->inst.key, sizeof(ev->key))) {
				struct inst *in = &d->vi[i]->inst;
				union vrrpd_addr master = in->fsm.master_ip;
				bool down = ev->type == VRRPD_EV_MASTER_DOWN &&
					    in->fsm.state == FSM_BACKUP && !addr_is_zero(&master);

				inst_on_event(in, ev, clock_now_ns());
				/* Its master's other backups here may be about to hear the same. */
				for (int j = 0; down && j < d->nvi; j++)
					if (j != i && d->vi[j]->started)
						inst_down_hint(&d->vi[j]->inst, &master,
							       clock_now_ns());
				break;
			}
	}
	/* A negative value stops ring_buffer__consume() after this event, which it consumed. */
	return --d->ring_budget > 0 ? 0 : -EAGAIN;
}

/* One request from atropos (ctl.h): carry it out, say the state it left. */
static bool on_request(void *arg, const char *req, int fd, char *reply, size_t len)
{
	struct vinst *v = arg;
	int arg_n, ret, r = ctl_req_parse(req, &arg_n);
	char msg[160];

	if (r < 0) {
		snprintf(reply, len, "error unknown request '%.64s'", req);
		return false;
	}
	if (r == CTL_REQ_WATCH) /* the process's events, whichever instance's socket */
		return event_subscribe(&v->d->ev, fd, strchr(req, ' ') ? strchr(req, ' ') + 1 : "",
				       reply, len);
	if (r == CTL_REQ_RELOAD) {
		/* v may be stopped by it: nothing of v is used after. */
		ret = daemon_reload(v->d, msg, sizeof(msg));
		log_info("atropos: reload: %s", msg);
		snprintf(reply, len, "%s %s", ret ? "error" : "ok", msg);
		return false;
	}
	ret = inst_command(&v->inst, (enum ctl_req)r, arg_n, clock_now_ns(), msg, sizeof(msg));
	log_info(LOG_INST_FMT "atropos: %s: %s", LOG_INST_ARGS(&v->o), req, ret ? msg : "done");
	if (ret)
		snprintf(reply, len, "error %s", msg);
	else
		snprintf(reply, len, "ok %s %d", fsm_state_name(v->inst.fsm.state),
			 v->inst.fsm.priority);
	return false;
}

static void arm_timer(struct vrrpd *d, uint64_t deadline_ns)
{
	struct itimerspec its = { 0 };

	/* Armed already (a turn for an event, not the timer): no system call. */
	if (deadline_ns == d->armed_ns)
		return;
	d->armed_ns = deadline_ns;

	if (deadline_ns) {
		its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(d->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* The earliest of the instances' and their scripts' deadlines, 0 if none. */
static uint64_t next_deadline(const struct vrrpd *d)
{
	uint64_t dl = 0, t;
	int i;

	for (i = 0; i < d->nvi; i++) {
		t = inst_deadline(&d->vi[i]->inst);
		if (t && (!dl || t < dl))
			dl = t;
		t = hook_deadline(&d->vi[i]->hook);
		if (t && (!dl || t < dl))
			dl = t;
		t = ctl_deadline(&d->vi[i]->ctl);
		if (t && (!dl || t < dl))
			dl = t;
	}
	for (i = 0; i < d->nretiring; i++) {
		t = hook_deadline(&d->retiring[i]->hook);
		if (t && (!dl || t < dl))
			dl = t;
	}
	t = track_deadline(&d->tracks);
	if (t && (!dl || t < dl))
		dl = t;
	return dl;
}

/* A health check's verdict changed: the instances look at what they track at once. */
static void tracks_changed(struct vrrpd *d, uint64_t now_ns)
{
	if (!track_changed(&d->tracks))
		return;
	for (int i = 0; i < d->nvi; i++)
		if (d->vi[i]->started &&
		    (d->vi[i]->o.nscripts || d->vi[i]->o.nfiles || d->vi[i]->o.nprocs))
			inst_link_check(&d->vi[i]->inst, now_ns);
}

/* The earliest Master_Down deadline a Backup keeps on its own timer, 0: none. */
static uint64_t next_down_deadline(const struct vrrpd *d)
{
	uint64_t dl = 0, t;

	for (int i = 0; i < d->nvi; i++) {
		t = d->vi[i]->started ? inst_down_deadline(&d->vi[i]->inst) : 0;
		if (t && (!dl || t < dl))
			dl = t;
	}
	return dl;
}

/*
 * A takeover's timer: a long sleep wakes late on a busy or virtual machine (make bench: 0.39 ms
 * after Skew_Time at 100 ms, 0.41 at 1 s, against 0.17-0.21 for the backups the kernel's timer
 * woke 1 ms ahead), so the loop wakes PRE_WAKE_NS ahead of it (the backup reads what the
 * kernel recorded then: a master that spoke moves the deadline) and sleeps the rest.
 */
#define PRE_WAKE_NS 1000000ull

/* Whether fd is a watcher's, or which instance's control socket or script's fd it is. */
static bool vinst_fd(struct vrrpd *d, int fd, uint32_t events)
{
	int i;

	if (event_on_fd(&d->ev, fd, events))
		return true;
	for (i = 0; i < d->nvi; i++) {
		if (ctl_on_fd(&d->vi[i]->ctl, fd, clock_now_ns(), on_request, d->vi[i]))
			return true;
		if (hook_on_fd(&d->vi[i]->hook, fd, clock_now_ns()))
			return true;
	}
	for (i = 0; i < d->nretiring; i++)
		if (hook_on_fd(&d->retiring[i]->hook, fd, clock_now_ns()))
			return true;
	if (track_on_fd(&d->tracks, fd, clock_now_ns())) {
		tracks_changed(d, clock_now_ns());
		return true;
	}
	return false;
}

int loop_run(struct vrrpd *d)
{
	struct epoll_event evs[8];
	struct signalfd_siginfo si;
	uint64_t expirations, now;
	int i, j, n;

	for (;;) {
		uint64_t dl = next_deadline(d), down;

		down = next_down_deadline(d);
		if (down && down == dl && dl > clock_now_ns() + 2 * PRE_WAKE_NS)
			dl -= PRE_WAKE_NS;
		arm_timer(d, dl);
		n = epoll_wait(d->epfd, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			log_warn("epoll_wait");
			return 1;
		}
		/*
		 * Adverts first: a controller that was starved must see them before its timers. A
		 * batch at most (RING_BATCH), so that a flood cannot keep the rest waiting.
		 */
		d->ring_budget = RING_BATCH;
		ring_buffer__consume(d->x.rb);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == d->sigfd) {
				while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						char msg[512];

						daemon_notify("RELOADING=1");
						if (daemon_reload(d, msg, sizeof(msg)))
							log_warnx("SIGHUP: reload: %s", msg);
						else
							log_info("SIGHUP: reload: %s", msg);
						daemon_notify("READY=1");
						continue;
					}
					if (si.ssi_signo == SIGXCPU) {
						daemon_realtime_runaway();
						continue;
					}
					log_info("signal %d, shutting down", si.ssi_signo);
					return 0;
				}
			} else if (evs[i].data.fd == d->timerfd) {
				d->armed_ns = 0; /* expired: armed again on the next turn */
				if (read(d->timerfd, &expirations, sizeof(expirations)) < 0 &&
				    errno != EAGAIN)
					log_warn("timerfd");
			} else if (d->q && evs[i].data.fd == vipq_fd(d->q)) {
				vipq_collect(d->q);
			} else if (evs[i].data.fd == net_link_watch_fd(d->link_watch)) {
				net_link_watch_read(d->link_watch);
				/* One clock reading: each interface is read once for all (link.h). */
				now = clock_now_ns();
				for (j = 0; j < d->nvi; j++)
					if (d->vi[j]->started)
						inst_link_check(&d->vi[j]->inst, now);
			} else {
				vinst_fd(d, evs[i].data.fd, evs[i].events);
			}
		}
		/*
		 * One clock read for all the instances (a read costs as much as a tick here, and a
		 * turn may tick hundreds): what comes due meanwhile is done on the next turn.
		 */
		now = clock_now_ns();
		track_tick(&d->tracks, now);
		tracks_changed(d, now);
		for (j = 0; j < d->nvi; j++)
			if (d->vi[j]->started)
				inst_tick(&d->vi[j]->inst, now);
		for (j = 0; j < d->nvi; j++) {
			struct vinst *v = d->vi[j];

			hook_tick(&v->hook, now);
			ctl_tick(&v->ctl, now);
			/* Checked on link events and the link poll's ticks, once a second while gone. */
			if (v->started && v->inst.gone && inst_iface_back(&v->inst) &&
			    daemon_reopen(d, v))
				return 1;
		}
		daemon_reap_retired(d);
	}
}
