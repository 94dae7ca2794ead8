// SPDX-License-Identifier: GPL-2.0
/*
 * inst_apply() (user/inst_apply.c) without root: the order in which an instance carries out a
 * change of the real election (user/fsm.c), seen through fake effects (struct inst_fx) that
 * write each one down. What the order promises, and why:
 *
 * - a takeover's advert leaves first: it stops the other routers' timers when ours said;
 * - with a VMAC the first gratuitous ARP follows it at once (it names the VMAC, which XDP
 *   answers for), before vrrpd_cfg and the addresses; without one (-n) it waits for them;
 * - vrrpd_cfg is published before the addresses (XDP answers ARP from it, not from them);
 * - the up script runs once the addresses are there, the down script once they are gone;
 * - a resigning Master's priority 0 advert goes before its addresses go;
 * - with vipq (-c), the addresses and all that follows them wait for the job to be done.
 */
#include <arpa/inet.h>
#include <string.h>

#include "check.h"
#include "inst_int.h"
#include "vipq.h"

#define S 1000000000ull
#define T_START (1000 * S)

enum fx_event {
	E_ADVERT,
	E_PRIO0,
	E_GARPS,
	E_MAGIC,
	E_PUBLISH,
	E_VIPS_ADD,
	E_VIPS_DEL,
	E_PUSH,
	E_HOOK_UP,
	E_HOOK_DOWN,
	E_HOOK_STOP,
	E_HOOK_OTHER, /* a change of state neither to nor from Master */
};

static int seen[64], nseen;
static struct vipq_job pushed;
static char queue_token; /* in->q only needs to be non-NULL: the fake takes the job */

static void record(enum fx_event e)
{
	if (nseen < (int)(sizeof(seen) / sizeof(seen[0])))
		seen[nseen++] = e;
}

/* Where e was done first, or -1 if it was not. */
static int at(enum fx_event e)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i] == (int)e)
			return i;
	return -1;
}

static void fake_advert(struct inst *in, uint8_t priority, uint64_t now_ns)
{
	(void)in;
	(void)now_ns;
	record(priority ? E_ADVERT : E_PRIO0);
}

static void fake_garps(struct inst *in)
{
	(void)in;
	record(E_GARPS);
}

static void fake_magic(struct inst *in)
{
	(void)in;
	record(E_MAGIC);
}

static void fake_publish(struct inst *in)
{
	(void)in;
	record(E_PUBLISH);
}

static void fake_vips(struct inst *in, struct vipq_req *r)
{
	(void)in;
	if (r->op == VIPQ_ADD)
		record(E_VIPS_ADD);
	else if (r->op == VIPQ_DEL)
		record(E_VIPS_DEL);
}

static void fake_vips_push(struct inst *in, const struct vipq_job *j)
{
	(void)in;
	pushed = *j;
	record(E_PUSH);
}

static char hook_state[16], hook_prev[16];

static void fake_hook(struct inst *in, const char *state, const char *prev, const char *reason,
		      uint8_t prio, uint64_t now_ns)
{
	(void)in;
	(void)reason;
	(void)prio;
	(void)now_ns;
	snprintf(hook_state, sizeof(hook_state), "%s", state);
	snprintf(hook_prev, sizeof(hook_prev), "%s", prev);
	record(!strcmp(state, "MASTER") ? E_HOOK_UP :
	       !strcmp(state, "STOP")	? E_HOOK_STOP :
	       !strcmp(prev, "MASTER")	? E_HOOK_DOWN :
					  E_HOOK_OTHER);
}

static const struct inst_fx fake_fx = {
	.advert = fake_advert,
	.garps = fake_garps,
	.magic = fake_magic,
	.publish = fake_publish,
	.vips = fake_vips,
	.vips_push = fake_vips_push,
	.hook = fake_hook,
};

static struct opts o;
static struct inst in;

/* A started Backup at priority 100 with one VIP, a magic packet and a burst of 3 GARPs. */
static void setup(bool vmac, bool queued)
{
	struct fsm_input start = { .type = FSM_IN_STARTUP };
	struct fsm_cfg fc = {
		.vrid = 51, .priority = 100, .version = 3, .preempt = true, .adver_int_cs = 100
	};
	struct fsm_out out;

	memset(&o, 0, sizeof(o));
	memset(&in, 0, sizeof(in));
	snprintf(o.ifname, sizeof(o.ifname), "eth0");
	o.vrid = 51;
	o.priority = 100;
	o.version = 3;
	o.adver_int_cs = 100;
	o.family = AF_INET;
	o.vmac = vmac;
	o.nvips = 1;
	inet_pton(AF_INET, "10.0.0.1", &o.vips[0].addr.v4);
	o.vips[0].prefix_len = 24;
	inet_pton(AF_INET, "10.0.0.1", &o.magic_src);
	inet_pton(AF_INET, "10.0.0.254", &o.magic_dst);
	o.garp_count = 3;
	o.garp_interval_ms = 100;
	in.o = &o;
	in.fx = &fake_fx;
	in.key.family = AF_INET;
	in.vmac_ifindex = vmac ? 7 : 0;
	in.vip_ifindex = vmac ? 7 : 2;
	in.q = queued ? (struct vipq *)(void *)&queue_token : NULL;
	in.group.fd = -1;
	inet_pton(AF_INET, "10.0.0.2", &fc.primary_ip.v4);
	fsm_init(&in.fsm, &fc);
	nseen = 0;
	CHECK_EQ(fsm_step(&in.fsm, T_START, &start, &out), 0);
	inst_apply(&in, &out, T_START);
	CHECK_EQ(in.fsm.state, FSM_BACKUP);
	/* Becoming Backup at start-up has its scripts too (--notify-backup), with or without vipq. */
	CHECK_EQ(at(queued ? E_PUSH : E_HOOK_OTHER), nseen - 1);
	nseen = 0;
}

/* S2: the Master_Down_Timer fires; what it decided, carried out. */
static void takeover(void)
{
	struct fsm_input t = { .type = FSM_IN_TIMER };
	struct fsm_out out;

	CHECK_EQ(fsm_step(&in.fsm, T_START + 10 * S, &t, &out), 0);
	inst_apply(&in, &out, T_START + 10 * S);
	CHECK_EQ(in.fsm.state, FSM_MASTER);
}

static void step(const struct fsm_input *x, uint64_t now_ns)
{
	struct fsm_out out;

	CHECK_EQ(fsm_step(&in.fsm, now_ns, x, &out), 0);
	inst_apply(&in, &out, now_ns);
}

static void test_takeover_with_vmac(void)
{
	setup(true, false);
	takeover();
	CHECK_EQ(at(E_ADVERT), 0);
	CHECK_EQ(at(E_GARPS), 1);
	CHECK(at(E_PUBLISH) > at(E_GARPS));
	CHECK(at(E_VIPS_ADD) > at(E_PUBLISH));
	CHECK(at(E_MAGIC) > at(E_VIPS_ADD));
	CHECK(at(E_HOOK_UP) > at(E_VIPS_ADD));
	CHECK_EQ(at(E_HOOK_DOWN), -1);
	/* One GARP sent, the other two of the burst left to inst_tick. */
	CHECK_EQ(in.garp_left, 2);
}

static void test_takeover_without_vmac(void)
{
	setup(false, false);
	takeover();
	CHECK_EQ(at(E_ADVERT), 0);
	CHECK(at(E_PUBLISH) > at(E_ADVERT));
	CHECK(at(E_VIPS_ADD) > at(E_PUBLISH));
	/* -n: the GARP names the interface's MAC: hosts that take it must find the VIP there. */
	CHECK(at(E_GARPS) > at(E_VIPS_ADD));
	CHECK(at(E_MAGIC) > at(E_VIPS_ADD));
	CHECK(at(E_HOOK_UP) > at(E_GARPS));
	CHECK_EQ(in.garp_left, 2);
}

/* S7: a Master hears a higher priority: addresses gone, then the down script. */
static void test_step_down(void)
{
	struct fsm_input adv = { .type = FSM_IN_ADVERT };

	setup(true, false);
	takeover();
	nseen = 0;
	adv.adv.rx_ns = T_START + 10 * S + S / 2;
	inet_pton(AF_INET, "10.0.0.3", &adv.adv.saddr.v4);
	adv.adv.priority = 200;
	adv.adv.adver_int_cs = 100;
	step(&adv, T_START + 11 * S);
	CHECK_EQ(in.fsm.state, FSM_BACKUP);
	CHECK_EQ(at(E_ADVERT), -1);
	CHECK(at(E_VIPS_DEL) >= 0);
	CHECK(at(E_PUBLISH) >= 0);
	CHECK(at(E_HOOK_DOWN) > at(E_VIPS_DEL));
	CHECK_EQ(at(E_HOOK_UP), -1);
	CHECK_EQ(in.garp_left, 0);
	CHECK_EQ(in.cfg.lease_until_ns, 0);
}

/*
 * S8, another master met (D6, the split brain heals): the answer, then the takeover's burst again,
 * first GARP at once; no addresses to add, no script, no state.
 */
static void test_another_master(void)
{
	struct fsm_input adv = { .type = FSM_IN_ADVERT };

	setup(true, false);
	takeover();
	in.garp_left = 0;
	nseen = 0;
	adv.adv.rx_ns = T_START + 15 * S;
	inet_pton(AF_INET, "10.0.0.3", &adv.adv.saddr.v4);
	adv.adv.priority = 50;
	adv.adv.adver_int_cs = 100;
	step(&adv, T_START + 15 * S);
	CHECK_EQ(in.fsm.state, FSM_MASTER);
	CHECK_EQ(at(E_ADVERT), 0);
	CHECK_EQ(at(E_GARPS), 1);
	CHECK(at(E_PUBLISH) > at(E_GARPS));
	CHECK(at(E_MAGIC) > at(E_PUBLISH));
	CHECK_EQ(at(E_VIPS_ADD), -1);
	CHECK_EQ(at(E_HOOK_UP), -1);
	CHECK_EQ(at(E_HOOK_DOWN), -1);
	CHECK_EQ(in.garp_left, 2);
	/* Within the interval, another: the answer is held back, and so is the burst. */
	nseen = 0;
	in.garp_left = 0;
	adv.adv.rx_ns += S / 2;
	step(&adv, adv.adv.rx_ns);
	CHECK_EQ(at(E_GARPS), -1);
	CHECK_EQ(in.garp_left, 0);
}

/* S9 as Master: priority 0 first, then the addresses, then the STOP script. */
static void test_shutdown_as_master(void)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };

	setup(true, false);
	takeover();
	nseen = 0;
	step(&stop, T_START + 11 * S);
	CHECK_EQ(at(E_PRIO0), 0);
	CHECK(at(E_VIPS_DEL) > at(E_PRIO0));
	CHECK(at(E_HOOK_STOP) > at(E_VIPS_DEL));
}

/* S9 as Backup: the STOP scripts (--notify-stop, --notify), told the state left. */
static void test_shutdown_as_backup(void)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };

	setup(true, false);
	step(&stop, T_START + 1 * S);
	CHECK_EQ(at(E_PRIO0), -1);
	CHECK_EQ(at(E_HOOK_STOP), nseen - 1);
	CHECK(!strcmp(hook_prev, "BACKUP"));
}

/* inst_resign: the priority 0 advert only; the addresses and the script wait for inst_stop. */
static void test_resign_leaves_the_rest(void)
{
	struct fsm_input stop = { .type = FSM_IN_SHUTDOWN };

	setup(true, false);
	takeover();
	nseen = 0;
	in.resigning = true;
	step(&stop, T_START + 11 * S);
	in.resigning = false;
	CHECK_EQ(at(E_PRIO0), 0);
	CHECK_EQ(at(E_VIPS_DEL), -1);
	CHECK_EQ(at(E_HOOK_STOP), -1);
	CHECK(in.stop_hook_due);
	CHECK_EQ(in.stop_hook_prev, FSM_MASTER);
}

/* -c: the advert and first GARP at once; the addresses and what follows them in vipq's job. */
static void test_takeover_queued(void)
{
	setup(true, true);
	takeover();
	CHECK_EQ(at(E_ADVERT), 0);
	CHECK_EQ(at(E_GARPS), 1);
	CHECK(at(E_PUSH) > at(E_PUBLISH));
	CHECK_EQ(at(E_VIPS_ADD), -1);
	CHECK_EQ(at(E_HOOK_UP), -1);
	CHECK_EQ(at(E_MAGIC), -1);
	CHECK_EQ(pushed.req.op, VIPQ_ADD);
	/* The job done (on vipq's thread, then on the loop): the rest follows. */
	pushed.owner = &in;
	inst_vipq_done(&pushed);
	CHECK(at(E_MAGIC) > at(E_PUSH));
	CHECK(at(E_HOOK_UP) > at(E_PUSH));
	CHECK_EQ(in.garp_left, 2);
}

/* A job done after a newer one was queued is not the latest: no GARPs or magic for it. */
static void test_stale_job_sends_nothing(void)
{
	struct vipq_job first;

	setup(true, true);
	takeover();
	first = pushed;
	first.owner = &in;
	in.vipq_seq++; /* another change was queued after it */
	nseen = 0;
	inst_vipq_done(&first);
	CHECK_EQ(at(E_MAGIC), -1);
	CHECK_EQ(at(E_GARPS), -1);
	/* Its script still runs: every transition's does, in order. */
	CHECK(at(E_HOOK_UP) >= 0);
}

int main(void)
{
	RUN(test_takeover_with_vmac);
	RUN(test_takeover_without_vmac);
	RUN(test_step_down);
	RUN(test_another_master);
	RUN(test_shutdown_as_master);
	RUN(test_shutdown_as_backup);
	RUN(test_resign_leaves_the_rest);
	RUN(test_takeover_queued);
	RUN(test_stale_job_sends_nothing);
	CHECK_EXIT();
}
