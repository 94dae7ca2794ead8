// SPDX-License-Identifier: GPL-2.0
/* The health checks (track.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "track.h"

void track_init(struct track_set *ts, int epfd)
{
	memset(ts, 0, sizeof(*ts));
	ts->epfd = epfd;
	ts->ino_fd = -1;
	for (int i = 0; i < TRACK_FILES_MAX; i++)
		ts->f[i].wd = -1;
}

static bool track_same(const struct opts_script *a, const struct opts_script *b)
{
	return !strcmp(a->cmd, b->cmd) && a->interval_s == b->interval_s &&
	       a->timeout_s == b->timeout_s && a->rise == b->rise && a->fall == b->fall;
}

static void track_on_line(void *ctx, const char *line, int n)
{
	struct track_check *t = ctx;

	if (n <= CHILD_MAX_LINES)
		log_info("track-script '%s': %s", t->s.cmd, line);
	else if (n == CHILD_MAX_LINES + 1)
		log_warnx("track-script '%s': more than %d lines of output: the rest is not logged",
			  t->s.cmd, CHILD_MAX_LINES);
}

int track_add(struct track_set *ts, const struct opts_script *s, uint64_t now_ns)
{
	struct track_check *free_slot = NULL;

	for (int i = 0; i < TRACK_MAX; i++) {
		struct track_check *t = &ts->t[i];

		if (t->users && track_same(&t->s, s)) {
			t->users++;
			return i;
		}
		if (!t->users && !free_slot && t->c.pid <= 0)
			free_slot = t;
	}
	if (!free_slot)
		return -ENOSPC;
	ts->used = true;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->s = *s;
	free_slot->users = 1;
	/* Healthy until it fails: an instance does not start in FAULT for its checks' sake. */
	free_slot->healthy = true;
	free_slot->since_ns = now_ns;
	free_slot->next_ns = now_ns;
	snprintf(free_slot->last, sizeof(free_slot->last), "not run yet");
	child_init(&free_slot->c, ts->epfd, track_on_line, free_slot);
	return (int)(free_slot - ts->t);
}

void track_release(struct track_set *ts, int i)
{
	struct track_check *t = &ts->t[i];

	if (i < 0 || i >= TRACK_MAX || !t->users || --t->users)
		return;
	child_kill(&t->c); /* reaped by track_tick or track_stop */
}

bool track_healthy(const struct track_set *ts, int i)
{
	return i < 0 || i >= TRACK_MAX || ts->t[i].healthy;
}

const struct track_check *track_get(const struct track_set *ts, int i)
{
	return i >= 0 && i < TRACK_MAX ? &ts->t[i] : NULL;
}

/* One result: the streak, and the health it decides after rise (fall) in a row. */
static void track_result(struct track_set *ts, struct track_check *t, bool ok, uint64_t now_ns)
{
	if (ok == t->healthy) {
		t->streak = 0;
		return;
	}
	if (++t->streak < (ok ? t->s.rise : t->s.fall))
		return;
	t->healthy = ok;
	t->streak = 0;
	t->since_ns = now_ns;
	ts->changed = true;
	if (ok)
		log_info("track-script '%s': healthy after %d success%s in a row (%s)", t->s.cmd,
			 t->s.rise, t->s.rise > 1 ? "es" : "", t->last);
	else
		log_warnx("track-script '%s': failing after %d failure%s in a row (%s)", t->s.cmd,
			  t->s.fall, t->s.fall > 1 ? "s" : "", t->last);
}

static void track_start(struct track_set *ts, struct track_check *t, uint64_t now_ns)
{
	char words[OPTS_PATH_MAX], path[2 * OPTS_PATH_MAX];
	char *argv[OPTS_CMD_WORDS];
	int ret = opts_words(t->s.cmd, words, sizeof(words), argv);

	/* The next run is due an interval after this one started, whatever it takes. */
	t->next_ns = now_ns + (uint64_t)t->s.interval_s * CLOCK_NS_PER_S;
	if (ret >= 0) {
		child_lookup(argv[0], path, sizeof(path));
		ret = access(path, X_OK) ? -errno : child_start(&t->c, path, argv, NULL);
	}
	if (ret) {
		snprintf(t->last, sizeof(t->last), "cannot be run: %s", strerror(-ret));
		track_result(ts, t, false, now_ns);
		return;
	}
	t->deadline_ns = now_ns + (uint64_t)t->s.timeout_s * CLOCK_NS_PER_S;
}

static void track_reap(struct track_set *ts, struct track_check *t, uint64_t now_ns)
{
	bool killed = t->c.killed;
	int status;

	if (!child_reap(&t->c, &status) || !t->users)
		return;
	if (killed)
		snprintf(t->last, sizeof(t->last), "timed out after %d s: killed", t->s.timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(t->last, sizeof(t->last), "cannot be run (exit 127)");
	else if (WIFEXITED(status))
		snprintf(t->last, sizeof(t->last), "exit %d", WEXITSTATUS(status));
	else
		snprintf(t->last, sizeof(t->last), "killed by signal %d", WTERMSIG(status));
	track_result(ts, t, !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0, now_ns);
}

uint64_t track_deadline(const struct track_set *ts)
{
	uint64_t d = 0, x;

	if (!ts->used)
		return 0;
	for (int i = 0; i < TRACK_MAX; i++) {
		const struct track_check *t = &ts->t[i];

		if (!t->users && t->c.pid <= 0)
			continue;
		x = t->c.pid > 0 ? (t->c.killed ? 0 : t->deadline_ns) : t->next_ns;
		if (x && (!d || x < d))
			d = x;
	}
	x = track_proc_deadline(ts);
	if (x && (!d || x < d))
		d = x;
	return d;
}

static void track_file_read(struct track_set *ts, struct track_file *f);

void track_tick(struct track_set *ts, uint64_t now_ns)
{
	if (!ts->used)
		return;
	track_proc_tick(ts, now_ns);
	if (now_ns - ts->files_read_ns >= CLOCK_NS_PER_S) {
		ts->files_read_ns = now_ns;
		for (int i = 0; i < TRACK_FILES_MAX; i++)
			if (ts->f[i].users && ts->f[i].wd < 0)
				track_file_read(ts, &ts->f[i]);
	}
	for (int i = 0; i < TRACK_MAX; i++) {
		struct track_check *t = &ts->t[i];

		if (t->c.pid > 0) {
			track_reap(ts, t, now_ns);
			if (t->c.pid > 0 && !t->c.killed && now_ns >= t->deadline_ns) {
				log_warnx("track-script '%s': still running after %d s: killed",
					  t->s.cmd, t->s.timeout_s);
				child_kill(&t->c);
			}
			continue;
		}
		if (t->users && now_ns >= t->next_ns)
			track_start(ts, t, now_ns);
	}
}

/* Reads a --track-file: a number, -254..254 (clamped), blanks around it; missing is 0. */
static void track_file_read(struct track_set *ts, struct track_file *f)
{
	int value = 0, n = 0, fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool ok = true;
	char buf[64];
	ssize_t len;
	long v;

	if (fd < 0 && errno == ENOENT) {
		snprintf(buf, sizeof(buf), "missing: 0");
	} else if (fd < 0) {
		ok = false;
		snprintf(buf, sizeof(buf), "unreadable: %s", strerror(errno));
	} else {
		len = read(fd, buf, sizeof(buf) - 1);
		buf[len > 0 ? len : 0] = '\0';
		if (len < 0 || sscanf(buf, " %ld %n", &v, &n) != 1 || buf[n]) {
			ok = false;
			snprintf(buf, sizeof(buf), "not a number");
		} else {
			value = v < -254 ? -254 : v > 254 ? 254 : (int)v;
			snprintf(buf, sizeof(buf), "holds %d", value);
		}
	}
	if (fd >= 0)
		close(fd);
	if (ok != f->ok || value != f->value || strcmp(buf, f->last)) {
		if (ok != f->ok || value != f->value)
			ts->changed = true;
		f->ok = ok;
		f->value = value;
		snprintf(f->last, sizeof(f->last), "%s", buf);
		(ok ? log_info : log_warnx)("track-file %s: %s", f->path, f->last);
	}
}

int track_file_add(struct track_set *ts, const char *path)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct track_file *free_slot = NULL;
	char dir[OPTS_PATH_MAX];
	const char *slash;

	for (int i = 0; i < TRACK_FILES_MAX; i++) {
		if (ts->f[i].users && !strcmp(ts->f[i].path, path)) {
			ts->f[i].users++;
			return i;
		}
		if (!ts->f[i].users && !free_slot)
			free_slot = &ts->f[i];
	}
	if (!free_slot)
		return -ENOSPC;
	if (ts->ino_fd < 0) {
		ts->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ts->ino_fd < 0)
			return -errno;
		ev.data.fd = ts->ino_fd;
		if (ts->epfd >= 0)
			epoll_ctl(ts->epfd, EPOLL_CTL_ADD, ts->ino_fd, &ev);
	}
	ts->used = true;
	memset(free_slot, 0, sizeof(*free_slot));
	snprintf(free_slot->path, sizeof(free_slot->path), "%s", path);
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	/*
	 * The directory: the file may be created, replaced (rename) or removed later. Read once
	 * its writer closed it, not on each write: "echo 20 > FILE" truncates first, and an empty
	 * file read then would be a FAULT for a moment.
	 */
	free_slot->wd = inotify_add_watch(ts->ino_fd, dir,
					  IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM);
	if (free_slot->wd < 0)
		log_warn("track-file %s: cannot watch %s: read once a second instead", path, dir);
	free_slot->users = 1;
	free_slot->ok = true;
	track_file_read(ts, free_slot);
	return (int)(free_slot - ts->f);
}

void track_file_release(struct track_set *ts, int i)
{
	struct track_file *f = &ts->f[i];
	int j;

	if (i < 0 || i >= TRACK_FILES_MAX || !f->users || --f->users)
		return;
	/* The watch is the directory's: others in it may still need it. */
	for (j = 0; j < TRACK_FILES_MAX; j++)
		if (j != i && ts->f[j].users && ts->f[j].wd == f->wd)
			break;
	if (f->wd >= 0 && j == TRACK_FILES_MAX)
		inotify_rm_watch(ts->ino_fd, f->wd);
	f->wd = -1;
}

const struct track_file *track_file_get(const struct track_set *ts, int i)
{
	return i >= 0 && i < TRACK_FILES_MAX ? &ts->f[i] : NULL;
}

/* What inotify says changed in the directories: the files named there, read again. */
static void track_files_changed(struct track_set *ts)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(ts->ino_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			for (int i = 0; i < TRACK_FILES_MAX; i++) {
				struct track_file *f = &ts->f[i];

				/* Overflow (wd -1): events were lost, every file is read again. */
				if (!f->users || (f->wd != e->wd && !(e->mask & IN_Q_OVERFLOW)))
					continue;
				if (e->mask & IN_Q_OVERFLOW ||
				    (e->len && !strcmp(e->name, strrchr(f->path, '/') + 1)))
					track_file_read(ts, f);
			}
			p += sizeof(*e) + e->len;
		}
	}
}

bool track_on_fd(struct track_set *ts, int fd, uint64_t now_ns)
{
	if (fd >= 0 && fd == ts->ino_fd) {
		track_files_changed(ts);
		return true;
	}
	if (track_proc_on_fd(ts, fd, now_ns))
		return true;
	for (int i = 0; i < TRACK_MAX; i++) {
		if (!child_on_fd(&ts->t[i].c, fd))
			continue;
		track_reap(ts, &ts->t[i], now_ns);
		return true;
	}
	return false;
}

bool track_changed(struct track_set *ts)
{
	bool c = ts->changed;

	ts->changed = false;
	return c;
}

void track_stop(struct track_set *ts)
{
	track_proc_stop(ts);
	for (int i = 0; i < TRACK_MAX; i++) {
		struct track_check *t = &ts->t[i];
		int status;

		if (t->c.pid <= 0)
			continue;
		child_kill(&t->c);
		while (t->c.pid > 0 && !child_reap(&t->c, &status))
			child_wait(&t->c, clock_now_ns() + CLOCK_NS_PER_S);
	}
}
