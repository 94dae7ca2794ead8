/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing helpers for the XDP program: a header cursor, a bounds check before every
 * access, fields kept in network order (the xdp-tools parsing_helpers.h pattern).
 */
#ifndef VRRPD_BPF_PARSE_H
#define VRRPD_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define VLAN_MAX_DEPTH 2
#define VLAN_VID_MASK 0x0fff

/*
 * v & mask, kept by clang even when earlier comparisons already imply it: the 6.1 verifier does
 * not carry bounds from a comparison between two registers, and needs them for sizes and offsets.
 */
#define BOUND(v, mask) asm volatile("%[x] &= " #mask : [x] "+r"(v))

/*
 * A 16-bit network-order field as a bounded number. bpf_ntohs() compiles to a byte swap (and
 * byte loads to shifts and an OR) after which the 6.1 verifier knows nothing of the value (newer
 * ones do), and then refuses it in pointer arithmetic. An AND with a constant, which clang
 * would drop as redundant in C, restores the bound 0..65535 on every kernel.
 */
static __always_inline __u32 load_be16(const __be16 *p)
{
	__u64 v = bpf_ntohs(*p);

	BOUND(v, 0xffff);
	return (__u32)v;
}

struct hdr_cursor {
	void *pos;
};

struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

static __always_inline int proto_is_vlan(__u16 h_proto)
{
	return h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD);
}

/*
 * Parses the Ethernet header and up to VLAN_MAX_DEPTH 802.1Q/802.1ad tags. Returns the
 * EtherType in network order, or -1 when the frame is too short; *vlan gets the innermost VID.
 */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **ethp,
					__u16 *vlan)
{
	struct ethhdr *eth = nh->pos;
	struct vlan_hdr *vh;
	__u16 h_proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	nh->pos = eth + 1;
	*ethp = eth;
	*vlan = 0;
	h_proto = eth->h_proto;
	vh = nh->pos;
#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (!proto_is_vlan(h_proto))
			break;
		if ((void *)(vh + 1) > data_end)
			return -1;
		h_proto = vh->h_vlan_encapsulated_proto;
		*vlan = bpf_ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		vh++;
	}
	nh->pos = vh;
	return h_proto;
}

#define CSUM_BUF_MAX 1536

/*
 * One's complement sum (RFC 1071, raw memory order) of len bytes of buf, a scratch buffer of at
 * least 1024 + 0x3fc bytes (what the masks let the verifier prove of the last call's reach).
 * bpf_csum_diff() takes at most 512 bytes, a multiple of 4, per call: three calls for 1536.
 * Each mask keeps 512 (0x200) whole: 0x1fc would make the last 512 bytes of a 1536-byte
 * message count for nothing.
 */
static __always_inline int csum_buf(__u8 *buf, __u32 len, __u64 *sum)
{
	__s64 s;
	__u32 n;

	if (len & 3 || len > CSUM_BUF_MAX)
		return -1;
	/* The masks restate for the verifier what the comparisons already guarantee. */
	n = len > 512 ? 512 : len;
	s = bpf_csum_diff(0, 0, (__be32 *)buf, n & 0x3fc, 0);
	if (len > 512 && s >= 0) {
		n = len - 512 > 512 ? 512 : len - 512;
		s = bpf_csum_diff(0, 0, (__be32 *)(buf + 512), n & 0x3fc, s);
	}
	if (len > 1024 && s >= 0)
		s = bpf_csum_diff(0, 0, (__be32 *)(buf + 1024), (len - 1024) & 0x3fc, s);
	if (s < 0)
		return -1;
	*sum += (__u32)s;
	return 0;
}

static __always_inline __u16 csum_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

#endif /* VRRPD_BPF_PARSE_H */
