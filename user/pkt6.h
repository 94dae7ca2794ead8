/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VRRPv3 over IPv6 (RFC 9568) and the Neighbor Discovery messages of a virtual router (RFC 4861,
 * docs/CONFORMANCE.md D5) as whole Ethernet frames, built for vrrpd to send (the parsers are the
 * tests', in tests/lib/pkt_parse.h). The IPv4 side, and the checksum and Ethernet helpers used
 * here, are in pkt.h. Addresses are 16 bytes in network order.
 */
#ifndef VRRPD_PKT6_H
#define VRRPD_PKT6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

#define PKT6_IP6_HLEN 40
#define PKT6_VRRP_HLEN 8
/*
 * The most addresses one advert carries here: 40 (IPv6) + 8 + 16 * n must fit a 1500-byte MTU,
 * so n <= 90 (91 would make 1504). An advert must go out in one frame: the XDP program
 * validates frames one by one, and a fragment starts with a Fragment header, which is not
 * VRRP for pkt6_locate_advert(). A larger count would need a jumbo MTU on every router.
 */
#define PKT6_MAX_ADDRS VRRP_MAX_ADDRS6
/* The longest message accepted on receive (R4): the header and 255 addresses. */
#define PKT6_MAX_MSG VRRP_MAX_MSG6
_Static_assert(PKT6_IP6_HLEN + PKT6_VRRP_HLEN + 16 * PKT6_MAX_ADDRS <= 1500 &&
		       PKT6_IP6_HLEN + PKT6_VRRP_HLEN + 16 * (PKT6_MAX_ADDRS + 1) > 1500,
	       "PKT6_MAX_ADDRS is the most that fits a 1500-byte MTU");

/* RFC 4861 4.4: the Neighbor Advertisement flags, in the first byte after the checksum. */
#define PKT6_NA_ROUTER 0x80
#define PKT6_NA_SOLICITED 0x40
#define PKT6_NA_OVERRIDE 0x20

struct pkt6_advert {
	uint8_t vrid;
	uint8_t priority;
	uint16_t adver_int_cs; /* 1..4095 centiseconds; the version is always 3 */
	uint8_t saddr[16]; /* link-local (RFC 9568 5.1.2.1) */
	/*
	 * Build: all zero for ff02::12, or another multicast group; unicast is -EINVAL for now.
	 * Parse: the destination as received (not checked).
	 */
	uint8_t daddr[16];
	uint8_t src_mac[6];
	uint16_t vlan; /* 0: untagged, else an 802.1Q tag is inserted */
	/*
	 * Build: 1..PKT6_MAX_ADDRS. Parse: the count on the wire, up to 255; addrs then holds the
	 * first min(count, PKT6_MAX_ADDRS) of them (as vrrpd_event does with its count).
	 */
	uint8_t count;
	uint8_t addrs[PKT6_MAX_ADDRS][16]; /* the first is the virtual router's link-local */
};

/*
 * Builds the Ethernet frame of an advert into buf: 33:33:00:00:00:12 from src_mac, IPv6 with
 * hop limit 255 to ff02::12, checksum C2. The address list goes out as given. Returns the
 * frame length, or -EINVAL for a bad field, -ENOSPC (buf untouched) when buf is too small.
 */
int pkt6_build_advert(uint8_t *buf, size_t len, const struct pkt6_advert *a);

/*
 * Neighbor Advertisement (RFC 4861 4.4) for target, from mac (Ethernet source and Target
 * Link-Layer Address option) and target (IPv6 source), to dst_ip at dst_mac, flags a set of
 * PKT6_NA_*. -EINVAL for a multicast or unspecified target or dst_ip, for unknown flags, and for
 * the Solicited flag on a multicast advert (RFC 4861 4.4); -ENOSPC with buf untouched.
 */
int pkt6_build_na(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t target[16],
		  const uint8_t dst_ip[16], const uint8_t dst_mac[6], uint8_t flags, uint16_t vlan);

/* Unsolicited NA on takeover (RFC 4861 7.2.6, D5): to ff02::1, Router and Override. */
int pkt6_build_unsolicited_na(uint8_t *buf, size_t len, const uint8_t mac[6],
			      const uint8_t target[16], uint16_t vlan);

/*
 * Neighbor Solicitation (RFC 4861 4.3) for target, from src_ip at mac, to the target's
 * solicited-node group; with a Source Link-Layer Address option unless src_ip is :: (a DAD
 * probe). -EINVAL for a multicast or unspecified target or a multicast src_ip.
 */
int pkt6_build_ns(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t src_ip[16],
		  const uint8_t target[16], uint16_t vlan);

/* RFC 4291 2.7.1: ff02::1:ff00:0/104 with the low 24 bits of addr. out may be addr. */
void pkt6_solicited_node(const uint8_t addr[16], uint8_t out[16]);

/* RFC 4291 2.5.6: fe80::/10. */
bool pkt6_is_link_local(const uint8_t a[16]);

/*
 * RFC 8200 8.1 (C2, and ICMPv6 by RFC 4443 2.3): the sum over the pseudo-header and the ulen
 * bytes after the fixed IPv6 header at ip. Over a message holding a correct checksum, the fold
 * is 0.
 */
uint32_t pkt6_csum(const uint8_t *ip, size_t ulen);

#endif /* VRRPD_PKT6_H */
