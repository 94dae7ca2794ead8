// SPDX-License-Identifier: GPL-2.0
/* atropos: changes asked of the daemons through their control sockets (atropos.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "atropos.h"
#include "clock.h"
#include "ctl.h"

int daemon_connect(const struct args *a, const struct pinned_inst *in)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 2 };
	char path[sizeof(sa.sun_path)];
	socklen_t clen = sizeof(struct ucred);
	struct ucred cred = { 0 };
	struct stat st;
	int fd, ret;

	if (ctl_path(path, sizeof(path), a->run_dir, in->ifname, in->key.vrid)) {
		fprintf(stderr, "atropos: %s vrid %u: control socket path too long\n", in->ifname,
			in->key.vrid);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* Only a socket of our own user, served by the instance's own vrrpd, gets a request. */
	if (lstat(path, &st) == 0 && (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid())) {
		fprintf(stderr, "atropos: %s is not a socket of uid %u: not using it\n", path,
			(unsigned int)geteuid());
		return -EPERM;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		if (ret == -EACCES || ret == -EPERM)
			fprintf(stderr, "atropos: permission denied on %s: run atropos as root\n",
				path);
		else
			fprintf(stderr, "atropos: %s vrid %u: cannot reach vrrpd at %s: %s%s\n",
				in->ifname, in->key.vrid, path, strerror(-ret),
				ret == -ENOENT ? " (is it running with this -f?)" : "");
		close(fd);
		return ret;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != geteuid() ||
	    (uint32_t)cred.pid != in->cfg.owner_pid) {
		fprintf(stderr,
			"atropos: %s is served by pid %d (uid %u), not by vrrpd pid %u of %s vrid %u: not using it\n",
			path, (int)cred.pid, (unsigned int)cred.uid, in->cfg.owner_pid, in->ifname,
			in->key.vrid);
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Sends req to one daemon; reply gets its answer. 0, or -errno with a message printed. */
static int request(const struct args *a, const struct pinned_inst *in, const char *req, char *reply,
		   size_t len)
{
	int fd = daemon_connect(a, in), ret;
	ssize_t n;

	if (fd < 0)
		return fd;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    (n = recv(fd, reply, len - 1, 0)) <= 0) {
		ret = errno ? -errno : -EIO;
		fprintf(stderr, "atropos: %s vrid %u: no answer from vrrpd: %s\n", in->ifname,
			in->key.vrid, strerror(-ret));
		close(fd);
		return ret;
	}
	reply[n] = '\0';
	close(fd);
	return 0;
}

/* Whether what was asked shows in the maps. */
static bool took_effect(enum cmd c, const struct vrrpd_cfg *cfg, int prio)
{
	switch (c) {
	case CMD_BACKUP:
		return cfg->state != VRRPD_ST_MASTER;
	case CMD_MASTER:
		return cfg->state == VRRPD_ST_MASTER;
	case CMD_RESUME:
	case CMD_REDUCE:
	case CMD_INCREASE:
	case CMD_PRIORITY:
		return cfg->priority == prio;
	default:
		return true;
	}
}

/*
 * --reload: each selected instance's daemon, once (a daemon with -c FILE runs several), reads
 * its file again; its answer is printed. 0 if every one reloaded.
 */
int cmd_reload(const struct args *a, const struct maps *m)
{
	static struct pinned_inst in[MAX_INST];
	int n = maps_load(a, m, in, MAX_INST), i, j, failed = 0, done = 0;
	char reply[CTL_MSG_MAX];

	for (i = 0; i < n; i++) {
		if (in[i].stale)
			continue;
		for (j = 0; j < i; j++)
			if (!in[j].stale && in[j].cfg.owner_pid == in[i].cfg.owner_pid)
				break;
		if (j < i)
			continue;
		done++;
		if (request(a, &in[i], ctl_req_word(CTL_REQ_RELOAD), reply, sizeof(reply))) {
			failed++;
			continue;
		}
		if (strncmp(reply, "ok ", 3)) {
			fprintf(stderr, "atropos: vrrpd pid %u: %s\n", in[i].cfg.owner_pid,
				strncmp(reply, "error ", 6) ? reply : reply + 6);
			failed++;
			continue;
		}
		printf("vrrpd pid %u: reloaded: %s\n", in[i].cfg.owner_pid, reply + 3);
	}
	if (!done) {
		fprintf(stderr, "atropos: no vrrpd instance matches\n");
		return 1;
	}
	return failed ? 1 : 0;
}

int cmd_change(const struct args *a, const struct maps *m)
{
	/* The control request (ctl.h) of each command that changes an instance. */
	static const enum ctl_req reqs[] = {
		[CMD_BACKUP] = CTL_REQ_BACKUP,	   [CMD_MASTER] = CTL_REQ_MASTER,
		[CMD_RESUME] = CTL_REQ_RESUME,	   [CMD_REDUCE] = CTL_REQ_REDUCE,
		[CMD_INCREASE] = CTL_REQ_INCREASE, [CMD_PRIORITY] = CTL_REQ_PRIORITY,
		[CMD_GARP] = CTL_REQ_GARP,
	};
	static struct pinned_inst in[MAX_INST];
	int n = maps_load(a, m, in, MAX_INST), i, failed = 0, done = 0, shown = 0;
	char req[64], reply[CTL_MSG_MAX];

	ctl_req_format(req, sizeof(req), reqs[a->cmd], a->priority);
	for (i = 0; i < n; i++) {
		struct vrrpd_cfg cfg;
		char state[16];
		int prio = -1;
		__u64 deadline;

		if (in[i].stale)
			continue;
		/* --backup concerns masters, --master backups, --garp masters. */
		if ((a->cmd == CMD_BACKUP || a->cmd == CMD_GARP) &&
		    in[i].cfg.state != VRRPD_ST_MASTER && !a->ifname && !a->vrid)
			continue;
		done++;
		if (request(a, &in[i], req, reply, sizeof(reply))) {
			failed++;
			continue;
		}
		if (strncmp(reply, "ok ", 3) || sscanf(reply + 3, "%15s %d", state, &prio) != 2) {
			fprintf(stderr, "atropos: %s vrid %u: %s\n", in[i].ifname, in[i].key.vrid,
				strncmp(reply, "error ", 6) ? reply : reply + 6);
			failed++;
			continue;
		}
		deadline = clock_now_ns() + (__u64)a->timeout_s * 1000000000ull;
		for (;;) {
			if (bpf_map_lookup_elem(m->cfg, &in[i].key, &cfg))
				memset(&cfg, 0, sizeof(cfg));
			if (took_effect(a->cmd, &cfg, prio))
				break;
			if (clock_now_ns() >= deadline)
				break;
			usleep(10000);
		}
		if (!took_effect(a->cmd, &cfg, prio)) {
			fprintf(stderr,
				"atropos: %s vrid %u: not in effect after %d s: %s, priority %u\n",
				in[i].ifname, in[i].key.vrid, a->timeout_s,
				show_state_name(cfg.state), cfg.priority);
			failed++;
			continue;
		}
		if (a->json) {
			/* The instance as it is now, in the --state schema. */
			in[i].cfg = cfg;
			printf(shown++ ? "," : "{\"instances\":[");
			show_json(m, &in[i]);
			continue;
		}
		printf("%s vrid %u: %s, priority %u (configured %u)\n", in[i].ifname,
		       in[i].key.vrid, show_state_name(cfg.state), cfg.priority, cfg.cfg_priority);
	}
	if (a->json && done)
		printf("%s]}\n", shown ? "" : "{\"instances\":[");
	if (!done) {
		fprintf(stderr, "atropos: no %svrrpd instance%s\n",
			a->cmd == CMD_BACKUP || a->cmd == CMD_GARP ? "master " : "",
			a->ifname || a->vrid ? " matches" : "");
		return 2;
	}
	return failed ? 1 : 0;
}
