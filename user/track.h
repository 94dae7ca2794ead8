/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The health checks of --track-script, the files of --track-file and the processes of
 * --track-process, for the whole process: the instances that give the same check (command,
 * interval, timeout, rise, fall) share one, which runs once per interval however many they are. A check runs on its own (child.c): it never delays an advert. A file
 * is read again as soon as its writer closes it (inotify on its directory).
 */
#ifndef VRRPD_TRACK_H
#define VRRPD_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "child.h"
#include "opts.h"

#define TRACK_MAX 64 /* distinct checks in a process */

struct track_check {
	struct opts_script s; /* the check as given (its weight is each instance's own) */
	int users; /* instances that depend on it; 0: a free slot */
	struct child c;
	uint64_t next_ns; /* the next run */
	uint64_t deadline_ns; /* the running one is killed then */
	bool healthy; /* as decided: healthy until fall failures in a row, then until rise */
	int streak; /* results in a row against healthy */
	uint64_t since_ns; /* healthy (or not) since */
	char last[96]; /* what the last run said: "exit 0", "exit 2", "timed out after 1 s"... */
};

#define TRACK_FILES_MAX 64 /* distinct --track-files in a process */

/* A --track-file: watched through its directory (inotify), read again on every change. */
struct track_file {
	char path[OPTS_PATH_MAX];
	int users; /* 0: a free slot */
	int wd; /* the inotify watch of its directory, -1: none */
	bool ok; /* missing (0), or a number: ok; unreadable or not a number: not */
	int value; /* the number, -254..254 */
	char last[96]; /* what the last read found, for the log and atropos */
};

#define TRACK_PROCS_MAX 16 /* distinct --track-process names in a process */
/* While one has fewer than it needs, /proc is scanned this often for new ones (track_proc.c). */
#define TRACK_PROC_SCAN_NS (100 * 1000000ull)

/*
 * A --track-process name: the processes of that name, each watched through a pidfd (its exit
 * is known at once); while fewer run than an instance needs, /proc is scanned every
 * TRACK_PROC_SCAN_NS for new ones.
 */
struct track_proc {
	char name[OPTS_NAME_MAX];
	int users; /* 0: a free slot */
	int need; /* the largest N of its users: scanned while fewer run */
	int n; /* how many run (the pidfds held) */
	int pidfd[OPTS_PROC_MIN_MAX];
	int pid[OPTS_PROC_MIN_MAX];
	uint64_t since_ns; /* n last changed then */
};

struct track_set {
	int epfd;
	struct track_check t[TRACK_MAX];
	int ino_fd; /* inotify, for the --track-files; -1: none yet */
	struct track_file f[TRACK_FILES_MAX];
	uint64_t files_read_ns; /* the unwatched files (no inotify) were last read then */
	struct track_proc p[TRACK_PROCS_MAX];
	uint64_t proc_scan_ns; /* the next scan of /proc, 0: none due */
	bool changed; /* a check's health or a file's number changed: the instances look again */
	bool used; /* a check or a file was ever added: else the loop's calls cost nothing */
};

void track_init(struct track_set *ts, int epfd);
/* The check of s (shared with those alike, started if new): its index, or -ENOSPC. */
int track_add(struct track_set *ts, const struct opts_script *s, uint64_t now_ns);
/* An instance no longer depends on check i: the last one gone stops it. */
void track_release(struct track_set *ts, int i);
bool track_healthy(const struct track_set *ts, int i);
const struct track_check *track_get(const struct track_set *ts, int i);
/* The next time track_tick has work. */
uint64_t track_deadline(const struct track_set *ts);
/* Runs the checks that are due, kills those past their timeout. */
void track_tick(struct track_set *ts, uint64_t now_ns);
/* An event loop fd: true if a check's. */
bool track_on_fd(struct track_set *ts, int fd, uint64_t now_ns);
/* Whether a check's health changed since the last call. */
bool track_changed(struct track_set *ts);
/* The --track-file at path (shared, watched if new): its index, or -errno. */
int track_file_add(struct track_set *ts, const char *path);
void track_file_release(struct track_set *ts, int i);
const struct track_file *track_file_get(const struct track_set *ts, int i);
/* track_proc.c: the --track-process name (shared, counted now): its index, or -errno. */
int track_proc_add(struct track_set *ts, const struct opts_proc *p, uint64_t now_ns);
void track_proc_release(struct track_set *ts, int i);
const struct track_proc *track_proc_get(const struct track_set *ts, int i);
/* The scan due, if one is (0: none). */
uint64_t track_proc_deadline(const struct track_set *ts);
void track_proc_tick(struct track_set *ts, uint64_t now_ns);
/* An event loop fd: true if a tracked process's pidfd (it exited). */
bool track_proc_on_fd(struct track_set *ts, int fd, uint64_t now_ns);
void track_proc_stop(struct track_set *ts);

/* At exit: every check killed and reaped. */
void track_stop(struct track_set *ts);

#endif /* VRRPD_TRACK_H */
