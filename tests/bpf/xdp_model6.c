// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model's IPv6 half (xdp_model.c says why it can be trusted):
 *
 * - What an IPv6 advert is, statelessly (R1..R5, R7, R8, C2), comes from tests/lib/pkt6_parse.c,
 *   pkt6_locate_advert() and pkt6_parse_advert(), which test_pkt6 holds to golden frames from
 *   a separate encoder (gen_golden6.py) that tcpdump decodes. R6 and R2 against the instance,
 *   then the unicast rule, are written here; what follows is the accept path both families
 *   share (model_record(): R12, the counters, the fast path of S4, vrrpd_rx, the event).
 * - The Neighbor Solicitation duty (D1, D5) is written here from RFC 4861. A node must
 *   discard more than the program looks at (7.1.1; pkt6_parse_ns() checks it all): the program
 *   answers only what passes the checks below and leaves the rest, untouched, to the kernel,
 *   which discards or answers it itself. The reply is built by pkt6_build_na().
 *
 * As in xdp_model.c, only the order of the rules follows the program: R4 on the payload length
 * before the VRID is read, R6 before R1.
 */
#include <string.h>
#include <linux/bpf.h>

#include "pkt_parse.h"
#include "xdp_model.h"

#define IP6_HLEN PKT6_IP6_HLEN
#define IP6_HLIM 255
#define NH_ICMPV6 58
#define ND_NS 135
#define ND_HLEN 24 /* type, code, checksum, reserved, target: RFC 4861 4.3 */
#define ND_CSUM_MAX 1536 /* the most the program checksums (bpf/parse.h CSUM_BUF_MAX) */
#define STAT_BIT(off) (1u << ((unsigned int)(off) / sizeof(__u64)))

static const uint8_t vrrp_group6[16] = { 0xff, 0x02, [15] = 0x12 }; /* RFC 9568 5.1.2.2 */
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 0x01 }; /* RFC 4291 2.7.1 */
/* ff02::1:ff00:0/104, the solicited-node groups (RFC 4291 2.7.1). */
static const uint8_t solicited_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }; /* RFC 2464 7 */

static bool is_unspec(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/* The one's complement sum over the pseudo-header (RFC 8200 8.1) and len bytes of payload. */
static uint32_t csum6(const uint8_t *ip, size_t len)
{
	uint8_t tail[8] = { 0 };

	put_be16(tail + 2, (uint16_t)len);
	tail[7] = ip[6];
	return pkt_csum_add(pkt_csum_add(pkt_csum_add(0, ip + 8, 32), tail, 8), ip + IP6_HLEN, len);
}

/* An IPv6 VRRP frame: next header 112 right after the fixed header. */
static void advert6_rules(const struct model_state *st, uint64_t now_ns, const uint8_t *frame,
			  size_t len, uint16_t vlan, struct model_pred *p)
{
	struct vrrpd_key key, none = model_key_of(st, vlan, MODEL_FAMILY_IPV6, 0);
	const struct model_inst *in;
	static struct pkt6_advert a;
	struct pkt6_vrrp_loc loc;
	struct model_advert ma;
	const uint8_t *vrrp;
	int i, reason;

	/* R4: the payload must be in the frame, the VRRP header in it; before the VRID is read. */
	if (pkt6_locate_advert(frame, len, &loc)) {
		model_discard(p, &none, MODEL_CNT(length_errors));
		return;
	}
	vrrp = frame + loc.vrrp_off;
	/* R6: the VRID of this family on this interface and VLAN. */
	key = model_key_of(st, vlan, MODEL_FAMILY_IPV6, vrrp[1]);
	in = model_find(st, &key);
	if (!in) {
		model_discard(p, &none, MODEL_CNT(vrid_errors));
		return;
	}
	if (pkt6_parse_advert(frame, len, &a, &reason)) {
		/* R1 first; then R2 against the instance, then what pkt6_parse.c found. */
		if (reason != (int)offsetof(struct vrrpd_stats, ip_ttl_errors) &&
		    vrrp[0] >> 4 != in->cfg.version)
			model_discard(p, &key, MODEL_CNT(version_errors));
		else
			model_discard(p, &key, reason >= 0 ? STAT_BIT(reason) : 0);
		return;
	}
	/* R2: pkt6_parse.c takes version 3 only, as opts.c allows an IPv6 instance only. */
	if (in->cfg.version != 3) {
		model_discard(p, &key, MODEL_CNT(version_errors));
		return;
	}
	memset(&ma, 0, sizeof(ma));
	memcpy(ma.saddr.v6, a.saddr, 16);
	if (!model_heard(st, in, &ma.saddr, !memcmp(a.daddr, vrrp_group6, 16))) {
		model_discard(p, &key, MODEL_CNT(peer_errors));
		return;
	}
	ma.rx_ns = now_ns;
	ma.version = 3;
	ma.priority = a.priority;
	ma.csum_form = VRRPD_CSUM_AUTO; /* C2 is the one form: nothing to learn or count */
	ma.count = a.count;
	ma.adver_int_cs = a.adver_int_cs;
	ma.reserved_set = (vrrp[4] & 0xf0) != 0;
	for (i = 0; i < a.count && i < VRRPD_EV_MAX_ADDRS; i++)
		memcpy(ma.addrs[i].v6, a.addrs[i], 16);
	model_record(st, in, &ma, p);
}

/*
 * The Neighbor Advertisement for a solicitation from src at src_mac (RFC 4861 7.2.4): from the
 * VMAC, for the target, Router (RFC 9568 8.2.1) and Override; Solicited back to the asker, or to
 * all nodes unsolicited for a DAD probe (from ::). Only the one option, the target's link-layer
 * address: 86 bytes, untagged. Returns its length, or 0 when pkt6.c will not build it.
 */
static uint32_t na_reply(const uint8_t vmac[6], const uint8_t target[16], const uint8_t src[16],
			 const uint8_t src_mac[6], uint8_t *out)
{
	uint8_t flags = PKT6_NA_ROUTER | PKT6_NA_OVERRIDE;
	int n;

	if (is_unspec(src))
		n = pkt6_build_na(out, HARNESS_BUF_LEN, vmac, target, all_nodes6, all_nodes_mac,
				  flags, 0);
	else
		n = pkt6_build_na(out, HARNESS_BUF_LEN, vmac, target, src, src_mac,
				  flags | PKT6_NA_SOLICITED, 0);
	return n > 0 ? (uint32_t)n : 0;
}

/*
 * CONFORMANCE.md D1, D5: an untagged Neighbor Solicitation for a VIP (RFC 4861 4.3, right after the
 * fixed header, ip at frame + off). A Master whose controller keeps the lease fresh answers it,
 * a Backup or a Master with a stale lease drops it; all else is the kernel's.
 */
static void ns_duty(const struct model_state *st, uint64_t now_ns, const uint8_t *frame, size_t len,
		    size_t off, struct model_pred *p)
{
	const uint8_t *ip = frame + off, *icmp = ip + IP6_HLEN;
	size_t avail = len - off - IP6_HLEN, plen = get_be16(ip + 4);
	const struct model_inst *in;
	const struct model_vip *vip;
	union vrrpd_addr target;

	if (avail < ND_HLEN || icmp[0] != ND_NS)
		return;
	memcpy(target.v6, icmp + 8, 16);
	vip = model_find_vip(st, MODEL_FAMILY_IPV6, &target);
	in = vip ? model_find(st, &vip->key) : NULL;
	if (!in)
		return;
	/*
	 * RFC 4861 7.1.1, as far as the program looks: hop limit 255 (on-link), code 0, the whole
	 * message in the frame and at least the fixed part, a valid checksum. The program sums at
	 * most ND_CSUM_MAX bytes in whole words (a valid NS is a multiple of 8 bytes, 4.6); longer
	 * or odd ones go to the kernel too.
	 */
	if (ip[7] != IP6_HLIM || icmp[1] != 0 || plen < ND_HLEN || plen > avail ||
	    plen > ND_CSUM_MAX || plen % 4)
		return;
	if (pkt_csum_fold(csum6(ip, plen)))
		return;
	/*
	 * RFC 4291 2.7: no multicast source. RFC 4861 7.1.1: a DAD probe (from ::) is sent to the
	 * solicited-node group ff02::1:ffXX:XXXX (RFC 4291 2.7.1). Options are not looked at.
	 */
	if (ip[8] == 0xff)
		return;
	if (is_unspec(ip + 8) && memcmp(ip + 24, solicited_prefix, sizeof(solicited_prefix)))
		return;
	/* D1: a Backup stays silent; as D3 for ARP, so does a Master no longer renewing. */
	if (in->cfg.state != VRRPD_ST_MASTER || now_ns >= in->cfg.lease_until_ns) {
		model_discard(p, &in->key, MODEL_CNT(nd_dropped));
		return;
	}
	p->verdict = XDP_TX;
	p->key = in->key;
	p->counters = MODEL_CNT(nd_replies);
	p->out_len = na_reply(in->cfg.vmac, target.v6, ip + 8, frame + 6, p->out);
}

void model_ipv6(const struct model_state *st, uint64_t now_ns, const uint8_t *frame, size_t len,
		size_t off, uint16_t vlan, struct model_pred *p)
{
	const uint8_t *ip = frame + off;

	/* Extension headers are not followed: VRRP and ND come right after the fixed header. */
	if (len - off < IP6_HLEN || ip[0] >> 4 != 6)
		return;
	if (ip[6] == VRRP_PROTO)
		advert6_rules(st, now_ns, frame, len, vlan, p);
	/* Instances on VLAN devices get their solicitations untagged there, as ARP. */
	else if (ip[6] == NH_ICMPV6 && !vlan)
		ns_duty(st, now_ns, frame, len, off, p);
}
