// SPDX-License-Identifier: GPL-2.0
/*
 * --track-process (track.h): the processes of a name, each held by a pidfd, whose exit wakes
 * the event loop at once; /proc is scanned for new ones every TRACK_PROC_SCAN_NS, and only
 * while a name has fewer than its users need. (The proc connector would tell of new processes
 * without a scan, but it answers only in the first network namespace, where a VRRP daemon
 * often is not.)
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "track.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define TRACK_COMM_LEN 15 /* TASK_COMM_LEN - 1: what /proc/PID/comm holds at most */

/* The beginning of /proc/PID/WHAT into buf (NUL-terminated): true if there was some. */
static bool track_proc_read(int pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* Whether pid runs a program called name (and is not a zombie). */
static bool track_proc_is(int pid, const char *name)
{
	char buf[512], *open_p, *close_p, *base;

	if (!track_proc_read(pid, "stat", buf, sizeof(buf)))
		return false;
	/* "PID (COMM) S ...": COMM may hold blanks and parentheses, the last ')' ends it. */
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ' || close_p[2] == 'Z' ||
	    close_p[2] == 'X')
		return false;
	*close_p = '\0';
	if (strlen(name) <= TRACK_COMM_LEN)
		return !strcmp(open_p + 1, name);
	/* A longer name than comm holds: argv[0]'s base name, if comm is its beginning. */
	if (strncmp(open_p + 1, name, TRACK_COMM_LEN) ||
	    !track_proc_read(pid, "cmdline", buf, sizeof(buf)))
		return false;
	base = strrchr(buf, '/');
	return !strcmp(base ? base + 1 : buf, name);
}

static bool track_proc_has(const struct track_proc *p, int pid)
{
	for (int i = 0; i < p->n; i++)
		if (p->pid[i] == pid)
			return true;
	return false;
}

/* Holds pid (a process of p's name) by a pidfd in the event loop. */
static void track_proc_hold(struct track_set *ts, struct track_proc *p, int pid, uint64_t now_ns)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	if (p->n == OPTS_PROC_MIN_MAX)
		return;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return; /* gone already */
	ev.data.fd = fd;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) || epoll_ctl(ts->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		return;
	}
	p->pidfd[p->n] = fd;
	p->pid[p->n++] = pid;
	p->since_ns = now_ns;
	ts->changed = true;
}

static bool track_proc_short(const struct track_proc *p)
{
	return p->users && p->n < p->need;
}

/* /proc read once for every name that has fewer processes than it needs. */
static void track_proc_scan(struct track_set *ts, uint64_t now_ns)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	bool short_any = false;
	int i, pid;

	if (!dir) {
		log_warn("--track-process: cannot read /proc");
		return;
	}
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		for (i = 0; i < TRACK_PROCS_MAX; i++) {
			struct track_proc *p = &ts->p[i];

			if (track_proc_short(p) && !track_proc_has(p, pid) &&
			    track_proc_is(pid, p->name))
				track_proc_hold(ts, p, pid, now_ns);
		}
	}
	closedir(dir);
	for (i = 0; i < TRACK_PROCS_MAX; i++)
		short_any = short_any || track_proc_short(&ts->p[i]);
	ts->proc_scan_ns = short_any ? now_ns + TRACK_PROC_SCAN_NS : 0;
}

int track_proc_add(struct track_set *ts, const struct opts_proc *o, uint64_t now_ns)
{
	struct track_proc *p = NULL;
	int i;

	for (i = 0; i < TRACK_PROCS_MAX; i++) {
		if (ts->p[i].users && !strcmp(ts->p[i].name, o->name)) {
			p = &ts->p[i];
			break;
		}
		if (!ts->p[i].users && !p)
			p = &ts->p[i];
	}
	if (!p)
		return -ENOSPC;
	ts->used = true;
	if (!p->users) {
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", o->name);
		p->since_ns = now_ns;
	}
	p->users++;
	if (o->min > p->need)
		p->need = o->min;
	/* Counted now: the instance starts from what runs, not from nothing. */
	track_proc_scan(ts, now_ns);
	return (int)(p - ts->p);
}

static void track_proc_drop(struct track_proc *p, int j)
{
	close(p->pidfd[j]); /* and out of the epoll set */
	p->n--;
	p->pidfd[j] = p->pidfd[p->n];
	p->pid[j] = p->pid[p->n];
}

void track_proc_release(struct track_set *ts, int i)
{
	struct track_proc *p = &ts->p[i];

	if (i < 0 || i >= TRACK_PROCS_MAX || !p->users || --p->users)
		return;
	while (p->n)
		track_proc_drop(p, p->n - 1);
	p->need = 0;
}

const struct track_proc *track_proc_get(const struct track_set *ts, int i)
{
	return i >= 0 && i < TRACK_PROCS_MAX && ts->p[i].users ? &ts->p[i] : NULL;
}

uint64_t track_proc_deadline(const struct track_set *ts)
{
	return ts->proc_scan_ns;
}

void track_proc_tick(struct track_set *ts, uint64_t now_ns)
{
	if (ts->proc_scan_ns && now_ns >= ts->proc_scan_ns)
		track_proc_scan(ts, now_ns);
}

bool track_proc_on_fd(struct track_set *ts, int fd, uint64_t now_ns)
{
	for (int i = 0; i < TRACK_PROCS_MAX; i++) {
		struct track_proc *p = &ts->p[i];

		for (int j = 0; j < p->n; j++) {
			if (p->pidfd[j] != fd)
				continue;
			track_proc_drop(p, j);
			p->since_ns = now_ns;
			ts->changed = true;
			/* Too few now: another may have started meanwhile (a restart), look at once. */
			if (track_proc_short(p))
				track_proc_scan(ts, now_ns);
			return true;
		}
	}
	return false;
}

void track_proc_stop(struct track_set *ts)
{
	for (int i = 0; i < TRACK_PROCS_MAX; i++)
		while (ts->p[i].n)
			track_proc_drop(&ts->p[i], ts->p[i].n - 1);
}
