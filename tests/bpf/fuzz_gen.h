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

#define GEN_MAX_FRAME 1600 /* room for a 1036-byte message, tags, options and some more */

/* Where a frame started; mutated or not is counted apart. */
enum gen_kind {
	GEN_ADVERT,
	GEN_ARP,
	GEN_VMAC,
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

/* fuzz_mut.c: one random mutation of the frame f of *len bytes, which may change *len. */
void gen_mutate(struct gen *g, const struct model_state *st, uint8_t *f, size_t *len);

/* fuzz_mut.c: the VRRP checksum right again for what the IPv4 header says, C3 (C1) or C4. */
void gen_fix_csum(struct gen *g, uint8_t *f, size_t len);

#endif /* VRRPD_FUZZ_GEN_H */
