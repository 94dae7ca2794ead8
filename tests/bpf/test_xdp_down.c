// SPDX-License-Identifier: GPL-2.0
/*
 * The Master_Down_Timer in the kernel (vrrpd_down, a bpf_timer): an advert of the fast path
 * starts it for the Master_Down_Interval user/fsm.c computes, the next one moves it, and its
 * expiry pushes one VRRPD_EV_MASTER_DOWN event while the instance is still a Backup, none
 * otherwise. Rows of test_xdp (its fixture: test_xdp.h); they wait for real expiries, at a
 * 10 ms interval (Master_Down_Interval about 36 ms).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "check.h"
#include "fsm.h"
#include "pkt.h"
#include "test_xdp.h"
#include "vrrpd.skel.h"

#define DOWN_MASTER_IP htonl(0xc0000201) /* 192.0.2.1, the master I_FP follows */
#define DOWN_VIP htonl(0xc0000264) /* 192.0.2.100 */

enum down_check {
	DC_STARTED, /* the entry's times, nothing fired yet */
	DC_FIRES, /* one event after the expiry, and no second one */
	DC_RESTARTED, /* a second advert moves the expiry; one event, after the second */
	DC_NOT_BACKUP, /* the instance became Master before the expiry: no event */
	DC_DELETED, /* the controller deleted the entry: cancelled, no event */
	DC_NO_RING, /* the owner has no ring buffer: counted as lost */
	DC_EVENT_PATH, /* an advert that is an event (no master followed yet) starts nothing */
	DC_MADE_BY_VRRPD, /* made by vrrpd_down_init first (as vrrpd does): then as DC_FIRES */
};

struct down_case {
	const char *name;
	uint8_t version;
	uint8_t priority; /* ours: Skew_Time depends on it */
	uint16_t int_cs; /* the master's */
	enum down_check check;
};

static const struct down_case down_cases[] = {
	{ "down_started_v3_priority_100_1s", 3, 100, 100, DC_STARTED },
	{ "down_started_v3_priority_1_40_95s", 3, 1, 4095, DC_STARTED },
	{ "down_started_v3_priority_254_10ms", 3, 254, 1, DC_STARTED },
	{ "down_started_v2_priority_100_1s", 2, 100, 100, DC_STARTED },
	{ "down_expiry_pushes_one_event", 3, 100, 1, DC_FIRES },
	{ "down_next_advert_moves_expiry", 3, 100, 1, DC_RESTARTED },
	{ "down_no_event_once_master", 3, 100, 1, DC_NOT_BACKUP },
	{ "down_entry_deleted_cancels", 3, 100, 1, DC_DELETED },
	{ "down_no_ring_counted_lost", 3, 100, 1, DC_NO_RING },
	{ "down_event_path_starts_nothing", 3, 100, 1, DC_EVENT_PATH },
	{ "down_made_by_vrrpd_then_fires", 3, 100, 1, DC_MADE_BY_VRRPD },
};

#define NDOWN (sizeof(down_cases) / sizeof(down_cases[0]))

/* The instance a row uses: I_FP, its version, priority and master's interval set. */
static int down_setup(const struct down_case *c, struct vrrpd_key *key)
{
	enum inst_id id = c->check == DC_EVENT_PATH ? I_V3 : I_FP;
	struct vrrpd_rx rx = {};
	struct vrrpd_cfg cfg;

	*key = txdp_inst_key(id);
	if (txdp_state_reset(id, c->check == DC_NO_RING ? TW_NO_RING : TW_NONE) ||
	    bpf_map_lookup_elem(txdp_env.cfg_fd, key, &cfg))
		return -1;
	cfg.version = c->version;
	cfg.priority = cfg.cfg_priority = c->priority;
	cfg.master_adver_int_cs = c->int_cs;
	cfg.adver_int_cs = c->int_cs; /* v2 hears only its own interval (RFC 3768 7.1) */
	cfg.auth_type = VRRP_AUTH_NONE;
	/* The form of the master's last advert, which the fast path wants unchanged. */
	rx.csum_form = c->version == 3 ? VRRPD_CSUM_RFC9568 : VRRPD_CSUM_AUTO;
	return bpf_map_update_elem(txdp_env.cfg_fd, key, &cfg, BPF_EXIST) ||
			       bpf_map_update_elem(txdp_env.rx_fd, key, &rx, BPF_EXIST) ?
		       -1 :
		       0;
}

/* The master's advert, through the program: 0 when it was taken (recorded, then dropped). */
static int down_advert(const struct down_case *c, const struct vrrpd_key *key)
{
	static struct harness_out out;
	uint8_t frame[BUF_LEN];
	struct pkt_advert a;
	int len;

	memset(&a, 0, sizeof(a));
	a.version = c->version;
	a.vrid = key->vrid;
	a.priority = PEER_PRIO;
	a.adver_int_cs = c->int_cs;
	a.csum_form = VRRPD_CSUM_RFC9568;
	a.saddr = DOWN_MASTER_IP;
	memcpy(a.src_mac, (uint8_t[6]){ 0x00, 0x00, 0x5e, 0x00, 0x01, key->vrid }, 6);
	a.count = 1;
	a.addrs[0] = DOWN_VIP;
	len = pkt_build_advert(frame, sizeof(frame), &a);
	if (len <= 0)
		return -1;
	harness_run(&txdp_env, frame, (uint32_t)len, &out);
	return out.err || out.verdict != XDP_DROP ? -1 : 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Collects events into txdp_sink for ms milliseconds. */
static void down_collect(unsigned int ms)
{
	uint64_t end = harness_mono_ns() + ms * 1000000ull;

	memset(&txdp_sink, 0, sizeof(txdp_sink));
	while (harness_mono_ns() < end)
		ring_buffer__poll(txdp_env.rb, 10);
}

static void down_read(const struct vrrpd_key *key, struct vrrpd_down *d)
{
	memset(d, 0xee, sizeof(*d));
	CHECK_EQ(bpf_map_lookup_elem(txdp_env.down_fd, key, d), 0);
}

static void run_down_case(const struct down_case *c)
{
	uint64_t mdi = fsm_master_down_ns(c->version, c->priority, c->int_cs), first;
	struct vrrpd_down d, zero = { .ready = 0 };
	struct vrrpd_key key;
	struct vrrpd_cfg cfg;
	struct vrrpd_rx rx;

	if (down_setup(c, &key)) {
		CHECK(!"cannot set up the maps");
		return;
	}
	if (c->check == DC_EVENT_PATH) {
		/* Prime the fast path's own instance too: its entry must stay its own. */
		CHECK_EQ(down_advert(c, &key), 0);
		CHECK_EQ(txdp_events_take(), 1);
		CHECK_EQ(bpf_map_lookup_elem(txdp_env.down_fd, &key, &d), -ENOENT);
		return;
	}
	if (c->check == DC_MADE_BY_VRRPD) {
		/* As user/xdp.c does when an instance starts: ready, not started. */
		LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &key, .ctx_size_in = sizeof(key));

		CHECK_EQ(bpf_prog_test_run_opts(
				 bpf_program__fd(txdp_env.skel->progs.vrrpd_down_init), &run),
			 0);
		CHECK_EQ(run.retval, 0);
		down_read(&key, &d);
		CHECK_EQ(d.ready, 1);
		CHECK_EQ(d.from_ns, 0);
		CHECK_EQ(d.expires_ns, 0);
		down_collect(4 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 0); /* not started: nothing fires */
	}
	CHECK_EQ(down_advert(c, &key), 0);
	CHECK_EQ(txdp_events_take(), 0); /* the fast path wakes nobody */
	CHECK_EQ(bpf_map_lookup_elem(txdp_env.rx_fd, &key, &rx), 0);
	down_read(&key, &d);
	/* The timer itself reads as zeros; the rest is the program's account. */
	CHECK_MEM(&d.timer, &zero.timer, sizeof(d.timer));
	CHECK_EQ(d.from_ns, rx.confirm_ns);
	CHECK_EQ(d.expires_ns - d.from_ns, mdi);
	CHECK_EQ(d.ready, 1);
	CHECK_EQ(d.fired, 0);
	CHECK_EQ(d.lost, 0);
	first = d.expires_ns;

	switch (c->check) {
	case DC_STARTED:
	case DC_EVENT_PATH:
		break;
	case DC_FIRES:
	case DC_MADE_BY_VRRPD:
		down_collect(10 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 1);
		CHECK_EQ(txdp_sink.bad_size, 0);
		if (txdp_sink.n >= 1) {
			CHECK_EQ(txdp_sink.ev[0].type, VRRPD_EV_MASTER_DOWN);
			CHECK_MEM(&txdp_sink.ev[0].key, &key, sizeof(key));
			/* Never earlier than VRRPD_DOWN_EARLY_NS ahead of the expiry. */
			CHECK(txdp_sink.ev[0].ts_ns + VRRPD_DOWN_EARLY_NS >= first);
		}
		down_read(&key, &d);
		CHECK_EQ(d.fired, 1);
		CHECK_EQ(d.expires_ns, first);
		break;
	case DC_RESTARTED:
		sleep_ms(10);
		CHECK_EQ(down_advert(c, &key), 0);
		CHECK_EQ(bpf_map_lookup_elem(txdp_env.rx_fd, &key, &rx), 0);
		down_read(&key, &d);
		CHECK(d.expires_ns > first);
		CHECK_EQ(d.from_ns, rx.confirm_ns);
		CHECK_EQ(d.expires_ns - d.from_ns, mdi);
		first = d.expires_ns;
		down_collect(10 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 1);
		if (txdp_sink.n >= 1)
			CHECK(txdp_sink.ev[0].ts_ns + VRRPD_DOWN_EARLY_NS >= first);
		down_read(&key, &d);
		CHECK_EQ(d.fired, 1);
		break;
	case DC_NOT_BACKUP:
		CHECK_EQ(bpf_map_lookup_elem(txdp_env.cfg_fd, &key, &cfg), 0);
		cfg.state = VRRPD_ST_MASTER;
		CHECK_EQ(bpf_map_update_elem(txdp_env.cfg_fd, &key, &cfg, BPF_EXIST), 0);
		down_collect(4 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 0);
		down_read(&key, &d);
		CHECK_EQ(d.fired, 0);
		CHECK_EQ(d.lost, 0);
		break;
	case DC_DELETED:
		CHECK_EQ(bpf_map_delete_elem(txdp_env.down_fd, &key), 0);
		down_collect(4 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 0);
		break;
	case DC_NO_RING:
		down_collect(4 * (unsigned int)(mdi / 1000000));
		CHECK_EQ(txdp_sink.n, 0);
		down_read(&key, &d);
		CHECK_EQ(d.fired, 0);
		CHECK_EQ(d.lost, 1);
		break;
	}
}

size_t txdp_down_count(void)
{
	return NDOWN;
}

const char *txdp_down_name(size_t i)
{
	return down_cases[i].name;
}

int txdp_down_run(size_t i)
{
	check_failed_case = 0;
	if (i < NDOWN)
		run_down_case(&down_cases[i]);
	check_failures += check_failed_case != 0; /* main reports it; kept for check.h's sake */
	return check_failed_case;
}
