// SPDX-License-Identifier: GPL-2.0
/*
 * One VRRP instance: what it hears (adverts, the kernel's timers, links, the group, atropos)
 * fed to the election, whose decisions inst_apply() carries out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "clock.h"
#include "event.h"
#include "inst_int.h"
#include "link.h"
#include "log.h"
#include "net.h"
#include "track.h"
#include "vipq.h"
#include "xdp.h"

/*
 * -M: our slot written (state, link, whether we could be Master), the others' read, and whether
 * the group allows Master now, into group_ok (RFC-wise the group is outside VRRP: an inhibited
 * member only waits or resigns).
 */
static void inst_group_verdict(struct inst *in, uint64_t now_ns)
{
	bool allows;

	in->group.next_ns = now_ns + in->group.beat_ns;
	/* A member held by atropos --backup is not ready: it will not be Master. */
	group_write(&in->group, (uint8_t)in->fsm.state, in->link_ok,
		    fsm_ready(&in->fsm) && !in->held, now_ns);
	allows = group_allows(&in->group, now_ns);
	if (allows != in->group_ok) {
		char why[160];

		event_emit(in->o, "group", "group=%s state=%s size=%d why=%s", in->group.key.name,
			   allows ? "ready" : "hold", in->group.size,
			   event_quote(why, sizeof(why),
				       allows ? "all members can be master" : in->group.why));
	}
	/* A member's state follows its adverts: limited as they are (log_info_net). */
	if (allows && !in->group_ok)
		log_info_net(LOG_INST_FMT "group %s: all %d members can be master",
			     LOG_INST_ARGS(in->o), in->group.key.name, in->group.size);
	else if (!allows && in->group_ok)
		log_info_net(LOG_INST_FMT "group %s: %s: backup until it can be master",
			     LOG_INST_ARGS(in->o), in->group.key.name, in->group.why);
	in->group_ok = allows;
}

/*
 * The election may make us Master unless atropos holds us back or the group does not allow:
 * the input that tells it so, or false when it already knows.
 */
static bool inst_inhibit_input(const struct inst *in, struct fsm_input *x)
{
	bool want = in->held || !in->group_ok;

	if (want == in->fsm.inhibited)
		return false;
	*x = (struct fsm_input){ .type = want ? FSM_IN_INHIBIT : FSM_IN_RELEASE };
	if (want)
		x->reason = in->held ? VRRPD_R_ADMIN_BACKUP : VRRPD_R_GROUP;
	else
		x->reason = in->group.fd >= 0 ? VRRPD_R_GROUP_READY : VRRPD_R_MASTER_DOWN;
	return true;
}

/*
 * One input to the election, carried out. A member of a group whose readiness or state it
 * changed then writes its slot and reads the group's verdict, and an inhibition that verdict
 * changes is the next input, carried out the same way: a loop, not a call back into here
 * (twice at most: the verdict follows from the others' slots, which this does not change).
 */
void inst_feed(struct inst *in, const struct fsm_input *inp, uint64_t now_ns)
{
	struct fsm_input x = *inp;
	struct fsm_out out;
	bool was_ready;
	int round;

	for (round = 0; round < 3; round++) {
		was_ready = fsm_ready(&in->fsm);
		if (fsm_step(&in->fsm, now_ns, &x, &out))
			return;
		inst_apply(in, &out, now_ns);
		if (in->group.fd < 0 ||
		    (was_ready == fsm_ready(&in->fsm) && !(out.actions & FSM_ACT_STATE)))
			return;
		inst_group_verdict(in, now_ns);
		if (!inst_inhibit_input(in, &x))
			return;
	}
}

/* -M, on the group's beat and when atropos holds or releases us: the verdict, acted on. */
static void inst_group_sync(struct inst *in, uint64_t now_ns)
{
	struct fsm_input x;

	if (in->group.fd >= 0)
		inst_group_verdict(in, now_ns);
	if (inst_inhibit_input(in, &x))
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

void inst_apply_prio(struct inst *in, uint64_t now_ns)
{
	int prio = inst_effective_prio(in);
	struct fsm_input x = { .type = FSM_IN_PRIORITY, .priority = (uint8_t)prio };
	char tracked[48] = "";
	struct fsm_out out;

	if (prio == in->fsm.priority || fsm_step(&in->fsm, now_ns, &x, &out))
		return;
	if (in->track_delta)
		snprintf(tracked, sizeof(tracked), ", %+d from tracking", in->track_delta);
	event_emit(in->o, "priority", "priority=%d configured=%d admin=%d tracking=%d", prio,
		   in->o->priority, in->admin_prio, in->track_delta);
	if (in->fsm.state == FSM_MASTER || in->fsm.state == FSM_BACKUP)
		event_fifo_instance(
			in->o, in->fsm.state == FSM_MASTER ? "MASTER_PRIORITY" : "BACKUP_PRIORITY",
			prio);
	log_info(LOG_INST_FMT "priority %d (configured %d%s)", LOG_INST_ARGS(in->o), prio,
		 in->o->priority, tracked);
	inst_apply(in, &out, now_ns);
}

/*
 * --link-delay: the link counts as up (down) once it has stayed so the delay; until then it is
 * what it was. *poll_ns gets when to look again (the delay's end) if one is running.
 */
static bool inst_link_stable(struct inst *in, bool ok, uint64_t now_ns, uint64_t *poll_ns)
{
	uint64_t delay_ns;

	delay_ns = (uint64_t)(ok ? in->o->link_up_delay_cs : in->o->link_down_delay_cs) *
		   FSM_NS_PER_CS;
	if (ok != in->link_raw) {
		in->link_raw = ok;
		in->link_raw_ns = now_ns;
		/* Said as a flapping port's lines are: limited (log_info_net). */
		if (ok != in->link_stable && delay_ns)
			log_info_net(
				LOG_INST_FMT "link %s: counted once it stays so %d.%02d s",
				LOG_INST_ARGS(in->o), ok ? "up" : "down",
				(ok ? in->o->link_up_delay_cs : in->o->link_down_delay_cs) / 100,
				(ok ? in->o->link_up_delay_cs : in->o->link_down_delay_cs) % 100);
		else if (ok == in->link_stable &&
			 in->o->link_down_delay_cs + in->o->link_up_delay_cs)
			log_info_net(LOG_INST_FMT "link %s again within --link-delay: no change",
				     LOG_INST_ARGS(in->o), ok ? "up" : "down");
	}
	if (ok != in->link_stable && now_ns - in->link_raw_ns < delay_ns) {
		/* Looked at again when the delay ends (a tick that early is still in time). */
		if (in->link_raw_ns + delay_ns + INST_LINK_POLL_SLACK_NS < *poll_ns)
			*poll_ns = in->link_raw_ns + delay_ns + INST_LINK_POLL_SLACK_NS;
		return in->link_stable;
	}
	in->link_stable = ok;
	return ok;
}

void inst_link_check(struct inst *in, uint64_t now_ns)
{
	struct fsm_input l = { .type = FSM_IN_LINK_DOWN };
	char q[sizeof(in->track_fault) + 8];
	const char *why;
	bool ok = inst_link_query(in, now_ns, &why);

	in->link_poll_ns = now_ns + INST_LINK_POLL_NS;
	ok = inst_link_stable(in, ok, now_ns, &in->link_poll_ns);
	inst_track_check(in, now_ns);
	if (ok && in->track_fault[0]) {
		why = in->track_fault;
		ok = false;
	}
	if (ok == in->link_ok)
		return;
	in->link_ok = ok;
	event_emit(in->o, "link", "state=%s why=%s", ok ? "up" : "down",
		   event_quote(q, sizeof(q), ok ? "" : why));
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

void inst_begin(struct inst *in, uint64_t now_ns)
{
	struct fsm_input start = { .type = FSM_IN_STARTUP };
	const char *why;

	in->link_ok = inst_link_query(in, now_ns, &why);
	/* At start the link counts as it is: --link-delay is for changes. */
	in->link_raw = in->link_stable = in->link_ok;
	in->link_raw_ns = now_ns;
	in->link_poll_ns = now_ns + INST_LINK_POLL_NS;
	/* The tracked interfaces as they are now: the priority to start with, or FAULT. */
	in->admin_prio = in->o->priority;
	inst_track_check(in, now_ns);
	if (in->link_ok && in->track_fault[0]) {
		why = in->track_fault;
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
		inst_group_sync(in, now_ns);
		break;
	case CTL_REQ_RESUME:
		in->held = false;
		if (in->admin_prio != in->o->priority)
			ret = inst_set_priority(in, in->o->priority, now_ns);
		inst_group_sync(in, now_ns);
		break;
	case CTL_REQ_MASTER:
		if (in->fsm.state == FSM_FAULT) {
			snprintf(msg, len, "the link is down");
			return -ENETDOWN;
		}
		in->held = false;
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
