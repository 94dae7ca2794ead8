// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model of the XDP program, for fuzz_xdp. Why it can be trusted as the other side
 * of a differential test:
 *
 * - What an advert is, statelessly (Ethernet and VLAN tags, IPv4, RFC.md R1..R5, R7), comes from
 *   user/pkt.c, pkt_locate_advert() and pkt_parse_advert(): plain C over a byte array, checked
 *   by test_pkt against golden frames encoded by a separate Python program (gen_golden.py) and
 *   decoded by tcpdump, and sharing no code with bpf/vrrpd.bpf.c and bpf/parse.h.
 * - What depends on the instance (R2 against its version, R6, R9, R12, the fast path of S4, the
 *   ARP and VMAC duties D1..D3) is written below from the RFC.md lines, one function per rule
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

#include "pkt.h"
#include "xdp_model.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
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

static struct vrrpd_key key_of(const struct model_state *st, uint16_t vlan, uint8_t vrid)
{
	struct vrrpd_key k = {
		.ifindex = st->ifindex, .vlan = vlan, .family = MODEL_FAMILY_IPV4, .vrid = vrid
	};

	return k;
}

static void discard(struct model_pred *p, const struct vrrpd_key *key, uint32_t counters)
{
	p->verdict = XDP_DROP;
	p->key = *key;
	p->counters = counters;
}

/*
 * RFC.md D1: traffic to the VMAC of an instance that is not Master stops here. D2: so does
 * IPv4 traffic to one of its own VIPs when it is a Master without Accept_Mode that does not own
 * the addresses.
 */
static bool vmac_discard(const struct model_state *st, const uint8_t *frame, size_t len,
			 uint16_t proto, size_t off, uint16_t vlan, struct model_pred *p)
{
	static const uint8_t vmac_prefix[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 }; /* RFC 9568 7.3 */
	struct vrrpd_key key = key_of(st, vlan, frame[5]);
	const struct model_inst *in;
	uint32_t daddr;
	int i;

	if (memcmp(frame, vmac_prefix, sizeof(vmac_prefix)))
		return false;
	in = model_find(st, &key);
	/* Only with the VMAC in use (-n turns it off). */
	if (!in || !(in->cfg.flags & VRRPD_F_VMAC))
		return false;
	if (in->cfg.state != VRRPD_ST_MASTER) {
		discard(p, &key, MODEL_CNT(vmac_dropped));
		return true;
	}
	/* A Master forwards what comes to it, and takes what is for it unless told not to. */
	if (!(in->cfg.flags & VRRPD_F_NO_ACCEPT) || in->cfg.cfg_priority == VRRP_PRIO_OWNER)
		return false;
	/* A whole IPv4 header (RFC 791: version 4, the destination at byte 16). */
	if (proto != ETH_P_IP || len - off < 20 || frame[off] >> 4 != 4)
		return false;
	memcpy(&daddr, frame + off + 16, 4);
	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].addr == daddr)
			break;
	if (i == st->nvip || memcmp(&st->vip[i].key, &key, sizeof(key)))
		return false;
	discard(p, &key, MODEL_CNT(accept_mode_dropped));
	return true;
}

/*
 * RFC.md D1..D3 for the untagged ARP packet at frame + off: a request for a VIP is answered by
 * a Master whose controller keeps the lease fresh, and dropped otherwise; all else is not ours.
 */
static void arp_duties(const struct model_state *st, uint64_t now_ns, const uint8_t *frame,
		       size_t len, size_t off, struct model_pred *p)
{
	const uint8_t *arp = frame + off;
	const struct model_inst *in = NULL;
	uint8_t *out = p->out;
	uint32_t spa, tpa;
	int i;

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
	for (i = 0; i < st->nvip; i++)
		if (st->vip[i].addr == tpa)
			break;
	if (i == st->nvip)
		return;
	in = model_find(st, &st->vip[i].key);
	if (!in)
		return;
	/* D1: a Backup stays silent; D3: so does a Master whose controller stopped renewing. */
	if (in->cfg.state != VRRPD_ST_MASTER || now_ns >= in->cfg.lease_until_ns) {
		discard(p, &in->key, MODEL_CNT(arp_dropped));
		return;
	}
	/* D2, RFC 826: back to the asker, from the VMAC, "tpa is at the VMAC", padding kept. */
	p->verdict = XDP_TX;
	p->key = in->key;
	p->counters = MODEL_CNT(arp_replies);
	p->out_len = (uint32_t)len;
	memcpy(out, frame, len);
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
 * address; one without hears only those to 224.0.0.18 (RFC 9568 5.1.1.2).
 */
static bool heard(const struct model_state *st, const struct model_inst *in,
		  const struct pkt_advert *a)
{
	int i;

	if (!(in->cfg.flags & VRRPD_F_UNICAST))
		return a->daddr == htonl(VRRP_MCAST4);
	for (i = 0; i < st->npeer; i++)
		if (!memcmp(&st->peer[i].key, &in->key, sizeof(in->key)) &&
		    st->peer[i].addr == a->saddr)
			return true;
	return false;
}

/* RFC.md R2, R9, R12: the rules that need the instance, once pkt.c found the advert sound. */
static uint32_t instance_rules(const struct vrrpd_cfg *cfg, const struct pkt_advert *a)
{
	if (a->version == 2) {
		/* R9, RFC 3768 7.1: our authentication type, our password, our interval. */
		if (a->auth_type != cfg->auth_type)
			return MODEL_CNT(auth_errors);
		if (cfg->auth_type == VRRP_AUTH_PASS &&
		    memcmp(a->auth_data, cfg->auth_data, VRRP_V2_AUTH_LEN))
			return MODEL_CNT(auth_errors);
		if (a->adver_int_cs != cfg->adver_int_cs)
			return MODEL_CNT(adver_interval_errors);
	}
	/* R12: an owner configured to drop them counts them and goes no further. */
	if (cfg->cfg_priority == VRRP_PRIO_OWNER && (cfg->flags & VRRPD_F_OWNER_DROP))
		return MODEL_CNT(owner_adverts);
	return 0;
}

/* What an accepted advert counts besides adverts_rcvd: RFC.md R10, R11, R12, C3/C4, S3. */
static uint32_t accept_counters(const struct vrrpd_cfg *cfg, const struct pkt_advert *a,
				const uint8_t *vrrp)
{
	uint32_t c = MODEL_CNT(adverts_rcvd);

	if (a->priority == VRRP_PRIO_STOP)
		c |= MODEL_CNT(pri_zero_rcvd);
	if (a->version == 3 && (get_be16(vrrp + 4) & ~VRRP_V3_INT_MASK))
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
 * RFC.md S4: a Backup that hears the master it follows, with nothing changed (address,
 * priority, interval, checksum form), and that would not preempt it, only resets its timer:
 * nothing for the controller to decide. Priority 0 (S3) always goes to the controller.
 */
static bool only_resets_timer(const struct model_inst *in, const struct pkt_advert *a)
{
	const struct vrrpd_cfg *cfg = &in->cfg;
	/* S10: the owner always preempts. */
	bool preempt = (cfg->flags & VRRPD_F_PREEMPT) || cfg->priority == VRRP_PRIO_OWNER;

	return in->has_rx && cfg->state == VRRPD_ST_BACKUP && a->saddr == cfg->master_ip.v4 &&
	       a->priority == cfg->master_priority && a->adver_int_cs == cfg->master_adver_int_cs &&
	       a->priority != VRRP_PRIO_STOP && (!preempt || a->priority >= cfg->priority) &&
	       a->csum_form == in->rx.csum_form;
}

static void accept_advert(const struct model_state *st, const struct model_inst *in,
			  const struct pkt_advert *a, const uint8_t *vrrp, struct model_pred *p)
{
	int i;

	p->verdict = XDP_PASS; /* valid adverts go on to the stack too (tcpdump shows them) */
	p->key = in->key;
	p->counters = accept_counters(&in->cfg, a, vrrp);
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
	p->rx.master_ip = (union vrrpd_addr){ .v4 = a->saddr };
	p->rx.adver_int_cs = a->adver_int_cs;
	p->rx.priority = a->priority;
	p->rx.csum_form = a->csum_form;
	p->rx.adverts++;
	if (in->cfg.owner_pid != st->ring_pid) {
		p->counters |= MODEL_CNT(events_lost);
		return;
	}
	p->counters |= MODEL_CNT(events);
	p->event = true;
	p->ev.key = in->key;
	p->ev.saddr.v4 = a->saddr;
	p->ev.adver_int_cs = a->adver_int_cs;
	p->ev.type = VRRPD_EV_ADVERT;
	p->ev.priority = a->priority;
	p->ev.version = a->version;
	p->ev.csum_form = a->csum_form;
	p->ev.count = a->count;
	for (i = 0; i < a->count && i < VRRPD_EV_MAX_ADDRS; i++)
		p->ev.addrs[i].v4 = a->addrs[i];
}

/* An IPv4 VRRP frame, found by pkt_locate_advert(). */
static void advert_rules(const struct model_state *st, const uint8_t *frame, size_t len,
			 const struct pkt_vrrp_loc *loc, struct model_pred *p)
{
	const uint8_t *vrrp = frame + loc->vrrp_off;
	struct vrrpd_key key = key_of(st, loc->vlan, vrrp[1]), none = key_of(st, loc->vlan, 0);
	const struct model_inst *in = model_find(st, &key);
	struct pkt_advert a;
	uint32_t c;
	int reason;

	/* R6: the VRID on this interface and VLAN; drops without an instance go to VRID 0. */
	if (!in) {
		discard(p, &none, MODEL_CNT(vrid_errors));
		return;
	}
	if (pkt_parse_advert(frame, len, &a, &reason)) {
		/* R1 first; then R2 against the instance, then what pkt.c found. */
		if (reason != (int)offsetof(struct vrrpd_stats, ip_ttl_errors) &&
		    vrrp[0] >> 4 != in->cfg.version)
			discard(p, &key, MODEL_CNT(version_errors));
		else
			discard(p, &key, reason >= 0 ? STAT_BIT(reason) : 0);
		return;
	}
	if (a.version != in->cfg.version) { /* R2 */
		discard(p, &key, MODEL_CNT(version_errors));
		return;
	}
	if (!heard(st, in, &a)) {
		discard(p, &key, MODEL_CNT(peer_errors));
		return;
	}
	c = instance_rules(&in->cfg, &a);
	if (c) {
		discard(p, &key, c);
		return;
	}
	accept_advert(st, in, &a, vrrp, p);
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
	ret = pkt_locate_advert(frame, len, &loc);
	if (ret == -ENOENT)
		return;
	if (ret) {
		/* R4 before the VRID can be read: charged to VRID 0. */
		none = key_of(st, loc.vlan, 0);
		discard(p, &none, MODEL_CNT(length_errors));
		return;
	}
	advert_rules(st, frame, len, &loc, p);
}
