// SPDX-License-Identifier: GPL-2.0
/*
 * vrrpd: a VRRP (RFC 9568 / RFC 3768) daemon whose packet path runs in XDP. This file: start-up,
 * daemonizing, real-time priority, sd_notify; the instances are daemon.c's, the loop loop.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sched.h>
#include <unistd.h>

#include "addr.h"
#include "daemon.h"
#include "kconf.h"
#include "log.h"
#include "priv.h"

/*
 * The systemd notification protocol (sd_notify(3)), without libsystemd: one datagram to the
 * socket in $NOTIFY_SOCKET ("@" for an abstract one), if there is one. For Type=notify units.
 */
void daemon_notify(const char *state)
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
void daemon_realtime(int prio)
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
void daemon_realtime_runaway(void)
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
/* --print-conf: the keepalived.conf's translation, its notes on stderr. */
static int print_conf(const char *path)
{
	char err[1024];
	struct kconf k;

	if (kconf_translate(path, &k, err, sizeof(err))) {
		fprintf(stderr, "vrrpd: %s\n", err);
		return 2;
	}
	fputs(k.notes, stderr);
	fputs(k.text, stdout);
	kconf_free(&k);
	return 0;
}

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
	if (d.o.print_conf)
		return print_conf(d.o.config);
	ret = daemon_instances(&d, err, sizeof(err));
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
	ret = daemon_setup(&d, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		daemon_teardown(&d);
		daemonize_end(report_fd, 1);
		return 1;
	}
	daemon_realtime(d.vi[0]->o.rt_priority);
	ret = priv_drop(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vrrpd: %s\n", err);
		daemon_teardown(&d);
		daemonize_end(report_fd, 1);
		return 1;
	}
	daemonize_end(report_fd, 0);
	/* Once started: a start-up error stays the one line on stderr. */
	log_info("Master_Down_Timers in %s",
		 d.x.down_timer		    ? "the kernel (bpf_timer): a backup sleeps" :
		 d.vi[0]->o.no_kernel_timer ? "vrrpd (--no-kernel-timer)" :
					      "vrrpd (this kernel has no bpf_timer for XDP)");
	daemon_notify("READY=1");
	ret = loop_run(&d);
	daemon_notify("STOPPING=1");
	daemon_teardown(&d);
	for (int i = 0; i < d.nvi; i++)
		log_info(LOG_INST_FMT "stopped", LOG_INST_ARGS(&d.vi[i]->o));
	return ret;
}
