// SPDX-License-Identifier: GPL-2.0
/* One VRRP instance: feeds the election and carries out what it decides. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "hook.h"
#include "inst.h"
#include "link.h"
#include "log.h"
#include "net.h"
#include "pkt.h"
#include "pkt6.h"
#include "tx.h"
#include "vipq.h"
#include "xdp.h"

static const char *ip4_str(uint32_t addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

static uint32_t inst_vip_list(const struct inst *in, uint32_t *out)
{
	int i;

	for (i = 0; i < in->o->nvips; i++)
		out[i] = in->o->vips[i].addr.v4;
	return (uint32_t)in->o->nvips;
}

static bool inst_v6(const struct inst *in)
{
	return in->o->family == AF_INET6;
}

/* The VIPs as addresses, for what takes both families. */
static void inst_vip_addrs(const struct inst *in, union vrrpd_addr *out)
{
	for (int i = 0; i < in->o->nvips; i++)
		out[i] = in->o->vips[i].addr;
}

_Static_assert(OPTS_MAX_VIPS <= PKT6_MAX_ADDRS, "every VIP fits an IPv6 advert");

/* RFC 9568 5.1.2: an IPv6 advert from the link-local address to ff02::12, the VIPs in it. */
static int inst_build_advert6(const struct inst *in, uint8_t priority, uint8_t *frame, size_t len)
{
	struct pkt6_advert a = {
		.vrid = in->o->vrid,
		.priority = priority,
		.adver_int_cs = in->o->adver_int_cs,
		.count = (uint8_t)in->o->nvips,
	};

	memcpy(a.saddr, in->fsm.cfg.primary_ip.v6, 16);
	memcpy(a.src_mac, in->src_mac, 6);
	for (int i = 0; i < in->o->nvips; i++)
		memcpy(a.addrs[i], in->o->vips[i].addr.v6, 16);
	return pkt6_build_advert(frame, len, &a);
}

/* The lease: how long the kernel may claim our addresses without hearing from us again. */
static uint64_t inst_lease_ns(const struct inst *in)
{
	return fsm_master_down_ns(in->o->version, in->fsm.priority, in->o->adver_int_cs);
}

/* Copies what the election decided into vrrpd_cfg, where the XDP program and atropos see it. */
static void inst_publish(struct inst *in)
{
	struct vrrpd_cfg *c = &in->cfg;
	int ret;

	c->state = (uint8_t)in->fsm.state;
	c->priority = in->fsm.priority;
	c->master_ip = in->fsm.state == FSM_BACKUP ? in->fsm.master_ip : (union vrrpd_addr){ 0 };
	c->master_priority = in->fsm.state == FSM_BACKUP ? in->fsm.master_priority : 0;
	c->master_adver_int_cs = in->fsm.master_adver_int_cs;
	ret = xdp_cfg_write(in->x, &in->key, c);
	if (ret)
		log_warnx(LOG_INST_FMT "cannot update the kernel's state: %s", LOG_INST_ARGS(in->o),
			  strerror(-ret));
}

static uint8_t inst_tx_csum(const struct inst *in)
{
	if (in->o->csum_mode != VRRPD_CSUM_AUTO)
		return in->o->csum_mode;
	/* CONFORMANCE.md C3/C4: follow the form the peers use; RFC 9568 until one is seen. */
	return in->peer_csum ? in->peer_csum : VRRPD_CSUM_RFC9568;
}

/*
 * --peer: one advert to each peer, its checksum over its own destination (C4), its IPv4 packet
 * through the unicast socket. Counts as sent when one of them left; -1 when none did.
 */
static int inst_send_unicast(struct inst *in, struct pkt_advert *a)
{
	uint8_t frame[PKT_MAX_FRAME];
	char buf[INET_ADDRSTRLEN];
	int i, len, ret, sent = 0;

	for (i = 0; i < in->o->npeers; i++) {
		a->daddr = in->o->peers[i];
		len = pkt_build_advert(frame, sizeof(frame), a);
		if (len < 0) {
			log_warnx(LOG_INST_FMT "cannot build an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-len));
			return -1;
		}
		/* The IPv4 packet without the frame's Ethernet padding: its total length. */
		ret = tx_send_ip(in->utx_fd, frame + PKT_ETH_HLEN,
				 (size_t)(frame[PKT_ETH_HLEN + 2] << 8 | frame[PKT_ETH_HLEN + 3]),
				 a->daddr);
		if (ret)
			log_warnx(LOG_INST_FMT "cannot send an advert to peer %s: %s",
				  LOG_INST_ARGS(in->o), ip4_str(a->daddr, buf), strerror(-ret));
		else
			sent++;
	}
	return sent ? 0 : -1;
}

static void inst_send_advert(struct inst *in, uint8_t priority, uint64_t now_ns)
{
	struct pkt_advert a = {
		.version = in->o->version,
		.vrid = in->o->vrid,
		.priority = priority,
		.adver_int_cs = in->o->adver_int_cs,
		.csum_form = inst_tx_csum(in),
		.auth_type = in->o->auth_type,
	};
	uint8_t frame[PKT_MAX_FRAME];
	int len, ret;

	memcpy(a.auth_data, in->o->auth_data, sizeof(a.auth_data));
	memcpy(a.src_mac, in->src_mac, 6);
	a.count = (uint8_t)inst_vip_list(in, a.addrs);
	a.saddr = in->fsm.cfg.primary_ip.v4;
	if (in->o->npeers) {
		if (inst_send_unicast(in, &a))
			return;
	} else {
		len = inst_v6(in) ? inst_build_advert6(in, priority, frame, sizeof(frame)) :
				    pkt_build_advert(frame, sizeof(frame), &a);
		if (len < 0) {
			log_warnx(LOG_INST_FMT "cannot build an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-len));
			return;
		}
		ret = tx_send(in->tx_fd, frame, (size_t)len);
		if (ret) {
			log_warnx(LOG_INST_FMT "cannot send an advert: %s", LOG_INST_ARGS(in->o),
				  strerror(-ret));
			return;
		}
	}
	in->cfg.adverts_sent++;
	if (priority == VRRP_PRIO_STOP) {
		in->cfg.pri_zero_sent++;
		in->cfg.lease_until_ns = 0;
	} else {
		in->cfg.lease_until_ns = now_ns + inst_lease_ns(in);
	}
}

static void inst_send_garps(struct inst *in)
{
	uint8_t frame[PKT_MAX_FRAME];
	int i, len;

	for (i = 0; i < in->o->nvips; i++) {
		/* D4; D5 for IPv6: an unsolicited NA (R=1, S=0, O=1) to all nodes. */
		if (inst_v6(in))
			len = pkt6_build_unsolicited_na(frame, sizeof(frame), in->src_mac,
							in->o->vips[i].addr.v6, 0);
		else
			len = pkt_build_garp(frame, sizeof(frame), in->src_mac,
					     in->o->vips[i].addr.v4, 0);
		if (len > 0 && tx_send(in->tx_fd, frame, (size_t)len))
			log_warn(LOG_INST_FMT "cannot send a gratuitous %s", LOG_INST_ARGS(in->o),
				 inst_v6(in) ? "NA" : "ARP");
	}
}

static uint64_t inst_ms_ns(int ms)
{
	return (uint64_t)ms * 1000000ull;
}

/*
 * The magic packet (-I VIP -O GATEWAY), for gateways that ignore gratuitous ARPs: an ARP
 * request from the VIP for the gateway (a request to it makes Linux, and most routers, take the
 * sender's MAC at once), then a datagram from the VIP to the gateway's discard port.
 */
static void inst_send_magic(struct inst *in)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = in->o->magic_src };
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_addr.s_addr = in->o->magic_dst,
				   .sin_port = htons(9) };
	static const char payload[] = "vrrpd takeover";
	uint8_t frame[PKT_MAX_FRAME];
	int fd, len;

	if (!in->o->magic_src)
		return;
	len = pkt_build_arp_request(frame, sizeof(frame), in->src_mac, in->o->magic_src,
				    in->o->magic_dst, 0);
	if (len > 0 && tx_send(in->tx_fd, frame, (size_t)len))
		log_warn(LOG_INST_FMT "cannot send the magic ARP request", LOG_INST_ARGS(in->o));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    sendto(fd, payload, sizeof(payload) - 1, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		log_warn(LOG_INST_FMT "cannot send the magic packet", LOG_INST_ARGS(in->o));
	if (fd >= 0)
		close(fd);
}

/*
 * The VIPs' requests for a change, and the macvlan's under them (vipq_apply makes them): up
 * before the VIPs go on it, down once they are gone, so that a backup never sends a frame from
 * the VMAC (RFC 9568 7.3); an IPv6 instance's also has IPv6 on only while Master (which takes
 * every IPv6 address off it; no address of its own, addr_gen_mode set at creation). Kept up in
 * Backup, a takeover would cost one netlink request instead of two (an address 15 us here,
 * bringing a macvlan up 45 us), but the macvlan driver hands every broadcast and multicast frame
 * the interface receives to each macvlan that is up: with 255 up, the backup paid some 135 us
 * per broadcast ARP on the LAN (2,000 a second: 67 % of a CPU against 39 % with them down), as
 * much as the master. Nothing when the interface is gone: the kernel took it all with it.
 */
static void inst_vips_req(struct inst *in, enum vipq_op op, struct vipq_req *r)
{
	memset(r, 0, sizeof(*r));
	r->op = in->gone ? VIPQ_NONE : op;
	r->family = in->o->family;
	r->vip_ifindex = in->vip_ifindex;
	r->vmac_ifindex = in->vmac_ifindex;
	memcpy(r->vmac_name, in->vmac_name, sizeof(r->vmac_name));
	r->o = in->o;
	/* Configured by someone else before we started: not ours to add or remove. */
	memcpy(r->skip, in->vip_present, sizeof(r->skip));
	if (op != VIPQ_NONE || in->gone)
		in->vips_added = r->op == VIPQ_ADD;
}

/* What went wrong in the requests of r, made for in (here or on vipq's thread). */
static void inst_vips_said(const struct inst *in, const struct vipq_req *r)
{
	bool add = r->op == VIPQ_ADD;
	char buf[INET6_ADDRSTRLEN];

	if (r->ipv6_ret)
		log_warnx(LOG_INST_FMT "cannot turn IPv6 %s on %s: %s", LOG_INST_ARGS(in->o),
			  add ? "on" : "off", r->vmac_name, strerror(-r->ipv6_ret));
	if (r->link_ret)
		log_warnx(LOG_INST_FMT "cannot bring %s %s: %s", LOG_INST_ARGS(in->o), r->vmac_name,
			  add ? "up" : "down", strerror(-r->link_ret));
	for (int i = 0; i < r->o->nvips; i++)
		if (r->vip_ret[i])
			log_warnx(LOG_INST_FMT "cannot %s %s/%d: %s", LOG_INST_ARGS(in->o),
				  add ? "add" : "remove",
				  addr_str(r->family, &r->o->vips[i].addr, buf),
				  r->o->vips[i].prefix_len, strerror(-r->vip_ret[i]));
}

/* The VIPs added or removed now, on the loop (without vipq, or when stopping). */
static void inst_vips(struct inst *in, bool add)
{
	struct vipq_req r;

	inst_vips_req(in, add ? VIPQ_ADD : VIPQ_DEL, &r);
	vipq_apply(in->nl, &r);
	inst_vips_said(in, &r);
}

/*
 * What follows a change's addresses: the rest of the gratuitous ARP burst and the magic packet
 * (unless the instance changed again or is no longer Master: they were another state's), and
 * the scripts, at the priority of the change: an up script finds the VIPs in place, a down
 * script gone.
 */
static void inst_after_vips(struct inst *in, const struct fsm_out *out, uint64_t now_ns,
			    uint8_t prio, bool latest)
{
	uint32_t act = out->actions;
	bool garp_now = (act & FSM_ACT_GARP) && in->vmac_ifindex && in->o->garp_count > 0;

	if ((act & FSM_ACT_GARP) && latest && in->fsm.state == FSM_MASTER) {
		if (in->o->garp_count > 0) {
			if (!garp_now)
				inst_send_garps(in);
			in->garp_left = in->o->garp_count - 1;
			/* From now: adding the addresses may have taken a while. */
			in->garp_next_ns = clock_now_ns() + inst_ms_ns(in->o->garp_interval_ms);
		}
		if (in->o->garp_refresh_s)
			in->garp_refresh_ns = now_ns + inst_ms_ns(in->o->garp_refresh_s * 1000);
		inst_send_magic(in);
	}
	if (act & FSM_ACT_HOOK_UP)
		hook_queue(in->hook, true, "MASTER", fsm_state_name(out->old_state),
			   fsm_reason_name(out->reason), prio, now_ns);
	if ((act & FSM_ACT_HOOK_DOWN) && in->resigning) {
		in->stop_hook_due = true;
		in->stop_hook_prio = prio;
	} else if (act & FSM_ACT_HOOK_DOWN) {
		hook_queue(in->hook, false,
			   out->reason == VRRPD_R_SHUTDOWN ? "STOP" :
							     fsm_state_name(out->new_state),
			   "MASTER", fsm_reason_name(out->reason), prio, now_ns);
	}
}

#define INST_ACT_REST (FSM_ACT_ADD_VIPS | FSM_ACT_GARP | FSM_ACT_HOOK_UP | FSM_ACT_HOOK_DOWN)

void inst_vipq_done(struct vipq_job *j)
{
	struct inst *in = j->owner;

	inst_vips_said(in, &j->req);
	inst_after_vips(in, &j->rest, j->now_ns, j->priority, j->seq == in->vipq_seq);
}

/* A transition for this reason is one an advert caused, and any host can send adverts. */
static bool inst_reason_net(enum vrrpd_reason r)
{
	return r == VRRPD_R_HIGHER_PRIO || r == VRRPD_R_HIGHER_ADDR || r == VRRPD_R_PREEMPT ||
	       r == VRRPD_R_PRIO_ZERO;
}

static void inst_apply(struct inst *in, const struct fsm_out *out, uint64_t now_ns)
{
	enum vipq_op op = VIPQ_NONE;
	char buf[INET6_ADDRSTRLEN];
	uint32_t act = out->actions;
	struct vipq_job job;
	bool garp_now;

	/*
	 * Said first: whoever sees the effects (addresses, adverts) finds the reason logged. The
	 * transitions an advert causes, and the master a backup follows, are limited per instance
	 * (log_info_net): a host can send adverts as fast as it likes.
	 */
	if (act & FSM_ACT_STATE) {
		void (*say)(const char *, ...) = inst_reason_net(out->reason) ? log_info_net :
										log_info;

		in->cfg.since_ns = now_ns;
		in->cfg.reason = (uint8_t)out->reason;
		if (out->new_state == FSM_MASTER) {
			in->cfg.master_transitions++;
			say(LOG_INST_FMT "we are now the master router (%s)", LOG_INST_ARGS(in->o),
			    fsm_reason_name(out->reason));
		} else if (out->new_state == FSM_BACKUP) {
			say(LOG_INST_FMT "we are now a backup router (%s)", LOG_INST_ARGS(in->o),
			    fsm_reason_name(out->reason));
		} else if (out->new_state == FSM_FAULT) {
			log_info(LOG_INST_FMT "we are now in FAULT state (%s)%s",
				 LOG_INST_ARGS(in->o), fsm_reason_name(out->reason),
				 out->old_state == FSM_MASTER ? ", addresses removed" : "");
		}
	}
	/* Also after S7, which follows the new master without a separate MASTER_CHANGED. */
	if ((act & (FSM_ACT_MASTER_CHANGED | FSM_ACT_STATE)) && in->fsm.state == FSM_BACKUP &&
	    !addr_is_zero(&in->fsm.master_ip))
		log_info_net(LOG_INST_FMT "master is %s, priority %d, interval %d cs",
			     LOG_INST_ARGS(in->o),
			     addr_str(in->key.family, &in->fsm.master_ip, buf),
			     in->fsm.master_priority, in->fsm.master_adver_int_cs);
	if (act & FSM_ACT_SEND_PRIO0)
		inst_send_advert(in, VRRP_PRIO_STOP, now_ns);
	if (act & FSM_ACT_DEL_VIPS) {
		in->cfg.lease_until_ns = 0;
		in->garp_left = 0;
		in->garp_refresh_ns = 0;
		/* Resigning: the addresses wait for inst_stop. */
		if (!in->resigning && in->q)
			op = VIPQ_DEL;
		else if (!in->resigning)
			inst_vips(in, false);
	}
	/*
	 * The advert first, as RFC 9568 6.4.2 orders it: it stops the other routers' timers at the
	 * moment the Master_Down_Timer said, where adding the addresses first (netlink, the VMAC
	 * brought up) delayed it by some 0.3 ms (make bench). It leaves from the VMAC through the
	 * parent's packet socket, so it needs neither.
	 */
	if (act & FSM_ACT_SEND_ADVERT)
		inst_send_advert(in, in->fsm.priority, now_ns);
	/*
	 * RFC 9568 6.4.2: a burst of gratuitous ARPs (NAs) on becoming Master. With a VMAC, the
	 * first goes right after the advert, before the addresses (netlink, the macvlan brought
	 * up: 0.3 ms and more): it names the VMAC, which needs neither to leave through the
	 * parent's packet socket, and switches learn the new port at once. Without one (-n) it names the interface's own MAC, and hosts
	 * that take it must find the addresses in place: it waits for them.
	 */
	garp_now = (act & FSM_ACT_GARP) && in->vmac_ifindex && in->o->garp_count > 0;
	if (garp_now)
		inst_send_garps(in);
	in->fsm_deadline_ns = out->deadline_ns;
	in->fsm_due_ns = out->due_ns;
	/*
	 * Published before the addresses are there: the kernel answers ARP for the VIPs (and
	 * renews nothing else) from vrrpd_cfg and the lease, not from the addresses.
	 */
	if (act)
		inst_publish(in);
	if (!(act & INST_ACT_REST) && op == VIPQ_NONE)
		return;
	/*
	 * With vipq (-c), the addresses and what follows them are a job: a takeover of many
	 * instances sends every advert and first gratuitous ARP while another thread adds the
	 * addresses. Every change with a rest is one, in order, even with nothing to ask netlink.
	 */
	if (in->q && !in->resigning) {
		job.owner = in;
		inst_vips_req(in, act & FSM_ACT_ADD_VIPS ? VIPQ_ADD : op, &job.req);
		job.rest = *out;
		job.now_ns = now_ns;
		job.priority = in->fsm.priority;
		job.seq = ++in->vipq_seq;
		vipq_push(in->q, &job);
		return;
	}
	if (act & FSM_ACT_ADD_VIPS)
		inst_vips(in, true);
	inst_after_vips(in, out, now_ns, in->fsm.priority, true);
}

static void inst_group_sync(struct inst *in, uint64_t now_ns);
static void inst_update_inhibit(struct inst *in, uint64_t now_ns);

static void inst_feed(struct inst *in, const struct fsm_input *inp, uint64_t now_ns)
{
	bool was_ready = fsm_ready(&in->fsm);
	struct fsm_out out;

	if (fsm_step(&in->fsm, now_ns, inp, &out))
		return;
	inst_apply(in, &out, now_ns);
	/* The group hears of a change in our readiness at once, and so do we of its verdict. */
	if (in->group.fd >= 0 &&
	    (was_ready != fsm_ready(&in->fsm) || (out.actions & FSM_ACT_STATE)))
		inst_group_sync(in, now_ns);
}

/*
 * -M: write our slot, read the others', and let the election know whether the group allows
 * Master (RFC-wise the group is outside VRRP: an inhibited member only waits or resigns).
 */
static void inst_group_sync(struct inst *in, uint64_t now_ns)
{
	bool allows;

	if (in->group.fd < 0 || in->group_busy)
		return;
	in->group_busy = true;
	in->group.next_ns = now_ns + in->group.beat_ns;
	/* A member held by atropos --backup is not ready: it will not be Master. */
	group_write(&in->group, (uint8_t)in->fsm.state, in->link_ok,
		    fsm_ready(&in->fsm) && !in->held, now_ns);
	allows = group_allows(&in->group, now_ns);
	/* A member's state follows its adverts: limited as they are (log_info_net). */
	if (allows && !in->group_ok)
		log_info_net(LOG_INST_FMT "group %s: all %d members can be master",
			     LOG_INST_ARGS(in->o), in->group.key.name, in->group.size);
	else if (!allows && in->group_ok)
		log_info_net(LOG_INST_FMT "group %s: %s: backup until it can be master",
			     LOG_INST_ARGS(in->o), in->group.key.name, in->group.why);
	in->group_ok = allows;
	inst_update_inhibit(in, now_ns);
	/* What the step changed (a resignation, a takeover) goes out at once too. */
	group_write(&in->group, (uint8_t)in->fsm.state, in->link_ok,
		    fsm_ready(&in->fsm) && !in->held, now_ns);
	in->group_busy = false;
}

/* The election may make us Master unless atropos holds us back or the group does not allow. */
static void inst_update_inhibit(struct inst *in, uint64_t now_ns)
{
	bool want = in->held || !in->group_ok;
	struct fsm_input x = { .type = want ? FSM_IN_INHIBIT : FSM_IN_RELEASE };

	if (want == in->fsm.inhibited)
		return;
	if (want)
		x.reason = in->held ? VRRPD_R_ADMIN_BACKUP : VRRPD_R_GROUP;
	else
		x.reason = in->group.fd >= 0 ? VRRPD_R_GROUP_READY : VRRPD_R_MASTER_DOWN;
	inst_feed(in, &x, now_ns);
}

/* The link as the kernel and the driver see it; why says what is wrong. */
static bool inst_link_query(struct inst *in, uint64_t now_ns, const char **why)
{
	struct net_link_info li;

	if (link_get(in->nl, in->o->ifname, now_ns, &li) || li.ifindex != in->ifindex) {
		*why = "interface gone";
		in->gone = true;
		return false;
	}
	if (!li.up) {
		*why = "administratively down";
		return false;
	}
	if (!li.carrier) {
		*why = "no carrier";
		return false;
	}
	/* Drivers without ethtool support say nothing here (-EOPNOTSUPP): carrier decides. */
	if (link_ethtool(in->o->ifname, now_ns) == 0) {
		*why = "the driver reports no link";
		return false;
	}
	*why = "";
	return true;
}

static int inst_clamp_prio(int p)
{
	return p < 1 ? 1 : p > 254 ? 254 : p;
}

/* The effective priority: the owner's stays 255; else admin_prio plus the tracked weights. */
static int inst_effective_prio(const struct inst *in)
{
	if (in->admin_prio == VRRP_PRIO_OWNER)
		return VRRP_PRIO_OWNER;
	return inst_clamp_prio(in->admin_prio + in->track_delta);
}

static void inst_apply_prio(struct inst *in, uint64_t now_ns)
{
	int prio = inst_effective_prio(in);
	struct fsm_input x = { .type = FSM_IN_PRIORITY, .priority = (uint8_t)prio };
	char tracked[48] = "";
	struct fsm_out out;

	if (prio == in->fsm.priority || fsm_step(&in->fsm, now_ns, &x, &out))
		return;
	if (in->track_delta)
		snprintf(tracked, sizeof(tracked), ", %+d from tracked interfaces",
			 in->track_delta);
	log_info(LOG_INST_FMT "priority %d (configured %d%s)", LOG_INST_ARGS(in->o), prio,
		 in->o->priority, tracked);
	inst_apply(in, &out, now_ns);
}

/*
 * --track: the links of the other interfaces. One without a weight that is down makes the
 * instance FAULT (track_fault, seen by inst_link_check); the weights of those with one that
 * are down are added to the priority.
 */
static void inst_track_check(struct inst *in, uint64_t now_ns)
{
	struct net_link_info li;
	int i, delta = 0;

	in->track_fault = NULL;
	for (i = 0; i < in->o->ntracks; i++) {
		const struct opts_track *t = &in->o->tracks[i];
		bool down = link_get(in->nl, t->ifname, now_ns, &li) || !li.up || !li.carrier;

		if (down && !in->track_down[i])
			log_warnx(LOG_INST_FMT "tracked interface %s is down%s",
				  LOG_INST_ARGS(in->o), t->ifname, t->weight ? "" : ": FAULT");
		else if (!down && in->track_down[i])
			log_info(LOG_INST_FMT "tracked interface %s is up", LOG_INST_ARGS(in->o),
				 t->ifname);
		in->track_down[i] = down;
		if (down && !t->weight && !in->track_fault)
			in->track_fault = t->ifname;
		if (down)
			delta += t->weight;
	}
	if (delta != in->track_delta) {
		in->track_delta = delta;
		inst_apply_prio(in, now_ns);
	}
}

void inst_link_check(struct inst *in, uint64_t now_ns)
{
	struct fsm_input l = { .type = FSM_IN_LINK_DOWN };
	const char *why;
	bool ok = inst_link_query(in, now_ns, &why);
	char track_why[IF_NAMESIZE + 32];

	in->link_poll_ns = now_ns + INST_LINK_POLL_NS;
	inst_track_check(in, now_ns);
	if (ok && in->track_fault) {
		snprintf(track_why, sizeof(track_why), "tracked interface %s down",
			 in->track_fault);
		why = track_why;
		ok = false;
	}
	if (ok == in->link_ok)
		return;
	in->link_ok = ok;
	if (ok) {
		log_info(LOG_INST_FMT "link up", LOG_INST_ARGS(in->o));
		l.type = FSM_IN_LINK_UP;
	} else {
		log_warnx(LOG_INST_FMT "link down (%s)", LOG_INST_ARGS(in->o), why);
	}
	inst_feed(in, &l, now_ns);
}

bool inst_iface_back(struct inst *in)
{
	union vrrpd_addr vips[OPTS_MAX_VIPS], primary;
	struct net_link_info li;

	if (net_link_get(in->nl, in->o->ifname, &li) || !li.ether || li.ifindex == in->ifindex)
		return false;
	inst_vip_addrs(in, vips);
	return net_primary_ip(in->nl, li.ifindex, in->o->family, vips, in->o->nvips, &primary) == 0;
}

/*
 * The VMAC's macvlan: its name, "vr<VRID>-<IFACE>" (or "vr<VRID>-if<IFINDEX>" when that is too
 * long), and its MAC (RFC 9568 7.3: 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6).
 */
static void inst_vmac_id(const struct opts *o, int ifindex, char name[IF_NAMESIZE], uint8_t mac[6])
{
	const uint8_t vmac[6] = { 0x00,	  0x00, 0x5e, 0x00, o->family == AF_INET6 ? 0x02 : 0x01,
				  o->vrid };

	memcpy(mac, vmac, 6);
	if ((size_t)snprintf(name, IF_NAMESIZE, "vr%d-%s", o->vrid, o->ifname) >= IF_NAMESIZE)
		snprintf(name, IF_NAMESIZE, "vr%d-if%d", o->vrid, ifindex);
}

/* Is the interface l the VMAC macvlan of an instance on ifindex with that MAC? */
static bool inst_vmac_is(const struct net_link_info *l, int ifindex, const uint8_t mac[6])
{
	return !strcmp(l->kind, "macvlan") && l->parent == ifindex && !memcmp(l->mac, mac, 6);
}

int inst_leftover_group(const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl, uint32_t group)
{
	struct net_link_info li, old;
	char name[IF_NAMESIZE];
	struct vrrpd_key key;
	uint32_t owner;
	uint8_t mac[6];

	if (!o->vmac || net_link_get(nl, o->ifname, &li))
		return 0;
	key = (struct vrrpd_key){ .ifindex = (uint32_t)li.ifindex,
				  .family = (uint8_t)o->family,
				  .vrid = o->vrid };
	/* A live vrrpd runs it: inst_start will say so, and its macvlan is its own. */
	if (xdp_claim(x, &key, &owner) == -EEXIST)
		return 0;
	inst_vmac_id(o, li.ifindex, name, mac);
	if (net_link_get(nl, name, &old) || !inst_vmac_is(&old, li.ifindex, mac) ||
	    net_link_set_group(nl, old.ifindex, group))
		return 0;
	log_warnx(LOG_INST_FMT "removing %s, left by a vrrpd that is gone", LOG_INST_ARGS(o), name);
	return 1;
}

/*
 * The VMAC's macvlan, created down. One of that name left by a vrrpd that died is removed first;
 * anything else of that name is not ours and stops us.
 */
static int inst_vmac_open(struct inst *in, char *err, size_t errlen)
{
	const struct opts *o = in->o;
	struct net_link_info old;
	uint8_t vmac[6];
	int ret, was;

	inst_vmac_id(o, in->ifindex, in->vmac_name, vmac);
	if (net_link_get(in->nl, in->vmac_name, &old) == 0) {
		if (!inst_vmac_is(&old, in->ifindex, vmac)) {
			snprintf(
				err, errlen,
				"interface %s exists and is not the VMAC of VRID %d on %s: remove it, or run with -n",
				in->vmac_name, o->vrid, o->ifname);
			return -EEXIST;
		}
		log_warnx(LOG_INST_FMT "removing %s, left by a vrrpd that is gone",
			  LOG_INST_ARGS(o), in->vmac_name);
		net_link_del(in->nl, old.ifindex);
	}
	ret = net_vmac_add(in->nl, in->ifindex, in->vmac_name, vmac, &in->vmac_ifindex);
	if (ret) {
		in->vmac_ifindex = 0;
		snprintf(
			err, errlen,
			"cannot create the VMAC interface %s (macvlan) on %s: %s; -n runs without a VMAC",
			in->vmac_name, o->ifname, strerror(-ret));
		return ret;
	}
	memcpy(in->src_mac, vmac, 6);
	in->vip_ifindex = in->vmac_ifindex;
	/* IPv6: no link-local of its own from the VMAC, only the VIPs (with IPv6 on, as Master). */
	if (inst_v6(in) && net_sysctl("ipv6", in->vmac_name, "addr_gen_mode", "1"))
		log_warnx(LOG_INST_FMT "cannot set addr_gen_mode on %s", LOG_INST_ARGS(o),
			  in->vmac_name);
	/*
	 * Traffic for a VIP arrives on the macvlan while the route back goes out of the
	 * interface: strict reverse-path filtering would drop it, and conf/all overrides the
	 * macvlan's own 0.
	 */
	ret = net_rp_filter_push_down(in->vmac_name, &was);
	if (ret)
		log_warnx(
			LOG_INST_FMT
			"cannot set rp_filter per device (%s): traffic to the VIPs may be dropped",
			LOG_INST_ARGS(o), strerror(-ret));
	else if (was)
		log_info(
			LOG_INST_FMT
			"net.ipv4.conf.all.rp_filter was %d: now 0, and %d on every other device, so that %s may take traffic for the VIPs",
			LOG_INST_ARGS(o), was, was, in->vmac_name);
	/*
	 * CONFORMANCE.md D3: the kernel's own ARP requests on the interface (for a host it replies
	 * to) would say "VIP is at the interface's MAC" with arp_announce 0, and hosts take it.
	 * 2 makes them use the interface's own address. Raised, never lowered, and left set.
	 */
	if (net_sysctl_get("ipv4", o->ifname, "arp_announce", &ret) == 0 && ret < 2) {
		ret = net_sysctl("ipv4", o->ifname, "arp_announce", "2");
		if (ret)
			log_warnx(
				LOG_INST_FMT
				"cannot set arp_announce to 2 (%s): %s may announce a VIP with its own MAC",
				LOG_INST_ARGS(o), strerror(-ret), o->ifname);
		else
			log_info(
				LOG_INST_FMT
				"set net.ipv4.conf.%s.arp_announce=2, so that %s never announces a VIP with its own MAC",
				LOG_INST_ARGS(o), o->ifname, o->ifname);
	}
	return 0;
}

/* Returns 0, or the error removing the macvlan (which is then left, with its addresses). */
static int inst_vmac_close(struct inst *in)
{
	int ret;

	if (!in->vmac_ifindex || in->gone)
		return 0;
	ret = net_link_del(in->nl, in->vmac_ifindex);
	if (ret)
		log_warnx(LOG_INST_FMT "cannot remove %s: %s", LOG_INST_ARGS(in->o), in->vmac_name,
			  strerror(-ret));
	in->vmac_ifindex = 0;
	return ret;
}

static int inst_open(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
		     struct hook *hook, uint64_t now_ns, char *err, size_t errlen)
{
	struct net_link_info li;
	union vrrpd_addr vips[OPTS_MAX_VIPS];
	struct fsm_cfg fc = { 0 };
	char buf[INET6_ADDRSTRLEN];
	uint32_t owner = 0;
	bool adopted;
	int i, ret;

	memset(in, 0, sizeof(*in));
	in->o = o;
	in->x = x;
	in->nl = nl;
	in->hook = hook;
	in->tx_fd = -1;
	in->utx_fd = -1;
	ret = net_link_get(nl, o->ifname, &li);
	if (ret) {
		snprintf(err, errlen, "interface '%s' does not exist", o->ifname);
		return ret;
	}
	if (!li.ether) {
		snprintf(err, errlen, "interface '%s' is not an Ethernet interface: VRRP needs one",
			 o->ifname);
		return -EINVAL;
	}
	in->ifindex = li.ifindex;
	memcpy(in->src_mac, li.mac, 6);
	/*
	 * CONFORMANCE.md R6: an advert tagged for another VLAN must not pass for an untagged one,
	 * and the XDP program can only tell them apart if the tag is still in the frame. Left off.
	 */
	if (strcmp(li.kind, "vlan")) {
		ret = net_ethtool_rxvlan_off(o->ifname);
		if (ret < 0)
			log_warnx(
				LOG_INST_FMT
				"cannot turn off rx VLAN offload (%s): adverts tagged for another VLAN may pass for untagged ones",
				LOG_INST_ARGS(o), strerror(-ret));
		else if (ret)
			log_info(
				LOG_INST_FMT
				"turned off rx VLAN offload (ethtool -K %s rxvlan off), so that XDP sees VLAN tags",
				LOG_INST_ARGS(o), o->ifname);
	}
	in->vip_ifindex = li.ifindex;
	in->key = (struct vrrpd_key){ .ifindex = (uint32_t)li.ifindex,
				      .family = (uint8_t)o->family,
				      .vrid = o->vrid };

	ret = xdp_claim(x, &in->key, &owner);
	if (ret == -EEXIST && owner) {
		snprintf(err, errlen, "VRID %d on %s is already run by vrrpd pid %u", o->vrid,
			 o->ifname, owner);
		return ret;
	}
	if (ret == -EEXIST) {
		snprintf(err, errlen, "VRID %d on %s is already run by a vrrpd that is starting",
			 o->vrid, o->ifname);
		return ret;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot claim VRID %d on %s: %s", o->vrid, o->ifname,
			 strerror(-ret));
		return ret;
	}
	/* Two instances answering ARP for one address would take turns at random. */
	for (i = 0; i < o->nvips; i++) {
		struct vrrpd_key other;
		uint32_t pid;

		if (xdp_vip_owner(x, in->ifindex, o->family, &o->vips[i].addr, &in->key, &other,
				  &pid) == 1) {
			snprintf(err, errlen,
				 "%s is already a virtual IP of VRID %d on %s (vrrpd pid %u)",
				 addr_str(o->family, &o->vips[i].addr, buf), other.vrid, o->ifname,
				 pid);
			return -EEXIST;
		}
	}
	adopted = ret == 1;
	if (adopted)
		log_warnx(LOG_INST_FMT "taking over from vrrpd pid %u, which is gone",
			  LOG_INST_ARGS(o), owner);

	inst_vip_addrs(in, vips);
	ret = net_primary_ip(nl, in->ifindex, o->family, vips, o->nvips, &fc.primary_ip);
	if (ret) {
		snprintf(err, errlen, "interface %s has no %s address to send adverts from",
			 o->ifname, o->family == AF_INET6 ? "IPv6 link-local" : "IPv4");
		return ret;
	}
	/*
	 * Addresses already there are left alone, unless a crashed vrrpd left them: those we
	 * remove, so that a backup holds no VIP.
	 */
	for (i = 0; i < o->nvips; i++) {
		ret = net_has_ip(nl, in->ifindex, o->family, &o->vips[i].addr);
		if (ret <= 0)
			continue;
		if (adopted) {
			net_addr_del(nl, in->ifindex, o->family, &o->vips[i].addr,
				     o->vips[i].prefix_len);
		} else {
			in->vip_present[i] = true;
			log_warnx(LOG_INST_FMT
				  "%s is already configured; vrrpd will not add or remove it",
				  LOG_INST_ARGS(o), addr_str(o->family, &o->vips[i].addr, buf));
		}
	}

	in->tx_fd = tx_open(in->ifindex);
	if (in->tx_fd < 0) {
		snprintf(err, errlen, "cannot open a packet socket on %s: %s", o->ifname,
			 strerror(-in->tx_fd));
		return in->tx_fd;
	}
	ret = tx_join(in->tx_fd, in->ifindex, inst_v6(in));
	if (ret)
		log_warnx(LOG_INST_FMT
			  "cannot join the VRRP multicast group (%s): adverts may not be heard",
			  LOG_INST_ARGS(o), strerror(-ret));
	if (o->npeers) {
		in->utx_fd = tx_open_ip(o->ifname);
		if (in->utx_fd < 0) {
			snprintf(err, errlen, "cannot open a raw IPv4 socket on %s: %s", o->ifname,
				 strerror(-in->utx_fd));
			return in->utx_fd;
		}
	}
	if (o->vmac) {
		ret = inst_vmac_open(in, err, errlen);
		if (ret)
			return ret;
	}

	fc.vrid = o->vrid;
	fc.priority = o->priority;
	fc.version = o->version;
	fc.preempt = o->preempt;
	fc.preempt_delay_ns = (uint64_t)o->preempt_delay_s * FSM_NS_PER_S;
	fc.adver_int_cs = o->adver_int_cs;
	fc.grouped = o->monitor > 0;
	fsm_init(&in->fsm, &fc);
	in->group.fd = -1;
	in->group_ok = !o->monitor;

	in->cfg = (struct vrrpd_cfg){
		.owner_pid = (uint32_t)getpid(),
		.primary_ip = fc.primary_ip,
		.adver_int_cs = o->adver_int_cs,
		.cfg_priority = o->priority,
		.version = o->version,
		.csum_mode = o->csum_mode,
		.flags = (o->preempt ? VRRPD_F_PREEMPT : 0) |
			 (o->owner_drop ? VRRPD_F_OWNER_DROP : 0) | (o->vmac ? VRRPD_F_VMAC : 0) |
			 (o->no_accept ? VRRPD_F_NO_ACCEPT : 0) |
			 (o->npeers ? VRRPD_F_UNICAST : 0) |
			 (o->pass_adverts ? VRRPD_F_PASS_ADVERTS : 0),
		.auth_type = o->auth_type,
		.naddrs = (uint8_t)o->nvips,
		.since_ns = now_ns,
	};
	memcpy(in->cfg.auth_data, o->auth_data, sizeof(in->cfg.auth_data));
	/* The XDP program answers ARP for the VIPs with this MAC. */
	memcpy(in->cfg.vmac, in->src_mac, 6);
	xdp_rx_init(x, &in->key);
	ret = xdp_peers_set(x, &in->key, o->peers, o->npeers);
	if (ret) {
		snprintf(err, errlen, "cannot register the peers in the kernel: %s",
			 strerror(-ret));
		inst_vmac_close(in);
		return ret;
	}
	for (i = 0; i < o->nvips; i++) {
		ret = xdp_vip_set(x, in->ifindex, o->family, &o->vips[i].addr, &in->key);
		if (ret) {
			snprintf(err, errlen, "cannot register %s in the kernel: %s",
				 addr_str(o->family, &o->vips[i].addr, buf), strerror(-ret));
			inst_vmac_close(in);
			return ret;
		}
	}
	inst_publish(in);
	if (o->monitor) {
		ret = group_open(&in->group, xdp_group_fd(x), x->owners_fd,
				 o->group[0] ? o->group : VRRPD_GROUP_DFL, o->monitor, &in->key,
				 o->adver_int_cs);
		if (ret) {
			snprintf(err, errlen, "cannot join the group: %s", strerror(-ret));
			inst_vmac_close(in);
			return ret;
		}
	}
	return 0;
}

int inst_start(struct inst *in, const struct opts *o, struct xdp_ctx *x, struct nl_sock *nl,
	       struct hook *hook, uint64_t now_ns, char *err, size_t errlen)
{
	int ret = inst_open(in, o, x, nl, hook, now_ns, err, errlen);

	/* Whatever failed, the instance is not ours to hold (a -c reload goes on without it). */
	if (ret)
		xdp_unclaim(x, &in->key);
	return ret;
}

void inst_begin(struct inst *in, uint64_t now_ns)
{
	struct fsm_input start = { .type = FSM_IN_STARTUP };
	char track_why[IF_NAMESIZE + 32];
	const char *why;

	in->link_ok = inst_link_query(in, now_ns, &why);
	in->link_poll_ns = now_ns + INST_LINK_POLL_NS;
	/* The tracked interfaces as they are now: the priority to start with, or FAULT. */
	in->admin_prio = in->o->priority;
	inst_track_check(in, now_ns);
	if (in->link_ok && in->track_fault) {
		snprintf(track_why, sizeof(track_why), "tracked interface %s down",
			 in->track_fault);
		why = track_why;
		in->link_ok = false;
	}
	if (!in->link_ok) {
		/* Start in FAULT; the link coming up is the startup (S1). */
		log_warnx(LOG_INST_FMT "link down (%s)", LOG_INST_ARGS(in->o), why);
		start.type = FSM_IN_LINK_DOWN;
	}
	inst_feed(in, &start, now_ns);
	inst_group_sync(in, now_ns);
}

void inst_resign(struct inst *in, uint64_t now_ns)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };

	in->resigning = true;
	inst_feed(in, &stop, now_ns);
	in->resigning = false;
}

void inst_stop_begin(struct inst *in, uint64_t now_ns, uint32_t group)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };
	int i;

	inst_feed(in, &stop, now_ns); /* nothing if inst_resign did */
	group_close(&in->group);
	/* What the queue still holds for it comes first: its addresses are known from then on. */
	if (in->q)
		vipq_drain(in->q);

	/* Our macvlan goes, and its addresses with it: no round trip for each. */
	in->vips_on_vmac = in->vips_added && in->vmac_ifindex && !in->gone;
	if (in->vips_added && !in->vips_on_vmac)
		inst_vips(in, false);
	in->vips_added = false;
	for (i = 0; i < in->o->nvips; i++)
		xdp_vip_del(in->x, in->ifindex, in->o->family, &in->o->vips[i].addr);
	in->vmac_grouped = group && in->vmac_ifindex && !in->gone &&
			   net_link_set_group(in->nl, in->vmac_ifindex, group) == 0;
}

void inst_stop_end(struct inst *in, uint64_t now_ns, bool group_removed)
{
	if (in->vmac_grouped && group_removed)
		in->vmac_ifindex = 0;
	in->vmac_grouped = false;
	if (inst_vmac_close(in) && in->vips_on_vmac)
		inst_vips(in, false); /* the macvlan stays: its addresses must not */
	in->vips_on_vmac = false;
	in->vips_added = false;
	/* After the addresses, as inst_apply orders it: the script finds the VIPs gone. */
	if (in->stop_hook_due)
		hook_queue(in->hook, false, "STOP", "MASTER", fsm_reason_name(VRRPD_R_SHUTDOWN),
			   in->stop_hook_prio, now_ns);
	in->stop_hook_due = false;
	xdp_release(in->x, &in->key);
	if (in->tx_fd >= 0)
		close(in->tx_fd);
	in->tx_fd = -1;
	if (in->utx_fd >= 0)
		close(in->utx_fd);
	in->utx_fd = -1;
}

void inst_stop(struct inst *in, uint64_t now_ns)
{
	inst_stop_begin(in, now_ns, 0);
	inst_stop_end(in, now_ns, false);
}

/* At most one line per reason and minute: a misconfigured peer advertises every interval. */
static bool inst_may_warn(struct inst *in, enum inst_warn w, uint64_t now_ns)
{
	if (in->warned_ns[w] && now_ns - in->warned_ns[w] < INST_WARN_GAP_NS)
		return false;
	in->warned_ns[w] = now_ns;
	return true;
}

static bool inst_is_vip(const struct inst *in, const union vrrpd_addr *addr)
{
	for (int i = 0; i < in->o->nvips; i++)
		if (addr_eq(&in->o->vips[i].addr, addr))
			return true;
	return false;
}

/* RFC 9568 7.1 (CONFORMANCE.md R11, R12): accepted, but worth telling the operator. */
static void inst_check_advert(struct inst *in, const struct vrrpd_event *ev, uint64_t now_ns)
{
	char buf[INET6_ADDRSTRLEN];
	bool differs = ev->count != in->o->nvips;
	int i;

	for (i = 0; i < ev->count && i < VRRPD_EV_MAX_ADDRS && !differs; i++)
		differs = !inst_is_vip(in, &ev->addrs[i]);
	if (differs && inst_may_warn(in, INST_WARN_ADDRS, now_ns))
		log_warnx(LOG_INST_FMT
			  "advert from %s lists %d addresses that differ from ours (%d)",
			  LOG_INST_ARGS(in->o), addr_str(in->key.family, &ev->saddr, buf),
			  ev->count, in->o->nvips);
	if (ev->version == 3 && ev->adver_int_cs != in->o->adver_int_cs &&
	    inst_may_warn(in, INST_WARN_INTERVAL, now_ns))
		log_warnx(
			LOG_INST_FMT
			"advert from %s has interval %d cs, ours is %d cs (a backup follows the master's)",
			LOG_INST_ARGS(in->o), addr_str(in->key.family, &ev->saddr, buf),
			ev->adver_int_cs, in->o->adver_int_cs);
	if (in->o->priority == VRRP_PRIO_OWNER && inst_may_warn(in, INST_WARN_OWNER, now_ns))
		log_warnx(LOG_INST_FMT "advert from %s (priority %d) although we own the addresses",
			  LOG_INST_ARGS(in->o), addr_str(in->key.family, &ev->saddr, buf),
			  ev->priority);
}

/*
 * Does the kernel keep this Backup's Master_Down_Timer (vrrpd_down)? Only while our deadline is
 * the plain one (the last advert of the master we follow + Master_Down_Interval: not after a
 * resignation, nor during a -M wait), and the kernel's timer was last seen started by that
 * advert or a newer one of the fast path (which only the master we follow sends), for the same
 * interval. Then its expiry wakes us (VRRPD_EV_MASTER_DOWN), and each advert of the fast path
 * moves it on without waking us; our deadline catches up when we next read vrrpd_rx. An advert
 * may land between our reads of vrrpd_rx and vrrpd_down (the softirq that carries a burst of
 * them runs as a system call returns): hence "or a newer one". Once it has woken us, which it
 * does VRRPD_DOWN_EARLY_NS ahead, we keep the last stretch ourselves, until an advert starts it
 * again. Otherwise (or with a program without timers) we keep the timer ourselves.
 */
static bool inst_down_in_kernel(const struct inst *in)
{
	uint64_t mdi;

	if (!in->x->down_timer || in->fsm.state != FSM_BACKUP || !in->fsm_deadline_ns ||
	    !in->down_from_ns || in->down_from_ns == in->down_woken_from)
		return false;
	mdi = fsm_master_down_ns(in->o->version, in->fsm.priority, in->fsm.master_adver_int_cs);
	return in->fsm_deadline_ns == in->fsm.master_rx_ns + mdi &&
	       in->down_from_ns >= in->fsm.master_rx_ns &&
	       in->down_expires_ns - in->down_from_ns == mdi;
}

/*
 * When a Backup whose timer the kernel keeps reads vrrpd_rx all the same: with its link
 * checks, which many instances share, so that an expiry whose event was lost (a full ring
 * buffer) is seen a second later at most.
 */
static uint64_t inst_down_fallback_ns(const struct inst *in)
{
	if (!in->link_poll_ns)
		return in->fsm_deadline_ns + INST_LINK_POLL_NS;
	return in->link_poll_ns > in->fsm_deadline_ns ? in->link_poll_ns : in->fsm_deadline_ns;
}

/* Feeds the adverts rx records that we have not seen yet, oldest first. */
static void inst_feed_rx(struct inst *in, uint64_t now_ns, const struct vrrpd_rx *r)
{
	struct fsm_input a = { .type = FSM_IN_ADVERT }, b = { .type = FSM_IN_ADVERT };
	struct vrrpd_rx rx = *r;
	bool have_a = false, have_b = false;

	if (rx.confirm_ns > in->fsm.master_rx_ns) {
		a.adv = (struct fsm_advert){ .rx_ns = rx.confirm_ns,
					     .saddr = in->cfg.master_ip,
					     .priority = in->cfg.master_priority,
					     .adver_int_cs = in->cfg.master_adver_int_cs };
		have_a = !addr_is_zero(&in->cfg.master_ip);
	}
	if (rx.last_ns > in->fsm.last_rx_ns && rx.last_ns != rx.confirm_ns) {
		b.adv = (struct fsm_advert){ .rx_ns = rx.last_ns,
					     .saddr = rx.master_ip,
					     .priority = rx.priority,
					     .adver_int_cs = rx.adver_int_cs };
		have_b = true;
	}
	if (have_a && have_b && b.adv.rx_ns < a.adv.rx_ns) {
		inst_feed(in, &b, now_ns);
		inst_feed(in, &a, now_ns);
		return;
	}
	if (have_a)
		inst_feed(in, &a, now_ns);
	if (have_b)
		inst_feed(in, &b, now_ns);
}

/*
 * Before deciding that the master is down, read what the kernel saw: adverts that took the
 * fast path never woke us, and events may have been lost to a full ring buffer. Then where the
 * kernel's Master_Down_Timer stands.
 */
static void inst_sync_rx(struct inst *in, uint64_t now_ns)
{
	struct vrrpd_down dn;
	struct vrrpd_rx rx;

	if (!xdp_rx_read(in->x, &in->key, &rx))
		inst_feed_rx(in, now_ns, &rx);
	if (!in->x->down_timer)
		return;
	if (xdp_down_read(in->x, &in->key, &dn))
		memset(&dn, 0, sizeof(dn));
	in->down_from_ns = dn.from_ns;
	in->down_expires_ns = dn.expires_ns;
}

/*
 * A Backup at (or near) its Master_Down deadline: what the kernel recorded first, then the
 * timer, which acts only once the deadline has passed. polled: the link was checked just now.
 */
static void inst_backup_due(struct inst *in, uint64_t now_ns, bool polled)
{
	struct fsm_input t = { .type = FSM_IN_TIMER };

	if (inst_down_in_kernel(in) && !polled && now_ns < inst_down_fallback_ns(in))
		return;
	inst_sync_rx(in, now_ns);
	if (in->fsm.state == FSM_BACKUP && now_ns >= in->fsm_deadline_ns)
		inst_feed(in, &t, now_ns);
}

/*
 * The kernel's Master_Down_Timer of another instance woke us, and its master was `master`: if
 * this Backup follows the same router, sleeps on its kernel timer and that timer expires within
 * one Advertisement_Interval of the master's, this one keeps the rest of it itself now, as its
 * own event would have it do. In a takeover storm, timer callbacks run in softirq context, which
 * the storm's own sends hold up: 18 of 255 instances at 100 ms heard theirs 76 ms late. Our
 * timer acts only after reading what the kernel recorded (inst_backup_due), so a master that
 * still speaks keeps its backups.
 */
void inst_down_hint(struct inst *in, const union vrrpd_addr *master, uint64_t now_ns)
{
	if (!inst_down_in_kernel(in) || memcmp(&in->fsm.master_ip, master, sizeof(*master)))
		return;
	inst_sync_rx(in, now_ns);
	if (!inst_down_in_kernel(in) ||
	    in->down_expires_ns > now_ns + in->fsm.master_adver_int_cs * FSM_NS_PER_CS)
		return;
	in->down_woken_from = in->down_from_ns;
}

/*
 * --checksum auto: whose form to send. Not any advert's (VRRPv3 has no authentication: one
 * advert in RFC 9568's form from any host would switch a master that keepalived follows to a
 * form keepalived drops, and both would be master): the master we follow, once the election
 * has taken this advert (so a new master's first advert teaches too); a --peer (the XDP program
 * passes no one else's). Until a form is learned, any advert teaches: a master that started
 * before it heard its backup (which drops RFC 9568's form, and so became master too) learns the
 * form from that backup's adverts, and the two agree.
 */
static bool inst_csum_teacher(const struct inst *in, const struct vrrpd_event *ev)
{
	if (!in->peer_csum || in->o->npeers)
		return true;
	return in->fsm.state == FSM_BACKUP && addr_eq(&in->fsm.master_ip, &ev->saddr);
}

void inst_on_event(struct inst *in, const struct vrrpd_event *ev, uint64_t now_ns)
{
	struct fsm_input adv = { .type = FSM_IN_ADVERT };

	if (ev->type == VRRPD_EV_MASTER_DOWN) {
		struct fsm_input t = { .type = FSM_IN_TIMER };

		/*
		 * The kernel's Master_Down_Timer is about to expire: what it recorded, then our
		 * own timer for the last stretch (inst_down_in_kernel() is false for this one now).
		 */
		if (in->fsm.state != FSM_BACKUP || !in->fsm_deadline_ns)
			return;
		inst_sync_rx(in, now_ns);
		in->down_woken_from = in->down_from_ns;
		if (in->fsm.state == FSM_BACKUP && now_ns >= in->fsm_deadline_ns)
			inst_feed(in, &t, now_ns);
		return;
	}
	if (ev->type != VRRPD_EV_ADVERT)
		return;
	inst_check_advert(in, ev, now_ns);
	adv.adv.rx_ns = ev->ts_ns;
	adv.adv.saddr = ev->saddr;
	adv.adv.priority = ev->priority;
	adv.adv.adver_int_cs = ev->adver_int_cs;
	inst_feed(in, &adv, now_ns);
	if (ev->version == 3 && ev->csum_form && inst_csum_teacher(in, ev))
		in->peer_csum = ev->csum_form;
}

void inst_tick(struct inst *in, uint64_t now_ns)
{
	struct fsm_input t = { .type = FSM_IN_TIMER };
	bool polled = false;

	if (in->garp_left > 0 && now_ns >= in->garp_next_ns) {
		inst_send_garps(in);
		in->garp_left--;
		/* From now: a late tick spaces them out, it never bunches them up. */
		in->garp_next_ns = now_ns + inst_ms_ns(in->o->garp_interval_ms);
	}
	if (in->garp_refresh_ns && now_ns >= in->garp_refresh_ns) {
		inst_send_garps(in);
		/* From now, not from the due time: a late tick sends one, not a catch-up burst. */
		in->garp_refresh_ns = now_ns + inst_ms_ns(in->o->garp_refresh_s * 1000);
	}
	if (now_ns + INST_LINK_POLL_SLACK_NS >= in->link_poll_ns) {
		inst_link_check(in, now_ns);
		polled = true;
	}
	if (in->group.fd >= 0 && now_ns >= in->group.next_ns)
		inst_group_sync(in, now_ns);
	if (!in->fsm_deadline_ns || now_ns < in->fsm_due_ns)
		return;
	if (in->fsm.state == FSM_BACKUP) {
		inst_backup_due(in, now_ns, polled);
		return;
	}
	/* A master's advert also renews the lease (inst_send_advert, inst_publish). */
	inst_feed(in, &t, now_ns);
}

/* atropos's priority: what tracking adds to. */
static int inst_set_priority(struct inst *in, int prio, uint64_t now_ns)
{
	in->admin_prio = prio;
	inst_apply_prio(in, now_ns);
	return 0;
}

int inst_command(struct inst *in, enum ctl_req cmd, int arg, uint64_t now_ns, char *msg, size_t len)
{
	struct fsm_input x = { .type = FSM_IN_TAKEOVER, .reason = VRRPD_R_ADMIN_MASTER };
	struct fsm_out out;
	int ret = 0, prio = in->admin_prio;

	msg[0] = '\0';
	switch (cmd) {
	case CTL_REQ_BACKUP:
		in->held = true;
		inst_update_inhibit(in, now_ns);
		inst_group_sync(in, now_ns);
		break;
	case CTL_REQ_RESUME:
		in->held = false;
		if (in->admin_prio != in->o->priority)
			ret = inst_set_priority(in, in->o->priority, now_ns);
		inst_update_inhibit(in, now_ns);
		inst_group_sync(in, now_ns);
		break;
	case CTL_REQ_MASTER:
		if (in->fsm.state == FSM_FAULT) {
			snprintf(msg, len, "the link is down");
			return -ENETDOWN;
		}
		in->held = false;
		inst_update_inhibit(in, now_ns);
		inst_group_sync(in, now_ns);
		if (in->fsm.inhibited) {
			snprintf(msg, len, "group %s does not allow master: %s", in->group.key.name,
				 in->group.why);
			return -EAGAIN;
		}
		/* To stay Master against a peer with preemption, outrank every non-owner. */
		if (in->admin_prio < 254)
			ret = inst_set_priority(in, 254, now_ns);
		if (!ret && in->fsm.state == FSM_BACKUP) {
			ret = fsm_step(&in->fsm, now_ns, &x, &out);
			if (!ret)
				inst_apply(in, &out, now_ns);
		}
		break;
	case CTL_REQ_REDUCE:
		prio = in->o->reduce_prio >= 0 ? in->o->reduce_prio : inst_clamp_prio(prio - 10);
		ret = inst_set_priority(in, prio, now_ns);
		break;
	case CTL_REQ_INCREASE:
		prio = in->o->increase_prio >= 0 ? in->o->increase_prio :
						   inst_clamp_prio(prio + 10);
		ret = inst_set_priority(in, prio, now_ns);
		break;
	case CTL_REQ_PRIORITY:
		if (arg < 1 || arg > 254) {
			snprintf(msg, len,
				 "priority %d: must be 1..254 (255 is the owner's, -p 255)", arg);
			return -EINVAL;
		}
		ret = inst_set_priority(in, arg, now_ns);
		break;
	case CTL_REQ_GARP:
		if (in->fsm.state != FSM_MASTER) {
			snprintf(msg, len, "not master");
			return -EAGAIN;
		}
		inst_send_garps(in);
		if (in->o->garp_count > 1) {
			in->garp_left = in->o->garp_count - 1;
			in->garp_next_ns = now_ns + inst_ms_ns(in->o->garp_interval_ms);
		}
		break;
	default:
		snprintf(msg, len, "%s: not a request for an instance", ctl_req_word(cmd));
		return -EINVAL;
	}
	if (ret && !msg[0])
		snprintf(msg, len, "%s", strerror(-ret));
	inst_publish(in);
	if (in->q)
		vipq_drain(in->q); /* atropos hears back once the change is made */
	return ret;
}

uint64_t inst_down_deadline(const struct inst *in)
{
	if (in->fsm.state != FSM_BACKUP || in->fsm.inhibited || inst_down_in_kernel(in))
		return 0;
	return in->fsm_deadline_ns;
}

uint64_t inst_deadline(const struct inst *in)
{
	uint64_t d = inst_down_in_kernel(in) ? inst_down_fallback_ns(in) : in->fsm_deadline_ns;

	if (in->garp_left > 0 && (!d || in->garp_next_ns < d))
		d = in->garp_next_ns;
	if (in->garp_refresh_ns && (!d || in->garp_refresh_ns < d))
		d = in->garp_refresh_ns;
	if (in->link_poll_ns && (!d || in->link_poll_ns < d))
		d = in->link_poll_ns;
	if (in->group.fd >= 0 && (!d || in->group.next_ns < d))
		d = in->group.next_ns;
	return d;
}
