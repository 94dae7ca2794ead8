/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: RUN_DIR/vrrpd-IFACE-VRID.sock, a root-only (0600) SOCK_SEQPACKET unix
 * socket. One request per connection, one line each way:
 *   backup | master | resume | reduce | increase | priority N | garp
 *   -> "ok STATE PRIORITY" or "error MESSAGE"
 * atropos is the client; it never signals a pid read from a file.
 */
#ifndef VRRPD_CTL_H
#define VRRPD_CTL_H

#include <stddef.h>

#define CTL_MSG_MAX 256

struct ctl {
	int fd; /* listening, -1 if none */
	char path[108]; /* sun_path */
};

/* The socket's path for an instance; -ENAMETOOLONG if it does not fit in sun_path. */
int ctl_path(char *buf, size_t len, const char *run_dir, const char *ifname, int vrid);
int ctl_open(struct ctl *c, const char *run_dir, const char *ifname, int vrid, char *err,
	     size_t errlen);
/*
 * A client is waiting: reads its request, has handle() answer it, replies, hangs up. Never
 * blocks for long: a client that does not send within 200 ms is dropped.
 */
void ctl_serve(struct ctl *c, void (*handle)(void *arg, const char *req, char *reply, size_t len),
	       void *arg);
void ctl_close(struct ctl *c);

#endif /* VRRPD_CTL_H */
