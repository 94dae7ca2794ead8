// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program (bpf/vrrpd.bpf.c) under BPF_PROG_TEST_RUN: crafted frames in, verdict, output
 * bytes, per-instance counters, ring-buffer events and vrrpd_rx out. Table-driven, one row per
 * receive rule of docs/CONFORMANCE.md (row names start with the rule id), then the fast path, then
 * frames that are not VRRP and must pass untouched, then ARP and the VMAC. The IPv6 rows are in
 * test_xdp6.c (VRRP over IPv6) and test_xdp_nd6.c (Neighbor Discovery, the IPv6 VMAC), the
 * Master_Down_Timer's in test_xdp_down.c. Needs
 * root (BPF, and bpffs, which it mounts if missing); without root it prints "skip".
 *
 * Every row starts from the same state: all maps emptied, then the instances of test_xdp.h (IPv4
 * and IPv6) installed on ifindex 1 (lo: BPF_PROG_TEST_RUN needs a real ingress device) with
 * zeroed vrrpd_rx entries, and a ring buffer of our own registered in vrrpd_events under our
 * pid, as user/xdp.c does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "pkt.h"
#include "test_xdp.h"
#include "xdp_harness.h"

#define IP4(a, b, c, d) htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define MASTER_IP IP4(192, 0, 2, 1) /* the peer the fast-path instance follows */
#define OTHER_IP IP4(192, 0, 2, 2)
#define OUR_IP IP4(192, 0, 2, 10)
#define VIP IP4(192, 0, 2, 100)
#define PASSWORD "secret"

/* ---- counters (the rest in test_xdp.h) ---- */

#define STAT_NAME(field) [offsetof(struct vrrpd_stats, field) / sizeof(__u64)] = #field,

static const char *const stat_names[NSTATS] = { VRRPD_STATS_FIELDS(STAT_NAME) };

#define VALID_C3 (VALID_EV | CNT(csum_rfc9568))
#define VALID_C4 (VALID_EV | CNT(csum_legacy))
#define FAST_C3 (CNT(adverts_rcvd) | CNT(fast_path) | CNT(csum_rfc9568))
#define HELD_C3 (CNT(adverts_rcvd) | CNT(events_held) | CNT(csum_rfc9568))

/* ---- the instances every row sees (test_xdp.h) ---- */

struct vrrpd_key txdp_inst_key(enum inst_id id)
{
	static const uint8_t vrid[I_COUNT] = { 1, 1, 2, 3, 4, 5, 1, 1, 3, 5 };
	struct vrrpd_key k = {
		.ifindex = LO_IFINDEX,
		.vlan = id == I_V3_VLAN200 || id == I_V6_VLAN200 ? 200 : 0,
		.family = id >= I_V6 ? FAMILY_IPV6 : FAMILY_IPV4,
		.vrid = vrid[id],
	};

	return k;
}

static void inst_cfg(enum inst_id id, enum tweak tw, struct vrrpd_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->owner_pid = (uint32_t)getpid();
	if (id >= I_V6)
		memcpy(c->primary_ip.v6, txdp_our6, 16); /* RFC 9568 5.1.2.1: the link-local */
	else
		c->primary_ip.v4 = OUR_IP;
	c->version = 3;
	c->priority = c->cfg_priority = VRRP_PRIO_DFL;
	c->adver_int_cs = 100;
	c->state = VRRPD_ST_BACKUP;
	c->naddrs = 1;
	switch (id) {
	case I_V3:
	case I_V3_VLAN200:
		break;
	case I_V2:
		c->version = 2;
		c->auth_type = VRRP_AUTH_PASS;
		memcpy(c->auth_data, PASSWORD, strlen(PASSWORD));
		break;
	case I_OWNER:
	case I_OWNER_DROP:
		c->priority = c->cfg_priority = VRRP_PRIO_OWNER;
		c->state = VRRPD_ST_MASTER;
		if (id == I_OWNER_DROP)
			c->flags |= VRRPD_F_OWNER_DROP;
		break;
	case I_FP:
		c->master_ip.v4 = MASTER_IP;
		c->master_priority = PEER_PRIO;
		c->master_adver_int_cs = 100;
		break;
	case I_V6:
	case I_V6_VLAN200:
		break;
	case I_V6_OWNER:
		c->priority = c->cfg_priority = VRRP_PRIO_OWNER;
		c->state = VRRPD_ST_MASTER;
		break;
	case I_V6_FP:
		memcpy(c->master_ip.v6, txdp_master6, 16);
		c->master_priority = PEER_PRIO;
		c->master_adver_int_cs = 100;
		break;
	case I_COUNT:
		break;
	}
	switch (tw) {
	case TW_NONE:
		break;
	case TW_MASTER:
		c->state = VRRPD_ST_MASTER;
		break;
	case TW_PREEMPT_OURS_HIGHER:
		c->flags |= VRRPD_F_PREEMPT;
		c->priority = c->cfg_priority = PEER_PRIO + 30;
		break;
	case TW_PREEMPT_OURS_LOWER:
		c->flags |= VRRPD_F_PREEMPT;
		c->priority = c->cfg_priority = PEER_PRIO - 10;
		break;
	case TW_MASTER_RESIGNED:
		c->master_priority = VRRP_PRIO_STOP;
		break;
	case TW_NO_RING:
		c->owner_pid = 1; /* init: registered no ring in our private vrrpd_events */
		break;
	case TW_PEER:
		c->flags |= VRRPD_F_UNICAST; /* txdp_state_reset() adds the vrrpd_peer entry */
		break;
	case TW_OWNER_DROP:
		c->flags |= VRRPD_F_OWNER_DROP;
		break;
	case TW_MASTER_ABOVE:
	case TW_MASTER_ABOVE_OLD_EVENT:
		c->state = VRRPD_ST_MASTER;
		c->priority = c->cfg_priority = PEER_PRIO + 30;
		break;
	case TW_MASTER_EQUAL:
		c->state = VRRPD_ST_MASTER;
		c->priority = c->cfg_priority = PEER_PRIO;
		break;
	case TW_MASTER_EQUAL_LOW_ADDR:
		c->state = VRRPD_ST_MASTER;
		c->priority = c->cfg_priority = PEER_PRIO;
		c->primary_ip.v4 = IP4(192, 0, 2, 0); /* below MASTER_IP */
		break;
	case TW_FAULT:
		c->state = VRRPD_ST_FAULT;
		break;
	case TW_PASS_ADVERTS:
		c->flags |= VRRPD_F_PASS_ADVERTS;
		break;
	}
}

/* The advert a well-behaved peer sends to instance id. */
static void inst_advert(enum inst_id id, struct pkt_advert *a)
{
	struct vrrpd_key k = txdp_inst_key(id);

	memset(a, 0, sizeof(*a));
	a->version = id == I_V2 ? 2 : 3;
	a->vrid = k.vrid;
	a->vlan = k.vlan;
	a->priority = PEER_PRIO;
	a->adver_int_cs = 100;
	a->csum_form = VRRPD_CSUM_RFC9568;
	a->saddr = MASTER_IP;
	memcpy(a->src_mac, (uint8_t[6]){ 0x00, 0x00, 0x5e, 0x00, 0x01, k.vrid }, 6);
	a->count = 1;
	a->addrs[0] = VIP;
	if (id == I_V2) {
		a->auth_type = VRRP_AUTH_PASS;
		memcpy(a->auth_data, PASSWORD, strlen(PASSWORD));
	}
}

/* ---- the BPF side: skeleton, maps, ring buffer ---- */

struct harness txdp_env;
struct harness_events txdp_sink;

int txdp_events_take(void)
{
	memset(&txdp_sink, 0, sizeof(txdp_sink));
	if (ring_buffer__consume(txdp_env.rb) < 0)
		return -1;
	return txdp_sink.n;
}

int txdp_state_reset(enum inst_id target, enum tweak tw)
{
	struct vrrpd_rx rx = {};
	struct vrrpd_cfg cfg;
	struct vrrpd_key key;
	int id;

	txdp_events_take();
	harness_map_clear(txdp_env.cfg_fd);
	harness_map_clear(txdp_env.rx_fd);
	harness_map_clear(txdp_env.stats_fd);
	harness_map_clear(txdp_env.vip_fd);
	harness_map_clear(txdp_env.peer_fd);
	harness_map_clear(txdp_env.down_fd); /* cancels the timers the last row started */
	for (id = 0; id < I_COUNT; id++) {
		key = txdp_inst_key(id);
		inst_cfg(id, id == (int)target ? tw : TW_NONE, &cfg);
		/* An event two Advertisement_Intervals ago: the next one is due. */
		rx.event_ns = id == (int)target && tw == TW_MASTER_ABOVE_OLD_EVENT ?
				      harness_mono_ns() - 2 * cfg.adver_int_cs * 10000000ull :
				      0;
		if (bpf_map_update_elem(txdp_env.cfg_fd, &key, &cfg, BPF_ANY) ||
		    bpf_map_update_elem(txdp_env.rx_fd, &key, &rx, BPF_ANY))
			return -errno;
	}
	if (tw == TW_PEER) {
		struct vrrpd_peer_key pk = { .key = txdp_inst_key(target) };
		uint32_t peer = MASTER_IP;
		__u32 unused = 0;

		if (target >= I_V6)
			memcpy(pk.addr, txdp_master6, 16);
		else
			memcpy(pk.addr, &peer, 4);
		if (bpf_map_update_elem(txdp_env.peer_fd, &pk, &unused, BPF_NOEXIST))
			return -errno;
	}
	return 0;
}

int txdp_stats_snap(struct txdp_stats *s)
{
	struct vrrpd_stats *percpu = calloc((size_t)txdp_env.ncpus, sizeof(*percpu));
	struct vrrpd_key key, *prev = NULL;
	int cpu, ret = 0;
	size_t f;

	memset(s, 0, sizeof(*s));
	if (!percpu)
		return -ENOMEM;
	while (bpf_map_get_next_key(txdp_env.stats_fd, prev, &key) == 0) {
		if (s->n == (int)(sizeof(s->e) / sizeof(s->e[0])) ||
		    bpf_map_lookup_elem(txdp_env.stats_fd, &key, percpu)) {
			ret = -ENOSPC;
			break;
		}
		s->e[s->n].key = key;
		for (cpu = 0; cpu < txdp_env.ncpus; cpu++)
			for (f = 0; f < NSTATS; f++)
				s->e[s->n].v[f] += ((__u64 *)&percpu[cpu])[f];
		prev = &s->e[s->n].key;
		s->n++;
	}
	free(percpu);
	return ret;
}

static const __u64 *stats_find(const struct txdp_stats *s, const struct vrrpd_key *key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(&s->e[i].key, key, sizeof(*key)))
			return s->e[i].v;
	return NULL;
}

static void check_key_delta(const struct txdp_stats *s0, const struct txdp_stats *s1,
			    const struct vrrpd_key *key, uint32_t want)
{
	static const __u64 zero[NSTATS];
	const __u64 *v0 = stats_find(s0, key), *v1 = stats_find(s1, key);
	size_t f;

	v0 = v0 ? v0 : zero;
	v1 = v1 ? v1 : zero;

	for (f = 0; f < NSTATS; f++) {
		long long got = (long long)(v1[f] - v0[f]), exp = (want >> f) & 1;

		if (got != exp) {
			fprintf(stderr,
				"  counter %s on {if %u vlan %u family %u vrid %u}: +%lld, expected +%lld\n",
				stat_names[f], key->ifindex, key->vlan, key->family, key->vrid, got,
				exp);
			check_failed_case++;
		}
	}
}

void txdp_check_counters(const struct txdp_stats *s0, const struct txdp_stats *s1,
			 const struct vrrpd_key *key, uint32_t want)
{
	int i;

	if (key)
		check_key_delta(s0, s1, key, want);
	for (i = 0; i < s1->n; i++)
		if (!key || memcmp(&s1->e[i].key, key, sizeof(*key)))
			check_key_delta(s0, s1, &s1->e[i].key, 0);
	for (i = 0; i < s0->n; i++) /* entries that went away */
		if ((!key || memcmp(&s0->e[i].key, key, sizeof(*key))) &&
		    !stats_find(s1, &s0->e[i].key))
			check_key_delta(s0, s1, &s0->e[i].key, 0);
}

void txdp_rx_snap(struct vrrpd_rx rx[I_COUNT])
{
	struct vrrpd_key key;
	int id;

	for (id = 0; id < I_COUNT; id++) {
		key = txdp_inst_key(id);
		memset(&rx[id], 0xee, sizeof(rx[id])); /* a missing entry shows as a change */
		bpf_map_lookup_elem(txdp_env.rx_fd, &key, &rx[id]);
	}
}

/* ---- adverts: built by user/pkt.c, then mutated ---- */

enum mut {
	M_NONE,
	/* before building */
	M_AS_V2, /* a v2 advert (no authentication) */
	M_VRID_99, /* a VRID nobody configured */
	M_VLAN_100, /* 802.1Q tagged, VLAN 100 */
	M_PASSWORD, /* v2: another password */
	M_INTERVAL_200, /* 200 cs (v2: 2 s) */
	M_LEGACY_CSUM, /* v3: the C4 checksum */
	M_OTHER_SADDR,
	M_PRIORITY_130,
	M_PRIORITY_0,
	M_ADDRS_3,
	M_ADDRS_9, /* one more than an event carries */
	M_ADDRS_255, /* the longest message: its checksum takes three bpf_csum_diff() calls */
	M_ADDRS_255_C4,
	/* after building: raw bytes, checksums redone unless that is the point */
	M_TTL_254,
	M_AUTH_TYPE_0, /* v2: authentication type 0, the password bytes still there */
	M_TYPE_2,
	M_COUNT_2, /* count 2, one address in the packet */
	M_NO_AUTH_DATA, /* v2: IP total length without the 8 authentication bytes */
	M_TOT_LEN_GT_FRAME, /* IP total length 4 bytes beyond the frame */
	M_BAD_CSUM,
	M_COUNT_0,
	M_INTERVAL_0,
	M_V2_INTERVAL_0, /* v2: 0 s, the authentication type left as it was */
	M_RESERVED_BITS,
	M_ADDRS_255_LAST_FLIPPED, /* 255 addresses, one bit of the last one flipped */
	M_IP_OPTIONS, /* an IPv4 Router Alert option: IHL 6 */
	M_IP_OPTIONS_C4,
	M_UNICAST, /* to OUR_IP, as a --peer sends */
	M_UNICAST_C4, /* the same with the C4 checksum, over OUR_IP */
	M_UNICAST_OTHER_SADDR, /* the same from OTHER_IP */
	M_IP_HDR_CSUM, /* the IPv4 header checksum off by one bit, the VRRP one right */
	M_IP_MF, /* More Fragments set (both checksums right) */
	M_IP_FRAG_OFFSET, /* fragment offset 8 (64 bytes) */
	M_IP_DF, /* Don't Fragment set: not a fragment */
};

static void ip4_fix_csum(uint8_t *ip)
{
	pkt_ip4_csum_set(ip, (size_t)(ip[0] & 0x0f) * 4);
}

/* C1/C3 (no pseudo-header) or C4 (RFC 5798 5.2.8 pseudo-header) over the IP payload. */
static void vrrp_fix_csum(uint8_t *ip, uint8_t form)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, len = get_be16(ip + 2) - ihl;
	uint8_t *v = ip + ihl, ph[12] = { 0 };
	uint32_t sum = 0;

	put_be16(v + 6, 0);
	if (form == VRRPD_CSUM_LEGACY) {
		memcpy(ph, ip + 12, 8);
		ph[9] = VRRP_PROTO;
		put_be16(ph + 10, (uint16_t)len);
		sum = pkt_csum_add(0, ph, sizeof(ph));
	}
	put_be16(v + 6, pkt_csum_fold(pkt_csum_add(sum, v, len)));
}

static void mutate_advert(enum mut m, struct pkt_advert *a)
{
	switch (m) {
	case M_AS_V2:
		a->version = 2;
		a->auth_type = VRRP_AUTH_NONE;
		break;
	case M_VRID_99:
		a->vrid = 99;
		break;
	case M_VLAN_100:
		a->vlan = 100;
		break;
	case M_PASSWORD:
		memcpy(a->auth_data, "secreT", 6);
		break;
	case M_INTERVAL_200:
		a->adver_int_cs = 200;
		break;
	case M_LEGACY_CSUM:
	case M_IP_OPTIONS_C4:
		a->csum_form = VRRPD_CSUM_LEGACY;
		break;
	case M_OTHER_SADDR:
		a->saddr = OTHER_IP;
		break;
	case M_UNICAST:
	case M_UNICAST_C4:
	case M_UNICAST_OTHER_SADDR:
		a->daddr = OUR_IP;
		memcpy(a->dst_mac, (uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x10 }, 6); /* ours */
		if (m == M_UNICAST_C4)
			a->csum_form = VRRPD_CSUM_LEGACY;
		if (m == M_UNICAST_OTHER_SADDR)
			a->saddr = OTHER_IP;
		break;
	case M_PRIORITY_130:
		a->priority = 130;
		break;
	case M_PRIORITY_0:
		a->priority = VRRP_PRIO_STOP;
		break;
	case M_ADDRS_3:
	case M_ADDRS_9:
	case M_ADDRS_255:
	case M_ADDRS_255_C4:
	case M_ADDRS_255_LAST_FLIPPED:
		a->count = m == M_ADDRS_3 ? 3 : m == M_ADDRS_9 ? 9 : VRRP_MAX_ADDRS;
		for (int i = 0; i < a->count; i++)
			a->addrs[i] = htonl(ntohl(VIP) + (uint32_t)i);
		if (m == M_ADDRS_255_C4)
			a->csum_form = VRRPD_CSUM_LEGACY;
		break;
	default:
		break;
	}
}

static void mutate_frame(enum mut m, const struct pkt_advert *a, uint8_t *f, int *len)
{
	uint8_t *ip = f + PKT_ETH_HLEN + (a->vlan ? 4 : 0);
	uint8_t *v = ip + PKT_IP4_HLEN;
	uint8_t form = a->version == 3 ? a->csum_form : VRRPD_CSUM_RFC9568;

	switch (m) {
	case M_TTL_254:
		ip[8] = 254;
		break;
	case M_AUTH_TYPE_0:
		v[4] = VRRP_AUTH_NONE;
		break;
	case M_TYPE_2:
		v[0] = (uint8_t)(a->version << 4 | 2);
		break;
	case M_COUNT_2:
		v[3] = 2;
		break;
	case M_NO_AUTH_DATA:
		put_be16(ip + 2, get_be16(ip + 2) - VRRP_V2_AUTH_LEN);
		break;
	case M_TOT_LEN_GT_FRAME:
		put_be16(ip + 2, (uint16_t)(f + *len - ip + 4));
		ip4_fix_csum(ip);
		return; /* the VRRP checksum would read past the frame */
	case M_BAD_CSUM:
		v[7] ^= 0x01;
		return;
	case M_IP_HDR_CSUM:
		ip[11] ^= 0x01;
		return;
	case M_IP_MF:
		put_be16(ip + 6, 0x2000);
		break;
	case M_IP_FRAG_OFFSET:
		put_be16(ip + 6, 8);
		break;
	case M_IP_DF:
		put_be16(ip + 6, 0x4000);
		break;
	case M_COUNT_0:
		v[3] = 0;
		break;
	case M_INTERVAL_0:
		v[4] &= 0xf0;
		v[5] = 0;
		break;
	case M_V2_INTERVAL_0:
		v[5] = 0;
		break;
	case M_RESERVED_BITS:
		v[4] |= 0xf0;
		break;
	case M_ADDRS_255_LAST_FLIPPED:
		v[get_be16(ip + 2) - PKT_IP4_HLEN - 1] ^= 0x01;
		return;
	case M_IP_OPTIONS:
	case M_IP_OPTIONS_C4: {
		size_t vrrp_len = get_be16(ip + 2) - PKT_IP4_HLEN;

		memmove(v + 4, v, vrrp_len);
		memcpy(v, (uint8_t[4]){ 0x94, 0x04, 0x00, 0x00 }, 4); /* RFC 2113 */
		ip[0] = 0x46;
		put_be16(ip + 2, (uint16_t)(PKT_IP4_HLEN + 4 + vrrp_len));
		if (v + 4 + vrrp_len > f + *len)
			*len = (int)(v + 4 + vrrp_len - f);
		break;
	}
	default:
		return;
	}
	ip4_fix_csum(ip);
	vrrp_fix_csum(ip, form);
}

/*
 * Instance id's usual advert with mutation m, into buf (BUF_LEN bytes); *a gets what it says.
 * Returns the frame length or -errno.
 */
static int build_advert(enum inst_id id, enum mut m, uint8_t *buf, struct pkt_advert *a)
{
	int len;

	inst_advert(id, a);
	mutate_advert(m, a);
	len = pkt_build_advert(buf, BUF_LEN, a);
	if (len > 0)
		mutate_frame(m, a, buf, &len);
	return len;
}

/* ---- the advert table ---- */

struct xdp_case {
	const char *name;
	enum inst_id inst;
	enum tweak tweak;
	bool prime; /* send the instance's usual advert first (an event, and rx.csum_form set) */
	enum mut mut;
	uint32_t verdict;
	uint32_t counters; /* CNT() set, each +1 on the key given by at; all else unchanged */
	enum at at;
	bool event;
	enum rx_change rx;
};

static const struct xdp_case advert_cases[] = {
	/*
	 * What the stack drops before VRRP is read: a wrong IPv4 header checksum, fragments.
	 * Charged to VRID 0 of the interface: the VRRP header of such a packet proves nothing.
	 */
	{ "IP_header_checksum_drops", I_V3, TW_NONE, false, M_IP_HDR_CSUM, XDP_DROP,
	  CNT(ip_header_errors), AT_VRID0, false, RX_SAME },
	{ "IP_more_fragments_drops", I_V3, TW_NONE, false, M_IP_MF, XDP_DROP, CNT(ip_fragments),
	  AT_VRID0, false, RX_SAME },
	{ "IP_fragment_offset_drops", I_V3, TW_NONE, false, M_IP_FRAG_OFFSET, XDP_DROP,
	  CNT(ip_fragments), AT_VRID0, false, RX_SAME },
	{ "IP_dont_fragment_accepted", I_V3, TW_NONE, false, M_IP_DF, XDP_DROP, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	/* R1: TTL != 255, the sender is not on this link. */
	{ "R1_ttl_254", I_V3, TW_NONE, false, M_TTL_254, XDP_DROP, CNT(ip_ttl_errors), AT_INST,
	  false, RX_SAME },
	/* R2: a v2 advert for a v3 instance. */
	{ "R2_version_mismatch", I_V3, TW_NONE, false, M_AS_V2, XDP_DROP, CNT(version_errors),
	  AT_INST, false, RX_SAME },
	/* R3: type != 1. */
	{ "R3_type_2", I_V3, TW_NONE, false, M_TYPE_2, XDP_DROP, CNT(invalid_type), AT_INST, false,
	  RX_SAME },
	/* R4: count says 2 addresses, the IP packet holds 1 (the padding does not count). */
	{ "R4_truncated", I_V3, TW_NONE, false, M_COUNT_2, XDP_DROP, CNT(length_errors), AT_INST,
	  false, RX_SAME },
	/* R4: v2 without its 8 authentication bytes. */
	{ "R4_v2_auth_data_missing", I_V2, TW_NONE, false, M_NO_AUTH_DATA, XDP_DROP,
	  CNT(length_errors), AT_INST, false, RX_SAME },
	/*
	 * R4: IP total length beyond the frame. Checked before the VRID is looked up,
	 * so it is charged to VRID 0 (vrrp_abi.h: drops not tied to an instance).
	 */
	{ "R4_ip_total_length_gt_frame", I_V3, TW_NONE, false, M_TOT_LEN_GT_FRAME, XDP_DROP,
	  CNT(length_errors), AT_VRID0, false, RX_SAME },
	/*
	 * R4: the VRRP message starts where the IHL says, after IP options; the C4
	 * pseudo-header (C4) still takes the addresses from the IP header.
	 */
	{ "R4_ip_options_accepted", I_V3, TW_NONE, false, M_IP_OPTIONS, XDP_DROP, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	{ "R4_ip_options_c4_accepted", I_V3, TW_NONE, false, M_IP_OPTIONS_C4, XDP_DROP, VALID_C4,
	  AT_INST, true, RX_RECORDED },
	/* R5: a v3 checksum that is neither C3 nor C4. */
	{ "R5_bad_checksum", I_V3, TW_NONE, false, M_BAD_CSUM, XDP_DROP, CNT(checksum_errors),
	  AT_INST, false, RX_SAME },
	/* R5: the error past byte 1024 of the message, in the last checksum chunk. */
	{ "R5_bad_checksum_last_byte_of_1028", I_V3, TW_NONE, false, M_ADDRS_255_LAST_FLIPPED,
	  XDP_DROP, CNT(checksum_errors), AT_INST, false, RX_SAME },
	/* R5, C1: v2. */
	{ "R5_v2_bad_checksum", I_V2, TW_NONE, false, M_BAD_CSUM, XDP_DROP, CNT(checksum_errors),
	  AT_INST, false, RX_SAME },
	/* R6: no instance with this VRID: counted under VRID 0. */
	{ "R6_unknown_vrid", I_V3, TW_NONE, false, M_VRID_99, XDP_DROP, CNT(vrid_errors), AT_VRID0,
	  false, RX_SAME },
	/*
	 * R6: VRID 1 is configured untagged and on VLAN 200, not on VLAN 100: a
	 * valid advert tagged 100 must reach neither.
	 */
	{ "R6_vlan_isolation", I_V3, TW_NONE, false, M_VLAN_100, XDP_DROP, CNT(vrid_errors),
	  AT_VRID0, false, RX_SAME },
	/* R6: the VLAN 200 instance gets its advert; the untagged VRID 1 does not. */
	{ "R6_vlan_instance_accepted", I_V3_VLAN200, TW_NONE, false, M_NONE, XDP_DROP, VALID_C3,
	  AT_INST, true, RX_RECORDED },
	/* R7 */
	{ "R7_count_0", I_V3, TW_NONE, false, M_COUNT_0, XDP_DROP, CNT(invalid_count), AT_INST,
	  false, RX_SAME },
	{ "R7_interval_0", I_V3, TW_NONE, false, M_INTERVAL_0, XDP_DROP, CNT(invalid_count),
	  AT_INST, false, RX_SAME },
	/* R9: v2 authentication and interval must match ours. */
	{ "R9_v2_wrong_password", I_V2, TW_NONE, false, M_PASSWORD, XDP_DROP, CNT(auth_errors),
	  AT_INST, false, RX_SAME },
	{ "R9_v2_wrong_auth_type", I_V2, TW_NONE, false, M_AUTH_TYPE_0, XDP_DROP, CNT(auth_errors),
	  AT_INST, false, RX_SAME },
	{ "R9_v2_interval_mismatch", I_V2, TW_NONE, false, M_INTERVAL_200, XDP_DROP,
	  CNT(adver_interval_errors), AT_INST, false, RX_SAME },
	/*
	 * R7 rejects a zero interval in v3 only: a v2 one of 0 s is an interval unlike
	 * ours (found by fuzz_xdp: the program counted it as invalid_count, before the checksum).
	 */
	{ "R9_v2_interval_0", I_V2, TW_NONE, false, M_V2_INTERVAL_0, XDP_DROP,
	  CNT(adver_interval_errors), AT_INST, false, RX_SAME },
	/* R10: reserved bits set: accepted, the interval read without them. */
	{ "R10_reserved_bits_accepted", I_V3, TW_NONE, false, M_RESERVED_BITS, XDP_DROP,
	  VALID_C3 | CNT(reserved_set), AT_INST, true, RX_RECORDED },
	/* R11: a v3 interval unlike ours is accepted (and counted). */
	{ "R11_interval_differs_accepted", I_V3, TW_NONE, false, M_INTERVAL_200, XDP_DROP,
	  VALID_C3 | CNT(interval_differs), AT_INST, true, RX_RECORDED },
	/* Unicast (--peer): an instance without peers hears only 224.0.0.18 (RFC 9568 5.1.1.2). */
	{ "U_no_peers_unicast_dropped", I_V3, TW_NONE, false, M_UNICAST, XDP_DROP, CNT(peer_errors),
	  AT_INST, false, RX_SAME },
	/* With peers: theirs, unicast or multicast, and no one else's. */
	{ "U_peer_unicast_accepted", I_V3, TW_PEER, false, M_UNICAST, XDP_DROP, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	{ "U_peer_unicast_c4_accepted", I_V3, TW_PEER, false, M_UNICAST_C4, XDP_DROP, VALID_C4,
	  AT_INST, true, RX_RECORDED },
	{ "U_peer_multicast_accepted", I_V3, TW_PEER, false, M_NONE, XDP_DROP, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	{ "U_stranger_unicast_dropped", I_V3, TW_PEER, false, M_UNICAST_OTHER_SADDR, XDP_DROP,
	  CNT(peer_errors), AT_INST, false, RX_SAME },
	{ "U_stranger_multicast_dropped", I_V3, TW_PEER, false, M_OTHER_SADDR, XDP_DROP,
	  CNT(peer_errors), AT_INST, false, RX_SAME },
	/* The checks before it still come first: a bad checksum is a checksum error. */
	{ "U_peer_unicast_bad_csum", I_V3, TW_PEER, false, M_BAD_CSUM, XDP_DROP,
	  CNT(checksum_errors), AT_INST, false, RX_SAME },
	/* R12: the owner processes and logs by default ... */
	{ "R12_owner_default_process", I_OWNER, TW_NONE, false, M_NONE, XDP_DROP,
	  VALID_C3 | CNT(owner_adverts), AT_INST, true, RX_RECORDED },
	/* ... or drops, when configured to. */
	{ "R12_owner_drop", I_OWNER_DROP, TW_NONE, false, M_NONE, XDP_DROP, CNT(owner_adverts),
	  AT_INST, false, RX_SAME },
	/*
	 * C3: no pseudo-header; C3/C4: the form that matched is counted. The
	 * frame is 60 bytes, 14 of them Ethernet padding past the IP total length (R4).
	 */
	{ "C3_rfc9568_accepted", I_V3, TW_NONE, false, M_NONE, XDP_DROP, VALID_C3, AT_INST, true,
	  RX_RECORDED },
	/* C4: the IPv4 pseudo-header (keepalived, FRR). */
	{ "C4_legacy_accepted", I_V3, TW_NONE, false, M_LEGACY_CSUM, XDP_DROP, VALID_C4, AT_INST,
	  true, RX_RECORDED },
	/* Wire format, C3 and C4: 255 addresses, 1028 bytes, both checksum forms. */
	{ "C3_255_addresses_accepted", I_V3, TW_NONE, false, M_ADDRS_255, XDP_DROP, VALID_C3,
	  AT_INST, true, RX_RECORDED },
	{ "C4_255_addresses_accepted", I_V3, TW_NONE, false, M_ADDRS_255_C4, XDP_DROP, VALID_C4,
	  AT_INST, true, RX_RECORDED },
	/* Wire format (v2) with C1 and R9 satisfied. */
	{ "v2_valid_with_password", I_V2, TW_NONE, false, M_NONE, XDP_DROP, VALID_EV, AT_INST, true,
	  RX_RECORDED },

	/* Wire format (v2): the authentication data follows the addresses, wherever they end. */
	{ "v2_valid_three_addresses", I_V2, TW_NONE, false, M_ADDRS_3, XDP_DROP, VALID_EV, AT_INST,
	  true, RX_RECORDED },
	/* Wire format (v2), C1: the longest v2 message, 1036 bytes. */
	{ "v2_255_addresses_accepted", I_V2, TW_NONE, false, M_ADDRS_255, XDP_DROP, VALID_EV,
	  AT_INST, true, RX_RECORDED },
	/* Wire format: nine addresses; the event carries the count and the first eight. */
	{ "EV_nine_addresses_first_eight", I_V3, TW_NONE, false, M_ADDRS_9, XDP_DROP, VALID_C3,
	  AT_INST, true, RX_RECORDED },

	/*
	 * The fast path: S4, a Backup hearing its master unchanged only resets its
	 * timer, so the XDP program records it in vrrpd_rx and wakes nobody. Anything the
	 * controller must decide on is an event.
	 */
	/* rx.csum_form is still 0: the controller has not seen the form yet. */
	{ "FP_first_advert_event", I_FP, TW_NONE, false, M_NONE, XDP_DROP, VALID_C3, AT_INST, true,
	  RX_RECORDED },
	{ "FP_second_identical_fast_path", I_FP, TW_NONE, true, M_NONE, XDP_DROP, FAST_C3, AT_INST,
	  false, RX_FAST },
	/* S7, S10: a new sender is the controller's business. */
	{ "FP_other_address_event", I_FP, TW_NONE, true, M_OTHER_SADDR, XDP_DROP, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	{ "FP_priority_change_event", I_FP, TW_NONE, true, M_PRIORITY_130, XDP_DROP, VALID_C3,
	  AT_INST, true, RX_RECORDED },
	/* S3: priority 0 shortens the timer to Skew_Time. */
	{ "FP_priority_0_event", I_FP, TW_NONE, true, M_PRIORITY_0, XDP_DROP,
	  VALID_C3 | CNT(pri_zero_rcvd), AT_INST, true, RX_RECORDED },
	/* S3: priority 0 again, even when the controller already recorded the first. */
	{ "FP_priority_0_repeated_event", I_FP, TW_MASTER_RESIGNED, true, M_PRIORITY_0, XDP_DROP,
	  VALID_C3 | CNT(pri_zero_rcvd), AT_INST, true, RX_RECORDED },
	/* T2: a Backup learns the new interval. */
	{ "FP_interval_change_event", I_FP, TW_NONE, true, M_INTERVAL_200, XDP_DROP,
	  VALID_C3 | CNT(interval_differs), AT_INST, true, RX_RECORDED },
	/* C4: the peers changed checksum form; the controller follows it. */
	{ "FP_csum_form_change_event", I_FP, TW_NONE, true, M_LEGACY_CSUM, XDP_DROP, VALID_C4,
	  AT_INST, true, RX_RECORDED },
	/* S7: a higher priority makes a Master step down: an event every time. */
	{ "FP_master_state_event", I_FP, TW_MASTER, true, M_NONE, XDP_DROP, VALID_C3, AT_INST, true,
	  RX_RECORDED },
	/* S4: preempt on and a lower priority than ours: discard, take over. */
	{ "FP_preempt_lower_priority_event", I_FP, TW_PREEMPT_OURS_HIGHER, false, M_NONE, XDP_DROP,
	  VALID_C3, AT_INST, true, RX_RECORDED },

	/*
	 * Held back: an advert that cannot change the election, within one Advertisement_Interval
	 * (here 1 s) of the last event, is counted and recorded in vrrpd_rx but wakes nobody. A
	 * host flooding valid adverts (VRRPv3 has no authentication) then reaches the controller
	 * once an interval, and a Master answers it (CONFORMANCE.md S8) once an interval.
	 */
	/* S8: the first lower priority advert reaches the Master, which answers it ... */
	{ "HOLD_master_lower_first_event", I_FP, TW_MASTER_ABOVE, false, M_NONE, XDP_DROP, VALID_C3,
	  AT_INST, true, RX_RECORDED },
	/* ... the next, within the interval, does not ... */
	{ "HOLD_master_lower_repeat_held", I_FP, TW_MASTER_ABOVE, true, M_NONE, XDP_DROP, HELD_C3,
	  AT_INST, false, RX_RECORDED },
	/* ... and once the interval has passed, one does again. */
	{ "HOLD_master_lower_after_interval_event", I_FP, TW_MASTER_ABOVE_OLD_EVENT, false, M_NONE,
	  XDP_DROP, VALID_C3, AT_INST, true, RX_RECORDED },
	/* S6: another master resigning only makes a Master advertise. */
	{ "HOLD_master_priority_0_held", I_FP, TW_MASTER_ABOVE, true, M_PRIORITY_0, XDP_DROP,
	  HELD_C3 | CNT(pri_zero_rcvd), AT_INST, false, RX_RECORDED },
	/* S7, S8: equal priority, the lower address (S8) is held, the higher (S7) never. */
	{ "HOLD_master_equal_lower_address_held", I_FP, TW_MASTER_EQUAL, true, M_NONE, XDP_DROP,
	  HELD_C3, AT_INST, false, RX_RECORDED },
	{ "HOLD_master_equal_higher_address_event", I_FP, TW_MASTER_EQUAL_LOW_ADDR, true, M_NONE,
	  XDP_DROP, VALID_C3, AT_INST, true, RX_RECORDED },
	/* S4: with preemption, the master below us again, or a stranger below us. */
	{ "HOLD_backup_preempt_master_lower_held", I_FP, TW_PREEMPT_OURS_HIGHER, true, M_NONE,
	  XDP_DROP, HELD_C3, AT_INST, false, RX_RECORDED },
	{ "HOLD_backup_preempt_stranger_lower_held", I_FP, TW_PREEMPT_OURS_HIGHER, true,
	  M_OTHER_SADDR, XDP_DROP, HELD_C3, AT_INST, false, RX_RECORDED },
	/* Fault: the controller ignores adverts. */
	{ "HOLD_fault_held", I_FP, TW_FAULT, true, M_NONE, XDP_DROP, HELD_C3, AT_INST, false,
	  RX_RECORDED },
	/* S4: preempt on but the master is above us: still the fast path. */
	{ "FP_preempt_higher_priority_fast_path", I_FP, TW_PREEMPT_OURS_LOWER, true, M_NONE,
	  XDP_DROP, FAST_C3, AT_INST, false, RX_FAST },

	/* No ring buffer for the owner: still accepted and recorded in rx, the event counted lost. */
	{ "EV_no_ring_counted_lost", I_V3, TW_NO_RING, false, M_NONE, XDP_DROP,
	  CNT(adverts_rcvd) | CNT(events_lost) | CNT(csum_rfc9568), AT_INST, false, RX_RECORDED },

	/*
	 * A valid advert ends in the XDP program once recorded (the rows above: XDP_DROP); with
	 * --pass-adverts it goes on to the stack as it came, whether it was an event or took the
	 * fast path. An invalid one is dropped all the same.
	 */
	{ "PASS_event_passed", I_V3, TW_PASS_ADVERTS, false, M_NONE, XDP_PASS, VALID_C3, AT_INST,
	  true, RX_RECORDED },
	{ "PASS_fast_path_passed", I_FP, TW_PASS_ADVERTS, true, M_NONE, XDP_PASS, FAST_C3, AT_INST,
	  false, RX_FAST },
	{ "PASS_invalid_dropped", I_V3, TW_PASS_ADVERTS, false, M_TTL_254, XDP_DROP,
	  CNT(ip_ttl_errors), AT_INST, false, RX_SAME },
};

static void check_rx(const struct xdp_case *c, const struct vrrpd_rx *b, const struct vrrpd_rx *r,
		     const struct pkt_advert *a, uint64_t t0, uint64_t t1)
{
	switch (c->rx) {
	case RX_SAME:
		CHECK_MEM(r, b, sizeof(*r));
		break;
	case RX_RECORDED:
		/* An event was due (pushed, or lost without a ring buffer): its time; else held. */
		if (c->event || (c->counters & CNT(events_lost)))
			CHECK_EQ(r->event_ns, r->last_ns);
		else
			CHECK_EQ(r->event_ns, b->event_ns);
		CHECK(r->last_ns > 0);
		CHECK(r->last_ns >= t0 && r->last_ns <= t1);
		CHECK_EQ(r->confirm_ns, b->confirm_ns);
		CHECK_EQ(r->adverts, b->adverts + 1);
		CHECK_EQ(r->master_ip.v4, a->saddr);
		CHECK(!r->master_ip.w[1] && !r->master_ip.w[2] && !r->master_ip.w[3]);
		CHECK_EQ(r->priority, a->priority);
		CHECK_EQ(r->adver_int_cs, a->adver_int_cs);
		CHECK_EQ(r->csum_form, a->version == 3 ? a->csum_form : VRRPD_CSUM_AUTO);
		break;
	case RX_FAST:
		CHECK_EQ(r->event_ns, b->event_ns);
		CHECK(r->last_ns >= t0 && r->last_ns <= t1);
		CHECK_EQ(r->confirm_ns, r->last_ns);
		CHECK(r->confirm_ns > b->confirm_ns);
		CHECK_EQ(r->adverts, b->adverts + 1);
		CHECK(!memcmp(&r->master_ip, &b->master_ip, sizeof(r->master_ip)));
		CHECK_EQ(r->priority, b->priority);
		CHECK_EQ(r->adver_int_cs, b->adver_int_cs);
		CHECK_EQ(r->csum_form, b->csum_form);
		break;
	}
}

static void check_event(const struct vrrpd_event *ev, const struct vrrpd_key *key,
			const struct pkt_advert *a, const struct vrrpd_rx *r)
{
	struct vrrpd_event want = {
		.ts_ns = r->last_ns, /* the same clock reading */
		.key = *key,
		.saddr = { .v4 = a->saddr },
		.adver_int_cs = a->adver_int_cs,
		.type = VRRPD_EV_ADVERT,
		.priority = a->priority,
		.version = a->version,
		.csum_form = a->version == 3 ? a->csum_form : VRRPD_CSUM_AUTO,
		.count = a->count,
	};

	for (int i = 0; i < a->count && i < VRRPD_EV_MAX_ADDRS; i++)
		want.addrs[i].v4 = a->addrs[i];
	CHECK_MEM(ev, &want, sizeof(want));
}

static struct vrrpd_key counter_key(const struct xdp_case *c)
{
	struct vrrpd_key k = txdp_inst_key(c->inst);

	/* No instance: VRID 0 of the interface and family, whatever the frame's VLAN tag. */
	if (c->at != AT_INST) {
		k.vrid = 0;
		k.vlan = 0;
	}
	return k;
}

static void run_advert_case(const struct xdp_case *c)
{
	struct vrrpd_key key = txdp_inst_key(c->inst), ckey = counter_key(c);
	struct vrrpd_rx rx0[I_COUNT], rx1[I_COUNT];
	struct txdp_stats s0, s1;
	static struct harness_out out;
	uint8_t frame[BUF_LEN];
	struct pkt_advert a;
	uint64_t t0, t1;
	int len, id, n;

	if (txdp_state_reset(c->inst, c->tweak)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	if (c->prime) {
		len = build_advert(c->inst, M_NONE, frame, &a);
		CHECK(len > 0);
		if (len <= 0)
			return;
		harness_run(&txdp_env, frame, (uint32_t)len, &out);
		CHECK_EQ(out.err, 0);
		CHECK_EQ(out.verdict, c->tweak == TW_PASS_ADVERTS ? XDP_PASS : XDP_DROP);
		CHECK_EQ(txdp_events_take(),
			 1); /* a fresh rx entry: the first advert is an event */
	}

	len = build_advert(c->inst, c->mut, frame, &a);
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
	/* With --pass-adverts, valid adverts go on to the stack as they came. */
	if (c->verdict == XDP_PASS) {
		CHECK_EQ(out.len, len);
		CHECK_MEM(out.data, frame, (size_t)len);
	}

	CHECK_EQ(txdp_stats_snap(&s1), 0);
	txdp_check_counters(&s0, &s1, &ckey, c->counters);

	txdp_rx_snap(rx1);
	check_rx(c, &rx0[c->inst], &rx1[c->inst], &a, t0, t1);
	for (id = 0; id < I_COUNT; id++)
		if (id != (int)c->inst)
			CHECK_MEM(&rx1[id], &rx0[id], sizeof(rx1[id]));

	n = txdp_events_take();
	CHECK_EQ(n, c->event ? 1 : 0);
	CHECK_EQ(txdp_sink.bad_size, 0);
	if (c->event && n == 1)
		check_event(&txdp_sink.ev[0], &key, &a, &rx1[c->inst]);
}

/* ---- frames that are not VRRP: they pass byte for byte and touch nothing ---- */

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

static size_t put_eth(uint8_t *f, const uint8_t *dst, uint16_t vlan, uint16_t proto)
{
	size_t off = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	if (vlan) {
		put_be16(f + off, 0x8100);
		put_be16(f + off + 2, vlan);
		off += 4;
	}
	put_be16(f + off, proto);
	return off + 2;
}

static size_t put_ip4(uint8_t *ip, uint8_t proto, uint16_t payload_len)
{
	uint32_t saddr = OTHER_IP, daddr = OUR_IP;

	ip[0] = 0x45;
	ip[1] = 0;
	put_be16(ip + 2, (uint16_t)(PKT_IP4_HLEN + payload_len));
	put_be16(ip + 4, 0x1234);
	put_be16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	ip4_fix_csum(ip);
	return PKT_IP4_HLEN;
}

/* UDP 40000 -> 53, payload bytes 0, 1, 2, ...; the UDP checksum is optional over IPv4. */
static size_t put_udp(uint8_t *u, uint16_t payload_len)
{
	put_be16(u, 40000);
	put_be16(u + 2, 53);
	put_be16(u + 4, (uint16_t)(8 + payload_len));
	put_be16(u + 6, 0);
	for (uint16_t i = 0; i < payload_len; i++)
		u[8 + i] = (uint8_t)i;
	return 8 + (size_t)payload_len;
}

static int build_udp(uint8_t *f, uint16_t vlan)
{
	const uint16_t payload = 22; /* 14 + 20 + 8 + 22 = 64 bytes untagged */
	size_t off = put_eth(f, our_mac, vlan, 0x0800);

	off += put_ip4(f + off, 17, 8 + payload);
	off += put_udp(f + off, payload);
	return (int)off;
}

static int build_udp_64(uint8_t *f)
{
	return build_udp(f, 0);
}

static int build_vlan_udp(uint8_t *f)
{
	return build_udp(f, 100);
}

static int build_tcp_syn(uint8_t *f)
{
	size_t off = put_eth(f, our_mac, 0, 0x0800);
	uint8_t *t;

	off += put_ip4(f + off, 6, 20);
	t = f + off;
	memset(t, 0, 20);
	put_be16(t, 40001);
	put_be16(t + 2, 22);
	put_be16(t + 4, 0x1122); /* seq */
	put_be16(t + 6, 0x3344);
	t[12] = 5 << 4; /* data offset */
	t[13] = 0x02; /* SYN */
	put_be16(t + 14, 64240); /* window */
	return (int)(off + 20);
}

/* An ARP request from a peer for an address that is not a VIP. */
static int build_arp_request(uint8_t *f)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t spa = OTHER_IP, tpa = IP4(192, 0, 2, 77);
	size_t off = put_eth(f, bcast, 0, 0x0806);
	uint8_t *p = f + off;

	put_be16(p, 1); /* Ethernet */
	put_be16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, 1); /* request */
	memcpy(p + 8, peer_mac, 6);
	memcpy(p + 14, &spa, 4);
	memset(p + 18, 0, 6);
	memcpy(p + 24, &tpa, 4);
	off += 28;
	memset(f + off, 0, 60 - off); /* Ethernet padding */
	return 60;
}

/* IPv6 UDP fe80::1 -> ff02::1, hop limit 255: neither VRRP nor ND (test_xdp6.c has those). */
static int build_ipv6(uint8_t *f)
{
	static const uint8_t mcast_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
	size_t off = put_eth(f, mcast_mac, 0, 0x86dd);
	uint8_t *ip6 = f + off;

	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	put_be16(ip6 + 4, 8 + 16); /* payload length */
	ip6[6] = 17;
	ip6[7] = 255;
	ip6[8] = 0xfe;
	ip6[9] = 0x80;
	ip6[23] = 1;
	ip6[24] = 0xff;
	ip6[25] = 0x02;
	ip6[39] = 1;
	off += 40;
	off += put_udp(f + off, 16);
	return (int)off;
}

/*
 * A frame shorter than the Ethernet header, as drivers may hand XDP. BPF_PROG_TEST_RUN refuses
 * one below ETH_HLEN on most kernels (net/bpf/test_run.c, bpf_test_init()): then it is skipped,
 * and the 14- and 16-byte rows still cover the program's short-frame paths.
 */
static int build_runt_10(uint8_t *f)
{
	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 4);
	return 10;
}

/* An Ethernet header saying IPv4, and nothing after it. */
static int build_runt_14_ipv4(uint8_t *f)
{
	return (int)put_eth(f, our_mac, 0, 0x0800);
}

/* An 802.1Q TPID and half a tag. */
static int build_runt_16_vlan(uint8_t *f)
{
	put_eth(f, our_mac, 0, 0x8100);
	put_be16(f + 14, 100);
	return 16;
}

struct pass_case {
	const char *name;
	int (*build)(uint8_t *buf);
};

/* Non-matching traffic passes untouched and counts nothing. */
static const struct pass_case pass_cases[] = {
	{ "pass_udp_64", build_udp_64 },
	{ "pass_tcp_syn", build_tcp_syn },
	{ "pass_arp_request_other_address", build_arp_request },
	{ "pass_vlan_udp", build_vlan_udp },
	{ "pass_ipv6", build_ipv6 },
	{ "pass_runt_10", build_runt_10 },
	{ "pass_runt_14_ipv4_no_header", build_runt_14_ipv4 },
	{ "pass_runt_16_vlan_half_tag", build_runt_16_vlan },
};

/* Returns 1 when the kernel would not run the frame (see build_runt_10), else 0. */
static int run_pass_case(const struct pass_case *c)
{
	struct vrrpd_rx rx0[I_COUNT], rx1[I_COUNT];
	struct txdp_stats s0, s1;
	static struct harness_out out;
	uint8_t frame[BUF_LEN];
	int len;

	if (txdp_state_reset(I_COUNT, TW_NONE)) {
		CHECK(!"cannot set up the maps");
		return 0;
	}
	memset(frame, 0, sizeof(frame));
	len = c->build(frame);
	CHECK_EQ(txdp_stats_snap(&s0), 0);
	txdp_rx_snap(rx0);
	harness_run(&txdp_env, frame, (uint32_t)len, &out);
	if (out.err == -EINVAL && len < PKT_ETH_HLEN)
		return 1;
	CHECK_EQ(out.err, 0);
	CHECK_EQ(out.verdict, XDP_PASS);
	CHECK_EQ(out.len, len);
	CHECK_MEM(out.data, frame, (size_t)len);
	CHECK_EQ(txdp_stats_snap(&s1), 0);
	txdp_check_counters(&s0, &s1, NULL, 0);
	txdp_rx_snap(rx1);
	CHECK_MEM(rx1, rx0, sizeof(rx1));
	CHECK_EQ(txdp_events_take(), 0);
	return 0;
}

/*
 * ---- ARP for a VIP (CONFORMANCE.md D1..D3): answered in XDP by a Master with a fresh lease ----
 *
 * Every row: the instance I_V3 (VRID 1, untagged, ifindex 1) in the state and lease of the row,
 * cfg.vmac = ARP_VMAC, and a vrrpd_vip entry VIP -> I_V3 (or -> an instance without a cfg).
 * The asker is peer_mac / OTHER_IP. Frames are 60 bytes (64 tagged, one 942) with a non-zero
 * padding pattern; a reply is ARP's own 42 bytes, as the kernel's, whatever the request's size.
 */

#define ARP_LEN 60
#define ARP_VLAN_LEN 64
#define ARP_PADDED_LEN 942
#define ARP_REPLY_LEN 42
#define ARP_OTHER_TPA IP4(192, 0, 2, 77)

static const uint8_t arp_vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

enum arp_frame {
	AF_REQUEST, /* who has VIP, tell OTHER_IP */
	AF_OTHER_ADDRESS, /* who has ARP_OTHER_TPA (no vrrpd_vip entry) */
	AF_GRATUITOUS, /* spa == tpa == VIP */
	AF_PROBE, /* RFC 5227 probe: spa 0.0.0.0, tpa VIP */
	AF_REPLY, /* op 2: VIP is at peer_mac */
	AF_VLAN_REQUEST, /* AF_REQUEST, 802.1Q VLAN 100 */
	AF_IP_TO_VMAC, /* not ARP: an IPv4 frame to the VMAC, as a host sends through its gateway */
	AF_IP_TO_OTHER_VMAC, /* the same to 00:00:5e:00:01:63, a VRID we have no instance for */
	AF_IP_TO_VIP, /* an IPv4 packet to the VMAC addressed to the VIP (ping the gateway) */
	AF_IP_TO_OTHER_VIP, /* the same to ARP_OTHER_TPA, registered as a VIP of VRID 77 */
	AF_PADDED_REQUEST, /* AF_REQUEST padded to ARP_PADDED_LEN */
	AF_SHA_OTHER_HOST, /* AF_REQUEST whose sender hardware address is another host's MAC */
	AF_SHA_BROADCAST, /* ... is ff:ff:ff:ff:ff:ff */
	AF_SHA_MULTICAST, /* ... is 01:00:5e:00:00:01, and so is the frame's source */
	AF_SHA_ZERO, /* ... is 00:00:00:00:00:00, and so is the frame's source */
};

static void put_pad(uint8_t *f, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		f[i] = (uint8_t)(0xa0 + i);
}

/* One Ethernet/IPv4 ARP packet at p (28 bytes). */
static void put_arp(uint8_t *p, uint16_t op, const uint8_t *sha, uint32_t spa, const uint8_t *tha,
		    uint32_t tpa)
{
	put_be16(p, 1); /* Ethernet */
	put_be16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, op);
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, &spa, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, &tpa, 4);
}

static int build_arp_frame(enum arp_frame kind, uint8_t *f)
{
	static const uint8_t zero_mac[6];
	static const uint8_t other_host[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
	static const uint8_t mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	uint16_t vlan = kind == AF_VLAN_REQUEST ? 100 : 0;
	int len = vlan ? ARP_VLAN_LEN : kind == AF_PADDED_REQUEST ? ARP_PADDED_LEN : ARP_LEN;
	const uint8_t *sha = peer_mac;
	size_t off;

	if (kind == AF_SHA_OTHER_HOST)
		sha = other_host;
	else if (kind == AF_SHA_BROADCAST)
		sha = bcast_mac;
	else if (kind == AF_SHA_MULTICAST)
		sha = mcast_mac;
	else if (kind == AF_SHA_ZERO)
		sha = zero_mac;
	if (kind == AF_IP_TO_VMAC || kind == AF_IP_TO_OTHER_VMAC) {
		static const uint8_t other_vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x63 };

		off = put_eth(f, kind == AF_IP_TO_VMAC ? arp_vmac : other_vmac, 0, 0x0800);
		memcpy(f + 6, peer_mac, 6);
		put_pad(f, off, (size_t)len); /* what follows does not matter to the program */
		return len;
	}
	if (kind == AF_IP_TO_VIP || kind == AF_IP_TO_OTHER_VIP) {
		uint32_t dst = kind == AF_IP_TO_VIP ? VIP : ARP_OTHER_TPA, src = OTHER_IP;

		off = put_eth(f, arp_vmac, 0, 0x0800);
		memcpy(f + 6, peer_mac, 6);
		put_pad(f, off, (size_t)len);
		f[off] = 0x45; /* ICMP echo request header fields do not matter here */
		put_be16(f + off + 2, (uint16_t)(len - off));
		f[off + 8] = 64;
		f[off + 9] = 1;
		memcpy(f + off + 12, &src, 4);
		memcpy(f + off + 16, &dst, 4);
		return len;
	}
	if (kind == AF_REPLY) {
		off = put_eth(f, arp_vmac, 0, 0x0806);
		put_arp(f + off, 2, peer_mac, OTHER_IP, arp_vmac, VIP);
	} else {
		off = put_eth(f, bcast_mac, vlan, 0x0806);
		/* A host that lies about itself in both places sends its frames from that MAC. */
		if (kind == AF_SHA_MULTICAST || kind == AF_SHA_ZERO)
			memcpy(f + 6, sha, 6);
		put_arp(f + off, 1, sha,
			kind == AF_PROBE      ? 0 :
			kind == AF_GRATUITOUS ? VIP :
						OTHER_IP,
			zero_mac, kind == AF_OTHER_ADDRESS ? ARP_OTHER_TPA : VIP);
	}
	put_pad(f, off + 28, (size_t)len);
	return len;
}

/* RFC 826: to the asker, from the VMAC, op 2, "VIP is at the VMAC", target the asker: 42 bytes. */
static int build_arp_reply(uint8_t *f, const uint8_t *asker_mac, uint32_t asker_ip)
{
	memcpy(f, asker_mac, 6);
	memcpy(f + 6, arp_vmac, 6);
	put_be16(f + 12, 0x0806);
	put_arp(f + 14, 2, arp_vmac, VIP, asker_mac, asker_ip);
	return ARP_REPLY_LEN;
}

struct arp_case {
	const char *name;
	uint8_t state;
	uint64_t lease_until_ns;
	enum arp_frame frame;
	bool vip_no_cfg; /* the vrrpd_vip entry points to an instance key with no vrrpd_cfg */
	uint32_t verdict;
	uint32_t counters; /* on I_V3 */
	uint8_t flags; /* cfg.flags of I_V3 (VRRPD_F_VMAC: the VMAC is in use) */
	uint8_t cfg_priority; /* of I_V3, 0: as installed (100) */
};

static const struct arp_case arp_cases[] = {
	/* CONFORMANCE.md D2: the Master answers with the VMAC. */
	{ "arp_master_fresh_lease_replies", VRRPD_ST_MASTER, LEASE_FRESH, AF_REQUEST, false, XDP_TX,
	  CNT(arp_replies), VRRPD_F_VMAC, 0 },
	/* CONFORMANCE.md D1: a Backup does not answer for the VIP, and neither does its kernel. */
	{ "arp_backup_drops", VRRPD_ST_BACKUP, LEASE_FRESH, AF_REQUEST, false, XDP_DROP,
	  CNT(arp_dropped), VRRPD_F_VMAC, 0 },
	/* CONFORMANCE.md D3: the controller stopped renewing the lease. */
	{ "arp_expired_lease_drops", VRRPD_ST_MASTER, LEASE_EXPIRED, AF_REQUEST, false, XDP_DROP,
	  CNT(arp_dropped), VRRPD_F_VMAC, 0 },
	{ "arp_vip_not_ours_passes", VRRPD_ST_MASTER, LEASE_FRESH, AF_OTHER_ADDRESS, false,
	  XDP_PASS, 0, VRRPD_F_VMAC, 0 },
	{ "arp_gratuitous_passes", VRRPD_ST_MASTER, LEASE_FRESH, AF_GRATUITOUS, false, XDP_PASS, 0,
	  VRRPD_F_VMAC, 0 },
	/* RFC 5227 2.1.1: a probe for the VIP gets a reply, its target address 0.0.0.0. */
	{ "arp_probe_replies", VRRPD_ST_MASTER, LEASE_FRESH, AF_PROBE, false, XDP_TX,
	  CNT(arp_replies), VRRPD_F_VMAC, 0 },
	/* A padded request gets ARP's own size back, not its own (942 bytes in, 42 out). */
	{ "arp_padded_request_reply_is_42_bytes", VRRPD_ST_MASTER, LEASE_FRESH, AF_PADDED_REQUEST,
	  false, XDP_TX, CNT(arp_replies), VRRPD_F_VMAC, 0 },
	/* The reply goes to the sender's hardware address: never elsewhere than the frame's source. */
	{ "arp_sha_other_host_drops", VRRPD_ST_MASTER, LEASE_FRESH, AF_SHA_OTHER_HOST, false,
	  XDP_DROP, CNT(arp_invalid), VRRPD_F_VMAC, 0 },
	{ "arp_sha_broadcast_drops", VRRPD_ST_MASTER, LEASE_FRESH, AF_SHA_BROADCAST, false,
	  XDP_DROP, CNT(arp_invalid), VRRPD_F_VMAC, 0 },
	{ "arp_sha_multicast_drops", VRRPD_ST_MASTER, LEASE_FRESH, AF_SHA_MULTICAST, false,
	  XDP_DROP, CNT(arp_invalid), VRRPD_F_VMAC, 0 },
	{ "arp_sha_zero_drops", VRRPD_ST_MASTER, LEASE_FRESH, AF_SHA_ZERO, false, XDP_DROP,
	  CNT(arp_invalid), VRRPD_F_VMAC, 0 },
	{ "arp_reply_passes", VRRPD_ST_MASTER, LEASE_FRESH, AF_REPLY, false, XDP_PASS, 0,
	  VRRPD_F_VMAC, 0 },
	/* Instances on VLAN devices see the request untagged there; the parent does not answer. */
	{ "arp_vlan_tagged_passes", VRRPD_ST_MASTER, LEASE_FRESH, AF_VLAN_REQUEST, false, XDP_PASS,
	  0, VRRPD_F_VMAC, 0 },
	{ "arp_vip_without_cfg_passes", VRRPD_ST_MASTER, LEASE_FRESH, AF_REQUEST, true, XDP_PASS, 0,
	  VRRPD_F_VMAC, 0 },
	/* CONFORMANCE.md D1: traffic to the VMAC reaches the stack only while Master. */
	{ "vmac_backup_drops_ip", VRRPD_ST_BACKUP, LEASE_FRESH, AF_IP_TO_VMAC, false, XDP_DROP,
	  CNT(vmac_dropped), VRRPD_F_VMAC, 0 },
	{ "vmac_backup_drops_arp_reply", VRRPD_ST_BACKUP, LEASE_FRESH, AF_REPLY, false, XDP_DROP,
	  CNT(vmac_dropped), VRRPD_F_VMAC, 0 },
	{ "vmac_master_passes_ip", VRRPD_ST_MASTER, LEASE_FRESH, AF_IP_TO_VMAC, false, XDP_PASS, 0,
	  VRRPD_F_VMAC, 0 },
	{ "vmac_master_expired_lease_passes_ip", VRRPD_ST_MASTER, LEASE_EXPIRED, AF_IP_TO_VMAC,
	  false, XDP_PASS, 0, VRRPD_F_VMAC, 0 },
	/* -n: no VMAC in use, nothing of ours to protect. */
	{ "vmac_off_backup_passes_ip", VRRPD_ST_BACKUP, LEASE_FRESH, AF_IP_TO_VMAC, false, XDP_PASS,
	  0, 0, 0 },
	{ "vmac_other_vrid_passes_ip", VRRPD_ST_BACKUP, LEASE_FRESH, AF_IP_TO_OTHER_VMAC, false,
	  XDP_PASS, 0, VRRPD_F_VMAC, 0 },
	/* CONFORMANCE.md D2: Accept_Mode. On (the default), the Master takes what is for a VIP. */
	{ "accept_on_master_passes_ip_to_vip", VRRPD_ST_MASTER, LEASE_FRESH, AF_IP_TO_VIP, false,
	  XDP_PASS, 0, VRRPD_F_VMAC, 0 },
	/* Off: a Master that is not the owner drops it, and forwards the rest. */
	{ "accept_off_master_drops_ip_to_vip", VRRPD_ST_MASTER, LEASE_FRESH, AF_IP_TO_VIP, false,
	  XDP_DROP, CNT(accept_mode_dropped), VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT, 0 },
	{ "accept_off_master_passes_forwarded_ip", VRRPD_ST_MASTER, LEASE_FRESH, AF_IP_TO_VMAC,
	  false, XDP_PASS, 0, VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT, 0 },
	{ "accept_off_master_passes_ip_to_other_instances_vip", VRRPD_ST_MASTER, LEASE_FRESH,
	  AF_IP_TO_OTHER_VIP, false, XDP_PASS, 0, VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT, 0 },
	/* The owner always accepts (RFC 9568 6.4.3). */
	{ "accept_off_owner_passes_ip_to_vip", VRRPD_ST_MASTER, LEASE_FRESH, AF_IP_TO_VIP, false,
	  XDP_PASS, 0, VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT, VRRP_PRIO_OWNER },
	/* A Backup drops all that comes to the VMAC (D1), whatever Accept_Mode says. */
	{ "accept_off_backup_drops_ip_to_vip", VRRPD_ST_BACKUP, LEASE_FRESH, AF_IP_TO_VIP, false,
	  XDP_DROP, CNT(vmac_dropped), VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT, 0 },
};

static int arp_setup(const struct arp_case *c)
{
	struct vrrpd_key key = txdp_inst_key(I_V3), target = key;
	struct vrrpd_vip_key vk = { .ifindex = LO_IFINDEX, .family = FAMILY_IPV4 };
	uint32_t vip = VIP;
	struct vrrpd_cfg cfg;

	if (txdp_state_reset(I_COUNT, TW_NONE) || bpf_map_lookup_elem(txdp_env.cfg_fd, &key, &cfg))
		return -1;
	cfg.state = c->state;
	cfg.lease_until_ns = c->lease_until_ns;
	cfg.flags = c->flags;
	if (c->cfg_priority)
		cfg.cfg_priority = c->cfg_priority;
	memcpy(cfg.vmac, arp_vmac, 6);
	if (bpf_map_update_elem(txdp_env.cfg_fd, &key, &cfg, BPF_EXIST))
		return -1;
	if (c->vip_no_cfg)
		target.vrid = 77; /* no vrrpd_cfg entry */
	memcpy(vk.addr, &vip, 4);
	if (bpf_map_update_elem(txdp_env.vip_fd, &vk, &target, BPF_NOEXIST))
		return -1;
	/* Another instance's VIP on this interface. */
	target.vrid = 77;
	vip = ARP_OTHER_TPA;
	memcpy(vk.addr, &vip, 4);
	return c->frame == AF_IP_TO_OTHER_VIP &&
			       bpf_map_update_elem(txdp_env.vip_fd, &vk, &target, BPF_NOEXIST) ?
		       -1 :
		       0;
}

static void run_arp_case(const struct arp_case *c)
{
	struct vrrpd_key key = txdp_inst_key(I_V3);
	struct vrrpd_rx rx0[I_COUNT], rx1[I_COUNT];
	uint8_t frame[BUF_LEN], want[BUF_LEN];
	struct txdp_stats s0, s1;
	static struct harness_out out;
	int len, want_len;

	if (arp_setup(c)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	memset(frame, 0, sizeof(frame));
	memset(want, 0, sizeof(want));
	len = build_arp_frame(c->frame, frame);
	want_len = len;
	if (c->verdict == XDP_TX)
		/* The asker's address; a prober has none yet. */
		want_len = build_arp_reply(want, peer_mac, c->frame == AF_PROBE ? 0 : OTHER_IP);
	else
		memcpy(want, frame, (size_t)len);
	CHECK_EQ(txdp_stats_snap(&s0), 0);
	txdp_rx_snap(rx0);
	harness_run(&txdp_env, frame, (uint32_t)len, &out);
	CHECK_EQ(out.err, 0);
	CHECK_EQ(out.verdict, c->verdict);
	if (c->verdict != XDP_DROP) {
		CHECK_EQ(out.len, want_len);
		if (out.len == (uint32_t)want_len)
			CHECK_MEM(out.data, want, (size_t)want_len);
	}
	CHECK_EQ(txdp_stats_snap(&s1), 0);
	txdp_check_counters(&s0, &s1, &key, c->counters);
	txdp_rx_snap(rx1);
	CHECK_MEM(rx1, rx0, sizeof(rx1));
	CHECK_EQ(txdp_events_take(), 0);
}

/*
 * A host that sends valid adverts for a VRID nobody runs, untagged and tagged with 64 VLAN ids:
 * their drops make one vrrpd_stats entry (VRID 0 of the interface and family), not 65: strangers
 * must not fill the map that every vrrpd on the host shares.
 */
static void run_strangers_case(void)
{
	static struct harness_out out;
	struct vrrpd_key k, next, *prev = NULL;
	uint8_t frame[BUF_LEN];
	struct pkt_advert a;
	int len, n = 0, vlan;

	if (txdp_state_reset(I_COUNT, TW_NONE)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	inst_advert(I_V3, &a);
	a.vrid = 99;
	for (vlan = 0; vlan <= 64; vlan++) {
		a.vlan = (uint16_t)vlan;
		len = pkt_build_advert(frame, BUF_LEN, &a);
		CHECK(len > 0);
		if (len <= 0)
			return;
		harness_run(&txdp_env, frame, (uint32_t)len, &out);
		CHECK_EQ(out.verdict, XDP_DROP);
	}
	while (!bpf_map_get_next_key(txdp_env.stats_fd, prev, &next)) {
		if (!next.vrid && next.family == FAMILY_IPV4) {
			n++;
			CHECK_EQ(next.vlan, 0);
		}
		k = next;
		prev = &k;
	}
	CHECK_EQ(n, 1);
}

static void case_done(const char *name)
{
	if (check_failed_case) {
		printf("not ok %s\n", name);
		check_failures++;
	} else {
		printf("ok %s\n", name);
	}
	fflush(stdout);
}

int main(void)
{
	char reason[256];
	size_t i;
	int ret;

	ret = harness_setup(&txdp_env, "test_xdp", 0, harness_on_event, &txdp_sink, reason,
			    sizeof(reason));
	if (ret) {
		harness_teardown(&txdp_env);
		if (ret > 0) {
			printf("skip test_xdp: %s\n", reason);
			return 0;
		}
		printf("not ok test_xdp_setup: %s\n", reason);
		return 1;
	}

	for (i = 0; i < sizeof(advert_cases) / sizeof(advert_cases[0]); i++) {
		check_failed_case = 0;
		run_advert_case(&advert_cases[i]);
		case_done(advert_cases[i].name);
	}
	check_failed_case = 0;
	run_strangers_case();
	case_done("R6_strangers_vlan_tags_one_entry");
	for (i = 0; i < sizeof(pass_cases) / sizeof(pass_cases[0]); i++) {
		check_failed_case = 0;
		if (run_pass_case(&pass_cases[i]))
			SKIP(pass_cases[i].name,
			     "BPF_PROG_TEST_RUN refuses frames shorter than ETH_HLEN here (EINVAL)");
		else
			case_done(pass_cases[i].name);
	}

	for (i = 0; i < sizeof(arp_cases) / sizeof(arp_cases[0]); i++) {
		check_failed_case = 0;
		run_arp_case(&arp_cases[i]);
		case_done(arp_cases[i].name);
	}
	/* The checks of test_xdp6.c and test_xdp_nd6.c count there; the helpers' count here. */
	for (i = 0; i < txdp6_count(); i++) {
		check_failed_case = 0;
		check_failed_case += txdp6_run(i);
		case_done(txdp6_name(i));
	}
	for (i = 0; i < txdp_nd6_count(); i++) {
		check_failed_case = 0;
		check_failed_case += txdp_nd6_run(i);
		case_done(txdp_nd6_name(i));
	}
	for (i = 0; i < txdp_down_count(); i++) {
		check_failed_case = 0;
		if (!txdp_env.down_timer) {
			SKIP(txdp_down_name(i), "this kernel has no bpf_timer for XDP programs");
			continue;
		}
		check_failed_case += txdp_down_run(i);
		case_done(txdp_down_name(i));
	}

	harness_teardown(&txdp_env);
	CHECK_EXIT();
}
