// SPDX-License-Identifier: GPL-2.0
/* The control socket (see ctl.h): root only, one short request per connection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"

int ctl_path(char *buf, size_t len, const char *run_dir, const char *ifname, int vrid)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);

	if ((size_t)snprintf(buf, len, "%s/vrrpd-%s-%d.sock", run_dir, ifname, vrid) >=
	    (len < max ? len : max))
		return -ENAMETOOLONG;
	return 0;
}

int ctl_open(struct ctl *c, const char *run_dir, const char *ifname, int vrid, char *err,
	     size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int ret;

	c->fd = -1;
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

void ctl_serve(struct ctl *c, void (*handle)(void *arg, const char *req, char *reply, size_t len),
	       void *arg)
{
	struct timeval tv = { .tv_usec = 200000 };
	char req[CTL_MSG_MAX], reply[CTL_MSG_MAX];
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	ssize_t n;
	int fd;

	while ((fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
			snprintf(reply, sizeof(reply), "error permission denied: root only");
		} else {
			n = recv(fd, req, sizeof(req) - 1, 0);
			if (n <= 0) {
				close(fd);
				continue;
			}
			req[n] = '\0';
			req[strcspn(req, "\r\n")] = '\0';
			handle(arg, req, reply, sizeof(reply));
		}
		if (send(fd, reply, strlen(reply), MSG_NOSIGNAL) < 0)
			log_warn("control socket: cannot reply");
		close(fd);
	}
}

void ctl_close(struct ctl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->path[0])
		unlink(c->path);
	c->fd = -1;
	c->path[0] = '\0';
}
