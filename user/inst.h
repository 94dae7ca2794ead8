/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VRRP instance: the election (fsm), its map entries, its addresses and its transmit
 * socket, and the actions the election asks for.
 */
#ifndef VRRPD_INST_H
#define VRRPD_INST_H

#include <stdbool.h>
#include <stdint.h>

#include "fsm.h"
#include "opts.h"
#include "vrrp_abi.h"

struct nl_sock;
struct xdp_ctx;

#define INST_GARP_BURST 5
#define INST_GARP_GAP_NS (100 * 1000000ull)

struct inst {
	const struct opts *o;
	struct xdp_ctx *x;
	struct nl_sock *nl;
	struct fsm fsm;
	struct vrrpd_key key;
	struct vrrpd_cfg cfg; /* as last written to vrrpd_cfg */
	int ifindex;
	uint8_t mac[6];
	int tx_fd;
	uint8_t peer_csum; /* v3: the checksum form the peers use; 0 until one is seen */
	bool vip_present[OPTS_MAX_VIPS]; /* there before we started: never added nor removed */
	bool vips_added;
	int garp_left;
	uint64_t garp_next_ns;
	uint64_t fsm_deadline_ns;
	uint64_t last_rx_sync_ns;
};

/* Claims the instance in the maps, opens its socket and starts the election (S1). */
int inst_start(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
	       uint64_t now_ns, char *err, size_t errlen);
/* S9: resign if Master, remove our addresses and map entries. */
void inst_stop(struct inst *in, uint64_t now_ns);
/* An advert event from the ring buffer. */
void inst_on_event(struct inst *in, const struct vrrpd_event *ev, uint64_t now_ns);
/* Timers: adverts, Master_Down, gratuitous ARPs. */
void inst_tick(struct inst *in, uint64_t now_ns);
/* The earliest time inst_tick() has work to do. */
uint64_t inst_deadline(const struct inst *in);

#endif /* VRRPD_INST_H */
