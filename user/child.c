// SPDX-License-Identifier: GPL-2.0
/* Programs run on their own, their output logged (child.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"

void child_init(struct child *c, int epfd, void (*on_line)(void *ctx, const char *line, int n),
		void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->epfd = epfd;
	c->pidfd = c->out_fd = -1;
	c->on_line = on_line;
	c->ctx = ctx;
}

static void child_line(struct child *c)
{
	c->line[c->line_len] = '\0';
	c->line_len = 0;
	c->on_line(c->ctx, c->line, ++c->lines);
}

/*
 * Reads what the program wrote, a line at a time; at the end the rest is a line too. Returns
 * true at end of file (every writer closed it).
 */
static bool child_read(struct child *c, bool last)
{
	bool eof = false;
	char buf[1024];
	ssize_t n;

	for (;;) {
		n = read(c->out_fd, buf, sizeof(buf));
		if (n <= 0) {
			eof = n == 0;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || c->line_len == sizeof(c->line) - 1) {
				child_line(c);
				if (buf[i] == '\n')
					continue;
			}
			c->line[c->line_len++] = buf[i];
		}
	}
	if ((eof || last) && c->line_len)
		child_line(c);
	return eof;
}

static void child_close_fd(struct child *c, int *fd)
{
	if (*fd < 0)
		return;
	if (c->epfd >= 0)
		epoll_ctl(c->epfd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
}

/* Writes s to fd, whole if it can: for the child, which has no stdio. */
static void child_say(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	while (len && (n = write(fd, s, len)) > 0) {
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Child side, between vfork and exec: it runs on the parent's memory (the parent waits), so
 * only system calls, no stdio, no malloc, nothing of the parent's written but its own frame
 * (kept out of the parent's by noinline).
 */
static __attribute__((noreturn, noinline)) void child_exec(const char *path, char **argv,
							   char **envp, int out_fd)
{
	const char *why;
	sigset_t all;
	int null_fd;

	setpgid(0, 0);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(126);
	syscall(SYS_close_range, 3u, ~0u, 0u);
	execve(path, argv, envp);
	/* Logged as the program's output. strerrordesc_np: a constant string, no locale. */
	why = strerrordesc_np(errno);
	child_say(STDERR_FILENO, "cannot execute ");
	child_say(STDERR_FILENO, path);
	child_say(STDERR_FILENO, ": ");
	child_say(STDERR_FILENO, why ? why : "unknown error");
	child_say(STDERR_FILENO, "\n");
	_exit(127);
}

int child_start(struct child *c, const char *path, char **argv, char **envp)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int pfd[2], err;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	/*
	 * vfork: the child shares the parent's memory until it execs, so nothing is copied. With
	 * fork, every page the event loop wrote next (a poll time in each instance) was copied
	 * first: 255 instances sharing a check at 1 s made 344 page faults a run (make bench).
	 */
	pid = vfork();
	if (pid == 0)
		child_exec(path, argv, envp, pfd[1]);
	err = errno;
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -err;
	}
	c->pid = pid;
	c->out_fd = pfd[0];
	c->killed = false;
	c->line_len = 0;
	c->lines = 0;
	fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
	/* Before Linux 5.3 there is none: reaped at the end of its output, or by a tick. */
	c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->epfd >= 0) {
		ev.data.fd = c->out_fd;
		epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->out_fd, &ev);
		if (c->pidfd >= 0) {
			ev.data.fd = c->pidfd;
			epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->pidfd, &ev);
		}
	}
	return 0;
}

void child_lookup(const char *name, char *path, size_t plen)
{
	const char *dirs = getenv("PATH") ? getenv("PATH") : "/usr/sbin:/usr/bin:/sbin:/bin";

	while (!strchr(name, '/') && *dirs) {
		size_t dl = strcspn(dirs, ":");

		snprintf(path, plen, "%.*s/%s", (int)dl, dirs, name);
		if (dl && !access(path, X_OK))
			return;
		dirs += dl + (dirs[dl] == ':');
	}
	snprintf(path, plen, "%s", name);
}

bool child_on_fd(struct child *c, int fd)
{
	if (fd < 0 || c->pid <= 0)
		return false;
	if (fd == c->out_fd) {
		/* At eof (the program, and whatever it started, closed it), stop watching it. */
		if (child_read(c, false))
			child_close_fd(c, &c->out_fd);
		return true;
	}
	return fd == c->pidfd;
}

bool child_reap(struct child *c, int *status)
{
	if (c->pid <= 0 || waitpid(c->pid, status, WNOHANG) != c->pid)
		return false;
	if (c->out_fd >= 0)
		child_read(c, true);
	child_close_fd(c, &c->out_fd);
	child_close_fd(c, &c->pidfd);
	c->pid = 0;
	return true;
}

void child_kill(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
	c->killed = true;
}

void child_wait(struct child *c, uint64_t deadline_ns)
{
	while (c->pid > 0) {
		struct pollfd p[2] = { { .fd = c->pidfd, .events = POLLIN },
				       { .fd = c->out_fd, .events = POLLIN } };
		uint64_t now = clock_now_ns();
		int ms = deadline_ns > now ? (int)((deadline_ns - now) / 1000000ull) + 1 : 0;

		if (c->pidfd < 0 && ms > 100)
			ms = 100;
		if (poll(p, 2, ms) < 0 && errno != EINTR)
			return;
		if (p[1].revents && child_read(c, false))
			child_close_fd(c, &c->out_fd);
		if (p[0].revents || clock_now_ns() >= deadline_ns || c->pidfd < 0)
			return;
	}
}
