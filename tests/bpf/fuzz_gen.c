// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_xdp's generator. Frames start valid or nearly so (adverts built by pkt_build_advert() and
 * pkt6_build_advert() for the installed instances, ARP requests and Neighbor Solicitations for
 * their VIPs, frames to their VMACs), with fields that mostly agree with the instance so that
 * the deep rules and the fast path are reached; then most are mutated (fuzz_mut.c). A mutated
 * advert gets a correct checksum again in most cases, or the checksum rule would stop nearly
 * all of them. The IPv6 frames themselves are made in fuzz_gen6.c.
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
 * Where instances may be (family, VLAN, VRID): VRID 1 both untagged and on VLAN 5, which R6
 * keeps apart, and the highest VID; IPv6 ones (RFC 9568 1: separate virtual routers) on some of
 * the same VRIDs, which the family in the key keeps apart.
 */
#define V4 MODEL_FAMILY_IPV4
#define V6 MODEL_FAMILY_IPV6
static const struct {
	uint8_t family;
	uint16_t vlan;
	uint8_t vrid;
} slots[] = { { V4, 0, 1 }, { V4, 0, 2 },  { V4, 0, 3 },   { V4, 0, 4 },    { V4, 0, 255 },
	      { V4, 5, 1 }, { V4, 5, 6 },  { V4, 100, 7 }, { V4, 4094, 8 }, { V6, 0, 1 },
	      { V6, 0, 2 }, { V6, 0, 12 }, { V6, 5, 1 },   { V6, 5, 6 },    { V6, 100, 13 } };

static const uint8_t peer_hosts[] = { 1, 2, 3, 250 }; /* the peers are 192.0.2.x */
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

_Static_assert(NELEM(slots) <= MODEL_MAX_INST, "one instance per slot");
_Static_assert(2 * NELEM(slots) + 2 <= MODEL_MAX_VIPS, "two VIPs per slot, two without cfg");
_Static_assert(3 * NELEM(slots) <= MODEL_MAX_PEERS, "three peers per slot");

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
	static const char *const names[GEN_KINDS] = { "advert", "advert6", "arp",   "ns",
						      "vmac",	"vmac6",   "other", "random" };

	return kind < GEN_KINDS ? names[kind] : "?";
}

/* ---- map contents ---- */

void gen_vmac(uint8_t family, uint8_t vrid, uint8_t *mac)
{
	static const uint8_t prefix[4] = { 0x00, 0x00, 0x5e, 0x00 };

	memcpy(mac, prefix, 4);
	mac[4] = family == V6 ? 2 : 1;
	mac[5] = vrid;
}

uint16_t gen_v3_int(struct gen *g)
{
	static const uint16_t common[] = { 100, 100, 200, 1, 4095 };

	return gen_chance(g, 70) ? common[gen_below(g, NELEM(common))] :
				   (uint16_t)(1 + gen_below(g, 4095));
}

/* An instance of either family; an IPv6 one is VRRPv3 (opts.c allows nothing else). */
static void gen_cfg(struct gen *g, struct vrrpd_cfg *c, uint8_t family, uint8_t vrid,
		    uint32_t ring_pid, uint64_t now_ns)
{
	static const uint8_t states[] = { VRRPD_ST_BACKUP, VRRPD_ST_BACKUP, VRRPD_ST_BACKUP,
					  VRRPD_ST_MASTER, VRRPD_ST_MASTER, VRRPD_ST_INIT,
					  VRRPD_ST_FAULT };
	static const uint8_t prios[] = { 100, 100, 1, 254, 255, 120 };
	static const char *const passwords[] = { "secret", "s3cr3t!!" };

	memset(c, 0, sizeof(*c));
	c->version = family == V6 || gen_chance(g, 60) ? 3 : 2;
	c->state = states[gen_below(g, NELEM(states))];
	c->flags = (gen_chance(g, 50) ? VRRPD_F_PREEMPT : 0) |
		   (gen_chance(g, 60) ? VRRPD_F_VMAC : 0) |
		   (gen_chance(g, 40) ? VRRPD_F_OWNER_DROP : 0) |
		   (gen_chance(g, 40) ? VRRPD_F_NO_ACCEPT : 0) |
		   (gen_chance(g, 30) ? VRRPD_F_PASS_ADVERTS : 0);
	c->cfg_priority = gen_chance(g, 20) ? VRRP_PRIO_OWNER : prios[gen_below(g, NELEM(prios))];
	/* The effective priority may differ from the configured one (tracking). */
	c->priority = gen_chance(g, 80) ? c->cfg_priority : (uint8_t)gen_below(g, 256);
	if (c->version == 3)
		c->adver_int_cs = gen_v3_int(g);
	else
		c->adver_int_cs = (uint16_t)(100 * (gen_chance(g, 70) ? 1 + gen_below(g, 3) :
									1 + gen_below(g, 255)));
	if (family == V6)
		gen_peer6(g, &c->master_ip);
	else
		c->master_ip.v4 = peer(g);
	c->master_priority = gen_chance(g, 70) ? prios[gen_below(g, NELEM(prios))] :
						 (uint8_t)gen_rnd(g);
	c->master_adver_int_cs = gen_chance(g, 70) ? c->adver_int_cs : gen_v3_int(g);
	/* Transmit only: receive must accept both forms. IPv6 has one (C2). */
	c->csum_mode = family == V6 ? VRRPD_CSUM_AUTO : (uint8_t)gen_below(g, 3);
	if (c->version == 2) {
		const char *pw = passwords[gen_below(g, NELEM(passwords))];

		c->auth_type = gen_chance(g, 90) ? (uint8_t)gen_below(g, 2) : 2;
		if (gen_chance(g, 80))
			memcpy(c->auth_data, pw, strlen(pw));
		else
			gen_bytes(g, c->auth_data, VRRP_V2_AUTH_LEN);
	}
	gen_vmac(family, vrid, c->vmac);
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
	if (family == V6)
		gen_our6(&c->primary_ip);
	else
		c->primary_ip.v4 = IP4(192, 0, 2, 10);
	c->naddrs = 1;
}

/* A unicast peer of the family, as the --peer addresses and the usual senders are. */
static void peer_of(struct gen *g, uint8_t family, union vrrpd_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == V6)
		gen_peer6(g, a);
	else
		a->v4 = peer(g);
}

void gen_state(struct gen *g, struct model_state *st, uint32_t ring_pid, uint64_t now_ns)
{
	union vrrpd_addr addr;
	struct model_inst *in;
	size_t i;
	int j, n;

	memset(st, 0, sizeof(*st));
	st->ifindex = HARNESS_IFINDEX;
	st->ring_pid = ring_pid;
	for (i = 0; i < NELEM(slots); i++) {
		uint8_t family = slots[i].family;
		struct vrrpd_key key = { .ifindex = st->ifindex,
					 .vlan = slots[i].vlan,
					 .family = family,
					 .vrid = slots[i].vrid };

		/* One or two VIPs per slot, installed or not: a VIP without a cfg passes. */
		for (j = 0, n = 1 + (int)gen_below(g, 2); j < n; j++) {
			struct model_vip *vip = &st->vip[st->nvip++];

			vip->family = family;
			if (family == V6)
				gen_vip6((unsigned int)i, j, &vip->addr);
			else
				vip->addr.v4 = IP4(192, 0, 2, 100 + 2 * i + (size_t)j);
			vip->key = key;
		}
		if (!gen_chance(g, 85))
			continue;
		in = &st->inst[st->ninst++];
		in->key = key;
		gen_cfg(g, &in->cfg, family, key.vrid, ring_pid, now_ns);
		/* --peer: one to three of the usual senders, a peer with no cfg now and then. */
		if (gen_chance(g, 30)) {
			in->cfg.flags |= VRRPD_F_UNICAST;
			for (j = 0, n = 1 + (int)gen_below(g, 3); j < n; j++) {
				int k;

				peer_of(g, family, &addr);
				for (k = 0; k < st->npeer; k++)
					if (!memcmp(&st->peer[k].addr, &addr, sizeof(addr)) &&
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
			/* As left by earlier adverts (an IPv6 one has always form 0). */
			peer_of(g, family, &in->rx.master_ip);
			in->rx.priority = (uint8_t)gen_rnd(g);
			in->rx.adver_int_cs = gen_v3_int(g);
			in->rx.csum_form = family == V6 && gen_chance(g, 80) ?
						   VRRPD_CSUM_AUTO :
						   (uint8_t)gen_below(g, 3);
			in->rx.adverts = gen_below(g, 1000);
			in->rx.last_ns = in->rx.confirm_ns = now_ns / 2;
		}
		/*
		 * The last event: none, or just now with an interval of 1 s or more (an advert
		 * that cannot change the election is then held back: the run takes far less),
		 * or longer ago than the longest interval.
		 */
		if (in->has_rx && gen_chance(g, 50) && in->cfg.adver_int_cs >= 100)
			in->rx.event_ns = now_ns;
		else if (in->has_rx && gen_chance(g, 50) && now_ns > 41 * 1000000000ull)
			in->rx.event_ns = now_ns - 41 * 1000000000ull;
	}
	/* A VIP of each family for VRID 77, which has no cfg. */
	st->vip[st->nvip].family = V4;
	st->vip[st->nvip].addr.v4 = IP4(192, 0, 2, 99);
	st->vip[st->nvip].key = (struct vrrpd_key){ st->ifindex, 0, V4, 77 };
	st->nvip++;
	st->vip[st->nvip].family = V6;
	gen_vip6(99, 1, &st->vip[st->nvip].addr);
	st->vip[st->nvip].key = (struct vrrpd_key){ st->ifindex, 0, V6, 77 };
	st->nvip++;
}

const struct model_inst *gen_pick_inst(struct gen *g, const struct model_state *st, uint8_t family)
{
	int i, n = 0, k;

	for (i = 0; i < st->ninst; i++)
		n += st->inst[i].key.family == family;
	k = (int)gen_below(g, (uint32_t)n);
	for (i = 0; i < st->ninst; i++)
		if (st->inst[i].key.family == family && k-- == 0)
			return &st->inst[i];
	return NULL;
}

const struct model_vip *gen_pick_vip(struct gen *g, const struct model_state *st, uint8_t family)
{
	int i, n = 0, k;

	for (i = 0; i < st->nvip; i++)
		n += st->vip[i].family == family;
	k = (int)gen_below(g, (uint32_t)n);
	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].family == family && k-- == 0)
			return &st->vip[i];
	return NULL;
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
void gen_tag_for(struct gen *g, uint8_t *f, size_t *len, uint16_t vlan)
{
	unsigned int r = gen_below(g, 100);

	if (!vlan && r < 80)
		return;
	gen_put_tag(f, len, 12, gen_chance(g, 80) ? ETH_P_8021Q : ETH_P_8021AD, gen_tci(g, vlan));
	if ((!vlan && r >= 92) || (vlan && r >= 65))
		gen_put_tag(f, len, 12, gen_chance(g, 60) ? ETH_P_8021AD : ETH_P_8021Q,
			    gen_tci(g, (uint16_t)gen_below(g, 4096)));
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
		a.adver_int_cs = in && gen_chance(g, 70) ? in->cfg.master_adver_int_cs :
							   gen_v3_int(g);
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
	gen_vmac(V4, a.vrid, a.src_mac);
	if (gen_chance(g, 55))
		a.count = 1;
	else if (gen_chance(g, 60))
		a.count = (uint8_t)(2 + gen_below(g, 8));
	else
		a.count = (uint8_t)(10 + gen_below(g, 246));
	for (i = 0; i < a.count; i++) {
		const struct model_vip *vip = gen_chance(g, 70) ? gen_pick_vip(g, st, V4) : NULL;

		a.addrs[i] = vip ? vip->addr.v4 : (uint32_t)gen_rnd(g);
	}
	len = pkt_build_advert(f, GEN_MAX_FRAME, &a);
	if (len < 0) /* cannot happen with the fields above; keep a frame anyway */
		len = PKT_ETH_HLEN;
	return (size_t)len;
}

/* Ethernet/IPv4 ARP (RFC 826) after the header at f, padded to 60 bytes or not. */
static size_t gen_arp(struct gen *g, const struct model_state *st, uint8_t *f)
{
	uint8_t *p = f + PKT_ETH_HLEN, sha[6];
	const struct model_vip *vip;
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
	vip = gen_chance(g, 70) ? gen_pick_vip(g, st, V4) : NULL;
	tpa = vip ? vip->addr.v4 : IP4(192, 0, 2, 60 + gen_below(g, 40));
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
	const struct model_vip *vip;

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
	vip = gen_chance(g, 50) ? gen_pick_vip(g, st, V4) : NULL;
	if (vip)
		memcpy(ip + 16, &vip->addr.v4, 4);
	return len;
}

/*
 * Bytes at random, now and then with an EtherType (and an IPv4 VRRP, IPv6 VRRP or ICMPv6
 * start) that leads inside.
 */
static size_t gen_random(struct gen *g, uint8_t *f)
{
	static const uint16_t types[] = { ETH_P_IP, ETH_P_ARP, ETH_P_8021Q, ETH_P_8021AD,
					  ETH_P_IPV6 };
	size_t len = PKT_ETH_HLEN + gen_below(g, 300);

	gen_bytes(g, f, len);
	if (gen_chance(g, 60))
		put_be16(f + 12, types[gen_below(g, NELEM(types))]);
	if (get_be16(f + 12) == ETH_P_IP && len >= 34 && gen_chance(g, 60)) {
		f[14] = 0x45;
		f[14 + 9] = VRRP_PROTO;
	}
	if (get_be16(f + 12) == ETH_P_IPV6 && len >= 54 && gen_chance(g, 60)) {
		f[14] = 0x60;
		f[14 + 6] = gen_chance(g, 50) ? VRRP_PROTO : 58;
		f[14 + 7] = 255;
	}
	return len;
}

/* To the VMAC of an instance (or a VRID next to it) of the family, on its VLAN: D1, D2. */
static size_t gen_vmac_frame(struct gen *g, const struct model_state *st, uint8_t family,
			     uint8_t *f)
{
	const struct model_inst *in = gen_pick_inst(g, st, family);
	unsigned int r = gen_below(g, 100), n;
	size_t len;

	if (family == V6) {
		/* Mostly IPv6, to a VIP of the instance (Accept_Mode); NS to it (NUD); IPv4. */
		if (r < 30)
			len = gen_advert6(g, st, in, f);
		else if (r < 50)
			len = gen_ns(g, st, f);
		else if (r < 85)
			len = gen_other6(g, st, in, f);
		else
			len = gen_chance(g, 50) ? gen_other(g, st, f) : gen_arp(g, st, f);
	} else {
		if (r < 36)
			len = gen_advert(g, st, in, f);
		else if (r < 60)
			len = gen_arp(g, st, f);
		else if (r < 90)
			len = gen_other(g, st, f);
		else
			len = gen_other6(g, st, NULL, f);
		/* D2: mostly to a VIP of that instance (Accept_Mode). */
		for (n = 0; in && n < (unsigned int)st->nvip && gen_chance(g, 60); n++)
			if (!memcmp(&st->vip[n].key, &in->key, sizeof(in->key)) &&
			    get_be16(f + 12) == ETH_P_IP) {
				memcpy(f + PKT_ETH_HLEN + 16, &st->vip[n].addr.v4, 4);
				break;
			}
	}
	gen_vmac(family, in && gen_chance(g, 85) ? in->key.vrid : (uint8_t)gen_rnd(g), f);
	gen_tag_for(g, f, &len, in ? in->key.vlan : 0);
	return len;
}

size_t gen_frame(struct gen *g, const struct model_state *st, uint8_t *f, enum gen_kind *kind,
		 bool *mutated)
{
	unsigned int r = gen_below(g, 100), n;
	const struct model_inst *in;
	size_t len;

	if (r < 36) {
		*kind = GEN_ADVERT;
		in = gen_pick_inst(g, st, V4);
		len = gen_advert(g, st, gen_chance(g, 95) ? in : NULL, f);
		gen_tag_for(g, f, &len,
			    in && gen_chance(g, 95) ? in->key.vlan : (uint16_t)gen_below(g, 4096));
	} else if (r < 56) {
		*kind = GEN_ADVERT6;
		in = gen_pick_inst(g, st, V6);
		len = gen_advert6(g, st, gen_chance(g, 95) ? in : NULL, f);
		gen_tag_for(g, f, &len,
			    in && gen_chance(g, 95) ? in->key.vlan : (uint16_t)gen_below(g, 4096));
	} else if (r < 67) {
		*kind = GEN_ARP;
		len = gen_arp(g, st, f);
		if (gen_chance(g, 10))
			gen_tag_for(g, f, &len,
				    gen_chance(g, 50) ? 0 : (uint16_t)gen_below(g, 4096));
	} else if (r < 77) {
		/* Untagged mostly: tagged solicitations are the VLAN device's. */
		*kind = GEN_NS;
		len = gen_ns(g, st, f);
		if (gen_chance(g, 10))
			gen_tag_for(g, f, &len,
				    gen_chance(g, 50) ? 0 : (uint16_t)gen_below(g, 4096));
	} else if (r < 84) {
		*kind = GEN_VMAC;
		len = gen_vmac_frame(g, st, V4, f);
	} else if (r < 90) {
		*kind = GEN_VMAC6;
		len = gen_vmac_frame(g, st, V6, f);
	} else if (r < 96) {
		*kind = GEN_OTHER;
		len = gen_chance(g, 25) ? gen_other6(g, st, NULL, f) : gen_other(g, st, f);
		gen_tag_for(g, f, &len, (uint16_t)gen_below(g, 4096));
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
