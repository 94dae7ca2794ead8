// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for pkt_parse_advert() (tests/lib/pkt_parse.c), the userspace reference of the XDP
 * program's receive rules. The input is one Ethernet frame, exactly as long as the input, so
 * that ASan sees any read past its end. Besides "no crash", a violated property aborts:
 *
 * - a rejection returns -ENOENT (not VRRP, reason -1) or -EBADMSG with reason the offsetof() of
 *   one of the receive-rule counters of struct vrrpd_stats;
 * - an accepted advert has reason -1 and fields in range: version 2 or 3, count >= 1 and its
 *   addresses inside the frame, an interval that the version can carry (v3: 1..4095 cs, v2:
 *   whole seconds), a v3 checksum form, no v2 fields in a v3 advert;
 * - bytes after the frame (Ethernet padding) change nothing;
 * - round trip: pkt_build_advert() of the parsed advert gives a frame of the expected length with
 *   correct IPv4 and VRRP checksums (RFC 1071 verification, through pkt_csum_add/fold), which
 *   parses back to the same advert, and building that again gives the same bytes.
 *
 * The builder cannot reproduce everything a frame may hold, so the round trip covers the fields
 * of struct pkt_advert only, with two exceptions: without authentication (v2 auth type 0) the
 * builder sends zero auth bytes (RFC 3768 5.3.10), and a legacy (C4) v3 advert comes back as
 * RFC 9568 (C3) when its pseudo-header sums to zero, as both checksums are then the same bytes.
 * Not compared, as the parser does not report them: the destination MAC and address, the
 * TPIDs, an outer tag, PCP/DEI, IP options, TOS, id, flags, the IP header checksum, the v3
 * reserved bits (R10) and anything after the count addresses (and auth bytes). VID 4095, which the
 * parser reports and the builder refuses (IEEE 802.1Q reserves it), is rebuilt as 4094, and a
 * v2 interval of 0 s (R7 is v3's; R9 drops it against the instance) as 1 s.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pkt_parse.h"

#define FUZZ_PAD 64 /* bytes of padding appended for the padding property */
#define VLAN_VID_RESERVED 4095
#define VRRP_HLEN 8
#define ETH_ZLEN 60

/* libFuzzer reports the abort with the input that caused it; the message says which property. */
#define STAT(field) ((int)offsetof(struct vrrpd_stats, field))

/* The counters of the receive rules that need no instance: the IPv4 header's, R1..R5 and R7. */
static bool reason_valid(int reason)
{
	static const int rules[] = {
		STAT(ip_ttl_errors),	STAT(version_errors),  STAT(invalid_type),
		STAT(length_errors),	STAT(checksum_errors), STAT(invalid_count),
		STAT(ip_header_errors), STAT(ip_fragments),
	};

	if (reason < 0 || reason % (int)sizeof(__u64) ||
	    (size_t)reason + sizeof(__u64) > sizeof(struct vrrpd_stats))
		return false;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (reason == rules[i])
			return true;
	return false;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static size_t msg_len(const struct pkt_advert *a)
{
	return VRRP_HLEN + 4 * (size_t)a->count + (a->version == 2 ? VRRP_V2_AUTH_LEN : 0);
}

static void check_fields(const struct pkt_advert *a, size_t frame_len)
{
	PROPERTY(a->version == 2 || a->version == 3);
	PROPERTY(a->count >= 1);
	/* Ethernet, IPv4 and the message at least: every address came from inside the frame. */
	PROPERTY(PKT_ETH_HLEN + PKT_IP4_HLEN + msg_len(a) <= frame_len);
	PROPERTY(a->vlan <= VLAN_VID_RESERVED);
	if (a->version == 3) {
		PROPERTY(a->adver_int_cs >= 1 && a->adver_int_cs <= VRRP_V3_MAX_INT_CS);
		PROPERTY(a->csum_form == VRRPD_CSUM_RFC9568 || a->csum_form == VRRPD_CSUM_LEGACY);
		PROPERTY(a->auth_type == VRRP_AUTH_NONE);
		PROPERTY(all_zero(a->auth_data, sizeof(a->auth_data)));
	} else {
		/* RFC 3768 5.3.7: whole seconds; 0 passes R7, which is v3's, and fails R9 later. */
		PROPERTY(a->adver_int_cs % 100 == 0 && a->adver_int_cs <= 255 * 100);
		PROPERTY(a->csum_form == VRRPD_CSUM_AUTO);
	}
}

static bool same_advert(const struct pkt_advert *x, const struct pkt_advert *y)
{
	return x->version == y->version && x->vrid == y->vrid && x->priority == y->priority &&
	       x->adver_int_cs == y->adver_int_cs && x->csum_form == y->csum_form &&
	       x->auth_type == y->auth_type &&
	       !memcmp(x->auth_data, y->auth_data, sizeof(x->auth_data)) && x->saddr == y->saddr &&
	       !memcmp(x->src_mac, y->src_mac, sizeof(x->src_mac)) && x->vlan == y->vlan &&
	       x->count == y->count && !memcmp(x->addrs, y->addrs, 4 * (size_t)x->count);
}

/* RFC 1071 4.1 on the raw input: chaining at an even offset changes nothing, and the data
 * followed by its checksum verifies (folds to 0). */
static void check_csum(const uint8_t *data, size_t size)
{
	size_t even = size & ~(size_t)1;
	size_t split = (size ? data[0] : 0) * 2u % (even + 2); /* even, 0..even */
	uint8_t *with_csum;
	uint16_t csum;

	csum = pkt_csum_fold(pkt_csum_add(0, data, size));
	PROPERTY(pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, data, split), data + split,
					    size - split)) == csum);
	with_csum = malloc(even + 2);
	PROPERTY(with_csum);
	memcpy(with_csum, data, even);
	csum = pkt_csum_fold(pkt_csum_add(0, data, even));
	with_csum[even] = csum >> 8;
	with_csum[even + 1] = csum & 0xff;
	PROPERTY(pkt_csum_fold(pkt_csum_add(0, with_csum, even + 2)) == 0);
	free(with_csum);
}

/* The builder's frame: both checksums verify; returns whether C3 verifies too (see above). */
static bool check_built_csums(const uint8_t *f, const struct pkt_advert *a)
{
	const uint8_t *ip = f + PKT_ETH_HLEN + (a->vlan ? 4 : 0), *msg = ip + PKT_IP4_HLEN;
	size_t len = msg_len(a);
	uint8_t pseudo[12];
	bool c3;

	PROPERTY(pkt_csum_fold(pkt_csum_add(0, ip, PKT_IP4_HLEN)) == 0);
	c3 = pkt_csum_fold(pkt_csum_add(0, msg, len)) == 0;
	if (a->version == 2 || a->csum_form == VRRPD_CSUM_RFC9568) {
		PROPERTY(c3);
		return c3;
	}
	/* RFC 5798 5.2.8: source, destination, zero, protocol, VRRP length. */
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = VRRP_PROTO;
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	PROPERTY(pkt_csum_fold(pkt_csum_add(pkt_csum_add(0, pseudo, sizeof(pseudo)), msg, len)) ==
		 0);
	return c3;
}

static void check_round_trip(const struct pkt_advert *parsed)
{
	static uint8_t frame[PKT_MAX_FRAME], again[PKT_MAX_FRAME];
	struct pkt_advert want = *parsed, got;
	size_t want_len;
	int n, reason;

	if (want.vlan == VLAN_VID_RESERVED) {
		PROPERTY(pkt_build_advert(frame, sizeof(frame), &want) == -EINVAL);
		want.vlan = VLAN_VID_RESERVED - 1;
	}
	if (want.version == 2 && !want.adver_int_cs) {
		PROPERTY(pkt_build_advert(frame, sizeof(frame), &want) == -EINVAL);
		want.adver_int_cs = 100;
	}
	n = pkt_build_advert(frame, sizeof(frame), &want);
	want_len = PKT_ETH_HLEN + (want.vlan ? 4 : 0) + PKT_IP4_HLEN + msg_len(&want);
	if (want_len < ETH_ZLEN)
		want_len = ETH_ZLEN;
	PROPERTY(n > 0 && (size_t)n == want_len);
	if (want.version == 2 && want.auth_type == VRRP_AUTH_NONE)
		memset(want.auth_data, 0, sizeof(want.auth_data));
	if (check_built_csums(frame, &want) && want.csum_form == VRRPD_CSUM_LEGACY)
		want.csum_form = VRRPD_CSUM_RFC9568;

	PROPERTY(pkt_parse_advert(frame, (size_t)n, &got, &reason) == 0);
	PROPERTY(reason == -1);
	PROPERTY(same_advert(&got, &want));
	PROPERTY(pkt_build_advert(again, sizeof(again), &got) == n);
	PROPERTY(!memcmp(again, frame, (size_t)n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t padded[1 << 16];
	struct pkt_advert a, b;
	int ret, reason = 1234;

	check_csum(data, size);

	ret = pkt_parse_advert(data, size, &a, &reason);
	/* The reason is optional and never changes the verdict. */
	PROPERTY(pkt_parse_advert(data, size, &b, NULL) == ret);
	if (ret) {
		if (ret == -EBADMSG)
			PROPERTY(reason_valid(reason));
		else
			PROPERTY(ret == -ENOENT && reason == -1);
		return 0;
	}
	PROPERTY(reason == -1);
	check_fields(&a, size);

	/* R4: the frame may be longer than the packet; padding is not part of the advert. */
	if (size + FUZZ_PAD <= sizeof(padded)) {
		memcpy(padded, data, size);
		memset(padded + size, 0xa5, FUZZ_PAD);
		PROPERTY(pkt_parse_advert(padded, size + FUZZ_PAD, &b, &reason) == 0);
		PROPERTY(same_advert(&a, &b));
	}

	check_round_trip(&a);
	return 0;
}
