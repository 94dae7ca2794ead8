// SPDX-License-Identifier: GPL-2.0
/*
 * The up and down scripts. The original waited for them in its main loop (wait()), gave them no
 * arguments and its raw socket as stdin; here a script runs on its own while the daemon goes
 * on advertising, gets the transition as arguments and environment, reads /dev/null, and its
 * output goes to the log. One script runs at a time per instance, so they see the transitions
 * in order; a script that outlives the timeout is killed with its process group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "hook.h"
#include "log.h"
#include "priv.h"

extern char **environ;

#define HOOK_ARGS (5 + OPTS_MAX_VIPS + 1)
#define HOOK_ENV_OURS 7 /* VRRPD_IFNAME ... VRRPD_REASON, then VRRPD_VIPS */

static const char *hook_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void hook_on_line(void *ctx, const char *line, int n);

void hook_init(struct hook *h, const struct opts *o, int epfd)
{
	memset(h, 0, sizeof(*h));
	h->o = o;
	child_init(&h->c, epfd, hook_on_line, h);
}

/*
 * The script must be an executable file; a relative path is made absolute now, since a daemon
 * runs from / (the original's -U up.sh found nothing once it had detached).
 */
static int hook_check_one(char *path, const char *opt, char *err, size_t errlen)
{
	char cwd[OPTS_PATH_MAX], abs[2 * OPTS_PATH_MAX];
	struct stat st;

	if (!path[0])
		return 0;
	if (path[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)) ||
		    snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= OPTS_PATH_MAX) {
			snprintf(err, errlen, "script '%s' for %s: cannot make its path absolute",
				 path, opt);
			return -ENAMETOOLONG;
		}
		memcpy(path, abs, strlen(abs) + 1); /* shorter than OPTS_PATH_MAX: checked */
	}
	if (stat(path, &st)) {
		snprintf(err, errlen, "script '%s' for %s: %s", path, opt, strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK)) {
		snprintf(err, errlen, "script '%s' for %s is not an executable file", path, opt);
		return -EACCES;
	}
	/* vrrpd's execve() of it runs without root's override of file permissions. */
	if (priv_access(path, X_OK)) {
		snprintf(
			err, errlen,
			"script '%s' for %s can be run by root only through its override of file permissions (owner %u, group %u, mode %04o, or a directory on the way): vrrpd starts its scripts without it; make it executable by root (chown root, chmod u+x)",
			path, opt, (unsigned int)st.st_uid, (unsigned int)st.st_gid,
			(unsigned int)(st.st_mode & 07777));
		return -EACCES;
	}
	return 0;
}

int hook_check(struct opts *o, char *err, size_t errlen)
{
	int ret = hook_check_one(o->up_script, "-U", err, errlen);

	return ret ? ret : hook_check_one(o->down_script, "-D", err, errlen);
}

/* A script's output, a line at a time, up to CHILD_MAX_LINES a run: a chatty one cannot flood. */
static void hook_on_line(void *ctx, const char *line, int n)
{
	struct hook *h = ctx;
	const struct hook_job *j = &h->q[h->head];

	if (n <= CHILD_MAX_LINES)
		log_info(LOG_INST_FMT "%s: %s", LOG_INST_ARGS(h->o), hook_name(j->path), line);
	else if (n == CHILD_MAX_LINES + 1)
		log_warnx(LOG_INST_FMT
			  "%s %s: more than %d lines of output: the rest is not logged",
			  LOG_INST_ARGS(h->o), hook_name(j->path), j->state, CHILD_MAX_LINES);
}

static void hook_start(struct hook *h, uint64_t now_ns);

/* The script exited: its last output, its status, and the next one. */
static void hook_reap(struct hook *h, uint64_t now_ns)
{
	const struct hook_job *j = &h->q[h->head];
	bool killed = h->c.killed;
	int status = 0;

	if (!child_reap(&h->c, &status))
		return;
	if (killed) /* said when it was killed */
		log_info(LOG_INST_FMT "%s %s is gone", LOG_INST_ARGS(h->o), hook_name(j->path),
			 j->state);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info(LOG_INST_FMT "%s %s finished", LOG_INST_ARGS(h->o), hook_name(j->path),
			 j->state);
	else if (WIFEXITED(status))
		log_warnx(LOG_INST_FMT "%s %s exited with status %d", LOG_INST_ARGS(h->o),
			  hook_name(j->path), j->state, WEXITSTATUS(status));
	else
		log_warnx(LOG_INST_FMT "%s %s was killed by signal %d", LOG_INST_ARGS(h->o),
			  hook_name(j->path), j->state, WTERMSIG(status));
	h->deadline_ns = 0;
	h->head = (h->head + 1) % HOOK_QUEUE;
	h->len--;
	if (h->len)
		hook_start(h, now_ns);
}

static void hook_vip_str(int family, const struct opts_vip *v, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, family == AF_INET6 ? (const void *)v->addr.v6 : (const void *)&v->addr.v4,
		  a, sizeof(a));
	if (v->prefix_len == (family == AF_INET6 ? 128 : 32))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%d", a, v->prefix_len);
}

static void hook_start(struct hook *h, uint64_t now_ns)
{
	const struct hook_job *j = &h->q[h->head];
	const struct opts *o = h->o;
	char vips[OPTS_MAX_VIPS][INET6_ADDRSTRLEN + 8], vrid[4], prio[4];
	char env[HOOK_ENV_OURS - 1][64], env_vips[OPTS_MAX_VIPS * (INET6_ADDRSTRLEN + 9) + 16];
	char *argv[HOOK_ARGS], **envp;
	int i, n = 0, nenv = 0, off, ret;

	snprintf(vrid, sizeof(vrid), "%d", o->vrid);
	snprintf(prio, sizeof(prio), "%d", j->priority);
	argv[n++] = (char *)j->path;
	argv[n++] = (char *)o->ifname;
	argv[n++] = vrid;
	argv[n++] = (char *)j->state;
	argv[n++] = prio;
	off = snprintf(env_vips, sizeof(env_vips), "VRRPD_VIPS=");
	for (i = 0; i < o->nvips; i++) {
		hook_vip_str(o->family, &o->vips[i], vips[i], sizeof(vips[i]));
		argv[n++] = vips[i];
		off += snprintf(env_vips + off, sizeof(env_vips) - (size_t)off, "%s%s",
				i ? " " : "", vips[i]);
	}
	argv[n] = NULL;

	while (environ && environ[nenv])
		nenv++;
	envp = calloc((size_t)nenv + HOOK_ENV_OURS + 2, sizeof(*envp));
	if (!envp) {
		log_warn(LOG_INST_FMT "cannot run %s", LOG_INST_ARGS(o), j->path);
		goto skip;
	}
	n = 0;
	for (i = 0; i < nenv; i++)
		if (strncmp(environ[i], "VRRPD_", 6))
			envp[n++] = environ[i];
	snprintf(env[0], sizeof(env[0]), "VRRPD_IFNAME=%s", o->ifname);
	snprintf(env[1], sizeof(env[1]), "VRRPD_VRID=%d", o->vrid);
	snprintf(env[2], sizeof(env[2]), "VRRPD_STATE=%s", j->state);
	snprintf(env[3], sizeof(env[3]), "VRRPD_PREV_STATE=%s", j->prev);
	snprintf(env[4], sizeof(env[4]), "VRRPD_PRIORITY=%d", j->priority);
	snprintf(env[5], sizeof(env[5]), "VRRPD_REASON=%s", j->reason);
	for (i = 0; i < HOOK_ENV_OURS - 1; i++)
		envp[n++] = env[i];
	envp[n++] = env_vips;
	envp[n] = NULL;

	/* Deleted or changed since start-up: said plainly; the next transition tries again. */
	if (access(j->path, X_OK)) {
		log_warn(LOG_INST_FMT "cannot run %s %s", LOG_INST_ARGS(o), j->path, j->state);
		free(envp);
		goto skip;
	}
	ret = child_start(&h->c, j->path, argv, envp);
	free(envp);
	if (ret) {
		errno = -ret;
		log_warn(LOG_INST_FMT "cannot run %s", LOG_INST_ARGS(o), j->path);
		goto skip;
	}
	h->deadline_ns = now_ns + (uint64_t)o->script_timeout_s * 1000000000ull;
	log_info(LOG_INST_FMT "running %s %s (pid %d)", LOG_INST_ARGS(o), j->path, j->state,
		 h->c.pid);
	return;
skip:
	h->head = (h->head + 1) % HOOK_QUEUE;
	h->len--;
	if (h->len)
		hook_start(h, now_ns);
}

void hook_queue(struct hook *h, bool up, const char *state, const char *prev, const char *reason,
		uint8_t priority, uint64_t now_ns)
{
	const char *path = up ? h->o->up_script : h->o->down_script;
	struct hook_job *j;

	if (!path[0])
		return;
	/*
	 * Full: the two oldest that wait (not the one running) go, never the new one. Up and down
	 * alternate (a script runs on entering Master, the other on leaving it), so a pair cancels
	 * out: the scripts still see the transitions in order, and the last one always runs.
	 */
	if (h->len == HOOK_QUEUE) {
		const struct hook_job *a = &h->q[(h->head + 1) % HOOK_QUEUE];
		const struct hook_job *b = &h->q[(h->head + 2) % HOOK_QUEUE];
		int i;

		log_warnx(LOG_INST_FMT
			  "%d scripts are waiting already: %s %s and %s %s, the oldest, not run",
			  LOG_INST_ARGS(h->o), HOOK_QUEUE - 1, hook_name(a->path), a->state,
			  hook_name(b->path), b->state);
		for (i = 1; i < HOOK_QUEUE - 2; i++)
			h->q[(h->head + i) % HOOK_QUEUE] = h->q[(h->head + i + 2) % HOOK_QUEUE];
		h->len -= 2;
	}
	j = &h->q[(h->head + h->len) % HOOK_QUEUE];
	*j = (struct hook_job){
		.path = path, .state = state, .prev = prev, .reason = reason, .priority = priority
	};
	h->len++;
	if (h->len == 1)
		hook_start(h, now_ns);
}

int hook_on_fd(struct hook *h, int fd, uint64_t now_ns)
{
	if (!child_on_fd(&h->c, fd))
		return 0;
	hook_reap(h, now_ns);
	return 1;
}

bool hook_idle(const struct hook *h)
{
	return !h->len;
}

uint64_t hook_deadline(const struct hook *h)
{
	return h->c.pid > 0 && !h->c.killed ? h->deadline_ns : 0;
}

void hook_tick(struct hook *h, uint64_t now_ns)
{
	const struct hook_job *j = &h->q[h->head];

	if (h->c.pid > 0 && h->c.pidfd < 0)
		hook_reap(h, now_ns); /* no pidfd: look at every tick */
	if (h->c.pid <= 0 || h->c.killed || now_ns < h->deadline_ns)
		return;
	log_warnx(LOG_INST_FMT "%s %s still running after %d s: killed", LOG_INST_ARGS(h->o),
		  hook_name(j->path), j->state, h->o->script_timeout_s);
	child_kill(&h->c);
}

void hook_drain(struct hook *h)
{
	while (h->c.pid > 0) {
		uint64_t now = clock_now_ns();

		child_wait(&h->c, h->c.killed ? now + 1000000000ull : h->deadline_ns);
		now = clock_now_ns();
		hook_tick(h, now);
		hook_reap(h, now);
	}
}
