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

#define MODEL_NSTATS VRRPD_STATS_COUNT
/* A set of counters, one bit per field; the bit number is the field's offsetof() in words. */
#define MODEL_CNT(field) (1u << (offsetof(struct vrrpd_stats, field) / sizeof(__u64)))
#define MODEL_FAMILY_IPV4 2 /* AF_INET, as struct vrrpd_key stores it */
#define MODEL_FAMILY_IPV6 10 /* AF_INET6 */
#define MODEL_MAX_INST 16
#define MODEL_MAX_VIPS 48
#define MODEL_MAX_PEERS 48

_Static_assert(MODEL_NSTATS <= 32, "one bit per counter");

/* One vrrpd_cfg entry, and the vrrpd_rx entry the model expects next to it. */
struct model_inst {
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	bool has_rx;
	struct vrrpd_rx rx;
};

/* One vrrpd_vip entry: the instance it names may have no cfg. */
struct model_vip {
	uint8_t family; /* MODEL_FAMILY_IPV4 or MODEL_FAMILY_IPV6 */
	union vrrpd_addr addr; /* IPv4: v4, the other 12 bytes zero (as the maps hold it) */
	struct vrrpd_key key;
};

/* One vrrpd_peer entry: a unicast peer of an instance (--peer), of the instance's family. */
struct model_peer {
	struct vrrpd_key key;
	union vrrpd_addr addr;
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
	bool event_ns_set; /* an event was due (pushed or lost): event_ns = now */
	struct vrrpd_rx rx; /* that entry afterwards, last_ns and confirm_ns aside */
	bool event; /* an event on our ring buffer (not merely counted lost) */
	struct vrrpd_event ev; /* its content, ts_ns aside */
	uint32_t out_len; /* XDP_TX: the frame sent back */
	uint8_t out[HARNESS_BUF_LEN];
};

/*
 * A deliberately wrong model, for fuzz_xdp --wrong-model: it forgets R2 (an IPv4 advert of the
 * other VRRP version than the instance's is taken, not dropped). The fuzzer must then find
 * disagreements: the proof that its comparison can fail.
 */
extern bool model_wrong_r2;

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

/* ---- shared by xdp_model.c and xdp_model6.c ---- */

/* An advert that passed the stateless rules and R2, R6, R9 and the unicast rule, either family. */
struct model_advert {
	uint64_t rx_ns; /* when the program runs on it */
	uint8_t version;
	uint8_t priority;
	uint8_t csum_form; /* enum vrrpd_csum that matched; VRRPD_CSUM_AUTO for v2 and IPv6 */
	uint8_t count; /* on the wire */
	uint16_t adver_int_cs;
	bool reserved_set; /* v3: the 4 reserved bits are not all zero (R10) */
	union vrrpd_addr saddr;
	union vrrpd_addr addrs[VRRPD_EV_MAX_ADDRS]; /* the first min(count, 8) */
};

struct vrrpd_key model_key_of(const struct model_state *st, uint16_t vlan, uint8_t family,
			      uint8_t vrid);

/* The vrrpd_vip entry for addr, or NULL. */
const struct model_vip *model_find_vip(const struct model_state *st, uint8_t family,
				       const union vrrpd_addr *addr);

/* Unicast (--peer): in has peers and saddr is one, or has none and the advert went to_group. */
bool model_heard(const struct model_state *st, const struct model_inst *in,
		 const union vrrpd_addr *saddr, bool to_group);

/* p: dropped, counters on key. */
void model_discard(struct model_pred *p, const struct vrrpd_key *key, uint32_t counters);

/* What the program does with an advert for in that passed every rule before R12. */
void model_record(const struct model_state *st, const struct model_inst *in,
		  const struct model_advert *a, struct model_pred *p);

/* xdp_model6.c: an IPv6 frame (EtherType 0x86dd, the header at frame + off). */
void model_ipv6(const struct model_state *st, uint64_t now_ns, const uint8_t *frame, size_t len,
		size_t off, uint16_t vlan, struct model_pred *p);

#endif /* VRRPD_XDP_MODEL_H */
