// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the VRRP election (user/fsm.c) against the T and S rules of docs/CONFORMANCE.md,
 * driven by a fake clock: each test owns a struct fake, whose now_ns only moves when the test says
 * so.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fsm.h"

#define US (1000ull)
#define MS (1000000ull)
#define S (1000000000ull)
#define CS FSM_NS_PER_CS
#define T_START (1000 * S) /* the fake clock starts here: CLOCK_MONOTONIC is never 0 */

#define ENTER_MASTER (FSM_ACT_SEND_ADVERT | FSM_ACT_ADD_VIPS | FSM_ACT_GARP | FSM_ACT_STATE)
#define LEAVE_MASTER (FSM_ACT_DEL_VIPS | FSM_ACT_STATE)

/* One router under test, its fake clock and the last output. */
struct fake {
	struct fsm f;
	uint64_t now_ns;
	struct fsm_out out;
};

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static void fake_init(struct fake *k, uint8_t version, uint8_t prio, bool preempt, uint16_t int_cs)
{
	struct fsm_cfg cfg = {
		.vrid = 51,
		.priority = prio,
		.version = version,
		.preempt = preempt,
		.adver_int_cs = int_cs,
		.primary_ip = { .v4 = ip4(10, 0, 0, 2) },
	};

	memset(k, 0, sizeof(*k));
	fsm_init(&k->f, &cfg);
	k->now_ns = T_START;
}

static int fake_input(struct fake *k, enum fsm_input_type type)
{
	struct fsm_input in = { .type = type };

	return fsm_step(&k->f, k->now_ns, &in, &k->out);
}

static int fake_start(struct fake *k)
{
	return fake_input(k, FSM_IN_STARTUP);
}

/* A Master's next advert after one sent (or due) at from_ns: on the common grid. */
#define NEXT(k, from) fsm_adver_next_ns(&(k)->f, (from))

/* The caller's timer: fires at now_ns (which the test set). */
static int fake_timer(struct fake *k)
{
	return fake_input(k, FSM_IN_TIMER);
}

/* Moves the clock to the last deadline and fires the timer there. */
static int fake_fire(struct fake *k)
{
	k->now_ns = k->out.deadline_ns;
	return fake_timer(k);
}

/* An advert that arrived at rx_ns and is handed to the FSM at the clock's current time. */
static int fake_advert_at(struct fake *k, uint64_t rx_ns, uint32_t saddr, uint8_t prio,
			  uint16_t int_cs)
{
	struct fsm_input in = {
		.type = FSM_IN_ADVERT,
		.adv = { .rx_ns = rx_ns,
			 .saddr = { .v4 = saddr },
			 .priority = prio,
			 .adver_int_cs = int_cs },
	};

	return fsm_step(&k->f, k->now_ns, &in, &k->out);
}

/* An advert that arrived just now. */
static int fake_advert(struct fake *k, uint32_t saddr, uint8_t prio, uint16_t int_cs)
{
	return fake_advert_at(k, k->now_ns, saddr, prio, int_cs);
}

/* Brings k to Master through S2 (it must be a non-owner that just started). */
static void fake_to_master(struct fake *k)
{
	CHECK_EQ(fake_start(k), 0);
	CHECK_EQ(fake_fire(k), 0);
	CHECK_EQ(k->f.state, FSM_MASTER);
}

static void check_noop(const struct fake *k, enum fsm_state s, uint64_t deadline_ns)
{
	CHECK_EQ(k->out.actions, 0);
	CHECK_EQ(k->out.old_state, s);
	CHECK_EQ(k->out.new_state, s);
	CHECK_EQ(k->out.reason, VRRPD_R_NONE);
	CHECK_EQ(k->out.deadline_ns, deadline_ns);
	CHECK_EQ(k->f.state, s);
}

static void test_init(void)
{
	struct fake k;

	fake_init(&k, 3, 120, true, 150);
	CHECK_EQ(k.f.state, FSM_INIT);
	CHECK_EQ(k.f.priority, 120);
	CHECK_EQ(k.f.master_adver_int_cs, 150);
	CHECK_EQ(fsm_adver_ns(&k.f), 1500 * MS);
	/* Timers and adverts are ignored before startup. */
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_INIT, 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 200, 100), 0);
	check_noop(&k, FSM_INIT, 0);
	CHECK_EQ(k.f.master_ip.v4, 0);
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	check_noop(&k, FSM_INIT, 0);
}

/* T1: Skew_Time and Master_Down_Interval at 100 cs. */
static void test_t1_timer_values(void)
{
	static const struct {
		uint8_t prio;
		uint64_t skew_ns, skew_cs, down_cs;
	} t1[] = {
		/* 255: 1/256 of 1 s is 3.90625 ms, 0 cs once truncated. */
		{ 255, 3906250, 0, 300 },
		{ 200, 218750 * US, 21, 321 },
		{ 100, 609375 * US, 60, 360 },
		{ 1, 996093750, 99, 399 },
	};

	for (size_t i = 0; i < sizeof(t1) / sizeof(t1[0]); i++) {
		/* Exact in ns, truncated to cs: the values of CONFORMANCE.md T1. */
		CHECK_EQ(fsm_skew_ns(3, t1[i].prio, 100), t1[i].skew_ns);
		CHECK_EQ(fsm_master_down_ns(3, t1[i].prio, 100), 3 * S + t1[i].skew_ns);
		CHECK_EQ(fsm_skew_ns(3, t1[i].prio, 100) / CS, t1[i].skew_cs);
		CHECK_EQ(fsm_master_down_ns(3, t1[i].prio, 100) / CS, t1[i].down_cs);
		/* v2 at 1 s gives the same numbers. */
		CHECK_EQ(fsm_skew_ns(2, t1[i].prio, 100), t1[i].skew_ns);
		CHECK_EQ(fsm_master_down_ns(2, t1[i].prio, 100) / CS, t1[i].down_cs);
	}
	/* v3 Skew_Time scales with the interval: 100 at 300 cs is 156 * 3 s / 256. */
	CHECK_EQ(fsm_skew_ns(3, 100, 300), 1828125 * US);
	CHECK_EQ(fsm_master_down_ns(3, 100, 300), 9 * S + 1828125 * US);
	/* Truncation: 56 * 10 ms / 256 = 2.1875 ms, 1 * 10 ms / 256 = 39062.5 ns. */
	CHECK_EQ(fsm_skew_ns(3, 200, 1), 2187500);
	CHECK_EQ(fsm_skew_ns(3, 255, 1), 39062);
	/* The largest v3 value does not overflow. */
	CHECK_EQ(fsm_master_down_ns(3, 1, 4095), 3 * 4095 * CS + 255 * 4095 * CS / 256);
}

/* T1 for v2 (RFC 3768 6.1): the interval is whole seconds, Skew_Time does not scale with it. */
static void test_t1_v2_timer_values(void)
{
	struct fake k;

	CHECK_EQ(fsm_skew_ns(2, 100, 300), 609375 * US);
	CHECK_EQ(fsm_master_down_ns(2, 100, 300), 9 * S + 609375 * US);
	CHECK_EQ(fsm_master_down_ns(2, 200, 500), 15 * S + 218750 * US);

	fake_init(&k, 2, 100, true, 300);
	CHECK_EQ(fsm_adver_ns(&k.f), 3 * S);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.deadline_ns, T_START + 9 * S + 609375 * US);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.f.state, FSM_MASTER);
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, k.now_ns));
	/* 1011 s is on the 3 s grid but 1.6 s away, under half an interval: the 1.5 s grid. */
	CHECK_EQ(k.out.deadline_ns, T_START + 12 * S + 500 * MS);
}

/* T2: a v3 Backup learns Master_Adver_Interval and its down timer follows it. */
static void test_t2_v3_learns_interval(void)
{
	struct fake k;
	uint64_t rx;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 50 * MS;
	rx = k.now_ns - 2 * MS; /* the controller sees it a little after the kernel */
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 1), 200, 400), 0);
	CHECK_EQ(k.f.master_adver_int_cs, 400);
	CHECK_EQ(k.out.deadline_ns, rx + fsm_master_down_ns(3, 100, 400));
	CHECK_EQ(k.out.deadline_ns, rx + 12 * S + 2437500 * US);
	/* The deadline the configured interval would give passes quietly. */
	k.now_ns = rx + fsm_master_down_ns(3, 100, 100);
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_BACKUP, rx + fsm_master_down_ns(3, 100, 400));
	/* A faster master: the timer follows it down. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 50), 0);
	CHECK_EQ(k.f.master_adver_int_cs, 50);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + fsm_master_down_ns(3, 100, 50));
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
	/* As Master we advertise at our own interval, not the learned one. */
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, k.now_ns));
	CHECK(k.out.deadline_ns > k.now_ns + 500 * MS && k.out.deadline_ns <= k.now_ns + 1 * S);
	/* RFC 9568 6.4.1: a restart forgets the learned interval. */
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.f.master_adver_int_cs, 100);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
}

/* T2 for v2: the interval is not learned (the XDP program drops a mismatch, RFC 3768 7.1). */
static void test_t2_v2_keeps_interval(void)
{
	struct fake k;

	fake_init(&k, 2, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 300), 0);
	CHECK_EQ(k.f.master_adver_int_cs, 100);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
}

/* S1: the owner starts as Master. */
static void test_s1_owner_startup(void)
{
	struct fake k;

	fake_init(&k, 3, 255, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.actions, ENTER_MASTER);
	CHECK_EQ(k.out.old_state, FSM_INIT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_OWNER);
	CHECK_EQ(k.out.deadline_ns, T_START + 1 * S);
	CHECK_EQ(k.f.adver_deadline_ns, T_START + 1 * S);
	/* Startup only from Initialize. */
	CHECK_EQ(fake_start(&k), -EINVAL);
	check_noop(&k, FSM_MASTER, T_START + 1 * S);
}

/* S1: anyone else starts as Backup with Master_Down_Timer = Master_Down_Interval. */
static void test_s1_backup_startup(void)
{
	struct fake k;

	fake_init(&k, 3, 200, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.old_state, FSM_INIT);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK_EQ(k.out.reason, VRRPD_R_STARTUP);
	CHECK_EQ(k.out.deadline_ns, T_START + 3 * S + 218750 * US);
	CHECK_EQ(k.f.down_deadline_ns, k.out.deadline_ns);
	/* The caller looks at the recorded adverts one master interval before the deadline. */
	CHECK_EQ(k.out.due_ns, T_START + 2 * S + 218750 * US);
	/* ... but the timer does nothing before the deadline itself. */
	k.now_ns = T_START + 3 * S + 218749 * US;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_BACKUP, T_START + 3 * S + 218750 * US);
	k.now_ns = T_START;
	CHECK_EQ(fake_start(&k), -EINVAL);
	check_noop(&k, FSM_BACKUP, T_START + 3 * S + 218750 * US);
}

/* S2: Master_Down_Timer fires: advert, VIPs, GARP, -> Master. */
static void test_s2_master_down(void)
{
	struct fake k;
	uint64_t down;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	down = k.out.deadline_ns;
	/* A timer that fires early changes nothing. */
	k.now_ns = down - 1;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_BACKUP, down);
	k.now_ns = down;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, ENTER_MASTER);
	CHECK_EQ(k.out.old_state, FSM_BACKUP);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, down));

	/* A late timer still works, and the adver deadline counts from now. */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns = k.out.deadline_ns + 5 * S;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, k.now_ns));

	/* After a followed master goes quiet, the reason is still "master down". */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 150, 100), 0);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
}

/* S3: a priority 0 advert sets Master_Down_Timer to Skew_Time. */
static void test_s3_prio_zero(void)
{
	struct fake k;
	uint64_t rx;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	k.now_ns += 1 * S;
	rx = k.now_ns - 3 * MS;
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 1), 0, 100), 0);
	CHECK_EQ(k.out.actions, 0);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	/* Timed from the arrival, not from when the controller saw it. */
	CHECK_EQ(k.out.deadline_ns, rx + 609375 * US);
	CHECK(k.f.prio0_seen);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.actions, ENTER_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_PRIO_ZERO);

	/* The skew uses the learned interval (v3): 156 * 2 s / 256. */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 200), 0);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 0, 200), 0);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 1218750 * US);

	/* A new master advertising before the timer fires cancels the fast takeover. */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 0, 100), 0);
	k.now_ns += 100 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 3), 150, 100), 0);
	CHECK(!k.f.prio0_seen);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
}

/* S4: a Backup follows a better master: learn, reset the timer, publish a new master. */
static void test_s4_backup_resets_timer(void)
{
	struct fake k;
	uint64_t down;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
	CHECK_EQ(k.f.master_ip.v4, ip4(10, 0, 0, 1));
	CHECK_EQ(k.f.master_priority, 200);
	/* The same master again: only the timer moves. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	check_noop(&k, FSM_BACKUP, k.now_ns + 3 * S + 609375 * US);
	/* Its priority changed: publish. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 150, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.f.master_priority, 150);
	/* Another router at the same priority: publish. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 7), 150, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.f.master_ip.v4, ip4(10, 0, 0, 7));

	/* Preempt on, lower priority: discarded, the timer stays, then we preempt. */
	down = k.out.deadline_ns;
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 8), 50, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK_EQ(k.f.master_ip.v4, ip4(10, 0, 0, 7));
	CHECK(k.f.preempting);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 8), 50, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.actions, ENTER_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_PREEMPT);

	/* Preempt on, equal priority is accepted (S4: priority >= local). */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);

	/* Preempt off, lower priority is accepted too. */
	fake_init(&k, 3, 100, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 2 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 50, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
	CHECK(!k.f.preempting);
}

/* S5: Adver_Timer fires: send an advert, keep the cadence, no burst after a stall. */
static void test_s5_master_adver_timer(void)
{
	struct fake k;

	fake_init(&k, 3, 255, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	/* Due 1/16 of the interval early (fsm_adver_slack_ns): before that, nothing. */
	CHECK_EQ(fsm_adver_slack_ns(&k.f), 62500 * 1000);
	k.now_ns = T_START + 937 * MS;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_MASTER, T_START + 1 * S);
	CHECK_EQ(k.out.due_ns, T_START + 937500 * 1000);
	/* Within the slack, on time or a little late: the next deadline keeps the cadence. */
	k.now_ns = T_START + 938 * MS;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_NONE);
	CHECK_EQ(k.out.deadline_ns, T_START + 2 * S);
	CHECK_EQ(k.out.due_ns, T_START + 2 * S - 62500 * 1000);
	k.now_ns = T_START + 2 * S + 300 * MS;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, T_START + 3 * S);
	/* Exactly one interval late: the cadence deadline is now, not the future: restart. */
	k.now_ns = T_START + 4 * S;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, T_START + 5 * S);
	/* A 10 s stall: one advert, then the next on the grid, after half an interval at least. */
	k.now_ns = T_START + 15 * S + 400 * MS;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, T_START + 16 * S);
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_MASTER, T_START + 16 * S);
	k.now_ns = T_START + 26 * S + 600 * MS;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, T_START + 27 * S + 500 * MS);
	/* Off the full grid once: the advert after that is back on it, half an interval later. */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, T_START + 28 * S);
}

/*
 * S5 for many Masters: each next advert is on a common grid of the clock, never more than one
 * interval and never less than half of one after the last; Masters that took over at any time
 * share their deadlines after two adverts, so one wake-up serves them all.
 */
static void test_s5_common_grid(void)
{
	static const uint16_t ints[] = { 1, 3, 7, 100, 4095 };
	struct fake a, b;
	uint64_t adver, from, next, n;
	unsigned int i, j;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		fake_init(&a, 3, 200, true, ints[i]);
		adver = fsm_adver_ns(&a.f);
		for (j = 0; j < 1000; j++) {
			from = T_START + (uint64_t)j * 7919 * US + j % 13;
			next = NEXT(&a, from);
			CHECK(next >= from + adver / 2 && next <= from + adver);
			CHECK_EQ(next % (adver / 2), 0);
			next = NEXT(&a, next);
			CHECK_EQ(next % adver, 0);
		}
	}
	/* Two Masters, 10 ms adverts, taking over 3.3 ms apart: the same deadlines from the 2nd. */
	fake_init(&a, 3, 200, true, 1);
	fake_init(&b, 3, 200, true, 1);
	a.now_ns = T_START + 1234567;
	b.now_ns = a.now_ns + 3300 * US;
	CHECK_EQ(fake_start(&a), 0);
	CHECK_EQ(fake_start(&b), 0);
	CHECK_EQ(fake_fire(&a), 0);
	CHECK_EQ(fake_fire(&b), 0);
	CHECK_EQ(a.f.state, FSM_MASTER);
	CHECK_EQ(b.f.state, FSM_MASTER);
	CHECK(a.out.deadline_ns != b.out.deadline_ns);
	for (n = 0; n < 3; n++) {
		CHECK_EQ(fake_fire(&a), 0);
		CHECK_EQ(fake_fire(&b), 0);
		CHECK_EQ(a.out.actions, FSM_ACT_SEND_ADVERT);
		CHECK_EQ(b.out.actions, FSM_ACT_SEND_ADVERT);
		CHECK_EQ(a.out.deadline_ns, b.out.deadline_ns);
		CHECK_EQ(a.out.deadline_ns % (10 * MS), 0);
	}
}

/* S6: a Master that sees priority 0 sends an advert at once. */
static void test_s6_master_prio_zero(void)
{
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	k.now_ns += 400 * MS;
	CHECK_EQ(fake_advert_at(&k, k.now_ns - 1 * MS, ip4(10, 0, 0, 1), 0, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 1 * S);
	CHECK_EQ(k.f.adver_deadline_ns, k.now_ns + 1 * S);
}

/* S7: a Master steps down for a higher priority. */
static void test_s7_master_higher_prio(void)
{
	struct fake k;
	uint64_t rx;

	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	k.now_ns += 300 * MS;
	rx = k.now_ns - 5 * MS;
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 1), 101, 250), 0);
	CHECK_EQ(k.out.actions, LEAVE_MASTER);
	CHECK_EQ(k.out.old_state, FSM_MASTER);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_PRIO);
	CHECK_EQ(k.f.master_adver_int_cs, 250);
	CHECK_EQ(k.out.deadline_ns, rx + fsm_master_down_ns(3, 100, 250));
	CHECK_EQ(k.f.master_ip.v4, ip4(10, 0, 0, 1));
	CHECK_EQ(k.f.master_priority, 101);
	/* The old adver deadline no longer fires anything. */
	k.now_ns = rx + 1 * S;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_BACKUP, rx + fsm_master_down_ns(3, 100, 250));
	/* Following the same master: nothing to publish. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 101, 250), 0);
	CHECK_EQ(k.out.actions, 0);

	/* Preempt is not consulted in Master (S10): preempt off still steps down. */
	fake_init(&k, 3, 100, false, 100);
	fake_to_master(&k);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 150, 100), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_PRIO);
	CHECK_EQ(k.f.state, FSM_BACKUP);

	/* v2 keeps its interval when stepping down. */
	fake_init(&k, 2, 100, true, 100);
	fake_to_master(&k);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 150, 200), 0);
	CHECK_EQ(k.f.master_adver_int_cs, 100);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
}

/* S7 over IPv6: the link-local addresses compare as 128-bit unsigned integers. */
static void test_s7_ipv6_addresses(void)
{
	union vrrpd_addr ours = { .v6 = { 0xfe, 0x80, [8] = 0x02, [15] = 0x20 } }, theirs = ours;
	struct fsm_input in = { .type = FSM_IN_ADVERT };
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	k.f.cfg.primary_ip = ours;
	fake_to_master(&k);
	/* Lower in its last byte although higher in an earlier word read little-endian: stay. */
	theirs.v6[15] = 0x1f;
	theirs.v6[9] = 0;
	in.adv = (struct fsm_advert){
		.rx_ns = k.now_ns, .saddr = theirs, .priority = 100, .adver_int_cs = 100
	};
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	/* Higher in byte 8: step down, and follow it. */
	k.now_ns += 10 * MS;
	theirs = ours;
	theirs.v6[8] = 0x03;
	in.adv.rx_ns = k.now_ns;
	in.adv.saddr = theirs;
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), 0);
	CHECK_EQ(k.out.actions, LEAVE_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_ADDR);
	CHECK(!memcmp(&k.f.master_ip, &theirs, sizeof(theirs)));
}

/* S7: equal priority: the higher primary address wins, as unsigned in network order. */
static void test_s7_master_equal_higher_addr(void)
{
	struct fake k;

	/* 10.0.0.3 > 10.0.0.2 (ours). */
	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 3), 100, 100), 0);
	CHECK_EQ(k.out.actions, LEAVE_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_ADDR);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);

	/* 192.168.0.1 > 10.0.0.2: the top bit set must not make it negative. */
	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	CHECK_EQ(fake_advert(&k, ip4(192, 168, 0, 1), 100, 100), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_ADDR);

	/*
	 * 9.0.0.3 < 10.0.0.2 although its raw little-endian word is larger: the comparison is on
	 * the address, not on the host's view of it. We stay Master (S8).
	 */
	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	CHECK_EQ(fake_advert(&k, ip4(9, 0, 0, 3), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	/*
	 * 10.0.0.1 < 10.0.0.2: stay Master (an interval later: answered again, and, an interval
	 * after the takeover's, the gratuitous ARPs again).
	 */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	/* Our own advert echoed back: no step down, no answer. */
	k.now_ns += 10 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 2), 100, 100), 0);
	check_noop(&k, FSM_MASTER, k.f.adver_deadline_ns);
}

/* S8 (RFC 9568): a Master discards a lower priority advert and sends one at once. */
static void test_s8_master_lower_prio(void)
{
	struct fake k;
	uint64_t t;

	fake_init(&k, 3, 200, true, 100);
	fake_to_master(&k);
	t = k.now_ns;
	k.now_ns += 700 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.old_state, FSM_MASTER);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_NONE);
	/* The adver timer restarts from the advert just sent. */
	CHECK_EQ(k.out.deadline_ns, t + 1700 * MS);
	CHECK_EQ(k.f.master_ip.v4, 0);
	/* The old deadline passes quietly. */
	k.now_ns = t + 1 * S;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_MASTER, t + 1700 * MS);

	/* The owner does the same. */
	fake_init(&k, 3, 255, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 254, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
}

/*
 * S8 with another master (the split brain heals, fsm.c fsm_regarp): a Master that has been one
 * for an interval and hears a lower priority advert sends its gratuitous ARPs again, with its
 * answer; not again within an interval (1 s at least), however many adverts come; never for a
 * resignation (S6), our own advert echoed, or within an interval of our takeover's burst.
 */
static void test_s8_another_master_garps_again(void)
{
	struct fake k;
	uint64_t t;
	int i;

	fake_init(&k, 3, 200, true, 300);
	fake_to_master(&k);
	/* Within an interval of the takeover: its burst is still the last word. */
	k.now_ns += 2 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 300), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	/* Split brain: the other router took over, then hears us again. */
	k.now_ns += 60 * S;
	t = k.now_ns;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 300), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_NONE);
	CHECK_EQ(k.out.met_ip.v4, ip4(10, 0, 0, 9));
	CHECK_EQ(k.out.met_priority, 100);
	CHECK_EQ(k.out.met_prev_ns, 0); /* the first meeting (the caller logs it) */
	/* A flood of them (and resignations) within the interval: no second burst. */
	for (i = 1; i < 300; i++) {
		k.now_ns = t + (uint64_t)i * 10 * MS;
		CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 7 + i % 3), i % 5 ? 50 : 0, 300), 0);
		CHECK(!(k.out.actions & FSM_ACT_GARP));
		CHECK_EQ(k.f.state, FSM_MASTER);
	}
	/* One interval on: again. An equal priority from a lower address is another master too. */
	k.now_ns = t + 3 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 300), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
	CHECK_EQ(k.out.met_priority, 200);
	CHECK_EQ(k.out.met_prev_ns, t);
	/* A resignation (S6) and our own advert echoed never are. */
	k.now_ns = t + 7 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 0, 300), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	k.now_ns += 1 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 2), 200, 300), 0);
	CHECK_EQ(k.out.actions, 0);

	/* At 10 ms, once a second at most, not once an interval. */
	fake_init(&k, 3, 200, true, 1);
	fake_to_master(&k);
	k.now_ns += 5 * S;
	t = k.now_ns;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 1), 0);
	CHECK(k.out.actions & FSM_ACT_GARP);
	for (i = 1; i < 100; i++) {
		k.now_ns = t + (uint64_t)i * 10 * MS;
		CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 1), 0);
		CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	}
	k.now_ns = t + 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 100, 1), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
}

/*
 * S6, S8 under a flood: a Master answers at once, but once an Advertisement_Interval at most;
 * the routine adverts keep their rhythm; a new term as Master answers at once again.
 */
static void test_s8_answer_once_an_interval(void)
{
	struct fake k;
	uint64_t t;
	int i;

	fake_init(&k, 3, 200, true, 100);
	fake_to_master(&k);
	/* An interval after the takeover: the gratuitous ARPs again too (S8, fsm_regarp). */
	k.now_ns += 1300 * MS;
	t = k.now_ns;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 1, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
	CHECK_EQ(k.out.deadline_ns, t + 1 * S);
	/* 99 more within the interval, lower priority and priority 0: no answer, same deadline. */
	for (i = 1; i < 100; i++) {
		k.now_ns = t + (uint64_t)i * 9 * MS;
		CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), i % 2 ? 1 : 0, 100), 0);
		check_noop(&k, FSM_MASTER, t + 1 * S);
	}
	/*
	 * The routine advert comes on time, its next on the common grid; one interval after the
	 * answer, one more answer, a full interval before the next advert.
	 */
	k.now_ns = t + 1 * S;
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, t + 1 * S));
	k.now_ns = t + 1 * S + 1 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 1, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT | FSM_ACT_GARP);
	CHECK_EQ(k.out.deadline_ns, t + 2 * S + 1 * MS);
	/* S7 is never held back: a higher priority within the interval still wins. */
	k.now_ns += 5 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 8), 250, 100), 0);
	CHECK_EQ(k.out.actions, LEAVE_MASTER);
	CHECK_EQ(k.f.state, FSM_BACKUP);
	/* Master again (S2): the first lower priority advert is answered at once. */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.f.state, FSM_MASTER);
	k.now_ns += 1 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 1, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
}

/* S9: shutdown as Master: priority 0 advert, then remove the VIPs. */
static void test_s9_shutdown_master(void)
{
	struct fake k;

	fake_init(&k, 3, 255, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 5 * S;
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_PRIO0 | FSM_ACT_DEL_VIPS | FSM_ACT_STATE);
	CHECK_EQ(k.out.old_state, FSM_MASTER);
	CHECK_EQ(k.out.new_state, FSM_INIT);
	CHECK_EQ(k.out.reason, VRRPD_R_SHUTDOWN);
	CHECK_EQ(k.out.deadline_ns, 0);
	/* Nothing fires afterwards; a second shutdown is a no-op; startup works again. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_INIT, 0);
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	check_noop(&k, FSM_INIT, 0);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
}

/* S9: shutdown as Backup: just stop. */
static void test_s9_shutdown_backup(void)
{
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.old_state, FSM_BACKUP);
	CHECK_EQ(k.out.new_state, FSM_INIT);
	CHECK_EQ(k.out.reason, VRRPD_R_SHUTDOWN);
	CHECK_EQ(k.out.deadline_ns, 0);
	/* The old down deadline does not make us Master. */
	k.now_ns += 10 * S;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_INIT, 0);
}

/*
 * Link down (issue 5): a Master steps down at once (VIPs removed, down script) into FAULT,
 * where adverts and timers do nothing; link up starts over as at S1, reason "link up".
 */
static void test_link_down_master_to_fault_and_back(void)
{
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	k.now_ns += 150 * MS;
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_DEL_VIPS | FSM_ACT_STATE);
	CHECK_EQ(k.out.old_state, FSM_MASTER);
	CHECK_EQ(k.out.new_state, FSM_FAULT);
	CHECK_EQ(k.out.reason, VRRPD_R_LINK_DOWN);
	CHECK_EQ(k.out.deadline_ns, 0);
	/* FAULT: deaf, no timer, a second link down is a no-op. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 250, 100), 0);
	check_noop(&k, FSM_FAULT, 0);
	k.now_ns += 10 * S;
	CHECK_EQ(fake_timer(&k), 0);
	check_noop(&k, FSM_FAULT, 0);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	check_noop(&k, FSM_FAULT, 0);
	/* Link up: Backup with a fresh Master_Down_Timer (3.609375 s at priority 100). */
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_UP), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.old_state, FSM_FAULT);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK_EQ(k.out.reason, VRRPD_R_LINK_UP);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3609375000ull);
	/* Link up again while Backup: nothing. */
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_UP), 0);
	check_noop(&k, FSM_BACKUP, k.now_ns + 3609375000ull);
	/* Nobody else: Master after Master_Down_Interval. */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.f.state, FSM_MASTER);
}

/* Link down as Backup, or before startup; the owner comes back as Master at once. */
static void test_link_down_backup_init_owner(void)
{
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_FAULT);
	CHECK_EQ(k.f.master_ip.v4, 0);
	/* Shutdown from FAULT: no priority 0 advert, no script. */
	CHECK_EQ(fake_input(&k, FSM_IN_SHUTDOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_INIT);

	/* A link down at start-up: INIT -> FAULT, then link up is the startup. */
	fake_init(&k, 3, 255, true, 100);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_FAULT);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_UP), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_OWNER);
	CHECK(k.out.actions & FSM_ACT_ADD_VIPS);
	/* Link up from INIT is not a startup. */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_UP), 0);
	check_noop(&k, FSM_INIT, 0);
}

/* A v3 instance at 1 s, preempt on, member of a -M group. */
static void fake_init_grouped(struct fake *k, uint8_t prio)
{
	struct fsm_cfg cfg;

	fake_init(k, 3, prio, true, 100);
	cfg = k->f.cfg;
	cfg.grouped = true;
	fsm_init(&k->f, &cfg);
}

/*
 * -M groups: a grouped instance starts inhibited; its Master_Down_Timer makes it ready, not
 * Master; release makes it Master at once; inhibit makes a Master resign (priority 0) and wait.
 */
static void test_group_inhibit_release(void)
{
	struct fake k;

	fake_init_grouped(&k, 100);
	CHECK(k.f.inhibited);
	CHECK_EQ(fake_start(&k), 0);
	CHECK(!fsm_ready(&k.f));
	CHECK_EQ(fake_fire(&k), 0);
	/* Ready, and looking again every interval (for adverts reported late). */
	check_noop(&k, FSM_BACKUP, k.now_ns + 1 * S);
	CHECK(fsm_ready(&k.f));
	CHECK_EQ(fake_fire(&k), 0);
	check_noop(&k, FSM_BACKUP, k.now_ns + 1 * S);
	CHECK(fsm_ready(&k.f));
	/* Released: Master now, with everything S2 does. */
	k.now_ns += 2 * S;
	CHECK_EQ(fake_input(&k, FSM_IN_RELEASE), 0);
	CHECK_EQ(k.out.actions,
		 FSM_ACT_SEND_ADVERT | FSM_ACT_ADD_VIPS | FSM_ACT_GARP | FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_GROUP_READY);
	CHECK(fsm_ready(&k.f));
	/* Inhibited again: resign with priority 0, Backup with a fresh Master_Down_Timer. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_input(&k, FSM_IN_INHIBIT), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_PRIO0 | FSM_ACT_DEL_VIPS | FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK_EQ(k.out.reason, VRRPD_R_GROUP);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3609375000ull);
	CHECK(!fsm_ready(&k.f));
	/* A master that should be followed appears: followed, not ready. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 150, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	/* Release while not ready: nothing happens. */
	CHECK_EQ(fake_input(&k, FSM_IN_RELEASE), 0);
	CHECK_EQ(k.out.actions, 0);
	CHECK_EQ(k.f.state, FSM_BACKUP);
	/* Not inhibited any more: the timer makes it Master as usual. */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.f.state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
}

/* -M: a ready member stops being ready when a better master shows up; the owner waits too. */
static void test_group_ready_lost_and_owner(void)
{
	struct fake k;

	fake_init_grouped(&k, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK(fsm_ready(&k.f));
	/* A lower priority master (preempt on): discarded, still ready. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 50, 100), 0);
	CHECK(fsm_ready(&k.f));
	/* It resigns (its own group stepping down): still ready, no Skew_Time wait. */
	k.now_ns += 1 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 9), 0, 100), 0);
	CHECK_EQ(k.out.actions, 0);
	CHECK(fsm_ready(&k.f));
	/* The master it followed is back (reported late, at the recheck): followed, not ready. */
	k.now_ns += 500 * MS;
	CHECK_EQ(fake_advert_at(&k, k.now_ns - 10 * MS, ip4(10, 0, 0, 7), 100, 100), 0);
	CHECK(!fsm_ready(&k.f));
	CHECK_EQ(fake_fire(&k), 0);
	CHECK(fsm_ready(&k.f));
	/* A higher one: followed, not ready, timer running again. */
	k.now_ns += 1 * MS;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 8), 200, 100), 0);
	CHECK(!fsm_ready(&k.f));
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3609375000ull);
	/* Link down: not ready. */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK(fsm_ready(&k.f));
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	CHECK(!fsm_ready(&k.f));

	/* The owner in a group: Backup and ready at start, Master on release. */
	fake_init_grouped(&k, 255);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_STATE);
	CHECK_EQ(k.out.new_state, FSM_BACKUP);
	CHECK(fsm_ready(&k.f));
	CHECK_EQ(fake_input(&k, FSM_IN_RELEASE), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
}

/* atropos: a new priority is advertised at once by a Master; --master takes over now. */
static void test_admin_priority_takeover(void)
{
	struct fsm_input in = { .type = FSM_IN_PRIORITY, .priority = 90 };
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	fake_to_master(&k);
	k.now_ns += 300 * MS;
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	CHECK_EQ(k.f.priority, 90);
	CHECK_EQ(k.out.deadline_ns, NEXT(&k, k.now_ns));
	in.priority = 0;
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), -EINVAL);
	CHECK_EQ(k.f.priority, 90);
	/* Takeover: only from Backup, and not while inhibited. */
	in = (struct fsm_input){ .type = FSM_IN_TAKEOVER };
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), -EAGAIN);
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 100), 0);
	in.priority = 0;
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_ADMIN_MASTER);
	/* Inhibited with a reason of ours: resign with that reason; takeover refused. */
	in = (struct fsm_input){ .type = FSM_IN_INHIBIT, .reason = VRRPD_R_ADMIN_BACKUP };
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_ADMIN_BACKUP);
	CHECK(k.out.actions & FSM_ACT_SEND_PRIO0);
	in = (struct fsm_input){ .type = FSM_IN_TAKEOVER };
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), -EAGAIN);
}

/* S10: with preempt off, a lower priority master keeps a Backup waiting indefinitely. */
static void test_s10_preempt_off_keeps_backup_waiting(void)
{
	struct fake k;

	fake_init(&k, 3, 200, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	for (int i = 0; i < 20; i++) {
		k.now_ns += 1 * S;
		CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
		CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 218750 * US);
		k.now_ns += 500 * MS;
		CHECK_EQ(fake_timer(&k), 0);
		CHECK_EQ(k.out.actions, 0);
		CHECK_EQ(k.f.state, FSM_BACKUP);
		k.now_ns -= 500 * MS;
	}
	/* It falls silent: Master_Down_Interval later we take over, as "master down". */
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
}

/* S10: the owner (255) always preempts, even with preempt off. */
static void test_s10_owner_always_preempts(void)
{
	struct fake k;
	uint64_t down;

	/* An owner with preempt off starts as Master (S1) ... */
	fake_init(&k, 3, 255, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	/* ... loses a (misconfigured) 255 tie to a higher address (S7) ... */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 3), 255, 100), 0);
	CHECK_EQ(k.out.reason, VRRPD_R_HIGHER_ADDR);
	down = k.out.deadline_ns;
	CHECK_EQ(down, k.now_ns + 3 * S + 3906250);
	/* ... and as Backup discards a lower priority master although preempt is off. */
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 4), 254, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK(k.f.preempting);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.actions, ENTER_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_PREEMPT);
}

/*
 * --preempt-delay 5 s: a lower priority master is followed (timer reset) for 5 s after the
 * start, then discarded, and taken over Master_Down_Interval after the last one followed. The
 * delay starts again when the link comes back; without a master we take over as usual.
 */
static void test_preempt_delay(void)
{
	struct fake k;
	uint64_t t0;

	fake_init(&k, 3, 200, true, 100);
	k.f.cfg.preempt_delay_ns = 5 * S;
	CHECK_EQ(fake_start(&k), 0);
	t0 = k.now_ns;
	for (int i = 1; i <= 4; i++) {
		k.now_ns = t0 + (uint64_t)i * S;
		CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
		CHECK(!k.f.preempting);
		CHECK_EQ(k.f.state, FSM_BACKUP);
		CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 218750 * US);
	}
	/* 5 s on: discarded; Master_Down_Interval after the one of 4 s, preemption. */
	k.now_ns = t0 + 5 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK(k.f.preempting);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.now_ns, t0 + 4 * S + 3 * S + 218750 * US);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_PREEMPT);
	/* Link down and up: the delay again. */
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_DOWN), 0);
	CHECK_EQ(fake_input(&k, FSM_IN_LINK_UP), 0);
	t0 = k.now_ns;
	k.now_ns = t0 + 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK(!k.f.preempting);
	/* No delay: an advert the kernel stamped just before our start is discarded all the same. */
	fake_init(&k, 3, 200, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_advert_at(&k, k.now_ns - 5 * MS, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK(k.f.preempting);
	CHECK_EQ(k.f.master_ip.v4, 0);
	/* No master at all: the timer makes us Master within the delay, as without one. */
	fake_init(&k, 3, 200, true, 100);
	k.f.cfg.preempt_delay_ns = 60 * S;
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fake_fire(&k), 0);
	CHECK_EQ(k.out.new_state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_MASTER_DOWN);
}

/* S10: equal priority Backups never compare addresses. */
static void test_s10_equal_priority_backups(void)
{
	struct fake k;

	/* From a lower and from a higher address: both are followed, neither is discarded. */
	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 3), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_MASTER_CHANGED);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
	CHECK(!k.f.preempting);
	CHECK_EQ(k.f.state, FSM_BACKUP);

	/* Two backups at 100 with preempt off: each keeps the other waiting too. */
	fake_init(&k, 3, 100, false, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 100, 100), 0);
	CHECK_EQ(k.out.deadline_ns, k.now_ns + 3 * S + 609375 * US);
	CHECK_EQ(k.f.state, FSM_BACKUP);
}

/* An advert older than the last one seen moves no deadline back; a repeated one is a no-op. */
static void test_stale_advert_ignored(void)
{
	struct fake k;
	uint64_t rx, down;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 2 * S;
	rx = k.now_ns;
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 1), 200, 100), 0);
	down = k.out.deadline_ns;
	CHECK_EQ(down, rx + 3 * S + 609375 * US);
	CHECK_EQ(k.f.last_rx_ns, rx);
	/* Older: ignored, whatever it says (a resignation, another master, another interval). */
	k.now_ns += 10 * MS;
	CHECK_EQ(fake_advert_at(&k, rx - 500 * MS, ip4(10, 0, 0, 1), 200, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK_EQ(fake_advert_at(&k, rx - 1, ip4(10, 0, 0, 1), 0, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK(!k.f.prio0_seen);
	CHECK_EQ(fake_advert_at(&k, rx - 1, ip4(10, 0, 0, 5), 250, 50), 0);
	check_noop(&k, FSM_BACKUP, down);
	CHECK_EQ(k.f.master_ip.v4, ip4(10, 0, 0, 1));
	CHECK_EQ(k.f.master_adver_int_cs, 100);
	/* The same arrival twice (ring buffer and vrrpd_rx): the second is a no-op. */
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 1), 200, 100), 0);
	check_noop(&k, FSM_BACKUP, down);
	/* A newer one still counts. */
	CHECK_EQ(fake_advert_at(&k, rx + 1, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(k.out.deadline_ns, down + 1);

	/* In Master a duplicate must not make us send twice (S8) or step down late (S7). */
	fake_init(&k, 3, 200, true, 100);
	fake_to_master(&k);
	k.now_ns += 100 * MS;
	rx = k.now_ns;
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 9), 100, 100), 0);
	CHECK_EQ(k.out.actions, FSM_ACT_SEND_ADVERT);
	k.now_ns += 1 * MS;
	CHECK_EQ(fake_advert_at(&k, rx, ip4(10, 0, 0, 9), 100, 100), 0);
	check_noop(&k, FSM_MASTER, rx + 1 * S);
	CHECK_EQ(fake_advert_at(&k, rx - 1, ip4(10, 0, 0, 9), 250, 100), 0);
	check_noop(&k, FSM_MASTER, rx + 1 * S);
}

static void test_bad_input(void)
{
	struct fsm_input in = { .type = (enum fsm_input_type)42 };
	struct fake k;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, &k.out), -EINVAL);
	check_noop(&k, FSM_BACKUP, k.f.down_deadline_ns);
	CHECK_EQ(fsm_step(NULL, k.now_ns, &in, &k.out), -EINVAL);
	CHECK_EQ(fsm_step(&k.f, k.now_ns, NULL, &k.out), -EINVAL);
	CHECK_EQ(fsm_step(&k.f, k.now_ns, &in, NULL), -EINVAL);
	/* RFC 9568 5.2.7: a v3 interval of 0 or above 4095 cs is invalid: nothing changes. */
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 0), -EINVAL);
	check_noop(&k, FSM_BACKUP, k.f.down_deadline_ns);
	CHECK_EQ(fake_advert(&k, ip4(10, 0, 0, 1), 200, 4096), -EINVAL);
	CHECK_EQ(k.f.master_adver_int_cs, 100);
	CHECK_EQ(k.f.last_rx_ns, 0);
}

static void test_names(void)
{
	CHECK(!strcmp(fsm_state_name(FSM_INIT), "INIT"));
	CHECK(!strcmp(fsm_state_name(FSM_BACKUP), "BACKUP"));
	CHECK(!strcmp(fsm_state_name(FSM_MASTER), "MASTER"));
	CHECK(!strcmp(fsm_state_name(FSM_FAULT), "FAULT"));
	CHECK(!strcmp(fsm_state_name((enum fsm_state)9), "UNKNOWN"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_STARTUP), "startup"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_OWNER), "address owner"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_MASTER_DOWN), "master down"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_PRIO_ZERO), "master resigned (priority 0)"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_HIGHER_PRIO), "higher priority advert"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_HIGHER_ADDR), "equal priority, higher address"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_PREEMPT), "preempting a lower priority master"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_SHUTDOWN), "shutdown"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_LINK_DOWN), "link down"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_LINK_UP), "link up"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_GROUP), "group member not ready"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_GROUP_READY), "group ready"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_ADMIN_BACKUP), "atropos --backup"));
	CHECK(!strcmp(fsm_reason_name(VRRPD_R_ADMIN_MASTER), "atropos --master"));
	for (int r = 0; r <= VRRPD_R_MAX; r++)
		CHECK(fsm_reason_name((enum vrrpd_reason)r) &&
		      *fsm_reason_name((enum vrrpd_reason)r));
}

/*
 * S4 with a late report: routine adverts of the master we follow reach the election only at the
 * deadline (from vrrpd_rx), after a newer advert from a lower-priority router was discarded.
 * The master's advert must still reset the timer: no false takeover.
 */
static void test_s4_late_confirm_after_other_sender(void)
{
	struct fake k;
	uint64_t t1, t2;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 1 * S;
	CHECK_EQ(fake_advert_at(&k, k.now_ns, ip4(10, 0, 0, 1), 200, 100), 0);
	t1 = k.now_ns + 1 * S; /* the master's next advert, reported late */
	t2 = k.now_ns + 1500 * MS; /* a lower-priority router's advert, discarded (preempt) */
	k.now_ns = t2;
	CHECK_EQ(fake_advert_at(&k, t2, ip4(10, 0, 0, 9), 50, 100), 0);
	CHECK(k.f.preempting);
	k.now_ns += 10 * MS;
	CHECK_EQ(fake_advert_at(&k, t1, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(k.out.deadline_ns, t1 + 3 * S + 609375 * US);
	CHECK_EQ(k.f.state, FSM_BACKUP);
}

/*
 * S3 then a late report: after the master resigns (priority 0), a routine advert it sent before
 * resigning, reported late from vrrpd_rx at the Skew_Time deadline, must not push the takeover
 * back to a full Master_Down_Interval.
 */
static void test_s3_prio_zero_not_undone_by_late_advert(void)
{
	struct fake k;
	uint64_t t0;

	fake_init(&k, 3, 100, true, 100);
	CHECK_EQ(fake_start(&k), 0);
	k.now_ns += 1 * S;
	t0 = k.now_ns;
	CHECK_EQ(fake_advert_at(&k, t0, ip4(10, 0, 0, 1), 200, 100), 0);
	k.now_ns = t0 + 1500 * MS;
	CHECK_EQ(fake_advert_at(&k, k.now_ns, ip4(10, 0, 0, 1), 0, 100), 0);
	CHECK_EQ(k.out.deadline_ns, t0 + 1500 * MS + 609375 * US);
	k.now_ns = k.out.deadline_ns;
	CHECK_EQ(fake_advert_at(&k, t0 + 1 * S, ip4(10, 0, 0, 1), 200, 100), 0);
	CHECK_EQ(k.out.actions, 0);
	CHECK_EQ(fake_timer(&k), 0);
	CHECK_EQ(k.f.state, FSM_MASTER);
	CHECK_EQ(k.out.reason, VRRPD_R_PRIO_ZERO);
}

int main(void)
{
	RUN(test_init);
	RUN(test_t1_timer_values);
	RUN(test_t1_v2_timer_values);
	RUN(test_t2_v3_learns_interval);
	RUN(test_t2_v2_keeps_interval);
	RUN(test_s1_owner_startup);
	RUN(test_s1_backup_startup);
	RUN(test_s2_master_down);
	RUN(test_s3_prio_zero);
	RUN(test_s4_backup_resets_timer);
	RUN(test_s5_master_adver_timer);
	RUN(test_s5_common_grid);
	RUN(test_s6_master_prio_zero);
	RUN(test_s7_master_higher_prio);
	RUN(test_s7_master_equal_higher_addr);
	RUN(test_s7_ipv6_addresses);
	RUN(test_s8_master_lower_prio);
	RUN(test_s8_answer_once_an_interval);
	RUN(test_s8_another_master_garps_again);
	RUN(test_s9_shutdown_master);
	RUN(test_s9_shutdown_backup);
	RUN(test_link_down_master_to_fault_and_back);
	RUN(test_link_down_backup_init_owner);
	RUN(test_group_inhibit_release);
	RUN(test_group_ready_lost_and_owner);
	RUN(test_admin_priority_takeover);
	RUN(test_s10_preempt_off_keeps_backup_waiting);
	RUN(test_s10_owner_always_preempts);
	RUN(test_preempt_delay);
	RUN(test_s10_equal_priority_backups);
	RUN(test_stale_advert_ignored);
	RUN(test_s4_late_confirm_after_other_sender);
	RUN(test_s3_prio_zero_not_undone_by_late_advert);
	RUN(test_bad_input);
	RUN(test_names);
	CHECK_EXIT();
}
