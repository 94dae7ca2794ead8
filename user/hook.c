// SPDX-License-Identifier: GPL-2.0
/*
 * The scripts of a change of state. The original waited for its up and down scripts in its main
 * loop (wait()), gave them no arguments and its raw socket as stdin; here a script runs on its
 * own while the daemon goes on advertising, gets the transition as arguments and environment,
 * reads /dev/null, and its output goes to the log. One script runs at a time per instance, so
 * they see the transitions in order; a script that outlives the timeout is killed with its
 * process group.
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

/* -U's: IFACE VRID STATE PRIO VIP...; --notify's: its words, INSTANCE NAME STATE PRIO. */
#define HOOK_ARGS (OPTS_CMD_WORDS + OPTS_MAX_VIPS + 5)
#define HOOK_ENV_OURS 7 /* VRRPD_IFNAME ... VRRPD_REASON, then VRRPD_VIPS */

/* The --notify-STATE of each state a script is told of. */
static const struct {
	const char *state;
	enum opts_notify n;
	const char *opt;
} hook_notify[] = {
	{ "MASTER", OPTS_NOTIFY_MASTER, "--notify-master" },
	{ "BACKUP", OPTS_NOTIFY_BACKUP, "--notify-backup" },
	{ "FAULT", OPTS_NOTIFY_FAULT, "--notify-fault" },
	{ "STOP", OPTS_NOTIFY_STOP, "--notify-stop" },
	{ NULL, OPTS_NOTIFY_ANY, "--notify" },
};

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

/*
 * A --notify command: its program checked as -U's script is. A name without '/' is looked up
 * in PATH (now, to say so if it is nowhere; again when it runs); a relative path is made
 * absolute in the command, the arguments after it kept as given.
 */
static int hook_check_cmd(char *cmd, const char *opt, char *err, size_t errlen)
{
	char words[OPTS_PATH_MAX], path[OPTS_PATH_MAX], out[2 * OPTS_PATH_MAX];
	char *argv[OPTS_CMD_WORDS];
	const char *rest = cmd;
	char q = 0;
	int ret;

	if (!cmd[0])
		return 0;
	if (opts_words(cmd, words, sizeof(words), argv) < 0) { /* opts.c said so already */
		snprintf(err, errlen, "command '%s' for %s: a quote is not closed", cmd, opt);
		return -EINVAL;
	}
	if (!strchr(argv[0], '/')) {
		child_lookup(argv[0], path, sizeof(path));
		if (!strchr(path, '/')) {
			snprintf(err, errlen, "command '%s' for %s: no '%s' in PATH", cmd, opt,
				 argv[0]);
			return -ENOENT;
		}
		return hook_check_one(path, opt, err, errlen);
	}
	snprintf(path, sizeof(path), "%s", argv[0]);
	ret = hook_check_one(path, opt, err, errlen);
	if (ret || argv[0][0] == '/')
		return ret;
	/* The first word's end, quotes and all: what follows it stays as it was. */
	while (*rest == ' ' || *rest == '\t')
		rest++;
	for (; *rest && (q || (*rest != ' ' && *rest != '\t')); rest++)
		q = !q && (*rest == '\'' || *rest == '"') ? *rest : q && *rest == q ? 0 : q;
	if (strpbrk(path, " \t'\"") ||
	    snprintf(out, sizeof(out), "%s%s", path, rest) >= OPTS_PATH_MAX) {
		snprintf(err, errlen, "command '%s' for %s: cannot make its path absolute", cmd,
			 opt);
		return -ENAMETOOLONG;
	}
	memcpy(cmd, out, strlen(out) + 1);
	return 0;
}

int hook_check(struct opts *o, char *err, size_t errlen)
{
	int ret = hook_check_one(o->up_script, "-U", err, errlen);

	if (!ret)
		ret = hook_check_one(o->down_script, "-D", err, errlen);
	for (size_t i = 0; !ret && i < sizeof(hook_notify) / sizeof(hook_notify[0]); i++)
		ret = hook_check_cmd(o->notify[hook_notify[i].n], hook_notify[i].opt, err, errlen);
	return ret;
}

/* What step s of job j runs: a path (-U, -D), a command (--notify*), or "" for nothing. */
static const char *hook_cmd(const struct opts *o, const struct hook_job *j, enum hook_step s)
{
	bool master = !strcmp(j->state, "MASTER");
	size_t i;

	switch (s) {
	case HOOK_S_UP:
		return master ? o->up_script : "";
	case HOOK_S_DOWN:
		return !master && !strcmp(j->prev, "MASTER") ? o->down_script : "";
	case HOOK_S_STATE:
		for (i = 0; hook_notify[i].state; i++)
			if (!strcmp(j->state, hook_notify[i].state))
				return o->notify[hook_notify[i].n];
		return "";
	case HOOK_S_ANY:
		return o->notify[OPTS_NOTIFY_ANY];
	case HOOK_S_END:
		break;
	}
	return "";
}

/* A script's output, a line at a time, up to CHILD_MAX_LINES a run: a chatty one cannot flood. */
static void hook_on_line(void *ctx, const char *line, int n)
{
	struct hook *h = ctx;
	const struct hook_job *j = &h->q[h->head];

	if (n <= CHILD_MAX_LINES)
		log_info(LOG_INST_FMT "%s: %s", LOG_INST_ARGS(h->o), h->name, line);
	else if (n == CHILD_MAX_LINES + 1)
		log_warnx(LOG_INST_FMT
			  "%s %s: more than %d lines of output: the rest is not logged",
			  LOG_INST_ARGS(h->o), h->name, j->state, CHILD_MAX_LINES);
}

static void hook_start(struct hook *h, uint64_t now_ns);

/* The script exited: its last output, its status, and the next one. */
static void hook_reap(struct hook *h, uint64_t now_ns)
{
	struct hook_job *j = &h->q[h->head];
	bool killed = h->c.killed;
	int status = 0;

	if (!child_reap(&h->c, &status))
		return;
	if (killed) /* said when it was killed */
		log_info(LOG_INST_FMT "%s %s is gone", LOG_INST_ARGS(h->o), h->name, j->state);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info(LOG_INST_FMT "%s %s finished", LOG_INST_ARGS(h->o), h->name, j->state);
	else if (WIFEXITED(status))
		log_warnx(LOG_INST_FMT "%s %s exited with status %d", LOG_INST_ARGS(h->o), h->name,
			  j->state, WEXITSTATUS(status));
	else
		log_warnx(LOG_INST_FMT "%s %s was killed by signal %d", LOG_INST_ARGS(h->o),
			  h->name, j->state, WTERMSIG(status));
	h->deadline_ns = 0;
	j->step++;
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

/* The words of step s: -U's and -D's own, or the command's (and --notify's four more). */
struct hook_argv {
	char *argv[HOOK_ARGS];
	char words[OPTS_PATH_MAX], path[2 * OPTS_PATH_MAX];
	char vips[OPTS_MAX_VIPS][INET6_ADDRSTRLEN + 8], vrid[4], prio[4];
};

static int hook_argv(const struct opts *o, const struct hook_job *j, const char *cmd,
		     struct hook_argv *a)
{
	int i, n = 0;

	snprintf(a->vrid, sizeof(a->vrid), "%d", o->vrid);
	snprintf(a->prio, sizeof(a->prio), "%d", j->priority);
	for (i = 0; i < o->nvips; i++)
		hook_vip_str(o->family, &o->vips[i], a->vips[i], sizeof(a->vips[i]));
	if (j->step == HOOK_S_UP || j->step == HOOK_S_DOWN) {
		snprintf(a->path, sizeof(a->path), "%s", cmd);
		a->argv[n++] = a->path;
		a->argv[n++] = (char *)o->ifname;
		a->argv[n++] = a->vrid;
		a->argv[n++] = (char *)j->state;
		a->argv[n++] = a->prio;
		for (i = 0; i < o->nvips; i++)
			a->argv[n++] = a->vips[i];
	} else {
		n = opts_words(cmd, a->words, sizeof(a->words), a->argv);
		if (n < 0)
			return n;
		child_lookup(a->argv[0], a->path, sizeof(a->path));
		if (j->step == HOOK_S_ANY) {
			a->argv[n++] = "INSTANCE";
			a->argv[n++] = (char *)o->name;
			a->argv[n++] = (char *)j->state;
			a->argv[n++] = a->prio;
		}
	}
	a->argv[n] = NULL;
	return 0;
}

/* Runs the first script of q[head] from its step on; a change with none left goes. */
static void hook_start(struct hook *h, uint64_t now_ns)
{
	const struct opts *o = h->o;
	char env[HOOK_ENV_OURS - 1][64], env_vips[OPTS_MAX_VIPS * (INET6_ADDRSTRLEN + 9) + 16];
	struct hook_job *j;
	struct hook_argv a;
	const char *cmd = "";
	char **envp;
	int i, n = 0, nenv = 0, off, ret;

	while (h->len) {
		j = &h->q[h->head];
		while (j->step < HOOK_S_END && !(cmd = hook_cmd(o, j, j->step))[0])
			j->step++;
		if (j->step < HOOK_S_END)
			break;
		h->head = (h->head + 1) % HOOK_QUEUE;
		h->len--;
	}
	if (!h->len)
		return;
	if (hook_argv(o, j, cmd, &a)) {
		snprintf(a.path, sizeof(a.path), "%s", cmd);
		errno = EINVAL;
		goto skip;
	}
	snprintf(h->name, sizeof(h->name), "%.*s", (int)sizeof(h->name) - 1,
		 strrchr(a.path, '/') ? strrchr(a.path, '/') + 1 : a.path);

	off = snprintf(env_vips, sizeof(env_vips), "VRRPD_VIPS=");
	for (i = 0; i < o->nvips; i++)
		off += snprintf(env_vips + off, sizeof(env_vips) - (size_t)off, "%s%s",
				i ? " " : "", a.vips[i]);
	while (environ && environ[nenv])
		nenv++;
	envp = calloc((size_t)nenv + HOOK_ENV_OURS + 2, sizeof(*envp));
	if (!envp)
		goto skip;
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
	ret = access(a.path, X_OK) ? -errno : child_start(&h->c, a.path, a.argv, envp);
	free(envp);
	if (ret) {
		errno = -ret;
		goto skip;
	}
	h->deadline_ns = now_ns + (uint64_t)o->script_timeout_s * 1000000000ull;
	log_info(LOG_INST_FMT "running %s %s (pid %d)", LOG_INST_ARGS(o), a.path, j->state,
		 h->c.pid);
	return;
skip:
	log_warn(LOG_INST_FMT "cannot run %s %s", LOG_INST_ARGS(o), a.path, j->state);
	j->step++;
	hook_start(h, now_ns);
}

void hook_queue(struct hook *h, const char *state, const char *prev, const char *reason,
		uint8_t priority, uint64_t now_ns)
{
	struct hook_job *j,
		job = { .state = state, .prev = prev, .reason = reason, .priority = priority };

	while (job.step < HOOK_S_END && !hook_cmd(h->o, &job, job.step)[0])
		job.step++;
	if (job.step == HOOK_S_END)
		return; /* no script for this change */
	/*
	 * Full: the two oldest that wait (not the one running) go, never the new one. With -U and
	 * -D alone the changes alternate (a script on entering Master, the other on leaving it),
	 * so a pair cancels out; with --notify the last change is still the last told. Either way
	 * the scripts see the changes in order.
	 */
	if (h->len == HOOK_QUEUE) {
		const struct hook_job *a = &h->q[(h->head + 1) % HOOK_QUEUE];
		const struct hook_job *b = &h->q[(h->head + 2) % HOOK_QUEUE];
		int i;

		log_warnx(
			LOG_INST_FMT
			"%d changes of state wait for their scripts already: those to %s and %s, the oldest, not run",
			LOG_INST_ARGS(h->o), HOOK_QUEUE - 1, a->state, b->state);
		for (i = 1; i < HOOK_QUEUE - 2; i++)
			h->q[(h->head + i) % HOOK_QUEUE] = h->q[(h->head + i + 2) % HOOK_QUEUE];
		h->len -= 2;
	}
	j = &h->q[(h->head + h->len) % HOOK_QUEUE];
	*j = job;
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
		  h->name, j->state, h->o->script_timeout_s);
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
