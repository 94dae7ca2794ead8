// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' parsers (pkt_parse.h), IPv4 and Ethernet, in the style of user/pkt.c: multi-byte
 * fields read byte by byte in network order, every access after a bounds check.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "pkt_parse.h"
#include "pkt_wire.h"

int pkt_parse_eth(const uint8_t *frame, size_t len, uint16_t *proto, uint16_t *vlan)
{
	size_t off = PKT_ETH_HLEN;
	int depth;

	if (!frame || !proto || !vlan)
		return -EINVAL;
	if (len < PKT_ETH_HLEN)
		return -ENOENT;
	*vlan = 0;
	*proto = pkt_get_be16(frame + 12);
	/*
	 * Either TPID at either depth: Linux stacks 802.1Q and 802.1ad devices in any order, and
	 * the XDP program (bpf/parse.h) reads them so.
	 */
	for (depth = 0; depth < PKT_VLAN_MAX_DEPTH; depth++) {
		if (*proto != ETH_P_8021Q && *proto != ETH_P_8021AD)
			break;
		if (len - off < VLAN_HLEN)
			return -ENOENT;
		*vlan = pkt_get_be16(frame + off) & VLAN_VID_MASK;
		*proto = pkt_get_be16(frame + off + 2);
		off += VLAN_HLEN;
	}
	return (int)off;
}

int pkt_locate_advert(const uint8_t *frame, size_t len, struct pkt_vrrp_loc *loc)
{
	const uint8_t *ip;
	size_t off, ihl, ip_len;
	uint16_t proto;
	int ret;

	if (!loc)
		return -EINVAL;
	memset(loc, 0, sizeof(*loc));
	ret = pkt_parse_eth(frame, len, &proto, &loc->vlan);
	if (ret < 0)
		return ret;
	off = (size_t)ret;
	if (proto != ETH_P_IP)
		return -ENOENT;

	/*
	 * IPv4 carrying VRRP. A header cut short cannot say that it is one: it passes, as in the
	 * XDP program, and the stack drops it.
	 */
	ip = frame + off;
	if (len - off < PKT_IP4_HLEN)
		return -ENOENT;
	if (ip[0] >> 4 != 4)
		return -ENOENT;
	if (ip[IP4_PROTO_OFF] != VRRP_PROTO)
		return -ENOENT;

	/* R4: the lengths every later read depends on. */
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	ip_len = pkt_get_be16(ip + 2);
	if (ihl < PKT_IP4_HLEN || ihl > len - off)
		return -EBADMSG;
	/* R4: the frame may be longer than the packet (Ethernet padding), never shorter. */
	if (ip_len > len - off || ip_len < ihl + VRRP_HLEN)
		return -EBADMSG;
	loc->ip_off = off;
	loc->vrrp_off = off + ihl; /* options skipped */
	loc->vrrp_len = ip_len - ihl;
	return 0;
}

int pkt_parse_advert(const uint8_t *frame, size_t len, struct pkt_advert *a, int *reason)
{
	struct pkt_vrrp_loc loc;
	const uint8_t *ip, *vrrp;
	size_t vrrp_len, need;
	uint16_t int_cs;
	uint8_t version, count;
	int csum_form = VRRPD_CSUM_AUTO;
	int reason_unused, ret;

	if (!reason)
		reason = &reason_unused;
	*reason = -1;
	if (!frame || !a)
		return -EINVAL;

	ret = pkt_locate_advert(frame, len, &loc);
	if (ret == -EBADMSG)
		REJECT(length_errors);
	if (ret)
		return ret;
	ip = frame + loc.ip_off;
	vrrp = frame + loc.vrrp_off;
	vrrp_len = loc.vrrp_len;

	/* What the stack drops first: a bad header checksum, then a fragment (MF or offset). */
	if (!pkt_ip4_csum_ok(ip, loc.vrrp_off - loc.ip_off))
		REJECT(ip_header_errors);
	if (pkt_get_be16(ip + 6) & 0x3fff)
		REJECT(ip_fragments);

	/* R1: RFC 9568 7.1 / RFC 3768 7.1, a router never forwards an advert. */
	if (ip[8] != VRRP_TTL)
		REJECT(ip_ttl_errors);
	/* R2: the version is checked against the instance later; here, one we speak. */
	version = vrrp[0] >> 4;
	if (version != 2 && version != 3)
		REJECT(version_errors);
	/* R3 */
	if ((vrrp[0] & 0x0f) != VRRP_TYPE_ADVERT)
		REJECT(invalid_type);
	/* R4: the header, count addresses, and in v2 the 8 auth bytes (RFC 3768 5.3.10). */
	count = vrrp[3];
	need = VRRP_HLEN + 4 * (size_t)count + (version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (vrrp_len < need)
		REJECT(length_errors);
	/*
	 * R4: the message is whole 32-bit words (RFC 9568 5.1, RFC 3768 5.1) and no longer than
	 * the longest one; the XDP program checksums it in words, from a buffer of that size.
	 */
	if (vrrp_len & 3 || vrrp_len > VRRP_MAX_MSG)
		REJECT(length_errors);
	/* R7; R10: the v3 reserved bits are ignored. */
	int_cs = version == 3 ? pkt_get_be16(vrrp + 4) & VRRP_V3_INT_MASK : vrrp[5] * 100;
	if (count == 0 || (version == 3 && int_cs == 0))
		REJECT(invalid_count);

	/* R5: the checksum covers the whole IP payload. */
	if (version == 2) {
		/* C1: RFC 3768 5.3.8, the message only. */
		if (pkt_csum_fold(pkt_csum_add(0, vrrp, vrrp_len)))
			REJECT(checksum_errors);
	} else if (!pkt_csum_fold(pkt_csum_add(0, vrrp, vrrp_len))) {
		/* C3: RFC 9568 5.2.8, no pseudo-header. Tried first: it is what the RFC says. */
		csum_form = VRRPD_CSUM_RFC9568;
	} else if (!pkt_csum_fold(
			   pkt_csum_add(pkt_csum_pseudo4(ip + 12, ip + 16, (uint16_t)vrrp_len),
					vrrp, vrrp_len))) {
		/* C4: RFC 5798 5.2.8, with the IPv4 pseudo-header. */
		csum_form = VRRPD_CSUM_LEGACY;
	} else {
		REJECT(checksum_errors);
	}

	memset(a, 0, sizeof(*a));
	a->version = version;
	a->vrid = vrrp[1];
	a->priority = vrrp[2];
	a->count = count;
	a->adver_int_cs = int_cs;
	a->csum_form = (uint8_t)csum_form;
	if (version == 2) {
		a->auth_type = vrrp[4];
		memcpy(a->auth_data, vrrp + VRRP_HLEN + 4 * (size_t)count, VRRP_V2_AUTH_LEN);
	}
	memcpy(&a->saddr, ip + 12, 4);
	memcpy(&a->daddr, ip + 16, 4);
	memcpy(a->dst_mac, frame, 6);
	memcpy(a->src_mac, frame + 6, 6);
	a->vlan = loc.vlan;
	memcpy(a->addrs, vrrp + VRRP_HLEN, 4 * (size_t)count);
	return 0;
}
