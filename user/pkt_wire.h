/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire-format constants shared by the frame builders (pkt.c, pkt6.c) and the tests' parsers
 * (tests/lib): one definition each.
 */
#ifndef VRRPD_PKT_WIRE_H
#define VRRPD_PKT_WIRE_H

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define VLAN_HLEN 4
#define VLAN_VID_MASK 0x0fff
#define VLAN_VID_MAX 4094 /* IEEE 802.1Q: 4095 is reserved */
#define IP4_PROTO_OFF 9
#define IP6_HLIM 255
#define IP6_NEXT_OFF 6
#define IP6_HLIM_OFF 7
#define IP6_SRC_OFF 8
#define IP6_DST_OFF 24
#define NH_ICMPV6 58
#define VRRP_HLEN 8
#define VRRP_CSUM_OFF 6
#define ND_NS 135
#define ND_NA 136
#define ND_HLEN 24 /* type, code, checksum, 4 bytes of flags/reserved, target (4.3, 4.4) */
#define ND_TARGET_OFF 8
#define ND_OPT_SLL 1
#define ND_OPT_TLL 2

#endif /* VRRPD_PKT_WIRE_H */
