/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: RUN_DIR/vrrpd-IFACE-VRID.sock, a root-only (0600) SOCK_SEQPACKET unix
 * socket. One request per connection, one line each way (the client has CTL_CLIENT_NS to send
 * it), a word of CTL_REQUESTS:
 *   backup | master | resume | reduce | increase | priority N | garp
 *       -> "ok STATE PRIORITY" (the instance's, once the request is carried out)
 *   reload (the daemon's -c file, for all its instances)
 *       -> "ok MESSAGE"
 *   watch [SEQ] (the process's events, event.h)
 *       -> "ok watching SEQ", then one message per event for as long as the client stays
 *   and "error MESSAGE" for anything that failed or that the daemon does not know.
 * atropos is the client; it never signals a pid read from a file.
 */
#ifndef VRRPD_CTL_H
#define VRRPD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_MSG_MAX 256
/* Clients connected that have not sent their request yet, per instance (see ctl_on_fd). */
#define CTL_CLIENTS 4
/* How long such a client may take to send it. */
#define CTL_CLIENT_NS (1000 * 1000000ull)

struct ctl {
	int fd; /* listening, -1 if none */
	int epfd; /* the event loop, where waiting clients are watched */
	char path[108]; /* sun_path */
	int cl[CTL_CLIENTS]; /* waiting clients, -1: none */
	uint64_t cl_until[CTL_CLIENTS]; /* when each is dropped */
};

/*
 * The requests: the one vocabulary of the daemon (loop.c's on_request) and atropos. A new one
 * goes here, then in inst_command() (or on_request, for the daemon's own) and atropos.
 */
/* clang-format off */
#define CTL_REQUESTS(X) \
	X(BACKUP, "backup") /* step down and stay Backup */ \
	X(MASTER, "master") /* take over now, at priority 254 (unless higher) */ \
	X(RESUME, "resume") /* back to the configured priority, no hold */ \
	X(REDUCE, "reduce") /* -z, or -10 */ \
	X(INCREASE, "increase") /* -x, or +10 */ \
	X(PRIORITY, "priority") /* "priority N", N 1..254 */ \
	X(GARP, "garp") /* gratuitous ARPs again (Master only) */ \
	X(RELOAD, "reload") /* the daemon reads its -c file again */ \
	X(WATCH, "watch") /* "watch [SEQ]": the events, as they come (event.h) */
/* clang-format on */
#define CTL_REQ_ENUM(name, word) CTL_REQ_##name,
enum ctl_req { CTL_REQUESTS(CTL_REQ_ENUM) CTL_REQ_COUNT };

/* The word of a request. */
const char *ctl_req_word(enum ctl_req req);
/* A request line: its request (and *arg, for priority N), or -1 if it is none. */
int ctl_req_parse(const char *line, int *arg);
/* The line of a request (arg: priority N's), or -ENOSPC. */
int ctl_req_format(char *buf, size_t len, enum ctl_req req, int arg);

/*
 * Answers req (from the client on fd) in reply; or keeps fd (a subscriber: true), which is then
 * the handler's, and nothing is replied.
 */
typedef bool (*ctl_handler)(void *arg, const char *req, int fd, char *reply, size_t len);

/* No socket, no client: what ctl_close may be given before ctl_open. */
void ctl_init(struct ctl *c);
/* The socket's path for an instance; -ENAMETOOLONG if it does not fit in sun_path. */
int ctl_path(char *buf, size_t len, const char *run_dir, const char *ifname, int vrid);
/* Listens on the instance's socket; the caller watches c->fd in epfd, where clients go too. */
int ctl_open(struct ctl *c, const char *run_dir, const char *ifname, int vrid, int epfd, char *err,
	     size_t errlen);
/*
 * fd is readable: if it is the listening socket or one of its clients (true; false: not ours),
 * accepts, or reads a request, has handle() answer it, replies and hangs up. Never blocks: a
 * client whose request is not there yet waits in c->cl (epoll tells when it comes), at most
 * CTL_CLIENTS of them (a new one drops the oldest) and each for CTL_CLIENT_NS at most, so that
 * clients that connect and say nothing cannot hold the event loop or the next client.
 */
bool ctl_on_fd(struct ctl *c, int fd, uint64_t now_ns, ctl_handler handle, void *arg);
/* The earliest time a waiting client is due to be dropped, 0: none. */
uint64_t ctl_deadline(const struct ctl *c);
/* Drops the waiting clients whose time is up. */
void ctl_tick(struct ctl *c, uint64_t now_ns);
void ctl_close(struct ctl *c);

#endif /* VRRPD_CTL_H */
