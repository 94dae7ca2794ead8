/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VRRPv3 over IPv6 (RFC 9568) and the Neighbor Discovery messages of a virtual router (RFC 4861,
 * docs/CONFORMANCE.md D5) as whole Ethernet frames: built for vrrpd to send, parsed as the
 * userspace reference of the XDP program's IPv6 receive rules. The IPv4 side, and the checksum and
 * Ethernet helpers used here, are in pkt.h. Addresses are 16 bytes in network order.
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

/* Where the VRRP message of an IPv6 frame is. */
struct pkt6_vrrp_loc {
	uint16_t vlan; /* innermost VID, set whenever the Ethernet header parsed */
	size_t ip_off;
	size_t vrrp_off; /* ip_off + 40: extension headers are not accepted */
	size_t vrrp_len; /* the IPv6 payload length */
};

/*
 * Finds the VRRP message in a frame: 0, -ENOENT when the frame is not IPv6 with next header 112
 * right after the fixed header (or is cut inside that header), or -EBADMSG when the payload
 * length does not fit the frame or is shorter than the VRRP header (R4, counted as
 * length_errors before the VRID can be read). The message itself is not checked.
 */
int pkt6_locate_advert(const uint8_t *frame, size_t len, struct pkt6_vrrp_loc *loc);

/*
 * Parses and fully validates an IPv6 advert as the XDP program will (CONFORMANCE.md R1..R8, C2),
 * without the per-instance checks. Returns 0 and fills a, -ENOENT when it is not one, -EBADMSG with
 * *reason the offsetof() into struct vrrpd_stats of the failed counter (else -1), -EINVAL for a
 * NULL frame or a.
 */
int pkt6_parse_advert(const uint8_t *frame, size_t len, struct pkt6_advert *a, int *reason);

/*
 * Neighbor Advertisement (RFC 4861 4.4) for target, from mac (Ethernet source and Target
 * Link-Layer Address option) and target (IPv6 source), to dst_ip at dst_mac, flags a set of
 * PKT6_NA_*. -EINVAL for a multicast or unspecified target or dst_ip, for unknown flags, and for
 * the Solicited flag on a multicast advert (RFC 4861 4.4); -ENOSPC with buf untouched.
 */
int pkt6_build_na(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t target[16],
		  const uint8_t dst_ip[16], const uint8_t dst_mac[6], uint8_t flags, uint16_t vlan);

/* Unsolicited NA on takeover (RFC 4861 7.2.6, CONFORMANCE.md D5): to ff02::1, Router and Override.
 * */
int pkt6_build_unsolicited_na(uint8_t *buf, size_t len, const uint8_t mac[6],
			      const uint8_t target[16], uint16_t vlan);

/*
 * Neighbor Solicitation (RFC 4861 4.3) for target, from src_ip at mac, to the target's
 * solicited-node group; with a Source Link-Layer Address option unless src_ip is :: (a DAD
 * probe). -EINVAL for a multicast or unspecified target or a multicast src_ip.
 */
int pkt6_build_ns(uint8_t *buf, size_t len, const uint8_t mac[6], const uint8_t src_ip[16],
		  const uint8_t target[16], uint16_t vlan);

struct pkt6_ns {
	uint16_t vlan; /* innermost VID */
	uint8_t src_mac[6]; /* Ethernet source */
	uint8_t src_ip[16]; /* :: for a DAD probe */
	uint8_t dst_ip[16];
	uint8_t target[16];
	bool has_sll; /* a Source Link-Layer Address option was present */
	uint8_t sll[6]; /* its address (the first such option) */
};

/*
 * Parses a Neighbor Solicitation and validates it as RFC 4861 7.1.1 says. Returns 0 and fills
 * ns, -ENOENT when the frame is not an NS (not IPv6, next header not 58 right after the fixed
 * header, ICMPv6 type not 135), -EBADMSG when it is one that a node must discard, -EINVAL for a
 * NULL frame or ns.
 */
int pkt6_parse_ns(const uint8_t *frame, size_t len, struct pkt6_ns *ns);

/* RFC 4291 2.7.1: ff02::1:ff00:0/104 with the low 24 bits of addr. out may be addr. */
void pkt6_solicited_node(const uint8_t addr[16], uint8_t out[16]);

/* RFC 4291 2.5.6: fe80::/10. */
bool pkt6_is_link_local(const uint8_t a[16]);

#endif /* VRRPD_PKT6_H */
