/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds VRRP advertisements and gratuitous ARPs as whole Ethernet frames. The same code builds
 * what vrrpd sends and what the tests expect; the tests' parsers, the reference of the XDP
 * program's receive rules, are in tests/lib/pkt_parse.h.
 */
#ifndef VRRPD_PKT_H
#define VRRPD_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp_abi.h"

#define PKT_ETH_HLEN 14
#define PKT_IP4_HLEN 20
#define PKT_MAX_FRAME 1514
#define PKT_VLAN_MAX_DEPTH 2 /* as bpf/parse.h: VLAN_MAX_DEPTH */

struct pkt_advert {
	uint8_t version; /* 2 or 3 */
	uint8_t vrid;
	uint8_t priority;
	uint16_t adver_int_cs; /* v3: centiseconds; v2: must be a multiple of 100 */
	uint8_t csum_form; /* v3: VRRPD_CSUM_RFC9568 or VRRPD_CSUM_LEGACY; ignored for v2 */
	uint8_t auth_type; /* v2 */
	uint8_t auth_data[VRRP_V2_AUTH_LEN]; /* v2 */
	uint32_t saddr; /* network order */
	uint32_t daddr; /* network order; 0: 224.0.0.18 (multicast), else a --peer (unicast) */
	uint8_t dst_mac[6]; /* with a unicast daddr: the peer's MAC */
	uint8_t src_mac[6];
	uint16_t vlan; /* 0: untagged, else an 802.1Q tag is inserted */
	uint8_t count;
	uint32_t addrs[VRRP_MAX_ADDRS]; /* network order */
};

/*
 * RFC 1071 one's complement sum helpers. pkt_csum_add() adds data as big-endian 16-bit words (an
 * odd length pads its last byte with zero, so only the last chunk may be odd) and can be chained;
 * pkt_csum_fold() returns the checksum as a host-order value, to store high byte first (htons()).
 * Over data that already holds a correct checksum, pkt_csum_fold() returns 0.
 */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);
/* The IPv4 header at ip, ihl bytes long: its checksum written, or whether it is right. */
void pkt_ip4_csum_set(uint8_t *ip, size_t ihl);
bool pkt_ip4_csum_ok(const uint8_t *ip, size_t ihl);
/* The sum over the IPv4 pseudo-header of RFC 5798 5.2.8 (C4): src, dst, zero, 112, length. */
uint32_t pkt_csum_pseudo4(const uint8_t *saddr, const uint8_t *daddr, uint16_t len);

/* Big-endian 16-bit fields, byte by byte: no alignment, no host byte order. */
static inline uint16_t pkt_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void pkt_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * Builds the Ethernet frame of an advert into buf. Returns the frame length, or -EINVAL for a
 * bad field, -ENOSPC when buf is too small.
 */
int pkt_build_advert(uint8_t *buf, size_t len, const struct pkt_advert *a);

/* Gratuitous ARP (CONFORMANCE.md D4): request, broadcast, sender IP = target IP = vip. */
int pkt_build_garp(uint8_t *buf, size_t len, const uint8_t mac[6], uint32_t vip, uint16_t vlan);
/*
 * ARP request, broadcast, from spa at mac for tpa: the magic packet's directed request makes
 * the host tpa (the gateway) update its entry for spa at once (a request to it overrides).
 */
int pkt_build_arp_request(uint8_t *buf, size_t len, const uint8_t mac[6], uint32_t spa,
			  uint32_t tpa, uint16_t vlan);

#endif /* VRRPD_PKT_H */
