// SPDX-License-Identifier: GPL-2.0
/* The ordered event stream and the --notify-fifo (event.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "event.h"
#include "log.h"

#define EVENT_FIFO_WARN_NS (60 * CLOCK_NS_PER_S)

/* The process's bus: one per process, as the event loop is; NULL: none (unit tests). */
static struct event_bus *bus;

void event_init(struct event_bus *b, int epfd)
{
	memset(b, 0, sizeof(*b));
	b->epfd = epfd;
	b->fifo = -1;
	for (int i = 0; i < EVENT_SUBS; i++)
		b->sub[i] = -1;
	bus = b;
}

int event_fifo_open(struct event_bus *b, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (mkfifo(path, 0600) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "--notify-fifo %s: cannot create it: %s", path,
			 strerror(errno));
		return ret;
	}
	/*
	 * Read and write: the open does not wait for a reader, and the FIFO never reports a closed
	 * reader (EPIPE) when its consumer restarts; lines written meanwhile wait in the pipe.
	 */
	b->fifo = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (b->fifo < 0 || fstat(b->fifo, &st) || !S_ISFIFO(st.st_mode)) {
		ret = b->fifo < 0 ? -errno : -EINVAL;
		snprintf(err, errlen, "--notify-fifo %s: %s", path,
			 b->fifo < 0 ? strerror(errno) : "exists and is not a FIFO");
		if (b->fifo >= 0)
			close(b->fifo);
		b->fifo = -1;
		return ret;
	}
	snprintf(b->fifo_path, sizeof(b->fifo_path), "%s", path);
	return 0;
}

const char *event_quote(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (len < 3)
		return "";
	if (s[0] && !strpbrk(s, " \t\"\\=")) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	buf[n++] = '"';
	for (; *s && n + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			buf[n++] = '\\';
		/* A line is one line: control characters (a script's command) become blanks. */
		buf[n++] = (unsigned char)*s < ' ' ? ' ' : *s;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

static void event_fifo_write(struct event_bus *b, const char *line, size_t n)
{
	uint64_t now;

	/* One write of less than PIPE_BUF: whole or not at all, never interleaved. */
	if (write(b->fifo, line, n) == (ssize_t)n)
		return;
	b->fifo_dropped++;
	now = clock_now_ns();
	if (!b->fifo_warned_ns || now - b->fifo_warned_ns >= EVENT_FIFO_WARN_NS) {
		b->fifo_warned_ns = now;
		log_warnx("--notify-fifo %s is full (no reader?): %" PRIu64 " lines dropped so far",
			  b->fifo_path, b->fifo_dropped);
	}
}

void event_fifo_instance(const struct opts *o, const char *state, int priority)
{
	char line[OPTS_NAME_MAX + 64];
	int n;

	if (!bus || bus->fifo < 0)
		return;
	n = snprintf(line, sizeof(line), "INSTANCE \"%s\" %s %d\n", o->name, state, priority);
	if (n > 0 && (size_t)n < sizeof(line))
		event_fifo_write(bus, line, (size_t)n);
}

static void event_sub_drop(struct event_bus *b, int i)
{
	close(b->sub[i]); /* and out of the epoll set */
	b->sub[i] = -1;
	b->sub_out[i] = false;
}

/* Sends subscriber i what it has not had yet, until its socket is full. */
static void event_sub_flush(struct event_bus *b, int i)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = b->sub[i] };
	uint64_t oldest = b->seq > EVENT_RING ? b->seq - EVENT_RING + 1 : 1;
	bool full = false;

	/* Too far behind: what the ring no longer holds is lost (the gap in seq says so). */
	if (b->sub_next[i] < oldest)
		b->sub_next[i] = oldest;
	while (b->sub_next[i] <= b->seq) {
		const char *line = b->ring[b->sub_next[i] % EVENT_RING];

		if (send(b->sub[i], line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				full = true;
				break;
			}
			event_sub_drop(b, i); /* gone */
			return;
		}
		b->sub_next[i]++;
	}
	/* Woken when there is room again, and only then. */
	if (full != b->sub_out[i]) {
		ev.events |= full ? EPOLLOUT : 0;
		if (epoll_ctl(b->epfd, EPOLL_CTL_MOD, b->sub[i], &ev)) {
			event_sub_drop(b, i);
			return;
		}
		b->sub_out[i] = full;
	}
}

void event_emit(const struct opts *o, const char *type, const char *fmt, ...)
{
	struct timespec ts;
	char *line, name[2 * OPTS_NAME_MAX];
	va_list ap;
	int n;

	if (!bus)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	line = bus->ring[(bus->seq + 1) % EVENT_RING];
	n = snprintf(line, EVENT_LINE, "seq=%" PRIu64 " time=%lld.%06ld type=%s", bus->seq + 1,
		     (long long)ts.tv_sec, ts.tv_nsec / 1000, type);
	if (o && n > 0 && n < EVENT_LINE)
		n += snprintf(line + n, EVENT_LINE - (size_t)n,
			      " name=%s iface=%s vrid=%d family=%s",
			      event_quote(name, sizeof(name), o->name), o->ifname, o->vrid,
			      o->family == AF_INET6 ? "inet6" : "inet");
	if (n > 0 && n < EVENT_LINE - 1) {
		line[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(line + n, EVENT_LINE - (size_t)n, fmt, ap);
		va_end(ap);
	}
	bus->seq++;
	for (int i = 0; i < EVENT_SUBS; i++)
		if (bus->sub[i] >= 0 && !bus->sub_out[i])
			event_sub_flush(bus, i);
}

bool event_subscribe(struct event_bus *b, int fd, const char *arg, char *reply, size_t len)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	uint64_t oldest = b->seq > EVENT_RING ? b->seq - EVENT_RING + 1 : 1, from = b->seq + 1;
	char *end;
	int i;

	if (arg && *arg) {
		unsigned long long s = strtoull(arg, &end, 10);

		if (*end || arg[0] == '-') {
			snprintf(reply, len, "error watch takes a sequence number, not '%.32s'",
				 arg);
			return false;
		}
		from = s + 1 < oldest ? oldest : s + 1 > b->seq + 1 ? b->seq + 1 : s + 1;
	}
	for (i = 0; i < EVENT_SUBS && b->sub[i] >= 0; i++)
		;
	if (i == EVENT_SUBS) {
		snprintf(reply, len, "error %d watchers already: no more", EVENT_SUBS);
		return false;
	}
	/* A client that waited for its request is in the epoll set already (ctl.c). */
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) &&
	    (errno != EEXIST || epoll_ctl(b->epfd, EPOLL_CTL_MOD, fd, &ev))) {
		snprintf(reply, len, "error cannot watch: %s", strerror(errno));
		return false;
	}
	snprintf(reply, len, "ok watching %" PRIu64, from - 1);
	if (send(fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		close(fd);
		return true; /* gone already: taken, and closed */
	}
	b->sub[i] = fd;
	b->sub_next[i] = from;
	b->sub_out[i] = false;
	event_sub_flush(b, i);
	return true;
}

bool event_on_fd(struct event_bus *b, int fd, uint32_t events)
{
	char buf[64];

	for (int i = 0; i < EVENT_SUBS; i++) {
		if (b->sub[i] != fd || fd < 0)
			continue;
		/* A subscriber says nothing more: anything it sends, or its leaving, ends it. */
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
			if (!(events & EPOLLIN) || recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 ||
			    (errno != EAGAIN && errno != EINTR)) {
				event_sub_drop(b, i);
				return true;
			}
		}
		if (events & EPOLLOUT)
			event_sub_flush(b, i);
		return true;
	}
	return false;
}

void event_close(struct event_bus *b)
{
	for (int i = 0; i < EVENT_SUBS; i++)
		if (b->sub[i] >= 0)
			event_sub_drop(b, i);
	if (b->fifo >= 0)
		close(b->fifo);
	b->fifo = -1;
	if (bus == b)
		bus = NULL;
}
