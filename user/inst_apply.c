// SPDX-License-Identifier: GPL-2.0
/*
 * What the election decided, carried out in its order (inst_apply): the log line, the advert,
 * the first gratuitous ARP, vrrpd_cfg, the addresses, then what follows them (the rest of the
 * burst, the magic packet, the scripts). Every effect goes through in->fx, so that
 * tests/unit/test_inst_apply.c checks the order without root.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "clock.h"
#include "event.h"
#include "inst_int.h"
#include "log.h"
#include "vipq.h"

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
void inst_vips(struct inst *in, bool add)
{
	struct vipq_req r;

	inst_vips_req(in, add ? VIPQ_ADD : VIPQ_DEL, &r);
	in->fx->vips(in, &r);
	inst_vips_said(in, &r);
}

/*
 * What follows a change's addresses: the rest of the gratuitous ARP burst and the magic packet
 * (unless the instance changed again or is no longer Master: they were another state's), and
 * the scripts of a change of state, at its priority: on becoming Master they find the VIPs in
 * place, on leaving it gone.
 */
static void inst_after_vips(struct inst *in, const struct fsm_out *out, uint64_t now_ns,
			    uint8_t prio, bool latest)
{
	uint32_t act = out->actions;
	bool garp_now = (act & FSM_ACT_GARP) && in->vmac_ifindex && in->o->garp_count > 0;

	if ((act & FSM_ACT_GARP) && latest && in->fsm.state == FSM_MASTER) {
		if (in->o->garp_count > 0) {
			if (!garp_now)
				in->fx->garps(in);
			in->garp_left = in->o->garp_count - 1;
			/* From now: adding the addresses may have taken a while. */
			in->garp_next_ns = clock_now_ns() + inst_ms_ns(in->o->garp_interval_ms);
		}
		if (in->o->garp_refresh_s)
			in->garp_refresh_ns = now_ns + inst_ms_ns(in->o->garp_refresh_s * 1000);
		in->fx->magic(in);
	}
	if ((act & FSM_ACT_STATE) && in->resigning) {
		in->stop_hook_due = true;
		in->stop_hook_prio = prio;
		in->stop_hook_prev = out->old_state;
	} else if (act & FSM_ACT_STATE) {
		in->fx->hook(
			in,
			out->reason == VRRPD_R_SHUTDOWN ? "STOP" : fsm_state_name(out->new_state),
			fsm_state_name(out->old_state), fsm_reason_name(out->reason), prio, now_ns);
	}
}

#define INST_ACT_REST (FSM_ACT_ADD_VIPS | FSM_ACT_GARP | FSM_ACT_STATE)

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

/*
 * A transition to the event stream and the --notify-fifo (event.h), in the order of the
 * transitions. Adverts cause them at the pace of the protocol's timers at most (a Backup takes
 * over only when its Master_Down_Timer expires), so a flood cannot make more of them.
 */
static void inst_event_state(const struct inst *in, const struct fsm_out *out)
{
	char why[128];

	event_emit(in->o, "state", "from=%s to=%s reason=%s priority=%d",
		   fsm_state_name(out->old_state), fsm_state_name(out->new_state),
		   event_quote(why, sizeof(why), fsm_reason_name(out->reason)), in->fsm.priority);
	/* keepalived's words: STOP for the end of the instance. */
	event_fifo_instance(in->o,
			    out->new_state == FSM_INIT ? "STOP" : fsm_state_name(out->new_state),
			    in->fsm.priority);
}

/*
 * D6, S8 with another master (fsm.c fsm_regarp): the split brain heals. A host flooding low
 * priority adverts meets us once an interval: one line, then none until a meeting comes a minute
 * after the one before (as the warnings about adverts, INST_WARN_GAP_NS), and limited as the rest
 * besides (log_info_net).
 */
static void inst_say_met(const struct inst *in, const struct fsm_out *out, uint64_t now_ns)
{
	const char *again = inst_v6(in) ? ", unsolicited NAs again" : ", gratuitous ARPs again";
	char buf[INET6_ADDRSTRLEN];

	if (!(out->actions & FSM_ACT_GARP) || (out->actions & FSM_ACT_STATE) ||
	    (out->met_prev_ns && now_ns - out->met_prev_ns < INST_WARN_GAP_NS))
		return;
	log_info_net(LOG_INST_FMT "another master (%s, priority %d) met: we stay master%s",
		     LOG_INST_ARGS(in->o), addr_str(in->key.family, &out->met_ip, buf),
		     out->met_priority, in->o->garp_count > 0 ? again : "");
}

void inst_apply(struct inst *in, const struct fsm_out *out, uint64_t now_ns)
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

		inst_event_state(in, out);

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
	inst_say_met(in, out, now_ns);
	/* Also after S7, which follows the new master without a separate MASTER_CHANGED. */
	if ((act & (FSM_ACT_MASTER_CHANGED | FSM_ACT_STATE)) && in->fsm.state == FSM_BACKUP &&
	    !addr_is_zero(&in->fsm.master_ip))
		log_info_net(LOG_INST_FMT "master is %s, priority %d, interval %d cs",
			     LOG_INST_ARGS(in->o),
			     addr_str(in->key.family, &in->fsm.master_ip, buf),
			     in->fsm.master_priority, in->fsm.master_adver_int_cs);
	if (act & FSM_ACT_SEND_PRIO0)
		in->fx->advert(in, VRRP_PRIO_STOP, now_ns);
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
		in->fx->advert(in, in->fsm.priority, now_ns);
	/*
	 * RFC 9568 6.4.2: a burst of gratuitous ARPs (NAs) on becoming Master. With a VMAC, the
	 * first goes right after the advert, before the addresses (netlink, the macvlan brought
	 * up: 0.3 ms and more): it names the VMAC, which needs neither to leave through the
	 * parent's packet socket, and switches learn the new port at once. Without one (-n) it names the interface's own MAC, and hosts
	 * that take it must find the addresses in place: it waits for them.
	 */
	garp_now = (act & FSM_ACT_GARP) && in->vmac_ifindex && in->o->garp_count > 0;
	if (garp_now)
		in->fx->garps(in);
	in->fsm_deadline_ns = out->deadline_ns;
	in->fsm_due_ns = out->due_ns;
	/*
	 * Published before the addresses are there: the kernel answers ARP for the VIPs (and
	 * renews nothing else) from vrrpd_cfg and the lease, not from the addresses.
	 */
	if (act)
		in->fx->publish(in);
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
		in->fx->vips_push(in, &job);
		return;
	}
	if (act & FSM_ACT_ADD_VIPS)
		inst_vips(in, true);
	inst_after_vips(in, out, now_ns, in->fsm.priority, true);
}
