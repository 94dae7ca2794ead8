/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VIPs' netlink requests, on a thread of their own (vrrpd -c).
 *
 * Adding an instance's addresses (and bringing its macvlan up) costs some 70 us of kernel time
 * here; a takeover of 255 instances at once is 18 ms of it. On the event loop that time is
 * taken from the adverts, the takeovers still due and the gratuitous ARPs. Here the loop
 * sends what the change sends (the advert, the first gratuitous ARP), pushes the rest of the
 * change as a job, and goes on; the thread makes the requests on its own netlink socket, on
 * another CPU where there is one, and hands the job back through an eventfd, and the loop does
 * what follows the addresses (the rest of the burst, the scripts) in the jobs' order.
 *
 * One queue per process, first in, first out: the changes of an instance keep their order
 * whatever else is queued. The thread only makes requests and writes their results in the
 * job; it touches no instance, logs nothing and never blocks the loop, which waits for it only
 * when the queue is full or when it must see every change made (vipq_drain: a stop, a reload,
 * an atropos request).
 */
#ifndef VRRPD_VIPQ_H
#define VRRPD_VIPQ_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fsm.h"
#include "opts.h"

struct nl_sock;

enum vipq_op {
	VIPQ_NONE, /* nothing to ask the kernel: only the order (the rest follows the jobs before) */
	VIPQ_ADD, /* the macvlan up (IPv6: with IPv6 on) and the VIPs on it */
	VIPQ_DEL, /* the VIPs off, the macvlan down (IPv6: with IPv6 off) */
};

/* What to ask, filled in by the loop; the results, by vipq_apply. */
struct vipq_req {
	enum vipq_op op;
	int family;
	int vip_ifindex; /* where the VIPs go */
	int vmac_ifindex; /* their macvlan, 0: none (-n) */
	char vmac_name[IF_NAMESIZE];
	const struct opts *o; /* the VIPs: o->vips, except those with skip set */
	bool skip[OPTS_MAX_VIPS];
	/* Results: 0 or -errno each. */
	int ipv6_ret; /* the macvlan's IPv6 turned on or off (IPv6 instances) */
	int link_ret; /* the macvlan brought up or down */
	int vip_ret[OPTS_MAX_VIPS];
};

/* The netlink requests of r, in the order inst_vips has always made them. */
void vipq_apply(struct nl_sock *nl, struct vipq_req *r);

struct vipq_job {
	void *owner; /* the instance */
	struct vipq_req req;
	struct fsm_out rest; /* the change whose rest follows the addresses */
	uint64_t now_ns; /* of the change */
	uint64_t seq; /* the owner's count of its jobs */
	uint8_t priority; /* the owner's at the change, for its scripts */
};

struct vipq;

/* Starts the thread; finish is called by vipq_collect and vipq_drain, on the loop. NULL: errno. */
struct vipq *vipq_open(void (*finish)(struct vipq_job *j));
/* Waits for every job and finishes them, then stops the thread and frees q. */
void vipq_close(struct vipq *q);
int vipq_fd(const struct vipq *q);
/* Queues a copy of j (waiting while the queue is full). */
void vipq_push(struct vipq *q, const struct vipq_job *j);
/* On the eventfd: finishes the jobs done so far. */
void vipq_collect(struct vipq *q);
/* Waits until every job queued so far is done, and finishes them. */
void vipq_drain(struct vipq *q);

#endif
