/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VRRP election as a pure module (RFC 9568 section 6.4, RFC 3768 section 6.4): a step
 * function takes the current time and one input and returns the actions to perform and the next
 * deadline. No I/O, no clock, no globals. Times are CLOCK_MONOTONIC nanoseconds.
 */
#ifndef VRRPD_FSM_H
#define VRRPD_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_abi.h"

#define FSM_NS_PER_CS 10000000ull
#define FSM_NS_PER_S 1000000000ull

/* What the operator configured. */
struct fsm_cfg {
	uint8_t vrid;
	uint8_t priority; /* 1..255 */
	uint8_t version; /* 2 or 3 */
	bool preempt; /* consulted in Backup only; the owner (255) always preempts */
	/*
	 * --preempt-delay: after the start, and after the link comes back, follow a lower-priority
	 * master this long before preempting it (keepalived's preempt_delay): time for routes and
	 * neighbours to settle. 0: at once.
	 */
	uint64_t preempt_delay_ns;
	uint16_t adver_int_cs; /* v3: 1..4095 cs; v2: a multiple of 100 (1..255 s) */
	union vrrpd_addr primary_ip; /* our source address, for S7 ties */
	bool grouped; /* -M: starts inhibited, Master only once released (FSM_IN_RELEASE) */
};

enum fsm_state {
	FSM_INIT = VRRPD_ST_INIT,
	FSM_BACKUP = VRRPD_ST_BACKUP,
	FSM_MASTER = VRRPD_ST_MASTER,
	FSM_FAULT = VRRPD_ST_FAULT, /* the link is down: neither Master nor Backup */
};

/* A received advertisement, already validated by the XDP program. */
struct fsm_advert {
	uint64_t rx_ns; /* arrival time taken by the kernel */
	union vrrpd_addr saddr;
	uint8_t priority;
	uint16_t adver_int_cs;
};

enum fsm_input_type {
	FSM_IN_STARTUP, /* S1 */
	FSM_IN_ADVERT, /* S3, S4, S6, S7, S8 */
	FSM_IN_TIMER, /* the deadline returned earlier has passed: S2, S5 */
	FSM_IN_SHUTDOWN, /* S9 */
	FSM_IN_LINK_DOWN, /* -> FAULT (a Master steps down at once) */
	FSM_IN_LINK_UP, /* FAULT -> as at startup (S1) */
	/*
	 * -M groups: while inhibited, an instance whose election says "Master" stays Backup and
	 * is ready instead (fsm_ready()); a Master that is inhibited resigns (priority 0). Release
	 * makes a ready Backup Master at once.
	 */
	FSM_IN_INHIBIT,
	FSM_IN_RELEASE,
	FSM_IN_PRIORITY, /* a new effective priority (atropos); a Master advertises it at once */
	FSM_IN_TAKEOVER, /* a Backup that is not inhibited becomes Master now (atropos --master) */
};

struct fsm_input {
	enum fsm_input_type type;
	struct fsm_advert adv; /* FSM_IN_ADVERT */
	uint8_t priority; /* FSM_IN_PRIORITY: 1..254, or 255 for the owner */
	enum vrrpd_reason reason; /* INHIBIT, RELEASE, TAKEOVER: why (NONE: the group's) */
};

/* Actions, in the order the caller performs them. */
enum fsm_action {
	FSM_ACT_SEND_ADVERT = 1u << 0, /* an advert with the current priority */
	FSM_ACT_SEND_PRIO0 = 1u << 1, /* an advert with priority 0 (S9) */
	FSM_ACT_ADD_VIPS = 1u << 2,
	/*
	 * Gratuitous ARP burst for every VIP, after ADD_VIPS. Without FSM_ACT_STATE: a Master met
	 * another master and stays (S8, out.met_*), and announces itself again.
	 */
	FSM_ACT_GARP = 1u << 3,
	FSM_ACT_DEL_VIPS = 1u << 4,
	FSM_ACT_STATE = 1u << 7, /* the state changed: publish it */
	FSM_ACT_MASTER_CHANGED = 1u << 8, /* the master we follow changed: publish it */
};

struct fsm_out {
	uint32_t actions; /* FSM_ACT_* */
	enum fsm_state old_state;
	enum fsm_state new_state;
	enum vrrpd_reason reason; /* of the state change, when FSM_ACT_STATE */
	uint64_t deadline_ns; /* next FSM_IN_TIMER; 0: none */
	/*
	 * From when the caller should look: a Master's advert may go up to fsm_adver_slack_ns
	 * early; a Backup's caller should feed the adverts the kernel recorded since (they move
	 * the deadline) up to one master interval before it. Either way the timers of many
	 * instances share a wake-up; FSM_IN_TIMER never acts on a Backup before deadline_ns.
	 */
	uint64_t due_ns;
	/*
	 * FSM_ACT_GARP without FSM_ACT_STATE: the other master, whose advert was S8's, and when
	 * the previous one was met (0: never), for the caller's log: a flood meets one an interval.
	 */
	union vrrpd_addr met_ip;
	uint8_t met_priority;
	uint64_t met_prev_ns;
};

struct fsm {
	struct fsm_cfg cfg;
	enum fsm_state state;
	uint8_t priority; /* effective priority */
	uint16_t master_adver_int_cs; /* learned (v3 Backup), else ours */
	uint64_t adver_deadline_ns; /* Master: next advert */
	uint64_t answered_ns; /* Master: the last advert sent at once in answer (S6, S8); 0: none */
	uint64_t regarp_ns; /* Master: the last burst of gratuitous ARPs (takeover, another master) */
	uint64_t met_ns; /* the last burst for another master (D6); 0: none */
	uint64_t down_deadline_ns; /* Backup: Master_Down_Timer */
	uint64_t last_rx_ns; /* arrival of the newest advert seen, from anyone */
	uint64_t master_rx_ns; /* arrival of the newest advert accepted from the master we follow */
	union vrrpd_addr master_ip; /* the master we follow (Backup); zero: none */
	uint8_t master_priority;
	bool prio0_seen; /* the current down deadline comes from S3 */
	bool preempting; /* a lower-priority master was discarded (S4, preempt) */
	uint64_t preempt_after_ns; /* no preemption before (cfg.preempt_delay_ns after start) */
	bool inhibited; /* -M: the group does not allow Master now */
	bool ready; /* inhibited Backup whose election says Master */
};

void fsm_init(struct fsm *f, const struct fsm_cfg *cfg);
/* Applies one input at time now_ns; fills out; returns 0 or -EINVAL on a bad input. */
int fsm_step(struct fsm *f, uint64_t now_ns, const struct fsm_input *in, struct fsm_out *out);

/* RFC 9568 6.1: Skew_Time and Master_Down_Interval in nanoseconds, truncated. */
uint64_t fsm_skew_ns(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs);
uint64_t fsm_master_down_ns(uint8_t version, uint8_t priority, uint16_t master_adver_int_cs);
uint64_t fsm_adver_ns(const struct fsm *f);
/*
 * How early a Master's advert may go: 1/16 of its interval. The adverts of many instances due
 * within that of the first share its wake-up, and each instance keeps its own cadence.
 */
uint64_t fsm_adver_slack_ns(const struct fsm *f);
/* A Master's next advert after from_ns, on the common grid (see fsm.c). */
uint64_t fsm_adver_next_ns(const struct fsm *f, uint64_t from_ns);

/* -M: Master, or an inhibited Backup that would be Master. */
bool fsm_ready(const struct fsm *f);

const char *fsm_state_name(enum fsm_state s);
const char *fsm_reason_name(enum vrrpd_reason r);

#endif /* VRRPD_FSM_H */
