// SPDX-License-Identifier: GPL-2.0
/*
 * vrrpd: a VRRP (RFC 9568 / RFC 3768) daemon whose packet path runs in XDP. This file: start-up,
 * daemonizing, and the event loop over the ring buffer, one timer and the signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "hook.h"
#include "inst.h"
#include "log.h"
#include "nl.h"
#include "opts.h"
#include "xdp.h"

#define VRRPD_VERSION "2.0.0"

struct vrrpd {
	struct opts o;
	struct xdp_ctx x;
	struct nl_sock *nl;
	struct inst inst;
	struct hook hook;
	struct nl_sock *link_watch; /* link changes, for link supervision */
	struct ctl ctl; /* atropos's requests */
	bool inst_started;
	int attached_ifindex;
	int epfd;
	int timerfd;
	int sigfd;
	char pidfile[OPTS_PATH_MAX + 64];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* The same clock as bpf_ktime_get_ns(). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_ring_event(void *ctx, void *data, size_t len)
{
	struct vrrpd *d = ctx;
	const struct vrrpd_event *ev = data;

	if (len < sizeof(*ev))
		return 0;
	if (!memcmp(&ev->key, &d->inst.key, sizeof(ev->key)))
		inst_on_event(&d->inst, ev, now_ns());
	return 0;
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

static int write_pidfile(struct vrrpd *d, char *err, size_t errlen)
{
	char buf[32];
	int fd, ret = 0, n;

	snprintf(d->pidfile, sizeof(d->pidfile), "%s/vrrpd-%s-%d.pid", d->o.run_dir, d->o.ifname,
		 d->o.vrid);
	fd = open(d->pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot write %s: %s", d->pidfile, strerror(errno));
		d->pidfile[0] = '\0';
		return ret;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		snprintf(err, errlen, "cannot write %s", d->pidfile);
		ret = -EIO;
	}
	close(fd);
	return ret;
}

/* Everything that can fail at start-up, so that it fails before we detach. */
static int setup(struct vrrpd *d, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	const char *mode = "";
	sigset_t mask;
	int ret;

	d->epfd = d->timerfd = d->sigfd = -1;
	d->ctl.fd = -1;
	ret = mkdir_run(d->o.run_dir, err, errlen);
	if (ret)
		return ret;
	d->nl = nl_open();
	if (!d->nl) {
		snprintf(err, errlen, "cannot open a netlink socket: %s", strerror(errno));
		return -errno;
	}
	ret = xdp_open(&d->x, d->o.pin_dir, err, errlen);
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
	d->link_watch = nl_link_watch_open();
	if (!d->link_watch) {
		snprintf(err, errlen, "cannot watch link changes: %s", strerror(errno));
		return -errno;
	}
	ret = hook_check(&d->o, err, errlen);
	if (ret)
		return ret;
	hook_init(&d->hook, &d->o, d->epfd);
	ret = inst_start(&d->inst, &d->o, &d->x, d->nl, &d->hook, now_ns(), err, errlen);
	if (ret)
		return ret;
	d->inst_started = true;
	ret = xdp_attach(&d->x, d->inst.ifindex, &mode, err, errlen);
	if (ret)
		return ret;
	d->attached_ifindex = d->inst.ifindex;
	inst_begin(&d->inst, now_ns());
	log_info(
		"VRRP ID %d on %s: started, VRRPv%d, priority %d, interval %d cs, XDP %s mode, %s%s",
		d->o.vrid, d->o.ifname, d->o.version, d->o.priority, d->o.adver_int_cs, mode,
		d->inst.vmac_ifindex ? "VMAC on " : "no VMAC (-n)",
		d->inst.vmac_ifindex ? d->inst.vmac_name : "");

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
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
	ev.data.fd = nl_link_watch_fd(d->link_watch);
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	ret = write_pidfile(d, err, errlen);
	if (ret)
		return ret;
	ret = ctl_open(&d->ctl, d->o.run_dir, d->o.ifname, d->o.vrid, err, errlen);
	if (ret)
		return ret;
	ev.data.fd = d->ctl.fd;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	return 0;
}

/* Does the kernel know capability cap? PR_CAPBSET_READ says EINVAL for one it does not. */
static bool cap_known(int cap)
{
	return prctl(PR_CAPBSET_READ, cap) >= 0;
}

/*
 * Once set up, vrrpd keeps only what its work needs: CAP_NET_ADMIN (addresses, the macvlan, XDP
 * attach, sysctls), CAP_NET_RAW (the packet socket, reopened with the interface), CAP_BPF and
 * CAP_SYS_ADMIN (finding whose XDP program is attached: BPF_PROG_GET_FD_BY_ID wants the
 * latter). The bounding set stays whole: the scripts, run as root, get root's capabilities, as
 * with the original.
 */
static int drop_capabilities(char *err, size_t errlen)
{
	static const int keep[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, CAP_BPF };
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		/* CAP_BPF (Linux 5.8) is refused by older kernels: they check CAP_SYS_ADMIN. */
		if (keep[i] == CAP_BPF && !cap_known(CAP_BPF))
			continue;
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &hdr, data)) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* One request from atropos (ctl.h): carry it out, say the state it left. */
static void on_request(void *arg, const char *req, char *reply, size_t len)
{
	static const struct {
		const char *name;
		enum inst_cmd cmd;
	} cmds[] = {
		{ "backup", INST_CMD_BACKUP },	   { "master", INST_CMD_MASTER },
		{ "resume", INST_CMD_RESUME },	   { "reduce", INST_CMD_REDUCE },
		{ "increase", INST_CMD_INCREASE }, { "garp", INST_CMD_GARP },
	};
	struct vrrpd *d = arg;
	char msg[160];
	int i, prio = 0, ret;

	for (i = 0; i < (int)(sizeof(cmds) / sizeof(cmds[0])); i++)
		if (!strcmp(req, cmds[i].name))
			break;
	if (i < (int)(sizeof(cmds) / sizeof(cmds[0]))) {
		ret = inst_command(&d->inst, cmds[i].cmd, 0, now_ns(), msg, sizeof(msg));
	} else if (sscanf(req, "priority %d", &prio) == 1) {
		ret = inst_command(&d->inst, INST_CMD_PRIORITY, prio, now_ns(), msg, sizeof(msg));
	} else {
		snprintf(reply, len, "error unknown request '%.64s'", req);
		return;
	}
	log_info("VRRP ID %d on %s: atropos: %s: %s", d->o.vrid, d->o.ifname, req,
		 ret ? msg : "done");
	if (ret)
		snprintf(reply, len, "error %s", msg);
	else
		snprintf(reply, len, "ok %s %d", fsm_state_name(d->inst.fsm.state),
			 d->inst.fsm.priority);
}

static void teardown(struct vrrpd *d)
{
	if (d->inst_started)
		inst_stop(&d->inst, now_ns());
	/* The down script of the stop, and whatever was still waiting, run to the end. */
	hook_drain(&d->hook);
	if (d->attached_ifindex)
		xdp_detach_if_unused(&d->x, d->attached_ifindex);
	xdp_close(&d->x);
	nl_close(d->nl);
	nl_close(d->link_watch);
	if (d->pidfile[0])
		unlink(d->pidfile);
	ctl_close(&d->ctl);
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
static int reopen(struct vrrpd *d)
{
	char err[512];
	const char *mode = "";
	int ret;

	log_info("VRRP ID %d on %s: %s is back: starting again", d->o.vrid, d->o.ifname,
		 d->o.ifname);
	inst_stop(&d->inst, now_ns());
	d->inst_started = false;
	d->attached_ifindex = 0;
	ret = inst_start(&d->inst, &d->o, &d->x, d->nl, &d->hook, now_ns(), err, sizeof(err));
	if (!ret) {
		d->inst_started = true;
		ret = xdp_attach(&d->x, d->inst.ifindex, &mode, err, sizeof(err));
	}
	if (ret) {
		log_warnx("VRRP ID %d on %s: cannot start again: %s", d->o.vrid, d->o.ifname, err);
		return ret;
	}
	d->attached_ifindex = d->inst.ifindex;
	inst_begin(&d->inst, now_ns());
	log_info("VRRP ID %d on %s: started again, XDP %s mode", d->o.vrid, d->o.ifname, mode);
	return 0;
}

static int run(struct vrrpd *d)
{
	struct epoll_event evs[8];
	struct signalfd_siginfo si;
	uint64_t expirations;
	int i, n;

	for (;;) {
		uint64_t dl = inst_deadline(&d->inst), hdl = hook_deadline(&d->hook);

		arm_timer(d, !dl || (hdl && hdl < dl) ? hdl : dl);
		n = epoll_wait(d->epfd, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			log_warn("epoll_wait");
			return 1;
		}
		/* Adverts first: a controller that was starved must see them before its timers. */
		ring_buffer__consume(d->x.rb);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == d->sigfd) {
				while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP)
						continue; /* reload: nothing to reload yet */
					log_info("VRRP ID %d on %s: signal %d, shutting down",
						 d->o.vrid, d->o.ifname, si.ssi_signo);
					return 0;
				}
			} else if (evs[i].data.fd == d->timerfd) {
				if (read(d->timerfd, &expirations, sizeof(expirations)) < 0 &&
				    errno != EAGAIN)
					log_warn("timerfd");
			} else if (evs[i].data.fd == d->ctl.fd) {
				ctl_serve(&d->ctl, on_request, d);
			} else if (evs[i].data.fd == nl_link_watch_fd(d->link_watch)) {
				nl_link_watch_read(d->link_watch);
				inst_link_check(&d->inst, now_ns());
			} else {
				hook_on_fd(&d->hook, evs[i].data.fd, now_ns());
			}
		}
		inst_tick(&d->inst, now_ns());
		hook_tick(&d->hook, now_ns());
		/* Checked on link events and the link poll's ticks, once a second while gone. */
		if (d->inst.gone && inst_iface_back(&d->inst) && reopen(d))
			return 1;
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
	if (geteuid() != 0) {
		fprintf(stderr, "vrrpd: must run as root (it loads BPF programs and configures "
				"addresses)\n");
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
	ret = drop_capabilities(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		teardown(&d);
		daemonize_end(report_fd, 1);
		return 1;
	}
	daemonize_end(report_fd, 0);
	ret = run(&d);
	teardown(&d);
	log_info("VRRP ID %d on %s: stopped", d.o.vrid, d.o.ifname);
	return ret;
}
