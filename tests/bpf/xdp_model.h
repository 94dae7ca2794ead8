/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference model of the XDP program (bpf/vrrpd.bpf.c) for fuzz_xdp: from a frame and the
 * map contents, what the program must do to it and to the maps.
 */
#ifndef VRRPD_XDP_MODEL_H
#define VRRPD_XDP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp_abi.h"
#include "xdp_harness.h"

#define MODEL_NSTATS (sizeof(struct vrrpd_stats) / sizeof(__u64))
/* A set of counters, one bit per field; the bit number is the field's offsetof() in words. */
#define MODEL_CNT(field) (1u << (offsetof(struct vrrpd_stats, field) / sizeof(__u64)))
#define MODEL_FAMILY_IPV4 2 /* AF_INET, as struct vrrpd_key stores it */
#define MODEL_MAX_INST 16
#define MODEL_MAX_VIPS 48
#define MODEL_MAX_PEERS 32

_Static_assert(MODEL_NSTATS <= 32, "one bit per counter");

/* One vrrpd_cfg entry, and the vrrpd_rx entry the model expects next to it. */
struct model_inst {
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	bool has_rx;
	struct vrrpd_rx rx;
};

/* One vrrpd_vip entry (IPv4): the instance it names may have no cfg. */
struct model_vip {
	uint32_t addr; /* network order */
	struct vrrpd_key key;
};

/* One vrrpd_peer entry (IPv4): a unicast peer of an instance (--peer). */
struct model_peer {
	struct vrrpd_key key;
	uint32_t addr; /* network order */
};

/* What the maps hold, as far as the program reads them. */
struct model_state {
	uint32_t ifindex; /* the frames' ingress interface */
	uint32_t ring_pid; /* the one owner_pid with a ring buffer in vrrpd_events */
	int ninst;
	struct model_inst inst[MODEL_MAX_INST];
	int nvip;
	struct model_vip vip[MODEL_MAX_VIPS];
	int npeer;
	struct model_peer peer[MODEL_MAX_PEERS];
};

/* What one frame must do. Timestamps are left out: the checker bounds them by the clock. */
struct model_pred {
	uint32_t verdict; /* XDP_PASS, XDP_DROP or XDP_TX */
	uint32_t counters; /* MODEL_CNT() set, each +1 on key; every other key unchanged */
	struct vrrpd_key key;
	bool advert; /* a valid advert, accepted for an instance */
	int rx_inst; /* the instance whose vrrpd_rx changes, or -1 */
	bool fast_path; /* then last_ns = confirm_ns = now, else last_ns = now */
	struct vrrpd_rx rx; /* that entry afterwards, last_ns and confirm_ns aside */
	bool event; /* an event on our ring buffer (not merely counted lost) */
	struct vrrpd_event ev; /* its content, ts_ns aside */
	uint32_t out_len; /* XDP_TX: the frame sent back */
	uint8_t out[HARNESS_BUF_LEN];
};

/*
 * Predicts what the program does with frame (len bytes) received on st->ifindex at now_ns
 * (CLOCK_MONOTONIC; leases must not end within the run).
 */
void model_predict(const struct model_state *st, uint64_t now_ns, const uint8_t *frame, size_t len,
		   struct model_pred *p);

/* The instance with this key, or NULL. */
const struct model_inst *model_find(const struct model_state *st, const struct vrrpd_key *key);

/* The counter's field name, for bit i of a MODEL_CNT() set. */
const char *model_stat_name(unsigned int i);

#endif /* VRRPD_XDP_MODEL_H */
