/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What test_xdp.c (the fixture, the IPv4 rows, main) shares with test_xdp6.c and test_xdp_nd6.c
 * (the IPv6 rows):
 * the instances every row sees, and the helpers that install them and read the maps back.
 *
 * check.h keeps its failure counters per file (static). The helpers below that check something
 * (txdp_check_counters) record their failures in test_xdp.c's counter; txdp6_run() and
 * txdp_nd6_run() return the failures of their file's own checks, and main adds them before it
 * prints the row's result.
 */
#ifndef VRRPD_TEST_XDP_H
#define VRRPD_TEST_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp_abi.h"
#include "xdp_harness.h"

#define LO_IFINDEX HARNESS_IFINDEX
#define FAMILY_IPV4 2 /* AF_INET, as struct vrrpd_key stores it */
#define FAMILY_IPV6 10 /* AF_INET6 */
#define BUF_LEN HARNESS_BUF_LEN
#define PEER_PRIO 120
#define LEASE_FRESH (UINT64_MAX / 2)
#define LEASE_EXPIRED 1

/* IPv6 addresses of the fixture: the peers and we are link-local (RFC 9568 5.1.2.1). */
static const uint8_t txdp_master6[16] = { 0xfe,
					  0x80, [15] = 0x01 }; /* the master I_V6_FP follows */
static const uint8_t txdp_other6[16] = { 0xfe, 0x80, [15] = 0x02 };
static const uint8_t txdp_our6[16] = { 0xfe, 0x80, [15] = 0x10 };

/* ---- counters ---- */

#define NSTATS VRRPD_STATS_COUNT
/* A set of counters, one bit per field; the bit number is the field's offsetof() in words. */
#define CNT(field) (1u << (offsetof(struct vrrpd_stats, field) / sizeof(__u64)))

_Static_assert(NSTATS <= 32, "one bit per counter");

/* What a valid advert counts besides its rule: accepted, and pushed to the controller. */
#define VALID_EV (CNT(adverts_rcvd) | CNT(events))

/* ---- the instances every row sees ---- */

enum inst_id {
	I_V3, /* VRID 1, v3, untagged, Backup without a master yet */
	I_V3_VLAN200, /* VRID 1 again, v3, on VLAN 200 */
	I_V2, /* VRID 2, v2, simple password, 1 s */
	I_OWNER, /* VRID 3, v3, priority 255, processes adverts (R12 default) */
	I_OWNER_DROP, /* VRID 4, v3, priority 255, VRRPD_F_OWNER_DROP */
	I_FP, /* VRID 5, v3, Backup following MASTER_IP at PEER_PRIO, 100 cs */
	/* IPv6 (family 10): the same VRIDs as IPv4 ones, which the key keeps apart */
	I_V6, /* VRID 1, untagged, Backup without a master yet; primary txdp_our6 */
	I_V6_VLAN200, /* VRID 1 again, on VLAN 200 */
	I_V6_OWNER, /* VRID 3, priority 255, Master, processes adverts (TW_OWNER_DROP: drops) */
	I_V6_FP, /* VRID 5, Backup following txdp_master6 at PEER_PRIO, 100 cs */
	I_COUNT,
};

/* Changes to the target instance for one row. */
enum tweak {
	TW_NONE,
	TW_MASTER, /* state Master, everything else still matching the advert */
	TW_PREEMPT_OURS_HIGHER, /* preempt on, our priority above the master's */
	TW_PREEMPT_OURS_LOWER, /* preempt on, our priority below the master's */
	TW_MASTER_RESIGNED, /* the master we follow last said priority 0 */
	TW_NO_RING, /* owned by a process without a ring buffer */
	TW_PEER, /* --peer MASTER_IP (IPv6: txdp_master6): unicast, only that peer heard */
	TW_OWNER_DROP, /* VRRPD_F_OWNER_DROP */
	/* Held back (an advert that can change nothing, within an interval of the last event): */
	TW_MASTER_ABOVE, /* Master at PEER_PRIO + 30: the peer's adverts are lower (S8) */
	TW_MASTER_ABOVE_OLD_EVENT, /* the same, the last event 2 intervals ago */
	TW_MASTER_EQUAL, /* Master at PEER_PRIO, our address above the peer's (S8) */
	TW_MASTER_EQUAL_LOW_ADDR, /* Master at PEER_PRIO, our address below the peer's (S7) */
	TW_FAULT, /* state Fault: adverts change nothing */
	TW_PASS_ADVERTS, /* VRRPD_F_PASS_ADVERTS: valid adverts go on to the stack */
};

/* Where an advert row expects its counters. */
enum at {
	AT_INST, /* the instance's own key */
	AT_VRID0, /* the receiving interface and family, VLAN 0, VRID 0: no instance to charge */
};

/* What an advert row expects of the instance's vrrpd_rx entry. */
enum rx_change {
	RX_SAME, /* untouched */
	RX_RECORDED, /* last_ns, master_ip, priority, adver_int_cs, csum_form of this advert */
	RX_FAST, /* fast path: last_ns = confirm_ns = now, the rest as it was */
};

extern struct harness txdp_env;
extern struct harness_events txdp_sink;

struct vrrpd_key txdp_inst_key(enum inst_id id);

/* Every row starts here: empty maps, then all instances, the target one tweaked. 0 or -errno. */
int txdp_state_reset(enum inst_id target, enum tweak tw);

/* Consumes what the ring buffer holds into txdp_sink; returns the number of events. */
int txdp_events_take(void);

/* PERCPU_HASH: one value per possible CPU; the counters are their sums. */
struct txdp_stats {
	int n;
	struct {
		struct vrrpd_key key;
		__u64 v[NSTATS];
	} e[32];
};

int txdp_stats_snap(struct txdp_stats *s);

/* Exactly the counters in want went up by one on key (if any), and nothing else moved. */
void txdp_check_counters(const struct txdp_stats *s0, const struct txdp_stats *s1,
			 const struct vrrpd_key *key, uint32_t want);

/* Every instance's vrrpd_rx entry (a missing one reads as 0xee bytes). */
void txdp_rx_snap(struct vrrpd_rx rx[I_COUNT]);

/*
 * The checksum at csum_off of the message after the IPv6 header at ip, over its payload length:
 * with the pseudo-header of RFC 8200 8.1 (C2 for VRRP, RFC 4443 2.3 for ICMPv6), or, to make
 * one that is right only without it, over the message alone (test_xdp6.c).
 */
void txdp_fix_csum6(uint8_t *ip, uint8_t nh, size_t csum_off, bool pseudo);

/*
 * The rows of test_xdp6.c (IPv6 adverts), of test_xdp_nd6.c (Neighbor Discovery, the IPv6
 * VMAC) and of test_xdp_down.c (the Master_Down_Timer), by index; the run functions return how
 * many of that file's own checks failed.
 */
size_t txdp6_count(void);
const char *txdp6_name(size_t i);
int txdp6_run(size_t i);
size_t txdp_nd6_count(void);
const char *txdp_nd6_name(size_t i);
int txdp_nd6_run(size_t i);
size_t txdp_down_count(void);
const char *txdp_down_name(size_t i);
int txdp_down_run(size_t i);

#endif /* VRRPD_TEST_XDP_H */
