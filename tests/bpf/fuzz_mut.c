// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_xdp's mutations: what is done to a generated frame, at random but aware of its headers
 * as they stand (after earlier mutations): bits and bytes near the headers, VRRP, IPv4 and IPv6
 * fields (fuzz_gen6.c has the IPv6 and ND ones), lengths that lie, cuts at header boundaries,
 * more bytes after the packet, VLAN tags in and out, words added to the message, fragment bits.
 * gen_fix_csum() then makes the IPv4 header's checksum (most of the time) and the VRRP (or
 * ICMPv6) checksum right again so that most mutated adverts get past them to the rules behind.
 */
#include <string.h>

#include "fuzz_gen.h"
#include "pkt_parse.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define IP6_HLEN 40
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The headers of a frame as they stand: Ethernet, tags, IPv4 or IPv6, VRRP (0: not there). */
struct layout {
	size_t l3; /* after the tags, 0 if they do not fit */
	uint16_t proto;
	size_t ip, ihl, tot, vrrp; /* IPv4 (ip != 0): vrrp is ip + ihl, tot its total length */
	size_t ip6, plen; /* IPv6 (ip6 != 0): vrrp is ip6 + 40 for next header 112, else 0 */
};

static void layout_of(const uint8_t *f, size_t len, struct layout *l)
{
	uint16_t vlan;
	int off;

	memset(l, 0, sizeof(*l));
	off = pkt_parse_eth(f, len, &l->proto, &vlan);
	if (off < 0)
		return;
	l->l3 = (size_t)off;
	if (l->proto == ETH_P_IPV6 && len >= l->l3 + IP6_HLEN) {
		l->ip6 = l->l3;
		l->plen = get_be16(f + l->ip6 + 4);
		/* The header fields are the same as IPv4's (RFC 9568 5.2). */
		if (f[l->ip6 + 6] == VRRP_PROTO)
			l->vrrp = l->ip6 + IP6_HLEN;
		return;
	}
	if (l->proto != ETH_P_IP || len < l->l3 + PKT_IP4_HLEN)
		return;
	l->ip = l->l3;
	l->ihl = (size_t)(f[l->ip] & 0x0f) * 4;
	l->tot = get_be16(f + l->ip + 2);
	l->vrrp = l->ip + l->ihl;
}

/* The VRRP header is in the frame. */
static bool has_vrrp(const struct layout *l, size_t len)
{
	return ((l->ip && l->ihl >= PKT_IP4_HLEN) || (l->ip6 && l->vrrp)) && l->vrrp + 8 <= len;
}

static const uint8_t interesting[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0f,
				       0x10, 0x11, 0x12, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x31,
				       0x32, 0x33, 0x40, 0x44, 0x45, 0x46, 0x4f, 0x5e, 0x64,
				       0x70, 0x7f, 0x80, 0x81, 0x88, 0xa8, 0xc8, 0xfe, 0xff };

static size_t near_headers(struct gen *g, size_t len)
{
	return gen_chance(g, 75) && len > 64 ? gen_below(g, 64) : gen_below(g, (uint32_t)len);
}

static void mut_ip(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len,
		   const struct layout *l)
{
	static const uint8_t ttls[] = { 254, 0, 1, 64, 128, 255 };
	uint8_t *ip = f + l->ip;
	size_t k;

	switch (gen_below(g, 8)) {
	case 0:
		ip[8] = gen_chance(g, 80) ? ttls[gen_below(g, NELEM(ttls))] : (uint8_t)gen_rnd(g);
		break;
	case 7: /* flags and fragment offset: DF (not a fragment), MF, an offset, anything */
		put_be16(ip + 6, gen_chance(g, 75) ? (uint16_t)(0x2000 * gen_below(g, 3) +
								(gen_chance(g, 50) ? 0 : 8)) :
						     (uint16_t)gen_rnd(g));
		break;
	case 1: /* total length: the frame's, a little off, or anything */
		switch (gen_below(g, 5)) {
		case 0:
			put_be16(ip + 2, (uint16_t)(*len - l->ip));
			break;
		case 1:
			put_be16(ip + 2, (uint16_t)(l->tot + gen_below(g, 9) - 4));
			break;
		case 2:
			put_be16(ip + 2, (uint16_t)(l->ihl + 7 + gen_below(g, 2)));
			break;
		case 3:
			put_be16(ip + 2, (uint16_t)(l->tot + 4 * (1 + gen_below(g, 4))));
			break;
		default:
			put_be16(ip + 2, (uint16_t)gen_rnd(g));
			break;
		}
		break;
	case 2: /* IHL: anything, or options really inserted before the message */
		k = 1 + gen_below(g, 4);
		if (gen_chance(g, 50) && l->ihl + 4 * k <= 60 && *len + 4 * k <= GEN_MAX_FRAME &&
		    l->vrrp <= *len) {
			memmove(f + l->vrrp + 4 * k, f + l->vrrp, *len - l->vrrp);
			memset(f + l->vrrp, 0x01, 4 * k); /* NOPs */
			ip[0] = (uint8_t)(0x40 | (l->ihl / 4 + k));
			put_be16(ip + 2, (uint16_t)(l->tot + 4 * k));
			*len += 4 * k;
		} else {
			ip[0] = (uint8_t)(0x40 | gen_below(g, 16));
		}
		break;
	case 3:
		ip[0] = (uint8_t)(gen_below(g, 16) << 4 | (ip[0] & 0x0f));
		break;
	case 4:
		ip[9] = gen_chance(g, 50) ? VRRP_PROTO : (uint8_t)gen_rnd(g);
		break;
	case 5:
		if (st->ninst && gen_chance(g, 70))
			memcpy(ip + 12, &st->inst[gen_below(g, (uint32_t)st->ninst)].cfg.master_ip,
			       4);
		else
			gen_bytes(g, ip + 12, 4);
		break;
	default:
		gen_bytes(g, ip + 16, 4); /* only the C4 checksum sees it */
		break;
	}
}

static void mut_vrrp(struct gen *g, const struct model_state *st, uint8_t *f, size_t len,
		     const struct layout *l)
{
	uint8_t *v = f + l->vrrp;
	size_t at;

	switch (gen_below(g, 9)) {
	case 0:
		v[0] = (uint8_t)((gen_chance(g, 50) ? 2 + gen_below(g, 2) : gen_below(g, 16)) << 4 |
				 (v[0] & 0x0f));
		break;
	case 1:
		v[0] = (uint8_t)((v[0] & 0xf0) | gen_below(g, 16));
		break;
	case 2:
		v[1] = st->ninst && gen_chance(g, 70) ?
			       st->inst[gen_below(g, (uint32_t)st->ninst)].key.vrid :
			       (uint8_t)gen_rnd(g);
		break;
	case 3:
		v[2] = gen_chance(g, 50) ? interesting[gen_below(g, NELEM(interesting))] :
					   (uint8_t)gen_rnd(g);
		break;
	case 4: /* count: none, one more or less than there are, the most */
		switch (gen_below(g, 4)) {
		case 0:
			v[3] = 0;
			break;
		case 1:
			v[3] = (uint8_t)(v[3] + 1);
			break;
		case 2:
			v[3] = (uint8_t)(v[3] - 1);
			break;
		default:
			v[3] = gen_chance(g, 50) ? 255 : (uint8_t)gen_rnd(g);
			break;
		}
		break;
	case 5: /* v3: reserved bits and interval; v2: authentication type and interval */
		if (gen_chance(g, 30))
			v[4] |= (uint8_t)(1 + gen_below(g, 15)) << 4;
		else if (gen_chance(g, 50))
			v[4 + gen_below(g, 2)] = 0;
		else
			v[4 + gen_below(g, 2)] = (uint8_t)gen_rnd(g);
		break;
	case 6: /* the authentication data of v2, after count addresses */
		at = l->vrrp + 8 + 4 * (size_t)v[3] + gen_below(g, VRRP_V2_AUTH_LEN);
		if (at < len)
			f[at] ^= (uint8_t)(1 + gen_below(g, 255));
		break;
	case 7:
		if (len > l->vrrp + 8)
			f[l->vrrp + 8 + gen_below(g, (uint32_t)(len - l->vrrp - 8))] ^=
				(uint8_t)gen_rnd(g);
		break;
	default:
		v[6 + gen_below(g, 2)] ^= (uint8_t)(1 + gen_below(g, 255)); /* the checksum */
		break;
	}
}

/* Cuts the frame at a header boundary, or one byte either side of it. */
static void mut_cut(struct gen *g, size_t *len, const struct layout *l)
{
	size_t b[24], n = 0, to;

	b[n++] = PKT_ETH_HLEN + 2; /* inside a tag */
	b[n++] = PKT_ETH_HLEN + 4;
	if (l->l3) {
		b[n++] = l->l3;
		b[n++] = l->l3 + 28; /* an ARP packet */
	}
	if (l->ip) {
		b[n++] = l->ip + 10;
		b[n++] = l->ip + PKT_IP4_HLEN;
		b[n++] = l->vrrp;
		b[n++] = l->vrrp + 4;
		b[n++] = l->vrrp + 8;
		b[n++] = l->vrrp + 12;
		b[n++] = l->ip + l->tot;
		b[n++] = l->ip + l->tot - 4;
		b[n++] = l->ip + l->tot - VRRP_V2_AUTH_LEN;
	}
	if (l->ip6) {
		b[n++] = l->ip6 + 6;
		b[n++] = l->ip6 + IP6_HLEN;
		b[n++] = l->ip6 + IP6_HLEN + 8; /* VRRP header */
		b[n++] = l->ip6 + IP6_HLEN + 24; /* NS, first address */
		b[n++] = l->ip6 + IP6_HLEN + 32; /* NS option */
		b[n++] = l->ip6 + IP6_HLEN + l->plen;
		b[n++] = l->ip6 + IP6_HLEN + l->plen - 4;
	}
	to = b[gen_below(g, (uint32_t)n)] + gen_below(g, 3) - 1;
	if (to >= PKT_ETH_HLEN && to < *len)
		*len = to;
}

/*
 * Words appended to the message, and the lengths (and perhaps count) told: up to past 1036
 * (IPv4) or 1448 (IPv6) bytes.
 */
static void mut_grow(struct gen *g, uint8_t *f, size_t *len, const struct layout *l)
{
	size_t k = gen_chance(g, 70) ? 1 + gen_below(g, 4) : 1 + gen_below(g, 370),
	       end = l->ip6 ? l->vrrp + l->plen : l->ip + l->tot;

	if ((l->ip6 ? l->plen < 8 : l->tot < l->ihl + 8) || end > *len ||
	    *len + 4 * k > GEN_MAX_FRAME)
		return;
	memmove(f + end + 4 * k, f + end, *len - end);
	gen_bytes(g, f + end, 4 * k);
	*len += 4 * k;
	if (l->ip6)
		put_be16(f + l->ip6 + 4, (uint16_t)(l->plen + 4 * k));
	else
		put_be16(f + l->ip + 2, (uint16_t)(l->tot + 4 * k));
	/* k more addresses (IPv4), or one per 16 bytes (IPv6) */
	if (gen_chance(g, 50))
		f[l->vrrp + 3] = (uint8_t)(f[l->vrrp + 3] + (l->ip6 ? (k + 3) / 4 : k));
}

void gen_mutate(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len)
{
	struct layout l;
	size_t at;

	layout_of(f, *len, &l);
	switch (gen_below(g, 10)) {
	case 0:
		at = near_headers(g, *len);
		f[at] ^= (uint8_t)(1u << gen_below(g, 8));
		break;
	case 1:
		f[near_headers(g, *len)] = interesting[gen_below(g, NELEM(interesting))];
		break;
	case 2:
	case 3:
	case 4:
		if (has_vrrp(&l, *len))
			mut_vrrp(g, st, f, *len, &l);
		else if (l.ip)
			mut_ip(g, st, f, len, &l);
		else if (l.ip6)
			gen_mut_ip6(g, st, f, len, l.ip6);
		break;
	case 5:
		if (l.ip)
			mut_ip(g, st, f, len, &l);
		else if (l.ip6)
			gen_mut_ip6(g, st, f, len, l.ip6);
		break;
	case 6:
		mut_cut(g, len, &l);
		break;
	case 7: /* more after the packet: padding, or a second packet's worth */
		at = gen_chance(g, 80) ? 1 + gen_below(g, 16) : 1 + gen_below(g, 400);
		if (*len + at <= GEN_MAX_FRAME) {
			if (gen_chance(g, 50))
				memset(f + *len, 0, at);
			else
				gen_bytes(g, f + *len, at);
			*len += at;
		}
		break;
	case 8: /* a tag in, outside or inside another; or one out */
		if (gen_chance(g, 60)) {
			at = get_be16(f + 12) == ETH_P_8021Q || get_be16(f + 12) == ETH_P_8021AD ?
				     12 + 4 * gen_below(g, 2) :
				     12;
			if (at > *len)
				at = 12;
			gen_put_tag(f, len, at,
				    gen_chance(g, 90) ?
					    (gen_chance(g, 50) ? ETH_P_8021Q : ETH_P_8021AD) :
					    (uint16_t)gen_rnd(g),
				    gen_tci(g, gen_chance(g, 50) && st->ninst ?
						       st->inst[gen_below(g, (uint32_t)st->ninst)]
							       .key.vlan :
						       (uint16_t)gen_below(g, 4096)));
		} else if ((get_be16(f + 12) == ETH_P_8021Q || get_be16(f + 12) == ETH_P_8021AD) &&
			   *len >= 18) {
			memmove(f + 12, f + 16, *len - 16);
			*len -= 4;
		}
		break;
	default:
		if (has_vrrp(&l, *len))
			mut_grow(g, f, len, &l);
		break;
	}
}

void gen_fix_csum(struct gen *g, uint8_t *f, size_t len)
{
	uint8_t ph[12] = { 0 };
	struct layout l;
	size_t vlen;
	uint32_t sum = 0;
	uint8_t *v;

	layout_of(f, len, &l);
	if (l.ip6) {
		gen_fix_csum6(g, f, len, l.ip6);
		return;
	}
	if (!has_vrrp(&l, len))
		return;
	/* The IPv4 header's own checksum, now and then left wrong. */
	if (l.ihl >= PKT_IP4_HLEN && l.ip + l.ihl <= len && gen_chance(g, 90)) {
		pkt_ip4_csum_set(f + l.ip, l.ihl);
	}
	if (l.tot < l.ihl + 8 || l.ip + l.tot > len)
		return;
	v = f + l.vrrp;
	vlen = l.tot - l.ihl;
	put_be16(v + 6, 0);
	if (v[0] >> 4 != 2 && gen_chance(g, 50)) {
		memcpy(ph, f + l.ip + 12, 8);
		ph[9] = VRRP_PROTO;
		put_be16(ph + 10, (uint16_t)vlen);
		sum = pkt_csum_add(0, ph, sizeof(ph));
	}
	put_be16(v + 6, pkt_csum_fold(pkt_csum_add(sum, v, vlen)));
}
