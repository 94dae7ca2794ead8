// SPDX-License-Identifier: GPL-2.0
/*
 * vrrpd: a VRRP (RFC 9568 / RFC 3768) daemon whose packet path runs in XDP. This file: start-up,
 * daemonizing, and the event loop over the ring buffer, one timer and the signals.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "conf.h"
#include "ctl.h"
#include "hook.h"
#include "inst.h"
#include "log.h"
#include "net.h"
#include "opts.h"
#include "priv.h"
#include "vipq.h"
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
	/* With -c FILE: RUN_DIR/FILE's name.pid, the process's own (for init scripts). */
	char pidfile[2 * OPTS_PATH_MAX + 8];
};

/*
 * Events one turn of the event loop takes from the ring buffer at most: then signals, timers,
 * atropos and link changes get theirs, and the rest waits for the next turn (the ring's
 * descriptor stays readable). Whatever arrives, a turn stays short and SIGTERM is acted on.
 */
#define RING_BATCH 64

static int on_ring_event(void *ctx, void *data, size_t len)
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

/*
 * The run directory holds the pid file and the control socket: it must be ours alone, or
 * another user could put a socket or a symbolic link where atropos or we expect ours.
 */
static int mkdir_run(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create run directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "run directory %s is not a directory", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(
			err, errlen,
			"run directory %s must be root's alone: owner uid %u, mode %03o (writable by others)",
			dir, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

/* Our pid in path; path is emptied if it cannot be written (so nothing is unlinked). */
static int write_pidfile(char *path, char *err, size_t errlen)
{
	char buf[32];
	int fd, ret = 0, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		path[0] = '\0';
		return ret;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "cannot write %s", path);
		ret = -EIO;
	}
	close(fd);
	return ret;
}

static struct vinst *vinst_new(struct vrrpd *d, const struct opts *o)
{
	struct vinst *v = calloc(1, sizeof(*v));

	if (v) {
		v->d = d;
		v->o = *o;
		ctl_init(&v->ctl);
	}
	return v;
}

/* The instances of the -c file, each new and not started, in *vi. */
static int instances_load(struct vrrpd *d, struct vinst ***vi, int *n, char *err, size_t errlen)
{
	struct conf c;
	int i, ret;

	ret = conf_load(d->o.config, &d->o, &c, err, errlen);
	if (ret)
		return ret;
	*vi = calloc((size_t)c.n, sizeof(**vi));
	for (i = 0; *vi && i < c.n; i++) {
		(*vi)[i] = vinst_new(d, &c.inst[i].o);
		if (!(*vi)[i])
			break;
	}
	*n = i;
	if (!*vi || i < c.n) {
		while (*vi && i > 0)
			free((*vi)[--i]);
		free(*vi);
		*vi = NULL;
		*n = 0;
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	conf_free(&c);
	return ret;
}

/* The instances: the command line's one, or those of the -c file. */
static int instances(struct vrrpd *d, char *err, size_t errlen)
{
	if (d->o.config[0])
		return instances_load(d, &d->vi, &d->nvi, err, errlen);
	d->vi = calloc(1, sizeof(*d->vi));
	if (d->vi)
		d->vi[0] = vinst_new(d, &d->o);
	if (!d->vi || !d->vi[0]) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->nvi = 1;
	return 0;
}

/* The pid file and the control socket of an instance, once the event loop is there. */
static int vinst_open_ctl(struct vrrpd *d, struct vinst *v, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	/* One per instance, named after it as the original did; all hold this process's pid. */
	snprintf(v->pidfile, sizeof(v->pidfile), "%s/vrrpd-%s-%d.pid", v->o.run_dir, v->o.ifname,
		 v->o.vrid);
	ret = write_pidfile(v->pidfile, err, errlen);
	if (ret)
		return ret;
	ret = ctl_open(&v->ctl, v->o.run_dir, v->o.ifname, v->o.vrid, d->epfd, err, errlen);
	if (ret)
		return ret;
	ev.data.fd = v->ctl.fd;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) ? -errno : 0;
}

/*
 * Stops an instance a reload removed, or one that failed to start: a master resigns (priority
 * 0), the program is detached if no instance is left on the interface, the socket and pid file
 * go. Its stop script may still run: the instance waits in d->retiring until it has.
 */
static void vinst_retire(struct vrrpd *d, struct vinst *v)
{
	struct vinst **r;

	if (v->started)
		inst_stop(&v->inst, clock_now_ns());
	v->started = false;
	if (v->attached_ifindex)
		xdp_detach_if_unused(&d->x, v->attached_ifindex);
	v->attached_ifindex = 0;
	if (v->pidfile[0])
		unlink(v->pidfile);
	v->pidfile[0] = '\0';
	ctl_close(&v->ctl);
	r = realloc(d->retiring, (size_t)(d->nretiring + 1) * sizeof(*r));
	if (!r) {
		hook_drain(&v->hook); /* no room to wait: the script runs to its end now */
		free(v);
		return;
	}
	d->retiring = r;
	d->retiring[d->nretiring++] = v;
}

/* Frees the retired instances whose scripts have ended. */
static void retired_reap(struct vrrpd *d)
{
	int i = 0;

	while (i < d->nretiring) {
		struct vinst *v = d->retiring[i];

		hook_tick(&v->hook, clock_now_ns());
		if (!hook_idle(&v->hook)) {
			i++;
			continue;
		}
		free(v);
		d->retiring[i] = d->retiring[--d->nretiring];
	}
}

/* Our program on the instance's interface; says so when it replaced another build's. */
static int vinst_attach(struct vrrpd *d, struct vinst *v, const char **mode, char *err,
			size_t errlen)
{
	int ret;

	d->x.replaced_id = 0;
	ret = xdp_attach(&d->x, v->inst.ifindex, mode, err, errlen);
	if (!ret && d->x.replaced_id)
		log_info(
			LOG_INST_FMT
			"replaced the XDP program of another vrrpd build (id %u) with this build's",
			LOG_INST_ARGS(&v->o), d->x.replaced_id);
	return ret;
}

/* Starts one instance: its scripts checked, claimed in the maps, the program attached. */
static int vinst_start(struct vrrpd *d, struct vinst *v, char *err, size_t errlen)
{
	const char *mode = "";
	int ret;

	ret = hook_check(&v->o, err, errlen);
	if (ret)
		return ret;
	hook_init(&v->hook, &v->o, d->epfd);
	ret = inst_start(&v->inst, &v->o, &d->x, d->nl, &v->hook, clock_now_ns(), err, errlen);
	if (ret)
		return ret;
	v->inst.q = d->q;
	v->started = true;
	ret = vinst_attach(d, v, &mode, err, errlen);
	if (ret)
		return ret;
	v->attached_ifindex = v->inst.ifindex;
	inst_begin(&v->inst, clock_now_ns());
	log_info(LOG_INST_FMT "started, VRRPv%d, priority %d, interval %d cs, XDP %s mode, %s%s",
		 LOG_INST_ARGS(&v->o), v->o.version, v->o.priority, v->o.adver_int_cs, mode,
		 v->inst.vmac_ifindex ? "VMAC on " : "no VMAC (-n)",
		 v->inst.vmac_ifindex ? v->inst.vmac_name : "");
	return 0;
}

/* Everything that can fail at start-up, so that it fails before we detach. */
/*
 * The macvlans a vrrpd killed with -9 left for our instances go in one request: one by one,
 * each waits for an RCU grace period (some 28 ms), 6 s for 255. If the request fails, each
 * instance removes its own as it starts.
 */
static void leftovers_remove(struct vrrpd *d)
{
	uint32_t group = 0x80000000u | (uint32_t)getpid();
	int i, n = 0;

	for (i = 0; i < d->nvi; i++)
		n += inst_leftover_group(&d->vi[i]->o, &d->x, d->nl, group);
	if (n && net_link_del_group(d->nl, group))
		log_warnx("cannot remove the VMAC interfaces left behind at once: one by one");
}

static int setup(struct vrrpd *d, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;
	int i, ret;

	d->epfd = d->timerfd = d->sigfd = -1;
	/* The same for every instance (conf.c sees to it); each checked all the same. */
	for (i = 0; i < d->nvi; i++) {
		ret = mkdir_run(d->vi[i]->o.run_dir, err, errlen);
		if (ret)
			return ret;
	}
	d->nl = net_open();
	if (!d->nl) {
		snprintf(err, errlen, "cannot open a netlink socket: %s", strerror(errno));
		return -errno;
	}
	ret = xdp_open(&d->x, d->vi[0]->o.pin_dir, d->vi[0]->o.no_kernel_timer, err, errlen);
	if (ret)
		return ret;
	ret = xdp_ring_open(&d->x, on_ring_event, d);
	if (ret) {
		snprintf(err, errlen, "cannot create the event ring buffer: %s", strerror(-ret));
		return ret;
	}
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	/* Before the instance looks at its link, so that no change falls in between. */
	d->link_watch = net_link_watch_open();
	if (!d->link_watch) {
		snprintf(err, errlen, "cannot watch link changes: %s", strerror(errno));
		return -errno;
	}
	/*
	 * -c, many instances: their addresses on a thread of their own, so that a takeover of
	 * them all sends every advert on time (vipq.h). One instance has nothing to wait for.
	 */
	if (d->o.config[0]) {
		d->q = vipq_open(inst_vipq_done);
		if (!d->q) {
			snprintf(err, errlen, "cannot start the addresses' thread: %s",
				 strerror(errno));
			return -errno;
		}
	}
	leftovers_remove(d);
	for (i = 0; i < d->nvi; i++) {
		ret = vinst_start(d, d->vi[i], err, errlen);
		if (ret)
			return ret;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGXCPU); /* realtime(): RLIMIT_RTTIME */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->sigfd < 0 || d->timerfd < 0) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	ev.data.fd = d->sigfd;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev);
	ev.data.fd = d->timerfd;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->timerfd, &ev);
	ev.data.fd = ring_buffer__epoll_fd(d->x.rb);
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	ev.data.fd = net_link_watch_fd(d->link_watch);
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	if (d->q) {
		ev.data.fd = vipq_fd(d->q);
		epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	}
	for (i = 0; i < d->nvi; i++) {
		ret = vinst_open_ctl(d, d->vi[i], err, errlen);
		if (ret)
			return ret;
	}
	/* For init scripts (start-stop-daemon --pidfile): one file for the whole process. */
	if (d->o.config[0]) {
		const char *base = strrchr(d->o.config, '/');

		snprintf(d->pidfile, sizeof(d->pidfile), "%s/%s.pid", d->vi[0]->o.run_dir,
			 base ? base + 1 : d->o.config);
		ret = write_pidfile(d->pidfile, err, errlen);
	}
	return ret;
}

/*
 * The systemd notification protocol (sd_notify(3)), without libsystemd: one datagram to the
 * socket in $NOTIFY_SOCKET ("@" for an abstract one), if there is one. For Type=notify units.
 */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	len = strlen(path);
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_warn("cannot notify the service manager (%s)", path);
	close(fd);
}

/* ASan's shadow memory is terabytes of address space: never locked. */
#if defined(__SANITIZE_ADDRESS__)
#define VRRPD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VRRPD_ASAN 1
#endif
#endif

/* CPU time a real-time vrrpd may take without a pause before it gives up its priority. */
#define RT_RUNAWAY_US 1000000

/*
 * With --rt-priority, vrrpd's memory is locked. MCL_FUTURE locks the heap as it grows too, which
 * once CAP_IPC_LOCK is gone only an unlimited RLIMIT_MEMLOCK allows (else allocations would
 * fail); without CAP_SYS_RESOURCE to raise it, what is mapped now is locked, most of it.
 */
static void lock_memory(void)
{
#ifdef VRRPD_ASAN
	log_info("memory not locked: an AddressSanitizer build");
#else
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int why;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		if (mlockall(MCL_CURRENT | MCL_FUTURE))
			log_warn("cannot lock vrrpd's memory");
		return;
	}
	why = errno;
	if (mlockall(MCL_CURRENT))
		log_warn("cannot lock vrrpd's memory");
	else
		log_info("memory locked as it is now, not as it grows (RLIMIT_MEMLOCK: %s)",
			 strerror(why));
#endif
}

/*
 * --rt-priority: the event loop, which sends the adverts, runs at SCHED_FIFO priority N with its
 * memory locked, so that a busy machine (a process spinning, a flood's softirq work, swapping)
 * does not make a master late; its children (the scripts) start at normal priority. A loop that
 * takes a second of CPU without a pause gets SIGXCPU (RLIMIT_RTTIME) and goes back to normal
 * priority for good, so that a bug cannot hold a CPU. Done before the capabilities go
 * (CAP_SYS_NICE, CAP_IPC_LOCK); a failure is logged and vrrpd runs on without.
 */
static void realtime(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	struct rlimit rl;

	if (!prio)
		return;
	rl = (struct rlimit){ RT_RUNAWAY_US, RLIM_INFINITY };
	if (setrlimit(RLIMIT_RTTIME, &rl))
		log_warn("cannot set RLIMIT_RTTIME");
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp))
		log_warn("cannot run at real-time priority %d (--rt-priority 0 runs without)",
			 prio);
	else
		log_info("real-time priority %d (SCHED_FIFO)", prio);
	lock_memory();
}

/* SIGXCPU: the real-time loop ran RT_RUNAWAY_US without a pause. */
static void realtime_runaway(void)
{
	struct sched_param sp = { 0 };

	if ((sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_OTHER)
		return;
	/* Without CAP_SYS_NICE the reset-on-fork flag cannot be taken off: it stays. */
	if (sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp)) {
		log_warn("SIGXCPU: cannot go back to normal priority");
		return;
	}
	log_warnx(
		"SIGXCPU (RLIMIT_RTTIME: %d ms of CPU without a pause at real-time priority): normal priority from now on",
		RT_RUNAWAY_US / 1000);
}

static int reload(struct vrrpd *d, char *msg, size_t len);

/* One request from atropos (ctl.h): carry it out, say the state it left. */
static void on_request(void *arg, const char *req, char *reply, size_t len)
{
	struct vinst *v = arg;
	int arg_n, ret, r = ctl_req_parse(req, &arg_n);
	char msg[160];

	if (r < 0) {
		snprintf(reply, len, "error unknown request '%.64s'", req);
		return;
	}
	if (r == CTL_REQ_RELOAD) {
		/* v may be stopped by it: nothing of v is used after. */
		ret = reload(v->d, msg, sizeof(msg));
		log_info("atropos: reload: %s", msg);
		snprintf(reply, len, "%s %s", ret ? "error" : "ok", msg);
		return;
	}
	ret = inst_command(&v->inst, (enum ctl_req)r, arg_n, clock_now_ns(), msg, sizeof(msg));
	log_info(LOG_INST_FMT "atropos: %s: %s", LOG_INST_ARGS(&v->o), req, ret ? msg : "done");
	if (ret)
		snprintf(reply, len, "error %s", msg);
	else
		snprintf(reply, len, "ok %s %d", fsm_state_name(v->inst.fsm.state),
			 v->inst.fsm.priority);
}

static void teardown(struct vrrpd *d)
{
	uint32_t group;
	bool removed;
	int i;

	/*
	 * Every master resigns first (priority 0, no more ARP answers from XDP), all of them
	 * before the slow part (netlink: addresses, macvlans), so that the backups of hundreds of
	 * instances take over at once; then the scripts of the stop run.
	 */
	for (i = 0; i < d->nvi; i++)
		if (d->vi[i]->started)
			inst_resign(&d->vi[i]->inst, clock_now_ns());
	/* Several macvlans go in one request: in a netdev group of this process's own. */
	group = d->nvi > 1 ? 0x80000000u | (uint32_t)getpid() : 0;
	for (i = 0; i < d->nvi; i++)
		if (d->vi[i]->started)
			inst_stop_begin(&d->vi[i]->inst, clock_now_ns(), group);
	removed = group && net_link_del_group(d->nl, group) == 0;
	if (group && !removed)
		log_warnx("cannot remove the VMAC interfaces at once: one by one");
	for (i = 0; i < d->nvi; i++)
		if (d->vi[i]->started)
			inst_stop_end(&d->vi[i]->inst, clock_now_ns(), removed);
	vipq_close(d->q); /* empty: inst_stop_begin waited for each instance's jobs */
	/* The down scripts of the stop, and whatever was still waiting, run to the end. */
	for (i = 0; i < d->nvi; i++)
		hook_drain(&d->vi[i]->hook);
	for (i = 0; i < d->nretiring; i++)
		hook_drain(&d->retiring[i]->hook);
	for (i = 0; i < d->nvi; i++)
		if (d->vi[i]->attached_ifindex)
			xdp_detach_if_unused(&d->x, d->vi[i]->attached_ifindex);
	xdp_close(&d->x);
	net_close(d->nl);
	net_close(d->link_watch);
	if (d->pidfile[0])
		unlink(d->pidfile);
	for (i = 0; i < d->nvi; i++) {
		if (d->vi[i]->pidfile[0])
			unlink(d->vi[i]->pidfile);
		ctl_close(&d->vi[i]->ctl);
	}
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
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

/*
 * The interface was deleted and one of that name is back (re-created, a driver reloaded): the
 * instance starts again on it as at start-up. Until then it stays in Fault, where atropos sees
 * it. A failure now is as fatal as at start-up.
 */
static int reopen(struct vrrpd *d, struct vinst *v)
{
	char err[512];
	const char *mode = "";
	int ret;

	log_info(LOG_INST_FMT "%s is back: starting again", LOG_INST_ARGS(&v->o), v->o.ifname);
	inst_stop(&v->inst, clock_now_ns());
	v->started = false;
	v->attached_ifindex = 0;
	ret = inst_start(&v->inst, &v->o, &d->x, d->nl, &v->hook, clock_now_ns(), err, sizeof(err));
	if (!ret) {
		v->inst.q = d->q;
		v->started = true;
		ret = vinst_attach(d, v, &mode, err, sizeof(err));
	}
	if (ret) {
		log_warnx(LOG_INST_FMT "cannot start again: %s", LOG_INST_ARGS(&v->o), err);
		return ret;
	}
	v->attached_ifindex = v->inst.ifindex;
	inst_begin(&v->inst, clock_now_ns());
	log_info(LOG_INST_FMT "started again, XDP %s mode", LOG_INST_ARGS(&v->o), mode);
	return 0;
}

/* Same interface and VRID: the same instance, for a reload. */
static bool vinst_same_key(const struct vinst *a, const struct vinst *b)
{
	return a->o.vrid == b->o.vrid && a->o.family == b->o.family &&
	       !strcmp(a->o.ifname, b->o.ifname);
}

static void vinsts_free(struct vinst **v, int n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/*
 * Between the steps of a reload (each takes netlink round trips, tens of ms on a slow machine),
 * the running instances send what is due, so that their adverts come on time.
 */
static void tick_started(struct vinst **v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i]->started)
			inst_tick(&v[i]->inst, clock_now_ns());
}

/*
 * SIGHUP or atropos --reload: reads the -c file again. An instance whose options are the same
 * goes on untouched (no gap in its adverts, no transition); one that is gone or whose options
 * changed stops as on SIGTERM (a master resigns with priority 0), and a new or changed one
 * starts as at start-up. A file with a mistake changes nothing. msg says what happened.
 */
static int reload(struct vrrpd *d, char *msg, size_t len)
{
	int i, j, n = 0, kept = 0, added = 0, removed = 0, failed = 0, ret;
	struct vinst **nv;
	char err[512];

	if (!d->o.config[0]) {
		snprintf(msg, len, "nothing to reload: vrrpd runs without -c FILE");
		return -EINVAL;
	}
	ret = instances_load(d, &nv, &n, msg, len);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		/* Script paths made absolute as at start-up, so that options compare. */
		ret = hook_check(&nv[i]->o, msg, len);
		if (!ret && (strcmp(nv[i]->o.run_dir, d->vi[0]->o.run_dir) ||
			     strcmp(nv[i]->o.pin_dir, d->vi[0]->o.pin_dir) ||
			     nv[i]->o.rt_priority != d->vi[0]->o.rt_priority ||
			     nv[i]->o.no_kernel_timer != d->vi[0]->o.no_kernel_timer)) {
			snprintf(
				msg, len,
				"-f, --pin-dir, --rt-priority and --no-kernel-timer cannot change on a reload: restart vrrpd");
			ret = -EINVAL;
		}
		if (ret) {
			vinsts_free(nv, n);
			return ret;
		}
	}
	/* Unchanged instances take the place of their new copies; the others go. */
	for (j = 0; j < d->nvi; j++) {
		struct vinst *old = d->vi[j];

		for (i = 0; i < n; i++)
			if (vinst_same_key(nv[i], old) && !nv[i]->started &&
			    !memcmp(&nv[i]->o, &old->o, sizeof(old->o)))
				break;
		if (i < n) {
			free(nv[i]);
			nv[i] = old;
			kept++;
			continue;
		}
		log_info(LOG_INST_FMT "removed or changed by the reload: stopping",
			 LOG_INST_ARGS(&old->o));
		vinst_retire(d, old);
		removed++;
		tick_started(d->vi, d->nvi);
	}
	free(d->vi);
	d->vi = nv;
	d->nvi = n;
	/* Then the new and changed ones start; one that cannot is left out, and said. */
	for (i = 0; i < d->nvi; i++) {
		struct vinst *v = d->vi[i];

		if (v->started)
			continue;
		ret = vinst_start(d, v, err, sizeof(err));
		if (!ret)
			ret = vinst_open_ctl(d, v, err, sizeof(err));
		if (!ret) {
			added++;
		} else {
			log_warnx(LOG_INST_FMT "cannot start: %s", LOG_INST_ARGS(&v->o), err);
			vinst_retire(d, v);
			memmove(&d->vi[i], &d->vi[i + 1],
				(size_t)(d->nvi - i - 1) * sizeof(*d->vi));
			d->nvi--;
			i--;
			failed++;
		}
		tick_started(d->vi, d->nvi);
	}
	snprintf(msg, len, "%d unchanged, %d started, %d stopped%s", kept, added, removed,
		 failed ? ", and some could not start (see the log)" : "");
	return failed ? -EIO : 0;
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
	return dl;
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

/* Which instance, if any, has fd as its control socket or one of its script's fds. */
static bool vinst_fd(struct vrrpd *d, int fd)
{
	int i;

	for (i = 0; i < d->nvi; i++) {
		if (ctl_on_fd(&d->vi[i]->ctl, fd, clock_now_ns(), on_request, d->vi[i]))
			return true;
		if (hook_on_fd(&d->vi[i]->hook, fd, clock_now_ns()))
			return true;
	}
	for (i = 0; i < d->nretiring; i++)
		if (hook_on_fd(&d->retiring[i]->hook, fd, clock_now_ns()))
			return true;
	return false;
}

static int run(struct vrrpd *d)
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

						notify("RELOADING=1");
						if (reload(d, msg, sizeof(msg)))
							log_warnx("SIGHUP: reload: %s", msg);
						else
							log_info("SIGHUP: reload: %s", msg);
						notify("READY=1");
						continue;
					}
					if (si.ssi_signo == SIGXCPU) {
						realtime_runaway();
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
				vinst_fd(d, evs[i].data.fd);
			}
		}
		/*
		 * One clock read for all the instances (a read costs as much as a tick here, and a
		 * turn may tick hundreds): what comes due meanwhile is done on the next turn.
		 */
		now = clock_now_ns();
		for (j = 0; j < d->nvi; j++)
			if (d->vi[j]->started)
				inst_tick(&d->vi[j]->inst, now);
		for (j = 0; j < d->nvi; j++) {
			struct vinst *v = d->vi[j];

			hook_tick(&v->hook, now);
			ctl_tick(&v->ctl, now);
			/* Checked on link events and the link poll's ticks, once a second while gone. */
			if (v->started && v->inst.gone && inst_iface_back(&v->inst) && reopen(d, v))
				return 1;
		}
		retired_reap(d);
	}
}

/*
 * Detaches like the original, but the parent waits until the child has finished its set-up
 * and exits with its status, so that every start-up error reaches the terminal and $?.
 */
static int daemonize_begin(int *report_fd)
{
	int pfd[2];
	char status = 1;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pfd[0]);
	setsid();
	*report_fd = pfd[1];
	return 0;
}

static void daemonize_end(int report_fd, char status)
{
	int fd;

	if (report_fd < 0)
		return;
	if (status == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		log_to_syslog();
		if (chdir("/"))
			status = 1;
	}
	if (write(report_fd, &status, 1) != 1)
		status = 1;
	close(report_fd);
}

/* vrrpd -t -c FILE: what the file holds, one line per instance. */
static void check_report(const struct vrrpd *d)
{
	char a[INET6_ADDRSTRLEN];

	printf("%s: %d instance%s\n", d->o.config, d->nvi, d->nvi == 1 ? "" : "s");
	for (int i = 0; i < d->nvi; i++) {
		const struct opts *o = &d->vi[i]->o;

		addr_str(o->family, &o->vips[0].addr, a);
		printf("  VRID %d on %s: VRRPv%d, priority %d, interval %d cs, %d VIP%s (%s%s)\n",
		       o->vrid, o->ifname, o->version, o->priority, o->adver_int_cs, o->nvips,
		       o->nvips == 1 ? "" : "s", a, o->nvips > 1 ? ", ..." : "");
	}
}

int main(int argc, char **argv)
{
	static struct vrrpd d;
	char err[1024] = "";
	int report_fd = -1, ret;

	umask(022);
	if (opts_parse(&d.o, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "vrrpd: %s (see vrrpd -h)\n", err);
		return 2;
	}
	if (d.o.show_help) {
		opts_usage(stdout);
		return 0;
	}
	if (d.o.show_version) {
		printf("vrrpd %s (VRRPv3 RFC 9568, VRRPv2 RFC 3768, XDP packet path)\n",
		       VRRPD_VERSION);
		return 0;
	}
	ret = instances(&d, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		return 2;
	}
	if (d.o.check_config) {
		check_report(&d);
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "vrrpd: must run as root (it loads BPF programs and configures "
				"addresses)\n");
		return 1;
	}
	/* SIGHUP reads it again once the override of file permissions is gone. */
	if (d.o.config[0] && priv_access(d.o.config, R_OK)) {
		fprintf(stderr,
			"vrrpd: %s can be read by root only through its override of file permissions: vrrpd reads it again on a reload without it; make it readable by root (chown root, chmod u+r)\n",
			d.o.config);
		return 1;
	}
	log_init("vrrpd", true);
	if (!d.o.foreground && daemonize_begin(&report_fd)) {
		fprintf(stderr, "vrrpd: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	ret = setup(&d, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		teardown(&d);
		daemonize_end(report_fd, 1);
		return 1;
	}
	realtime(d.vi[0]->o.rt_priority);
	ret = priv_drop(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		teardown(&d);
		daemonize_end(report_fd, 1);
		return 1;
	}
	daemonize_end(report_fd, 0);
	/* Once started: a start-up error stays the one line on stderr. */
	log_info("Master_Down_Timers in %s",
		 d.x.down_timer		    ? "the kernel (bpf_timer): a backup sleeps" :
		 d.vi[0]->o.no_kernel_timer ? "vrrpd (--no-kernel-timer)" :
					      "vrrpd (this kernel has no bpf_timer for XDP)");
	notify("READY=1");
	ret = run(&d);
	notify("STOPPING=1");
	teardown(&d);
	for (int i = 0; i < d.nvi; i++)
		log_info(LOG_INST_FMT "stopped", LOG_INST_ARGS(&d.vi[i]->o));
	return ret;
}
