// SPDX-License-Identifier: GPL-2.0
/* The control socket (see ctl.h): root only, one short request per connection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

#define CTL_REQ_WORD(name, word) [CTL_REQ_##name] = word,
static const char *const ctl_req_words[CTL_REQ_COUNT] = { CTL_REQUESTS(CTL_REQ_WORD) };

const char *ctl_req_word(enum ctl_req req)
{
	return (unsigned int)req < CTL_REQ_COUNT ? ctl_req_words[req] : "?";
}

int ctl_req_parse(const char *line, int *arg)
{
	int i, n = 0;

	*arg = 0;
	for (i = 0; i < CTL_REQ_COUNT; i++) {
		size_t w = strlen(ctl_req_words[i]);

		if (strncmp(line, ctl_req_words[i], w))
			continue;
		if (i != CTL_REQ_PRIORITY && !line[w])
			return i;
		/* "watch SEQ": digits only. */
		if (i == CTL_REQ_WATCH && line[w] == ' ' && line[w + 1] &&
		    strspn(line + w + 1, "0123456789") == strlen(line + w + 1))
			return i;
		/* "priority N": a number, nothing after it. */
		if (i == CTL_REQ_PRIORITY && line[w] == ' ' &&
		    sscanf(line + w + 1, "%d%n", arg, &n) == 1 && !line[w + 1 + n])
			return i;
	}
	return -1;
}

int ctl_req_format(char *buf, size_t len, enum ctl_req req, int arg)
{
	int n = req == CTL_REQ_PRIORITY ? snprintf(buf, len, "%s %d", ctl_req_word(req), arg) :
					  snprintf(buf, len, "%s", ctl_req_word(req));

	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int ctl_path(char *buf, size_t len, const char *run_dir, const char *ifname, int vrid)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);

	if ((size_t)snprintf(buf, len, "%s/vrrpd-%s-%d.sock", run_dir, ifname, vrid) >=
	    (len < max ? len : max))
		return -ENAMETOOLONG;
	return 0;
}

void ctl_init(struct ctl *c)
{
	int i;

	c->fd = -1;
	c->epfd = -1;
	c->path[0] = '\0';
	for (i = 0; i < CTL_CLIENTS; i++)
		c->cl[i] = -1;
}

int ctl_open(struct ctl *c, const char *run_dir, const char *ifname, int vrid, int epfd, char *err,
	     size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int ret;

	ctl_init(c);
	c->epfd = epfd;
	ret = ctl_path(c->path, sizeof(c->path), run_dir, ifname, vrid);
	if (ret) {
		snprintf(err, errlen, "control socket path in %s is too long", run_dir);
		c->path[0] = '\0';
		return ret;
	}
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		goto fail;
	/* A socket left by a vrrpd that died: ours now (the instance claim said it is gone). */
	unlink(c->path);
	old = umask(0177); /* 0600: root only */
	ret = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(c->fd, 8))
		goto fail;
	return 0;
fail:
	ret = -errno;
	snprintf(err, errlen, "cannot create the control socket %s: %s", c->path, strerror(errno));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->path[0] = '\0';
	return ret;
}

static void ctl_drop(struct ctl *c, int i)
{
	close(c->cl[i]); /* and out of the epoll set, as its only reference */
	c->cl[i] = -1;
}

/* Replies and hangs up; the reply fits in an empty socket's buffer, so it never waits. */
static void ctl_reply(int fd, const char *reply)
{
	if (send(fd, reply, strlen(reply), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_warn("control socket: cannot reply");
	close(fd);
}

/* Reads fd's request if it is there: 1 answered (fd closed), 0 not yet, -1 gone (closed). */
static int ctl_read(int fd, ctl_handler handle, void *arg)
{
	char req[CTL_MSG_MAX], reply[CTL_MSG_MAX];
	ssize_t n = recv(fd, req, sizeof(req) - 1, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		close(fd);
		return -1;
	}
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	if (handle(arg, req, fd, reply, sizeof(reply)))
		return 1; /* the handler's now */
	ctl_reply(fd, reply);
	return 1;
}

/* A new client: answered at once if its request is there, else it waits in a slot. */
static void ctl_accepted(struct ctl *c, int fd, uint64_t now_ns, ctl_handler handle, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	int i, slot = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		ctl_reply(fd, "error permission denied: root only");
		return;
	}
	if (ctl_read(fd, handle, arg))
		return;
	/* A free slot, or the one that has waited longest. */
	for (i = 0; i < CTL_CLIENTS; i++) {
		if (c->cl[i] < 0) {
			slot = i;
			break;
		}
		if (c->cl_until[i] < c->cl_until[slot])
			slot = i;
	}
	if (c->cl[slot] >= 0)
		ctl_drop(c, slot);
	ev.data.fd = fd;
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		return;
	}
	c->cl[slot] = fd;
	c->cl_until[slot] = now_ns + CTL_CLIENT_NS;
}

bool ctl_on_fd(struct ctl *c, int fd, uint64_t now_ns, ctl_handler handle, void *arg)
{
	int i, cfd;

	if (fd < 0)
		return false;
	if (fd == c->fd) {
		/* The whole backlog: each accept is quick, and the listening fd is level-triggered. */
		while ((cfd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
			ctl_accepted(c, cfd, now_ns, handle, arg);
		return true;
	}
	for (i = 0; i < CTL_CLIENTS; i++) {
		if (c->cl[i] != fd)
			continue;
		/*
		 * Out of its slot while it is served: the request may stop this very instance (a
		 * reload), whose ctl_close() must not close the fd we are answering on.
		 */
		c->cl[i] = -1;
		if (!ctl_read(fd, handle, arg))
			c->cl[i] = fd; /* nothing read yet: handle() did not run */
		return true;
	}
	return false;
}

uint64_t ctl_deadline(const struct ctl *c)
{
	uint64_t dl = 0;
	int i;

	for (i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i] >= 0 && (!dl || c->cl_until[i] < dl))
			dl = c->cl_until[i];
	return dl;
}

void ctl_tick(struct ctl *c, uint64_t now_ns)
{
	int i;

	for (i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i] >= 0 && now_ns >= c->cl_until[i])
			ctl_drop(c, i);
}

void ctl_close(struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_CLIENTS; i++)
		if (c->cl[i] >= 0)
			ctl_drop(c, i);
	if (c->fd >= 0)
		close(c->fd);
	if (c->path[0])
		unlink(c->path);
	c->fd = -1;
	c->path[0] = '\0';
}
