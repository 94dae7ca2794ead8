// SPDX-License-Identifier: GPL-2.0
/*
 * VRRP advertisements and gratuitous ARPs as whole Ethernet frames, built for vrrpd to send
 * (checksums C1, C3, C4 of docs/CONFORMANCE.md). Multi-byte fields are read and written byte by
 * byte in network order, every access after a bounds check, so nothing depends on alignment or
 * host byte order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "pkt.h"
#include "pkt_wire.h"

#define ETH_ZLEN 60 /* IEEE 802.3 minimum frame, without the FCS */
#define ARP_PLEN 28
#define IP4_TOS_NETCTL 0xc0 /* network control, as keepalived and FRR send */

static const uint8_t vrrp_mcast_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x12 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum;
	size_t i;

	/* RFC 1071 4.1: add 16-bit words, the odd last byte padded with a zero on its right. */
	for (i = 0; i + 1 < len; i += 2)
		acc += pkt_get_be16(p + i);
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	/* 2^32 == 1 mod 0xffff: folding the high half back in keeps the one's complement sum. */
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void pkt_ip4_csum_set(uint8_t *ip, size_t ihl)
{
	pkt_put_be16(ip + 10, 0);
	pkt_put_be16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, ihl)));
}

bool pkt_ip4_csum_ok(const uint8_t *ip, size_t ihl)
{
	return !pkt_csum_fold(pkt_csum_add(0, ip, ihl));
}

/* The IPv4 pseudo-header of RFC 5798 5.2.8 (C4): src, dst, zero, protocol, upper-layer length. */
uint32_t pkt_csum_pseudo4(const uint8_t *saddr, const uint8_t *daddr, uint16_t len)
{
	uint8_t ph[12];

	memcpy(ph, saddr, 4);
	memcpy(ph + 4, daddr, 4);
	ph[8] = 0;
	ph[9] = VRRP_PROTO;
	pkt_put_be16(ph + 10, len);
	return pkt_csum_add(0, ph, sizeof(ph));
}

/*
 * A write cursor: every put checks the room left, and a failure sticks so that a sequence of
 * puts needs one check at the end.
 */
struct pkt_wr {
	uint8_t *buf;
	size_t len;
	size_t off;
	int err;
};

static void wr_bytes(struct pkt_wr *w, const void *src, size_t n)
{
	if (w->err || n > w->len - w->off) {
		w->err = -ENOSPC;
		return;
	}
	if (src)
		memcpy(w->buf + w->off, src, n);
	else
		memset(w->buf + w->off, 0, n);
	w->off += n;
}

static void wr_u8(struct pkt_wr *w, uint8_t v)
{
	wr_bytes(w, &v, 1);
}

static void wr_be16(struct pkt_wr *w, uint16_t v)
{
	uint8_t b[2];

	pkt_put_be16(b, v);
	wr_bytes(w, b, 2);
}

/* Ethernet header with an optional 802.1Q tag (PCP 0, DEI 0). */
static void wr_eth(struct pkt_wr *w, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
		   uint16_t proto)
{
	wr_bytes(w, dst, 6);
	wr_bytes(w, src, 6);
	if (vlan) {
		wr_be16(w, ETH_P_8021Q);
		wr_be16(w, vlan);
	}
	wr_be16(w, proto);
}

/* IEEE 802.3: pad a short frame to 60 bytes with zeros; IP total length excludes the padding. */
static int wr_finish(struct pkt_wr *w)
{
	if (!w->err && w->off < ETH_ZLEN)
		wr_bytes(w, NULL, ETH_ZLEN - w->off);
	if (w->err)
		return w->err;
	return (int)w->off;
}

static size_t eth_hlen(uint16_t vlan)
{
	return PKT_ETH_HLEN + (vlan ? VLAN_HLEN : 0);
}

static size_t frame_len(size_t len)
{
	return len < ETH_ZLEN ? ETH_ZLEN : len;
}

static int advert_check(const struct pkt_advert *a)
{
	if (a->count < 1) /* R7 */
		return -EINVAL;
	if (a->vlan > VLAN_VID_MAX)
		return -EINVAL;
	if (a->version == 3) {
		/* RFC 9568 5.2.7: 12 bits of centiseconds; there is no auto form on the wire. */
		if (a->adver_int_cs < 1 || a->adver_int_cs > VRRP_V3_MAX_INT_CS)
			return -EINVAL;
		if (a->csum_form != VRRPD_CSUM_RFC9568 && a->csum_form != VRRPD_CSUM_LEGACY)
			return -EINVAL;
		return 0;
	}
	if (a->version == 2) {
		/* RFC 3768 5.3.7: 8 bits of whole seconds, 1 s by default. */
		if (a->adver_int_cs % 100 || a->adver_int_cs < 100 || a->adver_int_cs > 255 * 100)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int pkt_build_advert(uint8_t *buf, size_t len, const struct pkt_advert *a)
{
	static const uint8_t zero_auth[VRRP_V2_AUTH_LEN];
	struct pkt_wr w = { .buf = buf, .len = len };
	uint8_t daddr[4] = { 0xe0, 0x00, 0x00, 0x12 }; /* VRRP_MCAST4 */
	const uint8_t *dst_mac = vrrp_mcast_mac;
	size_t ip_off, vrrp_off, vrrp_len, ip_len;
	uint32_t sum;
	int ret;

	if (!buf || !a)
		return -EINVAL;
	ret = advert_check(a);
	if (ret)
		return ret;
	vrrp_len = VRRP_HLEN + 4 * (size_t)a->count + (a->version == 2 ? VRRP_V2_AUTH_LEN : 0);
	ip_len = PKT_IP4_HLEN + vrrp_len;
	ip_off = eth_hlen(a->vlan);
	vrrp_off = ip_off + PKT_IP4_HLEN;
	/* Fail before writing anything, so that buf is left alone. */
	if (len < frame_len(ip_off + ip_len))
		return -ENOSPC;

	/* A unicast peer (--peer) gets it at its own addresses. */
	if (a->daddr && a->daddr != htonl(VRRP_MCAST4)) {
		memcpy(daddr, &a->daddr, 4);
		dst_mac = a->dst_mac;
	}
	wr_eth(&w, dst_mac, a->src_mac, a->vlan, ETH_P_IP);

	/*
	 * RFC 9568 5.1.1 (RFC 3768 5.2): TTL 255, protocol 112, to 224.0.0.18. TOS network control;
	 * id 0 and DF clear: the packet is never fragmented and needs no id.
	 */
	wr_u8(&w, 0x45);
	wr_u8(&w, IP4_TOS_NETCTL);
	wr_be16(&w, (uint16_t)ip_len);
	wr_be16(&w, 0);
	wr_be16(&w, 0);
	wr_u8(&w, VRRP_TTL);
	wr_u8(&w, VRRP_PROTO);
	wr_be16(&w, 0); /* header checksum, below */
	wr_bytes(&w, &a->saddr, 4);
	wr_bytes(&w, daddr, 4);

	/* RFC 9568 5.2 / RFC 3768 5.3: the 8-byte header. */
	wr_u8(&w, (uint8_t)(a->version << 4 | VRRP_TYPE_ADVERT));
	wr_u8(&w, a->vrid);
	wr_u8(&w, a->priority);
	wr_u8(&w, a->count);
	if (a->version == 3) {
		/* RFC 9568 5.2.7: reserved bits zero, max adver int in centiseconds. */
		wr_be16(&w, a->adver_int_cs & VRRP_V3_INT_MASK);
	} else {
		wr_u8(&w, a->auth_type);
		wr_u8(&w, (uint8_t)(a->adver_int_cs / 100));
	}
	wr_be16(&w, 0); /* checksum, below */
	wr_bytes(&w, a->addrs, 4 * (size_t)a->count);
	if (a->version == 2) {
		/* RFC 3768 5.3.10: the auth data SHOULD be zero unless a password is in use. */
		wr_bytes(&w, a->auth_type == VRRP_AUTH_NONE ? zero_auth : a->auth_data,
			 VRRP_V2_AUTH_LEN);
	}
	if (w.err)
		return w.err;

	pkt_ip4_csum_set(buf + ip_off, PKT_IP4_HLEN);

	sum = 0;
	if (a->version == 3 && a->csum_form == VRRPD_CSUM_LEGACY) /* C4 */
		sum = pkt_csum_pseudo4(buf + ip_off + 12, daddr, (uint16_t)vrrp_len);
	/* C1 (v2, auth bytes included) and C3 (v3, RFC 9568 5.2.8): the message alone. */
	sum = pkt_csum_add(sum, buf + vrrp_off, vrrp_len);
	pkt_put_be16(buf + vrrp_off + VRRP_CSUM_OFF, pkt_csum_fold(sum));

	return wr_finish(&w);
}

int pkt_build_arp_request(uint8_t *buf, size_t len, const uint8_t mac[6], uint32_t spa,
			  uint32_t tpa, uint16_t vlan)
{
	struct pkt_wr w = { .buf = buf, .len = len };

	if (!buf || !mac || vlan > VLAN_VID_MAX)
		return -EINVAL;
	if (len < frame_len(eth_hlen(vlan) + ARP_PLEN))
		return -ENOSPC;

	wr_eth(&w, bcast_mac, mac, vlan, ETH_P_ARP);
	/* RFC 826 request, "who has tpa, tell spa at mac". */
	wr_be16(&w, 1); /* htype Ethernet */
	wr_be16(&w, ETH_P_IP);
	wr_u8(&w, 6);
	wr_u8(&w, 4);
	wr_be16(&w, 1); /* op request */
	wr_bytes(&w, mac, 6);
	wr_bytes(&w, &spa, 4);
	wr_bytes(&w, NULL, 6);
	wr_bytes(&w, &tpa, 4);
	return wr_finish(&w);
}

int pkt_build_garp(uint8_t *buf, size_t len, const uint8_t mac[6], uint32_t vip, uint16_t vlan)
{
	/* RFC 5227 3 / RFC 9568 6.4.1 (D4): sender IP = target IP = VIP. */
	return pkt_build_arp_request(buf, len, mac, vip, vip, vlan);
}
