/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A program vrrpd runs and never waits for in its event loop (the -U/-D and --notify scripts,
 * the health checks): stdin /dev/null, its output read a line at a time into a callback, in a process
 * group of its own so that a kill takes whatever it started, its exit seen through a pidfd.
 */
#ifndef VRRPD_CHILD_H
#define VRRPD_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Output lines logged per run at most: a chatty program cannot flood the log. */
#define CHILD_MAX_LINES 100

struct child {
	int epfd; /* the event loop's: the pidfd and the output are registered there */
	pid_t pid; /* 0: not running */
	int pidfd, out_fd;
	bool killed;
	char line[512]; /* the output line being read */
	size_t line_len;
	int lines; /* output lines so far */
	void (*on_line)(void *ctx, const char *line, int n); /* n: the line's number, from 1 */
	void *ctx;
};

void child_init(struct child *c, int epfd, void (*on_line)(void *ctx, const char *line, int n),
		void *ctx);
/*
 * Starts path with argv and envp. 0, or -errno: the program could not be started (it exists
 * and is executable or the child exits 127 after saying why on its output).
 */
int child_start(struct child *c, const char *path, char **argv, char **envp);
/*
 * Where execvp(3) would find the program name: name itself if it has a '/', else the first
 * executable PATH has (a default PATH when there is none), else name.
 */
void child_lookup(const char *name, char *path, size_t plen);
/* An event loop fd: true if it is c's (its output read, or its exit noticed). */
bool child_on_fd(struct child *c, int fd);
/* If it exited: its last output read, fds closed, *status its wait status, true. */
bool child_reap(struct child *c, int *status);
/* SIGKILL to it and its process group; child_reap then sees it go. */
void child_kill(struct child *c);
/*
 * Blocks, reading its output, until it exits (child_reap then reaps it), deadline_ns
 * (CLOCK_MONOTONIC) passes, or at most 100 ms without a pidfd.
 */
void child_wait(struct child *c, uint64_t deadline_ns);

#endif /* VRRPD_CHILD_H */
