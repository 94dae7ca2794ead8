// SPDX-License-Identifier: GPL-2.0
/*
 * VRRPv3 over IPv6 and Neighbor Discovery as whole Ethernet frames, built for vrrpd to send
 * (checksum C2, the announcements of D5 in docs/CONFORMANCE.md). As in pkt.c, multi-byte fields are
 * read and written byte by byte in network order, every access after a bounds check. The builders
 * check the whole length first and then write at fixed offsets, so a failed build leaves buf alone.
 */
#include <errno.h>
#include <string.h>

#include "pkt6.h"
#include "pkt_wire.h"

#define IP6_TCLASS_NETCTL 0xc0 /* network control, as pkt.c's IPv4 TOS */
#define ICMP6_CSUM_OFF 2
#define ND_OPT_ETH_LEN 8 /* type, length 1 (in 8-byte units), the MAC: RFC 2464 8 */
#define NA_FLAGS (PKT6_NA_ROUTER | PKT6_NA_SOLICITED | PKT6_NA_OVERRIDE)

/* A frame here has 14 + 40 + 8 bytes at least, over the 802.3 minimum: unlike pkt.c, no padding. */
_Static_assert(PKT_ETH_HLEN + PKT6_IP6_HLEN + PKT6_VRRP_HLEN >= 60, "no padding needed");

static const uint8_t vrrp_group6[16] = { 0xff, 0x02, [15] = 0x12 }; /* RFC 9568 5.1.2.2 */
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 }; /* RFC 4291 2.7.1 */
static const uint8_t sol_node_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

bool pkt6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool is_mcast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static bool is_unspec(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

void pkt6_solicited_node(const uint8_t addr[16], uint8_t out[16])
{
	uint8_t low[3];

	memcpy(low, addr + 13, 3); /* before out, which may be addr, is written */
	memcpy(out, sol_node_prefix, 13);
	memcpy(out + 13, low, 3);
}

/* RFC 2464 7: an IPv6 multicast group maps to 33:33 and its last 4 bytes. */
static void mcast_mac(const uint8_t group[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

static size_t eth_hlen(uint16_t vlan)
{
	return PKT_ETH_HLEN + (vlan ? VLAN_HLEN : 0);
}

/* Ethernet header with an optional 802.1Q tag (PCP 0, DEI 0), as pkt.c writes it. */
static void put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p += 12;
	if (vlan) {
		pkt_put_be16(p, ETH_P_8021Q);
		pkt_put_be16(p + 2, vlan);
		p += VLAN_HLEN;
	}
	pkt_put_be16(p, ETH_P_IPV6);
}

/*
 * RFC 8200 3: version 6, flow label 0. Hop limit 255 for all of it: RFC 9568 5.1.2.3 for the
 * adverts, RFC 4861 7.1.1 / 7.1.2 for ND (receivers drop anything else, so that neither can come
 * from off-link).
 */
static void put_ip6(uint8_t *ip, uint8_t tclass, size_t plen, uint8_t nh, const uint8_t src[16],
		    const uint8_t dst[16])
{
	ip[0] = 0x60 | tclass >> 4;
	ip[1] = (uint8_t)(tclass << 4);
	ip[2] = 0;
	ip[3] = 0;
	pkt_put_be16(ip + 4, (uint16_t)plen);
	ip[IP6_NEXT_OFF] = nh;
	ip[IP6_HLIM_OFF] = IP6_HLIM;
	memcpy(ip + IP6_SRC_OFF, src, 16);
	memcpy(ip + IP6_DST_OFF, dst, 16);
}

/* pkt6.h; the pseudo-header is src, dst, the 32-bit upper-layer length, 3 zeros, next header. */
uint32_t pkt6_csum(const uint8_t *ip, size_t ulen)
{
	uint8_t tail[8] = { 0 };
	uint32_t sum;

	tail[2] = (uint8_t)(ulen >> 8);
	tail[3] = ulen & 0xff;
	tail[7] = ip[IP6_NEXT_OFF];
	sum = pkt_csum_add(0, ip + IP6_SRC_OFF, 32);
	sum = pkt_csum_add(sum, tail, sizeof(tail));
	return pkt_csum_add(sum, ip + PKT6_IP6_HLEN, ulen);
}

/* Fills in the checksum at csum_off of the message after ip, its field zero until then. */
static void put_csum6(uint8_t *ip, size_t ulen, size_t csum_off)
{
	uint8_t *msg = ip + PKT6_IP6_HLEN;

	pkt_put_be16(msg + csum_off, 0);
	pkt_put_be16(msg + csum_off, pkt_csum_fold(pkt6_csum(ip, ulen)));
}

int pkt6_build_advert(uint8_t *buf, size_t len, const struct pkt6_advert *a)
{
	uint8_t daddr[16], dmac[6];
	size_t ip_off, vrrp_len;
	uint8_t *ip, *vrrp;

	if (!buf || !a)
		return -EINVAL;
	/* R7; and one frame within a 1500-byte MTU (see PKT6_MAX_ADDRS). */
	if (a->count < 1 || a->count > PKT6_MAX_ADDRS)
		return -EINVAL;
	/* RFC 9568 5.2.7: 12 bits of centiseconds, 0 is invalid (R7). */
	if (a->adver_int_cs < 1 || a->adver_int_cs > VRRP_V3_MAX_INT_CS)
		return -EINVAL;
	if (a->vlan > VLAN_VID_MAX)
		return -EINVAL;
	/* RFC 9568 5.1.2.1: the source is the link-local address of the sending interface. */
	if (!pkt6_is_link_local(a->saddr))
		return -EINVAL;
	/* RFC 9568 5.1.2.2: ff02::12. Unicast peers would need a neighbour's MAC: not yet. */
	if (is_unspec(a->daddr))
		memcpy(daddr, vrrp_group6, 16);
	else if (is_mcast(a->daddr))
		memcpy(daddr, a->daddr, 16);
	else
		return -EINVAL;
	vrrp_len = PKT6_VRRP_HLEN + 16 * (size_t)a->count;
	ip_off = eth_hlen(a->vlan);
	if (len < ip_off + PKT6_IP6_HLEN + vrrp_len)
		return -ENOSPC;

	mcast_mac(daddr, dmac);
	put_eth(buf, dmac, a->src_mac, a->vlan);
	ip = buf + ip_off;
	put_ip6(ip, IP6_TCLASS_NETCTL, vrrp_len, VRRP_PROTO, a->saddr, daddr);

	/* RFC 9568 5.2: version 3, type 1; the reserved bits zero (5.2.6). */
	vrrp = ip + PKT6_IP6_HLEN;
	vrrp[0] = 3 << 4 | VRRP_TYPE_ADVERT;
	vrrp[1] = a->vrid;
	vrrp[2] = a->priority;
	vrrp[3] = a->count;
	pkt_put_be16(vrrp + 4, a->adver_int_cs);
	/*
	 * RFC 9568 5.2.9: the first address is the virtual router's link-local one. The caller
	 * orders the list; the receiver checks it (R8).
	 */
	memcpy(vrrp + PKT6_VRRP_HLEN, a->addrs, 16 * (size_t)a->count);
	put_csum6(ip, vrrp_len, VRRP_CSUM_OFF); /* C2, RFC 9568 5.2.8 */
	return (int)(ip_off + PKT6_IP6_HLEN + vrrp_len);
}

/* RFC 4861 4.6.1: a Source or Target Link-Layer Address option for Ethernet. */
static void put_lla_opt(uint8_t *p, uint8_t type, const uint8_t mac[6])
{
	p[0] = type;
	p[1] = ND_OPT_ETH_LEN / 8;
	memcpy(p + 2, mac, 6);
}

int pkt6_build_na(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t target[16],
		  const uint8_t dst_ip[16], const uint8_t dst_mac[6], uint8_t flags, uint16_t vlan)
{
	const size_t icmp_len = ND_HLEN + ND_OPT_ETH_LEN;
	size_t ip_off;
	uint8_t *ip, *icmp;

	if (!buf || !mac || !target || !dst_ip || !dst_mac || vlan > VLAN_VID_MAX)
		return -EINVAL;
	/* RFC 4861 4.4: the other 29 bits are reserved, sent as zero. */
	if (flags & ~NA_FLAGS)
		return -EINVAL;
	/* RFC 4861 4.4: the target is not multicast; :: is nobody's address (RFC 4291 2.5.2). */
	if (is_mcast(target) || is_unspec(target) || is_unspec(dst_ip))
		return -EINVAL;
	/* RFC 4861 4.4: the Solicited flag is never set in a multicast advertisement. */
	if (is_mcast(dst_ip) && flags & PKT6_NA_SOLICITED)
		return -EINVAL;
	ip_off = eth_hlen(vlan);
	if (len < ip_off + PKT6_IP6_HLEN + icmp_len)
		return -ENOSPC;

	put_eth(buf, dst_mac, mac, vlan);
	ip = buf + ip_off;
	/* The VIP answers for itself (CONFORMANCE.md D2, D5): the source is the target. */
	put_ip6(ip, 0, icmp_len, NH_ICMPV6, target, dst_ip);
	icmp = ip + PKT6_IP6_HLEN;
	memset(icmp, 0, ND_HLEN);
	icmp[0] = ND_NA;
	icmp[4] = flags;
	memcpy(icmp + ND_TARGET_OFF, target, 16);
	/*
	 * RFC 4861 7.2.4 makes the option optional in a unicast reply; always sending it lets a
	 * host that asked from another MAC learn the VMAC in one exchange.
	 */
	put_lla_opt(icmp + ND_HLEN, ND_OPT_TLL, mac);
	put_csum6(ip, icmp_len, ICMP6_CSUM_OFF);
	return (int)(ip_off + PKT6_IP6_HLEN + icmp_len);
}

int pkt6_build_unsolicited_na(uint8_t *buf, size_t len, const uint8_t mac[6],
			      const uint8_t target[16], uint16_t vlan)
{
	uint8_t dst_mac[6];

	/*
	 * RFC 4861 7.2.6 and CONFORMANCE.md D5: to all-nodes, Solicited clear, Override set so that
	 * every neighbour cache moves to the VMAC at once, Router set as the VIP is a router's.
	 */
	mcast_mac(all_nodes, dst_mac);
	return pkt6_build_na(buf, len, mac, target, all_nodes, dst_mac,
			     PKT6_NA_ROUTER | PKT6_NA_OVERRIDE, vlan);
}

int pkt6_build_ns(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t src_ip[16],
		  const uint8_t target[16], uint16_t vlan)
{
	uint8_t dst_ip[16], dst_mac[6];
	size_t ip_off, icmp_len;
	uint8_t *ip, *icmp;
	bool dad;

	if (!buf || !mac || !src_ip || !target || vlan > VLAN_VID_MAX)
		return -EINVAL;
	/* RFC 4861 4.3: the target is not multicast; RFC 4291 2.7: nor is any source. */
	if (is_mcast(target) || is_unspec(target) || is_mcast(src_ip))
		return -EINVAL;
	/* RFC 4861 4.3: a DAD probe from :: carries no Source Link-Layer Address option. */
	dad = is_unspec(src_ip);
	icmp_len = ND_HLEN + (dad ? 0 : ND_OPT_ETH_LEN);
	ip_off = eth_hlen(vlan);
	if (len < ip_off + PKT6_IP6_HLEN + icmp_len)
		return -ENOSPC;

	/* RFC 4861 7.2.2: address resolution asks the target's solicited-node group. */
	pkt6_solicited_node(target, dst_ip);
	mcast_mac(dst_ip, dst_mac);
	put_eth(buf, dst_mac, mac, vlan);
	ip = buf + ip_off;
	put_ip6(ip, 0, icmp_len, NH_ICMPV6, src_ip, dst_ip);
	icmp = ip + PKT6_IP6_HLEN;
	memset(icmp, 0, ND_HLEN);
	icmp[0] = ND_NS;
	memcpy(icmp + ND_TARGET_OFF, target, 16);
	if (!dad)
		put_lla_opt(icmp + ND_HLEN, ND_OPT_SLL, mac);
	put_csum6(ip, icmp_len, ICMP6_CSUM_OFF);
	return (int)(ip_off + PKT6_IP6_HLEN + icmp_len);
}
