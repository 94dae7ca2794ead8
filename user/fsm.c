// SPDX-License-Identifier: GPL-2.0
/*
 * The VRRP election (RFC 9568 section 6.4 for v3, RFC 3768 section 6.4 for v2) as a pure step
 * function: fsm_step() takes the time and one input, updates struct fsm and says what the caller
 * must do and when to call again. No I/O, no clock, no globals, no allocation.
 *
 * Received adverts are timed by their arrival (adv.rx_ns, taken by the kernel), not by the time
 * the controller got round to them, so a slow controller does not stretch the Master_Down_Timer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "addr.h"
#include "fsm.h"

/*
 * RFC 9568 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256.
 * RFC 3768 6.1: Skew_Time = (256 - Priority) / 256 seconds, whatever the interval.
 * Rounding: computed exactly in nanoseconds, then truncated (the only division is by 256, so the
 * ns value is off by less than 1 ns). Truncated again to centiseconds, they round down to
 * CONFORMANCE.md T1's values at 100 cs: priority 255 -> 0 cs (3.90625 ms), 200 -> 21 (218.75 ms),
 * 100 -> 60 (609.375 ms), 1 -> 99 (996.09375 ms); Master_Down_Interval 300/321/360/399 cs.
 */
uint64_t fsm_skew_ns(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs)
{
	uint64_t weight = 256u - priority;

	if (version == 2)
		return weight * FSM_NS_PER_S / 256u;
	return weight * (master_adver_int_cs * FSM_NS_PER_CS) / 256u;
}

/* RFC 9568 6.1, RFC 3768 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
uint64_t fsm_master_down_ns(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs)
{
	return 3u * (master_adver_int_cs * FSM_NS_PER_CS) +
	       fsm_skew_ns(version, priority, master_adver_int_cs);
}

/* The interval we advertise at as Master: always the configured one. */
uint64_t fsm_adver_ns(const struct fsm *f)
{
	return f->cfg.adver_int_cs * FSM_NS_PER_CS;
}

uint64_t fsm_adver_slack_ns(const struct fsm *f)
{
	return fsm_adver_ns(f) / 16;
}

/*
 * When a Master's next advert is due, counted from `from_ns` (the advert just sent, or the
 * deadline it was sent for): on a common grid of the monotonic clock, never later than one
 * interval and never sooner than half of one. The latest multiple of the interval in that
 * window if there is one, else the latest multiple of half the interval (once: the deadline
 * after that is a full multiple). So the Masters of one process that share an interval send
 * together, one wake-up for all of them per interval, wherever each took over; RFC 9568 6.4.3
 * asks for an advert at least every Advertisement_Interval, and an early one harms nothing.
 */
uint64_t fsm_adver_next_ns(const struct fsm *f, uint64_t from_ns)
{
	uint64_t adver = fsm_adver_ns(f), half = adver / 2, t = from_ns + adver;

	if (!half)
		return t;
	if (t - t % adver >= from_ns + half)
		return t - t % adver;
	return t - t % half;
}

void fsm_init(struct fsm *f, const struct fsm_cfg *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = FSM_INIT;
	f->priority = cfg->priority;
	f->master_adver_int_cs = cfg->adver_int_cs;
	f->inhibited = cfg->grouped;
}

bool fsm_ready(const struct fsm *f)
{
	return f->state == FSM_MASTER || (f->state == FSM_BACKUP && f->ready);
}

static uint64_t fsm_deadline(const struct fsm *f)
{
	switch (f->state) {
	case FSM_MASTER:
		return f->adver_deadline_ns;
	case FSM_BACKUP:
		return f->down_deadline_ns;
	default:
		return 0;
	}
}

static void fsm_set_state(struct fsm *f, struct fsm_out *out, enum fsm_state s,
			  enum vrrpd_reason reason)
{
	f->state = s;
	out->actions |= FSM_ACT_STATE;
	out->reason = reason;
}

/* RFC 9568 6.4.1 / 6.4.2: send an advert, claim the addresses, announce them, -> Master. */
static void fsm_enter_master(struct fsm *f, uint64_t now_ns, struct fsm_out *out,
			     enum vrrpd_reason reason)
{
	fsm_set_state(f, out, FSM_MASTER, reason);
	out->actions |= FSM_ACT_SEND_ADVERT | FSM_ACT_ADD_VIPS | FSM_ACT_GARP;
	f->adver_deadline_ns = fsm_adver_next_ns(f, now_ns);
	f->down_deadline_ns = 0;
	f->answered_ns = 0;
	/* The takeover's burst: another master met within fsm_regarp's bound adds none. */
	f->regarp_ns = now_ns;
	f->prio0_seen = false;
	f->preempting = false;
}

/*
 * S6, S8: a Master answers an advert with one of its own at once, but once an
 * Advertisement_Interval at most: a host flooding valid adverts (VRRPv3 has no authentication)
 * gets one answer per interval, not one per advert. The routine advert is due by then anyway.
 */
static void fsm_answer(struct fsm *f, uint64_t now_ns, struct fsm_out *out)
{
	if (f->answered_ns && now_ns - f->answered_ns < fsm_adver_ns(f))
		return;
	f->answered_ns = now_ns;
	out->actions |= FSM_ACT_SEND_ADVERT;
	/*
	 * A full interval, off the common grid for once: under a flood the XDP program passes one
	 * lower-priority advert an interval, and the answer then takes the routine advert's place
	 * (on the grid the two alternated: 165 adverts/s at 10 ms in make bench, not 100).
	 */
	f->adver_deadline_ns = now_ns + fsm_adver_ns(f);
}

/*
 * At most one burst of gratuitous ARPs per Advertisement_Interval, and per second under one
 * (the burst itself takes 0.5 s at the defaults, 5 x 100 ms).
 */
#define FSM_REGARP_MIN_NS FSM_NS_PER_S

/*
 * D6: S8 met another master, and we stay (keepalived's garp_lower_prio_repeat): the network
 * between us was cut, the other took over, and it now hears us again. While it was master, the
 * switches learned the VMAC on its port, and the hosts (-n) its MAC for the VIPs. It gives the
 * addresses up, but nothing it does moves those back; nor does our advert where it does not
 * leave from the VMAC (--peer: through the kernel's IP path, from the interface's MAC), and never
 * for the hosts' neighbour caches (-n). So the takeover's burst again, but once per
 * Advertisement_Interval (FSM_REGARP_MIN_NS at least), and not within one of our takeover's
 * burst: VRRPv3 has no authentication, and a host that floods lower priority adverts (the XDP
 * program already passes one an interval) gets one burst an interval from us, not one per
 * advert.
 */
static void fsm_regarp(struct fsm *f, uint64_t now_ns, const struct fsm_advert *adv,
		       struct fsm_out *out)
{
	uint64_t gap = fsm_adver_ns(f) > FSM_REGARP_MIN_NS ? fsm_adver_ns(f) : FSM_REGARP_MIN_NS;

	if (f->regarp_ns && now_ns - f->regarp_ns < gap)
		return;
	f->regarp_ns = now_ns;
	out->actions |= FSM_ACT_GARP;
	out->met_ip = adv->saddr;
	out->met_priority = adv->priority;
	out->met_prev_ns = f->met_ns;
	f->met_ns = now_ns;
}

/*
 * RFC 9568 6.4.2 / 6.4.3: follow the sender of adv. v3 learns Master_Adver_Interval from it;
 * v2 keeps its own (the XDP program already dropped a mismatched interval, RFC 3768 7.1).
 */
static void fsm_follow(struct fsm *f, const struct fsm_advert *adv)
{
	if (f->cfg.version != 2)
		f->master_adver_int_cs = adv->adver_int_cs;
	f->down_deadline_ns = adv->rx_ns + fsm_master_down_ns(f->cfg.version, f->priority,
							      f->master_adver_int_cs);
	f->master_ip = adv->saddr;
	f->master_priority = adv->priority;
	f->master_rx_ns = adv->rx_ns;
	f->prio0_seen = false;
	f->preempting = false;
	f->ready = false;
}

static void fsm_backup_advert(struct fsm *f, const struct fsm_advert *adv, struct fsm_out *out)
{
	/*
	 * RFC 9568 6.4.2, S10: preempt matters only here, and the owner always preempts. Within
	 * the preempt delay, a lower-priority master is followed as if preempt were off.
	 */
	bool preempt = (f->cfg.preempt &&
			(!f->cfg.preempt_delay_ns || adv->rx_ns >= f->preempt_after_ns)) ||
		       f->priority == VRRP_PRIO_OWNER;

	if (adv->priority == VRRP_PRIO_STOP && f->ready) {
		/*
		 * -M: already waiting for the group, ready to be Master: a resignation (the other
		 * router's group stepping down) changes nothing, and must not make us unready.
		 */
		f->master_rx_ns = adv->rx_ns;
		return;
	}
	if (adv->priority == VRRP_PRIO_STOP) {
		/* RFC 9568 6.4.2 (S3): the master resigned; the best backup takes over first. */
		f->down_deadline_ns = adv->rx_ns + fsm_skew_ns(f->cfg.version, f->priority,
							       f->master_adver_int_cs);
		f->prio0_seen = true;
		f->preempting = false;
		f->ready = false;
		/*
		 * The master's routine adverts from before the resignation, reported late from
		 * vrrpd_rx at this very deadline, must not undo it: order them after this one.
		 */
		f->master_rx_ns = adv->rx_ns;
		return;
	}
	/*
	 * RFC 9568 6.4.2 (S4): accept when preempt is off or the sender is at least as good as
	 * us. Equal priorities never compare addresses in Backup (S10): that tie-break belongs to
	 * Master only (RFC 9568 6.4.3).
	 */
	if (!preempt || adv->priority >= f->priority) {
		if (!addr_eq(&adv->saddr, &f->master_ip) || adv->priority != f->master_priority)
			out->actions |= FSM_ACT_MASTER_CHANGED;
		fsm_follow(f, adv);
		return;
	}
	/* RFC 9568 6.4.2 (S4): preempt on, lower priority: discard, the timer will make us Master. */
	f->preempting = true;
}

static void fsm_master_advert(struct fsm *f, uint64_t now_ns, const struct fsm_advert *adv,
			      struct fsm_out *out)
{
	int cmp = addr_cmp(&adv->saddr, &f->cfg.primary_ip);

	if (adv->priority == VRRP_PRIO_STOP) {
		/* RFC 9568 6.4.3 (S6): another master resigned: assert ourselves at once. */
		fsm_answer(f, now_ns, out);
		return;
	}
	/* RFC 9568 6.4.3 (S7): primary addresses compare as unsigned integers in network order. */
	if (adv->priority > f->priority || (adv->priority == f->priority && cmp > 0)) {
		fsm_set_state(f, out, FSM_BACKUP,
			      adv->priority > f->priority ? VRRPD_R_HIGHER_PRIO :
							    VRRPD_R_HIGHER_ADDR);
		out->actions |= FSM_ACT_DEL_VIPS;
		f->adver_deadline_ns = 0;
		fsm_follow(f, adv);
		return;
	}
	/* Our own advert echoed back: answering it would loop. */
	if (adv->priority == f->priority && cmp == 0)
		return;
	/*
	 * RFC 9568 6.4.3 (S8): discard a lower priority advert but send ours at once, so the other
	 * router (which may have just come up as Master) steps down without waiting an interval;
	 * and, another master met, our gratuitous ARPs again.
	 */
	fsm_answer(f, now_ns, out);
	fsm_regarp(f, now_ns, adv, out);
}

/*
 * The newest arrival an advert must beat to count. Adverts from the master a Backup follows are
 * ordered among themselves only: the kernel reports the routine ones late (at the deadline, from
 * vrrpd_rx), possibly after a newer advert from some other router was already handled.
 */
static uint64_t fsm_last_rx(const struct fsm *f, const struct fsm_advert *adv)
{
	if (f->state == FSM_BACKUP && !addr_is_zero(&f->master_ip) &&
	    addr_eq(&adv->saddr, &f->master_ip))
		return f->master_rx_ns;
	return f->last_rx_ns;
}

static int fsm_advert(struct fsm *f, uint64_t now_ns, const struct fsm_advert *adv,
		      struct fsm_out *out)
{
	/* RFC 9568 5.2.7, CONFORMANCE.md R7: a zero or over-long v3 interval is invalid (XDP drops
	 * it). */
	if (f->cfg.version != 2 &&
	    (adv->adver_int_cs == 0 || adv->adver_int_cs > VRRP_V3_MAX_INT_CS))
		return -EINVAL;
	if (f->state == FSM_INIT || f->state == FSM_FAULT)
		return 0;
	/*
	 * The same advert can reach us twice (ring buffer event and vrrpd_rx), and a late one
	 * after a newer one: only arrivals after the last one count, so no deadline moves back
	 * and nothing is sent twice. rx_ns == 0 is taken as "no time yet" rather than as stale.
	 */
	if (f->last_rx_ns && adv->rx_ns <= fsm_last_rx(f, adv))
		return 0;
	if (adv->rx_ns > f->last_rx_ns)
		f->last_rx_ns = adv->rx_ns;

	if (f->state == FSM_BACKUP)
		fsm_backup_advert(f, adv, out);
	else
		fsm_master_advert(f, now_ns, adv, out);
	return 0;
}

static void fsm_timer(struct fsm *f, uint64_t now_ns, struct fsm_out *out)
{
	enum vrrpd_reason reason;
	uint64_t next;

	if (f->state == FSM_BACKUP && now_ns >= f->down_deadline_ns) {
		/* RFC 9568 6.4.2 (S2): Master_Down_Timer fired. */
		if (f->prio0_seen)
			reason = VRRPD_R_PRIO_ZERO;
		else if (f->preempting)
			reason = VRRPD_R_PREEMPT;
		else
			reason = VRRPD_R_MASTER_DOWN;
		if (f->inhibited) {
			/*
			 * -M: the group is not ready; wait for it, ready. Look again every
			 * interval: adverts of a master coming back may take the fast path and
			 * are seen only when the caller reads vrrpd_rx at a deadline.
			 */
			f->ready = true;
			f->down_deadline_ns = now_ns + f->master_adver_int_cs * FSM_NS_PER_CS;
			return;
		}
		fsm_enter_master(f, now_ns, out, reason);
	} else if (f->state == FSM_MASTER &&
		   now_ns + fsm_adver_slack_ns(f) >= f->adver_deadline_ns) {
		/*
		 * RFC 9568 6.4.3 (S5): Adver_Timer fired, or is about to (fsm_adver_slack_ns).
		 * Keep the cadence, but after a stall (e.g. a suspended process) send one advert,
		 * not a burst of the missed ones.
		 */
		out->actions |= FSM_ACT_SEND_ADVERT;
		next = fsm_adver_next_ns(f, f->adver_deadline_ns);
		f->adver_deadline_ns = next > now_ns ? next : fsm_adver_next_ns(f, now_ns);
	}
}

/* S1, at startup (from INIT) or when the link comes back (from FAULT, reason LINK_UP). */
static int fsm_startup(struct fsm *f, uint64_t now_ns, struct fsm_out *out,
		       enum vrrpd_reason reason)
{
	/* RFC 9568 6.4.1: Master_Adver_Interval starts as our own Advertisement_Interval. */
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	f->preempt_after_ns = now_ns + f->cfg.preempt_delay_ns;
	memset(&f->master_ip, 0, sizeof(f->master_ip));
	f->master_priority = 0;
	f->prio0_seen = false;
	f->preempting = false;
	f->ready = false;
	/* RFC 9568 6.4.1 (S1): the address owner becomes Master at once. */
	if (f->priority == VRRP_PRIO_OWNER && !f->inhibited) {
		fsm_enter_master(f, now_ns, out, VRRPD_R_OWNER);
		return 0;
	}
	if (f->priority == VRRP_PRIO_OWNER) {
		/* -M: the owner waits for its group like any other member. */
		fsm_set_state(f, out, FSM_BACKUP, reason);
		f->adver_deadline_ns = 0;
		f->down_deadline_ns = now_ns + f->master_adver_int_cs * FSM_NS_PER_CS;
		f->ready = true;
		return 0;
	}
	/* RFC 9568 6.4.1 (S1): Master_Down_Timer = Master_Down_Interval. */
	fsm_set_state(f, out, FSM_BACKUP, reason);
	f->adver_deadline_ns = 0;
	f->down_deadline_ns =
		now_ns + fsm_master_down_ns(f->cfg.version, f->priority, f->master_adver_int_cs);
	return 0;
}

/* No timer, no master followed, nothing pending: what FAULT and INIT start from. */
static void fsm_forget(struct fsm *f)
{
	f->ready = false;
	f->adver_deadline_ns = 0;
	f->down_deadline_ns = 0;
	memset(&f->master_ip, 0, sizeof(f->master_ip));
	f->master_priority = 0;
	f->prio0_seen = false;
	f->preempting = false;
}

/* The link is gone: a Master steps down at once (no advert can leave), timers stop. */
static void fsm_link_down(struct fsm *f, struct fsm_out *out)
{
	if (f->state == FSM_FAULT)
		return;
	if (f->state == FSM_MASTER)
		out->actions |= FSM_ACT_DEL_VIPS;
	fsm_set_state(f, out, FSM_FAULT, VRRPD_R_LINK_DOWN);
	fsm_forget(f);
}

/*
 * -M: the group does not allow Master. A Master resigns as at shutdown (priority 0, so the
 * other router's member takes over after Skew_Time) and waits as Backup.
 */
static void fsm_inhibit(struct fsm *f, uint64_t now_ns, struct fsm_out *out,
			enum vrrpd_reason reason)
{
	f->inhibited = true;
	if (f->state != FSM_MASTER)
		return;
	out->actions |= FSM_ACT_SEND_PRIO0 | FSM_ACT_DEL_VIPS;
	fsm_set_state(f, out, FSM_BACKUP, reason ? reason : VRRPD_R_GROUP);
	fsm_forget(f);
	f->master_adver_int_cs = f->cfg.adver_int_cs;
	f->down_deadline_ns =
		now_ns + fsm_master_down_ns(f->cfg.version, f->priority, f->master_adver_int_cs);
}

/* -M: the whole group may be Master: a ready Backup becomes Master now. */
static void fsm_release(struct fsm *f, uint64_t now_ns, struct fsm_out *out,
			enum vrrpd_reason reason)
{
	f->inhibited = false;
	if (f->state == FSM_BACKUP && f->ready) {
		f->ready = false;
		fsm_enter_master(f, now_ns, out, reason ? reason : VRRPD_R_GROUP_READY);
	}
}

/* A new effective priority: a Master says so at once (a better backup may then preempt). */
static int fsm_priority(struct fsm *f, uint64_t now_ns, uint8_t priority, struct fsm_out *out)
{
	if (priority == VRRP_PRIO_STOP)
		return -EINVAL;
	f->priority = priority;
	if (f->state == FSM_MASTER) {
		out->actions |= FSM_ACT_SEND_ADVERT;
		f->adver_deadline_ns = fsm_adver_next_ns(f, now_ns);
	}
	return 0;
}

static void fsm_shutdown(struct fsm *f, struct fsm_out *out)
{
	if (f->state == FSM_INIT)
		return;
	/* RFC 9568 6.4.3 (S9): a resigning Master sends priority 0 first, then drops the VIPs. */
	if (f->state == FSM_MASTER)
		out->actions |= FSM_ACT_SEND_PRIO0 | FSM_ACT_DEL_VIPS;
	/* RFC 9568 6.4.2 (S9): a Backup just stops its timer. */
	fsm_set_state(f, out, FSM_INIT, VRRPD_R_SHUTDOWN);
	fsm_forget(f);
}

int fsm_step(struct fsm *f, uint64_t now_ns, const struct fsm_input *in, struct fsm_out *out)
{
	int err = 0;

	if (!f || !in || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->old_state = f->state;
	out->reason = VRRPD_R_NONE;

	switch (in->type) {
	case FSM_IN_STARTUP:
		err = f->state == FSM_INIT ? fsm_startup(f, now_ns, out, VRRPD_R_STARTUP) : -EINVAL;
		break;
	case FSM_IN_LINK_DOWN:
		fsm_link_down(f, out);
		break;
	case FSM_IN_LINK_UP:
		if (f->state == FSM_FAULT)
			err = fsm_startup(f, now_ns, out, VRRPD_R_LINK_UP);
		break;
	case FSM_IN_INHIBIT:
		fsm_inhibit(f, now_ns, out, in->reason);
		break;
	case FSM_IN_RELEASE:
		fsm_release(f, now_ns, out, in->reason);
		break;
	case FSM_IN_PRIORITY:
		err = fsm_priority(f, now_ns, in->priority, out);
		break;
	case FSM_IN_TAKEOVER:
		if (f->state != FSM_BACKUP || f->inhibited)
			err = -EAGAIN;
		else
			fsm_enter_master(f, now_ns, out,
					 in->reason ? in->reason : VRRPD_R_ADMIN_MASTER);
		break;
	case FSM_IN_ADVERT:
		err = fsm_advert(f, now_ns, &in->adv, out);
		break;
	case FSM_IN_TIMER:
		fsm_timer(f, now_ns, out);
		break;
	case FSM_IN_SHUTDOWN:
		fsm_shutdown(f, out);
		break;
	default:
		err = -EINVAL;
		break;
	}
	out->new_state = f->state;
	out->deadline_ns = fsm_deadline(f);
	out->due_ns = out->deadline_ns;
	if (f->state == FSM_MASTER && out->due_ns)
		out->due_ns -= fsm_adver_slack_ns(f);
	else if (f->state == FSM_BACKUP && out->due_ns)
		out->due_ns -= f->master_adver_int_cs * FSM_NS_PER_CS;
	return err;
}

const char *fsm_state_name(enum fsm_state s)
{
	switch (s) {
	case FSM_INIT:
		return "INIT";
	case FSM_BACKUP:
		return "BACKUP";
	case FSM_MASTER:
		return "MASTER";
	case FSM_FAULT:
		return "FAULT";
	default:
		return "UNKNOWN";
	}
}

const char *fsm_reason_name(enum vrrpd_reason r)
{
	switch (r) {
	case VRRPD_R_NONE:
		return "none";
	case VRRPD_R_STARTUP:
		return "startup";
	case VRRPD_R_OWNER:
		return "address owner";
	case VRRPD_R_MASTER_DOWN:
		return "master down";
	case VRRPD_R_PRIO_ZERO:
		return "master resigned (priority 0)";
	case VRRPD_R_HIGHER_PRIO:
		return "higher priority advert";
	case VRRPD_R_HIGHER_ADDR:
		return "equal priority, higher address";
	case VRRPD_R_PREEMPT:
		return "preempting a lower priority master";
	case VRRPD_R_SHUTDOWN:
		return "shutdown";
	case VRRPD_R_LINK_DOWN:
		return "link down";
	case VRRPD_R_LINK_UP:
		return "link up";
	case VRRPD_R_GROUP:
		return "group member not ready";
	case VRRPD_R_GROUP_READY:
		return "group ready";
	case VRRPD_R_ADMIN_BACKUP:
		return "atropos --backup";
	case VRRPD_R_ADMIN_MASTER:
		return "atropos --master";
	default:
		return "unknown";
	}
}
