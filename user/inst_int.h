/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of an instance share, and nothing else of vrrpd needs: inst.c feeds the
 * election and decides, inst_apply.c carries out what it decided (through struct inst_fx),
 * inst_tx.c sends, inst_life.c starts and stops an instance.
 */
#ifndef VRRPD_INST_INT_H
#define VRRPD_INST_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "inst.h"

struct vipq_req;
struct vipq_job;

static inline bool inst_v6(const struct inst *in)
{
	return in->o->family == AF_INET6;
}

/* The VIPs as addresses, for what takes both families. */
static inline void inst_vip_addrs(const struct inst *in, union vrrpd_addr *out)
{
	for (int i = 0; i < in->o->nvips; i++)
		out[i] = in->o->vips[i].addr;
}

static inline uint64_t inst_ms_ns(int ms)
{
	return (uint64_t)ms * 1000000ull;
}

/*
 * The effects that inst_apply() orders: vrrpd's are inst_fx_system (inst_tx.c, netlink, vipq,
 * hook.c); tests/unit/test_inst_apply.c gives fakes that write down the order.
 */
struct inst_fx {
	void (*advert)(struct inst *in, uint8_t priority, uint64_t now_ns);
	void (*garps)(struct inst *in);
	void (*magic)(struct inst *in);
	/* What the election decided, into vrrpd_cfg (the XDP program answers ARP from it). */
	void (*publish)(struct inst *in);
	/* The VIPs' requests, made now (netlink), or queued to vipq's thread (-c). */
	void (*vips)(struct inst *in, struct vipq_req *r);
	void (*vips_push)(struct inst *in, const struct vipq_job *j);
	/* A change of state's scripts (hook.c): state MASTER, BACKUP, FAULT or STOP. */
	void (*hook)(struct inst *in, const char *state, const char *prev, const char *reason,
		     uint8_t prio, uint64_t now_ns);
};
extern const struct inst_fx inst_fx_system;

/* inst.c: one input to the election, and what follows from it (inst_apply, the group). */
void inst_feed(struct inst *in, const struct fsm_input *inp, uint64_t now_ns);
/* The effective priority (admin_prio and track_delta) to the election, if it changed. */
void inst_apply_prio(struct inst *in, uint64_t now_ns);

/*
 * inst_track.c: the links of the tracked interfaces, the health checks, files and processes.
 * One without a weight that is down makes the instance FAULT (track_fault, which
 * inst_link_check sees); the weights of those with one are added to the priority (track_delta,
 * applied at once).
 */
void inst_track_check(struct inst *in, uint64_t now_ns);

/* inst_tx.c */
void inst_publish(struct inst *in);
void inst_send_advert(struct inst *in, uint8_t priority, uint64_t now_ns);
void inst_send_garps(struct inst *in);
void inst_send_magic(struct inst *in);

/* inst_apply.c */
void inst_apply(struct inst *in, const struct fsm_out *out, uint64_t now_ns);
/* The VIPs added or removed now, on the loop (without vipq, or when stopping). */
void inst_vips(struct inst *in, bool add);

#endif /* VRRPD_INST_INT_H */
