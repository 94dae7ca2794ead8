// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of fuzz_pkt into DIR: adverts built by pkt_build_advert(), some edited
 * afterwards (tags, IP options, padding, the rule each invalid seed breaks) with their checksums
 * made right again, so that the fuzzer starts past the checksum tests. Run by
 * tests/fuzz/gen_corpus.sh; the output is committed in tests/fuzz/corpus/pkt/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define IP4(a, b, c, d) htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define VRRP_HLEN 8

struct frame {
	uint8_t b[PKT_MAX_FRAME + 64];
	size_t len;
	size_t ip; /* offset of the IPv4 header */
};

static const char *out_dir;

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void build(struct frame *f, const struct pkt_advert *a)
{
	int n = pkt_build_advert(f->b, sizeof(f->b), a);

	if (n < 0) {
		fprintf(stderr, "gen_pkt_corpus: pkt_build_advert: %s\n", strerror(-n));
		exit(1);
	}
	f->len = (size_t)n;
	f->ip = PKT_ETH_HLEN + (a->vlan ? 4 : 0);
}

static size_t ihl(const struct frame *f)
{
	return (size_t)(f->b[f->ip] & 0x0f) * 4;
}

static size_t vrrp_len(const struct frame *f)
{
	return (size_t)(f->b[f->ip + 2] << 8 | f->b[f->ip + 3]) - ihl(f);
}

/* Makes the checksums right again after an edit: the IP header's, and the message's in C1/C3
 * (legacy: with the pseudo-header of RFC 5798 5.2.8, C4). */
static void fix_csums(struct frame *f, int legacy)
{
	uint8_t *ip = f->b + f->ip, *msg = ip + ihl(f), pseudo[12];
	size_t len = vrrp_len(f);
	uint32_t sum = 0;

	put_be16(ip + 10, 0);
	put_be16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, ihl(f))));
	put_be16(msg + 6, 0);
	if (legacy) {
		memcpy(pseudo, ip + 12, 8);
		pseudo[8] = 0;
		pseudo[9] = VRRP_PROTO;
		put_be16(pseudo + 10, (uint16_t)len);
		sum = pkt_csum_add(0, pseudo, sizeof(pseudo));
	}
	put_be16(msg + 6, pkt_csum_fold(pkt_csum_add(sum, msg, len)));
}

/* Inserts n bytes at off, moving the rest of the frame. */
static void insert(struct frame *f, size_t off, const void *p, size_t n)
{
	memmove(f->b + off + n, f->b + off, f->len - off);
	memcpy(f->b + off, p, n);
	f->len += n;
}

static void save(const char *name, const struct frame *f)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	fp = fopen(path, "wb");
	if (!fp || fwrite(f->b, 1, f->len, fp) != f->len || fclose(fp)) {
		perror(path);
		exit(1);
	}
}

/* The templates the seeds start from (htonl() is no constant expression). */
static struct pkt_advert v3, v2;

static void init_templates(void)
{
	v3 = (struct pkt_advert){
		.version = 3,
		.vrid = 51,
		.priority = 100,
		.adver_int_cs = 100,
		.csum_form = VRRPD_CSUM_RFC9568,
		.saddr = IP4(192, 0, 2, 1),
		.src_mac = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 },
		.count = 1,
		.addrs = { IP4(192, 0, 2, 100) },
	};
	v2 = (struct pkt_advert){
		.version = 2,
		.vrid = 7,
		.priority = 150,
		.adver_int_cs = 300,
		.auth_type = VRRP_AUTH_PASS,
		.auth_data = "secret",
		.saddr = IP4(198, 51, 100, 1),
		.src_mac = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x07 },
		.count = 1,
		.addrs = { IP4(198, 51, 100, 7) },
	};
}

static void gen_valid(void)
{
	static const uint8_t qinq_outer[4] = { 0x88, 0xa8, 0x00, 0x0a }; /* 802.1ad VID 10 */
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 }; /* RFC 2113 */
	struct pkt_advert a;
	struct frame f;

	build(&f, &v3);
	save("v3_rfc9568", &f);
	a = v3;
	a.csum_form = VRRPD_CSUM_LEGACY;
	a.vrid = 1;
	a.priority = 200;
	build(&f, &a);
	save("v3_legacy", &f);
	a.count = 3;
	a.addrs[1] = IP4(192, 0, 2, 101);
	a.addrs[2] = IP4(192, 0, 2, 102);
	build(&f, &a);
	save("v3_legacy_3addrs", &f);
	a = v3;
	a.vlan = 100;
	a.count = 2;
	a.addrs[1] = IP4(192, 0, 2, 101);
	build(&f, &a);
	save("v3_vlan100_2addrs", &f);
	/* 802.1ad outside, 802.1Q 100 inside: the instance is keyed by the inner VID. */
	insert(&f, 12, qinq_outer, sizeof(qinq_outer));
	save("v3_qinq", &f);
	a = v3;
	a.priority = 0; /* RFC 9568 6.4.3: a master that resigns */
	build(&f, &a);
	save("v3_prio0", &f);
	a = v3;
	a.priority = VRRP_PRIO_OWNER;
	a.adver_int_cs = VRRP_V3_MAX_INT_CS;
	a.vlan = 4094;
	build(&f, &a);
	save("v3_owner_maxint_vlan4094", &f);
	a = v3;
	a.csum_form = VRRPD_CSUM_LEGACY;
	a.count = VRRP_MAX_ADDRS;
	for (int i = 0; i < VRRP_MAX_ADDRS; i++)
		a.addrs[i] = IP4(10, 0, 1, i);
	build(&f, &a);
	save("v3_legacy_255addrs", &f);

	/* R10: reserved bits set are accepted. */
	build(&f, &v3);
	f.b[f.ip + PKT_IP4_HLEN + 4] |= 0xf0;
	fix_csums(&f, 0);
	save("v3_reserved_bits", &f);
	/* An IPv4 Router Alert option (IHL 6): the message follows the options. */
	build(&f, &v3);
	insert(&f, f.ip + PKT_IP4_HLEN, router_alert, sizeof(router_alert));
	f.b[f.ip] = 0x46;
	put_be16(f.b + f.ip + 2, (uint16_t)(PKT_IP4_HLEN + 4 + VRRP_HLEN + 4));
	fix_csums(&f, 0);
	save("v3_ip_option", &f);
	/* A word after the addresses, inside the IP packet: allowed, ignored. */
	build(&f, &v3);
	put_be16(f.b + f.ip + 2, PKT_IP4_HLEN + VRRP_HLEN + 4 + 4);
	fix_csums(&f, 0);
	save("v3_trailing_word", &f);
	/* No Ethernet padding (as a veth delivers it), and more padding than needed. */
	build(&f, &v3);
	f.len = f.ip + PKT_IP4_HLEN + VRRP_HLEN + 4;
	save("v3_unpadded", &f);
	build(&f, &v3);
	memset(f.b + f.len, 0xee, 40);
	f.len += 40;
	save("v3_long_padding", &f);

	build(&f, &v2);
	save("v2_pass", &f);
	/* A v2 interval of 0 s passes R7, which is v3's; R9 drops it against the instance. */
	f.b[f.ip + PKT_IP4_HLEN + 5] = 0;
	fix_csums(&f, 0);
	save("v2_interval0", &f);
	a = v2;
	a.auth_type = VRRP_AUTH_NONE;
	a.adver_int_cs = 100;
	build(&f, &a);
	save("v2_noauth", &f);
	a = v2;
	a.vlan = 200;
	a.count = 4;
	for (int i = 0; i < 4; i++)
		a.addrs[i] = IP4(198, 51, 100, 10 + i);
	a.adver_int_cs = 25500;
	memcpy(a.auth_data, "12345678", VRRP_V2_AUTH_LEN);
	build(&f, &a);
	save("v2_vlan200_4addrs_maxint", &f);
	a = v2;
	a.count = VRRP_MAX_ADDRS;
	for (int i = 0; i < VRRP_MAX_ADDRS; i++)
		a.addrs[i] = IP4(10, 0, 2, i);
	build(&f, &a);
	save("v2_255addrs", &f);
}

static void gen_invalid(void)
{
	uint8_t *msg;
	struct frame f;
	int n;

	/* R1: TTL 254, a forwarded advert. */
	build(&f, &v3);
	f.b[f.ip + 8] = 254;
	fix_csums(&f, 0);
	save("bad_r1_ttl254", &f);
	/* R2: version 4; R3: type 2. */
	build(&f, &v3);
	msg = f.b + f.ip + PKT_IP4_HLEN;
	msg[0] = 0x41;
	fix_csums(&f, 0);
	save("bad_r2_version4", &f);
	msg[0] = 0x32;
	fix_csums(&f, 0);
	save("bad_r3_type2", &f);
	/* R4: count 2, one address in the packet; IHL 4; a total length past the frame. */
	build(&f, &v3);
	msg = f.b + f.ip + PKT_IP4_HLEN;
	msg[3] = 2;
	fix_csums(&f, 0);
	save("bad_r4_count_past_packet", &f);
	build(&f, &v3);
	f.b[f.ip] = 0x44;
	save("bad_r4_ihl4", &f);
	build(&f, &v3);
	put_be16(f.b + f.ip + 2, (uint16_t)(f.len - f.ip + 1));
	save("bad_r4_ip_len_past_frame", &f);
	/* R4: a message of whole 32-bit words only (the zero bytes added keep its checksum). */
	build(&f, &v3);
	put_be16(f.b + f.ip + 2, PKT_IP4_HLEN + VRRP_HLEN + 4 + 2);
	fix_csums(&f, 0);
	save("bad_r4_partial_word", &f);
	build(&f, &v2);
	f.len = f.ip + PKT_IP4_HLEN + VRRP_HLEN + 4; /* the auth bytes cut off */
	put_be16(f.b + f.ip + 2, (uint16_t)(f.len - f.ip));
	fix_csums(&f, 0);
	save("bad_r4_v2_no_auth_bytes", &f);
	/* R5: a checksum matching neither form; a v2 one with the pseudo-header. */
	build(&f, &v3);
	f.b[f.ip + PKT_IP4_HLEN + 6] ^= 0x01;
	save("bad_r5_csum", &f);
	build(&f, &v2);
	fix_csums(&f, 1);
	save("bad_r5_v2_pseudo", &f);
	/* R7: count 0; v3 interval 0. */
	build(&f, &v3);
	msg = f.b + f.ip + PKT_IP4_HLEN;
	msg[3] = 0;
	put_be16(f.b + f.ip + 2, PKT_IP4_HLEN + VRRP_HLEN);
	fix_csums(&f, 0);
	save("bad_r7_count0", &f);
	build(&f, &v3);
	msg = f.b + f.ip + PKT_IP4_HLEN;
	msg[4] = 0;
	msg[5] = 0;
	fix_csums(&f, 0);
	save("bad_r7_v3_interval0", &f);

	/* Not VRRP: a gratuitous ARP, and UDP to the VRRP group. */
	n = pkt_build_garp(f.b, sizeof(f.b), v3.src_mac, v3.addrs[0], 0);
	f.len = (size_t)n;
	save("not_vrrp_garp", &f);
	build(&f, &v3);
	f.b[f.ip + 9] = 17;
	fix_csums(&f, 0);
	save("not_vrrp_udp", &f);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_pkt_corpus DIR\n");
		return 2;
	}
	out_dir = argv[1];
	init_templates();
	gen_valid();
	gen_invalid();
	return 0;
}
