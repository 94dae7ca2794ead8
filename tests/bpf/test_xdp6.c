// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 advert rows of test_xdp: VRRPv3 over IPv6 (RFC 9568; CONFORMANCE.md R1..R12, C2), built
 * by user/pkt6.c, whose own test holds it to golden frames encoded elsewhere (gen_golden6.py);
 * a row then changes the bytes its rule is about and redoes the checksum, unless the checksum
 * is the point. Same fixture and same checks as the IPv4 rows (test_xdp.h): verdict, output
 * bytes, every counter of every key, every vrrpd_rx entry, the ring buffer. Neighbor Discovery
 * and the IPv6 VMAC are in test_xdp_nd6.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>

#include "check.h"
#include "pkt6.h"
#include "test_xdp.h"

#define IP6_HLEN PKT6_IP6_HLEN
#define NH_HOP_BY_HOP 0
#define VRRP_CSUM_OFF 6
#define FAST6 (CNT(adverts_rcvd) | CNT(fast_path))

/* fe80::100, the virtual router's link-local address, first in its adverts (RFC 9568 5.2.9). */
static const uint8_t vip6_ll[16] = { 0xfe, 0x80, [14] = 0x01 };
static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01 }; /* 2001:db8::100 */
static const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x10 };

/*
 * The checksum at csum_off of the message after the IPv6 header at ip, over its payload length:
 * with the pseudo-header of RFC 8200 8.1 (C2 for VRRP, RFC 4443 2.3 for ICMPv6), or, to make
 * one that is right only without it, over the message alone.
 */
void txdp_fix_csum6(uint8_t *ip, uint8_t nh, size_t csum_off, bool pseudo)
{
	size_t len = get_be16(ip + 4);
	uint8_t *msg = ip + IP6_HLEN, tail[8] = { 0 };
	uint32_t sum = 0;

	put_be16(msg + csum_off, 0);
	if (pseudo) {
		put_be16(tail + 2, (uint16_t)len);
		tail[7] = nh;
		sum = pkt_csum_add(pkt_csum_add(0, ip + 8, 32), tail, sizeof(tail));
	}
	put_be16(msg + csum_off, pkt_csum_fold(pkt_csum_add(sum, msg, len)));
}

/* ---- adverts: built by pkt6_build_advert(), then mutated ---- */

enum mut6 {
	M6_NONE,
	/* before building */
	M6_VRID_2, /* a VRID configured for IPv4 only */
	M6_VRID_99,
	M6_VLAN_100,
	M6_OTHER_SADDR,
	M6_PRIORITY_0,
	M6_INTERVAL_200,
	M6_ADDRS_9, /* one more than an event carries */
	M6_ADDRS_90, /* the longest message taken, 1448 bytes: three bpf_csum_diff() calls */
	M6_FIRST_GLOBAL, /* the first address 2001:db8::100, not link-local */
	/* after building: raw bytes, the checksum redone unless that is the point */
	M6_HOP_254,
	M6_AS_V2, /* a VRRPv2 header: auth type 0, 1 s, 8 bytes of authentication data */
	M6_TYPE_2,
	M6_COUNT_2, /* count 2, one address in the packet */
	M6_TOO_LONG, /* 91 addresses: 1464 bytes */
	M6_NOT_WORDS, /* 2 bytes more after the addresses */
	M6_PLEN_GT_FRAME, /* payload length 4 bytes beyond the frame */
	M6_COUNT_0,
	M6_INTERVAL_0,
	M6_RESERVED_BITS,
	M6_BAD_CSUM,
	M6_CSUM_NO_PSEUDO, /* right over the message alone (C3's form, not C2's) */
	M6_ADDRS_90_LAST_FLIPPED, /* 90 addresses, one bit of the last one flipped */
	M6_UNICAST, /* to txdp_our6 at our MAC, as a unicast peer sends */
	M6_HOP_BY_HOP, /* a Hop-by-Hop Options header (PadN) before the message */
};

/* The advert a well-behaved peer sends to instance id: from txdp_master6, for fe80::100. */
static void inst_advert6(enum inst_id id, struct pkt6_advert *a)
{
	struct vrrpd_key k = txdp_inst_key(id);

	memset(a, 0, sizeof(*a));
	a->vrid = k.vrid;
	a->vlan = k.vlan;
	a->priority = PEER_PRIO;
	a->adver_int_cs = 100;
	memcpy(a->saddr, txdp_master6, 16);
	memcpy(a->src_mac, (uint8_t[6]){ 0x00, 0x00, 0x5e, 0x00, 0x02, k.vrid }, 6);
	a->count = 1;
	memcpy(a->addrs[0], vip6_ll, 16);
}

static void mutate_advert6(enum mut6 m, struct pkt6_advert *a)
{
	int i;

	switch (m) {
	case M6_VRID_2:
		a->vrid = 2;
		break;
	case M6_VRID_99:
		a->vrid = 99;
		break;
	case M6_VLAN_100:
		a->vlan = 100;
		break;
	case M6_OTHER_SADDR:
		memcpy(a->saddr, txdp_other6, 16);
		break;
	case M6_PRIORITY_0:
		a->priority = VRRP_PRIO_STOP;
		break;
	case M6_INTERVAL_200:
		a->adver_int_cs = 200;
		break;
	case M6_ADDRS_9:
	case M6_ADDRS_90:
	case M6_ADDRS_90_LAST_FLIPPED:
	case M6_TOO_LONG:
		a->count = m == M6_ADDRS_9 ? 9 : PKT6_MAX_ADDRS;
		for (i = 1; i < a->count; i++) {
			memcpy(a->addrs[i], vip6, 16);
			put_be16(a->addrs[i] + 14, (uint16_t)(0x100 + i));
		}
		break;
	case M6_FIRST_GLOBAL:
		memcpy(a->addrs[0], vip6, 16);
		break;
	default:
		break;
	}
}

/* Adds n bytes (value v) at the end of the message, and to the payload length. */
static void grow6(uint8_t *f, int *len, uint8_t *ip, size_t n, uint8_t v)
{
	memset(f + *len, v, n);
	*len += (int)n;
	put_be16(ip + 4, (uint16_t)(get_be16(ip + 4) + n));
}

static void mutate_frame6(enum mut6 m, const struct pkt6_advert *a, uint8_t *f, int *len)
{
	uint8_t *ip = f + 14 + (a->vlan ? 4 : 0), *v = ip + IP6_HLEN;
	size_t plen = get_be16(ip + 4);

	switch (m) {
	case M6_HOP_254:
		ip[7] = 254;
		return; /* outside the checksum */
	case M6_AS_V2:
		v[0] = 2 << 4 | VRRP_TYPE_ADVERT;
		v[4] = VRRP_AUTH_NONE;
		v[5] = 1;
		grow6(f, len, ip, VRRP_V2_AUTH_LEN, 0);
		break;
	case M6_TYPE_2:
		v[0] = 3 << 4 | 2;
		break;
	case M6_COUNT_2:
		v[3] = 2;
		break;
	case M6_TOO_LONG:
		v[3] = PKT6_MAX_ADDRS + 1;
		grow6(f, len, ip, 16, 0x20);
		break;
	case M6_NOT_WORDS:
		grow6(f, len, ip, 2, 0);
		break;
	case M6_PLEN_GT_FRAME:
		put_be16(ip + 4, (uint16_t)(plen + 4));
		return;
	case M6_COUNT_0:
		v[3] = 0;
		break;
	case M6_INTERVAL_0:
		v[4] &= 0xf0;
		v[5] = 0;
		break;
	case M6_RESERVED_BITS:
		v[4] |= 0xf0;
		break;
	case M6_BAD_CSUM:
		v[7] ^= 0x01;
		return;
	case M6_CSUM_NO_PSEUDO:
		txdp_fix_csum6(ip, VRRP_PROTO, VRRP_CSUM_OFF, false);
		return;
	case M6_ADDRS_90_LAST_FLIPPED:
		v[plen - 1] ^= 0x01;
		return;
	case M6_UNICAST:
		memcpy(f, our_mac, 6);
		memcpy(ip + 24, txdp_our6, 16);
		break;
	case M6_HOP_BY_HOP:
		/* RFC 8200 4.3: next header 112, length 0 (8 bytes), a PadN option of 4. */
		memmove(v + 8, v, plen);
		memcpy(v, (uint8_t[8]){ VRRP_PROTO, 0, 1, 4, 0, 0, 0, 0 }, 8);
		ip[6] = NH_HOP_BY_HOP;
		put_be16(ip + 4, (uint16_t)(plen + 8));
		*len += 8;
		return; /* the VRRP checksum is still right for a stack that walks the header */
	default:
		return;
	}
	txdp_fix_csum6(ip, VRRP_PROTO, VRRP_CSUM_OFF, true);
}

/* Instance id's usual advert with mutation m, into buf (BUF_LEN bytes); *a gets what it says. */
static int build_advert6(enum inst_id id, enum mut6 m, uint8_t *buf, struct pkt6_advert *a)
{
	int len;

	inst_advert6(id, a);
	mutate_advert6(m, a);
	len = pkt6_build_advert(buf, BUF_LEN, a);
	if (len > 0)
		mutate_frame6(m, a, buf, &len);
	return len;
}

struct advert6_case {
	const char *name;
	enum inst_id inst;
	enum tweak tweak;
	enum mut6 mut;
	uint32_t verdict;
	uint32_t counters; /* CNT() set, each +1 on the key given by at; all else unchanged */
	enum at at;
	bool event;
	enum rx_change rx;
};

static const struct advert6_case advert6_cases[] = {
	/* Wire format, C2: the pseudo-header; no csum_* counter, there is one form. */
	{ "C2_ipv6_valid_accepted", I_V6, TW_NONE, M6_NONE, XDP_DROP, VALID_EV, AT_INST, true,
	  RX_RECORDED },
	/* Wire format: 90 addresses, a 1448-byte message, the checksum in three chunks. */
	{ "C2_ipv6_90_addresses_accepted", I_V6, TW_NONE, M6_ADDRS_90, XDP_DROP, VALID_EV, AT_INST,
	  true, RX_RECORDED },
	/* R1 */
	{ "R1_ipv6_hop_limit_254", I_V6, TW_NONE, M6_HOP_254, XDP_DROP, CNT(ip_ttl_errors), AT_INST,
	  false, RX_SAME },
	/* R2: a VRRPv2 header (RFC 3768 is IPv4 only) for a v3 instance. */
	{ "R2_ipv6_v2_header", I_V6, TW_NONE, M6_AS_V2, XDP_DROP, CNT(version_errors), AT_INST,
	  false, RX_SAME },
	/* R3 */
	{ "R3_ipv6_type_2", I_V6, TW_NONE, M6_TYPE_2, XDP_DROP, CNT(invalid_type), AT_INST, false,
	  RX_SAME },
	/* R4: shorter than the header and count addresses ... */
	{ "R4_ipv6_count_2_one_address", I_V6, TW_NONE, M6_COUNT_2, XDP_DROP, CNT(length_errors),
	  AT_INST, false, RX_SAME },
	/* ... longer than VRRP_MAX_MSG6 (1448: what fits a 1500-byte MTU) ... */
	{ "R4_ipv6_longer_than_1448", I_V6, TW_NONE, M6_TOO_LONG, XDP_DROP, CNT(length_errors),
	  AT_INST, false, RX_SAME },
	/* ... not whole 32-bit words ... */
	{ "R4_ipv6_not_whole_words", I_V6, TW_NONE, M6_NOT_WORDS, XDP_DROP, CNT(length_errors),
	  AT_INST, false, RX_SAME },
	/* ... R4: a payload beyond the frame, found before the VRID is read. */
	{ "R4_ipv6_payload_length_gt_frame", I_V6, TW_NONE, M6_PLEN_GT_FRAME, XDP_DROP,
	  CNT(length_errors), AT_VRID0, false, RX_SAME },
	/* R5, C2 */
	{ "R5_ipv6_bad_checksum", I_V6, TW_NONE, M6_BAD_CSUM, XDP_DROP, CNT(checksum_errors),
	  AT_INST, false, RX_SAME },
	/* C2: over IPv6 the pseudo-header is not optional (C3 is IPv4's). */
	{ "R5_ipv6_checksum_without_pseudo_header", I_V6, TW_NONE, M6_CSUM_NO_PSEUDO, XDP_DROP,
	  CNT(checksum_errors), AT_INST, false, RX_SAME },
	/* R5: the error in the last byte of 1448, in the third checksum chunk. */
	{ "R5_ipv6_bad_checksum_last_byte_of_1448", I_V6, TW_NONE, M6_ADDRS_90_LAST_FLIPPED,
	  XDP_DROP, CNT(checksum_errors), AT_INST, false, RX_SAME },
	/* R6: counted under VRID 0 of the IPv6 family. */
	{ "R6_ipv6_unknown_vrid", I_V6, TW_NONE, M6_VRID_99, XDP_DROP, CNT(vrid_errors), AT_VRID0,
	  false, RX_SAME },
	/* RFC 9568 1: the families are separate virtual routers; VRID 2 is an IPv4 one here. */
	{ "R6_ipv6_vrid_of_ipv4_instance", I_V6, TW_NONE, M6_VRID_2, XDP_DROP, CNT(vrid_errors),
	  AT_VRID0, false, RX_SAME },
	/* R6: VRID 1 is untagged and on VLAN 200, not on VLAN 100. */
	{ "R6_ipv6_vlan_isolation", I_V6, TW_NONE, M6_VLAN_100, XDP_DROP, CNT(vrid_errors),
	  AT_VRID0, false, RX_SAME },
	{ "R6_ipv6_vlan_instance_accepted", I_V6_VLAN200, TW_NONE, M6_NONE, XDP_DROP, VALID_EV,
	  AT_INST, true, RX_RECORDED },
	/* R7 */
	{ "R7_ipv6_count_0", I_V6, TW_NONE, M6_COUNT_0, XDP_DROP, CNT(invalid_count), AT_INST,
	  false, RX_SAME },
	{ "R7_ipv6_interval_0", I_V6, TW_NONE, M6_INTERVAL_0, XDP_DROP, CNT(invalid_count), AT_INST,
	  false, RX_SAME },
	/* R8: the first address is not link-local. */
	{ "R8_ipv6_first_address_global", I_V6, TW_NONE, M6_FIRST_GLOBAL, XDP_DROP,
	  CNT(address_list_errors), AT_INST, false, RX_SAME },
	/* R10, R11: accepted, and counted. */
	{ "R10_ipv6_reserved_bits_accepted", I_V6, TW_NONE, M6_RESERVED_BITS, XDP_DROP,
	  VALID_EV | CNT(reserved_set), AT_INST, true, RX_RECORDED },
	{ "R11_ipv6_interval_differs_accepted", I_V6, TW_NONE, M6_INTERVAL_200, XDP_DROP,
	  VALID_EV | CNT(interval_differs), AT_INST, true, RX_RECORDED },
	/* Unicast: without peers only ff02::12 is heard (RFC 9568 5.1.2.2) ... */
	{ "U_ipv6_no_peers_unicast_dropped", I_V6, TW_NONE, M6_UNICAST, XDP_DROP, CNT(peer_errors),
	  AT_INST, false, RX_SAME },
	/* ... with peers, theirs (16-byte vrrpd_peer keys) and no one else's. */
	{ "U_ipv6_peer_unicast_accepted", I_V6, TW_PEER, M6_UNICAST, XDP_DROP, VALID_EV, AT_INST,
	  true, RX_RECORDED },
	{ "U_ipv6_stranger_multicast_dropped", I_V6, TW_PEER, M6_OTHER_SADDR, XDP_DROP,
	  CNT(peer_errors), AT_INST, false, RX_SAME },
	/* R12: the owner processes and logs by default, or drops. */
	{ "R12_ipv6_owner_default_process", I_V6_OWNER, TW_NONE, M6_NONE, XDP_DROP,
	  VALID_EV | CNT(owner_adverts), AT_INST, true, RX_RECORDED },
	{ "R12_ipv6_owner_drop", I_V6_OWNER, TW_OWNER_DROP, M6_NONE, XDP_DROP, CNT(owner_adverts),
	  AT_INST, false, RX_SAME },
	/* Wire format: the event carries the count and the first eight 16-byte addresses. */
	{ "EV_ipv6_nine_addresses_first_eight", I_V6, TW_NONE, M6_ADDRS_9, XDP_DROP, VALID_EV,
	  AT_INST, true, RX_RECORDED },
	{ "EV_ipv6_no_ring_counted_lost", I_V6, TW_NO_RING, M6_NONE, XDP_DROP,
	  CNT(adverts_rcvd) | CNT(events_lost), AT_INST, false, RX_RECORDED },
	/* Extension headers are not followed: not VRRP for XDP, to the stack untouched. */
	{ "ipv6_hop_by_hop_passes", I_V6, TW_NONE, M6_HOP_BY_HOP, XDP_PASS, 0, AT_INST, false,
	  RX_SAME },
	/*
	 * S4, the fast path. IPv6 has one checksum form (C2), so vrrpd_rx's stays
	 * 0 and the first advert from the master the controller follows already takes it.
	 */
	{ "FP_ipv6_known_master_fast_path", I_V6_FP, TW_NONE, M6_NONE, XDP_DROP, FAST6, AT_INST,
	  false, RX_FAST },
	{ "FP_ipv6_preempt_higher_priority_fast_path", I_V6_FP, TW_PREEMPT_OURS_LOWER, M6_NONE,
	  XDP_DROP, FAST6, AT_INST, false, RX_FAST },
	/* S7: another sender; S3: priority 0; T2: interval. */
	{ "FP_ipv6_other_address_event", I_V6_FP, TW_NONE, M6_OTHER_SADDR, XDP_DROP, VALID_EV,
	  AT_INST, true, RX_RECORDED },
	{ "FP_ipv6_priority_0_event", I_V6_FP, TW_NONE, M6_PRIORITY_0, XDP_DROP,
	  VALID_EV | CNT(pri_zero_rcvd), AT_INST, true, RX_RECORDED },
	{ "FP_ipv6_interval_change_event", I_V6_FP, TW_NONE, M6_INTERVAL_200, XDP_DROP,
	  VALID_EV | CNT(interval_differs), AT_INST, true, RX_RECORDED },
	/* S7/S8: a Master decides on every advert. */
	{ "FP_ipv6_master_state_event", I_V6_FP, TW_MASTER, M6_NONE, XDP_DROP, VALID_EV, AT_INST,
	  true, RX_RECORDED },
	/* S4: preempt on and the master below us: the controller takes over. */
	{ "FP_ipv6_preempt_lower_priority_event", I_V6_FP, TW_PREEMPT_OURS_HIGHER, M6_NONE,
	  XDP_DROP, VALID_EV, AT_INST, true, RX_RECORDED },
	/* --pass-adverts: valid adverts go on to the stack as they came. */
	{ "PASS_ipv6_event_passed", I_V6, TW_PASS_ADVERTS, M6_NONE, XDP_PASS, VALID_EV, AT_INST,
	  true, RX_RECORDED },
	{ "PASS_ipv6_fast_path_passed", I_V6_FP, TW_PASS_ADVERTS, M6_NONE, XDP_PASS, FAST6, AT_INST,
	  false, RX_FAST },
};

#define NADVERT6 (sizeof(advert6_cases) / sizeof(advert6_cases[0]))

static void check_rx6(const struct advert6_case *c, const struct vrrpd_rx *b,
		      const struct vrrpd_rx *r, const struct pkt6_advert *a, uint64_t t0,
		      uint64_t t1)
{
	switch (c->rx) {
	case RX_SAME:
		CHECK_MEM(r, b, sizeof(*r));
		break;
	case RX_RECORDED:
		CHECK(r->last_ns >= t0 && r->last_ns <= t1);
		CHECK_EQ(r->confirm_ns, b->confirm_ns);
		CHECK_EQ(r->adverts, b->adverts + 1);
		CHECK_MEM(r->master_ip.v6, a->saddr, 16);
		CHECK_EQ(r->priority, a->priority);
		CHECK_EQ(r->adver_int_cs, a->adver_int_cs);
		CHECK_EQ(r->csum_form, VRRPD_CSUM_AUTO);
		break;
	case RX_FAST:
		CHECK(r->last_ns >= t0 && r->last_ns <= t1);
		CHECK_EQ(r->confirm_ns, r->last_ns);
		CHECK_EQ(r->adverts, b->adverts + 1);
		CHECK_MEM(&r->master_ip, &b->master_ip, sizeof(r->master_ip));
		CHECK_EQ(r->priority, b->priority);
		CHECK_EQ(r->adver_int_cs, b->adver_int_cs);
		CHECK_EQ(r->csum_form, b->csum_form);
		break;
	}
}

static void check_event6(const struct vrrpd_event *ev, const struct vrrpd_key *key,
			 const struct pkt6_advert *a, const struct vrrpd_rx *r)
{
	struct vrrpd_event want = {
		.ts_ns = r->last_ns, /* the same clock reading */
		.key = *key,
		.adver_int_cs = a->adver_int_cs,
		.type = VRRPD_EV_ADVERT,
		.priority = a->priority,
		.version = 3,
		.csum_form = VRRPD_CSUM_AUTO,
		.count = a->count,
	};

	memcpy(want.saddr.v6, a->saddr, 16);
	for (int i = 0; i < a->count && i < VRRPD_EV_MAX_ADDRS; i++)
		memcpy(want.addrs[i].v6, a->addrs[i], 16);
	CHECK_MEM(ev, &want, sizeof(want));
}

static void run_advert6_case(const struct advert6_case *c)
{
	struct vrrpd_key key = txdp_inst_key(c->inst), ckey = key;
	struct vrrpd_rx rx0[I_COUNT], rx1[I_COUNT];
	static struct txdp_stats s0, s1;
	static struct harness_out out;
	static struct pkt6_advert a;
	uint8_t frame[BUF_LEN];
	uint64_t t0, t1;
	int len, id, n;

	if (c->at != AT_INST) {
		ckey.vrid = 0;
		ckey.vlan = 0;
	}
	if (txdp_state_reset(c->inst, c->tweak)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	len = build_advert6(c->inst, c->mut, frame, &a);
	CHECK(len > 0);
	if (len <= 0)
		return;
	CHECK_EQ(txdp_stats_snap(&s0), 0);
	txdp_rx_snap(rx0);
	t0 = harness_mono_ns();
	harness_run(&txdp_env, frame, (uint32_t)len, &out);
	t1 = harness_mono_ns();
	CHECK_EQ(out.err, 0);
	CHECK_EQ(out.verdict, c->verdict);
	if (c->verdict == XDP_PASS) {
		CHECK_EQ(out.len, len);
		CHECK_MEM(out.data, frame, (size_t)len);
	}
	CHECK_EQ(txdp_stats_snap(&s1), 0);
	txdp_check_counters(&s0, &s1, &ckey, c->counters);

	txdp_rx_snap(rx1);
	check_rx6(c, &rx0[c->inst], &rx1[c->inst], &a, t0, t1);
	for (id = 0; id < I_COUNT; id++)
		if (id != (int)c->inst)
			CHECK_MEM(&rx1[id], &rx0[id], sizeof(rx1[id]));

	n = txdp_events_take();
	CHECK_EQ(n, c->event ? 1 : 0);
	CHECK_EQ(txdp_sink.bad_size, 0);
	if (c->event && n == 1)
		check_event6(&txdp_sink.ev[0], &key, &a, &rx1[c->inst]);
}

/* ---- the rows, for main (test_xdp.h) ---- */

size_t txdp6_count(void)
{
	return NADVERT6;
}

const char *txdp6_name(size_t i)
{
	return advert6_cases[i].name;
}

int txdp6_run(size_t i)
{
	check_failed_case = 0;
	if (i < NADVERT6)
		run_advert6_case(&advert6_cases[i]);
	check_failures += check_failed_case != 0; /* main reports it; kept for check.h's sake */
	return check_failed_case;
}
