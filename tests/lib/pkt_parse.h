/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' parsers of VRRP adverts and Neighbor Solicitations: the userspace reference of the
 * XDP program's receive rules (docs/CONFORMANCE.md R1..R10, C1..C4; the solicitations of D5).
 * test_pkt and test_pkt6 hold them to golden frames that a separate encoder built; the fuzzers
 * and the XDP model (tests/bpf/xdp_model*.c) judge the XDP program by them. vrrpd itself never
 * parses a frame: the XDP program does, and only the tests link this.
 */
#ifndef VRRPD_TESTS_PKT_PARSE_H
#define VRRPD_TESTS_PKT_PARSE_H

#include <errno.h>
#include <stddef.h>

#include "pkt.h"
#include "pkt6.h"

/* A failed receive rule (in a parser returning int, with int *reason): its counter, -EBADMSG. */
#define REJECT(field)                                               \
	do {                                                        \
		*reason = (int)offsetof(struct vrrpd_stats, field); \
		return -EBADMSG;                                    \
	} while (0)

/*
 * Ethernet and up to PKT_VLAN_MAX_DEPTH tags, 802.1Q or 802.1ad in any order. Returns the offset
 * of what follows, with *proto its EtherType and *vlan the innermost VID (0: untagged), or
 * -ENOENT when the frame ends inside them, -EINVAL for a NULL argument.
 */
int pkt_parse_eth(const uint8_t *frame, size_t len, uint16_t *proto, uint16_t *vlan);

/* Where the VRRP message of an IPv4 frame is. */
struct pkt_vrrp_loc {
	uint16_t vlan; /* innermost VID, set whenever the Ethernet header parsed */
	size_t ip_off;
	size_t vrrp_off; /* after the IPv4 options */
	size_t vrrp_len; /* IP total length minus the IPv4 header */
};

/*
 * Finds the VRRP message in a frame: 0, -ENOENT when the frame is not IPv4 VRRP, or -EBADMSG
 * when its IPv4 header or total length do not fit the frame (R4, counted as length_errors before
 * the VRID can be read). The message itself is not checked.
 */
int pkt_locate_advert(const uint8_t *frame, size_t len, struct pkt_vrrp_loc *loc);

/*
 * Parses and fully validates a frame as the XDP program does (CONFORMANCE.md R1..R9), without the
 * per-instance checks. Returns 0 and fills a, or a negative errno; *reason gets the offsetof()
 * into struct vrrpd_stats of the failed counter, or -1.
 */
int pkt_parse_advert(const uint8_t *frame, size_t len, struct pkt_advert *a, int *reason);

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

#endif /* VRRPD_TESTS_PKT_PARSE_H */
