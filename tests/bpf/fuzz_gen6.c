// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_xdp's IPv6 frames, and what gen_mutate() does to an IPv6 header or a Neighbor Discovery
 * message: adverts built by pkt6_build_advert() for the IPv6 instances, with fields that mostly
 * agree with the instance (then a v2 header, a unicast destination or an extension header now
 * and then); Neighbor Solicitations built by pkt6_build_ns() for their VIPs (DAD probes, NUD to
 * the VMAC, a nonce, an NA instead); other IPv6 traffic, often to a VIP (Accept_Mode).
 * gen_fix_csum6() makes C2 (or the ICMPv6 checksum) right again after a mutation.
 */
#include <string.h>

#include "fuzz_gen.h"
#include "pkt6.h"

#define ETH_P_IPV6 0x86dd
#define IP6_HLEN PKT6_IP6_HLEN
#define NH_HOP_BY_HOP 0
#define NH_TCP 6
#define NH_UDP 17
#define NH_FRAGMENT 44
#define NH_ICMPV6 58
#define NH_NONE 59
#define ICMP6_ECHO 128
#define ND_NS 135
#define ND_NA 136
#define ND_HLEN 24
#define ND_OPT_SLL 1
#define ND_OPT_NONCE 14 /* RFC 3971 5.3.2 */
#define VRRP_CSUM_OFF 6
#define ICMP6_CSUM_OFF 2
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t peer6_hosts[] = { 1, 2, 3, 250 }; /* the peers are fe80::x */
static const uint8_t group6[16] = { 0xff, 0x02, [15] = 0x12 }; /* RFC 9568 5.1.2.2 */
static const uint8_t all_nodes6[16] = { 0xff, 0x02, [15] = 0x01 };

void gen_peer6(struct gen *g, union vrrpd_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->v6[0] = 0xfe;
	a->v6[1] = 0x80;
	a->v6[15] = peer6_hosts[gen_below(g, NELEM(peer6_hosts))];
}

void gen_our6(union vrrpd_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->v6[0] = 0xfe;
	a->v6[1] = 0x80;
	a->v6[15] = 0x10;
}

/* fe80::1:SLOT, the virtual router's link-local (RFC 9568 5.2.9); 2001:db8::1:SLOT. */
void gen_vip6(unsigned int slot, int j, union vrrpd_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->v6[0] = j ? 0x20 : 0xfe;
	a->v6[1] = j ? 0x01 : 0x80;
	a->v6[2] = j ? 0x0d : 0;
	a->v6[3] = j ? 0xb8 : 0;
	a->v6[13] = 1;
	a->v6[15] = (uint8_t)slot;
}

/* 2001:db8::/32 and random bits: global, and nobody's here. */
static void random_global6(struct gen *g, uint8_t *a)
{
	gen_bytes(g, a, 16);
	memcpy(a, (uint8_t[4]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
}

/* An IPv6 VIP of in (link-local or global) if it has one, else any; NULL if there is none. */
static const struct model_vip *vip6_of(struct gen *g, const struct model_state *st,
				       const struct model_inst *in, bool link_local)
{
	int i;

	for (i = 0; in && i < st->nvip; i++)
		if (!memcmp(&st->vip[i].key, &in->key, sizeof(in->key)) &&
		    (st->vip[i].addr.v6[0] == 0xfe) == link_local)
			return &st->vip[i];
	return gen_pick_vip(g, st, MODEL_FAMILY_IPV6);
}

/* The checksum at csum_off of the message after ip, over the payload length (C2 if pseudo). */
static void put_csum6(uint8_t *ip, size_t csum_off, bool pseudo)
{
	size_t len = get_be16(ip + 4);
	uint8_t *msg = ip + IP6_HLEN, tail[8] = { 0 };
	uint32_t sum = 0;

	put_be16(msg + csum_off, 0);
	if (pseudo) {
		put_be16(tail + 2, (uint16_t)len);
		tail[7] = ip[6];
		sum = pkt_csum_add(pkt_csum_add(0, ip + 8, 32), tail, sizeof(tail));
	}
	put_be16(msg + csum_off, pkt_csum_fold(pkt_csum_add(sum, msg, len)));
}

/* A unicast MAC, locally administered: some host's. */
static void host_mac(struct gen *g, uint8_t *mac)
{
	gen_bytes(g, mac, 6);
	mac[0] = (mac[0] & 0xfe) | 0x02;
}

/* RFC 8200 4.3: a Hop-by-Hop Options header (PadN) inserted before the message at ip + 40. */
static void insert_hop_by_hop(uint8_t *f, size_t *len, uint8_t *ip)
{
	size_t off = (size_t)(ip - f) + IP6_HLEN;

	if (*len + 8 > GEN_MAX_FRAME || off > *len)
		return;
	memmove(f + off + 8, f + off, *len - off);
	memcpy(f + off, (uint8_t[8]){ ip[6], 0, 1, 4, 0, 0, 0, 0 }, 8);
	ip[6] = NH_HOP_BY_HOP;
	put_be16(ip + 4, (uint16_t)(get_be16(ip + 4) + 8));
	*len += 8;
}

size_t gen_advert6(struct gen *g, const struct model_state *st, const struct model_inst *in,
		   uint8_t *f)
{
	static const uint8_t prios[] = { 0, 1, 100, 120, 254, 255 };
	static struct pkt6_advert a;
	const struct model_vip *vip;
	uint8_t *ip = f + PKT_ETH_HLEN, *v = ip + IP6_HLEN;
	union vrrpd_addr addr;
	size_t len;
	int i, n;

	memset(&a, 0, sizeof(a));
	a.vrid = in ? in->key.vrid : (uint8_t)gen_rnd(g);
	a.priority = in && gen_chance(g, 70) ? in->cfg.master_priority :
					       prios[gen_below(g, NELEM(prios))];
	a.adver_int_cs = in && gen_chance(g, 70) ? in->cfg.master_adver_int_cs : gen_v3_int(g);
	if (!a.adver_int_cs || a.adver_int_cs > VRRP_V3_MAX_INT_CS)
		a.adver_int_cs = 100;
	if (in && gen_chance(g, 70))
		addr = in->cfg.master_ip;
	else
		gen_peer6(g, &addr);
	memcpy(a.saddr, addr.v6, 16);
	gen_vmac(MODEL_FAMILY_IPV6, a.vrid, a.src_mac);
	if (gen_chance(g, 55))
		a.count = 1;
	else if (gen_chance(g, 60))
		a.count = (uint8_t)(2 + gen_below(g, 8));
	else
		a.count = (uint8_t)(10 + gen_below(g, PKT6_MAX_ADDRS - 9));
	/* R8: the first is the virtual router's link-local, mostly. */
	vip = vip6_of(g, st, in, gen_chance(g, 92));
	if (vip)
		memcpy(a.addrs[0], vip->addr.v6, 16);
	else
		random_global6(g, a.addrs[0]);
	for (i = 1; i < a.count; i++) {
		vip = gen_chance(g, 70) ? gen_pick_vip(g, st, MODEL_FAMILY_IPV6) : NULL;
		if (vip)
			memcpy(a.addrs[i], vip->addr.v6, 16);
		else
			gen_bytes(g, a.addrs[i], 16);
	}
	n = pkt6_build_advert(f, GEN_MAX_FRAME, &a);
	if (n < 0) /* cannot happen with the fields above; keep a frame anyway */
		return PKT_ETH_HLEN;
	len = (size_t)n;
	/* R2: a VRRPv2 header now and then (RFC 3768 is IPv4 only). */
	if (gen_chance(g, 5))
		v[0] = 2 << 4 | VRRP_TYPE_ADVERT;
	/* Unicast now and then, as a peer sends: to our address, at our MAC. */
	if (gen_chance(g, 25)) {
		if (in && gen_chance(g, 80))
			memcpy(ip + 24, in->cfg.primary_ip.v6, 16);
		else
			random_global6(g, ip + 24);
		host_mac(g, f);
	}
	put_csum6(ip, VRRP_CSUM_OFF, true);
	/* An extension header: then it is not VRRP for the program, whatever follows. */
	if (gen_chance(g, 3))
		insert_hop_by_hop(f, &len, ip);
	return len;
}

size_t gen_ns(struct gen *g, const struct model_state *st, uint8_t *f)
{
	uint8_t mac[6], src[16] = { 0 }, target[16], *ip = f + PKT_ETH_HLEN, *icmp = ip + IP6_HLEN;
	const struct model_vip *vip = gen_chance(g, 75) ? gen_pick_vip(g, st, MODEL_FAMILY_IPV6) :
							  NULL;
	bool dad = gen_chance(g, 15);
	int n;

	host_mac(g, mac);
	if (!dad) {
		/* The asker: a global address, or a link-local one. */
		memcpy(src,
		       gen_chance(g, 70) ? (uint8_t[2]){ 0x20, 0x01 } : (uint8_t[2]){ 0xfe, 0x80 },
		       2);
		src[15] = (uint8_t)(0x40 + gen_below(g, 8));
	}
	if (vip)
		memcpy(target, vip->addr.v6, 16);
	else
		random_global6(g, target);
	n = pkt6_build_ns(f, GEN_MAX_FRAME, mac, src, target, 0);
	if (n < 0)
		return PKT_ETH_HLEN;
	/* NUD (RFC 4861 7.3.1): unicast to the target at its VMAC, mostly without the option. */
	if (!dad && gen_chance(g, 20)) {
		memcpy(ip + 24, target, 16);
		if (vip)
			gen_vmac(MODEL_FAMILY_IPV6, vip->key.vrid, f);
		else
			host_mac(g, f);
		if (gen_chance(g, 60)) {
			put_be16(ip + 4, ND_HLEN);
			n -= 8;
		}
	}
	/* A Nonce option (RFC 3971 5.3.2; RFC 7527 uses it in DAD), an 8-byte one. */
	if (gen_chance(g, 8)) {
		f[n] = ND_OPT_NONCE;
		f[n + 1] = 1;
		gen_bytes(g, f + n + 2, 6);
		put_be16(ip + 4, (uint16_t)(get_be16(ip + 4) + 8));
		n += 8;
	}
	/* An advertisement for the VIP instead: not ours to answer. */
	if (gen_chance(g, 5))
		icmp[0] = ND_NA;
	put_csum6(ip, ICMP6_CSUM_OFF, true);
	return (size_t)n;
}

size_t gen_other6(struct gen *g, const struct model_state *st, const struct model_inst *in,
		  uint8_t *f)
{
	static const uint8_t nhs[] = { NH_UDP,	      NH_UDP,	   NH_TCP, NH_ICMPV6,
				       NH_HOP_BY_HOP, NH_FRAGMENT, NH_NONE };
	size_t plen = 8 + 4 * gen_below(g, 50), len = PKT_ETH_HLEN + IP6_HLEN + plen;
	uint8_t *ip = f + PKT_ETH_HLEN, *l4 = ip + IP6_HLEN;
	const struct model_vip *vip;

	gen_bytes(g, f, len);
	f[0] &= 0xfe;
	put_be16(f + 12, ETH_P_IPV6);
	ip[0] = 0x60 | (ip[0] & 0x0f);
	put_be16(ip + 4, (uint16_t)plen);
	ip[6] = nhs[gen_below(g, NELEM(nhs))];
	ip[7] = gen_chance(g, 50) ? 255 : 64;
	random_global6(g, ip + 8);
	/* D2: often to a VIP, the instance's if there is one (Accept_Mode). */
	vip = gen_chance(g, 60) ? vip6_of(g, st, in, gen_chance(g, 30)) : NULL;
	if (vip)
		memcpy(ip + 24, vip->addr.v6, 16);
	if (ip[6] == NH_ICMPV6) {
		l4[0] = gen_chance(g, 80) ? ICMP6_ECHO : (uint8_t)gen_rnd(g);
		l4[1] = 0;
		put_csum6(ip, ICMP6_CSUM_OFF, true);
	} else if (ip[6] == NH_HOP_BY_HOP) {
		l4[0] = gen_chance(g, 50) ? VRRP_PROTO : NH_ICMPV6; /* hidden behind it */
		l4[1] = 0;
	}
	return len;
}

/* ---- mutations (gen_mutate() calls these for an IPv6 frame) ---- */

/* A source: a master, a peer, :: (DAD), a multicast group, a VIP, anything. */
static void mut_src6(struct gen *g, const struct model_state *st, uint8_t *a)
{
	const struct model_inst *in;
	const struct model_vip *vip;
	union vrrpd_addr x;

	switch (gen_below(g, 6)) {
	case 0:
		in = gen_pick_inst(g, st, MODEL_FAMILY_IPV6);
		if (in)
			memcpy(a, in->cfg.master_ip.v6, 16);
		break;
	case 1:
		gen_peer6(g, &x);
		memcpy(a, x.v6, 16);
		break;
	case 2:
		memset(a, 0, 16);
		break;
	case 3:
		memcpy(a, gen_chance(g, 50) ? all_nodes6 : group6, 16);
		break;
	case 4:
		vip = gen_pick_vip(g, st, MODEL_FAMILY_IPV6);
		if (vip)
			memcpy(a, vip->addr.v6, 16);
		break;
	default:
		gen_bytes(g, a, 16);
		break;
	}
}

/* A destination: ff02::12, ours, a VIP or its solicited-node group, all nodes, anything. */
static void mut_dst6(struct gen *g, const struct model_state *st, uint8_t *a)
{
	const struct model_vip *vip = gen_pick_vip(g, st, MODEL_FAMILY_IPV6);
	union vrrpd_addr x;

	switch (gen_below(g, 6)) {
	case 0:
		memcpy(a, group6, 16);
		break;
	case 1:
		gen_our6(&x);
		memcpy(a, x.v6, 16);
		break;
	case 2:
	case 3:
		if (vip)
			memcpy(a, vip->addr.v6, 16);
		if (vip && gen_chance(g, 50))
			pkt6_solicited_node(a, a);
		break;
	case 4:
		memcpy(a, all_nodes6, 16);
		break;
	default:
		gen_bytes(g, a, 16);
		break;
	}
}

/* The ND message after ip (24 bytes at least in the frame): its fields, or its options. */
static void mut_nd(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len,
		   uint8_t *ip)
{
	static const uint8_t types[] = { ND_NS, ND_NS, ND_NA, ICMP6_ECHO, 133, 137 };
	const struct model_vip *vip;
	uint8_t *icmp = ip + IP6_HLEN, *end = f + *len;
	size_t plen = get_be16(ip + 4);

	switch (gen_below(g, 5)) {
	case 0:
		icmp[0] = gen_chance(g, 80) ? types[gen_below(g, NELEM(types))] :
					      (uint8_t)gen_rnd(g);
		break;
	case 1:
		icmp[1] = gen_chance(g, 50) ? 1 : (uint8_t)gen_rnd(g);
		break;
	case 2: /* the target: a VIP, a multicast group, anything */
		vip = gen_pick_vip(g, st, MODEL_FAMILY_IPV6);
		if (vip && gen_chance(g, 60))
			memcpy(icmp + 8, vip->addr.v6, 16);
		else if (gen_chance(g, 50))
			memcpy(icmp + 8, all_nodes6, 16);
		else
			gen_bytes(g, icmp + 8, 16);
		break;
	case 3: /* an option more at the end of the message: SLL, a nonce, length 0, anything */
		if ((size_t)(end - icmp) != plen || *len + 8 > GEN_MAX_FRAME)
			break;
		gen_bytes(g, end, 8);
		end[0] = gen_chance(g, 50) ? ND_OPT_SLL : ND_OPT_NONCE;
		end[1] = gen_chance(g, 70) ? 1 : (uint8_t)gen_below(g, 3);
		put_be16(ip + 4, (uint16_t)(plen + 8));
		*len += 8;
		break;
	default: /* the last option off, the payload length told or not */
		if (plen >= ND_HLEN + 8) {
			put_be16(ip + 4, (uint16_t)(plen - 8));
			if (gen_chance(g, 70) && (size_t)(end - icmp) == plen)
				*len -= 8;
		}
		break;
	}
}

void gen_mut_ip6(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len, size_t ip6)
{
	static const uint8_t hlims[] = { 254, 0, 1, 64, 128, 255 };
	static const uint8_t nhs[] = { VRRP_PROTO, NH_ICMPV6, NH_HOP_BY_HOP, NH_FRAGMENT };
	uint8_t *ip = f + ip6;
	size_t plen = get_be16(ip + 4);
	bool nd = ip[6] == NH_ICMPV6 && *len >= ip6 + IP6_HLEN + ND_HLEN;

	switch (gen_below(g, nd ? 9 : 6)) {
	case 0:
		ip[7] = gen_chance(g, 80) ? hlims[gen_below(g, NELEM(hlims))] : (uint8_t)gen_rnd(g);
		break;
	case 1: /* payload length: the frame's, a little off, the least, longer, anything */
		switch (gen_below(g, 5)) {
		case 0:
			put_be16(ip + 4, (uint16_t)(*len - ip6 - IP6_HLEN));
			break;
		case 1:
			put_be16(ip + 4, (uint16_t)(plen + gen_below(g, 9) - 4));
			break;
		case 2:
			put_be16(ip + 4, (uint16_t)(gen_chance(g, 50) ? 7 + gen_below(g, 2) :
									23 + gen_below(g, 2)));
			break;
		case 3:
			put_be16(ip + 4, (uint16_t)(plen + 4 * (1 + gen_below(g, 4))));
			break;
		default:
			put_be16(ip + 4, (uint16_t)gen_rnd(g));
			break;
		}
		break;
	case 2:
		ip[0] = (uint8_t)(gen_below(g, 16) << 4 | (ip[0] & 0x0f));
		break;
	case 3:
		ip[6] = gen_chance(g, 80) ? nhs[gen_below(g, NELEM(nhs))] : (uint8_t)gen_rnd(g);
		break;
	case 4:
		mut_src6(g, st, ip + 8);
		break;
	case 5:
		mut_dst6(g, st, ip + 24);
		break;
	default:
		mut_nd(g, st, f, len, ip);
		break;
	}
}

void gen_fix_csum6(struct gen *g, uint8_t *f, size_t len, size_t ip6)
{
	uint8_t *ip = f + ip6;
	size_t plen = get_be16(ip + 4);

	if (ip6 + IP6_HLEN + plen > len)
		return;
	/* C2, or now and then over the message alone: a sender that got the form wrong. */
	if (ip[6] == VRRP_PROTO && plen >= 8)
		put_csum6(ip, VRRP_CSUM_OFF, gen_chance(g, 85));
	else if (ip[6] == NH_ICMPV6 && plen >= 4)
		put_csum6(ip, ICMP6_CSUM_OFF, true);
}
