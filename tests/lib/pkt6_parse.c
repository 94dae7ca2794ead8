// SPDX-License-Identifier: GPL-2.0
/* The tests' parsers (pkt_parse.h): VRRPv3 over IPv6 and Neighbor Solicitations, as pkt_parse.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "pkt_parse.h"
#include "pkt_wire.h"

static const uint8_t sol_node_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

static bool is_mcast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool is_unspec(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/*
 * The fixed IPv6 header of a frame carrying next header nh right after it: its offset, or
 * -ENOENT. Extension headers (Hop-by-Hop, Fragment, ...) are not followed: neither vrrpd nor a
 * conforming peer sends VRRP or ND behind one, and the XDP program will not walk them, so such
 * a frame is not ours and passes to the stack. A header cut short cannot say what it carries
 * and is not ours either, as in pkt.c.
 */
static int locate_ip6(const uint8_t *frame, size_t len, uint8_t nh, uint16_t *vlan)
{
	const uint8_t *ip;
	uint16_t proto;
	int off;

	off = pkt_parse_eth(frame, len, &proto, vlan);
	if (off < 0)
		return off;
	if (proto != ETH_P_IPV6 || len - (size_t)off < PKT6_IP6_HLEN)
		return -ENOENT;
	ip = frame + off;
	if (ip[0] >> 4 != 6 || ip[IP6_NEXT_OFF] != nh)
		return -ENOENT;
	return off;
}

int pkt6_locate_advert(const uint8_t *frame, size_t len, struct pkt6_vrrp_loc *loc)
{
	size_t plen;
	int off;

	if (!loc)
		return -EINVAL;
	memset(loc, 0, sizeof(*loc));
	off = locate_ip6(frame, len, VRRP_PROTO, &loc->vlan);
	if (off < 0)
		return off;
	/* R4: the frame may be longer than the packet (padding, a trailer), never shorter. */
	plen = pkt_get_be16(frame + off + 4);
	if (plen > len - (size_t)off - PKT6_IP6_HLEN || plen < PKT6_VRRP_HLEN)
		return -EBADMSG;
	loc->ip_off = (size_t)off;
	loc->vrrp_off = (size_t)off + PKT6_IP6_HLEN;
	loc->vrrp_len = plen;
	return 0;
}

/*
 * The order of the checks, for the XDP program to follow so that both count a frame breaking
 * several rules under the same counter: pkt_parse_advert's (R4 on the IPv6 payload length, R1,
 * R2, R3, R4 on the message, R7, R5), then R8 last: it reads the first address, which R4 and R7
 * make sure is there and only the checksum vouches for. The IPv6 destination is not checked:
 * RFC 9568 5.1.2.2 names ff02::12, but unicast peers may come, and the hop limit already proves
 * the sender on-link.
 */
int pkt6_parse_advert(const uint8_t *frame, size_t len, struct pkt6_advert *a, int *reason)
{
	struct pkt6_vrrp_loc loc;
	const uint8_t *ip, *vrrp;
	size_t vrrp_len, copy;
	uint16_t int_cs;
	uint8_t count;
	int reason_unused, ret;

	if (!reason)
		reason = &reason_unused;
	*reason = -1;
	if (!frame || !a)
		return -EINVAL;

	ret = pkt6_locate_advert(frame, len, &loc);
	if (ret == -EBADMSG)
		REJECT(length_errors);
	if (ret)
		return ret;
	ip = frame + loc.ip_off;
	vrrp = frame + loc.vrrp_off;
	vrrp_len = loc.vrrp_len;

	/* R1: RFC 9568 7.1, a router never forwards an advert. */
	if (ip[IP6_HLIM_OFF] != IP6_HLIM)
		REJECT(ip_ttl_errors);
	/* R2: RFC 9568 5.2.1, VRRPv2 has no IPv6 (RFC 3768 is IPv4 only). */
	if (vrrp[0] >> 4 != 3)
		REJECT(version_errors);
	/* R3 */
	if ((vrrp[0] & 0x0f) != VRRP_TYPE_ADVERT)
		REJECT(invalid_type);
	/* R4: the header and count addresses (RFC 9568 7.1: the packet is complete)... */
	count = vrrp[3];
	if (vrrp_len < PKT6_VRRP_HLEN + 16 * (size_t)count)
		REJECT(length_errors);
	/* ...in whole 32-bit words and no longer than the longest, as pkt.c for IPv4. */
	if (vrrp_len & 3 || vrrp_len > PKT6_MAX_MSG)
		REJECT(length_errors);
	/* R7; R10: the reserved bits are ignored. */
	int_cs = pkt_get_be16(vrrp + 4) & VRRP_V3_INT_MASK;
	if (count == 0 || int_cs == 0)
		REJECT(invalid_count);
	/* R5: C2, RFC 9568 5.2.8, over the pseudo-header and the whole payload. */
	if (pkt_csum_fold(pkt6_csum(ip, vrrp_len)))
		REJECT(checksum_errors);
	/* R8: RFC 9568 5.2.9, the first address is the virtual router's link-local one. */
	if (!pkt6_is_link_local(vrrp + PKT6_VRRP_HLEN))
		REJECT(address_list_errors);

	memset(a, 0, sizeof(*a));
	a->vrid = vrrp[1];
	a->priority = vrrp[2];
	a->adver_int_cs = int_cs;
	memcpy(a->saddr, ip + IP6_SRC_OFF, 16);
	memcpy(a->daddr, ip + IP6_DST_OFF, 16);
	memcpy(a->src_mac, frame + 6, 6);
	a->vlan = loc.vlan;
	a->count = count;
	copy = count < PKT6_MAX_ADDRS ? count : PKT6_MAX_ADDRS;
	memcpy(a->addrs, vrrp + PKT6_VRRP_HLEN, 16 * copy);
	return 0;
}

/*
 * RFC 4861 4.6: options fill the rest of the message, each a type, a length in 8-byte units
 * (never 0: 7.1.1) and its data, within the message. Unknown ones are skipped (4.6); the first
 * Source Link-Layer Address option is kept. 0, or -EBADMSG.
 */
static int parse_nd_opts(const uint8_t *p, size_t len, struct pkt6_ns *ns)
{
	size_t off = 0, olen;

	while (off < len) {
		if (len - off < 2)
			return -EBADMSG;
		olen = 8 * (size_t)p[off + 1];
		if (olen == 0 || olen > len - off)
			return -EBADMSG;
		if (p[off] == ND_OPT_SLL && !ns->has_sll) {
			ns->has_sll = true;
			memcpy(ns->sll, p + off + 2, 6); /* RFC 2464 8: the MAC comes first */
		}
		off += olen;
	}
	return 0;
}

int pkt6_parse_ns(const uint8_t *frame, size_t len, struct pkt6_ns *ns)
{
	const uint8_t *ip, *icmp;
	size_t plen, avail;
	int off;

	if (!frame || !ns)
		return -EINVAL;
	memset(ns, 0, sizeof(*ns));
	off = locate_ip6(frame, len, NH_ICMPV6, &ns->vlan);
	if (off < 0)
		return off;
	ip = frame + off;
	icmp = ip + PKT6_IP6_HLEN;
	plen = pkt_get_be16(ip + 4);
	avail = len - (size_t)off - PKT6_IP6_HLEN;
	/* Only a type byte inside both the frame and the payload says whether this is an NS. */
	if (plen < 1 || avail < 1 || icmp[0] != ND_NS)
		return -ENOENT;
	if (plen > avail)
		return -EBADMSG;

	/* RFC 4861 7.1.1, in its order but the length before the checksum that spans it. */
	if (ip[IP6_HLIM_OFF] != IP6_HLIM)
		return -EBADMSG;
	if (plen < ND_HLEN)
		return -EBADMSG;
	if (pkt_csum_fold(pkt6_csum(ip, plen)))
		return -EBADMSG;
	if (icmp[1] != 0)
		return -EBADMSG;
	if (is_mcast(icmp + ND_TARGET_OFF))
		return -EBADMSG;
	if (parse_nd_opts(icmp + ND_HLEN, plen - ND_HLEN, ns))
		return -EBADMSG;
	/* Not in 7.1.1, but RFC 4291 2.7: a multicast source is nobody to answer to. */
	if (is_mcast(ip + IP6_SRC_OFF))
		return -EBADMSG;
	/* 7.1.1: a DAD probe goes to a solicited-node group and has no link-layer address. */
	if (is_unspec(ip + IP6_SRC_OFF) &&
	    (memcmp(ip + IP6_DST_OFF, sol_node_prefix, sizeof(sol_node_prefix)) || ns->has_sll))
		return -EBADMSG;

	memcpy(ns->src_mac, frame + 6, 6);
	memcpy(ns->src_ip, ip + IP6_SRC_OFF, 16);
	memcpy(ns->dst_ip, ip + IP6_DST_OFF, 16);
	memcpy(ns->target, icmp + ND_TARGET_OFF, 16);
	return 0;
}
