// SPDX-License-Identifier: GPL-2.0
/*
 * The Neighbor Discovery rows of test_xdp (RFC 4861; CONFORMANCE.md D1, D5) and those of frames to
 * the IPv6 VMAC (D1, D2): solicitations for a virtual IPv6 address built by user/pkt6.c, and the
 * Neighbor Advertisement that must come back, byte for byte as pkt6_build_na() builds it. Same
 * fixture and same checks as the other rows (test_xdp.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "check.h"
#include "pkt6.h"
#include "test_xdp.h"

#define IP6_HLEN PKT6_IP6_HLEN
#define NH_UDP 17
#define NH_ICMPV6 58
#define ICMP6_CSUM_OFF 2
#define UDP_CSUM_OFF 6
#define ND_OPT_NONCE 14 /* RFC 3971 5.3.2 */
#define NA_RSO (PKT6_NA_ROUTER | PKT6_NA_SOLICITED | PKT6_NA_OVERRIDE)
#define NA_RO (PKT6_NA_ROUTER | PKT6_NA_OVERRIDE)

/* fe80::100, the virtual router's link-local address, and 2001:db8::100: the VIPs of I_V6. */
static const uint8_t vip6_ll[16] = { 0xfe, 0x80, [14] = 0x01 };
static const uint8_t vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x01 };
static const uint8_t not_vip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x77 };
static const uint8_t asker6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x42 };
static const uint8_t unspec6[16];
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };
static const uint8_t vmac6[6] = { 0x00, 0x00, 0x5e, 0x00, 0x02, 0x01 }; /* VRID 1 (RFC 9568 7.3) */

/*
 * ---- Neighbor Discovery for a VIP (CONFORMANCE.md D1, D5) and the IPv6 VMAC (D1, D2) ----
 *
 * Every row: the instance I_V6 (VRID 1, untagged) in the state, lease, flags and priority of
 * the row, cfg.vmac = 00:00:5e:00:02:01, and vrrpd_vip entries for 2001:db8::100 and fe80::100
 * -> I_V6 (or -> a VRID without a cfg). The asker is 2001:db8::42 at asker_mac.
 */

enum nd_frame {
	NF_NS, /* multicast to the solicited-node group, with a Source Link-Layer Address option */
	NF_NS_NUD, /* unicast to the VIP at the VMAC, no option (RFC 4861 7.3.1): 78 bytes */
	NF_NS_NONCE, /* NF_NS and a Nonce option (RFC 3971 5.3.2): 94 bytes */
	NF_DAD, /* from ::, no option (RFC 4862 5.4.2) */
	NF_NS_NOT_VIP, /* for 2001:db8::77, which is nobody's VIP */
	NF_NS_HOP_254,
	NF_NS_BAD_CSUM,
	NF_NS_CODE_1,
	NF_NS_MCAST_SRC, /* from ff02::42: no node's address (RFC 4291 2.7) */
	NF_DAD_TO_VIP, /* a DAD probe sent to the VIP instead of its solicited-node group */
	NF_NS_VLAN, /* 802.1Q VLAN 100 */
	NF_NA, /* an unsolicited NA for the VIP from another node (type 136) */
	NF_NA_TO_VIP, /* an NA to the VIP at the VMAC: a host answering the router's NS */
	NF_IP6_TO_VMAC, /* UDP to 2001:db8::77 at the VMAC: traffic the router forwards */
	NF_IP6_TO_VIP, /* UDP to the VIP at the VMAC */
	NF_IP4_TO_VMAC6, /* IPv4 to the IPv6 VMAC */
};

/* IPv6 UDP (port 40000 -> 53, 8 bytes of payload) from the asker to dst, at the VMAC. */
static int build_udp6_to_vmac(uint8_t *f, const uint8_t dst[16])
{
	uint8_t *ip = f + 14, *u = ip + IP6_HLEN;

	memcpy(f, vmac6, 6);
	memcpy(f + 6, asker_mac, 6);
	put_be16(f + 12, 0x86dd);
	memset(ip, 0, IP6_HLEN);
	ip[0] = 0x60;
	put_be16(ip + 4, 16);
	ip[6] = NH_UDP;
	ip[7] = 64;
	memcpy(ip + 8, asker6, 16);
	memcpy(ip + 24, dst, 16);
	put_be16(u, 40000);
	put_be16(u + 2, 53);
	put_be16(u + 4, 16);
	for (int i = 0; i < 8; i++)
		u[8 + i] = (uint8_t)i;
	txdp_fix_csum6(ip, NH_UDP, UDP_CSUM_OFF, true); /* RFC 8200 8.1: mandatory over IPv6 */
	return 14 + IP6_HLEN + 16;
}

static int build_nd_frame(enum nd_frame kind, uint8_t *f)
{
	uint8_t *ip = f + 14, *icmp = ip + IP6_HLEN;
	int len;

	switch (kind) {
	case NF_IP6_TO_VMAC:
	case NF_IP6_TO_VIP:
		return build_udp6_to_vmac(f, kind == NF_IP6_TO_VIP ? vip6 : not_vip6);
	case NF_IP4_TO_VMAC6:
		/* An ARP reply frame's worth of IPv4 bytes: only the Ethernet header matters. */
		memcpy(f, vmac6, 6);
		memcpy(f + 6, asker_mac, 6);
		put_be16(f + 12, 0x0800);
		memset(f + 14, 0, 46);
		f[14] = 0x45;
		put_be16(f + 16, 46);
		f[22] = 64;
		f[23] = NH_UDP;
		return 60;
	case NF_DAD:
		return pkt6_build_ns(f, BUF_LEN, asker_mac, unspec6, vip6, 0);
	case NF_NS_NOT_VIP:
		return pkt6_build_ns(f, BUF_LEN, asker_mac, asker6, not_vip6, 0);
	case NF_NS_VLAN:
		return pkt6_build_ns(f, BUF_LEN, asker_mac, asker6, vip6, 100);
	case NF_NA:
		return pkt6_build_unsolicited_na(f, BUF_LEN, asker_mac, vip6, 0);
	case NF_NA_TO_VIP:
		return pkt6_build_na(f, BUF_LEN, asker_mac, asker6, vip6, vmac6,
				     PKT6_NA_SOLICITED | PKT6_NA_OVERRIDE, 0);
	default:
		break;
	}
	len = pkt6_build_ns(f, BUF_LEN, asker_mac, asker6, vip6, 0);
	if (len < 0)
		return len;
	switch (kind) {
	case NF_NS_NUD:
		memcpy(f, vmac6, 6);
		memcpy(ip + 24, vip6, 16);
		put_be16(ip + 4, 24);
		len -= 8;
		break;
	case NF_NS_NONCE:
		memcpy(f + len, (uint8_t[8]){ ND_OPT_NONCE, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 },
		       8);
		put_be16(ip + 4, 40);
		len += 8;
		break;
	case NF_NS_HOP_254:
		ip[7] = 254;
		return len; /* outside the checksum */
	case NF_NS_BAD_CSUM:
		icmp[3] ^= 0x01;
		return len;
	case NF_NS_CODE_1:
		icmp[1] = 1;
		break;
	case NF_NS_MCAST_SRC:
		ip[8] = 0xff;
		ip[9] = 0x02;
		break;
	case NF_DAD_TO_VIP:
		/* From :: without the option (RFC 4861 4.3), to the VIP itself. */
		memset(ip + 8, 0, 16);
		memcpy(ip + 24, vip6, 16);
		put_be16(ip + 4, 24);
		len -= 8;
		break;
	default:
		return len;
	}
	txdp_fix_csum6(ip, NH_ICMPV6, ICMP6_CSUM_OFF, true);
	return len;
}

/*
 * RFC 4861 7.2.4: to the asker from the VMAC, Router (RFC 9568 8.2.1), Solicited and Override,
 * the Target Link-Layer Address option; a DAD probe is answered to all nodes, unsolicited.
 */
static int build_na_reply(uint8_t *f, enum nd_frame kind)
{
	if (kind == NF_DAD)
		return pkt6_build_na(f, BUF_LEN, vmac6, vip6, all_nodes6, all_nodes_mac, NA_RO, 0);
	return pkt6_build_na(f, BUF_LEN, vmac6, vip6, asker6, asker_mac, NA_RSO, 0);
}

struct nd_case {
	const char *name;
	uint8_t state;
	uint64_t lease_until_ns;
	enum nd_frame frame;
	bool vip_no_cfg; /* the vrrpd_vip entries point to a VRID with no vrrpd_cfg */
	uint32_t verdict;
	uint32_t counters; /* on I_V6 */
	uint8_t flags; /* cfg.flags of I_V6 */
	uint8_t cfg_priority; /* of I_V6, 0: as installed (100) */
};

/*
 * NF_NS grown to plen bytes of ICMPv6 by an option of a type no one knows (RFC 4861 4.6: ignored)
 * after the Source Link-Layer Address: jumbo frames carry solicitations that long. The checksum
 * is computed in chunks of 512 bytes (csum_buf), so the lengths around 512, 1024 and 1536 are
 * rows, each with a byte of its last chunk flipped too.
 */
static int build_ns_padded(uint8_t *f, uint16_t plen, bool corrupt)
{
	uint8_t *ip = f + 14, *icmp = ip + IP6_HLEN;
	int len = pkt6_build_ns(f, BUF_LEN, asker_mac, asker6, vip6, 0);

	if (len != 14 + IP6_HLEN + 32 || plen < 40 || (plen - 32) % 8 ||
	    14 + IP6_HLEN + plen > BUF_LEN)
		return -1;
	icmp[32] = 250;
	icmp[33] = (uint8_t)((plen - 32) / 8);
	for (int i = 34; i < plen; i++)
		icmp[i] = (uint8_t)(i * 7);
	put_be16(ip + 4, plen);
	txdp_fix_csum6(ip, NH_ICMPV6, ICMP6_CSUM_OFF, true);
	if (corrupt)
		icmp[plen - 3] ^= 0x40;
	return 14 + IP6_HLEN + plen;
}

#define M VRRPD_ST_MASTER
#define B VRRPD_ST_BACKUP
#define FRESH LEASE_FRESH
#define VM VRRPD_F_VMAC
#define NOACC (VRRPD_F_VMAC | VRRPD_F_NO_ACCEPT)

static const struct nd_case nd_cases[] = {
	/* D5: the Master answers from the VMAC, Router flag set. */
	{ "D5_ns_master_fresh_lease_replies", M, FRESH, NF_NS, false, XDP_TX, CNT(nd_replies), VM,
	  0 },
	/* The reply is 86 bytes whatever the solicitation was: the tail grows ... */
	{ "D5_ns_unicast_without_option_reply_grows_tail", M, FRESH, NF_NS_NUD, false, XDP_TX,
	  CNT(nd_replies), VM, 0 },
	/* ... or shrinks. */
	{ "D5_ns_with_nonce_reply_shrinks_tail", M, FRESH, NF_NS_NONCE, false, XDP_TX,
	  CNT(nd_replies), VM, 0 },
	/* RFC 4861 7.2.4: a DAD probe (from ::) is answered to all nodes, Solicited clear. */
	{ "D5_ns_dad_probe_answered_to_all_nodes", M, FRESH, NF_DAD, false, XDP_TX, CNT(nd_replies),
	  VM, 0 },
	/* D1: a Backup never answers NS for a VIP, and neither does its kernel. */
	{ "D1_ns_backup_drops", B, FRESH, NF_NS, false, XDP_DROP, CNT(nd_dropped), VM, 0 },
	/* As D3 for ARP: a Master whose controller stopped renewing the lease goes silent. */
	{ "D5_ns_expired_lease_drops", M, LEASE_EXPIRED, NF_NS, false, XDP_DROP, CNT(nd_dropped),
	  VM, 0 },
	/* What is not a solicitation for a VIP, or one a node must discard, is the kernel's. */
	{ "D5_ns_target_not_vip_passes", M, FRESH, NF_NS_NOT_VIP, false, XDP_PASS, 0, VM, 0 },
	{ "D5_ns_vip_without_cfg_passes", M, FRESH, NF_NS, true, XDP_PASS, 0, VM, 0 },
	/* RFC 4861 7.1.1: hop limit 255, code 0, a valid checksum. */
	{ "D5_ns_hop_limit_254_passes", M, FRESH, NF_NS_HOP_254, false, XDP_PASS, 0, VM, 0 },
	{ "D5_ns_bad_checksum_passes", M, FRESH, NF_NS_BAD_CSUM, false, XDP_PASS, 0, VM, 0 },
	{ "D5_ns_code_1_passes", M, FRESH, NF_NS_CODE_1, false, XDP_PASS, 0, VM, 0 },
	/* RFC 4291 2.7, RFC 4861 7.1.1: what a node discards is not answered either. */
	{ "D5_ns_multicast_source_passes", M, FRESH, NF_NS_MCAST_SRC, false, XDP_PASS, 0, VM, 0 },
	{ "D5_ns_dad_not_to_solicited_node_passes", M, FRESH, NF_DAD_TO_VIP, false, XDP_PASS, 0, VM,
	  0 },
	/* Instances on VLAN devices get their solicitations untagged there, as ARP. */
	{ "D5_ns_vlan_tagged_passes", M, FRESH, NF_NS_VLAN, false, XDP_PASS, 0, VM, 0 },
	{ "D5_na_for_vip_passes", M, FRESH, NF_NA, false, XDP_PASS, 0, VM, 0 },
	/* D1: IPv6 to 00:00:5e:00:02:VRID reaches the stack only while Master ... */
	{ "D1_vmac6_backup_drops_ipv6", B, FRESH, NF_IP6_TO_VMAC, false, XDP_DROP,
	  CNT(vmac_dropped), VM, 0 },
	/* ... a solicitation to it too (before the NS duty: the Backup must not answer) ... */
	{ "D1_vmac6_backup_drops_unicast_ns", B, FRESH, NF_NS_NUD, false, XDP_DROP,
	  CNT(vmac_dropped), VM, 0 },
	/* ... and whatever it carries. */
	{ "D1_vmac6_backup_drops_ipv4", B, FRESH, NF_IP4_TO_VMAC6, false, XDP_DROP,
	  CNT(vmac_dropped), VM, 0 },
	{ "D1_vmac6_master_passes_ipv6", M, FRESH, NF_IP6_TO_VMAC, false, XDP_PASS, 0, VM, 0 },
	{ "D1_vmac6_off_backup_passes_ipv6", B, FRESH, NF_IP6_TO_VMAC, false, XDP_PASS, 0, 0, 0 },
	/* D2: Accept_Mode on (the default): the Master takes what is for a VIP. */
	{ "D2_accept6_on_master_passes_ipv6_to_vip", M, FRESH, NF_IP6_TO_VIP, false, XDP_PASS, 0,
	  VM, 0 },
	/* Off: a Master that is not the owner drops it, and forwards the rest. */
	{ "D2_accept6_off_master_drops_ipv6_to_vip", M, FRESH, NF_IP6_TO_VIP, false, XDP_DROP,
	  CNT(accept_mode_dropped), NOACC, 0 },
	{ "D2_accept6_off_master_passes_ipv6_to_other_address", M, FRESH, NF_IP6_TO_VMAC, false,
	  XDP_PASS, 0, NOACC, 0 },
	{ "D2_accept6_off_owner_passes_ipv6_to_vip", M, FRESH, NF_IP6_TO_VIP, false, XDP_PASS, 0,
	  NOACC, VRRP_PRIO_OWNER },
	/* RFC 9568 6.1: NS and NA MUST NOT be dropped when Accept_Mode is False. */
	{ "D2_accept6_off_master_answers_unicast_ns", M, FRESH, NF_NS_NUD, false, XDP_TX,
	  CNT(nd_replies), NOACC, 0 },
	{ "D2_accept6_off_master_passes_na_to_vip", M, FRESH, NF_NA_TO_VIP, false, XDP_PASS, 0,
	  NOACC, 0 },
};

/* Long solicitations (build_ns_padded): every byte counts in the checksum, the last 512 of 1536 too. */
static const struct {
	const char *name;
	uint16_t plen;
	bool corrupt;
} ns_lens[] = {
#define NS_LEN(l)                                                     \
	{ "D5_ns_" #l "_bytes_replies", l, false },                   \
	{                                                             \
		"D5_ns_" #l "_bytes_flipped_near_end_passes", l, true \
	}
	NS_LEN(504),  NS_LEN(512),  NS_LEN(520),  NS_LEN(1016),
	NS_LEN(1024), NS_LEN(1032), NS_LEN(1528), NS_LEN(1536),
#undef NS_LEN
};

#undef M
#undef B
#undef FRESH
#undef VM
#undef NOACC

#define NND (sizeof(nd_cases) / sizeof(nd_cases[0]))
#define NLEN (sizeof(ns_lens) / sizeof(ns_lens[0]))

static int nd_setup(const struct nd_case *c)
{
	struct vrrpd_key key = txdp_inst_key(I_V6), target = key;
	struct vrrpd_vip_key vk = { .ifindex = LO_IFINDEX, .family = FAMILY_IPV6 };
	struct vrrpd_cfg cfg;

	if (txdp_state_reset(I_COUNT, TW_NONE) || bpf_map_lookup_elem(txdp_env.cfg_fd, &key, &cfg))
		return -1;
	cfg.state = c->state;
	cfg.lease_until_ns = c->lease_until_ns;
	cfg.flags = c->flags;
	if (c->cfg_priority)
		cfg.cfg_priority = c->cfg_priority;
	memcpy(cfg.vmac, vmac6, 6);
	if (bpf_map_update_elem(txdp_env.cfg_fd, &key, &cfg, BPF_EXIST))
		return -1;
	if (c->vip_no_cfg)
		target.vrid = 77; /* no vrrpd_cfg entry */
	memcpy(vk.addr, vip6, 16);
	if (bpf_map_update_elem(txdp_env.vip_fd, &vk, &target, BPF_NOEXIST))
		return -1;
	memcpy(vk.addr, vip6_ll, 16);
	return bpf_map_update_elem(txdp_env.vip_fd, &vk, &target, BPF_NOEXIST) ? -1 : 0;
}

static void run_nd_case(const struct nd_case *c, uint16_t plen, bool corrupt)
{
	struct vrrpd_key key = txdp_inst_key(I_V6);
	struct vrrpd_rx rx0[I_COUNT], rx1[I_COUNT];
	uint8_t frame[BUF_LEN], want[BUF_LEN];
	static struct txdp_stats s0, s1;
	static struct harness_out out;
	int len, want_len;

	if (nd_setup(c)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	memset(frame, 0, sizeof(frame));
	memset(want, 0, sizeof(want));
	len = plen ? build_ns_padded(frame, plen, corrupt) : build_nd_frame(c->frame, frame);
	CHECK(len > 0);
	if (len <= 0)
		return;
	if (c->verdict == XDP_TX) {
		want_len = build_na_reply(want, c->frame);
		CHECK_EQ(want_len, 86);
	} else {
		want_len = len;
		memcpy(want, frame, (size_t)len);
	}
	CHECK_EQ(txdp_stats_snap(&s0), 0);
	txdp_rx_snap(rx0);
	harness_run(&txdp_env, frame, (uint32_t)len, &out);
	CHECK_EQ(out.err, 0);
	CHECK_EQ(out.verdict, c->verdict);
	if (c->verdict != XDP_DROP && want_len > 0) {
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

/* ---- the rows, for main (test_xdp.h) ---- */

size_t txdp_nd6_count(void)
{
	return NND + NLEN;
}

const char *txdp_nd6_name(size_t i)
{
	return i < NND ? nd_cases[i].name : ns_lens[i - NND].name;
}

int txdp_nd6_run(size_t i)
{
	check_failed_case = 0;
	if (i < NND) {
		run_nd_case(&nd_cases[i], 0, false);
	} else if (i < NND + NLEN) {
		const struct nd_case c = {
			.state = VRRPD_ST_MASTER,
			.lease_until_ns = LEASE_FRESH,
			.frame = NF_NS,
			.verdict = ns_lens[i - NND].corrupt ? XDP_PASS : XDP_TX,
			.counters = ns_lens[i - NND].corrupt ? 0 : CNT(nd_replies),
			.flags = VRRPD_F_VMAC,
		};

		run_nd_case(&c, ns_lens[i - NND].plen, ns_lens[i - NND].corrupt);
	}
	check_failures += check_failed_case != 0; /* main reports it; kept for check.h's sake */
	return check_failed_case;
}
