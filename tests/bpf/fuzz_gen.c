// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_xdp's generator. Frames start valid or nearly so (adverts built by pkt_build_advert() for
 * the installed instances, ARP requests for their VIPs, frames to their VMACs), with fields
 * that mostly agree with the instance so that the deep rules and the fast path are reached;
 * then most are mutated (fuzz_mut.c). A mutated advert gets a correct checksum again in most
 * cases, or the checksum rule would stop nearly all of them.
 */
#include <arpa/inet.h>
#include <string.h>

#include "fuzz_gen.h"
#include "pkt.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_IPV6 0x86dd
#define IP4(a, b, c, d) htonl((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Where instances may be (VLAN, VRID): VRID 1 both untagged and on VLAN 5, which R6 keeps apart,
 * and the highest VID.
 */
static const struct {
	uint16_t vlan;
	uint8_t vrid;
} slots[] = { { 0, 1 }, { 0, 2 }, { 0, 3 },   { 0, 4 },	  { 0, 255 },
	      { 5, 1 }, { 5, 6 }, { 100, 7 }, { 4094, 8 } };

static const uint8_t peer_hosts[] = { 1, 2, 3, 250 }; /* the peers are 192.0.2.x */
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

_Static_assert(NELEM(slots) <= MODEL_MAX_INST, "one instance per slot");
_Static_assert(2 * NELEM(slots) + 1 <= MODEL_MAX_VIPS, "two VIPs per slot, one without cfg");

static uint32_t peer(struct gen *g)
{
	return IP4(192, 0, 2, peer_hosts[gen_below(g, NELEM(peer_hosts))]);
}

void gen_init(struct gen *g, uint64_t seed)
{
	g->rng = seed;
}

const char *gen_kind_name(enum gen_kind kind)
{
	static const char *const names[GEN_KINDS] = { "advert", "arp", "vmac", "other", "random" };

	return kind < GEN_KINDS ? names[kind] : "?";
}

/* ---- map contents ---- */

static void vmac_of(uint8_t vrid, uint8_t *mac)
{
	static const uint8_t prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };

	memcpy(mac, prefix, 5);
	mac[5] = vrid;
}

static uint16_t v3_int(struct gen *g)
{
	static const uint16_t common[] = { 100, 100, 200, 1, 4095 };

	return gen_chance(g, 70) ? common[gen_below(g, NELEM(common))] :
				   (uint16_t)(1 + gen_below(g, 4095));
}

static void gen_cfg(struct gen *g, struct vrrpd_cfg *c, uint8_t vrid, uint32_t ring_pid,
		    uint64_t now_ns)
{
	static const uint8_t states[] = { VRRPD_ST_BACKUP, VRRPD_ST_BACKUP, VRRPD_ST_BACKUP,
					  VRRPD_ST_MASTER, VRRPD_ST_MASTER, VRRPD_ST_INIT,
					  VRRPD_ST_FAULT };
	static const uint8_t prios[] = { 100, 100, 1, 254, 255, 120 };
	static const char *const passwords[] = { "secret", "s3cr3t!!" };

	memset(c, 0, sizeof(*c));
	c->version = gen_chance(g, 60) ? 3 : 2;
	c->state = states[gen_below(g, NELEM(states))];
	c->flags = (gen_chance(g, 50) ? VRRPD_F_PREEMPT : 0) |
		   (gen_chance(g, 60) ? VRRPD_F_VMAC : 0) |
		   (gen_chance(g, 40) ? VRRPD_F_OWNER_DROP : 0) |
		   (gen_chance(g, 40) ? VRRPD_F_NO_ACCEPT : 0);
	c->cfg_priority = gen_chance(g, 20) ? VRRP_PRIO_OWNER : prios[gen_below(g, NELEM(prios))];
	/* The effective priority may differ from the configured one (tracking). */
	c->priority = gen_chance(g, 80) ? c->cfg_priority : (uint8_t)gen_below(g, 256);
	if (c->version == 3)
		c->adver_int_cs = v3_int(g);
	else
		c->adver_int_cs = (uint16_t)(100 * (gen_chance(g, 70) ? 1 + gen_below(g, 3) :
									1 + gen_below(g, 255)));
	c->master_ip.v4 = peer(g);
	c->master_priority = gen_chance(g, 70) ? prios[gen_below(g, NELEM(prios))] :
						 (uint8_t)gen_rnd(g);
	c->master_adver_int_cs = gen_chance(g, 70) ? c->adver_int_cs : v3_int(g);
	c->csum_mode = (uint8_t)gen_below(g, 3); /* transmit only: receive must accept both forms */
	if (c->version == 2) {
		const char *pw = passwords[gen_below(g, NELEM(passwords))];

		c->auth_type = gen_chance(g, 90) ? (uint8_t)gen_below(g, 2) : 2;
		if (gen_chance(g, 80))
			memcpy(c->auth_data, pw, strlen(pw));
		else
			gen_bytes(g, c->auth_data, VRRP_V2_AUTH_LEN);
	}
	vmac_of(vrid, c->vmac);
	/* Far from now either way: the model's clock and the program's differ by the run. */
	switch (gen_below(g, 5)) {
	case 0:
		c->lease_until_ns = 0;
		break;
	case 1:
		c->lease_until_ns = now_ns > 1000000000ull ? now_ns - 1000000000ull : 0;
		break;
	case 2:
		c->lease_until_ns = UINT64_MAX;
		break;
	default:
		c->lease_until_ns = now_ns + 3600 * 1000000000ull;
		break;
	}
	c->owner_pid = gen_chance(g, 85) ? ring_pid : 1; /* pid 1 has no ring buffer of ours */
	c->primary_ip.v4 = IP4(192, 0, 2, 10);
	c->naddrs = 1;
}

void gen_state(struct gen *g, struct model_state *st, uint32_t ring_pid, uint64_t now_ns)
{
	struct model_inst *in;
	size_t i;
	int j, n;

	memset(st, 0, sizeof(*st));
	st->ifindex = HARNESS_IFINDEX;
	st->ring_pid = ring_pid;
	for (i = 0; i < NELEM(slots); i++) {
		struct vrrpd_key key = { .ifindex = st->ifindex,
					 .vlan = slots[i].vlan,
					 .family = MODEL_FAMILY_IPV4,
					 .vrid = slots[i].vrid };

		/* One or two VIPs per slot, installed or not: a VIP without a cfg passes. */
		for (j = 0, n = 1 + (int)gen_below(g, 2); j < n; j++) {
			st->vip[st->nvip].addr = IP4(192, 0, 2, 100 + 2 * i + (size_t)j);
			st->vip[st->nvip++].key = key;
		}
		if (!gen_chance(g, 85))
			continue;
		in = &st->inst[st->ninst++];
		in->key = key;
		gen_cfg(g, &in->cfg, key.vrid, ring_pid, now_ns);
		/* --peer: one to three of the usual senders, a peer with no cfg now and then. */
		if (gen_chance(g, 30)) {
			in->cfg.flags |= VRRPD_F_UNICAST;
			for (j = 0, n = 1 + (int)gen_below(g, 3); j < n; j++) {
				uint32_t addr = peer(g);
				int k;

				for (k = 0; k < st->npeer; k++)
					if (st->peer[k].addr == addr &&
					    !memcmp(&st->peer[k].key, &key, sizeof(key)))
						break;
				if (k == st->npeer && st->npeer < MODEL_MAX_PEERS) {
					st->peer[st->npeer].key = key;
					st->peer[st->npeer++].addr = addr;
				}
			}
		}
		in->has_rx = gen_chance(g, 90);
		if (in->has_rx && gen_chance(g, 50)) {
			/* As left by earlier adverts. */
			in->rx.master_ip.v4 = peer(g);
			in->rx.priority = (uint8_t)gen_rnd(g);
			in->rx.adver_int_cs = v3_int(g);
			in->rx.csum_form = (uint8_t)gen_below(g, 3);
			in->rx.adverts = gen_below(g, 1000);
			in->rx.last_ns = in->rx.confirm_ns = now_ns / 2;
		}
	}
	st->vip[st->nvip].addr = IP4(192, 0, 2, 99);
	st->vip[st->nvip].key = (struct vrrpd_key){ st->ifindex, 0, MODEL_FAMILY_IPV4, 77 };
	st->nvip++;
}

/* ---- frames ---- */

void gen_put_tag(uint8_t *f, size_t *len, size_t off, uint16_t tpid, uint16_t tci)
{
	if (*len + 4 > GEN_MAX_FRAME || off > *len)
		return;
	memmove(f + off + 4, f + off, *len - off);
	put_be16(f + off, tpid);
	put_be16(f + off + 2, tci);
	*len += 4;
}

/*
 * Tags an untagged frame for VLAN vlan: none, a priority tag (VID 0) or two tags with an outer
 * one anywhere when untagged; one or two tags, 802.1Q or 802.1ad, when tagged.
 */
static void tag_for(struct gen *g, uint8_t *f, size_t *len, uint16_t vlan)
{
	unsigned int r = gen_below(g, 100);

	if (!vlan && r < 80)
		return;
	gen_put_tag(f, len, 12, gen_chance(g, 80) ? ETH_P_8021Q : ETH_P_8021AD, gen_tci(g, vlan));
	if ((!vlan && r >= 92) || (vlan && r >= 65))
		gen_put_tag(f, len, 12, gen_chance(g, 60) ? ETH_P_8021AD : ETH_P_8021Q,
			    gen_tci(g, (uint16_t)gen_below(g, 4096)));
}

static const struct model_inst *pick_inst(struct gen *g, const struct model_state *st)
{
	return st->ninst ? &st->inst[gen_below(g, (uint32_t)st->ninst)] : NULL;
}

/* An advert for instance in (NULL: for a VRID that may be anyone's), fields mostly in line. */
static size_t gen_advert(struct gen *g, const struct model_state *st, const struct model_inst *in,
			 uint8_t *f)
{
	static const uint8_t prios[] = { 0, 1, 100, 120, 254, 255 };
	struct pkt_advert a;
	int i, len;

	memset(&a, 0, sizeof(a));
	if (in) {
		a.vrid = in->key.vrid;
		a.version = gen_chance(g, 93) ? in->cfg.version : (uint8_t)(5 - in->cfg.version);
	} else {
		a.vrid = (uint8_t)gen_rnd(g);
		a.version = (uint8_t)(2 + gen_below(g, 2));
	}
	a.priority = in && gen_chance(g, 70) ? in->cfg.master_priority :
					       prios[gen_below(g, NELEM(prios))];
	if (a.version == 3) {
		a.adver_int_cs = in && gen_chance(g, 70) ? in->cfg.master_adver_int_cs : v3_int(g);
		if (!a.adver_int_cs || a.adver_int_cs > VRRP_V3_MAX_INT_CS)
			a.adver_int_cs = 100;
		if (in && in->rx.csum_form && gen_chance(g, 70))
			a.csum_form = in->rx.csum_form;
		else
			a.csum_form = gen_chance(g, 50) ? VRRPD_CSUM_RFC9568 : VRRPD_CSUM_LEGACY;
	} else {
		a.adver_int_cs = in && gen_chance(g, 85) ?
					 in->cfg.adver_int_cs :
					 (uint16_t)(100 * (1 + gen_below(g, 255)));
		if (a.adver_int_cs % 100 || !a.adver_int_cs || a.adver_int_cs > 25500)
			a.adver_int_cs = 100;
		if (in && gen_chance(g, 85)) {
			a.auth_type = in->cfg.auth_type;
			memcpy(a.auth_data, in->cfg.auth_data, VRRP_V2_AUTH_LEN);
		} else {
			a.auth_type = (uint8_t)gen_below(g, 3);
			gen_bytes(g, a.auth_data, VRRP_V2_AUTH_LEN);
		}
	}
	a.saddr = in && gen_chance(g, 70) ? in->cfg.master_ip.v4 : peer(g);
	/* Unicast now and then, as a --peer sends: to our own address, at our MAC. */
	if (gen_chance(g, 25)) {
		a.daddr = in && gen_chance(g, 80) ? in->cfg.primary_ip.v4 : (uint32_t)gen_rnd(g);
		gen_bytes(g, a.dst_mac, 6);
		a.dst_mac[0] &= 0xfe;
	}
	vmac_of(a.vrid, a.src_mac);
	if (gen_chance(g, 55))
		a.count = 1;
	else if (gen_chance(g, 60))
		a.count = (uint8_t)(2 + gen_below(g, 8));
	else
		a.count = (uint8_t)(10 + gen_below(g, 246));
	for (i = 0; i < a.count; i++)
		a.addrs[i] = st->nvip && gen_chance(g, 70) ?
				     st->vip[gen_below(g, (uint32_t)st->nvip)].addr :
				     (uint32_t)gen_rnd(g);
	len = pkt_build_advert(f, GEN_MAX_FRAME, &a);
	if (len < 0) /* cannot happen with the fields above; keep a frame anyway */
		len = PKT_ETH_HLEN;
	return (size_t)len;
}

/* Ethernet/IPv4 ARP (RFC 826) after the header at f, padded to 60 bytes or not. */
static size_t gen_arp(struct gen *g, const struct model_state *st, uint8_t *f)
{
	uint8_t *p = f + PKT_ETH_HLEN, sha[6];
	uint32_t spa, tpa;
	size_t len;

	if (gen_chance(g, 85)) {
		memcpy(f, bcast, 6);
	} else {
		gen_bytes(g, f, 6);
		f[0] &= 0xfe;
	}
	gen_bytes(g, sha, 6);
	sha[0] = (sha[0] & 0xfe) | 0x02;
	memcpy(f + 6, sha, 6);
	put_be16(f + 12, ETH_P_ARP);
	if (st->nvip && gen_chance(g, 70))
		tpa = st->vip[gen_below(g, (uint32_t)st->nvip)].addr;
	else
		tpa = IP4(192, 0, 2, 60 + gen_below(g, 40));
	if (gen_chance(g, 10))
		spa = tpa; /* gratuitous */
	else if (gen_chance(g, 10))
		spa = 0; /* RFC 5227 probe */
	else
		spa = peer(g);
	put_be16(p, 1);
	put_be16(p + 2, ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	put_be16(p + 6, gen_chance(g, 88) ? 1 : (uint16_t)gen_below(g, 4));
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, &spa, 4);
	if (gen_chance(g, 80))
		memset(p + 18, 0, 6);
	else
		gen_bytes(g, p + 18, 6);
	memcpy(p + 24, &tpa, 4);
	len = PKT_ETH_HLEN + 28;
	if (gen_chance(g, 80)) {
		size_t to = gen_chance(g, 80) ? 60 : 60 + gen_below(g, 64);

		gen_bytes(g, f + len, to - len); /* padding: a reply must keep it */
		len = to;
	}
	return len;
}

/*
 * IPv4 that is not VRRP (or IPv4 with protocol 112 and version 6), often to one of the VIPs
 * (D2, Accept_Mode), IPv6, other EtherTypes.
 */
static size_t gen_other(struct gen *g, const struct model_state *st, uint8_t *f)
{
	static const uint16_t types[] = { ETH_P_IPV6, 0x88cc, 0x0842, 0x8847, 0x0000 };
	static const uint8_t protos[] = { 17, 6, 1, 2, 89, 111, 113 };
	size_t len = 60 + gen_below(g, 200);
	uint8_t *ip = f + PKT_ETH_HLEN;

	gen_bytes(g, f, len);
	f[0] &= 0xfe;
	if (gen_chance(g, 25)) {
		put_be16(f + 12, types[gen_below(g, NELEM(types))]);
		return len;
	}
	put_be16(f + 12, ETH_P_IP);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(len - PKT_ETH_HLEN));
	ip[8] = gen_chance(g, 50) ? VRRP_TTL : 64;
	if (gen_chance(g, 15)) {
		ip[0] = 0x65;
		ip[9] = VRRP_PROTO;
	} else {
		ip[9] = protos[gen_below(g, NELEM(protos))];
	}
	if (st->nvip && gen_chance(g, 50))
		memcpy(ip + 16, &st->vip[gen_below(g, (uint32_t)st->nvip)].addr, 4);
	return len;
}

/* Bytes at random, now and then with an EtherType (and an IPv4 VRRP start) that leads inside. */
static size_t gen_random(struct gen *g, uint8_t *f)
{
	static const uint16_t types[] = { ETH_P_IP, ETH_P_ARP, ETH_P_8021Q, ETH_P_8021AD };
	size_t len = PKT_ETH_HLEN + gen_below(g, 300);

	gen_bytes(g, f, len);
	if (gen_chance(g, 60))
		put_be16(f + 12, types[gen_below(g, NELEM(types))]);
	if (get_be16(f + 12) == ETH_P_IP && len >= 34 && gen_chance(g, 60)) {
		f[14] = 0x45;
		f[14 + 9] = VRRP_PROTO;
	}
	return len;
}

size_t gen_frame(struct gen *g, const struct model_state *st, uint8_t *f, enum gen_kind *kind,
		 bool *mutated)
{
	const struct model_inst *in = pick_inst(g, st);
	unsigned int r = gen_below(g, 100), n;
	size_t len;

	if (r < 58) {
		*kind = GEN_ADVERT;
		len = gen_advert(g, st, gen_chance(g, 95) ? in : NULL, f);
		tag_for(g, f, &len,
			in && gen_chance(g, 95) ? in->key.vlan : (uint16_t)gen_below(g, 4096));
	} else if (r < 75) {
		*kind = GEN_ARP;
		len = gen_arp(g, st, f);
		if (gen_chance(g, 10))
			tag_for(g, f, &len, gen_chance(g, 50) ? 0 : (uint16_t)gen_below(g, 4096));
	} else if (r < 87) {
		/* To the VMAC of an instance (or a VRID next to it), on its VLAN: D1. */
		*kind = GEN_VMAC;
		if (gen_chance(g, 40))
			len = gen_advert(g, st, in, f);
		else if (gen_chance(g, 40))
			len = gen_arp(g, st, f);
		else
			len = gen_other(g, st, f);
		/* D2: mostly to a VIP of that instance (Accept_Mode). */
		for (n = 0; in && n < (unsigned int)st->nvip && gen_chance(g, 60); n++)
			if (!memcmp(&st->vip[n].key, &in->key, sizeof(in->key)) &&
			    get_be16(f + 12) == ETH_P_IP) {
				memcpy(f + PKT_ETH_HLEN + 16, &st->vip[n].addr, 4);
				break;
			}
		vmac_of(in && gen_chance(g, 85) ? in->key.vrid : (uint8_t)gen_rnd(g), f);
		tag_for(g, f, &len, in ? in->key.vlan : 0);
	} else if (r < 95) {
		*kind = GEN_OTHER;
		len = gen_other(g, st, f);
		tag_for(g, f, &len, (uint16_t)gen_below(g, 4096));
	} else {
		*kind = GEN_RANDOM;
		len = gen_random(g, f);
	}

	*mutated = gen_chance(g, 60);
	if (*mutated) {
		for (n = 1 + gen_below(g, 3); n; n--)
			gen_mutate(g, st, f, &len);
		/* Most mutated adverts get a good checksum back, or R5 would stop them all. */
		if (*kind != GEN_RANDOM && gen_chance(g, 70))
			gen_fix_csum(g, f, len);
	}
	return len;
}
