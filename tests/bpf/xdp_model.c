// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the XDP program, for fuzz_xdp. Why it can be trusted as the other side
 * of a differential test:
 *
 * - What an advert is, statelessly (Ethernet and VLAN tags, IPv4, R1..R5, R7), comes from
 *   tests/lib/pkt_parse.c, pkt_locate_advert() and pkt_parse_advert(): plain C over a byte array,
 *   checked by test_pkt against golden frames encoded by a separate Python program (gen_golden.py)
 *   and decoded by tcpdump, and sharing no code with bpf/vrrpd.bpf.c and bpf/parse.h. For IPv6
 *   (R1..R5, R7, R8, C2) the same holds of tests/lib/pkt6_parse.c (test_pkt6, gen_golden6.py): see
 *   xdp_model6.c, which also has the Neighbor Discovery duty.
 * - What depends on the instance (R2 against its version, R6, R9, R12, the fast path of S4, the
 *   ARP and VMAC duties D1..D3) is written below from docs/CONFORMANCE.md, one function per rule
 *   group. Only the order in which the rules are tried follows the program, where the program
 *   documents it (R6 before R1: a cheap lookup first; R4 in two halves), because that order is
 *   what decides which counter a frame failing two rules moves.
 *
 * The model never reads the maps: fuzz_xdp installs what model_state says and compares.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/bpf.h>

#include "addr.h"
#include "pkt_parse.h"
#include "xdp_model.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define NH_ICMPV6 58
#define ND_NS 135
#define ND_NA 136
#define ARP_PLEN 28 /* RFC 826 for Ethernet and IPv4 */
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define STAT_BIT(off) (1u << ((unsigned int)(off) / sizeof(__u64)))
#define STAT_NAME(field) [offsetof(struct vrrpd_stats, field) / sizeof(__u64)] = #field,

static const char *const stat_names[MODEL_NSTATS] = { VRRPD_STATS_FIELDS(STAT_NAME) };

const char *model_stat_name(unsigned int i)
{
	return i < MODEL_NSTATS && stat_names[i] ? stat_names[i] : "?";
}

const struct model_inst *model_find(const struct model_state *st, const struct vrrpd_key *key)
{
	int i;

	for (i = 0; i < st->ninst; i++)
		if (!memcmp(&st->inst[i].key, key, sizeof(*key)))
			return &st->inst[i];
	return NULL;
}

struct vrrpd_key model_key_of(const struct model_state *st, uint16_t vlan, uint8_t family,
			      uint8_t vrid)
{
	/* VRID 0 (no instance) is counted per interface and family, whatever the tag. */
	struct vrrpd_key k = {
		.ifindex = st->ifindex, .vlan = vrid ? vlan : 0, .family = family, .vrid = vrid
	};

	return k;
}

static struct vrrpd_key key_of(const struct model_state *st, uint16_t vlan, uint8_t vrid)
{
	return model_key_of(st, vlan, MODEL_FAMILY_IPV4, vrid);
}

const struct model_vip *model_find_vip(const struct model_state *st, uint8_t family,
				       const union vrrpd_addr *addr)
{
	int i;

	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].family == family && !memcmp(&st->vip[i].addr, addr, sizeof(*addr)))
			return &st->vip[i];
	return NULL;
}

void model_discard(struct model_pred *p, const struct vrrpd_key *key, uint32_t counters)
{
	p->verdict = XDP_DROP;
	p->key = *key;
	p->counters = counters;
}

/*
 * The destination of the IP packet at frame + off to a VMAC of this family, as the vrrpd_vip
 * key holds it, when the packet is one Accept_Mode is about; else false.
 */
static bool accept_mode_daddr(const uint8_t *frame, size_t len, uint16_t proto, size_t off,
			      uint8_t family, union vrrpd_addr *daddr)
{
	const uint8_t *ip = frame + off;

	memset(daddr, 0, sizeof(*daddr));
	if (family == MODEL_FAMILY_IPV4) {
		/* A whole IPv4 header (RFC 791: version 4, the destination at byte 16). */
		if (proto != ETH_P_IP || len - off < 20 || ip[0] >> 4 != 4)
			return false;
		memcpy(&daddr->v4, ip + 16, 4);
		return true;
	}
	/* A whole IPv6 header (RFC 8200: version 6, the destination at byte 24). */
	if (proto != ETH_P_IPV6 || len - off < 40 || ip[0] >> 4 != 6)
		return false;
	/* RFC 9568 6.1: Neighbor Solicitations and Advertisements MUST NOT be dropped. */
	if (ip[6] == NH_ICMPV6 && len - off > 40 && (ip[40] == ND_NS || ip[40] == ND_NA))
		return false;
	memcpy(daddr->v6, ip + 24, 16);
	return true;
}

/*
 * CONFORMANCE.md D1: traffic to the VMAC of an instance that is not Master stops here. D2: so does
 * traffic of its family to one of its own VIPs when it is a Master without Accept_Mode that
 * does not own the addresses. The VMAC is 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID
 * for IPv6 (RFC 9568 7.3): each names the instance of its family.
 */
static bool vmac_discard(const struct model_state *st, const uint8_t *frame, size_t len,
			 uint16_t proto, size_t off, uint16_t vlan, struct model_pred *p)
{
	static const uint8_t vmac_prefix[4] = { 0x00, 0x00, 0x5e, 0x00 };
	const struct model_inst *in;
	const struct model_vip *vip;
	union vrrpd_addr daddr;
	struct vrrpd_key key;
	uint8_t family;

	if (memcmp(frame, vmac_prefix, sizeof(vmac_prefix)) || (frame[4] != 1 && frame[4] != 2))
		return false;
	family = frame[4] == 1 ? MODEL_FAMILY_IPV4 : MODEL_FAMILY_IPV6;
	key = model_key_of(st, vlan, family, frame[5]);
	in = model_find(st, &key);
	/* Only with the VMAC in use (-n turns it off). */
	if (!in || !(in->cfg.flags & VRRPD_F_VMAC))
		return false;
	if (in->cfg.state != VRRPD_ST_MASTER) {
		model_discard(p, &key, MODEL_CNT(vmac_dropped));
		return true;
	}
	/* A Master forwards what comes to it, and takes what is for it unless told not to. */
	if (!(in->cfg.flags & VRRPD_F_NO_ACCEPT) || in->cfg.cfg_priority == VRRP_PRIO_OWNER)
		return false;
	if (!accept_mode_daddr(frame, len, proto, off, family, &daddr))
		return false;
	vip = model_find_vip(st, family, &daddr);
	if (!vip || memcmp(&vip->key, &key, sizeof(key)))
		return false;
	model_discard(p, &key, MODEL_CNT(accept_mode_dropped));
	return true;
}

/*
 * D1..D3 for the untagged ARP packet at frame + off: a request for a VIP is answered by
 * a Master whose controller keeps the lease fresh, and dropped otherwise; all else is not ours.
 */
static void arp_duties(const struct model_state *st, uint64_t now_ns, const uint8_t *frame,
		       size_t len, size_t off, struct model_pred *p)
{
	const uint8_t *arp = frame + off;
	const struct model_inst *in = NULL;
	const struct model_vip *vip;
	uint8_t *out = p->out;
	uint32_t spa, tpa;

	if (len - off < ARP_PLEN)
		return;
	/* RFC 826: Ethernet hardware, IPv4 protocol, their address lengths, a request. */
	if (get_be16(arp) != 1 || get_be16(arp + 2) != ETH_P_IP || arp[4] != 6 || arp[5] != 4 ||
	    get_be16(arp + 6) != ARP_OP_REQUEST)
		return;
	memcpy(&spa, arp + 14, 4);
	memcpy(&tpa, arp + 24, 4);
	if (spa == tpa) /* RFC 5227 3: an announcement asks nothing */
		return;
	vip = model_find_vip(st, MODEL_FAMILY_IPV4, &(union vrrpd_addr){ .v4 = tpa });
	if (!vip)
		return;
	in = model_find(st, &vip->key);
	if (!in)
		return;
	/* D1: a Backup stays silent; D3: so does a Master whose controller stopped renewing. */
	if (in->cfg.state != VRRPD_ST_MASTER || now_ns >= in->cfg.lease_until_ns) {
		model_discard(p, &in->key, MODEL_CNT(arp_dropped));
		return;
	}
	/* Only to a unicast sender that sent the frame itself: not reflected anywhere else. */
	if ((arp[8] & 1) || memcmp(arp + 8, frame + 6, 6) ||
	    !memcmp(arp + 8, (const uint8_t[6]){ 0 }, 6)) {
		model_discard(p, &in->key, MODEL_CNT(arp_invalid));
		return;
	}
	/* D2, RFC 826: back to the asker, from the VMAC, "tpa is at the VMAC", in 42 bytes. */
	p->verdict = XDP_TX;
	p->key = in->key;
	p->counters = MODEL_CNT(arp_replies);
	p->out_len = (uint32_t)(off + ARP_PLEN);
	memcpy(out, frame, off + ARP_PLEN);
	memcpy(out, arp + 8, 6);
	memcpy(out + 6, in->cfg.vmac, 6);
	put_be16(out + off + 6, ARP_OP_REPLY);
	memcpy(out + off + 8, in->cfg.vmac, 6);
	memcpy(out + off + 14, &tpa, 4);
	memcpy(out + off + 18, arp + 8, 6);
	memcpy(out + off + 24, &spa, 4);
}

/*
 * Unicast (--peer, issue 10): an instance with peers hears adverts from them only, to any
 * address; one without hears only those to the group, 224.0.0.18 or ff02::12 (RFC 9568
 * 5.1.1.2, 5.1.2.2).
 */
bool model_heard(const struct model_state *st, const struct model_inst *in,
		 const union vrrpd_addr *saddr, bool to_group)
{
	int i;

	if (!(in->cfg.flags & VRRPD_F_UNICAST))
		return to_group;
	for (i = 0; i < st->npeer; i++)
		if (!memcmp(&st->peer[i].key, &in->key, sizeof(in->key)) &&
		    !memcmp(&st->peer[i].addr, saddr, sizeof(*saddr)))
			return true;
	return false;
}

/* R9: the rules of v2 that need the instance, once pkt_parse.c found the advert sound. */
static uint32_t v2_rules(const struct vrrpd_cfg *cfg, const struct pkt_advert *a)
{
	/* RFC 3768 7.1: our authentication type, our password, our interval. */
	if (a->auth_type != cfg->auth_type)
		return MODEL_CNT(auth_errors);
	if (cfg->auth_type == VRRP_AUTH_PASS &&
	    memcmp(a->auth_data, cfg->auth_data, VRRP_V2_AUTH_LEN))
		return MODEL_CNT(auth_errors);
	if (a->adver_int_cs != cfg->adver_int_cs)
		return MODEL_CNT(adver_interval_errors);
	return 0;
}

/* What an accepted advert counts besides adverts_rcvd: CONFORMANCE.md R10, R11, R12, C3/C4, S3. */
static uint32_t accept_counters(const struct vrrpd_cfg *cfg, const struct model_advert *a)
{
	uint32_t c = MODEL_CNT(adverts_rcvd);

	if (a->priority == VRRP_PRIO_STOP)
		c |= MODEL_CNT(pri_zero_rcvd);
	if (a->version == 3 && a->reserved_set)
		c |= MODEL_CNT(reserved_set);
	if (a->version == 3 && a->adver_int_cs != cfg->adver_int_cs)
		c |= MODEL_CNT(interval_differs);
	if (cfg->cfg_priority == VRRP_PRIO_OWNER)
		c |= MODEL_CNT(owner_adverts);
	if (a->csum_form == VRRPD_CSUM_RFC9568)
		c |= MODEL_CNT(csum_rfc9568);
	else if (a->csum_form == VRRPD_CSUM_LEGACY)
		c |= MODEL_CNT(csum_legacy);
	return c;
}

/*
 * CONFORMANCE.md S4: a Backup that hears the master it follows, with nothing changed (address,
 * priority, interval, checksum form), and that would not preempt it, only resets its timer:
 * nothing for the controller to decide. Priority 0 (S3) always goes to the controller.
 */
static bool only_resets_timer(const struct model_inst *in, const struct model_advert *a)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	/* S10: the owner always preempts. */
	bool preempt = (cfg->flags & VRRPD_F_PREEMPT) || cfg->priority == VRRP_PRIO_OWNER;

	return in->has_rx && cfg->state == VRRPD_ST_BACKUP &&
	       !memcmp(&a->saddr, &cfg->master_ip, sizeof(a->saddr)) &&
	       a->priority == cfg->master_priority && a->adver_int_cs == cfg->master_adver_int_cs &&
	       a->priority != VRRP_PRIO_STOP && (!preempt || a->priority >= cfg->priority) &&
	       a->csum_form == in->rx.csum_form;
}

/*
 * RFC 9568 6.4.2, 6.4.3: can the advert change the election as the controller published it?
 * S7 for a Master (a higher priority, or equal from a higher address; S6 and S8 only make it
 * advertise); S3, its master changed (priority, interval, or checksum form since the last
 * advert), or a new master it would follow (S4) for a Backup; nothing in INIT or FAULT.
 */
static bool can_change(const struct model_inst *in, const struct model_advert *a)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	bool preempt = (cfg->flags & VRRPD_F_PREEMPT) || cfg->priority == VRRP_PRIO_OWNER;

	if (cfg->state == VRRPD_ST_MASTER)
		return a->priority > cfg->priority ||
		       (a->priority == cfg->priority && addr_cmp(&a->saddr, &cfg->primary_ip) > 0);
	if (cfg->state != VRRPD_ST_BACKUP)
		return false;
	if (a->priority == VRRP_PRIO_STOP)
		return true;
	if (!memcmp(&a->saddr, &cfg->master_ip, sizeof(a->saddr)))
		return a->priority != cfg->master_priority ||
		       a->adver_int_cs != cfg->master_adver_int_cs ||
		       a->csum_form != in->rx.csum_form;
	return !preempt || a->priority >= cfg->priority;
}

void model_record(const struct model_state *st, const struct model_inst *in,
		  const struct model_advert *a, struct model_pred *p)
{
	/* R12: an owner configured to drop them counts them and goes no further. */
	if (in->cfg.cfg_priority == VRRP_PRIO_OWNER && (in->cfg.flags & VRRPD_F_OWNER_DROP)) {
		model_discard(p, &in->key, MODEL_CNT(owner_adverts));
		return;
	}
	/* Valid adverts end here once recorded, unless --pass-adverts hands them on (tcpdump). */
	p->verdict = (in->cfg.flags & VRRPD_F_PASS_ADVERTS) ? XDP_PASS : XDP_DROP;
	p->key = in->key;
	p->counters = accept_counters(&in->cfg, a);
	p->advert = true;
	p->rx_inst = in->has_rx ? (int)(in - st->inst) : -1;
	p->rx = in->rx;
	if (only_resets_timer(in, a)) {
		p->fast_path = true;
		p->counters |= MODEL_CNT(fast_path);
		p->rx.adverts++;
		return;
	}
	/* The controller learns the sender from vrrpd_rx and the event (S3, S4, S7, S8, T2). */
	p->rx.master_ip = a->saddr;
	p->rx.adver_int_cs = a->adver_int_cs;
	p->rx.priority = a->priority;
	p->rx.csum_form = a->csum_form;
	p->rx.adverts++;
	/* One that can change nothing, within an Advertisement_Interval of the last event: held. */
	if (in->has_rx && !can_change(in, a) && in->rx.event_ns &&
	    a->rx_ns - in->rx.event_ns < in->cfg.adver_int_cs * 10000000ull) {
		p->counters |= MODEL_CNT(events_held);
		return;
	}
	p->event_ns_set = in->has_rx;
	if (in->cfg.owner_pid != st->ring_pid) {
		p->counters |= MODEL_CNT(events_lost);
		return;
	}
	p->counters |= MODEL_CNT(events);
	p->event = true;
	p->ev.key = in->key;
	p->ev.saddr = a->saddr;
	p->ev.adver_int_cs = a->adver_int_cs;
	p->ev.type = VRRPD_EV_ADVERT;
	p->ev.priority = a->priority;
	p->ev.version = a->version;
	p->ev.csum_form = a->csum_form;
	p->ev.count = a->count;
	memcpy(p->ev.addrs, a->addrs, sizeof(p->ev.addrs));
}

bool model_wrong_r2;

/* An IPv4 VRRP frame, found by pkt_locate_advert(). */
static void advert_rules(const struct model_state *st, uint64_t now_ns, const uint8_t *frame,
			 size_t len, const struct pkt_vrrp_loc *loc, struct model_pred *p)
{
	const uint8_t *vrrp = frame + loc->vrrp_off;
	struct vrrpd_key key = key_of(st, loc->vlan, vrrp[1]), none = key_of(st, loc->vlan, 0);
	const struct model_inst *in = model_find(st, &key);
	struct model_advert ma;
	struct pkt_advert a;
	uint32_t c;
	int i, reason;

	/* R6: the VRID on this interface and VLAN; drops without an instance go to VRID 0. */
	if (!in) {
		model_discard(p, &none, MODEL_CNT(vrid_errors));
		return;
	}
	if (pkt_parse_advert(frame, len, &a, &reason)) {
		/* R1 first; then R2 against the instance, then what pkt_parse.c found. */
		if (reason != (int)offsetof(struct vrrpd_stats, ip_ttl_errors) &&
		    vrrp[0] >> 4 != in->cfg.version)
			model_discard(p, &key, MODEL_CNT(version_errors));
		else
			model_discard(p, &key, reason >= 0 ? STAT_BIT(reason) : 0);
		return;
	}
	if (a.version != in->cfg.version && !model_wrong_r2) { /* R2 */
		model_discard(p, &key, MODEL_CNT(version_errors));
		return;
	}
	if (!model_heard(st, in, &(union vrrpd_addr){ .v4 = a.saddr },
			 a.daddr == htonl(VRRP_MCAST4))) {
		model_discard(p, &key, MODEL_CNT(peer_errors));
		return;
	}
	c = a.version == 2 ? v2_rules(&in->cfg, &a) : 0;
	if (c) {
		model_discard(p, &key, c);
		return;
	}
	memset(&ma, 0, sizeof(ma));
	ma.rx_ns = now_ns;
	ma.version = a.version;
	ma.priority = a.priority;
	ma.csum_form = a.csum_form;
	ma.count = a.count;
	ma.adver_int_cs = a.adver_int_cs;
	ma.reserved_set = (get_be16(vrrp + 4) & ~VRRP_V3_INT_MASK) != 0;
	ma.saddr.v4 = a.saddr;
	for (i = 0; i < a.count && i < VRRPD_EV_MAX_ADDRS; i++)
		ma.addrs[i].v4 = a.addrs[i];
	model_record(st, in, &ma, p);
}

void model_predict(const struct model_state *st, uint64_t now_ns, const uint8_t *frame, size_t len,
		   struct model_pred *p)
{
	struct vrrpd_key none;
	struct pkt_vrrp_loc loc;
	uint16_t proto, vlan;
	int off, ret;

	memset(p, 0, offsetof(struct model_pred, out));
	p->verdict = XDP_PASS; /* what is not ours passes untouched */
	p->rx_inst = -1;
	off = pkt_parse_eth(frame, len, &proto, &vlan);
	if (off < 0)
		return;
	if (vmac_discard(st, frame, len, proto, (size_t)off, vlan, p))
		return;
	if (proto == ETH_P_ARP) {
		/* Instances on VLAN devices get their requests untagged there. */
		if (!vlan)
			arp_duties(st, now_ns, frame, len, (size_t)off, p);
		return;
	}
	if (proto == ETH_P_IPV6) {
		model_ipv6(st, now_ns, frame, len, (size_t)off, vlan, p);
		return;
	}
	ret = pkt_locate_advert(frame, len, &loc);
	if (ret == -ENOENT)
		return;
	none = key_of(st, loc.vlan, 0);
	if (ret) {
		/* R4 before the VRID can be read: charged to VRID 0. */
		model_discard(p, &none, MODEL_CNT(length_errors));
		return;
	}
	/* The IPv4 header's checksum, then fragments: before the VRID too. */
	if (!pkt_ip4_csum_ok(frame + loc.ip_off, loc.vrrp_off - loc.ip_off)) {
		model_discard(p, &none, MODEL_CNT(ip_header_errors));
		return;
	}
	if (get_be16(frame + loc.ip_off + 6) & 0x3fff) {
		model_discard(p, &none, MODEL_CNT(ip_fragments));
		return;
	}
	advert_rules(st, now_ns, frame, len, &loc, p);
}
