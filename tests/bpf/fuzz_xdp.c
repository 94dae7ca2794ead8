// SPDX-License-Identifier: GPL-2.0
/*
 * Differential fuzzing of the XDP program (bpf/vrrpd.bpf.c), issue 9. Frames from fuzz_gen.c and
 * fuzz_gen6.c (IPv4 and IPv6 adverts, ARP requests, Neighbor Solicitations, frames to a VMAC of
 * either family, other traffic and random bytes, most then mutated by fuzz_mut.c) go one at a
 * time through BPF_PROG_TEST_RUN, and everything the program can do is read back and compared
 * with what the reference model (xdp_model.c, xdp_model6.c) predicts for the same frame and the
 * same map contents:
 *
 * - the verdict, and the frame that comes out: the ARP reply or the Neighbor Advertisement byte
 *   for byte (and its length) for XDP_TX, the frame unchanged otherwise;
 * - every vrrpd_stats entry, summed over the CPUs: one key may move, by the predicted counters,
 *   each by one; no other entry may appear, change or go;
 * - every vrrpd_rx entry: the one predicted changes as predicted (last_ns within the run,
 *   confirm_ns with it on the fast path), the others not at all;
 * - our ring buffer: the predicted event, field by field, or none;
 * - vrrpd_cfg and vrrpd_vip, which the program only reads, at the end of every batch.
 *
 * The model's stateless half is tests/lib/pkt_parse.c and pkt6_parse.c, whose own tests rest on
 * frames encoded elsewhere; its per-instance half is written from CONFORMANCE.md (see xdp_model.c).
 * Where the two sides differ one of them is wrong: the run prints the seed, the frame and both
 * accounts and fails. Apart from agreement, a frame that pkt_parse_advert() and pkt6_parse_advert()
 * both reject, or the model rejects, must never be counted as received, take the fast path, raise
 * an event or touch vrrpd_rx.
 *
 * The map contents change every BATCH frames (fuzz_gen.c, gen_state()); between them vrrpd_rx
 * evolves as the program writes it, so that repeated adverts reach the fast path. The hash maps
 * are made small (MAP_ENTRIES) so that reading them whole after every frame is cheap.
 *
 * Usage: fuzz_xdp [--frames N] [--seconds T] [--seed S]; it stops at whichever limit comes first
 * (0: none), but not on time before COVERAGE_MIN_FRAMES, and fewer frames than that fail the
 * coverage check. The defaults, 200000 frames or 10 s, are the bounded run of make check.
 * --wrong-model runs against a model that forgets R2 (xdp_model.h): the run must find
 * disagreements, and says so in one result, fuzz_xdp_finds_wrong_model (make check runs it too).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fsm.h"
#include "fuzz_gen.h"
#include "pkt_parse.h"
#include "xdp_harness.h"
#include "xdp_model.h"

#define DFL_FRAMES 200000
#define DFL_SECONDS 10
#define BATCH 512
#define MAX_REPORTS 5
#define MAP_ENTRIES 64
#define SNAP_MAX MAP_ENTRIES
#define NVERDICTS 3 /* XDP_DROP, XDP_PASS, XDP_TX: 1, 2, 3 */
#define ACCEPTED (MODEL_CNT(adverts_rcvd) | MODEL_CNT(fast_path) | MODEL_CNT(events))
#define PROGRESS_EVERY 1000000 /* frames between two progress lines of a long run */
#define COVERAGE_MIN_FRAMES 20000 /* fewer may miss a rare counter by chance */

/* The counters summed over the CPUs, per key. */
struct snap {
	int n;
	struct vrrpd_key key[SNAP_MAX];
	uint64_t v[SNAP_MAX][MODEL_NSTATS];
};

/* One frame's run, and what it left in the maps. */
struct seen {
	struct harness_out out;
	uint64_t t0, t1;
	struct snap stats;
	uint32_t counters; /* every counter that moved by one, on any key */
	struct vrrpd_key key; /* the last key that moved (else the predicted one) */
	bool rx_moved;
	struct vrrpd_rx rx[MODEL_MAX_INST];
};

static struct {
	struct harness h;
	struct gen g;
	struct model_state st;
	struct model_pred pred;
	struct model_pred late; /* the same frame a moment later: see held_either() */
	struct seen seen;
	struct snap prev;
	struct harness_events sink;
	struct vrrpd_stats *percpu;
	uint64_t seed;
	char why[8192]; /* this frame's disagreements */
	size_t why_len;
	/* what was reached */
	uint64_t cov[NVERDICTS + 1][MODEL_NSTATS + 1];
	uint64_t cov_mutated[MODEL_NSTATS + 1]; /* the same, any verdict, mutated frames only */
	uint64_t kinds[GEN_KINDS][2];
	uint64_t frames, refused, accepted, fast, events, replies, maps_changed;
	uint64_t ipv6, accepted6, fast6, replies6; /* IPv6 frames, and of what the others count */
	uint64_t expiries; /* Master_Down_Timers that fired (VRRPD_EV_MASTER_DOWN) */
	uint64_t down_from[MODEL_MAX_INST]; /* each instance's vrrpd_down from_ns, 0: none */
	int disagreements, violations;
} fz;

/* A timeout (SIGTERM) or ^C ends the run through the teardown, which unpins the maps. */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static const char *verdict_name(uint32_t v)
{
	static const char *const names[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

static void why(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void why(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fz.why_len >= sizeof(fz.why) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(fz.why + fz.why_len, sizeof(fz.why) - fz.why_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		fz.why_len += (size_t)n;
	if (fz.why_len > sizeof(fz.why) - 1)
		fz.why_len = sizeof(fz.why) - 1;
}

static bool key_eq(const struct vrrpd_key *a, const struct vrrpd_key *b)
{
	uint64_t x, y;

	memcpy(&x, a, sizeof(x)); /* one word: this runs for every key of every frame */
	memcpy(&y, b, sizeof(y));
	return x == y;
}

_Static_assert(sizeof(struct vrrpd_key) == sizeof(uint64_t), "a key is one word");

static int snap_find(const struct snap *s, const struct vrrpd_key *key)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (key_eq(&s->key[i], key))
			return i;
	return -1;
}

/* The whole of vrrpd_stats in one BPF_MAP_LOOKUP_BATCH (it holds at most SNAP_MAX entries). */
static int snap_take(struct snap *s)
{
	uint32_t count = SNAP_MAX, token;
	int i, cpu, ret;
	size_t f;

	ret = bpf_map_lookup_batch(fz.h.stats_fd, NULL, &token, s->key, fz.percpu, &count, NULL);
	if (ret && errno != ENOENT) /* ENOENT: the whole map fitted */
		return -errno;
	s->n = (int)count;
	for (i = 0; i < s->n; i++) {
		const __u64 *v = (const __u64 *)&fz.percpu[(size_t)i * (size_t)fz.h.ncpus];

		for (f = 0; f < MODEL_NSTATS; f++) {
			s->v[i][f] = 0;
			for (cpu = 0; cpu < fz.h.ncpus; cpu++)
				s->v[i][f] +=
					v[(size_t)cpu * (sizeof(struct vrrpd_stats) / sizeof(__u64)) +
					  f];
		}
	}
	return 0;
}

static const char *key_str(const struct vrrpd_key *k)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "{if %u vlan %u %s vrid %u}", k->ifindex, k->vlan,
		 k->family == MODEL_FAMILY_IPV6 ? "ipv6" : "ipv4", k->vrid);
	return buf;
}

/*
 * A Master_Down_Timer a fast-path advert started may expire while the run goes on (intervals
 * go down to 10 ms): its event is no frame's. It must be for a Backup, and not from the future;
 * it leaves the sink, which then holds what the frame pushed.
 */
static void expiries_take(void)
{
	int i, j, kept = 0, n = fz.sink.n < 8 ? fz.sink.n : 8;
	uint64_t now = harness_mono_ns();

	for (i = 0; i < n; i++) {
		const struct vrrpd_event *ev = &fz.sink.ev[i];
		const struct model_inst *in = NULL;

		if (ev->type != VRRPD_EV_MASTER_DOWN) {
			fz.sink.ev[kept++] = *ev;
			continue;
		}
		fz.expiries++;
		for (j = 0; j < fz.st.ninst; j++)
			if (key_eq(&fz.st.inst[j].key, &ev->key))
				in = &fz.st.inst[j];
		if (!in || in->cfg.state != VRRPD_ST_BACKUP || ev->ts_ns > now)
			why("a Master_Down expiry for %s (%s), at %" PRIu64 " (now %" PRIu64 ")\n",
			    key_str(&ev->key), in ? "not a Backup" : "no such instance",
			    (uint64_t)ev->ts_ns, now);
	}
	fz.sink.n -= n - kept;
}

static void events_take(void)
{
	memset(&fz.sink, 0, sizeof(fz.sink));
	ring_buffer__consume(fz.h.rb);
	expiries_take();
}

/*
 * The Master_Down_Timer (vrrpd_down): a fast-path advert starts its instance's from its arrival
 * for the Master_Down_Interval the controller computes (user/fsm.c); nothing else starts one.
 */
static void check_down(void)
{
	struct vrrpd_down d;
	int i;

	if (!fz.h.down_timer)
		return;
	for (i = 0; i < fz.st.ninst; i++) {
		const struct model_inst *in = &fz.st.inst[i];
		bool started = fz.pred.fast_path && i == fz.pred.rx_inst;
		uint64_t from = 0, mdi;

		if (!bpf_map_lookup_elem(fz.h.down_fd, &in->key, &d))
			from = d.from_ns;
		if (!started) {
			if (from != fz.down_from[i])
				why("vrrpd_down %s started at %" PRIu64 " (before: %" PRIu64
				    "), by no fast-path advert\n",
				    key_str(&in->key), from, fz.down_from[i]);
			continue;
		}
		mdi = fsm_master_down_ns(in->cfg.version, in->cfg.priority,
					 in->cfg.master_adver_int_cs);
		if (!from || from != fz.seen.rx[i].confirm_ns || d.expires_ns - from != mdi)
			why("vrrpd_down %s from %" PRIu64 " expires %" PRIu64
			    "; expected from the advert's arrival %" PRIu64 " for %" PRIu64 " ns\n",
			    key_str(&in->key), from, from ? (uint64_t)d.expires_ns : 0,
			    (uint64_t)fz.seen.rx[i].confirm_ns, mdi);
		fz.down_from[i] = from;
	}
}

/* The vrrpd_vip key of a VIP: IPv4 in the first 4 bytes, the others zero. */
static struct vrrpd_vip_key vip_key(const struct model_vip *vip)
{
	struct vrrpd_vip_key vk = { .ifindex = fz.st.ifindex, .family = vip->family };

	memcpy(vk.addr, &vip->addr, sizeof(vk.addr));
	return vk;
}

_Static_assert(sizeof(((struct vrrpd_vip_key *)0)->addr) == sizeof(union vrrpd_addr),
	       "16-byte addresses");

/* Installs fz.st: empty maps, then the instances, their vrrpd_rx and the VIPs. */
static int state_install(void)
{
	struct vrrpd_vip_key vk;
	int i;

	events_take();
	harness_map_clear(fz.h.cfg_fd);
	harness_map_clear(fz.h.rx_fd);
	harness_map_clear(fz.h.vip_fd);
	harness_map_clear(fz.h.peer_fd);
	harness_map_clear(fz.h.stats_fd);
	harness_map_clear(fz.h.down_fd); /* cancels the timers of the last state */
	memset(fz.down_from, 0, sizeof(fz.down_from));
	fz.prev.n = 0;
	for (i = 0; i < fz.st.ninst; i++) {
		const struct model_inst *in = &fz.st.inst[i];

		if (bpf_map_update_elem(fz.h.cfg_fd, &in->key, &in->cfg, BPF_NOEXIST))
			return -errno;
		if (in->has_rx && bpf_map_update_elem(fz.h.rx_fd, &in->key, &in->rx, BPF_NOEXIST))
			return -errno;
	}
	for (i = 0; i < fz.st.nvip; i++) {
		vk = vip_key(&fz.st.vip[i]);
		if (bpf_map_update_elem(fz.h.vip_fd, &vk, &fz.st.vip[i].key, BPF_NOEXIST))
			return -errno;
	}
	for (i = 0; i < fz.st.npeer; i++) {
		struct vrrpd_peer_key pk = { .key = fz.st.peer[i].key };
		__u32 unused = 0;

		memcpy(pk.addr, &fz.st.peer[i].addr, sizeof(pk.addr));
		if (bpf_map_update_elem(fz.h.peer_fd, &pk, &unused, BPF_NOEXIST))
			return -errno;
	}
	return 0;
}

/* The program only reads vrrpd_cfg and vrrpd_vip: they hold what was installed. */
static bool maps_unchanged(void)
{
	struct vrrpd_vip_key vk;
	struct vrrpd_cfg cfg;
	struct vrrpd_key key;
	int i;

	for (i = 0; i < fz.st.ninst; i++)
		if (bpf_map_lookup_elem(fz.h.cfg_fd, &fz.st.inst[i].key, &cfg) ||
		    memcmp(&cfg, &fz.st.inst[i].cfg, sizeof(cfg)))
			return false;
	for (i = 0; i < fz.st.nvip; i++) {
		vk = vip_key(&fz.st.vip[i]);
		if (bpf_map_lookup_elem(fz.h.vip_fd, &vk, &key) || !key_eq(&key, &fz.st.vip[i].key))
			return false;
	}
	return true;
}

/* An address of the family, printable; four calls may share one printf. */
static const char *addr_str(uint8_t family, const union vrrpd_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static unsigned int next;
	char *b = buf[next++ % 4];

	if (!inet_ntop(family == MODEL_FAMILY_IPV6 ? AF_INET6 : AF_INET, a, b, INET6_ADDRSTRLEN))
		snprintf(b, INET6_ADDRSTRLEN, "?");
	return b;
}

/* Verdict and bytes out: the reply for XDP_TX (ARP, NA), the frame as it came otherwise. */
static void check_output(const uint8_t *frame, size_t len)
{
	const struct harness_out *o = &fz.seen.out;
	const uint8_t *want = fz.pred.verdict == XDP_TX ? fz.pred.out : frame;
	size_t i;

	if (fz.pred.verdict == XDP_TX)
		len = fz.pred.out_len;
	if (o->verdict != fz.pred.verdict)
		why("verdict %s, expected %s\n", verdict_name(o->verdict),
		    verdict_name(fz.pred.verdict));
	if (o->len != len) {
		why("%u bytes out, expected %zu\n", o->len, len);
		return;
	}
	for (i = 0; i < len; i++)
		if (o->data[i] != want[i]) {
			why("byte %zu out: %02x, expected %02x\n", i, o->data[i], want[i]);
			return;
		}
}

/* Each entry of vrrpd_stats against fz.prev: only fz.pred.key moves, by fz.pred.counters. */
static void check_stats(void)
{
	const struct snap *s = &fz.seen.stats;
	uint64_t zero[MODEL_NSTATS] = { 0 };
	int i, j;
	size_t f;

	fz.seen.counters = 0;
	fz.seen.key = fz.pred.key;
	for (i = 0; i < s->n; i++) {
		bool mine = key_eq(&s->key[i], &fz.pred.key) && fz.pred.counters;
		const uint64_t *old;
		bool moved = false;

		j = snap_find(&fz.prev, &s->key[i]);
		old = j >= 0 ? fz.prev.v[j] : zero;
		for (f = 0; f < MODEL_NSTATS; f++) {
			uint64_t d = s->v[i][f] - old[f],
				 w = mine ? (fz.pred.counters >> f) & 1 : 0;

			if (d == 1)
				fz.seen.counters |= 1u << f;
			moved |= d != 0;
			if (d != w)
				why("counter %s on %s: %+" PRId64 ", expected %+" PRId64 "\n",
				    model_stat_name((unsigned int)f), key_str(&s->key[i]),
				    (int64_t)d, (int64_t)w);
		}
		if (moved)
			fz.seen.key = s->key[i];
		if (j < 0 && !moved)
			why("vrrpd_stats entry %s created, no counter moved\n",
			    key_str(&s->key[i]));
	}
	for (j = 0; j < fz.prev.n; j++)
		if (snap_find(s, &fz.prev.key[j]) < 0)
			why("vrrpd_stats entry %s gone\n", key_str(&fz.prev.key[j]));
	if (fz.pred.counters && snap_find(s, &fz.pred.key) < 0)
		why("no vrrpd_stats entry for %s\n", key_str(&fz.pred.key));
}

/* Each vrrpd_rx entry against the model's; the one that changes, as predicted. */
static void check_rx(void)
{
	struct vrrpd_key keys[SNAP_MAX];
	struct vrrpd_rx vals[SNAP_MAX];
	uint32_t count = SNAP_MAX, token;
	int i, j, want = 0;

	fz.seen.rx_moved = false;
	if (bpf_map_lookup_batch(fz.h.rx_fd, NULL, &token, keys, vals, &count, NULL) &&
	    errno != ENOENT) {
		why("cannot read vrrpd_rx: %s\n", strerror(errno));
		return;
	}
	for (i = 0; i < fz.st.ninst; i++) {
		const struct model_inst *in = &fz.st.inst[i];
		struct vrrpd_rx exp = in->rx, *got = NULL;

		if (!in->has_rx)
			continue;
		want++;
		for (j = 0; j < (int)count; j++)
			if (key_eq(&keys[j], &in->key))
				got = &vals[j];
		if (!got) {
			why("vrrpd_rx entry %s gone\n", key_str(&in->key));
			continue;
		}
		fz.seen.rx[i] = *got;
		if (memcmp(got, &in->rx, sizeof(*got)))
			fz.seen.rx_moved = true;
		if (i == fz.pred.rx_inst) {
			exp = fz.pred.rx;
			if (got->last_ns < fz.seen.t0 || got->last_ns > fz.seen.t1)
				why("vrrpd_rx %s last_ns %" PRIu64 " outside the run [%" PRIu64
				    ", %" PRIu64 "]\n",
				    key_str(&in->key), (uint64_t)got->last_ns, fz.seen.t0,
				    fz.seen.t1);
			exp.last_ns = got->last_ns;
			exp.confirm_ns = fz.pred.fast_path ? got->last_ns : in->rx.confirm_ns;
			if (fz.pred.event_ns_set && got->event_ns != got->last_ns)
				why("vrrpd_rx %s event_ns %" PRIu64
				    ", expected the arrival %" PRIu64 "\n",
				    key_str(&in->key), (uint64_t)got->event_ns,
				    (uint64_t)got->last_ns);
			exp.event_ns = fz.pred.event_ns_set ? got->event_ns : in->rx.event_ns;
		}
		if (memcmp(got, &exp, sizeof(*got)))
			why("vrrpd_rx %s: master %s prio %u int %u form %u adverts %" PRIu64
			    " confirm %" PRIu64
			    "; expected master %s prio %u int %u form %u adverts %" PRIu64
			    " confirm %" PRIu64 "%s\n",
			    key_str(&in->key), addr_str(in->key.family, &got->master_ip),
			    got->priority, got->adver_int_cs, got->csum_form,
			    (uint64_t)got->adverts, (uint64_t)got->confirm_ns,
			    addr_str(in->key.family, &exp.master_ip), exp.priority,
			    exp.adver_int_cs, exp.csum_form, (uint64_t)exp.adverts,
			    (uint64_t)exp.confirm_ns,
			    i == fz.pred.rx_inst ? "" : " (no change expected)");
	}
	if ((int)count != want)
		why("vrrpd_rx holds %u entries, expected %d\n", count, want);
}

static void check_event(void)
{
	struct vrrpd_event want = fz.pred.ev;
	const struct vrrpd_event *ev = &fz.sink.ev[0];

	if (fz.sink.n != (fz.pred.event ? 1 : 0) || fz.sink.bad_size) {
		why("%d events (%d of a bad size), expected %d\n", fz.sink.n, fz.sink.bad_size,
		    fz.pred.event ? 1 : 0);
		return;
	}
	if (!fz.pred.event)
		return;
	if (ev->ts_ns < fz.seen.t0 || ev->ts_ns > fz.seen.t1)
		why("event ts_ns outside the run\n");
	if (fz.pred.rx_inst >= 0 && ev->ts_ns != fz.seen.rx[fz.pred.rx_inst].last_ns)
		why("event ts_ns differs from vrrpd_rx last_ns\n");
	want.ts_ns = ev->ts_ns;
	if (memcmp(ev, &want, sizeof(want)))
		why("event: prio %u int %u version %u form %u count %u saddr %s addr0 %s; "
		    "expected prio %u int %u version %u form %u count %u saddr %s addr0 %s\n",
		    ev->priority, ev->adver_int_cs, ev->version, ev->csum_form, ev->count,
		    addr_str(want.key.family, &ev->saddr), addr_str(want.key.family, &ev->addrs[0]),
		    want.priority, want.adver_int_cs, want.version, want.csum_form, want.count,
		    addr_str(want.key.family, &want.saddr),
		    addr_str(want.key.family, &want.addrs[0]));
}

static void print_counters(const char *what, uint32_t verdict, const struct vrrpd_key *key,
			   uint32_t counters)
{
	unsigned int f;

	printf("#   %s: %s, %s", what, verdict_name(verdict),
	       counters ? key_str(key) : "no counter");
	for (f = 0; f < MODEL_NSTATS; f++)
		if (counters >> f & 1)
			printf(" +%s", model_stat_name(f));
	printf("\n");
}

static void report(const char *title, const uint8_t *frame, size_t len, uint64_t batch,
		   enum gen_kind kind, bool mutated)
{
	const struct model_inst *in;
	size_t i;
	int j;

	printf("# %s: seed %" PRIu64 " frame %" PRIu64 " (batch %" PRIu64 ", %s%s), %zu bytes\n",
	       title, fz.seed, fz.frames, batch, gen_kind_name(kind), mutated ? ", mutated" : "",
	       len);
	for (i = 0; i < len; i += 16) {
		printf("#   %04zx:", i);
		for (j = 0; j < 16 && i + (size_t)j < len; j++)
			printf(" %02x", frame[i + (size_t)j]);
		printf("\n");
	}
	print_counters("model  ", fz.pred.verdict, &fz.pred.key, fz.pred.counters);
	printf("#            rx %d%s, event %s\n", fz.pred.rx_inst,
	       fz.pred.fast_path ? " (fast path)" : "", fz.pred.event ? "yes" : "no");
	print_counters("program", fz.seen.out.verdict, &fz.seen.key, fz.seen.counters);
	printf("#            rx %s, %d events\n", fz.seen.rx_moved ? "changed" : "unchanged",
	       fz.sink.n);
	for (i = 0, j = 0; i < fz.why_len; i++) {
		if (j == 0)
			printf("#   - ");
		putchar(fz.why[i]);
		j = fz.why[i] != '\n';
	}
	for (j = 0; j < fz.st.ninst; j++) {
		in = &fz.st.inst[j];
		printf("#   inst %d %s: v%u state %u prio %u/%u flags %#x auth %u int %u;"
		       " master %s prio %u int %u; pid %s; rx %s form %u\n",
		       j, key_str(&in->key), in->cfg.version, in->cfg.state, in->cfg.priority,
		       in->cfg.cfg_priority, in->cfg.flags, in->cfg.auth_type, in->cfg.adver_int_cs,
		       addr_str(in->key.family, &in->cfg.master_ip), in->cfg.master_priority,
		       in->cfg.master_adver_int_cs,
		       in->cfg.owner_pid == fz.st.ring_pid ? "ours" : "other",
		       in->has_rx ? "yes" : "no", in->rx.csum_form);
	}
	printf("#   reproduce: fuzz_xdp --seed %" PRIu64 " --frames %" PRIu64 " --seconds 0\n",
	       fz.seed, fz.frames + 1);
}

/* Counters on keys that are neither an instance nor VRID 0 of an instance's VLAN go away. */
static void prune_stats(void)
{
	struct snap *s = &fz.seen.stats;
	struct vrrpd_key none;
	int i, j;

	for (i = 0; i < s->n; i++) {
		bool keep = model_find(&fz.st, &s->key[i]) != NULL;

		for (j = 0; !keep && j < fz.st.ninst; j++) {
			none = fz.st.inst[j].key;
			none.vrid = 0;
			keep = key_eq(&none, &s->key[i]);
		}
		if (keep)
			continue;
		bpf_map_delete_elem(fz.h.stats_fd, &s->key[i]);
		s->key[i] = s->key[s->n - 1];
		memcpy(s->v[i], s->v[s->n - 1], sizeof(s->v[i]));
		s->n--;
		i--;
	}
	fz.prev = *s;
}

/* One frame: predict, run, read back, compare. Returns -errno if the maps cannot be read. */
/*
 * The program reads its clock somewhere between t0 and t1. An advert that can change nothing is
 * held back until an Advertisement_Interval after the last event: if that moment falls within
 * the run, both accounts are right, and the events_held counter tells which one happened.
 */
static void held_either(void)
{
	const size_t f = offsetof(struct vrrpd_stats, events_held) / sizeof(uint64_t);
	const struct snap *s = &fz.seen.stats;
	bool held_late = fz.late.counters & MODEL_CNT(events_held);
	uint64_t before = 0;
	int i, j;

	if (!((fz.late.counters ^ fz.pred.counters) & MODEL_CNT(events_held)))
		return;
	i = snap_find(s, &fz.late.key);
	j = snap_find(&fz.prev, &fz.late.key);
	if (j >= 0)
		before = fz.prev.v[j][f];
	if (i >= 0 && (s->v[i][f] - before == 1) == held_late)
		fz.pred = fz.late;
}

static int fuzz_one(const uint8_t *frame, size_t len, uint64_t batch, enum gen_kind kind,
		    bool mutated)
{
	static struct pkt6_advert a6;
	struct pkt_advert a;
	bool parsed, invalid;
	uint16_t proto, vlan;
	int i, ret;

	fz.why_len = 0;
	fz.seen.t0 = harness_mono_ns();
	model_predict(&fz.st, fz.seen.t0, frame, len, &fz.pred);
	harness_run(&fz.h, frame, (uint32_t)len, &fz.seen.out);
	fz.seen.t1 = harness_mono_ns();
	if (fz.seen.out.err) {
		/*
		 * The kernel refuses a frame shorter than the Ethernet header (net/bpf/test_run.c:
		 * data_size_in < ETH_HLEN, EINVAL), which a driver never hands XDP either; any
		 * other refusal is a failure of the run, not an agreement.
		 */
		fz.refused++;
		return fz.seen.out.err == -EINVAL && len < ETH_HLEN ? 0 : fz.seen.out.err;
	}
	ret = snap_take(&fz.seen.stats);
	if (ret)
		return ret;
	model_predict(&fz.st, fz.seen.t1, frame, len, &fz.late);
	held_either();
	events_take();
	check_output(frame, len);
	check_stats();
	check_rx();
	check_event();
	check_down();

	/* The invariant, whatever the model says: nothing invalid is received. */
	parsed = pkt_parse_advert(frame, len, &a, NULL) == 0 ||
		 pkt6_parse_advert(frame, len, &a6, NULL) == 0;
	invalid = !parsed || !fz.pred.advert;
	if (invalid && ((fz.seen.counters & ACCEPTED) || fz.seen.rx_moved || fz.sink.n)) {
		fz.violations++;
		why("an invalid advert (pkt_parse_advert/pkt6_parse_advert %s, model %s) was "
		    "received\n",
		    parsed ? "accepts" : "rejects", fz.pred.advert ? "accepts" : "rejects");
	}
	if (fz.why_len && ++fz.disagreements <= (model_wrong_r2 ? 1 : MAX_REPORTS))
		report("DISAGREEMENT", frame, len, batch, kind, mutated);

	/* Go on from what the program did, right or wrong. */
	for (i = 0; i < fz.st.ninst; i++)
		if (fz.st.inst[i].has_rx)
			fz.st.inst[i].rx = fz.seen.rx[i];
	prune_stats();

	fz.kinds[kind][mutated]++;
	fz.ipv6 += pkt_parse_eth(frame, len, &proto, &vlan) >= 0 && proto == 0x86dd;
	if (fz.seen.out.verdict <= NVERDICTS) {
		uint64_t *row = fz.cov[fz.seen.out.verdict];
		unsigned int f;

		row[MODEL_NSTATS] += !fz.seen.counters;
		fz.cov_mutated[MODEL_NSTATS] += mutated && !fz.seen.counters;
		for (f = 0; f < MODEL_NSTATS; f++) {
			row[f] += fz.seen.counters >> f & 1;
			fz.cov_mutated[f] += mutated && (fz.seen.counters >> f & 1);
		}
	}
	fz.accepted += !!(fz.seen.counters & MODEL_CNT(adverts_rcvd));
	fz.fast += !!(fz.seen.counters & MODEL_CNT(fast_path));
	fz.events += (uint64_t)fz.sink.n;
	fz.replies += fz.seen.out.verdict == XDP_TX;
	if (fz.seen.key.family == MODEL_FAMILY_IPV6) {
		fz.accepted6 += !!(fz.seen.counters & MODEL_CNT(adverts_rcvd));
		fz.fast6 += !!(fz.seen.counters & MODEL_CNT(fast_path));
		fz.replies6 += fz.seen.out.verdict == XDP_TX;
	}
	return 0;
}

/* The table a reader checks that every rule was reached with; 0 when all counters were. */
static int print_coverage(char *missing, size_t len)
{
	static const uint32_t verdicts[] = { XDP_PASS, XDP_DROP, XDP_TX };
	size_t f, v, off = 0;
	int n = 0;

	printf("# %-22s %10s %10s %10s %10s\n", "frames moving", "PASS", "DROP", "TX", "(mutated)");
	for (f = 0; f <= MODEL_NSTATS; f++) {
		uint64_t sum = 0;

		printf("# %-22s",
		       f < MODEL_NSTATS ? model_stat_name((unsigned int)f) : "(nothing)");
		for (v = 0; v < 3; v++) {
			printf(" %10" PRIu64, fz.cov[verdicts[v]][f]);
			sum += fz.cov[verdicts[v]][f];
		}
		printf(" %10" PRIu64 "\n", fz.cov_mutated[f]);
		if (!sum && f < MODEL_NSTATS) {
			off += (size_t)snprintf(missing + off, off < len ? len - off : 0, "%s%s",
						n ? ", " : "", model_stat_name((unsigned int)f));
			n++;
		}
	}
	for (v = 0; v < GEN_KINDS; v++)
		printf("# kind %-8s %10" PRIu64 " as built, %10" PRIu64 " mutated\n",
		       gen_kind_name((enum gen_kind)v), fz.kinds[v][0], fz.kinds[v][1]);
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz_xdp [--frames N] [--seconds T] [--seed S] [--wrong-model]\n"
		"  stops after N frames or T seconds, whichever first (0: no limit);\n"
		"  defaults %d frames, %d s, a random seed\n"
		"  --wrong-model: against a model without R2, which it must find disagreements with\n",
		DFL_FRAMES, DFL_SECONDS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "frames", required_argument, NULL, 'n' },
					      { "seconds", required_argument, NULL, 't' },
					      { "seed", required_argument, NULL, 's' },
					      { "wrong-model", no_argument, NULL, 'w' },
					      { NULL, 0, NULL, 0 } };
	uint64_t max_frames = DFL_FRAMES, batch = 0, start, elapsed_ns = 0;
	uint64_t progress = PROGRESS_EVERY;
	static uint8_t frame[GEN_MAX_FRAME];
	double max_s = DFL_SECONDS, secs;
	char reason[256], missing[512] = "";
	enum gen_kind kind;
	bool mutated, ok = true;
	int c, ret, uncovered;
	size_t len;

	fz.seed = harness_mono_ns() ^ ((uint64_t)getpid() << 32);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			max_frames = strtoull(optarg, NULL, 0);
			break;
		case 't':
			max_s = strtod(optarg, NULL);
			break;
		case 's':
			fz.seed = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			model_wrong_r2 = true;
			break;
		default:
			usage();
			return 2;
		}
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	ret = harness_setup(&fz.h, "fuzz_xdp", MAP_ENTRIES, harness_on_event, &fz.sink, reason,
			    sizeof(reason));
	if (!ret) {
		fz.percpu = calloc((size_t)SNAP_MAX * (size_t)fz.h.ncpus, sizeof(*fz.percpu));
		if (!fz.percpu) {
			snprintf(reason, sizeof(reason), "out of memory");
			ret = -ENOMEM;
		}
	}
	if (ret) {
		harness_teardown(&fz.h);
		if (ret > 0) {
			printf("skip fuzz_xdp: %s\n", reason);
			return 0;
		}
		printf("not ok fuzz_xdp_setup: %s\n", reason);
		return 1;
	}
	printf("# fuzz_xdp: seed %" PRIu64 ", up to %" PRIu64 " frames and %g s (0: no limit)\n",
	       fz.seed, max_frames, max_s);
	fflush(stdout);

	gen_init(&fz.g, fz.seed);
	start = harness_mono_ns();
	while ((!max_frames || fz.frames < max_frames) && !stop) {
		if (fz.frames % BATCH == 0) {
			if (fz.frames && !maps_unchanged())
				fz.maps_changed++;
			elapsed_ns = harness_mono_ns() - start;
			/* The time limit never stops a run before it can judge coverage. */
			if (max_s > 0 && elapsed_ns >= max_s * 1e9 &&
			    fz.frames >= COVERAGE_MIN_FRAMES)
				break;
			if (fz.frames >= progress) {
				printf("# %" PRIu64 " frames, %.0f s, %d disagreements\n",
				       fz.frames, (double)elapsed_ns / 1e9, fz.disagreements);
				fflush(stdout);
				progress += PROGRESS_EVERY;
			}
			gen_state(&fz.g, &fz.st, (uint32_t)getpid(), harness_mono_ns());
			ret = state_install();
			batch = fz.frames / BATCH;
			if (ret) {
				printf("not ok fuzz_xdp: cannot install the map contents: %s\n",
				       strerror(-ret));
				ok = false;
				break;
			}
		}
		len = gen_frame(&fz.g, &fz.st, frame, &kind, &mutated);
		ret = fuzz_one(frame, len, batch, kind, mutated);
		if (ret) {
			printf("not ok fuzz_xdp: frame %" PRIu64 ": %s\n", fz.frames,
			       strerror(-ret));
			ok = false;
			break;
		}
		fz.frames++;
		if (fz.disagreements >= MAX_REPORTS)
			break;
	}
	if (ok && fz.frames % BATCH && !maps_unchanged())
		fz.maps_changed++;
	elapsed_ns = harness_mono_ns() - start;
	secs = (double)elapsed_ns / 1e9;
	harness_teardown(&fz.h);
	free(fz.percpu);

	uncovered = model_wrong_r2 ? 0 : print_coverage(missing, sizeof(missing));
	printf("# fuzz_xdp: %" PRIu64 " frames (seed %" PRIu64 "), %" PRIu64
	       " IPv6 (%.1f%%); %" PRIu64 " accepted adverts (%" PRIu64 " IPv6), %" PRIu64
	       " fast path (%" PRIu64 " IPv6), %" PRIu64 " events, %" PRIu64
	       " Master_Down expiries, %" PRIu64 " ARP/NA replies (%" PRIu64 " NA), %" PRIu64
	       " refused by the kernel, in %.1f s (%.0f frames/s)\n",
	       fz.frames, fz.seed, fz.ipv6,
	       fz.frames ? 100.0 * (double)fz.ipv6 / (double)fz.frames : 0.0, fz.accepted,
	       fz.accepted6, fz.fast, fz.fast6, fz.events, fz.expiries, fz.replies, fz.replies6,
	       fz.refused, secs, secs > 0 ? (double)fz.frames / secs : 0.0);
	if (stop)
		printf("not ok fuzz_xdp: stopped by signal %d after %" PRIu64 " frames\n",
		       (int)stop, fz.frames);
	if (!ok || stop)
		return 1;
	if (model_wrong_r2) {
		/* The proof that the comparison can fail: a model without R2 must be caught. */
		if (fz.disagreements)
			printf("ok fuzz_xdp_finds_wrong_model\n# fuzz_xdp_finds_wrong_model: %d "
			       "disagreements in %" PRIu64 " frames\n",
			       fz.disagreements, fz.frames);
		else
			printf("not ok fuzz_xdp_finds_wrong_model: a model without R2 agreed with "
			       "the program on %" PRIu64 " frames (seed %" PRIu64 ")\n",
			       fz.frames, fz.seed);
		return fz.disagreements ? 0 : 1;
	}
	if (fz.disagreements)
		printf("not ok fuzz_xdp_agreement: %d frames where the program and the model differ"
		       " (seed %" PRIu64 ")\n",
		       fz.disagreements, fz.seed);
	else
		printf("ok fuzz_xdp_agreement\n");
	if (fz.violations)
		printf("not ok fuzz_xdp_no_invalid_accepted: %d (seed %" PRIu64 ")\n",
		       fz.violations, fz.seed);
	else
		printf("ok fuzz_xdp_no_invalid_accepted\n");
	if (fz.maps_changed)
		printf("not ok fuzz_xdp_cfg_vip_untouched: %" PRIu64 " batches\n", fz.maps_changed);
	else
		printf("ok fuzz_xdp_cfg_vip_untouched\n");
	if (fz.frames < COVERAGE_MIN_FRAMES) {
		printf("not ok fuzz_xdp_coverage: %" PRIu64 " frames, fewer than the %d it takes "
		       "(--frames)\n",
		       fz.frames, COVERAGE_MIN_FRAMES);
		uncovered = 1;
	} else if (uncovered) {
		printf("not ok fuzz_xdp_coverage: never moved: %s (seed %" PRIu64 ")\n", missing,
		       fz.seed);
	} else {
		printf("ok fuzz_xdp_coverage\n");
	}
	return fz.disagreements || fz.violations || fz.maps_changed || uncovered ? 1 : 0;
}
