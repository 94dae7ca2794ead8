/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_xdp's inputs: map contents and frames, from a seeded generator, so that a seed and a
 * frame number reproduce a run exactly.
 */
#ifndef VRRPD_FUZZ_GEN_H
#define VRRPD_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdp_model.h"

#define GEN_MAX_FRAME 1600 /* room for a 1448-byte IPv6 message, tags and some more */

/* Where a frame started; mutated or not is counted apart. */
enum gen_kind {
	GEN_ADVERT,
	GEN_ADVERT6, /* VRRPv3 over IPv6 */
	GEN_ARP,
	GEN_NS, /* Neighbor Solicitations (and a few Advertisements) */
	GEN_VMAC,
	GEN_VMAC6, /* to 00:00:5e:00:02:VRID */
	GEN_OTHER, /* other IPv4, IPv6, other EtherTypes */
	GEN_RANDOM,
	GEN_KINDS,
};

struct gen {
	uint64_t rng;
};

void gen_init(struct gen *g, uint64_t seed);

/* Fresh map contents: instances in random states, their vrrpd_rx, the VIPs. */
void gen_state(struct gen *g, struct model_state *st, uint32_t ring_pid, uint64_t now_ns);

/*
 * One frame for the instances of st into f (GEN_MAX_FRAME bytes): returns its length (at least
 * the 14 bytes BPF_PROG_TEST_RUN takes), *kind what it started as, *mutated whether it was then
 * mutated.
 */
size_t gen_frame(struct gen *g, const struct model_state *st, uint8_t *f, enum gen_kind *kind,
		 bool *mutated);

const char *gen_kind_name(enum gen_kind kind);

/* ---- shared by fuzz_gen.c and fuzz_mut.c ---- */

/* splitmix64: small, fast, and good enough to pick fields. */
static inline uint64_t gen_rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint32_t gen_below(struct gen *g, uint32_t n)
{
	return n ? (uint32_t)(gen_rnd(g) % n) : 0;
}

static inline bool gen_chance(struct gen *g, unsigned int percent)
{
	return gen_below(g, 100) < percent;
}

static inline void gen_bytes(struct gen *g, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)gen_rnd(g);
}

/* A tag control field for VID vid, any PCP: only the VID keys an instance. */
static inline uint16_t gen_tci(struct gen *g, uint16_t vid)
{
	return (uint16_t)(gen_below(g, 8) << 13 | vid);
}

/* Inserts a VLAN tag at off (12: outermost), if the frame stays within GEN_MAX_FRAME. */
void gen_put_tag(uint8_t *f, size_t *len, size_t off, uint16_t tpid, uint16_t tci);

/* Tags an untagged frame for VLAN vlan (0: mostly untagged), one or two tags, any TPID. */
void gen_tag_for(struct gen *g, uint8_t *f, size_t *len, uint16_t vlan);

/* fuzz_mut.c: one random mutation of the frame f of *len bytes, which may change *len. */
void gen_mutate(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len);

/*
 * fuzz_mut.c: the VRRP checksum right again for what the IP header says: C3 (C1) or C4 over
 * IPv4; over IPv6 C2 (now and then without the pseudo-header), or the ICMPv6 checksum.
 */
void gen_fix_csum(struct gen *g, uint8_t *f, size_t len);

/* fuzz_gen.c: an instance of the family (NULL if none), a VIP of the family (NULL if none). */
const struct model_inst *gen_pick_inst(struct gen *g, const struct model_state *st, uint8_t family);
const struct model_vip *gen_pick_vip(struct gen *g, const struct model_state *st, uint8_t family);

/* fuzz_gen.c: 00:00:5e:00:01:VRID (IPv4), 00:00:5e:00:02:VRID (IPv6), RFC 9568 7.3. */
void gen_vmac(uint8_t family, uint8_t vrid, uint8_t *mac);

/* fuzz_gen.c: a VRRPv3 interval, mostly a common one. */
uint16_t gen_v3_int(struct gen *g);

/* ---- fuzz_gen6.c: IPv6 ---- */

/* A peer's link-local address (fe80::1, ::2, ::3, ::fa); ours (fe80::10). */
void gen_peer6(struct gen *g, union vrrpd_addr *a);
void gen_our6(union vrrpd_addr *a);

/* VIP j (0: link-local, the virtual router's; 1: global) of the instance slot. */
void gen_vip6(unsigned int slot, int j, union vrrpd_addr *a);

/* An untagged IPv6 advert for in (NULL: any VRID), built by pkt6_build_advert() and patched. */
size_t gen_advert6(struct gen *g, const struct model_state *st, const struct model_inst *in,
		   uint8_t *f);

/* An untagged Neighbor Solicitation, mostly for a VIP; a DAD probe, NUD, an NA now and then. */
size_t gen_ns(struct gen *g, const struct model_state *st, uint8_t *f);

/* Other untagged IPv6 (UDP, TCP, echo, extension headers), often to a VIP (of in if given). */
size_t gen_other6(struct gen *g, const struct model_state *st, const struct model_inst *in,
		  uint8_t *f);

/* An IPv6 header field, or an ND field or option, of the header at f + ip6 (40 bytes there). */
void gen_mut_ip6(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len, size_t ip6);

/* gen_fix_csum() for the IPv6 header at f + ip6. */
void gen_fix_csum6(struct gen *g, uint8_t *f, size_t len, size_t ip6);

#endif /* VRRPD_FUZZ_GEN_H */
