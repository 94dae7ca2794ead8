// SPDX-License-Identifier: GPL-2.0
/* The instances of a vrrpd process: started, stopped, reloaded (daemon.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "daemon.h"
#include "kconf.h"
#include "log.h"
#include "net.h"
#include "vipq.h"

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

	char *notes = NULL, *line, *save = NULL;

	if (d->o.config_keepalived) {
		ret = kconf_load(d->o.config, &d->o, &c, &notes, err, errlen);
		/* What was left out, a line each: on every load, as a reload may change it. */
		for (line = notes ? strtok_r(notes, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			log_info("keepalived: %s", line);
		free(notes);
	} else {
		ret = conf_load(d->o.config, &d->o, &c, err, errlen);
	}
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
int daemon_instances(struct vrrpd *d, char *err, size_t errlen)
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
static void vinst_untrack(struct vrrpd *d, struct vinst *v);

static void vinst_retire(struct vrrpd *d, struct vinst *v)
{
	struct vinst **r;

	if (v->started)
		inst_stop(&v->inst, clock_now_ns());
	v->started = false;
	vinst_untrack(d, v);
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
void daemon_reap_retired(struct vrrpd *d)
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

/* What inst_start cleared: the queue and the health checks, the process's. */
static void vinst_tracks(struct vrrpd *d, struct vinst *v)
{
	v->inst.q = d->q;
	v->inst.ts = &d->tracks;
	v->inst.track_idx = v->track_idx;
	v->inst.file_idx = v->file_idx;
	v->inst.proc_idx = v->proc_idx;
}

/* An instance gone: the checks it alone used stop. */
static void vinst_untrack(struct vrrpd *d, struct vinst *v)
{
	while (v->ntracks > 0)
		track_release(&d->tracks, v->track_idx[--v->ntracks]);
	while (v->nfiles > 0)
		track_file_release(&d->tracks, v->file_idx[--v->nfiles]);
	while (v->nprocs > 0)
		track_proc_release(&d->tracks, v->proc_idx[--v->nprocs]);
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
	for (; v->ntracks < v->o.nscripts; v->ntracks++) {
		ret = track_add(&d->tracks, &v->o.scripts[v->ntracks], clock_now_ns());
		if (ret < 0) {
			snprintf(err, errlen, "too many different --track-scripts: at most %d",
				 TRACK_MAX);
			return ret;
		}
		v->track_idx[v->ntracks] = ret;
	}
	for (; v->nfiles < v->o.nfiles; v->nfiles++) {
		ret = track_file_add(&d->tracks, v->o.files[v->nfiles].path);
		if (ret < 0) {
			snprintf(err, errlen, "cannot watch --track-file %s: %s",
				 v->o.files[v->nfiles].path, strerror(-ret));
			return ret;
		}
		v->file_idx[v->nfiles] = ret;
	}
	for (; v->nprocs < v->o.nprocs; v->nprocs++) {
		ret = track_proc_add(&d->tracks, &v->o.procs[v->nprocs], clock_now_ns());
		if (ret < 0) {
			snprintf(err, errlen,
				 "too many different --track-process names: at most %d",
				 TRACK_PROCS_MAX);
			return ret;
		}
		v->proc_idx[v->nprocs] = ret;
	}
	ret = inst_start(&v->inst, &v->o, &d->x, d->nl, &v->hook, clock_now_ns(), err, errlen);
	if (ret)
		return ret;
	vinst_tracks(d, v);
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

/* Everything that can fail at start-up, so that it fails before we detach. */
int daemon_setup(struct vrrpd *d, char *err, size_t errlen)
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
	ret = xdp_ring_open(&d->x, loop_ring_event, d);
	if (ret) {
		snprintf(err, errlen, "cannot create the event ring buffer: %s", strerror(-ret));
		return ret;
	}
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0) {
		snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	track_init(&d->tracks, d->epfd);
	event_init(&d->ev, d->epfd);
	if (d->vi[0]->o.notify_fifo[0]) {
		ret = event_fifo_open(&d->ev, d->vi[0]->o.notify_fifo, err, errlen);
		if (ret)
			return ret;
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
	sigaddset(&mask, SIGXCPU); /* daemon_realtime(): RLIMIT_RTTIME */
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

void daemon_teardown(struct vrrpd *d)
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
	track_stop(&d->tracks);
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
	event_close(&d->ev);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
}

/*
 * The interface was deleted and one of that name is back (re-created, a driver reloaded): the
 * instance starts again on it as at start-up. Until then it stays in Fault, where atropos sees
 * it. A failure now is as fatal as at start-up.
 */
int daemon_reopen(struct vrrpd *d, struct vinst *v)
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
		vinst_tracks(d, v);
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
int daemon_reload(struct vrrpd *d, char *msg, size_t len)
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
			     strcmp(nv[i]->o.notify_fifo, d->vi[0]->o.notify_fifo) ||
			     nv[i]->o.no_kernel_timer != d->vi[0]->o.no_kernel_timer)) {
			snprintf(
				msg, len,
				"-f, --pin-dir, --rt-priority, --notify-fifo and --no-kernel-timer cannot change on a reload: restart vrrpd");
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
