// SPDX-License-Identifier: GPL-2.0
/*
 * atropos --watch: the daemons' event streams (their control sockets' "watch", user/event.h),
 * as they come, in each daemon's order, with nothing polled: one subscription per daemon whose
 * instances are selected, and the maps read again once a second for daemons started since
 * (whose streams are then taken from their beginning, as far as they keep them).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "atropos.h"
#include "clock.h"
#include "ctl.h"

#define WATCH_MAX 64 /* daemons watched at once */
#define WATCH_FIELDS 24
#define WATCH_RESCAN_MS 1000

struct watched {
	int fd;
	uint32_t pid;
	uint64_t next; /* the seq expected next */
};

struct field {
	char key[24];
	char val[400];
};

struct event {
	struct field f[WATCH_FIELDS];
	int n;
};

static volatile sig_atomic_t stop_watch;

static void on_stop(int sig)
{
	(void)sig;
	stop_watch = 1;
}

/* One line of key=value fields (values bare, or "quoted" with \ escapes) into ev. */
static void parse_line(const char *s, struct event *ev)
{
	ev->n = 0;
	while (*s && ev->n < WATCH_FIELDS) {
		struct field *f = &ev->f[ev->n];
		size_t k = 0, v = 0;

		while (*s == ' ')
			s++;
		while (*s && *s != '=' && *s != ' ' && k + 1 < sizeof(f->key))
			f->key[k++] = *s++;
		f->key[k] = '\0';
		if (*s != '=') {
			while (*s && *s != ' ')
				s++;
			continue;
		}
		s++;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1])
					s++;
				if (v + 1 < sizeof(f->val))
					f->val[v++] = *s;
			}
			if (*s == '"')
				s++;
		} else {
			while (*s && *s != ' ')
				if (v + 1 < sizeof(f->val))
					f->val[v++] = *s++;
				else
					s++;
		}
		f->val[v] = '\0';
		if (k)
			ev->n++;
	}
}

static const char *get(const struct event *ev, const char *key)
{
	for (int i = 0; i < ev->n; i++)
		if (!strcmp(ev->f[i].key, key))
			return ev->f[i].val;
	return "";
}

/* A number as JSON takes it (a sign only when negative). */
static bool is_number(const char *s)
{
	const char *p = s + (*s == '-');
	bool dot = false;

	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p == '.' && !dot && p[1])
			dot = true;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return s[0] != '0' || !s[1] || s[1] == '.';
}

static void print_json(const struct event *ev, uint32_t pid)
{
	printf("{\"pid\":%u", pid);
	for (int i = 0; i < ev->n; i++) {
		printf(",\"%s\":", ev->f[i].key);
		if (is_number(ev->f[i].val))
			printf("%s", ev->f[i].val);
		else
			show_json_string(ev->f[i].val);
	}
	printf("}\n");
}

static void print_time(const char *t)
{
	time_t secs = (time_t)strtoll(t, NULL, 10);
	const char *frac = strchr(t, '.');
	struct tm tm;
	char buf[16] = "?";

	if (localtime_r(&secs, &tm))
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	printf("%s%s", buf, frac ? frac : "");
}

/* N TIME IFACE vrid V: what happened. */
static void print_text(const struct event *ev, int n)
{
	const char *type = get(ev, "type"), *w = get(ev, "weight");

	printf("%d ", n);
	print_time(get(ev, "time"));
	if (get(ev, "iface")[0])
		printf(" %s vrid %s%s:", get(ev, "iface"), get(ev, "vrid"),
		       strcmp(get(ev, "family"), "inet6") ? "" : " IPv6");
	if (!strcmp(type, "state")) {
		printf(" %s -> %s (%s), priority %s\n", get(ev, "from"), get(ev, "to"),
		       get(ev, "reason"), get(ev, "priority"));
	} else if (!strcmp(type, "priority")) {
		printf(" priority %s (configured %s, set %s, tracking %s)\n", get(ev, "priority"),
		       get(ev, "configured"), get(ev, "admin"), get(ev, "tracking"));
	} else if (!strcmp(type, "track")) {
		printf(" %s %s %s", get(ev, "kind"), get(ev, "object"), get(ev, "state"));
		if (!strcmp(w, "fault"))
			printf(" (FAULT while down)");
		else
			printf(" (weight %s)", w);
		printf("%s%s\n", get(ev, "detail")[0] ? ": " : "", get(ev, "detail"));
	} else if (!strcmp(type, "link")) {
		printf(" link %s%s%s%s\n", get(ev, "state"), get(ev, "why")[0] ? " (" : "",
		       get(ev, "why"), get(ev, "why")[0] ? ")" : "");
	} else if (!strcmp(type, "group")) {
		printf(" group %s %s (%s)\n", get(ev, "group"), get(ev, "state"), get(ev, "why"));
	} else {
		for (int i = 0; i < ev->n; i++)
			printf(" %s=%s", ev->f[i].key, ev->f[i].val);
		printf("\n");
	}
}

/* Whether -i and -v select the event's instance. */
static bool selected(const struct args *a, const struct event *ev)
{
	if (a->ifname && strcmp(a->ifname, get(ev, "iface")))
		return false;
	return !a->vrid || atoi(get(ev, "vrid")) == a->vrid;
}

/* Subscribes to in's daemon: from now (fresh false), or from its first kept event. */
static int subscribe(const struct args *a, const struct pinned_inst *in, bool fresh,
		     struct watched *w)
{
	char req[32], reply[CTL_MSG_MAX];
	uint64_t seq;
	ssize_t n;
	int fd = daemon_connect(a, in);

	if (fd < 0)
		return fd;
	snprintf(req, sizeof(req), "%s%s", ctl_req_word(CTL_REQ_WATCH), fresh ? " 0" : "");
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    (n = recv(fd, reply, sizeof(reply) - 1, 0)) <= 0) {
		fprintf(stderr, "atropos: vrrpd pid %u: no answer to watch\n", in->cfg.owner_pid);
		close(fd);
		return -EIO;
	}
	reply[n] = '\0';
	if (sscanf(reply, "ok watching %" SCNu64, &seq) != 1) {
		fprintf(stderr, "atropos: vrrpd pid %u: %s\n", in->cfg.owner_pid,
			strncmp(reply, "error ", 6) ? reply : reply + 6);
		close(fd);
		return -EIO;
	}
	w->fd = fd;
	w->pid = in->cfg.owner_pid;
	w->next = seq + 1;
	return 0;
}

/* The daemons of the selected instances not watched yet: watched (fresh: started since). */
static void watch_new(const struct args *a, const struct maps *m, struct watched *w, int *nw,
		      bool fresh)
{
	static struct pinned_inst in[MAX_INST];
	int n = maps_load(a, m, in, MAX_INST), i, j;

	for (i = 0; i < n && *nw < WATCH_MAX; i++) {
		if (in[i].stale)
			continue;
		for (j = 0; j < *nw && w[j].pid != in[i].cfg.owner_pid; j++)
			;
		if (j == *nw && !subscribe(a, &in[i], fresh, &w[*nw]))
			(*nw)++;
	}
}

int cmd_watch(const struct args *a, const struct maps *m)
{
	struct watched w[WATCH_MAX];
	struct pollfd pfd[WATCH_MAX];
	char line[1024];
	struct event ev;
	uint64_t seq, scanned;
	int nw = 0, shown = 0, i, r;
	ssize_t n;

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	watch_new(a, m, w, &nw, false);
	scanned = clock_now_ns();
	while (!stop_watch && (!a->count || shown < a->count)) {
		uint64_t now = clock_now_ns(), due = scanned + WATCH_RESCAN_MS * 1000000ull;

		if (now >= due) {
			watch_new(a, m, w, &nw, true);
			scanned = now;
			due = now + WATCH_RESCAN_MS * 1000000ull;
		}
		for (i = 0; i < nw; i++)
			pfd[i] = (struct pollfd){ .fd = w[i].fd, .events = POLLIN };
		r = poll(pfd, (nfds_t)nw, (int)((due - now) / 1000000ull) + 1);
		if (r < 0 && errno != EINTR)
			return 1;
		if (r <= 0)
			continue;
		for (i = 0; i < nw && (!a->count || shown < a->count); i++) {
			if (!pfd[i].revents)
				continue;
			n = recv(w[i].fd, line, sizeof(line) - 1, MSG_DONTWAIT);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				/* The daemon stopped: its instances' next daemon is found anew. */
				close(w[i].fd);
				w[i--] = w[--nw];
				continue;
			}
			line[n] = '\0';
			parse_line(line, &ev);
			seq = strtoull(get(&ev, "seq"), NULL, 10);
			if (seq > w[i].next) {
				if (a->json)
					printf("{\"pid\":%u,\"lost\":%" PRIu64 "}\n", w[i].pid,
					       seq - w[i].next);
				else
					printf("vrrpd pid %u: %" PRIu64
					       " events lost (atropos was too slow)\n",
					       w[i].pid, seq - w[i].next);
			}
			w[i].next = seq + 1;
			if (!selected(a, &ev))
				continue;
			shown++;
			if (a->json)
				print_json(&ev, w[i].pid);
			else
				print_text(&ev, shown);
		}
	}
	for (i = 0; i < nw; i++)
		close(w[i].fd);
	return 0;
}
